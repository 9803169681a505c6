"""What answering references from a lock shares, Flyte 1 workflows and Flyte 2 tasks alike: the error
of a reference the lock does not hold (LP308), and of a malformed entry (LP309, reported once at its
line in the lock)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lpctl.diagnostics import Diagnostic, Location, error
from lpctl.shared.imports import ResolveError

if TYPE_CHECKING:
    from lpctl.lock import Lock


def not_in_lock(kind: str, ref: str, path: str) -> ResolveError:
    """``kind`` (``workflow``, ``task``) ``ref`` has no entry in the lock at ``path``."""
    return ResolveError("LP308", f"{kind} '{ref}' is not in the lock {path}",
                        f"run 'lpctl lock' on these specs to record it (it imports the {kind} once)")


def malformed(lock: Lock, path: str, ref: str, why: str, diagnostics: list[Diagnostic], *,
              after: str = "workflows") -> ResolveError:
    """The entry of ``ref`` (under ``after`` in the lock) is malformed: reported in ``diagnostics`` at its line,
    and the specs naming it are not compiled (their error is marked reported)."""
    from lpctl.lockfile import where

    line, col = where(lock.text, ref, after=after)
    diagnostics.append(error("LP309", f"the entry of '{ref}' is malformed: {why}", Location(path, line, col),
                             "run 'lpctl lock' to write it again"))
    return ResolveError("LP309", why, reported=True)
