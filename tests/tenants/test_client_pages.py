"""The client list and the client overview pages, with the lifecycle actions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tenants import pilot
from tenants.models import Client, ClientEvent, ClientStatus
from tests.tenants.helpers import registry_counts

LIST_URL = "/clients/"


def make_registry_rows(count: int, prefix: str = "listed") -> None:
    """Registry rows without schemas: enough for pages that never open a client's schema."""
    Client.objects.bulk_create(
        Client(
            schema_name=f"c_{prefix}_{index:03d}",
            slug=f"{prefix}-{index:03d}",
            name=f"{prefix.title()} {index:03d}",
            legal_name=f"{prefix.title()} {index:03d} Inc.",
            country="MX",
            time_zone="America/Mexico_City",
            currency="MXN",
            billing_model="per_agent",
        )
        for index in range(count)
    )


def overview_url(client) -> str:
    return reverse("client:overview", args=[client.slug])


def status_url(client) -> str:
    return reverse("client:change_status", args=[client.slug])


# --- client list ---------------------------------------------------------------------------------


def listed(response) -> list[str]:
    return [client.slug for client in response.context["page"].object_list]


@pytest.mark.django_db
def test_list_shows_staff_only_their_clients(signed_in, account_manager, provider_admin):
    # an account manager sees the assigned client only
    assert listed(signed_in(account_manager).get(LIST_URL)) == ["acme-a"]
    # a provider admin sees every client
    assert listed(signed_in(provider_admin).get(LIST_URL)) == ["acme-a", "globex-b"]


@pytest.mark.django_db
def test_list_is_not_for_client_users(client, signed_in, client_a_admin):
    assert signed_in(client_a_admin).get(LIST_URL).status_code == 404
    client.logout()
    assert reverse("accounts:login") in client.get(LIST_URL)["Location"]


@pytest.mark.django_db
def test_list_search_and_status_filter(signed_in, provider_admin, client_b):
    web = signed_in(provider_admin)
    # given one suspended client
    Client.objects.filter(pk=client_b.pk).update(status=ClientStatus.SUSPENDED)
    # search matches name, legal name and address
    assert listed(web.get(LIST_URL, {"q": "globex"})) == ["globex-b"]
    assert listed(web.get(LIST_URL, {"q": "ACME A LTD"})) == ["acme-a"]
    assert listed(web.get(LIST_URL, {"q": "obex-"})) == ["globex-b"]
    # the status filter, alone and with a search
    assert listed(web.get(LIST_URL, {"status": "suspended"})) == ["globex-b"]
    assert listed(web.get(LIST_URL, {"status": "suspended", "q": "acme"})) == []
    # no match: the empty state
    response = web.get(LIST_URL, {"q": "no such company"})
    assert b"No clients match this search." in response.content


