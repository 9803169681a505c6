"""``inputs:`` + ``schedule.kickoff_time_input_arg`` -> ``Inputs.literals``, checked against the task.

Order is part of message equality: the trigger's inputs in spec order, then every task default
not already given, in signature order (flyte-sdk's ``process_default_inputs``).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from flyteidl2.core import types_pb2
from flyteidl2.task import common_pb2

from lpctl.flyte2.bridge import TaskInterface
from lpctl.flyte2.context import TriggerContext
from lpctl.flyte2.literals import trigger_literal
from lpctl.shared.literals import ConversionError
from lpctl.spec.positions import format_path


def compile_inputs(ctx: TriggerContext, inputs: common_pb2.Inputs) -> None:
    task = ctx.task
    if task is None:
        return
    given = ctx.spec.inputs
    for name, value in given.items():
        if name not in task.inputs:
            _unknown(ctx, task, name)
            continue
        try:
            inputs.literals.add(name=name, value=trigger_literal(value, task.inputs[name]))
        except ConversionError as e:
            where = name + format_path(e.path)[1:]  # cfg.a[1], as launch plans' inputs
            ctx.error(e.code, f"input '{where}': {e.message}", ("inputs", name, *e.path), hint=e.hint)
    for name, default in task.defaults:
        if name not in given:
            inputs.literals.add(name=name, value=default)
    _check_schedule_inputs(ctx, task, given)


def _unknown(ctx: TriggerContext, task: TaskInterface, name: str) -> None:
    from lpctl.spec.schema import misplaced_key_hint

    close = difflib.get_close_matches(name, list(task.inputs), n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else "inputs: " + (", ".join(task.inputs) or "(none)")
    misplaced = None if close else misplaced_key_hint(name, ("inputs",), "trigger")
    if misplaced is not None:
        hint = f"{misplaced}; {hint}"
    ctx.error("LP903", f"input '{name}' is not an input of task '{task.name}'", ("inputs", name), key=True,
              hint=hint)


def _check_schedule_inputs(ctx: TriggerContext, task: TaskInterface, given: Mapping[str, Any]) -> None:
    schedule = ctx.spec.schedule
    if schedule is None:
        return
    kickoff = schedule.kickoff_time_input_arg
    if kickoff:
        _check_kickoff(ctx, task, kickoff, given)
    defaults = {name for name, _ in task.defaults}
    unbound = [n for n in task.inputs if n not in given and n not in defaults and n != kickoff]
    if unbound:
        names = ", ".join(f"'{n}'" for n in unbound)
        ctx.error("LP910", f"scheduled trigger leaves required input{'s' if len(unbound) > 1 else ''} {names} of "
                  f"task '{task.name}' unbound: every scheduled run would fail", ("schedule",), key=True,
                  hint="give a value in 'inputs', or bind the fire time with kickoff_time_input_arg")


def _check_kickoff(ctx: TriggerContext, task: TaskInterface, kickoff: str, given: Mapping[str, Any]) -> None:
    path = ("schedule", "kickoff_time_input_arg")
    if kickoff not in task.inputs:
        ctx.error("LP907", f"kickoff_time_input_arg '{kickoff}' is not an input of task '{task.name}'", path,
                  hint="available inputs: " + (", ".join(task.inputs) or "(none)"))
    elif not _is_datetime(task.inputs[kickoff]):
        ctx.error("LP908", f"kickoff_time_input_arg '{kickoff}' is not a datetime input of task '{task.name}'",
                  path, hint="the scheduler passes the fire time as a datetime")
    if kickoff in given:
        ctx.error("LP909", f"input '{kickoff}' is the kickoff argument and also given a value", ("inputs", kickoff),
                  key=True, hint="the scheduler sets it to the fire time: remove it from 'inputs'")


def _is_datetime(lt: Any) -> bool:
    if lt.WhichOneof("type") == "simple":
        return bool(lt.simple == types_pb2.SimpleType.DATETIME)
    if lt.WhichOneof("type") == "union_type":
        return any(_is_datetime(v) for v in lt.union_type.variants)
    return False
