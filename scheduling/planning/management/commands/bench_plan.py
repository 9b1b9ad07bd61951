"""``manage.py bench_plan --agents N --clients K --time-limit T``: a planning run of the
benchmark instance (../shared/benchmarks/scheduling.md) through the portal.

Builds (or rebuilds) K benchmark clients ``bench-plan-1``..``K`` with three lines each
(general, Spanish, billing), a staffing requirement per line for one week (the benchmark's
volume split evenly over the clients, scaled so that the total is 60 agent-intervals per
agent, as the benchmark does), and N roster agents shared by all K clients with the
benchmark's skills, contracts, costs, days off (approved time off) and night restrictions
(an availability pattern). Then it runs a planning run through the same service and worker
the page uses (in-process, not through the broker), publishes each client's draft with the
same service the Publish button uses, and ends with one line
``agents= clients= shifts= gap_pct= solve_s= store_s= publish_s= peak_mb=``.
"""

from __future__ import annotations

import resource
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_tenants.utils import tenant_context

from bpo.accounts.models import Membership, User
from bpo.accounts.roles import Role
from bpo.catalog.models import ServiceLine, ServiceLineStatus
from scheduling.engine.optimiser import benchmark
from scheduling.planning.models import Forecast, Plan, PlanStatus, StaffingRequirement
from scheduling.planning.services.planning_runs import plan_week_now
from scheduling.planning.services.publishing import publish_plan
from scheduling.roster.models import (
    Agent,
    AgentServiceLine,
    AgentSkill,
    Booking,
    PlanningRun,
    ShiftTemplate,
    Skill,
    TimeOffRequest,
    TimeOffStatus,
)
from tenants.models import Client

SLUG = "bench-plan-{}"
EMPLOYEE = "BENCH-{:05d}"
USER_EMAIL = "bench-plan@provider.invalid"
ZONE = "UTC"
LINES = (("General", "general"), ("Spanish", "spanish"), ("Billing", "billing"))
TEMPLATES = {
    "Bench eight hours": (480, [*range(10, 33), 44]),
    "Bench four hours": (240, list(range(16, 39))),
}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _week() -> date:
    """A Monday far enough ahead that nothing real is planned for it."""
    today = datetime.now(UTC).date()
    return today + timedelta(days=7 * 10 - today.weekday())


def split_requirement(agents: int, clients: int, seed: int) -> np.ndarray:
    """(clients, 3 lines, 336) scheduled agents: the benchmark's volume shape split evenly over
    the clients, one scale for all found by bisection so the total reaches 60 per agent."""
    rng = np.random.default_rng(seed)
    shape = benchmark.shape_volume(rng)
    target = benchmark.TARGET_INTERVALS_PER_AGENT * agents

    def at(scale: float) -> np.ndarray:
        return np.stack([benchmark.requirement_for(shape * scale / clients)] * clients)

    low, high = 0.0, 1.0
    while at(high).sum() < target:
        low, high = high, high * 2.0
    for _ in range(60):
        middle = 0.5 * (low + high)
        if at(middle).sum() >= target:
            high = middle
        else:
            low = middle
        if high - low <= 1e-9 * high:
            break
    return at(high)


