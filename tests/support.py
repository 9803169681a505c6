"""Constants and types shared by the tests (a plain module: conftest names are ambiguous)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFORMANCE = os.path.join(ROOT, "tests", "conformance")
HEADER = "apiVersion: lpctl/v1\nkind: LaunchPlan\n"

for _path in (CONFORMANCE, ROOT):
    if _path not in sys.path:
        sys.path.append(_path)


@dataclass(frozen=True)
class CliResult:
    exit_code: int
    stdout: str
    stderr: str
