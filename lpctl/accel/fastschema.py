"""A compiled yes/no check of the spec schema, for the common case: a valid document.

jsonschema builds an error object at every branch it tries and imports a third of a second of
modules; most documents are valid, and for them all lpctl needs is "valid". This module compiles
the schema once into plain closures that answer exactly that, with jsonschema's own semantics
for every keyword the schema uses (Draft 2020-12; the ``integer`` type as lpctl redefines it: an
``int`` that is not a ``bool``). A document it finds invalid goes to jsonschema, which says why.

The answer is exact, not a guess: tests compare it with jsonschema's on generated, mutated and
hostile documents. A keyword it does not know makes :func:`is_valid` always defer (``None``), so a
schema change can never make it wrong, only slower.
"""

from __future__ import annotations

import functools
import numbers
import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

#: keywords with no effect on validity
_ANNOTATIONS = {"description", "examples", "title", "$comment", "$schema", "$id", "default", "deprecated",
                "errorMessage", "readOnly", "writeOnly", "$defs"}


class _Unsure(Exception):
    """An instance this checker cannot judge exactly (jsonschema decides)."""


class _Unsupported(Exception):
    """A schema keyword this checker does not implement."""


def is_valid(data: Any) -> bool | None:
    """Whether ``data`` is valid against the spec schema; None when only jsonschema can tell."""
    check = _compiled()
    if check is None:
        return None
    try:
        return check(data)
    except (_Unsure, RecursionError):
        return None


@functools.cache
def _compiled() -> Check | None:
    from lpctl.spec.schema import load_schema

    schema = load_schema()
    _ROOT.clear()
    _ROOT.append(schema)
    try:
        return compile_schema(schema)
    except _Unsupported:
        return None
    finally:
        _ROOT.clear()


#: the schema being compiled, for ``$ref`` (set only while :func:`_compiled` runs)
_ROOT: list[Any] = []


def compile_schema(schema: Any) -> Check:
    """A function telling whether an instance is valid against ``schema``; raises _Unsupported."""
    if schema is True:
        return lambda _: True
    if schema is False:
        return lambda _: False
    if not isinstance(schema, dict):
        raise _Unsupported(repr(schema))
    checks: list[Check] = []
    for key, value in schema.items():
        if key in _ANNOTATIONS or key.startswith("x-") or key in ("then", "else"):
            continue
        build = _KEYWORDS.get(key)
        if build is None:
            raise _Unsupported(key)
        checks.append(build(value, schema))
    if len(checks) == 1:
        return checks[0]
    return lambda instance: all(check(instance) for check in checks)


def _is_type(name: str) -> Check:
    tests: dict[str, Check] = {
        "string": lambda x: isinstance(x, str),
        "object": lambda x: isinstance(x, dict),
        "array": lambda x: isinstance(x, list),
        "boolean": lambda x: isinstance(x, bool),
        "null": lambda x: x is None,
        "integer": lambda x: isinstance(x, int) and not isinstance(x, bool),
        "number": lambda x: isinstance(x, numbers.Number) and not isinstance(x, bool),
    }
    if name not in tests:
        raise _Unsupported(f"type {name}")
    return tests[name]


def _type(value: Any, _: dict[str, Any]) -> Check:
    names = value if isinstance(value, list) else [value]
    tests = [_is_type(n) for n in names]
    return lambda x: any(t(x) for t in tests)


_IS_NUMBER = _is_type("number")
_IS_STRING = _is_type("string")


def _min_length(value: Any, _: dict[str, Any]) -> Check:
    return lambda x: not isinstance(x, str) or len(x) >= value


def _pattern(value: Any, _: dict[str, Any]) -> Check:
    compiled = re.compile(value)
    return lambda x: not isinstance(x, str) or compiled.search(x) is not None


def _minimum(value: Any, _: dict[str, Any]) -> Check:
    return lambda x: not _IS_NUMBER(x) or x >= value


def _maximum(value: Any, _: dict[str, Any]) -> Check:
    return lambda x: not _IS_NUMBER(x) or x <= value


def _min_items(value: Any, _: dict[str, Any]) -> Check:
    return lambda x: not isinstance(x, list) or len(x) >= value


def _max_items(value: Any, _: dict[str, Any]) -> Check:
    return lambda x: not isinstance(x, list) or len(x) <= value


def _max_length(value: Any, _: dict[str, Any]) -> Check:
    return lambda x: not isinstance(x, str) or len(x) <= value


def _min_properties(value: Any, _: dict[str, Any]) -> Check:
    return lambda x: not isinstance(x, dict) or len(x) >= value


def _max_properties(value: Any, _: dict[str, Any]) -> Check:
    return lambda x: not isinstance(x, dict) or len(x) <= value


