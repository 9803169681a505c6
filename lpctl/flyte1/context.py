"""What every compile step shares: the document being compiled, its typed spec, the workflow, the findings."""

from __future__ import annotations

from dataclasses import dataclass

from lpctl.flyte1.interface import WorkflowInterface
from lpctl.spec.findings import Findings
from lpctl.spec.model import LaunchPlanSpec


@dataclass
class Context(Findings):
    #: the document as a typed value
    spec: LaunchPlanSpec
    interface: WorkflowInterface
