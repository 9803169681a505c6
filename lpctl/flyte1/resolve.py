"""Stage 3: a ``workflow:`` reference -> the workflow's interface, or a located diagnostic.

``package.module:attribute`` (or the dotted ``package.module.attribute``) is imported with the
configured roots first on ``sys.path``; the object found is inspected, never called. Each
reference is resolved once per run, however many specs use it.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from lpctl.flyte1 import bridge
from lpctl.flyte1.interface import UnsupportedType, WorkflowInterface, from_function, from_spec, parse_type
from lpctl.shared.imports import DEFAULT_IMPORT_TIMEOUT, REFERENCE, Memo, ResolveError, import_module, import_roots

if TYPE_CHECKING:
    from lpctl.cache import Cache

Resolved = WorkflowInterface | ResolveError


class ReferenceResolver(Memo[WorkflowInterface]):
    """Answers a spec's ``workflow:``: an interface written in the spec, or an import path looked up
    once per run (``_find``, which each way of resolving supplies)."""

    def resolve(self, workflow: Any) -> Resolved:
        if isinstance(workflow, dict):
            return _from_spec(workflow)
        return super().resolve(str(workflow))


class Resolver(ReferenceResolver):
    """Resolves references by importing them against fixed import roots."""

    def __init__(self, roots: Sequence[str] = (), *, import_timeout: float = DEFAULT_IMPORT_TIMEOUT,
                 interfaces: Cache | None = None) -> None:
        super().__init__()
        self.roots = list(dict.fromkeys(roots))
        self.import_timeout = import_timeout
        #: interfaces kept across runs (None: import every workflow module every run)
        self.interfaces = interfaces

    def _find(self, ref: str) -> Resolved:
        return self._cached(ref) or self._import_and_resolve(ref)

    def _cached(self, ref: str) -> WorkflowInterface | None:
        return self.interfaces.get(ref, self.roots) if self.interfaces is not None else None

    def _import_and_resolve(self, ref: str) -> Resolved:
        with import_roots(self.roots):
            resolved = self._resolve_ref(ref)
        if self.interfaces is not None and isinstance(resolved, WorkflowInterface):
            self.interfaces.put(ref, resolved, self.roots)
        return resolved

    def save(self) -> None:
        if self.interfaces is not None:
            self.interfaces.save()

    def _resolve_ref(self, ref: str) -> Resolved:
        if not REFERENCE.fullmatch(ref):
            return ResolveError("LP305", f'"{ref}" is not an import path', 'write "package.module:workflow"')
        if ":" in ref:
            module_name, _, attr = ref.partition(":")
            candidates = [(module_name, attr)]
        else:
            parts = ref.split(".")
            if len(parts) < 2:
                return ResolveError("LP305", f'"{ref}" names no module', 'write "package.module:workflow"')
            candidates = [(".".join(parts[:i]), ".".join(parts[i:])) for i in range(len(parts) - 1, 0, -1)]
        not_found: ResolveError | None = None
        for module_name, attr in candidates:
            module = import_module(module_name, self.roots, self.import_timeout)
            if not isinstance(module, ResolveError):
                return _lookup(module, module_name, attr)
            if module.code != "LP301":
                return module
            not_found = not_found or module
        assert not_found is not None
        return not_found


def _lookup(module: Any, module_name: str, attr: str) -> Resolved:
    obj = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            choices = _workflow_names(module)
            close = difflib.get_close_matches(part, choices, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else (
                "workflows there: " + ", ".join(choices) if choices else None)
            return ResolveError("LP303", f"module '{module_name}' has no attribute '{attr}'", hint)
        obj = getattr(obj, part)
    return classify(obj, f"{module_name}:{attr}")


def _workflow_names(module: Any) -> list[str]:
    names = []
    for name, value in sorted(vars(module).items()):
        if name.startswith("_"):
            continue
        if bridge.kind(value) == "workflow" or (
            inspect.isfunction(value) and getattr(value, "__module__", None) == module.__name__
        ):
            names.append(name)
    return names


def classify(obj: Any, ref: str) -> Resolved:
    """The interface of the object a reference names, or why it is not a workflow."""
    kind = bridge.kind(obj)
    if kind == "workflow":
        try:
            return bridge.workflow_interface(obj)
        except bridge.BridgeError as e:
            return ResolveError("LP306", str(e))
    if kind == "launch plan":
        return ResolveError("LP304", f"'{ref}' is a flytekit LaunchPlan, not a workflow",
                            f"point 'workflow' at the workflow it launches ('{bridge.launched_workflow_name(obj)}')")
    if kind == "task":
        return ResolveError("LP304", f"'{ref}' is a flytekit task, not a workflow",
                            "launch plans launch workflows; wrap the task in a @workflow")
    if inspect.isfunction(obj):
        try:
            return from_function(obj, f"{obj.__module__}.{obj.__qualname__}")
        except (UnsupportedType, NameError, TypeError) as e:
            return ResolveError("LP306", f"cannot type the inputs of function '{ref}': {e}")
    found = type(obj).__name__
    return ResolveError("LP304", f"'{ref}' is not a workflow (found {_article(found)} {found})",
                        "point at a flytekit @workflow or a function with type hints")


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _from_spec(workflow: dict[str, Any]) -> Resolved:
    name = workflow.get("name", "")
    inputs = workflow.get("inputs") or {}
    for input_name, text in inputs.items():
        try:
            parse_type(text)
        except ValueError as e:
            return ResolveError("LP306", f"cannot read the type of input '{input_name}' of workflow '{name}': {e}",
                                path=("inputs", input_name))
    try:
        return from_spec(name, inputs)
    except UnsupportedType as e:
        return ResolveError("LP306", f"cannot read the interface of workflow '{name}': {e}", path=("inputs",))
