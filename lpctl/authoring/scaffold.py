"""``lpctl new``: a spec for a workflow, with every input, its type and its default.

The spec names the workflow, lists every input under ``default_inputs`` (commented out, each
with its type, the workflow's own default and, for inputs without one, how to write a value)
and shows commented examples of a schedule, notifications, labels and ``auto_activate`` (what each
value does: left out, apply leaves activation as the server has it). It validates as written:
uncommenting a line sets the launch plan's own default, which is exactly the workflow's.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import textwrap
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lpctl.authoring.values import UNSHOWN, block_yaml, flow_yaml, key_text, literal_value, scalar_text
from lpctl.diagnostics import Diagnostic, Location, error
from lpctl.flyte1.interface import Input, WorkflowInterface
from lpctl.flyte1.resolve import Resolver
from lpctl.shared.imports import ResolveError
from lpctl.shared.literals import LiteralType, SimpleType, type_name

#: comments start at this column at the least, so that a block of inputs reads as a table; a longer line
#: (up to _MAX_COMMENT_COLUMN) moves the column for every row, a still longer one only its own comment
_COMMENT_COLUMN = 24
_MAX_COMMENT_COLUMN = 60
#: a default whose one-line (flow) form would make its line longer than this is written one item a line
WRAP_AT = 88
_SOURCES = {
    "flytekit workflow": "a flytekit workflow",
    "typed function": "a plain function with type hints",
    "interface in the spec": "registered elsewhere; its interface is written below",
}
#: the last line of every scaffold's header
CHECK_LINE = "# Check it with `lpctl validate FILE`; `lpctl explain CODE` says how to fix an error."
_HOW_TO_WRITE = {
    SimpleType.DATETIME: "ISO 8601, e.g. 2024-01-02T03:04:05Z",
    SimpleType.DURATION: "e.g. 90m, 1h30m, 2d or PT1H30M",
    SimpleType.STRUCT: "a mapping",
}


@dataclass(frozen=True)
class Scaffold:
    """The text of a new spec, and what it says about the workflow's inputs."""

    text: str
    name: str
    workflow: str
    inputs: tuple[str, ...]
    #: inputs without a default: a scheduled launch plan must bind them
    required: tuple[str, ...]
    #: what the spec declares, as the summary line names it
    kind: str = "launch plan"


def scaffold(workflow: str, *, resolver: Resolver, name: str | None = None,
             registered_inputs: Mapping[str, str] | None = None) -> tuple[Scaffold | None, list[Diagnostic]]:
    """A spec for ``workflow``: an import path, or with ``registered_inputs`` a registered name."""
    target: Any = workflow if registered_inputs is None else {"name": workflow, "inputs": dict(registered_inputs)}
    resolved = resolver.resolve(target)
    if isinstance(resolved, ResolveError):
        where = workflow if not resolved.path else f"--input {resolved.path[-1]}"
        return None, [error(resolved.code, resolved.message, Location(where), resolved.hint)]
    lp_name = name or _short_name(workflow) + "_lp"
    required = tuple(n for n, inp in resolved.inputs.items() if inp.parameter.required)
    text = "\n".join([
        *_header(resolved, lp_name),
        *_workflow_lines(workflow, registered_inputs),
        *_input_lines(resolved),
        *_examples(resolved, required),
    ]) + "\n"
    return Scaffold(text, lp_name, workflow, tuple(resolved.inputs), required), []


def _short_name(workflow: str) -> str:
    return workflow.replace(":", ".").rsplit(".", 1)[-1]


def _header(iface: WorkflowInterface, name: str) -> list[str]:
    from lpctl.spec.schema import schema_id

    return [
        f"# yaml-language-server: $schema={schema_id()}",
        f"# Launch plan for workflow {iface.name}",
        f"# ({_SOURCES.get(iface.source, iface.source)}), written by `lpctl new`.",
        CHECK_LINE,
        "apiVersion: lpctl/v1",
        "kind: LaunchPlan",
        f"name: {scalar_text(name)}",
    ]


def _workflow_lines(workflow: str, registered_inputs: Mapping[str, str] | None) -> list[str]:
    if registered_inputs is None:
        return [f"workflow: {scalar_text(workflow)}"]
    lines = ["workflow:", f"  name: {scalar_text(workflow)}"]
    if registered_inputs:
        lines.append("  inputs:")
        lines.extend(f"    {key_text(k)}: {scalar_text(v)}" for k, v in registered_inputs.items())
    else:
        lines.append("  inputs: {}")
    return lines


def _input_lines(iface: WorkflowInterface) -> list[str]:
    if not iface.inputs:
        return ["# The workflow takes no inputs."]
    rows = [_input_row(inp) for inp in iface.inputs.values()]
    lines = table([(code, comment) for code, comment, _ in rows])
    return [
        "# The workflow's inputs, with their defaults: uncomment a line to give the launch plan its",
        "# own default (an execution may override it), or move it under fixed_inputs (it may not).",
        "# default_inputs:",
        *(line for (_, _, more), first in zip(rows, lines, strict=True) for line in (first, *more)),
    ]


