"""lpctl.flyte1.interface on its own: Python types -> LiteralTypes as flytekit types them, the parameters of
a typed function and of an interface written in the spec, and the type syntax of specs."""

from __future__ import annotations

import datetime as dt
import enum
import typing
from typing import Any, Optional, Union

import pytest
from flyteidl.core import literals_pb2, types_pb2
from flyteidl.core.interface_pb2 import Parameter, Variable

from lpctl.flyte1.interface import (
    Input,
    UnsupportedType,
    WorkflowInterface,
    from_function,
    from_spec,
    literal_type,
    parameter_for,
    parse_type,
)
from lpctl.shared.literals import LiteralType, SimpleType, none_literal

INT = LiteralType(simple=SimpleType.INTEGER)
STR = LiteralType(simple=SimpleType.STRING)
NONE = LiteralType(simple=SimpleType.NONE)


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


class Level(enum.Enum):
    LOW = 1


def _tagged(lt: LiteralType, tag: str) -> LiteralType:
    tagged = LiteralType()
    tagged.CopyFrom(lt)
    tagged.structure.tag = tag
    return tagged


def _struct() -> LiteralType:
    lt = LiteralType(simple=SimpleType.STRUCT)
    lt.annotation.annotations.update({"cache-key-hash": "", "is-dict": "true"})
    return lt


@pytest.mark.parametrize(("py", "expected"), [
    (int, INT),
    (dt.date, LiteralType(simple=SimpleType.DATETIME)),
    (dt.timedelta, LiteralType(simple=SimpleType.DURATION)),
    (list[str], LiteralType(collection_type=STR)),
    (dict[str, list[int]], LiteralType(map_value_type=LiteralType(collection_type=INT))),
    (Color, LiteralType(enum_type=types_pb2.EnumType(values=["red", "green"]))),
    (Optional[int], LiteralType(union_type=types_pb2.UnionType(variants=[_tagged(INT, "int"),
                                                                         _tagged(NONE, "none")]))),
    (Union[str, list[int]], LiteralType(union_type=types_pb2.UnionType(variants=[
        _tagged(STR, "str"), _tagged(LiteralType(collection_type=INT), "Typed List")]))),
])
def test_literal_types(py: Any, expected: LiteralType) -> None:
    assert literal_type(py) == expected


def test_an_untyped_dict_is_a_struct_annotated_as_flytekit_does() -> None:
    from lpctl.flyte1.interface import STRUCT_ANNOTATION

    expected = LiteralType(simple=SimpleType.STRUCT)
    expected.annotation.annotations.update(STRUCT_ANNOTATION)
    assert literal_type(dict) == expected
    assert literal_type(typing.Dict) == expected  # noqa: UP006


@pytest.mark.parametrize(("py", "message"), [
    (Level, "enum Level has non-string values; Flyte enums hold strings"),
    (dict[int, str], "dict[int, str]: Flyte maps need str keys"),
    (bytes, "type bytes is not supported for a typed-function workflow"),
    (list[complex], "type complex is not supported for a typed-function workflow"),
])
def test_unsupported_types(py: Any, message: str) -> None:
    with pytest.raises(UnsupportedType) as caught:
        literal_type(py)
    assert str(caught.value) == message


def test_parameters_follow_flytekits_rules() -> None:
    optional = literal_type(Optional[int])
    assert parameter_for("a", INT, None, has_default=False) == Parameter(
        var=Variable(type=INT, description="a"), required=True)
    assert parameter_for("a", optional, None, has_default=False, description="how many") == Parameter(
        var=Variable(type=optional, description="how many"), default=none_literal())
    assert parameter_for("a", INT, 3, has_default=True) == Parameter(
        var=Variable(type=INT, description="a"),
        default=literals_pb2.Literal(scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(integer=3))))
    assert parameter_for("a", INT, None, has_default=True).required


def test_a_typed_function() -> None:
    def wf(day: dt.datetime, names: list[str] = ["x"], limit: Optional[int] = None) -> None:  # noqa: B006
        """Export a day.

        :param day: the day to export
        :param int limit: at most this many rows
        """

    interface = from_function(wf, "team.flows.wf")
    assert (interface.name, interface.source, list(interface.inputs)) == (
        "team.flows.wf", "typed function", ["day", "names", "limit"])
    day, names, limit = interface.inputs.values()
    assert day == Input("day", literal_type(dt.datetime), Parameter(
        var=Variable(type=literal_type(dt.datetime), description="the day to export"), required=True), dt.datetime)
    assert names.parameter.default == literals_pb2.Literal(collection=literals_pb2.LiteralCollection(literals=[
        literals_pb2.Literal(scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(string_value="x")))]))
    assert limit.parameter == Parameter(var=Variable(type=literal_type(Optional[int]),
                                                     description="at most this many rows"), default=none_literal())


def test_a_typed_function_that_cannot_be_typed() -> None:
    def untyped(a) -> None:  # type: ignore[no-untyped-def]
        ...

    def bad_default(a: int = "x") -> None:  # type: ignore[assignment]
        ...

    with pytest.raises(UnsupportedType) as caught:
        from_function(untyped, "untyped")
    assert str(caught.value) == "input 'a' has no type hint"
    with pytest.raises(UnsupportedType) as caught:
        from_function(bad_default, "bad_default")
    assert str(caught.value) == ("the default of input 'a' does not fit its type: expected int, found the "
                                 'string "x"')


def test_an_interface_in_the_spec() -> None:
    interface = from_spec("other.export", {"day": "datetime", "limit": "int | None"})
    assert interface == WorkflowInterface("other.export", {
        "day": Input("day", literal_type(dt.datetime), Parameter(
            var=Variable(type=literal_type(dt.datetime), description="day"), required=True)),
        "limit": Input("limit", literal_type(Optional[int]), Parameter(
            var=Variable(type=literal_type(Optional[int]), description="limit"), default=none_literal())),
    }, "interface in the spec")


@pytest.mark.parametrize(("text", "py"), [
    ("int", int), ("datetime.date", dt.date), ("typing.List[str]", list[str]), ("Dict[str, int]", dict[str, int]),
    ("Optional[list[int]]", Optional[list[int]]), ("int | str | None", Union[int, str, None]),
    ("Union[int, str]", Union[int, str]), ("dict", dict), (" list[ dict[str, float] ] ", list[dict[str, float]]),
])
def test_type_syntax(text: str, py: Any) -> None:
    assert parse_type(text) == py


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty type"),
    ("list[int", "missing ']'"),
    ("int]", "unexpected ']' in type \"int]\""),
    ("int[str]", "'int' takes no parameters"),
    ("list", "'list' needs parameters, e.g. list[int]"),
    ("list[int, str]", "'list' takes one parameter"),
    ("dict[str]", "'dict' takes two parameters"),
    ("Union[int]", "'Union' takes two parameters"),
    ("list[int; str]", "cannot read type \"list[int; str]\" at '; str]'"),
    ("list[int str]", "unexpected 'str'"),
    ("Optional[]", "unknown type ']' (known: None, Optional[T], bool, date, datetime, dict, dict[str, T], float, "
                   "int, list[T], str, timedelta)"),
])
def test_type_syntax_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_type(text)
    assert str(caught.value) == message
