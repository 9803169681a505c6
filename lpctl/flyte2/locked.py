"""Flyte 2 tasks answered from ``lpctl.lock``: nothing is imported (neither flyte-sdk nor the user's code)."""

from __future__ import annotations

from lpctl.flyte2.bridge import TaskInterface
from lpctl.lock import Lock
from lpctl.shared.imports import Memo, ResolveError


class LockedTaskResolver(Memo[TaskInterface]):
    """Answers ``task:`` references from a lock."""

    def __init__(self, lock: Lock, path: str) -> None:
        super().__init__()
        self.lock = lock
        self.path = path

    def _find(self, ref: str) -> TaskInterface | ResolveError:
        entry = self.lock.tasks.get(ref)
        if entry is None:
            return ResolveError("LP308", f"task '{ref}' is not in the lock {self.path}",
                                "run 'lpctl lock' on these specs to record it (it imports the task once)")
        return ResolveError("LP309", f"the entry of '{ref}' in {self.path} is malformed",
                            "run 'lpctl lock' to write it again")
