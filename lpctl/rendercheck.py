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
    try:
        with open(path, encoding="utf-8", errors="replace", newline="") as f:
            current = f.read()
    except OSError as e:
        raise PathError(f"{path}: cannot read: {e.strerror or e}") from None
    return staleness(path, current, text)
