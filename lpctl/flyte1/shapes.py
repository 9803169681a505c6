"""The shape of a dataclass input: what lpctl needs to check and encode its values without flytekit.

flytekit stores a dataclass value as the msgpack bytes of mashumaro's encoding: a map of the
fields in declaration order (defaults filled in), enums as their values, floats as floats,
nested dataclasses as maps. A shape is that type written as JSON, so that ``lpctl lock`` can
record it and ``--locked`` can encode values byte for byte as flytekit would:

``{"kind": "int" | "float" | "str" | "bool" | "dict" | "file" | "directory"}`` (a file or directory packs
as ``{"path": uri}``, the remote URI as it is), ``{"kind": "list", "item": S}``,
``{"kind": "map", "value": S}``, ``{"kind": "optional", "item": S}``,
``{"kind": "enum", "name": N, "values": [...]}``,
``{"kind": "dataclass", "name": N, "fields": [{"name": F, "type": S, "default": V}]}`` (no
``default`` key: the field is required; V is the default's msgpack bytes in base64, because
canonical JSON would sort the keys of a default mapping and lose the order flytekit packs),
``{"kind": "unsupported", "name": N}``.

Values are checked strictly, with or without flytekit: an unknown field, a missing required
field, a wrong type at any depth is an error at its path.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import sys
import types
import typing
from typing import Any

from lpctl.shared.literals import ConversionError, check_msgpack_int, describe, not_a_member

Shape = dict[str, Any]
_PRIMITIVES: dict[Any, str] = {int: "int", float: "float", str: "str", bool: "bool", dict: "dict"}
_BLOBS = ("file", "directory")


def shape_of(py: Any) -> Shape:
    """The shape of a Python type; parts lpctl cannot encode itself are ``unsupported``."""
    if py in _PRIMITIVES:
        return {"kind": _PRIMITIVES[py]}
    if inspect.isclass(py) and issubclass(py, enum.Enum):
        values = [m.value for m in py]
        if all(isinstance(v, str) for v in values):
            return {"kind": "enum", "name": py.__name__, "values": values}
        return _unsupported(py)
    blob = _blob_kind(py)
    if blob is not None:  # packed as {"path": uri}; the URI is kept as it is (lpctl.shared.blobs)
        return {"kind": blob}
    if dataclasses.is_dataclass(py) and isinstance(py, type):
        if py.__module__.partition(".")[0] == "flytekit":  # the rest of flytekit's types: its own encoding
            return _unsupported(py)
        return _dataclass_shape(py)
    origin, args = typing.get_origin(py), typing.get_args(py)
    if origin is list and len(args) == 1:
        return {"kind": "list", "item": shape_of(args[0])}
    if origin is dict and len(args) == 2 and args[0] is str:
        return {"kind": "map", "value": shape_of(args[1])}
    is_union = origin is typing.Union or (hasattr(types, "UnionType") and isinstance(py, types.UnionType))
    if is_union and len(args) == 2 and type(None) in args:
        return {"kind": "optional", "item": shape_of(next(a for a in args if a is not type(None)))}
    return _unsupported(py)


def _blob_kind(py: Any) -> str | None:
    """"file" for FlyteFile (and its format-typed subclasses), "directory" for FlyteDirectory."""
    if not (inspect.isclass(py) and py.__module__.startswith("flytekit.types.")):
        return None
    from flytekit.types.directory import FlyteDirectory
    from flytekit.types.file import FlyteFile

    if issubclass(py, FlyteFile):
        return "file"
    return "directory" if issubclass(py, FlyteDirectory) else None


def _unsupported(py: Any) -> Shape:
    return {"kind": "unsupported", "name": getattr(py, "__name__", None) or str(py).replace("typing.", "")}


def _dataclass_shape(py: type) -> Shape:
    try:
        hints = typing.get_type_hints(py)
    except (NameError, TypeError):
        return _unsupported(py)
    fields = []
    for f in dataclasses.fields(py):
        entry: dict[str, Any] = {"name": f.name, "type": shape_of(hints.get(f.name, Any))}
        if entry["type"]["kind"] in _BLOBS and not (f.default is dataclasses.MISSING
                                                   and f.default_factory is dataclasses.MISSING):
            return _unsupported(py)  # a FlyteFile default: packed by flytekit's own serializer
        if f.default is not dataclasses.MISSING:
            entry["default"] = _packed(plain(f.default))
        elif f.default_factory is not dataclasses.MISSING:
            entry["default"] = _packed(plain(f.default_factory()))
        fields.append(entry)
    return {"kind": "dataclass", "name": py.__name__, "fields": fields}


def _packed(value: Any) -> str:
    import base64

    import msgpack

    return base64.b64encode(msgpack.dumps(value)).decode("ascii")


def _unpacked(text: str) -> Any:
    import base64

    import msgpack

    return msgpack.loads(base64.b64decode(text), strict_map_key=False)


def plain(value: Any) -> Any:
    """A Python default as mashumaro encodes it: dataclasses as maps, enums as their values."""
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def supported(shape: Shape) -> bool:
    """Whether lpctl can encode every value of this shape without flytekit."""
    kind = shape["kind"]
    if kind == "unsupported":
        return False
    if kind in ("list", "optional"):
        return supported(shape["item"])
    if kind == "map":
        return supported(shape["value"])
    if kind == "dataclass":
        return all(supported(f["type"]) for f in shape["fields"])
    return True


def encode(value: Any, shape: Shape, path: tuple[Any, ...] = ()) -> Any:
    """Check ``value`` against ``shape`` and return what flytekit would pack; raises ConversionError.

    The checks and their messages are those of :func:`lpctl.flyte1.bridge.check_value` (the run
    that imports the workflow), so that a run with and without the lock says the same. An
    ``unsupported`` part is passed through unchecked (flytekit checks it when it is there).
    """
    kind = shape["kind"]
    if kind == "dataclass":
        return _encode_dataclass(value, shape, path)
    if kind == "optional":
        return None if value is None else encode(value, shape["item"], path)
    if kind == "list":
        if not isinstance(value, list):
            raise ConversionError(f"expected a list, found {describe(value)}", path)
        return [encode(v, shape["item"], (*path, i)) for i, v in enumerate(value)]
    if kind == "map":
        if not isinstance(value, dict):
            raise ConversionError(f"expected a mapping, found {describe(value)}", path)
        return {str(k): encode(v, shape["value"], (*path, k)) for k, v in value.items()}
    if kind in _BLOBS:
        from lpctl.shared.blobs import check_uri

        try:
            check_uri(value, kind == "directory")
        except ConversionError as e:
            raise ConversionError(e.message, path, e.hint, e.code) from None
        return {"path": value}
    if kind == "enum":
        if value not in shape["values"]:
            raise not_a_member(value, list(shape["values"]), path)
        return value
    return _encode_simple(value, kind, path)


def _encode_simple(value: Any, kind: str, path: tuple[Any, ...]) -> Any:
    ok = {
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, (int, float)) and not isinstance(value, bool),
        "str": isinstance(value, str),
        "bool": isinstance(value, bool),
    }.get(kind, True)
    if not ok:
        raise ConversionError(f"expected {kind}, found {describe(value)}", path)
    if kind == "float" and isinstance(value, int) and abs(value) > sys.float_info.max:
        raise ConversionError(f"expected float: {describe(value)} is larger than a float holds", path)
    if kind == "int":
        check_msgpack_int(value, path)
    return float(value) if kind == "float" else value  # mashumaro casts an int given for a float


def _encode_dataclass(value: Any, shape: Shape, path: tuple[Any, ...]) -> dict[str, Any]:
    name = shape["name"]
    if not isinstance(value, dict):
        raise ConversionError(f"expected a mapping of the fields of {name}, found {describe(value)}", path)
    fields = {f["name"]: f for f in shape["fields"]}
    for key in value:
        if key not in fields:
            import difflib

            near = difflib.get_close_matches(str(key), list(fields), n=1, cutoff=0.6)
            raise ConversionError(f"'{key}' is not a field of {name} (fields: {', '.join(fields)})", (*path, key),
                                  hint=f"did you mean '{near[0]}'?" if near else None, key=True)
    missing = [f for f, spec in fields.items() if f not in value and "default" not in spec]
    if missing:
        raise ConversionError(f"missing field{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))} "
                              f"of {name}", path)
    given = {key: encode(item, fields[key]["type"], (*path, key)) for key, item in value.items()}
    # mashumaro packs every field, in declaration order
    return {f: given[f] if f in given else _unpacked(spec["default"]) for f, spec in fields.items()}


def to_literal(value: Any, lt: Any, shape: Shape) -> Any:
    """The literal flytekit builds for a value of a dataclass-bearing type, built without flytekit."""
    import msgpack
    from flyteidl.core import literals_pb2

    from lpctl.shared import literals

    which = lt.WhichOneof("type")
    if which == "collection_type" and shape["kind"] == "list":
        if not isinstance(value, list):
            raise ConversionError(f"expected a list, found {describe(value)}")
        lit = literals_pb2.Literal()
        lit.collection.SetInParent()
        lit.collection.literals.extend(_item(v, lt.collection_type, shape["item"], i) for i, v in enumerate(value))
        return lit
    if which == "union_type" and shape["kind"] == "optional":
        if value is None:
            return literals.to_literal(None, lt)
        variant = next(v for v in lt.union_type.variants
                       if v.WhichOneof("type") != "simple" or v.simple != literals.SimpleType.NONE)
        inner = to_literal(value, variant, shape["item"])
        return literals_pb2.Literal(scalar=literals_pb2.Scalar(union=literals_pb2.Union(value=inner, type=variant)))
    if shape["kind"] != "dataclass":
        raise ConversionError(f"values of type {shape.get('name', shape['kind'])} need flytekit to be converted")
    data = msgpack.dumps(encode(value, shape))
    return literals_pb2.Literal(scalar=literals_pb2.Scalar(binary=literals_pb2.Binary(value=data, tag="msgpack")))


def _item(value: Any, lt: Any, shape: Shape, index: int) -> Any:
    try:
        return to_literal(value, lt, shape)
    except ConversionError as e:
        raise ConversionError(e.message, (index, *e.path), e.hint, e.code) from None
