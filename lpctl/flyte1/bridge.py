"""Everything lpctl reads from flytekit objects or hands to flytekit: one file for a flytekit upgrade.

flytekit is never imported here at module level: it is what the user's workflow modules import,
and lpctl only asks it about objects that came from there (``flytekit`` already in ``sys.modules``).
The constants at the top mirror flytekit conventions that lpctl reproduces without flytekit (for
plain typed functions and interfaces written in a spec).
"""

from __future__ import annotations

import dataclasses
import difflib
import enum
import signal
import sys
import threading
import types
import typing
from typing import Any

from lpctl.flyte1.interface import Input, WorkflowInterface
from lpctl.shared.literals import ConversionError, not_a_member
from lpctl.spec.positions import Path


class BridgeError(Exception):
    """flytekit could not describe a workflow."""


def kind(obj: Any) -> str | None:
    """"workflow", "launch plan" or "task" for a flytekit object; None for anything else."""
    if "flytekit" not in sys.modules:
        return None
    from flytekit.core.base_task import Task
    from flytekit.core.launch_plan import LaunchPlan
    from flytekit.core.workflow import WorkflowBase

    if isinstance(obj, WorkflowBase) or type(obj).__name__ == "ReferenceWorkflow":
        return "workflow"
    if isinstance(obj, LaunchPlan):
        return "launch plan"
    if isinstance(obj, Task):
        return "task"
    return None


def _flyte_context() -> Any:
    """flytekit's current context. The first use in a thread initialises it, which in the main thread
    installs a SIGINT handler that ends the process with exit status 1 (Ctrl-C would then read as "changes
    pending"): the handler in force, lpctl's, is put back."""
    from flytekit.core.context_manager import FlyteContextManager

    main = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGINT) if main else None
    try:
        return FlyteContextManager.current_context()
    finally:
        if previous is not None and signal.getsignal(signal.SIGINT) is not previous:
            signal.signal(signal.SIGINT, previous)


def launched_workflow_name(launch_plan: Any) -> str:
    return str(launch_plan.workflow.name)


def workflow_interface(wf: Any) -> WorkflowInterface:
    """The interface of a flytekit workflow, computed by flytekit itself; raises BridgeError."""
    from flytekit.core.interface import transform_inputs_to_parameters

    try:
        ctx = _flyte_context()
        params = transform_inputs_to_parameters(ctx, wf.python_interface).parameters
        typed = wf.interface.inputs
        inputs = {
            name: Input(name, typed[name].type.to_flyte_idl(), params[name].to_flyte_idl(), py)
            for name, py in wf.python_interface.inputs.items()
        }
    except Exception as e:  # flytekit raises anything from a user's type
        raise BridgeError(f"flytekit cannot build the interface of workflow '{wf.name}': {e}") from None
    reference = None
    if type(wf).__name__ == "ReferenceWorkflow":
        ident = wf.id
        reference = (ident.project, ident.domain, ident.name, ident.version)
    labels, annotations = _default_options(wf)
    return WorkflowInterface(wf.name, inputs, "flytekit workflow", convert=convert, reference=reference,
                             default_labels=labels, default_annotations=annotations)


def _default_options(wf: Any) -> tuple[dict[str, str], dict[str, str]]:
    """``@workflow(default_options=Options(labels=..., annotations=...))``: what flytekit's
    ``get_default_launch_plan`` copies onto the default launch plan (named ones do not inherit it)."""
    options = getattr(wf, "default_options", None)
    if options is None:
        return {}, {}
    labels = getattr(getattr(options, "labels", None), "values", None) or {}
    annotations = getattr(getattr(options, "annotations", None), "values", None) or {}
    return dict(labels), dict(annotations)


def convert(value: Any, inp: Input) -> Any:
    """A value of a type only flytekit can encode (dataclasses ...), through flytekit itself.

    A mapping given for a dataclass is checked as strictly as flytekit would take the dataclass
    itself: no unknown field, no missing required one, every field of its type.
    """
    from flytekit.core.type_engine import TypeEngine
    from flytekit.models.types import LiteralType as LiteralTypeModel

    from lpctl.flyte1 import shapes

    py = inp.python_type
    check_value(value, py, ())
    shape = shapes.shape_of(py)
    if shapes.supported(shape):  # the encoder --locked uses: the conformance suite proves it flytekit's
        return shapes.to_literal(value, inp.type, shape)
    try:
        if dataclasses.is_dataclass(py) and isinstance(value, dict):
            from mashumaro.codecs.basic import BasicDecoder

            value = BasicDecoder(py).decode(_as_blob_fields(value, py))
        ctx = _flyte_context()
        expected = LiteralTypeModel.from_flyte_idl(inp.type)
        return TypeEngine.to_literal(ctx, value, py, expected).to_flyte_idl()
    except Exception as e:  # flytekit raises anything from a user's type
        raise ConversionError(f"flytekit cannot convert the value to {getattr(py, '__name__', py)}: {e}") from None


# -- strict values for dataclasses ---------------------------------------------------------------

_PLAIN = {int: (int,), float: (int, float), str: (str,), bool: (bool,)}


