"""SLA pages: the week of every line (figures against targets in words, the formula, a chart per
line and a table by day), one line's day by interval, the chart as SVG, the empty state."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from bpo.accounts.roles import Role
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import in_schema, make_user
from tests.scheduling.sla_helpers import interval, store

pytestmark = pytest.mark.django_db

MONDAY_NY = datetime(2026, 1, 26, 5, 0, tzinfo=UTC)  # 2026-W05, Monday 00:00 in New York


@pytest.fixture
def billing(client_a):
    in_schema(client_a)
    line = ServiceLineFactory(name="Billing", max_abandon_percent=Decimal("10"), asa_seconds=30)
    store(
        interval(
            line,
            MONDAY_NY + timedelta(hours=10),
            answered=10,
            answered_within_threshold=10,
            answered_wait_seconds=50,
        ),
        interval(
            line,
            MONDAY_NY + timedelta(days=1, hours=10, minutes=15),
            answered=90,
            abandoned=10,
            short_abandoned=2,
            answered_within_threshold=45,
            answered_wait_seconds=2_700,
            talk_seconds=18_000,
        ),
    )
    connection.set_schema_to_public()
    return line


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_the_client_sees_its_week_against_targets(client, billing, client_a, client_a_viewer):
    # given the client's viewer
    client.force_login(client_a_viewer)

    # when
    response = client.get(f"/c/{client_a.slug}/sla/?week=2026-W05")

    # then
    assert response.status_code == 200
    text = _text(response)
    assert "Week 2026-W05: Monday 26 January 2026 to Sunday 1 February 2026, 168 hours" in text
    assert "110 offered · 100 answered · 10 abandoned (2 short) · 0 flowed out" in text
    # 55 / (100 + 10 - 2) = 50.9 %, against 80 % within 20 s: missed
    assert "Service level" in text and "50.9 %" in text
    assert "80 % within 20 s" in text
    assert "✘ Missed" in text
    assert "ASA" in text or "Average speed of answer" in text
    assert "28 s" in text  # 2750 / 100 = 27.5
    assert "at most 30 s ✔ Met" in text
    assert (
        "Counted as “Answered and abandoned, less short abandons”: "
        "answered within threshold / (answered + abandoned - short abandons)"
    ) in text
    content = response.content.decode()
    assert f'src="/c/{client_a.slug}/sla/{billing.pk}/chart.svg?week=2026-W05"' in content
    assert "Figures by day (table)" in text
    assert "Mon 26 Jan" in text and "100.0 %" in text  # Monday: 10 of 10
    assert 'href="?week=' not in content  # previous/next are full links
    assert f'href="/c/{client_a.slug}/sla/?week=2026-W04"' in content
    assert f'href="/c/{client_a.slug}/sla/?week=2026-W06"' in content


def test_staff_see_it_per_client_and_it_is_in_the_navigation(client, billing, client_a):
    scheduler = make_user(Role.SCHEDULER, client_a, email="sched@provider.test")
    client.force_login(scheduler)
    response = client.get(f"/c/{client_a.slug}/sla/?week=2026-W05")
    assert response.status_code == 200
    assert f'href="/c/{client_a.slug}/sla/">SLA</a>' in response.content.decode()


def test_an_empty_week_says_there_are_no_statistics_yet(client, billing, client_a, client_a_admin):
    client.force_login(client_a_admin)
    response = client.get(f"/c/{client_a.slug}/sla/?week=2026-W10")
    assert response.status_code == 200
    assert "No statistics for this week yet" in _text(response)


def test_a_bad_week_is_refused_next_to_the_picker(client, client_a, client_a_admin):
    client.force_login(client_a_admin)
    response = client.get(f"/c/{client_a.slug}/sla/?week=last")
    assert response.status_code == 400
    assert 'Week "last" is not an ISO week; write it as YYYY-Www, e.g. 2026-W05.' in _text(response)


def test_one_line_day_by_interval(client, billing, client_a, client_a_admin):
    client.force_login(client_a_admin)

    # when
    response = client.get(f"/c/{client_a.slug}/sla/{billing.pk}/?week=2026-W05&day=2026-01-27")

    # then the day's figures and each of its intervals, in local time
    assert response.status_code == 200
    text = _text(response)
    assert "Tuesday 27 January 2026" in text
    assert "10:15 100 90 10 45.9 % ✘ Missed 30 s"  # 45 / 98 in text
    assert "10:00 10" not in text  # Monday's interval is not Tuesday's
    assert f"/c/{client_a.slug}/sla/{billing.pk}/chart.svg?week=2026-W05&amp;day=2026-01-27" in (
        response.content.decode()
    )


def test_the_chart_is_a_deterministic_svg_with_a_title(client, billing, client_a, client_a_admin):
    client.force_login(client_a_admin)
    url = f"/c/{client_a.slug}/sla/{billing.pk}/chart.svg?week=2026-W05"

    # when
    first, second = client.get(url), client.get(url)

    # then
    assert first.status_code == 200
    assert first["Content-Type"].startswith("image/svg+xml")
    svg = first.content.decode()
    assert svg.startswith("<svg")
    assert (
        "<title" in svg
        and "Billing, week 2026-W05: contacts offered and service level by interval" in svg
    )
    assert first.content == second.content
    assert "<dc:date>" not in svg


def test_the_svg_chart_of_a_day_differs_from_the_weeks(client, billing, client_a, client_a_admin):
    client.force_login(client_a_admin)
    base = f"/c/{client_a.slug}/sla/{billing.pk}/chart.svg?week=2026-W05"
    week, day = client.get(base), client.get(base + "&day=2026-01-27")
    assert day.status_code == 200
    assert week.content != day.content
    assert "Tuesday 2026-01-27" in day.content.decode()


def test_another_clients_line_is_404(client, billing, client_b, client_b_admin):
    client.force_login(client_b_admin)
    assert client.get(f"/c/{client_b.slug}/sla/{billing.pk + 999}/").status_code == 404
    assert client.get(f"/c/{client_b.slug}/sla/{billing.pk + 999}/chart.svg").status_code == 404
