"""A registered launch plan against ours, in spec terms, through the one diff engine (pure).

FlyteAdmin stores ``default_inputs`` *augmented*: every workflow input that the launch plan
neither defaults nor fixes is added as ``{var, required: true}`` (its launch plan validation). Ours
is augmented the same way when admin stores it, so such entries are differences only when the
workflow differs, which :func:`lpctl.diff.diff_entries` shows as the workflow or its version.
"""

from __future__ import annotations

from typing import Any

from flyteidl.admin.launch_plan_pb2 import LaunchPlan

from lpctl.admin.text import server_text
from lpctl.bundle import message_to_dict
from lpctl.diff import FieldChange, diff_entries


def structure_changes(registered: LaunchPlan, ours: LaunchPlan) -> list[FieldChange]:
    """What differs from the registered launch plan (old) to ours (new); empty: the same structure."""
    ident = message_to_dict(ours.id)
    old = {"launchPlan": {"id": ident, "spec": message_to_dict(registered.spec)}}
    new = {"launchPlan": {"id": ident, "spec": message_to_dict(ours.spec)}}
    _drop_augmented_inputs(old["launchPlan"]["spec"], new["launchPlan"]["spec"])
    return diff_entries(old, new)


def change_lines(registered: LaunchPlan, ours: LaunchPlan) -> tuple[str, ...]:
    """:func:`structure_changes` as lines to show (values from the server escaped)."""
    return tuple(server_text(c.label) for c in structure_changes(registered, ours))


def _drop_augmented_inputs(old: dict[str, Any], new: dict[str, Any]) -> None:
    if old.get("workflowId") != new.get("workflowId"):
        return
    registered = old.get("defaultInputs", {}).get("parameters")
    if not isinstance(registered, dict):
        return
    ours = new.get("defaultInputs", {}).get("parameters", {})
    fixed = new.get("fixedInputs", {}).get("literals", {})
    for name in [n for n in registered if n not in ours and n not in fixed]:
        param = registered[name]
        if isinstance(param, dict) and param.get("required") is True and "default" not in param:
            del registered[name]
    if not registered and "parameters" not in new.get("defaultInputs", {}):
        del old["defaultInputs"]["parameters"]
