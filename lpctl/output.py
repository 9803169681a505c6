"""Writing an output file (``-o``): replaced atomically when it is a regular file, written through when not.

- A regular file (or a new one) is written to a temporary file in the same directory, flushed to
  disk and renamed over the target, so a reader sees the old bytes or the new, never a part.
- ``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N`` and ``/proc/self/fd/N`` are that stream: lpctl's own
  standard output (descriptor 1 points at stderr while workflow modules run, see lpctl.stdio) or
  error, or descriptor N; never reopened through /proc, which fails for a socket.
- Anything else is written through, as the shell's ``>`` would: ``-o /dev/null`` stays a device, a
  FIFO gets the bytes (the run waits for its reader).
- A symbolic link is followed: its target is replaced (or written through), the link stays.
- A new file's missing folders are made first (``lock -o``, ``render -o``, ``package -o``, ``migrate -o``,
  ``new -o`` and ``schema --output`` alike); a file where a folder belongs is refused.

The temporary file is named ``.<name>.<pid>.lpctl.tmp``. A run killed with ``kill -9`` cannot
remove its own, so each write first removes the ones left for the same target by processes
that no longer run (or that are older than an hour): leftovers do not accumulate.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import time
from collections.abc import Callable
from typing import Any

from lpctl.errors import OutputError

_SUFFIX = ".lpctl.tmp"
_STALE_SECONDS = 3600


#: the content, or a function that writes it piece by piece (a bundle streamed as it is made)
Payload = bytes | Callable[[Callable[[bytes], Any]], None]


def write_output(path: str, data: str | Payload) -> None:
    """Write ``data`` to ``path`` as described above; raises :class:`OutputError`."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd = standard_stream(path)
    if fd is not None:
        _write_stream(path, fd, payload)
        return
    if not os.path.lexists(path):
        make_parents(path)
    target = os.path.realpath(path) if os.path.islink(path) else path
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as e:
        raise OutputError(f"{path}: cannot write: {e.strerror or e}") from None
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode):
            raise OutputError(f"{path}: cannot write: Is a directory")
        _write_through(path, target, payload)
    else:
        replace_file(target, payload, shown=path)


_STREAM = re.compile(r"/dev/(stdout|stderr)|/dev/fd/(\d+)|/proc/(?:self|thread-self|(\d+))/fd/(\d+)")


def make_parents(path: str) -> None:
    """Create the folders above ``path`` that do not exist yet (every ``-o`` file, see write_output)."""
    if path.endswith(("/", os.sep)):  # names a folder: none is made for a write that must fail
        raise OutputError(f"{path}: cannot write: a file name must follow the last '/'")
    parent = os.path.dirname(path)
    if not parent or os.path.isdir(parent):
        return
    if os.path.lexists(parent):
        raise OutputError(f"{path}: cannot write: {parent} is not a directory")
    try:
        os.makedirs(parent, exist_ok=True)
    except OSError as e:
        raise OutputError(f"{path}: cannot create {parent}: {e.strerror or e}") from None


def standard_stream(path: str) -> int | None:
    """The descriptor ``path`` names (``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N``, ``/proc/self/fd/N``), or
    None. lpctl writes these to its own stream: while workflow modules run, descriptor 1 points at stderr
    (lpctl.stdio), and reopening a socket or a closed pipe through /proc fails."""
    found = _STREAM.fullmatch(os.path.normpath(path)) if path.startswith(("/dev/", "/proc/")) else None
    if found is None:
        return None
    named, fd_dev, pid, fd_proc = found.groups()
    if named:
        return 1 if named == "stdout" else 2
    if pid is not None and int(pid) != os.getpid():
        return None
    return int(fd_dev if fd_dev is not None else fd_proc)


def _write_stream(shown: str, fd: int, payload: Payload) -> None:
    """Write to lpctl's own standard output or error (1, 2), or straight to descriptor ``fd``."""
    import sys

    from lpctl import stdio

    try:
        if fd in (1, 2):
            stream = stdio.output() if fd == 1 else sys.stderr
            stream.flush()
            binary = getattr(stream, "buffer", None)
            if binary is not None:
                _put(binary, payload)
                binary.flush()
            else:  # a text-only stream (a test runner's)
                _put(_TextSink(stream), payload)
            return
        with open(os.dup(fd), "wb") as f:
            _put(f, payload)
    except OSError as e:
        raise OutputError(f"{shown}: cannot write: {e.strerror or e}") from None


class _TextSink:
    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, data: bytes) -> int:
        self.stream.write(data.decode("utf-8", "replace"))
        return len(data)


def _write_through(shown: str, target: str, payload: Payload) -> None:
    try:
        fd = os.open(target, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
        with open(fd, "wb") as f:
            _put(f, payload)
    except OSError as e:
        raise OutputError(f"{shown}: cannot write: {e.strerror or e}") from None


def replace_file(path: str, payload: Payload, *, shown: str | None = None) -> None:
    """Write ``path`` through a temporary file and a rename; never follows a link at ``path``."""
    directory, name = os.path.split(os.path.abspath(path))
    remove_leftovers(directory, name)
    tmp = os.path.join(directory, f".{_stem(name)}.{os.getpid()}{_SUFFIX}")
    done = False
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with open(fd, "wb") as f:
            _put(f, payload)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _file_mode(path))
        os.replace(tmp, path)
        done = True
    except OSError as e:
        raise OutputError(f"{shown or path}: cannot write: {e.strerror or e}") from None
    finally:
        if not done:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _put(f: Any, payload: Payload) -> None:
    if callable(payload):
        payload(f.write)
    else:
        f.write(payload)


def remove_leftovers(directory: str, name: str) -> list[str]:
    """Remove the temporary files earlier runs left for ``name``; the names removed."""
    pattern = re.compile(rf"\.{re.escape(_stem(name))}\.(\d+){re.escape(_SUFFIX)}")
    removed = []
    try:
        entries = os.listdir(directory)
    except OSError:
        return []
    for entry in entries:
        found = pattern.fullmatch(entry)
        if found and _abandoned(os.path.join(directory, entry), int(found.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(directory, entry))
                removed.append(entry)
    return removed


def _stem(name: str) -> str:
    """The target's name, or a digest of it when the temporary name would be too long."""
    if len(os.fsencode(name)) <= 200:
        return name
    return "lpctl-" + hashlib.sha256(os.fsencode(name)).hexdigest()[:32]


def _abandoned(path: str, pid: int) -> bool:
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode):
        return False
    if time.time() - st.st_mtime > _STALE_SECONDS:
        return True
    return not _running(pid)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process writes one file at a time: an old one of ours is stale
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True


def _file_mode(path: str) -> int:
    """An existing file keeps its mode; a new one gets what open() would give (0666 less the umask)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
