"""Storing the current week's SLA projection of a client's lines (the to-dos read it). Run
with the client's schema active; derived figures, not an edit, so no audit entry."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from scheduling.planning.models import SlaProjectionSnapshot
from scheduling.planning.selectors.sla import IsoWeek
from scheduling.planning.selectors.sla_projection import WeekProjection, list_week_projections

HEADLINE_MAX = SlaProjectionSnapshot._meta.get_field("headline").max_length or 300


@transaction.atomic
def refresh_sla_projections(*, client, now: datetime) -> WeekProjection:
    """Project the client's current week (its own zone) and keep one row per shown line;
    rows of lines no longer shown that week go."""
    week = IsoWeek.containing(now, ZoneInfo(client.time_zone))
    projection = list_week_projections(client=client, week=week, now=now)
    kept = []
    for line in projection.lines:
        row, _ = SlaProjectionSnapshot.objects.update_or_create(
            service_line=line.service_line,
            week_starts_on=week.monday,
            defaults={
                "status": line.status.value,
                "headline": line.headline[:HEADLINE_MAX],
                "numerator": line.projection.numerator,
                "denominator": line.projection.denominator,
                "computed_at": now,
            },
        )
        kept.append(row.pk)
    SlaProjectionSnapshot.objects.filter(week_starts_on=week.monday).exclude(pk__in=kept).delete()
    # weeks long gone are of no use to anyone
    SlaProjectionSnapshot.objects.filter(week_starts_on__lt=week.previous.monday).delete()
    return projection
