"""Writes of service lines: the line itself (facts, SLA targets, weekly hours), its status and
its date overrides.

Every service runs in one transaction, locks the line it changes (``select_for_update``) and
writes inside :func:`bpo.catalog.audit.audit_actor`, so the change history names the actor and
each field's value before and after. Refusals are :class:`bpo.errors.DomainError` with the
field at fault; all the faults of one request come at once (``fields``), the first one is the
message. The messages are part of the API and asserted by the tests.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import time
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, Final

import pycountry
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Lower

from bpo.catalog import hours
from bpo.catalog.audit import audit_actor
from bpo.catalog.models import (
    COMMON_TARGET_FIELDS,
    DEFERRED_TARGET_FIELDS,
    LIVE_CHANNELS,
    LIVE_TARGET_FIELDS,
    WEEKDAY_NAMES,
    Channel,
    DateOverride,
    Direction,
    OpeningHours,
    ServiceLine,
    ServiceLineStatus,
)
from bpo.catalog.selectors.service_lines import span_of
from bpo.errors import ConflictError, DomainError, NotFoundError
from scheduling.engine.kpi import DEFAULT_CONVENTION, ServiceLevelConvention


class _Unset(Enum):
    UNSET = "unset"


UNSET: Final = _Unset.UNSET
"""An argument of ``update_service_line`` that was not given: the field keeps its value."""

NAME_MAX_LENGTH = 120
SKILL_MAX_LENGTH = 60
NOTE_MAX_LENGTH = 200
MAX_SPANS_PER_DAY = 6  # and so at most 42 in the week
MAX_SECONDS = 86_400  # a day: no queue target is longer
MAX_HOURS = Decimal("9999.99")
MAX_SHORT_ABANDON_SECONDS = 600  # a short abandon is a misdial, seconds, not minutes
TWO_DECIMALS = Decimal("0.01")
MAX_PATIENCE_SECONDS = 3600  # an hour: no caller waits longer on average
MIN_CONCURRENCY = Decimal("1")
MAX_CONCURRENCY = Decimal("20")  # the database's check (service_line_concurrency_1_20)

TARGET_FIELDS = (*LIVE_TARGET_FIELDS, *DEFERRED_TARGET_FIELDS, *COMMON_TARGET_FIELDS)
PERCENT_LABELS = {
    "service_level_percent": "Service level percentage",
    "max_abandon_percent": "Maximum abandon rate",
    "first_response_percent": "First-response percentage",
    "fcr_percent": "First-contact resolution target",
    "csat_percent": "CSAT target",
    "qa_score_percent": "QA score target",
}
SECONDS_LABELS = {"service_level_seconds": "Service level time", "asa_seconds": "ASA target"}
HOURS_LABELS = {"first_response_hours": "First-response time"}

# "A voice line takes no ..." / "An e-mail line ...": how messages name a line of a channel.
LINE_OF_CHANNEL = {
    Channel.VOICE: "A voice line",
    Channel.CHAT: "A chat line",
    Channel.VIDEO: "A video line",
    Channel.EMAIL: "An e-mail line",
    Channel.SMS: "An SMS line",
    Channel.SOCIAL: "A social line",
}
_LIVE_TARGET_NAMES = {
    "service_level_percent": "service level",
    "service_level_seconds": "service level",
    "max_abandon_percent": "abandon rate",
    "asa_seconds": "ASA",
}
LINE_OF_STATUS = {
    ServiceLineStatus.DRAFT: "A draft line",
    ServiceLineStatus.ACTIVE: "An active line",
    ServiceLineStatus.PAUSED: "A paused line",
    ServiceLineStatus.RETIRED: "A retired line",
}
# Where a line may go from each status; retired is final.
STATUS_MOVES: dict[str, frozenset[str]] = {
    ServiceLineStatus.DRAFT: frozenset({ServiceLineStatus.ACTIVE, ServiceLineStatus.RETIRED}),
    ServiceLineStatus.ACTIVE: frozenset({ServiceLineStatus.PAUSED, ServiceLineStatus.RETIRED}),
    ServiceLineStatus.PAUSED: frozenset({ServiceLineStatus.ACTIVE, ServiceLineStatus.RETIRED}),
    ServiceLineStatus.RETIRED: frozenset(),
}


class Messages:
    """Every refusal of this module (the tests assert them word for word)."""

    NAME_REQUIRED = "Name is required."
    NAME_TOO_LONG = f"Name is at most {NAME_MAX_LENGTH} characters."
    NAME_TAKEN = 'A service line named "{name}" already exists.'
    CHANNEL_UNKNOWN = (
        '"{value}" is not a channel; use one of voice, chat, email, sms, social, video.'
    )
    DIRECTION_UNKNOWN = '"{value}" is not a direction; use one of inbound, outbound, blended.'
    LANGUAGE_UNKNOWN = '"{value}" is not an ISO 639 language code.'
    LANGUAGE_TWICE = 'Language "{value}" is listed twice.'
    SKILL_EMPTY = "Each required skill must be non-empty text."
    SKILL_TOO_LONG = f"A required skill is at most {SKILL_MAX_LENGTH} characters."
    SKILL_TWICE = 'Skill "{value}" is listed twice.'
    NOT_A_NUMBER = "{label} must be a number."
    PERCENT_RANGE = "{label} must be between 0 and 100."
    TOO_MANY_DECIMALS = "{label} takes at most two decimals."
    SECONDS_WHOLE = "{label} must be a whole number of seconds."
    SECONDS_POSITIVE = "{label} must be more than 0 seconds."
    SECONDS_TOO_LONG = f"{{label}} must be at most {MAX_SECONDS} seconds (a day)."
    HOURS_POSITIVE = "{label} must be more than 0 hours."
    HOURS_TOO_LONG = f"{{label}} must be at most {MAX_HOURS} hours."
    SERVICE_LEVEL_PAIR = "A service level needs both a percentage and a time in seconds."
    FIRST_RESPONSE_PAIR = "A first-response target needs both a percentage and a time in hours."
    LIVE_LINE_NO_FIRST_RESPONSE = (
        "{line} takes no first-response target; use service level instead."
    )
    DEFERRED_LINE_NO_LIVE_TARGET = "{line} takes no {target} target; use first response instead."
    WEEKDAY_UNKNOWN = "Weekday {value} does not exist; use 0 (Monday) to 6 (Sunday)."
    SPAN_TIMES = "Each opening span needs an opening and a closing time."
    SPANS_OVERLAP = "Opening hours overlap: {first} and {second}."
    SPANS_PER_DAY = f"A day has at most {MAX_SPANS_PER_DAY} opening spans."
    OPEN_24_7_WITH_SPANS = "A 24/7 line has no opening hours; remove them or untick 24/7."
    ACTIVE_NEEDS_HOURS = "An active line needs opening hours or 24/7."
    STATUS_UNKNOWN = '"{value}" is not a status; use one of draft, active, paused, retired.'
    STATUS_SAME = "The line is already {status}."
    STATUS_RETIRED = "A retired line cannot change; it stays retired."
    STATUS_MOVE = "{line} cannot become {status}."
    RETIRED_LINE = "A retired line cannot be changed."
    OVERRIDE_DATE_REQUIRED = "Give the date of the override."
    OVERRIDE_DATE_TAKEN = "There is already an override for {date}."
    OVERRIDE_CLOSED_WITH_TIMES = "A closed day takes no opening or closing time."
    OVERRIDE_OPEN_NEEDS_TIMES = "An open day needs both an opening and a closing time."
    NOTE_TOO_LONG = f"A note is at most {NOTE_MAX_LENGTH} characters."
    CONVENTION_UNKNOWN = '"{value}" is not a service-level convention; use one of {choices}.'
    SHORT_ABANDON_RANGE = (
        "Short-abandon time must be a whole number of seconds from 0 to "
        f"{MAX_SHORT_ABANDON_SECONDS}."
    )
    PATIENCE_RANGE = (
        "Patience must be a whole number of seconds from 1 to "
        f"{MAX_PATIENCE_SECONDS}; leave it empty when unknown."
    )
    PATIENCE_LIVE_ONLY = (
        "{line} takes no patience; only voice, chat and video callers hang up while waiting."
    )
    CONCURRENCY_RANGE = (
        f"Concurrency must be a number from {MIN_CONCURRENCY} to {MAX_CONCURRENCY} "
        "with at most two decimals."
    )
    CONCURRENCY_CHAT_ONLY = (
        "{line} handles one contact at a time; concurrency stays 1 (only chat agents "
        "handle several at once)."
    )


class _Errors:
    """Faults gathered field by field; raised together, the first one as the message."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        messages = self.fields.setdefault(field, [])
        if message not in messages:
            messages.append(message)

    def has(self, field: str) -> bool:
        return field in self.fields

    def raise_if_any(self) -> None:
        if self.fields:
            first_field = next(iter(self.fields))
            raise DomainError(self.fields[first_field][0], field=first_field, fields=self.fields)


