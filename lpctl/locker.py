"""``lpctl lock``: import each workflow and Flyte 2 task the specs reference, once, and record its interface.

Its three modes: write the lock (:func:`collect` then :func:`write`), check it (:func:`collect` then
:func:`stale`), and fill it from FlyteAdmin instead of importing (:func:`collect` given a client).
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lpctl.diagnostics import Diagnostic, error
from lpctl.errors import LpctlError
from lpctl.lock import (
    Lock,
    LockError,
    common_dir,
    differences,
    file_digest,
    lock_path_for,
    lock_text,
    read_lock,
    versions,
)
from lpctl.spec.load import Document, check_header, load_paths
from lpctl.target import Importing

if TYPE_CHECKING:
    from lpctl.spec.config import Identity

#: spec files larger than this are refused, as the other commands' --max-bytes default
MAX_BYTES = 1024 * 1024


@dataclass(frozen=True)
class LockResult:
    lock: Lock
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    #: import path -> the first document that references it (specs naming a workflow by import path)
    references: dict[str, Document] = field(default_factory=dict)


def references(paths: Sequence[str], *, max_bytes: int) -> tuple[dict[str, Document], list[Diagnostic], list[str]]:
    """Every workflow import path the specs under ``paths`` reference, with the first document naming it."""
    by_kind, diagnostics, files = _references(paths, max_bytes=max_bytes)
    return by_kind.get("LaunchPlan", {}), diagnostics, files


def _references(paths: Sequence[str], *,
                max_bytes: int) -> tuple[dict[str, dict[str, Document]], list[Diagnostic], list[str]]:
    """kind -> every import path its specs reference (``workflow:``, ``task:``), with the first document naming it."""
    from lpctl.target import TARGETS

    loaded = load_paths(paths, max_bytes=max_bytes)
    refs: dict[str, dict[str, Document]] = {}
    for doc in loaded.documents:
        if check_header(doc):
            continue
        kind = doc.data["kind"]
        ref = doc.data.get(TARGETS[kind].reference_key)
        if isinstance(ref, str):
            refs.setdefault(kind, {}).setdefault(ref, doc)
    return {kind: dict(sorted(found.items())) for kind, found in refs.items()}, list(loaded.diagnostics), loaded.files


def build_lock(paths: Sequence[str], roots: Sequence[str], *, max_bytes: int, import_timeout: float,
               previous: Lock | None = None, keep: set[str] | None = None) -> LockResult:
    """Import every referenced workflow and Flyte 2 task (once) and record its interface; failures are
    diagnostics.

    Entries that ``lpctl lock --from-admin`` wrote into ``previous`` are kept as they are: their
    code is not here to import. So are the entries of ``previous`` named in ``keep`` that the specs
    under ``paths`` do not reference (other folders' specs use them), with their modules' digests.
    """
    by_kind, diagnostics, files = _references(paths, max_bytes=max_bytes)
    sections: dict[str, dict[str, Any]] = {"workflows": {}, "tasks": {}}
    modules: dict[str, str] = {}
    for kind, refs in by_kind.items():
        diagnostics.extend(_record(kind, refs, Importing(roots, import_timeout), previous or Lock(), sections,
                                   modules))
    if previous is not None and keep:
        _keep(previous, keep - {ref for refs in by_kind.values() for ref in refs}, sections, modules)
    workflows, tasks = (dict(sorted(sections[key].items())) for key in ("workflows", "tasks"))
    lock = Lock(workflows, dict(sorted(modules.items())), versions(flyte=bool(tasks)), tasks)
    return LockResult(lock, diagnostics, files, by_kind.get("LaunchPlan", {}))


def _record(kind: str, refs: dict[str, Document], how: Importing, previous: Lock, sections: dict[str, dict[str, Any]],
            modules: dict[str, str]) -> list[Diagnostic]:
    """Resolve the references of one kind by importing, into ``sections`` and ``modules``."""
    from lpctl.shared.imports import ResolveError
    from lpctl.target import TARGETS, MissingTarget, target_for

    try:
        target = target_for(kind)
    except MissingTarget as e:
        return [error(e.code, e.message, doc.location(("kind",)), e.hint) for doc in refs.values()]
    resolver, section, diagnostics = target.importing(how), sections[target.lock_section], []
    for ref, doc in refs.items():
        kept = getattr(previous, target.lock_section).get(ref)
        if isinstance(kept, dict) and kept.get("origin") == "admin":
            section[ref] = kept
            continue
        resolved = resolver.resolve(ref)
        if isinstance(resolved, ResolveError):
            diagnostics.append(error(resolved.code, resolved.message, doc.location((TARGETS[kind].reference_key,)),
                                     resolved.hint))
            continue
        module = module_of(ref)
        section[ref] = target.lock_entry(resolved, module)
        digest = _module_digest(module)
        if module is not None and digest is not None:
            modules[module] = digest
    return diagnostics


def _keep(previous: Lock, refs: set[str], sections: dict[str, dict[str, Any]], modules: dict[str, str]) -> None:
    for name, section in sections.items():
        kept: Mapping[str, Any] = getattr(previous, name)
        for ref in sorted(refs & kept.keys()):
            section[ref] = entry = kept[ref]
            module = entry.get("module") if isinstance(entry, dict) else None
            if isinstance(module, str) and module in previous.modules:
                modules.setdefault(module, previous.modules[module])


def previous_lock(path: str, *, explicit: bool) -> tuple[Lock | None, str | None]:
    """The lock ``lpctl lock`` is about to replace, and why it is not used when it cannot be read.

    A device or FIFO given with ``-o`` is written through like every output (``-o /dev/stdout``),
    never read; at the default place it is refused (LockError): nothing lpctl writes is there. A
    file that is not a readable lock (a merge conflict, a hand edit) is written anew.
    """
    from lpctl.lockfile import LockInvalid, file_kind

    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):  # a folder to make, or a file where one belongs: the write says
        return None, None
    except OSError as e:
        raise LockError(f"{path}: cannot read the lock: {e.strerror or e}") from None
    if not stat.S_ISREG(mode):
        if explicit and not stat.S_ISDIR(mode):
            return None, None
        raise LockError(f"{path}: not a regular file ({file_kind(mode)}); remove it, or write the lock "
                        "elsewhere with -o")
    try:
        return read_lock(path), None
    except LockInvalid as e:
        where = f":{e.line}:{e.col}" if e.line else ""
        return None, f"{path}{where}: not a readable lock ({e})"


def scope_refs(lock_path: str, paths: Sequence[str], *, max_bytes: int) -> set[str] | None:
    """The import paths the specs under the lock's directory reference, when that directory holds
    more specs than ``paths`` name (None: ``paths`` are all the lock serves). ``lpctl lock`` keeps
    these entries, so that locking one team's folder never drops another's."""
    lock_dir = os.path.dirname(os.path.abspath(lock_path))
    if os.path.commonpath([lock_dir, common_dir(paths)]) != lock_dir:
        return None  # a lock written elsewhere (-o): it is for these specs only
    named = [os.path.abspath(p) for p in paths if os.path.isdir(p)]
    if any(os.path.commonpath([lock_dir, p]) == p for p in named):
        return None  # the whole directory is named
    try:
        by_kind, _, _ = _references([lock_dir], max_bytes=max_bytes)
    except LpctlError:
        return None
    return {ref for refs in by_kind.values() for ref in refs}


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


@dataclass(frozen=True)
class LockRequest:
    """What ``lpctl lock`` was asked: where the lock goes, and how interfaces are found."""

    output: str | None = None
    python_path: Sequence[str] = ()
    import_timeout: float = 60.0
    #: --from-admin: the identity flags (the spec's values and [tool.lpctl] come first / after)
    identity: Identity | None = None


@dataclass(frozen=True)
class Collected:
    """The lock as it would be written now, beside the one on disk."""

    path: str
    previous: Lock | None
    result: LockResult
    #: why the file at ``path`` is not used as the previous lock (it is not a readable lock)
    unreadable: str | None = None


def collect(paths: Sequence[str], request: LockRequest,
            admin: Callable[[], AbstractContextManager[Any]] | None = None) -> Collected:
    """Build the lock for ``paths``: by importing, or with ``admin`` (a client factory) from FlyteAdmin."""
    path = request.output or lock_path_for(paths)
    if request.output is None:
        _check_link(path)
    previous, unreadable = previous_lock(path, explicit=request.output is not None)
    if admin is not None:
        result = _from_admin(paths, previous, admin, request.identity)
    else:
        keep = scope_refs(path, paths, max_bytes=MAX_BYTES) if previous is not None else None
        result = build_lock(paths, import_roots(paths, request.python_path), max_bytes=MAX_BYTES,
                            import_timeout=request.import_timeout, previous=previous, keep=keep)
    return Collected(path, previous, result, unreadable)


def _check_link(path: str) -> None:
    """The lock found (not named with -o) may be a symbolic link, committed by anyone: ``lpctl lock`` writes
    through it only when it stays inside the project (lpctl.lock.project_root)."""
    from lpctl.lock import project_root

    if not os.path.islink(path):
        return
    root = project_root(os.path.dirname(os.path.abspath(path)))
    target = os.path.realpath(path)
    if os.path.commonpath([root, target]) != root:
        raise LockError(f"{path} is a symbolic link to {target}, outside the project {root}: nothing written; "
                        "remove the link, or name where to write with -o")


def stale(collected: Collected) -> list[str]:
    """``lock --check``: how the lock on disk differs from the one built now (empty: up to date)."""
    if collected.unreadable:
        return [collected.unreadable]
    if collected.previous is None:
        raise LockError(f"{collected.path}: no lock to check; run 'lpctl lock' to write it")
    return differences(collected.previous, collected.result.lock)


def write(collected: Collected) -> None:
    from lpctl.output import write_output

    write_output(collected.path, lock_text(collected.result.lock))


def _from_admin(paths: Sequence[str], previous: Lock | None, admin: Callable[[], AbstractContextManager[Any]],
                flags: Identity | None) -> LockResult:
    from lpctl.admin import lockfill
    from lpctl.spec.config import Identity, common_parent, load_config, run_identity

    identity = run_identity(flags or Identity(), load_config(common_parent(paths)))
    refs, diagnostics, files = references(paths, max_bytes=MAX_BYTES)
    with admin() as client:
        lock, more = lockfill.fill_lock(previous or Lock(), refs, client, identity)
    return LockResult(lock, diagnostics + more, files, refs)
