"""Weekly shift optimiser: named agents, skills, contracts and rest rules, solved with HiGHS.

Entry points: :func:`solve_schedule` (plan a week), :func:`validate_plan` (check any plan against
every hard rule); the benchmark instance lives in ``benchmark`` (not imported here, so that
``python -m scheduling.engine.optimiser.benchmark`` runs it cleanly). See docs/scheduling-engine.md.
"""

from scheduling.engine.optimiser.model import (
    Agent,
    AgentHistory,
    AssignedShift,
    BreakRule,
    Contract,
    Penalties,
    PlacedBreak,
    Preference,
    Rules,
    SchedulingProblem,
    ShiftPlan,
    ShiftTemplate,
)
from scheduling.engine.optimiser.solve import solve_schedule
from scheduling.engine.optimiser.validate import Violation, validate_plan

__all__ = [
    "Agent",
    "AgentHistory",
    "AssignedShift",
    "BreakRule",
    "Contract",
    "Penalties",
    "PlacedBreak",
    "Preference",
    "Rules",
    "SchedulingProblem",
    "ShiftPlan",
    "ShiftTemplate",
    "Violation",
    "solve_schedule",
    "validate_plan",
]
