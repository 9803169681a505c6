"""A mapping given for a dataclass input, checked against the JSON schema flyte-sdk records for the dataclass.

flyte-sdk puts the dataclass's JSON schema (mashumaro's) in ``LiteralType.metadata``; it travels in the
lock, so the check needs neither flyte-sdk nor the task's module. flyte-sdk itself checks nothing when
it sends the mapping; its runtime would fail to decode a missing or mistyped field into the dataclass.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lpctl.shared.literals import ConversionError, check_msgpack_int, describe
from lpctl.spec.positions import Path

#: JSON schema type -> the YAML values of that type (a bool is not a number)
_FITS = {
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


def check_fields(value: Mapping[str, Any], schema: Mapping[str, Any], path: Path) -> None:
    """Raise ConversionError (LP904) for an unknown, missing or mistyped field of the dataclass ``schema``."""
    properties: Mapping[str, Any] = schema.get("properties") or {}
    if not properties:  # an untyped dict, or a schema lpctl does not read: flyte-sdk sends it as written
        return
    title = schema.get("title", "the dataclass")
    for key in value:
        if key not in properties and schema.get("additionalProperties") is False:
            raise ConversionError(f"'{key}' is not a field of {title} (fields: {', '.join(sorted(properties))})",
                                  (*path, key), code="LP904", key=True)
    for key in schema.get("required") or ():
        if key not in value:
            raise ConversionError(f"field '{key}' of {title} is missing: it has no default", path, code="LP904")
    for key, item in value.items():
        if key in properties:
            _check_field(item, properties[key], (*path, key))


def _check_field(value: Any, schema: Mapping[str, Any], path: Path) -> None:
    kinds = schema.get("type")
    wanted = [kinds] if isinstance(kinds, str) else list(kinds or [])
    if wanted and not any(_FITS.get(kind, lambda v: True)(value) for kind in wanted):
        raise ConversionError(f"expected {' or '.join(wanted)}, found {describe(value)}", path, code="LP904")
    if isinstance(value, dict) and "properties" in schema:
        check_fields(value, schema, path)
    items = schema.get("items")
    if isinstance(value, list) and isinstance(items, Mapping):  # list[Inner]: each item as a field of its type
        for i, item in enumerate(value):
            _check_field(item, items, (*path, i))


def plain(value: Any, path: Path = ()) -> Any:
    """The value with plain dicts and lists only, in the order written (what ``msgpack.packb`` gets); raises
    ConversionError (LP904) at an integer msgpack cannot hold."""
    if isinstance(value, dict):
        return {str(k): plain(v, (*path, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v, (*path, i)) for i, v in enumerate(value)]
    check_msgpack_int(value, path, "LP904")
    return value
