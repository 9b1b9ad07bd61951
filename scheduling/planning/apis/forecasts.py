"""The forecast API under ``/api/v1/clients/<slug>/forecasts/``: list and read versions, start
a run (a background job: poll the forecast until ``status`` is ``ready`` or ``failed``),
adjust a version, and read a version's staffing requirement. Reading needs
``Action.VIEW_FORECAST`` (provider staff), running ``RUN_FORECAST``, adjusting
``ADJUST_FORECAST``; the base class checks membership first (another client's users: 404)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from bpo.accounts.roles import Action
from bpo.api.base import ClientScopedViewSet
from bpo.api.schema import REFUSALS, error_response, invalid_response
from bpo.catalog.selectors.service_lines import get_service_line
from bpo.errors import DomainError
from scheduling.planning.models import Forecast
from scheduling.planning.selectors import forecasts as selectors
from scheduling.planning.serializers.forecasts import (
    AdjustForecastSerializer,
    ForecastAdjustmentSerializer,
    ForecastDetailSerializer,
    ForecastSerializer,
    RequirementSerializer,
    StartForecastSerializer,
)
from scheduling.planning.services import forecasts as services

FORECAST_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The forecast run."
)
LINE_FILTER = OpenApiParameter(
    "service_line", OpenApiTypes.INT, OpenApiParameter.QUERY, description="Only this line's runs."
)
TOO_LITTLE_HISTORY = invalid_response(
    {
        "service_line": [
            "Billing hotline has 3.0 weeks of statistics (...); a forecast needs at least 8 weeks."
        ]
    }
)
RUNNING = error_response(
    "Another run of the line is in progress.",
    "conflict",
    "A forecast of Billing hotline is running already.",
)


@extend_schema_view(
    list=extend_schema(
        summary="List forecast runs (newest first)",
        tags=["forecasts"],
        parameters=[LINE_FILTER],
        responses={200: ForecastSerializer(many=True), **REFUSALS},
    ),
    retrieve=extend_schema(
        summary="One forecast run, with its intervals and adjustments",
        description="Accuracy is measured again when the line's statistics for the forecast's weeks changed.",
        tags=["forecasts"],
        parameters=[FORECAST_ID],
        responses={200: ForecastDetailSerializer, **REFUSALS},
    ),
    create=extend_schema(
        summary="Start a forecast run (background job)",
        tags=["forecasts"],
        request=StartForecastSerializer,
        responses={202: ForecastSerializer, 400: TOO_LITTLE_HISTORY, 409: RUNNING, **REFUSALS},
    ),
)
class ForecastViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientScopedViewSet):
    action_rights = {
        "list": Action.VIEW_FORECAST,
        "retrieve": Action.VIEW_FORECAST,
        "create": Action.RUN_FORECAST,
        "adjust": Action.ADJUST_FORECAST,
        "requirement": Action.VIEW_FORECAST,
    }
    serializer_class = ForecastSerializer
    lookup_value_regex = r"\d+"
    model = Forecast

    def select_rows(self):
        line = self.request.query_params.get("service_line")
        line_id = int(line) if line and line.isdecimal() else None
        return selectors.list_forecasts(service_line_id=line_id)

    def select_row(self):
        return selectors.get_forecast(forecast_id=self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        return response

    def retrieve(self, request, *args, **kwargs):
        forecast = services.settle_forecast(forecast=self.get_object())
        forecast = services.refresh_forecast_accuracy(forecast=forecast)
        return Response(ForecastDetailSerializer(forecast, context={"request": request}).data)

    def create(self, request, *args, **kwargs):
        serializer = StartForecastSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            line = get_service_line(service_line_id=serializer.validated_data["service_line"])
        except DomainError:
            raise DomainError("No such service line.", field="service_line") from None
        forecast = services.start_forecast(
            service_line=line, weeks=serializer.validated_data["weeks"], actor=request.user
        )
        forecast = selectors.get_forecast(forecast_id=forecast.pk)
        return Response(
            ForecastSerializer(forecast, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(
        summary="Adjust a forecast version by a percentage over a day or a range, with a reason",
        tags=["forecasts"],
        parameters=[FORECAST_ID],
        request=AdjustForecastSerializer,
        responses={
            201: ForecastAdjustmentSerializer,
            400: invalid_response(
                {"reason": ["Say why the forecast changes (a campaign, an outage, ...)."]}
            ),
            **REFUSALS,
        },
    )
    @action(detail=True, methods=["post"])
    def adjust(self, request, *args, **kwargs):
        forecast = self.get_object()
        serializer = AdjustForecastSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        adjustment = services.adjust_forecast(
            forecast=forecast,
            request=services.AdjustmentRequest(
                scope=data["scope"],
                percent=data["percent"],
                reason=data["reason"],
                day=data.get("day"),
                starts_at=data.get("starts_at"),
                ends_at=data.get("ends_at"),
            ),
            actor=request.user,
        )
        return Response(
            ForecastAdjustmentSerializer(adjustment).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="The staffing requirement of a forecast version, per interval",
        tags=["forecasts"],
        parameters=[FORECAST_ID],
        responses={200: RequirementSerializer, **REFUSALS},
    )
    @action(detail=True, methods=["get"])
    def requirement(self, request, *args, **kwargs):
        forecast = self.get_object()
        payload = {
            "forecast": forecast.pk,
            "version": forecast.version,
            "model": forecast.requirement_model or None,
            "inputs": forecast.requirement_inputs,
            "note": forecast.requirement_note,
            "intervals": list(selectors.requirement_rows(forecast=forecast)),
        }
        return Response(RequirementSerializer(payload).data)
