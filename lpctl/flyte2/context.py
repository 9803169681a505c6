"""What every trigger compile step shares: the document, its typed spec, the task (if it resolved), the findings."""

from __future__ import annotations

from dataclasses import dataclass

from lpctl.flyte2.bridge import TaskInterface
from lpctl.spec.findings import Findings
from lpctl.spec.model import TriggerSpec


@dataclass
class TriggerContext(Findings):
    #: the document as a typed value
    spec: TriggerSpec
    #: None when the task did not resolve: the checks that need it are skipped
    task: TaskInterface | None
