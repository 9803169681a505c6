"""lpctl.accel.protojson writes json.dumps(json_format.MessageToDict(message), indent=2, sort_keys=True,
ensure_ascii=False, allow_nan=False)'s very bytes: on every launch plan and trigger lpctl renders, on hand-built
messages for each rule, and on random messages, at any indentation, the first time and when remembered; where it
hands a message to the libraries, the text (or the error) is still theirs."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from google.protobuf import (
    any_pb2,
    descriptor_pb2,
    descriptor_pool,
    duration_pb2,
    empty_pb2,
    field_mask_pb2,
    json_format,
    message_factory,
    struct_pb2,
    timestamp_pb2,
    wrappers_pb2,
)
from google.protobuf import json_enumvalue_options_pb2 as json_options
from google.protobuf.message import Message
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from support import CONFORMANCE, HEADER, ROOT, TRIGGER_HEADER, examples, run_options

from lpctl import accel
from lpctl.accel import protojson, remember

# -- comparing ----------------------------------------------------------------------------------------------

PAD = "\n      "  # a launch plan's indentation in a bundle


def reference(message: Message, pad: str = "\n") -> str:
    """What the bundle held before this module: the libraries, written out here."""
    text = json.dumps(json_format.MessageToDict(message), indent=2, sort_keys=True, ensure_ascii=False,
                      allow_nan=False)
    return text.replace("\n", pad)


def check(message: Message, *, planned: bool = True) -> Any:
    """message_text == the libraries' text, at the top and nested, twice (the second time remembered where the
    type remembers); ``planned``: the plans alone got there (the libraries wrote no more than the submessages
    they are meant to, such as Any). Returns json_format's dict, for the tests that show it."""
    theirs = reference(message)
    for pad in ("\n", PAD, "\n", PAD):
        assert protojson.message_text(message, pad) == theirs.replace("\n", pad)
    if planned:
        assert protojson.text(message) == theirs
        assert protojson.text(message, PAD) == theirs.replace("\n", PAD)
    else:
        with pytest.raises((protojson.Unplanned, KeyError)):
            protojson.text(message)
    return json_format.MessageToDict(message)


def _outcome(write: Callable[[Message], str], message: Message) -> tuple[str, Any]:
    try:
        return "ok", write(message)
    except Exception as e:
        return "error", (type(e), str(e))


def check_outcome(message: Message) -> None:
    """Both write the same text, or both raise the same error (NaN in a Value, a Timestamp out of range ...)."""
    theirs = _outcome(reference, message)
    assert _outcome(protojson.message_text, message) == theirs
    assert _outcome(protojson.message_text, message) == theirs


# -- test messages, built from descriptors ------------------------------------------------------------------

F = descriptor_pb2.FieldDescriptorProto
PACKAGE = "lpctl_tests.protojson"
SCALARS = {"int32": F.TYPE_INT32, "int64": F.TYPE_INT64, "uint32": F.TYPE_UINT32, "uint64": F.TYPE_UINT64,
           "sint32": F.TYPE_SINT32, "sint64": F.TYPE_SINT64, "fixed32": F.TYPE_FIXED32, "fixed64": F.TYPE_FIXED64,
           "sfixed32": F.TYPE_SFIXED32, "sfixed64": F.TYPE_SFIXED64, "float": F.TYPE_FLOAT, "double": F.TYPE_DOUBLE,
           "bool": F.TYPE_BOOL, "string": F.TYPE_STRING, "bytes": F.TYPE_BYTES}
WRAPPERS = ["DoubleValue", "FloatValue", "Int64Value", "UInt64Value", "Int32Value", "UInt32Value", "BoolValue",
            "StringValue", "BytesValue"]
WELL_KNOWN = {"timestamp": ".google.protobuf.Timestamp", "duration": ".google.protobuf.Duration",
              "struct": ".google.protobuf.Struct", "value": ".google.protobuf.Value",
              "list_value": ".google.protobuf.ListValue", "empty": ".google.protobuf.Empty",
              "field_mask": ".google.protobuf.FieldMask", "any": ".google.protobuf.Any",
              **{f"w_{w.lower()}": f".google.protobuf.{w}" for w in WRAPPERS}}
MAP_KEYS = ["bool", "int32", "int64", "uint32", "uint64", "sint64", "fixed32", "sfixed64", "string"]