def span_label(span: hours.Span) -> str:
    return f"{WEEKDAY_NAMES[span.weekday]} {span.opens_at:%H:%M}-{span.closes_at:%H:%M}"


# --- validation of the line's fields ---------------------------------------------------------------


def _clean_name(value: Any, errors: _Errors, *, exclude_pk: int | None) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name:
        errors.add("name", Messages.NAME_REQUIRED)
    elif len(name) > NAME_MAX_LENGTH:
        errors.add("name", Messages.NAME_TOO_LONG)
    else:
        # as the unique constraint compares: Lower("name") (not UPPER, as name__iexact does)
        others = ServiceLine.objects.annotate(lower_name=Lower("name")).filter(
            lower_name=Lower(Value(name))
        )
        if exclude_pk is not None:
            others = others.exclude(pk=exclude_pk)
        if others.exists():
            errors.add("name", Messages.NAME_TAKEN.format(name=name))
    return name


def language_of(value: Any):
    """The ISO 639 language (639-1, 639-2/T or /B, 639-3) of the code ``value``, or None."""
    if not isinstance(value, str):
        return None
    code = value.strip().lower()
    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code)
    if len(code) == 3:
        return pycountry.languages.get(alpha_3=code) or pycountry.languages.get(bibliographic=code)
    return None


