"""What a reconcile guards against, whatever it reconciles (FlyteAdmin launch plans, Flyte 2 triggers).

- :func:`follow_pages`: a list call's pages, stopped with :class:`PagingError` (exit 2) when the
  server repeats a page token, answers more than :data:`MAX_PAGES` pages or takes more than
  :data:`LIST_TIMEOUT` seconds (``--list-timeout``) for them: a broken server is never read forever;
- :class:`Scope` and :func:`in_scope`: only entries in the project and domain asked for (and, for a
  named lookup, of the name asked for; for Flyte 2, of the organization asked for) count; anything
  else a list answer holds is left out of every decision and reported as a warning about the server;
- :class:`Interruption`: SIGINT and SIGTERM during the writes stop the run before the next write
  (the write under way finishes, bounded by the call's timeout), so that the run can say what it
  did and what it did not attempt.

Pure but for the signal handlers :class:`Interruption` installs while it is entered; nothing prints.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, NamedTuple, TypeVar

from lpctl.admin import LIST_TIMEOUT as LIST_TIMEOUT  # where the command line finds it too
from lpctl.admin.text import server_text
from lpctl.errors import LpctlError

T = TypeVar("T")

#: the most pages one list call may take: 10,000 pages of FlyteAdmin's 100 entries are a million
#: launch plans in one project and domain, far past any real one; a server that keeps answering
#: with a next page is broken, and lpctl stops (reading that many takes seconds, not hours)
MAX_PAGES = 10_000


class PagingError(LpctlError):
    """A list call that would never end: a repeated page token, more pages than the bound, or more time."""


def follow_pages(page: Callable[[str], tuple[Sequence[T], str]], what: str, *, max_pages: int | None = None,
                 max_seconds: float | None = None, clock: Callable[[], float] = time.monotonic) -> Iterator[T]:
    """The entries of every page ``page(token)`` answers, following each next token until it is empty.

    ``what`` names the call for the message (``ListActiveLaunchPlans for flytesnacks/development``);
    ``max_pages``: :data:`MAX_PAGES` unless given; ``max_seconds``: the time the pages may take in all (the
    server's time: spent in ``page``, not in the caller between pages), :data:`LIST_TIMEOUT` unless given.
    The time is checked before each next page is asked for: a page under way is waited for up to its call's
    own timeout."""
    max_pages = MAX_PAGES if max_pages is None else max_pages
    max_seconds = LIST_TIMEOUT if max_seconds is None else max_seconds
    token, seen, spent = "", set(), 0.0
    for count in range(1, max_pages + 1):
        began = clock()
        entries, token = page(token)
        spent += clock() - began
        yield from entries
        if not token:
            return
        if token in seen:
            raise PagingError(f"the server answered {what} with page token {_shown(token)} a second time: "
                              "it would be read forever; lpctl stopped (nothing was changed by this read)")
        if spent > max_seconds:
            raise PagingError(f"the server took {spent:.1f}s to answer {what} with {count:,} pages and more to "
                              f"come, past lpctl's bound of {max_seconds:g}s for one listing (--list-timeout); it "
                              "stopped there (nothing was changed by this read)")
        seen.add(token)
    raise PagingError(f"the server answered {what} with more than {max_pages:,} pages, lpctl's bound for one "
                      "listing; it stopped there (a server that never ends a listing is broken)")


def _shown(token: str) -> str:
    return repr(server_text(token, 40))


class Scope(NamedTuple):
    """What a read asked for: a project and domain, for a named lookup a name (``""``: any), and where the
    server keys entries by organization too (Flyte 2), the organization (None: not compared)."""

    project: str
    domain: str
    name: str = ""
    org: str | None = None

    def __str__(self) -> str:
        return (f"{self.project}/{self.domain}" + (f"/{self.name}" if self.name else "")
                + (f" (org {server_text(self.org, 63)})" if self.org else ""))

    def holds(self, project: str, domain: str, name: str, org: str | None = None) -> bool:
        """Whether an entry's (project, domain, name[, org]) is in this scope; the org is compared when both
        this scope and the entry's key have one."""
        return ((project, domain) == (self.project, self.domain) and (not self.name or name == self.name)
                and (self.org is None or org is None or org == self.org))


@dataclass
class Stray:
    """Entries a server answered outside the scope asked for, counted per call and scope."""

    what: str
    scope: Scope
    examples: list[str] = field(default_factory=list)
    count: int = 0

    def warning(self) -> str:
        shown = ", ".join(self.examples)
        more = f" and {self.count - len(self.examples)} more" if self.count > len(self.examples) else ""
        return (f"the server's {self.what} for {self.scope} answered {self.count} "
                f"entr{'y' if self.count == 1 else 'ies'} outside it ({shown}{more}): ignored; "
                "the server does not filter its lists as asked")


@dataclass
class Strays:
    """Every out-of-scope answer of one run, as warnings about the server."""

    found: dict[tuple[str, Scope], Stray] = field(default_factory=dict)

    def add(self, what: str, scope: Scope, shown: str) -> None:
        stray = self.found.setdefault((what, scope), Stray(what, scope))
        stray.count += 1
        if len(stray.examples) < 3:
            stray.examples.append(shown)

    def warnings(self) -> tuple[str, ...]:
        return tuple(s.warning() for _, s in sorted(self.found.items(), key=lambda kv: (str(kv[0][1]), kv[0][0])))


def in_scope(entries: Iterable[T], scope: Scope, key: Callable[[T], tuple[str, ...]], what: str,
             strays: Strays, shown: Callable[[T], str], extra: Callable[[T], bool] = lambda _: True) -> list[T]:
    """The entries ``scope`` holds (and ``extra`` accepts); the others are recorded in ``strays``."""
    kept = []
    for entry in entries:
        if scope.holds(*key(entry)) and extra(entry):
            kept.append(entry)
        else:
            strays.add(what, scope, shown(entry))
    return kept


class Interruption:
    """While entered (in the main thread): SIGINT and SIGTERM are caught.

    Before :meth:`writing`, a signal raises KeyboardInterrupt at once (only reads are under way).
    From then on, the signal is noted, and :attr:`requested` tells the writer to stop before its next
    write. The previous handlers come back on exit.

    Code imported meanwhile may install its own handler: flytekit's, installed when a workflow module
    imports it, ends the process with exit status 1 on SIGINT. :meth:`rearm` (called by :meth:`writing`,
    before each write, and by the caller once the specs are read) puts this one back."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.requested: int | None = None
        self._writing = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> Interruption:
        if threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def rearm(self) -> None:
        """Put this handler back where something replaced it since :meth:`__enter__`."""
        for signum in self._previous:
            if signal.getsignal(signum) != self._handle:
                signal.signal(signum, self._handle)

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.requested = signum
        if not self._writing:
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """The writes: a signal from now on is noted, not raised, to the end of the run (after the block
        too: a KeyboardInterrupt once the report of the writes is out would add a second one)."""
        self.rearm()
        self._writing = True
        yield

    def __call__(self) -> bool:
        """Whether a stop was asked for: the writer's check before each write, which also puts this
        handler back if code run since the last write (flytekit, called for the first time from the
        main thread) installed its own."""
        if self._writing and threading.current_thread() is threading.main_thread():
            self.rearm()
        return self.requested is not None

