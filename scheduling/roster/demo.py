"""The demo roster, for ``seed_demo``: 40 agents across the three demo clients (some serving
two), four teams with caps, three sites, skills, shift templates, allowances, approved time off,
one request waiting for the scheduler and one refused. The demo agent login is Diego
Hernández's agent row. Everything goes through the services, so the history shows it.

Idempotent: nothing is written when the roster has agents.
"""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from scheduling.roster import services
from scheduling.roster.models import Agent

SITES = (
    ("Lisbon hub", "Europe/Lisbon"),
    ("Tampa hub", "America/New_York"),
    ("Mexico City hub", "America/Mexico_City"),
)
SKILLS = ("Orders", "Returns", "Billing", "Technical support", "Reservations", "E-mail care")
TEMPLATES = (
    ("Early 8h", 480, (time(6), time(7)), 30),
    ("Day 8h", 480, (time(8), time(9), time(10)), 30),
    ("Late 8h", 480, (time(14), time(15)), 30),
    ("Part-time 4h", 240, (time(9), time(13), time(17)), 0),
)
# The 8-hour shifts' lunch: 30 minutes starting 3 to 5 hours in (planning runs stagger them).
LUNCH = [("lunch", 30, 180, 300)]
# team: (site, zone, currency, hourly cost, clients served, skills, languages, cap)
TEAMS = {
    "Atlantic": (
        "Tampa hub",
        "America/New_York",
        "USD",
        "21.00",
        ("shopright",),
        ("Orders", "Returns"),
        ("en",),
        3,
    ),
    "Iberia": (
        "Lisbon hub",
        "Europe/Lisbon",
        "EUR",
        "17.50",
        ("cloudlane", "shopright"),
        ("Technical support", "E-mail care"),
        ("en", "de", "pt"),
        2,
    ),
    "Sol": (
        "Mexico City hub",
        "America/Mexico_City",
        "MXN",
        "165.00",
        ("viajes-sol",),
        ("Reservations", "Billing"),
        ("es", "en"),
        2,
    ),
    "Bridge": (
        "Mexico City hub",
        "America/Mexico_City",
        "MXN",
        "180.00",
        ("shopright", "viajes-sol"),
        # ShopRight's order line needs returns too.
        ("Orders", "Returns", "Reservations"),
        ("es", "en"),
        2,
    ),
}
FIRST = (
    "Ana",
    "Bruno",
    "Carla",
    "David",
    "Elena",
    "Felipe",
    "Greta",
    "Hugo",
    "Inés",
    "Jonas",
    "Kira",
    "Luis",
    "Marta",
    "Nico",
    "Olga",
    "Pablo",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
)
LAST = ("Costa", "Meyer", "Ramos", "Walsh", "Ortiz", "Keller", "Silva", "Brooks", "Navarro", "Lind")
DEMO_AGENT_EMAIL = "agent@bpo.example"


def _people():
    names = [
        f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST) + i * 3) % len(LAST)]}" for i in range(39)
    ]
    teams = list(TEAMS)
    for index, name in enumerate(names):
        yield f"E-{1002 + index}", name, teams[index % len(teams)], index


def _served(served, clients: dict, index: int) -> list[tuple[str, int | None]]:
    """The team's clients; every sixth agent of a team not on Cloudlane helps it too."""
    lines: list[tuple[str, int | None]] = [(slug, None) for slug in served if slug in clients]
    if index % 6 == 0 and "cloudlane" not in served and "cloudlane" in clients:
        lines.append(("cloudlane", None))
    return lines


