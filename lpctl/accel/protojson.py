"""A protobuf message's bundle text in one pass: the bytes of ``json.dumps(json_format.MessageToDict(message),
indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)``, written without the dict in between.

The bundle is json_format's JSON mapping as canonical text. The libraries make it in two passes, each asking
again for every field: json_format asks the descriptor whether it is a map, a wrapper, a well-known type,
an int64 ... and builds a dict; json.dumps (whose ``indent`` forces its pure-Python encoder) then sorts and
writes it. Here each message type is asked once and the answers kept in a *plan*: for each field its key
text (``"jsonName": ``) and the function that writes its value. Fields are still read with
``message.ListFields()``, as json_format reads them, so which fields appear (presence) cannot differ; a
message's lines are sorted as text, which is the order of their keys (checked per type: plain names only).

Whatever the plans do not cover with certainty goes to the libraries: ``google.protobuf.Any`` and any special
type of json_format's that is not mirrored here, as a submessage; extensions, closed enums holding an unknown
number, enum values with options of their own, and every error (NaN in a ``Value``, a Timestamp out of
range), as the whole message: json_format and json.dumps then return or raise exactly what they would have.
The rules mirrored are those of protobuf 7's json_format (what the tests check); on another major version
this module only calls the libraries.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any, cast

import google.protobuf
from google.protobuf import json_format, message_factory
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor
from google.protobuf.internal.type_checkers import ToShortestFloat
from google.protobuf.message import Message

from lpctl.accel import remember

#: writes a value as JSON text; ``pad`` is "\n" and the indentation of the line the value starts on
Write = remember.Write
#: field -> (its key text ``"jsonName": ``, the writer of its value)
Plan = dict[FieldDescriptor, tuple[str, Write]]

_MIRRORED = google.protobuf.__version__.split(".")[0] == "7"
_WRAPPERS_FILE = "google/protobuf/wrappers.proto"
_INT64 = frozenset({FieldDescriptor.CPPTYPE_INT64, FieldDescriptor.CPPTYPE_UINT64})
#: keys whose lines sort as the keys do: '"' sorts before each of these characters, and none is escaped
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_]+")
_ESCAPE = json.encoder.encode_basestring  # the C encoder's, as json.dumps(ensure_ascii=False) uses

#: message type -> its writer; filled on first use, never emptied (one entry per type in the program)
_writers: dict[Descriptor, Write] = {}


class Unplanned(Exception):
    """A value the plans leave to the libraries; :func:`message_text` then writes the whole message with them."""


def message_text(message: Message, pad: str = "\n") -> str:
    """The text of ``json.dumps(json_format.MessageToDict(message), indent=2, sort_keys=True,
    ensure_ascii=False, allow_nan=False)``, each line break followed by ``pad``'s indentation; or raises
    what they raise."""
    if not _MIRRORED:
        return library_text(message, pad)
    try:
        return text(message, pad)
    except Exception:
        # the libraries' own answer: their text where only the plans gave up, their error where they have one
        return library_text(message, pad)


def library_text(message: Message, pad: str = "\n") -> str:
    """The reference: json_format's dict, written by json.dumps."""
    out = json.dumps(json_format.MessageToDict(message), indent=2, sort_keys=True, ensure_ascii=False,
                     allow_nan=False)
    return out.replace("\n", pad) if pad != "\n" else out


def text(message: Message, pad: str = "\n") -> str:
    """The plans alone, without the fallback: raises :class:`Unplanned` (or a KeyError, or json_format's
    reason) where :func:`message_text` hands over to the libraries. For tests, which check that it did not."""
    return _message_writer(cast(Descriptor, message.DESCRIPTOR))(message, pad)


def forget() -> None:
    """Drop every plan and remembered text, as a new process starts (for measurements that repeat a run)."""
    _writers.clear()
    remember.forget()


def object_text(items: list[tuple[str, str]], pad: str) -> str:
    """A JSON object from (key, value text) pairs, keys sorted; the values written for ``pad + "  "``."""
    if not items:
        return "{}"
    inner = pad + "  "
    return "{" + inner + ("," + inner).join([_ESCAPE(key) + ": " + value for key, value in sorted(items)]) \
        + pad + "}"


