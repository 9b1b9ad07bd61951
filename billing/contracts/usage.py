"""The Django side of the rating: a stored contract version becomes ``ContractTerms`` and a
client's period of usage becomes ``MonthUsage``, read from the apps that own it through their
selectors, for the pure engine (``billing.rating``). Run with the client's schema active.

Where each figure comes from:

- booked shifts (scheduled minutes, clock times): the roster's bookings of this client;
- worked and in-state minutes: the agent's ``WorkedDay`` (one per agent and local day, for all
  clients), shared out over that day's bookings by booked minutes, so a day split between two
  clients bills each its share; a day with no stored figures has no worked time yet;
- productive minutes: ``ProductiveTime`` of this client, shared over the agent's bookings of
  that line and day (or a day total when there is none);
- contacts and handled minutes: the line's interval statistics summed per local day;
- SLA: the weekly figures of ``scheduling.planning.selectors.sla.list_week_figures`` (the
  weekly report's), as met / counted contacts under each line's own convention.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection

from billing.contracts.models import ContractVersion
from billing.money import whole_minutes
from billing.rating.terms import (
    CONTACT_BASES,
    MONTH_BASES,
    Basis,
    CommittedFteTerm,
    ContractTerms,
    MultiplierKind,
    MultiplierTerm,
    RateTerm,
    SlaCreditTerm,
    TrueUpRule,
)
from billing.rating.usage import ContactDay, MonthUsage, SlaWeek, TimeSpan
from bpo.catalog.models import ServiceLine
from scheduling.engine import kpi
from scheduling.planning.selectors.sla import IsoWeek, list_week_figures
from scheduling.planning.selectors.statistics import handled_contacts_by_day
from scheduling.roster.selectors import client_time_for_period


def terms_of(version: ContractVersion, *, client) -> ContractTerms:
    """The version with its rate card and rules as the engine's plain terms."""
    return ContractTerms(
        version_id=version.pk,
        version_number=version.number,
        effective_from=version.effective_from,
        currency=version.currency,
        time_zone=client.time_zone,
        country=client.country,
        payment_terms_days=version.payment_terms_days,
        language=version.language,
        tax_per_invoice=version.tax_per_invoice,
        default_tax_rate=version.default_tax_rate,
        reverse_charge=version.reverse_charge,
        buyer_reference=version.buyer_reference or version.purchase_order,
        minimum_monthly_amount=version.minimum_monthly_amount,
        fte_true_up_rule=TrueUpRule(version.fte_true_up_rule),
        hours_per_fte_month=version.hours_per_fte_month,
        rates=tuple(
            RateTerm(
                id=rate.pk,
                basis=Basis(rate.basis),
                unit_price=rate.unit_price,
                service_line_id=rate.service_line_id,
                role=rate.role,
                quantity=rate.quantity,
                tax_rate=rate.tax_rate,
                description=rate.description,
                bill_on=rate.bill_on,
            )
            for rate in version.rates.all()
        ),
        multipliers=tuple(
            MultiplierTerm(
                id=rule.pk,
                kind=MultiplierKind(rule.kind),
                factor=rule.factor,
                threshold_hours=rule.threshold_hours,
                night_starts=rule.night_starts,
                night_ends=rule.night_ends,
                subdivision=rule.subdivision,
            )
            for rule in version.multipliers.all()
        ),
        sla_credits=tuple(
            SlaCreditTerm(
                id=rule.pk,
                service_line_id=rule.service_line_id,
                points_per_step=rule.points_per_step,
                credit_percent_per_step=rule.credit_percent_per_step,
                cap_percent=rule.cap_percent,
                bonus_points_per_step=rule.bonus_points_per_step,
                bonus_percent_per_step=rule.bonus_percent_per_step,
                bonus_cap_percent=rule.bonus_cap_percent,
            )
            for rule in version.sla_credits.all()
        ),
        committed_fte=tuple(
            CommittedFteTerm(
                id=commitment.pk,
                fte=commitment.fte,
                service_line_id=commitment.service_line_id,
                weekdays=tuple(commitment.weekdays),
                window_starts=commitment.window_starts,
                window_ends=commitment.window_ends,
            )
            for commitment in version.committed_fte.all()
        ),
    )


