"""The roster as a CSV file: the columns, reading a file into rows, writing the export.

Row numbers are the spreadsheet's: the header is row 1, the first agent row 2. Reading checks
the file itself (UTF-8 text, not a spreadsheet renamed ``.csv``, known and required columns);
each value is parsed by ``scheduling.roster.fields``; the references (team, site, skills,
clients' service lines) are the services' check (``services.plan_roster_import``).
"""

from __future__ import annotations

import csv
import io

from scheduling.roster import fields as text
from scheduling.roster.csv_files import RowProblem, read_table
from scheduling.roster.models import WEEKDAYS
from scheduling.roster.services import AgentData

COLUMNS = (
    "employee_number",
    "full_name",
    "email",
    "team",
    "site",
    "time_zone",
    "languages",
    "skills",
    "min_hours_per_week",
    "max_hours_per_week",
    "days_per_week",
    "shift_templates",
    "hourly_cost",
    "currency",
    *(f"availability_{day}" for day in WEEKDAYS),
    "starts_on",
    "ends_on",
    "service_lines",
    "max_consecutive_days",
    "min_consecutive_days_off",
    "max_weekends_per_4_weeks",
    "preferences",
)
REQUIRED = ("employee_number", "full_name", "time_zone", "currency")
# AgentData's field -> the column it comes from, where the names differ.
COLUMN_OF_FIELD = {"cost_currency": "currency", "availability": "availability_mon"}
MAX_ROWS = 20_000


def column_of(field_name: str) -> str:
    return COLUMN_OF_FIELD.get(field_name, field_name)


def read_rows(content: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[RowProblem]]:
    """The file's agent rows by row number, or the problems that stop reading it."""
    return read_table(content, columns=COLUMNS, required=REQUIRED, what="agents", max_rows=MAX_ROWS)


def parse_row(number: int, values: dict[str, str]) -> tuple[AgentData | None, list[RowProblem]]:
    """One row's values as :class:`AgentData`; every unreadable value is its own problem."""
    problems: list[RowProblem] = []

    def read(column: str, parser, default):
        raw = values.get(column, "")
        if not raw:
            return default
        try:
            return parser(raw)
        except ValueError as error:
            problems.append(RowProblem(number, column, str(error)))
            return default

    for column in REQUIRED:
        if not values.get(column):
            problems.append(RowProblem(number, column, "This value is required."))
    defaults = AgentData(employee_number="", full_name="", time_zone="", cost_currency="")
    availability = {}
    for day in WEEKDAYS:
        period = read(f"availability_{day}", text.parse_period, "")
        if period:
            availability[day] = period
    data = AgentData(
        employee_number=values.get("employee_number", ""),
        full_name=values.get("full_name", ""),
        email=values.get("email", ""),
        team=values.get("team", ""),
        site=values.get("site", ""),
        time_zone=values.get("time_zone", ""),
        cost_currency=values.get("currency", ""),
        languages=text.parse_list(values.get("languages", "")),
        skills=read("skills", text.parse_skills, {}),
        min_hours_per_week=read(
            "min_hours_per_week", text.parse_decimal, defaults.min_hours_per_week
        ),
        max_hours_per_week=read(
            "max_hours_per_week", text.parse_decimal, defaults.max_hours_per_week
        ),
        days_per_week=read("days_per_week", text.parse_whole, defaults.days_per_week),
        shift_templates=text.parse_list(values.get("shift_templates", "")),
        hourly_cost=read("hourly_cost", text.parse_decimal, defaults.hourly_cost),
        availability=availability,
        starts_on=read("starts_on", text.parse_date, defaults.starts_on),
        ends_on=read("ends_on", text.parse_optional_date, None),
        service_lines=read("service_lines", text.parse_service_lines, []),
        max_consecutive_days=read("max_consecutive_days", text.parse_optional_whole, None),
        min_consecutive_days_off=read("min_consecutive_days_off", text.parse_optional_whole, None),
        max_weekends_per_4_weeks=read("max_weekends_per_4_weeks", text.parse_optional_whole, None),
        preferences=read("preferences", text.parse_preferences, []),
    )
    return (None if problems else data), problems


def row_of(data: AgentData) -> dict[str, str]:
    row = {
        "employee_number": data.employee_number,
        "full_name": data.full_name,
        "email": data.email,
        "team": data.team,
        "site": data.site,
        "time_zone": data.time_zone,
        "languages": text.format_list(data.languages),
        "skills": text.format_skills(data.skills),
        "min_hours_per_week": f"{data.min_hours_per_week.normalize():f}",
        "max_hours_per_week": f"{data.max_hours_per_week.normalize():f}",
        "days_per_week": str(data.days_per_week),
        "shift_templates": text.format_list(data.shift_templates),
        "hourly_cost": f"{data.hourly_cost:.2f}",
        "currency": data.cost_currency,
        "starts_on": data.starts_on.isoformat(),
        "ends_on": data.ends_on.isoformat() if data.ends_on else "",
        "service_lines": text.format_service_lines(data.service_lines),
        "max_consecutive_days": _optional(data.max_consecutive_days),
        "min_consecutive_days_off": _optional(data.min_consecutive_days_off),
        "max_weekends_per_4_weeks": _optional(data.max_weekends_per_4_weeks),
        "preferences": text.format_preferences(data.preferences),
    }
    for day in WEEKDAYS:
        row[f"availability_{day}"] = data.availability.get(day, "")
    return row


def _optional(value: int | None) -> str:
    return "" if value is None else str(value)


def write_csv(rows: list[AgentData]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for data in rows:
        writer.writerow(row_of(data))
    return out.getvalue()