def _language_code(value: Any) -> str | None:
    """``value`` lower-cased when it is an ISO 639 code."""
    return value.strip().lower() if language_of(value) is not None else None


def _clean_languages(values: Any, errors: _Errors) -> list[str]:
    cleaned: list[str] = []
    for value in values or ():
        code = _language_code(value)
        if code is None:
            errors.add("languages", Messages.LANGUAGE_UNKNOWN.format(value=value))
        elif code in cleaned:
            errors.add("languages", Messages.LANGUAGE_TWICE.format(value=code))
        else:
            cleaned.append(code)
    return cleaned


def _clean_skills(values: Any, errors: _Errors) -> list[str]:
    cleaned: list[str] = []
    for value in values or ():
        skill = value.strip() if isinstance(value, str) else ""
        if not skill:
            errors.add("required_skills", Messages.SKILL_EMPTY)
        elif len(skill) > SKILL_MAX_LENGTH:
            errors.add("required_skills", Messages.SKILL_TOO_LONG)
        elif skill.lower() in (known.lower() for known in cleaned):
            errors.add("required_skills", Messages.SKILL_TWICE.format(value=skill))
        else:
            cleaned.append(skill)
    return cleaned


def _clean_choice(value: Any, choices, field: str, message: str, errors: _Errors) -> str:
    if value not in choices.values:
        errors.add(field, message.format(value=value))
        return ""
    return str(value)


def _decimal(value: Any, field: str, label: str, errors: _Errors) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors.add(field, Messages.NOT_A_NUMBER.format(label=label))
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.add(field, Messages.NOT_A_NUMBER.format(label=label))
        return None
    if not number.is_finite():
        errors.add(field, Messages.NOT_A_NUMBER.format(label=label))
        return None
    return number


def _clean_targets(values: dict[str, Any], errors: _Errors) -> dict[str, Any]:
    """Each target on its own: type and range. ``None`` means "no target"."""
    cleaned: dict[str, Any] = {}
    for field, label in PERCENT_LABELS.items():
        number = _decimal(values.get(field), field, label, errors)
        if number is not None:
            if not Decimal(0) <= number <= Decimal(100):
                errors.add(field, Messages.PERCENT_RANGE.format(label=label))
            elif number != number.quantize(TWO_DECIMALS):
                errors.add(field, Messages.TOO_MANY_DECIMALS.format(label=label))
        cleaned[field] = number
    for field, label in SECONDS_LABELS.items():
        value = values.get(field)
        seconds = None
        if value is None or value == "":
            pass
        elif isinstance(value, bool) or not isinstance(value, int):
            errors.add(field, Messages.SECONDS_WHOLE.format(label=label))
        elif value <= 0:
            errors.add(field, Messages.SECONDS_POSITIVE.format(label=label))
        elif value > MAX_SECONDS:
            errors.add(field, Messages.SECONDS_TOO_LONG.format(label=label))
        else:
            seconds = value
        cleaned[field] = seconds
    for field, label in HOURS_LABELS.items():
        number = _decimal(values.get(field), field, label, errors)
        if number is not None:
            if number <= 0:
                errors.add(field, Messages.HOURS_POSITIVE.format(label=label))
            elif number > MAX_HOURS:
                errors.add(field, Messages.HOURS_TOO_LONG.format(label=label))
            elif number != number.quantize(TWO_DECIMALS):
                errors.add(field, Messages.TOO_MANY_DECIMALS.format(label=label))
        cleaned[field] = number
    return cleaned


