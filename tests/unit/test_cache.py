"""The interface cache: unchanged workflows are not imported again; any change is noticed."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from lpctl.cache import CACHE_DIR, Cache
from lpctl.flyte1.interface import WorkflowInterface
from lpctl.flyte1.resolve import Resolver

MODULE = "def wf(a: int, b: str = 'x') -> None: ...\n"


def _resolve(tmp: Any, ref: str, **kwargs: Any) -> tuple[Any, bool]:
    """Resolve with a fresh cache object (as a new process would); whether the module was imported.
    The module is then put back as it was: a package attribute left pointing at a module gone from
    sys.modules makes flytekit fail later in this process ("Unable to determine module")."""
    module = ref.split(":")[0]
    before = sys.modules.pop(module, None)
    cache = Cache(str(tmp / CACHE_DIR), **kwargs)
    resolver = Resolver([str(tmp)], interfaces=cache)
    resolved = resolver.resolve(ref)
    resolver.save()
    imported = module in sys.modules
    _restore(module, before)
    return resolved, imported


def _restore(module: str, before: Any) -> None:
    """Put ``module`` back as it was: the earlier import, or none (and no attribute on its package)."""
    now = sys.modules.pop(module, None)
    parent, _, child = module.rpartition(".")
    if before is not None:
        sys.modules[module] = before
    elif now is not None and getattr(sys.modules.get(parent), child, None) is now:
        delattr(sys.modules[parent], child)


def test_second_run_does_not_import(in_tmp: Any) -> None:
    (in_tmp / "cache_mod_a.py").write_text(MODULE)
    first, imported = _resolve(in_tmp, "cache_mod_a:wf")
    assert imported and isinstance(first, WorkflowInterface)
    second, imported = _resolve(in_tmp, "cache_mod_a:wf")
    assert not imported
    assert (second.name, second.source) == (first.name, first.source)
    assert [(i.name, i.type, i.parameter) for i in second.inputs.values()] == [
        (i.name, i.type, i.parameter) for i in first.inputs.values()]
    assert (in_tmp / CACHE_DIR / ".gitignore").read_text().endswith("*\n")


def test_editing_the_module_invalidates(in_tmp: Any) -> None:
    (in_tmp / "cache_mod_b.py").write_text(MODULE)
    _resolve(in_tmp, "cache_mod_b:wf")
    (in_tmp / "cache_mod_b.py").write_text(MODULE.replace("a: int", "a: float"))
    changed, imported = _resolve(in_tmp, "cache_mod_b:wf")
    assert imported
    assert changed.inputs["a"].type.simple == 2  # FLOAT


def test_a_changed_dependency_file_invalidates(in_tmp: Any) -> None:
    (in_tmp / "cache_dep_c.py").write_text("import enum\nclass C(enum.Enum):\n    R = 'r'\n")
    (in_tmp / "cache_mod_c.py").write_text("from cache_dep_c import C\ndef wf(c: C) -> None: ...\n")
    _resolve(in_tmp, "cache_mod_c:wf")
    sys.modules.pop("cache_dep_c", None)
    (in_tmp / "cache_dep_c.py").write_text("import enum\nclass C(enum.Enum):\n    R = 'r'\n    G = 'g'\n")
    changed, imported = _resolve(in_tmp, "cache_mod_c:wf")
    sys.modules.pop("cache_dep_c", None)
    assert imported and list(changed.inputs["c"].type.enum_type.values) == ["r", "g"]


def test_other_versions_do_not_use_the_cache(in_tmp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    (in_tmp / "cache_mod_d.py").write_text(MODULE)
    _resolve(in_tmp, "cache_mod_d:wf")
    import lpctl

    monkeypatch.setattr(lpctl, "__version__", "99.0")
    _, imported = _resolve(in_tmp, "cache_mod_d:wf")
    assert imported


def test_a_corrupt_cache_is_ignored_and_rewritten(in_tmp: Any) -> None:
    (in_tmp / "cache_mod_e.py").write_text(MODULE)
    (in_tmp / CACHE_DIR).mkdir()
    (in_tmp / CACHE_DIR / "interfaces.json").write_text("{not json")
    resolved, imported = _resolve(in_tmp, "cache_mod_e:wf")
    assert imported and isinstance(resolved, WorkflowInterface)
    assert "cache_mod_e:wf" in json.loads((in_tmp / CACHE_DIR / "interfaces.json").read_text())["entries"]


def test_failures_are_not_cached(in_tmp: Any) -> None:
    (in_tmp / "cache_mod_f.py").write_text("raise RuntimeError('boom')\n")
    _resolve(in_tmp, "cache_mod_f:wf")
    assert not (in_tmp / CACHE_DIR / "interfaces.json").exists()


def test_dataclass_interfaces_are_not_cached(in_tmp: Any) -> None:
    resolved, _ = _resolve(in_tmp, "example_pkg.workflows:with_point")
    assert isinstance(resolved, WorkflowInterface)
    assert not (in_tmp / CACHE_DIR / "interfaces.json").exists()


def test_cli_no_cache_and_env(run_cli: Any, in_tmp: Any) -> None:
    (in_tmp / "cache_mod_g.py").write_text(MODULE)
    (in_tmp / "lp.yaml").write_text("apiVersion: lpctl/v1\nkind: LaunchPlan\nname: lp\nworkflow: cache_mod_g:wf\n")
    assert run_cli("validate", "lp.yaml", "--no-cache").exit_code == 0
    assert not (in_tmp / CACHE_DIR).exists()
    assert run_cli("validate", "lp.yaml", env={"LPCTL_NO_CACHE": "1"}).exit_code == 0
    assert not (in_tmp / CACHE_DIR).exists()
    assert run_cli("validate", "lp.yaml").exit_code == 0
    assert (in_tmp / CACHE_DIR / "interfaces.json").exists()


def test_schema_verdicts_are_never_taken_from_the_cache(in_tmp: Any) -> None:
    """A crafted cache cannot skip the JSON Schema: verdicts are not cached at all."""
    import hashlib

    from lpctl.pipeline import Options, run
    from lpctl.spec.config import Config

    (in_tmp / "cache_mod_h.py").write_text(MODULE)
    spec = "apiVersion: lpctl/v1\nkind: LaunchPlan\nname: lp\nworkflow: cache_mod_h:wf\n"
    (in_tmp / "lp.yaml").write_text(spec)
    options = Options(config=Config(), cache=True)
    assert run(["lp.yaml"], options).ok
    (in_tmp / "lp.yaml").write_text(spec + "auto_activate: 'false'\n")
    data = {"apiVersion": "lpctl/v1", "kind": "LaunchPlan", "name": "lp", "workflow": "cache_mod_h:wf",
            "auto_activate": "false"}
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    path = in_tmp / CACHE_DIR / "interfaces.json"
    doc = json.loads(path.read_text())
    doc["valid"] = [digest]  # what lpctl 0.1.0 read as "this document passed the schema"
    path.write_text(json.dumps(doc))
    assert [d.code for d in run(["lp.yaml"], options).diagnostics] == ["LP202"]
