"""``-j N``: one function mapped over many items in forked worker processes, results in order.

Only a run that imports nothing uses it (``--locked``): the workers are forked from the process that
has read the lock, so they start with lpctl imported and share its memory until they write to it.
Results come back in the items' order, so output, diagnostics and progress are those of ``-j 1``.

The pool is a few pipes and files, no threads: the items are cut into chunks whose numbers wait in a
pipe; each worker (``jobs - 1`` of them) and the calling process itself take the next number when they
are free, so a slow process only takes fewer. A worker writes a chunk's pickled results to its own
unlinked temporary file (a :class:`Spill`) and says where on its own pipe: it never waits for the
calling process to read. The calling process works on chunks too while the next one in order is not
done, and yields the results in order.

The workers ignore Ctrl-C: the calling process gets it, kills them (they hold nothing but unlinked
files), reaps them, and exits as it always does.
"""

from __future__ import annotations

import os
import signal
import struct
import sys
from collections.abc import Callable, Generator, Sequence
from typing import Any, TypeVar

from lpctl import accel

T = TypeVar("T")
R = TypeVar("R")

#: fewer items than this run in the calling process alone: a fork and the results' transfer cost about
#: what 100 specs take to check (250 specs: validate -j 2 0.13 s against 0.14 s, render 0.16 against 0.18)
MIN_ITEMS = 200
#: items per chunk at most: large enough that a chunk's transfer is cheap, small enough to balance
MAX_CHUNK = 64

#: this process's file in every Spill: 0 in the calling process, a worker's number in a worker
_slot = 0

_TASK = struct.Struct("<I")  # a chunk's number
_DONE = struct.Struct("<IQQ")  # chunk, offset and length of its pickled results (and exception)
_SIGNALS = {signal.SIGINT, signal.SIGTERM}
#: bytes a Spill holds before it writes them
_HELD = 1 << 20


def cores() -> int:
    """The cores this process may run on (the default of ``--jobs``)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Worker processes are forked, which only Linux does safely and cheaply; elsewhere ``-j`` is 1."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and hasattr(signal, "pthread_sigmask")


class Spill:
    """Bytes set aside by whichever process of a pool makes them, read back by the calling process later:
    one unlinked temporary file per process (nothing to clean up, nothing held in memory, no process
    waiting for another). :meth:`put` gives ``(file, offset, length)``; :meth:`read` takes it back once
    the process that put it has called :meth:`flush` (a worker does after each chunk)."""

    def __init__(self) -> None:
        self._fds: list[int] = []
        self._ends: list[int] = []  # each process appends to its own file only, so its end is its own
        self._held: list[bytes] = []  # this process's bytes not written yet
        self._held_size = 0

    def prepare(self, files: int) -> None:
        """Open ``files`` files: the workers' are opened in the calling process, before they are forked."""
        while len(self._fds) < files:
            self._fds.append(_temporary_file())
            self._ends.append(0)

    def put(self, data: bytes) -> tuple[int, int, int]:
        slot = _slot
        self.prepare(slot + 1)
        offset = self._ends[slot] + self._held_size
        self._held.append(data)
        self._held_size += len(data)
        if self._held_size >= _HELD:
            self.flush()
        return slot, offset, len(data)

    def forget(self) -> None:
        """In a new worker: what the calling process held is its own to write."""
        self._held, self._held_size = [], 0

    def flush(self) -> None:
        """Write what this process put (one write instead of one per entry)."""
        if not self._held:
            return
        fd, at = self._fds[_slot], self._ends[_slot]
        data, self._held, self._held_size = b"".join(self._held), [], 0
        view = memoryview(data)
        while view:
            written = os.pwrite(fd, view, at)
            view, at = view[written:], at + written
        self._ends[_slot] = at

    def read(self, slot: int, offset: int, length: int) -> bytes:
        self.flush()
        data = os.pread(self._fds[slot], length, offset)
        while len(data) < length:  # a regular file gives all at once; a signal could cut a read short
            more = os.pread(self._fds[slot], length - len(data), offset + len(data))
            if not more:
                raise OSError(f"temporary file {slot} ends at {offset + len(data)}, before {offset + length}")
            data += more
        return data

    def close(self) -> None:
        fds, self._fds, self._ends = self._fds, [], []
        for fd in fds:
            os.close(fd)

    def __del__(self) -> None:
        self.close()