def _check_targets_fit_channel(
    *,
    channel: str,
    targets: dict[str, Any],
    submitted: set[str],
    channel_changed: bool,
    errors: _Errors,
) -> None:
    """Targets of the other channel group are refused; pairs must be complete.

    A target kept from before that no longer fits a changed channel is blamed on ``channel``
    (the request changed that, not the target).
    """
    if not channel:
        return

    def blame(field: str) -> str:
        return "channel" if channel_changed and field not in submitted else field

    line = LINE_OF_CHANNEL[Channel(channel)]
    if channel in LIVE_CHANNELS:
        for field in DEFERRED_TARGET_FIELDS:
            if targets.get(field) is not None:
                errors.add(blame(field), Messages.LIVE_LINE_NO_FIRST_RESPONSE.format(line=line))
        pairs = [("service_level_percent", "service_level_seconds", Messages.SERVICE_LEVEL_PAIR)]
    else:
        for field in LIVE_TARGET_FIELDS:
            if targets.get(field) is not None:
                errors.add(
                    blame(field),
                    Messages.DEFERRED_LINE_NO_LIVE_TARGET.format(
                        line=line, target=_LIVE_TARGET_NAMES[field]
                    ),
                )
        pairs = [("first_response_percent", "first_response_hours", Messages.FIRST_RESPONSE_PAIR)]
    for percent_field, time_field, message in pairs:
        has_percent = targets.get(percent_field) is not None
        has_time = targets.get(time_field) is not None
        already_refused = errors.has(percent_field) or errors.has(time_field)
        if has_percent != has_time and not already_refused:
            errors.add(time_field if has_percent else percent_field, message)


def _clean_spans(values: Iterable[Any], errors: _Errors) -> list[hours.Span]:
    spans: list[hours.Span] = []
    for value in values:
        weekday = getattr(value, "weekday", None)
        opens_at = getattr(value, "opens_at", None)
        closes_at = getattr(value, "closes_at", None)
        if isinstance(value, dict):
            weekday = value.get("weekday")
            opens_at, closes_at = value.get("opens_at"), value.get("closes_at")
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            errors.add("opening_hours", Messages.WEEKDAY_UNKNOWN.format(value=weekday))
            continue
        if not isinstance(opens_at, time) or not isinstance(closes_at, time):
            errors.add("opening_hours", Messages.SPAN_TIMES)
            continue
        spans.append(hours.Span(weekday=weekday, opens_at=opens_at, closes_at=closes_at))
    per_day = Counter(span.weekday for span in spans)
    if any(count > MAX_SPANS_PER_DAY for count in per_day.values()):
        errors.add("opening_hours", Messages.SPANS_PER_DAY)
    elif (clash := hours.first_overlap(spans)) is not None:
        first, second = clash
        errors.add(
            "opening_hours",
            Messages.SPANS_OVERLAP.format(first=span_label(first), second=span_label(second)),
        )
    return sorted(spans, key=lambda span: (span.weekday, span.opens_at))


def _check_hours(
    *, status: str, is_open_24_7: bool, spans: Sequence[hours.Span], errors: _Errors
) -> None:
    if is_open_24_7 and spans:
        errors.add("opening_hours", Messages.OPEN_24_7_WITH_SPANS)
    elif status == ServiceLineStatus.ACTIVE and not is_open_24_7 and not spans:
        errors.add("opening_hours", Messages.ACTIVE_NEEDS_HOURS)


def _clean_convention(value: Any, errors: _Errors) -> str:
    if value not in ServiceLevelConvention._value2member_map_:
        choices = ", ".join(convention.value for convention in ServiceLevelConvention)
        errors.add(
            "sla_convention", Messages.CONVENTION_UNKNOWN.format(value=value, choices=choices)
        )
        return ""
    return str(value)


def _clean_short_abandon(value: Any, errors: _Errors) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 0 <= value <= MAX_SHORT_ABANDON_SECONDS
    ):
        errors.add("short_abandon_seconds", Messages.SHORT_ABANDON_RANGE)
        return 0
    return value


def _clean_patience(value: Any, errors: _Errors) -> int | None:
    """Seconds a caller waits on average before hanging up; ``None`` (or empty) is unknown."""
    if value is None or value == "":
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 1 <= value <= MAX_PATIENCE_SECONDS
    ):
        errors.add("patience_seconds", Messages.PATIENCE_RANGE)
        return None
    return value


def _clean_concurrency(value: Any, errors: _Errors) -> Decimal:
    """Conversations one agent handles at once: 1 to 20, two decimals at most."""
    number = None
    if not isinstance(value, bool) and value is not None and value != "":
        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value))
        except (InvalidOperation, ValueError):
            number = None
    if (
        number is None
        or not number.is_finite()
        or not MIN_CONCURRENCY <= number <= MAX_CONCURRENCY
        or number != number.quantize(TWO_DECIMALS)
    ):
        errors.add("concurrency", Messages.CONCURRENCY_RANGE)
        return MIN_CONCURRENCY
    return number.quantize(TWO_DECIMALS)


