"""Property tests for ``kind: Trigger``: specs generated from the trigger schema, valid and mutated.

The same properties as the launch plans' (test_properties.py, whose emitter and mutator this reuses):
lpctl never raises, exits 0 or 1, every diagnostic is inside the file, render agrees with validate.
"""

from __future__ import annotations

import functools
import os
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import ROOT
from test_properties import EXAMPLES, SETTINGS, _patch_hypothesis_jsonschema, _validate_and_render, mutated, to_document

pytest.importorskip("flyte")

FLYTE2 = os.path.join(ROOT, "tests", "conformance_flyte2")
#: task references the generated specs may use: real ones, missing ones, never arbitrary modules
TASKS = ["flyte2_pkg.pipelines:train", "flyte2_pkg.pipelines:export", "flyte2_pkg.pipelines:kinds",
         "flyte2_pkg.pipelines:no_inputs", "flyte2_pkg.pipelines:plain", "flyte2_pkg.pipelines:Fmt",
         "flyte2_pkg.pipelines:nope", "flyte2_pkg.missing:task"]


@functools.cache
def _trigger_strategy() -> st.SearchStrategy[Any]:
    from hypothesis_jsonschema import from_schema

    from lpctl.spec.schema import load_schema

    _patch_hypothesis_jsonschema()
    return from_schema(load_schema()["$defs"]["trigger"])


@st.composite
def generated_triggers(draw: st.DrawFn) -> Any:
    spec = draw(_trigger_strategy())
    spec = {**spec, "task": draw(st.sampled_from(TASKS))}
    return draw(st.just(spec) | mutated(spec))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("trigger-property")
    (path / "pyproject.toml").write_text(f'[tool.lpctl]\npython_path = ["{FLYTE2}"]\n')
    return path


#: hypothesis-jsonschema draws from the trigger schema about 2 s per example: a fifth of the launch plans' count
# (300 examples passed when this test was written: LPCTL_PROPERTY_EXAMPLES=1500)
@settings(SETTINGS, max_examples=max(EXAMPLES // 5, 10))
@given(spec=generated_triggers())
def test_generated_triggers_never_crash(spec: Any, workdir: Any) -> None:
    _validate_and_render(to_document(spec), workdir)
