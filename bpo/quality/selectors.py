"""Reads of QA scorecards. Run with the client's schema active.

Whoever may view scorecards (``Action.VIEW_SCORECARDS``, checked at the edge) sees every
version of every scorecard of the client; an id that is not the client's does not exist
(``NotFoundError``), whatever the reason.
"""

from __future__ import annotations

from django.core.paginator import Page
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from bpo.catalog.selectors.audit import history_page
from bpo.errors import NotFoundError
from bpo.quality import audit, scoring
from bpo.quality.models import (
    Scorecard,
    ScorecardCriterion,
    ScorecardSection,
    ScorecardVersion,
    ScorecardVersionStatus,
)
from bpo.quality.services import version_spec

Status = ScorecardVersionStatus


def _version_of(status: str):
    return ScorecardVersion.objects.filter(scorecard=OuterRef("pk"), status=status)


def list_scorecards(*, service_line_id: int | None = None) -> QuerySet[Scorecard]:
    """Scorecards with their line, ``published_version_id`` / ``published_number`` and
    ``draft_version_id`` / ``draft_number`` annotated (one query)."""
    scorecards = (
        Scorecard.objects.select_related("service_line")
        .annotate(
            published_version_id=Subquery(_version_of(Status.PUBLISHED).values("pk")[:1]),
            published_number=Subquery(_version_of(Status.PUBLISHED).values("number")[:1]),
            draft_version_id=Subquery(_version_of(Status.DRAFT).values("pk")[:1]),
            draft_number=Subquery(_version_of(Status.DRAFT).values("number")[:1]),
            version_count=Count("versions", distinct=True),
        )
        .order_by("name", "pk")
    )
    if service_line_id is not None:
        scorecards = scorecards.filter(service_line_id=service_line_id)
    return scorecards


def get_scorecard(*, scorecard_id) -> Scorecard:
    try:
        return list_scorecards().get(pk=scorecard_id)
    except (Scorecard.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such scorecard.") from None


def version_queryset() -> QuerySet[ScorecardVersion]:
    """Versions with their sections and criteria in order, in a fixed number of queries."""
    return ScorecardVersion.objects.select_related(
        "scorecard", "scorecard__service_line", "based_on", "created_by", "published_by"
    ).prefetch_related(
        Prefetch(
            "sections",
            queryset=ScorecardSection.objects.order_by("position").prefetch_related(
                Prefetch("criteria", queryset=ScorecardCriterion.objects.order_by("position"))
            ),
        )
    )


def list_scorecard_versions(*, scorecard_id: int | None = None) -> QuerySet[ScorecardVersion]:
    """Newest first per scorecard, with their content."""
    versions = version_queryset().order_by("scorecard__name", "scorecard_id", "-number")
    if scorecard_id is not None:
        versions = versions.filter(scorecard_id=scorecard_id)
    return versions


def list_scorecard_version_rows(*, scorecard_id: int) -> QuerySet[ScorecardVersion]:
    """A scorecard's versions for a table (no content), with their numbers of sections and
    criteria."""
    return (
        ScorecardVersion.objects.filter(scorecard_id=scorecard_id)
        .select_related("created_by", "published_by", "based_on")
        .annotate(
            section_count=Count("sections", distinct=True),
            criterion_count=Count("sections__criteria", distinct=True),
        )
        .order_by("-number")
    )


def access_scorecard_version(*, version_id, scorecard_id: int | None = None) -> ScorecardVersion:
    """One version (of ``scorecard_id`` when given), or ``NotFoundError``."""
    try:
        return list_scorecard_versions(scorecard_id=scorecard_id).get(pk=version_id)
    except (ScorecardVersion.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such scorecard version.") from None


def access_scorecard_section(*, version: ScorecardVersion, section_id) -> ScorecardSection:
    for section in version.sections.all():
        if str(section.pk) == str(section_id):
            return section
    raise NotFoundError("No such section.")


def access_scorecard_criterion(*, section: ScorecardSection, criterion_id) -> ScorecardCriterion:
    for criterion in section.criteria.all():
        if str(criterion.pk) == str(criterion_id):
            return criterion
    raise NotFoundError("No such criterion.")


def published_version_of(*, scorecard: Scorecard) -> ScorecardVersion | None:
    return version_queryset().filter(scorecard=scorecard, status=Status.PUBLISHED).first()


def scorecard_spec(version: ScorecardVersion) -> scoring.ScorecardSpec:
    """The version as the scoring module reads it (criteria keyed by their id as text)."""
    return version_spec(version)


def scorecard_history_page(*, scorecard: Scorecard, page_number) -> Page:
    """The scorecard's history with all its versions, sections and criteria (removed ones
    too), as the catalog's activity feed shows it."""
    return history_page(audit.history_of_scorecard(scorecard.pk), page_number)


def has_published_scorecard() -> bool:
    """Whether the client has a scorecard with a published version (the pilot checklist's
    item reads the same filter)."""
    return Scorecard.objects.filter(Q(versions__status=Status.PUBLISHED)).exists()
