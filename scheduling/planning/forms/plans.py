"""Forms of the plan pages: a shift's agent, line, day and local times (add and move), the part
of a shift that changes line, and the reason of a republication."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django import forms

from bpo.dates import format_when
from scheduling.planning.models import Plan, PlanShift


def _local(plan: Plan, day, moment) -> datetime:
    return datetime.combine(day, moment, tzinfo=ZoneInfo(plan.time_zone))


class ShiftForm(forms.Form):
    """Agent, line, day and times in the plan's zone; an end at or before the start is the next
    day's (a night shift)."""

    agent = forms.TypedChoiceField(label="Agent", coerce=int)
    service_line = forms.TypedChoiceField(label="Line", coerce=int)
    day = forms.TypedChoiceField(
        label="Day", coerce=lambda value: datetime.fromisoformat(value).date()
    )
    starts = forms.TimeField(label="From", widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label="To", widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, plan: Plan, agents, lines, shift: PlanShift | None = None, **kwargs):
        if shift is not None and not args and "initial" not in kwargs:
            zone = ZoneInfo(plan.time_zone)
            kwargs["initial"] = {
                "agent": shift.agent_id,
                "service_line": shift.service_line_id,
                "day": shift.starts_at.astimezone(zone).date().isoformat(),
                "starts": shift.starts_at.astimezone(zone).time().replace(second=0),
                "ends": shift.ends_at.astimezone(zone).time().replace(second=0),
            }
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["agent"].choices = [(a.pk, a.full_name) for a in agents]  # type: ignore[attr-defined]
        self.fields["service_line"].choices = [(line.pk, line.name) for line in lines]  # type: ignore[attr-defined]
        days = [plan.week_starts_on + timedelta(days=offset) for offset in range(7)]
        self.fields["day"].choices = [(d.isoformat(), format_when(d, "weekday")) for d in days]  # type: ignore[attr-defined]

    def times(self) -> tuple[datetime, datetime]:
        data = self.cleaned_data
        starts_at = _local(self.plan, data["day"], data["starts"])
        ends_at = _local(self.plan, data["day"], data["ends"])
        if ends_at <= starts_at:
            ends_at = _local(self.plan, data["day"] + timedelta(days=1), data["ends"])
        return starts_at, ends_at


class LineChangeForm(forms.Form):
    """The part of the shift (local times) that covers another line."""

    service_line = forms.TypedChoiceField(label="Line", coerce=int)
    starts = forms.TimeField(label="From", widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label="To", widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, plan: Plan, shift: PlanShift, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan, self.shift = plan, shift
        self.fields["service_line"].choices = [(line.pk, line.name) for line in lines]  # type: ignore[attr-defined]

    def times(self) -> tuple[datetime, datetime]:
        """The local times placed within the shift (a night shift's part after midnight is
        the next day's)."""
        zone = ZoneInfo(self.plan.time_zone)
        first_day = self.shift.starts_at.astimezone(zone).date()
        starts_at = _local(self.plan, first_day, self.cleaned_data["starts"])
        if starts_at < self.shift.starts_at:
            starts_at = _local(
                self.plan, first_day + timedelta(days=1), self.cleaned_data["starts"]
            )
        ends_at = _local(self.plan, starts_at.date(), self.cleaned_data["ends"])
        if ends_at <= starts_at:
            ends_at = _local(
                self.plan, starts_at.date() + timedelta(days=1), self.cleaned_data["ends"]
            )
        return starts_at, ends_at


class PublishForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the change",
        max_length=300,
        required=False,
        help_text="Required once the week was published: a sick call, a swap made by hand…",
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        if plan.revision:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = (
                "Say why the published week changes (for example: a sick call)."
            )
