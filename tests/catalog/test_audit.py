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


# --- the activity feed: grouped per change, in words ----------------------------------------------


def _described(actor, seconds):
    from datetime import UTC, datetime, timedelta

    return {
        "actor": actor,
        "timestamp": datetime(2026, 12, 2, 19, 5, tzinfo=UTC) - timedelta(seconds=seconds),
    }


@pytest.mark.django_db(False)
def test_entries_of_one_actor_at_one_instant_are_one_change():
    # given entries, newest first: two by Ann a moment apart, one by Bob, Ann again much earlier
    entries = [
        _described("ann@x.test", 0),
        _described("ann@x.test", 1.5),
        _described("bob@x.test", 2),
        _described("ann@x.test", 3),
        _described("ann@x.test", 60),
        _described(None, 61),
    ]
    # when
    groups = audit.group_feed(entries)
    # then
    assert [(g["actor"], len(g["entries"])) for g in groups] == [
        ("ann@x.test", 2),
        ("bob@x.test", 1),
        ("ann@x.test", 1),
        ("ann@x.test", 1),
        (None, 1),
    ]
    assert groups[0]["timestamp"] == entries[0]["timestamp"]
    assert audit.group_feed([]) == []


def test_feed_entries_say_choices_flags_and_dates_in_words(in_client_a, account_manager):
    from datetime import date

    from tests.catalog.factories import DateOverrideFactory

    # given a tier moved to business hours, a line's flag and an override's date
    with audit.audit_actor(account_manager):
        tier = EscalationTierFactory(coverage="always")
        tier.coverage = "business_hours"
        tier.save()
        line = tier.path.service_line
        line.closed_on_public_holidays = False
        line.save()
        DateOverrideFactory(service_line=line, date=date(2026, 12, 24), is_closed=True)
    # when
    changes = {
        entry.content_type.model: audit.feed_entry(entry)["changes_in_words"]
        for entry in reversed(list(audit.history_of_service_line(line.pk)))
    }
    # then labels, never codes
    tier_change = {c["field"]: c for c in changes["escalationtier"]}["Coverage"]
    assert (tier_change["before"], tier_change["after"]) == (
        "Business and after hours",
        "Business hours",
    )
    flag = {c["field"]: c for c in changes["serviceline"]}["Closed on public holidays"]
    assert (flag["before"], flag["after"]) == ("yes", "no")
    override_date = {c["field"]: c for c in changes["dateoverride"]}["Date"]
    assert override_date["after"] == date(2026, 12, 24)


def test_a_paths_history_is_collapsed_grouped_and_in_words(client, client_a, account_manager):
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from bpo.catalog.services import escalations as services
    from tests.catalog.test_escalation_services import office_line, tier

    # given a path created with two tiers, one then moved to business hours (two changes)
    connection.set_tenant(client_a)
    line = office_line()
    path = services.create_escalation_path(
        service_line=line,
        name="Billing escalations",
        tiers=[tier(level=1), tier(level=2, coverage="after_hours", contact_name="On call")],
        actor=account_manager,
        client=client_a,
    )
    # (a minute before the next change, which is then another change)
    audit.LogEntry.objects.update(timestamp=timezone.now() - timedelta(minutes=1))
    services.update_escalation_tier(
        tier=path.tiers.get(level=1),
        changes={"coverage": "business_hours"},
        actor=account_manager,
        client=client_a,
    )
    connection.set_schema_to_public()
    # when the path page is read
    client.force_login(account_manager)
    html = client.get(f"/c/{client_a.slug}/service-lines/{line.pk}/escalation/").content.decode()
    # then the history is closed, has one item per change, newest first, in words
    assert '<details class="card activity-feed" id="audit-trail">' in html
    card = html[html.index('id="audit-trail"') : html.index("</details>")]
    assert "2 changes, newest first" in card
    assert card.count('class="feed-item"') == 2
    assert "<del>Business and after hours</del> → <ins>Business hours</ins>" in card
    for code in ("business_hours", "after_hours", "in_review", ">severity<", ">always<"):
        assert code not in card, code
