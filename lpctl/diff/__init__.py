"""Two bundles -> the launch plans added, removed and changed, field by field in spec terms (pure).

Launch plans are matched by project, domain and name. Each difference is named by its spec
path (``default_inputs.region``, ``schedule.cron``, ``labels.team``) with both values made
readable (literals unwrapped: ``"apac"``, ``3``, ``1h30m``); whatever has no spec-level reading
falls back to its protobuf JSON path, so that no difference is ever dropped. Entries are
compared as parsed JSON, so the order of map keys never counts. The ``source`` of an entry
(which file it came from) is not part of the launch plan and is not compared.

Path conventions of :class:`FieldChange`: ``default_inputs.<name>`` / ``fixed_inputs.<name>``
for a changed value of the same kind (plain values); ``inputs.<name>`` when an input appears,
disappears or changes kind (fixed, default, required), with values such as ``{"default": 3}``,
``{"fixed": 3}`` or ``{"required": true}``; ``inputs.<name>.type`` and ``.description``.

The parts: :mod:`~lpctl.diff.changes` (what a change is, the fallback), :mod:`~lpctl.diff.launchplan` with
:mod:`~lpctl.diff.inputs` and :mod:`~lpctl.diff.schedule` (launch plans, section by section),
:mod:`~lpctl.diff.trigger` (Flyte 2 triggers, through a flat view) and :mod:`~lpctl.diff.values`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lpctl.bundle import TRIGGER, Key, Tree, entry_key, trigger_key
from lpctl.diff.changes import SPEC, FieldChange, PlanChange, get, scalar
from lpctl.diff.launchplan import diff_entries
from lpctl.diff.trigger import trigger_changes
from lpctl.diff.values import readable

__all__ = ["JSON_FORMAT_VERSION", "FieldChange", "PlanChange", "Staleness", "count_line", "diff_bundles",
           "diff_entries", "diff_triggers", "format_json", "format_text", "readable", "staleness"]

JSON_FORMAT_VERSION = 1
INDENT = "    "
_SYMBOLS = {"added": "+", "removed": "-", "changed": "~"}


# -- comparing bundles --------------------------------------------------------------------------


# One design for both kinds of entry: index each side by key, match the keys, and compare a matched pair
# in spec terms (in_spec_terms); launch plans by the sections below, triggers by their flat view.


def diff_bundles(old: Tree, new: Tree) -> list[PlanChange]:
    """The launch plans, then the triggers, added, removed and changed from ``old`` to ``new``, by key; a
    launch plan whose key is on one side only is matched by name with the one on the other side whose
    project or domain differs (two settings of ``[tool.lpctl]``, say), if exactly one has that name."""
    olds, news = _index(old, "launchPlans", entry_key), _index(new, "launchPlans", entry_key)
    moved = _moved(olds, news)
    plans = _matched({moved.get(k, k): _rehomed(e, k, moved[k]) if k in moved else e for k, e in olds.items()},
                     news, diff_entries)
    was = {new_key: old_key for old_key, new_key in moved.items()}
    plans = [PlanChange(p.kind, p.key, _identity_changes(was[p.key], p.key) + p.changes, was[p.key])
             if p.key in was else p for p in plans]
    missing = [PlanChange("changed", k, _identity_changes(o, k), o) for k, o in was.items()
               if not any(p.key == k for p in plans)]
    return sorted(plans + missing, key=lambda p: p.key) + diff_triggers(old, new)


def _moved(olds: dict[Key, Tree], news: dict[Key, Tree]) -> dict[Key, Key]:
    """Old key -> new key, for each name that only one key on each side holds, and those keys differ."""
    gone: dict[str, list[Key]] = {}
    came: dict[str, list[Key]] = {}
    for keys, side, other in ((gone, olds, news), (came, news, olds)):
        for key in side:
            if key not in other:
                keys.setdefault(key[-1], []).append(key)
    return {g[0]: came[name][0] for name, g in gone.items() if len(g) == 1 and len(came.get(name, ())) == 1}


def _rehomed(entry: Tree, old: Key, new: Key) -> Tree:
    """``entry`` with the old project and domain replaced by the new ones, in its id and its workflow id."""
    out = copy.deepcopy(entry)
    for path in (("launchPlan", "id"), (*SPEC, "workflowId")):
        identifier = get(out, path)
        if isinstance(identifier, dict):
            for part, before, after in (("project", old[0], new[0]), ("domain", old[1], new[1])):
                if identifier.get(part) == before:
                    identifier[part] = after
    return out


def _identity_changes(old: Key, new: Key) -> list[FieldChange]:
    return [change for i, part in enumerate(("project", "domain")) for change in scalar(part, part, old[i], new[i])]


def diff_triggers(old: Tree, new: Tree) -> list[PlanChange]:
    """The triggers added, removed and changed from ``old`` to ``new``, in spec terms."""
    return _matched(_index(old, "triggers", trigger_key), _index(new, "triggers", trigger_key),
                    lambda o, n: trigger_changes(o["trigger"], n["trigger"]))


def _index(document: Tree, section: str, key_of: Callable[[Tree], Key | None]) -> dict[Key, Tree]:
    return {key: entry for entry in document.get(section) or [] if (key := key_of(entry)) is not None}


def _matched(olds: dict[Key, Tree], news: dict[Key, Tree],
             compare: Callable[[Tree, Tree], list[FieldChange]]) -> list[PlanChange]:
    out: list[PlanChange] = []
    for key in sorted(olds.keys() | news.keys()):
        if key not in news or key not in olds:
            out.append(PlanChange("removed" if key not in news else "added", key))
        elif changes := compare(olds[key], news[key]):
            out.append(PlanChange("changed", key, changes))
    return out


# -- output -------------------------------------------------------------------------------------


def format_text(changes: list[PlanChange]) -> list[tuple[str, str]]:
    """``(style, line)`` pairs, then a count; style is "added", "removed", "changed" or "detail"."""
    lines: list[tuple[str, str]] = []
    for plan in changes:
        moved = f" (matched by name: was {'/'.join(plan.was)})" if plan.was else ""
        lines.append((plan.kind, f"{_SYMBOLS[plan.kind]} {plan.identity}{moved}"))
        lines.extend(("detail", INDENT + c.label) for c in plan.changes)
    lines.append(("detail", count_line(changes)))
    return lines


def count_line(changes: list[PlanChange]) -> str:
    """``no differences`` / ``2 launch plans differ: 1 added, 1 changed``."""
    if not changes:
        return "no differences"
    counts = [f"{n} {kind}" for kind in ("added", "removed", "changed")
              if (n := sum(1 for c in changes if c.kind == kind))]
    triggers = sum(1 for c in changes if c.key[0] == TRIGGER)
    if not triggers:
        one, many = "launch plan", "launch plans"
    else:
        one, many = ("trigger", "triggers") if triggers == len(changes) else ("entry", "entries")
    noun = f"{one} differs" if len(changes) == 1 else f"{many} differ"
    return f"{len(changes)} {noun}: {', '.join(counts)}"


def format_json(changes: list[PlanChange], *, settings: tuple[str | None, str | None] | None = None) -> str:
    """The versioned JSON document: one entry per launch plan, one per field change."""
    plans = [{
        "identity": dict(zip(("project", "domain", "name"), plan.key, strict=True)) if plan.key[0] != TRIGGER
        else _trigger_identity(plan.key),
        "change": plan.kind,
        "changes": [{"path": c.path, "old": c.old, "new": c.new, "note": c.note} for c in plan.changes],
        **({"was": dict(zip(("project", "domain", "name"), plan.was, strict=True))} if plan.was else {}),
    } for plan in changes]
    document: dict[str, Any] = {"version": JSON_FORMAT_VERSION, "differences": len(plans), "launchPlans": plans}
    if settings is not None:  # the sides were rendered with different [tool.lpctl] settings
        document["settings"] = {"old": settings[0], "new": settings[1]}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _trigger_identity(key: Key) -> dict[str, str]:
    """A trigger's identity in the JSON document: its project and domain only where its entry names them."""
    place = dict(zip(("project", "domain"), key[1:3], strict=True)) if len(key) == 5 else {}
    return {"kind": "Trigger", **place, "task": key[-2], "name": key[-1]}


# -- render --check -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Staleness:
    """``render --check``'s verdict on a committed bundle."""

    path: str
    up_to_date: bool
    #: the launch plans that differ, in spec terms (empty when the file is not a bundle)
    changes: list[PlanChange] = field(default_factory=list)
    #: what to show: the spec-terms lines, else a unified diff of the text
    lines: list[tuple[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"bundle": self.path, "upToDate": self.up_to_date,
                "launchPlans": json.loads(format_json(self.changes))["launchPlans"]}


def staleness(path: str, current: str, text: str) -> Staleness:
    """Compare ``current`` (the committed file at ``path``) with ``text`` (what render writes now)."""
    import difflib

    from lpctl.bundle import parse_bundle
    from lpctl.errors import PathError

    if current == text:
        return Staleness(path, True)
    try:
        changes = diff_bundles(parse_bundle(current, path), json.loads(text))
    except PathError:
        changes = []
    if changes:
        return Staleness(path, False, changes, format_text(changes))
    # not a bundle, or it differs only in layout or source paths
    unified = difflib.unified_diff(current.splitlines(), text.splitlines(), path, "rendered now", lineterm="")
    return Staleness(path, False, [], [("detail", line) for line in unified])


