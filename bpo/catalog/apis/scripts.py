"""Scripts and their versions over the API (``/api/v1/clients/<slug>/scripts/`` and
``/script-versions/``), with the review workflow as actions on a version.

Reading needs ``view_catalog``; agents (no ``view_script_drafts``) see only published versions,
others do not exist for them. Writes need the workflow action's own right (see
``ACTION_RIGHTS``); the services check the version's status.
"""

from __future__ import annotations

from typing import cast

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from bpo.accounts.models import User
from bpo.accounts.roles import Action
from bpo.api.base import ClientScopedViewSet
from bpo.api.schema import (
    invalid_response,
)
from bpo.catalog import diff, rendering
from bpo.catalog.api_examples import scripts as docs
from bpo.catalog.models import Script, ScriptVersion, ScriptVersionStatus
from bpo.catalog.selectors import scripts as selectors
from bpo.catalog.selectors.service_lines import get_service_line
from bpo.catalog.serializers.scripts import (
    RenderedVersionSerializer,
    ReturnToDraftSerializer,
    ScriptInputSerializer,
    ScriptSerializer,
    ScriptVersionDiffSerializer,
    ScriptVersionInputSerializer,
    ScriptVersionPatchSerializer,
    ScriptVersionSavedSerializer,
    ScriptVersionSerializer,
)
from bpo.catalog.services import scripts as services
from bpo.errors import DomainError

# --- documentation pieces -------------------------------------------------------------------------


def _workflow_schema(summary: str, description: str, conflict: str, request=None, examples=()):
    return extend_schema(
        summary=summary,
        description=description,
        parameters=[docs.VERSION_ID],
        request=request,
        responses={
            200: ScriptVersionSerializer,
            409: docs.conflict(conflict),
            **(
                {400: invalid_response({"comment": [services.RETURN_COMMENT_REQUIRED]})}
                if request is not None
                else {}
            ),
        },
        examples=[
            *examples,
            OpenApiExample("The version", value=docs.VERSION_EXAMPLE, response_only=True),
        ],
    )


def _id_or_none(text: str) -> int | None:
    """A query parameter as a row id, or ``None``: ASCII digits only ("²" is a digit to
    ``str.isdigit`` but no number to ``int``), short enough for a bigint."""
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)


# --- filters --------------------------------------------------------------------------------------


class ScriptFilter(django_filters.FilterSet):
    service_line = django_filters.NumberFilter(field_name="service_line_id")

    class Meta:
        model = Script
        fields = ["service_line"]


class ScriptVersionFilter(django_filters.FilterSet):
    script = django_filters.NumberFilter(field_name="script_id")
    service_line = django_filters.NumberFilter(field_name="script__service_line_id")
    status = django_filters.ChoiceFilter(choices=ScriptVersionStatus.choices)

    class Meta:
        model = ScriptVersion
        fields = ["script", "service_line", "status"]


# --- scripts --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List scripts",
        description="One script per service line, with its published version (if any).",
        responses={200: ScriptSerializer(many=True)},
        examples=docs.SCRIPT_LIST_EXAMPLES,
    ),
    retrieve=extend_schema(
        summary="One script",
        responses={200: ScriptSerializer},
        examples=docs.SCRIPT_RETRIEVE_EXAMPLES,
    ),
    create=extend_schema(
        summary="Create a service line's script",
        description="A line has at most one script (409 if it has one). Write versions next.",
        request=ScriptInputSerializer,
        responses={
            201: ScriptSerializer,
            400: docs.SCRIPT_CREATE_400,
            409: docs.SCRIPT_CREATE_409,
        },
        examples=docs.SCRIPT_CREATE_EXAMPLES,
    ),
)
class ScriptViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ClientScopedViewSet
):
    model = Script
    action_rights = {
        "list": Action.VIEW_CATALOG,
        "retrieve": Action.VIEW_CATALOG,
        "create": Action.PROPOSE_SCRIPT,
    }
    serializer_class = ScriptSerializer
    filterset_class = ScriptFilter
    ordering_fields = ["created_at", "title"]
    lookup_value_regex = r"\d+"

    def select_rows(self):
        return selectors.list_scripts()

    def select_row(self):
        return selectors.get_script(script_id=self.kwargs["pk"])

    def create(self, request, client_slug: str):
        serializer = ScriptInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            line = get_service_line(service_line_id=serializer.validated_data["service_line"])
        except DomainError:
            raise DomainError("No such service line.", field="service_line") from None
        script = services.create_script(
            service_line=line,
            title=serializer.validated_data["title"],
            actor=cast(User, request.user),
        )
        return Response(
            ScriptSerializer(selectors.get_script(script_id=script.pk)).data,
            status=status.HTTP_201_CREATED,
        )


# --- versions -------------------------------------------------------------------------------------

