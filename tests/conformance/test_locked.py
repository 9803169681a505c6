"""--locked gives the bundle bytes and diagnostics of a run that imports, on every conformance case and sample.

Each case is locked (``lpctl lock`` imports the workflow once), then rendered twice: importing,
and from the lock. The importing run is itself proved equal to flytekit by test_features.py and
test_samples.py, so equal bytes here mean the locked run is equal to flytekit too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from harness import HERE, ROOT, VERSION
from support import HEADER, run_options
from test_features import CASES

from lpctl import accel
from lpctl.bundle import render_bundle
from lpctl.lock import lock_text
from lpctl.locker import build_lock
from lpctl.pipeline import Result, run

ROOTS = (ROOT, HERE)
SAMPLES = os.path.join(ROOT, "samples")


def _both(path: str, lock_path: str) -> tuple[Result, Result]:
    built = build_lock([path], [os.getcwd(), *ROOTS], max_bytes=1 << 20, import_timeout=60)
    assert [str(d) for d in built.diagnostics] == []
    with open(lock_path, "w", encoding="utf-8") as f:
        f.write(lock_text(built.lock))
    importing = run([path], run_options(version=VERSION, python_path=ROOTS))
    locked = run([path], run_options(version=VERSION, python_path=ROOTS, locked=True, lock_path=lock_path))
    return importing, locked


def _assert_same_run(importing: Result, locked: Result) -> None:
    assert [str(d) for d in locked.diagnostics] == [str(d) for d in importing.diagnostics]
    assert locked.plans, "nothing rendered"
    assert render_bundle(locked.plans) == render_bundle(importing.plans)


@pytest.mark.parametrize("name", sorted(CASES))
def test_locked_case_renders_the_same_bytes(name: str, tmp_path: Any) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(HEADER + CASES[name][0])
    _assert_same_run(*_both(str(spec), str(tmp_path / "lpctl.lock")))


def test_locked_samples_render_the_same_bytes(tmp_path: Any) -> None:
    _assert_same_run(*_both(SAMPLES, str(tmp_path / "lpctl.lock")))


def test_committed_samples_lock_is_current() -> None:
    built = build_lock([SAMPLES], [ROOT], max_bytes=1 << 20, import_timeout=60)
    with open(os.path.join(SAMPLES, "lpctl.lock"), encoding="utf-8") as f:
        committed = f.read()
    assert lock_text(built.lock) == committed


_PROBE = """
import sys, runpy
sys.argv = ["lpctl", *sys.argv[1:]]
try:
    from lpctl.cli import app
    app()
except SystemExit as e:
    code = e.code
leaked = sorted(m for m in sys.modules
                if m.split(".")[0] in ("flytekit", "samples", "mashumaro", "jsonschema", "yaml", "ruamel")
                or m == "importlib.metadata")
sys.stderr.write("LEAKED " + ",".join(leaked) + "\\n")
sys.exit(code)
"""


@pytest.mark.skipif(not accel.on(), reason="LPCTL_NO_ACCEL: the reference readers import jsonschema and ruamel")
@pytest.mark.parametrize("command", [["validate", "samples"],
                                     ["render", "samples", "--version", "v1", "-o", os.devnull],
                                     ["diff", "samples", "samples", "--version", "v1"],
                                     ["package", "samples", "-o", "OUT"]])
def test_locked_commands_import_neither_flytekit_nor_workflows_nor_jsonschema(command: list[str],
                                                                              tmp_path: Any) -> None:
    args = [a if a != "OUT" else str(tmp_path / "lps.tgz") for a in command]
    env = {k: v for k, v in os.environ.items() if k != "LPCTL_NO_CACHE"}  # the cache is on, as users have it
    proc = subprocess.run([sys.executable, "-c", _PROBE, *args, "--locked"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    leaked = proc.stderr.splitlines()[-1]
    assert leaked.startswith("LEAKED ")
    # nor jsonschema: the samples are valid, and the compiled check answers for valid documents; nor
    # importlib.metadata: the interface cache (which asks it for flytekit's version) is for imports only; nor
    # PyYAML or ruamel: the samples are in the plain block style that lpctl.accel.blockyaml reads on its own
    assert leaked == "LEAKED "