def _check_workforce_fit_channel(
    *,
    channel: str,
    patience_seconds: int | None,
    concurrency: Decimal,
    submitted: set[str],
    channel_changed: bool,
    errors: _Errors,
) -> None:
    """Patience only on live lines, a concurrency other than 1 only on chat lines; a value kept
    from before that no longer fits a changed channel is blamed on ``channel``."""
    if not channel:
        return

    def blame(field: str) -> str:
        return "channel" if channel_changed and field not in submitted else field

    line = LINE_OF_CHANNEL[Channel(channel)]
    if (
        channel not in LIVE_CHANNELS
        and patience_seconds is not None
        and not errors.has("patience_seconds")
    ):
        errors.add(blame("patience_seconds"), Messages.PATIENCE_LIVE_ONLY.format(line=line))
    if channel != Channel.CHAT and concurrency != MIN_CONCURRENCY and not errors.has("concurrency"):
        errors.add(blame("concurrency"), Messages.CONCURRENCY_CHAT_ONLY.format(line=line))


# --- writing ---------------------------------------------------------------------------------------


def _save(line: ServiceLine, *, update_fields: list[str] | None = None) -> None:
    """Save, turning a lost race on the unique name into the same refusal as the check."""
    try:
        with transaction.atomic():
            line.save(update_fields=update_fields)
    except IntegrityError as exc:
        if "service_line_unique_name" in str(exc):
            message = Messages.NAME_TAKEN.format(name=line.name)
            raise DomainError(message, field="name") from None
        raise


def _replace_opening_hours(line: ServiceLine, spans: Sequence[hours.Span]) -> None:
    """Make the line's rows exactly ``spans``: unchanged rows stay, so the history shows only
    the spans that went and came."""
    wanted = {(span.weekday, span.opens_at, span.closes_at) for span in spans}
    existing = list(OpeningHours.objects.filter(service_line=line))
    for row in existing:
        if (row.weekday, row.opens_at, row.closes_at) not in wanted:
            row.delete()
    kept = {(row.weekday, row.opens_at, row.closes_at) for row in existing} & wanted
    for weekday, opens_at, closes_at in sorted(wanted - kept):
        OpeningHours.objects.create(
            service_line=line, weekday=weekday, opens_at=opens_at, closes_at=closes_at
        )


def _locked(service_line: ServiceLine) -> ServiceLine:
    return ServiceLine.objects.select_for_update().get(pk=service_line.pk)


@transaction.atomic
def create_service_line(
    *,
    actor,
    name: str,
    channel: str,
    direction: str,
    description: str = "",
    languages: Sequence[str] = (),
    required_skills: Sequence[str] = (),
    is_open_24_7: bool = False,
    closed_on_public_holidays: bool = True,
    opening_hours: Sequence[hours.Span] = (),
    service_level_percent: Decimal | None = None,
    service_level_seconds: int | None = None,
    max_abandon_percent: Decimal | None = None,
    asa_seconds: int | None = None,
    first_response_percent: Decimal | None = None,
    first_response_hours: Decimal | None = None,
    fcr_percent: Decimal | None = None,
    csat_percent: Decimal | None = None,
    qa_score_percent: Decimal | None = None,
    sla_convention: str = DEFAULT_CONVENTION.value,
    short_abandon_seconds: int = 5,
    patience_seconds: int | None = None,
    concurrency: Decimal = MIN_CONCURRENCY,
) -> ServiceLine:
    """A new line, in draft (it goes live with :func:`change_service_line_status`)."""
    errors = _Errors()
    cleaned_name = _clean_name(name, errors, exclude_pk=None)
    cleaned_channel = _clean_choice(channel, Channel, "channel", Messages.CHANNEL_UNKNOWN, errors)
    cleaned_direction = _clean_choice(
        direction, Direction, "direction", Messages.DIRECTION_UNKNOWN, errors
    )
    cleaned_languages = _clean_languages(languages, errors)
    cleaned_skills = _clean_skills(required_skills, errors)
    raw_targets = {
        "service_level_percent": service_level_percent,
        "service_level_seconds": service_level_seconds,
        "max_abandon_percent": max_abandon_percent,
        "asa_seconds": asa_seconds,
        "first_response_percent": first_response_percent,
        "first_response_hours": first_response_hours,
        "fcr_percent": fcr_percent,
        "csat_percent": csat_percent,
        "qa_score_percent": qa_score_percent,
    }
    targets = _clean_targets(raw_targets, errors)
    _check_targets_fit_channel(
        channel=cleaned_channel,
        targets=targets,
        submitted=set(raw_targets),
        channel_changed=False,
        errors=errors,
    )
    cleaned_convention = _clean_convention(sla_convention, errors)
    cleaned_short_abandon = _clean_short_abandon(short_abandon_seconds, errors)
    cleaned_patience = _clean_patience(patience_seconds, errors)
    cleaned_concurrency = _clean_concurrency(concurrency, errors)
    _check_workforce_fit_channel(
        channel=cleaned_channel,
        patience_seconds=cleaned_patience,
        concurrency=cleaned_concurrency,
        submitted={"patience_seconds", "concurrency"},
        channel_changed=False,
        errors=errors,
    )
    spans = _clean_spans(opening_hours, errors)
    _check_hours(
        status=ServiceLineStatus.DRAFT, is_open_24_7=is_open_24_7, spans=spans, errors=errors
    )
    errors.raise_if_any()

    with audit_actor(actor):
        line = ServiceLine(
            name=cleaned_name,
            description=(description or "").strip(),
            channel=cleaned_channel,
            direction=cleaned_direction,
            status=ServiceLineStatus.DRAFT,
            languages=cleaned_languages,
            required_skills=cleaned_skills,
            is_open_24_7=bool(is_open_24_7),
            closed_on_public_holidays=bool(closed_on_public_holidays),
            sla_convention=cleaned_convention,
            short_abandon_seconds=cleaned_short_abandon,
            patience_seconds=cleaned_patience,
            concurrency=cleaned_concurrency,
            **targets,
        )
        _save(line)
        _replace_opening_hours(line, spans)
    return line


