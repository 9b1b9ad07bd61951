"""Every catalog endpoint is in the OpenAPI schema with a response example, and with a request
example where it takes a body."""

from __future__ import annotations

import re

import pytest
from drf_spectacular.generators import SchemaGenerator

CATALOG_PATH = re.compile(
    r"^/api/v1/clients/\{client_slug\}/(service-lines|date-overrides|scripts|script-versions|"
    r"escalation-paths|escalation-tiers|audit-entries)/"
)


def _operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, item in schema["paths"].items():
        if CATALOG_PATH.match(path):
            for method, operation in item.items():
                if method in {"get", "post", "put", "patch", "delete"}:
                    yield f"{method.upper()} {path}", operation


OPERATIONS = dict(_operations())


def _has_example(content: dict) -> bool:
    return any(media.get("examples") or media.get("example") for media in content.values())


def test_the_catalog_api_is_documented():
    assert len(OPERATIONS) >= 30


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_each_operation_has_examples(name):
    operation = OPERATIONS[name]
    successes = {code: r for code, r in operation["responses"].items() if code.startswith("2")}
    assert successes, f"{name} documents no success response"
    for code, response in successes.items():
        if code != "204":
            assert _has_example(response.get("content", {})), f"{name} {code}: no example"
    if "requestBody" in operation:
        assert _has_example(operation["requestBody"]["content"]), f"{name}: no request example"
    # and the usual refusals are documented
    assert {"401", "404"} <= set(operation["responses"]), f"{name}: 401/404 undocumented"