def check_value(value: Any, tp: Any, path: Path) -> None:
    """Raise ConversionError at ``path`` where ``value`` does not fit the Python type ``tp``."""
    if isinstance(tp, type) and dataclasses.is_dataclass(tp) and _plain_dataclass(tp):
        _check_dataclass(value, tp, path)
    elif tp in _PLAIN:
        if (isinstance(value, bool) and tp is not bool) or not isinstance(value, _PLAIN[tp]):
            raise ConversionError(f"expected {tp.__name__}, found {_describe(value)}", path)
    elif isinstance(tp, type) and issubclass(tp, enum.Enum):
        allowed = [m.value for m in tp]
        if value not in allowed:
            raise not_a_member(value, [str(v) for v in allowed], path)  # as lpctl.flyte1.shapes says it
    elif _blob_class(tp) is not None:
        from lpctl.shared.blobs import check_uri

        try:
            check_uri(value, _blob_class(tp) == "directory")
        except ConversionError as e:
            raise ConversionError(e.message, path, e.hint, e.code) from None
    else:
        _check_generic(value, tp, path)


def _as_blob_fields(value: Any, tp: Any) -> Any:
    """``value`` (already checked) with each URI of a FlyteFile or FlyteDirectory field as the mapping
    ``{"path": uri}`` mashumaro decodes into one (it refuses the bare string that flytekit takes)."""
    if isinstance(value, str) and _blob_class(tp) is not None:
        return {"path": value}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp) and isinstance(value, dict):
        hints = typing.get_type_hints(tp)
        return {key: _as_blob_fields(item, hints.get(key, Any)) for key, item in value.items()}
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (list, typing.List) and args and isinstance(value, list):  # noqa: UP006
        return [_as_blob_fields(item, args[0]) for item in value]
    if origin in (dict, typing.Dict) and len(args) == 2 and isinstance(value, dict):  # noqa: UP006
        return {key: _as_blob_fields(item, args[1]) for key, item in value.items()}
    if origin in (typing.Union, types.UnionType) and value is not None:
        variants = [a for a in args if a is not type(None)]
        return _as_blob_fields(value, variants[0]) if len(variants) == 1 else value
    return value


def _blob_class(tp: Any) -> str | None:
    """"file" for FlyteFile (and its format-typed subclasses), "directory" for FlyteDirectory, else None."""
    from flytekit.types.directory import FlyteDirectory
    from flytekit.types.file import FlyteFile

    if isinstance(tp, type) and issubclass(tp, FlyteFile):
        return "file"
    if isinstance(tp, type) and issubclass(tp, FlyteDirectory):
        return "directory"
    return None


def _plain_dataclass(tp: type) -> bool:
    """A dataclass flytekit converts field by field; FlyteFile and FlyteDirectory are dataclasses too,
    but their own transformers take a URI string, as ``LaunchPlan.get_or_create`` does."""
    from flytekit.core.type_engine import DataclassTransformer, TypeEngine

    return isinstance(TypeEngine.get_transformer(tp), DataclassTransformer)


def _check_generic(value: Any, tp: Any, path: Path) -> None:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (list, typing.List) and args:  # noqa: UP006
        if not isinstance(value, list):
            raise ConversionError(f"expected a list, found {_describe(value)}", path)
        for i, item in enumerate(value):
            check_value(item, args[0], (*path, i))
    elif origin in (dict, typing.Dict) and len(args) == 2:  # noqa: UP006
        if not isinstance(value, dict):
            raise ConversionError(f"expected a mapping, found {_describe(value)}", path)
        for key, item in value.items():
            check_value(item, args[1], (*path, key))
    elif origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return
        problems = []
        for arg in (a for a in args if a is not type(None)):
            try:
                check_value(value, arg, path)
                return
            except ConversionError as e:
                problems.append(e)
        if len(problems) == 1:
            raise problems[0]
        raise ConversionError(f"{_describe(value)} fits none of {tp}", path)
    # datetime, timedelta, Any and the rest: flytekit's own conversion judges them


def _check_dataclass(value: Any, tp: type, path: Path) -> None:
    if not isinstance(value, dict):
        raise ConversionError(f"expected a mapping of the fields of {tp.__name__}, found {_describe(value)}", path)
    fields = {f.name: f for f in dataclasses.fields(tp) if f.init}
    for key in value:
        if key not in fields:
            near = difflib.get_close_matches(str(key), list(fields), n=1, cutoff=0.6)
            raise ConversionError(f"'{key}' is not a field of {tp.__name__} (fields: {', '.join(fields)})",
                                  (*path, key), hint=f"did you mean '{near[0]}'?" if near else None, key=True)
    missing = [name for name, f in fields.items() if name not in value and f.default is dataclasses.MISSING
               and f.default_factory is dataclasses.MISSING]
    if missing:
        raise ConversionError(f"missing field{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))} "
                              f"of {tp.__name__}", path)
    hints = typing.get_type_hints(tp)
    for key, item in value.items():
        check_value(item, hints.get(key, Any), (*path, key))


def _describe(value: Any) -> str:
    from lpctl.shared.literals import describe

    return describe(value)
