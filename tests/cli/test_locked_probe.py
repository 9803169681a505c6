"""--locked imports nothing, for every kind of spec: not flytekit, not flyte, not the user's modules, not jsonschema.

Each case locks a module that behaves, then replaces it by one that writes a file when imported (a
change made after 'lpctl lock', as in an untrusted pull request), and runs validate and render --locked
in a fresh interpreter that reports every module it imported.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from support import HEADER, ROOT, TRIGGER_HEADER

_PROBE = """
import sys
sys.argv = ["lpctl", *sys.argv[1:]]
try:
    from lpctl.cli import app
    app()
except SystemExit as e:
    code = e.code
leaked = sorted(m for m in sys.modules if m.split(".")[0] in ("flytekit", "flyte", "probemod", "jsonschema",
                                                            "mashumaro"))
sys.stderr.write("LEAKED " + ",".join(leaked) + "\\n")
sys.exit(code)
"""

_WRITES = "open({marker!r}, 'w').write('imported')\n"

_LAUNCH_PLAN = """
from flytekit import workflow


@workflow
def wf(a: int = 1) -> None:
    pass
"""

_TRIGGER = """
import flyte

env = flyte.TaskEnvironment(name="probe")


@env.task
async def t(a: int = 1) -> int:
    return a
"""

#: kind -> (the module, the spec)
KINDS = {
    "LaunchPlan": (_LAUNCH_PLAN, HEADER + "name: lp\nworkflow: probemod:wf\ndefault_inputs:\n  a: 2\n"),
    "Trigger": (_TRIGGER, TRIGGER_HEADER + "name: tr\ntask: probemod:t\ninputs:\n  a: 2\n"),
}


def _lpctl(*args: str, cwd: Any, probe: bool = False) -> subprocess.CompletedProcess[str]:
    code = ["-c", _PROBE] if probe else ["-m", "lpctl"]
    env = {**os.environ, "PYTHONPATH": ROOT}
    return subprocess.run([sys.executable, *code, *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env=env)


@pytest.fixture(scope="module", params=sorted(KINDS))
def locked_then_changed(request: Any, tmp_path_factory: Any) -> tuple[str, Any]:
    """A folder with a spec, its lock, and the module changed afterwards to write MARKER when imported."""
    kind = request.param
    module, spec = KINDS[kind]
    folder = tmp_path_factory.mktemp(kind)
    (folder / "probemod.py").write_text(module)
    (folder / "spec.yaml").write_text(spec)
    proc = _lpctl("lock", "spec.yaml", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    (folder / "importing.json").write_text(_lpctl("render", "spec.yaml", "--version", "v1", cwd=folder).stdout)
    (folder / "probemod.py").write_text(_WRITES.format(marker=str(folder / "MARKER")) + module)
    return kind, folder


@pytest.mark.parametrize("command", [["validate", "spec.yaml"], ["render", "spec.yaml", "--version", "v1"]])
def test_locked_imports_nothing_for_every_kind(locked_then_changed: tuple[str, Any], command: list[str]) -> None:
    kind, folder = locked_then_changed
    proc = _lpctl(*command, "--locked", cwd=folder, probe=True)
    assert proc.stderr.splitlines()[-1] == "LEAKED ", (kind, proc.stderr)
    assert not (folder / "MARKER").exists()
    code, report = ANSWER[kind]
    assert proc.returncode == code
    if command[0] == "validate":
        assert proc.stdout == report
    else:  # the bytes of the run that imported the module as it was locked
        assert proc.stdout == (folder / "importing.json").read_text()


#: what --locked answers (validate's report)
ANSWER = {
    "LaunchPlan": (0, "1 file OK: 1 launch plan\n"),
    "Trigger": (0, "1 file OK: 0 launch plans, 1 trigger\n"),
}


def test_the_probe_covers_every_kind() -> None:
    from lpctl.spec.load import KINDS as READ

    assert sorted(KINDS) == sorted(READ) == sorted(ANSWER)
