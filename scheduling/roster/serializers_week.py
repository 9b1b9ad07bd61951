"""The API shapes of an agent's week (bookings across clients, each line's guide), shift swaps,
the calendar feed's address, worked time with adherence and conformance, and period locks.

Ratios (adherence, conformance) are fractions rounded to four decimals (0.9583 for 95.83 %),
``null`` where nothing was scheduled; times are minutes; instants are UTC."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from scheduling.roster.models import (
    Booking,
    PeriodLock,
    ShiftSwap,
    SwapStatus,
    TimeOffKind,
    TimeOffStatus,
    WorkedSource,
)


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


class ClientNameSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class BookingSerializer(serializers.Serializer):
    """A published shift of the ledger."""

    id = serializers.IntegerField()
    client = ClientNameSerializer()
    service_line_id = serializers.IntegerField(allow_null=True)
    line_name = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    hours = serializers.FloatField()
    revision = serializers.IntegerField(help_text="The plan's publication that wrote it.")


def booking_data(booking: Booking, line_name: str) -> dict:
    lower, upper = booking.during.lower, booking.during.upper
    return {
        "id": booking.pk,
        "client": {"slug": booking.client.slug, "name": booking.client.name},
        "service_line_id": booking.service_line_id,
        "line_name": line_name,
        "starts_at": lower,
        "ends_at": upper,
        "hours": round((upper - lower).total_seconds() / 3600, 2),
        "revision": booking.revision,
    }


class OpenSwapSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=SwapStatus.choices)


class WeekShiftSerializer(BookingSerializer):
    is_future = serializers.BooleanField()
    swap = OpenSwapSerializer(allow_null=True, help_text="Its open offer, if any.")


class TimeOffDaySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=TimeOffKind.choices)
    status = serializers.ChoiceField(choices=TimeOffStatus.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class WeekDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    shifts = WeekShiftSerializer(many=True)
    time_off = TimeOffDaySerializer(many=True)


class LineEscalationTierSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    trigger = serializers.CharField()
    contact = serializers.CharField()
    channel = serializers.CharField()
    reach = serializers.CharField(allow_blank=True)
    within = serializers.IntegerField(allow_null=True)


class LineGuideSerializer(serializers.Serializer):
    """A line the agent is booked on: its published script and its escalation path."""

    client = serializers.CharField(source="client_name")
    line_id = serializers.IntegerField()
    name = serializers.CharField()
    required_skills = serializers.ListField(child=serializers.CharField())
    script_title = serializers.CharField(allow_blank=True)
    script_version = serializers.IntegerField(allow_null=True)
    sections = serializers.ListField(child=serializers.DictField())
    escalation_name = serializers.CharField(allow_blank=True)
    escalation_notes = serializers.CharField(allow_blank=True)
    tiers = LineEscalationTierSerializer(many=True)


class WeekAgentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    employee_number = serializers.CharField()
    full_name = serializers.CharField()
    time_zone = serializers.CharField()


class AgentWeekSerializer(serializers.Serializer):
    """Monday to Sunday on the agent's clock, every client's bookings."""

    agent = WeekAgentSerializer()
    week_starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    previous_week = serializers.DateField()
    next_week = serializers.DateField()
    hours = serializers.FloatField()
    shift_count = serializers.IntegerField()
    days = WeekDaySerializer(many=True)
    guides = LineGuideSerializer(many=True)


def agent_week_data(the_week) -> dict:
    def shift(item) -> dict:
        return {
            **booking_data(item.booking, item.line_name),
            "is_future": item.is_future,
            "swap": {"id": item.swap.pk, "status": item.swap.status} if item.swap else None,
        }

    agent = the_week.agent
    return {
        "agent": {
            "id": agent.pk,
            "employee_number": agent.employee_number,
            "full_name": agent.full_name,
            "time_zone": agent.time_zone,
        },
        "week_starts_on": the_week.week_starts_on,
        "ends_on": the_week.ends_on,
        "previous_week": the_week.previous_week,
        "next_week": the_week.next_week,
        "hours": round(the_week.hours, 2),
        "shift_count": the_week.shift_count,
        "days": [
            {
                "day": day.day,
                "shifts": [shift(item) for item in day.shifts],
                "time_off": [
                    {
                        "id": r.pk,
                        "kind": r.kind,
                        "status": r.status,
                        "starts_on": r.starts_on,
                        "ends_on": r.ends_on,
                    }
                    for r in day.time_off
                ],
            }
            for day in the_week.days
        ],
        "guides": the_week.guides,
    }


class CalendarFeedSerializer(serializers.Serializer):
    url = serializers.CharField(
        allow_null=True,
        help_text="The secret iCalendar address (no login); null until the agent asks for one.",
    )
    rotated_at = serializers.DateTimeField(allow_null=True)


class SwapAgentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()


class ShiftSwapSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    booking = serializers.SerializerMethodField()
    offered_by = serializers.SerializerMethodField()
    taken_by = serializers.SerializerMethodField()

    class Meta:
        model = ShiftSwap
        fields = [
            "id",
            "status",
            "status_label",
            "booking",
            "offered_by",
            "taken_by",
            "note",
            "refusal_reason",
            "offered_at",
            "taken_at",
            "decided_at",
        ]
        read_only_fields = fields

    @extend_schema_field(BookingSerializer)
    def get_booking(self, swap: ShiftSwap) -> dict:
        # ``line_name`` is set by ``week.with_line_names`` (one read per client shown)
        return booking_data(swap.booking, getattr(swap.booking, "line_name", ""))

    @extend_schema_field(SwapAgentSerializer)
    def get_offered_by(self, swap: ShiftSwap) -> dict:
        return {"id": swap.offered_by_id, "full_name": swap.offered_by.full_name}

    @extend_schema_field(SwapAgentSerializer(allow_null=True))
    def get_taken_by(self, swap: ShiftSwap) -> dict | None:
        if swap.taken_by is None:
            return None
        return {"id": swap.taken_by_id, "full_name": swap.taken_by.full_name}


class OfferShiftSerializer(serializers.Serializer):
    booking = serializers.IntegerField(help_text="One of your booked shifts that has not begun.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class SwapRefusalSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Both agents read it.")


# --- worked time ----------------------------------------------------------------------------


class WorkedDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    scheduled_minutes = serializers.IntegerField(help_text="Booked that day (every client).")
    worked_minutes = serializers.IntegerField(allow_null=True)
    in_state_minutes = serializers.IntegerField(allow_null=True)
    # (a declared field; DRF keeps ``Field.source`` intact)
    source = serializers.ChoiceField(choices=WorkedSource.choices, allow_null=True)  # type: ignore[assignment]
    adherence = serializers.FloatField(allow_null=True, help_text="In state / scheduled.")
    conformance = serializers.FloatField(allow_null=True, help_text="Worked / scheduled.")
    is_locked = serializers.BooleanField()


class WorkedAgentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    employee_number = serializers.CharField()
    full_name = serializers.CharField()
    team = serializers.CharField(allow_blank=True)


class WorkedWeekSerializer(serializers.Serializer):
    """One agent's week: the days with figures added up, and each day."""

    agent = WorkedAgentSerializer()
    week_starts_on = serializers.DateField()
    scheduled_minutes = serializers.IntegerField()
    worked_minutes = serializers.IntegerField()
    in_state_minutes = serializers.IntegerField()
    adherence = serializers.FloatField(allow_null=True)
    conformance = serializers.FloatField(allow_null=True)
    days_missing = serializers.IntegerField(help_text="Booked days without figures.")
    days = WorkedDaySerializer(many=True)


