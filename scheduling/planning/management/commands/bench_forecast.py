"""``manage.py bench_forecast``: backtest the volume forecast on a generated history.

The history has a known structure (weekly and daily seasonality, growth, holidays, noise) and
depends only on the options, so every version of the model is measured on the same data.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scheduling.engine.errors import EngineInputError
from scheduling.engine.forecasting import backtest
from scheduling.engine.synthetic import generate_history


class Command(BaseCommand):
    help = (
        "Generate --weeks of interval history from --seed, backtest the forecast with rolling "
        "origins against the seasonal-naive baseline (same interval last week), print a short "
        "report and end with one line: wape=<x> naive_wape=<y> ratio=<x/y>."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--weeks", type=int, default=16, help="Weeks of history (16).")
        parser.add_argument("--seed", type=int, default=1, help="Generator seed (1).")
        parser.add_argument(
            "--interval-minutes",
            type=int,
            default=30,
            choices=(15, 30, 60),
            help="Interval length (30).",
        )
        parser.add_argument(
            "--horizon-weeks", type=int, default=1, help="Weeks forecast from each origin (1)."
        )
        parser.add_argument("--folds", type=int, default=4, help="Forecast origins (4).")

    def handle(self, *args: Any, **options: Any) -> None:
        weeks, seed = options["weeks"], options["seed"]
        interval_minutes = options["interval_minutes"]
        horizon_weeks, folds = options["horizon_weeks"], options["folds"]
        started = time.perf_counter()
        try:
            generated = generate_history(weeks=weeks, seed=seed, interval_minutes=interval_minutes)
            result = backtest(
                history=generated.history,
                holidays=generated.holidays,
                horizon_weeks=horizon_weeks,
                folds=folds,
            )
        except EngineInputError as error:
            option = {"volume": "--weeks"}.get(error.field, f"--{error.field.replace('_', '-')}")
            raise CommandError(f"{option}: {error.message}.") from error
        seconds = time.perf_counter() - started

        write = self.stdout.write
        write(
            f"Forecast backtest: {weeks} weeks of {interval_minutes}-minute intervals, seed "
            f"{seed}, {len(generated.holidays)} holidays, {folds} folds of {horizon_weeks} "
            f"week(s)"
        )
        write(f"{'origin':<12}{'wape':>8}{'bias':>9}{'naive_wape':>12}{'naive_bias':>12}")
        for fold in result.folds:
            write(
                f"{fold.origin.isoformat():<12}{fold.wape:>8.4f}{fold.bias:>+9.4f}"
                f"{fold.naive_wape:>12.4f}{fold.naive_bias:>+12.4f}"
            )
        write(
            f"{'pooled':<12}{result.wape:>8.4f}{result.bias:>+9.4f}"
            f"{result.naive_wape:>12.4f}{result.naive_bias:>+12.4f}"
        )
        if result.aht_wape is not None and result.naive_aht_wape is not None:
            write(f"handle time: wape={result.aht_wape:.4f} naive_wape={result.naive_aht_wape:.4f}")
        write(f"seconds={seconds:.2f}")
        write(f"wape={result.wape:.4f} naive_wape={result.naive_wape:.4f} ratio={result.ratio:.4f}")
