"""Keeping lpctl's standard output its own while workflow modules run.

Importing a workflow module runs its code, and that code may print: at import time, from a
thread it started, from a child process, from C. Any of it on standard output would corrupt a
bundle written there (``lpctl render > bundle.json``). So for the whole run lpctl writes its
output to a duplicate of the real file descriptor 1, and descriptor 1 itself (and with it
``sys.stdout``, ``print``, threads and children) points at standard error.

When no real descriptor is behind ``sys.stdout`` (a test runner's buffer), only ``sys.stdout``
is pointed at ``sys.stderr``.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from typing import TextIO

_STACK: list[TextIO] = []


def output() -> TextIO:
    """Where lpctl's own output goes: the protected stream of the current run, else ``sys.stdout``."""
    return _STACK[-1] if _STACK else sys.stdout


@contextlib.contextmanager
def protected_stdout() -> Iterator[TextIO]:
    """Point descriptor 1 at standard error for the duration; yield a stream on the real stdout."""
    stdout = sys.stdout
    fd = _fileno(stdout)
    if fd is None or _fileno(sys.stderr) is None:
        yield from _python_level(stdout)
        return
    stdout.flush()
    saved = os.dup(fd)
    os.dup2(_fileno(sys.stderr) or 2, fd)
    out = open(saved, "w", encoding=stdout.encoding, errors=stdout.errors,  # noqa: SIM115
               buffering=1 if stdout.line_buffering else -1)
    _STACK.append(out)
    try:
        yield out
    finally:
        _STACK.pop()
        _finish(out, fd)


def _finish(out: TextIO, fd: int) -> None:
    try:
        out.flush()
    except BrokenPipeError:  # the reader went away (| head): drop what is left, quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())
        os.close(devnull)
        raise
    sys.stdout.flush()
    if threading.active_count() > 1:
        return  # a module's thread may still print: stdout stays on stderr until the process ends
    os.dup2(out.fileno(), fd)
    out.close()


def _python_level(stdout: TextIO) -> Iterator[TextIO]:
    _STACK.append(stdout)
    sys.stdout = sys.stderr
    try:
        yield stdout
    finally:
        _STACK.pop()
        sys.stdout = stdout


def _fileno(stream: TextIO) -> int | None:
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None
