"""An agent's bookings as an iCalendar feed (RFC 5545, written by the ``icalendar`` library).

One ``VEVENT`` per booking. Its ``UID`` is the client and the client's shift id, so a calendar
app that subscribed keeps one event per shift: a republished plan that moves the shift keeps
the ``UID`` and raises ``SEQUENCE`` (the booking's revision), so the app updates the event; a
shift removed from the plan has no booking and simply is not in the feed any more; a swapped
shift leaves the giver's feed and enters the taker's.
"""

from __future__ import annotations

from datetime import datetime

import icalendar

from scheduling.roster.models import Agent, Booking
from scheduling.roster.week import LineGuide

PRODUCT_ID = "-//BPO portal//My week//EN"
UID_DOMAIN = "roster.bpo-portal"


def booking_uid(booking: Booking) -> str:
    return f"shift-{booking.client_id}-{booking.shift_id}@{UID_DOMAIN}"


def build_calendar(
    *,
    agent: Agent,
    bookings: list[Booking],
    guides: dict[tuple[int, int], LineGuide],
    now: datetime,
) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Shifts of {agent.full_name}")
    calendar.add("x-wr-timezone", agent.time_zone)
    for booking in bookings:
        guide = guides.get((booking.client_id, booking.service_line_id or 0))
        line = guide.name if guide is not None else "any line"
        event = icalendar.Event()
        event.add("uid", booking_uid(booking))
        event.add("dtstamp", now)
        event.add("dtstart", booking.during.lower)
        event.add("dtend", booking.during.upper)
        event.add("sequence", booking.revision)
        event.add("last-modified", booking.created_at)
        event.add("summary", f"{booking.client.name}: {line}")
        description = [f"Client: {booking.client.name}", f"Line: {line}"]
        if guide is not None and guide.script_title:
            description.append(f"Script: {guide.script_title} (version {guide.script_version})")
        if guide is not None and guide.tiers:
            first = guide.tiers[0]
            description.append(f"Escalate to: {first['contact']}, {first['reach']}".rstrip(", "))
        event.add("description", "\n".join(description))
        event.add("categories", [booking.client.name])
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()