@transaction.atomic
def update_service_line(
    *,
    service_line: ServiceLine,
    actor,
    name: str | _Unset = UNSET,
    description: str | _Unset = UNSET,
    channel: str | _Unset = UNSET,
    direction: str | _Unset = UNSET,
    languages: Sequence[str] | _Unset = UNSET,
    required_skills: Sequence[str] | _Unset = UNSET,
    is_open_24_7: bool | _Unset = UNSET,
    closed_on_public_holidays: bool | _Unset = UNSET,
    opening_hours: Sequence[hours.Span] | _Unset = UNSET,
    service_level_percent: Decimal | _Unset | None = UNSET,
    service_level_seconds: int | _Unset | None = UNSET,
    max_abandon_percent: Decimal | _Unset | None = UNSET,
    asa_seconds: int | _Unset | None = UNSET,
    first_response_percent: Decimal | _Unset | None = UNSET,
    first_response_hours: Decimal | _Unset | None = UNSET,
    fcr_percent: Decimal | _Unset | None = UNSET,
    csat_percent: Decimal | _Unset | None = UNSET,
    qa_score_percent: Decimal | _Unset | None = UNSET,
    sla_convention: str | _Unset = UNSET,
    short_abandon_seconds: int | _Unset = UNSET,
    patience_seconds: int | _Unset | None = UNSET,
    concurrency: Decimal | _Unset = UNSET,
) -> ServiceLine:
    """Change what is given (``UNSET`` keeps a field); ``opening_hours`` replaces the week's
    spans. The whole resulting line is checked: a changed channel re-checks the targets kept
    from before, and an active line keeps opening hours (or 24/7). Retired lines refuse (409).
    """
    line = _locked(service_line)
    if line.status == ServiceLineStatus.RETIRED:
        raise ConflictError(Messages.RETIRED_LINE)
    given: dict[str, Any] = {
        key: value
        for key, value in {
            "name": name,
            "description": description,
            "channel": channel,
            "direction": direction,
            "languages": languages,
            "required_skills": required_skills,
            "is_open_24_7": is_open_24_7,
            "closed_on_public_holidays": closed_on_public_holidays,
            "service_level_percent": service_level_percent,
            "service_level_seconds": service_level_seconds,
            "max_abandon_percent": max_abandon_percent,
            "asa_seconds": asa_seconds,
            "first_response_percent": first_response_percent,
            "first_response_hours": first_response_hours,
            "fcr_percent": fcr_percent,
            "csat_percent": csat_percent,
            "qa_score_percent": qa_score_percent,
            "sla_convention": sla_convention,
            "short_abandon_seconds": short_abandon_seconds,
            "patience_seconds": patience_seconds,
            "concurrency": concurrency,
        }.items()
        if value is not UNSET
    }

    errors = _Errors()
    changes: dict[str, Any] = {}
    if "name" in given:
        changes["name"] = _clean_name(given["name"], errors, exclude_pk=line.pk)
    if "description" in given:
        changes["description"] = (given["description"] or "").strip()
    if "channel" in given:
        changes["channel"] = _clean_choice(
            given["channel"], Channel, "channel", Messages.CHANNEL_UNKNOWN, errors
        )
    if "direction" in given:
        changes["direction"] = _clean_choice(
            given["direction"], Direction, "direction", Messages.DIRECTION_UNKNOWN, errors
        )
    if "languages" in given:
        changes["languages"] = _clean_languages(given["languages"], errors)
    if "required_skills" in given:
        changes["required_skills"] = _clean_skills(given["required_skills"], errors)
    for flag in ("is_open_24_7", "closed_on_public_holidays"):
        if flag in given:
            changes[flag] = bool(given[flag])
    if "sla_convention" in given:
        changes["sla_convention"] = _clean_convention(given["sla_convention"], errors)
    if "short_abandon_seconds" in given:
        changes["short_abandon_seconds"] = _clean_short_abandon(
            given["short_abandon_seconds"], errors
        )
    if "patience_seconds" in given:
        changes["patience_seconds"] = _clean_patience(given["patience_seconds"], errors)
    if "concurrency" in given:
        changes["concurrency"] = _clean_concurrency(given["concurrency"], errors)

    submitted_targets = {field for field in TARGET_FIELDS if field in given}
    merged_targets = {
        field: given[field] if field in given else getattr(line, field) for field in TARGET_FIELDS
    }
    targets = _clean_targets(merged_targets, errors)
    new_channel = changes.get("channel", line.channel)
    _check_targets_fit_channel(
        channel=new_channel,
        targets=targets,
        submitted=submitted_targets,
        channel_changed=new_channel != line.channel,
        errors=errors,
    )
    changes.update({field: targets[field] for field in submitted_targets})
    _check_workforce_fit_channel(
        channel=new_channel,
        patience_seconds=changes.get("patience_seconds", line.patience_seconds),
        concurrency=changes.get("concurrency", line.concurrency),
        submitted={field for field in ("patience_seconds", "concurrency") if field in given},
        channel_changed=new_channel != line.channel,
        errors=errors,
    )

    if opening_hours is not UNSET:
        spans = _clean_spans(opening_hours, errors)
    else:
        spans = [span_of(row) for row in line.opening_hours.all()]
    if opening_hours is not UNSET or "is_open_24_7" in changes:
        # (only then: a change of name must not trip over hours it did not touch)
        _check_hours(
            status=line.status,
            is_open_24_7=changes.get("is_open_24_7", line.is_open_24_7),
            spans=spans,
            errors=errors,
        )
    errors.raise_if_any()

    with audit_actor(actor):
        changed = [field for field, value in changes.items() if getattr(line, field) != value]
        for field in changed:
            setattr(line, field, changes[field])
        if changed:
            _save(line, update_fields=[*changed, "updated_at"])
        if opening_hours is not UNSET:
            _replace_opening_hours(line, spans)
    return line


