"""The OpenAPI examples and documented answers of the service line API
(``bpo.catalog.apis.service_lines``), imported there as ``docs``.

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

from bpo import instants
from bpo.api.schema import (
    error_response,
    invalid_response,
)
from bpo.catalog.services.service_lines import Messages

LINE_EXAMPLE = {
    "id": 7,
    "name": "Billing hotline",
    "description": "Invoices, refunds and payment plans.",
    "channel": "voice",
    "direction": "inbound",
    "status": "active",
    "languages": ["en", "es"],
    "required_skills": ["billing", "refunds"],
    "is_open_24_7": False,
    "closed_on_public_holidays": True,
    "opening_hours": [
        {"weekday": 0, "opens_at": "08:00", "closes_at": "20:00"},
        {"weekday": 4, "opens_at": "22:00", "closes_at": "06:00"},
    ],
    "date_overrides": [
        {
            "id": 3,
            "date": "2026-12-24",
            "is_closed": False,
            "opens_at": "08:00",
            "closes_at": "12:00",
            "note": "Christmas Eve: mornings only",
        }
    ],
    "service_level_percent": "80.00",
    "service_level_seconds": 20,
    "max_abandon_percent": "5.00",
    "asa_seconds": 30,
    "first_response_percent": None,
    "first_response_hours": None,
    "fcr_percent": "75.00",
    "csat_percent": "90.00",
    "qa_score_percent": "85.00",
    "sla_convention": "answered_abandoned_less_short",
    "sla_convention_label": (
        "Answered and abandoned, less short abandons: "
        "answered within threshold / (answered + abandoned - short abandons)"
    ),
    "short_abandon_seconds": 5,
    "patience_seconds": 90,
    "concurrency": "1.00",
    "created_at": "2026-03-02T09:15:00-05:00",
    "updated_at": "2026-03-04T16:40:00-05:00",
    "url": "/api/v1/clients/shopright/service-lines/7/",
}

CREATE_EXAMPLE = {
    "name": "Billing hotline",
    "channel": "voice",
    "direction": "inbound",
    "languages": ["en", "es"],
    "required_skills": ["billing", "refunds"],
    "opening_hours": [
        {"weekday": 0, "opens_at": "08:00", "closes_at": "20:00"},
        {"weekday": 4, "opens_at": "22:00", "closes_at": "06:00"},
    ],
    "service_level_percent": "80",
    "service_level_seconds": 20,
    "max_abandon_percent": "5",
    "asa_seconds": 30,
    "patience_seconds": 90,
}

OVERRIDE_EXAMPLE = LINE_EXAMPLE["date_overrides"][0]  # type: ignore[index]

LINE_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The line.")

OVERRIDE_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The date override."
)

RETIRED_CONFLICT = error_response(
    "The line is retired: nothing of it changes any more.", "conflict", Messages.RETIRED_LINE
)

LINE_INVALID = invalid_response(
    {"first_response_percent": [Messages.LIVE_LINE_NO_FIRST_RESPONSE.format(line="A voice line")]}
)

SERVICE_LINE_LIST_EXAMPLES = [
    OpenApiExample("A page of lines", value=LINE_EXAMPLE, response_only=True)
]

SERVICE_LINE_RETRIEVE_EXAMPLES = [
    OpenApiExample("A voice line", value=LINE_EXAMPLE, response_only=True)
]

SERVICE_LINE_CREATE_EXAMPLES = [
    OpenApiExample("A voice line", value=CREATE_EXAMPLE, request_only=True),
    OpenApiExample(
        "Created",
        value={**LINE_EXAMPLE, "status": "draft", "date_overrides": []},
        response_only=True,
        status_codes=["201"],
    ),
]

SERVICE_LINE_PARTIAL_UPDATE_EXAMPLES = [
    OpenApiExample(
        "New hours and a higher service level",
        value={
            "service_level_percent": "90",
            "opening_hours": [
                {"weekday": day, "opens_at": "08:00", "closes_at": "20:00"} for day in range(5)
            ],
        },
        request_only=True,
    ),
    OpenApiExample(
        "Into chat, two and a half chats per agent",
        value={"channel": "chat", "concurrency": "2.5", "patience_seconds": 120},
        request_only=True,
    ),
    OpenApiExample(
        "Into e-mail",
        value={
            "channel": "email",
            "service_level_percent": None,
            "service_level_seconds": None,
            "max_abandon_percent": None,
            "asa_seconds": None,
            "patience_seconds": None,
            "first_response_percent": "90",
            "first_response_hours": "24",
        },
        request_only=True,
    ),
    OpenApiExample("Changed", value=LINE_EXAMPLE, response_only=True),
]

SERVICE_LINE_CHANGE_STATUS_EXAMPLES = [
    OpenApiExample("Activate", value={"status": "active"}, request_only=True),
    OpenApiExample("Activated", value=LINE_EXAMPLE, response_only=True),
]

SERVICE_LINE_OPEN_INTERVALS_EXAMPLES = [
    OpenApiExample(
        "Over a spring-forward night",
        value={
            "start": "2026-03-07T00:00:00-05:00",
            "end": "2026-03-09T00:00:00-04:00",
            "time_zone": "America/New_York",
            "intervals": [
                {"start": "2026-03-07T22:00:00-05:00", "end": "2026-03-08T06:00:00-04:00"}
            ],
            "open_seconds": 25200,
        },
        response_only=True,
    )
]

SERVICE_LINE_IS_OPEN_EXAMPLES = [
    OpenApiExample(
        "Open",
        value={
            "at": "2026-07-06T10:00:00-04:00",
            "time_zone": "America/New_York",
            "is_open": True,
            "changes_at": "2026-07-06T20:00:00-04:00",
        },
        response_only=True,
    )
]

SERVICE_LINE_HOLIDAYS_EXAMPLES = [
    OpenApiExample(
        "US, 2026",
        value={
            "year": 2026,
            "country": "US",
            "closed_on_public_holidays": True,
            "holidays": [
                {
                    "date": "2026-07-03",
                    "name": "Independence Day (observed)",
                    "closes_line": False,
                    "override": {
                        "id": 4,
                        "date": "2026-07-03",
                        "is_closed": False,
                        "opens_at": "09:00",
                        "closes_at": "13:00",
                        "note": "Half day",
                    },
                },
                {
                    "date": "2026-07-04",
                    "name": "Independence Day",
                    "closes_line": True,
                    "override": None,
                },
            ],
        },
        response_only=True,
    )
]

SERVICE_LINE_DATE_OVERRIDES_GET_EXAMPLES = [
    OpenApiExample("A page", value=OVERRIDE_EXAMPLE, response_only=True)
]

SERVICE_LINE_DATE_OVERRIDES_POST_EXAMPLES = [
    OpenApiExample(
        "Christmas Eve mornings",
        value={
            "date": "2026-12-24",
            "is_closed": False,
            "opens_at": "08:00",
            "closes_at": "12:00",
            "note": "Christmas Eve: mornings only",
        },
        request_only=True,
    ),
    OpenApiExample(
        "Closed",
        value={"date": "2026-12-31", "is_closed": True, "note": "Staff party"},
        request_only=True,
    ),
    OpenApiExample("Added", value=OVERRIDE_EXAMPLE, response_only=True, status_codes=["201"]),
]

DATE_OVERRIDE_RETRIEVE_EXAMPLES = [
    OpenApiExample("Christmas Eve", value=OVERRIDE_EXAMPLE, response_only=True)
]

DATE_OVERRIDE_PARTIAL_UPDATE_EXAMPLES = [
    OpenApiExample(
        "Open the afternoon too",
        value={"closes_at": "17:00"},
        request_only=True,
    ),
    OpenApiExample("Changed", value={**OVERRIDE_EXAMPLE, "closes_at": "17:00"}, response_only=True),
]

SERVICE_LINE_LIST_400 = invalid_response(
    {"status": ['Select a valid choice. "x" is not one of them.']}
)

SERVICE_LINE_PARTIAL_UPDATE_400 = invalid_response(
    {"channel": ["An e-mail line takes no service level target; use first response instead."]}
)

SERVICE_LINE_CHANGE_STATUS_400 = error_response(
    "The move is not allowed.",
    "invalid",
    Messages.ACTIVE_NEEDS_HOURS,
    {"status": [Messages.ACTIVE_NEEDS_HOURS]},
)

SERVICE_LINE_CHANGE_STATUS_409 = error_response(
    "The line has that status already.",
    "conflict",
    Messages.STATUS_SAME.format(status="active"),
    {"status": [Messages.STATUS_SAME.format(status="active")]},
)

SERVICE_LINE_IS_OPEN_400 = error_response(
    "A malformed or local (no offset) instant, or one outside 1970-2100.",
    "invalid",
    instants.NAIVE.format(name="at"),
    {"at": [instants.NAIVE.format(name="at")]},
)

SERVICE_LINE_DATE_OVERRIDES_POST_400 = invalid_response(
    {"date": [Messages.OVERRIDE_DATE_TAKEN.format(date="2026-12-24")]}
)

DATE_OVERRIDE_PARTIAL_UPDATE_400 = invalid_response(
    {"opens_at": [Messages.OVERRIDE_OPEN_NEEDS_TIMES]}
)
