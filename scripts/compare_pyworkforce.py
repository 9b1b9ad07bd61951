"""Compare the weekly optimiser with pyworkforce's shift schedulers on the same demand.

pyworkforce (0.5, OR-Tools CP-SAT) chooses *anonymous* shift counts per day: no named agents,
no skills, no weekly limits, no rest between days, and a shift must fit inside one day. So the
comparison is only "where its model allows":

- demand is pooled over the three queues (pyworkforce has no skills);
- the 22:00 night shift crosses midnight and cannot be expressed: it is dropped, and
  MinRequiredResources (which must cover every period) gets a requirement of zero in the hours
  no remaining shift can reach (00:00-05:00 and after 24:00);
- our own plan is measured on the same pooled terms: sum over intervals of
  |pooled coverage - pooled requirement|, paid hours and shift count.

Two steps, two virtualenvs (pyworkforce and ortools are not project dependencies)::

    .venv/bin/python scripts/compare_pyworkforce.py export --agents 200 --seed 1 \
        --time-limit 120 --out /tmp/demand.json          # our generator and our solver
    /tmp/pwf/bin/python scripts/compare_pyworkforce.py compare /tmp/demand.json \
        --time-limit 120                                  # pyworkforce on the same demand
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

PER_DAY = 48


def export(args: argparse.Namespace) -> None:
    """Write the benchmark demand, shift templates and our plan's pooled figures to JSON."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import numpy as np

    from scheduling.engine.optimiser.benchmark import build_benchmark
    from scheduling.engine.optimiser.solve import solve_schedule

    problem = build_benchmark(args.agents, args.seed)
    started = time.perf_counter()
    plan = solve_schedule(problem, time_limit=args.time_limit, seed=args.seed)
    seconds = time.perf_counter() - started
    pooled_requirement = np.asarray(problem.requirement).sum(axis=0)
    pooled_coverage = plan.coverage.sum(axis=0)
    shifts = [s for week in plan.shifts for s in week if s is not None]
    hours = sum(problem.templates[s.template].length_intervals / 2 for s in shifts)
    data = {
        "agents": args.agents,
        "seed": args.seed,
        "requirement": pooled_requirement.tolist(),
        "templates": {
            name: {"length": t.length_intervals, "starts": list(t.start_intervals)}
            for name, t in problem.templates.items()
        },
        "ours": {
            "objective": plan.objective,
            "lower_bound": plan.lower_bound,
            "pooled_abs_difference": int(np.abs(pooled_coverage - pooled_requirement).sum()),
            "pooled_under": int(np.maximum(pooled_requirement - pooled_coverage, 0).sum()),
            "pooled_over": int(np.maximum(pooled_coverage - pooled_requirement, 0).sum()),
            "shifts": len(shifts),
            "paid_hours": hours,
            "seconds": round(seconds, 1),
        },
    }
    Path(args.out).write_text(json.dumps(data))
    print(f"wrote {args.out}: ours {data['ours']}")


def compare(args: argparse.Namespace) -> None:
    """Run MinAbsDifference and MinRequiredResources on the exported demand and report."""
    import numpy as np
    from pyworkforce.scheduling import MinAbsDifference, MinRequiredResources

    data = json.loads(Path(args.demand).read_text())
    requirement = np.array(data["requirement"]).reshape(7, PER_DAY)
    coverage: dict[str, list[int]] = {}
    hours: dict[str, int] = {}
    for name, template in data["templates"].items():
        for start in template["starts"]:
            if start + template["length"] > PER_DAY:
                continue  # crosses midnight: not expressible in pyworkforce
            row = [0] * PER_DAY
            for i in range(template["length"]):
                row[start + i] = 1
            key = f"{name}@{start:02d}"
            coverage[key] = row
            hours[key] = template["length"] // 2
    matrix = np.array(list(coverage.values()))
    reachable = matrix.max(axis=0) > 0
    concurrency = int(max(data["agents"], requirement.max()))
    print(
        f"agents={data['agents']} seed={data['seed']} pooled requirement={int(requirement.sum())} "
        f"({int(requirement[:, ~reachable].sum())} in hours no day shift reaches)"
    )
    ours = data["ours"]
    print(
        f"ours (named agents, skills, rest, limits): objective={ours['objective']:.0f} "
        f"lower_bound={ours['lower_bound']:.0f} pooled |diff|={ours['pooled_abs_difference']} "
        f"(under {ours['pooled_under']}, over {ours['pooled_over']}) shifts={ours['shifts']} "
        f"paid_hours={ours['paid_hours']:.0f} seconds={ours['seconds']}"
    )
    for label, scheduler in (
        (
            "MinAbsDifference",
            MinAbsDifference(
                num_days=7,
                periods=PER_DAY,
                shifts_coverage=coverage,
                required_resources=requirement.tolist(),
                max_period_concurrency=concurrency,
                max_shift_concurrency=concurrency,
                max_search_time=args.time_limit,
                num_search_workers=2,
            ),
        ),
        (
            "MinRequiredResources",
            MinRequiredResources(
                num_days=7,
                periods=PER_DAY,
                shifts_coverage=coverage,
                required_resources=np.where(reachable, requirement, 0).tolist(),
                max_period_concurrency=concurrency,
                max_shift_concurrency=concurrency,
                cost_dict=hours,
                max_search_time=args.time_limit,
                num_search_workers=2,
            ),
        ),
    ):
        started = time.perf_counter()
        solution = scheduler.solve()
        seconds = time.perf_counter() - started
        counts = np.zeros((7, len(coverage)), dtype=int)
        names = list(coverage)
        for entry in solution["resources_shifts"]:
            if entry["day"] >= 0:
                counts[entry["day"], names.index(entry["shift"])] = entry["resources"]
        covered = counts @ matrix
        difference = covered - requirement
        shifts = int(counts.sum())
        paid = int((counts * np.array([hours[n] for n in names])).sum())
        print(
            f"pyworkforce {label}: status={solution['status']} pooled |diff|="
            f"{int(np.abs(difference).sum())} (under {int(np.maximum(-difference, 0).sum())}, "
            f"over {int(np.maximum(difference, 0).sum())}) shifts={shifts} paid_hours={paid} "
            f"agents_needed_at_5_shifts>={-(-shifts // 5)} seconds={seconds:.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    steps = parser.add_subparsers(dest="step", required=True)
    out = steps.add_parser("export")
    out.add_argument("--agents", type=int, default=200)
    out.add_argument("--seed", type=int, default=1)
    out.add_argument("--time-limit", type=float, default=120.0)
    out.add_argument("--out", default="/tmp/demand.json")
    run = steps.add_parser("compare")
    run.add_argument("demand")
    run.add_argument("--time-limit", type=float, default=120.0)
    args = parser.parse_args()
    export(args) if args.step == "export" else compare(args)


if __name__ == "__main__":
    main()
