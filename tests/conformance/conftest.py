"""Fixtures of the conformance suite."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from harness import lpctl_launch_plans


@pytest.fixture
def compile_spec(tmp_path: Any) -> Callable[[str], Any]:
    def compile_one(body: str) -> Any:
        path = tmp_path / "spec.yaml"
        path.write_text("apiVersion: lpctl/v1\nkind: LaunchPlan\n" + body)
        plans = lpctl_launch_plans(str(path))
        assert len(plans) == 1
        return plans[0]
    return compile_one
