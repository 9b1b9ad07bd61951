"""Helpers of the statistics import tests: CSV files and a neutral row."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.core.files.base import ContentFile

from scheduling.planning.importing.presets import FIELDS

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
HEADER = ["service_line", "interval_start", "interval_minutes", *FIELDS]


def neutral_row(line: str, start: str, minutes: int = 15, **values) -> list:
    base = dict.fromkeys(FIELDS, 0)
    base.update(offered=10, answered=9, abandoned=1, answered_within_threshold=7)
    base.update(answered_wait_seconds=120, talk_seconds=2700, hold_seconds=90, acw_seconds=300)
    base.update(values)
    return [line, start, minutes, *(base[name] for name in FIELDS)]


def csv_bytes(rows: list[list], header: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header or HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def upload(data: bytes, name: str = "export.csv") -> ContentFile:
    return ContentFile(data, name=name)