@transaction.atomic
def change_service_line_status(*, service_line: ServiceLine, status: str, actor) -> ServiceLine:
    """draft -> active -> paused -> active ..., and any status -> retired (final). A line goes
    active only with opening hours or 24/7."""
    if status not in ServiceLineStatus.values:
        raise DomainError(Messages.STATUS_UNKNOWN.format(value=status), field="status")
    line = _locked(service_line)
    new_status = ServiceLineStatus(status)
    if line.status == new_status:
        raise ConflictError(
            Messages.STATUS_SAME.format(status=new_status.label.lower()), field="status"
        )
    if line.status == ServiceLineStatus.RETIRED:
        raise DomainError(Messages.STATUS_RETIRED, field="status")
    if new_status not in STATUS_MOVES[line.status]:
        raise DomainError(
            Messages.STATUS_MOVE.format(
                line=LINE_OF_STATUS[ServiceLineStatus(line.status)],
                status=new_status.label.lower(),
            ),
            field="status",
        )
    if (
        new_status == ServiceLineStatus.ACTIVE
        and not line.is_open_24_7
        and not line.opening_hours.exists()
    ):
        raise DomainError(Messages.ACTIVE_NEEDS_HOURS, field="status")
    with audit_actor(actor):
        line.status = new_status
        line.save(update_fields=["status", "updated_at"])
    return line


# --- date overrides -------------------------------------------------------------------------------


