"""Rating: a contract version's terms and a month of usage become the invoice's lines, each
with the evidence behind it (plain Python, no Django; amounts rounded by ``billing.money``).

The rules, in the order the lines appear (docs/billing.md has a worked example):

- **Hours**: every booked span of an agent is billed under the most specific hour rate of
  the card (line and role, then line, then role, then every line), at that rate's basis
  (scheduled, worked or productive minutes). One line per rate and service line; quantity
  = minutes / 60 to four places; amount = quantity x unit price, rounded once per line.
- **Multipliers**: each overtime, night or holiday rule bills the *extra* (factor - 1) of the
  hours it selects as its own MULTIPLIER line, at the rate the hours were billed at. Rules add
  up (a night hour on a holiday earns both extras). Minutes known only as day totals are
  split by the share of the span's clock time the rule selects. Overtime counts one agent's
  minutes on this client in order through the local day (or ISO week) past the threshold.
- **Seats and FTE per month**: quantity = count x the days the client was live in the part
  / the days of the period (live from the 10th of a 30-day month: 21/30).
- **Contacts** handled and **minutes** handled per line; **one-off fees** in the period that
  holds their day.
- **Committed FTE**: delivered = scheduled x adherence (the minutes in the scheduled state),
  as FTE (hours / hours per FTE month, or share of a window's open time); the contract's
  true-up rule reports, bills or credits the shortfall.
- **Minimum monthly commitment** (prorated by the part's days): when the usage lines fall
  short, a TRUE_UP line bills the difference. Fees and SLA lines do not count towards it.
- **SLA credits and bonuses**: an ISO week belongs to the month that holds its Thursday. Each
  week with contacts earns (points below target // points per step) x the step's percent,
  at most the cap; the month's percent is the mean of its weeks', at most the cap, of the
  line's fees in the part (hours, multipliers, seats and contacts of that line).

A month under two contract versions is split by day (``rate_period``): each part is rated
under its version, spans and contacts by their day, SLA weeks by their Thursday.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from billing.lines import EvidenceRow, InvoiceDraftData, LineDraft, LineKind, TaxCategory
from billing.money import minor_units, percent_of, round_money, round_quantity, round_rate
from billing.rating.calendar import public_holidays
from billing.rating.clock import (
    seconds_between,
    seconds_in_daily_window,
    seconds_on_days,
    window_seconds_in_days,
)
from billing.rating.terms import (
    BASIS_WORDS,
    CONTACT_BASES,
    HOUR_BASES,
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

WEEK_RULE = "An ISO week is billed in the month that holds its Thursday."
USAGE_KINDS = frozenset({LineKind.HOURS, LineKind.SEATS, LineKind.CONTACTS, LineKind.MULTIPLIER})
HOUR_SOURCE = {
    Basis.SCHEDULED_HOUR: "scheduled_day",
    Basis.WORKED_HOUR: "worked_day",
    Basis.PRODUCTIVE_HOUR: "productive_day",
}


class RatingError(ValueError):
    """Terms and usage that cannot be rated (parts that do not cover the period...)."""


@dataclass(frozen=True, slots=True)
class VersionPart:
    """The days from ``first_day`` to ``last_day`` (inclusive) billed under ``terms``."""

    terms: ContractTerms
    first_day: date
    last_day: date

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def holds(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


def number(value: Decimal) -> str:
    """A decimal as people write it: 1.25, 8, 0.5."""
    text = format(value.normalize(), "f")
    return text


def week_thursday(week: str) -> date:
    year, number_part = week.split("-W")
    return date.fromisocalendar(int(year), int(number_part), 4)


# --- entry points ------------------------------------------------------------------------------


def rate_month(
    terms: ContractTerms, usage: MonthUsage, holidays: Mapping[date, str] | None = None
) -> InvoiceDraftData:
    """The period of ``usage`` under one contract version. ``holidays`` are the public
    holidays the holiday rule uses (None: the client's country's, from the holidays library)."""
    return rate_period(
        [VersionPart(terms, usage.period_start, usage.period_end)], usage, holidays=holidays
    )


def rate_period(
    parts: Sequence[VersionPart], usage: MonthUsage, holidays: Mapping[date, str] | None = None
) -> InvoiceDraftData:
    """The period of ``usage`` split into ``parts`` (consecutive, covering it exactly), each
    rated under its own version; one invoice in the currency they share."""
    _check_parts(parts, usage)
    period_days = (usage.period_end - usage.period_start).days + 1
    lines: list[LineDraft] = []
    for part, part_usage in zip(parts, split_usage(parts, usage), strict=True):
        calendar = (
            holidays
            if holidays is not None
            else _holidays_of(part.terms, part.first_day, part.last_day)
        )
        lines.extend(_rate_part(part, part_usage, period_days, calendar))
    last = parts[-1].terms
    notes = [WEEK_RULE] if any(p.terms.sla_credits for p in parts) else []
    notes.extend(_fte_notes(lines))
    return InvoiceDraftData(
        period_start=usage.period_start,
        period_end=usage.period_end,
        currency=last.currency.upper(),
        contract_version_id=last.version_id,
        lines=tuple(lines),
        tax_per_invoice=last.tax_per_invoice,
        reverse_charge=last.reverse_charge,
        payment_terms_days=last.payment_terms_days,
        buyer_reference=last.buyer_reference,
        language=last.language,
        notes=tuple(notes),
        contract_version_ids=tuple(dict.fromkeys(part.terms.version_id for part in parts)),
    )


def _check_parts(parts: Sequence[VersionPart], usage: MonthUsage) -> None:
    if not parts:
        raise RatingError("No contract version is in force in the period.")
    if parts[0].first_day != usage.period_start or parts[-1].last_day != usage.period_end:
        raise RatingError("The contract versions must cover the period exactly.")
    for before, after in itertools.pairwise(parts):
        if after.first_day != before.last_day + timedelta(days=1):
            raise RatingError("The contract versions' parts must follow each other day by day.")
    currencies = {part.terms.currency.upper() for part in parts}
    if len(currencies) > 1:
        raise RatingError(
            "A month cannot be billed in two currencies: "
            + ", ".join(sorted(currencies))
            + ". Start the new currency's version on the first of a month."
        )
    for part in parts:
        minor_units(part.terms.currency)


def split_usage(parts: Sequence[VersionPart], usage: MonthUsage) -> list[MonthUsage]:
    """``usage`` cut into the parts: spans and contacts by their day, SLA weeks by their
    Thursday (weeks whose Thursday is outside the period belong to no part)."""
    result = []
    for part in parts:
        result.append(
            replace(
                usage,
                period_start=part.first_day,
                period_end=part.last_day,
                spans=tuple(span for span in usage.spans if part.holds(span.day)),
                contacts=tuple(day for day in usage.contacts if part.holds(day.day)),
                sla_weeks=tuple(
                    week for week in usage.sla_weeks if part.holds(week_thursday(week.week))
                ),
            )
        )
    return result


def _holidays_of(terms: ContractTerms, first: date, last: date) -> dict[date, str]:
    rules = [rule for rule in terms.multipliers if rule.kind == MultiplierKind.HOLIDAY]
    if not rules or not terms.country:
        return {}
    years = range(first.year - 1, last.year + 2)
    return public_holidays(terms.country, years, rules[0].subdivision)


# --- one part ----------------------------------------------------------------------------------


class _Part:
    def __init__(
        self,
        part: VersionPart,
        usage: MonthUsage,
        period_days: int,
        holidays: Mapping[date, str],
    ) -> None:
        self.part = part
        self.terms = part.terms
        self.usage = usage
        self.period_days = period_days
        self.holidays = holidays
        self.currency = part.terms.currency.upper()
        self.zone = ZoneInfo(part.terms.time_zone)

    # shared pieces

    def reference(self, **ids: object) -> dict[str, object]:
        return {"contract_version": self.terms.version_id, **ids}

    def tax(self, override: Decimal | None) -> tuple[TaxCategory, Decimal]:
        if self.terms.reverse_charge:
            return TaxCategory.REVERSE_CHARGE, Decimal(0)
        rate = self.terms.default_tax_rate if override is None else override
        return (TaxCategory.ZERO if rate == 0 else TaxCategory.STANDARD), rate

    def line_name(self, line_id: int | None, fallback: str = "") -> str:
        if line_id is None:
            return fallback or "All lines"
        return self.usage.service_line_names.get(line_id) or fallback or f"Line {line_id}"

    def line(
        self,
        *,
        kind: LineKind,
        description: str,
        quantity: Decimal,
        unit: str,
        unit_price: Decimal,
        tax_override: Decimal | None,
        service_line_id: int | None,
        rate_line_id: int | None = None,
        rule: str = "",
        evidence: Iterable[EvidenceRow] = (),
    ) -> LineDraft:
        category, rate = self.tax(tax_override)
        return LineDraft(
            kind=kind,
            description=description,
            quantity=quantity,
            unit=unit,
            unit_price=unit_price,
            amount=round_money(quantity * unit_price, self.currency),
            tax_category=category,
            tax_rate=rate,
            service_line_id=service_line_id,
            service_line_name=self.line_name(service_line_id) if service_line_id else "",
            rate_line_id=rate_line_id,
            rule=rule,
            evidence=tuple(evidence),
            contract_version_id=self.terms.version_id,
        )

    # hours

    def hour_rates_for(self, span: TimeSpan) -> list[RateTerm]:
        """The most specific hour rates of the card for ``span`` (several when tied)."""
        best: list[RateTerm] = []
        best_score = -1
        for rate in self.terms.rates:
            if rate.basis not in HOUR_BASES:
                continue
            if rate.service_line_id is not None and rate.service_line_id != span.service_line_id:
                continue
            if rate.role and rate.role.casefold() not in {r.casefold() for r in span.roles}:
                continue
            score = (2 if rate.service_line_id is not None else 0) + (1 if rate.role else 0)
            if score > best_score:
                best, best_score = [rate], score
            elif score == best_score:
                best.append(rate)
        return best

    def assignments(self) -> list[tuple[TimeSpan, RateTerm]]:
        return [
            (span, rate)
            for span in sorted(self.usage.spans, key=_span_order)
            for rate in self.hour_rates_for(span)
        ]

    def hour_lines(self, assigned: list[tuple[TimeSpan, RateTerm]]) -> list[LineDraft]:
        groups: dict[tuple[int, int | None], list[TimeSpan]] = defaultdict(list)
        rates: dict[int, RateTerm] = {}
        for span, rate in assigned:
            if span.minutes(rate.basis):
                groups[(rate.id, span.service_line_id)].append(span)
                rates[rate.id] = rate
        lines = []
        for (rate_id, line_id), spans in groups.items():
            rate = rates[rate_id]
            minutes = sum(span.minutes(rate.basis) for span in spans)
            words = BASIS_WORDS[rate.basis].capitalize() + "s"
            role = f" ({rate.role})" if rate.role else ""
            lines.append(
                self.line(
                    kind=LineKind.HOURS,
                    description=rate.description or f"{words}{role}, {self.line_name(line_id)}",
                    quantity=round_quantity(Decimal(minutes) / 60),
                    unit="HUR",
                    unit_price=rate.unit_price,
                    tax_override=rate.tax_rate,
                    service_line_id=line_id,
                    rate_line_id=rate.id,
                    evidence=[
                        EvidenceRow(
                            source=HOUR_SOURCE[rate.basis],
                            quantity=Decimal(span.minutes(rate.basis)),
                            unit="MIN",
                            day=span.day,
                            agent_id=span.agent_id,
                            agent_name=span.agent_name,
                            service_line_id=span.service_line_id,
                            detail=_span_words(span, self.zone),
                            reference=self.reference(rate_line=rate.id, **span.reference),
                        )
                        for span in spans
                    ],
                )
            )
        return sorted(lines, key=_line_order)

    # multipliers

    def multiplier_lines(self, assigned: list[tuple[TimeSpan, RateTerm]]) -> list[LineDraft]:
        lines = []
        for rule in self.terms.multipliers:
            extra = self.extra_minutes(rule, assigned)
            groups: dict[tuple[int, int | None], list[tuple[TimeSpan, Decimal]]] = defaultdict(list)
            rates: dict[int, RateTerm] = {}
            for (span, rate), minutes in extra:
                if minutes > 0:
                    groups[(rate.id, span.service_line_id)].append((span, minutes))
                    rates[rate.id] = rate
            words = _rule_words(rule, self.terms)
            for (rate_id, line_id), rows in groups.items():
                rate = rates[rate_id]
                total = sum((minutes for _, minutes in rows), Decimal(0))
                lines.append(
                    self.line(
                        kind=LineKind.MULTIPLIER,
                        description=f"{words}: extra on {BASIS_WORDS[rate.basis]}s, "
                        f"{self.line_name(line_id)}",
                        quantity=round_quantity(total / 60),
                        unit="HUR",
                        unit_price=round_rate(rate.unit_price * (rule.factor - 1)),
                        tax_override=rate.tax_rate,
                        service_line_id=line_id,
                        rate_line_id=rate.id,
                        rule=words,
                        evidence=[
                            EvidenceRow(
                                source="multiplier_rule",
                                quantity=round_quantity(minutes),
                                unit="MIN",
                                day=span.day,
                                agent_id=span.agent_id,
                                agent_name=span.agent_name,
                                service_line_id=span.service_line_id,
                                detail=f"{words}; {_span_words(span, self.zone)}",
                                reference=self.reference(
                                    rate_line=rate.id, multiplier_rule=rule.id, **span.reference
                                ),
                            )
                            for span, minutes in rows
                        ],
                    )
                )
        return sorted(lines, key=_line_order)

    def extra_minutes(
        self, rule: MultiplierTerm, assigned: list[tuple[TimeSpan, RateTerm]]
    ) -> list[tuple[tuple[TimeSpan, RateTerm], Decimal]]:
        """The minutes of each (span, rate) the rule selects."""
        if rule.kind in (MultiplierKind.OVERTIME_DAY, MultiplierKind.OVERTIME_WEEK):
            return self.overtime_minutes(rule, assigned)
        result = []
        for span, rate in assigned:
            minutes = Decimal(span.minutes(rate.basis))
            share = self.clock_share(rule, span)
            result.append(((span, rate), minutes * share))
        return result

    def clock_share(self, rule: MultiplierTerm, span: TimeSpan) -> Decimal:
        if span.starts_at is None or span.ends_at is None:
            if rule.kind == MultiplierKind.HOLIDAY:
                return Decimal(1) if span.day in self.holidays else Decimal(0)
            return Decimal(0)
        length = seconds_between(span.starts_at, span.ends_at)
        if not length:
            return Decimal(0)
        if rule.kind == MultiplierKind.NIGHT:
            if rule.night_starts is None or rule.night_ends is None:
                return Decimal(0)
            inside = seconds_in_daily_window(
                span.starts_at, span.ends_at, rule.night_starts, rule.night_ends, self.zone
            )
        else:
            inside = seconds_on_days(span.starts_at, span.ends_at, self.holidays, self.zone)
        return Decimal(inside) / Decimal(length)

    def overtime_minutes(
        self, rule: MultiplierTerm, assigned: list[tuple[TimeSpan, RateTerm]]
    ) -> list[tuple[tuple[TimeSpan, RateTerm], Decimal]]:
        threshold = (rule.threshold_hours or Decimal(0)) * 60
        by_week = rule.kind == MultiplierKind.OVERTIME_WEEK
        counted: dict[tuple, Decimal] = defaultdict(Decimal)
        result = []
        for span, rate in assigned:  # in time order
            period = tuple(span.day.isocalendar()[:2]) if by_week else (span.day,)
            key = (span.agent_id, rate.basis, *period)
            before = counted[key]
            after = before + span.minutes(rate.basis)
            counted[key] = after
            over = max(Decimal(0), after - threshold) - max(Decimal(0), before - threshold)
            result.append(((span, rate), over))
        return result

    # seats, contacts, fees

    def live_days(self) -> int:
        first = max(self.part.first_day, self.usage.live_from or self.part.first_day)
        last = min(self.part.last_day, self.usage.live_until or self.part.last_day)
        return max(0, (last - first).days + 1)

    def seat_lines(self) -> list[LineDraft]:
        live = self.live_days()
        lines = []
        for rate in self.terms.rates:
            if rate.basis not in MONTH_BASES or live == 0:
                continue
            fraction = Decimal(live) / Decimal(self.period_days)
            words = "FTE" if rate.basis == Basis.FTE_MONTH else "Seats"
            days = "" if live == self.period_days else f", {live}/{self.period_days} days"
            lines.append(
                self.line(
                    kind=LineKind.SEATS,
                    description=rate.description
                    or f"{words} per month{days}, {self.line_name(rate.service_line_id)}",
                    quantity=round_quantity(rate.quantity * fraction),
                    unit="MON",
                    unit_price=rate.unit_price,
                    tax_override=rate.tax_rate,
                    service_line_id=rate.service_line_id,
                    rate_line_id=rate.id,
                    evidence=[
                        EvidenceRow(
                            source="seat_days",
                            quantity=Decimal(live),
                            unit="DAY",
                            service_line_id=rate.service_line_id,
                            detail=f"{number(rate.quantity)} {words.lower()} x {live} of "
                            f"{self.period_days} days live",
                            reference=self.reference(rate_line=rate.id),
                        )
                    ],
                )
            )
        return lines

    def contact_lines(self) -> list[LineDraft]:
        lines = []
        for basis in (Basis.CONTACT, Basis.HANDLED_MINUTE):
            rates = [rate for rate in self.terms.rates if rate.basis == basis]
            if not rates:
                continue
            specific = {rate.service_line_id: rate for rate in rates if rate.service_line_id}
            general = next((rate for rate in rates if rate.service_line_id is None), None)
            groups: dict[tuple[int, int], list[ContactDay]] = defaultdict(list)
            by_id = {rate.id: rate for rate in rates}
            for day in sorted(self.usage.contacts, key=lambda d: (d.service_line_id, d.day)):
                rate = specific.get(day.service_line_id, general)
                if rate is not None:
                    groups[(rate.id, day.service_line_id)].append(day)
            for (rate_id, line_id), days in groups.items():
                rate = by_id[rate_id]
                if basis == Basis.CONTACT:
                    quantity = Decimal(sum(day.contacts for day in days))
                    unit, words = "C62", "Contacts handled"
                else:
                    quantity = round_quantity(Decimal(sum(d.handled_seconds for d in days)) / 60)
                    unit, words = "MIN", "Minutes handled"
                if not quantity:
                    continue
                lines.append(
                    self.line(
                        kind=LineKind.CONTACTS,
                        description=rate.description or f"{words}, {self.line_name(line_id)}",
                        quantity=quantity,
                        unit=unit,
                        unit_price=rate.unit_price,
                        tax_override=rate.tax_rate,
                        service_line_id=line_id,
                        rate_line_id=rate.id,
                        evidence=[
                            EvidenceRow(
                                source="contacts_day",
                                quantity=Decimal(day.contacts)
                                if basis == Basis.CONTACT
                                else round_quantity(Decimal(day.handled_seconds) / 60),
                                unit=unit,
                                day=day.day,
                                service_line_id=line_id,
                                detail=f"{day.contacts} contacts, "
                                f"{number(round_quantity(Decimal(day.handled_seconds) / 60))} "
                                "minutes handled",
                                reference=self.reference(rate_line=rate.id, **day.reference),
                            )
                            for day in days
                        ],
                    )
                )
        return sorted(lines, key=_line_order)

    def fee_lines(self) -> list[LineDraft]:
        lines = []
        for rate in self.terms.rates:
            if rate.basis != Basis.ONE_OFF_FEE:
                continue
            due = rate.bill_on or self.terms.effective_from
            if not self.part.holds(due):
                continue
            lines.append(
                self.line(
                    kind=LineKind.FEE,
                    description=rate.description or "One-off fee",
                    quantity=rate.quantity,
                    unit="C62",
                    unit_price=rate.unit_price,
                    tax_override=rate.tax_rate,
                    service_line_id=rate.service_line_id,
                    rate_line_id=rate.id,
                    evidence=[
                        EvidenceRow(
                            source="contract_rate",
                            quantity=rate.quantity,
                            unit="C62",
                            day=due,
                            detail=f"One-off fee due on {due.isoformat()}",
                            reference=self.reference(rate_line=rate.id),
                        )
                    ],
                )
            )
        return lines

    # committed FTE

    def fte_price(self, line_id: int | None) -> tuple[Decimal, RateTerm] | None:
        def matches(rate: RateTerm) -> bool:
            return rate.service_line_id in (line_id, None)

        candidates = sorted(
            (rate for rate in self.terms.rates if matches(rate)),
            key=lambda rate: rate.service_line_id is None,
        )
        for rate in candidates:
            if rate.basis == Basis.FTE_MONTH:
                return rate.unit_price, rate
        for rate in candidates:
            if rate.basis in HOUR_BASES:
                return round_rate(rate.unit_price * self.terms.hours_per_fte_month), rate
        return None

    def delivered(self, commitment: CommittedFteTerm) -> tuple[Decimal, list[EvidenceRow]]:
        windowed = bool(commitment.weekdays) or commitment.window_starts is not None
        starts = commitment.window_starts or time(0)
        ends = commitment.window_ends or time(0)
        weekdays = set(commitment.weekdays) or None
        minutes_total = Decimal(0)
        evidence = []
        for span in sorted(self.usage.spans, key=_span_order):
            if commitment.service_line_id not in (None, span.service_line_id):
                continue
            minutes = Decimal(span.in_state_minutes)
            if windowed:
                if span.starts_at is None or span.ends_at is None:
                    continue
                length = seconds_between(span.starts_at, span.ends_at)
                inside = seconds_in_daily_window(
                    span.starts_at,
                    span.ends_at,
                    starts,
                    ends,
                    self.zone,
                    on_day=lambda day: weekdays is None or day.weekday() in weekdays,
                )
                minutes = minutes * inside / length if length else Decimal(0)
            if minutes <= 0:
                continue
            minutes_total += minutes
            evidence.append(
                EvidenceRow(
                    source="delivered_day",
                    quantity=round_quantity(minutes),
                    unit="MIN",
                    day=span.day,
                    agent_id=span.agent_id,
                    agent_name=span.agent_name,
                    service_line_id=span.service_line_id,
                    detail=f"{span.in_state_minutes} of {span.scheduled_minutes} scheduled "
                    "minutes in the scheduled state",
                    reference=self.reference(committed_fte=commitment.id, **span.reference),
                )
            )
        if windowed:
            open_seconds = window_seconds_in_days(
                self.part.first_day, self.part.last_day, starts, ends, self.zone, weekdays
            )
            fte = minutes_total * 60 / open_seconds if open_seconds else Decimal(0)
        else:
            hours = self.terms.hours_per_fte_month * self.part.days / self.period_days
            fte = minutes_total / 60 / hours if hours else Decimal(0)
        return round_quantity(fte), evidence

    def committed_fte_lines(self) -> list[LineDraft]:
        lines = []
        rule = self.terms.fte_true_up_rule
        for commitment in self.terms.committed_fte:
            delivered, evidence = self.delivered(commitment)
            shortfall = commitment.fte - delivered
            line_name = self.line_name(commitment.service_line_id, commitment.service_line_name)
            window = _window_words(commitment)
            words = (
                f"Committed {number(commitment.fte)} FTE{window}, delivered {number(delivered)} "
                f"FTE, {line_name}"
            )
            committed_row = EvidenceRow(
                source="committed_fte",
                quantity=commitment.fte,
                unit="FTE",
                service_line_id=commitment.service_line_id,
                detail=words,
                reference=self.reference(committed_fte=commitment.id),
            )
            price = self.fte_price(commitment.service_line_id)
            if rule == TrueUpRule.REPORT_ONLY or shortfall <= 0 or price is None:
                lines.append(
                    self.line(
                        kind=LineKind.TRUE_UP,
                        description=words,
                        quantity=Decimal(0),
                        unit="MON",
                        unit_price=Decimal(0),
                        tax_override=None,
                        service_line_id=commitment.service_line_id,
                        rule=_true_up_words(rule, shortfall, price is not None),
                        evidence=[committed_row, *evidence],
                    )
                )
                continue
            unit_price, rate = price
            sign = Decimal(1) if rule == TrueUpRule.BILL_SHORTFALL else Decimal(-1)
            lines.append(
                self.line(
                    kind=LineKind.TRUE_UP,
                    description=words,
                    quantity=round_quantity(shortfall * self.part.days / self.period_days),
                    unit="MON",
                    unit_price=sign * unit_price,
                    tax_override=rate.tax_rate,
                    service_line_id=commitment.service_line_id,
                    rate_line_id=rate.id,
                    rule=_true_up_words(rule, shortfall, True),
                    evidence=[committed_row, *evidence],
                )
            )
        return lines

    # minimum commitment

    def minimum_line(self, lines: Sequence[LineDraft]) -> list[LineDraft]:
        minimum = self.terms.minimum_monthly_amount
        if not minimum:
            return []
        due = round_money(minimum * self.part.days / self.period_days, self.currency)
        used = sum(
            (
                line.amount
                for line in lines
                if line.kind in USAGE_KINDS or (line.kind == LineKind.TRUE_UP and line.amount)
            ),
            Decimal(0),
        )
        if used >= due:
            return []
        prorated = (
            ""
            if self.part.days == self.period_days
            else (f" ({self.part.days}/{self.period_days} days)")
        )
        words = f"Minimum monthly commitment {number(minimum)} {self.currency}{prorated}"
        return [
            self.line(
                kind=LineKind.TRUE_UP,
                description=f"{words}: usage came to {used}",
                quantity=Decimal(1),
                unit="C62",
                unit_price=due - used,
                tax_override=None,
                service_line_id=None,
                rule=words,
                evidence=[
                    EvidenceRow(
                        source="contract_rate",
                        quantity=due,
                        unit=self.currency,
                        detail=f"{words}; usage lines {used}",
                        reference=self.reference(minimum_monthly_amount=str(minimum)),
                    )
                ],
            )
        ]

    # SLA

    def sla_lines(self, lines: Sequence[LineDraft]) -> list[LineDraft]:
        result = []
        for rule in self.terms.sla_credits:
            weeks = sorted(
                (
                    week
                    for week in self.usage.sla_weeks
                    if week.service_line_id == rule.service_line_id
                    and week.service_level_percent is not None
                ),
                key=lambda week: week.week,
            )
            if not weeks:
                continue
            fees_lines = [
                line
                for line in lines
                if line.kind in USAGE_KINDS and line.service_line_id == rule.service_line_id
            ]
            fees = sum((line.amount for line in fees_lines), Decimal(0))
            taxes = {(line.tax_category, line.tax_rate) for line in fees_lines}
            tax_override = next(iter(taxes))[1] if len(taxes) == 1 else None
            line_name = self.line_name(rule.service_line_id, rule.service_line_name)
            for kind in (LineKind.SLA_CREDIT, LineKind.SLA_BONUS):
                percents = [(week, week_percent(rule, week, kind)) for week in weeks]
                cap = rule.cap_percent if kind == LineKind.SLA_CREDIT else rule.bonus_cap_percent
                if cap is None or not any(percent for _, percent in percents):
                    continue
                month_percent = min(cap, sum((p for _, p in percents), Decimal(0)) / len(percents))
                amount = percent_of(fees, month_percent, self.currency)
                if not amount:
                    continue
                words = _sla_words(rule, kind)
                sign = Decimal(-1) if kind == LineKind.SLA_CREDIT else Decimal(1)
                result.append(
                    self.line(
                        kind=kind,
                        description=f"{'SLA credit' if sign < 0 else 'SLA bonus'} "
                        f"{number(round_quantity(month_percent))} % of {fees} "
                        f"{self.currency}, {line_name}",
                        quantity=Decimal(1),
                        unit="C62",
                        unit_price=sign * amount,
                        tax_override=tax_override,
                        service_line_id=rule.service_line_id,
                        rule=words,
                        evidence=[
                            EvidenceRow(
                                source="sla_week",
                                quantity=round_quantity(percent),
                                unit="P1",
                                week=week.week,
                                service_line_id=week.service_line_id,
                                detail=f"Service level "
                                f"{number(round_quantity(week.service_level_percent or Decimal(0)))} % "
                                f"({week.met} of {week.counted}) against "
                                f"{number(week.target_percent)} % target: "
                                f"{number(round_quantity(percent))} %",
                                reference=self.reference(
                                    sla_rule=rule.id, met=week.met, counted=week.counted
                                ),
                            )
                            for week, percent in percents
                        ],
                    )
                )
        return result

    def rate(self) -> list[LineDraft]:
        assigned = self.assignments()
        usage_lines = [
            *self.hour_lines(assigned),
            *self.multiplier_lines(assigned),
            *self.seat_lines(),
            *self.contact_lines(),
        ]
        fees = self.fee_lines()
        fte = self.committed_fte_lines()
        minimum = self.minimum_line([*usage_lines, *fte])
        sla = self.sla_lines(usage_lines)
        return [*usage_lines, *fees, *fte, *minimum, *sla]


def _rate_part(
    part: VersionPart, usage: MonthUsage, period_days: int, holidays: Mapping[date, str]
) -> list[LineDraft]:
    return _Part(part, usage, period_days, holidays).rate()


def week_percent(rule: SlaCreditTerm, week: SlaWeek, kind: LineKind) -> Decimal:
    """The week's credit (or bonus) percent: whole steps of points off the target, capped."""
    level = week.service_level_percent
    if level is None:
        return Decimal(0)
    if kind == LineKind.SLA_CREDIT:
        gap, step, per_step, cap = (
            week.target_percent - level,
            rule.points_per_step,
            rule.credit_percent_per_step,
            rule.cap_percent,
        )
    else:
        if rule.bonus_points_per_step is None or rule.bonus_percent_per_step is None:
            return Decimal(0)
        gap, step, per_step, cap = (
            level - week.target_percent,
            rule.bonus_points_per_step,
            rule.bonus_percent_per_step,
            rule.bonus_cap_percent or Decimal(0),
        )
    if gap <= 0 or step <= 0:
        return Decimal(0)
    steps = (gap / step).to_integral_value(rounding="ROUND_FLOOR")
    return min(cap, steps * per_step)


