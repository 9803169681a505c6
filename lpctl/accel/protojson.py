"""``json_format.MessageToDict(message)`` (default options), in about half the time, with the very same result.

The bundle is json_format's JSON mapping byte for byte, and converting 10,000 launch plans with it takes about
2 s: for every field of every message it asks the descriptor again whether it is a map, a wrapper, a
well-known type, an int64 ... This module asks once per message type and keeps the answers in a *plan*: for
each field its JSON name and the function that converts its value (None where the value is already its JSON
value). Fields are still read with ``message.ListFields()``, as json_format reads them, so which fields appear
(presence) cannot differ; those calls are now about half of the time left.

Whatever the plans do not cover with certainty goes to json_format itself: ``google.protobuf.Any`` and any
special type of json_format's that is not mirrored here, as a submessage; extensions, closed enums holding an
unknown number, enum values with options of their own, and every error (NaN in a ``Value``, a Timestamp out of
range), as the whole message: json_format then returns or raises exactly what it would have. The rules
mirrored are those of protobuf 7's json_format (what the tests check); on another major version this module
only calls json_format.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable
from typing import Any, cast

import google.protobuf
from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor
from google.protobuf.internal.type_checkers import ToShortestFloat
from google.protobuf.message import Message

Convert = Callable[[Any], Any]
#: field -> (JSON key, converter of its value; None: the value is its own JSON value)
Plan = dict[FieldDescriptor, tuple[str, Convert | None]]

_MIRRORED = google.protobuf.__version__.split(".")[0] == "7"
_WRAPPERS_FILE = "google/protobuf/wrappers.proto"
_INT64 = frozenset({FieldDescriptor.CPPTYPE_INT64, FieldDescriptor.CPPTYPE_UINT64})

#: message type -> its converter; filled on first use, never emptied (one entry per type in the program)
_converters: dict[Descriptor, Convert] = {}


class Unplanned(Exception):
    """A value the plans leave to json_format; :func:`message_to_dict` then converts the whole message with it."""


def message_to_dict(message: Message) -> Any:
    """What ``json_format.MessageToDict(message)`` returns (a dict, or a str/list/None for some well-known
    types), or raises."""
    if not _MIRRORED:
        return json_format.MessageToDict(message)
    try:
        return convert(message)
    except Exception:
        # json_format's own answer: its result where only the plans gave up, its error where it has one
        return json_format.MessageToDict(message)


def convert(message: Message) -> Any:
    """The plans alone, without the fallback: raises :class:`Unplanned` (or json_format's reason, unwrapped)
    where :func:`message_to_dict` hands over to json_format. For tests, which check that it did not."""
    return _message_converter(cast(Descriptor, message.DESCRIPTOR))(message)


def _message_converter(descriptor: Descriptor) -> Convert:
    known = _converters.get(descriptor)
    if known is not None:
        return known
    special = _special_converter(descriptor)
    if special is not None:
        _converters[descriptor] = special
        return special
    plan: Plan = {}
    converter = _regular(plan)
    # registered before its fields are planned, so that a recursive type (Literal in Literal) finds it;
    # a field not planned yet (another thread, mid-way) is a KeyError, which hands over to json_format
    _converters[descriptor] = converter
    for field in descriptor.fields:
        plan[field] = (field.json_name, _field_converter(field))
    return converter


def _regular(plan: Plan) -> Convert:
    def regular(message: Any) -> dict[str, Any]:
        js: dict[str, Any] = {}
        for field, value in message.ListFields():
            name, convert_value = plan[field]  # KeyError for an extension: json_format names those
            js[name] = value if convert_value is None else convert_value(value)
        return js
    return regular


def _special_converter(descriptor: Descriptor) -> Convert | None:
    """The well-known types json_format does not convert field by field, in its order of checks."""
    if descriptor.file.name == _WRAPPERS_FILE:
        convert_value = _value_converter(descriptor.fields_by_name["value"])
        if convert_value is None:
            return _wrapped
        return lambda message: convert_value(message.value)
    name = descriptor.full_name
    if name in _WELL_KNOWN:
        return _WELL_KNOWN[name]
    if name in getattr(json_format, "_WKTJSONMETHODS", ()):
        return json_format.MessageToDict  # a special type of json_format's not mirrored here (Any)
    return None


def _field_converter(field: FieldDescriptor) -> Convert | None:
    """How json_format's _RegularMessageToJsonObject converts this field's value (map, list or single)."""
    entry = field.message_type
    if entry is not None and entry.GetOptions().map_entry:
        return _map_converter(entry)
    convert_value = _value_converter(field)
    if field.is_repeated:
        if convert_value is None:
            return list
        return lambda values: [convert_value(v) for v in values]
    return convert_value


def _map_converter(entry: Descriptor) -> Convert:
    key_field = entry.fields_by_name["key"]
    convert_value = _value_converter(entry.fields_by_name["value"])
    key_text: Callable[[Any], str] = _bool_key if key_field.cpp_type == FieldDescriptor.CPPTYPE_BOOL else str

    def convert_map(mapping: Any) -> dict[str, Any]:
        if convert_value is None:
            return {key_text(k): v for k, v in mapping.items()}
        return {key_text(k): convert_value(v) for k, v in mapping.items()}
    return convert_map


def _value_converter(field: FieldDescriptor) -> Convert | None:
    """json_format's _FieldToJsonObject for one value of ``field``, decided once. None for string, bool and
    32-bit integers, which it returns unchanged (``str(s)``, ``bool(b)`` and ``i`` are s, b and i)."""
    cpp_type = field.cpp_type
    if field.message_type is not None:
        return _message_converter(field.message_type)
    if field.enum_type is not None:
        return _enum_converter(field.enum_type)
    if cpp_type == FieldDescriptor.CPPTYPE_STRING and field.type == FieldDescriptor.TYPE_BYTES:
        return _base64
    if cpp_type in _INT64:
        return str
    if cpp_type == FieldDescriptor.CPPTYPE_DOUBLE:
        return _double
    if cpp_type == FieldDescriptor.CPPTYPE_FLOAT:
        return _float
    return None


def _enum_converter(enum: EnumDescriptor) -> Convert:
    if enum.full_name == "google.protobuf.NullValue":
        return _null
    # a value's options may carry json_format's name override (pb.enumvalue.json): those go to json_format
    names = {value.number: value.name for value in enum.values
             if not (value.has_options and _has_extensions(value.GetOptions()))}
    numbers = enum.values_by_number
    closed = enum.is_closed

    def convert_enum(number: int) -> Any:
        name = names.get(number)
        if name is not None:
            return name
        if closed or number in numbers:
            raise Unplanned(f"{enum.full_name} value {number}")
        return number  # an open enum's unknown number stays a number
    return convert_enum


def _has_extensions(options: Message) -> bool:
    return any(field.is_extension for field, _ in options.ListFields())


def _bool_key(key: bool) -> str:
    return "true" if key else "false"


def _wrapped(message: Any) -> Any:
    return message.value


def _null(_: Any) -> None:
    return None


def _base64(value: bytes) -> str:
    return base64.b64encode(value).decode("utf-8")


def _double(value: float) -> float | str:
    if math.isfinite(value):
        return value
    return _non_finite(value)


def _float(value: float) -> float | str:
    if math.isfinite(value):
        # float32 to the shortest decimal that reads back as the same float32 (0.1, not 0.10000000149011612)
        return ToShortestFloat(value)
    return _non_finite(value)


def _non_finite(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    return "-Infinity" if value < 0 else "Infinity"


def _json_string(message: Any) -> str:
    """Timestamp, Duration, FieldMask: json_format calls their ToJsonString too (which checks ranges)."""
    text: str = message.ToJsonString()
    return text


def _struct(message: Any) -> dict[str, Any]:
    return {key: _value(value) for key, value in message.fields.items()}


def _list_value(message: Any) -> list[Any]:
    return [_value(value) for value in message.values]


def _value(message: Any) -> Any:
    kind = message.WhichOneof("kind")
    if kind is None or kind == "null_value":
        return None  # an unset Value too
    if kind == "string_value":
        return message.string_value
    if kind == "number_value":
        number = message.number_value
        if not math.isfinite(number):
            raise Unplanned("json_format refuses a non-finite Value.number_value")
        return number
    if kind == "bool_value":
        return message.bool_value
    if kind == "struct_value":
        return _struct(message.struct_value)
    if kind == "list_value":
        return _list_value(message.list_value)
    raise Unplanned(f"google.protobuf.Value kind {kind}")


_WELL_KNOWN: dict[str, Convert] = {
    "google.protobuf.Timestamp": _json_string,
    "google.protobuf.Duration": _json_string,
    "google.protobuf.FieldMask": _json_string,
    "google.protobuf.Struct": _struct,
    "google.protobuf.ListValue": _list_value,
    "google.protobuf.Value": _value,
}
