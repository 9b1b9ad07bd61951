"""``manage.py sla_figures --client SLUG --week YYYY-Www [--json]``."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.catalog.factories import ServiceLineFactory
from tests.scheduling.sla_helpers import busy_week, interval, store

pytestmark = pytest.mark.django_db

MONDAY_NY = datetime(2026, 1, 26, 5, 0, tzinfo=UTC)  # 2026-W05, Monday 00:00 in New York


def _run(*arguments: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("sla_figures", *arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def lines_of_a(client_a):
    """A voice line with two intervals and an e-mail line, in client A's schema."""
    connection.set_tenant(client_a)
    voice = ServiceLineFactory(name="Billing", max_abandon_percent=Decimal("10"), asa_seconds=30)
    email = ServiceLineFactory(
        name="Refunds by e-mail",
        channel="email",
        service_level_percent=None,
        service_level_seconds=None,
        first_response_percent=Decimal("90"),
        first_response_hours=Decimal("24"),
    )
    store(
        interval(
            voice,
            MONDAY_NY + timedelta(hours=9),
            answered=80,
            abandoned=20,
            short_abandoned=5,
            answered_within_threshold=60,
            answered_wait_seconds=1_600,
            talk_seconds=16_000,
            hold_seconds=1_600,
            acw_seconds=2_400,
        ),
        interval(
            email,
            MONDAY_NY + timedelta(hours=9),
            offered=10,
            first_responses=10,
            first_responses_within_target=9,
            first_response_seconds=36_000,
        ),
    )
    connection.set_schema_to_public()
    return voice, email


def test_text_names_each_figure_and_the_convention(lines_of_a, client_a):
    # when
    out, err = _run("--client", client_a.slug, "--week", "2026-W05")

    # then
    assert "week 2026-W05 (2026-01-26 to 2026-02-01, 168 hours, America/New_York)" in out
    assert "Billing (voice)" in out
    assert (
        "convention: Answered and abandoned, less short abandons: "
        "answered within threshold / (answered + abandoned - short abandons)"
    ) in out
    assert "offered=100 answered=80 abandoned=20 short_abandoned=5" in out
    assert "service_level=63.16% target 80% within 20 s (missed)" in out  # 60 / 95
    assert "asa_seconds=20.0 (met)" in out
    assert "abandon_rate=20.00% abandon_rate_less_short=15.79% (missed)" in out  # 15 / 95
    assert "aht_seconds=250.0" in out
    assert "first_responses=10 first_response_level=90.00% (met)" in out
    assert "mean_first_response_seconds=3600.0" in out
    assert "lines=2 seconds=" in err


def test_json_carries_the_same_figures(lines_of_a, client_a):
    # when
    out, _ = _run("--client", client_a.slug, "--week", "2026-w05", "--json")
    payload = json.loads(out)

    # then
    assert payload["week"] == "2026-W05"
    billing, refunds = payload["lines"]
    assert billing["service_line"]["name"] == "Billing"
    assert billing["convention"] == "answered_abandoned_less_short"
    assert billing["week"]["service_level"] == 0.6316
    assert billing["week"]["asa_seconds"] == 20.0
    assert billing["week"]["abandon_rate"] == 0.2
    assert billing["week"]["aht_seconds"] == 250.0
    assert billing["week"]["outcomes"]["service_level"] == "missed"
    assert [day["offered"] for day in billing["days"]] == [100, 0, 0, 0, 0, 0, 0]
    assert billing["days"][1]["service_level"] is None
    assert refunds["week"]["first_response_level"] == 0.9
    assert refunds["week"]["mean_first_response_seconds"] == 3600.0


def test_a_week_without_statistics_says_so(lines_of_a, client_a):
    out, _ = _run("--client", client_a.slug, "--week", "2026-W10")
    assert "No statistics for this week yet." in out
    assert "service_level=no contacts" in out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--client", "no-such", "--week", "2026-W05"), 'No client with the slug "no-such".'),
        (
            ("--client", "acme-a", "--week", "2026-05"),
            'Week "2026-05" is not an ISO week; write it as YYYY-Www, e.g. 2026-W05.',
        ),
    ],
)
def test_bad_arguments_are_refused_in_words(client_a, arguments, message):
    with pytest.raises(CommandError) as error:
        _run(*arguments)
    assert str(error.value) == message


def test_a_week_of_ten_lines_in_under_a_second(client_a):
    # given ten lines with every 15-minute interval of the week
    connection.set_tenant(client_a)
    busy_week([ServiceLineFactory() for _ in range(10)], MONDAY_NY)
    connection.set_schema_to_public()

    # when
    started = time.perf_counter()
    out, err = _run("--client", client_a.slug, "--week", "2026-W05", "--json")
    seconds = time.perf_counter() - started

    # then
    assert len(json.loads(out)["lines"]) == 10
    assert seconds < 1.0, f"{seconds:.3f} s ({err.strip()})"