# --- words -------------------------------------------------------------------------------------


def _span_order(span: TimeSpan) -> tuple:
    start = span.starts_at or datetime.combine(span.day, time(0))
    return (span.agent_id, span.day, start.timestamp(), span.service_line_id or 0)


def _line_order(line: LineDraft) -> tuple:
    return (line.service_line_name, line.rate_line_id or 0, line.description)


def _span_words(span: TimeSpan, zone: ZoneInfo) -> str:
    if span.starts_at is None or span.ends_at is None:
        return f"{span.day.isoformat()}, day total"
    start, end = span.starts_at.astimezone(zone), span.ends_at.astimezone(zone)
    return f"Shift {start:%Y-%m-%d %H:%M}-{end:%H:%M}"


def _rule_words(rule: MultiplierTerm, terms: ContractTerms) -> str:
    factor = f"x {number(rule.factor)}"
    if rule.kind == MultiplierKind.NIGHT:
        return f"Night {rule.night_starts:%H:%M}-{rule.night_ends:%H:%M} {factor}"
    if rule.kind == MultiplierKind.HOLIDAY:
        region = f"-{rule.subdivision}" if rule.subdivision else ""
        return f"Public holidays ({terms.country}{region}) {factor}"
    period = "a day" if rule.kind == MultiplierKind.OVERTIME_DAY else "a week"
    return f"Overtime over {number(rule.threshold_hours or Decimal(0))} h {period} {factor}"


