"""A workflow's input interface, as lpctl needs it to type and complete a launch plan.

Three sources give the same model: a flytekit workflow (flytekit itself computes types,
descriptions and defaults), a plain Python function with type hints (lpctl maps the hints
the way flytekit's TypeEngine would), and an interface written in the spec with Python type
syntax for a workflow registered elsewhere.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import inspect
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flyteidl.core import types_pb2
from flyteidl.core.interface_pb2 import Parameter, Variable

from lpctl.shared.literals import ConversionError, LiteralType, SimpleType, is_optional, none_literal, to_literal


@dataclass(frozen=True)
class Input:
    """One workflow input: its Flyte type and the parameter the workflow itself declares."""

    name: str
    type: LiteralType
    #: flytekit's ``transform_inputs_to_parameters`` entry: the default, or ``required``
    parameter: Parameter
    #: the Python type when known, for values only flytekit can encode (dataclasses)
    python_type: Any = None


@dataclass(frozen=True)
class WorkflowInterface:
    """What a launch plan needs of its workflow."""

    #: the registered Flyte name, e.g. ``myproject.workflows.my_workflow``
    name: str
    inputs: Mapping[str, Input]
    #: "flytekit workflow", "typed function" or "interface in the spec"
    source: str
    #: converts a value for a type lpctl cannot encode itself (set for flytekit workflows)
    convert: Callable[[Any, Input], Any] | None = None
    #: (project, domain, name, version) of a flytekit reference workflow, which the launch plan
    #: points at as it is, whatever the launch plan's own identity
    reference: tuple[str, str, str, str] | None = None
    #: ``@workflow(default_options=Options(labels=..., annotations=...))``: the default launch plan's
    default_labels: Mapping[str, str] = dataclasses.field(default_factory=dict)
    default_annotations: Mapping[str, str] = dataclasses.field(default_factory=dict)


class UnsupportedType(Exception):
    """A Python type that has no Flyte literal type lpctl can build."""


#: flytekit's transformer names, which tag each variant of a union type (``TypeEngine``)
UNION_TAGS = {int: "int", float: "float", str: "str", bool: "bool", dt.datetime: "datetime",
              dt.date: "date", dt.timedelta: "timedelta", type(None): "none"}
#: the annotation flytekit's DataclassTransformer puts on a dataclass's STRUCT literal type
STRUCT_ANNOTATION = {"cache-key-metadata": {"serialization-format": "msgpack"}}
_SIMPLE = {int: SimpleType.INTEGER, float: SimpleType.FLOAT, str: SimpleType.STRING,
           bool: SimpleType.BOOLEAN, dt.datetime: SimpleType.DATETIME, dt.date: SimpleType.DATETIME,
           dt.timedelta: SimpleType.DURATION, type(None): SimpleType.NONE}


def literal_type(py: Any) -> LiteralType:
    """The Flyte literal type flytekit's ``TypeEngine.to_literal_type`` gives a Python type."""
    return _literal_type_and_tag(py)[0]


def _literal_type_and_tag(py: Any) -> tuple[LiteralType, str]:
    if py in _SIMPLE:
        return LiteralType(simple=_SIMPLE[py]), UNION_TAGS[py]
    if py is dict or py is typing.Dict:  # noqa: UP006
        lt = LiteralType(simple=SimpleType.STRUCT)
        lt.annotation.annotations.update(STRUCT_ANNOTATION)
        return lt, "Typed Dict"
    if inspect.isclass(py) and issubclass(py, enum.Enum):
        values = [m.value for m in py]
        if not all(isinstance(v, str) for v in values):
            raise UnsupportedType(f"enum {py.__name__} has non-string values; Flyte enums hold strings")
        return LiteralType(enum_type=types_pb2.EnumType(values=values)), "DefaultEnumTransformer"
    origin, args = typing.get_origin(py), typing.get_args(py)
    if origin is list and len(args) == 1:
        return LiteralType(collection_type=literal_type(args[0])), "Typed List"
    if origin is dict and len(args) == 2:
        if args[0] is not str:
            raise UnsupportedType(f"{_py_name(py)}: Flyte maps need str keys")
        return LiteralType(map_value_type=literal_type(args[1])), "Typed Dict"
    if origin is typing.Union or (hasattr(types, "UnionType") and isinstance(py, types.UnionType)):
        variants = []
        for arg in args:
            lt, tag = _literal_type_and_tag(arg)
            lt.structure.tag = tag
            variants.append(lt)
        return LiteralType(union_type=types_pb2.UnionType(variants=variants)), "Typed Union"
    raise UnsupportedType(f"type {_py_name(py)} is not supported for a typed-function workflow")


def _py_name(py: Any) -> str:
    if typing.get_origin(py) is not None:  # dict[int, str] has the __name__ "dict"
        return str(py).replace("typing.", "")
    return getattr(py, "__name__", None) or str(py).replace("typing.", "")


def parameter_for(name: str, lt: LiteralType, default: Any, *, has_default: bool,
                  description: str | None = None) -> Parameter:
    """flytekit's rule: no default + Optional -> bare none; no default -> required."""
    var = Variable(type=lt, description=description or name)
    if (not has_default or default is None) and is_optional(lt):
        return Parameter(var=var, default=none_literal())
    if not has_default or default is None:
        return Parameter(var=var, required=True)
    return Parameter(var=var, default=to_literal(default, lt))


