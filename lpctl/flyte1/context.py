"""What every compile step shares: the document being compiled and its diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, field

from lpctl.diagnostics import Diagnostic, Severity, error, warning
from lpctl.flyte1.interface import WorkflowInterface
from lpctl.spec.load import Document
from lpctl.spec.model import LaunchPlanSpec
from lpctl.spec.positions import Path


@dataclass
class Context:
    doc: Document
    #: the document as a typed value
    spec: LaunchPlanSpec
    interface: WorkflowInterface
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, code: str, message: str, path: Path, *, key: bool = False, hint: str | None = None) -> None:
        self.diagnostics.append(error(code, message, self.doc.location(path, key=key), hint))

    def warn(self, code: str, message: str, path: Path, *, key: bool = False, hint: str | None = None) -> None:
        self.diagnostics.append(warning(code, message, self.doc.location(path, key=key), hint))

    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)
