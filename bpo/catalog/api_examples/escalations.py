"""The OpenAPI examples and documented answers of the escalation API
(``bpo.catalog.apis.escalations``), imported there as ``docs``.

Each example is a body its serializer gives or takes (``tests/api/test_schema_examples.py``
checks it against the schema). The answers every operation shares (401/403/404, the client
slug, a bad filter's 400, a page past the end) come from ``bpo.api.schema.ProjectAutoSchema``.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
)

from bpo.api.base import ClientScopedPermission
from bpo.api.schema import (
    error_response,
    invalid_response,
)

TIER_INPUT_EXAMPLES = [
    {
        "level": 1,
        "trigger_kind": "severity",
        "category": "",
        "min_severity": 1,
        "unresolved_minutes": None,
        "contact_name": "Sam Rivera",
        "contact_role": "Team lead",
        "channel": "phone",
        "phone": "(415) 555-0100",
        "email": "",
        "respond_within_minutes": 15,
        "coverage": "business_hours",
    },
    {
        "level": 2,
        "trigger_kind": "severity",
        "category": "Billing",
        "min_severity": 3,
        "unresolved_minutes": None,
        "contact_name": "Olivia Carter",
        "contact_role": "Head of customer care",
        "channel": "email",
        "phone": "",
        "email": "olivia@shopright.example",
        "respond_within_minutes": 30,
        "coverage": "always",
    },
    {
        "level": 3,
        "trigger_kind": "unresolved",
        "category": "",
        "min_severity": None,
        "unresolved_minutes": 240,
        "contact_name": "Night desk",
        "contact_role": "On-call manager",
        "channel": "pager",
        "phone": "+1 415 555 0199",
        "email": "",
        "respond_within_minutes": 60,
        "coverage": "always",
    },
]

TIER_EXAMPLES = [
    {
        **tier,
        "id": 21 + index,
        "path": 7,
        "phone": ["+14155550100", "", "+14155550199"][index],
    }
    for index, tier in enumerate(TIER_INPUT_EXAMPLES)
]

TIER_EXAMPLE = TIER_EXAMPLES[0]

PATH_EXAMPLE = {
    "id": 7,
    "service_line": 4,
    "service_line_name": "Billing support",
    "name": "Billing support escalations",
    "notes": "Quote the order number in every escalation.",
    "tiers": TIER_EXAMPLES,
    "created_at": "2026-11-23T09:30:00-05:00",
    "updated_at": "2026-11-23T09:41:00-05:00",
}

PATH_CREATE_EXAMPLE = {
    "service_line": 4,
    "name": "Billing support escalations",
    "notes": "Quote the order number in every escalation.",
    "tiers": TIER_INPUT_EXAMPLES,
}

RESOLUTION_EXAMPLE = {
    "at": "2026-11-23T16:50:00-05:00",
    "time_zone": "America/New_York",
    "severity": 3,
    "severity_label": "High",
    "category": "Billing",
    "period": "business_hours",
    "period_label": "business hours",
    "tier": {k: v for k, v in TIER_EXAMPLES[0].items() if k != "path"},
    "next_tier": {
        "tier": {k: v for k, v in TIER_EXAMPLES[1].items() if k != "path"},
        "deadline": "2026-11-23T17:05:00-05:00",
        "period": "after_hours",
        "reason": "if tier 1 has not responded within 15 minutes",
    },
    "message": "",
    "next_message": "",
}

RESOLUTION_NONE_EXAMPLE = {
    **RESOLUTION_EXAMPLE,
    "at": "2026-11-23T20:00:00-05:00",
    "severity": 1,
    "severity_label": "Low",
    "period": "after_hours",
    "period_label": "after hours",
    "tier": None,
    "next_tier": {
        "tier": {k: v for k, v in TIER_EXAMPLES[2].items() if k != "path"},
        "deadline": "2026-11-24T00:00:00-05:00",
        "period": "after_hours",
        "reason": "if the issue is still unresolved after 240 minutes",
    },
    "message": "No tier covers severity Low in category “Billing” after hours.",
}

PATH_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The escalation path's id."
)

TIER_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The tier's id."
)

MANAGERS_ONLY = error_response(
    "Only account managers and provider admins change an escalation path's structure.",
    "permission_denied",
    ClientScopedPermission.message,
)

CONTACTS_ONLY = error_response(
    "Your role does not allow this change: client admins change only a tier's contact "
    "fields; other roles nothing.",
    "permission_denied",
    "Your role may change only a tier's contact fields (contact_name, contact_role, channel, "
    "phone, email), not “level”.",
    {
        "level": [
            "Your role may change only a tier's contact fields (contact_name, contact_role, "
            "channel, phone, email), not “level”."
        ]
    },
)

TIER_SET_INVALID = invalid_response(
    {
        "tiers": ["Tier levels must run 1, 2, 3 … without gaps; level 3 is missing."],
        "tiers.1.phone": ["“12345” is not a valid phone number."],
        "tiers.2.respond_within_minutes": [
            "Tier 4 must allow at least as long to respond as tier 2 (30 minutes)."
        ],
    }
)

TIER_INVALID = invalid_response(
    {
        "email": ["An e-mail contact needs an e-mail address."],
        "tiers": [
            "No tier is reachable while “Billing support” is open: at least one tier must "
            "cover business hours."
        ],
    }
)

ESCALATION_PATH_LIST_EXAMPLES = [OpenApiExample("A page", value=PATH_EXAMPLE, response_only=True)]

ESCALATION_PATH_RETRIEVE_EXAMPLES = [
    OpenApiExample("A path", value=PATH_EXAMPLE, response_only=True)
]

ESCALATION_PATH_CREATE_EXAMPLES = [
    OpenApiExample("Three tiers", value=PATH_CREATE_EXAMPLE, request_only=True),
    OpenApiExample("Created", value=PATH_EXAMPLE, response_only=True, status_codes=["201"]),
]

ESCALATION_PATH_PARTIAL_UPDATE_EXAMPLES = [
    OpenApiExample(
        "Rename",
        value={"name": "Billing escalations (24/7)", "notes": "Night desk from 20:00."},
        request_only=True,
    ),
    OpenApiExample(
        "Renamed",
        value={**PATH_EXAMPLE, "name": "Billing escalations (24/7)"},
        response_only=True,
    ),
]

ESCALATION_PATH_TIERS_EXAMPLES = [
    OpenApiExample(
        "Swap the first two tiers, drop the third",
        value={
            "tiers": [
                {**TIER_INPUT_EXAMPLES[0], "id": 21, "level": 2, "coverage": "always"},
                {**TIER_INPUT_EXAMPLES[1], "id": 22, "level": 1},
            ]
        },
        request_only=True,
    ),
    OpenApiExample(
        "The path afterwards",
        value={
            **PATH_EXAMPLE,
            "tiers": [
                {**TIER_EXAMPLES[1], "level": 1},
                {**TIER_EXAMPLES[0], "level": 2, "coverage": "always"},
            ],
        },
        response_only=True,
    ),
]

ESCALATION_PATH_RESOLVE_EXAMPLES = [
    OpenApiExample("A tier now and one next", value=RESOLUTION_EXAMPLE, response_only=True),
    OpenApiExample("Nobody now", value=RESOLUTION_NONE_EXAMPLE, response_only=True),
]

ESCALATION_TIER_RETRIEVE_EXAMPLES = [
    OpenApiExample("A tier", value=TIER_EXAMPLE, response_only=True)
]

ESCALATION_TIER_CREATE_EXAMPLES = [
    OpenApiExample(
        "A time tier last",
        value={**TIER_INPUT_EXAMPLES[2], "path": 7, "level": None},
        request_only=True,
    ),
    OpenApiExample("Added", value=TIER_EXAMPLES[2], response_only=True, status_codes=["201"]),
]

ESCALATION_TIER_PARTIAL_UPDATE_EXAMPLES = [
    OpenApiExample(
        "A new contact",
        value={
            "contact_name": "Carla Diaz",
            "contact_role": "Support manager",
            "channel": "phone",
            "phone": "415 555 0142",
        },
        request_only=True,
    ),
    OpenApiExample(
        "Changed",
        value={
            **TIER_EXAMPLE,
            "contact_name": "Carla Diaz",
            "contact_role": "Support manager",
            "phone": "+14155550142",
        },
        response_only=True,
    ),
]

ESCALATION_PATH_CREATE_409 = error_response(
    "The line has a path already.",
    "conflict",
    "“Billing support” has an escalation path already.",
    {"service_line": ["“Billing support” has an escalation path already."]},
)

ESCALATION_PATH_PARTIAL_UPDATE_400 = invalid_response({"name": ["Name is required."]})

ESCALATION_PATH_RESOLVE_400 = invalid_response(
    {
        "severity": ["Severity must be 1 to 4, or low, medium, high or critical."],
        "at": [
            "Datetime has wrong format. Use one of these formats instead: "
            "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
        ],
    }
)

ESCALATION_TIER_PARTIAL_UPDATE_400 = invalid_response(
    {"phone": ["“12345” is not a valid phone number."]}
)

ESCALATION_TIER_DESTROY_400 = invalid_response(
    {"tiers": ["An escalation path needs at least one tier."]}
)
