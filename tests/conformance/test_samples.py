"""Every bundled sample renders to the very launch plan flytekit builds from its Python twin."""

from __future__ import annotations

import os

import pytest
from harness import ROOT, assert_same, flytekit_launch_plan, lpctl_launch_plans

from samples.flytekit_equivalents import SAMPLES


@pytest.mark.parametrize("filename", sorted(SAMPLES))
def test_sample_equals_flytekit(filename: str) -> None:
    builders = SAMPLES[filename]
    builders = builders if isinstance(builders, list) else [builders]
    ours = lpctl_launch_plans(os.path.join(ROOT, "samples", filename))
    assert len(ours) == len(builders)
    for mine, build in zip(ours, builders, strict=True):
        assert_same(mine, flytekit_launch_plan(build))
