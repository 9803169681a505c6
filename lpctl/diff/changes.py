"""The parts every diff is made of: a field change, a launch plan's or trigger's change, showing values,
taking the parts of two trees a section understands, and the leaf-by-leaf fallback (pure)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from lpctl.bundle import Key, Tree

Kind = Literal["added", "removed", "changed"]

NONE_TEXT = "(none)"
SPEC = ("launchPlan", "spec")
METADATA = (*SPEC, "entityMetadata")


@dataclass(frozen=True)
class FieldChange:
    """One difference: spec path, the human line (note included), both readable values."""

    path: str
    label: str
    old: Any
    new: Any
    note: str | None = None


@dataclass(frozen=True)
class PlanChange:
    """A launch plan added, removed or changed (with its field changes)."""

    kind: Kind
    key: Key
    changes: list[FieldChange] = field(default_factory=list)
    #: matched by name: the old side's key, where only the project or domain differs
    was: Key | None = None

    @property
    def identity(self) -> str:
        return "/".join(self.key)


class Bare(str):
    """A readable value shown without quotes (``1h30m``, ``<dict>``); JSON still sees a string."""


def in_spec_terms(old: Tree, new: Tree, changes: Callable[[], list[FieldChange]]) -> list[FieldChange]:
    """``changes()``, the differences in spec terms; the protobuf tree's, leaf by leaf, when the entry has a
    shape the spec view does not expect (a hand-made one) or when the view shows none: normalising (absent
    == empty, the order of labels ...) must never hide a difference."""
    if old == new:
        return []
    try:
        found = changes()
    except (AttributeError, KeyError, TypeError, ValueError):
        return tree_diff("", old, new)
    return found or tree_diff("", old, new)


# -- taking the parts a section understands -----------------------------------------------------


def get(tree: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(tree, dict):
            return None
        tree = tree.get(key)
    return tree


def understood(old: Tree, new: Tree, path: tuple[str, ...], accepts: Callable[[Any], bool]) -> bool:
    """Whether ``accepts`` takes both values at ``path`` (absent = None, always taken)."""
    return all(v is None or accepts(v) for v in (get(old, path), get(new, path)))


def take(old: Tree, new: Tree, path: tuple[str, ...],
         accepts: Callable[[Any], bool] = lambda v: True) -> tuple[Any, Any] | None:
    """Remove ``path`` from both trees when both values are understood (see :func:`understood`)."""
    if not understood(old, new, path, accepts):
        return None
    pair = (get(old, path), get(new, path))
    for tree in (old, new):
        parent = get(tree, path[:-1])
        if isinstance(parent, dict):
            parent.pop(path[-1], None)
    return pair


def keys_within(value: Any, allowed: set[str]) -> bool:
    return isinstance(value, dict) and value.keys() <= allowed


SPEC = ("launchPlan", "spec")
METADATA = (*SPEC, "entityMetadata")


# -- the generic fallback -----------------------------------------------------------------------


def tree_diff(path: str, old: Any, new: Any) -> list[FieldChange]:
    """Leaf by leaf: dicts by key, lists by index; a side that is absent shows as ``(none)``."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[FieldChange] = []
        for key in sorted(old.keys() | new.keys()):
            out.extend(tree_diff(f"{path}.{key}" if path else key, old.get(key), new.get(key)))
        return out
    if isinstance(old, list) and isinstance(new, list):
        out = []
        for i in range(max(len(old), len(new))):
            out.extend(tree_diff(f"{path}[{i}]", old[i] if i < len(old) else None,
                                  new[i] if i < len(new) else None))
        return out
    return [FieldChange(path, f"{path}: {show(old)} -> {show(new)}", old, new)]


# -- showing values -----------------------------------------------------------------------------


def show(value: Any) -> str:
    """JSON-ish text: strings quoted, maps with sorted keys; None (absent) as ``(none)``."""
    return NONE_TEXT if value is None else text(value)


def text(value: Any) -> str:
    if isinstance(value, Bare):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)}: {text(v)}"
                               for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(text(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))




def scalar(label: str, path: str, old: Any, new: Any, note: str | None = None) -> list[FieldChange]:
    if old == new:
        return []
    text = f"{label}: {show(old)} -> {show(new)}"
    return [FieldChange(path, f"{text} ({note})" if note else text, old, new, note)]


def is_plain(value: Any) -> bool:
    return not isinstance(value, (dict, list))
