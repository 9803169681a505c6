"""What a target (Flyte 1 launch plans, Flyte 2 triggers) provides, and the one registry by kind.

The pipeline never asks which target it runs: it takes the target registered for a document's
``kind`` and calls it through :class:`Target`. A target's module is imported only when a spec of
its kind is read (the Flyte 2 target needs the ``flyte2`` extra).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from lpctl.diagnostics import Diagnostic
    from lpctl.lock import Lock
    from lpctl.spec.config import Identity
    from lpctl.spec.load import Document


class Resolving(Protocol):
    """Answers a spec's reference (``workflow:``, ``task:``) with an interface or a ResolveError."""

    #: problems found in what answers the references (the lock), reported once for the run
    diagnostics: list[Diagnostic]

    def resolve(self, ref: Any) -> Any: ...

    def save(self) -> None: ...


@dataclass(frozen=True)
class Importing:
    """How an importing run finds user code."""

    roots: Sequence[str]
    import_timeout: float
    #: keep resolved interfaces in .lpctl_cache/ (for the targets that can)
    cache: bool = False


class Target(Protocol):
    """One Flyte target: its spec kinds, how it resolves references, compiles and checks across specs."""

    #: the ``kind:`` values it reads
    kinds: tuple[str, ...]
    #: where lpctl.lock keeps this target's interfaces (a field of :class:`lpctl.lock.Lock`)
    lock_section: str

    def importing(self, how: Importing) -> Resolving:
        """A resolver that imports the user's code."""

    def locked(self, lock: Lock, path: str) -> Resolving | None:
        """A resolver that answers from the lock and imports nothing; None if the target cannot read a lock."""

    def lock_entry(self, resolved: Any, module: str | None) -> dict[str, Any]:
        """The lock entry of an interface ``importing`` resolved; ``locked`` reads it back."""

    def compile(self, doc: Document, broken: set[str], resolver: Resolving,
                identity: Identity) -> tuple[Any | None, list[Diagnostic]]:
        """The compiled message of ``doc`` (None when it has errors, or ``broken`` fields), and its findings."""

    def duplicates(self, compiled: list[Any]) -> list[Diagnostic]:
        """Cross-spec checks on everything this target compiled in one run."""


class MissingTarget(Exception):
    """The target's module needs an extra that is not installed."""

    def __init__(self, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint


@dataclass(frozen=True)
class Registration:
    #: the module that defines ``TARGET``
    module: str
    #: the spec key that names the user's code; a document whose key the schema refused is not compiled
    reference_key: str
    #: what the specs of this kind need, and the code and hint that say so when it is missing
    needs: str
    code: str
    install: str


#: kind -> its target; the pipeline's only knowledge of targets
TARGETS: dict[str, Registration] = {
    "LaunchPlan": Registration("lpctl.flyte1.target", "workflow", "Flyte 1 launch plans need flyteidl", "LP901",
                               "pip install flyteidl (a dependency of lpctl)"),
    "Trigger": Registration("lpctl.flyte2.target", "task", "Flyte 2 triggers need flyte-sdk", "LP901",
                            "pip install 'flyte>=2.12,<3' (lpctl's flyte2 extra)"),
}


def target_for(kind: str) -> Target:
    """The target registered for ``kind``; raises :class:`MissingTarget` if its extra is not installed."""
    registration = TARGETS[kind]
    try:
        module = importlib.import_module(registration.module)
    except ModuleNotFoundError as e:
        raise MissingTarget(registration.code, f"{registration.needs}, which is not installed ({e})",
                            registration.install) from None
    target: Target = module.TARGET
    return target
