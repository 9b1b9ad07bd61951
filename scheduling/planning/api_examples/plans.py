"""The OpenAPI examples and documented answers of the shift plan API
(``scheduling.planning.apis.plans``), imported there as ``docs``.

Each example is a body its serializer gives or takes (``tests/api/test_schema_examples.py``
checks it against the schema); the refusals are the services' own sentences."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

from bpo.api.schema import error_response, invalid_response

PLAN_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The plan.")
PLAN_OF_SHIFT = OpenApiParameter(
    "plan_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The plan."
)
SHIFT_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The plan's shift."
)

FIGURES = {
    "coverage_pct": 96.4,
    "required_hours": 412.0,
    "covered_hours": 397.0,
    "shortfall_hours": 15.0,
    "over_hours": 22.5,
    "planned_hours": 424.0,
    "shifts": 53,
    "agents": 12,
    "cost": 7632.0,
    "run_gap_pct": 0.4,
    "edited": True,
}
PLAN = {
    "id": 7,
    "week_starts_on": "2026-12-07",
    "time_zone": "Europe/Lisbon",
    "status": "draft",
    "status_label": "Draft",
    "revision": 0,
    "has_unpublished_changes": True,
    "planning_run": 31,
    "shift_count": 53,
    "agent_count": 12,
    "figures": FIGURES,
    "created_at": "2026-12-02T09:14:03Z",
    "updated_at": "2026-12-02T10:02:41Z",
    "published_at": None,
}
SHIFT = {
    "id": 4411,
    "agent": 12,
    "agent_name": "Ana Silva",
    "service_line": 3,
    "service_line_name": "Billing support",
    "starts_at": "2026-12-08T08:00:00Z",
    "ends_at": "2026-12-08T16:00:00Z",
    "hours": 8.0,
    "template_name": "Day",
    "activities": [
        {
            "start": "2026-12-08T08:00:00Z",
            "end": "2026-12-08T16:00:00Z",
            "kind": "work",
            "line": 3,
        }
    ],
    "is_manual": True,
    "updated_at": "2026-12-02T10:02:41Z",
}

PLAN_RETRIEVE_EXAMPLES = [OpenApiExample("A draft made by a planning run", value=PLAN)]
SHIFT_ADD_EXAMPLES = [
    OpenApiExample(
        "Ana on Tuesday, 08:00 to 16:00",
        request_only=True,
        value={
            "agent": 12,
            "service_line": 3,
            "starts_at": "2026-12-08T08:00:00Z",
            "ends_at": "2026-12-08T16:00:00Z",
        },
    ),
    OpenApiExample(
        "Added",
        response_only=True,
        status_codes=["201"],
        value={"summary": "Shift added.", "plan": PLAN, "shift": SHIFT},
    ),
]
SHIFT_MOVE_EXAMPLES = [
    OpenApiExample(
        "Two hours later, to Ben",
        request_only=True,
        value={"starts_at": "2026-12-08T10:00:00Z", "ends_at": "2026-12-08T18:00:00Z", "agent": 14},
    )
]
SHIFT_LINE_EXAMPLES = [
    OpenApiExample(
        "The afternoon on the order line",
        request_only=True,
        value={
            "starts_at": "2026-12-08T12:00:00Z",
            "ends_at": "2026-12-08T16:00:00Z",
            "service_line": 5,
        },
    )
]
PUBLISH_EXAMPLES = [
    OpenApiExample(
        "An amendment", request_only=True, value={"reason": "Ben called in sick on Tuesday."}
    ),
    OpenApiExample(
        "Revision 2",
        response_only=True,
        status_codes=["201"],
        value={
            "id": 19,
            "number": 2,
            "published_at": "2026-12-08T06:40:12Z",
            "published_by": "Sam Scheduler",
            "reason": "Ben called in sick on Tuesday.",
            "shift_count": 53,
            "changes": {
                "added": [],
                "removed": [],
                "moved": [
                    {
                        "agent_id": 12,
                        "agent": "Ana Silva",
                        "starts_at": "2026-12-08T08:00:00Z",
                        "ends_at": "2026-12-08T16:00:00Z",
                        "line_id": 3,
                        "shift_id": 4411,
                        "before": {
                            "agent_id": 14,
                            "agent": "Ben Ode",
                            "starts_at": "2026-12-08T08:00:00Z",
                            "ends_at": "2026-12-08T16:00:00Z",
                            "line_id": 3,
                        },
                    }
                ],
            },
            "figures": FIGURES,
        },
    ),
]

RULE_BROKEN = error_response(
    "The edit breaks hard rules of an agent's week; nothing changed. `fields.non_field_errors` "
    "names each rule broken, in words (or `fields` names the input at fault).",
    "rule_broken",
    "Rest of Ana Silva between Tue 22:00 and Wed 06:00 is 8 h, at least 11 h.",
    {
        "non_field_errors": [
            "Rest of Ana Silva between Tue 22:00 and Wed 06:00 is 8 h, at least 11 h.",
            "Ana Silva would work 48 h in the week, at most 40 h (across clients).",
        ]
    },
)
DISCARDED = error_response(
    "The plan was discarded; it can no longer be edited.",
    "conflict",
    "This plan was discarded; it can no longer be edited.",
)
PUBLISH_REFUSED = invalid_response(
    {"reason": ["Say why the published week changes (for example: a sick call)."]}
)
PUBLISH_CONFLICT = error_response(
    "An agent would be booked twice at once (with another client, or another plan of this "
    "client): nothing was published. `fields.non_field_errors` names every agent and time.",
    "conflict",
    "Nothing was published: Ana Silva is already booked for Northwind from Tuesday 8 December "
    "2026, 08:00 UTC to 16:00 UTC.",
    {
        "non_field_errors": [
            "Ana Silva is already booked for Northwind from Tuesday 8 December 2026, 08:00 UTC "
            "to 16:00 UTC"
        ]
    },
)
