"""The escalation resolver: business and after hours, overnight lines, daylight-saving
changes, deadlines that cross closing time, category matching and nothing matching."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest

from bpo.catalog import resolver
from bpo.catalog.hours import DayHours, Span, WeeklyHours

NEW_YORK = ZoneInfo("America/New_York")

OFFICE = WeeklyHours(
    time_zone="America/New_York",
    spans=tuple(Span(weekday, time(9), time(17)) for weekday in range(5)),
)
OVERNIGHT = WeeklyHours(
    time_zone="America/New_York",
    spans=tuple(Span(weekday, time(22), time(6)) for weekday in range(7)),
)

SERVICE_DESK = resolver.Tier(
    level=1,
    trigger_kind="severity",
    min_severity=1,
    coverage="business_hours",
    respond_within_minutes=15,
    contact_name="Service desk",
    channel="phone",
    phone="+14155550100",
)
ON_CALL = resolver.Tier(
    level=2,
    trigger_kind="severity",
    min_severity=2,
    coverage="after_hours",
    respond_within_minutes=20,
    contact_name="On-call lead",
    channel="pager",
    phone="+14155550101",
)
BILLING_MANAGER = resolver.Tier(
    level=3,
    trigger_kind="severity",
    category="Billing",
    min_severity=3,
    coverage="always",
    respond_within_minutes=30,
    contact_name="Billing manager",
    channel="email",
    email="billing@acme.example",
)
DIRECTOR = resolver.Tier(
    level=4,
    trigger_kind="unresolved",
    unresolved_minutes=240,
    coverage="always",
    respond_within_minutes=60,
    contact_name="Director",
    channel="phone",
    phone="+14155550102",
)
TIERS = [DIRECTOR, BILLING_MANAGER, SERVICE_DESK, ON_CALL]  # any order


def local(*args) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


def resolve(hours=OFFICE, tiers=TIERS, *, severity=1, category="", at):
    return resolver.resolve(tiers, hours, severity=severity, category=category, at=at)


# --- business hours and after hours -----------------------------------------------------------------


def test_in_business_hours_the_lowest_matching_tier_answers():
    # given Tuesday 10:00 in New York
    at = local(2026, 6, 9, 10, 0)
    # when
    answer = resolve(severity=1, category="Shipping", at=at)
    # then
    assert answer.period == "business_hours"
    assert answer.tier == SERVICE_DESK
    assert answer.message == ""
    # and the only tier that takes over is the time tier, 4 hours later
    assert answer.next_tier is not None
    assert answer.next_tier.tier == DIRECTOR
    assert answer.next_tier.deadline == at + timedelta(hours=4)
    assert answer.next_tier.reason == "if the issue is still unresolved after 240 minutes"


def test_a_severity_tier_takes_over_after_the_current_tiers_respond_within():
    # given a high billing issue on Tuesday 10:00
    at = local(2026, 6, 9, 10, 0)
    # when
    answer = resolve(severity=3, category="billing", at=at)
    # then the on-call tier (after hours only) is skipped: at 10:15 the line is open
    assert answer.tier == SERVICE_DESK
    assert answer.next_tier is not None
    assert answer.next_tier.tier == BILLING_MANAGER
    assert answer.next_tier.deadline == at + timedelta(minutes=15)
    assert answer.next_tier.period == "business_hours"
    assert answer.next_tier.reason == "if tier 1 has not responded within 15 minutes"


def test_after_hours_the_after_hours_tier_answers():
    # given Tuesday 20:00, a medium issue
    answer = resolve(severity=2, at=local(2026, 6, 9, 20, 0))
    # then
    assert answer.period == "after_hours"
    assert answer.tier == ON_CALL


def test_the_weekend_is_after_hours():
    answer = resolve(severity=2, at=local(2026, 6, 13, 11, 0))  # Saturday
    assert answer.period == "after_hours"
    assert answer.tier == ON_CALL


# --- the closing time boundary --------------------------------------------------------------------


def test_closing_time_itself_is_after_hours():
    assert resolve(at=local(2026, 6, 9, 16, 59, 59)).period == "business_hours"
    assert resolve(at=local(2026, 6, 9, 17, 0)).period == "after_hours"
    assert resolve(at=local(2026, 6, 9, 9, 0)).period == "business_hours"


def test_the_next_tiers_coverage_is_judged_at_its_deadline_after_closing():
    # given a medium issue at 16:50: the service desk answers now; its 15 minutes end at
    # 17:05, after closing, when the after-hours on-call lead covers
    at = local(2026, 6, 9, 16, 50)
    # when
    answer = resolve(severity=2, at=at)
    # then
    assert answer.tier == SERVICE_DESK
    assert answer.next_tier is not None
    assert answer.next_tier.tier == ON_CALL
    assert answer.next_tier.deadline == local(2026, 6, 9, 17, 5)
    assert answer.next_tier.period == "after_hours"


def test_a_deadline_before_closing_skips_an_after_hours_tier():
    # given the same issue at 16:40: 16:55 is still business hours, the on-call lead does not
    # cover it, the billing manager does not match, so the time tier takes over at 20:40
    answer = resolve(severity=2, at=local(2026, 6, 9, 16, 40))
    assert answer.next_tier is not None
    assert answer.next_tier.tier == DIRECTOR
    assert answer.next_tier.deadline == local(2026, 6, 9, 20, 40)
    assert answer.next_tier.period == "after_hours"


def test_a_deadline_exactly_at_closing_time_is_after_hours():
    answer = resolve(severity=2, at=local(2026, 6, 9, 16, 45))
    assert answer.next_tier is not None
    assert answer.next_tier.tier == ON_CALL
    assert answer.next_tier.deadline == local(2026, 6, 9, 17, 0)


# --- overnight lines -------------------------------------------------------------------------------


def test_an_overnight_line_is_open_past_midnight():
    tiers = [SERVICE_DESK, ON_CALL]
    assert resolve(OVERNIGHT, tiers, at=local(2026, 6, 10, 2, 0)).period == "business_hours"
    assert resolve(OVERNIGHT, tiers, at=local(2026, 6, 10, 23, 0)).period == "business_hours"
    assert resolve(OVERNIGHT, tiers, at=local(2026, 6, 10, 6, 0)).period == "after_hours"
    assert resolve(OVERNIGHT, tiers, at=local(2026, 6, 10, 12, 0)).period == "after_hours"


def test_an_overnight_deadline_after_the_morning_closing():
    # given a medium issue at 05:50 on an overnight line (closes 06:00)
    answer = resolve(OVERNIGHT, [SERVICE_DESK, ON_CALL], severity=2, at=local(2026, 6, 10, 5, 50))
    # then the desk answers and the on-call lead takes over at 06:05, after closing
    assert answer.tier == SERVICE_DESK
    assert answer.next_tier is not None
    assert answer.next_tier.tier == ON_CALL
    assert answer.next_tier.deadline.astimezone(NEW_YORK).time() == time(6, 5)


# --- daylight-saving changes -------------------------------------------------------------------------


def test_opening_follows_the_wall_clock_after_spring_forward():
    # given Monday 2026-03-09, the day after New York moved to EDT (UTC-4)
    # when 13:30 UTC: 09:30 EDT (it would be 08:30 with last week's offset)
    answer = resolve(at=datetime(2026, 3, 9, 13, 30, tzinfo=UTC))
    # then
    assert answer.period == "business_hours"
    # and on the Friday before (EST, UTC-5) 13:30 UTC is 08:30: closed
    assert resolve(at=datetime(2026, 3, 6, 13, 30, tzinfo=UTC)).period == "after_hours"


def test_an_overnight_span_across_spring_forward_closes_at_six_wall_time():
    # given the night of 7-8 March 2026 (02:00 EST jumps to 03:00 EDT): 06:00 EDT = 10:00 UTC
    tiers = [SERVICE_DESK, ON_CALL]
    # then
    assert resolve(OVERNIGHT, tiers, at=datetime(2026, 3, 8, 9, 45, tzinfo=UTC)).period == (
        "business_hours"
    )
    assert resolve(OVERNIGHT, tiers, at=datetime(2026, 3, 8, 10, 15, tzinfo=UTC)).period == (
        "after_hours"
    )


def test_a_deadline_across_fall_back_counts_real_minutes():
    # given 2026-11-01 00:30 EDT; at 02:00 EDT clocks go back to 01:00 EST
    at = datetime(2026, 11, 1, 4, 30, tzinfo=UTC)
    time_tier = resolver.Tier(
        level=2,
        trigger_kind="unresolved",
        unresolved_minutes=120,
        coverage="always",
        respond_within_minutes=60,
    )
    # when
    answer = resolve(OVERNIGHT, [SERVICE_DESK, time_tier], at=at)
    # then two real hours later is 01:30 EST (the wall clock shows only one hour more)
    assert answer.next_tier is not None
    assert answer.next_tier.deadline == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    wall = answer.next_tier.deadline.astimezone(NEW_YORK)
    assert (wall.hour, wall.minute, wall.utcoffset()) == (1, 30, timedelta(hours=-5))
    # and the overnight span still closes at 06:00 EST = 11:00 UTC
    assert resolve(OVERNIGHT, at=datetime(2026, 11, 1, 10, 45, tzinfo=UTC)).period == (
        "business_hours"
    )


# --- category matching ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier_category", "issue_category", "matches"),
    [
        ("", "Billing", True),
        ("", "", True),
        ("Billing", "billing", True),
        (" billing ", "BILLING", True),
        ("Billing", "Shipping", False),
        ("Billing", "", False),
    ],
)
def test_category_matching(tier_category, issue_category, matches):
    tier = resolver.Tier(
        level=1,
        trigger_kind="severity",
        category=tier_category,
        min_severity=2,
        respond_within_minutes=5,
    )
    assert tier.matches(severity=2, category=issue_category) is matches


def test_a_lower_severity_than_the_minimum_does_not_match():
    assert not BILLING_MANAGER.matches(severity=2, category="Billing")
    assert BILLING_MANAGER.matches(severity=4, category="Billing")


def test_a_time_tier_never_answers_now():
    answer = resolve(OFFICE, [DIRECTOR], severity=4, at=local(2026, 6, 9, 10, 0))
    assert answer.tier is None
    assert answer.next_tier is not None
    assert answer.next_tier.tier == DIRECTOR


# --- nothing matches -------------------------------------------------------------------------------


def test_nothing_matches_after_hours_says_so():
    # given Tuesday 20:00, a low billing issue: the desk is closed, on-call needs medium
    answer = resolve(OFFICE, [SERVICE_DESK, ON_CALL], category="Billing", at=local(2026, 6, 9, 20))
    # then
    assert answer.tier is None
    assert answer.message == "No tier covers severity Low in category “Billing” after hours."
    assert answer.next_tier is None
    assert answer.next_message == "No higher tier applies to this issue."


def test_nothing_matches_in_business_hours_says_so():
    answer = resolve(OFFICE, [ON_CALL], severity=2, at=local(2026, 6, 9, 10))
    assert answer.message == "No tier covers severity Medium during business hours."


def test_with_nothing_now_a_time_tier_can_still_take_over():
    answer = resolve(category="Billing", at=local(2026, 6, 9, 20))
    assert answer.tier is None
    assert answer.next_tier is not None
    assert answer.next_tier.tier == DIRECTOR
    assert answer.next_tier.deadline == local(2026, 6, 10, 0, 0)


def test_the_top_tier_has_no_next_tier():
    answer = resolve(OFFICE, [SERVICE_DESK], at=local(2026, 6, 9, 10))
    assert answer.tier == SERVICE_DESK
    assert answer.next_tier is None
    assert answer.next_message == "No higher tier applies to this issue."


def test_an_instant_must_be_aware():
    with pytest.raises(ValueError, match="aware"):
        resolve(at=datetime(2026, 6, 9, 10, 0))  # noqa: DTZ001


# --- severities ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, 1), ("4", 4), ("low", 1), ("Critical", 4), (" high ", 3), ("medium", 2)],
)
def test_severity_by_number_or_name(value, expected):
    assert resolver.parse_severity(value) == expected


@pytest.mark.parametrize("value", [0, 5, "5", "urgent", "", True, "2.5"])
def test_a_bad_severity_is_refused(value):
    with pytest.raises(ValueError, match=r"^Severity must be 1 to 4, or low, medium, high or "):
        resolver.parse_severity(value)


@pytest.mark.parametrize("value", ["²", "\u0661", "\u0663", "2²", "\uff12"])
def test_a_severity_in_other_digits_is_refused_with_the_severity_message(value):
    # superscript two, Arabic-Indic one and three, fullwidth two: digits to isdigit() only
    with pytest.raises(ValueError) as excinfo:
        resolver.parse_severity(value)
    assert str(excinfo.value) == resolver.SEVERITY_ERROR


# --- what a line's hours allow ---------------------------------------------------------------------


def test_never_and_always_open():
    never = WeeklyHours(time_zone="America/New_York")
    around_the_clock = WeeklyHours(
        time_zone="America/New_York", is_open_24_7=True, closed_on_public_holidays=False
    )
    with_holidays = WeeklyHours(time_zone="America/New_York", is_open_24_7=True, country="US")
    with_closed_day = WeeklyHours(
        time_zone="America/New_York",
        is_open_24_7=True,
        closed_on_public_holidays=False,
        overrides={date(2026, 12, 24): DayHours(is_closed=True)},
    )
    special_opening = WeeklyHours(
        time_zone="America/New_York",
        overrides={
            date(2026, 12, 24): DayHours(is_closed=False, opens_at=time(9), closes_at=time(12))
        },
    )
    assert resolver.is_never_open(never)
    assert not resolver.is_never_open(OFFICE)
    assert not resolver.is_never_open(special_opening)
    assert resolver.is_always_open(around_the_clock)
    assert not resolver.is_always_open(with_holidays)
    assert not resolver.is_always_open(with_closed_day)
    assert not resolver.is_always_open(OFFICE)


# --- coverage gaps, the warning of the path page (mutation testing, docs/testing.md) ----------


def severity_tier(
    level: int, coverage: str, min_severity: int, category: str = ""
) -> resolver.Tier:
    return resolver.Tier(
        level=level,
        trigger_kind=resolver.TRIGGER_SEVERITY,
        respond_within_minutes=15,
        coverage=coverage,
        category=category,
        min_severity=min_severity,
    )


# --- coverage gaps (what the path page warns about) ----------------------------------------------


def _severity_tier(level, coverage, min_severity=1, category=""):
    return resolver.Tier(
        level=level,
        trigger_kind="severity",
        min_severity=min_severity,
        coverage=coverage,
        category=category,
        respond_within_minutes=15,
    )


def test_a_severity_nobody_covers_after_hours():
    # given a desk for every severity in business hours and an on-call line from medium up
    tiers = [SERVICE_DESK, ON_CALL]
    # then low issues after hours have nobody
    assert resolver.uncovered_severities(tiers, period="business_hours") == []
    assert resolver.uncovered_severities(tiers, period="after_hours") == [1]
    assert resolver.coverage_gaps(tiers) == ["After hours nobody covers severity 1 (Low)."]


def test_nobody_at_all_after_hours_lists_every_severity():
    tiers = [SERVICE_DESK]
    assert resolver.uncovered_severities(tiers, period="after_hours") == [1, 2, 3, 4]
    assert resolver.coverage_gaps(tiers) == [
        "After hours nobody covers severities 1 (Low), 2 (Medium), 3 (High) or 4 (Critical)."
    ]


def test_gaps_in_both_periods_business_hours_first():
    tiers = [
        _severity_tier(1, "business_hours", min_severity=3),
        _severity_tier(2, "after_hours", 4),
    ]
    assert resolver.coverage_gaps(tiers) == [
        "During business hours nobody covers severities 1 (Low) or 2 (Medium).",
        "After hours nobody covers severities 1 (Low), 2 (Medium) or 3 (High).",
    ]


def test_a_path_covering_every_severity_always_has_no_gap():
    tiers = [severity_tier(1, resolver.ALWAYS, 1)]
    assert resolver.uncovered_severities(tiers, period=resolver.BUSINESS_HOURS) == []
    assert resolver.uncovered_severities(tiers, period=resolver.AFTER_HOURS) == []
    assert resolver.coverage_gaps(tiers) == []


def test_coverage_gaps_name_each_period_and_severity_in_words():
    # given business hours from severity 2 up, after hours only severity 4, and a tier that
    # answers billing issues only (an issue without a category is not its)
    tiers = [
        severity_tier(1, resolver.BUSINESS_HOURS, 2),
        severity_tier(2, resolver.AFTER_HOURS, 4),
        severity_tier(3, resolver.ALWAYS, 1, category="Billing"),
    ]
    # when / then
    assert resolver.uncovered_severities(tiers, period=resolver.BUSINESS_HOURS) == [1]
    assert resolver.uncovered_severities(tiers, period=resolver.AFTER_HOURS) == [1, 2, 3]
    assert resolver.coverage_gaps(tiers) == [
        "During business hours nobody covers severity 1 (Low).",
        "After hours nobody covers severities 1 (Low), 2 (Medium) or 3 (High).",
    ]


def test_all_covered():
    assert resolver.coverage_gaps([_severity_tier(1, "always")]) == []
    assert resolver.coverage_gaps([SERVICE_DESK, _severity_tier(2, "after_hours")]) == []


def test_category_and_time_tiers_cover_no_issue_without_a_category():
    # a billing-only tier and a time tier answer no issue of any category first
    tiers = [_severity_tier(1, "always", category="Billing"), DIRECTOR]
    for period in ("business_hours", "after_hours"):
        assert resolver.uncovered_severities(tiers, period=period) == [1, 2, 3, 4]
    assert len(resolver.coverage_gaps(tiers)) == 2


def test_a_24_7_line_has_no_after_hours_to_cover():
    # given only business-hours tiers
    tiers = [SERVICE_DESK]
    always_open = WeeklyHours(time_zone="America/New_York", is_open_24_7=True)
    # then a 24/7 line is warned about nothing; the same tiers on an office line are
    assert resolver.coverage_gaps(tiers, always_open) == []
    assert resolver.coverage_gaps(tiers, OFFICE) == [
        "After hours nobody covers severities 1 (Low), 2 (Medium), 3 (High) or 4 (Critical)."
    ]
    # and a 24/7 line closed on its country's public holidays has after hours on those days
    closes_on_holidays = WeeklyHours(
        time_zone="America/New_York",
        is_open_24_7=True,
        country="US",
        closed_on_public_holidays=True,
    )
    assert resolver.coverage_gaps(tiers, closes_on_holidays) == resolver.coverage_gaps(tiers)


def test_a_line_never_open_has_no_business_hours_to_cover():
    never_open = WeeklyHours(time_zone="America/New_York")
    tiers = [ON_CALL]
    assert resolver.coverage_gaps(tiers, never_open) == [
        "After hours nobody covers severity 1 (Low)."
    ]
    assert resolver.coverage_gaps(tiers)[0].startswith("During business hours nobody covers")


def test_coverage_gaps_of_two_severities_and_of_no_tier_at_all():
    two = [severity_tier(1, resolver.ALWAYS, 3)]
    assert resolver.coverage_gaps(two) == [
        "During business hours nobody covers severities 1 (Low) or 2 (Medium).",
        "After hours nobody covers severities 1 (Low) or 2 (Medium).",
    ]
    time_tier = resolver.Tier(
        level=1,
        trigger_kind=resolver.TRIGGER_UNRESOLVED,
        respond_within_minutes=0,
        unresolved_minutes=60,
    )
    everything = "severities 1 (Low), 2 (Medium), 3 (High) or 4 (Critical)."
    assert resolver.coverage_gaps([time_tier]) == [
        f"During business hours nobody covers {everything}",
        f"After hours nobody covers {everything}",
    ]
    assert resolver.uncovered_severities([], period=resolver.AFTER_HOURS) == [1, 2, 3, 4]


def test_always_open_allows_full_day_overrides_and_holidays_the_library_does_not_know():
    def line(**options) -> WeeklyHours:
        return WeeklyHours(time_zone="America/New_York", is_open_24_7=True, **options)

    full_day = DayHours(is_closed=False, opens_at=time(0), closes_at=time(0))
    office_day = DayHours(is_closed=False, opens_at=time(9), closes_at=time(17))
    closed_full_day = DayHours(is_closed=True, opens_at=time(0), closes_at=time(0))
    # a full-day override and holidays of no known country keep it open around the clock
    assert resolver.is_always_open(
        line(
            overrides={date(2026, 12, 24): full_day}, country="US", closed_on_public_holidays=False
        )
    )
    assert resolver.is_always_open(line(country="XX"))
    assert resolver.is_always_open(line(country=None))
    # a shorter day, a closed day (whatever its times), or known holidays do not
    assert not resolver.is_always_open(line(overrides={date(2026, 12, 24): office_day}))
    assert not resolver.is_always_open(line(overrides={date(2026, 12, 24): closed_full_day}))
    assert not resolver.is_always_open(line(country="US"))


# --- the resolution's own fields and words (mutation testing, docs/testing.md) ------------------


def test_the_resolution_holds_the_issue_and_the_instant_in_utc():
    # given a high billing issue at Tuesday 10:00 New York, the category with spaces
    at = local(2026, 6, 9, 10, 0)
    # when
    answer = resolve(severity=3, category="  Billing ", at=at)
    # then
    assert answer.at == at and answer.at.tzinfo is UTC
    assert answer.next_tier is not None and answer.next_tier.deadline.tzinfo is UTC
    assert (answer.severity, answer.category) == (3, "Billing")
    assert answer.next_message == ""


def test_one_minute_is_said_in_the_singular():
    # given a desk answering within 1 minute, a severity tier above it, and a time tier after
    # 1 minute, each alone above the desk
    desk = _severity_tier(1, "always")
    desk = resolver.Tier(**{**desk.__dict__, "respond_within_minutes": 1})
    above = _severity_tier(2, "always")
    timed = resolver.Tier(
        level=2, trigger_kind="unresolved", unresolved_minutes=1, respond_within_minutes=5
    )
    at = local(2026, 6, 9, 10, 0)
    # when
    by_severity = resolve(tiers=[desk, above], at=at).next_tier
    by_time = resolve(tiers=[desk, timed], at=at).next_tier
    # then
    assert by_severity is not None and by_time is not None
    assert by_severity.reason == "if tier 1 has not responded within 1 minute"
    assert by_time.reason == "if the issue is still unresolved after 1 minute"
    # and 2 is plural
    desk_2 = resolver.Tier(**{**desk.__dict__, "respond_within_minutes": 2})
    later = resolve(tiers=[desk_2, above], at=at).next_tier
    assert later is not None and later.reason == "if tier 1 has not responded within 2 minutes"


def test_a_time_tier_without_minutes_never_takes_over_and_a_severity_tier_ignores_them():
    # given a time tier without its minutes, and a severity tier carrying unresolved minutes
    timeless = resolver.Tier(level=3, trigger_kind="unresolved", respond_within_minutes=5)
    severity_with_minutes = resolver.Tier(
        **{**_severity_tier(2, "always").__dict__, "unresolved_minutes": 90}
    )
    at = local(2026, 6, 9, 10, 0)
    # when
    answer = resolve(tiers=[SERVICE_DESK, timeless], at=at)
    taken_over = resolve(tiers=[SERVICE_DESK, severity_with_minutes], at=at).next_tier
    # then
    assert answer.next_tier is None
    assert answer.next_message == "No higher tier applies to this issue."
    assert taken_over is not None
    assert taken_over.deadline == at + timedelta(minutes=15)
    assert taken_over.reason == "if tier 1 has not responded within 15 minutes"


def test_a_time_tier_with_a_minimum_severity_still_never_answers_now():
    timed = resolver.Tier(
        level=1,
        trigger_kind="unresolved",
        unresolved_minutes=30,
        min_severity=1,
        respond_within_minutes=5,
    )
    assert not timed.matches(severity=4, category="")
    assert resolve(tiers=[timed], severity=4, at=local(2026, 6, 9, 10, 0)).tier is None


def test_an_instant_whose_zone_gives_no_offset_is_refused_in_words():
    class NoOffset(tzinfo):
        def utcoffset(self, dt):
            return None

        def dst(self, dt):
            return None

    for naive_or_unknown in (datetime(2026, 6, 9, 10), datetime(2026, 6, 9, 10, tzinfo=NoOffset())):  # noqa: DTZ001
        with pytest.raises(ValueError) as error:
            resolve(at=naive_or_unknown)
        assert str(error.value) == "the instant must be time-zone aware"


def test_an_ordinary_line_keeps_its_business_hours_gap():
    # given the office line (open some of the week) and tiers for after hours only
    tiers = [_severity_tier(1, "after_hours")]
    # then business hours, which the line does have, are reported
    assert resolver.coverage_gaps(tiers, OFFICE) == [
        "During business hours nobody covers severities 1 (Low), 2 (Medium), 3 (High) or "
        "4 (Critical)."
    ]