def _add(message: Any, name: str, number: int, kind: int, type_name: str = "", repeated: bool = False,
         **extra: Any) -> Any:
    if type_name:
        extra["type_name"] = type_name
    return message.field.add(name=name, number=number, type=kind,
                             label=F.LABEL_REPEATED if repeated else F.LABEL_OPTIONAL, **extra)


def _add_map(message: Any, name: str, number: int, key: int, value: int, value_type: str = "") -> None:
    entry = message.nested_type.add(name="".join(p.title() for p in name.split("_")) + "Entry")
    entry.options.map_entry = True
    _add(entry, "key", 1, key)
    _add(entry, "value", 2, value, value_type)
    _add(message, name, number, F.TYPE_MESSAGE, f".{PACKAGE}.Everything.{entry.name}", repeated=True)


def _proto3_file() -> descriptor_pb2.FileDescriptorProto:
    """Everything: each scalar type single, repeated and as a map value; maps by every key type; every
    well-known type; an open enum with negative numbers; a oneof; proto3 optional; a custom json_name."""
    file = descriptor_pb2.FileDescriptorProto(
        name="lpctl_tests/protojson.proto", package=PACKAGE, syntax="proto3",
        dependency=["google/protobuf/json_enumvalue_options.proto", "google/protobuf/any.proto",
                    "google/protobuf/duration.proto", "google/protobuf/empty.proto",
                    "google/protobuf/field_mask.proto", "google/protobuf/struct.proto",
                    "google/protobuf/timestamp.proto", "google/protobuf/wrappers.proto"])
    color = file.enum_type.add(name="Color")
    for name, number in [("COLOR_UNSET", 0), ("RED", 1), ("NEG", -1), ("TOP", 2**31 - 1), ("BOTTOM", -(2**31))]:
        color.value.add(name=name, number=number)
    fancy = file.enum_type.add(name="Fancy")
    fancy.value.add(name="FANCY_UNSET", number=0)
    fancy.value.add(name="PLAIN", number=1, options=descriptor_pb2.EnumValueOptions(deprecated=True))
    renamed = fancy.value.add(name="RENAMED", number=2)
    renamed.options.Extensions[json_options.json].string = "renamed-in-json"

    m = file.message_type.add(name="Everything")
    color_type, self_type = f".{PACKAGE}.Color", f".{PACKAGE}.Everything"
    for i, (name, kind) in enumerate(SCALARS.items()):
        _add(m, f"s_{name}", 1 + i, kind)
        _add(m, f"r_{name}", 101 + i, kind, repeated=True)
        _add_map(m, f"m_string_{name}", 201 + i, F.TYPE_STRING, kind)
    for i, key in enumerate(MAP_KEYS):
        _add_map(m, f"m_{key}_color", 301 + i, SCALARS[key], F.TYPE_ENUM, color_type)
    _add_map(m, "m_int32_child", 320, F.TYPE_INT32, F.TYPE_MESSAGE, self_type)
    _add_map(m, "m_string_value", 321, F.TYPE_STRING, F.TYPE_MESSAGE, ".google.protobuf.Value")
    _add_map(m, "m_bool_timestamp", 322, F.TYPE_BOOL, F.TYPE_MESSAGE, ".google.protobuf.Timestamp")
    for i, (name, type_name) in enumerate(WELL_KNOWN.items()):
        _add(m, name, 401 + i, F.TYPE_MESSAGE, type_name)
        _add(m, f"r_{name}", 451 + i, F.TYPE_MESSAGE, type_name, repeated=True)
    _add(m, "null", 500, F.TYPE_ENUM, ".google.protobuf.NullValue")
    _add(m, "color", 501, F.TYPE_ENUM, color_type)
    _add(m, "colors", 502, F.TYPE_ENUM, color_type, repeated=True)
    _add(m, "fancy", 503, F.TYPE_ENUM, f".{PACKAGE}.Fancy")
    _add(m, "child", 504, F.TYPE_MESSAGE, self_type)
    _add(m, "children", 505, F.TYPE_MESSAGE, self_type, repeated=True)
    _add(m, "renamed_field", 506, F.TYPE_STRING, json_name="customJsonName")
    # a repeated message with options, shaped and named like a map's entry: a list all the same
    pair = m.nested_type.add(name="PairsEntry", options=descriptor_pb2.MessageOptions(deprecated=True))
    _add(pair, "key", 1, F.TYPE_STRING)
    _add(pair, "value", 2, F.TYPE_INT64)
    _add(m, "pairs", 507, F.TYPE_MESSAGE, f".{PACKAGE}.Everything.PairsEntry", repeated=True)
    m.oneof_decl.add(name="choice")
    _add(m, "o_string", 600, F.TYPE_STRING, oneof_index=0)
    _add(m, "o_int64", 601, F.TYPE_INT64, oneof_index=0)
    _add(m, "o_child", 602, F.TYPE_MESSAGE, self_type, oneof_index=0)
    m.oneof_decl.add(name="_maybe")
    _add(m, "maybe", 603, F.TYPE_INT32, oneof_index=1, proto3_optional=True)
    return file


