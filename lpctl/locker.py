"""``lpctl lock``: import each workflow the specs reference, once, and record its interface."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lpctl.diagnostics import Diagnostic, error
from lpctl.flyte1.locked import entry_of
from lpctl.lock import Lock, file_digest, versions
from lpctl.spec.load import Document, check_header, load_paths


@dataclass(frozen=True)
class LockResult:
    lock: Lock
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    #: import path -> the first document that references it (specs naming a workflow by import path)
    references: dict[str, Document] = field(default_factory=dict)


def references(paths: Sequence[str], *, max_bytes: int) -> tuple[dict[str, Document], list[Diagnostic], list[str]]:
    """Every import path the specs under ``paths`` reference, with the first document naming it."""
    loaded = load_paths(paths, max_bytes=max_bytes)
    refs: dict[str, Document] = {}
    for doc in loaded.documents:
        if check_header(doc):
            continue
        workflow = doc.data.get("workflow") if isinstance(doc.data, dict) else None
        if isinstance(workflow, str):
            refs.setdefault(workflow, doc)
    return dict(sorted(refs.items())), list(loaded.diagnostics), loaded.files


def build_lock(paths: Sequence[str], roots: Sequence[str], *, max_bytes: int, import_timeout: float,
               previous: Lock | None = None) -> LockResult:
    """Import every referenced workflow (once) and record its interface; failures are diagnostics.

    Entries that ``lpctl lock --from-admin`` wrote into ``previous`` are kept as they are: their
    code is not here to import.
    """
    from lpctl.flyte1.resolve import Resolver
    from lpctl.shared.imports import ResolveError

    refs, diagnostics, files = references(paths, max_bytes=max_bytes)
    resolver = Resolver(roots, import_timeout=import_timeout)
    workflows: dict[str, Any] = {}
    modules: dict[str, str] = {}
    for ref, doc in refs.items():
        kept = previous.workflows.get(ref) if previous is not None else None
        if isinstance(kept, dict) and kept.get("origin") == "admin":
            workflows[ref] = kept
            continue
        resolved = resolver.resolve(ref)
        if isinstance(resolved, ResolveError):
            diagnostics.append(error(resolved.code, resolved.message, doc.location(("workflow",)), resolved.hint))
            continue
        module = module_of(ref)
        workflows[ref] = entry_of(resolved, module)
        digest = _module_digest(module)
        if module is not None and digest is not None:
            modules[module] = digest
    lock = Lock(workflows, modules, versions())
    return LockResult(lock, diagnostics, files, refs)


def module_of(ref: str) -> str | None:
    """The module an import path names: before ':', else the longest imported dotted prefix."""
    if ":" in ref:
        return ref.partition(":")[0]
    parts = ref.split(".")
    for i in range(len(parts) - 1, 0, -1):
        name = ".".join(parts[:i])
        if name in sys.modules:
            return name
    return None


def _module_digest(module: str | None) -> str | None:
    path = getattr(sys.modules.get(module or ""), "__file__", None)
    return file_digest(path) if path and os.path.isfile(path) else None


def import_roots(paths: Sequence[str], python_path: Sequence[str]) -> list[str]:
    """The import roots a run uses: the current directory, [tool.lpctl] python_path, --python-path."""
    from lpctl.spec.config import common_parent, load_config

    config = load_config(common_parent(paths))
    return [os.getcwd(), *config.python_path, *(os.path.abspath(p) for p in python_path)]
