"""Reading the roster's values from text: the CSV columns and the page's form use one format.

``Billing:4; Returns:2`` for skills with levels, ``en, es`` for lists, ``08:00-18:00`` or
``off`` for a weekday's availability, ``shopright`` or ``shopright:12`` for a client (all its
lines) or one of its service lines. Each parser raises ``ValueError`` with the reason in words.
"""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal, InvalidOperation

LIST_SEPARATORS = re.compile(r"[;,]")
PERIOD = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
OFF_WORDS = frozenset({"off", "unavailable", "no", "-"})


def parse_list(text: str) -> list[str]:
    return [part.strip() for part in LIST_SEPARATORS.split(text or "") if part.strip()]


def format_list(values) -> str:
    return "; ".join(values)


def parse_skills(text: str) -> dict[str, int]:
    """``Billing:4; Returns:2`` -> {"Billing": 4, "Returns": 2}; a skill without a level is 3."""
    skills: dict[str, int] = {}
    for part in parse_list(text):
        name, _, level_text = part.partition(":")
        name = name.strip()
        if not name:
            raise ValueError(f"“{part}” names no skill.")
        level_text = level_text.strip() or "3"
        if not level_text.isdigit() or not 1 <= int(level_text) <= 5:
            raise ValueError(f"The level of {name} must be a whole number from 1 to 5.")
        if name.casefold() in (known.casefold() for known in skills):
            raise ValueError(f"{name} is listed twice.")
        skills[name] = int(level_text)
    return skills


def format_skills(skills: dict[str, int]) -> str:
    return "; ".join(f"{name}:{level}" for name, level in skills.items())


def parse_decimal(text: str, *, what: str = "a number") -> Decimal:
    try:
        value = Decimal((text or "").strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"“{text}” is not {what}.") from None
    if not value.is_finite():
        raise ValueError(f"“{text}” is not {what}.")
    return value


def parse_whole(text: str) -> int:
    text = (text or "").strip()
    if not text.isdigit():
        raise ValueError(f"“{text}” is not a whole number.")
    return int(text)


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise ValueError(f"“{text}” is not a date (YYYY-MM-DD).") from None


def parse_optional_date(text: str) -> date | None:
    return parse_date(text) if (text or "").strip() else None


def parse_period(text: str) -> str:
    """One weekday's availability: ``08:00-18:00``, ``off``, or empty (any time)."""
    text = (text or "").strip().lower()
    if not text:
        return ""
    if text in OFF_WORDS:
        return "off"
    match = PERIOD.match(text)
    if match is None:
        raise ValueError(f"“{text}” is not a period like 08:00-18:00, or off.")
    hours_from, minutes_from, hours_to, minutes_to = (int(group) for group in match.groups())
    if hours_from > 23 or minutes_from > 59 or minutes_to > 59 or hours_to > 24:
        raise ValueError(f"“{text}” is not a time of day.")
    if hours_to == 24 and minutes_to:
        raise ValueError(f"“{text}” ends after midnight.")
    if (hours_to, minutes_to) <= (hours_from, minutes_from):
        raise ValueError(f"“{text}” ends before it starts.")
    return f"{hours_from:02d}:{minutes_from:02d}-{hours_to:02d}:{minutes_to:02d}"


def period_bounds(period: str) -> tuple[time, time | None]:
    """``08:00-18:00`` -> (08:00, 18:00); an end of 24:00 is None (midnight)."""
    start, end = period.split("-")
    end_time = None if end == "24:00" else time.fromisoformat(end)
    return time.fromisoformat(start), end_time


def parse_service_lines(text: str) -> list[tuple[str, int | None]]:
    """``shopright; cloudlane:12`` -> [("shopright", None), ("cloudlane", 12)]."""
    lines: list[tuple[str, int | None]] = []
    for part in parse_list(text):
        slug, _, line = part.partition(":")
        slug, line = slug.strip(), line.strip()
        if not slug:
            raise ValueError(f"“{part}” names no client.")
        if line and not line.isdigit():
            raise ValueError(f"“{line}” is not a service line number.")
        entry = (slug, int(line) if line else None)
        if entry in lines:
            raise ValueError(f"“{part}” is listed twice.")
        lines.append(entry)
    return lines


def format_service_lines(lines) -> str:
    return "; ".join(slug if line is None else f"{slug}:{line}" for slug, line in lines)


def parse_start_times(text: str) -> list[time]:
    starts: list[time] = []
    for part in parse_list(text):
        try:
            starts.append(time.fromisoformat(part if len(part) > 4 else f"0{part}"))
        except ValueError:
            raise ValueError(f"“{part}” is not a time of day (HH:MM).") from None
    return sorted(set(starts))
