"""Writes of contact statistics: uploading an export, its preview, committing it, and rows
pushed by an ACD integration through the API.

An upload is stored as a file and checked at once (small files) or by a background job with
progress (files over ``STATISTICS_IMPORT_BACKGROUND_BYTES``); the import is then a preview:
its first rows as read, which column became which field, and every problem found. Committing
reads the file again and stores it all or nothing (``workers.process_rows``). Who may do this
is checked at the edge (``Action.IMPORT_STATISTICS``); these services check the rules.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from bpo.catalog.models import ServiceLine
from bpo.errors import ConflictError, DomainError
from bpo.jobs import services as job_services
from scheduling.planning import tasks
from scheduling.planning.importing.presets import FIELDS, NEUTRAL, PRESETS
from scheduling.planning.models import (
    DurationUnit,
    ImportSource,
    ImportStatus,
    PlanningSettings,
    StatisticsImport,
)
from scheduling.planning.workers import statistics_import as workers
from tenants.db import tenant_connection

if TYPE_CHECKING:
    from bpo.accounts.models import User

UPLOAD_FOLDER = "statistics-imports"
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MAX_PUSHED_ROWS = 50_000
MAX_IDEMPOTENCY_KEY = 200  # StatisticsImport.idempotency_key


def background_bytes() -> int:
    return int(getattr(settings, "STATISTICS_IMPORT_BACKGROUND_BYTES", 2 * 1024 * 1024))


@dataclass(frozen=True)
class ImportRequest:
    format: str
    time_zone: str
    service_line: ServiceLine | None
    queue_mapping: dict[str, int]
    duration_unit: str


def parse_queue_mapping(text: str) -> dict[str, int]:
    """``Queue name = Service line`` per line (a line's name or id) -> {queue: line id}."""
    mapping: dict[str, int] = {}
    problems = []
    lines = {line.name.strip().lower(): line.pk for line in ServiceLine.objects.only("name")}
    ids = set(ServiceLine.objects.values_list("pk", flat=True))
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        queue, sep, target = raw.partition("=")
        if not sep or not queue.strip() or not target.strip():
            problems.append(f"Line {number}: write 'Queue name = Service line'.")
            continue
        key = target.strip().lower()
        line_id = lines.get(key) or (int(key) if key.isdigit() and int(key) in ids else None)
        if line_id is None:
            problems.append(f"Line {number}: '{target.strip()}' is no service line of this client.")
            continue
        mapping[queue.strip()] = line_id
    if problems:
        raise DomainError(" ".join(problems), field="queue_mapping")
    return mapping


def check_import_request(
    *,
    format: str,
    time_zone: str,
    service_line: ServiceLine | None,
    queue_mapping: dict[str, int] | None,
    duration_unit: str | None,
) -> ImportRequest:
    fields: dict[str, list[str]] = {}
    if format not in PRESETS:
        known = ", ".join(PRESETS)
        fields["format"] = [f"Unknown format '{format}'; choose one of {known}."]
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        fields["time_zone"] = [f"'{time_zone}' is no IANA time zone (e.g. America/New_York)."]
    unit = duration_unit or (PRESETS[format].default_duration_unit if format in PRESETS else "")
    if unit not in DurationUnit.values:
        fields["duration_unit"] = ["Durations are in seconds or milliseconds."]
    if fields:
        raise DomainError(next(iter(fields.values()))[0], fields=fields)
    return ImportRequest(format, time_zone, service_line, dict(queue_mapping or {}), unit)


def start_statistics_import(
    *,
    actor: User | None,
    file: File,
    file_name: str,
    format: str,
    time_zone: str,
    service_line: ServiceLine | None = None,
    queue_mapping: dict[str, int] | None = None,
    duration_unit: str | None = None,
    source: str = ImportSource.FILE,
    in_background: bool | None = None,
) -> StatisticsImport:
    """Store the uploaded export and check it: the import comes back as a preview (small
    files) or still being checked by a background job (large files; its ``job`` has the
    progress). Nothing is stored in the statistics until :func:`commit_statistics_import`."""
    request = check_import_request(
        format=format,
        time_zone=time_zone,
        service_line=service_line,
        queue_mapping=queue_mapping,
        duration_unit=duration_unit,
    )
    size = file.size or 0
    if size > MAX_UPLOAD_BYTES:
        raise DomainError("The file is larger than 200 MB; split it by month.", field="file")
    if size == 0:
        raise DomainError("The file is empty.", field="file")
    schema = tenant_connection().schema_name
    path = default_storage.save(f"{UPLOAD_FOLDER}/{schema}/{uuid.uuid4().hex}.csv", file)
    background = size > background_bytes() if in_background is None else in_background
    with transaction.atomic():
        record = StatisticsImport.objects.create(
            created_by=actor,
            source=source,
            file_name=(file_name or "upload.csv")[:255],
            file_path=path,
            file_size=size,
            format=request.format,
            duration_unit=request.duration_unit,
            service_line=request.service_line,
            queue_mapping=request.queue_mapping,
            time_zone=request.time_zone,
            interval_minutes=PlanningSettings.current().interval_minutes,
        )
        if background:
            _enqueue(record, commit=False, actor=actor)
            return record
    return workers.run_statistics_import(import_id=record.pk, commit=False)


def commit_statistics_import(
    *, statistics_import: StatisticsImport, actor: User | None, in_background: bool | None = None
) -> StatisticsImport:
    """Store a checked import, all or nothing; intervals stored before for the same line and
    start are replaced. A ``ConflictError`` unless it is a preview without problems."""
    with transaction.atomic():
        record = StatisticsImport.objects.select_for_update().get(pk=statistics_import.pk)
        if record.status == ImportStatus.COMMITTED:
            raise ConflictError("This import is stored already.", field="import")
        if not record.can_be_committed:
            raise ConflictError(
                "Only a checked import without problems can be committed; fix the file and "
                "upload it again.",
                field="import",
            )
        record.status = ImportStatus.COMMITTING
        record.save(update_fields=["status"])
        background = (
            record.file_size > background_bytes() if in_background is None else in_background
        )
        if background:
            _enqueue(record, commit=True, actor=actor)
            return record
    return workers.run_statistics_import(import_id=record.pk, commit=True)


def _enqueue(record: StatisticsImport, *, commit: bool, actor) -> None:
    from tenants.models import Client

    job = job_services.create_job(
        kind="statistics_commit" if commit else "statistics_check",
        created_by=actor,
        client=Client.objects.filter(schema_name=tenant_connection().schema_name).first(),
    )
    record.job_id = job.pk
    record.save(update_fields=["job"])
    job_services.enqueue_after_commit(
        job_id=job.pk,
        send=lambda: tasks.statistics_import_task.delay(record.pk, commit, str(job.pk)),
    )


# --- API push ----------------------------------------------------------------------------------------

PUSH_COLUMNS = ("service_line", "interval_start", "interval_minutes", *FIELDS)


def _request_hash(rows: list[dict[str, Any]]) -> str:
    canonical = json.dumps(rows, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def push_interval_statistics(
    *, actor: User | None, rows: list[dict[str, Any]], idempotency_key: str = ""
) -> tuple[int, dict]:
    """Store rows pushed by an ACD integration (neutral columns, UTC offsets), all or nothing.

    Answers (HTTP status, body). With an ``idempotency_key``, the same key and the same rows
    answer the first answer again without storing anything twice; the same key with other
    rows is a ``ConflictError`` (409)."""
    if not isinstance(rows, list) or not rows:
        raise DomainError("Send a non-empty list of interval rows.", field="rows")
    if len(rows) > MAX_PUSHED_ROWS:
        raise DomainError(
            f"At most {MAX_PUSHED_ROWS:,} rows per request; send the rest in another.",
            field="rows",
        )
    key = (idempotency_key or "").strip()
    if len(key) > MAX_IDEMPOTENCY_KEY:
        # Never cut it: two long keys sharing a prefix would answer each other's pushes.
        raise DomainError(
            f"An Idempotency-Key has at most {MAX_IDEMPOTENCY_KEY} characters; "
            f"this one has {len(key)}.",
            field="idempotency_key",
        )
    digest = _request_hash(rows)
    if key:
        existing = StatisticsImport.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return _replay(existing, digest)
    try:
        with transaction.atomic():
            record = StatisticsImport.objects.create(
                created_by=actor,
                source=ImportSource.API,
                file_name="API push",
                format=NEUTRAL.key,
                time_zone="UTC",
                interval_minutes=PlanningSettings.current().interval_minutes,
                idempotency_key=key,
                request_hash=digest,
            )
    except IntegrityError:
        return _replay(StatisticsImport.objects.get(idempotency_key=key), digest)
    raw_rows = [list(PUSH_COLUMNS)]
    unknown: set[str] = set()
    for row in rows:
        if not isinstance(row, dict):
            raw_rows.append(["" for _ in PUSH_COLUMNS])
            continue
        unknown.update(set(row) - set(PUSH_COLUMNS))
        raw_rows.append(["" if row.get(c) is None else str(row.get(c)) for c in PUSH_COLUMNS])
    record = workers.run_statistics_import(import_id=record.pk, commit=True, raw_rows=raw_rows)
    body = import_summary(record)
    body["unknown_fields"] = sorted(unknown)
    status = 201 if record.status == ImportStatus.COMMITTED else 400
    record.response_status = status
    record.response_body = body
    record.save(update_fields=["response_status", "response_body"])
    return status, body


def _replay(existing: StatisticsImport, digest: str) -> tuple[int, dict]:
    if existing.request_hash != digest:
        raise ConflictError(
            "This Idempotency-Key was used for other rows; use a new key for new content.",
            field="idempotency_key",
        )
    if existing.response_body is None:
        raise ConflictError(
            "A request with this Idempotency-Key is still being stored; ask again shortly.",
            field="idempotency_key",
        )
    return existing.response_status or 200, existing.response_body


def import_summary(record: StatisticsImport) -> dict:
    def instant(value):
        return value.isoformat().replace("+00:00", "Z") if value else None

    return {
        "id": record.pk,
        "status": record.status,
        "row_count": record.row_count,
        "stored": record.inserted_count + record.replaced_count,
        "inserted": record.inserted_count,
        "replaced": record.replaced_count,
        "replaced_from": instant(record.replaced_from),
        "replaced_until": instant(record.replaced_until),
        "error_count": record.error_count,
        "errors": record.errors,
    }


def content_file(data: bytes, name: str) -> ContentFile:
    return ContentFile(data, name=name)
