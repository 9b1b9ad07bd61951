"""Reads of escalation paths and tiers, and the resolver over them. Run them with the client's
schema active."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch, QuerySet

from bpo.catalog import resolver
from bpo.catalog.models import EscalationPath, EscalationTier, ServiceLine
from bpo.catalog.selectors.service_lines import weekly_hours_of
from bpo.errors import NotFoundError


def _tiers_by_level() -> Prefetch:
    return Prefetch("tiers", queryset=EscalationTier.objects.order_by("level"))


def list_escalation_paths(*, service_line_id: int | None = None) -> QuerySet[EscalationPath]:
    """Every path with its line and its tiers (by level) in three queries."""
    paths = EscalationPath.objects.select_related("service_line").prefetch_related(
        _tiers_by_level()
    )
    if service_line_id is not None:
        paths = paths.filter(service_line_id=service_line_id)
    return paths.order_by("service_line__name", "id")


def get_escalation_path(*, path_id: int) -> EscalationPath:
    try:
        return list_escalation_paths().get(pk=path_id)
    except (EscalationPath.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such escalation path.", code="not_found") from None


def escalation_path_of_line(*, service_line: ServiceLine) -> EscalationPath | None:
    """The line's path with its tiers, or ``None`` when it has none yet."""
    path = list_escalation_paths(service_line_id=service_line.pk).first()
    if path is not None:
        path.service_line = service_line
    return path


def get_escalation_tier(*, tier_id: int) -> EscalationTier:
    try:
        return EscalationTier.objects.select_related("path__service_line").get(pk=tier_id)
    except (EscalationTier.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such escalation tier.", code="not_found") from None


def resolver_tier(tier: EscalationTier) -> resolver.Tier:
    return resolver.Tier(
        id=tier.pk,
        level=tier.level,
        trigger_kind=tier.trigger_kind,
        respond_within_minutes=tier.respond_within_minutes,
        coverage=tier.coverage,
        category=tier.category,
        min_severity=tier.min_severity,
        unresolved_minutes=tier.unresolved_minutes,
        contact_name=tier.contact_name,
        contact_role=tier.contact_role,
        channel=tier.channel,
        phone=tier.phone,
        email=tier.email,
    )


def resolve_escalation(
    *, path: EscalationPath, client, severity: int, category: str, at: datetime
) -> resolver.Resolution:
    """Who to contact about an issue on the path's line at ``at`` (aware), and who next."""
    return resolver.resolve(
        [resolver_tier(tier) for tier in path.tiers.all()],
        weekly_hours_of(service_line=path.service_line, client=client),
        severity=severity,
        category=category,
        at=at,
    )
