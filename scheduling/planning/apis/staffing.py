from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response

from bpo.accounts.roles import Action
from bpo.api.base import ClientScopedAPIView
from bpo.api.schema import NOT_AUTHENTICATED, NOT_FOUND, invalid_response
from scheduling.planning.calculator import calculate, summary_payload
from scheduling.planning.serializers.staffing import (
    StaffingInputSerializer,
    StaffingResultSerializer,
)


class StaffingCalculatorApi(ClientScopedAPIView):
    """Agents needed for one interval (Erlang C, or Erlang A with ``patience_seconds``)."""

    action_rights = {"POST": Action.USE_STAFFING_CALCULATOR}

    @extend_schema(
        operation_id="staffing_calculate",
        request=StaffingInputSerializer,
        responses={
            200: StaffingResultSerializer,
            400: invalid_response(
                {
                    "target_level_percent": [
                        "Target service level must be above 0 % and at most 100 %, got 120 %."
                    ]
                }
            ),
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND,
        },
        examples=[
            OpenApiExample(
                "80/20 for 100 calls in 30 minutes",
                request_only=True,
                value={
                    "calls": 100,
                    "interval_minutes": 30,
                    "aht_seconds": 180,
                    "target_level_percent": 80,
                    "target_seconds": 20,
                    "max_occupancy_percent": 85,
                    "shrinkage_percent": 30,
                },
            ),
            OpenApiExample(
                "Result",
                response_only=True,
                value={
                    "model": "erlang_c",
                    "traffic_erlangs": 10.0,
                    "agents": 14,
                    "scheduled_agents": 20,
                    "service_level": 0.88835,
                    "probability_of_waiting": 0.174132,
                    "asa_seconds": 7.836,
                    "occupancy": 0.7143,
                    "probability_of_abandon": None,
                    "meets_target": True,
                },
            ),
        ],
    )
    def post(self, request, client_slug: str):
        serializer = StaffingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        summary = calculate(serializer.to_scenario())
        return Response(StaffingResultSerializer(summary_payload(summary)).data)
