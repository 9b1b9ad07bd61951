"""Every example in the OpenAPI document is a body its schema accepts: the examples in the
apps' ``api_examples`` modules are pinned to the serializers that document the answers."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator, FormatChecker

SCHEMA = SchemaGenerator().get_schema(request=None, public=True)


def _json_schema(node):
    """OpenAPI 3.0 to JSON Schema: ``nullable`` becomes a null alternative, refs point into
    ``$defs``."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if "$ref" in converted:
        converted["$ref"] = converted["$ref"].replace("#/components/schemas/", "#/$defs/")
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


DEFS = _json_schema(SCHEMA["components"]["schemas"])


def _examples():
    for route, item in SCHEMA["paths"].items():
        for method, operation in item.items():
            bodies = [("request", operation.get("requestBody", {}))]
            bodies += [(code, answer) for code, answer in operation.get("responses", {}).items()]
            for where, body in bodies:
                for media, content in body.get("content", {}).items():
                    if "json" not in media:
                        continue
                    for name, example in content.get("examples", {}).items():
                        label = f"{method.upper()} {route} {where} {name}"
                        yield label, content["schema"], example["value"]


EXAMPLES = {label: (schema, value) for label, schema, value in _examples()}


def test_there_are_examples():
    assert len(EXAMPLES) >= 100


@pytest.mark.parametrize("label", sorted(EXAMPLES))
def test_each_example_matches_its_schema(label):
    schema, value = EXAMPLES[label]
    validator = Draft202012Validator(
        {**_json_schema(schema), "$defs": DEFS}, format_checker=FormatChecker()
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)]
    assert not errors, errors[:5]
