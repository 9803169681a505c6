"""The compiled schema check gives jsonschema's verdict on every YAML document the tests, the samples and
the benchmark hold, and follows jsonschema keyword by keyword."""

from __future__ import annotations

import glob
import importlib.util
import math
import os
import subprocess
import sys
from typing import Any

import pytest
from support import ROOT

from lpctl.accel import fastschema
from lpctl.accel.fastschema import compile_schema, is_valid
from lpctl.accel.schemagen import Unsupported, Unsure
from lpctl.spec.load import load_paths, load_text
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


def _jsonschema_valid(data: Any) -> bool:
    return not any(True for _ in _validator().iter_errors(data))


def test_there_are_documents_to_compare() -> None:
    assert len(DOCUMENTS) > 40
    assert {_jsonschema_valid(d) for _, d in DOCUMENTS} == {True, False}


@pytest.mark.parametrize(("where", "data"), DOCUMENTS, ids=[w for w, _ in DOCUMENTS])
def test_verdict_is_jsonschemas(where: str, data: Any) -> None:
    assert is_valid(data) is _jsonschema_valid(data)  # the shipped schema never needs to defer


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("lpctl_bench", os.path.join(ROOT, "benchmarks", "bench.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_the_benchmark_specs_and_their_breakages_get_jsonschemas_verdict() -> None:
    """The benchmark's specs (every workflow, every style) are valid, and each broken in eight ways is not."""
    bench = _bench()
    breaks: list[tuple[str, Any]] = [("max_parallelism", -1), ("max_parallelism", True), ("labels", {"team": 7}),
                                     ("unknown_key", 1), ("workflow", None), ("kind", "Trigger"),
                                     ("schedule", {"cron": "@daily", "fixed_rate": "1h"}), ("auto_activate", 1)]
    compared = 0
    for i in range(48):
        docs, diags = load_text(bench.spec_yaml(bench.plan_params(i), i), f"lp_{i}.yaml")
        assert not diags and len(docs) == 1
        data = docs[0].data
        assert is_valid(data) is _jsonschema_valid(data) is True
        for key, value in breaks:
            broken = {**data, key: value}
            assert is_valid(broken) is _jsonschema_valid(broken) is False, (i, key, value)
            compared += 1
    assert compared == 48 * len(breaks)


def _reference(schema: Any) -> Any:
    """jsonschema's Draft 2020-12 validator with lpctl's ``integer`` (as lpctl.spec.schema builds it)."""
    from jsonschema import Draft202012Validator, validators

    def is_integer(checker: Any, instance: Any) -> bool:
        return isinstance(instance, int) and not isinstance(instance, bool)

    checker = Draft202012Validator.TYPE_CHECKER.redefine("integer", is_integer)
    return validators.extend(Draft202012Validator, type_checker=checker)(schema)


class _Text(str):
    """A str subclass (as a YAML library may hand out)."""


@pytest.mark.parametrize(("schema", "instance", "expected"), [
    ({"type": "integer"}, True, False),
    ({"type": "integer"}, 3.0, False),
    ({"type": "number"}, True, False),
    ({"type": "number"}, 3.5, True),
    ({"type": ["string", "null"]}, None, True),
    ({"type": []}, 1, False),
    ({"enum": ["a", "b"]}, "b", True),
    ({"enum": ["a", "b"]}, _Text("a"), True),
    ({"enum": ["a", "b"]}, ["a"], False),
    ({"enum": [1]}, True, False),
    ({"enum": [1, "a"]}, 1.0, True),
    ({"enum": [None, False]}, 0, False),
    ({"enum": [None, False]}, False, True),
    ({"const": 1}, 1.0, True),
    ({"const": "lpctl/v1"}, "lpctl/v1", True),
    ({"const": "1"}, 1, False),
    ({"minLength": 2}, "\U0001F600", False),
    ({"maxLength": 1}, "\u00e9", True),
    ({"pattern": "^x"}, 5, True),
    ({"pattern": r"^\w+$"}, "na\u00efve", True),
    ({"pattern": r"^\d$"}, "\u0663", True),
    ({"pattern": "b"}, "abc", True),
    ({"additionalProperties": False, "properties": {"a": True}}, {"a": 1, 2: 3}, False),
    ({"additionalProperties": {"type": "string"}, "properties": {"a": True}}, {"a": 1, "b": "x"}, True),
    ({"additionalProperties": {"type": "string"}}, {"b": 1}, False),
    ({"properties": {"a": False}}, {"a": 1}, False),
    ({"properties": {"a": {"type": "string"}}, "required": ["a"]}, {"a": "x"}, True),
    ({"properties": {"a": {"type": "string"}}, "required": ["a"]}, {}, False),
    ({"required": ["a"]}, "a", True),
    ({"if": {"required": ["a"]}, "then": {"required": ["b"]}, "else": {"required": ["c"]}}, {"c": 1}, True),
    ({"if": {"required": ["a"]}, "then": {"required": ["b"]}}, {"a": 1}, False),
    ({"if": {"required": ["a"]}, "else": {"required": ["b"]}}, {"c": 1}, False),
    ({"then": False, "else": False}, 1, True),
    ({"dependentSchemas": {"a": {"required": ["b"]}}}, {"a": 1}, False),
    ({"dependentSchemas": {"a": False}}, "a", True),
    ({"not": {"anyOf": [{"type": "string"}, {"type": "null"}]}}, None, False),
    ({"not": {}}, None, False),
    ({"oneOf": [{"type": "integer"}, {"minimum": 0}]}, 5, False),
    ({"oneOf": [{"type": "integer"}, {"minimum": 0}]}, -5, True),
    ({"allOf": [{"type": "string"}, {"minLength": 2}]}, "a", False),
    ({"anyOf": [{"type": "string"}, {"items": {"type": "string"}}]}, [1], False),
    ({"exclusiveMinimum": 0}, 0, False),
    ({"exclusiveMaximum": 1}, 0.5, True),
    ({"minimum": 0}, math.nan, True),
    ({"maximum": 1.5}, 1.5, True),
    ({"maximum": 2147483647}, 2**31, False),
    ({"minProperties": 1}, {}, False),
    ({"maxProperties": 1}, "ab", True),
    ({"maxItems": 1}, [1, 2], False),
    ({"minItems": 1}, {}, True),
    ({"maxLength": 1}, "ab", False),
    ({"items": {"type": "integer"}}, [1, True], False),
    ({"$defs": {"s": {"type": "string"}}, "items": {"$ref": "#/$defs/s"}}, ["a", "b"], True),
    ({"$defs": {"s": {"type": "string"}}, "items": {"$ref": "#/$defs/s"}}, ["a", 1], False),
    ({"type": "array", "items": {"$ref": "#"}}, [[], [[]], [[[]]]], True),
    ({"type": "array", "items": {"$ref": "#"}}, [[], [[1]]], False),
])
def test_keywords_follow_jsonschema(schema: dict[str, Any], instance: Any, expected: bool) -> None:
    assert _reference(schema).is_valid(instance) is expected
    assert compile_schema(schema)(instance) is expected


#: every keyword without subschemas, with values at and around what the instances below hold
KEYWORD_VALUES: dict[str, list[Any]] = {
    "type": ["string", "object", "array", "boolean", "null", "integer", "number", ["string", "null"],
             ["integer", "number"], ["boolean", "array"], []],
    "minLength": [0, 1, 2, 3], "maxLength": [0, 1, 2], "minItems": [0, 1, 2, 3], "maxItems": [0, 1, 2],
    "minProperties": [0, 1, 2, 3], "maxProperties": [0, 1, 2],
    "minimum": [-1, 0, 0.5, 1, 2**31 - 1], "maximum": [-1, 0, 0.5, 1, 2**31 - 1],
    "exclusiveMinimum": [-1, 0, 0.5, 1], "exclusiveMaximum": [-1, 0, 0.5, 1],
    "pattern": ["^a", "b", r"^\w+$", r"^\d$", "^[a-z]{1,2}$", "\u00e9", "^$"],
    "required": [[], ["a"], ["a", "b"], ["\u00e9"]],
    "enum": [["a", "b"], ["\u00e9"], [1], [True], [False], [None, 0], [1.0], ["1"], [0.5, "a"], [[1]], [{"a": 1}]],
    "const": ["a", "", 1, 0, True, False, None, 1.0, 0.5, 2**31, [1], {"a": 1}],
}
#: instances of every type, at the keywords' bounds and just past them
INSTANCES: list[Any] = [None, True, False, 0, 1, -1, 1.0, 0.0, 0.5, 1.5, 2, 3, 2**31 - 1, 2**31, math.nan, math.inf,
                        "", "a", "b", "ab", "abc", "\u00e9", "\U0001F600", "\u0663", "1", "true", _Text("a"), [], [1],
                        [1, 2], [1, 2, 3], [True], {}, {"a": 1}, {"a": 1, "b": 2}, {"a": 1, "b": 2, "\u00e9": 3}]


def _compare_all(schema: Any, instances: list[Any]) -> int:
    check, reference = compile_schema(schema), _reference(schema)
    compared = 0
    for instance in instances:
        try:
            verdict = check(instance)
        except Unsure:  # two lists or two mappings compared by enum/const: jsonschema decides
            assert isinstance(instance, (list, dict))
            continue
        assert verdict is reference.is_valid(instance), (schema, instance)
        compared += 1
    return compared


@pytest.mark.parametrize("keyword", sorted(KEYWORD_VALUES))
def test_every_value_of_a_keyword_follows_jsonschema_on_every_instance(keyword: str) -> None:
    """Each value alone, negated, on a property and on list items, and beside each type."""
    compared = 0
    for value in KEYWORD_VALUES[keyword]:
        schema = {keyword: value}
        compared += _compare_all(schema, INSTANCES) + _compare_all({"not": schema}, INSTANCES)
        compared += _compare_all({"properties": {"a": schema}}, [{"a": i} for i in INSTANCES])
        compared += _compare_all({"items": schema, "additionalProperties": schema}, [[i] for i in INSTANCES]
                                 + [{"b": i} for i in INSTANCES])
        for type_ in KEYWORD_VALUES["type"][:7]:
            compared += _compare_all({"type": type_, **schema}, INSTANCES)
    assert compared > 10 * len(KEYWORD_VALUES[keyword]) * len(INSTANCES)


@pytest.mark.parametrize("schema", [
    {"propertyNames": False}, {"prefixItems": [True], "items": False}, {"patternProperties": {"a": True}},
    {"additionalProperties": False, "patternProperties": {"a": True}}, {"type": "decimal"},
    {"$ref": "#anchor"}, {"$ref": "other.json#/a"}, {"$ref": "#/$defs/missing"},
    {"properties": {"a": {"$id": "inner", "$ref": "#/x"}}}, {"required": "a"},
    {"$defs": {"d": {"format": "email"}}, "$ref": "#/$defs/d"},
])
def test_what_it_does_not_implement_is_refused_at_build(schema: dict[str, Any]) -> None:
    with pytest.raises(Unsupported):
        compile_schema(schema)


def test_the_shipped_schema_compiles() -> None:
    from lpctl.accel.fastschema import _compiled

    assert _compiled() is not None


def test_an_unknown_keyword_defers_to_jsonschema(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("lpctl.spec.schema.shared_schema", lambda: {"type": "object", "propertyNames": False})
    fastschema._compiled.cache_clear()
    try:
        assert is_valid({}) is None
    finally:
        fastschema._compiled.cache_clear()


def test_an_instance_it_cannot_compare_defers_to_jsonschema(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("lpctl.spec.schema.shared_schema", lambda: {"enum": [[1], {"a": 1}, 2]})
    fastschema._compiled.cache_clear()
    try:
        assert is_valid([1]) is None
        assert is_valid({"a": 1}) is None
        assert is_valid(2) is True
        assert is_valid("2") is False
        assert is_valid(True) is False
    finally:
        fastschema._compiled.cache_clear()


def test_help_neither_imports_nor_builds_the_check() -> None:
    code = ("import sys\nsys.argv = ['lpctl', '--help']\nfrom lpctl.cli import app\ntry:\n    app()\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('lpctl.accel.') and 'schema' in m))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip().splitlines()[-1] == "[]"
