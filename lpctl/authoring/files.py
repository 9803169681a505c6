"""Writing spec files: create without clobbering, or replace atomically keeping the file's mode."""

from __future__ import annotations

import contextlib
import os
import tempfile

from lpctl.errors import OutputError


def create_file(path: str, text: str, *, force: bool = False) -> None:
    """Create ``path``; an existing file is replaced only with ``force``."""
    if force:
        replace_file(path, text)
        return
    try:
        with open(path, "x", encoding="utf-8", newline="") as f:
            f.write(text)
    except FileExistsError:
        raise OutputError(f"{path} exists; give --force to replace it") from None
    except OSError as e:
        raise OutputError(f"{path}: cannot write: {e.strerror or e}") from None


def replace_file(path: str, text: str) -> None:
    """Write through a temporary file in the same directory, renamed into place.

    The file keeps its mode; a new one gets what ``open()`` would give (0666 less the umask).
    """
    directory = os.path.dirname(os.path.abspath(path))
    target = os.path.realpath(path)  # a symlink is followed, not replaced
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".lpctl-", suffix=".tmp", dir=os.path.dirname(target) or directory)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.chmod(tmp, _mode(target))
        os.replace(tmp, target)
        tmp = None
    except OSError as e:
        raise OutputError(f"{path}: cannot write: {e.strerror or e}") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _mode(path: str) -> int:
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
