"""``manage.py staffing``: the Erlang staffing calculator for one interval, for a person.

Percentages in, as people say them (80 for 80 %); the engine works in fractions. The checks
and the calculation are ``scheduling.planning.calculator``, shared with the API and the page.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bpo.errors import DomainError
from scheduling.engine.erlang import StaffingSummary
from scheduling.planning.calculator import StaffingScenario, calculate

_OPTION_OF_FIELD = {
    "calls": "--calls",
    "interval_minutes": "--interval-minutes",
    "aht_seconds": "--aht-seconds",
    "target_seconds": "--target-seconds",
    "target_level_percent": "--target-level",
    "max_occupancy_percent": "--max-occupancy",
    "shrinkage_percent": "--shrinkage",
    "agents": "--agents",
    "patience_seconds": "--patience-seconds",
}


class Command(BaseCommand):
    help = (
        "Erlang staffing for one interval: the smallest number of agents meeting the service "
        "level target with occupancy under the cap, grossed up for shrinkage (or, with "
        "--agents, how N agents perform). Erlang C, or Erlang A with --patience-seconds. "
        "Percent options take percent: --target-level 80 means 80 %."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--calls", type=float, required=True, help="Contacts offered in the interval."
        )
        parser.add_argument(
            "--interval-minutes", type=float, default=30.0, help="Interval length (default 30)."
        )
        parser.add_argument(
            "--aht-seconds", type=float, required=True, help="Average handle time in seconds."
        )
        parser.add_argument(
            "--target-seconds",
            type=float,
            default=20.0,
            help="Answer within this many seconds (default 20).",
        )
        parser.add_argument(
            "--target-level",
            type=float,
            default=80.0,
            help="Service level target in percent, above 0 up to 100 (default 80 for 80 %%).",
        )
        parser.add_argument(
            "--max-occupancy",
            type=float,
            default=100.0,
            help="Occupancy cap in percent, above 0 up to 100 (default 100: no cap).",
        )
        parser.add_argument(
            "--shrinkage",
            type=float,
            default=0.0,
            help="Shrinkage in percent, from 0 below 100 (default 0).",
        )
        parser.add_argument(
            "--agents",
            type=int,
            default=None,
            help="Evaluate this many agents instead of searching the requirement.",
        )
        parser.add_argument(
            "--patience-seconds",
            type=float,
            default=None,
            help="Mean patience of waiting callers: uses Erlang A (abandonment) not Erlang C.",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print one JSON object (fractions, not percent) instead of a table.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scenario = StaffingScenario(
            calls=options["calls"],
            interval_minutes=options["interval_minutes"],
            aht_seconds=options["aht_seconds"],
            target_level_percent=options["target_level"],
            target_seconds=options["target_seconds"],
            max_occupancy_percent=options["max_occupancy"],
            shrinkage_percent=options["shrinkage"],
            agents=options["agents"],
            patience_seconds=options["patience_seconds"],
        )
        try:
            summary = calculate(scenario)
        except DomainError as error:
            option = _OPTION_OF_FIELD.get(error.field or "", error.field)
            raise CommandError(f"{option}: {error.message}") from error
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict()))
            return
        self.stdout.write(
            _table(summary, calls=options["calls"], interval_minutes=options["interval_minutes"])
        )


def _table(summary: StaffingSummary, *, calls: float, interval_minutes: float) -> str:
    model = "Erlang A" if summary.probability_of_abandon is not None else "Erlang C"
    target = f"{summary.target_level:.0%} in {summary.target_seconds:g} s"
    asa = "never answered" if math.isinf(summary.asa_seconds) else f"{summary.asa_seconds:.2f} s"
    rows = [
        ("traffic", f"{summary.traffic_erlangs:.2f} erlangs"),
        ("agents", str(summary.agents)),
        ("scheduled agents", f"{summary.scheduled_agents} ({summary.shrinkage:.0%} shrinkage)"),
        ("service level", f"{summary.service_level:.2%} (target {target})"),
        ("probability of waiting", f"{summary.probability_of_waiting:.2%}"),
        ("ASA", asa),
        ("occupancy", f"{summary.occupancy:.2%} (cap {summary.max_occupancy:.0%})"),
    ]
    if summary.probability_of_abandon is not None:
        rows.append(("probability of abandon", f"{summary.probability_of_abandon:.2%}"))
    rows.append(("meets target", "yes" if summary.meets_target else "no"))
    width = max(len(label) for label, _ in rows)
    title = f"{model}: {calls:g} contacts in {interval_minutes:g} minutes"
    return "\n".join([title, *(f"  {label:<{width}}  {value}" for label, value in rows)])
