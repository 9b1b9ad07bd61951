"""Last week's report in each demo client's archive, for ``seed_demo``: created and rendered
the way the weekly task does it (``generate_weekly_report_task``), synchronously.

Idempotent: a week that has a report is left alone (a ready report is never rendered again).
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from bpo.reporting import services, workers
from bpo.reporting.models import WeeklyReportStatus
from scheduling.planning.selectors.sla import IsoWeek


def seed_last_week_report(*, client, now=None) -> list[str]:
    """Last week's report of ``client`` (its schema active), rendered; nothing if it exists."""
    local = (now or timezone.now()).astimezone(ZoneInfo(client.time_zone))
    week = IsoWeek.of(local.date() - timedelta(days=7))
    report, created = services.ensure_weekly_report(week=week)
    if not created and report.status != WeeklyReportStatus.QUEUED:
        return []
    report = workers.render_weekly_report(report_id=report.pk)
    return [f"{client.name} weekly report of week {week}: {report.status}"]
