"""The conformance machinery: lpctl's LaunchPlan next to the one flytekit serializes."""

from __future__ import annotations

import os
import sys
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from support import run_options

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROJECT, DOMAIN, VERSION = "flytesnacks", "development", "v1"

# example_pkg and samples must be one module object for lpctl and for flytekit; appended,
# so that the installed lpctl (not the source tree) is the one under test
for path in (HERE, ROOT):
    if path not in sys.path:
        sys.path.append(path)


def flytekit_launch_plan(build: Callable[[], Any]) -> Any:
    """Build with flytekit and serialize exactly as pyflyte register does."""
    from flytekit.configuration import ImageConfig, SerializationSettings
    from flytekit.core.launch_plan import LaunchPlan
    from flytekit.tools.translator import get_serializable

    LaunchPlan.CACHE.clear()
    settings = SerializationSettings(project=PROJECT, domain=DOMAIN, version=VERSION,
                                     image_config=ImageConfig.auto_default_image())
    return get_serializable(OrderedDict(), settings, build()).to_flyte_idl()


def lpctl_launch_plans(path: str) -> list[Any]:
    """Compile with lpctl; fails the test on any error diagnostic."""
    from lpctl.pipeline import run

    result = run([path], run_options(version=VERSION, python_path=(ROOT, HERE)))
    errors = [str(d) for d in result.diagnostics if d.severity.name == "ERROR"]
    assert errors == []
    return [p.launch_plan for p in sorted(result.plans, key=lambda p: p.source.document)]


def assert_same(ours: Any, theirs: Any) -> None:
    """Equal as protobuf messages (map order aside), with a readable diff when not."""
    from google.protobuf import json_format

    if ours.id != theirs.id or ours.spec != theirs.spec:
        def show(lp: Any) -> str:
            return json_format.MessageToJson(lp, sort_keys=True)
        mine = type(theirs)(id=ours.id, spec=ours.spec)
        other = type(theirs)(id=theirs.id, spec=theirs.spec)
        assert show(mine) == show(other)
