"""``manage.py bench_schedule``: run the weekly scheduling benchmark (all logic in the engine)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scheduling.engine.errors import EngineInputError
from scheduling.engine.optimiser.benchmark import run_benchmark


class Command(BaseCommand):
    help = (
        "Build the benchmark instance for --agents and --seed, optimise it within --time-limit "
        "seconds and end with one line: agents= seed= objective= lower_bound= gap_pct= under= "
        "over= cost= seconds= peak_mb="
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agents", type=int, default=50)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--time-limit", type=float, default=60.0)
        parser.add_argument("--threads", type=int, default=1)

    def handle(self, *args: object, **options: object) -> None:
        agents = int(options["agents"])  # type: ignore[call-overload]
        if agents < 0:
            raise CommandError("--agents must be zero or more")
        try:
            _, _, lines = run_benchmark(
                agents,
                int(options["seed"]),  # type: ignore[call-overload]
                float(options["time_limit"]),  # type: ignore[arg-type]
                threads=int(options["threads"]),  # type: ignore[call-overload]
                verbose=int(options["verbosity"]) >= 2,  # type: ignore[call-overload]
            )
        except EngineInputError as error:
            raise CommandError(str(error)) from error
        for line in lines:
            self.stdout.write(line)
