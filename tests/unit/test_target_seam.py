"""The pipeline runs every target through lpctl.target's protocol: one registered here stands in for a target
that cannot read a lock, and --locked refuses its specs without ever asking it to import."""

from __future__ import annotations

from typing import Any

import pytest
from support import TRIGGER_HEADER

from lpctl import target
from lpctl.pipeline import Options, run
from lpctl.spec.config import Config

CALLS: list[str] = []


class _NoLockTarget:
    """A target whose code can only be imported: ``locked`` says it cannot read a lock."""

    lock_section = "tasks"

    def importing(self, how: Any) -> Any:
        CALLS.append("importing")
        raise AssertionError("--locked asked a target to import")

    def locked(self, lock: Any, path: str) -> None:
        CALLS.append("locked")
        return None

    def lock_entry(self, resolved: Any, module: str | None) -> dict[str, Any]:
        raise AssertionError("not locking here")

    def compile(self, doc: Any, broken: set[str], resolver: Any, identity: Any) -> Any:
        CALLS.append("compile")
        raise AssertionError("a spec compiled without a resolver")

    def duplicates(self, compiled: list[Any]) -> list[Any]:
        CALLS.append("duplicates")
        return []


TARGET = _NoLockTarget()


def test_a_target_that_cannot_read_a_lock_refuses_under_locked(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    registered = target.TARGETS["Trigger"]
    monkeypatch.setitem(target.TARGETS, "Trigger", target.Registration(__name__, registered.reference_key,
                                                                       registered.needs, registered.code,
                                                                       registered.install))
    CALLS.clear()
    (tmp_path / "t.yaml").write_text(TRIGGER_HEADER + "name: tr\ntask: pkg.tasks:train\n")
    (tmp_path / "lpctl.lock").write_text('{"lockVersion": 1, "workflows": {}}\n')
    result = run([str(tmp_path / "t.yaml")], Options(config=Config(), locked=True))
    assert [str(d).replace(str(tmp_path) + "/", "") for d in result.diagnostics] == [
        "t.yaml:4:7: error LP308 --locked: lpctl.lock cannot answer Trigger specs, and --locked imports nothing "
        "(run without --locked where the code can be imported)"]
    assert CALLS == ["locked", "duplicates"]


def test_each_kind_is_registered_to_the_target_that_reads_it() -> None:
    from lpctl.spec.load import KINDS

    assert sorted(target.TARGETS) == sorted(KINDS)
    for kind in KINDS:
        assert kind in target.target_for(kind).kinds