def _clean_override(
    *,
    is_closed: bool,
    opens_at: time | None,
    closes_at: time | None,
    note: str,
    errors: _Errors,
) -> None:
    if is_closed:
        for field, value in (("opens_at", opens_at), ("closes_at", closes_at)):
            if value is not None:
                errors.add(field, Messages.OVERRIDE_CLOSED_WITH_TIMES)
    else:
        for field, value in (("opens_at", opens_at), ("closes_at", closes_at)):
            if value is None:
                errors.add(field, Messages.OVERRIDE_OPEN_NEEDS_TIMES)
    if len(note or "") > NOTE_MAX_LENGTH:
        errors.add("note", Messages.NOTE_TOO_LONG)


def _check_date_free(line: ServiceLine, day: dt.date, errors: _Errors, *, exclude_pk=None) -> None:
    if DateOverride.objects.filter(service_line=line, date=day).exclude(pk=exclude_pk).exists():
        errors.add("date", Messages.OVERRIDE_DATE_TAKEN.format(date=day.isoformat()))


def _save_override(override: DateOverride) -> None:
    try:
        with transaction.atomic():
            override.save()
    except IntegrityError as exc:
        if "date_override_unique" in str(exc):
            message = Messages.OVERRIDE_DATE_TAKEN.format(date=override.date.isoformat())
            raise DomainError(message, field="date") from None
        raise


@transaction.atomic
def add_date_override(
    *,
    service_line: ServiceLine,
    actor,
    date: dt.date | None,
    is_closed: bool = True,
    opens_at: time | None = None,
    closes_at: time | None = None,
    note: str = "",
) -> DateOverride:
    """One date whose hours differ from the week's: closed, or open ``opens_at``-``closes_at``
    (past midnight when ``closes_at`` is not after ``opens_at``). It wins over the holiday rule."""
    line = _locked(service_line)
    if line.status == ServiceLineStatus.RETIRED:
        raise ConflictError(Messages.RETIRED_LINE)
    errors = _Errors()
    if date is None:
        errors.add("date", Messages.OVERRIDE_DATE_REQUIRED)
    else:
        _check_date_free(line, date, errors)
    _clean_override(
        is_closed=is_closed, opens_at=opens_at, closes_at=closes_at, note=note, errors=errors
    )
    errors.raise_if_any()
    assert date is not None  # refused above
    with audit_actor(actor):
        override = DateOverride(
            service_line=line,
            date=date,
            is_closed=bool(is_closed),
            opens_at=opens_at,
            closes_at=closes_at,
            note=(note or "").strip(),
        )
        _save_override(override)
    return override


@transaction.atomic
def update_date_override(
    *,
    override: DateOverride,
    actor,
    date: dt.date | _Unset = UNSET,
    is_closed: bool | _Unset = UNSET,
    opens_at: time | _Unset | None = UNSET,
    closes_at: time | _Unset | None = UNSET,
    note: str | _Unset = UNSET,
) -> DateOverride:
    """Change what is given. Marking a day closed drops its times; opening it needs both."""
    line = _locked(override.service_line)
    if line.status == ServiceLineStatus.RETIRED:
        raise ConflictError(Messages.RETIRED_LINE)
    current = DateOverride.objects.select_for_update().filter(pk=override.pk).first()
    if current is None:  # removed meanwhile
        raise NotFoundError("No such date override.")
    new_closed = current.is_closed if is_closed is UNSET else bool(is_closed)
    new_opens = current.opens_at if opens_at is UNSET else opens_at
    new_closes = current.closes_at if closes_at is UNSET else closes_at
    if new_closed and is_closed is not UNSET:
        # closing a day that had hours: its times go, unless the same request sends some
        new_opens = None if opens_at is UNSET else opens_at
        new_closes = None if closes_at is UNSET else closes_at
    new_date = current.date if date is UNSET else date
    new_note = current.note if note is UNSET else (note or "").strip()
    errors = _Errors()
    if new_date is None:
        errors.add("date", Messages.OVERRIDE_DATE_REQUIRED)
    elif new_date != current.date:
        _check_date_free(line, new_date, errors, exclude_pk=current.pk)
    _clean_override(
        is_closed=new_closed,
        opens_at=new_opens,
        closes_at=new_closes,
        note=new_note,
        errors=errors,
    )
    errors.raise_if_any()
    with audit_actor(actor):
        current.date = new_date
        current.is_closed = new_closed
        current.opens_at = new_opens
        current.closes_at = new_closes
        current.note = new_note
        _save_override(current)
    return current


@transaction.atomic
def remove_date_override(*, override: DateOverride, actor) -> None:
    line = _locked(override.service_line)
    if line.status == ServiceLineStatus.RETIRED:
        raise ConflictError(Messages.RETIRED_LINE)
    current = DateOverride.objects.select_for_update().filter(pk=override.pk).first()
    if current is None:
        raise NotFoundError("No such date override.")
    with audit_actor(actor):
        current.delete()