def _window_words(commitment: CommittedFteTerm) -> str:
    days = ""
    if commitment.weekdays:
        names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        days = " " + ",".join(names[day] for day in sorted(commitment.weekdays))
    hours = ""
    if commitment.window_starts is not None and commitment.window_ends is not None:
        hours = f" {commitment.window_starts:%H:%M}-{commitment.window_ends:%H:%M}"
    return f" ({(days + hours).strip()})" if days or hours else ""


def _true_up_words(rule: TrueUpRule, shortfall: Decimal, priced: bool) -> str:
    if shortfall <= 0:
        return "Commitment met"
    if rule == TrueUpRule.REPORT_ONLY:
        return f"Shortfall of {number(shortfall)} FTE reported (the contract bills none)"
    if not priced:
        return f"Shortfall of {number(shortfall)} FTE: the rate card has no FTE or hour price"
    verb = "billed" if rule == TrueUpRule.BILL_SHORTFALL else "credited"
    return f"Shortfall of {number(shortfall)} FTE {verb}"


def _sla_words(rule: SlaCreditTerm, kind: LineKind) -> str:
    if kind == LineKind.SLA_CREDIT:
        return (
            f"{number(rule.credit_percent_per_step)} % per {number(rule.points_per_step)} points "
            f"below target, at most {number(rule.cap_percent)} %"
        )
    return (
        f"{number(rule.bonus_percent_per_step or Decimal(0))} % per "
        f"{number(rule.bonus_points_per_step or Decimal(0))} points above target, at most "
        f"{number(rule.bonus_cap_percent or Decimal(0))} %"
    )


def _fte_notes(lines: Sequence[LineDraft]) -> list[str]:
    return [
        f"{line.description}: {line.rule}."
        for line in lines
        if line.kind == LineKind.TRUE_UP
        and line.evidence
        and line.evidence[0].source == "committed_fte"
    ]


__all__ = [
    "CONTACT_BASES",
    "RatingError",
    "VersionPart",
    "rate_month",
    "rate_period",
    "split_usage",
    "week_percent",
]