def _temporary_file() -> int:
    directory = os.environ.get("TMPDIR") or "/tmp"
    try:
        return os.open(directory, os.O_TMPFILE | os.O_RDWR, 0o600)
    except (OSError, AttributeError):  # a file system without O_TMPFILE
        import tempfile

        with tempfile.TemporaryFile() as f:
            return os.dup(f.fileno())


def forks(count: int, jobs: int) -> bool:
    """Whether :func:`ordered_map` of ``count`` items with ``jobs`` forks workers."""
    return jobs > 1 and count >= MIN_ITEMS and can_fork() and accel.on()


def ordered_map(work: Callable[[T], R], items: Sequence[T], jobs: int, spills: Sequence[Spill] = (),
                then: Callable[[list[R]], None] | None = None) -> Generator[R, None, None]:
    """``map(work, items)``, in ``jobs`` processes (this one and forked workers) when there are enough
    items to gain.

    ``work`` runs in the workers as it is (a fork copies it: nothing is pickled but results); ``spills``
    are the :class:`Spill` it puts bytes in (each gets a file per worker before the fork); ``then`` is
    called with each chunk's results in the process that made them, before they are handed over (a second
    kind of work, done a chunk at a time: one kind at a time keeps the caches warm). Closing the iterator
    early (an exception, Ctrl-C) kills the workers at once.
    """
    if not forks(len(items), jobs):
        for item in items:
            result = work(item)
            if then is not None:
                then([result])
            yield result
        return
    pool = _Pool(work, items, min(jobs, cores()), list(spills), then)  # -j 100000 would fork 100000
    finished = False
    try:
        pool.start()
        yield from pool.results()
        finished = True
    finally:
        pool.end(kill=not finished)


