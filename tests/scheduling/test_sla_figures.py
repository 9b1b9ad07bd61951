"""SLA figures from stored interval statistics (scheduling.planning.selectors.sla): weeks and
days in the client's zone (DST weeks of 167 and 169 hours), sums then formulas, each line's
convention, met/missed, one aggregate query, and speed."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bpo.errors import DomainError
from scheduling.engine import kpi
from scheduling.planning.selectors import sla
from scheduling.planning.selectors.sla import ExperienceRow, IsoWeek
from tests.catalog.factories import ServiceLineFactory
from tests.scheduling.sla_helpers import busy_week, interval, store

pytestmark = pytest.mark.django_db

# 2026-W05 is Monday 26 January to Sunday 1 February; New York is UTC-5 then.
WEEK = IsoWeek(2026, 5)
MONDAY_NY = datetime(2026, 1, 26, 5, 0, tzinfo=UTC)


@pytest.fixture
def in_a(client_a):
    connection.set_tenant(client_a)
    yield client_a
    connection.set_schema_to_public()


# --- weeks ---------------------------------------------------------------------------------------


def test_an_iso_week_is_read_from_its_text():
    assert IsoWeek.parse("2026-W05") == WEEK
    assert str(WEEK) == "2026-W05"
    assert WEEK.monday == date(2026, 1, 26)
    assert str(WEEK.previous) == "2026-W04"
    assert str(IsoWeek(2026, 53).next) == "2027-W01"
    assert IsoWeek.parse("2026-w53") == IsoWeek(2026, 53)  # 2026 has 53 weeks


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-5", 'Week "2026-5" is not an ISO week; write it as YYYY-Www, e.g. 2026-W05.'),
        ("", 'Week "" is not an ISO week; write it as YYYY-Www, e.g. 2026-W05.'),
        ("2025-W53", "Week 2025-W53 does not exist; that year has weeks 01 to 52."),
        ("2026-W00", "Week 2026-W00 does not exist; that year has weeks 01 to 53."),
        ("1800-W01", "Week must lie between 1970 and 2100."),
    ],
)
def test_a_bad_week_is_refused_in_words(text, message):
    with pytest.raises(DomainError) as error:
        IsoWeek.parse(text)
    assert error.value.message == message
    assert error.value.field == "week"


@pytest.mark.parametrize(
    ("zone", "week", "hours"),
    [
        ("America/New_York", IsoWeek(2026, 5), 168),
        ("America/New_York", IsoWeek(2026, 10), 167),  # spring forward on Sunday 8 March
        ("America/New_York", IsoWeek(2026, 44), 169),  # fall back on Sunday 1 November
        ("Europe/Berlin", IsoWeek(2026, 13), 167),  # Sunday 29 March
        ("Europe/Berlin", IsoWeek(2026, 43), 169),  # Sunday 25 October
    ],
)
def test_a_week_runs_monday_to_monday_in_the_clients_zone(in_a, zone, week, hours):
    # given the client in ``zone``
    in_a.time_zone = zone

    # when
    figures = sla.list_week_figures(client=in_a, week=week)

    # then
    assert figures.hours == hours
    assert sum(day_hours for day_hours in (d.hours for d in _any_line_days(in_a, week))) == hours


def _any_line_days(client, week):
    line = ServiceLineFactory()
    return sla.get_line_week_figures(client=client, service_line_id=line.pk, week=week).days


# --- figures ---------------------------------------------------------------------------------------


def test_week_figures_of_a_line_by_hand(in_a):
    # given two intervals of a line: 100 offered (80 answered, 60 in time; 20 abandoned, 5 of
    # them short) and 10 offered, all answered in time
    line = ServiceLineFactory(name="Billing", max_abandon_percent=Decimal("10"), asa_seconds=30)
    store(
        interval(
            line,
            MONDAY_NY + timedelta(hours=9),
            answered=80,
            abandoned=20,
            short_abandoned=5,
            answered_within_threshold=60,
            answered_wait_seconds=1_600,
            talk_seconds=16_000,
            hold_seconds=1_600,
            acw_seconds=2_400,
        ),
        interval(
            line,
            MONDAY_NY + timedelta(days=2, hours=9),
            answered=10,
            answered_within_threshold=10,
            answered_wait_seconds=20,
            talk_seconds=2_000,
        ),
    )

    # when
    (figures,) = sla.list_week_figures(client=in_a, week=WEEK).lines
    week = figures.week.figures

    # then 70 / (90 + 20 - 5) = 66.67 %, ASA 1620 / 90 = 18 s, AHT 22000 / 90 s
    assert figures.service_line == line
    assert figures.convention is kpi.ServiceLevelConvention.ANSWERED_ABANDONED_LESS_SHORT
    assert (week.offered, week.answered, week.abandoned) == (110, 90, 20)
    assert week.service_level == pytest.approx(70 / 105)
    assert week.asa_seconds == pytest.approx(18.0)
    assert week.abandon_rate == pytest.approx(20 / 110)
    assert week.abandon_rate_less_short == pytest.approx(15 / 105)
    assert week.aht_seconds == pytest.approx(22_000 / 90)
    assert figures.week.outcomes == {
        "service_level": kpi.Outcome.MISSED,  # 66.67 % < 80 %
        "abandon_rate": kpi.Outcome.MISSED,  # 14.29 % > 10 %
        "asa_seconds": kpi.Outcome.MET,
        "first_response_level": kpi.Outcome.NO_TARGET,
    }
    # and each local day has its own figures: Monday and Wednesday
    assert [day.figures.offered for day in figures.days] == [100, 0, 10, 0, 0, 0, 0]
    assert figures.days[1].figures.service_level is None  # no contacts
    assert figures.days[1].outcomes["service_level"] == kpi.Outcome.NO_CONTACTS


def test_the_weekly_figure_is_not_the_average_of_daily_percentages(in_a):
    # given Monday at 100 % (10 of 10) and Tuesday at 50 % (45 of 90)
    line = ServiceLineFactory()
    store(
        interval(line, MONDAY_NY + timedelta(hours=10), answered=10, answered_within_threshold=10),
        interval(
            line, MONDAY_NY + timedelta(days=1, hours=10), answered=90, answered_within_threshold=45
        ),
    )

    # when
    (figures,) = sla.list_week_figures(client=in_a, week=WEEK).lines

    # then
    daily = [day.figures.service_level for day in figures.days[:2]]
    assert daily == [1.0, 0.5]
    assert figures.week.figures.service_level == pytest.approx(0.55)
    assert figures.week.figures.service_level != pytest.approx(sum(daily) / len(daily))


def test_each_line_counts_by_its_own_convention(in_a):
    # given the same interval on two lines, one counting answered only
    default = ServiceLineFactory(name="A")
    answered_only = ServiceLineFactory(name="B", sla_convention="answered_only")
    for line in (default, answered_only):
        store(
            interval(
                line,
                MONDAY_NY,
                answered=80,
                abandoned=20,
                short_abandoned=5,
                answered_within_threshold=60,
            )
        )

    # when
    lines = sla.list_week_figures(client=in_a, week=WEEK).lines

    # then
    assert [line.week.figures.service_level for line in lines] == [
        pytest.approx(60 / 95),
        pytest.approx(60 / 80),
    ]
    assert lines[1].week.figures.formula == "answered within threshold / answered"


def test_days_are_the_clients_local_days(in_a):
    # given an interval at 03:30 UTC on Tuesday: 22:30 on Monday in New York
    line = ServiceLineFactory()
    store(interval(line, datetime(2026, 1, 27, 3, 30, tzinfo=UTC), answered=4))

    # when
    (figures,) = sla.list_week_figures(client=in_a, week=WEEK).lines

    # then
    assert [day.figures.offered for day in figures.days][:2] == [4, 0]
    # and the same interval falls on Tuesday for a client in Berlin
    in_a.time_zone = "Europe/Berlin"
    (figures,) = sla.list_week_figures(client=in_a, week=WEEK).lines
    assert [day.figures.offered for day in figures.days][:2] == [0, 4]


def test_intervals_outside_the_local_week_are_left_out(in_a):
    # given one interval just before Monday 00:00 New York and one at Monday 00:00
    line = ServiceLineFactory()
    store(
        interval(line, MONDAY_NY - timedelta(minutes=15), answered=7),
        interval(line, MONDAY_NY, answered=3),
    )

    # when
    (figures,) = sla.list_week_figures(client=in_a, week=WEEK).lines

    # then
    assert figures.week.figures.offered == 3


def test_a_dst_week_sums_every_interval_of_its_169_hours(in_a):
    # given every 15-minute interval of New York's fall-back week, 2 contacts each
    line = ServiceLineFactory()
    week = IsoWeek(2026, 44)
    starts_at, ends_at = sla.week_bounds(week, ZoneInfo("America/New_York"))
    steps = int((ends_at - starts_at).total_seconds() // 900)
    store(
        *(interval(line, starts_at + timedelta(minutes=15 * i), answered=2) for i in range(steps))
    )

    # when
    (figures,) = sla.list_week_figures(client=in_a, week=week).lines

    # then 169 hours x 4 intervals x 2, and Sunday (the change) has 25 hours
    assert steps == 169 * 4
    assert figures.week.figures.offered == 169 * 4 * 2
    assert figures.days[6].hours == 25
    assert figures.days[6].figures.offered == 25 * 4 * 2


def test_intervals_come_along_when_asked(in_a):
    line = ServiceLineFactory()
    store(
        interval(line, MONDAY_NY + timedelta(minutes=30), minutes=30, answered=3),
        interval(line, MONDAY_NY, minutes=30, answered=5, answered_within_threshold=5),
    )

    # when
    figures = sla.get_line_week_figures(client=in_a, service_line_id=line.pk, week=WEEK)

    # then in time order, each with its figures
    assert [(i.starts_at, i.figures.offered) for i in figures.intervals] == [
        (MONDAY_NY, 5),
        (MONDAY_NY + timedelta(minutes=30), 3),
    ]
    assert figures.intervals[0].figures.service_level == 1.0
    assert figures.interval_minutes == 30


def test_active_lines_without_statistics_show_and_drafts_do_not(in_a):
    active = ServiceLineFactory(name="Active, idle")
    ServiceLineFactory(name="Draft, idle", status="draft")
    draft_with_data = ServiceLineFactory(name="Draft, busy", status="draft")
    store(interval(draft_with_data, MONDAY_NY, answered=1))

    # when
    figures = sla.list_week_figures(client=in_a, week=WEEK)

    # then
    assert [line.service_line for line in figures.lines] == [active, draft_with_data]
    assert figures.has_statistics
    assert figures.lines[0].week.figures.service_level is None


def test_an_async_line_has_first_response_figures(in_a):
    # given 40 e-mails, 30 answered within the 4-hour target
    line = ServiceLineFactory(
        channel="email",
        service_level_percent=None,
        service_level_seconds=None,
        first_response_percent=Decimal("80"),
        first_response_hours=Decimal("4"),
    )
    store(
        interval(
            line,
            MONDAY_NY,
            offered=40,
            first_responses=40,
            first_responses_within_target=30,
            first_response_seconds=40 * 7_200,
        )
    )

    # when
    figures = sla.get_line_week_figures(client=in_a, service_line_id=line.pk, week=WEEK)

    # then
    assert figures.is_async
    assert figures.week.figures.first_response_level == 0.75
    assert figures.week.figures.mean_first_response_seconds == 7_200
    assert figures.week.outcomes["first_response_level"] == kpi.Outcome.MISSED


def test_a_line_of_another_client_is_not_found(in_a, client_b):
    from bpo.errors import NotFoundError

    connection.set_tenant(client_b)
    other = ServiceLineFactory(name="B's own")
    connection.set_tenant(in_a)
    with pytest.raises(NotFoundError):
        sla.get_line_week_figures(client=in_a, service_line_id=other.pk + 1000, week=WEEK)


def test_week_figures_take_three_queries_whatever_the_number_of_lines(in_a):
    lines = [ServiceLineFactory() for _ in range(4)]
    store(*(interval(line, MONDAY_NY, answered=1) for line in lines))

    with CaptureQueriesContext(connection) as queries:
        figures = sla.list_week_figures(client=in_a, week=WEEK, with_intervals=True)

    assert len(figures.lines) == 4
    statements = [q["sql"] for q in queries if not q["sql"].startswith("SET search_path")]
    assert len(statements) == 3  # the lines, one aggregate, the week's CX rows
    assert "GROUPING SETS" in statements[1]
    assert "planning_dailyexperience" in statements[2]


def test_a_week_of_ten_lines_in_under_a_second(in_a):
    # given ten lines with every 15-minute interval of the week (6,720 rows)
    lines = [ServiceLineFactory() for _ in range(10)]
    assert busy_week(lines, MONDAY_NY) == 6_720

    # when
    started = time.perf_counter()
    figures = sla.list_week_figures(client=in_a, week=WEEK, with_intervals=True)
    seconds = time.perf_counter() - started

    # then
    assert len(figures.lines) == 10
    assert all(len(line.intervals) == 672 for line in figures.lines)
    assert seconds < 1.0, f"{seconds:.3f} s"


# --- customer experience (plain rows) ------------------------------------------------------------


def test_cx_rows_per_contact_and_per_day_add_up_per_line_with_sample_sizes(in_a):
    # given per-contact results on Monday and an aggregated Tuesday for one line, plus a row
    # of another week
    line = ServiceLineFactory(csat_percent=Decimal("80"), fcr_percent=Decimal("70"))
    rows = [
        ExperienceRow(
            line.pk, date(2026, 1, 26), "chat", csat=5, ces=2, resolved_first_contact=True
        ),
        ExperienceRow(
            line.pk, date(2026, 1, 26), "email", csat=2, ces=6, resolved_first_contact=False
        ),
        ExperienceRow(
            line.pk,
            date(2026, 1, 27),
            "chat",
            csat_responses=8,
            csat_satisfied=7,
            csat_score_total=35,
            ces_responses=4,
            ces_score_total=12,
            fcr_contacts=8,
            fcr_resolved=6,
        ),
        ExperienceRow(line.pk, date(2026, 2, 2), "chat", csat=1),
    ]

    # when
    figures = sla.get_line_week_figures(
        client=in_a, service_line_id=line.pk, week=WEEK, experience_rows=rows
    )
    cx = figures.experience.figures

    # then 8 of 10 satisfied, mean 42 / 10, CES 20 / 6, FCR 7 of 10
    assert cx.csat_satisfied == kpi.SampledFigure(0.8, 10)
    assert cx.csat_mean == kpi.SampledFigure(4.2, 10)
    assert cx.ces_mean.sample_size == 6
    assert cx.ces_mean.value == pytest.approx(20 / 6)
    assert cx.fcr == kpi.SampledFigure(0.7, 10)
    assert figures.experience.outcomes == {
        "csat_satisfied": kpi.Outcome.MET,
        "fcr": kpi.Outcome.MET,
    }
    # and per channel: chat alone is 8 of 9 satisfied
    chat = sla.experience_by_line(rows, days=WEEK.days, channel="chat")[line.pk]
    assert kpi.experience_figures(chat).csat_satisfied.sample_size == 9


def test_the_week_reads_the_imported_customer_experience(in_a):
    # given a line with two days of aggregated CX results in the week and one outside it
    from scheduling.planning.models import DailyExperience

    line = ServiceLineFactory()
    store(interval(line, MONDAY_NY, answered=1))
    monday = WEEK.days[0]
    for day, satisfied in ((monday, 8), (WEEK.days[3], 2), (monday - timedelta(days=1), 10)):
        DailyExperience.objects.create(
            service_line=line,
            day=day,
            channel="voice",
            source="contacts",
            csat_responses=10,
            csat_satisfied=satisfied,
            csat_sum=40,
            fcr_responses=10,
            fcr_resolved=7,
        )

    # when the week's figures are read
    rows = sla.experience_rows_of_week(client=in_a, week=WEEK)

    # then only the week's two days count: 10 of 20 satisfied, not the day before
    assert sorted(row.day for row in rows) == [monday, WEEK.days[3]]
    assert sum(row.csat_satisfied for row in rows) == 10
    assert sum(row.fcr_resolved for row in rows) == 14
