"""The OpenAPI examples and documented answers of the script API
(``bpo.catalog.apis.scripts``), imported there as ``docs``.

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

from bpo.api.schema import (
    error_response,
    invalid_response,
)

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


def conflict(message: str):
    return error_response("The version's status does not allow this.", "conflict", message)


VERSION_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The version's id."
)

SCRIPT_LIST_EXAMPLES = [OpenApiExample("A page", value=SCRIPT_EXAMPLE, response_only=True)]

SCRIPT_RETRIEVE_EXAMPLES = [OpenApiExample("A script", value=SCRIPT_EXAMPLE, response_only=True)]

SCRIPT_CREATE_EXAMPLES = [
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
]

SCRIPT_VERSION_LIST_EXAMPLES = [OpenApiExample("A page", value=VERSION_EXAMPLE, response_only=True)]

SCRIPT_VERSION_RETRIEVE_EXAMPLES = [
    OpenApiExample("A version", value=VERSION_EXAMPLE, response_only=True)
]

SCRIPT_VERSION_CREATE_EXAMPLES = [
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
]

SCRIPT_VERSION_PARTIAL_UPDATE_EXAMPLES = [
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
]

SCRIPT_VERSION_DIFF_EXAMPLES = [OpenApiExample("A diff", value=DIFF_EXAMPLE, response_only=True)]

SCRIPT_VERSION_RENDERED_EXAMPLES = [
    OpenApiExample("Rendered", value=RENDERED_EXAMPLE, response_only=True)
]

SCRIPT_CREATE_400 = invalid_response({"title": ["Give the script a title."]})

SCRIPT_CREATE_409 = error_response(
    "The line has a script already.",
    "conflict",
    "This service line already has a script.",
    {"service_line": ["This service line already has a script."]},
)

SCRIPT_VERSION_DIFF_400 = invalid_response(
    {"against": ["Compare with another version of this script."]}
)