class _Pool:
    def __init__(self, work: Callable[[Any], Any], items: Sequence[Any], jobs: int, spills: list[Spill],
                 then: Callable[[list[Any]], None] | None) -> None:
        self.work, self.items, self.spills, self.then = work, items, spills, then
        self.size = max(min(MAX_CHUNK, -(-len(items) // (jobs * 4))), -(-len(items) // 8192))
        self.count = -(-len(items) // self.size)
        self.spill = Spill()
        self.pipes: dict[int, int] = {}  # a worker's pipe -> its file in the spill
        self.pids: list[int] = []
        #: chunk -> where a worker put its results, or the results made here
        self.done: dict[int, tuple[int, int, int] | tuple[list[Any], BaseException | None]] = {}
        self.tasks = self._queue()
        self.workers = jobs - 1  # the calling process works through the chunks beside them

    def _queue(self) -> int:
        """Every chunk's number in a pipe, whose writing end is closed: the reader's end of the work is EOF."""
        read, write = os.pipe()
        try:
            os.write(write, b"".join(_TASK.pack(k) for k in range(self.count)))  # <= 32 KB: fits in a pipe
        finally:
            os.close(write)
        return read

    def start(self) -> None:
        if (k := self._take()) is not None:
            # the first chunk here, before the fork: what a spec's checks import the first time (the target,
            # protobuf's messages: ~0.1 s) and remember is imported and remembered once, not once per process
            self.done[k] = self._run(k)
        workers = self.workers
        for spill in (self.spill, *self.spills):
            spill.prepare(workers + 1)
        # Ctrl-C and SIGTERM wait until every worker is forked and ignores Ctrl-C: a signal handled in a
        # worker before that would run the calling process's handler there
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        try:
            for slot in range(1, workers + 1):
                read, write = os.pipe()
                try:
                    pid = os.fork()
                except OSError:  # no more processes (RLIMIT_NPROC, memory): the ones there do the work
                    os.close(read)
                    os.close(write)
                    break
                if pid == 0:
                    os.close(read)
                    self._serve(slot, write, held)  # never returns
                os.close(write)
                self.pipes[read] = slot
                self.pids.append(pid)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def _serve(self, slot: int, done: int, held: Any) -> None:
        """A worker: chunks until there are none, then exit (never back into the caller's code)."""
        global _slot
        code = 1
        try:
            _slot = slot
            # Ctrl-C reaches the whole process group, SIGTERM may too: the calling process ends the workers
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            for pipe in self.pipes:  # the earlier workers' (only the calling process reads them)
                os.close(pipe)
            for spill in (self.spill, *self.spills):
                spill.forget()
            import pickle

            while (k := self._take()) is not None:
                results, error = self._run(k)
                try:
                    data = pickle.dumps((results, error), pickle.HIGHEST_PROTOCOL)
                except Exception as e:  # an exception that does not pickle: its type and text do
                    data = pickle.dumps((results, RuntimeError(f"{type(error).__name__}: {error} ({e})")))
                _, offset, length = self.spill.put(data)
                for spill in (self.spill, *self.spills):  # all of the chunk is written before it is announced
                    spill.flush()
                os.write(done, _DONE.pack(k, offset, length))
            code = 0
        finally:
            os._exit(code)

    def _take(self) -> int | None:
        task = os.read(self.tasks, _TASK.size)  # never blocks: every number is written, the writer closed
        return _TASK.unpack(task)[0] if task else None

    def _run(self, k: int) -> tuple[list[Any], BaseException | None]:
        """One chunk's results, and the exception that stopped it (the results before it are kept)."""
        results: list[Any] = []
        error: Exception | None = None
        try:
            for item in self.items[k * self.size:(k + 1) * self.size]:
                results.append(self.work(item))
        except Exception as e:
            error = e
        try:
            if self.then is not None:
                self.then(results)
        except Exception as e:
            return [], error or e
        return results, error

    def results(self) -> Generator[Any, None, None]:
        for k in range(self.count):
            while k not in self.done:
                self._advance()
            results, error = self._unpack(self.done.pop(k))
            yield from results
            if error is not None:
                raise error

    def _advance(self) -> None:
        """Take what the workers finished; if the next chunk is not among it, work on one here, or wait."""
        self._collect(0)
        if (k := self._take()) is not None:
            self.done[k] = self._run(k)
        elif self.pipes:
            self._collect(None)
        else:
            raise RuntimeError("a worker process ended before its work was done")

    def _collect(self, timeout: float | None) -> None:
        import select

        ready, _, _ = select.select(list(self.pipes), [], [], timeout) if self.pipes else ([], [], [])
        for pipe in ready:
            data = os.read(pipe, _DONE.size * 512)  # each record is written at once: never cut
            if not data:  # the worker is gone (its work done, or killed)
                os.close(pipe)
                del self.pipes[pipe]
                continue
            for k, offset, length in _DONE.iter_unpack(data):
                self.done[k] = (self.pipes[pipe], offset, length)

    def _unpack(self, entry: tuple[Any, ...]) -> tuple[list[Any], BaseException | None]:
        if len(entry) == 2:
            return entry[0], entry[1]
        import pickle

        slot, offset, length = entry
        unpacked: tuple[list[Any], BaseException | None] = pickle.loads(self.spill.read(slot, offset, length))
        return unpacked

    def end(self, kill: bool) -> None:
        """Reap the workers (killed first unless their work is done); no signal can cut this short."""
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        try:
            for pid in self.pids:
                if kill:  # not reaped yet, so it exists (at least as a zombie)
                    os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            for pipe in self.pipes:
                os.close(pipe)
            self.pipes.clear()
            os.close(self.tasks)
            self.spill.close()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
