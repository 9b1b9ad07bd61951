"""The pilot checklist on the client overview ticks its catalog items as they appear."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from tests.catalog.factories import (
    EscalationPathFactory,
    ScriptVersionFactory,
    ServiceLineFactory,
)

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
    # then those tick too; the QA scorecard waits for its feature
    states = _states(_checklist(client, client_a))
    assert states == {
        "service_line": "done",
        "published_script": "done",
        "escalation_path": "done",
        "qa_scorecard": "todo",
    }
    # the overview shows the same card
    overview = client.get(f"/c/{client_a.slug}/").content.decode()
    assert _states(overview) == states
    # and, with nothing left that can appear yet, it stops refreshing itself
    assert "hx-trigger" not in _checklist(client, client_a)
    assert "hx-trigger" not in overview


def test_the_checklist_is_the_clients_own(client, client_a, client_b, client_b_admin):
    # given a line in client A
    connection.set_tenant(client_a)
    ServiceLineFactory()
    connection.set_schema_to_public()
    # then client B's checklist is untouched, and A's is not B's to see
    client.force_login(client_b_admin)
    assert _states(_checklist(client, client_b))["service_line"] == "todo"
    assert client.get(f"/c/{client_a.slug}/pilot-checklist/").status_code == 404
