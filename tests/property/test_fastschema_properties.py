"""The compiled schema check agrees with jsonschema (Hypothesis): on launch plans and triggers generated
from the shipped schema, valid, mutated, with values of confusable types and with their kind swapped; and
on generated schemas of every keyword it implements, against generated instances."""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import examples
from test_properties import JSON, _paths, _replace, _schema_strategy, mutated

from lpctl.accel.fastschema import compile_schema, is_valid
from lpctl.accel.schemagen import Unsure
from lpctl.spec.schema import _validator

SETTINGS = settings(deadline=None, suppress_health_check=list(HealthCheck))


def _jsonschema_valid(data: Any) -> bool:
    return not any(True for _ in _validator().iter_errors(data))


def _agree(spec: Any) -> None:
    assert is_valid(spec) is _jsonschema_valid(spec)  # the shipped schema never needs to defer


@functools.cache
def _trigger_strategy() -> st.SearchStrategy[Any]:
    from hypothesis_jsonschema import from_schema
    from test_properties import _patch_hypothesis_jsonschema

    from lpctl.spec.schema import load_schema

    _patch_hypothesis_jsonschema()
    return from_schema(load_schema()["$defs"]["trigger"])


def _specs() -> st.SearchStrategy[Any]:
    """Valid specs of both kinds (triggers less often: hypothesis-jsonschema draws them slowly)."""
    return st.one_of(_schema_strategy(), _schema_strategy(), _schema_strategy(), _trigger_strategy())


#: values that differ from a valid one only in a way JSON Schema cares about
CONFUSABLE = st.sampled_from([True, False, 0, 1, -1, 1.0, 0.0, 2.5, 2**31 - 1, 2**31, -(2**63), "", "1", "true",
                              "\u00e9", "na\u00efve_x", "\u0663", "a:b", "x.y:z", "30m", "PT1H", "0 10 * * 1",
                              "SUCCEEDED", "succeeded", "LaunchPlan", "Trigger", None, [], {}, [""], {"": ""},
                              float("inf"), float("nan")])


@st.composite
def confused(draw: st.DrawFn, spec: dict[str, Any]) -> Any:
    """``spec`` with one to three values (or keys' values) replaced by confusable ones, or wrapped in a list."""
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from([p for p in _paths(spec) if p]))
        new = draw(CONFUSABLE | CONFUSABLE.map(lambda v: [v]))
        spec = _replace(spec, path, new)
    return spec


@settings(SETTINGS, max_examples=examples(300))
@given(_specs())
def test_generated_valid_specs_are_valid(spec: Any) -> None:
    assert _jsonschema_valid(spec)
    assert is_valid(spec) is True


@settings(SETTINGS, max_examples=examples(400))
@given(_specs().flatmap(mutated))
def test_mutated_specs_get_jsonschemas_verdict(spec: Any) -> None:
    _agree(spec)


@settings(SETTINGS, max_examples=examples(500))
@given(_specs().flatmap(confused))
def test_specs_with_confusable_values_get_jsonschemas_verdict(spec: Any) -> None:
    _agree(spec)


@settings(SETTINGS, max_examples=examples(200))
@given(_specs(), st.sampled_from(["LaunchPlan", "Trigger", "trigger", "", None, ["Trigger"]]))
def test_specs_of_the_other_kind_get_jsonschemas_verdict(spec: Any, kind: Any) -> None:
    _agree({**spec, "kind": kind})


@settings(SETTINGS, max_examples=examples(300))
@given(st.dictionaries(st.sampled_from(["apiVersion", "kind", "name", "workflow", "task", "schedule", "labels",
                                        "default_inputs", "inputs", "notifications", "concurrency",
                                        "security_context", "run_as", "auto_activate"]),
                       JSON | CONFUSABLE))
def test_arbitrary_documents_get_jsonschemas_verdict(spec: Any) -> None:
    _agree(spec)
    _agree({"apiVersion": "lpctl/v1", "kind": "Trigger", **spec})


# -- generated schemas ----------------------------------------------------------------------------

KEYS = ["a", "b", "\u00e9"]
SCALARS = st.sampled_from([None, True, False, 0, 1, -1, 1.0, 0.5, 2**31, "", "a", "b", "\u00e9", "1", "ab"])
INSTANCES = st.recursive(
    SCALARS | st.text(max_size=3) | st.integers(-3, 3) | st.floats(-3, 3) | st.just(float("nan")),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=2), children, max_size=3),
    max_leaves=8,
)
TYPES = ["string", "object", "array", "boolean", "null", "integer", "number"]
PATTERNS = ["^a", "b", r"^\w+$", r"^\d*$", "^[a-z]{1,2}$", "\u00e9", "^$", r"^(?:a|\u00e9)+$"]