def _exclusive_minimum(value: Any, _: dict[str, Any]) -> Check:
    return lambda x: not _IS_NUMBER(x) or x > value


def _exclusive_maximum(value: Any, _: dict[str, Any]) -> Check:
    return lambda x: not _IS_NUMBER(x) or x < value


def _one_of(value: Any, _: dict[str, Any]) -> Check:
    subs = [compile_schema(s) for s in value]
    return lambda x: sum(1 for s in subs if s(x)) == 1


def _items(value: Any, schema: dict[str, Any]) -> Check:
    if "prefixItems" in schema:
        raise _Unsupported("prefixItems")
    item = compile_schema(value)
    return lambda x: not isinstance(x, list) or all(item(i) for i in x)


def _required(value: Any, _: dict[str, Any]) -> Check:
    return lambda x: not isinstance(x, dict) or all(k in x for k in value)


def _properties(value: Any, _: dict[str, Any]) -> Check:
    compiled = {name: compile_schema(sub) for name, sub in value.items()}

    def check(x: Any) -> bool:
        if not isinstance(x, dict):
            return True
        return all(compiled[k](v) for k, v in x.items() if k in compiled)
    return check


def _additional(value: Any, schema: dict[str, Any]) -> Check:
    if "patternProperties" in schema:
        raise _Unsupported("patternProperties")
    known = set(schema.get("properties", {}))
    extra = compile_schema(value)
    return lambda x: not isinstance(x, dict) or all(extra(v) for k, v in x.items() if k not in known)


def _dependent(value: Any, _: dict[str, Any]) -> Check:
    compiled = {name: compile_schema(sub) for name, sub in value.items()}
    return lambda x: not isinstance(x, dict) or all(c(x) for k, c in compiled.items() if k in x)


def _all_of(value: Any, _: dict[str, Any]) -> Check:
    subs = [compile_schema(s) for s in value]
    return lambda x: all(s(x) for s in subs)


def _any_of(value: Any, _: dict[str, Any]) -> Check:
    subs = [compile_schema(s) for s in value]
    return lambda x: any(s(x) for s in subs)


def _not(value: Any, _: dict[str, Any]) -> Check:
    sub = compile_schema(value)
    return lambda x: not sub(x)


def _if(value: Any, schema: dict[str, Any]) -> Check:
    test = compile_schema(value)
    then = compile_schema(schema.get("then", True))
    otherwise = compile_schema(schema.get("else", True))
    return lambda x: then(x) if test(x) else otherwise(x)


def _equal(instance: Any, expected: Any) -> bool:
    """jsonschema's equality for the scalars a schema compares with (strings, numbers, booleans, null)."""
    if isinstance(expected, str) or isinstance(instance, str):
        return isinstance(instance, str) and isinstance(expected, str) and instance == expected
    scalars = (int, float, bool, type(None))
    if not isinstance(instance, scalars) or not isinstance(expected, scalars):
        raise _Unsure()
    if isinstance(instance, bool) or isinstance(expected, bool):
        return isinstance(instance, bool) and isinstance(expected, bool) and instance == expected
    return bool(instance == expected)


def _enum(value: Any, _: dict[str, Any]) -> Check:
    return lambda x: any(_equal(x, each) for each in value)


def _const(value: Any, _: dict[str, Any]) -> Check:
    return lambda x: _equal(x, value)


def _ref(value: Any, _: dict[str, Any]) -> Check:
    """A local reference, ``#/$defs/name`` (a JSON pointer into the schema being compiled)."""
    if not isinstance(value, str) or not value.startswith("#/") or not _ROOT:
        raise _Unsupported(f"$ref {value!r}")
    target = _ROOT[0]
    for part in value[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(target, dict) or part not in target:
            raise _Unsupported(f"$ref {value!r}")
        target = target[part]
    return compile_schema(target)


_KEYWORDS: dict[str, Callable[[Any, dict[str, Any]], Check]] = {
    "$ref": _ref, "maxItems": _max_items, "maxLength": _max_length, "minProperties": _min_properties,
    "maxProperties": _max_properties, "exclusiveMinimum": _exclusive_minimum,
    "exclusiveMaximum": _exclusive_maximum, "oneOf": _one_of,
    "type": _type, "minLength": _min_length, "pattern": _pattern, "minimum": _minimum, "maximum": _maximum,
    "minItems": _min_items, "items": _items, "required": _required, "properties": _properties,
    "additionalProperties": _additional, "dependentSchemas": _dependent, "allOf": _all_of, "anyOf": _any_of,
    "not": _not, "if": _if, "enum": _enum, "const": _const,
}
