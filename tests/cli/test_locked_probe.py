"""--locked imports nothing, for every kind of spec: not flytekit, not flyte, not the user's modules, not jsonschema.

Each case locks a module that behaves, then replaces it by one that writes a file when imported (a
change made after 'lpctl lock', as in an untrusted pull request), and runs validate, render and backfill
--execute (status's reads, then writes, against a loopback server) --locked in a fresh interpreter that
reports every module it imported.
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

    assert sorted(KINDS) == sorted(READ) == sorted(ANSWER) == sorted(SCHEDULED)


#: kind -> a scheduled spec of the locked module (status and backfill read only scheduled ones)
SCHEDULED = {
    "LaunchPlan": HEADER + "name: lp\nworkflow: probemod:wf\nschedule: {cron: '0 3 * * *'}\n",
    "Trigger": TRIGGER_HEADER + "name: tr\ntask: probemod:t\nschedule: {cron: '0 3 * * *', timezone: UTC}\n",
}


@pytest.fixture
def server_of(no_proxies: None) -> Any:
    """kind -> a loopback server holding that kind's scheduled entry, activated long before the window."""
    import contextlib
    from datetime import datetime, timezone

    @contextlib.contextmanager
    def serve(kind: str) -> Any:
        if kind == "LaunchPlan":
            pytest.importorskip("grpc")
            from fake_admin import TOKEN
            from fake_admin import serve as serve_admin
            from flyteidl.admin import launch_plan_pb2

            with serve_admin() as server:
                lp = launch_plan_pb2.LaunchPlan()
                lp.id.project, lp.id.domain, lp.id.name, lp.id.version = "flytesnacks", "development", "lp", "v1"
                lp.spec.entity_metadata.schedule.cron_schedule.schedule = "0 3 * * *"
                lp.closure.state = launch_plan_pb2.ACTIVE
                lp.closure.created_at.FromDatetime(datetime(2026, 1, 1, tzinfo=timezone.utc))
                server.admin.launch_plans[("flytesnacks", "development", "lp", "v1")] = lp
                yield server.endpoint, TOKEN, lambda: sorted(server.admin.executions)
        else:
            pytest.importorskip("connectrpc")
            from fake_flyte2 import TOKEN
            from fake_flyte2 import serve as serve_flyte2

            with serve_flyte2() as served:
                served.backend.add_task("probe.t", "v1")
                served.backend.put("tr", "probe.t", "v1", cron="0 3 * * *", timezone="UTC",
                                   since=datetime(2026, 1, 1, tzinfo=timezone.utc))
                yield served.endpoint, TOKEN, lambda: sorted(served.backend.run_state.runs)

    return serve


def test_locked_backfill_imports_nothing_for_every_kind(locked_then_changed: tuple[str, Any], server_of: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """status and backfill --execute read the specs as validate does (backfill runs status's reads, then
    writes): under --locked, from the lock alone."""
    kind, folder = locked_then_changed
    (folder / "scheduled.yaml").write_text(SCHEDULED[kind])
    with server_of(kind) as (endpoint, token, created):
        monkeypatch.setenv("PROBE_TOKEN", token)
        proc = _lpctl("backfill", "scheduled.yaml", "--from", "2026-11-01", "--to", "2026-11-03", "--execute",
                      "--locked", "--endpoint", endpoint, "--insecure", "--token-env", "PROBE_TOKEN", cwd=folder,
                      probe=True)
        assert proc.stderr.splitlines()[-1] == "LEAKED ", (kind, proc.stderr)
        assert not (folder / "MARKER").exists()
        assert (proc.returncode, proc.stdout.splitlines()[-1]) == (0, "backfill: 2 created"), proc.stderr
        assert len(created()) == 2