def worked_week_data(week, monday) -> dict:
    agent = week.agent
    return {
        "agent": {
            "id": agent.pk,
            "employee_number": agent.employee_number,
            "full_name": agent.full_name,
            "team": agent.team.name if agent.team_id else "",
        },
        "week_starts_on": monday,
        "scheduled_minutes": week.scheduled_minutes,
        "worked_minutes": week.worked_minutes,
        "in_state_minutes": week.in_state_minutes,
        "adherence": _ratio(week.adherence),
        "conformance": _ratio(week.conformance),
        "days_missing": week.days_missing,
        "days": [
            {
                "day": cell.day,
                "scheduled_minutes": cell.scheduled_minutes,
                "worked_minutes": cell.worked.worked_minutes if cell.worked else None,
                "in_state_minutes": cell.worked.in_state_minutes if cell.worked else None,
                "source": cell.worked.source if cell.worked else None,
                "adherence": _ratio(cell.adherence),
                "conformance": _ratio(cell.conformance),
                "is_locked": cell.is_locked,
            }
            for cell in week.days
        ],
    }


class ConfirmScheduledSerializer(serializers.Serializer):
    agents = serializers.ListField(
        child=serializers.IntegerField(), min_length=1, help_text="Roster agent ids."
    )
    first_day = serializers.DateField()
    last_day = serializers.DateField(help_text="At most two months after the first day.")