def _message_writer(descriptor: Descriptor) -> Write:
    known = _writers.get(descriptor)
    if known is not None:
        return known
    special = _special_writer(descriptor)
    if special is not None:
        _writers[descriptor] = special
        return special
    plan: Plan = {}
    plain = all(_PLAIN_KEY.fullmatch(field.json_name) for field in descriptor.fields)
    writer = _regular(plan) if plain else _regular_any_keys(plan, {f: f.json_name for f in descriptor.fields})
    if any(field.message_type is not None for field in descriptor.fields):
        writer = remember.remembered(writer)
    # registered before its fields are planned, so that a recursive type (Literal in Literal) finds it;
    # a field not planned yet (another thread, mid-way) is a KeyError, which hands over to the libraries
    _writers[descriptor] = writer
    for field in descriptor.fields:
        plan[field] = (_ESCAPE(field.json_name) + ": ", _field_writer(field))
    return writer


def _regular(plan: Plan) -> Write:
    def regular(message: Any, pad: str) -> str:
        fields = message.ListFields()
        if not fields:
            return "{}"
        inner = pad + "  "
        lines = []
        for field, value in fields:
            key, write = plan[field]  # KeyError for an extension
            lines.append(key + write(value, inner))
        if len(lines) > 1:
            lines.sort()  # plain keys: the lines sort as their keys
        return "{" + inner + ("," + inner).join(lines) + pad + "}"
    return regular


def _regular_any_keys(plan: Plan, names: dict[FieldDescriptor, str]) -> Write:
    """A type with a custom JSON name that might not sort as its line does: sorted by the names."""
    def regular(message: Any, pad: str) -> str:
        fields = message.ListFields()
        if not fields:
            return "{}"
        inner = pad + "  "
        keyed = sorted([(names[field], plan[field][0] + plan[field][1](value, inner)) for field, value in fields])
        return "{" + inner + ("," + inner).join([line for _, line in keyed]) + pad + "}"
    return regular


def _special_writer(descriptor: Descriptor) -> Write | None:
    """The well-known types json_format does not convert field by field, in its order of checks."""
    if descriptor.file.name == _WRAPPERS_FILE:
        return _value_writer(descriptor.fields_by_name["value"], wrapped=True)
    name = descriptor.full_name
    if name in _WELL_KNOWN:
        return _WELL_KNOWN[name]
    if name in getattr(json_format, "_WKTJSONMETHODS", ()):
        return library_text  # a special type of json_format's not mirrored here (Any)
    return None


def _field_writer(field: FieldDescriptor) -> Write:
    """How json_format's _RegularMessageToJsonObject converts this field's value (map, list or single)."""
    entry = field.message_type
    if entry is not None and _is_map(field):
        return _map_writer(entry)
    write = _value_writer(field)
    if field.is_repeated:
        return _list_writer(write)
    return write


def _is_map(field: FieldDescriptor) -> bool:
    """json_format's ``_IsMapEntry``, told by the container protobuf gives the field (a map's entry type always
    has options): a run's first ``GetOptions()`` costs a render of 10,000 specs 15 MB of peak memory."""
    entry, owner = field.message_type, field.containing_type
    if entry is None or owner is None or not (field.is_repeated and entry.has_options):
        return False
    sample = message_factory.GetMessageClass(owner)()
    return isinstance(getattr(sample, field.name), Mapping)


def _list_writer(write: Write) -> Write:
    def write_list(values: Any, pad: str) -> str:
        if not values:
            return "[]"
        inner = pad + "  "
        return "[" + inner + ("," + inner).join([write(value, inner) for value in values]) + pad + "]"
    return write_list


def _map_writer(entry: Descriptor) -> Write:
    key_field = entry.fields_by_name["key"]
    write = _value_writer(entry.fields_by_name["value"])
    if key_field.cpp_type == FieldDescriptor.CPPTYPE_STRING:
        def write_map(mapping: Any, pad: str) -> str:
            if not mapping:
                return "{}"
            inner = pad + "  "
            return "{" + inner + ("," + inner).join([_ESCAPE(key) + ": " + write(mapping[key], inner)
                                                     for key in sorted(mapping)]) + pad + "}"
        return write_map
    key_text: Callable[[Any], str] = _bool_key if key_field.cpp_type == FieldDescriptor.CPPTYPE_BOOL else str

    def write_other_map(mapping: Any, pad: str) -> str:  # keys are text, sorted as text
        if not mapping:
            return "{}"
        inner = pad + "  "
        keyed = sorted((key_text(key), key) for key in mapping)
        return "{" + inner + ("," + inner).join([_ESCAPE(text) + ": " + write(mapping[key], inner)
                                                 for text, key in keyed]) + pad + "}"
    return write_other_map


