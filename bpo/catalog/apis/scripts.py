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
    CLIENT_SLUG,
    NOT_AUTHENTICATED,
    NOT_FOUND,
    REFUSALS,
    error_response,
    invalid_response,
    page_of,
)
from bpo.catalog import diff, rendering
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

SCRIPT_EXAMPLE = {
    "id": 3,
    "service_line": 4,
    "service_line_name": "Billing support",
    "title": "Billing support script",
    "published_version": 12,
    "published_number": 2,
    "created_at": "2026-11-23T09:30:00Z",
}
SECTIONS_EXAMPLE = [
    {
        "position": 1,
        "title": "Greeting",
        "body": "Thank you for calling ShopRight, this is {{agent_name}}. How can I help?",
    },
    {
        "position": 2,
        "title": "Verification",
        "body": "May I have your order number?\n\n- Confirm **{{customer_name}}**'s e-mail.",
    },
]
VARIABLES_EXAMPLE = [
    {"name": "agent_name", "description": "The agent's first name.", "sample_value": "Sam"},
    {"name": "customer_name", "description": "From the CRM.", "sample_value": "Jane Doe"},
]
VERSION_EXAMPLE = {
    "id": 12,
    "script": 3,
    "service_line": 4,
    "number": 2,
    "status": "in_review",
    "status_label": "In review",
    "change_summary": "Shorter greeting; verify the e-mail address.",
    "based_on": 11,
    "based_on_number": 1,
    "sections": SECTIONS_EXAMPLE,
    "variables": VARIABLES_EXAMPLE,
    "workflow_actions": ["approve", "return"],
    "created_by": "am@bpo.example",
    "created_at": "2026-11-23T09:30:00Z",
    "updated_at": "2026-11-23T09:41:00Z",
    "submitted_by": "am@bpo.example",
    "submitted_at": "2026-11-23T09:41:00Z",
    "reviewed_by": None,
    "reviewed_at": None,
    "review_comment": "",
    "published_by": None,
    "published_at": None,
    "retired_at": None,
}
SECTIONS_INPUT_EXAMPLE = [{"title": s["title"], "body": s["body"]} for s in SECTIONS_EXAMPLE]
VERSION_INPUT_EXAMPLE = {
    "script": 3,
    "change_summary": "Shorter greeting; verify the e-mail address.",
    "sections": SECTIONS_INPUT_EXAMPLE,
    "variables": VARIABLES_EXAMPLE,
}
DIFF_EXAMPLE = {
    "before": {"id": 11, "number": 1, "status": "published"},
    "after": {"id": 12, "number": 2, "status": "in_review"},
    "is_identical": False,
    "change_summary": {
        "before": "First version",
        "after": "Shorter greeting; verify the e-mail address.",
        "is_changed": True,
    },
    "sections": [
        {
            "status": "changed",
            "title": {"before": "Greeting", "after": "Greeting"},
            "position": {"before": 1, "after": 1},
            "lines": [
                {
                    "kind": "removed",
                    "text": "Good morning and thank you for calling ShopRight Online.",
                    "before_line": 1,
                    "after_line": None,
                },
                {
                    "kind": "added",
                    "text": "Thank you for calling ShopRight, this is {{agent_name}}.",
                    "before_line": None,
                    "after_line": 1,
                },
            ],
        },
        {
            "status": "added",
            "title": {"before": None, "after": "Verification"},
            "position": {"before": None, "after": 2},
            "lines": [
                {
                    "kind": "added",
                    "text": "May I have your order number?",
                    "before_line": None,
                    "after_line": 1,
                }
            ],
        },
    ],
    "variables": [
        {
            "name": "customer_name",
            "status": "added",
            "before": None,
            "after": {"name": "customer_name", "description": "", "sample_value": "Jane Doe"},
        }
    ],
}
RENDERED_EXAMPLE = {
    "id": 12,
    "number": 2,
    "status": "published",
    "sections": [
        {
            "position": 1,
            "title": "Greeting",
            "html": '<p>Thank you for calling ShopRight, this is <span class="script-variable" '
            'data-variable="agent_name">Sam</span>. How can I help?</p>',
        }
    ],
}
CONTENT_INVALID = invalid_response(
    {"sections.1.body": ["Undeclared variable {{account_id}} in section “Verification”."]}
)


def _conflict(message: str):
    return error_response("The version's status does not allow this.", "conflict", message)


VERSION_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The version's id."
)


