"""Stage 2: check one spec document against the JSON Schema of the spec format.

Each jsonschema error becomes one diagnostic in plain words, at the key or value it concerns.
The schema may carry annotations that jsonschema ignores (see its ``$comment``):
``x-lpctl-message`` (a message template), ``x-lpctl-code``, ``x-lpctl-hint``, ``x-lpctl-type-hint``,
``x-lpctl-one-of`` (the keys of an exactly-one-of rule) and ``x-lpctl-key`` (report at that key).
"""

from __future__ import annotations

import copy
import difflib
import functools
import json
import math
import os
import re
from typing import Any

from lpctl.diagnostics import Diagnostic, error
from lpctl.spec.load import Document
from lpctl.spec.positions import Path

SCHEMA_FILE = "launchplan.schema.json"

_CODES = {
    "additionalProperties": "LP201", "type": "LP202", "required": "LP203", "enum": "LP204",
    "const": "LP204", "pattern": "LP205", "format": "LP205", "minimum": "LP206", "maximum": "LP206",
    "exclusiveMinimum": "LP206", "exclusiveMaximum": "LP206", "multipleOf": "LP206",
    "minItems": "LP207", "maxItems": "LP207", "minLength": "LP207", "maxLength": "LP207",
    "minProperties": "LP207", "maxProperties": "LP207",
    "not": "LP208", "dependentRequired": "LP208", "dependentSchemas": "LP208",
}
_TYPES = {"string": "a string", "integer": "an integer", "number": "a number",
          "boolean": "a boolean (true or false)", "object": "a mapping", "array": "a list", "null": "null"}
_BOUNDS = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "greater than",
           "exclusiveMaximum": "less than", "multipleOf": "a multiple of"}
_COUNTS = {"minItems": ("at least", "item"), "maxItems": ("at most", "item"),
           "minLength": ("at least", "character"), "maxLength": ("at most", "character"),
           "minProperties": ("at least", "entry"), "maxProperties": ("at most", "entry")}
_HEADER = ("apiVersion", "kind")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_YAML_1_1_BOOLS = {"yes", "no", "on", "off", "y", "n"}


def schema_text() -> str:
    """The schema file as shipped (``lpctl schema`` prints it)."""
    try:
        import lpctl.schemas  # type: ignore[import-not-found, import-untyped, unused-ignore]  # only the wheel maps schemas/ here
    except ModuleNotFoundError:  # a source checkout
        source = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__)))),
                              "schemas", SCHEMA_FILE)
        with open(source, encoding="utf-8") as f:
            return f.read()
    beside = os.path.join(os.path.dirname(lpctl.schemas.__file__ or ""), SCHEMA_FILE)
    if lpctl.schemas.__file__ and os.path.isfile(beside):  # a package on disk: no importlib.resources (~4 ms)
        with open(beside, encoding="utf-8") as f:
            return f.read()
    import importlib.resources  # a package in an archive

    return importlib.resources.files("lpctl.schemas").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


@functools.cache
def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text())
    return loaded


def schema_id() -> str:
    """The schema's published ``$id``: the URL editors and SchemaStore fetch it from."""
    return str(_schema()["$id"])


def load_schema() -> dict[str, Any]:
    """The JSON Schema of one spec document (a fresh copy; the parsed file is cached)."""
    return copy.deepcopy(_schema())


def shared_schema() -> dict[str, Any]:
    """The parsed schema itself, not a copy (0.7 ms less), for a reader that never changes it."""
    return _schema()


@functools.cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator, validators

    # JSON Schema counts 10.0 as an integer; protobuf int fields refuse floats, so a spec must not.
    def is_integer(checker: Any, instance: Any) -> bool:
        return isinstance(instance, int) and not isinstance(instance, bool)

    checker = Draft202012Validator.TYPE_CHECKER.redefine("integer", is_integer)
    return validators.extend(Draft202012Validator, type_checker=checker)(_schema())


def check_schema(doc: Document) -> list[Diagnostic]:
    """Every way ``doc`` departs from the spec format; ``apiVersion``/``kind`` are the loader's."""
    return schema_problems(doc)[0]


def schema_problems(doc: Document) -> tuple[list[Diagnostic], set[str]]:
    """The diagnostics, and the top-level keys they concern ("" for the document itself), so that
    the later checks can go on with every other field: one pass reports every problem."""
    errors = list(_validator().iter_errors(doc.data))
    broken = {str(e.absolute_path[0]) if e.absolute_path else _root_key(e) for e in errors}
    return _diagnostics(doc, errors), broken


def _root_key(err: Any) -> str:
    """An error on the document itself: an unknown key concerns only that key."""
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        allowed = err.schema.get("properties", {}) if isinstance(err.schema, dict) else {}
        unknown = [key for key in err.instance if key not in allowed]
        if len(unknown) == 1:
            return str(unknown[0])
    return ""