def _proto2_file() -> descriptor_pb2.FileDescriptorProto:
    """Old: explicit presence of every scalar, a closed enum, an extension."""
    file = descriptor_pb2.FileDescriptorProto(name="lpctl_tests/protojson2.proto", package=PACKAGE + "2",
                                              syntax="proto2")
    closed = file.enum_type.add(name="Closed")
    closed.value.add(name="ONE", number=1)
    closed.value.add(name="MINUS", number=-2)
    m = file.message_type.add(name="Old")
    _add(m, "x", 1, F.TYPE_INT32)
    _add(m, "closed", 2, F.TYPE_ENUM, f".{PACKAGE}2.Closed")
    _add(m, "big", 3, F.TYPE_UINT64, default_value="7")
    m.extension_range.add(start=100, end=200)
    file.extension.add(name="note", number=100, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL, extendee=f".{PACKAGE}2.Old")
    return file


def _message_class(file: descriptor_pb2.FileDescriptorProto, name: str) -> Any:
    """Added to the default pool, where json_format finds Any's types and its enum-name option."""
    pool = descriptor_pool.Default()
    try:
        pool.FindFileByName(file.name)
    except KeyError:
        pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{file.package}.{name}"))


Everything = _message_class(_proto3_file(), "Everything")
Old = _message_class(_proto2_file(), "Old")
COLOR = {name: Everything.DESCRIPTOR.file.enum_types_by_name["Color"].values_by_name[name].number
         for name in ("RED", "NEG", "TOP", "BOTTOM")}


# -- launch plans and triggers lpctl renders ----------------------------------------------------------------


def _plans(path: str, **options: Any) -> list[Any]:
    from lpctl.pipeline import run

    result = run([path], run_options(**options))
    assert [str(d) for d in result.diagnostics if d.severity.name == "ERROR"] == []
    return [*result.plans, *result.triggers]


@pytest.fixture(scope="module")
def sample_plans() -> list[Any]:
    return _plans(os.path.join(ROOT, "samples"), locked=True)


def test_every_sample_launch_plan(sample_plans: list[Any]) -> None:
    assert len(sample_plans) >= 18
    for plan in sample_plans:
        check(plan.launch_plan)


