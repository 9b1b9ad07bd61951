"""The week's SLA projection per line as last computed (``services.sla_projection``), kept so
that the home pages' to-dos read one row per line instead of projecting on every request."""

from __future__ import annotations

from django.db import models


class SlaProjectionSnapshot(models.Model):
    """One line's projection for the week of ``week_starts_on`` (a local Monday), as of
    ``computed_at``: the status (``engine.sla_projection.ProjectionStatus``), the sentence the
    page shows and the counts behind it."""

    service_line = models.ForeignKey(
        "catalog.ServiceLine", on_delete=models.CASCADE, related_name="sla_projections"
    )
    week_starts_on = models.DateField()
    status = models.CharField(max_length=16)
    headline = models.CharField(max_length=300)
    numerator = models.PositiveIntegerField(default=0)
    denominator = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-week_starts_on", "service_line_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_line", "week_starts_on"], name="sla_projection_line_week_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_line_id} week of {self.week_starts_on}: {self.status}"
