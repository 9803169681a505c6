"""Trigger input values -> ``flyteidl2.core.Literal``, as flyte-sdk transports a value of the declared type.

flyte-sdk 2.12.1 encodes a trigger value by its own Python type and checks nothing;
lpctl type-checks the value against the task's interface first, converts it to the declared type
(an integer for a ``float`` is that float, a name for an Enum the member, ``90m`` a timedelta), then
encodes it as flyte encodes such a value: bare for ``Optional`` (no union wrapper), an Enum by its
member name, datetimes in UTC, a mapping for an untyped ``dict`` or a dataclass as msgpack. The scalar
conversions are the launch plans' ones
(``flyteidl.core`` and ``flyteidl2.core`` share their field numbers, so the bytes carry over).
"""

from __future__ import annotations

from typing import Any

from flyteidl.core import types_pb2
from flyteidl2.core import literals_pb2 as literals2

from lpctl.shared.literals import ConversionError, describe, is_optional, to_literal, type_name

LIST_REASON = ("flyte-sdk 2.12.1 pickles a list trigger input into bytes that its own runtime cannot decode "
               "as the declared type")
DICT_REASON = ("flyte-sdk 2.12.1 fails to convert a mapping for an input of type {type} "
               "(RuntimeError: Failed to convert trigger default input); only an untyped dict or a dataclass "
               "input takes one")
CONTAINER_HINT = "give the value as the task's Python default, or pass it when starting the run"


def trigger_literal(value: Any, literal_type: Any) -> Any:
    """``value`` as the ``flyteidl2.core.Literal`` flyte-sdk sends for it; raises ConversionError."""
    lt = types_pb2.LiteralType.FromString(literal_type.SerializeToString())
    if isinstance(value, list):
        raise ConversionError(f"a list cannot be a trigger input: {LIST_REASON}", hint=CONTAINER_HINT, code="LP906")
    if isinstance(value, dict):
        if lt.WhichOneof("type") == "simple" and lt.simple == types_pb2.SimpleType.STRUCT:
            return msgpack_literal(value, lt)
        raise ConversionError(f"a mapping cannot be this trigger input: {DICT_REASON.format(type=type_name(lt))}",
                              hint=CONTAINER_HINT, code="LP906")
    if _holds_blob(lt):  # Flyte 1's FlyteFile URIs (lpctl.shared.blobs) are not flyte-sdk's File encoding
        raise ConversionError(f"inputs of type {type_name(lt)} cannot be written in a spec", code="LP904")
    try:
        lit = to_literal(value, lt)
    except ConversionError as e:
        raise _flyte2_error(e, value, lt) from None
    if lit.scalar.HasField("union"):  # flyte encodes by the value's own type: no union wrapper
        lit = lit.scalar.union.value
    return literals2.Literal.FromString(lit.SerializeToString())


def msgpack_literal(value: dict[str, Any], lt: Any) -> Any:
    """A mapping for an untyped ``dict`` or a dataclass input: flyte-sdk sends any ``dict`` trigger value as
    ``msgpack.dumps`` of it, as written (``DictTransformer``; a dataclass is not filled in), and its runtime
    decodes it into the declared type. A dataclass's fields are checked first against the JSON schema
    flyte-sdk records in the literal type."""
    import msgpack

    from lpctl.flyte2.structs import check_fields, plain

    if lt.HasField("metadata"):
        from google.protobuf import json_format

        check_fields(value, json_format.MessageToDict(lt.metadata), ())
    lit = literals2.Literal()
    lit.scalar.binary.value = msgpack.packb(plain(value))
    lit.scalar.binary.tag = "msgpack"
    return lit


def _holds_blob(lt: Any) -> bool:
    which = lt.WhichOneof("type")
    if which == "collection_type":
        return _holds_blob(lt.collection_type)
    if which == "map_value_type":
        return _holds_blob(lt.map_value_type)
    if which == "union_type":
        return any(_holds_blob(v) for v in lt.union_type.variants)
    return bool(which == "blob")


def _flyte2_error(e: ConversionError, value: Any, lt: Any) -> ConversionError:
    if e.code == "LP406" or (lt.WhichOneof("type") == "enum_type" and isinstance(value, str)):
        names = ", ".join(lt.enum_type.values)
        return ConversionError(f"{describe(value)} is not a member name of the enum ({names})", e.path,
                               e.hint or "Flyte 2 passes an Enum by its member name, not its value", "LP905")
    if value is None and not is_optional(lt):
        return ConversionError(e.message, e.path, "only an Optional input takes null", "LP904")
    return ConversionError(e.message, e.path, e.hint, "LP904")