def test_the_samples_bundle_text_is_the_libraries(sample_plans: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from lpctl.bundle import render_bundle, to_json

    monkeypatch.delenv(accel.SWITCH, raising=False)
    launch_plans = [p for p in sample_plans if hasattr(p, "launch_plan")]
    triggers = [p for p in sample_plans if not hasattr(p, "launch_plan")]
    ours = render_bundle(launch_plans, triggers)
    monkeypatch.setenv(accel.SWITCH, "1")
    from lpctl.bundle import bundle

    assert ours == render_bundle(launch_plans, triggers) == to_json(bundle(launch_plans, triggers))


def _entries_both_ways(items: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Each bundle entry's text with the accelerators on is the text with them off (json_format, json.dumps)."""
    from lpctl.bundle import entry_text, trigger_entry_text

    def texts() -> list[str]:
        return [entry_text(i) if hasattr(i, "launch_plan") else trigger_entry_text(i) for i in items]

    monkeypatch.delenv(accel.SWITCH, raising=False)
    ours = texts()
    monkeypatch.setenv(accel.SWITCH, "1")
    assert ours == texts()
    monkeypatch.delenv(accel.SWITCH)


def test_every_conformance_case(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The launch plans of tests/conformance/test_features.py's cases (a run each: most are named lp)."""
    from test_features import CASES

    plans = []
    for name, (body, _) in CASES.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(HEADER + body)
        (plan,) = _plans(str(path), version="v1", python_path=(ROOT, CONFORMANCE))
        check(plan.launch_plan)
        plans.append(plan)
    _entries_both_ways(plans, monkeypatch)


def test_every_flyte2_trigger_case(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The TaskTriggers of tests/conformance_flyte2/test_triggers.py's cases, compiled in one run."""
    pytest.importorskip("flyte")
    here = os.path.join(ROOT, "tests", "conformance_flyte2")
    if here not in sys.path:
        sys.path.append(here)
    from test_triggers import CASES

    for name, _, body, _ in CASES:
        (tmp_path / f"{name}.yaml").write_text(TRIGGER_HEADER + body)
    triggers = _plans(str(tmp_path), python_path=(here,))
    assert len(triggers) == len(CASES)
    for trigger in triggers:
        check(trigger.trigger)
    placed = [dataclasses.replace(t, placed=True, project="p\u00e9", domain='"d"') for t in triggers[:2]]
    _entries_both_ways(triggers + placed, monkeypatch)


# -- each rule, by hand ------------------------------------------------------------------------------------

INT32 = (2**31 - 1, -(2**31), -1, 1)
UINT32 = (2**32 - 1, 1)
INT64 = (2**63 - 1, -(2**63), -1, 2**53 + 1)
UINT64 = (2**64 - 1, 2**63, 1)
FLOATS = (0.1, 1 / 3, 1e-45, 3.4028234663852886e38, -0.0, 16777217.0, 1e10, float("nan"), float("inf"),
          float("-inf"))
DOUBLES = (0.1, 5e-324, 1.7976931348623157e308, -0.0, 1e22, 1 / 3, float("nan"), float("inf"), float("-inf"))
BYTES = (b"\xff\x00\xfe", b"", b"\x80abc", "é".encode())
STRINGS = ("", "é ☃ \U0001f600", "\x00")


def _each_value(kind: str) -> tuple[Any, ...]:
    return {"int32": INT32, "sint32": INT32, "sfixed32": INT32, "uint32": UINT32, "fixed32": UINT32,
            "int64": INT64, "sint64": INT64, "sfixed64": INT64, "uint64": UINT64, "fixed64": UINT64,
            "float": FLOATS, "double": DOUBLES, "bool": (True, False), "string": STRINGS, "bytes": BYTES}[kind]


@pytest.mark.parametrize("kind", sorted(SCALARS))
def test_scalars_single_repeated_and_in_maps(kind: str) -> None:
    for value in _each_value(kind):
        check(Everything(**{f"s_{kind}": value}))
    values = list(_each_value(kind))
    check(Everything(**{f"r_{kind}": values, f"m_string_{kind}": {str(i): v for i, v in enumerate(values)}}))


def test_zero_values_are_absent_unless_they_have_presence() -> None:
    assert check(Everything(s_int64=0, s_string="", s_bool=False, s_double=0.0, color=0)) == {}
    assert check(Everything(o_string="")) == {"oString": ""}
    assert check(Everything(maybe=0)) == {"maybe": 0}
    assert check(Old(x=0, big=0)) == {"x": 0, "big": "0"}
    assert check(Everything(r_int64=[0, 0], r_string=["", ""])) == {"rInt64": ["0", "0"], "rString": ["", ""]}


def test_int64_is_text_and_int32_a_number() -> None:
    theirs = check(Everything(s_int64=2**63 - 1, s_uint64=2**64 - 1, s_sint64=-(2**63), s_fixed64=2**64 - 1,
                              s_sfixed64=-1, s_int32=-(2**31), s_uint32=2**32 - 1, o_int64=-7))
    assert theirs["sInt64"] == "9223372036854775807" and theirs["sInt32"] == -2147483648
    assert theirs["oInt64"] == "-7"


def test_floats_are_shortest_and_non_finite_numbers_text() -> None:
    theirs = check(Everything(s_float=0.1, s_double=0.1, r_float=[float("nan"), float("-inf"), 0.1],
                              r_double=[float("inf"), 1e-7]))
    assert theirs["sFloat"] == 0.1 and theirs["rFloat"] == ["NaN", "-Infinity", 0.1]
    assert theirs["rDouble"] == ["Infinity", 1e-7]
    assert check(Everything(s_double=-0.0)) == {"sDouble": -0.0}


def test_enums_by_name_negative_and_unknown_numbers() -> None:
    theirs = check(Everything(color=COLOR["NEG"], colors=[COLOR["TOP"], COLOR["BOTTOM"], 0, 12345, -77],
                              m_string_color={}, m_int32_color={-5: COLOR["RED"], 0: 0, 7: 99}))
    assert theirs == {"color": "NEG", "colors": ["TOP", "BOTTOM", "COLOR_UNSET", 12345, -77],
                      "mInt32Color": {"-5": "RED", "0": "COLOR_UNSET", "7": 99}}
    check(Everything(color=424242))
    check(Everything(fancy=1))  # deprecated: an option, not a JSON name
    check(Old(closed=-2))


def test_an_enum_value_with_a_json_name_option_is_json_formats() -> None:
    assert check(Everything(fancy=2), planned=False) == {"fancy": "renamed-in-json"}


def test_null_value_is_none() -> None:
    assert check(Everything(null=0)) == {}  # proto3 implicit presence: zero is absent
    check(Everything(r_value=[struct_pb2.Value(null_value=0)], m_string_value={"n": struct_pb2.Value()}))


def test_bytes_are_base64() -> None:
    theirs = check(Everything(s_bytes=b"\xff\x00\xfe", r_bytes=[b"", b"\x80"],
                              w_bytesvalue=wrappers_pb2.BytesValue(value=b"\xfa")))
    assert theirs == {"sBytes": "/wD+", "rBytes": ["", "gA=="], "wBytesvalue": "+g=="}


@pytest.mark.parametrize("key", MAP_KEYS)
def test_map_keys_are_text(key: str) -> None:
    keys = {"bool": [True, False], "string": ["", "a", "é"]}.get(key) or [v for v in _each_value(key)] + [0]
    check(Everything(**{f"m_{key}_color": {k: COLOR["RED"] for k in keys}}))


def test_bool_keys_and_message_values() -> None:
    theirs = check(Everything(
        m_bool_timestamp={True: timestamp_pb2.Timestamp(seconds=1), False: timestamp_pb2.Timestamp()},
        m_int32_child={-1: Everything(s_int64=3), 0: Everything()}))
    assert theirs == {"mBoolTimestamp": {"true": "1970-01-01T00:00:01Z", "false": "1970-01-01T00:00:00Z"},
                      "mInt32Child": {"-1": {"sInt64": "3"}, "0": {}}}


def test_set_empty_messages() -> None:
    message = Everything()
    message.child.SetInParent()
    message.empty.SetInParent()
    message.struct.SetInParent()
    message.list_value.SetInParent()
    message.value.SetInParent()
    message.any.SetInParent()
    message.o_child.SetInParent()
    message.children.add()
    assert check(message) == {"child": {}, "empty": {}, "struct": {}, "listValue": [], "value": None, "any": {},
                              "oChild": {}, "children": [{}]}
    assert check(Everything()) == {}


def test_a_list_of_entry_like_messages_is_a_list() -> None:
    message = Everything()
    message.pairs.add(key="a", value=1)
    message.pairs.add(key="a", value=2)
    assert check(message) == {"pairs": [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]}


def test_recursion_and_json_names() -> None:
    message = Everything(renamed_field="x", s_string="y")
    message.child.child.children.add().renamed_field = "deep"
    assert check(message) == {"sString": "y", "customJsonName": "x",
                              "child": {"child": {"children": [{"customJsonName": "deep"}]}}}


def test_struct_value_and_list_value() -> None:
    struct = struct_pb2.Struct()
    struct.update({"a": [1, "two", None, True, {"b": [], "c": {}}, [[]]], "n": None, "x": 1.5, "s": "",
                   "neg": -0.0, "big": 1e300})
    values = [struct_pb2.Value(), struct_pb2.Value(number_value=3), struct_pb2.Value(bool_value=False),
              struct_pb2.Value(string_value="s"), struct_pb2.Value(struct_value=struct),
              struct_pb2.Value(list_value=struct_pb2.ListValue(values=[struct_pb2.Value()]))]
    message = Everything(struct=struct, r_value=values, m_string_value={"k": values[4]},
                         list_value=struct_pb2.ListValue(values=values), value=values[4], r_struct=[struct])
    check(message)
    for top in (struct, *values, message.list_value):
        check(top)


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_a_non_finite_value_number_raises_json_formats_error(number: float) -> None:
    message = Everything(value=struct_pb2.Value(number_value=number))
    with pytest.raises(json_format.SerializeToJsonError) as theirs:
        json_format.MessageToDict(message)
    with pytest.raises(json_format.SerializeToJsonError) as ours:
        protojson.message_text(message)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize(("seconds", "nanos"), [
    (0, 0), (1, 1_000_000), (1, 1_000), (1, 1), (-1, 999_999_999), (-86_401, 500_000_000), (-62135596800, 0),
    (253402300799, 999_999_999), (1_700_000_000, 123_456_789)])
def test_timestamps(seconds: int, nanos: int) -> None:
    stamp = timestamp_pb2.Timestamp(seconds=seconds, nanos=nanos)
    check(stamp)
    check(Everything(timestamp=stamp, r_timestamp=[stamp, stamp]))


@pytest.mark.parametrize(("seconds", "nanos"), [
    (0, 0), (0, -500_000_000), (-3, -100_000_000), (5, 1), (-1, -1_000), (315576000000, 999_999_999),
    (-315576000000, -999_999_999), (90, 0)])
def test_durations(seconds: int, nanos: int) -> None:
    span = duration_pb2.Duration(seconds=seconds, nanos=nanos)
    check(span)
    check(Everything(duration=span, r_duration=[span]))


@pytest.mark.parametrize("message", [
    timestamp_pb2.Timestamp(seconds=253402300800), timestamp_pb2.Timestamp(nanos=-1),
    duration_pb2.Duration(seconds=1, nanos=-1), duration_pb2.Duration(seconds=315576000001),
    field_mask_pb2.FieldMask(paths=["Not_Snake"])], ids=repr)
def test_out_of_range_well_known_types_raise_json_formats_error(message: Message) -> None:
    check_outcome(message)
    check_outcome(Everything(**{_field_of(message): message}))


def _field_of(message: Message) -> str:
    return {"Timestamp": "timestamp", "Duration": "duration", "FieldMask": "field_mask"}[message.DESCRIPTOR.name]


def test_wrappers_even_of_zero() -> None:
    values = {"DoubleValue": [0.0, 0.1, float("nan"), float("-inf")], "FloatValue": [0.0, 0.1, float("inf")],
              "Int64Value": [0, -(2**63)], "UInt64Value": [0, 2**64 - 1], "Int32Value": [0, -1],
              "UInt32Value": [0, 2**32 - 1], "BoolValue": [False, True], "StringValue": ["", "é"],
              "BytesValue": [b"", b"\xff"]}
    for name, each in values.items():
        wrapper = getattr(wrappers_pb2, name)
        for value in each:
            check(wrapper(value=value))
            check(Everything(**{f"w_{name.lower()}": wrapper(value=value),
                                f"r_w_{name.lower()}": [wrapper(value=value), wrapper()]}))
    assert check(Everything(w_int64value=wrappers_pb2.Int64Value())) == {"wInt64value": "0"}


def test_field_mask_and_empty() -> None:
    assert check(Everything(field_mask=field_mask_pb2.FieldMask(paths=["a_b", "c.d_e"]),
                            empty=empty_pb2.Empty())) == {"fieldMask": "aB,c.dE", "empty": {}}
    check(field_mask_pb2.FieldMask())
    check(empty_pb2.Empty())


def test_any_is_json_formats() -> None:
    from flyteidl.core import identifier_pb2

    packed = []
    for inner in (identifier_pb2.Identifier(project="p", resource_type=identifier_pb2.LAUNCH_PLAN),
                  duration_pb2.Duration(seconds=-1), wrappers_pb2.Int64Value(value=5), Everything(s_float=0.1)):
        item = any_pb2.Any()
        item.Pack(inner)
        packed.append(item)
    theirs = check(Everything(any=packed[0], r_any=packed))  # planned: Any alone goes to json_format
    assert theirs["any"] == {"@type": "type.googleapis.com/flyteidl.core.Identifier", "resourceType": "LAUNCH_PLAN",
                             "project": "p"}
    for item in packed:
        check(item)
    check_outcome(any_pb2.Any(type_url="type.googleapis.com/no.such.Type", value=b"\x08\x01"))


def test_extensions_are_json_formats() -> None:
    message = Old(x=1)
    note = message.DESCRIPTOR.file.pool.FindExtensionByName(f"{PACKAGE}2.note")
    message.Extensions[note] = "hello"
    assert check(message, planned=False) == {"x": 1, f"[{PACKAGE}2.note]": "hello"}


def test_top_level_well_known_types() -> None:
    for message in (wrappers_pb2.StringValue(value="s"), struct_pb2.Value(string_value="v"),
                    struct_pb2.ListValue(), timestamp_pb2.Timestamp(seconds=-1, nanos=1)):
        check(message)


def test_another_protobuf_major_is_json_formats_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    monkeypatch.setattr(protojson, "_MIRRORED", False)
    monkeypatch.setattr(json_format, "MessageToDict", lambda message: calls.append(message) or {"by": "json_format"})
    message = Everything(s_int32=1)
    assert protojson.message_text(message, PAD) == '{' + PAD + '  "by": "json_format"' + PAD + '}'
    assert calls == [message]


# -- random messages ---------------------------------------------------------------------------------------

_INT_RANGES = {F.TYPE_INT32: (-(2**31), 2**31 - 1), F.TYPE_SINT32: (-(2**31), 2**31 - 1),
               F.TYPE_SFIXED32: (-(2**31), 2**31 - 1), F.TYPE_UINT32: (0, 2**32 - 1), F.TYPE_FIXED32: (0, 2**32 - 1),
               F.TYPE_INT64: (-(2**63), 2**63 - 1), F.TYPE_SINT64: (-(2**63), 2**63 - 1),
               F.TYPE_SFIXED64: (-(2**63), 2**63 - 1), F.TYPE_UINT64: (0, 2**64 - 1),
               F.TYPE_FIXED64: (0, 2**64 - 1)}


def _scalar(field: Any) -> st.SearchStrategy[Any]:
    kind = field.type
    if kind in _INT_RANGES:
        low, high = _INT_RANGES[kind]
        return st.one_of(st.sampled_from([low, high, 0]), st.integers(low, high))
    if kind == F.TYPE_FLOAT:
        return st.one_of(st.sampled_from(FLOATS), st.floats(width=32))
    if kind == F.TYPE_DOUBLE:  # repr's exponent forms (1e-07, 1e+16) and the extremes, then any
        return st.one_of(st.sampled_from((1e-07, 1e16, 1e-05, 123456789012345678.0, *DOUBLES)), st.floats())
    if kind == F.TYPE_BOOL:
        return st.booleans()
    if kind == F.TYPE_STRING:  # escapes, separators JSON leaves alone, astral characters
        return st.one_of(st.sampled_from(('"\\', "\u2028", "\x7f", "\x00\x1f", "é ☃ \U0001f600")), st.text(max_size=5))
    if kind == F.TYPE_BYTES:
        return st.binary(max_size=5)
    numbers = sorted(field.enum_type.values_by_number)
    if field.enum_type.is_closed:
        return st.sampled_from(numbers)
    return st.one_of(st.sampled_from(numbers), st.integers(-(2**31), 2**31 - 1))


def _fill(data: st.DataObject, message: Any, depth: int) -> None:
    """Sets a few random fields of ``message`` to random values, submessages ``depth`` levels down at most."""
    name = message.DESCRIPTOR.full_name
    if name == "google.protobuf.Timestamp":
        message.seconds = data.draw(st.integers(-62135596800, 253402300799))
        message.nanos = data.draw(st.integers(0, 999_999_999))
        return
    if name == "google.protobuf.Duration":
        message.seconds = data.draw(st.integers(-315576000000, 315576000000))
        nanos = data.draw(st.integers(0, 999_999_999))
        message.nanos = -nanos if message.seconds < 0 else nanos
        return
    if name == "google.protobuf.Any":
        if data.draw(st.booleans()):
            inner = Everything()
            _fill(data, inner, depth - 1)
            message.Pack(inner)
        return
    fields = list(message.DESCRIPTOR.fields)
    if depth <= 0:
        fields = [f for f in fields if f.message_type is None]
    for field in data.draw(st.lists(st.sampled_from(fields), max_size=4, unique=True)) if fields else []:
        _fill_field(data, message, field, depth)


def _fill_field(data: st.DataObject, message: Any, field: Any, depth: int) -> None:
    value = getattr(message, field.name)
    entry = field.message_type
    if entry is not None and entry.GetOptions().map_entry:
        key_field, value_field = entry.fields_by_name["key"], entry.fields_by_name["value"]
        for key in data.draw(st.lists(_scalar(key_field), max_size=3, unique=True)):
            if value_field.message_type is None:
                value[key] = data.draw(_scalar(value_field))
            else:
                _fill(data, value[key], depth - 1)
    elif field.is_repeated and entry is not None:
        for _ in range(data.draw(st.integers(0, 2))):
            _fill(data, value.add(), depth - 1)
    elif field.is_repeated:
        value.extend(data.draw(st.lists(_scalar(field), max_size=3)))
    elif entry is not None:
        value.SetInParent()
        _fill(data, value, depth - 1)
    else:
        setattr(message, field.name, data.draw(_scalar(field)))


def _flyteidl_types() -> Iterator[Any]:
    from flyteidl.admin import launch_plan_pb2
    from flyteidl.core import literals_pb2, types_pb2

    yield from (launch_plan_pb2.LaunchPlan, literals_pb2.Literal, types_pb2.LiteralType, Everything,
                struct_pb2.Struct)
    try:
        from flyteidl2.task import task_definition_pb2
    except ImportError:  # installed with lpctl[flyte2]
        return
    yield task_definition_pb2.TaskTrigger


@hypothesis_settings(max_examples=examples(400))
@given(data=st.data(), kind=st.sampled_from(list(_flyteidl_types())), pad=st.sampled_from(["\n", PAD]))
def test_random_messages(data: st.DataObject, kind: Any, pad: str) -> None:
    message = kind()
    _fill(data, message, depth=3)
    check_outcome(message)
    outcome = _outcome(lambda m: reference(m, pad), message)
    assert _outcome(lambda m: protojson.message_text(m, pad), message) == outcome
    if outcome[0] == "ok":
        # the plans alone, unless the message holds what they leave to json_format (an enum's JSON name)
        with contextlib.suppress(protojson.Unplanned):
            assert protojson.text(message, pad) == outcome[1]


class _Counted:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, message: Any, pad: str) -> str:
        self.calls += 1
        return reference(message, pad)


def test_remembered_texts_are_per_bytes_and_indentation() -> None:
    write = _Counted()
    remembered = remember.remembered(write)
    one, two = Everything(s_string="a"), Everything(s_string="b")
    for _ in range(4):
        assert remembered(one, "\n") == reference(one)
        assert remembered(one, PAD) == reference(one, PAD)
        assert remembered(two, PAD) == reference(two, PAD)
    assert write.calls == 6  # each written twice (the second time it is kept), then found


def test_a_type_seldom_seen_twice_is_no_longer_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remember, "_TRIAL", 8)
    write = _Counted()
    remembered = remember.remembered(write)
    for _ in range(3):
        assert remembered(Everything(s_int64=0), "\n") == reference(Everything(s_int64=0))
    assert write.calls == 2  # kept when seen again, then found
    for i in range(1, 7):  # six more new messages: eight written, one found, fewer than a quarter
        assert remembered(Everything(s_int64=i), "\n") == reference(Everything(s_int64=i))
    assert write.calls == 8
    for _ in range(2):  # no longer remembered: written each time
        assert remembered(Everything(s_int64=0), "\n") == reference(Everything(s_int64=0))
    assert write.calls == 10


def test_a_type_often_seen_again_stays_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remember, "_TRIAL", 12)
    one = len(reference(Everything(s_int64=1))) + len(Everything(s_int64=1).SerializeToString()) + remember._ENTRY
    monkeypatch.setattr(remember, "_room", [4 * remember._SEEN + 2 * one])  # 4 keys seen once, 2 texts
    write = _Counted()
    remembered = remember.remembered(write)
    for _ in range(4):  # each written twice, then found: 1 and 2 kept (room for two)
        for i in (1, 2):
            remembered(Everything(s_int64=i), "\n")
    assert write.calls == 4 and remember._room == [2 * remember._SEEN]
    for i in range(3, 7):  # four new, two seen once (no room for more), none kept
        for _ in range(2):
            remembered(Everything(s_int64=i), "\n")
    assert write.calls == 12 and remember._room == [0]  # a trial of 12 written and 6 found: still on
    assert remembered(Everything(s_int64=1), "\n") == reference(Everything(s_int64=1))
    assert write.calls == 12


def test_long_texts_are_not_remembered_and_room_comes_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remember, "_TRIAL", 6)
    monkeypatch.setattr(remember, "_room", [10_000])
    write = _Counted()
    remembered = remember.remembered(write)
    long = Everything(s_string="x" * remember._LONGEST)
    for _ in range(3):
        assert remembered(long, "\n") == reference(long)
    assert write.calls == 3 and remember._room == [10_000 - remember._SEEN]
    short = Everything(s_string="y")
    for _ in range(2):
        remembered(short, "\n")
    assert remember._room[0] < 10_000 - 2 * remember._SEEN
    remembered(Everything(s_string="z"), "\n")  # a sixth written, none found: off, room given back
    assert remember._room == [10_000]
