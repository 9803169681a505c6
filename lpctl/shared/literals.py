"""Values -> ``flyteidl.core.Literal``, typed by the workflow input's ``LiteralType``.

The same conversion serves YAML values (strings, numbers, lists, mappings) and the Python
defaults of a workflow's signature (``datetime``, ``timedelta``, ``Enum`` members ...), and
produces exactly the literals flytekit's ``TypeEngine.to_literal`` would, with two deliberate
differences for YAML authors: an integer is accepted for a ``float`` input, and a datetime or
duration may be written as text.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from collections.abc import Callable
from typing import Any

from flyteidl.core import literals_pb2
from flyteidl.core.literals_pb2 import Literal
from flyteidl.core.types_pb2 import LiteralType, SimpleType

from lpctl.shared.conversion import ConversionError, describe
from lpctl.spec.positions import Path

__all__ = ["ConversionError", "Literal", "LiteralType", "SimpleType", "describe", "to_literal", "type_name"]

_INT64 = (-(2**63), 2**63 - 1)
_STRUCT_TAG = "msgpack"


def type_name(lt: LiteralType) -> str:
    """A Python-style name for a literal type, for messages: ``list[int]``, ``Optional[str]``."""
    which = lt.WhichOneof("type")
    if which == "simple":
        return _SIMPLE_NAMES.get(lt.simple) or str(SimpleType.Name(lt.simple)).lower()
    if which == "collection_type":
        return f"list[{type_name(lt.collection_type)}]"
    if which == "map_value_type":
        return f"dict[str, {type_name(lt.map_value_type)}]"
    if which == "enum_type":
        return "enum (" + ", ".join(repr(v) for v in lt.enum_type.values) + ")"
    if which == "union_type":
        variants = [v for v in lt.union_type.variants if not _is_none(v)]
        inner = ", ".join(type_name(v) for v in variants)
        if len(variants) < len(lt.union_type.variants):
            return f"Optional[{inner}]" if len(variants) == 1 else f"Optional[Union[{inner}]]"
        return f"Union[{inner}]"
    return which or "unknown type"


_SIMPLE_NAMES = {
    SimpleType.INTEGER: "int",
    SimpleType.FLOAT: "float",
    SimpleType.STRING: "str",
    SimpleType.BOOLEAN: "bool",
    SimpleType.DATETIME: "datetime",
    SimpleType.DURATION: "timedelta",
    SimpleType.STRUCT: "dict",
    SimpleType.NONE: "None",
}


def _is_none(lt: LiteralType) -> bool:
    return bool(lt.WhichOneof("type") == "simple" and lt.simple == SimpleType.NONE)


def is_optional(lt: LiteralType) -> bool:
    return lt.WhichOneof("type") == "union_type" and any(_is_none(v) for v in lt.union_type.variants)


def none_literal() -> Literal:
    """The bare ``none_type`` literal flytekit uses as the default of an ``Optional`` input."""
    lit = Literal()
    lit.scalar.none_type.SetInParent()
    return lit


def to_literal(value: Any, lt: LiteralType) -> Literal:
    """Convert ``value`` to a literal of type ``lt``; raises :class:`ConversionError`."""
    which = lt.WhichOneof("type")
    if which == "simple":
        return _SIMPLE[lt.simple](value, lt) if lt.simple in _SIMPLE else _unsupported(lt)
    if which == "collection_type":
        return _collection(value, lt)
    if which == "map_value_type":
        return _map(value, lt)
    if which == "enum_type":
        return _enum(value, lt)
    if which == "union_type":
        return _union(value, lt)
    if which == "blob":
        from lpctl.shared.blobs import blob_literal

        return blob_literal(value, lt)
    return _unsupported(lt)


def _unsupported(lt: LiteralType) -> Literal:
    raise ConversionError(f"inputs of type {type_name(lt)} cannot be written in a spec")


def _mismatch(value: Any, lt: LiteralType, hint: str | None = None) -> ConversionError:
    return ConversionError(f"expected {type_name(lt)}, found {describe(value)}", hint=hint)


def _primitive(**kwargs: Any) -> Literal:
    lit = Literal()  # set in place: nested constructors would build and copy three messages
    primitive = lit.scalar.primitive
    if not kwargs:
        primitive.SetInParent()
    for key, value in kwargs.items():
        setattr(primitive, key, value)
    return lit


def _integer(value: Any, lt: LiteralType) -> Literal:
    if isinstance(value, bool) or not isinstance(value, int):
        hint = "remove the quotes" if isinstance(value, str) and _looks_int(value) else None
        raise _mismatch(value, lt, hint)
    if not _INT64[0] <= value <= _INT64[1]:
        raise ConversionError(f"the integer {value} does not fit in 64 bits (Flyte integers are int64)")
    return _primitive(integer=value)


def _looks_int(text: str) -> bool:
    return re.fullmatch(r"[-+]?[0-9]+", text.strip()) is not None


def _float(value: Any, lt: LiteralType) -> Literal:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        hint = "remove the quotes" if isinstance(value, str) and _looks_float(value) else None
        raise _mismatch(value, lt, hint)
    try:
        return _primitive(float_value=float(value))
    except OverflowError:
        raise ConversionError(f"the integer {value} is too large for a float") from None


def _looks_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _string(value: Any, lt: LiteralType) -> Literal:
    if isinstance(value, enum.Enum) and isinstance(value.value, str):
        value = value.value
    if not isinstance(value, str):
        error = _mismatch(value, lt)
        if isinstance(value, (int, float)) or value is None:
            shown = "null" if value is None else str(value).lower() if isinstance(value, bool) else repr(value)
            error.hint, error.quote = f"quote it: '{shown}'", True
        raise error
    return _primitive(string_value=value)


def _boolean(value: Any, lt: LiteralType) -> Literal:
    if not isinstance(value, bool):
        hint = None
        if isinstance(value, str) and value.lower() in ("yes", "no", "on", "off", "true", "false", "y", "n"):
            hint = "write true or false; in YAML 1.2 yes, no, on and off are strings"
        raise _mismatch(value, lt, hint)
    return _primitive(boolean=value)


class OutOfRange(ValueError):
    """A datetime that exists in its own offset but not in UTC, where a protobuf Timestamp holds it."""


def parse_datetime(value: Any) -> dt.datetime:
    """ISO 8601 text or a ``datetime``/``date`` -> an aware UTC datetime (naive means UTC)."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        if text[-1:] in ("Z", "z"):
            text = text[:-1] + "+00:00"
        try:
            parsed = dt.datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
        except ValueError:
            raise ValueError(f'"{value}" is not an ISO 8601 datetime (e.g. 2024-01-02T03:04:05Z)') from None
    else:
        raise TypeError(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.timezone.utc)
    try:
        return parsed.astimezone(dt.timezone.utc)
    except OverflowError:  # 0001-01-01T00:00:00+00:01 is in year 0 in UTC
        raise OutOfRange(f'"{value}" is outside what a protobuf Timestamp holds (0001-01-01T00:00:00Z to '
                         "9999-12-31T23:59:59Z, in UTC)") from None


