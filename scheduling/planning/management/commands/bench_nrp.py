"""``python manage.py bench_nrp PATH --time-limit T``: one Curtois & Qu staff-scheduling instance
(schedulingbenchmarks.org/nrp) read, solved by the rostering engine on HiGHS, checked by the
independent validator, ending with
``instance=<name> objective=<o> lower_bound=<b> feasible=<yes|no> seconds=<s> peak_mb=<m>``.

The objective is the benchmark's own, recomputed by the validator from the roster (so it compares
with the published best-known values); ``feasible=yes`` only when the validator finds no broken
hard rule. Seconds count reading, solving and checking. ``peak_mb`` is this process's peak
resident memory."""

from __future__ import annotations

import resource
import time

from django.core.management.base import BaseCommand, CommandError

from scheduling.engine.errors import EngineInputError
from scheduling.engine.rostering.reader import read_instance
from scheduling.engine.rostering.solve import solve_roster
from scheduling.engine.rostering.validate import roster_objective, validate_roster


class Command(BaseCommand):
    help = (
        "Solve one Curtois & Qu instance; ends with instance=<name> objective=<o> "
        "lower_bound=<b> feasible=<yes|no> seconds=<s> peak_mb=<m>."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="An instance file (InstanceN.txt).")
        parser.add_argument("--time-limit", type=float, default=60.0, help="Seconds (default 60).")
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, path: str, time_limit: float, threads: int, seed: int, **options):
        if time_limit <= 0:
            raise CommandError("--time-limit must be positive.")
        if threads < 1:
            raise CommandError("--threads must be at least 1.")
        started = time.perf_counter()
        try:
            instance = read_instance(path)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        except EngineInputError as error:
            raise CommandError(f"{path}: {error}") from None
        self.stdout.write(
            f"{instance.name}: {instance.horizon} days, {len(instance.staff)} staff, "
            f"{len(instance.shifts)} shift types; time limit {time_limit:g} s, "
            f"{threads} thread(s), seed {seed}"
        )
        result = solve_roster(
            instance,
            time_limit=max(time_limit - (time.perf_counter() - started) - 0.5, 0.5),
            threads=threads,
            seed=seed,
            progress=self.stdout.write,
        )
        if result.roster is None:
            objective = "none"
            feasible = False
        else:
            violations = validate_roster(instance, result.roster)
            for violation in violations[:20]:
                self.stdout.write(f"violation: {violation}")
            value = roster_objective(instance, result.roster)
            if abs(value - result.objective) > 0.5:
                self.stdout.write(
                    f"warning: the solver's objective {result.objective:.0f} differs from the "
                    f"validator's {value}"
                )
            objective = str(value)
            feasible = not violations
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"instance={instance.name} objective={objective} lower_bound={result.lower_bound:.0f} "
            f"feasible={'yes' if feasible else 'no'} seconds={seconds:.1f} peak_mb={peak_mb:.0f}"
        )
