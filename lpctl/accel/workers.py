"""``-j N``: one function mapped over many items in forked worker processes, results in order.

Only a run that imports nothing uses it (``--locked``): the workers are forked from the process that
has read the lock, so they start with lpctl imported and share its memory until they write to it.
Results come back in the items' order, so output, diagnostics and progress are those of ``-j 1``.
The workers ignore Ctrl-C: the main process gets it, ends them and exits as it always does.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Generator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from lpctl import accel

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")

#: fewer items than this run in the calling process: two forks and their results' transfer cost
#: about what 100-200 specs take to check, so a smaller run would only get slower
MIN_ITEMS = 400
#: items per task at most: large enough that a task's transfer is cheap, small enough to balance
MAX_CHUNK = 64

_work: Callable[[Any], Any] | None = None


def cores() -> int:
    """The cores this process may run on (the default of ``--jobs``)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Worker processes are forked, which only Linux does safely and cheaply; elsewhere ``-j`` is 1."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and hasattr(signal, "pthread_sigmask")


def ordered_map(work: Callable[[T], R], items: Sequence[T], jobs: int) -> Generator[R, None, None]:
    """``map(work, items)``, in ``jobs`` forked processes when there are enough items to gain.

    ``work`` runs in the workers as it is (a fork copies it: nothing is pickled but items and
    results). Closing the iterator early (an exception, Ctrl-C) ends the workers at once.
    """
    if jobs <= 1 or len(items) < MIN_ITEMS or not can_fork() or not accel.on():
        yield from map(work, items)
        return
    import multiprocessing  # 20-40 ms of imports, for a run that uses them
    from concurrent.futures import ProcessPoolExecutor

    jobs = min(jobs, cores())  # a forked pool starts every worker at once: -j 100000 would fork 100000
    size = min(MAX_CHUNK, -(-len(items) // (jobs * 4)))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"), initializer=_start,
                               initargs=(work,))
    # the workers start with Ctrl-C held back, until they ignore it: a fork interrupted before that ends a
    # worker with a traceback (Python's at-fork hooks run first), and the pool breaks instead of stopping
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        try:
            results_by_chunk = pool.map(_chunk, chunks)  # submits every chunk: starts the workers
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a Ctrl-C held back is raised here
        for results in results_by_chunk:
            yield from results
    except BaseException:
        _end(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _start(work: Callable[[Any], Any]) -> None:
    global _work
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent handles it
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _work = work


def _chunk(items: Sequence[Any]) -> list[Any]:
    work = _work
    if work is None:  # pragma: no cover - _start runs first in every worker
        raise RuntimeError("worker not started")
    return [work(item) for item in items]


def _end(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now, not after their current task (the pool itself would wait for it)."""
    processes: dict[int, Any] = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        process.terminate()
