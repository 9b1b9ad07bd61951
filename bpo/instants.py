"""Instants given by callers (query parameters, request bodies, forms): ISO 8601 with a UTC
offset, within the years the portal plans for.

Python takes offsets up to a day and years 1 to 9999; PostgreSQL takes offsets up to 15:59,
and a date next to year 1 or 9999 overflows as soon as a day is added to it (the day before
an instant, a span past midnight). Every instant from outside is read here, so the rest of
the code only ever sees an aware UTC instant between ``EARLIEST`` and ``LATEST``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rest_framework import serializers

from bpo.errors import DomainError

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 12, 31, 23, 59, 59, tzinfo=UTC)

REQUIRED = "{name} is required: an ISO 8601 instant with a UTC offset, e.g. 2026-07-01T09:00:00Z."
INVALID = "{name} is not an ISO 8601 instant, e.g. 2026-07-01T09:00:00Z."
NAIVE = "{name} needs a UTC offset (Z or e.g. +02:00); a local time is ambiguous."
OUT_OF_RANGE = f"{{name}} must lie between {EARLIEST.year} and {LATEST.year} (an instant in UTC)."


def in_range(instant: datetime) -> bool:
    return EARLIEST <= instant <= LATEST


def read_instant(value: str | None, name: str, *, required: bool = True) -> datetime | None:
    """The instant in ``value`` (in UTC), or a ``DomainError`` naming ``name``."""
    if value is None or value == "":
        if required:
            raise DomainError(REQUIRED.format(name=name), field=name)
        return None
    # A "+" of an offset that was not URL-encoded arrives as a space.
    text = str(value).strip().replace(" ", "+")
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise DomainError(INVALID.format(name=name), field=name) from None
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise DomainError(NAIVE.format(name=name), field=name)
    try:
        instant = instant.astimezone(UTC)
    except OverflowError:
        raise DomainError(OUT_OF_RANGE.format(name=name), field=name) from None
    if not in_range(instant):
        raise DomainError(OUT_OF_RANGE.format(name=name), field=name)
    return instant


class InstantField(serializers.Field):
    """A serializer field for :func:`read_instant` (documented as a date-time)."""

    def to_internal_value(self, data) -> datetime:
        try:
            instant = read_instant(data, self.field_name or "instant")
        except DomainError as error:
            raise serializers.ValidationError(error.message) from None
        assert instant is not None
        return instant

    def to_representation(self, value: datetime) -> str:
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
