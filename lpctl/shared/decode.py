"""The one Literal decoder: a ``flyteidl``/``flyteidl2`` Literal (a message, or its protobuf JSON mapping)
-> the Python value it holds. Each reader presents the value its own way (``lpctl new`` as YAML, ``diff``
and ``lock --check`` as text); none of them walks a Literal itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Opaque:
    """A value lpctl cannot show as data (an undecodable binary, an offloaded literal): what it is."""

    what: str


def literal_value(lit: Any) -> Any:
    """None, bool, int, float, str, ``datetime`` (UTC), ``timedelta``, list, dict (keys sorted), the URI of a
    blob, the decoded value of a msgpack binary, or :class:`Opaque`."""
    which = lit.WhichOneof("value")
    if which == "collection":
        return [literal_value(item) for item in lit.collection.literals]
    if which == "map":
        return {key: literal_value(item) for key, item in sorted(lit.map.literals.items())}
    if which == "scalar":
        return _scalar(lit.scalar)
    return Opaque(f"<{which or 'empty'}>")


def json_literal_value(data: Any) -> Any:
    """:func:`literal_value` of a Literal in the protobuf JSON mapping; ValueError if it is not one."""
    from flyteidl.core.literals_pb2 import Literal
    from google.protobuf import json_format

    if not isinstance(data, dict):
        raise ValueError("not a literal")
    try:
        return literal_value(json_format.ParseDict(data, Literal()))
    except (json_format.ParseError, TypeError, RecursionError) as e:
        raise ValueError(f"not a literal: {e}") from None


def _scalar(scalar: Any) -> Any:
    which = scalar.WhichOneof("value")
    if which == "primitive":
        return _primitive(scalar.primitive)
    if which == "none_type":
        return None
    if which == "union":
        return literal_value(scalar.union.value)
    if which == "blob":
        return scalar.blob.uri
    if which == "binary":
        return _binary(scalar.binary)
    if which == "generic":
        from lpctl.bundle import message_to_dict

        return message_to_dict(scalar.generic)
    return Opaque(f"<{which or 'empty'}>")


def _binary(binary: Any) -> Any:
    if binary.tag != "msgpack":
        return Opaque(f"<binary {binary.tag}>".replace(" >", ">"))
    import msgpack

    try:
        return msgpack.unpackb(binary.value, strict_map_key=False)
    except (ValueError, msgpack.UnpackException):
        return Opaque("<dict>")


def _primitive(primitive: Any) -> Any:
    which = primitive.WhichOneof("value")
    if which == "datetime":
        return primitive.datetime.ToDatetime(tzinfo=dt.timezone.utc)
    if which == "duration":
        return primitive.duration.ToTimedelta()
    if which == "string_value":
        return str(primitive.string_value)
    if which == "integer":
        return int(primitive.integer)
    if which == "float_value":
        return float(primitive.float_value)
    if which == "boolean":
        return bool(primitive.boolean)
    return Opaque("<primitive>")