def _diagnostics(doc: Document, errors: list[Any]) -> list[Diagnostic]:
    typed = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
    diags: dict[Diagnostic, None] = {}  # ordered and without repeats
    for err in errors:
        path: Path = tuple(err.absolute_path)
        if path in typed and err.validator != "type":
            continue  # a value of the wrong type: its other failures would only repeat that
        diags.update(dict.fromkeys(_translate(doc, err, path)))
    return sorted(diags, key=Diagnostic.sort_key)


def _translate(doc: Document, err: Any, path: Path) -> list[Diagnostic]:
    schema: dict[str, Any] = err.schema if isinstance(err.schema, dict) else {}
    keyword, value, instance = str(err.validator), err.validator_value, err.instance
    if len(path) == 1 and path[0] in _HEADER:
        return []
    if "x-lpctl-message" in schema:
        return [_custom(doc, schema, keyword, path, instance)]
    if keyword == "additionalProperties" and isinstance(instance, dict):
        allowed = list(schema.get("properties", {}))
        return [_unknown(doc, path, key, allowed) for key in instance if key not in allowed]
    if keyword == "required" and isinstance(instance, dict):
        return [_missing(doc, schema, path, key) for key in value
                if key not in instance and not (path == () and key in _HEADER)]
    where = doc.location(path)
    if keyword == "type":
        expected = [value] if isinstance(value, str) else list(value)
        names = _join([_TYPES.get(str(t), str(t)) for t in expected], "or")
        hint = schema.get("x-lpctl-type-hint")
        return [error("LP202", f"{_quote(path)} must be {names}, found {_found(instance)}", where,
                      hint if isinstance(hint, str) else _type_hint(expected, instance, schema))]
    if keyword in ("enum", "const"):
        options = list(value) if keyword == "enum" else [value]
        shown = _join([_symbol(o) for o in options], "or")
        must = f"one of {shown}" if len(options) > 1 else shown
        return [error("LP204", f"{_quote(path)} must be {must}, found {_found(instance)}", where,
                      _suggest(instance, [o for o in options if isinstance(o, str)]))]
    if keyword in _BOUNDS:
        return [error("LP206", f"{_quote(path)} must be {_BOUNDS[keyword]} {_render(value)}, found "
                               f"{_render(instance)}", where)]
    if keyword in _COUNTS:
        return [_count(doc, keyword, value, path, instance)]
    return [error(_CODES.get(keyword, "LP205"), f"{_quote(path)} is not valid: {err.message}", where)]


def _custom(doc: Document, schema: dict[str, Any], keyword: str, path: Path, instance: Any) -> Diagnostic:
    key = schema.get("x-lpctl-key")
    if isinstance(key, str):
        path = (*path, key)
    mapping_level = isinstance(instance, dict) and key is None
    where = doc.location(path, key=mapping_level or key is not None)
    fields = _Fields(path=_quote(path), value=_render(instance), text=_symbol(instance),
                     present=_present(schema.get("x-lpctl-one-of"), instance))
    message = str(schema["x-lpctl-message"]).format_map(fields)
    hint = schema.get("x-lpctl-hint")
    code = str(schema.get("x-lpctl-code") or _CODES.get(keyword, "LP205"))
    return error(code, message, where, hint if isinstance(hint, str) else None)


class _Fields(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _present(keys: Any, instance: Any) -> str:
    if not isinstance(keys, list) or not isinstance(instance, dict):
        return ""
    found = [k for k in keys if k in instance]
    if not found:
        return "neither" if len(keys) == 2 else "none"
    if len(found) == 2 == len(keys):
        return "both"
    return _join([f"'{k}'" for k in found], "and")


def _unknown(doc: Document, path: Path, key: Any, allowed: list[str]) -> Diagnostic:
    where = doc.location((*path, key), key=True)
    message = f"unknown key '{key}'" + (f" in {_quote(path)}" if path else "")
    kind = "trigger" if isinstance(doc.data, dict) and doc.data.get("kind") == "Trigger" else "launchPlan"
    return error("LP201", message, where, _key_hint(str(key), path, allowed, kind))


def _key_hint(key: str, path: Path, allowed: list[str], kind: str = "launchPlan") -> str | None:
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key).replace("-", "_").lower()
    close = [snake] if snake in allowed else difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    misplaced = misplaced_key_hint(key, path, kind)
    if misplaced is not None:
        return misplaced
    return f"expected one of: {', '.join(allowed)}" if 0 < len(allowed) <= 10 else None


def misplaced_key_hint(key: str, path: Path, kind: str = "launchPlan") -> str | None:
    """Where ``key``, found at ``path``, belongs when the spec format has it in one place only: a top-level
    key indented too far reads "'labels' is a top-level key, at the level of 'default_inputs'"."""
    parents = _homes(kind).get(key, set())
    here = tuple(p for p in path if isinstance(p, str))
    if len(parents) != 1 or here in parents:
        return None
    home = next(iter(parents))
    if home:
        return f"'{key}' belongs under '{'.'.join(home)}'"
    return f"'{key}' is a top-level key, at the level of '{here[0]}'" if here else None


