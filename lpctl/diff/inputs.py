"""A launch plan's inputs, compared in spec terms: default, fixed or required, value, type, description."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lpctl.bundle import Tree
from lpctl.diff.changes import SPEC, Bare, FieldChange, compact, keys_within, scalar, take, text, understood
from lpctl.diff.values import readable

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
        return "required" if self.kind == "required" else f"{self.kind} {text(self.value())}"


def _is_parameters(value: Any) -> bool:
    return isinstance(value, dict) and all(_is_parameter(p) for p in value.values())


def _is_parameter(param: Any) -> bool:
    if not keys_within(param, {"var", "default", "required"}) or not keys_within(param.get("var", {}),
                                                                                    {"type", "description"}):
        return False
    return ("default" in param) != (param.get("required") is True)


def input_changes(old: Tree, new: Tree) -> list[FieldChange]:
    params_path, fixed_path = (*SPEC, "defaultInputs", "parameters"), (*SPEC, "fixedInputs", "literals")
    if not (understood(old, new, params_path, _is_parameters)
            and understood(old, new, fixed_path, lambda v: isinstance(v, dict))):
        return []
    params, fixed = take(old, new, params_path), take(old, new, fixed_path)
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
            o, n = (o, n) if o != n else (compact(old.type), compact(new.type))
            out.append(FieldChange(f"inputs.{name}.type", f"input '{name}' type: {o} -> {n}", o, n))
        out.extend(scalar(f"input '{name}' description", f"inputs.{name}.description",
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
        if text(o) == text(n):  # same reading, different literal (a union's type, say)
            o, n = Bare(compact(old.literal)), Bare(compact(new.literal))
        return [FieldChange(f"{section}_inputs.{name}", f"{section} input '{name}': {text(o)} -> {text(n)}",
                            o, n)]
    note = _KIND_NOTES.get((old.kind, new.kind))
    if same_section:  # default <-> required
        texts = ["required" if s.kind == "required" else text(s.value()) for s in (old, new)]
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
        return compact(lt)


