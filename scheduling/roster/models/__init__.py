"""The provider's roster (agents, teams, skills, time off) and the booking ledger that every
client's published plans write into, in the public schema. One module per part."""

from scheduling.roster.models.ledger import (  # noqa: F401
    Booking,
    CalendarFeed,
    PeriodLock,
    PlanningRun,
    PlanningRunStatus,
    ProductiveTime,
    ShiftSwap,
    SwapStatus,
    WorkedDay,
    WorkedSource,
)
from scheduling.roster.models.roster import (  # noqa: F401
    FORBIDDEN_SUCCESSIONS,
    KINDS_AGAINST_ALLOWANCE,
    WEEKDAY_NAMES,
    WEEKDAYS,
    Agent,
    AgentPreference,
    AgentServiceLine,
    AgentSkill,
    BreakKind,
    BreakRule,
    RosterEvent,
    RosterEventAction,
    ShiftKind,
    ShiftTemplate,
    Site,
    Skill,
    Team,
    TeamOffCap,
    TimeOffAllowance,
    TimeOffKind,
    TimeOffRequest,
    TimeOffStatus,
)