def _input_row(inp: Input) -> tuple[str, str, list[str]]:
    """The input's line (code, comment) and, for a long list or mapping default, its items' lines."""
    param = inp.parameter
    description = param.var.description
    note = f"; {description}" if description and description != inp.name else ""
    if param.required:
        how = how_to_write(inp.type)
        return f"#   {key_text(inp.name)}:", f"# {describe_type(inp)}; REQUIRED{how}{note}", []
    value = literal_value(param.default)
    if value is UNSHOWN:
        return f"#   {key_text(inp.name)}:", f"# {describe_type(inp)}; the workflow has a default{note}", []
    comment = f"# {describe_type(inp)}; workflow default{note}"
    code = f"#   {key_text(inp.name)}: {flow_yaml(value)}"
    if len(code) > WRAP_AT and isinstance(value, (list, dict)) and value:
        return f"#   {key_text(inp.name)}:", comment, ["# " + line for line in block_yaml(value, 4)]
    return code, comment, []


def how_to_write(lt: LiteralType) -> str:
    """``; how to write a value`` for types whose YAML form is not obvious, else ``""``."""
    if lt.WhichOneof("type") == "blob":
        return "; a URI such as s3://bucket/key"
    if lt.WhichOneof("type") == "simple" and lt.simple in _HOW_TO_WRITE:
        return "; " + _HOW_TO_WRITE[lt.simple]
    return ""


def table(rows: Sequence[tuple[str, str]]) -> list[str]:
    """``(code, comment)`` rows with the comments aligned in one column."""
    width = max(_COMMENT_COLUMN, *(len(code) + 2 for code, _ in rows if len(code) + 2 <= _MAX_COMMENT_COLUMN))
    return [f"{code.ljust(width - 2)}  {comment}" for code, comment in rows]


def _examples(iface: WorkflowInterface, required: Sequence[str]) -> list[str]:
    kickoff = next((n for n, inp in iface.inputs.items()
                    if inp.type.WhichOneof("type") == "simple" and inp.type.simple == SimpleType.DATETIME), None)
    rows = [("# schedule:", "# exactly one of cron / fixed_rate"),
            ('#   cron: "0 10 * * 1"', "# every Monday at 10:00 UTC; or @daily, @hourly ..."),
            ("#   # fixed_rate: 6h", "# whole minutes, hours or days: 30m, 6h, 2d")]
    if kickoff is not None:
        rows.append((f"#   kickoff_time_input_arg: {kickoff}", "# this datetime input receives the fire time"))
    rows += [("# notifications:", ""),
             ("#   - phases: [FAILED, TIMED_OUT]", "# SUCCEEDED, FAILED, TIMED_OUT, ABORTED"),
             ("#     email: [team@example.com]", "# or slack: [...] or pager_duty: [...]"),
             ("# labels: {team: my-team}", "# at most 16; Kubernetes label syntax"),
             ("# auto_activate: true", "# true: register and apply activate this version"),
             ("#", "# false: apply deactivates the active version of this name"),
             ("#", "# not written: apply leaves activation as the server has it")]
    unbound = [n for n in required if n != kickoff]
    note = []
    if unbound:
        text = "A scheduled launch plan needs a value for every REQUIRED input: " + ", ".join(unbound) + "."
        note = textwrap.wrap(text, 98, initial_indent="# ", subsequent_indent="# ", break_on_hyphens=False)
    return [*note, *(line.rstrip() for line in table(rows))]


def describe_type(inp: Input) -> str:
    """The input's type in Python syntax, enums with their values and dataclasses with their fields."""
    if inp.python_type is None:
        return type_name(inp.type)
    return python_type_name(inp.python_type, top=True)


def python_type_name(py: Any, *, top: bool = False) -> str:
    if py is type(None):
        return "None"
    if inspect.isclass(py) and issubclass(py, enum.Enum):
        values = ", ".join(str(m.value) for m in py)
        return f"{py.__name__} ({values})" if top else py.__name__
    if dataclasses.is_dataclass(py) and isinstance(py, type):  # nested ones too: the value is written whole
        fields = ", ".join(f"{f.name}: {python_type_name(_field_type(py, f))}" for f in dataclasses.fields(py))
        return f"{py.__name__} {{{fields}}}"
    origin, args = typing.get_origin(py), typing.get_args(py)
    if origin is typing.Union or (hasattr(types, "UnionType") and isinstance(py, types.UnionType)):
        others = [a for a in args if a is not type(None)]
        inner = ", ".join(python_type_name(a) for a in others)
        if len(others) == len(args):
            return f"Union[{inner}]"
        return f"Optional[{inner}]" if len(others) == 1 else f"Optional[Union[{inner}]]"
    if origin in (list, dict) and args:
        return f"{origin.__name__}[{', '.join(python_type_name(a) for a in args)}]"
    return getattr(py, "__name__", None) or str(py).replace("typing.", "")


def _field_type(cls: type, f: dataclasses.Field[Any]) -> Any:
    try:
        return typing.get_type_hints(cls).get(f.name, f.type)
    except (NameError, TypeError):
        return f.type
