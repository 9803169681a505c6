"""The compiled schema check gives jsonschema's verdict on every YAML document the tests and samples hold."""

from __future__ import annotations

import glob
import os
from typing import Any

import pytest
from support import ROOT

from lpctl.accel import fastschema
from lpctl.accel.fastschema import compile_schema, is_valid
from lpctl.spec.load import load_paths
from lpctl.spec.schema import _validator


def _documents() -> list[tuple[str, Any]]:
    paths = [os.path.join(ROOT, "samples"), os.path.join(ROOT, "tests", "hostile", "corpus"),
             *glob.glob(os.path.join(ROOT, "tests", "**", "*.yaml"), recursive=True)]
    out = []
    for path in sorted(set(paths)):
        try:
            loaded = load_paths([path])
        except Exception:  # a hostile file the loader refuses holds no document to compare
            continue
        out.extend((f"{d.path}#{d.index}", d.data) for d in loaded.documents)
    return out


DOCUMENTS = _documents()


def test_there_are_documents_to_compare() -> None:
    assert len(DOCUMENTS) > 40


@pytest.mark.parametrize(("where", "data"), DOCUMENTS, ids=[w for w, _ in DOCUMENTS])
def test_verdict_is_jsonschemas(where: str, data: Any) -> None:
    expected = not any(True for _ in _validator().iter_errors(data))
    assert is_valid(data) in (None, expected)


@pytest.mark.parametrize(("schema", "instance", "expected"), [
    ({"type": "integer"}, True, False),
    ({"type": "integer"}, 3.0, False),
    ({"type": "number"}, True, False),
    ({"enum": ["a", "b"]}, "b", True),
    ({"enum": [1]}, True, False),
    ({"const": 1}, 1.0, True),
    ({"minLength": 2}, "\U0001F600", False),
    ({"pattern": "^x"}, 5, True),
    ({"additionalProperties": False, "properties": {"a": True}}, {"a": 1, 2: 3}, False),
    ({"if": {"required": ["a"]}, "then": {"required": ["b"]}, "else": {"required": ["c"]}}, {"c": 1}, True),
    ({"dependentSchemas": {"a": {"required": ["b"]}}}, {"a": 1}, False),
    ({"not": {"anyOf": [{"type": "string"}, {"type": "null"}]}}, None, False),
    ({"oneOf": [{"type": "integer"}, {"minimum": 0}]}, 5, False),
    ({"oneOf": [{"type": "integer"}, {"minimum": 0}]}, -5, True),
    ({"exclusiveMinimum": 0}, 0, False),
    ({"exclusiveMaximum": 1}, 0.5, True),
    ({"minProperties": 1}, {}, False),
    ({"maxProperties": 1}, "ab", True),
    ({"maxItems": 1}, [1, 2], False),
    ({"maxLength": 1}, "ab", False),
])
def test_keywords_follow_jsonschema(schema: dict[str, Any], instance: Any, expected: bool) -> None:
    from jsonschema import Draft202012Validator

    assert compile_schema(schema)(instance) is expected
    if schema.get("type") != "integer":  # lpctl redefines integer; the rest is plain Draft 2020-12
        assert Draft202012Validator(schema).is_valid(instance) is expected


def test_the_shipped_schema_compiles() -> None:
    from lpctl.accel.fastschema import _compiled

    assert _compiled() is not None


def test_an_unknown_keyword_defers_to_jsonschema(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("lpctl.spec.schema.load_schema", lambda: {"type": "object", "propertyNames": False})
    fastschema._compiled.cache_clear()
    try:
        assert is_valid({}) is None
    finally:
        fastschema._compiled.cache_clear()
