"""The mutation fuzz that found issue 14's crash classes, kept in the suite.

Specs: the samples and the hostile corpus, mutated by splicing in the text that crashed lpctl
0.1.0 (lone surrogate escapes, 4,000-digit hex integers, deep type nesting, deep YAML nesting,
tags, NULs, control characters, huge strings) and by cutting and duplicating lines; each run
through ``validate`` and ``render`` in every output format. Bundles: a real rendered bundle,
with random nodes replaced by hostile JSON (deep nesting, surrogates, 5,000-digit integers,
NaN, wrong types, names with ``../``), through ``diff`` and ``package``.

Each run must end with exit 0 or 1 (2 for a bundle that cannot be read), never 3 ("internal
error") and never a traceback. The number of examples follows the Hypothesis profile
(``HYPOTHESIS_PROFILE=ci`` for many more; profiles are in ``tests/conftest.py``).
"""

from __future__ import annotations

import glob
import json
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import ROOT, invoke

SEEDS = sorted(glob.glob(os.path.join(ROOT, "samples", "*.yaml"))
               + glob.glob(os.path.join(ROOT, "tests", "hostile", "corpus", "*.yaml")))
HOSTILE_TEXT = [
    '"\\ud800"', '"a\\udfff b"', "0x" + "f" * 4000, "0o" + "7" * 5000, "9" * 5000, '"' + "list[" * 100 + "int"
    + "]" * 100 + '"', "[" * 120 + "]" * 120, "{a: " * 70 + "1" + "}" * 70, "!!python/object:os.system x",
    "\x00", "\x1b[2J", "\u2028", "*nope", "&a [*a]", "'" + "x" * 70_000 + "'", ".nan", "-.inf", "~", "''",
    "{workflow: {name: t.wf, inputs: {a: " + '"' + "Optional[" * 40 + "int" + "]" * 40 + '"}}}', "[]", "{}",
    "2026-02-31T25:61:00", "PT99999999999H", "'@every 0s'", "'0 0 31 2 *'", "\t", "<<: {a: 1}",
]
EXIT = Counter[tuple[str, int]]()


def _examples(fraction: int) -> int:
    """A share of the profile's max_examples: the default profile keeps this file to a few seconds."""
    return max(5, settings.default.max_examples // fraction)


def _invoke(*args: str) -> Any:
    result = invoke(*args)
    EXIT[(args[0], result.exit_code)] += 1
    return result


def _sound(result: Any, allowed: tuple[int, ...]) -> None:
    assert result.exit_code in allowed, (result.exit_code, result.stdout[-2000:], result.stderr[-2000:])
    for text in (result.stdout, result.stderr):
        assert "internal error" not in text and "Traceback" not in text, text[-3000:]


@pytest.fixture(scope="module", autouse=True)
def _report_counts() -> Iterator[None]:
    yield
    print(f"\nfuzz runs by (command, exit code): {dict(sorted(EXIT.items()))}")


@st.composite
def mutated_spec(draw: st.DrawFn) -> str:
    with open(draw(st.sampled_from(SEEDS)), encoding="utf-8", errors="surrogateescape") as f:
        lines = f.read().splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, max(len(lines) - 1, 0)))
        how = draw(st.sampled_from(["value", "insert", "cut", "duplicate", "key"]))
        token = draw(st.sampled_from(HOSTILE_TEXT))
        if not lines:
            lines.append(token)
            continue
        line = lines[i]
        if how == "value" and ":" in line:
            lines[i] = line.split(":", 1)[0] + ": " + token
        elif how == "key":
            lines[i] = line.replace(line.strip().split(":", 1)[0], token.strip("'\""), 1) if line.strip() else token
        elif how == "insert":
            lines.insert(i, token)
        elif how == "cut" and lines:
            del lines[i]
        else:
            lines.insert(i, line)
    return "\n".join(lines) + "\n"


@settings(max_examples=_examples(8), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(text=mutated_spec(), fmt=st.sampled_from(["text", "json", "github", "sarif"]))
def test_mutated_specs_never_crash(text: str, fmt: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    (tmp_path / "pyproject.toml").write_text("[tool.lpctl]\n")
    (tmp_path / "spec.yaml").write_bytes(text.encode("utf-8", "surrogateescape"))
    common = ["--python-path", ROOT, "--no-cache", "--import-timeout", "20", "--color", "never"]
    _sound(_invoke("validate", "spec.yaml", "--format", fmt, *common), (0, 1))
    _sound(_invoke("render", "spec.yaml", "--format", fmt, "--version", "v1", "-o", "out.json", *common), (0, 1))


@settings(max_examples=_examples(8), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(text=mutated_spec(), comments=st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(
    ["# c", "  # c", "    # c", " # c", "# c ---", "#"])), max_size=4))
def test_fmt_of_mutated_specs_never_crashes_or_loses_a_comment(text: str, comments: list[tuple[int, str]],
                                                              tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """fmt --check, then fmt: exit 0 or 1, never 3; what it writes holds every comment and means the same."""
    from lpctl.authoring.comments import Unreadable, anchored
    from lpctl.authoring.fmt import _same
    from lpctl.spec.load import load_bytes

    lines = text.split("\n")
    for n, (where, comment) in enumerate(comments):
        lines.insert(where % len(lines), f"{comment}{n}")
    raw = "\n".join(lines).encode("utf-8", "surrogateescape")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spec.yaml").write_bytes(raw)
    _sound(_invoke("fmt", "--check", "spec.yaml"), (0, 1))
    _sound(_invoke("fmt", "spec.yaml"), (0, 1))
    after = (tmp_path / "spec.yaml").read_bytes()
    if after == raw:
        return
    before_docs, _ = load_bytes(raw, "spec.yaml")
    after_docs, diags = load_bytes(after, "spec.yaml")
    assert diags == [] and _same([d.data for d in before_docs], [d.data for d in after_docs])
    try:
        was = anchored(raw.decode("utf-8-sig"))
    except Unreadable:
        raise AssertionError("fmt wrote a file whose comments it could not read") from None
    assert sorted(c for cs in anchored(after.decode()).values() for _, c in cs) == sorted(
        c for cs in was.values() for _, c in cs)
    _sound(_invoke("fmt", "--check", "spec.yaml"), (0,))


def _rendered_bundle() -> dict[str, Any]:
    result = invoke("render", os.path.join(ROOT, "samples"), "--version", "v1", "--no-cache", "--python-path", ROOT)
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


BUNDLE: list[dict[str, Any]] = []
HOSTILE_JSON = [
    "[" * 5000 + "]" * 5000, '"\\ud800"', "9" * 5000, "NaN", "-Infinity", "1e999", "null", "true", "[]", "{}",
    '"../../etc/passwd"', '"a\\u0000b"', '"' + "n" * 5000 + '"', '""', '{"a":' * 300 + "1" + "}" * 300, "-1",
    '"\\u001b[2J"', "18446744073709551617", '{"literals": {}}',
]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _paths(child, (*prefix, i))


@st.composite
def mutated_bundle(draw: st.DrawFn) -> str:
    if not BUNDLE:
        BUNDLE.append(_rendered_bundle())
    document = json.loads(json.dumps(BUNDLE[0]))
    marks = []
    for n in range(draw(st.integers(1, 3))):
        paths = list(_paths(document))
        path = draw(st.sampled_from(paths[1:]))
        mark = f"@@HOSTILE{n}@@"
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        if draw(st.booleans()) and isinstance(parent, list):
            parent.append(parent[path[-1]])  # a duplicate entry
        parent[path[-1]] = mark
        marks.append((mark, draw(st.sampled_from(HOSTILE_JSON))))
    text = json.dumps(document)
    for mark, hostile in marks:
        text = text.replace(f'"{mark}"', hostile)
    return text


@settings(max_examples=_examples(8), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(text=mutated_bundle())
def test_mutated_bundles_never_crash(text: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.lpctl]\n")
    (tmp_path / "good.json").write_text(json.dumps(BUNDLE[0]))
    (tmp_path / "bad.json").write_text(text)
    _sound(_invoke("diff", "good.json", "bad.json", "--format", "json"), (0, 1, 2))
    _sound(_invoke("diff", "bad.json", "good.json", "--color", "never"), (0, 1, 2))
    _sound(_invoke("package", "bad.json", "-o", "out.tgz", "--color", "never"), (0, 1, 2))