def seed_roster(*, staff: dict, clients: dict) -> list[str]:
    """Load the demo roster; ``staff`` maps demo e-mails to users, ``clients`` slugs to
    clients. Nothing when the roster has agents already."""
    if Agent.objects.exists():
        return []
    scheduler = staff.get("scheduler@bpo.example")
    for name, zone in SITES:
        services.save_site(name=name, time_zone=zone, actor=scheduler)
    for name in SKILLS:
        services.save_skill(name=name, actor=scheduler)
    for name, length, starts, paid_break in TEMPLATES:
        services.save_shift_template(
            name=name,
            length_minutes=length,
            start_times=starts,
            paid_break_minutes=paid_break,
            breaks=LUNCH if length == 480 else [],
            actor=scheduler,
        )
    for team, spec in TEAMS.items():
        services.save_team(name=team, max_off=spec[7], actor=scheduler)
    today = timezone.localdate()
    agents = []
    diego = services.create_agent(
        data=services.AgentData(
            employee_number="E-1001",
            full_name="Diego Hernández",
            email=DEMO_AGENT_EMAIL if DEMO_AGENT_EMAIL in staff else "",
            team="Bridge",
            site="Mexico City hub",
            time_zone="America/Mexico_City",
            cost_currency="MXN",
            hourly_cost=Decimal("185.00"),
            languages=["es", "en"],
            skills={"Orders": 4, "Returns": 3, "Reservations": 5, "Billing": 3},
            min_hours_per_week=Decimal(30),
            max_hours_per_week=Decimal(40),
            days_per_week=5,
            shift_templates=["Day 8h", "Late 8h"],
            availability={"sun": "off"},
            starts_on=today.replace(year=today.year - 3, month=1, day=1),
            service_lines=[("shopright", None), ("viajes-sol", None)],
        ),
        actor=scheduler,
    )
    agents.append(diego)
    for number, name, team, index in _people():
        site, zone, currency, cost, served, skills, languages, _ = TEAMS[team]
        part_time = index % 7 == 3
        agents.append(
            services.create_agent(
                data=services.AgentData(
                    employee_number=number,
                    full_name=name,
                    team=team,
                    site=site,
                    time_zone=zone,
                    cost_currency=currency,
                    hourly_cost=Decimal(cost) + Decimal(index % 4) / 2,
                    languages=list(languages),
                    skills={skill: 2 + (index + n) % 4 for n, skill in enumerate(skills)},
                    min_hours_per_week=Decimal(16 if part_time else 32),
                    max_hours_per_week=Decimal(24 if part_time else 40),
                    days_per_week=4 if part_time else 5,
                    shift_templates=["Part-time 4h"]
                    if part_time
                    else ["Early 8h", "Day 8h", "Late 8h"],
                    availability={"sat": "off", "sun": "off"}
                    if index % 5 == 0
                    else ({"mon": "12:00-22:00"} if index % 5 == 1 else {}),
                    starts_on=today.replace(year=today.year - 1 - index % 3, month=3, day=1),
                    # Every third agent of a one-client team helps a second client.
                    service_lines=_served(served, clients, index),
                ),
                actor=scheduler,
            )
        )
    for team in TEAMS:
        lead = next(agent for agent in agents if agent.team and agent.team.name == team)
        services.save_team(
            team=lead.team, name=team, lead_agent=lead, max_off=TEAMS[team][7], actor=scheduler
        )
    for agent in agents:
        for year in (today.year, today.year + 1):
            services.set_time_off_allowance(
                agent=agent,
                year=year,
                days=Decimal(22 if agent.cost_currency != "USD" else 15),
                actor=scheduler,
            )
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
    approved = [
        (agents[1], monday, monday + timedelta(days=2), "vacation"),
        (agents[2], monday + timedelta(days=3), monday + timedelta(days=4), "training"),
        (agents[5], monday + timedelta(days=7), monday + timedelta(days=11), "vacation"),
        (agents[9], monday - timedelta(days=14), monday - timedelta(days=10), "vacation"),
        (diego, monday - timedelta(days=35), monday - timedelta(days=31), "vacation"),
    ]
    for agent, first, last, kind in approved:
        if first.year != last.year:
            continue
        request = services.request_time_off(
            agent=agent, starts_on=first, ends_on=last, kind=kind, actor=scheduler
        )
        services.approve_time_off(request=request, actor=scheduler)
    diego_user = diego.user or scheduler
    refused = services.request_time_off(
        agent=diego,
        starts_on=monday + timedelta(days=1),
        ends_on=monday + timedelta(days=1),
        kind="other",
        note="Moving house",
        actor=diego_user,
    )
    services.refuse_time_off(
        request=refused,
        reason="Peak week for Viajes Sol; please pick another day.",
        actor=scheduler,
    )
    services.request_time_off(
        agent=diego,
        starts_on=monday + timedelta(days=21),
        ends_on=monday + timedelta(days=25),
        kind="vacation",
        note="Family visit",
        actor=diego_user,
    )
    return [
        f"roster: {len(agents)} agents in {len(TEAMS)} teams, {len(approved)} approved time-off "
        "periods, 1 request waiting for the scheduler"
    ]