class Command(BaseCommand):
    help = __doc__.splitlines()[0] if __doc__ else ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agents", type=int, default=200)
        parser.add_argument("--clients", type=int, default=2)
        parser.add_argument("--time-limit", type=int, default=60)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--no-publish", action="store_true", help="Store the drafts but do not publish them."
        )

    def handle(self, *args, **options) -> None:
        agents, clients = int(options["agents"]), int(options["clients"])
        if agents < 1 or not 1 <= clients <= 20:
            raise CommandError("--agents must be at least 1 and --clients 1 to 20")
        seed, limit = int(options["seed"]), int(options["time_limit"])
        week = _week()
        started = time.perf_counter()
        user = self._user()
        bench_clients = [self._client(k + 1) for k in range(clients)]
        self._clear(bench_clients)
        lines = self._requirements(bench_clients, week, split_requirement(agents, clients, seed))
        self._roster(agents, seed, bench_clients, week)
        setup_s = time.perf_counter() - started
        self.stdout.write(
            f"setup: {clients} clients, {agents} agents, requirement written in {setup_s:.1f} s "
            f"(week of {week})"
        )

        timings: dict = {}
        run_started = time.perf_counter()
        run = plan_week_now(
            user=user,
            week_starts_on=week,
            clients=bench_clients,
            time_limit_seconds=limit,
            time_zone=ZONE,
            timings=timings,
        )
        run_s = time.perf_counter() - run_started
        if run.status != "ready":
            raise CommandError(f"The planning run failed: {run.error}")
        total = run.figures["total"]
        for key in ("coverage_pct", "shortfall_hours", "over_hours", "cost", "objective"):
            self.stdout.write(f"  {key}: {total[key]}")
        self.stdout.write(
            f"  lower_bound: {total['lower_bound']}  method: {total['method']}  "
            f"status: {total['status']}  run: {run_s:.1f} s"
        )
        publish_s = 0.0
        if not options["no_publish"]:
            publish_started = time.perf_counter()
            for client in bench_clients:
                with tenant_context(client):
                    plan = Plan.objects.get(planning_run_id=run.pk, status=PlanStatus.DRAFT)
                    publish_plan(plan=plan, user=user)
            publish_s = time.perf_counter() - publish_started
        del lines
        self.stdout.write(
            f"agents={agents} clients={clients} shifts={total['shifts']} "
            f"gap_pct={total['gap_pct']:.3f} solve_s={timings.get('solve_s', 0):.1f} "
            f"store_s={timings.get('store_s', 0):.1f} publish_s={publish_s:.1f} "
            f"peak_mb={_peak_mb():.0f}"
        )

    # --- the instance ------------------------------------------------------------------------

    def _user(self) -> User:
        user = User.objects.filter(email=USER_EMAIL).first()
        if user is None:
            user = User.objects.create_user(email=USER_EMAIL, full_name="Bench planner")
            Membership.objects.create(user=user, role=Role.PROVIDER_ADMIN)
        return user

    def _client(self, number: int) -> Client:
        slug = SLUG.format(number)
        client = Client.objects.filter(slug=slug).first()
        if client is None:
            from tenants.services import create_client_now

            self.stdout.write(f"creating client {slug} ...")
            client = create_client_now(
                data={
                    "name": f"Bench plan {number}",
                    "legal_name": f"Bench plan {number} Ltd.",
                    "slug": slug,
                    "industry": "ecommerce",
                    "country": "US",
                    "time_zone": ZONE,
                    "currency": "USD",
                    "billing_model": "per_hour",
                    "billing_contact_name": "Bench Payer",
                    "billing_contact_email": f"billing@{slug}.invalid",
                    "admin_full_name": "Bench Admin",
                    "admin_email": f"admin@{slug}.invalid",
                },
                requested_by=None,
            )
        return client

    def _clear(self, clients: list[Client]) -> None:
        """Remove what an earlier bench run left: its agents, bookings, runs and plans."""
        agents = Agent.objects.filter(employee_number__startswith="BENCH-")
        Booking.objects.filter(client__in=clients).delete()
        Booking.objects.filter(agent__in=agents).delete()
        for run in PlanningRun.objects.filter(clients__in=clients).distinct():
            run.delete()
        agents.delete()
        for client in clients:
            with tenant_context(client):
                Plan.objects.all().delete()
                Forecast.objects.all().delete()

    @transaction.atomic
    def _requirements(self, clients: list[Client], week: date, required: np.ndarray) -> dict:
        start = datetime.combine(week, clock_time(0), tzinfo=UTC)
        step = timedelta(minutes=30)
        lines_of = {}
        for k, client in enumerate(clients):
            with tenant_context(client):
                ServiceLine.objects.exclude(name__in=[n for n, _ in LINES]).update(
                    status=ServiceLineStatus.PAUSED
                )
                lines = []
                for q, (name, skill) in enumerate(LINES):
                    line = ServiceLine.objects.filter(
                        name=name
                    ).first() or ServiceLine.objects.create(
                        name=name, channel="voice", direction="inbound"
                    )
                    line.status = ServiceLineStatus.ACTIVE
                    line.required_skills = [skill]
                    line.languages = []
                    line.save(update_fields=["status", "required_skills", "languages"])
                    forecast = Forecast.objects.create(
                        service_line=line,
                        version=1,
                        status="ready",
                        weeks=1,
                        starts_at=start,
                        ends_at=start + timedelta(days=7),
                        interval_minutes=30,
                        time_zone=ZONE,
                        completed_at=datetime.now(UTC),
                    )
                    StaffingRequirement.objects.bulk_create(
                        StaffingRequirement(
                            forecast=forecast,
                            starts_at=start + t * step,
                            volume=0.0,
                            aht_seconds=benchmark.QUEUE_AHT_SECONDS[q],
                            workload_erlangs=0.0,
                            required_agents=int(required[k, q, t]),
                            scheduled_agents=int(required[k, q, t]),
                        )
                        for t in range(required.shape[2])
                    )
                    lines.append(line)
                lines_of[client.pk] = lines
        return lines_of

    @transaction.atomic
    def _roster(self, count: int, seed: int, clients: list[Client], week: date) -> None:
        problem = benchmark.build_benchmark(count, seed)
        skills = {name: Skill.objects.get_or_create(name=name)[0] for _, name in LINES}
        templates = {}
        for name, (minutes, starts) in TEMPLATES.items():
            template, _ = ShiftTemplate.objects.update_or_create(
                name=name,
                defaults={
                    "length_minutes": minutes,
                    "start_times": [clock_time(s // 2, 30 * (s % 2)) for s in starts],
                    "paid_break_minutes": 0,
                    "is_active": True,
                },
            )
            templates[name] = template
        rows = []
        for index, engine_agent in enumerate(problem.agents):
            full_time = engine_agent.contract == "full_time"
            rows.append(
                Agent(
                    employee_number=EMPLOYEE.format(index + 1),
                    full_name=f"Bench agent {index + 1}",
                    time_zone=ZONE,
                    min_hours_per_week=Decimal(32 if full_time else 12),
                    max_hours_per_week=Decimal(40 if full_time else 20),
                    days_per_week=5,
                    hourly_cost=Decimal(str(engine_agent.hourly_cost)),
                    cost_currency="USD",
                    availability={}
                    if engine_agent.works_nights
                    else {
                        day: "05:00-24:00"
                        for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
                    },
                    starts_on=date(2020, 1, 1),
                )
            )
        created = Agent.objects.bulk_create(rows, batch_size=1000)
        AgentSkill.objects.bulk_create(
            AgentSkill(agent=agent, skill=skills[name], level=3)
            for agent, engine_agent in zip(created, problem.agents, strict=True)
            for name in engine_agent.skills
        )
        AgentServiceLine.objects.bulk_create(
            AgentServiceLine(agent=agent, client=client) for agent in created for client in clients
        )
        through = Agent.shift_templates.through
        through.objects.bulk_create(
            through(
                agent_id=agent.pk,
                shifttemplate_id=templates[
                    "Bench eight hours"
                    if engine_agent.contract == "full_time"
                    else "Bench four hours"
                ].pk,
            )
            for agent, engine_agent in zip(created, problem.agents, strict=True)
        )
        time_off = []
        for agent, engine_agent in zip(created, problem.agents, strict=True):
            for day in sorted({t // 48 for t in engine_agent.unavailable_intervals}):
                off = week + timedelta(days=day)
                time_off.append(
                    TimeOffRequest(
                        agent=agent,
                        starts_on=off,
                        ends_on=off,
                        kind="other",
                        status=TimeOffStatus.APPROVED,
                        days=Decimal(1),
                    )
                )
        TimeOffRequest.objects.bulk_create(time_off, batch_size=2000)
