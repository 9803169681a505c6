"""What every trigger compile step shares: the document, the task (if it resolved) and the diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lpctl.diagnostics import Diagnostic, Severity, error, warning
from lpctl.flyte2.bridge import TaskInterface
from lpctl.spec.load import Document
from lpctl.spec.positions import Path


@dataclass
class TriggerContext:
    doc: Document
    #: None when the task did not resolve: the checks that need it are skipped
    task: TaskInterface | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = self.doc.data
        return data

    def error(self, code: str, message: str, path: Path, *, key: bool = False, hint: str | None = None) -> None:
        self.diagnostics.append(error(code, message, self.doc.location(path, key=key), hint))

    def warn(self, code: str, message: str, path: Path, *, key: bool = False, hint: str | None = None) -> None:
        self.diagnostics.append(warning(code, message, self.doc.location(path, key=key), hint))

    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)
