"""How a Flyte 2 server's trigger differs from the one a spec declares, in lines a plan shows (pure).

Compared: the automation spec (after the server's normalisation of its type), the task version, the
description, the run settings field by field, and the inputs: inline ones literal by literal, offloaded
ones by the open-source backend's content hash, which is all a client can see of them.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any

from google.protobuf import text_format

from lpctl.admin.text import server_text

TYPE_NONE, TYPE_SCHEDULE = 1, 2
_SHOWN = 120


def change_lines(details: Any, want: Any, automation: Any, ignored: set[str]) -> tuple[str, ...]:
    """How the server's latest revision (TriggerDetails) differs from the TriggerSpec ``want`` and the
    automation spec ``automation``, one line per field, activation left out. Fields lpctl's flyteidl2 does not
    know (a newer server's) are left out: they made every trigger an update, "X -> X"."""
    have = _known(details.spec)
    lines = []
    if _automation(details.automation_spec) != _automation(automation):
        lines.append(f"schedule: {_short(_automation(details.automation_spec))} -> "
                     f"{_short(_automation(automation))}")
    if have.task_version != want.task_version:
        lines.append(f"task_version: {server_text(have.task_version)} -> {want.task_version}")
    if have.description != want.description:
        lines.append(f"description: {server_text(have.description)!r} -> {want.description!r}")
    lines.extend(_input_changes(have, want.inputs, ignored))
    if have.run_spec != want.run_spec:
        lines.extend(f"run settings: {f}: {_short(_field(have.run_spec, f))} -> {_short(_field(want.run_spec, f))}"
                     for f in _differing(have.run_spec, want.run_spec))
    return tuple(lines)


def _automation(spec: Any) -> Any:
    """The automation spec as the server keeps it (its type is derived from the schedule)."""
    from flyteidl2.task import common_pb2

    out = _known(spec, common_pb2.TriggerAutomationSpec())
    out.type = TYPE_SCHEDULE if spec.HasField("schedule") else TYPE_NONE
    return out


def _known(message: Any, out: Any = None) -> Any:
    """A copy of ``message`` without the fields lpctl cannot read (at any depth)."""
    out = type(message)() if out is None else out
    out.CopyFrom(message)
    out.DiscardUnknownFields()
    return out


def _input_changes(have: Any, want: Any, ignored: set[str]) -> list[str]:
    if have.HasField("offloaded_input_data"):
        digest = inputs_hash(want, ignored)
        if have.offloaded_input_data.inputs_hash == digest:
            return []
        return [f"inputs: offloaded inputs {server_text(have.offloaded_input_data.inputs_hash)} -> {digest}"]
    if have.inputs == want:
        return []
    old = {lit.name: lit.value for lit in have.inputs.literals}
    new = {lit.name: lit.value for lit in want.literals}
    lines = [f"inputs: {server_text(name)}: {_short(old.get(name))} -> {_short(new.get(name))}"
             for name in sorted(old.keys() | new.keys()) if old.get(name) != new.get(name)]
    if list(have.inputs.context) != list(want.context):
        lines.append(f"inputs: context: {_short_pairs(have.inputs.context)} -> {_short_pairs(want.context)}")
    return lines


def inputs_hash(inputs: Any, ignored: set[str] = frozenset()) -> str:  # type: ignore[assignment]
    """The open-source DataProxy's hash of offloaded inputs (``dataproxy_service.go`` ``hashInputsProto``):
    base64url without padding of FNV-1a-64 over the deterministic encoding of the inputs; when the task has
    cache_ignore_input_vars, of only the other literals (``filterInputs`` keeps no context then). A managed
    backend may hash differently: its triggers then plan as updates."""
    kept = type(inputs)()
    if ignored:
        kept.literals.extend(lit for lit in inputs.literals if lit.name not in ignored)
    else:
        kept.CopyFrom(inputs)
    value = 0xCBF29CE484222325
    for byte in kept.SerializeToString(deterministic=True):
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return base64.urlsafe_b64encode(value.to_bytes(8, "big")).decode().rstrip("=")


def _differing(a: Any, b: Any) -> list[str]:
    names = {f.name for f, _ in a.ListFields()} | {f.name for f, _ in b.ListFields()}
    return sorted(n for n in names if _field(a, n) != _field(b, n))


def _field(message: Any, name: str) -> Any:
    return getattr(message, name)


def _short(value: Any) -> str:
    if value is None:
        return "(none)"
    text = text_format.MessageToString(value, as_one_line=True) if hasattr(value, "ListFields") else repr(value)
    text = server_text(text or "(none)")
    return text if len(text) <= _SHOWN else text[:_SHOWN - 3] + "..."


def _short_pairs(pairs: Iterable[Any]) -> str:
    return server_text(", ".join(f"{p.key}={p.value}" for p in pairs) or "(none)")