def demo_swap_offer(*, agent: Agent, now=None):
    """A colleague's shift offered to the demo agent (for ``seed_demo`` once the week's plans
    are published): the first future booking of a colleague whom ``agent`` could take it from
    without breaking a rule. Returns the swap, or ``None`` when no booking fits (or the agent
    already sees an offer). Idempotent."""
    from scheduling.roster import swaps, week
    from scheduling.roster.models import Booking, ShiftSwap, SwapStatus

    now = now or timezone.now()
    if ShiftSwap.objects.filter(status=SwapStatus.OFFERED).exclude(offered_by=agent).exists():
        return None
    clients = {line.client_id for line in agent.service_lines.all()}
    candidates = (
        # an hour ahead at least: a shift about to begin is no offer to show (and would begin
        # while the demo loads)
        Booking.objects.filter(
            client_id__in=clients, during__startswith__gt=now + timedelta(hours=1)
        )
        .exclude(agent=agent)
        .exclude(swaps__status__in=week.OPEN_SWAP_STATUSES)
        .select_related("client", "agent")
        .order_by("during")[:50]
    )
    servable = [b for b in candidates if not swaps.may_serve(agent=agent, booking=b)]
    # One the agent can take without breaking a rule; else one they may serve all the same
    # (My week then says which rule taking it would break).
    fitting = [b for b in servable if not swaps.taker_problems(booking=b, taker=agent)]
    for booking in fitting[:1] or servable[:1]:
        return swaps.offer_shift(
            booking=booking, actor=None, note="Family matter; thank you for taking it!", now=now
        )
    return None


# --- last week's worked time (issue 10) ---------------------------------------------------------

# Out of every 20 booked days: 3 start late, 2 end early, 1 both, the rest on time.
LATE_DAYS = {0, 7, 13, 19}
SHORT_DAYS = {4, 11, 19}


def seed_worked_time(*, today=None) -> int:
    """Last week's worked time (Monday to Sunday before this week) from the demo agents'
    bookings, as a time-clock file through the import (so the history shows it): most days
    as booked, some late by 5-25 minutes, some ending 10-40 minutes early. Days that already
    have figures are left alone. Answers the days written."""
    import random
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from scheduling.roster import worked
    from scheduling.roster.models import Booking, WorkedDay

    today = today or timezone.localdate()
    monday = today - timedelta(days=today.weekday() + 7)
    window_start = datetime.combine(monday - timedelta(days=1), time(0), tzinfo=UTC)
    window_end = datetime.combine(monday + timedelta(days=8), time(0), tzinfo=UTC)
    bookings = (
        Booking.objects.filter(during__startswith__gte=window_start)
        .filter(during__startswith__lt=window_end)
        .select_related("agent")
        .order_by("agent_id", "during")
    )
    done = set(
        WorkedDay.objects.filter(day__gte=monday, day__lte=monday + timedelta(days=6)).values_list(
            "agent_id", "day"
        )
    )
    lines = ["employee_number,date,clock_in,clock_out"]
    days: set[tuple[int, object]] = set()
    for booking in bookings:
        agent = booking.agent
        zone = ZoneInfo(agent.time_zone)
        start = booking.during.lower.astimezone(zone)
        end = booking.during.upper.astimezone(zone)
        day = start.date()
        if not monday <= day <= monday + timedelta(days=6) or (agent.pk, day) in done:
            continue
        luck = random.Random(agent.pk * 10_000 + day.toordinal())
        draw = luck.randrange(20)
        if draw in LATE_DAYS:
            start += timedelta(minutes=luck.randrange(5, 26))
        if draw in SHORT_DAYS:
            end -= timedelta(minutes=luck.randrange(10, 41))
        if end <= start:
            continue
        lines.append(f"{agent.employee_number},{day.isoformat()},{start:%H:%M},{end:%H:%M}")
        days.add((agent.pk, day))
    if not days:
        return 0
    content = ("\n".join(lines) + "\n").encode()
    plan = worked.import_timeclock(content=content, actor=None)
    return plan.counts["new"]


def seed_agent_extras(*, agent_email: str) -> list[str]:
    """After the demo plans are published: last week's worked time, a colleague's shift offered
    to the demo agent, and its calendar address."""
    from scheduling.roster import swaps

    changes: list[str] = []
    days = seed_worked_time()
    if days:
        changes.append(f"last week's worked time ({days} agent-days from the time clock)")
    agent = Agent.objects.filter(user__email=agent_email).first()
    if agent is not None:
        if demo_swap_offer(agent=agent) is not None:
            changes.append(f"a colleague's shift offered to {agent.full_name}")
        swaps.ensure_calendar_feed(agent=agent)
    return changes