def apportion(total: int, weights: list[int]) -> list[int]:
    """``total`` whole minutes shared in proportion to ``weights`` by the largest remainder
    (the parts add up to ``total``; ties to the earlier part)."""
    weight_sum = sum(weights)
    if not weights or weight_sum <= 0:
        return [0 for _ in weights]
    floors = [total * weight // weight_sum for weight in weights]
    remainders = [total * weight % weight_sum for weight in weights]
    order = sorted(range(len(weights)), key=lambda index: (-remainders[index], index))
    for index in order[: total - sum(floors)]:
        floors[index] += 1
    return floors


def _share(whole: int, part: int, day_total: int) -> int:
    """This client's whole minutes of an agent day: half up of whole x part / day_total."""
    if day_total <= 0:
        return 0
    return (2 * whole * part + day_total) // (2 * day_total)


def _spans(*, client, first_day: date, last_day: date) -> list[TimeSpan]:
    shifts, productive = client_time_for_period(
        client_id=client.pk, first_day=first_day, last_day=last_day
    )
    by_agent_day = defaultdict(list)
    for shift in shifts:
        by_agent_day[(shift.agent_id, shift.day)].append(shift)
    productive_by_key = {(row.agent_id, row.day, row.service_line_id): row for row in productive}
    spans: list[TimeSpan] = []
    used_productive = set()
    for (agent_id, day), day_shifts in by_agent_day.items():
        booked = [
            int((shift.ends_at - shift.starts_at).total_seconds() // 60) for shift in day_shifts
        ]
        first = day_shifts[0]
        day_total = max(first.day_scheduled_minutes, sum(booked))
        worked = apportion(_share(first.day_worked_minutes or 0, sum(booked), day_total), booked)
        in_state = apportion(
            _share(first.day_in_state_minutes or 0, sum(booked), day_total), booked
        )
        productive_parts: dict[int, int] = {}
        for line_id in {shift.service_line_id for shift in day_shifts}:
            if line_id is None:
                continue
            row = productive_by_key.get((agent_id, day, line_id))
            if row is None:
                continue
            used_productive.add((agent_id, day, line_id))
            indexes = [i for i, shift in enumerate(day_shifts) if shift.service_line_id == line_id]
            for index, minutes in zip(
                indexes, apportion(row.minutes, [booked[i] for i in indexes]), strict=True
            ):
                productive_parts[index] = minutes
        for index, shift in enumerate(day_shifts):
            reference: dict[str, object] = {"booking": shift.booking_id}
            if shift.worked_day_id:
                reference["worked_day"] = shift.worked_day_id
            spans.append(
                TimeSpan(
                    agent_id=agent_id,
                    agent_name=shift.agent_name,
                    day=day,
                    service_line_id=shift.service_line_id,
                    scheduled_minutes=booked[index],
                    worked_minutes=worked[index],
                    productive_minutes=productive_parts.get(index, 0),
                    in_state_minutes=in_state[index],
                    starts_at=shift.starts_at,
                    ends_at=shift.ends_at,
                    roles=shift.agent_skills,
                    reference=reference,
                )
            )
    for key, row in productive_by_key.items():
        if key in used_productive:
            continue
        spans.append(
            TimeSpan(
                agent_id=row.agent_id,
                agent_name=row.agent_name,
                day=row.day,
                service_line_id=row.service_line_id,
                scheduled_minutes=0,
                productive_minutes=row.minutes,
                reference={"productive_time": row.row_id},
            )
        )
    return spans


def _contacts(*, client, first_day: date, last_day: date) -> list[ContactDay]:
    return [
        ContactDay(
            service_line_id=row["service_line_id"],
            day=row["day"],
            contacts=int(row["contacts"] or 0),
            handled_seconds=int(row["handled_seconds"] or 0),
            reference={"intervals": row["intervals"]},
        )
        for row in handled_contacts_by_day(
            first_day=first_day, last_day=last_day, time_zone=client.time_zone
        )
    ]


def weeks_of_period(first_day: date, last_day: date) -> list[IsoWeek]:
    """The ISO weeks whose Thursday lies in the period (the engine's rule)."""
    weeks = []
    thursday = first_day + timedelta(days=(3 - first_day.weekday()) % 7)
    while thursday <= last_day:
        weeks.append(IsoWeek.of(thursday))
        thursday += timedelta(days=7)
    return weeks


def _sla_weeks(*, client, first_day: date, last_day: date) -> list[SlaWeek]:
    weeks = []
    for week in weeks_of_period(first_day, last_day):
        figures = list_week_figures(client=client, week=week)
        for line in figures.lines:
            target = line.targets.service_level_percent
            if target is None:
                continue
            met, counted = kpi.service_level_terms(line.week.totals, line.convention)
            weeks.append(
                SlaWeek(
                    service_line_id=line.service_line.pk,
                    week=str(week),
                    met=met,
                    counted=counted,
                    target_percent=Decimal(target),
                    threshold_seconds=line.targets.service_level_seconds,
                )
            )
    return weeks


def gather_usage(*, client, period_start: date, period_end: date) -> MonthUsage:
    """The client's usage of the period, from the roster, the statistics and the SLA
    figures (a fixed number of queries per week of the period)."""
    zone = ZoneInfo(client.time_zone)
    live_from = client.live_at.astimezone(zone).date() if client.live_at else None
    live_until = client.offboarded_at.astimezone(zone).date() if client.offboarded_at else None
    return MonthUsage(
        period_start=period_start,
        period_end=period_end,
        spans=tuple(_spans(client=client, first_day=period_start, last_day=period_end)),
        contacts=tuple(_contacts(client=client, first_day=period_start, last_day=period_end)),
        sla_weeks=tuple(_sla_weeks(client=client, first_day=period_start, last_day=period_end)),
        service_line_names=dict(ServiceLine.objects.values_list("id", "name")),
        live_from=live_from,
        live_until=live_until,
    )


def current_client():
    return getattr(connection, "tenant", None)


# --- a projected month: the quote simulator's usage ---------------------------------------------

PROJECTION_AGENT = "Projected staffing"

PROJECTION_ASSUMPTIONS = (
    "Hourly rates bill FTE x the contract's hours per FTE month as scheduled and worked "
    "hours (every scheduled hour worked); productive-hour rates bill the agent-hours on the "
    "line (the requirement before shrinkage) at the same rate.",
    "Per-FTE and per-seat rates of a line bill the line's FTE as the month's count (one seat "
    "per FTE); a rate for every line bills the FTE of the lines without their own.",
    "Per-contact and per-minute rates, overtime, night and holiday extras and SLA credits are "
    "left out: they depend on the contacts handled and the shifts a plan books, not on the "
    "target. Role rates apply only to booked agents with the skill, so they are left out too.",
    "The minimum monthly commitment, one-off fees due in the month and the committed FTE of "
    "the whole month apply as the contract states them; the client is taken as live the whole "
    "month, and only the lines given are staffed.",
)


def projected_terms(terms: ContractTerms, *, fte_by_line: dict[int, Decimal]) -> ContractTerms:
    """``terms`` with what a projection cannot know left out (see ``PROJECTION_ASSUMPTIONS``)
    and each per-FTE or per-seat rate's count set to the projected FTE."""
    from dataclasses import replace

    month_rates = [rate for rate in terms.rates if rate.basis in MONTH_BASES]
    rates: list[RateTerm] = []
    for rate in terms.rates:
        if rate.role or rate.basis in CONTACT_BASES:
            continue
        if rate.basis in MONTH_BASES:
            if rate.service_line_id is None:
                own = {
                    other.service_line_id
                    for other in month_rates
                    if other.basis == rate.basis and other.service_line_id is not None
                }
                fte = sum(
                    (value for line, value in fte_by_line.items() if line not in own), Decimal(0)
                )
            elif rate.service_line_id in fte_by_line:
                fte = fte_by_line[rate.service_line_id]
            else:
                continue
            rates.append(replace(rate, quantity=fte))
            continue
        rates.append(rate)
    return replace(
        terms,
        rates=tuple(rates),
        multipliers=(),
        sla_credits=(),
        committed_fte=tuple(
            commitment
            for commitment in terms.committed_fte
            if not commitment.weekdays and commitment.window_starts is None
        ),
    )


def projected_usage(
    *,
    period_start: date,
    period_end: date,
    hours_per_fte_month: Decimal,
    fte_by_line: dict[int, Decimal],
    productive_fte_by_line: dict[int, Decimal],
) -> MonthUsage:
    """Per line, FTE x hours per FTE month as scheduled, worked and in-state minutes (the
    productive FTE's hours as productive minutes), spread evenly over the days of the period so
    a version starting mid-month bills its own days."""
    days = [period_start + timedelta(days=n) for n in range((period_end - period_start).days + 1)]
    spans = []
    for line_id, fte in sorted(fte_by_line.items()):
        productive = productive_fte_by_line.get(line_id, fte)
        scheduled = apportion(whole_minutes(fte * hours_per_fte_month), [1] * len(days))
        productive_minutes = apportion(
            whole_minutes(productive * hours_per_fte_month), [1] * len(days)
        )
        for day, minutes, productive_part in zip(days, scheduled, productive_minutes, strict=True):
            if not minutes and not productive_part:
                continue
            spans.append(
                TimeSpan(
                    agent_id=0,
                    agent_name=PROJECTION_AGENT,
                    day=day,
                    service_line_id=line_id,
                    scheduled_minutes=minutes,
                    worked_minutes=minutes,
                    productive_minutes=productive_part,
                    in_state_minutes=minutes,
                    reference={"projection": True},
                )
            )
    return MonthUsage(
        period_start=period_start,
        period_end=period_end,
        spans=tuple(spans),
        service_line_names=dict(ServiceLine.objects.values_list("id", "name")),
    )