def _workflow_schema(summary: str, description: str, conflict: str, request=None, examples=()):
    return extend_schema(
        summary=summary,
        description=description,
        parameters=[CLIENT_SLUG, VERSION_ID],
        request=request,
        responses={
            200: ScriptVersionSerializer,
            **REFUSALS,
            409: _conflict(conflict),
            **(
                {400: invalid_response({"comment": [services.RETURN_COMMENT_REQUIRED]})}
                if request is not None
                else {}
            ),
        },
        examples=[
            *examples,
            OpenApiExample("The version", value=VERSION_EXAMPLE, response_only=True),
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
        parameters=[CLIENT_SLUG],
        responses={200: ScriptSerializer(many=True), 401: NOT_AUTHENTICATED, 404: NOT_FOUND},
        examples=[OpenApiExample("A page", value=page_of(SCRIPT_EXAMPLE), response_only=True)],
    ),
    retrieve=extend_schema(
        summary="One script",
        parameters=[CLIENT_SLUG],
        responses={200: ScriptSerializer, 401: NOT_AUTHENTICATED, 404: NOT_FOUND},
        examples=[OpenApiExample("A script", value=SCRIPT_EXAMPLE, response_only=True)],
    ),
    create=extend_schema(
        summary="Create a service line's script",
        description="A line has at most one script (409 if it has one). Write versions next.",
        parameters=[CLIENT_SLUG],
        request=ScriptInputSerializer,
        responses={
            201: ScriptSerializer,
            400: invalid_response({"title": ["Give the script a title."]}),
            **REFUSALS,
            409: error_response(
                "The line has a script already.",
                "conflict",
                "This service line already has a script.",
                {"service_line": ["This service line already has a script."]},
            ),
        },
        examples=[
            OpenApiExample(
                "A script",
                request_only=True,
                value={"service_line": 4, "title": "Billing support script"},
            ),
            OpenApiExample(
                "Created",
                response_only=True,
                value={**SCRIPT_EXAMPLE, "published_version": None, "published_number": None},
            ),
        ],
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
        parameters=[CLIENT_SLUG],
        responses={
            200: ScriptVersionSerializer(many=True),
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND,
        },
        examples=[OpenApiExample("A page", value=page_of(VERSION_EXAMPLE), response_only=True)],
    ),
    retrieve=extend_schema(
        summary="One script version",
        description="With its sections (in order) and variables. Agents: published only.",
        parameters=[CLIENT_SLUG, VERSION_ID],
        responses={200: ScriptVersionSerializer, 401: NOT_AUTHENTICATED, 404: NOT_FOUND},
        examples=[OpenApiExample("A version", value=VERSION_EXAMPLE, response_only=True)],
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
        parameters=[CLIENT_SLUG],
        request=ScriptVersionInputSerializer,
        responses={
            201: ScriptVersionSavedSerializer,
            400: CONTENT_INVALID,
            **REFUSALS,
        },
        examples=[
            OpenApiExample("A draft", request_only=True, value=VERSION_INPUT_EXAMPLE),
            OpenApiExample(
                "A new draft from version 2",
                request_only=True,
                value={"script": 3, "based_on": 12, "change_summary": "Holiday greeting"},
            ),
            OpenApiExample(
                "Created",
                response_only=True,
                value={
                    **VERSION_EXAMPLE,
                    "status": "draft",
                    "status_label": "Draft",
                    "workflow_actions": ["submit"],
                    "submitted_by": None,
                    "submitted_at": None,
                    "warnings": [],
                },
            ),
        ],
    ),
    partial_update=extend_schema(
        summary="Change a draft",
        description=(
            "Only drafts change (409 otherwise: published and retired versions never do; edits "
            "make a new draft). Given `sections` / `variables` replace all of them; "
            "`warnings` says what unsafe markup was taken out of the given bodies."
        ),
        parameters=[CLIENT_SLUG, VERSION_ID],
        request=ScriptVersionPatchSerializer,
        responses={
            200: ScriptVersionSavedSerializer,
            400: CONTENT_INVALID,
            **REFUSALS,
            409: _conflict("Only a draft can be edited; this one is in review."),
        },
        examples=[
            OpenApiExample(
                "New wording",
                request_only=True,
                value={
                    "change_summary": "Friendlier closing",
                    "sections": SECTIONS_INPUT_EXAMPLE,
                },
            ),
            OpenApiExample(
                "Changed",
                response_only=True,
                value={
                    **VERSION_EXAMPLE,
                    "status": "draft",
                    "status_label": "Draft",
                    "warnings": [
                        "Section “Greeting”: removed a <script> element (a script may not run "
                        "code or change the page); the rest was saved."
                    ],
                },
            ),
        ],
    ),
    destroy=extend_schema(
        summary="Delete a draft",
        parameters=[CLIENT_SLUG, VERSION_ID],
        responses={
            204: None,
            **REFUSALS,
            409: _conflict("Only a draft can be deleted; this one is approved."),
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
            CLIENT_SLUG,
            VERSION_ID,
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
            400: invalid_response({"against": ["Compare with another version of this script."]}),
            **REFUSALS,
        },
        examples=[OpenApiExample("A diff", value=DIFF_EXAMPLE, response_only=True)],
    ),
    rendered=extend_schema(
        summary="A version as sanitised HTML",
        description=(
            "Each section's Markdown as HTML with the variables' sample values, sanitised "
            "(no scripts, styles, event handlers or `javascript:` links)."
        ),
        parameters=[CLIENT_SLUG, VERSION_ID],
        responses={
            200: RenderedVersionSerializer,
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND,
        },
        examples=[OpenApiExample("Rendered", value=RENDERED_EXAMPLE, response_only=True)],
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
