"""The OpenAPI examples and documented answers of the tenant registry API
(``tenants.apis``), imported there as ``docs``.

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

from bpo.api.schema import error_response

ONBOARDING_REQUEST_EXAMPLE = {
    "name": "Alpine Travel",
    "legal_name": "Alpine Travel GmbH",
    "slug": "alpine-travel",
    "industry": "travel",
    "country": "DE",
    "time_zone": "Europe/Berlin",
    "currency": "EUR",
    "billing_model": "per_hour",
    "billing_contact_name": "Berta Buchhaltung",
    "billing_contact_email": "billing@alpine-travel.example",
    "admin_full_name": "Anna Admin",
    "admin_email": "anna@alpine-travel.example",
}

ONBOARDING_RUN_EXAMPLE = {
    "id": "0b6f3c1e-5a7d-4a39-9c39-3f4f0f6f4b11",
    "slug": "alpine-travel",
    "status": "queued",
    "progress": 0,
    "message": "",
    "error": "",
    "attempts": 0,
    "client": None,
    "provisioning_method": "",
    "answers": ONBOARDING_REQUEST_EXAMPLE,
    "requested_by": {"id": 2, "email": "am@provider.example", "full_name": "Alex Manager"},
    "created_at": "2026-03-02T09:15:00Z",
    "started_at": None,
    "finished_at": None,
    "url": "/api/v1/onboarding-runs/0b6f3c1e-5a7d-4a39-9c39-3f4f0f6f4b11/",
    "page_url": "/clients/onboarding/0b6f3c1e-5a7d-4a39-9c39-3f4f0f6f4b11/",
}

CLIENT_EXAMPLE = {
    "slug": "alpine-travel",
    "name": "Alpine Travel",
    "legal_name": "Alpine Travel GmbH",
    "industry": "travel",
    "country": "DE",
    "time_zone": "Europe/Berlin",
    "currency": "EUR",
    "billing_model": "per_hour",
    "status": "onboarding",
    "created_at": "2026-03-02T09:15:01Z",
    "live_at": None,
    "suspended_at": None,
    "offboarded_at": None,
    "url": "/api/v1/clients/alpine-travel/",
    "portal_url": "/c/alpine-travel/",
}

RUN_ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH)

EXPORT_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)

EXPORT_FORBIDDEN = error_response(
    "Your role does not allow this (client viewers and staff other than provider admins and "
    "account managers).",
    "permission_denied",
    "Your role in this client does not allow this.",
)

EXPORT_JOB_EXAMPLE = {
    "id": "5d1c9a3e-2f4b-4c8e-9a71-0c2b6f1e8d44",
    "kind": "client_export",
    "status": "queued",
    "progress": 0,
    "message": "",
    "error": "",
    "attempts": 0,
    "created_at": "2026-03-02T09:15:00Z",
    "started_at": None,
    "finished_at": None,
}

EXPORT_EXAMPLE = {
    "id": 12,
    "reason": "on_request",
    "status": "queued",
    "requested_by": {"id": 7, "email": "anna@alpine-travel.example", "full_name": "Anna Admin"},
    "created_at": "2026-03-02T09:15:00Z",
    "generated_at": None,
    "size_bytes": None,
    "sha256": "",
    "row_counts": {},
    "file_name": None,
    "url": "/api/v1/clients/alpine-travel/exports/12/",
    "download_url": None,
    "job": EXPORT_JOB_EXAMPLE,
}

EXPORT_DONE_EXAMPLE = {
    **EXPORT_EXAMPLE,
    "status": "succeeded",
    "generated_at": "2026-03-02T09:15:02Z",
    "size_bytes": 48213,
    "sha256": "9f2c4e0b7d1a5c3e8b6f0a2d4c6e8b1a3c5e7f9b0d2f4a6c8e0b2d4f6a8c0e2b",
    "row_counts": {
        "contracts_billingcontact": 1,
        "contracts_contract": 1,
        "django_migrations": 4,
    },
    "file_name": "alpine-travel-export-20260302-0915.zip",
    "download_url": "/api/v1/clients/alpine-travel/exports/12/download/",
    "job": {
        **EXPORT_JOB_EXAMPLE,
        "status": "succeeded",
        "progress": 100,
        "message": "Export of Alpine Travel is ready",
        "attempts": 1,
        "started_at": "2026-03-02T09:15:01Z",
        "finished_at": "2026-03-02T09:15:03Z",
    },
}

EXPORT_CONFLICT = error_response(
    "Another export of the client is in progress.",
    "conflict",
    "An export of this client is in progress already; it can be downloaded when it is done.",
    {
        "export": [
            "An export of this client is in progress already; it can be downloaded when it is done."
        ]
    },
)

CLIENT_LIST_EXAMPLES = [
    OpenApiExample("A page of clients", value=CLIENT_EXAMPLE, response_only=True)
]

CLIENT_STATUS_POST_EXAMPLES = [
    OpenApiExample(
        "Suspend",
        value={"status": "suspended", "note": "Unpaid invoices"},
        request_only=True,
    )
]

ONBOARDING_RUN_RETRIEVE_EXAMPLES = [
    OpenApiExample(
        "Provisioned",
        value={
            **ONBOARDING_RUN_EXAMPLE,
            "status": "succeeded",
            "progress": 100,
            "message": "Alpine Travel is ready",
            "client": "alpine-travel",
            "provisioning_method": "clone",
            "attempts": 1,
        },
        response_only=True,
    ),
    OpenApiExample(
        "Failed",
        value={
            **ONBOARDING_RUN_EXAMPLE,
            "status": "failed",
            "progress": 50,
            "message": "Provisioning failed",
            "error": "The address 'alpine-travel' is taken by another client.",
            "attempts": 1,
        },
        response_only=True,
    ),
]

ONBOARDING_RUN_CREATE_EXAMPLES = [
    OpenApiExample("Onboard a travel company", value=ONBOARDING_REQUEST_EXAMPLE, request_only=True),
    OpenApiExample(
        "Queued", value=ONBOARDING_RUN_EXAMPLE, response_only=True, status_codes=["201"]
    ),
]

CLIENT_EXPORT_LIST_EXAMPLES = [
    OpenApiExample("A done export", value=EXPORT_DONE_EXAMPLE, response_only=True)
]

CLIENT_EXPORT_RETRIEVE_EXAMPLES = [
    OpenApiExample(
        "Running",
        value={
            **EXPORT_EXAMPLE,
            "status": "running",
            "job": {
                **EXPORT_JOB_EXAMPLE,
                "status": "running",
                "progress": 47,
                "message": "Exported contracts_contract (2 of 4 tables)",
                "attempts": 1,
                "started_at": "2026-03-02T09:15:01Z",
            },
        },
        response_only=True,
    ),
    OpenApiExample("Done", value=EXPORT_DONE_EXAMPLE, response_only=True),
]

CLIENT_EXPORT_CREATE_EXAMPLES = [
    OpenApiExample("Queued", value=EXPORT_EXAMPLE, response_only=True, status_codes=["202"])
]

CLIENT_STATUS_POST_400 = error_response(
    "The move is not allowed.",
    "invalid",
    "The pilot checklist is not complete: a service line, a published script, an "
    "escalation path and a QA scorecard are needed first.",
    {"status": ["The pilot checklist is not complete: ..."]},
)

CLIENT_STATUS_POST_409 = error_response("The client has that status already.", "conflict", "...")

ONBOARDING_RUN_CREATE_400 = error_response(
    "Bad answers; nothing was written.",
    "invalid",
    "'Europe/Berlln' is not an IANA time zone (e.g. Europe/Berlin).",
    {
        "time_zone": ["'Europe/Berlln' is not an IANA time zone (e.g. Europe/Berlin)."],
        "admin_email": ["Client admin e-mail is required."],
    },
)

ONBOARDING_RUN_CREATE_409 = error_response(
    "The same address is being onboarded already.",
    "conflict",
    "'alpine-travel' is being onboarded already.",
    {"slug": ["'alpine-travel' is being onboarded already."]},
)

ONBOARDING_RUN_RETRY_409 = error_response(
    "Only a failed run can be retried.",
    "conflict",
    "Only a failed onboarding can be retried.",
    {"run": ["Only a failed onboarding can be retried."]},
)

CLIENT_EXPORT_DOWNLOAD_409 = error_response(
    "The export is not done yet.",
    "conflict",
    "The export is not done yet.",
    {"export": ["The export is not done yet."]},
)

CLIENT_EXPORT_RETRY_409 = error_response(
    "Only a failed export can be retried.",
    "conflict",
    "Only a failed export can be retried.",
    {"export": ["Only a failed export can be retried."]},
)
