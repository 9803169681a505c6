"""Importing the user's code: roots first on ``sys.path``, in a thread with a time limit, prints kept off stdout.

Both targets import through here (a Flyte 1 workflow, a Flyte 2 task); only what the imported object
must be differs, and each target says that in its own resolver.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import re
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from lpctl import progress
from lpctl.diagnostics import Diagnostic

REFERENCE = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*(:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*)?")

DEFAULT_IMPORT_TIMEOUT = 60.0


@dataclass(frozen=True)
class ResolveError:
    """Why a reference did not resolve; the compile stage places it at the ``workflow:`` value."""

    code: str
    message: str
    hint: str | None = None
    #: where under ``workflow:`` the problem is, when it is inside the spec's own interface
    path: tuple[str, ...] = ()
    #: already reported where the problem is (a malformed lock entry, at its line in the lock): the
    #: spec is not compiled, and nothing more is said about it
    reported: bool = False


T = TypeVar("T")


class Memo(Generic[T]):
    """Answers each reference once per run, however many specs use it; ``_find`` is each resolver's own way."""

    def __init__(self) -> None:
        self._found: dict[str, T | ResolveError] = {}
        #: problems found in what answers the references (the lock), reported once for the run
        self.diagnostics: list[Diagnostic] = []

    def resolve(self, ref: str) -> T | ResolveError:
        if ref not in self._found:
            self._found[ref] = self._find(ref)
        return self._found[ref]

    def _find(self, ref: str) -> T | ResolveError:
        raise NotImplementedError

    def save(self) -> None:
        """Keep what was found across runs; nothing, unless the resolver has a cache."""


@contextlib.contextmanager
def import_roots(roots: list[str]) -> Iterator[None]:
    saved = list(sys.path)
    sys.path[:0] = [r for r in roots]
    try:
        yield
    finally:
        sys.path[:] = saved


class _StdoutRouter(io.TextIOBase):
    """``sys.stdout`` while modules import: their prints go to stderr, everyone else's to stdout.

    It stays installed if an import never returns, so a module stuck in an import thread that
    prints later still cannot corrupt a bundle written to stdout.
    """

    def __init__(self, stdout: Any, stderr: Any) -> None:
        self.stdout, self.stderr = stdout, stderr
        self.importers: set[int] = set()

    def _target(self) -> Any:
        return self.stderr if threading.get_ident() in self.importers else self.stdout

    def write(self, text: str) -> int:
        written: int = self._target().write(text)
        return written

    def flush(self) -> None:
        self._target().flush()

    def isatty(self) -> bool:
        return bool(self._target().isatty())


def _router() -> _StdoutRouter:
    if not isinstance(sys.stdout, _StdoutRouter):
        sys.stdout = _StdoutRouter(sys.stdout, sys.stderr)
    return sys.stdout


def import_module(module_name: str, roots: list[str], timeout: float) -> Any:
    """Import in a thread, so that a module that never finishes importing cannot hang lpctl."""
    outcome: list[Any] = []
    router = _router()

    def target() -> None:
        router.importers.add(threading.get_ident())
        try:
            outcome.append(_import_now(module_name, roots))
        finally:
            router.importers.discard(threading.get_ident())

    thread = threading.Thread(target=target, name=f"lpctl-import-{module_name}", daemon=True)
    progress.emit("importing", module_name)
    thread.start()
    thread.join(timeout)
    progress.emit("imported", module_name)
    if not router.importers and sys.stdout is router:  # nothing still importing: put stdout back
        sys.stdout = router.stdout
    if not outcome:
        return ResolveError("LP307", f"importing module '{module_name}' did not finish within {timeout:g} s",
                            "raise --import-timeout, or keep the module's top-level code cheap")
    return outcome[0]


def _import_now(module_name: str, roots: list[str]) -> Any:
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name and (module_name == e.name or module_name.startswith(e.name + ".")):
            tried = ", ".join(roots) if roots else "(none)"
            return ResolveError("LP301", f"module '{module_name}' not found (import roots tried: {tried})",
                                "add its root to [tool.lpctl] python_path or --python-path")
        return _raised(module_name, e)
    except BaseException as e:
        return _raised(module_name, e)


def _raised(module_name: str, e: BaseException) -> ResolveError:
    text = str(e).strip().splitlines()[0] if str(e).strip() else ""
    where = ""
    tb = e.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        where = f" at {tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}"
    detail = f"{type(e).__name__}: {text}" if text else type(e).__name__
    return ResolveError("LP302", f"importing module '{module_name}' raised {detail}{where}")