def _value_writer(field: FieldDescriptor, wrapped: bool = False) -> Write:
    """json_format's _FieldToJsonObject for one value of ``field``, then json.dumps of that value, decided
    once. ``wrapped``: the value of a wrapper message (the writer reads it from the message)."""
    cpp_type = field.cpp_type
    if field.message_type is not None:
        return _message_writer(field.message_type)
    if field.enum_type is not None:
        write = _enum_writer(field.enum_type)
    elif cpp_type == FieldDescriptor.CPPTYPE_STRING:
        write = _base64 if field.type == FieldDescriptor.TYPE_BYTES else _string
    elif cpp_type == FieldDescriptor.CPPTYPE_BOOL:
        write = _bool
    elif cpp_type in _INT64:
        write = _int64
    elif cpp_type == FieldDescriptor.CPPTYPE_DOUBLE:
        write = _double
    elif cpp_type == FieldDescriptor.CPPTYPE_FLOAT:
        write = _float
    else:
        write = _int
    if wrapped:
        return lambda message, pad: write(message.value, pad)
    return write


def _enum_writer(enum: EnumDescriptor) -> Write:
    if enum.full_name == "google.protobuf.NullValue":
        return _null
    # a value's options may carry json_format's name override (pb.enumvalue.json): those go to json_format
    names = {value.number: _ESCAPE(value.name) for value in enum.values
             if not (value.has_options and _has_extensions(value.GetOptions()))}
    numbers = enum.values_by_number
    closed = enum.is_closed

    def write_enum(number: int, pad: str) -> str:
        name = names.get(number)
        if name is not None:
            return name
        if closed or number in numbers:
            raise Unplanned(f"{enum.full_name} value {number}")
        return int.__repr__(number)  # an open enum's unknown number stays a number
    return write_enum


def _has_extensions(options: Message) -> bool:
    return any(field.is_extension for field, _ in options.ListFields())


def _bool_key(key: bool) -> str:
    return "true" if key else "false"


def _string(value: str, pad: str) -> str:
    return _ESCAPE(value)


def _bool(value: bool, pad: str) -> str:
    return "true" if value else "false"


def _int(value: int, pad: str) -> str:
    return int.__repr__(value)


def _int64(value: int, pad: str) -> str:
    return '"' + int.__repr__(value) + '"'


def _null(_: Any, pad: str) -> str:
    return "null"


def _base64(value: bytes, pad: str) -> str:
    return '"' + base64.b64encode(value).decode("utf-8") + '"'  # no character of base64's needs escaping


def _double(value: float, pad: str) -> str:
    if math.isfinite(value):
        return float.__repr__(value)
    return _non_finite(value)


def _float(value: float, pad: str) -> str:
    if math.isfinite(value):
        # float32 to the shortest decimal that reads back as the same float32 (0.1, not 0.10000000149011612)
        return float.__repr__(ToShortestFloat(value))
    return _non_finite(value)


def _non_finite(value: float) -> str:
    if math.isnan(value):
        return '"NaN"'
    return '"-Infinity"' if value < 0 else '"Infinity"'


def _json_string(message: Any, pad: str) -> str:
    """Timestamp, Duration, FieldMask: json_format calls their ToJsonString too (which checks ranges)."""
    return _ESCAPE(message.ToJsonString())


def _struct(message: Any, pad: str) -> str:
    fields = message.fields
    if not fields:
        return "{}"
    inner = pad + "  "
    return "{" + inner + ("," + inner).join([_ESCAPE(key) + ": " + _value(value, inner)
                                             for key, value in sorted(fields.items())]) + pad + "}"


def _list_value(message: Any, pad: str) -> str:
    values = message.values
    if not values:
        return "[]"
    inner = pad + "  "
    return "[" + inner + ("," + inner).join([_value(value, inner) for value in values]) + pad + "]"


def _value(message: Any, pad: str) -> str:
    kind = message.WhichOneof("kind")
    if kind is None or kind == "null_value":
        return "null"  # an unset Value too
    if kind == "string_value":
        return _ESCAPE(message.string_value)
    if kind == "number_value":
        number = message.number_value
        if not math.isfinite(number):
            raise Unplanned("json_format refuses a non-finite Value.number_value")
        return float.__repr__(number)
    if kind == "bool_value":
        return "true" if message.bool_value else "false"
    if kind == "struct_value":
        return _struct(message.struct_value, pad)
    if kind == "list_value":
        return _list_value(message.list_value, pad)
    raise Unplanned(f"google.protobuf.Value kind {kind}")


_WELL_KNOWN: dict[str, Write] = {
    "google.protobuf.Timestamp": _json_string,
    "google.protobuf.Duration": _json_string,
    "google.protobuf.FieldMask": _json_string,
    "google.protobuf.Struct": _struct,
    "google.protobuf.ListValue": _list_value,
    "google.protobuf.Value": _value,
}
