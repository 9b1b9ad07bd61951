"""Worker-side runs of statistics imports: read the file, stage it, check it, store it.

The request side (``services/statistics_import``) calls these directly for small files and
through the Celery task (``tasks``) for large ones; this module imports neither, so the import
graph runs one way: services -> tasks -> workers.

How a file is stored, fast and all or nothing:

1. The rows are read by ``importing.presets.IntervalReader`` (dates, zones, durations) and
   streamed with PostgreSQL ``COPY`` (psycopg 3 ``cursor.copy``) into a temporary staging
   table, the numbers still as text.
2. Every check runs set-based in SQL over the staging table: whole numbers, negatives, the
   counts' consistency (answered <= offered ...), the interval grid of the client's planning
   settings, intervals repeated in the file. Each problem names the row, the column and why.
3. With no problem (and only on commit), one ``INSERT ... ON CONFLICT DO UPDATE`` stores every
   interval, replacing what an earlier import stored for the same line and start: importing the
   same file twice stores the same rows once. Nothing is written when any row is wrong.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from bpo.catalog.models import ServiceLine
from bpo.jobs import services as job_services
from scheduling.planning.importing.presets import (
    FIELDS,
    NULL,
    PRESETS,
    IntervalReader,
    ParsedRow,
    RowError,
)
from scheduling.planning.importing.reading import FileRefused, csv_rows
from scheduling.planning.models import ImportStatus, PlanningSettings, StatisticsImport

logger = logging.getLogger(__name__)

MAX_ERRORS = 200
PREVIEW_ROWS = 10
COPY_CHUNK = 50_000
Progress = Callable[[int, str], None]

# Pairs (smaller, larger) the counts must respect, as the table's check constraint does.
CONSISTENCY = (
    ("answered", "offered"),
    ("abandoned", "offered"),
    ("short_abandoned", "abandoned"),
    ("answered_within_threshold", "answered"),
    ("abandoned_within_threshold", "abandoned"),
    ("first_responses_within_target", "first_responses"),
)


@dataclass
class LineResolver:
    """Which service line a row goes to: one chosen line, or the row's queue name through the
    mapping (queue name -> line id) or a line of the same name or id."""

    service_line: ServiceLine | None = None
    mapping: dict[str, int] = field(default_factory=dict)
    lines_by_key: dict[str, int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    queue_seen: str | None = None

    @classmethod
    def build(cls, *, service_line: ServiceLine | None, mapping: dict) -> LineResolver:
        lines = list(ServiceLine.objects.only("id", "name"))
        by_key: dict[str, int] = {}
        for line in lines:
            by_key[line.name.strip().lower()] = line.pk
            by_key[str(line.pk)] = line.pk
        return cls(
            service_line=service_line,
            mapping={str(k).strip().lower(): int(v) for k, v in (mapping or {}).items()},
            lines_by_key=by_key,
            names={line.pk: line.name for line in lines},
        )

    def resolve(self, key: str) -> tuple[int | None, str | None]:
        """(line id, None) or (None, the reason)."""
        if self.service_line is not None:
            if key:
                if self.queue_seen is None:
                    self.queue_seen = key
                elif key != self.queue_seen:
                    return None, (
                        f"holds queue '{key}' after '{self.queue_seen}': a file with several "
                        f"queues cannot all go to {self.service_line.name}; map each queue "
                        "to its line instead."
                    )
            return self.service_line.pk, None
        if not key:
            return None, "is empty: choose the service line, or name one in every row."
        lowered = key.lower()
        line_id = self.mapping.get(lowered) or self.lines_by_key.get(lowered)
        if line_id is None or line_id not in self.names:
            return None, f"'{key}' is no service line of this client; map it to one."
        return line_id, None


@dataclass
class ImportOutcome:
    row_count: int = 0
    valid_row_count: int = 0
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)
    mapping: list[dict] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    preview_rows: list[dict] = field(default_factory=list)
    inserted: int = 0
    replaced: int = 0
    first_start: datetime | None = None
    last_start: datetime | None = None
    committed: bool = False


def process_rows(
    *,
    reader: IntervalReader,
    raw_rows: Iterable[list[str]],
    lines: LineResolver,
    interval_minutes: int,
    commit: bool,
    progress: Progress | None = None,
    expected_rows: int | None = None,
) -> ImportOutcome:
    """Stage, check and (when ``commit`` and nothing is wrong) store one file's rows.

    Runs with the client's schema active. Raises ``FileRefused`` for a file that cannot be read
    at all. The write is one transaction; progress is reported between COPY chunks (outside any
    application transaction when called from a worker)."""
    outcome = ImportOutcome()
    staging = f"statistics_staging_{uuid.uuid4().hex[:12]}"
    field_columns = ", ".join(f"{name} bigint" for name in FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {staging} (row_number integer, line_id bigint, "
            f"starts_at timestamptz, minutes integer, {field_columns})"
        )
        try:
            _copy_rows(
                cursor, staging, reader.rows(raw_rows), reader, lines, progress, expected_rows
            )
            outcome.row_count = reader.row_count
            if progress:
                progress(65, "Checking the rows")
            cursor.execute(
                f"UPDATE {staging} SET minutes = %s WHERE minutes IS NULL", [interval_minutes]
            )
            cursor.execute(f"ANALYZE {staging}")
            errors = [error.as_dict() for error in reader.errors]
            error_count = reader.error_count
            column_of = _columns_of(reader)
            for found, total in _checks(cursor, staging, column_of, interval_minutes):
                errors.extend(found)
                error_count += total
            errors.sort(key=lambda e: (e["row"], e["column"]))
            outcome.errors = errors[:MAX_ERRORS]
            outcome.error_count = error_count
            outcome.warnings = list(reader.warnings)
            outcome.mapping = reader.mapping
            outcome.unknown_columns = reader.unknown_columns
            outcome.preview_rows = _preview(cursor, staging, lines, reader.zone)
            cursor.execute(
                f"SELECT count(*), min(starts_at), max(starts_at) FROM {staging} "
                f"WHERE line_id IS NOT NULL AND starts_at IS NOT NULL"
            )
            count, first, last = cursor.fetchone()
            outcome.valid_row_count = count if error_count == 0 else 0
            outcome.first_start, outcome.last_start = first, last
            if outcome.row_count == 0 and error_count == 0:
                outcome.errors = [{"row": 0, "column": "", "message": "The file has no rows."}]
                outcome.error_count = 1
            if commit and outcome.error_count == 0:
                if progress:
                    progress(80, "Storing the intervals")
                with transaction.atomic():
                    outcome.inserted, outcome.replaced = _upsert(cursor, staging)
                outcome.committed = True
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {staging}")
    return outcome


def _copy_rows(cursor, staging, rows: Iterator[ParsedRow], reader, lines, progress, expected):
    """COPY the rows in chunks of text lines (the values are digits already, or NULL)."""
    columns = "row_number, line_id, starts_at, minutes, " + ", ".join(FIELDS)
    sql = f"COPY {staging} ({columns}) FROM STDIN"
    queue_column = _queue_column(reader)
    resolved: dict[str, str] = {}
    stamps: dict[datetime, str] = {}
    done = False
    written = 0
    refused: FileRefused | None = None
    guarded = _stopping_at_refusal(rows)
    while not done:
        chunk = 0
        batch: list[str] = []
        with cursor.cursor.copy(sql) as copy:
            for row in guarded:
                if isinstance(row, FileRefused):
                    # Leave the COPY cleanly (an aborted COPY aborts the transaction).
                    refused = row
                    done = True
                    break
                line = resolved.get(row.line_key)
                if line is None:
                    line_id, reason = lines.resolve(row.line_key)
                    if reason is not None:
                        reader.error(row.number, queue_column, reason)
                        line = NULL
                    else:
                        line = str(line_id)
                        if lines.service_line is None:
                            resolved[row.line_key] = line
                start = row.starts_at
                if start is None:
                    stamp = NULL
                else:
                    cached = stamps.get(start)
                    if cached is None:
                        cached = stamps[start] = start.isoformat()
                    stamp = cached
                batch.append(
                    f"{row.number}\t{line}\t{stamp}\t"
                    f"{NULL if row.minutes is None else row.minutes}\t" + row.values + "\n"
                )
                chunk += 1
                if len(batch) >= 2000:
                    copy.write("".join(batch))
                    batch = []
                if chunk >= COPY_CHUNK:
                    break
            else:
                done = True
            if batch:
                copy.write("".join(batch))
        if refused is not None:
            raise refused
        if len(stamps) > 100_000:
            stamps.clear()
        written += chunk
        if progress and not done:
            share = min(written / expected, 1.0) if expected else 0.5
            progress(5 + int(share * 55), f"Read {written:,} rows")


def _stopping_at_refusal(rows: Iterator[ParsedRow]) -> Iterator[ParsedRow | FileRefused]:
    try:
        yield from rows
    except FileRefused as refused:
        yield refused


def _queue_column(reader: IntervalReader) -> str:
    for entry in reader.mapping:
        if entry["field"] == "queue":
            return entry["column"]
    return "service_line"


def _columns_of(reader: IntervalReader) -> dict[str, str]:
    """The file's header naming each stored field (and the interval's start and length)."""
    columns = {name: name for name in FIELDS}
    for entry in reader.mapping:
        if entry["field"]:
            columns[entry["field"]] = entry["column"]
    columns.setdefault("start", "interval_start")
    columns.setdefault("minutes", columns.get("end", columns["start"]))
    return columns


def _checks(cursor, staging, column_of, interval_minutes):
    """Each check's first errors and its total count, in four passes over the staging."""
    limit = MAX_ERRORS + 1
    valid = "line_id IS NOT NULL AND starts_at IS NOT NULL"

    # Negative numbers and counts that contradict each other, one pass.
    negative = " OR ".join(f"{name} < 0" for name in FIELDS)
    contradicts = " OR ".join(f"{a} > {b}" for a, b in CONSISTENCY)
    cursor.execute(
        f"SELECT row_number, {', '.join(FIELDS)}, count(*) OVER () FROM {staging} "
        f"WHERE {negative} OR {contradicts} ORDER BY row_number LIMIT %s",
        [limit],
    )
    found, total = [], 0
    for row_number, *values, count in cursor.fetchall():
        total = count
        row = dict(zip(FIELDS, values, strict=True))
        for name, value in row.items():
            if value is not None and value < 0:
                found.append(
                    _err(
                        row_number,
                        column_of[name],
                        f"is negative ({value}); counts and seconds are never below zero.",
                    )
                )
        for smaller, larger in CONSISTENCY:
            a, b = row[smaller], row[larger]
            if a is not None and b is not None and a > b and b >= 0:
                found.append(
                    _err(
                        row_number,
                        column_of[smaller],
                        f"{smaller.replace('_', ' ')} ({a}) is more than "
                        f"{larger.replace('_', ' ')} ({b}).",
                    )
                )
    yield found, max(total, len(found))

    # The interval grid of the planning settings, and the years the portal plans for.
    grid = ", :15, :30, :45" if interval_minutes == 15 else ", :30"
    cursor.execute(
        f"SELECT row_number, minutes, to_char(starts_at AT TIME ZONE 'UTC', "
        f"'YYYY-MM-DD HH24:MI'), extract(epoch FROM starts_at)::bigint %% (%s * 60) <> 0, "
        f"starts_at < '1970-01-01' OR starts_at >= '2101-01-01', count(*) OVER () "
        f"FROM {staging} WHERE {valid} AND (minutes <> %s "
        f"OR extract(epoch FROM starts_at)::bigint %% (%s * 60) <> 0 "
        f"OR starts_at < '1970-01-01' OR starts_at >= '2101-01-01') "
        f"ORDER BY row_number LIMIT %s",
        [interval_minutes, interval_minutes, interval_minutes, limit],
    )
    found, total = [], 0
    for row_number, minutes, moment, off_grid, out_of_range, count in cursor.fetchall():
        total = count
        if minutes != interval_minutes:
            found.append(
                _err(
                    row_number,
                    column_of["minutes"],
                    f"is a {minutes}-minute interval; this client's statistics use "
                    f"{interval_minutes}-minute intervals (planning settings).",
                )
            )
        if off_grid:
            found.append(
                _err(
                    row_number,
                    column_of["start"],
                    f"{moment} UTC is not on the {interval_minutes}-minute grid "
                    f"(intervals start at :00{grid}).",
                )
            )
        if out_of_range:
            found.append(_err(row_number, column_of["start"], "lies outside 1970 to 2100."))
    yield found, max(total, len(found))

    # Intervals the file holds twice (same line and start).
    cursor.execute(
        f"SELECT row_number, first_row, count(*) OVER () FROM ("
        f"SELECT row_number, min(row_number) OVER w AS first_row FROM {staging} "
        f"WHERE {valid} WINDOW w AS (PARTITION BY line_id, starts_at)) d "
        f"WHERE row_number <> first_row ORDER BY row_number LIMIT %s",
        [limit],
    )
    rows = cursor.fetchall()
    yield (
        [
            _err(
                r,
                column_of["start"],
                f"repeats the interval of row {first} (same service line and start); a file "
                "holds each interval once.",
            )
            for r, first, _ in rows
        ],
        rows[0][2] if rows else 0,
    )