@functools.cache
def _homes(kind: str) -> dict[str, set[tuple[str, ...]]]:
    """Every key of one kind's schema (``launchPlan``, ``trigger``), with the mapping paths it may appear
    under (list items unnamed)."""
    homes: dict[str, set[tuple[str, ...]]] = {}

    def walk(schema: Any, at: tuple[str, ...]) -> None:
        if not isinstance(schema, dict):
            return
        for key, sub in schema.get("properties", {}).items():
            homes.setdefault(key, set()).add(at)
            walk(sub, (*at, key))
        walk(schema.get("items"), at)

    walk(_schema()["$defs"][kind], ())
    return homes


def _missing(doc: Document, schema: dict[str, Any], path: Path, key: Any) -> Diagnostic:
    where = doc.location(path, key=True)
    message = f"missing required key '{key}'" + (f" in {_quote(path)}" if path else "")
    examples = schema.get("properties", {}).get(key, {}).get("examples", [])
    hint = None
    if examples and isinstance(examples[0], (str, int, float)) and not isinstance(examples[0], bool):
        hint = f"for example '{key}: {examples[0]}'"
    return error("LP203", message, where, hint)


def _count(doc: Document, keyword: str, limit: Any, path: Path, instance: Any) -> Diagnostic:
    bound, unit = _COUNTS[keyword]
    size = len(instance) if isinstance(instance, (str, list, dict)) else 0
    kind = "string" if isinstance(instance, str) else "list" if isinstance(instance, list) else "mapping"
    if bound == "at least" and size == 0:
        message = f"{_quote(path)} must not be an empty {kind}"
    else:
        plural = "entries" if unit == "entry" else unit + "s"
        message = f"{_quote(path)} must have {bound} {_plural(limit, unit, plural)}, found {size}"
    key = isinstance(instance, dict)
    return error("LP207", message, doc.location(path, key=key))


def _plural(count: Any, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _type_hint(expected: list[Any], instance: Any, schema: dict[str, Any]) -> str | None:
    scalar = isinstance(instance, (int, float)) and not isinstance(instance, bool)
    if instance is None:
        return "give it a value, or remove the key"
    if expected == ["string"] and (scalar or isinstance(instance, bool)):
        return "quote the value so that YAML reads it as text"
    if expected == ["boolean"] and isinstance(instance, str):
        if instance.lower() in _YAML_1_1_BOOLS:
            return f"YAML 1.2 reads {_render(instance)} as a string: write true or false"
        return "write true or false, without quotes"
    if expected == ["integer"] and isinstance(instance, str) and re.fullmatch(r"[-+]?\d+", instance.strip()):
        return "remove the quotes"
    if expected == ["integer"] and isinstance(instance, float) and instance.is_integer():
        return "write a whole number, without a decimal point"
    if expected == ["array"] and not isinstance(instance, (list, dict)):
        return f"write a list, such as [{_render(instance)}]"
    keys = list(schema.get("properties", {}))
    if expected == ["object"] and keys:
        return f"a mapping with the keys {', '.join(keys)}"
    return None


def _suggest(found: Any, options: list[str]) -> str | None:
    if not isinstance(found, str):
        return None
    same = [o for o in options if o.lower() == found.strip().lower().replace("-", "_")]
    close = same or difflib.get_close_matches(found.upper(), options, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def _quote(path: Path) -> str:
    """``("notifications", 0, "email")`` -> ``'notifications[0].email'``; the root is "the spec"."""
    if not path:
        return "the spec"
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _WORD.fullmatch(str(part)):
            out += ("." if out else "") + str(part)
        else:
            out += "[" + json.dumps(str(part), ensure_ascii=False) + "]"
    return f"'{out}'"


def _join(items: list[str], word: str) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


def _symbol(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else _render(value)


def _found(value: Any) -> str:
    """What the user wrote, in words: ``a string ("10")``, ``an integer (3)``, ``a list``."""
    if isinstance(value, bool):
        return f"a boolean ({_render(value)})"
    if isinstance(value, int):
        return f"an integer ({_render(value)})"
    if isinstance(value, float):
        return f"a number ({_render(value)})"
    if isinstance(value, str):
        return f"a string ({_render(value)})"
    if value is None:
        return "null"
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a mapping"
    return f"a value of type {type(value).__name__}"


def _render(value: Any) -> str:
    """A scalar as YAML would show it, strings in double quotes; containers by kind."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 60 else value[:57] + "...", ensure_ascii=False)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        return repr(value) if math.isfinite(value) else ("-.inf" if value < 0 else ".inf")
    if isinstance(value, int):
        return str(value) if abs(value) < 10**100 else f"a {value.bit_length()}-bit integer"
    return _found(value)
