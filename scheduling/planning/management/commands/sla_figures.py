"""``manage.py sla_figures --client SLUG --week YYYY-Www [--json]``: a client's SLA figures of
one ISO week, per service line, the same as the API and the SLA page give.

The week is the client's (Monday 00:00 to Monday 00:00 in its zone); each figure is the week's
summed intervals put through the line's formula (``scheduling.engine.kpi``).
"""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bpo.errors import DomainError
from scheduling.planning.selectors.sla import IsoWeek, list_week_figures
from scheduling.planning.serializers.sla import week_payload
from tenants.db import tenant_connection, use_public_schema
from tenants.selectors import get_client_by_slug


def _percent(value: float | None) -> str:
    return "no contacts" if value is None else f"{value * 100:.2f}%"


def _seconds(value: float | None) -> str:
    return "no contacts" if value is None else f"{value:.1f}"


def _plain(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


OUTCOME_WORDS = {"met": "met", "missed": "missed", "no_contacts": "no contacts"}


def _against(outcome: str) -> str:
    word = OUTCOME_WORDS.get(outcome)
    return f" ({word})" if word else ""


def _line_text(line: dict[str, Any]) -> list[str]:
    week, targets, outcomes = line["week"], line["targets"], line["week"]["outcomes"]
    service = line["service_line"]
    lines = [
        f"{service['name']} ({service['channel']})",
        f"  convention: {line['convention_label']}: {line['formula']}",
        f"  offered={week['offered']} answered={week['answered']} "
        f"abandoned={week['abandoned']} short_abandoned={week['short_abandoned']} "
        f"flowed_out={week['flowed_out']}",
    ]
    target = ""
    if targets["service_level_percent"] is not None:
        target = (
            f" target {_plain(targets['service_level_percent'])}% within "
            f"{targets['service_level_seconds']} s"
        )
    lines.append(
        f"  service_level={_percent(week['service_level'])}{target}"
        f"{_against(outcomes['service_level'])}"
    )
    lines.append(
        f"  asa_seconds={_seconds(week['asa_seconds'])}{_against(outcomes['asa_seconds'])} "
        f"abandon_rate={_percent(week['abandon_rate'])} "
        f"abandon_rate_less_short={_percent(week['abandon_rate_less_short'])}"
        f"{_against(outcomes['abandon_rate'])} "
        f"aht_seconds={_seconds(week['aht_seconds'])}"
    )
    if week["first_responses"] or targets["first_response_percent"] is not None:
        lines.append(
            f"  first_responses={week['first_responses']} "
            f"first_response_level={_percent(week['first_response_level'])}"
            f"{_against(outcomes['first_response_level'])} "
            f"mean_first_response_seconds={_seconds(week['mean_first_response_seconds'])}"
        )
    return lines


class Command(BaseCommand):
    help = (
        "A client's SLA figures for one ISO week, per service line: offered, answered, "
        "abandoned, service level (with the line's convention), ASA, abandon rate, AHT and the "
        "first-response figures of e-mail, SMS and social lines."
    )
    # a read: no system checks (they import every page and its chart library first)
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--client", required=True, help="The client's slug.")
        parser.add_argument("--week", required=True, help="ISO week, e.g. 2026-W05.")
        parser.add_argument("--json", action="store_true", help="Print JSON instead of text.")

    def handle(self, *args, **options) -> None:
        client = get_client_by_slug(slug=options["client"])
        if client is None:
            raise CommandError(f'No client with the slug "{options["client"]}".')
        try:
            week = IsoWeek.parse(options["week"])
        except DomainError as error:
            raise CommandError(error.message) from None
        started = time.perf_counter()
        tenant_connection().set_tenant(client)
        try:
            payload = week_payload(list_week_figures(client=client, week=week))
        finally:
            use_public_schema()
        seconds = time.perf_counter() - started
        self.stderr.write(f"lines={len(payload['lines'])} seconds={seconds:.3f}")
        if options["json"]:
            self.stdout.write(json.dumps(payload, indent=2, default=str))
            return
        self.stdout.write(
            f"{client.name}, week {payload['week']} ({week.monday} to {week.days[-1]}, "
            f"{payload['hours']:g} hours, {payload['time_zone']})"
        )
        if not payload["lines"]:
            self.stdout.write("No service lines to report.")
        elif not payload["has_statistics"]:
            self.stdout.write("No statistics for this week yet.")
        for line in payload["lines"]:
            self.stdout.write("\n".join(_line_text(line)))
