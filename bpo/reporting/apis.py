"""Weekly reports over the API (``/api/v1/clients/<slug>/reports/``): list them (newest
first), read one (with its metrics snapshot), download its PDF, and ask for a new revision of a
week (202: a worker renders it; poll the report or its job).

Reading needs ``view_reports``; regenerating ``manage_reports``.
"""

from __future__ import annotations

from typing import cast

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, renderers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from bpo.accounts.models import User
from bpo.accounts.roles import Action
from bpo.api.base import ClientScopedViewSet
from bpo.api.schema import error_response, invalid_response
from bpo.reporting import selectors, services
from bpo.reporting.models import WeeklyReport
from bpo.reporting.serializers import (
    RegenerateSerializer,
    WeeklyReportDetailSerializer,
    WeeklyReportSerializer,
)
from scheduling.planning.selectors.sla import IsoWeek

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The id.")


class PdfRenderer(renderers.BaseRenderer):
    """Lets a client ask for ``Accept: application/pdf``; errors still answer JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return renderers.JSONRenderer().render(data)


@extend_schema_view(
    list=extend_schema(
        summary="List weekly reports",
        description="Newest week first, newest revision first within a week.",
        tags=["reports"],
        responses={200: WeeklyReportSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="One weekly report",
        description="With its metrics `snapshot`: every figure of the report with its target, "
        "result and source.",
        tags=["reports"],
        parameters=[ID],
        responses={200: WeeklyReportDetailSerializer},
    ),
)
class WeeklyReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientScopedViewSet):
    model = WeeklyReport
    action_rights = {
        "list": Action.VIEW_REPORTS,
        "retrieve": Action.VIEW_REPORTS,
        "pdf": Action.VIEW_REPORTS,
        "regenerate": Action.MANAGE_REPORTS,
    }
    serializer_class = WeeklyReportSerializer
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        if getattr(self, "action", None) == "retrieve":
            return WeeklyReportDetailSerializer
        return WeeklyReportSerializer

    def get_renderers(self):
        if getattr(self, "action", None) == "pdf":
            return [renderers.JSONRenderer(), PdfRenderer()]
        return super().get_renderers()

    def select_rows(self):
        return selectors.list_reports()

    def select_row(self):
        return selectors.access_report(report_id=self.kwargs["pk"])

    @extend_schema(
        summary="Download a report's PDF",
        description="The PDF as an attachment; its SHA-256 is the report's `sha256`. 404 "
        "while the report is still being rendered.",
        tags=["reports"],
        parameters=[ID],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The PDF."
            )
        },
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, client_slug: str, pk=None):
        report = self.get_object()
        if not report.is_ready:
            raise Http404("This report has no PDF yet.")
        response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{report.file_name}"'
        return response

    @extend_schema(
        summary="Regenerate a week's report",
        description="A new revision of the week's report (earlier revisions stay). A worker "
        "renders it: the answer is 202 with the queued report; poll it until `status` is "
        "`ready`.",
        tags=["reports"],
        request=RegenerateSerializer,
        responses={
            202: WeeklyReportSerializer,
            400: invalid_response({"week": ['Week "48" is not an ISO week.']}),
            409: error_response(
                "A revision of the week is being rendered.",
                "conflict",
                "Revision 2 of week 2026-W48 is being rendered; wait for it.",
            ),
        },
    )
    @action(detail=False, methods=["post"])
    def regenerate(self, request, client_slug: str):
        serializer = RegenerateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        week = IsoWeek.parse(serializer.validated_data["week"])
        report = services.regenerate_weekly_report(week=week, actor=cast(User, request.user))
        return Response(
            WeeklyReportSerializer(report, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )
