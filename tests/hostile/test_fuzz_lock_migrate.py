"""Mutation fuzz of lpctl.lock (under --locked) and of migrate's input, kept in the suite.

The lock: a real lock of the conformance workflows (every input kind: scalars, datetimes, lists,
maps, Optionals, enums, dataclasses, files) and a Flyte 2 task, mutated as JSON (a node replaced by
hostile JSON: null, wrong types, unknown enum values, lone surrogates, deep nesting, 5,000-digit
numbers; a key removed or added) and as text (cut, spliced). ``render --locked`` must end with exit
0 or 1, never 3, and with exit 1 write no bundle; ``lock --check`` must say stale (exit 1) or up
to date, never 3. Migrate: the samples and the hostile corpus, mutated as tests/hostile/test_fuzz.py
mutates them, through ``migrate -o out``: exit 0 or 1, never 3; every file written is inside
``out``, loads without a YAML finding, and holds triggers.

The number of examples follows the Hypothesis profile (``HYPOTHESIS_PROFILE=ci`` for ten times as
many; profiles are in tests/conftest.py); the counts by exit code are printed at the end.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import CONFORMANCE, HEADER, ROOT, examples, invoke
from test_fuzz import mutated_spec

EXITS = Counter[tuple[str, int]]()
FLYTE2 = os.path.join(ROOT, "tests", "conformance_flyte2")
SPECS = {
    "typed.yaml": "name: t\nworkflow: example_pkg.workflows:typed\n",
    "settings.yaml": "name: s\nworkflow: example_pkg.workflows:with_settings\ndefault_inputs: {cfg: {name: n}, "
                     "maybe: {y: 1.5}, many: [{x: 1}]}\n",
    "files.yaml": "name: f\nworkflow: example_pkg.workflows:with_files\ndefault_inputs: {data: s3://b/x, "
                  "out: gs://b/o/, many: [s3://b/y]}\n",
    "defaults.yaml": "name: d\nworkflow: example_pkg.workflows:with_defaults\n",
}
HOSTILE_JSON: list[Any] = [
    None, True, 0, -1, 1.5, "", "x", "\ud800", "NOPE", "9" * 5000, [], {}, [None], {"kind": "list"},
    {"simple": "NOPE"}, {"simple": "INTEGER"}, ["a"], ["a", "b", "c", "d"], "../../etc/passwd",
    {"scalar": {"primitive": {"integer": "x"}}}, {"scalar": {"primitive": {"duration": "99999999999999s"}}},
]


def _deep(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


@pytest.fixture(scope="module", autouse=True)
def _report_counts() -> Iterator[None]:
    yield
    print(f"\nlock/migrate fuzz runs by (command, exit code): {dict(sorted(EXITS.items()))}")


@pytest.fixture(scope="module")
def locked_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, str]:
    from lpctl.lock import lock_text
    from lpctl.locker import build_lock

    root = tmp_path_factory.mktemp("locked")
    (root / "specs").mkdir()
    for name, body in SPECS.items():
        (root / "specs" / name).write_text(HEADER + body)
    if importlib.util.find_spec("flyte") is not None:  # the lock's Flyte 2 tasks section too
        (root / "specs" / "trigger.yaml").write_text("apiVersion: lpctl/v1\nkind: Trigger\nname: tr\n"
                                                     "task: flyte2_pkg.pipelines:export\ninputs: {region: eu}\n")
    built = build_lock([str(root / "specs")], [ROOT, CONFORMANCE, FLYTE2], max_bytes=1 << 20, import_timeout=60)
    assert [str(d) for d in built.diagnostics] == []
    return root, lock_text(built.lock)


def _paths(value: Any, where: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [where]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*where, key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found.extend(_paths(item, (*where, i)))
    return found


@st.composite
def mutated_lock(draw: st.DrawFn, text: str) -> str:
    doc = json.loads(text)
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["replace", "replace", "delete", "add", "deep", "cut", "splice"]))
        if how in ("cut", "splice"):
            encoded = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)
            at = draw(st.integers(0, len(encoded)))
            token = draw(st.sampled_from(['"', "{", "]", ",", "\\ud800", "NaN", "<<<<<<< HEAD\n", "\x00"]))
            return encoded[:at] + (token if how == "splice" else "") + encoded[at + (how == "cut"):]
        paths = [p for p in _paths(doc) if p]
        where = draw(st.sampled_from(paths))
        parent = doc
        for step in where[:-1]:
            parent = parent[step]
        last = where[-1]
        if how == "delete":
            parent.pop(last)
        elif how == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "shape", "reference", "registered", "\ud800"]))] = \
                draw(st.sampled_from(HOSTILE_JSON))
        else:
            parent[last] = _deep(draw(st.integers(50, 400))) if how == "deep" else draw(st.sampled_from(HOSTILE_JSON))
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)


def _sound(result: Any, allowed: tuple[int, ...]) -> None:
    assert result.exit_code in allowed, (result.exit_code, result.stdout[-2000:], result.stderr[-2000:])
    for text in (result.stdout, result.stderr):
        assert "internal error" not in text and "Traceback" not in text, text[-3000:]


@settings(max_examples=examples(200), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_a_mutated_lock_is_an_error_at_the_lock_never_a_crash_or_a_bundle(
        data: st.DataObject, locked_project: tuple[Any, str], monkeypatch: pytest.MonkeyPatch) -> None:
    root, text = locked_project
    mutated = data.draw(mutated_lock(text))
    monkeypatch.chdir(root)
    (root / "specs" / "lpctl.lock").write_text(mutated, encoding="utf-8", errors="surrogatepass")
    out = root / "bundle.json"
    out.unlink(missing_ok=True)
    result = invoke("render", "specs", "--locked", "--version", "v1", "-o", str(out), "--python-path", FLYTE2)
    EXITS[("render --locked", result.exit_code)] += 1
    _sound(result, (0, 1))
    if result.exit_code == 1:
        assert not out.exists()
        assert "error LP" in result.stderr
    else:
        assert json.loads(out.read_text())["kind"] == "LaunchPlanBundle"
    check = invoke("lock", "specs", "--check", "--python-path", CONFORMANCE, "--python-path", FLYTE2)
    EXITS[("lock --check", check.exit_code)] += 1
    _sound(check, (0, 1))
    assert (check.exit_code == 0) == (mutated.rstrip("\n") == text.rstrip("\n") or check.stdout.endswith(
        "is up to date\n")), check.stdout


@settings(max_examples=examples(200), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(text=mutated_spec(), nested=st.booleans())
def test_migrate_of_mutated_specs_writes_only_triggers_inside_out(text: str, nested: bool, tmp_path: Any,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import pathlib
    import tempfile

    from lpctl.spec.load import load_bytes

    tmp_path = pathlib.Path(tempfile.mkdtemp(dir=tmp_path))  # tmp_path is shared by the examples
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.lpctl]\n")
    folder = tmp_path / ("in/deeper" if nested else "in")
    folder.mkdir(parents=True)
    raw = text.encode("utf-8", "surrogateescape")
    (folder / "spec.yaml").write_bytes(raw)
    result = invoke("migrate", str(folder / "spec.yaml") if nested else "in", "-o", "out")
    EXITS[("migrate", result.exit_code)] += 1
    _sound(result, (0, 1))
    assert (folder / "spec.yaml").read_bytes() == raw
    written = [os.path.join(d, f) for d, _, fs in os.walk(tmp_path) for f in fs
               if not os.path.join(d, f).startswith(str(tmp_path / "in")) and f != "pyproject.toml"]
    assert all(path.startswith(str(tmp_path / "out") + os.sep) for path in written), written
    for path in written:
        with open(path, "rb") as f:
            docs, diags = load_bytes(f.read(), path)
        assert [d for d in diags if d.code.startswith("LP1")] == [], path
        assert docs and all(d.data.get("kind") == "Trigger" for d in docs)
