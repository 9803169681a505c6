"""The cache cannot change a verdict or a byte of output (issue 13): a property test, kept beside the
other hostile tests so that the usual run (without tests/property) includes it; a few seconds.

Hypothesis builds small repositories: workflow modules (plain typed functions, one inside a
package) spread over the current directory and two import roots, and specs that use them. Then
it edits them between runs: a changed signature, a module moved to another root, a module
shadowed by a copy earlier on the path, a deleted module, a changed spec. After every edit the
repository is validated and rendered twice, with the cache kept across the runs and without any
cache, as a fresh process would (the modules forgotten, import caches invalidated, no bytecode),
and the diagnostics and the bundle must be identical.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOTS = ("", "src_a", "src_b")  # "" is the current directory, searched first
MODULES = ("pc_m0", "pc_m1", "pc_pkg.m2")
TYPES = {"int": "1", "str": "'x'", "float": "1.5", "bool": "True", "list[int]": "[1]"}
VALUES = {"a": ["1", "x", "1.5", "[1, 2]", "true"], "b": ["1", "'y'", "[]"], "c": ["2", "null"]}
RUNS = Counter[str]()

Files = dict[str, str]


def _module_path(root: str, module: str) -> str:
    return os.path.join(root, *module.split(".")) + ".py"


params = st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(sorted(TYPES)), st.booleans()),
                  max_size=3, unique_by=lambda p: p[0])


def _source(signature: list[tuple[str, str, bool]]) -> str:
    ordered = sorted(signature, key=lambda p: p[2])  # parameters with defaults last
    args = ", ".join(f"{n}: {t} = {TYPES[t]}" if default else f"{n}: {t}" for n, t, default in ordered)
    return f"def wf({args}) -> None:\n    ...\n"


def _place(files: Files, root: str, module: str, source: str) -> None:
    files[_module_path(root, module)] = source
    if "." in module:
        files[os.path.join(root, module.split(".")[0], "__init__.py")] = ""


@st.composite
def repository(draw: st.DrawFn) -> Files:
    files: Files = {}
    modules = draw(st.lists(st.sampled_from(MODULES), min_size=1, unique=True))
    for module in modules:
        _place(files, draw(st.sampled_from(ROOTS)), module, _source(draw(params)))
    for i in range(draw(st.integers(1, 3))):
        inputs = draw(st.dictionaries(st.sampled_from(sorted(VALUES)), st.sampled_from(VALUES["a"] + VALUES["b"]),
                                      max_size=2))
        body = "".join(f"\n  {k}: {v}" for k, v in inputs.items())
        files[f"specs/s{i}.yaml"] = (f"apiVersion: lpctl/v1\nkind: LaunchPlan\nname: lp{i}\n"
                                     f"workflow: {draw(st.sampled_from(modules))}:wf\n"
                                     + (f"default_inputs:{body}\n" if body else ""))
    return files


def _roots_of(files: Files, module: str) -> list[str]:
    return [r for r in ROOTS if _module_path(r, module) in files]


def _edit(data: Any, files: Files) -> str:
    """One edit, drawn against the repository as it is: what a developer would do between runs."""
    present = [m for m in MODULES if _roots_of(files, m)]
    kind = data.draw(st.sampled_from(["signature", "move", "shadow", "delete", "spec"] if present else ["spec"]))
    if kind == "spec":
        path = data.draw(st.sampled_from(sorted(p for p in files if p.startswith("specs/"))))
        old = files[path].split("workflow: ")[1].split()[0]
        files[path] = files[path].replace(f"workflow: {old}", f"workflow: {data.draw(st.sampled_from(MODULES))}:wf")
        return f"spec {path}"
    module = data.draw(st.sampled_from(present))
    where = _roots_of(files, module)[0]  # the one imported
    if kind == "signature":
        _place(files, where, module, _source(data.draw(params)))
    elif kind == "move":
        source = files.pop(_module_path(where, module))
        _place(files, data.draw(st.sampled_from([r for r in ROOTS if r != where])), module, source)
    elif kind == "shadow":  # a copy with another signature, earlier on the path when there is room
        earlier = [r for r in ROOTS if ROOTS.index(r) < ROOTS.index(where)]
        root = data.draw(st.sampled_from(earlier or [r for r in ROOTS if r != where]))
        _place(files, root, module, _source(data.draw(params)))
    else:
        del files[_module_path(where, module)]
    return f"{kind} {module} (in {where or '.'})"


def _write(repo: str, files: Files) -> None:
    for sub in ("specs", *[r for r in ROOTS if r]):
        shutil.rmtree(os.path.join(repo, sub), ignore_errors=True)
    for name in os.listdir(repo):
        if name.startswith("pc_"):
            path = os.path.join(repo, name)
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
    for path, text in files.items():
        os.makedirs(os.path.join(repo, os.path.dirname(path)), exist_ok=True)
        with open(os.path.join(repo, path), "w", encoding="utf-8") as f:
            f.write(text)


def _run(repo: str, *, cache: bool) -> tuple[list[str], str | None]:
    """validate + render, as a new process would see the repository."""
    from lpctl.bundle import render_bundle
    from lpctl.pipeline import Options, run
    from lpctl.spec.config import Config

    for name in [n for n in sys.modules if n.startswith("pc_")]:
        del sys.modules[name]
    importlib.invalidate_caches()
    options = Options(config=Config(), cache=cache,
                      python_path=(os.path.join(repo, "src_a"), os.path.join(repo, "src_b")))
    result = run(["specs"], options)
    RUNS["cached" if cache else "uncached"] += 1
    return [str(d) for d in result.diagnostics], render_bundle(result.plans) if result.ok else None


@pytest.fixture(scope="module", autouse=True)
def _report_counts() -> Iterator[None]:
    yield
    print(f"\ncache property: {RUNS['repositories']} repositories, {RUNS['edits']} edits, "
          f"{RUNS['cached']} cached and {RUNS['uncached']} uncached runs")


@settings(max_examples=max(10, settings.default.max_examples // 5), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(files=repository(), data=st.data())
def test_the_cache_never_changes_a_verdict_or_a_byte(files: Files, data: Any, tmp_path: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tempfile.mkdtemp(dir=tmp_path)
    monkeypatch.chdir(repo)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    RUNS["repositories"] += 1
    done: list[str] = []
    try:
        for step in range(data.draw(st.integers(1, 4)) + 1):
            if step:
                done.append(_edit(data, files))
                RUNS["edits"] += 1
            _write(repo, files)
            cached = _run(repo, cache=True)
            assert cached == _run(repo, cache=False), (done, files)
    finally:
        for name in [n for n in sys.modules if n.startswith("pc_")]:
            del sys.modules[name]
