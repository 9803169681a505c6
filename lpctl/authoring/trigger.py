"""``lpctl new`` for a Flyte 2 task: a ``kind: Trigger`` spec, every task input listed.

The same layout as a launch plan scaffold (lpctl.authoring.scaffold): the task's inputs under a
commented ``inputs:``, each with its type and the task's default, then commented examples of a
schedule, notifications and ``auto_activate``. It validates as written.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

from lpctl.authoring.scaffold import CHECK_LINE, Scaffold, how_to_write, table
from lpctl.authoring.values import UNSHOWN, flow_yaml, key_text, literal_value, scalar_text
from lpctl.diagnostics import Diagnostic, Location, error
from lpctl.flyte2.bridge import TaskInterface
from lpctl.flyte2.resolve import TaskResolver
from lpctl.shared.imports import ResolveError
from lpctl.shared.literals import Literal, LiteralType, SimpleType, type_name

#: resolution failures that end ``lpctl new``; after any other the reference may be a Flyte 1 workflow
#: (LP307: an import that timed out would time out again)
_TASK_ERRORS = {"LP902", "LP307"}
_CONTAINER = "not settable in a trigger (LP906)"


def scaffold_trigger(task: str, *, roots: Sequence[str], name: str | None,
                     import_timeout: float) -> tuple[Scaffold | None, list[Diagnostic]] | None:
    """The Trigger spec for ``task``; None when ``task`` does not name a Flyte 2 task."""
    resolved = TaskResolver(roots, import_timeout=import_timeout).resolve(task)
    if isinstance(resolved, ResolveError):
        if resolved.code not in _TASK_ERRORS:
            return None
        return None, [error(resolved.code, resolved.message, Location(task), resolved.hint)]
    trigger_name = name or task.replace(":", ".").rsplit(".", 1)[-1] + "_trigger"
    types = {n: LiteralType.FromString(lt.SerializeToString()) for n, lt in resolved.inputs.items()}
    defaults = {n: Literal.FromString(lit.SerializeToString()) for n, lit in resolved.defaults}
    required = tuple(n for n in types if n not in defaults)
    text = "\n".join([
        *_header(resolved, trigger_name, task),
        *_input_lines(types, defaults),
        *_examples(types, required),
    ]) + "\n"
    return Scaffold(text, trigger_name, task, tuple(types), required, kind="trigger"), []


def _header(iface: TaskInterface, name: str, task: str) -> list[str]:
    from lpctl.spec.schema import schema_id

    return [
        f"# yaml-language-server: $schema={schema_id()}",
        f"# Trigger for Flyte 2 task {iface.name}, written by `lpctl new`.",
        CHECK_LINE,
        "apiVersion: lpctl/v1",
        "kind: Trigger",
        f"name: {scalar_text(name)}",
        f"task: {scalar_text(task)}",
    ]


def _input_lines(types: dict[str, LiteralType], defaults: dict[str, Literal]) -> list[str]:
    if not types:
        return ["# The task takes no inputs."]
    rows = [_input_row(n, lt, defaults.get(n)) for n, lt in types.items()]
    return [
        "# The task's inputs, with the task's defaults: uncomment a line to give the trigger its own default",
        "# (Flyte 2 has no fixed inputs: a run may always override it).",
        "# inputs:",
        *table(rows),
    ]


def _input_row(name: str, lt: LiteralType, default: Literal | None) -> tuple[str, str]:
    key = f"#   {key_text(name)}:"
    kind = type_name(lt)
    if _is_container(lt):
        status = "REQUIRED" if default is None else "the task has a default"
        return key, f"# {kind}; {status}; {_CONTAINER}"
    if default is None:
        return key, f"# {kind}; REQUIRED{how_to_write(lt)}"
    value = literal_value(default)
    if value is UNSHOWN:
        return key, f"# {kind}; the task has a default"
    return f"{key} {flow_yaml(value)}", f"# {kind}; task default"


def _is_container(lt: LiteralType) -> bool:
    """Whether every value of the type is a list or a typed mapping, which flyte-sdk cannot send (an
    untyped dict or a dataclass, a STRUCT, it sends as msgpack)."""
    which = lt.WhichOneof("type")
    if which == "union_type":
        return all(_is_container(v) for v in lt.union_type.variants)
    return which in ("collection_type", "map_value_type")


def _examples(types: dict[str, LiteralType], required: Sequence[str]) -> list[str]:
    kickoff = next((n for n, lt in types.items() if _is_datetime(lt)), None)
    rows = [("# schedule:", "# a cron, or a fixed_rate"),
            ('#   cron: "0 6 * * *"', "# every day at 06:00; or @daily, @hourly ..."),
            ("#   timezone: Europe/Berlin", "# an IANA zone name; the default is UTC"),
            ("#   # fixed_rate: 90m", "# instead of cron: whole minutes")]
    if kickoff is not None:
        rows.append((f"#   kickoff_time_input_arg: {kickoff}", "# this datetime input receives the fire time"))
    rows += [("# notifications:", "# email, slack, teams or webhook, each with on_phase"),
             ("#   - on_phase: [FAILED, TIMED_OUT]", "# SUCCEEDED, FAILED, TIMED_OUT, ABORTED"),
             ("#     email: {recipients: [team@example.com]}", ""),
             ("#   - on_phase: [SUCCEEDED]", ""),
             ('#     slack: {webhook_url: "https://hooks.slack.com/services/T000/B000/XXXX"}', ""),
             ("# auto_activate: false", "# Flyte 2's default is true: active after each deploy")]
    return [*_required_note(types, required, kickoff), *_aligned(rows)]


def _required_note(types: dict[str, LiteralType], required: Sequence[str], kickoff: str | None) -> list[str]:
    unbound = [n for n in required if n != kickoff and not _is_container(types[n])]
    unsettable = [n for n in required if _is_container(types[n])]
    text = ""
    if unbound:
        text = "A scheduled trigger needs a value for every REQUIRED input: " + ", ".join(unbound) + ". "
    if unsettable:
        text += ("No scheduled trigger can start this task: it requires " + ", ".join(unsettable)
                 + ", which a trigger cannot set.")
    return textwrap.wrap(text, 98, initial_indent="# ", subsequent_indent="# ", break_on_hyphens=False)


def _aligned(rows: Sequence[tuple[str, str]]) -> list[str]:
    """The rows with a comment aligned as a table; the others (long examples) as they are."""
    aligned = iter(table([row for row in rows if row[1]]))
    return [next(aligned).rstrip() if comment else code for code, comment in rows]


def _is_datetime(lt: Any) -> bool:
    return lt.WhichOneof("type") == "simple" and bool(lt.simple == SimpleType.DATETIME)
