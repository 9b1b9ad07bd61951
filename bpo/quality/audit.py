"""The change history of scorecards, kept by django-auditlog in the client's own schema (the
same ``bpo.audit.LogEntry`` as the catalog's). Services write inside
``bpo.catalog.audit.audit_actor`` (through this module's :func:`audit_actor`); child rows name
their scorecard in ``additional_data``, so a scorecard's page shows the history of all of it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from bpo.audit.models import LogEntry
from bpo.audit.services import audit_actor as audit_actor  # the app's writes name their actor
from bpo.audit.services import register_audited_models

# A calibration session's stored figures are derived from its scores: not history.
_NOISE_FIELDS = {"created_at", "updated_at", "agreement"}
OBJECT_TYPES = (
    "scorecard",
    "scorecardversion",
    "scorecardsection",
    "scorecardcriterion",
    "samplingplan",
    "sampledraw",
    "calibrationsession",
    "evaluation",
    "evaluationanswer",
    "dispute",
)


def register_models() -> None:
    register_audited_models("quality", OBJECT_TYPES, noise_fields=_NOISE_FIELDS)


def history_of_scorecard(scorecard_id: int) -> QuerySet[LogEntry]:
    """Entries of the scorecard and of everything on it, newest first."""
    return (
        LogEntry.objects.filter(content_type__app_label="quality")
        .filter(
            Q(content_type__model="scorecard", object_id=scorecard_id)
            | Q(additional_data__scorecard=scorecard_id)
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")
    )


def history_of_evaluation(evaluation_id: int) -> QuerySet[LogEntry]:
    """Entries of the evaluation, its answers and its disputes, newest first."""
    return (
        LogEntry.objects.filter(content_type__app_label="quality")
        .filter(
            Q(content_type__model="evaluation", object_id=evaluation_id)
            | Q(additional_data__evaluation=evaluation_id)
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")
    )
