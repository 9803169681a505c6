"""Writing spec files: create without clobbering; replacing goes through lpctl.output."""

from __future__ import annotations

import contextlib
import os

from lpctl.errors import OutputError
from lpctl.output import make_parents, standard_stream, write_output


def create_file(path: str, text: str, *, force: bool = False) -> None:
    """Create ``path`` (and the folders above it); an existing file is replaced (atomically, see lpctl.output)
    only with ``force``."""
    if standard_stream(path) is not None:  # -o /dev/stdout: that stream
        write_output(path, text)
        return
    make_parents(path)
    if force:
        write_output(path, text)
        return
    if os.path.isdir(path):
        raise OutputError(f"{path}: cannot write: Is a directory")
    try:
        f = open(path, "x", encoding="utf-8", newline="")  # noqa: SIM115 - closed below, removed if not written
    except FileExistsError:
        raise OutputError(f"{path} exists; give --force to replace it") from None
    except OSError as e:
        raise OutputError(f"{path}: cannot write: {e.strerror or e}") from None
    try:
        with f:
            f.write(text)
    except OSError as e:  # a full disk: no half-written spec is left (it would then 'exist')
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise OutputError(f"{path}: cannot write: {e.strerror or e}") from None
