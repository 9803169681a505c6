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
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from lpctl.bundle import TRIGGER, Key, Tree, entry_key, trigger_key

Kind = Literal["added", "removed", "changed"]

JSON_FORMAT_VERSION = 1
INDENT = "    "
NONE_TEXT = "(none)"
_SYMBOLS = {"added": "+", "removed": "-", "changed": "~"}
_RATE_UNITS = {"MINUTE": "m", "HOUR": "h", "DAY": "d"}
_BEHAVIOR_PREFIX = "CONCURRENCY_LIMIT_BEHAVIOR_"


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


class _Bare(str):
    """A readable value shown without quotes (``1h30m``, ``<dict>``); JSON still sees a string."""


# -- comparing bundles --------------------------------------------------------------------------


# One design for both kinds of entry: index each side by key, match the keys, and compare a matched pair
# in spec terms (_in_spec_terms); launch plans by the sections below, triggers by their flat view.


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
        identifier = _get(out, path)
        if isinstance(identifier, dict):
            for part, before, after in (("project", old[0], new[0]), ("domain", old[1], new[1])):
                if identifier.get(part) == before:
                    identifier[part] = after
    return out


def _identity_changes(old: Key, new: Key) -> list[FieldChange]:
    return [change for i, part in enumerate(("project", "domain")) for change in _scalar(part, part, old[i], new[i])]


def diff_triggers(old: Tree, new: Tree) -> list[PlanChange]:
    """The triggers added, removed and changed from ``old`` to ``new``, in spec terms."""
    return _matched(_index(old, "triggers", trigger_key), _index(new, "triggers", trigger_key),
                    lambda o, n: _trigger_changes(o["trigger"], n["trigger"]))


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


def _in_spec_terms(old: Tree, new: Tree, changes: Callable[[], list[FieldChange]]) -> list[FieldChange]:
    """``changes()``, the differences in spec terms; the protobuf tree's, leaf by leaf, when the entry has a
    shape the spec view does not expect (a hand-made one) or when the view shows none: normalising (absent
    == empty, the order of labels ...) must never hide a difference."""
    if old == new:
        return []
    try:
        found = changes()
    except (AttributeError, KeyError, TypeError, ValueError):
        return _tree_diff("", old, new)
    return found or _tree_diff("", old, new)


def diff_entries(old: Tree, new: Tree) -> list[FieldChange]:
    """Every difference between two bundle entries of the same launch plan."""
    old_tree, new_tree = _comparable(old), _comparable(new)
    _drop_placeholder_versions(old_tree, new_tree)
    return _in_spec_terms(old_tree, new_tree, lambda: _section_changes(old_tree, new_tree))


def _section_changes(old: Tree, new: Tree) -> list[FieldChange]:
    rest_old, rest_new = copy.deepcopy(old), copy.deepcopy(new)  # the sections take their parts
    changes = [change for section in _SECTIONS for change in section(rest_old, rest_new)]
    return changes + _tree_diff("", rest_old, rest_new)


def _comparable(entry: Tree) -> Tree:
    """The entry without its source, envs (a map sent as a list) in key order."""
    out = copy.deepcopy({k: v for k, v in entry.items() if k != "source"})
    envs = _get(out, (*SPEC, "envs"))
    if _is_env_list(envs):
        envs["values"] = sorted(envs.get("values", []), key=lambda i: str(i.get("key", "")))
    return out


_VERSIONS = (("launchPlan", "id", "version"), ("launchPlan", "spec", "workflowId", "version"))


def _drop_placeholder_versions(old: Tree, new: Tree) -> None:
    """An empty version is a placeholder filled in at registration: it differs from no version."""
    for path in _VERSIONS:
        if not (_get(old, path) and _get(new, path)):
            for tree in (old, new):
                parent = _get(tree, path[:-1])
                if isinstance(parent, dict):
                    parent.pop(path[-1], None)


# -- taking the parts a section understands -----------------------------------------------------


