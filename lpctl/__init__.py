"""lpctl: declarative Flyte launch plans, validated and rendered offline.

The public API, for tools that embed lpctl instead of running its command line::

    from lpctl import Options, run, render_bundle
    result = run(["launchplans/"], Options(version="v1"))
    if result.ok:
        text = render_bundle(result.plans)

Names are imported on first use, so that ``import lpctl`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "run": "lpctl.pipeline", "Options": "lpctl.pipeline", "Result": "lpctl.pipeline",
    "load_paths": "lpctl.spec.load", "Document": "lpctl.spec.load",
    "check_schema": "lpctl.spec.schema", "Resolver": "lpctl.flyte1.resolve", "compile_spec": "lpctl.flyte1.compile",
    "render_bundle": "lpctl.bundle", "bundle": "lpctl.bundle",
    "diff_bundles": "lpctl.diff", "read_bundle": "lpctl.bundle",
    "gather": "lpctl.pipeline", "Identity": "lpctl.spec.config",
    "Diagnostic": "lpctl.diagnostics", "Severity": "lpctl.diagnostics", "CODES": "lpctl.codes",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'lpctl' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
