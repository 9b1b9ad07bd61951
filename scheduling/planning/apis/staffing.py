from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from bpo.accounts.roles import Action
from bpo.api.base import ClientScopedAPIView
from scheduling.planning.api_examples import staffing as docs
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
            400: docs.STAFFING_CALCULATOR_POST_400,
        },
        examples=docs.STAFFING_CALCULATOR_POST_EXAMPLES,
    )
    def post(self, request, client_slug: str):
        serializer = StaffingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        summary = calculate(serializer.to_scenario())
        return Response(StaffingResultSerializer(summary_payload(summary)).data)
