"""Forecasts of one client's service lines, in its schema: a forecast run is a version (its
inputs kept), its intervals (original, adjusted and baseline volume, handle time), the
scheduler's adjustments (rows, never edits), and the staffing requirement computed from it.

Times are UTC; the client's zone is applied at the edges."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models

# References from a client's schema to public rows (users, jobs): no database constraint
# (it would forbid truncating the public table while client schemas exist), no cascade.
_PUBLIC: dict = {"on_delete": models.DO_NOTHING, "db_constraint": False}


class ForecastStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ForecastMethod(models.TextChoices):
    # scheduling.engine.forecasting.forecast_intervals
    DAILY_GLM_PROFILE = "daily_glm_profile", "Daily totals (Poisson GLM) x intraday profile"


class RequirementModel(models.TextChoices):
    ERLANG_C = "erlang_c", "Erlang C"
    ERLANG_A = "erlang_a", "Erlang A (with abandonment)"
    CHAT_SLOTS = "chat_slots", "Erlang C per chat slot (concurrency)"
    CHAT_SLOTS_A = "chat_slots_a", "Erlang A per chat slot (concurrency)"
    BACKLOG = "backlog", "Backlog within the first-response target"
    NONE = "", "Not computed"


class Forecast(models.Model):
    """One forecast run of one service line: a version once it is ready."""

    service_line = models.ForeignKey(
        "catalog.ServiceLine", on_delete=models.CASCADE, related_name="forecasts"
    )
    version = models.PositiveIntegerField(null=True, blank=True, help_text="Set when ready.")
    status = models.CharField(
        max_length=8, choices=ForecastStatus.choices, default=ForecastStatus.QUEUED
    )
    job = models.ForeignKey("jobs.Job", null=True, blank=True, related_name="+", **_PUBLIC)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", **_PUBLIC
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    # The horizon: whole local days from ``starts_at`` (a local Monday midnight), in UTC.
    weeks = models.PositiveSmallIntegerField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    interval_minutes = models.PositiveSmallIntegerField()
    time_zone = models.CharField(max_length=64)

    # Inputs: the history used, the method and its parameters (holidays, half-life, ...).
    history_starts_at = models.DateTimeField(null=True, blank=True)
    history_ends_at = models.DateTimeField(null=True, blank=True)
    history_intervals = models.PositiveIntegerField(default=0)
    method = models.CharField(
        max_length=32, choices=ForecastMethod.choices, default=ForecastMethod.DAILY_GLM_PROFILE
    )
    parameters = models.JSONField(default=dict, blank=True)
    # Backtest on the history at run time (rolling origin, 1 week), beside seasonal naive.
    backtest = models.JSONField(default=dict, blank=True)

    # Accuracy against the actuals stored so far (recomputed when the statistics change).
    accuracy_signature = models.CharField(max_length=80, blank=True)
    accuracy_computed_at = models.DateTimeField(null=True, blank=True)
    actual_intervals = models.PositiveIntegerField(default=0)
    actual_volume = models.FloatField(null=True, blank=True)
    wape = models.FloatField(null=True, blank=True, help_text="Of the adjusted forecast.")
    bias = models.FloatField(null=True, blank=True)
    original_wape = models.FloatField(null=True, blank=True)
    baseline_wape = models.FloatField(null=True, blank=True)
    baseline_bias = models.FloatField(null=True, blank=True)

    # The staffing requirement's model and inputs (target, shrinkage, occupancy cap, ...).
    requirement_model = models.CharField(
        max_length=16, choices=RequirementModel.choices, blank=True
    )
    requirement_inputs = models.JSONField(default=dict, blank=True)
    requirement_note = models.CharField(max_length=300, blank=True)
    requirement_computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["service_line", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_line", "version"], name="forecast_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(weeks__gte=1, weeks__lte=6), name="forecast_weeks_1_6"
            ),
            models.CheckConstraint(
                condition=models.Q(status="ready", version__isnull=False)
                | (~models.Q(status="ready") & models.Q(version__isnull=True)),
                name="forecast_version_when_ready",
            ),
        ]
        indexes = [models.Index(fields=["service_line", "status"], name="forecast_line_status")]

    def __str__(self) -> str:
        label = f"v{self.version}" if self.version else f"run {self.pk}"
        return f"{self.service_line_id} forecast {label}"

    @property
    def is_ready(self) -> bool:
        return self.status == ForecastStatus.READY

    @property
    def history_last_day(self):
        """The last instant of the history (``history_ends_at`` is exclusive), for display."""
        if self.history_ends_at is None:
            return None
        return self.history_ends_at - timedelta(minutes=1)

    @property
    def is_in_progress(self) -> bool:
        return self.status in {ForecastStatus.QUEUED, ForecastStatus.RUNNING}

    def get_additional_data(self) -> dict:
        return {"service_line": self.service_line_id, "forecast": self.pk}


class ForecastInterval(models.Model):
    """One interval of a forecast. ``volume`` is what the model said (kept as it was),
    ``adjusted_volume`` the same after every adjustment so far, ``baseline_volume`` the
    seasonal-naive baseline (the last week of history repeated)."""

    forecast = models.ForeignKey(Forecast, on_delete=models.CASCADE, related_name="intervals")
    starts_at = models.DateTimeField()
    is_open = models.BooleanField(default=True)
    volume = models.FloatField()
    adjusted_volume = models.FloatField()
    baseline_volume = models.FloatField()
    aht_seconds = models.FloatField()

    class Meta:
        ordering = ["forecast", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["forecast", "starts_at"], name="forecast_interval_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(volume__gte=0, adjusted_volume__gte=0, aht_seconds__gte=0),
                name="forecast_interval_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.forecast_id} {self.starts_at:%Y-%m-%d %H:%M}Z"


class AdjustmentScope(models.TextChoices):
    DAY = "day", "A whole day"
    RANGE = "range", "A range of intervals"


class ForecastAdjustment(models.Model):
    """A scheduler's change of a forecast's volume by a percentage over a local day or a
    range of intervals, with the reason. Applied in order, multiplicatively."""

    forecast = models.ForeignKey(Forecast, on_delete=models.CASCADE, related_name="adjustments")
    scope = models.CharField(max_length=8, choices=AdjustmentScope.choices)
    day = models.DateField(null=True, blank=True, help_text="Local date (scope: day).")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    percent = models.DecimalField(max_digits=6, decimal_places=2)
    reason = models.CharField(max_length=300)
    intervals_changed = models.PositiveIntegerField(default=0)
    volume_before = models.FloatField(default=0)
    volume_after = models.FloatField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", **_PUBLIC
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["forecast", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__gt=-100, percent__lte=1000),
                name="forecast_adjustment_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="forecast_adjustment_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.forecast_id} {self.percent:+}%"

    def get_additional_data(self) -> dict:
        return {"forecast": self.forecast_id}


class StaffingRequirement(models.Model):
    """Agents one interval of a forecast version needs: ``required_agents`` on the line
    (after the occupancy cap), ``scheduled_agents`` grossed up for shrinkage."""

    forecast = models.ForeignKey(
        Forecast, on_delete=models.CASCADE, related_name="staffing_requirements"
    )
    starts_at = models.DateTimeField()
    volume = models.FloatField()
    aht_seconds = models.FloatField()
    workload_erlangs = models.FloatField()
    required_agents = models.PositiveIntegerField()
    scheduled_agents = models.PositiveIntegerField()

    class Meta:
        ordering = ["forecast", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["forecast", "starts_at"], name="staffing_requirement_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.forecast_id} {self.starts_at:%Y-%m-%d %H:%M}Z: {self.scheduled_agents}"