def _get(tree: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(tree, dict):
            return None
        tree = tree.get(key)
    return tree


def _understood(old: Tree, new: Tree, path: tuple[str, ...], understood: Callable[[Any], bool]) -> bool:
    return all(v is None or understood(v) for v in (_get(old, path), _get(new, path)))


def _take(old: Tree, new: Tree, path: tuple[str, ...],
          understood: Callable[[Any], bool] = lambda v: True) -> tuple[Any, Any] | None:
    """Remove ``path`` from both trees when both values (absent = None) are understood."""
    if not _understood(old, new, path, understood):
        return None
    pair = (_get(old, path), _get(new, path))
    for tree in (old, new):
        parent = _get(tree, path[:-1])
        if isinstance(parent, dict):
            parent.pop(path[-1], None)
    return pair


def _keys_within(value: Any, allowed: set[str]) -> bool:
    return isinstance(value, dict) and value.keys() <= allowed


SPEC = ("launchPlan", "spec")
METADATA = (*SPEC, "entityMetadata")


# -- identity, workflow and plain fields --------------------------------------------------------


def _scalar(label: str, path: str, old: Any, new: Any, note: str | None = None) -> list[FieldChange]:
    if old == new:
        return []
    text = f"{label}: {_show(old)} -> {_show(new)}"
    return [FieldChange(path, f"{text} ({note})" if note else text, old, new, note)]


def _is_plain(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _version(old: Tree, new: Tree) -> list[FieldChange]:
    """The workflow and the versions (placeholders were dropped before: see _drop_placeholder_versions)."""
    out: list[FieldChange] = []
    fields = ((("launchPlan", "id", "version"), "version"), ((*SPEC, "workflowId", "name"), "workflow"),
              ((*SPEC, "workflowId", "version"), "workflow_version"))
    for proto, spec in fields:
        pair = _take(old, new, proto, _is_plain)
        if pair is not None:
            out.extend(_scalar(spec, spec, *pair))
    return out


#: (protobuf JSON path, spec path, value when absent)
_PLAIN_FIELDS: list[tuple[tuple[str, ...], str, Any]] = [
    ((*SPEC, "rawOutputDataConfig", "outputLocationPrefix"), "raw_output_data_config.output_location_prefix",
     None),
    ((*SPEC, "maxParallelism"), "max_parallelism", None),
    ((*SPEC, "overwriteCache"), "overwrite_cache", False),
    ((*SPEC, "interruptible"), "interruptible", None),
    (("autoActivate",), "auto_activate", None),
]


def _plain_fields(old: Tree, new: Tree) -> list[FieldChange]:
    out: list[FieldChange] = []
    for proto, spec, absent in _PLAIN_FIELDS:
        pair = _take(old, new, proto, _is_plain)
        if pair is not None:
            o, n = (absent if v is None else v for v in pair)
            out.extend(_scalar(spec, spec, o, n))
    return out


def _concurrency(old: Tree, new: Tree) -> list[FieldChange]:
    pair = _take(old, new, (*SPEC, "concurrencyPolicy"), lambda v: _keys_within(v, {"max", "behavior"}))
    if pair is None:
        return []
    o, n = (None if v is None else _concurrency_view(v) for v in pair)
    return _tree_diff("concurrency", o, n)


def _concurrency_view(policy: Tree) -> Tree:
    behavior = str(policy.get("behavior", "UNSPECIFIED")).removeprefix(_BEHAVIOR_PREFIX)
    return {"max_concurrency": policy.get("max", 0), "behavior": behavior}


def _security(old: Tree, new: Tree) -> list[FieldChange]:
    pair = _take(old, new, (*SPEC, "securityContext"), lambda v: isinstance(v, dict))
    if pair is None:
        return []
    return _tree_diff("security_context", _snake(pair[0]), _snake(pair[1]))


def _snake(value: Any) -> Any:
    """camelCase keys -> snake_case, recursively (one to one, so no difference is lost)."""
    if isinstance(value, dict):
        return {re.sub(r"(?<!^)([A-Z])", r"_\1", k).lower(): _snake(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snake(v) for v in value]
    return value


# -- labels, annotations, envs ------------------------------------------------------------------


def _is_str_map(value: Any) -> bool:
    return _keys_within(value, {"values"}) and isinstance(value.get("values", {}), dict) and all(
        isinstance(v, str) for v in value.get("values", {}).values())


def _is_env_list(value: Any) -> bool:
    items = value.get("values", []) if _keys_within(value, {"values"}) else None
    if not isinstance(items, list) or not all(_keys_within(i, {"key", "value"}) for i in items):
        return False
    keys = [i.get("key", "") for i in items]
    return len(set(keys)) == len(keys) and all(isinstance(i.get("value", ""), str) for i in items)


def _labels(old: Tree, new: Tree) -> list[FieldChange]:
    out: list[FieldChange] = []
    for proto, spec in (("labels", "labels"), ("annotations", "annotations")):
        pair = _take(old, new, (*SPEC, proto), _is_str_map)
        if pair is not None:
            o, n = ((v or {}).get("values", {}) for v in pair)
            out.extend(_map_diff(spec, o, n))
    pair = _take(old, new, (*SPEC, "envs"), _is_env_list)
    if pair is not None:
        o, n = ({i.get("key", ""): i.get("value", "") for i in (v or {}).get("values", [])} for v in pair)
        out.extend(_map_diff("envs", o, n))
    return out


def _map_diff(name: str, old: dict[str, str], new: dict[str, str]) -> list[FieldChange]:
    out = []
    for key in sorted(old.keys() | new.keys()):
        o, n = old.get(key), new.get(key)
        if o == n:
            continue
        if o is None:
            label = f"{name}: + {key}={n}"
        elif n is None:
            label = f"{name}: - {key}={o}"
        else:
            label = f"{name}: ~ {key}: {o} -> {n}"
        out.append(FieldChange(f"{name}.{key}", label, o, n))
    return out


# -- inputs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Input:
    kind: str  # "default", "required" or "fixed"
    literal: Any = None
    type: Any = None
    description: Any = None

    def value(self) -> Any:
        return None if self.literal is None else readable(self.literal)

    def json(self) -> Tree:
        return {"required": True} if self.kind == "required" else {self.kind: self.value()}

    def text(self) -> str:
        return "required" if self.kind == "required" else f"{self.kind} {_text(self.value())}"


def _is_parameters(value: Any) -> bool:
    return isinstance(value, dict) and all(_is_parameter(p) for p in value.values())


def _is_parameter(param: Any) -> bool:
    if not _keys_within(param, {"var", "default", "required"}) or not _keys_within(param.get("var", {}),
                                                                                    {"type", "description"}):
        return False
    return ("default" in param) != (param.get("required") is True)


def _inputs(old: Tree, new: Tree) -> list[FieldChange]:
    params_path, fixed_path = (*SPEC, "defaultInputs", "parameters"), (*SPEC, "fixedInputs", "literals")
    if not (_understood(old, new, params_path, _is_parameters)
            and _understood(old, new, fixed_path, lambda v: isinstance(v, dict))):
        return []
    params, fixed = _take(old, new, params_path), _take(old, new, fixed_path)
    assert params is not None and fixed is not None
    olds, news = _input_states(params[0], fixed[0]), _input_states(params[1], fixed[1])
    out: list[FieldChange] = []
    for name in sorted(olds.keys() | news.keys()):
        out.extend(_input_diff(name, olds.get(name), news.get(name)))
    return out


def _input_states(params: Tree | None, fixed: Tree | None) -> dict[str, _Input]:
    states = {name: _Input("fixed", lit) for name, lit in (fixed or {}).items()}
    for name, p in (params or {}).items():
        var = p.get("var", {})
        kind = "default" if "default" in p else "required"
        states[name] = _Input(kind, p.get("default"), var.get("type"), var.get("description"))
    return states


def _input_diff(name: str, old: _Input | None, new: _Input | None) -> list[FieldChange]:
    if old is None or new is None:
        state = new or old
        assert state is not None
        verb = "added" if new is not None else "removed"
        return [FieldChange(f"inputs.{name}", f"input '{name}' {verb}: {state.text()}",
                            None if old is None else old.json(), None if new is None else new.json())]
    out = _input_value_diff(name, old, new)
    if old.kind != "fixed" and new.kind != "fixed":
        if old.type != new.type:
            o, n = _type_text(old.type), _type_text(new.type)
            o, n = (o, n) if o != n else (_compact(old.type), _compact(new.type))
            out.append(FieldChange(f"inputs.{name}.type", f"input '{name}' type: {o} -> {n}", o, n))
        out.extend(_scalar(f"input '{name}' description", f"inputs.{name}.description",
                           old.description, new.description))
    return out


_KIND_NOTES = {("fixed", "default"): "now overridable at launch",
               ("fixed", "required"): "now required at launch",
               ("default", "fixed"): "now fixed", ("required", "fixed"): "now fixed",
               ("default", "required"): "now required at launch"}


def _input_value_diff(name: str, old: _Input, new: _Input) -> list[FieldChange]:
    if old.kind == new.kind and old.literal == new.literal:
        return []
    same_section = {old.kind, new.kind} <= {"default", "required"} or old.kind == new.kind == "fixed"
    section = "fixed" if new.kind == "fixed" else "default"
    if old.kind == new.kind:
        o, n = old.value(), new.value()
        if _text(o) == _text(n):  # same reading, different literal (a union's type, say)
            o, n = _Bare(_compact(old.literal)), _Bare(_compact(new.literal))
        return [FieldChange(f"{section}_inputs.{name}", f"{section} input '{name}': {_text(o)} -> {_text(n)}",
                            o, n)]
    note = _KIND_NOTES.get((old.kind, new.kind))
    if same_section:  # default <-> required
        texts = ["required" if s.kind == "required" else _text(s.value()) for s in (old, new)]
        label = f"default input '{name}': {texts[0]} -> {texts[1]}"
    else:
        label = f"input '{name}': {old.text()} -> {new.text()}"
    if note:
        label += f" ({note})"
    return [FieldChange(f"inputs.{name}", label, old.json(), new.json(), note)]


def _type_text(lt: Any) -> str:
    from google.protobuf import json_format  # type: ignore[import-untyped, unused-ignore]

    from lpctl.shared.literals import LiteralType, type_name

    try:
        return type_name(json_format.ParseDict(lt or {}, LiteralType()))
    except json_format.ParseError:
        return _compact(lt)


# -- literals -> readable values ----------------------------------------------------------------


def readable(literal: Any) -> Any:
    """A literal (protobuf JSON) as a JSON-able value: ``"apac"``, ``3``, ``[1, 2]``, ``1h30m``; what is not
    a literal stays as it is. Decoded by :mod:`lpctl.shared.decode`, shown here."""
    from lpctl.shared.decode import json_literal_value

    try:
        return _shown(json_literal_value(literal))
    except ValueError:
        return literal


def _shown(value: Any) -> Any:
    from google.protobuf import timestamp_pb2

    from lpctl.schedule.durations import format_duration
    from lpctl.shared.decode import Opaque

    if isinstance(value, list):
        return [_shown(v) for v in value]
    if isinstance(value, dict):
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):  # a msgpack payload that is not JSON: shown by kind only
            return _Bare("<dict>")
        return {k: _shown(v) for k, v in value.items()}
    if isinstance(value, dt.datetime):
        stamp = timestamp_pb2.Timestamp()
        stamp.FromDatetime(value)
        return _Bare(stamp.ToJsonString())
    if isinstance(value, dt.timedelta):
        return _Bare(format_duration(value))
    if isinstance(value, Opaque):
        return _Bare(value.what)
    return value


# -- schedule -----------------------------------------------------------------------------------


def _is_schedule(value: Any) -> bool:
    if not _keys_within(value, {"cronSchedule", "rate", "kickoffTimeInputArg"}):
        return False
    if ("cronSchedule" in value) == ("rate" in value):
        return False
    return _keys_within(value.get("cronSchedule", {}), {"schedule", "offset"}) and _keys_within(
        value.get("rate", {}), {"value", "unit"})


def _schedule_view(schedule: Tree) -> Tree:
    if "cronSchedule" in schedule:
        cron = schedule["cronSchedule"]
        view: Tree = {"cron": cron.get("schedule", "")}
        if "offset" in cron:
            view["offset"] = cron["offset"]
    else:
        rate = schedule["rate"]
        unit = _RATE_UNITS.get(rate.get("unit", "MINUTE"), "?")
        view = {"fixed_rate": _Bare(f"{rate.get('value', 0)}{unit}")}
    if "kickoffTimeInputArg" in schedule:
        view["kickoff_time_input_arg"] = schedule["kickoffTimeInputArg"]
    return view


_SCHEDULE_PARTS = ("cron", "fixed_rate", "offset", "kickoff_time_input_arg")


def _schedule_text(view: Tree, parts: Iterable[str] = _SCHEDULE_PARTS) -> str:
    words = {"cron": "cron", "fixed_rate": "fixed rate", "offset": "offset",
             "kickoff_time_input_arg": "kickoff input"}
    return ", ".join(f"{words[k]} {_show(view[k])}" for k in parts if k in view)


def _schedule(old: Tree, new: Tree) -> list[FieldChange]:
    pair = _take(old, new, (*METADATA, "schedule"), _is_schedule)
    if pair is None or pair[0] == pair[1]:
        return []
    o, n = (None if v is None else _schedule_view(v) for v in pair)
    if o is None or n is None:
        verb, view = ("added", n) if o is None else ("removed", o)
        assert view is not None
        return [FieldChange("schedule", f"schedule {verb}: {_schedule_text(view)}", o, n)]
    kind_o, kind_n = ("cron" if "cron" in v else "fixed_rate" for v in (o, n))
    if kind_o != kind_n:
        label = f"schedule: {_schedule_text(o, [kind_o])} -> {_schedule_text(n, [kind_n])}"
        main = [FieldChange("schedule", label, {kind_o: o[kind_o]}, {kind_n: n[kind_n]})]
    elif o[kind_o] != n[kind_n]:
        word = "cron" if kind_o == "cron" else "fixed rate"
        label = f"schedule: {word} {_show(o[kind_o])} -> {_show(n[kind_n])}"
        main = [FieldChange(f"schedule.{kind_o}", label, o[kind_o], n[kind_n])]
    else:
        main = []
    for part in ("offset", "kickoff_time_input_arg"):
        main.extend(_scalar(f"schedule.{part}", f"schedule.{part}", o.get(part), n.get(part)))
    return main


# -- notifications ------------------------------------------------------------------------------


_CHANNELS = {"email": "email", "slack": "slack", "pagerDuty": "pager_duty"}


def _is_notifications(value: Any) -> bool:
    return isinstance(value, list) and all(
        _keys_within(n, {"phases", *_CHANNELS}) and len(n.keys() & _CHANNELS.keys()) <= 1
        and all(_keys_within(n[c], {"recipientsEmail"}) for c in n.keys() & _CHANNELS.keys())
        for n in value)


def _notification_view(note: Tree) -> Tree:
    view: Tree = {"phases": list(note.get("phases", []))}
    for proto, spec in _CHANNELS.items():
        if proto in note:
            view[spec] = list(note[proto].get("recipientsEmail", []))
    return view


def _notification_text(view: Tree) -> str:
    channel = next((k for k in view if k != "phases"), None)
    who = f"{channel} to {', '.join(view[channel])}" if channel else "no channel"
    return f"{who} on {', '.join(view['phases']) or 'no phase'}"


def _notifications(old: Tree, new: Tree) -> list[FieldChange]:
    pair = _take(old, new, (*METADATA, "notifications"), _is_notifications)
    if pair is None:
        return []
    o, n = ([_notification_view(x) for x in v or []] for v in pair)
    removed = [(i, v) for i, v in enumerate(o) if _count(o[: i + 1], v) > _count(n, v)]
    added = [(i, v) for i, v in enumerate(n) if _count(n[: i + 1], v) > _count(o, v)]
    if not removed and not added:
        return [] if o == n else [FieldChange("notifications", "notifications: order changed", o, n)]
    out: list[FieldChange] = []
    for i, view in removed:
        match = next((a for a in added if _recipients(a[1]) == _recipients(view)), None)
        if match is None:
            label = f"notifications: - {_notification_text(view)}"
            out.append(FieldChange(f"notifications[{i}]", label, view, None))
            continue
        added.remove(match)
        who = _notification_text(view).rsplit(" on ", 1)[0]
        phases = (", ".join(v["phases"]) for v in (view, match[1]))
        label = f"notifications: ~ {who}: on {next(phases)} -> on {next(phases)}"
        out.append(FieldChange(f"notifications[{match[0]}]", label, view, match[1]))
    out.extend(FieldChange(f"notifications[{i}]", f"notifications: + {_notification_text(v)}", None, v)
               for i, v in added)
    return out


def _count(items: list[Tree], item: Tree) -> int:
    return sum(1 for x in items if x == item)


def _recipients(view: Tree) -> Tree:
    return {k: v for k, v in view.items() if k != "phases"}


# -- the generic fallback -----------------------------------------------------------------------


def _tree_diff(path: str, old: Any, new: Any) -> list[FieldChange]:
    """Leaf by leaf: dicts by key, lists by index; a side that is absent shows as ``(none)``."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[FieldChange] = []
        for key in sorted(old.keys() | new.keys()):
            out.extend(_tree_diff(f"{path}.{key}" if path else key, old.get(key), new.get(key)))
        return out
    if isinstance(old, list) and isinstance(new, list):
        out = []
        for i in range(max(len(old), len(new))):
            out.extend(_tree_diff(f"{path}[{i}]", old[i] if i < len(old) else None,
                                  new[i] if i < len(new) else None))
        return out
    return [FieldChange(path, f"{path}: {_show(old)} -> {_show(new)}", old, new)]


_SECTIONS: list[Callable[[Tree, Tree], list[FieldChange]]] = [
    _version, _inputs, _schedule, _notifications, _labels, _security, _concurrency, _plain_fields,
]


# -- showing values -----------------------------------------------------------------------------


def _show(value: Any) -> str:
    """JSON-ish text: strings quoted, maps with sorted keys; None (absent) as ``(none)``."""
    return NONE_TEXT if value is None else _text(value)


def _text(value: Any) -> str:
    if isinstance(value, _Bare):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)}: {_text(v)}"
                               for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


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
        else {"kind": "Trigger", "task": plan.key[1], "name": plan.key[2]},
        "change": plan.kind,
        "changes": [{"path": c.path, "old": c.old, "new": c.new, "note": c.note} for c in plan.changes],
        **({"was": dict(zip(("project", "domain", "name"), plan.was, strict=True))} if plan.was else {}),
    } for plan in changes]
    document: dict[str, Any] = {"version": JSON_FORMAT_VERSION, "differences": len(plans), "launchPlans": plans}
    if settings is not None:  # the sides were rendered with different [tool.lpctl] settings
        document["settings"] = {"old": settings[0], "new": settings[1]}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


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


# -- Flyte 2 triggers (bundle entries {"source", "taskName", "trigger"}) ---------------------------
#
# Matched by task name and trigger name; keyed ("trigger", task, name), so that they print as
# ``trigger/<task>/<name>``. Differences are named by the Trigger spec's keys (inputs.<name>,
# schedule.cron, notifications[0], ...); what the view does not cover falls back to the protobuf path.

def _trigger_changes(old: Tree, new: Tree) -> list[FieldChange]:
    return _in_spec_terms(old, new, lambda: _view_changes(_trigger_view(old), _trigger_view(new)))


def _view_changes(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    return [FieldChange(path, f"{path}: {_show(old.get(path))} -> {_show(new.get(path))}", old.get(path),
                        new.get(path)) for path in sorted(old.keys() | new.keys()) if old.get(path) != new.get(path)]


def _trigger_view(trigger: Tree) -> dict[str, Any]:
    """A TaskTrigger (protobuf JSON) flattened to Trigger spec paths with readable values."""
    spec, run = trigger.get("spec", {}), trigger.get("spec", {}).get("runSpec", {})
    inputs = spec.get("inputs", {})
    view: dict[str, Any] = {"auto_activate": bool(spec.get("active", False)),
                            "description": spec.get("description"), "queue": run.get("queue"),
                            "interruptible": run.get("interruptible"), "overwrite_cache": run.get("overwriteCache"),
                            "max_action_concurrency": run.get("maxActionConcurrency")}
    view.update({f"inputs.{lit['name']}": readable(lit.get("value")) for lit in inputs.get("literals", [])})
    view.update({f"custom_context.{kv['key']}": kv.get("value") for kv in inputs.get("context", [])
                 if kv.get("key") != "_u_kickoff_time_input_arg"})
    view.update({f"env_vars.{kv['key']}": kv.get("value") for kv in run.get("envs", {}).get("values", [])})
    for section in ("labels", "annotations"):
        view.update({f"{section}.{k}": v for k, v in run.get(section, {}).get("values", {}).items()})
    for i, rule in enumerate(run.get("notificationRules", {}).get("rules", [])):
        view.update(_rule_view(f"notifications[{i}]", rule))
    view.update(_trigger_schedule(trigger.get("automationSpec", {}).get("schedule", {})))
    return {k: v for k, v in view.items() if v is not None}


def _rule_view(path: str, rule: Tree) -> dict[str, Any]:
    """One InlineRule in spec terms; Slack and Teams are webhooks on the wire, so they read as webhooks."""
    view: dict[str, Any] = {f"{path}.on_phase": [p.removeprefix("ACTION_PHASE_") for p in rule.get("onPhases", [])],
                            f"{path}.delivery": rule.get("deliveryConfigName")}
    template = rule.get("deliveryTemplate", {})
    email, hook = template.get("email", {}), template.get("webhook", {})
    for name, key in (("recipients", "to"), ("cc", "cc"), ("bcc", "bcc")):
        view[f"{path}.email.{name}"] = [r.get("address") for r in email[key]] if key in email else None
    inline = email.get("inline", {})
    view.update({f"{path}.email.subject": inline.get("subject"), f"{path}.email.body": inline.get("textTemplate"),
                 f"{path}.email.html_body": inline.get("htmlTemplate")})
    view.update({f"{path}.webhook.{k}": hook.get(w) for k, w in
                 (("url", "url"), ("method", "method"), ("headers", "headers"), ("body", "bodyTemplate"))})
    return view


def _trigger_schedule(schedule: Tree) -> dict[str, Any]:
    from lpctl.schedule.durations import format_duration

    rate = schedule.get("rate", {})
    return {
        "schedule.cron": schedule.get("cron", {}).get("expression"),
        "schedule.timezone": schedule.get("cron", {}).get("timezone"),
        "schedule.fixed_rate": _Bare(format_duration(dt.timedelta(minutes=int(rate["value"])))) if rate else None,
        "schedule.start_time": rate.get("startTime"),
        "schedule.kickoff_time_input_arg": schedule.get("kickoffTimeInputArg"),
    }
