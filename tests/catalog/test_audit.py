"""The catalog's change history: who, when, what changed (before and after), per client."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bpo.catalog import audit
from bpo.catalog.selectors.audit import service_line_history_page
from tests.catalog.factories import EscalationTierFactory, OpeningHoursFactory, ServiceLineFactory

pytestmark = pytest.mark.django_db


def test_a_change_records_actor_and_values_before_and_after(in_client_a, account_manager):
    # given
    with audit.audit_actor(account_manager):
        line = ServiceLineFactory(name="Billing", service_level_percent=Decimal("80"))
    # when
    with audit.audit_actor(account_manager):
        line.service_level_percent = Decimal("90")
        line.save()
    # then
    entries = [audit.describe_entry(e) for e in audit.history_of_object(line)]
    assert [e["action"] for e in entries] == ["updated", "created"]
    assert entries[0]["actor"] == "am@provider.test"
    assert entries[0]["changes"] == {"service_level_percent": {"before": "80.00", "after": "90"}}


def test_a_lines_history_includes_its_hours_and_tiers(in_client_a, account_manager):
    # given
    with audit.audit_actor(account_manager):
        line = ServiceLineFactory()
        other = ServiceLineFactory()
        OpeningHoursFactory(service_line=line)
        EscalationTierFactory(path__service_line=line)
        OpeningHoursFactory(service_line=other)
    # when
    page = service_line_history_page(service_line_id=line.pk, page_number=1)
    # then
    types = sorted(entry["object_type"] for entry in page.object_list)
    assert types == ["escalationpath", "escalationtier", "openinghours", "serviceline"]


def test_history_stays_in_its_clients_schema(in_client_a, client_b, account_manager):
    # given a change in client A
    with audit.audit_actor(account_manager):
        line = ServiceLineFactory()
    # when client B's schema is read
    from django.db import connection

    connection.set_tenant(client_b)
    # then it has none of it
    assert not audit.history_of_service_line(line.pk).exists()


def test_references_read_as_names_and_times_as_instants(in_client_a, account_manager):
    from datetime import UTC, datetime

    from tests.catalog.factories import ScriptVersionFactory

    # given a version created by the account manager, then sent for review
    with audit.audit_actor(account_manager):
        version = ScriptVersionFactory(created_by=account_manager)
        version.status = "in_review"
        version.submitted_at = datetime(2026, 11, 23, 14, 5, tzinfo=UTC)
        version.save()
    # when
    created, submitted = reversed(
        [audit.describe_entry(e) for e in audit.history_of_object(version)]
    )
    # then the creator is named, not numbered, and the time is an aware instant
    assert created["changes"]["created_by"]["after"] == str(account_manager)
    assert created["changes"]["script"]["after"] == str(version.script)
    assert submitted["changes"]["submitted_at"] == {
        "before": None,
        "after": datetime(2026, 11, 23, 14, 5, tzinfo=UTC),
    }


def test_a_lines_page_shows_its_history(client, client_a, account_manager):
    from django.db import connection

    # given a line whose target was raised
    connection.set_tenant(client_a)
    with audit.audit_actor(account_manager):
        line = ServiceLineFactory(name="Billing", service_level_percent=Decimal("80"))
        line.service_level_percent = Decimal("90")
        line.save()
    connection.set_schema_to_public()
    # when its page is opened
    client.force_login(account_manager)
    html = client.get(f"/c/{client_a.slug}/service-lines/{line.pk}/").content.decode()
    # then the card names who changed what, before and after, in words
    card = html[html.index('id="audit-trail"') :]
    assert "Service line “Billing” updated" in card
    assert "<strong>Service level percent</strong>: <del>80.00</del> → <ins>90</ins>" in card
    assert "Service line “Billing” created" in card and "<strong>Id</strong>" not in card
    assert "am@provider.test" in card


def test_a_lines_history_is_a_collapsed_feed_in_words(client, client_a, account_manager):
    from django.db import connection

    # given a line paused by the account manager
    connection.set_tenant(client_a)
    with audit.audit_actor(account_manager):
        line = ServiceLineFactory(name="Billing", status="active")
        line.status = "paused"
        line.save()
    connection.set_schema_to_public()
    # when its page is opened
    client.force_login(account_manager)
    html = client.get(f"/c/{client_a.slug}/service-lines/{line.pk}/").content.decode()
    # then the history is collapsed, one change per actor and instant, values in words
    assert '<details class="card activity-feed" id="audit-trail">' in html
    card = html[html.index('id="audit-trail"') :]
    assert card.count('class="feed-item"') == 1
    assert "<del>Active</del> → <ins>Paused</ins>" in card
    assert "<del>active</del>" not in card
