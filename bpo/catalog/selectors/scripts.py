"""Reads of scripts and their versions. Run with the client's schema active.

Who sees what: everyone who may view the catalog sees a script's published version; only
holders of ``Action.VIEW_SCRIPT_DRAFTS`` see the others (agents read only what is published).
A version the user may not see does not exist for them (``NotFoundError``).
"""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from bpo.catalog.models import (
    Script,
    ScriptSection,
    ScriptVariable,
    ScriptVersion,
    ScriptVersionStatus,
    ServiceLine,
)
from bpo.catalog.rendering import variable_names_in
from bpo.errors import NotFoundError


def may_view_drafts(*, user, client) -> bool:
    return can(user, client, Action.VIEW_SCRIPT_DRAFTS)


def _published_versions() -> QuerySet[ScriptVersion]:
    return ScriptVersion.objects.filter(script=OuterRef("pk"), status=ScriptVersionStatus.PUBLISHED)


def list_scripts(*, service_line_id: int | None = None) -> QuerySet[Script]:
    """Scripts with ``published_version_id`` and ``published_number`` annotated (one query)."""
    scripts = (
        Script.objects.select_related("service_line")
        .annotate(
            published_version_id=Subquery(_published_versions().values("pk")[:1]),
            published_number=Subquery(_published_versions().values("number")[:1]),
        )
        .order_by("service_line__name", "pk")
    )
    if service_line_id is not None:
        scripts = scripts.filter(service_line_id=service_line_id)
    return scripts


def get_script(*, script_id) -> Script:
    try:
        return list_scripts().get(pk=script_id)
    except (Script.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such script.") from None


def script_of_line(*, service_line: ServiceLine) -> Script | None:
    return list_scripts(service_line_id=service_line.pk).first()


def version_queryset() -> QuerySet[ScriptVersion]:
    """Versions with everything their pages and the API show, in a fixed number of queries."""
    return ScriptVersion.objects.select_related(
        "script",
        "script__service_line",
        "based_on",
        "created_by",
        "submitted_by",
        "reviewed_by",
        "published_by",
    ).prefetch_related(
        Prefetch("sections", queryset=ScriptSection.objects.order_by("position")),
        Prefetch("variables", queryset=ScriptVariable.objects.order_by("name")),
    )


def _visible(versions: QuerySet[ScriptVersion], *, user, client) -> QuerySet[ScriptVersion]:
    if not may_view_drafts(user=user, client=client):
        versions = versions.filter(status=ScriptVersionStatus.PUBLISHED)
    return versions


def list_script_versions(
    *,
    user,
    client,
    script_id: int | None = None,
    service_line_id: int | None = None,
) -> QuerySet[ScriptVersion]:
    """The versions the user may see, newest first per script."""
    versions = version_queryset().order_by("script__service_line__name", "script_id", "-number")
    versions = _visible(versions, user=user, client=client)
    if script_id is not None:
        versions = versions.filter(script_id=script_id)
    if service_line_id is not None:
        versions = versions.filter(script__service_line_id=service_line_id)
    return versions


def list_script_version_choices(*, user, client, script_id: int) -> QuerySet[ScriptVersion]:
    """The script's versions the user may see, newest first, with only what a choice of
    versions shows (id, number, status, origin): no content, no users."""
    versions = ScriptVersion.objects.filter(script_id=script_id).only(
        "pk", "script_id", "number", "status", "based_on_id"
    )
    return _visible(versions, user=user, client=client).order_by("-number")


def access_script_version(
    *, user, client, version_id, service_line_id: int | None = None
) -> ScriptVersion:
    """One version the user may see (of ``service_line_id`` when given), or ``NotFoundError``."""
    try:
        return list_script_versions(user=user, client=client, service_line_id=service_line_id).get(
            pk=version_id
        )
    except (ScriptVersion.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such script version.") from None


def published_version_of(*, script: Script) -> ScriptVersion | None:
    return version_queryset().filter(script=script, status=ScriptVersionStatus.PUBLISHED).first()


def unused_variables(version: ScriptVersion) -> list[str]:
    """Declared variables no section uses: allowed (a draft may be half written), but shown
    as a warning on the version's page."""
    used = {name for section in version.sections.all() for name in variable_names_in(section.body)}
    return [variable.name for variable in version.variables.all() if variable.name not in used]


def rendered_sections_with_samples(version: ScriptVersion) -> list[dict]:
    """The version's sections as sanitised HTML, each variable showing its sample value (for
    readers outside the catalog: an agent's week; prefetch sections and variables)."""
    from bpo.catalog.rendering import render_sections

    samples = {variable.name: variable.sample_value for variable in version.variables.all()}
    return render_sections(version.sections.all(), samples=samples)
