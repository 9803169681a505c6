"""--locked renders every conformance trigger from lpctl.lock with the bytes and diagnostics of an importing run.

The importing run is itself proved equal to flyte-sdk by test_triggers.py, so equal bytes here mean the
locked run, which imports neither flyte-sdk nor the tasks' module, is equal to flyte-sdk too.
"""

from __future__ import annotations

from typing import Any

import pytest
from support import TRIGGER_HEADER
from trigger_harness import HERE

pytest.importorskip("flyte")
from test_triggers import CASES

from lpctl.accel import workers
from lpctl.bundle import render_bundle
from lpctl.lock import lock_text, read_lock
from lpctl.locker import build_lock
from lpctl.pipeline import Options, run
from lpctl.spec.config import Config


def test_locked_triggers_render_the_importing_bytes(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, _, body, _ in CASES:
        (tmp_path / f"{name}.yaml").write_text(TRIGGER_HEADER + body)
    built = build_lock([str(tmp_path)], [HERE], max_bytes=1 << 20, import_timeout=60)
    assert [str(d) for d in built.diagnostics] == []
    assert set(built.lock.tasks) == {body.split("task: ")[1].split("\n")[0] for _, _, body, _ in CASES}
    lock_path = str(tmp_path / "lpctl.lock")
    with open(lock_path, "w", encoding="utf-8") as f:
        f.write(lock_text(built.lock))
    assert read_lock(lock_path).tasks == built.lock.tasks  # through the canonical JSON text
    importing = run([str(tmp_path)], Options(python_path=(HERE,), config=Config()))
    locked = run([str(tmp_path)], Options(config=Config(), locked=True, lock_path=lock_path))
    assert [str(d) for d in locked.diagnostics] == [str(d) for d in importing.diagnostics]
    assert len(locked.triggers) == len(CASES)
    assert render_bundle([], locked.triggers) == render_bundle([], importing.triggers)
    monkeypatch.setattr(workers, "MIN_ITEMS", 1)  # -j: triggers come back from worker processes the same
    spread = run([str(tmp_path)], Options(config=Config(), locked=True, lock_path=lock_path, jobs=2))
    assert [str(d) for d in spread.diagnostics] == [str(d) for d in locked.diagnostics]
    assert render_bundle([], spread.triggers) == render_bundle([], locked.triggers)


def test_a_repository_of_both_kinds_renders_one_bundle_on_any_number_of_jobs(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch, run_cli: Any) -> None:
    """render --locked of launch plans and triggers together: the launch plans' entries made in the workers
    (``-j 2``), the triggers after them, byte for byte the bundle of one process and of the importing run."""
    from support import CONFORMANCE, HEADER

    for name, _, body, _ in CASES[:4]:
        (tmp_path / f"{name}.yaml").write_text(TRIGGER_HEADER + body)
    for i in range(4):
        (tmp_path / f"lp{i}.yaml").write_text(HEADER + f"name: lp{i}\nworkflow: example_pkg.workflows:my_workflow\n"
                                              f"default_inputs: {{a: {i}, b: x{i}}}\n")
    paths = ("--python-path", HERE, "--python-path", CONFORMANCE)
    importing = run_cli("render", str(tmp_path), "--version", "v1", "--no-cache", *paths)
    assert importing.exit_code == 0 and '"launchPlans": [\n' in importing.stdout and '"triggers": [' in importing.stdout
    assert run_cli("lock", str(tmp_path), *paths).exit_code == 0
    monkeypatch.setattr(workers, "MIN_ITEMS", 1)  # the workers' path on eight files
    one = run_cli("render", str(tmp_path), "--version", "v1", "--locked", "-j", "1")
    two = run_cli("render", str(tmp_path), "--version", "v1", "--locked", "-j", "2")
    assert two == one
    assert (one.exit_code, one.stdout) == (0, importing.stdout)
