"""lpctl.shared.literals on its own: values -> flyteidl Literals, compared as messages, and the exact errors."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import msgpack
import pytest
from flyteidl.core import literals_pb2, types_pb2
from google.protobuf import duration_pb2, timestamp_pb2

from lpctl.shared.literals import (
    ConversionError,
    Literal,
    LiteralType,
    SimpleType,
    describe,
    is_optional,
    none_literal,
    parse_datetime,
    to_literal,
    type_name,
)

INT = LiteralType(simple=SimpleType.INTEGER)
FLOAT = LiteralType(simple=SimpleType.FLOAT)
STR = LiteralType(simple=SimpleType.STRING)
BOOL = LiteralType(simple=SimpleType.BOOLEAN)
DATETIME = LiteralType(simple=SimpleType.DATETIME)
DURATION = LiteralType(simple=SimpleType.DURATION)
STRUCT = LiteralType(simple=SimpleType.STRUCT)
NONE = LiteralType(simple=SimpleType.NONE)
COLOR = LiteralType(enum_type=types_pb2.EnumType(values=["red", "green"]))


def _union(*variants: LiteralType) -> LiteralType:
    return LiteralType(union_type=types_pb2.UnionType(variants=variants))


def _primitive(**kwargs: Any) -> Literal:
    return Literal(scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(**kwargs)))


def _error(value: Any, lt: LiteralType) -> ConversionError:
    with pytest.raises(ConversionError) as caught:
        to_literal(value, lt)
    return caught.value


class Color(enum.Enum):
    RED = "red"


@pytest.mark.parametrize(("value", "lt", "expected"), [
    (42, INT, _primitive(integer=42)),
    (2**63 - 1, INT, _primitive(integer=2**63 - 1)),
    (3, FLOAT, _primitive(float_value=3.0)),
    (2.5, FLOAT, _primitive(float_value=2.5)),
    ("abc", STR, _primitive(string_value="abc")),
    (Color.RED, STR, _primitive(string_value="red")),
    (False, BOOL, _primitive(boolean=False)),
    ("green", COLOR, _primitive(string_value="green")),
    (Color.RED, COLOR, _primitive(string_value="red")),
])
def test_scalars(value: Any, lt: LiteralType, expected: Literal) -> None:
    assert to_literal(value, lt) == expected


@pytest.mark.parametrize("value", ["2024-01-02T03:04:05Z", "2024-01-02 04:04:05+01:00",
                                   dt.datetime(2024, 1, 2, 3, 4, 5)])
def test_datetimes_are_utc_timestamps(value: Any) -> None:
    expected = Literal(scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(
        datetime=timestamp_pb2.Timestamp(seconds=1704164645))))
    assert to_literal(value, DATETIME) == expected


def test_a_date_is_midnight_utc() -> None:
    assert parse_datetime(dt.date(2024, 1, 2)) == dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("value", ["1h30m", "PT1H30M", dt.timedelta(minutes=90)])
def test_durations(value: Any) -> None:
    expected = Literal(scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(
        duration=duration_pb2.Duration(seconds=5400))))
    assert to_literal(value, DURATION) == expected


def test_a_dict_is_msgpack_bytes_tagged_msgpack() -> None:
    value = {"b": [1, 2.5], "a": {"c": None}}
    expected = Literal(scalar=literals_pb2.Scalar(binary=literals_pb2.Binary(value=msgpack.dumps(value),
                                                                             tag="msgpack")))
    assert to_literal(value, STRUCT) == expected


def test_collections_and_maps() -> None:
    collection = Literal(collection=literals_pb2.LiteralCollection(
        literals=[_primitive(integer=1), _primitive(integer=2)]))
    assert to_literal([1, 2], LiteralType(collection_type=INT)) == collection
    empty = Literal(collection=literals_pb2.LiteralCollection())
    assert to_literal([], LiteralType(collection_type=INT)) == empty
    mapping = Literal(map=literals_pb2.LiteralMap(literals={"x": _primitive(string_value="y")}))
    assert to_literal({"x": "y"}, LiteralType(map_value_type=STR)) == mapping


def test_optional_values_are_unions() -> None:
    optional_int = _union(INT, NONE)
    assert to_literal(None, optional_int) == Literal(scalar=literals_pb2.Scalar(union=literals_pb2.Union(
        value=none_literal(), type=NONE)))
    assert to_literal(7, optional_int) == Literal(scalar=literals_pb2.Scalar(union=literals_pb2.Union(
        value=_primitive(integer=7), type=INT)))
    assert none_literal() == Literal(scalar=literals_pb2.Scalar(none_type=literals_pb2.Void()))


def test_union_prefers_str_for_strings_and_the_exact_kind_for_numbers() -> None:
    assert to_literal("red", _union(COLOR, STR)).scalar.union.type == STR
    assert to_literal(3, _union(FLOAT, INT)).scalar.union.type == INT
    assert to_literal(3.0, _union(FLOAT, INT)).scalar.union.type == FLOAT


@pytest.mark.parametrize(("value", "lt", "message", "hint"), [
    ("12", INT, 'expected int, found the string "12"', "remove the quotes"),
    (True, INT, "expected int, found the boolean true", None),
    (2**63, INT, "the integer 9223372036854775808 does not fit in 64 bits (Flyte integers are int64)", None),
    ("1.5", FLOAT, 'expected float, found the string "1.5"', "remove the quotes"),
    (10**400, FLOAT, f"the integer {10**400} is too large for a float", None),
    (123, STR, "expected str, found the integer 123", "quote it: '123'"),
    (None, STR, "expected str, found null", "quote it: 'null'"),
    ("yes", BOOL, 'expected bool, found the string "yes"',
     "write true or false; in YAML 1.2 yes, no, on and off are strings"),
    ("soon", DATETIME, 'expected datetime: "soon" is not an ISO 8601 datetime (e.g. 2024-01-02T03:04:05Z)', None),
    (5, DURATION, "expected timedelta, found the integer 5",
     "write a duration such as '90m', '1h30m', '2d' or 'PT1H30M'"),
    ("x", LiteralType(collection_type=INT), 'expected list[int], found the string "x"', "write a YAML list"),
    ([1], LiteralType(map_value_type=INT), "expected dict[str, int], found a list", "write a YAML mapping"),
    ({"x": float("nan")}, STRUCT, "nan cannot be stored in a dict input", None),
    (3, LiteralType(blob=types_pb2.BlobType()), "expected the remote URI of a FlyteFile, found the integer 3",
     "write a URI such as s3://bucket/path"),
])
def test_mismatches(value: Any, lt: LiteralType, message: str, hint: str | None) -> None:
    error = _error(value, lt)
    assert (error.message, error.hint, error.code) == (message, hint, "LP405")


def test_nested_errors_carry_their_path() -> None:
    error = _error({"a": [1, "two"]}, LiteralType(map_value_type=LiteralType(collection_type=INT)))
    assert (error.message, error.path) == ('expected int, found the string "two"', ("a", 1))


def test_enum_value_not_allowed_suggests_the_closest() -> None:
    error = _error("gren", COLOR)
    assert (error.code, error.message, error.hint) == (
        "LP406", 'the string "gren" is not one of the enum\'s values: "red", "green"', 'did you mean "green"?')
    assert _error("RED", COLOR).hint == 'did you mean "red"?'


def test_union_without_a_match_and_with_two() -> None:
    assert _error([1], _union(INT, STR)).message == "expected Union[int, str], found a list"
    assert _error("x", _union(INT, NONE)).message == 'expected int, found the string "x"'
    two = _error("red", _union(COLOR, LiteralType(enum_type=types_pb2.EnumType(values=["red"]))))
    assert two.message == ('the string "red" matches more than one type of Union[enum (\'red\', \'green\'), '
                           "enum ('red')]: enum ('red', 'green'), enum ('red')")


@pytest.mark.parametrize(("lt", "name"), [
    (INT, "int"), (STRUCT, "dict"), (NONE, "None"),
    (LiteralType(collection_type=LiteralType(map_value_type=STR)), "list[dict[str, str]]"),
    (_union(STR, NONE), "Optional[str]"), (_union(INT, STR, NONE), "Optional[Union[int, str]]"),
    (_union(INT, STR), "Union[int, str]"), (COLOR, "enum ('red', 'green')"),
    (LiteralType(simple=SimpleType.BINARY), "binary"), (LiteralType(), "unknown type"),
])
def test_type_names(lt: LiteralType, name: str) -> None:
    assert type_name(lt) == name


@pytest.mark.parametrize(("value", "text"), [
    (None, "null"), (True, "the boolean true"), (3, "the integer 3"), (1.5, "the number 1.5"),
    ('say "hi"', 'the string "say \\"hi\\""'), ("x" * 50, 'the string "' + "x" * 37 + '..."'),
    ([], "a list"), ({}, "a mapping"), (dt.date(2024, 1, 1), "a date"),
])
def test_describe(value: Any, text: str) -> None:
    assert describe(value) == text


def test_is_optional() -> None:
    assert (is_optional(_union(INT, NONE)), is_optional(_union(INT, STR)), is_optional(INT)) == (True, False, False)
