"""Writes of customer experience results: survey answers (CSAT 1-5, CES 1-7) and first-contact
resolution, per contact or already aggregated per line and day, with the statistics import's
rules: a preview first (first rows, column mapping, every row error with row and column), then
a commit that stores all or nothing.

Per-contact rows are kept (re-importing a contact replaces its answers) and the day figures of
every line and day they touch are recomputed from them into ``DailyExperience``; aggregated
rows go to ``DailyExperience`` directly. Figures (percent satisfied, means, FCR %) are computed
from those sums by whoever reads them, with the sample sizes beside them.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from bpo.catalog.models import Channel, ServiceLine
from bpo.errors import ConflictError, DomainError
from scheduling.planning.importing.reading import FileRefused, csv_rows
from scheduling.planning.models import (
    ContactExperience,
    CustomerExperienceImport,
    DailyExperience,
    ExperienceImportKind,
    ExperienceSource,
)
from tenants.db import tenant_connection

if TYPE_CHECKING:
    from bpo.accounts.models import User

UPLOAD_FOLDER = "experience-imports"
MAX_ERRORS = 200
PREVIEW_ROWS = 10
YES = {"yes", "y", "true", "1", "resolved"}
NO = {"no", "n", "false", "0", "unresolved"}

# Column aliases (lowercase) -> field.
CONTACT_COLUMNS = {
    "contact_id": "contact_id",
    "contact id": "contact_id",
    "interaction id": "contact_id",
    "date": "date",
    "contact_date": "date",
    "channel": "channel",
    "service_line": "service_line",
    "line": "service_line",
    "queue": "service_line",
    "agent": "agent",
    "agent_id": "agent",
    "csat": "csat",
    "ces": "ces",
    "fcr": "fcr",
    "resolved_first_contact": "fcr",
    "first contact resolution": "fcr",
}
DAILY_COLUMNS = {
    "service_line": "service_line",
    "line": "service_line",
    "date": "date",
    "channel": "channel",
    "csat_responses": "csat_responses",
    "csat_satisfied": "csat_satisfied",
    "csat_sum": "csat_sum",
    "csat_mean": "csat_mean",
    "ces_responses": "ces_responses",
    "ces_sum": "ces_sum",
    "ces_mean": "ces_mean",
    "fcr_responses": "fcr_responses",
    "fcr_resolved": "fcr_resolved",
}
REQUIRED = {
    ExperienceImportKind.CONTACTS: ("contact_id", "date"),
    ExperienceImportKind.DAILY: ("date",),
}


@dataclass
class Parsed:
    rows: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    mapping: list[dict] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    row_count: int = 0

    def error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"row": row, "column": column, "message": message})


def _read(record: CustomerExperienceImport) -> Parsed:
    parsed = Parsed()
    aliases = CONTACT_COLUMNS if record.kind == ExperienceImportKind.CONTACTS else DAILY_COLUMNS
    lines = {line.name.strip().lower(): line for line in ServiceLine.objects.all()}
    lines.update({str(line.pk): line for line in list(lines.values())})
    with default_storage.open(record.file_path, "rb") as handle:
        iterator = csv_rows(handle)  # type: ignore[arg-type]
        try:
            header = next(iterator)
        except StopIteration:
            raise FileRefused("The file is empty.") from None
        columns: dict[str, tuple[int, str]] = {}
        for index, name in enumerate(header):
            target = aliases.get(name.strip().lower())
            if target is None:
                if name.strip():
                    parsed.unknown.append(name.strip())
                    parsed.mapping.append(
                        {"column": name.strip(), "field": "", "note": "not known"}
                    )
                continue
            columns[target] = (index, name.strip())
            parsed.mapping.append({"column": name.strip(), "field": target, "note": ""})
        missing = [
            name for name in REQUIRED[ExperienceImportKind(record.kind)] if name not in columns
        ]
        if record.service_line is None and "service_line" not in columns:
            missing.append("service_line")
        if missing:
            raise FileRefused(
                f"The file lacks the column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} for {ExperienceImportKind(record.kind).label.lower()}."
            )
        seen: dict[tuple, int] = {}
        for number, raw in enumerate(iterator, start=1):
            if not any(cell.strip() for cell in raw):
                continue
            parsed.row_count = number

            def cell(name: str, raw=raw) -> tuple[str, str]:
                if name not in columns:
                    return "", name
                index, header_name = columns[name]
                return (raw[index].strip() if index < len(raw) else ""), header_name

            row = _row(record, parsed, number, cell, lines)
            if row is None:
                continue
            key = (
                (row["line"].pk, row["contact_id"])
                if record.kind == ExperienceImportKind.CONTACTS
                else (row["line"].pk, row["day"], row["channel"])
            )
            if key in seen:
                column = "contact_id" if record.kind == ExperienceImportKind.CONTACTS else "date"
                parsed.error(
                    number, cell(column)[1], f"repeats row {seen[key]}; a file holds each once."
                )
                continue
            seen[key] = number
            parsed.rows.append(row)
    return parsed


def _row(record, parsed: Parsed, number: int, cell, lines) -> dict | None:
    errors_before = parsed.error_count
    line = record.service_line
    text, column = cell("service_line")
    if text:
        found = lines.get(text.lower())
        if found is None:
            parsed.error(number, column, f"'{text}' is no service line of this client.")
        elif line is not None and found.pk != line.pk:
            parsed.error(number, column, f"names {found.name}, but the import is for {line.name}.")
        line = found or line
    elif line is None:
        parsed.error(number, column, "is empty: name the service line.")
    text, column = cell("date")
    day = None
    with contextlib.suppress(ValueError):
        day = date.fromisoformat(text[:10]) if text else None
    if day is None:
        parsed.error(number, column, f"'{text}' is not a date (YYYY-MM-DD).")
    text, column = cell("channel")
    channel = text.lower() or (line.channel if line else "")
    if channel == "e-mail":
        channel = "email"
    if channel not in Channel.values:
        parsed.error(number, column, f"'{text}' is not a channel ({', '.join(Channel.values)}).")
    row: dict = {"line": line, "day": day, "channel": channel}
    if record.kind == ExperienceImportKind.CONTACTS:
        contact_id, column = cell("contact_id")
        if not contact_id:
            parsed.error(number, column, "is empty; every result names its contact.")
        elif len(contact_id) > 120:
            parsed.error(number, column, "is longer than 120 characters.")
        row["contact_id"] = contact_id
        row["agent"] = cell("agent")[0][:120]
        row["csat"] = _score(parsed, number, cell("csat"), 5)
        row["ces"] = _score(parsed, number, cell("ces"), 7)
        text, column = cell("fcr")
        if not text:
            row["fcr"] = None
        elif text.lower() in YES:
            row["fcr"] = True
        elif text.lower() in NO:
            row["fcr"] = False
        else:
            parsed.error(number, column, f"'{text}' is not yes or no.")
    else:
        counts = {}
        for name in (
            "csat_responses",
            "csat_satisfied",
            "csat_sum",
            "ces_responses",
            "ces_sum",
            "fcr_responses",
            "fcr_resolved",
        ):
            text, column = cell(name)
            counts[name] = _count(parsed, number, text, column)
        for kind, top in (("csat", 5), ("ces", 7)):
            mean_text, mean_column = cell(f"{kind}_mean")
            if mean_text and not cell(f"{kind}_sum")[0]:
                try:
                    mean = float(mean_text)
                except ValueError:
                    parsed.error(number, mean_column, f"'{mean_text}' is not a number.")
                else:
                    if not 1 <= mean <= top:
                        parsed.error(number, mean_column, f"{mean_text} is not from 1 to {top}.")
                    counts[f"{kind}_sum"] = round(mean * counts[f"{kind}_responses"])
        _check_daily(parsed, number, counts, cell)
        row.update(counts)
    return row if parsed.error_count == errors_before else None


def _score(parsed: Parsed, number: int, cell_value: tuple[str, str], top: int) -> int | None:
    text, column = cell_value
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= top:
        parsed.error(number, column, f"'{text}' is not a score from 1 to {top}.")
        return None
    return int(text)


def _count(parsed: Parsed, number: int, text: str, column: str) -> int:
    if not text:
        return 0
    if text.startswith("-") and text[1:].isdigit():
        parsed.error(number, column, f"is negative ({text}).")
        return 0
    if not text.isdigit():
        parsed.error(number, column, f"'{text}' is not a whole number.")
        return 0
    return int(text)


def _check_daily(parsed: Parsed, number: int, counts: dict, cell) -> None:
    rules = (
        ("csat_satisfied", counts["csat_satisfied"] <= counts["csat_responses"], "csat_responses"),
        ("fcr_resolved", counts["fcr_resolved"] <= counts["fcr_responses"], "fcr_responses"),
    )
    for name, holds, limit in rules:
        if not holds:
            parsed.error(
                number,
                cell(name)[1] or name,
                f"{name.replace('_', ' ')} ({counts[name]}) is more than {limit.replace('_', ' ')} "
                f"({counts[limit]}).",
            )
    for kind, top in (("csat", 5), ("ces", 7)):
        responses, total = counts[f"{kind}_responses"], counts[f"{kind}_sum"]
        if not responses <= total <= responses * top:
            parsed.error(
                number,
                cell(f"{kind}_sum")[1] or f"{kind}_sum",
                f"{kind.upper()} sum {total} cannot come from {responses} answers of 1 to {top}.",
            )


def _preview(record, parsed: Parsed) -> list[dict]:
    preview = []
    for row in parsed.rows[:PREVIEW_ROWS]:
        shown = {k: v for k, v in row.items() if k != "line"}
        shown["service_line"] = row["line"].name
        shown["day"] = row["day"].isoformat()
        preview.append(shown)
    return preview


def _check(record: CustomerExperienceImport) -> Parsed:
    try:
        parsed = _read(record)
    except FileRefused as refused:
        parsed = Parsed()
        parsed.error(0, "", refused.message)
    if parsed.row_count == 0 and not parsed.error_count:
        parsed.error(0, "", "The file has no rows.")
    record.row_count = parsed.row_count
    record.valid_row_count = len(parsed.rows) if not parsed.error_count else 0
    record.error_count = parsed.error_count
    record.errors = sorted(parsed.errors, key=lambda e: (e["row"], e["column"]))
    record.column_mapping = parsed.mapping
    record.unknown_columns = parsed.unknown
    record.preview_rows = _preview(record, parsed)
    days = [row["day"] for row in parsed.rows]
    record.first_day = min(days) if days else None
    record.last_day = max(days) if days else None
    was_refused = any(error["row"] == 0 for error in parsed.errors)
    record.status = "failed" if was_refused else "preview"
    return parsed


def start_experience_import(
    *, actor: User | None, file: File, file_name: str, kind: str, service_line=None
) -> CustomerExperienceImport:
    """Store the file and check it; the import comes back as a preview (nothing stored)."""
    if kind not in ExperienceImportKind.values:
        raise DomainError("Choose per contact or per line and day.", field="kind")
    if not file.size:
        raise DomainError("The file is empty.", field="file")
    path = default_storage.save(
        f"{UPLOAD_FOLDER}/{tenant_connection().schema_name}/{uuid.uuid4().hex}.csv", file
    )
    record = CustomerExperienceImport(
        created_by=actor,
        file_name=(file_name or "upload.csv")[:255],
        file_path=path,
        file_size=file.size,
        kind=kind,
        service_line=service_line,
    )
    _check(record)
    record.save()
    return record


@transaction.atomic
def commit_experience_import(
    *, experience_import: CustomerExperienceImport, actor: User | None
) -> CustomerExperienceImport:
    """Store a checked CX import, all or nothing (``ConflictError`` unless a clean preview)."""
    record = CustomerExperienceImport.objects.select_for_update().get(pk=experience_import.pk)
    if record.status == "committed":
        raise ConflictError("This import is stored already.", field="import")
    if not record.can_be_committed:
        raise ConflictError("Only a checked import without problems can be committed.")
    parsed = _check(record)
    if parsed.error_count:
        record.status = "failed"
        record.save()
        return record
    if record.kind == ExperienceImportKind.CONTACTS:
        stored = _store_contacts(record, parsed.rows)
    else:
        stored = _store_daily(parsed.rows)
    record.status = "committed"
    record.stored_count = stored
    record.committed_at = timezone.now()
    record.save()
    return record


def _store_contacts(record, rows: list[dict]) -> int:
    ContactExperience.objects.bulk_create(
        [
            ContactExperience(
                service_line=row["line"],
                contact_reference=row["contact_id"],
                day=row["day"],
                channel=row["channel"],
                agent_reference=row["agent"],
                csat=row["csat"],
                ces=row["ces"],
                resolved_first_contact=row["fcr"],
                experience_import=record,
            )
            for row in rows
        ],
        update_conflicts=True,
        unique_fields=["service_line", "contact_reference"],
        update_fields=[
            "day",
            "channel",
            "agent_reference",
            "csat",
            "ces",
            "resolved_first_contact",
            "experience_import",
        ],
        batch_size=5000,
    )
    touched = sorted({(row["line"].pk, row["day"]) for row in rows})
    refresh_daily_from_contacts(touched)
    return len(rows)


def refresh_daily_from_contacts(touched: list[tuple[int, date]]) -> None:
    """Recompute the day figures of ``(line id, day)`` pairs from the contact results."""
    if not touched:
        return
    line_ids = [line_id for line_id, _ in touched]
    days = [day for _, day in touched]
    table = DailyExperience._meta.db_table
    contacts = ContactExperience._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} d USING unnest(%s::bigint[], %s::date[]) AS t(line_id, day) "
            f"WHERE d.service_line_id = t.line_id AND d.day = t.day",
            [line_ids, days],
        )
        cursor.execute(
            f"INSERT INTO {table} (service_line_id, day, channel, source, csat_responses, "
            f"csat_satisfied, csat_sum, ces_responses, ces_sum, fcr_responses, fcr_resolved) "
            f"SELECT c.service_line_id, c.day, c.channel, %s, count(c.csat), "
            f"count(*) FILTER (WHERE c.csat >= 4), coalesce(sum(c.csat), 0), count(c.ces), "
            f"coalesce(sum(c.ces), 0), count(c.resolved_first_contact), "
            f"count(*) FILTER (WHERE c.resolved_first_contact) "
            f"FROM {contacts} c JOIN unnest(%s::bigint[], %s::date[]) AS t(line_id, day) "
            f"ON c.service_line_id = t.line_id AND c.day = t.day "
            f"GROUP BY c.service_line_id, c.day, c.channel",
            [ExperienceSource.CONTACTS, line_ids, days],
        )


def _store_daily(rows: list[dict]) -> int:
    names = [
        "csat_responses",
        "csat_satisfied",
        "csat_sum",
        "ces_responses",
        "ces_sum",
        "fcr_responses",
        "fcr_resolved",
    ]
    DailyExperience.objects.bulk_create(
        [
            DailyExperience(
                service_line=row["line"],
                day=row["day"],
                channel=row["channel"],
                source=ExperienceSource.AGGREGATE,
                **{name: row[name] for name in names},
            )
            for row in rows
        ],
        update_conflicts=True,
        unique_fields=["service_line", "day", "channel"],
        update_fields=["source", *names],
        batch_size=5000,
    )
    return len(rows)
