"""``python manage.py bench_statistics_import --rows N``: a neutral CSV of N interval rows
(ten service lines, 15-minute intervals, realistic values) imported through the page's service
(check, then commit), ending with ``rows=<N> seconds=<s> rows_per_s=<r> peak_mb=<m>``.

Seconds count the check and the commit (the file is read, staged and checked twice, as on the
page), not the generation of the file. ``peak_mb`` is this process's peak resident memory
(the PostgreSQL server's own memory is not in it)."""

from __future__ import annotations

import csv
import random
import resource
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from bpo.catalog.models import ServiceLine
from scheduling.planning.importing.presets import FIELDS
from scheduling.planning.importing.synthetic import LineProfile, interval_values
from scheduling.planning.models import IntervalStatistic, PlanningSettings
from scheduling.planning.services import statistics_import as services

BENCH_SLUG = "bench-statistics"
LINES = 10


class Command(BaseCommand):
    help = "Benchmark the statistics import; ends with rows=<N> seconds=<s> rows_per_s=<r> peak_mb=<m>."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=350_400)
        parser.add_argument("--client", default=BENCH_SLUG, help="Made when missing.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--keep", action="store_true", help="Keep the stored rows.")

    def handle(self, *args, rows: int, client: str, seed: int, keep: bool, **options):
        if rows < 1:
            raise CommandError("--rows must be at least 1.")
        target = self._client(client)
        with tenant_context(target):
            lines = self._lines()
            settings = PlanningSettings.current()
            if settings.interval_minutes != 15:
                settings.interval_minutes = 15
                settings.save(update_fields=["interval_minutes"])
            _delete_rows(lines)
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "bench.csv"
                self._write(path, rows, lines, seed)
                started = time.perf_counter()
                with path.open("rb") as handle:
                    record = services.start_statistics_import(
                        actor=None,
                        file=File(handle, name=path.name),
                        file_name=path.name,
                        format="neutral",
                        time_zone="UTC",
                        in_background=False,
                    )
                if not record.can_be_committed:
                    raise CommandError(f"The generated file has problems: {record.errors[:3]}")
                record = services.commit_statistics_import(
                    statistics_import=record, actor=None, in_background=False
                )
                seconds = time.perf_counter() - started
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            stored = record.inserted_count + record.replaced_count
            if stored != rows:
                raise CommandError(f"Stored {stored} rows, expected {rows}.")
            if not keep:
                _delete_rows(lines)
        self.stdout.write(
            f"rows={rows} seconds={seconds:.2f} rows_per_s={rows / seconds:.0f} peak_mb={peak_mb:.0f}"
        )

    def _client(self, slug: str):
        from tenants.models import Client
        from tenants.services import create_client_now

        client = Client.objects.filter(slug=slug).first()
        if client is None:
            client = create_client_now(
                data={
                    "name": "Statistics benchmark",
                    "legal_name": "Statistics benchmark Ltd",
                    "slug": slug,
                    "industry": "other",
                    "country": "US",
                    "time_zone": "UTC",
                    "currency": "USD",
                    "billing_model": "per_hour",
                    "billing_contact_name": "Bench",
                    "billing_contact_email": "bench@bench.example",
                    "admin_full_name": "Bench Admin",
                    "admin_email": f"admin@{slug}.example",
                },
                requested_by=None,
            )
        return client

    def _lines(self) -> list[ServiceLine]:
        from bpo.catalog.services.service_lines import create_service_line

        lines = []
        for number in range(1, LINES + 1):
            name = f"Bench line {number}"
            line = ServiceLine.objects.filter(name=name).first()
            if line is None:
                line = create_service_line(
                    actor=None,
                    name=name,
                    channel="chat" if number % 3 == 0 else "voice",
                    direction="inbound",
                    is_open_24_7=True,
                )
            lines.append(line)
        return lines

    def _write(self, path: Path, rows: int, lines, seed: int) -> None:
        rng = random.Random(seed)
        profiles = [LineProfile(line.channel, 60 + 15 * index) for index, line in enumerate(lines)]
        per_line = -(-rows // len(lines))
        first = datetime(2025, 1, 6, tzinfo=UTC)
        step = timedelta(minutes=15)
        written = 0
        with path.open("w", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(["service_line", "interval_start", "interval_minutes", *FIELDS])
            for slot in range(per_line):
                start = first + slot * step
                stamp = start.isoformat().replace("+00:00", "Z")
                for line, profile in zip(lines, profiles, strict=True):
                    if written >= rows:
                        return
                    values = interval_values(profile, start, 15, rng)
                    out.writerow([line.name, stamp, 15, *(values[name] for name in FIELDS)])
                    written += 1


def _delete_rows(lines) -> None:
    """One DELETE (the ORM's would load every row first)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {IntervalStatistic._meta.db_table} WHERE service_line_id = ANY(%s)",
            [[line.pk for line in lines]],
        )
