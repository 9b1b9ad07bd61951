"""The OpenAPI examples and documented answers of the staffing calculator API
(``scheduling.planning.apis.staffing``), imported there as ``docs``.

Each example is a body its serializer gives or takes (``tests/api/test_schema_examples.py``
checks it against the schema). The answers every operation shares (401/403/404, the client
slug, a bad filter's 400, a page past the end) come from ``bpo.api.schema.ProjectAutoSchema``.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample

from bpo.api.schema import invalid_response

STAFFING_CALCULATOR_POST_EXAMPLES = [
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
]

STAFFING_CALCULATOR_POST_400 = invalid_response(
    {
        "target_level_percent": [
            "Target service level must be above 0 % and at most 100 %, got 120 %."
        ]
    }
)
