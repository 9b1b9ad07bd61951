"""The planning app's models, one module per part (statistics, imports, forecasts, ...)."""

from scheduling.planning.models.customer_experience import (  # noqa: F401
    ContactExperience,
    CustomerExperienceImport,
    DailyExperience,
    ExperienceImportKind,
    ExperienceSource,
)
from scheduling.planning.models.forecasts import (  # noqa: F401
    AdjustmentScope,
    Forecast,
    ForecastAdjustment,
    ForecastInterval,
    ForecastMethod,
    ForecastStatus,
    RequirementModel,
    StaffingRequirement,
)
from scheduling.planning.models.imports import (  # noqa: F401
    DurationUnit,
    ImportFormat,
    ImportSource,
    ImportStatus,
    StatisticsImport,
)
from scheduling.planning.models.plans import (  # noqa: F401
    ActivityKind,
    Plan,
    PlanRevision,
    PlanShift,
    PlanStatus,
)
from scheduling.planning.models.sla_projection import SlaProjectionSnapshot  # noqa: F401
from scheduling.planning.models.statistics import (  # noqa: F401
    COUNT_FIELDS,
    SECONDS_FIELDS,
    IntervalStatistic,
    PlanningSettings,
)
