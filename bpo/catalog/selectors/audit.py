"""Reads of the catalog's change history (see ``bpo.catalog.audit``), paged for the pages'
``_audit_trail.html``: each page's ``object_list`` holds ``feed_entry`` dicts, its ``changes`` the same grouped per
change."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from bpo.audit.models import LogEntry
from bpo.catalog import audit
from bpo.catalog.models import EscalationPath, EscalationTier, ScriptVersion

HISTORY_PER_PAGE = 20


def history_page(entries: QuerySet[LogEntry], page_number) -> Page:
    page = Paginator(entries, HISTORY_PER_PAGE).get_page(page_number)
    described: list[Any] = [audit.feed_entry(entry) for entry in page.object_list]
    page.object_list = described
    # One item per change (actor and instant), not per row it touched.
    page.changes = audit.group_feed(described)  # type: ignore[attr-defined]
    return page


def service_line_history_page(*, service_line_id: int, page_number) -> Page:
    """The line's history with everything on it (hours, overrides, script, path, tiers)."""
    return history_page(audit.history_of_service_line(service_line_id), page_number)


def script_version_history_page(*, version: ScriptVersion, page_number) -> Page:
    """The version's history and its sections' and variables' (removed ones too)."""
    version_type = ContentType.objects.get_for_model(ScriptVersion)
    return history_page(
        audit.history_queryset().filter(
            Q(content_type=version_type, object_id=version.pk)
            | Q(additional_data__script_version=version.pk)
        ),
        page_number,
    )


def escalation_history_page(*, path: EscalationPath, page_number) -> Page:
    """The history of the path and its tiers (removed ones too)."""
    types = ContentType.objects.get_for_models(EscalationPath, EscalationTier)
    return history_page(
        audit.history_queryset().filter(
            content_type__in=list(types.values()),
            additional_data__service_line=path.service_line_id,
        ),
        page_number,
    )
