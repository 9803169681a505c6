"""The only module that touches flyte-sdk (PyPI ``flyte``) internals.

flyte 2.12.1 has no public offline API for a task's interface: ``flyte.deploy(dryrun=True)`` drops
the triggers and ``to_task_trigger`` is internal. This reads what deploy reads:
the task's name (``env.func``), its inputs as a ``flyteidl2.core.VariableMap`` and its Python
defaults as ``flyteidl2.task.NamedParameter`` literals, in signature order, with flyte's own
encodings (enums by member name, ``Optional`` defaults union-wrapped).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TaskInterface:
    """What a trigger needs of its Flyte 2 task."""

    #: the registered task name, ``<environment>.<function>``
    name: str
    #: input name -> ``flyteidl2.core.LiteralType``, in the VariableMap's (sorted) order
    inputs: Mapping[str, Any]
    #: (input name, ``flyteidl2.core.Literal``) of the inputs with a Python default, in signature order
    defaults: tuple[tuple[str, Any], ...]
    #: the names of the triggers the task declares in code (``@env.task(triggers=...)``), kept in the lock too
    code_triggers: tuple[str, ...] = ()


class BridgeError(Exception):
    """flyte-sdk could not produce the task's interface; the message says why."""


def is_flyte2_task(obj: Any) -> bool:
    """Whether ``obj`` is a flyte-sdk task (an ``@env.task``), without importing flyte needlessly."""
    if "flyte" not in sys.modules:
        return False
    from flyte._task import TaskTemplate

    return isinstance(obj, TaskTemplate)


def read_task(task: Any) -> TaskInterface:
    """The task's name, typed inputs and default literals, as ``flyte deploy`` computes them."""
    from flyte._internal.runtime.convert import convert_upload_default_inputs
    from flyte._internal.runtime.types_serde import transform_native_to_typed_interface

    try:
        typed = transform_native_to_typed_interface(task.native_interface)
        defaults = asyncio.run(convert_upload_default_inputs(task.interface))
    except Exception as e:  # flyte's type engine raises many types for types it cannot express
        raise BridgeError(f"{type(e).__name__}: {e}") from None
    variables = typed.inputs.variables if typed is not None else []
    inputs = {entry.key: entry.value.type for entry in variables}
    declared = tuple(str(t.name) for t in getattr(task, "triggers", None) or ())
    return TaskInterface(str(task.name), inputs, tuple((p.name, p.parameter.default) for p in defaults), declared)
