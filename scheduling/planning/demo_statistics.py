"""The demo clients' contact statistics and customer experience results, for ``seed_demo``.

Ten whole weeks of intervals for every service line, ending with last week (in the client's
zone), and this week's days up to yesterday (so the SLA page, which opens on the current week,
has figures on every day but a Monday), inside each line's hours of operation: a day curve with morning and afternoon peaks, weekends
lower, voice and chat as queues, e-mail as first responses. Then a CX result per line and day.
Bulk inserts (COPY-free ``bulk_create`` in batches): a few seconds for the three clients.
Idempotent: a line that has statistics already is left alone.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bpo.catalog.models import ServiceLine
from bpo.catalog.selectors.service_lines import open_intervals_of
from scheduling.planning.importing.synthetic import LineProfile, interval_values
from scheduling.planning.models import (
    DailyExperience,
    ExperienceSource,
    IntervalStatistic,
    PlanningSettings,
)

WEEKS = 10
# Sized for the demo roster (40 agents over three clients), so that a week can be planned.
PEAK_PER_HOUR = {"voice": 28.0, "chat": 14.0, "email": 10.0, "sms": 6.0, "social": 5.0}


def seed_statistics(*, client, today: date | None = None) -> list[str]:
    """Load ten weeks of statistics and CX results for every line of ``client`` (schema
    active) that has none yet; answers what was added."""
    zone = ZoneInfo(client.time_zone)
    today = today or datetime.now(zone).date()
    this_monday = today - timedelta(days=today.weekday())
    first_day = this_monday - timedelta(weeks=WEEKS)
    start = datetime.combine(first_day, time(0), tzinfo=zone)
    end = datetime.combine(today, time(0), tzinfo=zone)
    minutes = PlanningSettings.current().interval_minutes
    step = timedelta(minutes=minutes)
    changes = []
    for number, line in enumerate(ServiceLine.objects.order_by("pk")):
        if IntervalStatistic.objects.filter(service_line=line).exists():
            continue
        rng = random.Random(f"{client.slug}-{line.pk}")
        profile = LineProfile(
            line.channel, PEAK_PER_HOUR.get(line.channel, 60.0) * (1 + 0.2 * number)
        )
        rows = []
        for opens, closes in open_intervals_of(
            service_line=line, client=client, start=start, end=end
        ):
            moment = _ceil(opens, minutes)
            while moment + step <= closes:
                local = moment.astimezone(zone)
                values = interval_values(profile, local, minutes, rng)
                rows.append(
                    IntervalStatistic(
                        service_line=line, starts_at=moment, interval_minutes=minutes, **values
                    )
                )
                moment += step
        IntervalStatistic.objects.bulk_create(rows, batch_size=5000)
        DailyExperience.objects.bulk_create(
            _experience(line, first_day, today, rng), batch_size=1000, ignore_conflicts=True
        )
        changes.append(f"{len(rows)} intervals and {WEEKS} weeks of CX results for {line.name}")
    return changes


def _ceil(moment: datetime, minutes: int) -> datetime:
    moment = moment.astimezone(UTC)
    seconds = int(moment.timestamp())
    rest = seconds % (minutes * 60)
    return moment if rest == 0 else moment + timedelta(seconds=minutes * 60 - rest)


def _experience(line: ServiceLine, first: date, last: date, rng: random.Random):
    satisfied_rate = {"chat": 0.88, "voice": 0.82, "email": 0.71}.get(line.channel, 0.8)
    day = first
    while day < last:
        responses = rng.randint(15, 60) if day.weekday() < 5 else rng.randint(3, 15)
        satisfied = sum(1 for _ in range(responses) if rng.random() < satisfied_rate)
        csat_sum = satisfied * rng.choice((4, 5)) + (responses - satisfied) * rng.choice((1, 2, 3))
        csat_sum = min(max(csat_sum, responses), responses * 5)
        ces_responses = max(responses // 2, 1)
        ces_sum = min(
            max(round(ces_responses * rng.uniform(2.0, 3.5)), ces_responses), ces_responses * 7
        )
        fcr_responses = responses
        fcr_resolved = sum(1 for _ in range(fcr_responses) if rng.random() < 0.74)
        yield DailyExperience(
            service_line=line,
            day=day,
            channel=line.channel,
            source=ExperienceSource.AGGREGATE,
            csat_responses=responses,
            csat_satisfied=satisfied,
            csat_sum=csat_sum,
            ces_responses=ces_responses,
            ces_sum=ces_sum,
            fcr_responses=fcr_responses,
            fcr_resolved=fcr_resolved,
        )
        day += timedelta(days=1)
