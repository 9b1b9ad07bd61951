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


def parse_optional_whole(text: str) -> int | None:
    """A whole number, or empty for none (no limit)."""
    return parse_whole(text) if (text or "").strip() else None


WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PREFERENCE_WORDS = {"prefer": True, "avoid": False}
DEFAULT_PREFERENCE_WEIGHT = 50


def parse_preferences(text: str) -> list[tuple[bool, str | None, str | None, int]]:
    """``avoid sat:80; prefer mon Early; avoid Night`` -> [(wanted, weekday, template, weight)]:
    ``prefer`` or ``avoid``, then a weekday (mon ... sun), a shift template's name, or both
    (weekday first), then ``:weight`` (1-1000, 50 when left out)."""
    found: list[tuple[bool, str | None, str | None, int]] = []
    for part in parse_list(text):
        word, _, rest = part.strip().partition(" ")
        if word.lower() not in PREFERENCE_WORDS:
            raise ValueError(f"“{part}” must start with prefer or avoid.")
        what, colon, weight_text = rest.rpartition(":")
        if not colon:
            what, weight_text = rest, ""
        weight_text = weight_text.strip()
        if weight_text and (not weight_text.isdigit() or not 1 <= int(weight_text) <= 1000):
            raise ValueError(f"The weight in “{part}” must be a whole number from 1 to 1000.")
        weight = int(weight_text) if weight_text else DEFAULT_PREFERENCE_WEIGHT
        first, _, template = what.strip().partition(" ")
        weekday = first.lower() if first.lower() in WEEKDAY_CODES else None
        if weekday is None:
            template = what.strip()
        template = " ".join(template.split())
        if weekday is None and not template:
            raise ValueError(f"“{part}” names no weekday and no shift template.")
        entry = (PREFERENCE_WORDS[word.lower()], weekday, template or None, weight)
        if any(e[1:3] == entry[1:3] for e in found):
            raise ValueError(f"“{part}” is listed twice.")
        found.append(entry)
    return found


def format_preferences(preferences) -> str:
    return "; ".join(
        f"{'prefer' if wanted else 'avoid'} "
        f"{' '.join(x for x in (weekday, template) if x)}:{weight}"
        for wanted, weekday, template, weight in preferences
    )


BREAK = re.compile(
    r"^(break|lunch)\s+(\d+)\s*(?:min)?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$"
)


def parse_breaks(text: str) -> list[tuple[str, int, int, int]]:
    """``lunch 30 3:00-5:00; break 15 1:30-2:30`` -> [(kind, minutes, earliest, latest)]: each
    break or lunch, its minutes, and the window of its start after the shift starts (h:mm)."""
    found = []
    for part in parse_list(text):
        match = BREAK.match(part.strip().lower())
        if match is None:
            raise ValueError(
                f"“{part}” is not a break like “lunch 30 3:00-5:00” (kind, minutes, and the "
                "window its start lies in, after the shift starts)."
            )
        kind, minutes, h1, m1, h2, m2 = match.groups()
        if int(m1) > 59 or int(m2) > 59:
            raise ValueError(f"“{part}”: minutes of an hour go up to 59.")
        earliest, latest = int(h1) * 60 + int(m1), int(h2) * 60 + int(m2)
        if int(minutes) < 5:
            raise ValueError(f"“{part}”: a break lasts at least 5 minutes.")
        if latest < earliest:
            raise ValueError(f"“{part}”: the window ends before it begins.")
        found.append((kind, int(minutes), earliest, latest))
    return found


def format_breaks(breaks) -> str:
    return "; ".join(
        f"{kind} {minutes} {earliest // 60}:{earliest % 60:02d}-{latest // 60}:{latest % 60:02d}"
        for kind, minutes, earliest, latest in breaks
    )
