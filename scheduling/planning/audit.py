"""The planning app's change history (django-auditlog, in the client's schema): forecast runs
and the scheduler's adjustments. Intervals and requirement rows are figures derived from
them, not changes anyone made, so they are not audited row by row."""

from __future__ import annotations

from auditlog.registry import auditlog

_FORECAST_FIELDS = ["service_line", "version", "status", "weeks", "starts_at", "ends_at", "error"]
_ADJUSTMENT_FIELDS = ["forecast", "scope", "day", "starts_at", "ends_at", "percent", "reason"]
# Plans: each manual edit of a shift, and the plan's state (figures are derived, not audited).
_PLAN_FIELDS = ["week_starts_on", "status", "revision", "has_unpublished_changes"]
_PLAN_SHIFT_FIELDS = ["plan", "agent", "service_line", "starts_at", "ends_at", "activities"]


def register_models() -> None:
    from django.apps import apps

    for name, fields in (
        ("forecast", _FORECAST_FIELDS),
        ("forecastadjustment", _ADJUSTMENT_FIELDS),
        ("plan", _PLAN_FIELDS),
        ("planshift", _PLAN_SHIFT_FIELDS),
    ):
        model = apps.get_model("planning", name)
        if not auditlog.contains(model):
            auditlog.register(model, include_fields=fields)
