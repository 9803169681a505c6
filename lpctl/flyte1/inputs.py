"""Default and fixed inputs -> the complete ``ParameterMap`` and the ``LiteralMap`` flytekit builds."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from flyteidl.core import interface_pb2, literals_pb2

from lpctl.flyte1.context import Context
from lpctl.flyte1.interface import Input, parameter_for
from lpctl.shared.literals import ConversionError, Literal, LiteralType, SimpleType, to_literal
from lpctl.spec.positions import Path, format_path


def compile_inputs(ctx: Context, params: interface_pb2.ParameterMap, fixed: literals_pb2.LiteralMap) -> None:
    """Fill ``params`` and ``fixed`` as ``LaunchPlan.get_or_create`` does.

    Every workflow input that is not fixed appears among the parameters: with the launch
    plan's default, else the workflow's own, else a bare none for an Optional input, else
    ``required: true``.
    """
    iface = ctx.interface
    defaults, fixed_values = ctx.spec.default_inputs, ctx.spec.fixed_inputs
    _check_names(ctx, "default_inputs", defaults)
    _check_names(ctx, "fixed_inputs", fixed_values)
    for name in defaults.keys() & fixed_values.keys() & iface.inputs.keys():
        ctx.error("LP403", f"input '{name}' is both fixed and defaulted", ("default_inputs", name), key=True,
                  hint="a fixed input cannot be overridden at launch, so flytekit drops the default; "
                       "keep it in one of the two")
    for name, value in fixed_values.items():
        inp = iface.inputs.get(name)
        if inp is not None:
            lit = _convert(ctx, "fixed", inp, value, ("fixed_inputs", name))
            if lit is not None:
                fixed.literals[name].CopyFrom(lit)
    for name, inp in iface.inputs.items():
        if name in fixed_values:
            continue
        if name in defaults:
            _default_parameter(ctx, inp, defaults[name], params)
        else:
            params.parameters[name].CopyFrom(inp.parameter)


def _check_names(ctx: Context, section: str, values: Mapping[str, Any]) -> None:
    iface = ctx.interface
    kind = section.split("_")[0]
    for name in values:
        if name in iface.inputs:
            continue
        if not iface.inputs:
            ctx.error("LP404", f"{kind} input '{name}' given, but workflow '{iface.name}' has no inputs",
                      (section, name), key=True)
            continue
        from lpctl.spec.schema import misplaced_key_hint  # here: imported only when a name is unknown

        close = difflib.get_close_matches(name, list(iface.inputs), n=1, cutoff=0.6)
        listing = "inputs: " + ", ".join(iface.inputs)
        hint = f"did you mean '{close[0]}'? {listing}" if close else listing
        misplaced = misplaced_key_hint(str(name), (section,))
        if misplaced is not None and not close:
            hint = f"{misplaced}; {listing}"
        code = "LP401" if section == "default_inputs" else "LP402"
        ctx.error(code, f"{kind} input '{name}' is not an input of workflow '{iface.name}'",
                  (section, name), key=True, hint=hint)


def _default_parameter(ctx: Context, inp: Input, value: Any, params: interface_pb2.ParameterMap) -> None:
    """The parameter of a defaulted input, in ``params`` (none when its value does not convert)."""
    # flytekit rebuilds launch-plan defaults from a docstring-less interface: the
    # description becomes the input name.
    if value is None:
        params.parameters[inp.name].CopyFrom(parameter_for(inp.name, inp.type, None, has_default=False))
        return
    lit = _convert(ctx, "default", inp, value, ("default_inputs", inp.name))
    if lit is None:
        return
    param = params.parameters[inp.name]  # written in place: no message built to be copied
    var = param.var
    var.type.CopyFrom(inp.type)  # CopyFrom makes a submessage present, as the constructors did, even if empty
    var.description = inp.name
    param.default.CopyFrom(lit)


def _convert(ctx: Context, kind: str, inp: Input, value: Any, path: Path) -> Literal | None:
    try:
        if ctx.interface.convert is not None and needs_flytekit(inp.type):
            lit: Literal = ctx.interface.convert(value, inp)
            return lit
        return to_literal(value, inp.type)
    except ConversionError as e:
        where = inp.name + format_path(e.path)[1:]
        written = ctx.doc.positions.text((*path, *e.path)) if e.quote else None
        hint = f"quote it: '{written}'" if written is not None else e.hint
        ctx.error(e.code, f"{kind} input '{where}': {e.message}", (*path, *e.path), key=e.key, hint=hint)
        return None


def needs_flytekit(lt: LiteralType) -> bool:
    """Types whose literals only flytekit can build byte for byte (dataclasses, files ...)."""
    which = lt.WhichOneof("type")
    if which == "simple":
        return lt.simple == SimpleType.STRUCT and (lt.HasField("metadata") or bool(lt.structure.dataclass_type))
    if which == "collection_type":
        return needs_flytekit(lt.collection_type)
    if which == "map_value_type":
        return needs_flytekit(lt.map_value_type)
    if which == "union_type":
        return any(needs_flytekit(v) for v in lt.union_type.variants)
    return which not in ("enum_type", "blob")  # a blob is a remote URI, as it is (lpctl.shared.blobs)