# The viewset's method of each workflow step, where it is not the step's name ("return" is a
# keyword); the rights themselves are the services' ``WORKFLOW`` table.
WORKFLOW_METHODS = {name: name for name in services.WORKFLOW} | {"return": "return_to_draft"}
ACTION_RIGHTS = {
    "list": Action.VIEW_CATALOG,
    "retrieve": Action.VIEW_CATALOG,
    "rendered": Action.VIEW_CATALOG,
    "diff": Action.VIEW_SCRIPT_DRAFTS,
    "create": Action.PROPOSE_SCRIPT,
    "partial_update": Action.PROPOSE_SCRIPT,
    "destroy": Action.PROPOSE_SCRIPT,
    **{WORKFLOW_METHODS[name]: step.right for name, step in services.WORKFLOW.items()},
}


@extend_schema_view(
    list=extend_schema(
        summary="List script versions",
        description=(
            "Newest first per script, each with its sections and variables. Agents see only "
            "published versions."
        ),
        responses={200: ScriptVersionSerializer(many=True)},
        examples=docs.SCRIPT_VERSION_LIST_EXAMPLES,
    ),
    retrieve=extend_schema(
        summary="One script version",
        description="With its sections (in order) and variables. Agents: published only.",
        parameters=[docs.VERSION_ID],
        responses={200: ScriptVersionSerializer},
        examples=docs.SCRIPT_VERSION_RETRIEVE_EXAMPLES,
    ),
    create=extend_schema(
        summary="Write a new draft",
        description=(
            "A draft numbered after the script's last version. With `based_on` it starts from "
            'that version\'s content ("edits make a new draft"); `sections` and `variables` '
            "given here replace the copied ones. Every `{{name}}` in a body must be declared "
            "in `variables`. Field errors are keyed `sections.<index>.title`, "
            "`sections.<index>.body`, `variables.<index>.name`, ... (0-based). Raw HTML that "
            "rendering would drop (a `<script>`, an `onclick`...) is taken out of the bodies "
            "before they are stored; `warnings` says what, per section."
        ),
        request=ScriptVersionInputSerializer,
        responses={
            201: ScriptVersionSavedSerializer,
            400: docs.CONTENT_INVALID,
        },
        examples=docs.SCRIPT_VERSION_CREATE_EXAMPLES,
    ),
    partial_update=extend_schema(
        summary="Change a draft",
        description=(
            "Only drafts change (409 otherwise: published and retired versions never do; edits "
            "make a new draft). Given `sections` / `variables` replace all of them; "
            "`warnings` says what unsafe markup was taken out of the given bodies."
        ),
        parameters=[docs.VERSION_ID],
        request=ScriptVersionPatchSerializer,
        responses={
            200: ScriptVersionSavedSerializer,
            400: docs.CONTENT_INVALID,
            409: docs.conflict("Only a draft can be edited; this one is in review."),
        },
        examples=docs.SCRIPT_VERSION_PARTIAL_UPDATE_EXAMPLES,
    ),
    destroy=extend_schema(
        summary="Delete a draft",
        parameters=[docs.VERSION_ID],
        responses={
            204: None,
            409: docs.conflict("Only a draft can be deleted; this one is approved."),
        },
    ),
    submit=_workflow_schema(
        "Send a draft for review",
        "Draft -> in review: the client's admins are asked to approve it.",
        "Only a draft can be sent for review; this one is approved.",
    ),
    approve=_workflow_schema(
        "Approve a version (client admins)",
        "In review -> approved. Only the client's own admins give this consent.",
        "Only a version in review can be approved; this one is a draft.",
    ),
    return_to_draft=_workflow_schema(
        "Send a version back with comments (client admins)",
        "In review -> draft. The comment stays on the version.",
        "Only a version in review can be sent back; this one is published.",
        request=ReturnToDraftSerializer,
        examples=[
            OpenApiExample(
                "Comments",
                request_only=True,
                value={"comment": "Please verify the postcode too."},
            )
        ],
    ),
    publish=_workflow_schema(
        "Publish an approved version",
        "Approved -> published. The version published before is retired at the same moment: "
        "a script has one published version.",
        "Only an approved version can be published; this one is in review.",
    ),
    retire=_workflow_schema(
        "Retire the published version",
        "Published -> retired; the line has no published script until another is published.",
        "Only the published version can be retired; this one is approved.",
    ),
    diff=extend_schema(
        summary="What changed between two versions",
        description=(
            "From the version given as `against` (before) to this one (after): sections "
            "matched by title, then position; bodies line by line; variables by name."
        ),
        parameters=[
            docs.VERSION_ID,
            OpenApiParameter(
                "against",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                required=True,
                description="The id of another version of the same script.",
            ),
        ],
        responses={
            200: ScriptVersionDiffSerializer,
            400: docs.SCRIPT_VERSION_DIFF_400,
        },
        examples=docs.SCRIPT_VERSION_DIFF_EXAMPLES,
    ),
    rendered=extend_schema(
        summary="A version as sanitised HTML",
        description=(
            "Each section's Markdown as HTML with the variables' sample values, sanitised "
            "(no scripts, styles, event handlers or `javascript:` links)."
        ),
        parameters=[docs.VERSION_ID],
        responses={200: RenderedVersionSerializer},
        examples=docs.SCRIPT_VERSION_RENDERED_EXAMPLES,
    ),
)
class ScriptVersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientScopedViewSet):
    model = ScriptVersion
    action_rights = ACTION_RIGHTS
    serializer_class = ScriptVersionSerializer
    filterset_class = ScriptVersionFilter
    ordering_fields = ["number", "created_at", "updated_at"]
    search_fields = ["change_summary", "script__title"]
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    @property
    def actor(self) -> User:
        return cast(User, self.request.user)

    def select_rows(self):
        return selectors.list_script_versions(user=self.actor, client=self.client)

    def select_row(self):
        return selectors.access_script_version(
            user=self.actor, client=self.client, version_id=self.kwargs["pk"]
        )

    def _answer(self, version: ScriptVersion, http_status=status.HTTP_200_OK) -> Response:
        fresh = selectors.access_script_version(
            user=self.actor, client=self.client, version_id=version.pk
        )
        return Response(ScriptVersionSerializer(fresh).data, status=http_status)

    def _answer_saved(self, version: ScriptVersion, sections, http_status) -> Response:
        """The saved version with ``warnings``: what saving took out of the given sections."""
        fresh = selectors.access_script_version(
            user=self.actor, client=self.client, version_id=version.pk
        )
        serializer = ScriptVersionSavedSerializer(
            fresh, context={"warnings": rendering.unsafe_markup_warnings(sections or [])}
        )
        return Response(serializer.data, status=http_status)

    def create(self, request, client_slug: str):
        serializer = ScriptVersionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            script = selectors.get_script(script_id=data["script"])
        except DomainError:
            raise DomainError("No such script.", field="script") from None
        based_on = None
        if data.get("based_on") is not None:
            try:
                based_on = selectors.access_script_version(
                    user=self.actor, client=self.client, version_id=data["based_on"]
                )
            except DomainError:
                raise DomainError("No such version.", field="based_on") from None
        version = services.create_script_version(
            script=script,
            change_summary=data["change_summary"],
            sections=data.get("sections"),
            variables=data.get("variables"),
            based_on=based_on,
            actor=self.actor,
        )
        return self._answer_saved(version, data.get("sections"), status.HTTP_201_CREATED)

    def partial_update(self, request, client_slug: str, pk=None):
        version = self.get_object()
        serializer = ScriptVersionPatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = services.update_script_draft(
            version=version,
            change_summary=data.get("change_summary"),
            sections=data.get("sections"),
            variables=data.get("variables"),
            actor=self.actor,
        )
        return self._answer_saved(version, data.get("sections"), status.HTTP_200_OK)

    def destroy(self, request, client_slug: str, pk=None):
        services.delete_script_draft(version=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _transition(self, name: str, comment: str = "") -> Response:
        version = services.run_transition(
            name=name, version=self.get_object(), actor=self.actor, comment=comment
        )
        return self._answer(version)

    @action(detail=True, methods=["post"])
    def submit(self, request, client_slug: str, pk=None):
        return self._transition("submit")

    @action(detail=True, methods=["post"])
    def approve(self, request, client_slug: str, pk=None):
        return self._transition("approve")

    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_to_draft(self, request, client_slug: str, pk=None):
        serializer = ReturnToDraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._transition("return", comment=serializer.validated_data["comment"])

    @action(detail=True, methods=["post"])
    def publish(self, request, client_slug: str, pk=None):
        return self._transition("publish")

    @action(detail=True, methods=["post"])
    def retire(self, request, client_slug: str, pk=None):
        return self._transition("retire")

    @action(detail=True, methods=["get"])
    def diff(self, request, client_slug: str, pk=None):
        version = self.get_object()
        against_id = _id_or_none(request.query_params.get("against", ""))
        against = None
        if against_id is not None and against_id != version.pk:
            against = (
                selectors.list_script_versions(
                    user=self.actor, client=self.client, script_id=version.script_id
                )
                .filter(pk=against_id)
                .first()
            )
        if against is None:
            raise DomainError("Compare with another version of this script.", field="against")
        result = diff.diff_versions(diff.content_of(against), diff.content_of(version))
        return Response(ScriptVersionDiffSerializer(result.as_dict()).data)

    @action(detail=True, methods=["get"])
    def rendered(self, request, client_slug: str, pk=None):
        version = self.get_object()
        samples = {v.name: v.sample_value for v in version.variables.all()}
        return Response(
            RenderedVersionSerializer(
                {
                    "id": version.pk,
                    "number": version.number,
                    "status": version.status,
                    "sections": rendering.render_sections(version.sections.all(), samples=samples),
                }
            ).data
        )
