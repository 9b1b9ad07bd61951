from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms

from bpo.dates import format_when
from scheduling.planning.forecasting import MAX_WEEKS_AHEAD
from scheduling.planning.models import AdjustmentScope, Forecast
from scheduling.planning.selectors.forecasts import list_forecastable_lines
from scheduling.planning.services.forecasts import AdjustmentRequest


class RunForecastForm(forms.Form):
    service_line: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,
        label="Service line",
        empty_label="Choose a line…",
        error_messages={"required": "Choose the line to forecast."},
    )
    weeks = forms.TypedChoiceField(
        label="Weeks ahead",
        choices=[(n, f"{n} week{'s' if n > 1 else ''}") for n in range(1, MAX_WEEKS_AHEAD + 1)],
        coerce=int,
        initial=1,
        help_text="From next Monday.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["service_line"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = list_forecastable_lines().prefetch_related(None)


def _time_choices(interval_minutes: int, *, ends: bool) -> list[tuple[str, str]]:
    choices = []
    minutes = interval_minutes if ends else 0
    last = 24 * 60 if ends else 24 * 60 - interval_minutes
    while minutes <= last:
        label = "24:00" if minutes == 24 * 60 else f"{minutes // 60:02d}:{minutes % 60:02d}"
        choices.append((label, label))
        minutes += interval_minutes
    return choices


class AdjustForecastForm(forms.Form):
    """A percentage over one local day, or over a range of intervals of one day."""

    scope = forms.ChoiceField(
        label="Change",
        choices=AdjustmentScope.choices,
        initial=AdjustmentScope.DAY,
        widget=forms.RadioSelect,
    )
    day = forms.TypedChoiceField(
        label="Day", coerce=lambda value: datetime.fromisoformat(value).date()
    )
    from_time = forms.ChoiceField(label="From", required=False)
    to_time = forms.ChoiceField(label="To", required=False)
    percent = forms.CharField(
        label="Change (%)",
        max_length=12,
        help_text="e.g. 15 for 15 % more contacts, -10 for 10 % fewer.",
        error_messages={"required": "Give the change in percent, e.g. 10 or -15."},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "A marketing campaign, an outage, …"}),
        error_messages={"required": "Say why the forecast changes (a campaign, an outage, ...)."},
    )

    def __init__(self, *args, forecast: Forecast, **kwargs):
        super().__init__(*args, **kwargs)
        self.forecast = forecast
        self.zone = ZoneInfo(forecast.time_zone)
        first = forecast.starts_at.astimezone(self.zone).date()
        days = [first + timedelta(days=offset) for offset in range(7 * forecast.weeks)]
        day_field = self.fields["day"]
        assert isinstance(day_field, forms.TypedChoiceField)
        day_field.choices = [(day.isoformat(), format_when(day, "weekday")) for day in days]
        from_field = self.fields["from_time"]
        to_field = self.fields["to_time"]
        assert isinstance(from_field, forms.ChoiceField) and isinstance(to_field, forms.ChoiceField)
        from_field.choices = _time_choices(forecast.interval_minutes, ends=False)
        to_field.choices = _time_choices(forecast.interval_minutes, ends=True)
        self.initial.setdefault("from_time", "08:00")
        self.initial.setdefault("to_time", "12:00")

    def _instant(self, day, label: str) -> datetime:
        if label == "24:00":
            day, label = day + timedelta(days=1), "00:00"
        hour, minute = (int(part) for part in label.split(":"))
        local = datetime.combine(day, time(hour, minute), tzinfo=self.zone)
        return local.astimezone(ZoneInfo("UTC"))

    def to_request(self) -> AdjustmentRequest:
        data = self.cleaned_data
        scope = data["scope"]
        if scope == AdjustmentScope.RANGE:
            return AdjustmentRequest(
                scope=scope,
                percent=data["percent"],
                reason=data["reason"],
                starts_at=self._instant(data["day"], data.get("from_time") or "00:00"),
                ends_at=self._instant(data["day"], data.get("to_time") or "24:00"),
            )
        return AdjustmentRequest(
            scope=scope, percent=data["percent"], reason=data["reason"], day=data["day"]
        )


class ForecastFteForm(forms.Form):
    """The quote simulator's stored-forecast part: one line, two targets."""

    forecast_line: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, label="Service line (its newest forecast)", empty_label="Choose a line…"
    )
    level_a = forms.FloatField(label="Target A: % answered", initial=80, min_value=1, max_value=100)
    seconds_a = forms.FloatField(
        label="Target A: within (s)", initial=20, min_value=0, max_value=86400
    )
    level_b = forms.FloatField(label="Target B: % answered", initial=90, min_value=1, max_value=100)
    seconds_b = forms.FloatField(
        label="Target B: within (s)", initial=20, min_value=0, max_value=86400
    )

    def __init__(self, *args, lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["forecast_line"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = lines
