"""Diagnostics located in one document: what every compile step of a target appends to."""

from __future__ import annotations

from dataclasses import dataclass, field

from lpctl.diagnostics import Diagnostic, Severity, error, warning
from lpctl.spec.load import Document
from lpctl.spec.positions import Path


@dataclass
class Findings:
    doc: Document
    diagnostics: list[Diagnostic] = field(default_factory=list, kw_only=True)

    def error(self, code: str, message: str, path: Path, *, key: bool = False, hint: str | None = None) -> None:
        self.diagnostics.append(error(code, message, self.doc.location(path, key=key), hint))

    def warn(self, code: str, message: str, path: Path, *, key: bool = False, hint: str | None = None) -> None:
        self.diagnostics.append(warning(code, message, self.doc.location(path, key=key), hint))

    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)