def _datetime(value: Any, lt: LiteralType) -> Literal:
    if isinstance(value, bool) or not isinstance(value, (str, dt.date)):
        raise _mismatch(value, lt, "write an ISO 8601 datetime such as '2024-01-02T03:04:05Z'")
    try:
        when = parse_datetime(value)
    except ValueError as e:
        raise ConversionError(f"expected datetime: {e}") from None
    lit = _primitive()
    lit.scalar.primitive.datetime.FromDatetime(when)
    return lit


#: google.protobuf.Duration's range: +-315,576,000,000 seconds (10,000 years)
_MAX_SECONDS = 315_576_000_000
MAX_DURATION = dt.timedelta(seconds=_MAX_SECONDS)


def _shown_duration(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


def _duration(value: Any, lt: LiteralType) -> Literal:
    from lpctl.schedule.durations import parse_duration

    if isinstance(value, dt.timedelta):
        delta = value
    elif isinstance(value, str):
        try:
            delta = parse_duration(value)
        except ValueError as e:
            raise ConversionError(f"expected timedelta: {e}") from None
    else:
        raise _mismatch(value, lt, "write a duration such as '90m', '1h30m', '2d' or 'PT1H30M'")
    if abs(delta) > MAX_DURATION:
        raise ConversionError(f"expected timedelta: {_shown_duration(value)} is longer than a protobuf Duration "
                              f"holds (10,000 years: {MAX_DURATION.days:,} days, {_MAX_SECONDS:,} seconds)")
    lit = _primitive()
    lit.scalar.primitive.duration.FromTimedelta(delta)
    return lit


def _struct(value: Any, lt: LiteralType) -> Literal:
    """An untyped ``dict`` input: flytekit stores it as msgpack bytes tagged ``msgpack``."""
    import msgpack

    if not isinstance(value, dict):
        raise _mismatch(value, lt)
    _check_plain(value, ())
    data = msgpack.dumps(value)
    return Literal(scalar=literals_pb2.Scalar(binary=literals_pb2.Binary(value=data, tag=_STRUCT_TAG)))


#: the integers msgpack holds (int64 and uint64): flytekit and flyte-sdk fail to pack any other
MSGPACK_INTS = (-(2**63), 2**64 - 1)


def check_msgpack_int(value: Any, path: Path, code: str = "LP405") -> None:
    """Raise ConversionError when ``value`` is an integer msgpack cannot hold (lpctl exited 3 on it)."""
    if isinstance(value, int) and not isinstance(value, bool) and not MSGPACK_INTS[0] <= value <= MSGPACK_INTS[1]:
        shown = str(value) if len(str(value)) <= 40 else f"{str(value)[:20]}... ({len(str(value))} digits)"
        raise ConversionError(f"the integer {shown} is outside what msgpack holds (-2**63 to 2**64-1): Flyte fails "
                              "to pack it", path, "write it as a string, or a smaller number", code)


def _check_plain(value: Any, path: Path) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise ConversionError(f"{value} cannot be stored in a dict input", path)
    check_msgpack_int(value, path)
    if isinstance(value, dict):
        for k, v in value.items():
            _check_plain(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_plain(v, (*path, i))


def _collection(value: Any, lt: LiteralType) -> Literal:
    if not isinstance(value, list):
        raise _mismatch(value, lt, "write a YAML list")
    items = []
    for i, item in enumerate(value):
        try:
            items.append(to_literal(item, lt.collection_type))
        except ConversionError as e:
            raise ConversionError(e.message, (i, *e.path), e.hint, e.code, quote=e.quote, key=e.key) from None
    lit = Literal()
    lit.collection.SetInParent()
    lit.collection.literals.extend(items)
    return lit


def _map(value: Any, lt: LiteralType) -> Literal:
    if not isinstance(value, dict):
        raise _mismatch(value, lt, "write a YAML mapping")
    lit = Literal()
    lit.map.SetInParent()
    for key, item in value.items():
        try:
            lit.map.literals[str(key)].CopyFrom(to_literal(item, lt.map_value_type))
        except ConversionError as e:
            raise ConversionError(e.message, (key, *e.path), e.hint, e.code, quote=e.quote, key=e.key) from None
    return lit


def _enum(value: Any, lt: LiteralType) -> Literal:
    if isinstance(value, enum.Enum):
        value = value.value
    allowed = list(lt.enum_type.values)
    if not isinstance(value, str):
        raise _mismatch(value, lt)
    if value not in allowed:
        raise not_a_member(value, allowed)
    return _primitive(string_value=value)


def not_a_member(value: Any, allowed: list[str], path: Path = ()) -> ConversionError:
    """LP406 for a value that is none of an enum's values (an input, or a dataclass field)."""
    values = ", ".join(f'"{v}"' for v in allowed)
    return ConversionError(f"{describe(value)} is not one of the enum's values: {values}", path,
                           _closest(value, allowed), "LP406")


def _closest(value: Any, allowed: list[str]) -> str | None:
    import difflib

    if not isinstance(value, str):
        return None
    matches = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
    if not matches and value.lower() in (a.lower() for a in allowed):
        matches = [a for a in allowed if a.lower() == value.lower()]
    return f"did you mean \"{matches[0]}\"?" if matches else None


def _exact(value: Any, lt: LiteralType) -> bool:
    """Whether ``value`` is of ``lt``'s own kind, not merely convertible (int for float)."""
    if lt.WhichOneof("type") == "simple" and lt.simple == SimpleType.FLOAT:
        return isinstance(value, float)
    return True


def _union(value: Any, lt: LiteralType) -> Literal:
    matches: list[tuple[LiteralType, Literal]] = []
    errors: list[ConversionError] = []
    for variant in lt.union_type.variants:
        if _is_none(variant):
            if value is None:
                matches.append((variant, none_literal()))
            continue
        try:
            matches.append((variant, to_literal(value, variant)))
        except ConversionError as e:
            errors.append(e)
    if len(matches) > 1:
        # flytekit prefers `str` for a string that is also an enum value; an int matching
        # both int and float (lpctl's leniency) keeps the exact kind.
        exact = [m for m in matches if _is_str(m[0])] if isinstance(value, str) else []
        matches = exact or [m for m in matches if _exact(value, m[0])] or matches
    if len(matches) == 1:
        variant, inner = matches[0]
        return Literal(scalar=literals_pb2.Scalar(union=literals_pb2.Union(value=inner, type=variant)))
    if matches:
        names = ", ".join(type_name(m[0]) for m in matches)
        raise ConversionError(f"{describe(value)} matches more than one type of {type_name(lt)}: {names}")
    if len(errors) == 1:
        raise errors[0]
    deepest = max(errors, key=lambda e: len(e.path), default=None)
    if deepest is not None and deepest.path:
        raise deepest
    raise _mismatch(value, lt)


def _is_str(lt: LiteralType) -> bool:
    return bool(lt.WhichOneof("type") == "simple" and lt.simple == SimpleType.STRING)


_SIMPLE: dict[int, Callable[[Any, LiteralType], Literal]] = {
    SimpleType.INTEGER: _integer,
    SimpleType.FLOAT: _float,
    SimpleType.STRING: _string,
    SimpleType.BOOLEAN: _boolean,
    SimpleType.DATETIME: _datetime,
    SimpleType.DURATION: _duration,
    SimpleType.STRUCT: _struct,
}