def from_function(fn: Callable[..., Any], name: str) -> WorkflowInterface:
    """The interface of a plain function with type hints, as flytekit would build it."""
    hints = typing.get_type_hints(fn)
    descriptions = _param_descriptions(fn.__doc__ or "")
    inputs: dict[str, Input] = {}
    for pname, param in inspect.signature(fn).parameters.items():
        if pname not in hints:
            raise UnsupportedType(f"input '{pname}' has no type hint")
        lt = literal_type(hints[pname])
        has_default = param.default is not inspect.Parameter.empty
        try:
            parameter = parameter_for(pname, lt, param.default, has_default=has_default,
                                      description=descriptions.get(pname))
        except ConversionError as e:
            raise UnsupportedType(f"the default of input '{pname}' does not fit its type: {e.message}") from None
        inputs[pname] = Input(pname, lt, parameter, hints[pname])
    return WorkflowInterface(name, inputs, "typed function")


_PARAM_RE = re.compile(r"^\s*:param\s+(?:\S+\s+)?(\w+):\s*(.*)$")


def _param_descriptions(doc: str) -> dict[str, str]:
    """``:param name: text`` lines of a reST docstring (flytekit's docstring parser reads these)."""
    out: dict[str, str] = {}
    current = None
    for line in inspect.cleandoc(doc).splitlines():
        match = _PARAM_RE.match(line)
        if match:
            current = match.group(1)
            out[current] = match.group(2).strip()
        elif current and line.strip() and not line.lstrip().startswith(":"):
            out[current] = (out[current] + " " + line.strip()).strip()
        else:
            current = None
    return out


# -- Python type syntax in the spec ------------------------------------------------------

_NAMES: dict[str, Any] = {
    "int": int, "float": float, "str": str, "bool": bool, "datetime": dt.datetime,
    "date": dt.date, "timedelta": dt.timedelta, "dict": dict, "None": type(None),
}
_GENERICS = {"list": list, "List": list, "dict": dict, "Dict": dict, "Optional": typing.Optional,
             "Union": typing.Union}
_TOKEN = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_.]*|\[|\]|,|\|)")


def parse_type(text: str) -> Any:
    """``"list[str]"``, ``"Optional[int]"``, ``"int | None"`` -> a Python type; raises ValueError."""
    tokens = _tokenize(text)
    _check_depth(tokens)
    py, rest = _parse_union(tokens)
    if rest:
        raise ValueError(f"unexpected '{rest[0]}' in type \"{text}\"")
    return py


#: list[list[...]] levels a written type may have; Flyte's messages refuse about 100, no workflow needs 10
MAX_TYPE_DEPTH = 32


def _check_depth(tokens: list[str]) -> None:
    depth = 0
    for token in tokens:
        depth += 1 if token == "[" else -1 if token == "]" else 0
        if depth > MAX_TYPE_DEPTH:
            raise ValueError(f"the type nests deeper than {MAX_TYPE_DEPTH} levels")


def _tokenize(text: str) -> list[str]:
    tokens, pos = [], 0
    while pos < len(text.rstrip()):
        match = _TOKEN.match(text, pos)
        if not match:
            raise ValueError(f"cannot read type \"{text}\" at '{text[pos:].strip()}'")
        tokens.append(match.group(1))
        pos = match.end()
    if not tokens:
        raise ValueError("empty type")
    return tokens


def _parse_union(tokens: list[str]) -> tuple[Any, list[str]]:
    parts = []
    py, tokens = _parse_one(tokens)
    parts.append(py)
    while tokens and tokens[0] == "|":
        py, tokens = _parse_one(tokens[1:])
        parts.append(py)
    if len(parts) == 1:
        return parts[0], tokens
    return typing.Union[tuple(parts)], tokens


def _parse_one(tokens: list[str]) -> tuple[Any, list[str]]:
    if not tokens:
        raise ValueError("a type is missing")
    name, tokens = tokens[0].removeprefix("typing.").removeprefix("datetime."), tokens[1:]
    if name not in _NAMES and name not in _GENERICS:
        known = ", ".join(sorted(set(_NAMES) | {"list[T]", "dict[str, T]", "Optional[T]"}))
        raise ValueError(f"unknown type '{name}' (known: {known})")
    if tokens and tokens[0] == "[":
        if name not in _GENERICS:
            raise ValueError(f"'{name}' takes no parameters")
        args: list[Any] = []
        tokens = tokens[1:]
        while True:
            arg, tokens = _parse_union(tokens)
            args.append(arg)
            if not tokens:
                raise ValueError("missing ']'")
            sep, tokens = tokens[0], tokens[1:]
            if sep == "]":
                break
            if sep != ",":
                raise ValueError(f"unexpected '{sep}'")
        return _generic(name, args), tokens
    if name not in _NAMES:
        raise ValueError(f"'{name}' needs parameters, e.g. {name}[int]")
    return _NAMES[name], tokens


def _generic(name: str, args: list[Any]) -> Any:
    base = _GENERICS[name]
    if base is list and len(args) == 1:
        return list[args[0]]  # type: ignore[valid-type]
    if base is dict and len(args) == 2:
        return dict[args[0], args[1]]  # type: ignore[valid-type]
    if base is typing.Optional and len(args) == 1:
        return typing.Optional[args[0]]
    if base is typing.Union and len(args) >= 2:
        return typing.Union[tuple(args)]
    raise ValueError(f"'{name}' takes {'one parameter' if base in (list, typing.Optional) else 'two parameters'}")


def from_spec(name: str, inputs: Mapping[str, str]) -> WorkflowInterface:
    """An interface written in the spec: every input required, Optional ones default to none."""
    out: dict[str, Input] = {}
    for pname, text in inputs.items():
        lt = literal_type(parse_type(text))
        out[pname] = Input(pname, lt, parameter_for(pname, lt, None, has_default=False))
    return WorkflowInterface(name, out, "interface in the spec")