def _leaves(ref: bool) -> st.SearchStrategy[Any]:
    leaves = [
        st.sampled_from(TYPES).map(lambda t: {"type": t}),
        st.lists(st.sampled_from(TYPES), max_size=3, unique=True).map(lambda t: {"type": t}),
        st.tuples(st.sampled_from(["minLength", "maxLength", "minItems", "maxItems", "minProperties",
                                   "maxProperties"]), st.integers(0, 3)).map(lambda kv: {kv[0]: kv[1]}),
        st.tuples(st.sampled_from(["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]),
                  st.integers(-2, 2) | st.sampled_from([0.5, 1.0, -1.5])).map(lambda kv: {kv[0]: kv[1]}),
        st.sampled_from(PATTERNS).map(lambda p: {"pattern": p}),
        st.lists(st.sampled_from(KEYS), max_size=3, unique=True).map(lambda r: {"required": r}),
        st.lists(SCALARS | st.just([1]) | st.just({"a": 1}), min_size=1, max_size=4).map(lambda e: {"enum": e}),
        SCALARS.map(lambda c: {"const": c}),
        st.sampled_from([True, False, {}, {"description": "d", "x-lpctl-code": "LP1"}]),
    ]
    if ref:
        leaves.append(st.just({"$ref": "#/$defs/d"}))
    return st.one_of(leaves)


def _merge(a: Any, b: Any) -> Any:
    """Two schemas' keywords in one schema (a boolean schema gives way)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return {**a, **b}
    return b if isinstance(a, bool) else a


def _compound(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    props = st.dictionaries(st.sampled_from(KEYS), children, max_size=3)
    return st.one_of(
        props.map(lambda p: {"properties": p}),
        st.tuples(props, children | st.booleans()).map(lambda pa: {"properties": pa[0], "additionalProperties": pa[1]}),
        children.map(lambda s: {"items": s}),
        st.dictionaries(st.sampled_from(KEYS), children, max_size=2).map(lambda d: {"dependentSchemas": d}),
        st.tuples(st.sampled_from(["allOf", "anyOf", "oneOf"]), st.lists(children, min_size=1, max_size=3))
        .map(lambda kv: {kv[0]: kv[1]}),
        children.map(lambda s: {"not": s}),
        st.tuples(children, st.none() | children, st.none() | children).map(
            lambda ite: {"if": ite[0], **({"then": ite[1]} if ite[1] is not None else {}),
                         **({"else": ite[2]} if ite[2] is not None else {})}),
        st.tuples(children, children).map(lambda ab: _merge(*ab)),
        st.tuples(children, children, children).map(lambda abc: _merge(_merge(abc[0], abc[1]), abc[2])),
    )


def _schemas(ref: bool) -> st.SearchStrategy[Any]:
    return st.recursive(_leaves(ref), _compound, max_leaves=10)


ROOTS = st.tuples(_schemas(False), _schemas(True)).map(
    lambda ds: {"$defs": {"d": ds[0]}, **ds[1]} if isinstance(ds[1], dict) else ds[1])


def _reference(schema: Any) -> Any:
    from jsonschema import Draft202012Validator, validators

    def is_integer(checker: Any, instance: Any) -> bool:
        return isinstance(instance, int) and not isinstance(instance, bool)

    checker = Draft202012Validator.TYPE_CHECKER.redefine("integer", is_integer)
    return validators.extend(Draft202012Validator, type_checker=checker)(schema)


def _compare(schema: Any, instances: list[Any]) -> None:
    check, reference = compile_schema(schema), _reference(schema)
    for instance in instances:
        try:
            verdict = check(instance)
        except Unsure:  # two lists or mappings under enum/const: jsonschema decides
            continue
        assert verdict is reference.is_valid(instance), (schema, instance)


@settings(SETTINGS, max_examples=examples(2000))
@given(ROOTS, st.lists(INSTANCES, min_size=1, max_size=6))
def test_generated_schemas_give_jsonschemas_verdict(schema: Any, instances: list[Any]) -> None:
    _compare(schema, instances)


#: scalars and small containers, with every bound the keywords use
NEAR = SCALARS | st.sampled_from([-2, 2, 3, 0.5, -1.5, 1.5, "abc", "\U0001F600", "\u0663", [], [1], [1, 2, 3], {},
                                  {"a": 1}, {"a": 1, "b": 2, "\u00e9": 3}]) | st.floats(-3, 3)
_BOUND = st.integers(-2, 2) | st.sampled_from([0.5, 1.0, -1.5])
_COUNT = st.integers(0, 3)
#: every keyword without subschemas, with the values it is drawn with
KEYWORDS = {"type": st.sampled_from(TYPES) | st.lists(st.sampled_from(TYPES), max_size=3, unique=True),
            "minLength": _COUNT, "maxLength": _COUNT, "minItems": _COUNT, "maxItems": _COUNT,
            "minProperties": _COUNT, "maxProperties": _COUNT, "minimum": _BOUND, "maximum": _BOUND,
            "exclusiveMinimum": _BOUND, "exclusiveMaximum": _BOUND, "pattern": st.sampled_from(PATTERNS),
            "required": st.lists(st.sampled_from(KEYS), max_size=3, unique=True),
            "enum": st.lists(SCALARS | st.just([1]) | st.just({"a": 1}), min_size=1, max_size=4), "const": SCALARS}
FLAT = st.lists(st.sampled_from(sorted(KEYWORDS)), min_size=1, max_size=3, unique=True).flatmap(
    lambda keys: st.fixed_dictionaries({key: KEYWORDS[key] for key in keys}))


@settings(SETTINGS, max_examples=examples(3000))
@given(FLAT, st.lists(NEAR, min_size=1, max_size=12))
def test_keywords_side_by_side_give_jsonschemas_verdict(schema: dict[str, Any], instances: list[Any]) -> None:
    """A schema of one to three keywords, against scalars and small containers at and around its bounds."""
    _compare(schema, instances)
    _compare({"not": schema}, instances)
    _compare({"properties": {"a": schema}, "additionalProperties": schema},
             [{"a": i, "b": j} for i, j in zip(instances, reversed(instances), strict=True)])
