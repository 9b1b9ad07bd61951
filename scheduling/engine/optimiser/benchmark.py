"""The weekly scheduling benchmark instance (docs: ../shared/benchmarks/scheduling.md) and its runner.

``build_benchmark(agents, seed)`` is deterministic: one ``numpy.random.default_rng(seed)`` drives
every random choice, in a fixed order. Where the benchmark page leaves room, this module decides:

- Weekday factors fall *linearly* from 1.15 (Monday) to 0.45 (Sunday).
- The intraday profile is the sum of Gaussian bumps at 10:30 and 14:30 (height 1, sd 2 h)
  and 19:30 (height 0.5, sd 1.5 h), normalised to a peak of 1, floored at 0.03 (3 % of the
  peak). Each queue/interval volume gets independent multiplicative noise N(1, 0.05), clipped
  at zero, so different seeds give different demand.
- Requirement: Erlang C agents for 80 % within 20 s with occupancy <= 85 % (the staffing module),
  then ``max(raw, floor(raw / 0.9 + 0.5))`` - the page says *rounded*, not rounded up, so this
  deliberately differs from ``scheduled_agents`` (which rounds up for the staffing calculator).
- Volume scale: bisection for the *smallest* scale whose total requirement reaches
  60 agent-intervals per agent (the total is a step function of the scale, so it is >= 60 N and
  in practice equal to it or one or two above).
- Agent attributes use exact shares (largest remainder) shuffled over the agents: skill sets
  50/20/18/12 %, 70 % full-time, 10 % who cannot work nights (drawn over all agents; it only bites
  for full-time agents, since part-time shifts never reach the night). Each agent then gets
  ``integers(0, 3)`` days off, chosen uniformly without replacement.
- A day off is the whole calendar day, so a 22:00 shift the evening before is forbidden too.
- Night: a shift covering any interval between 00:00 and 05:00, i.e. exactly the 22:00 shift.
- Shifts are paid for their full length and have no break (the page mentions none), and a shift
  belongs to the day it starts on, also for the weekend rule.
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import sys
import time

import numpy as np

from scheduling.engine.erlang import required_agents_series
from scheduling.engine.optimiser.model import (
    Agent,
    AgentHistory,
    BreakRule,
    Contract,
    Penalties,
    Preference,
    Rules,
    SchedulingProblem,
    ShiftPlan,
    ShiftTemplate,
)

INTERVALS_PER_DAY = 48
DAYS = 7
INTERVAL_SECONDS = 1800
QUEUES = ("general", "spanish", "billing")
QUEUE_SHARE = (0.65, 0.20, 0.15)
QUEUE_AHT_SECONDS = (300.0, 360.0, 420.0)
SKILL_SETS = (
    frozenset({"general"}),
    frozenset({"general", "spanish"}),
    frozenset({"general", "billing"}),
    frozenset({"general", "spanish", "billing"}),
)
SKILL_SHARE = (0.50, 0.20, 0.18, 0.12)
SKILL_HOURLY_COST = (10.0, 11.0, 11.0, 12.0)
FULL_TIME_SHARE = 0.70
NO_NIGHT_SHARE = 0.10
TARGET_INTERVALS_PER_AGENT = 60
SHRINKAGE = 0.10


def weekday_factors() -> np.ndarray:
    """Monday 1.15 falling linearly to Sunday 0.45."""
    return np.linspace(1.15, 0.45, DAYS)


def intraday_profile() -> np.ndarray:
    """Relative volume per half hour of a day: peaks 10:30 and 14:30, smaller 19:30, 3 % floor."""
    hours = np.arange(INTERVALS_PER_DAY) / 2.0

    def bump(centre: float, sd: float) -> np.ndarray:
        return np.exp(-0.5 * ((hours - centre) / sd) ** 2)

    profile = bump(10.5, 2.0) + bump(14.5, 2.0) + 0.5 * bump(19.5, 1.5)
    profile /= profile.max()
    return np.maximum(profile, 0.03)


def shape_volume(rng: np.random.Generator) -> np.ndarray:
    """Unscaled volume per (queue, interval) with its noise."""
    base = np.outer(weekday_factors(), intraday_profile()).reshape(-1)
    noise = np.clip(rng.normal(1.0, 0.05, size=(len(QUEUES), base.size)), 0.0, None)
    return np.array(QUEUE_SHARE)[:, None] * base[None, :] * noise


def requirement_for(volume: np.ndarray) -> np.ndarray:
    """Scheduled agents per (queue, interval): Erlang C 80/20, occupancy <= 85 %, 10 % shrinkage."""
    raw = np.vstack(
        [
            np.asarray(
                required_agents_series(
                    volumes=volume[q],
                    interval_seconds=INTERVAL_SECONDS,
                    aht_seconds=QUEUE_AHT_SECONDS[q],
                    target_level=0.80,
                    target_seconds=20.0,
                    max_occupancy=0.85,
                ),
                dtype=np.int64,
            )
            for q in range(len(QUEUES))
        ]
    )
    scheduled = np.floor(raw / (1.0 - SHRINKAGE) + 0.5).astype(np.int64)
    return np.maximum(raw, scheduled)


def scaled_requirement(shape: np.ndarray, target_total: int) -> tuple[np.ndarray, float]:
    """Bisect the volume scale for the smallest one whose requirement totals >= target_total."""
    if target_total <= 0:
        return np.zeros(shape.shape, dtype=np.int64), 0.0
    low, high = 0.0, 1.0
    while requirement_for(shape * high).sum() < target_total:
        low, high = high, high * 2.0
    for _ in range(60):
        middle = 0.5 * (low + high)
        if requirement_for(shape * middle).sum() >= target_total:
            high = middle
        else:
            low = middle
        if high - low <= 1e-9 * high:
            break
    return requirement_for(shape * high), high


def _exact_shares(count: int, shares: tuple[float, ...]) -> np.ndarray:
    """Labels 0..k-1 in the given shares, by largest remainder (so 50 agents give 25/10/9/6)."""
    quotas = np.array(shares) * count
    counts = np.floor(quotas).astype(np.int64)
    order = np.argsort(-(quotas - counts), kind="stable")
    counts[order[: count - counts.sum()]] += 1
    return np.repeat(np.arange(len(shares)), counts)


def build_benchmark(agents: int, seed: int) -> SchedulingProblem:
    """The benchmark instance for ``agents`` agents and ``seed`` (see the module docstring)."""
    rng = np.random.default_rng(seed)
    shape = shape_volume(rng)
    requirement, _ = scaled_requirement(shape, TARGET_INTERVALS_PER_AGENT * agents)
    skill_of = rng.permutation(_exact_shares(agents, SKILL_SHARE))
    full_time = rng.permutation(_exact_shares(agents, (FULL_TIME_SHARE, 1 - FULL_TIME_SHARE))) == 0
    no_night = rng.permutation(_exact_shares(agents, (NO_NIGHT_SHARE, 1 - NO_NIGHT_SHARE))) == 0
    roster = []
    for index in range(agents):
        days_off = rng.choice(DAYS, size=int(rng.integers(0, 3)), replace=False)
        unavailable = frozenset(
            int(day) * INTERVALS_PER_DAY + i for day in days_off for i in range(INTERVALS_PER_DAY)
        )
        roster.append(
            Agent(
                name=f"agent-{index + 1:04d}",
                skills=SKILL_SETS[skill_of[index]],
                contract="full_time" if full_time[index] else "part_time",
                hourly_cost=SKILL_HOURLY_COST[skill_of[index]],
                unavailable_intervals=unavailable,
                works_nights=not no_night[index],
            )
        )
    templates = {
        "eight_hours": ShiftTemplate(
            name="eight_hours",
            length_intervals=16,
            start_intervals=(*range(10, 33), 44),
        ),
        "four_hours": ShiftTemplate(
            name="four_hours", length_intervals=8, start_intervals=tuple(range(16, 39))
        ),
    }
    contracts = {
        "full_time": Contract("full_time", ("eight_hours",), 4, 5, 32.0, 40.0),
        "part_time": Contract("part_time", ("four_hours",), 3, 5, 12.0, 20.0),
    }
    return SchedulingProblem(
        queues=QUEUES,
        requirement=requirement,
        agents=tuple(roster),
        contracts=contracts,
        templates=templates,
        rules=Rules(),
        penalties=Penalties(),
    )


def with_rules(
    problem: SchedulingProblem, seed: int, *, preferences: int = 0, rules: bool = False
) -> SchedulingProblem:
    """The benchmark instance with the scheduler rules of issue 10 switched on (not on the page).

    ``preferences`` agents (drawn with their own generator, so the instance itself is unchanged)
    get an unwanted day (weight 40) and a preferred start window (weight 5 per shift).
    ``rules`` adds: at most 5 consecutive days and days off at least 2 in a row for both
    contracts, at most 3 weekends in 4 weeks, no day shift the day after a night shift (the
    22:00 start becomes its own template of kind "night"), lunch 30 min between hours 3 and 5 and
    two 15-min breaks for 8-hour shifts, one 15-min break for 4-hour shifts, and a random history
    per agent (half worked Sunday after a run of 1-4 days, half had 1-3 days off up to Sunday;
    0-3 weekends worked before).
    With neither, the problem is returned as it is.
    """
    if not preferences and not rules:
        return problem
    rng = np.random.default_rng(seed + 10_000)
    agents = list(problem.agents)
    templates = dict(problem.templates)
    contracts = dict(problem.contracts)
    settings = problem.rules
    if rules:
        eight = templates["eight_hours"]
        breaks = (
            BreakRule("break 1", 15, 60, 150),
            BreakRule("lunch", 30, 180, 300),
            BreakRule("break 2", 15, 330, 420),
        )
        templates = {
            "eight_hours": dataclasses.replace(
                eight,
                start_intervals=tuple(s for s in eight.start_intervals if s != 44),
                kind="day",
                breaks=breaks,
            ),
            "night": ShiftTemplate("night", 16, (44,), kind="night", breaks=breaks),
            "four_hours": dataclasses.replace(
                templates["four_hours"], kind="day", breaks=(BreakRule("break", 15, 90, 150),)
            ),
        }
        contracts = {
            "full_time": dataclasses.replace(
                contracts["full_time"],
                templates=("eight_hours", "night"),
                max_consecutive_days=5,
                min_consecutive_days_off=2,
                max_weekends_per_4_weeks=3,
            ),
            "part_time": dataclasses.replace(
                contracts["part_time"],
                max_consecutive_days=5,
                min_consecutive_days_off=2,
                max_weekends_per_4_weeks=3,
            ),
        }
        settings = dataclasses.replace(settings, forbidden_successions=(("night", "day"),))
        for index, agent in enumerate(agents):
            worked = int(rng.choice([0, 0, 0, 0, 1, 2, 3, 4]))
            history = AgentHistory(
                consecutive_days_worked=worked,
                days_off_run=0 if worked else int(rng.choice([1, 2, 2, 3])),
                weekends_worked_previous_3=int(rng.integers(0, 4)),
                last_shift_kind="night" if worked and rng.random() < 0.1 else "",
            )
            agents[index] = dataclasses.replace(agent, history=history)
    for index in sorted(rng.choice(len(agents), size=min(preferences, len(agents)), replace=False)):
        start = int(rng.integers(16, 30))
        wishes = (
            Preference(40.0, day=int(rng.integers(0, DAYS))),
            Preference(5.0, wanted=True, earliest_start=start, latest_start=start + 4),
        )
        agents[int(index)] = dataclasses.replace(agents[int(index)], preferences=wishes)
    return dataclasses.replace(
        problem, agents=tuple(agents), templates=templates, contracts=contracts, rules=settings
    )


def peak_memory_mb() -> float:
    """Peak resident memory of this process (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def bench_line(agents: int, seed: int, plan: ShiftPlan, seconds: float) -> str:
    """The one closing line the benchmark page and the issue ask for."""
    return (
        f"agents={agents} seed={seed} objective={plan.objective:.1f} "
        f"lower_bound={plan.lower_bound:.1f} gap_pct={plan.gap_pct:.3f} "
        f"under={int(plan.under.sum())} over={int(plan.over.sum())} cost={plan.cost:.1f} "
        f"seconds={seconds:.1f} peak_mb={peak_memory_mb():.0f}"
    )


def report_lines(problem: SchedulingProblem, plan: ShiftPlan) -> list[str]:
    """A short human report printed before the closing line."""
    requirement = np.asarray(problem.requirement)
    full_time = sum(1 for a in problem.agents if a.contract == "full_time")
    lines = [
        f"instance: {len(problem.agents)} agents ({full_time} full-time), "
        f"requirement {int(requirement.sum())} agent-intervals, "
        f"peak {int(requirement.sum(axis=0).max())} agents",
        f"method: {plan.method}; status: {plan.status}",
        f"weekend_days_beyond_one={plan.weekend_days_beyond_free} mip_bound={plan.mip_bound:.1f}",
    ]
    for q, queue in enumerate(problem.queues):
        lines.append(
            f"  {queue:<8} required={int(requirement[q].sum())} "
            f"covered={int(plan.coverage[q].sum())} under={int(plan.under[q].sum())} "
            f"over={int(plan.over[q].sum())}"
        )
    return lines


def run_benchmark(
    agents: int,
    seed: int,
    time_limit: float,
    *,
    threads: int = 1,
    verbose: bool = False,
    preferences: int = 0,
    rules: bool = False,
) -> tuple[SchedulingProblem, ShiftPlan, list[str]]:
    """Build, solve and report; returns the report lines, the last one being the bench line.

    ``preferences`` / ``rules`` switch on the issue-10 variant (:func:`with_rules`); the default
    is the benchmark page's instance.
    """
    from scheduling.engine.optimiser.breaks import net_under
    from scheduling.engine.optimiser.solve import solve_schedule

    started = time.perf_counter()
    problem = with_rules(build_benchmark(agents, seed), seed, preferences=preferences, rules=rules)
    built = time.perf_counter() - started
    plan = solve_schedule(
        problem, time_limit=time_limit, threads=threads, seed=seed, verbose=verbose
    )
    seconds = time.perf_counter() - started
    lines = [f"instance built in {built:.1f} s", *report_lines(problem, plan)]
    if preferences or rules:
        lines.append(
            f"variant: preferences={preferences} rules={rules} "
            f"preference_cost={plan.preference_cost:.1f} "
            f"under_net_of_breaks={net_under(problem, plan):.1f}"
        )
    lines.append(bench_line(agents, seed, plan, seconds))
    return problem, plan, lines


def main(argv: list[str] | None = None) -> int:
    """``python -m scheduling.engine.optimiser.benchmark --agents 200 --seed 1 --time-limit 120``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--preferences", type=int, default=0, help="agents with preferences")
    parser.add_argument("--rules", action="store_true", help="switch on the issue-10 rules")
    args = parser.parse_args(argv)
    _, _, lines = run_benchmark(
        args.agents,
        args.seed,
        args.time_limit,
        threads=args.threads,
        verbose=args.verbose,
        preferences=args.preferences,
        rules=args.rules,
    )
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
