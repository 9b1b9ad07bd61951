"""Forms of the service line pages. They parse input only; the rules (and their messages) are
the services', shown next to the field they name (``add_service_error``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from bpo.catalog import hours
from bpo.catalog.models import (
    PERCENT_FIELDS,
    WEEKDAY_NAMES,
    Channel,
    Direction,
    ServiceLine,
    ServiceLineStatus,
)
from bpo.catalog.selectors.service_lines import span_of
from bpo.catalog.services.service_lines import TARGET_FIELDS
from bpo.errors import DomainError
from bpo.forms import add_domain_error
from scheduling.engine.kpi import DEFAULT_CONVENTION, ServiceLevelConvention

SLOTS_PER_DAY = 2
BOTH_TIMES = "Give both an opening and a closing time."
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def plain_number(value: Any) -> str:
    """A decimal without trailing zeros: 80.00 -> "80", 92.50 -> "92.5" (others as text)."""
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)


def _split_list(value: str) -> list[str]:
    """``"en, es"`` -> ``["en", "es"]`` (empty pieces between commas are dropped)."""
    return [piece.strip() for piece in (value or "").split(",") if piece.strip()]


def _percent_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, widget=forms.NumberInput(attrs={"step": "0.01"})
    )


class ServiceLineFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "All statuses"), *ServiceLineStatus.choices]
    )
    channel = forms.ChoiceField(
        label="Channel", required=False, choices=[("", "All channels"), *Channel.choices]
    )


class ServiceLineForm(forms.Form):
    """The line's facts, SLA targets and the week's hours: a grid of seven days with up to
    two spans each (more when the line already has more), or 24/7."""

    name = forms.CharField(label="Name", required=False)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    channel = forms.ChoiceField(label="Channel", choices=Channel.choices)
    direction = forms.ChoiceField(label="Direction", choices=Direction.choices)
    languages = forms.CharField(
        label="Languages",
        required=False,
        help_text="ISO 639 codes separated by commas, e.g. en, es, deu.",
    )
    required_skills = forms.CharField(
        label="Required skills",
        required=False,
        help_text="Separated by commas, e.g. billing, refunds.",
    )
    service_level_percent = _percent_field("Service level: % answered")
    service_level_seconds = forms.IntegerField(label="… within (seconds)", required=False)
    max_abandon_percent = _percent_field("Maximum abandon rate (%)")
    asa_seconds = forms.IntegerField(label="Average speed of answer (seconds)", required=False)
    sla_convention = forms.ChoiceField(
        label="Service level counted as",
        choices=[(c.value, c.label) for c in ServiceLevelConvention],
        required=False,
        initial=DEFAULT_CONVENTION.value,
        help_text=f"Default: {DEFAULT_CONVENTION.formula}.",
    )
    short_abandon_seconds = forms.IntegerField(
        label="Short abandon: hung up within (seconds)",
        required=False,
        initial=5,
        help_text="A caller who hangs up this fast misdialled; some conventions leave them out.",
    )
    patience_seconds = forms.IntegerField(
        label="Patience: callers hang up after (seconds)",
        required=False,
        help_text=(
            "Voice, chat and video: how long a caller waits on average before hanging up, "
            "1-3600. Empty: unknown (staffing then uses Erlang C)."
        ),
    )
    concurrency = forms.DecimalField(
        label="Chats one agent handles at once",
        required=False,
        initial=1,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
        help_text="Chat only, 1-20 (e.g. 2.5). Other channels handle one contact at a time: 1.",
    )
    first_response_percent = _percent_field("First response: % of contacts")
    first_response_hours = forms.DecimalField(
        label="… within (hours)",
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )
    fcr_percent = _percent_field("First-contact resolution (%)")
    csat_percent = _percent_field("CSAT (%)")
    qa_score_percent = _percent_field("QA score (%)")
    is_open_24_7 = forms.BooleanField(label="Open 24/7", required=False)
    closed_on_public_holidays = forms.BooleanField(
        label="Closed on public holidays", required=False
    )

    def __init__(self, *args, service_line: ServiceLine | None = None, **kwargs) -> None:
        self.hours_errors: list[str] = []
        spans_by_day: dict[int, list[hours.Span]] = {day: [] for day in range(7)}
        if service_line is not None:
            for row in service_line.opening_hours.all():
                spans_by_day[row.weekday].append(span_of(row))
            kwargs.setdefault("initial", self.initial_of(service_line, spans_by_day))
        super().__init__(*args, **kwargs)
        self.slots = {
            day: max(SLOTS_PER_DAY, len(spans_by_day[day]))
            if service_line is not None
            else SLOTS_PER_DAY
            for day in range(7)
        }
        if self.is_bound:  # rows added by a previous render stay
            for day in range(7):
                while f"hours_{day}_{self.slots[day] + 1}_opens" in self.data:
                    self.slots[day] += 1
        for day in range(7):
            for slot in range(1, self.slots[day] + 1):
                name = WEEKDAY_NAMES[day]
                self.fields[f"hours_{day}_{slot}_opens"] = forms.TimeField(
                    label=f"{name}, span {slot}: opens", required=False, widget=TIME_WIDGET
                )
                self.fields[f"hours_{day}_{slot}_closes"] = forms.TimeField(
                    label=f"{name}, span {slot}: closes", required=False, widget=TIME_WIDGET
                )

    @staticmethod
    def initial_of(line: ServiceLine, spans_by_day: dict[int, list[hours.Span]]) -> dict:
        initial: dict[str, Any] = {
            "name": line.name,
            "description": line.description,
            "channel": line.channel,
            "direction": line.direction,
            "languages": ", ".join(line.languages),
            "required_skills": ", ".join(line.required_skills),
            "is_open_24_7": line.is_open_24_7,
            "closed_on_public_holidays": line.closed_on_public_holidays,
            "sla_convention": line.sla_convention,
            "short_abandon_seconds": line.short_abandon_seconds,
            "patience_seconds": line.patience_seconds,
            "concurrency": plain_number(line.concurrency),
        }
        for field in TARGET_FIELDS:
            value = getattr(line, field)
            if value is not None and field in (*PERCENT_FIELDS, "first_response_hours"):
                value = plain_number(value)
            initial[field] = value
        for day, spans in spans_by_day.items():
            for slot, span in enumerate(spans, start=1):
                initial[f"hours_{day}_{slot}_opens"] = span.opens_at
                initial[f"hours_{day}_{slot}_closes"] = span.closes_at
        return initial

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        for day in range(7):
            for slot in range(1, self.slots[day] + 1):
                opens_name, closes_name = f"hours_{day}_{slot}_opens", f"hours_{day}_{slot}_closes"
                if opens_name in self.errors or closes_name in self.errors:
                    continue
                opens_at, closes_at = cleaned.get(opens_name), cleaned.get(closes_name)
                if opens_at is not None and closes_at is None:
                    self.add_error(closes_name, BOTH_TIMES)
                elif closes_at is not None and opens_at is None:
                    self.add_error(opens_name, BOTH_TIMES)
        return cleaned

    def spans(self) -> list[hours.Span]:
        found = []
        for day in range(7):
            for slot in range(1, self.slots[day] + 1):
                opens_at = self.cleaned_data.get(f"hours_{day}_{slot}_opens")
                closes_at = self.cleaned_data.get(f"hours_{day}_{slot}_closes")
                if opens_at is not None and closes_at is not None:
                    found.append(hours.Span(weekday=day, opens_at=opens_at, closes_at=closes_at))
        return found

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned form as the keyword arguments of the line services."""
        data = self.cleaned_data
        arguments: dict[str, Any] = {
            "name": data["name"],
            "description": data["description"],
            "channel": data["channel"],
            "direction": data["direction"],
            "languages": _split_list(data["languages"]),
            "required_skills": _split_list(data["required_skills"]),
            "is_open_24_7": data["is_open_24_7"],
            "closed_on_public_holidays": data["closed_on_public_holidays"],
            "opening_hours": self.spans(),
        }
        # not sent (an older form, a script): the line keeps its convention (a new one the default)
        if data.get("sla_convention"):
            arguments["sla_convention"] = data["sla_convention"]
        if "short_abandon_seconds" in self.data:
            arguments["short_abandon_seconds"] = data.get("short_abandon_seconds")
        if "patience_seconds" in self.data:
            arguments["patience_seconds"] = data.get("patience_seconds")  # empty: unknown
        if "concurrency" in self.data:
            concurrency = data.get("concurrency")
            arguments["concurrency"] = Decimal(1) if concurrency is None else concurrency
        for field in TARGET_FIELDS:
            arguments[field] = data.get(field)
        return arguments

    def changed_arguments(self) -> dict[str, Any]:
        """Only what the user changed (an edit): the history then shows just that, and a rule
        broken by an untouched value is blamed on the field that was changed."""
        arguments = self.service_arguments()
        changed = set(self.changed_data)
        chosen = {name: value for name, value in arguments.items() if name in changed}
        if any(name.startswith("hours_") for name in changed):
            chosen["opening_hours"] = arguments["opening_hours"]
        return chosen

    def hours_columns(self) -> range:
        """The grid's span columns (1, 2, ...): as many as the day with the most slots."""
        return range(1, max(self.slots.values()) + 1)

    def hours_grid(self) -> list[dict]:
        """The grid's rows for the template: each weekday, its (opens, closes) fields and the
        empty columns after them (``padding``, when another day has more slots)."""
        columns = len(self.hours_columns())
        return [
            {
                "weekday": WEEKDAY_NAMES[day],
                "spans": [
                    (self[f"hours_{day}_{slot}_opens"], self[f"hours_{day}_{slot}_closes"])
                    for slot in range(1, self.slots[day] + 1)
                ],
                "padding": range(columns - self.slots[day]),
            }
            for day in range(7)
        ]

    def add_service_error(self, error: DomainError) -> None:
        """A service's refusal next to each field it names; the week's hours above the grid."""
        fields = dict(error.fields or {})
        hours_messages = fields.pop("opening_hours", [])
        for message in hours_messages:
            if message not in self.hours_errors:
                self.hours_errors.append(message)
        if hours_messages and not any(field in self.fields for field in fields):
            return  # placed above the grid; nothing else to show
        add_domain_error(self, DomainError(error.message, fields=fields))


class DateOverrideForm(forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    is_closed = forms.BooleanField(label="Closed all day", required=False, initial=True)
    opens_at = forms.TimeField(label="Opens", required=False, widget=TIME_WIDGET)
    closes_at = forms.TimeField(label="Closes", required=False, widget=TIME_WIDGET)
    note = forms.CharField(label="Note", required=False)
