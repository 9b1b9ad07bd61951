"""Submitting a script version for review e-mails the client's approvers, once committed."""

from __future__ import annotations

import pytest
from django.conf import settings

from bpo.catalog.models import ScriptVersionStatus as Status
from bpo.catalog.services import scripts as services
from tests.catalog.script_helpers import make_version
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_submitting_emails_each_approver_of_the_client_on_commit(
    in_client_a,
    client_a_admin,
    client_a_viewer,
    client_b_admin,
    account_manager,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    # given a second admin of the client and a draft of its Billing support script
    second_admin = make_user("client_admin", in_client_a, email="second@acme-a.test")
    version = make_version(script=None)
    line = version.script.service_line

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.submit_script_version(version=version, actor=account_manager)
    assert mailoutbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()

    # then: the client's admins, not its viewer, not the provider, not another client
    assert sorted(m.to[0] for m in mailoutbox) == sorted([client_a_admin.email, second_admin.email])
    mail = mailoutbox[0]
    assert mail.subject == f"{in_client_a.name}: the {line.name} script waits for your approval"
    url = (
        settings.PORTAL_BASE_URL.rstrip("/")
        + f"/c/{in_client_a.slug}/service-lines/{line.pk}/script/versions/{version.pk}/"
    )
    assert url in mail.body
    assert f"version {version.number} of the {line.name} script of {in_client_a.name}" in mail.body
    assert client_a_viewer.email not in {m.to[0] for m in mailoutbox}


def test_a_refused_submission_emails_no_one(
    in_client_a, client_a_admin, account_manager, mailoutbox, django_capture_on_commit_callbacks
):
    # given a version already in review
    version = make_version(status=Status.IN_REVIEW)

    # when
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.ConflictError):
        services.submit_script_version(version=version, actor=account_manager)

    # then
    assert mailoutbox == []


def test_an_inactive_admin_is_not_emailed(
    in_client_a, client_a_admin, account_manager, mailoutbox, django_capture_on_commit_callbacks
):
    # given
    client_a_admin.is_active = False
    client_a_admin.save(update_fields=["is_active"])
    version = make_version()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_script_version(version=version, actor=account_manager)

    # then
    assert mailoutbox == []