def _err(row: int, column: str, message: str) -> dict:
    return RowError(row, column, message).as_dict()


def _preview(cursor, staging, lines: LineResolver, zone: ZoneInfo) -> list[dict]:
    cursor.execute(
        f"SELECT row_number, line_id, starts_at, minutes, {', '.join(FIELDS)} FROM {staging} "
        f"WHERE line_id IS NOT NULL AND starts_at IS NOT NULL ORDER BY row_number LIMIT %s",
        [PREVIEW_ROWS],
    )
    preview = []
    for row_number, line_id, starts_at, minutes, *values in cursor.fetchall():
        preview.append(
            {
                "row": row_number,
                "service_line": lines.names.get(line_id, ""),
                "starts_at": starts_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                "local_start": starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z"),
                "minutes": minutes,
                **dict(zip(FIELDS, values, strict=True)),
            }
        )
    return preview


def _upsert(cursor, staging) -> tuple[int, int]:
    names = ", ".join(FIELDS)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in ("interval_minutes", *FIELDS))
    cursor.execute(
        f"WITH upserted AS (INSERT INTO planning_intervalstatistic "
        f"(service_line_id, starts_at, interval_minutes, {names}) "
        f"SELECT line_id, starts_at, minutes, {names} FROM {staging} ORDER BY line_id, starts_at "
        f"ON CONFLICT (service_line_id, starts_at) DO UPDATE SET {updates} "
        f"RETURNING (xmax = 0) AS inserted) "
        f"SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) "
        f"FROM upserted"
    )
    inserted, replaced = cursor.fetchone()
    return inserted, replaced


