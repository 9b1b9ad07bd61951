"""The Django admin of the registry: provider admins only, read-only, lifecycle through the
services."""

from __future__ import annotations

import pytest

from tenants.models import Client, ClientEvent, ClientStatus


@pytest.mark.django_db
def test_provider_admin_reads_the_registry(signed_in, provider_admin, client_a):
    web = signed_in(provider_admin)
    for url in (
        "/admin/tenants/client/",
        f"/admin/tenants/client/{client_a.pk}/change/",
        "/admin/tenants/clientevent/",
        "/admin/tenants/onboardingrun/",
        "/admin/tenants/schemasnapshot/",
    ):
        assert web.get(url).status_code == 200, url
    # nothing is added or edited in place
    assert web.get("/admin/tenants/client/add/").status_code == 403
    page = web.get(f"/admin/tenants/client/{client_a.pk}/change/").content.decode()
    assert 'name="_save"' not in page


@pytest.mark.django_db
def test_admin_is_closed_to_other_staff(signed_in, account_manager):
    response = signed_in(account_manager).get("/admin/tenants/client/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_admin_actions_go_through_the_lifecycle_service(signed_in, provider_admin, client_a):
    web = signed_in(provider_admin)
    # when suspending from the admin
    web.post(
        "/admin/tenants/client/",
        {"action": "suspend", "_selected_action": [client_a.pk]},
    )
    # then the change and its audit entry are written
    assert Client.objects.get(pk=client_a.pk).status == ClientStatus.SUSPENDED
    event = ClientEvent.objects.filter(client=client_a).first()
    assert (event.after, event.actor) == ({"status": "suspended"}, provider_admin)
    # and going live is refused with the service's message
    response = web.post(
        "/admin/tenants/client/",
        {"action": "go_live", "_selected_action": [client_a.pk]},
        follow=True,
    )
    assert any(
        "The pilot checklist is not complete" in str(message)
        for message in response.context["messages"]
    )
    assert Client.objects.get(pk=client_a.pk).status == ClientStatus.SUSPENDED