class ConfirmResultSerializer(serializers.Serializer):
    days_written = serializers.IntegerField()


class CorrectDaySerializer(serializers.Serializer):
    agent = serializers.IntegerField()
    day = serializers.DateField()
    worked_minutes = serializers.IntegerField()
    in_state_minutes = serializers.IntegerField(
        required=False, allow_null=True, help_text="Left out: the scheduled time clocked in."
    )
    reason = serializers.CharField(max_length=300)


class StoredDaySerializer(serializers.Serializer):
    agent = serializers.IntegerField(source="agent_id")
    day = serializers.DateField()
    scheduled_minutes = serializers.IntegerField()
    worked_minutes = serializers.IntegerField()
    in_state_minutes = serializers.IntegerField()
    source = serializers.ChoiceField(choices=WorkedSource.choices)  # type: ignore[assignment]
    adherence = serializers.FloatField(allow_null=True)
    conformance = serializers.FloatField(allow_null=True)


class FileImportSerializer(serializers.Serializer):
    content = serializers.CharField(
        trim_whitespace=False, help_text="The CSV file's text (UTF-8), header row first."
    )
    preview = serializers.BooleanField(
        default=False, help_text="Check and show the changes without storing anything."
    )


class ImportedDaySerializer(serializers.Serializer):
    row = serializers.IntegerField()
    agent = serializers.IntegerField()
    employee_number = serializers.CharField()
    day = serializers.DateField()
    scheduled_minutes = serializers.IntegerField()
    worked_minutes = serializers.IntegerField()
    in_state_minutes = serializers.IntegerField()
    action = serializers.ChoiceField(choices=["new", "changed", "unchanged"])


class TimeClockImportSerializer(serializers.Serializer):
    stored = serializers.BooleanField(help_text="False for a preview.")
    new = serializers.IntegerField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    days = ImportedDaySerializer(many=True)


class ProductiveRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    agent = serializers.IntegerField()
    day = serializers.DateField()
    client = serializers.SlugField()
    service_line_id = serializers.IntegerField()
    minutes = serializers.IntegerField()


class ProductiveImportSerializer(serializers.Serializer):
    stored = serializers.BooleanField(help_text="False for a preview.")
    rows = ProductiveRowSerializer(many=True)


class PeriodLockSerializer(serializers.ModelSerializer):
    locked_by = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()

    class Meta:
        model = PeriodLock
        fields = ["id", "starts_on", "ends_on", "note", "locked_by", "locked_at", "description"]
        read_only_fields = fields

    def get_locked_by(self, lock: PeriodLock) -> str:
        user = lock.locked_by if lock.locked_by_id else None
        return (user.get_full_name() or user.email) if user is not None else ""

    def get_description(self, lock: PeriodLock) -> str:
        from scheduling.roster.worked import describe_lock

        return describe_lock(lock)


class LockPeriodSerializer(serializers.Serializer):
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class UnlockSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text="Required (the service says so in words)."
    )


# --- the team lead's week -------------------------------------------------------------------


class TeamDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    is_off = serializers.BooleanField(help_text="Approved time off that day.")
    shifts = BookingSerializer(many=True)


class TeamAgentWeekSerializer(serializers.Serializer):
    agent = WeekAgentSerializer()
    hours = serializers.FloatField()
    days = TeamDaySerializer(many=True)


class TeamRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TeamWeekSerializer(serializers.Serializer):
    """A team's agents x the seven days (each agent's own calendar days)."""

    team = TeamRefSerializer()
    week_starts_on = serializers.DateField()
    agents = TeamAgentWeekSerializer(many=True)


def team_week_data(team, monday, rows) -> dict:
    return {
        "team": {"id": team.pk, "name": team.name},
        "week_starts_on": monday,
        "agents": [
            {
                "agent": {
                    "id": row.agent.pk,
                    "employee_number": row.agent.employee_number,
                    "full_name": row.agent.full_name,
                    "time_zone": row.agent.time_zone,
                },
                "hours": round(row.hours, 2),
                "days": [
                    {
                        "day": cell.day,
                        "is_off": cell.is_off,
                        "shifts": [
                            booking_data(b, getattr(b, "line_name", "")) for b in cell.bookings
                        ],
                    }
                    for cell in row.cells
                ],
            }
            for row in rows
        ],
    }
