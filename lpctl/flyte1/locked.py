"""Flyte 1 workflows in ``lpctl.lock``: an interface <-> its entry, and the resolver that imports nothing."""

from __future__ import annotations

from typing import Any

from lpctl.flyte1.interface import Input, WorkflowInterface
from lpctl.flyte1.resolve import ReferenceResolver, Resolved
from lpctl.lock import Lock
from lpctl.shared.imports import ResolveError
from lpctl.shared.literals import ConversionError, Literal, type_name


def entry_of(interface: WorkflowInterface, module: str | None, *, origin: str = "import") -> dict[str, Any]:
    """The lock entry of an interface; dataclass inputs carry their shape."""
    from lpctl.bundle import message_to_dict
    from lpctl.flyte1.inputs import needs_flytekit
    from lpctl.flyte1.shapes import shape_of

    inputs = []
    for inp in interface.inputs.values():
        item: dict[str, Any] = {"name": inp.name, "type": message_to_dict(inp.type),
                                "parameter": message_to_dict(inp.parameter)}
        if needs_flytekit(inp.type):
            shape = inp.python_type if isinstance(inp.python_type, dict) else shape_of(inp.python_type)
            item["shape"] = shape
        inputs.append(item)
    entry: dict[str, Any] = {"name": interface.name, "source": interface.source, "module": module,
                             "origin": origin, "inputs": inputs,
                             "reference": list(interface.reference) if interface.reference else None}
    if interface.default_labels or interface.default_annotations:  # @workflow(default_options=...)
        entry["defaultOptions"] = {"labels": dict(sorted(interface.default_labels.items())),
                                   "annotations": dict(sorted(interface.default_annotations.items()))}
    return entry


def interface_of(entry: Any) -> WorkflowInterface:
    """The interface a lock entry records; raises ValueError (or KeyError, TypeError) if malformed."""
    from flyteidl.core.interface_pb2 import Parameter
    from google.protobuf import json_format

    from lpctl.shared.literals import LiteralType

    inputs: dict[str, Input] = {}
    for item in entry["inputs"]:
        lt = json_format.ParseDict(item["type"], LiteralType())
        param = json_format.ParseDict(item["parameter"], Parameter())
        inputs[item["name"]] = Input(item["name"], lt, param, item.get("shape"))
    reference = tuple(entry["reference"]) if entry.get("reference") else None
    convert = _locked_convert if any("shape" in item for item in entry["inputs"]) else None
    options = entry.get("defaultOptions") or {}
    return WorkflowInterface(entry["name"], inputs, entry["source"], convert=convert, reference=reference,
                             default_labels=dict(options.get("labels", {})),
                             default_annotations=dict(options.get("annotations", {})))


def _locked_convert(value: Any, inp: Input) -> Literal:
    """Dataclass values, encoded as flytekit encodes them, from the shape the lock records."""
    from lpctl.flyte1 import shapes

    shape = inp.python_type
    if not isinstance(shape, dict) or not shapes.supported(shape):
        what = shape.get("name", type_name(inp.type)) if isinstance(shape, dict) else type_name(inp.type)
        raise ConversionError(f"a value of type {what} needs flytekit to be converted, and --locked imports "
                              "nothing", hint="run without --locked, where flytekit and the workflow are "
                              "installed", code="LP410")
    lit: Literal = shapes.to_literal(value, inp.type, shape)
    return lit


class LockedResolver(ReferenceResolver):
    """Answers ``workflow:`` references from a lock: imports nothing."""

    def __init__(self, lock: Lock, path: str) -> None:
        super().__init__()
        self.lock = lock
        self.path = path

    def _find(self, ref: str) -> Resolved:
        entry = self.lock.workflows.get(ref)
        if entry is None:
            return ResolveError("LP308", f"workflow '{ref}' is not in the lock {self.path}",
                                "run 'lpctl lock' on these specs to record it (it imports the workflow once)")
        try:
            return interface_of(entry)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            return ResolveError("LP309", f"the entry of '{ref}' in {self.path} is malformed ({type(e).__name__}: "
                                f"{e})", "run 'lpctl lock' to write it again")
