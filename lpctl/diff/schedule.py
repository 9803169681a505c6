"""A launch plan's schedule and notifications, compared in spec terms."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lpctl.bundle import Tree
from lpctl.diff.changes import METADATA, Bare, FieldChange, keys_within, scalar, show, take

_RATE_UNITS = {"MINUTE": "m", "HOUR": "h", "DAY": "d"}


# -- schedule -----------------------------------------------------------------------------------


def _is_schedule(value: Any) -> bool:
    if not keys_within(value, {"cronSchedule", "rate", "kickoffTimeInputArg"}):
        return False
    if ("cronSchedule" in value) == ("rate" in value):
        return False
    return keys_within(value.get("cronSchedule", {}), {"schedule", "offset"}) and keys_within(
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
        view = {"fixed_rate": Bare(f"{rate.get('value', 0)}{unit}")}
    if "kickoffTimeInputArg" in schedule:
        view["kickoff_time_input_arg"] = schedule["kickoffTimeInputArg"]
    return view


_SCHEDULE_PARTS = ("cron", "fixed_rate", "offset", "kickoff_time_input_arg")


def _schedule_text(view: Tree, parts: Iterable[str] = _SCHEDULE_PARTS) -> str:
    words = {"cron": "cron", "fixed_rate": "fixed rate", "offset": "offset",
             "kickoff_time_input_arg": "kickoff input"}
    return ", ".join(f"{words[k]} {show(view[k])}" for k in parts if k in view)


def schedule_changes(old: Tree, new: Tree) -> list[FieldChange]:
    pair = take(old, new, (*METADATA, "schedule"), _is_schedule)
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
        label = f"schedule: {word} {show(o[kind_o])} -> {show(n[kind_n])}"
        main = [FieldChange(f"schedule.{kind_o}", label, o[kind_o], n[kind_n])]
    else:
        main = []
    for part in ("offset", "kickoff_time_input_arg"):
        main.extend(scalar(f"schedule.{part}", f"schedule.{part}", o.get(part), n.get(part)))
    return main


# -- notifications ------------------------------------------------------------------------------


_CHANNELS = {"email": "email", "slack": "slack", "pagerDuty": "pager_duty"}


def _is_notifications(value: Any) -> bool:
    return isinstance(value, list) and all(
        keys_within(n, {"phases", *_CHANNELS}) and len(n.keys() & _CHANNELS.keys()) <= 1
        and all(keys_within(n[c], {"recipientsEmail"}) for c in n.keys() & _CHANNELS.keys())
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


def notification_changes(old: Tree, new: Tree) -> list[FieldChange]:
    pair = take(old, new, (*METADATA, "notifications"), _is_notifications)
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


