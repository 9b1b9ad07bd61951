"""The OpenAPI examples and documented answers of the accounts API (``bpo.accounts.apis``).

Bodies as the serializers of that API give them. The answers every operation shares
(401/403/404, the client slug, a bad filter's 400) come from
``bpo.api.schema.ProjectAutoSchema``.
"""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiExample,
)

from bpo.api.schema import (
    error_response,
    page_of,
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

MEMBERSHIP_LIST_EXAMPLES = [
    OpenApiExample("A page", value=page_of(MEMBERSHIP_EXAMPLE), response_only=True)
]

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
        value=page_of({**INVITATION_EXAMPLE, "role": "scheduler", "role_label": "Scheduler"}),
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
    OpenApiExample("A page", value=page_of(MEMBERSHIP_EXAMPLE), response_only=True)
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
    OpenApiExample("A page", value=page_of(INVITATION_EXAMPLE), response_only=True)
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
