"""The OpenAPI examples and documented answers of the accounts API
(``bpo.accounts.apis``), imported there as ``docs``.

Each example is a body its serializer gives or takes (``tests/api/test_schema_examples.py``
checks it against the schema). The answers every operation shares (401/403/404, the client
slug, a bad filter's 400, a page past the end) come from ``bpo.api.schema.ProjectAutoSchema``.
"""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiExample,
)

from bpo.api.schema import (
    error_response,
    invalid_response,
)

CONFLICT = error_response(
    "Refused by a business rule.",
    "conflict",
    "An invitation for this person is already pending.",
    {"email": ["An invitation for this person is already pending."]},
)

MEMBERSHIP_EXAMPLE = {
    "id": 42,
    "user": {
        "id": 7,
        "email": "maria@viajes-sol.example",
        "full_name": "María López",
        "is_active": True,
    },
    "role": "client_viewer",
    "role_label": "Client viewer",
    "client": "viajes-sol",
    "created_at": "2026-11-23T09:30:00Z",
    "created_by": "admin@viajes-sol.example",
}

INVITATION_EXAMPLE = {
    "id": 12,
    "email": "jonas@cloudlane.example",
    "full_name": "Jonas Weber",
    "role": "client_admin",
    "role_label": "Client admin",
    "client": "cloudlane",
    "status": "pending",
    "invited_by": "am@bpo.example",
    "created_at": "2026-11-23T09:30:00Z",
    "expires_at": "2026-11-30T09:30:00Z",
    "accepted_at": None,
    "revoked_at": None,
}

AUTH_TOKEN_POST_EXAMPLES = [
    OpenApiExample(
        "Credentials",
        request_only=True,
        value={"email": "admin@shopright.example", "password": "demo-portal-2026"},
    ),
    OpenApiExample(
        "Token",
        response_only=True,
        value={
            "token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
            "user": {
                "id": 7,
                "email": "admin@shopright.example",
                "full_name": "Olivia Carter",
                "is_active": True,
            },
        },
    ),
]

ME_GET_EXAMPLES = [
    OpenApiExample(
        "An account manager",
        value={
            "id": 3,
            "email": "am@bpo.example",
            "full_name": "Sam Rivera",
            "is_provider_staff": True,
            "is_provider_admin": False,
            "memberships": [
                {
                    "id": 5,
                    "role": "account_manager",
                    "role_label": "Account manager",
                    "client": "shopright",
                }
            ],
            "clients": [
                {
                    "slug": "shopright",
                    "name": "ShopRight Online",
                    "status": "onboarding",
                    "roles": ["account_manager"],
                    "portal_url": "/c/shopright/",
                    "api_url": "/api/v1/clients/shopright/",
                }
            ],
        },
    )
]

MEMBERSHIP_LIST_EXAMPLES = [OpenApiExample("A page", value=MEMBERSHIP_EXAMPLE, response_only=True)]

MEMBERSHIP_CREATE_EXAMPLES = [
    OpenApiExample(
        "Assign a scheduler",
        request_only=True,
        value={"user": 9, "role": "scheduler", "client": "shopright"},
    ),
    OpenApiExample("Granted", response_only=True, value=MEMBERSHIP_EXAMPLE),
]

INVITATION_LIST_EXAMPLES = [
    OpenApiExample(
        "A page",
        response_only=True,
        value={**INVITATION_EXAMPLE, "role": "scheduler", "role_label": "Scheduler"},
    )
]

INVITATION_CREATE_EXAMPLES = [
    OpenApiExample(
        "Invite a QA analyst",
        request_only=True,
        value={
            "email": "kim@bpo.example",
            "full_name": "Kim Park",
            "role": "qa_analyst",
            "client": "cloudlane",
        },
    ),
]

CLIENT_MEMBERSHIP_LIST_EXAMPLES = [
    OpenApiExample("A page", value=MEMBERSHIP_EXAMPLE, response_only=True)
]

CLIENT_MEMBERSHIP_CREATE_EXAMPLES = [
    OpenApiExample(
        "Make a viewer an admin",
        request_only=True,
        value={"user": 7, "role": "client_admin"},
    ),
    OpenApiExample("Granted", response_only=True, value=MEMBERSHIP_EXAMPLE),
]

CLIENT_INVITATION_LIST_EXAMPLES = [
    OpenApiExample("A page", value=INVITATION_EXAMPLE, response_only=True)
]

CLIENT_INVITATION_CREATE_EXAMPLES = [
    OpenApiExample(
        "Invite a client admin",
        request_only=True,
        value={
            "email": "jonas@cloudlane.example",
            "full_name": "Jonas Weber",
            "role": "client_admin",
        },
    ),
    OpenApiExample("Invited", response_only=True, value=INVITATION_EXAMPLE),
]

AUTH_TOKEN_POST_400 = error_response(
    "Wrong e-mail or password, or bad input.",
    "invalid_credentials",
    "The e-mail address and password do not match an account.",
    {"non_field_errors": ["The e-mail address and password do not match an account."]},
)

AUTH_TOKEN_POST_403 = error_response(
    "The account is disabled, or its client is suspended.",
    "account_locked",
    "The portal of ShopRight Online is suspended; contact your account manager.",
)

AUTH_TOKEN_POST_429 = error_response(
    "Too many failed attempts.",
    "throttled",
    "Too many failed attempts. Try again in about 15 minute(s).",
)

MEMBERSHIP_CREATE_400 = invalid_response({"client": ["This role needs a client."]})

INVITATION_CREATE_400 = invalid_response({"client": ["This role needs a client."]})

CLIENT_MEMBERSHIP_CREATE_400 = invalid_response({"user": ["No such user in this client."]})

CLIENT_INVITATION_CREATE_400 = invalid_response({"email": ["Enter a valid email address."]})
