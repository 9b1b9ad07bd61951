"""Public holidays of a country (and optionally one of its regions), from the ``holidays``
library: the dates a holiday multiplier applies to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import holidays


class HolidayCalendarError(ValueError):
    """A country or region the holidays library does not know."""


def public_holidays(country: str, years: Iterable[int], subdivision: str = "") -> dict[date, str]:
    """The public holidays of ``country`` (ISO 3166 alpha-2) in ``years``, by date, with their
    English names; ``subdivision`` adds a region's own (``DE``/``BY``: Epiphany)."""
    try:
        calendar = holidays.country_holidays(
            country.upper(), subdiv=subdivision.upper() or None, years=sorted(set(years))
        )
    except NotImplementedError as error:
        raise HolidayCalendarError(f"No public holidays are known for {country!r}.") from error
    except ValueError as error:
        raise HolidayCalendarError(str(error)) from error
    return {day: str(name) for day, name in sorted(calendar.items())}


def known_subdivisions(country: str) -> tuple[str, ...]:
    try:
        calendar = holidays.country_holidays(country.upper())
    except NotImplementedError:
        return ()
    return tuple(calendar.subdivisions)
