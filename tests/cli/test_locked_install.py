"""lpctl installed alone (no flytekit, no project) in a fresh virtual environment checks the samples with --locked.

This is the README's CI job and the pre-commit hook's environment. Skipped only when pip cannot
reach a package index to install lpctl's own dependencies.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import lone
import pytest
from support import ROOT

_OFFLINE = ("No matching distribution", "Could not find a version", "Failed to establish a new connection",
            "Temporary failure in name resolution", "Network is unreachable", "ProxyError", "ConnectionError")


@pytest.fixture(scope="module")
def lone_lpctl(tmp_path_factory: Any) -> str:
    started = os.environ.get(lone.ENV)  # the whole suite: conftest started the build before the first test
    built = lone.wait(started) if started else lone.build(str(tmp_path_factory.mktemp("lone")))
    if built.returncode != 0:
        if any(marker in built.output for marker in _OFFLINE):
            pytest.skip("pip cannot reach a package index: " + built.output.strip().splitlines()[-1])
        raise AssertionError(built.output)
    return built.python


def _lpctl(python: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([python, "-m", "lpctl", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**env, "LPCTL_NO_CACHE": "1"})


def test_the_environment_has_no_flytekit(lone_lpctl: str) -> None:
    proc = subprocess.run([lone_lpctl, "-c", "import flytekit"], capture_output=True, text=True, timeout=60,
                          cwd="/")
    assert proc.returncode == 1 and "No module named 'flytekit'" in proc.stderr


def test_samples_validate_with_locked_as_an_importing_run_does(lone_lpctl: str) -> None:
    proc = _lpctl(lone_lpctl, "validate", "samples", "--locked", "--format", "text")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    importing = _lpctl(sys.executable, "validate", "samples", "--format", "text")  # flytekit installed here
    assert (proc.stdout, proc.stderr) == (importing.stdout, importing.stderr)
    assert "launch plans" in proc.stdout


def test_samples_render_with_locked_gives_the_importing_bytes(lone_lpctl: str) -> None:
    from support import run_options

    from lpctl.bundle import render_bundle
    from lpctl.pipeline import run

    proc = _lpctl(lone_lpctl, "render", "samples", "--locked", "--version", "v1", "--format", "text")
    assert proc.returncode == 0, proc.stderr
    importing = run([os.path.join(ROOT, "samples")], run_options(version="v1", python_path=(ROOT,)))
    assert proc.stdout == render_bundle(importing.plans).replace(ROOT + os.sep, "")


def test_without_locked_the_workflow_import_fails(lone_lpctl: str) -> None:
    proc = _lpctl(lone_lpctl, "validate", "samples/named.yaml", "--format", "text", "--no-cache")
    assert proc.returncode == 1
    assert ("error LP302 importing module 'samples.workflows' raised ModuleNotFoundError: No module named "
            "'flytekit'") in proc.stdout
