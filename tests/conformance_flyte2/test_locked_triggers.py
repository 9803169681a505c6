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