@pytest.mark.django_db
def test_list_refuses_an_unknown_status_clearly(signed_in, provider_admin):
    response = signed_in(provider_admin).get(LIST_URL, {"status": "bogus"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "status": ["Select a valid choice. bogus is not one of the available choices."]
    }


@pytest.mark.django_db
def test_list_live_search_answers_the_table_fragment(signed_in, provider_admin):
    # when htmx asks for the table
    response = signed_in(provider_admin).get(
        LIST_URL, {"q": "acme"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="client-table"
    )
    # then only the fragment comes back
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="client-table"')
    assert "<html" not in html
    assert "Acme A" in html


@pytest.mark.django_db
def test_list_paginates_by_25(signed_in, provider_admin):
    make_registry_rows(30)
    web = signed_in(provider_admin)
    # 32 clients: 25 on the first page, 7 on the second, the filter kept in the links
    first = web.get(LIST_URL, {"q": "listed"})
    assert len(first.context["page"].object_list) == 25
    assert b"page 1 of 2" in first.content
    assert b"?q=listed&amp;page=2" in first.content
    second = web.get(LIST_URL, {"q": "listed", "page": 2})
    assert len(second.context["page"].object_list) == 5
    # a page past the end shows the last page
    assert web.get(LIST_URL, {"page": 99}).context["page"].number == 2


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_clients(
    signed_in, provider_admin, django_assert_max_num_queries
):
    make_registry_rows(30)
    web = signed_in(provider_admin)
    web.get(LIST_URL)  # warm the session
    # session, user, memberships, count, page, client switcher, recent onboardings: 7 queries,
    # each after django-tenants' "SET search_path" -- and no more with more clients
    with django_assert_max_num_queries(14):
        response = web.get(LIST_URL)
    assert len(response.context["page"].object_list) == 25


@pytest.mark.django_db
def test_list_empty_state_invites_to_onboard(signed_in, provider_admin):
    # given no clients at all (rolled back after the test)
    Client.objects.exclude(schema_name="public").delete()
    # when
    response = signed_in(provider_admin).get(LIST_URL)
    # then
    assert b"No clients yet." in response.content
    assert reverse("tenants:onboard").encode() in response.content


@pytest.mark.django_db
def test_list_shows_recent_onboardings_to_those_who_onboard(
    signed_in, account_manager, scheduler_a
):
    from tenants import services
    from tests.factories import client_answers

    # given a run requested by the account manager
    services.start_onboarding(data=client_answers("pending-co"), requested_by=account_manager)
    # then the account manager sees it, the scheduler sees no such section
    assert b"Recent onboardings" in signed_in(account_manager).get(LIST_URL).content
    html = signed_in(account_manager).get(LIST_URL).content.decode()
    assert "Pending Co" in html
    assert b"Recent onboardings" not in signed_in(scheduler_a).get(LIST_URL).content


# --- overview ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_overview_shows_registry_facts_checklist_and_history(signed_in, account_manager, client_a):
    # when
    html = signed_in(account_manager).get(overview_url(client_a)).content.decode()
    # then
    assert "Acme A Ltd." in html
    assert "United States (US)" in html
    assert "America/New_York" in html
    assert "USD — US Dollar" in html
    assert 'id="pilot-checklist"' in html
    assert "A published script" in html
    assert 'id="lifecycle"' in html
    assert "Onboarded" in html  # the history's first entry


@pytest.mark.django_db
def test_overview_hides_lifecycle_actions_from_client_users(signed_in, client_a_admin, client_a):
    html = signed_in(client_a_admin).get(overview_url(client_a)).content.decode()
    assert "Acme A Ltd." in html
    assert 'id="lifecycle"' not in html


@pytest.mark.django_db
def test_overview_of_another_client_is_not_found(signed_in, client_b_admin, client_a):
    assert signed_in(client_b_admin).get(overview_url(client_a)).status_code == 404


# --- lifecycle through the page ------------------------------------------------------------------


@pytest.mark.django_db
def test_go_live_is_refused_until_the_pilot_checklist_is_complete(
    signed_in, account_manager, client_a
):
    before = registry_counts()
    # when
    response = signed_in(account_manager).post(
        status_url(client_a), {"status": "live"}, follow=True
    )
    # then the service's message is shown and nothing changed
    assert (
        "The pilot checklist is not complete: a service line, a published script, an "
        "escalation path and a QA scorecard are needed first."
    ) in [str(message) for message in response.context["messages"]]
    client_a.refresh_from_db()
    assert client_a.status == ClientStatus.ONBOARDING
    assert registry_counts() == before


@pytest.mark.django_db
def test_go_live_when_the_pilot_is_complete(signed_in, account_manager, client_a, monkeypatch):
    # given a complete pilot
    monkeypatch.setattr(pilot, "is_pilot_complete", lambda *, client: True)
    # when
    response = signed_in(account_manager).post(status_url(client_a), {"status": "live"})
    # then
    assert response["Location"] == overview_url(client_a)
    client_a.refresh_from_db()
    assert client_a.status == ClientStatus.LIVE
    assert client_a.live_at is not None
    event = ClientEvent.objects.filter(client=client_a).first()
    assert (event.action, event.before, event.after, event.actor) == (
        "status_changed",
        {"status": "onboarding"},
        {"status": "live"},
        account_manager,
    )


@pytest.mark.django_db
def test_suspend_locks_client_users_out_while_staff_still_see_it(
    signed_in, account_manager, client_a_admin, client_a, client
):
    # when the account manager suspends the client
    signed_in(account_manager).post(status_url(client_a), {"status": "suspended", "note": "Unpaid"})
    # then its users get not found, page and API
    client.logout()
    web = signed_in(client_a_admin)
    assert web.get(overview_url(client_a)).status_code == 404
    assert web.get(f"/api/v1/clients/{client_a.slug}/").status_code == 404
    # and the staff still see it, with the history
    html = signed_in(account_manager).get(overview_url(client_a)).content.decode()
    assert "Suspended" in html
    assert "Its users are locked out" in html
    assert "Onboarding → Suspended" in html
    assert "Unpaid" in html


@pytest.mark.django_db
def test_reactivating_a_never_live_client_returns_it_to_onboarding(
    signed_in, account_manager, client_a
):
    web = signed_in(account_manager)
    web.post(status_url(client_a), {"status": "suspended"})
    # the page offers "Reactivate" towards onboarding
    assert b'name="status" value="onboarding"' in web.get(overview_url(client_a)).content
    # when
    web.post(status_url(client_a), {"status": "onboarding"})
    # then
    client_a.refresh_from_db()
    assert client_a.status == ClientStatus.ONBOARDING


@pytest.mark.django_db
def test_offboarding_needs_the_confirmation_step(signed_in, account_manager, client_a):
    web = signed_in(account_manager)
    # the confirmation page
    page = web.get(reverse("client:offboard", args=[client_a.slug]))
    assert page.status_code == 200
    assert b"Type <code>acme-a</code> to confirm" in page.content
    # when posted without the right confirmation
    response = web.post(status_url(client_a), {"status": "offboarded", "confirm": "acme"})
    # then the error is next to the field, and nothing changed
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "confirm": ["Type acme-a to confirm that Acme A is offboarded."]
    }
    client_a.refresh_from_db()
    assert client_a.status == ClientStatus.ONBOARDING
    # when confirmed
    web.post(status_url(client_a), {"status": "offboarded", "confirm": "acme-a"})
    client_a.refresh_from_db()
    assert client_a.status == ClientStatus.OFFBOARDED
    # then no way back
    response = web.post(status_url(client_a), {"status": "live"}, follow=True)
    assert "An offboarded client cannot change status." in [
        str(message) for message in response.context["messages"]
    ]


@pytest.mark.django_db
def test_lifecycle_actions_are_forbidden_to_other_roles(
    signed_in, client_a_admin, scheduler_a, client_b_admin, client_a
):
    before = registry_counts()
    # client admin and scheduler of the client: forbidden
    for user in (client_a_admin, scheduler_a):
        assert (
            signed_in(user).post(status_url(client_a), {"status": "suspended"}).status_code == 403
        )
        offboard = reverse("client:offboard", args=[client_a.slug])
        assert signed_in(user).get(offboard).status_code == 403
    # another client's admin: not found
    assert (
        signed_in(client_b_admin).post(status_url(client_a), {"status": "suspended"}).status_code
        == 404
    )
    client_a.refresh_from_db()
    assert client_a.status == ClientStatus.ONBOARDING
    assert registry_counts() == before


@pytest.mark.django_db
def test_status_change_is_post_only(signed_in, account_manager, client_a):
    assert signed_in(account_manager).get(status_url(client_a)).status_code == 405


@pytest.mark.django_db
def test_go_live_is_disabled_and_names_exactly_what_is_missing(
    signed_in, account_manager, client_a
):
    from django_tenants.utils import schema_context

    from tests.catalog.factories import ServiceLineFactory

    # given a service line: one item of the pilot checklist is ticked
    with schema_context(client_a.schema_name):
        ServiceLineFactory()
    # when the overview is opened
    html = signed_in(account_manager).get(overview_url(client_a)).content.decode()
    # then "Go live" is disabled and the note beside it lists the open items only
    assert 'disabled aria-describedby="missing-live">Go live</button>' in html
    start = html.index('id="missing-live"')
    note = html[start : html.index("</div>", start)]
    assert "<li>A published script</li>" in note
    assert "<li>An escalation path</li>" in note
    assert "<li>A QA scorecard</li>" in note
    assert "A service line" not in note
    # and the service refuses with the same open items, not the ticked one
    response = signed_in(account_manager).post(
        status_url(client_a), {"status": "live"}, follow=True
    )
    assert (
        "The pilot checklist is not complete: a published script, an escalation path and "
        "a QA scorecard are needed first."
    ) in [str(message) for message in response.context["messages"]]


@pytest.mark.django_db
def test_go_live_is_enabled_when_the_pilot_is_complete(
    signed_in, account_manager, client_a, monkeypatch
):
    # given every item of the checklist done
    done = [pilot.PilotItemState(item.key, item.label, True, True) for item in pilot.PILOT_ITEMS]
    monkeypatch.setattr("tenants.views.pilot_checklist", lambda *, client: done)
    # when
    html = signed_in(account_manager).get(overview_url(client_a)).content.decode()
    # then
    assert '<button type="submit" class="">Go live</button>' in html
    assert 'id="missing-live"' not in html
