"""What every trigger compile step shares: the document, the task (if it resolved) and the diagnostics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lpctl.flyte2.bridge import TaskInterface
from lpctl.spec.findings import Findings


@dataclass
class TriggerContext(Findings):
    #: None when the task did not resolve: the checks that need it are skipped
    task: TaskInterface | None

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = self.doc.data
        return data
