"""Flyte 1 workflows in ``lpctl.lock``: an interface <-> its entry, and the resolver that imports nothing."""

from __future__ import annotations

from typing import Any

from lpctl.flyte1.interface import Input, WorkflowInterface
from lpctl.flyte1.resolve import ReferenceResolver, Resolved
from lpctl.lock import Lock
from lpctl.shared.literals import ConversionError, Literal, type_name
from lpctl.shared.locked import malformed, not_in_lock


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
    """The interface a lock entry records; raises :class:`MalformedEntry` unless the entry is exactly
    what :func:`entry_of` writes for that interface."""
    from flyteidl.core.interface_pb2 import Parameter
    from google.protobuf import json_format

    from lpctl.lockfile import entry_problem, shape_fits
    from lpctl.shared.literals import LiteralType

    problem = entry_problem(entry)
    if problem:
        raise MalformedEntry(problem)
    inputs: dict[str, Input] = {}
    for i, item in enumerate(entry["inputs"]):
        try:
            lt = json_format.ParseDict(item["type"], LiteralType())
            param = json_format.ParseDict(item["parameter"], Parameter())
        except (json_format.ParseError, ValueError, TypeError, RecursionError) as e:
            raise MalformedEntry(f"\"inputs\"[{i}]: not a Flyte type or parameter ({_first_line(e)})") from None
        if param.var.type != lt:
            raise MalformedEntry(f"\"inputs\"[{i}]: the parameter's type is not the input's type")
        if "shape" in item and not shape_fits(lt, item["shape"]):
            raise MalformedEntry(f"\"inputs\"[{i}].\"shape\" does not fit the input's type")
        inputs[item["name"]] = Input(item["name"], lt, param, item.get("shape"))
    reference = tuple(entry["reference"]) if entry["reference"] else None
    convert = _locked_convert if any("shape" in item for item in entry["inputs"]) else None
    options = entry.get("defaultOptions") or {}
    interface = WorkflowInterface(entry["name"], inputs, entry["source"], convert=convert,
                                  reference=reference,
                                  default_labels=dict(options.get("labels", {})),
                                  default_annotations=dict(options.get("annotations", {})))
    written = {key: value for key, value in entry.items() if key != "registered"}  # --from-admin's note
    if entry_of(interface, entry["module"], origin=entry["origin"]) != written:
        raise MalformedEntry("it is not what 'lpctl lock' writes for the interface it describes (a value is "
                             "not in canonical form, or a key is missing or extra)")
    return interface


class MalformedEntry(ValueError):
    """A lock entry that is not one ``lpctl lock`` writes: the message says which field."""


def _first_line(e: BaseException) -> str:
    return str(e).splitlines()[0][:160] if str(e) else type(e).__name__


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
    """Answers ``workflow:`` references from a lock: imports nothing.

    A malformed entry is reported once, at its line in the lock (LP309, in :attr:`diagnostics`), and
    the specs naming it are not compiled.
    """

    def __init__(self, lock: Lock, path: str) -> None:
        super().__init__()
        self.lock = lock
        self.path = path

    def _find(self, ref: str) -> Resolved:
        entry = self.lock.workflows.get(ref)
        if entry is None:
            return not_in_lock("workflow", ref, self.path)
        try:
            return interface_of(entry)
        except MalformedEntry as e:
            return malformed(self.lock, self.path, ref, str(e), self.diagnostics)

    def save(self) -> None:
        """Nothing to keep: the lock is written only by ``lpctl lock``."""