# --- one import record -------------------------------------------------------------------------------


def reader_for(statistics_import: StatisticsImport) -> IntervalReader:
    return IntervalReader(
        preset=PRESETS[statistics_import.format],
        zone=ZoneInfo(statistics_import.time_zone),
        duration_unit=statistics_import.duration_unit,
        max_errors=MAX_ERRORS,
    )


def run_statistics_import(
    *,
    import_id: int,
    commit: bool,
    job_id=None,
    raw_rows: Iterable[list[str]] | None = None,
) -> StatisticsImport:
    """Check (and on ``commit`` store) one import: its stored file, or ``raw_rows`` (API).

    Records the outcome on the import; a refused file or a row error makes it ``failed`` on
    commit and leaves the preview's problems on it otherwise. Idempotent: a committed import
    is returned as it is."""
    record = StatisticsImport.objects.select_related("service_line").get(pk=import_id)
    if record.status == ImportStatus.COMMITTED:
        return record
    progress = None
    if job_id is not None:
        job_services.start_job(job_id=job_id)

        def progress(percent: int, message: str) -> None:
            job_services.report_progress(job_id=job_id, progress=percent, message=message)

    handle = None
    try:
        if raw_rows is None:
            handle = default_storage.open(record.file_path, "rb")
            raw_rows = csv_rows(handle)  # type: ignore[arg-type]
        lines = LineResolver.build(service_line=record.service_line, mapping=record.queue_mapping)
        outcome = process_rows(
            reader=reader_for(record),
            raw_rows=raw_rows,
            lines=lines,
            interval_minutes=record.interval_minutes,
            commit=commit,
            progress=progress,
            expected_rows=max(record.file_size // 60, 1) if record.file_size else None,
        )
    except FileRefused as refused:
        outcome = ImportOutcome(errors=[{"row": 0, "column": "", "message": refused.message}])
        outcome.error_count = 1
    except Exception as exc:
        logger.exception("Statistics import %s failed", import_id)
        _record(record, ImportOutcome(), status=ImportStatus.FAILED)
        if job_id is not None:
            job_services.fail_job(job_id=job_id, error=f"{type(exc).__name__}: {exc}")
        raise
    finally:
        if handle is not None:
            handle.close()
    if outcome.committed:
        status = ImportStatus.COMMITTED
    elif outcome.error_count:
        status = ImportStatus.FAILED if commit or outcome.row_count == 0 else ImportStatus.PREVIEW
        if outcome.errors and outcome.errors[0]["row"] == 0:
            status = ImportStatus.FAILED
    else:
        status = ImportStatus.PREVIEW
    _record(record, outcome, status=status)
    if job_id is not None:
        message = {
            ImportStatus.COMMITTED: f"Stored {outcome.inserted + outcome.replaced:,} intervals",
            ImportStatus.PREVIEW: "Checked: ready to commit"
            if not outcome.error_count
            else f"Checked: {outcome.error_count:,} problems",
            ImportStatus.FAILED: "Nothing was stored",
        }[status]
        job_services.finish_job(
            job_id=job_id, result={"import": record.pk, "status": status}, message=message
        )
    return record


def _record(record: StatisticsImport, outcome: ImportOutcome, *, status: str) -> None:
    record.status = status
    record.row_count = outcome.row_count
    record.valid_row_count = outcome.valid_row_count
    record.error_count = outcome.error_count
    record.errors = outcome.errors
    record.warnings = outcome.warnings
    record.column_mapping = outcome.mapping
    record.unknown_columns = outcome.unknown_columns
    record.preview_rows = outcome.preview_rows
    fields = [
        "status",
        "row_count",
        "valid_row_count",
        "error_count",
        "errors",
        "warnings",
        "column_mapping",
        "unknown_columns",
        "preview_rows",
    ]
    if outcome.committed:
        record.inserted_count = outcome.inserted
        record.replaced_count = outcome.replaced
        record.committed_at = timezone.now()
        record.replaced_from = outcome.first_start
        record.replaced_until = (
            outcome.last_start + _minutes(record.interval_minutes) if outcome.last_start else None
        )
        fields += [
            "inserted_count",
            "replaced_count",
            "committed_at",
            "replaced_from",
            "replaced_until",
        ]
    record.save(update_fields=fields)


def _minutes(minutes: int):
    from datetime import timedelta

    return timedelta(minutes=minutes)


def current_interval_minutes() -> int:
    return PlanningSettings.current().interval_minutes
