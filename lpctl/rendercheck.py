"""``lpctl render --check``: is the committed bundle exactly what render would write now?"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lpctl.bundle import render_bundle
from lpctl.diff import Staleness, staleness
from lpctl.errors import PathError


def check_rendered(path: str, plans: Sequence[Any], triggers: Sequence[Any]) -> Staleness:
    """Compare the file at ``path`` with the bundle of ``plans`` and ``triggers``; PathError if unreadable."""
    text = render_bundle(plans, triggers)
    return staleness(path, _read(path, limit=4 * len(text) + 1024 * 1024), text)


def _read(path: str, *, limit: int) -> str:
    """The file's text: a regular file or a pipe (``--check <(git show main:bundle.json)``), of at most
    ``limit`` bytes; a device (``/dev/zero`` never ends) or anything larger is a PathError."""
    import os
    import stat

    from lpctl.lockfile import file_kind

    try:
        with open(path, "rb") as f:
            mode = os.fstat(f.fileno()).st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
                raise PathError(f"{path}: cannot read: not a regular file or a pipe ({file_kind(mode)})")
            data = f.read(limit + 1)
    except OSError as e:
        raise PathError(f"{path}: cannot read: {e.strerror or e}") from None
    if len(data) > limit:
        raise PathError(f"{path}: cannot read: over {limit:,} bytes, far larger than the bundle render writes "
                        "now: not a bundle")
    return data.decode("utf-8", errors="replace")
