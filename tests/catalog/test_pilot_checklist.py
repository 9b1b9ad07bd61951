"""The pilot checklist on the client overview ticks its catalog items as they appear."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.urls import reverse

from bpo.quality.services.scorecards import publish_scorecard_version
from tests.catalog.factories import (
    EscalationPathFactory,
    ScriptVersionFactory,
    ServiceLineFactory,
)
from tests.quality.helpers import make_scorecard

pytestmark = pytest.mark.django_db


def _states(html: str) -> dict[str, str]:
    return dict(
        (key, state)
        for state, key in re.findall(r'<li class="(done|todo)" data-item="([a-z_]+)"', html)
    )


def _checklist(django_client, client) -> str:
    response = django_client.get(f"/c/{client.slug}/pilot-checklist/")
    assert response.status_code == 200
    return response.content.decode()


def test_items_tick_as_the_catalog_fills(client, client_a, account_manager):
    client.force_login(account_manager)
    # given an empty catalog
    html = _checklist(client, client_a)
    assert _states(html) == {
        "service_line": "todo",
        "published_script": "todo",
        "escalation_path": "todo",
        "qa_scorecard": "todo",
    }
    assert 'hx-trigger="every 10s"' in html  # it keeps refreshing while incomplete

    # when a line and a draft script appear
    connection.set_tenant(client_a)
    line = ServiceLineFactory()
    ScriptVersionFactory(script__service_line=line, status="draft")
    connection.set_schema_to_public()
    # then only the line is ticked
    assert _states(_checklist(client, client_a))["service_line"] == "done"
    assert _states(_checklist(client, client_a))["published_script"] == "todo"

    # when a version is published and the line has an escalation path
    connection.set_tenant(client_a)
    ScriptVersionFactory(script=line.script, status="published")
    EscalationPathFactory(service_line=line)
    connection.set_schema_to_public()
    # then those tick too; the QA scorecard is still to do
    states = _states(_checklist(client, client_a))
    assert states == {
        "service_line": "done",
        "published_script": "done",
        "escalation_path": "done",
        "qa_scorecard": "todo",
    }
    # the overview shows the same card, still refreshing itself
    overview = client.get(f"/c/{client_a.slug}/").content.decode()
    assert _states(overview) == states
    assert 'hx-trigger="every 10s"' in overview

    # when a scorecard is only drafted, it does not count
    connection.set_tenant(client_a)
    _scorecard, version = make_scorecard(account_manager)
    connection.set_schema_to_public()
    assert _states(_checklist(client, client_a))["qa_scorecard"] == "todo"
    # and when its version is published, the last item ticks: nothing is left to wait for
    connection.set_tenant(client_a)
    publish_scorecard_version(version=version, actor=account_manager)
    connection.set_schema_to_public()
    html = _checklist(client, client_a)
    assert set(_states(html).values()) == {"done"}
    assert "Complete: the client can go live." in html
    assert "hx-trigger" not in html
    # the item links to the scorecards
    assert f'<a href="/c/{client_a.slug}/scorecards/">A QA scorecard</a>' in html


def test_the_first_published_scorecard_lets_the_client_go_live(client, client_a, account_manager):
    # given every catalog item and a published scorecard
    connection.set_tenant(client_a)
    line = ServiceLineFactory()
    ScriptVersionFactory(script__service_line=line, status="published")
    EscalationPathFactory(service_line=line)
    make_scorecard(account_manager, publish=True)
    connection.set_schema_to_public()
    client.force_login(account_manager)
    # when the account manager takes the client live
    response = client.post(
        reverse("client:change_status", args=[client_a.slug]), {"status": "live"}
    )
    # then it is live
    assert response.status_code == 302
    client_a.refresh_from_db()
    assert client_a.status == "live"


def test_the_checklist_is_the_clients_own(client, client_a, client_b, client_b_admin):
    # given a line in client A
    connection.set_tenant(client_a)
    ServiceLineFactory()
    connection.set_schema_to_public()
    # then client B's checklist is untouched, and A's is not B's to see
    client.force_login(client_b_admin)
    assert _states(_checklist(client, client_b))["service_line"] == "todo"
    assert client.get(f"/c/{client_a.slug}/pilot-checklist/").status_code == 404
