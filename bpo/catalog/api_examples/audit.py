"""The OpenAPI examples and documented answers of the catalog history API
(``bpo.catalog.apis.audit``), imported there as ``docs``.

Each example is a body its serializer gives or takes (``tests/api/test_schema_examples.py``
checks it against the schema). The answers every operation shares (401/403/404, the client
slug, a bad filter's 400, a page past the end) come from ``bpo.api.schema.ProjectAutoSchema``.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample

AUDIT_ENTRY_EXAMPLE = {
    "id": 311,
    "timestamp": "2026-11-23T09:30:12Z",
    "actor": "am@bpo.example",
    "action": "updated",
    "object_type": "serviceline",
    "object_label": "Service line",
    "object_id": 4,
    "object_repr": "Billing support",
    "service_line": 4,
    "changes": {"service_level_percent": {"before": "80.00", "after": "90.00"}},
}

AUDIT_ENTRY_LIST_EXAMPLES = [
    OpenApiExample("A page", value=AUDIT_ENTRY_EXAMPLE, response_only=True)
]

AUDIT_ENTRY_RETRIEVE_EXAMPLES = [
    OpenApiExample("A change", value=AUDIT_ENTRY_EXAMPLE, response_only=True)
]
