"""Fixtures of the Flyte 2 conformance suite."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from trigger_harness import lpctl_triggers


@pytest.fixture
def compile_trigger(tmp_path: Any) -> Callable[[str], Any]:
    def compile_one(body: str) -> Any:
        path = tmp_path / "trigger.yaml"
        path.write_text("apiVersion: lpctl/v1\nkind: Trigger\n" + body)
        triggers = lpctl_triggers(str(path))
        assert len(triggers) == 1
        return triggers[0]
    return compile_one
