"""LPCTL_NO_ACCEL=1 turns every accelerator off (lpctl.accel), and changes no answer and no byte.

Each accelerator has its own differential tests against its reference; these run whole files
through the pipeline both ways: the samples (rendered), every hostile corpus file, and the styles
specs are written in: flow mappings and comments (the line reader's), anchors and block scalars (which it
leaves to the composers); tests/unit/test_load_styles.py does the same for generated specs. The
whole suite can also run with the switch on: ``LPCTL_NO_ACCEL=1 pytest`` (.ci/run does, for the
conformance, golden and hostile tests).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from support import HEADER, ROOT

from lpctl import accel
from lpctl.accel import workers
from lpctl.bundle import render_bundle
from lpctl.pipeline import Options, Result, run

CORPUS = os.path.join(ROOT, "tests", "hostile", "corpus")
SAMPLES = os.path.join(ROOT, "samples")

STYLES = {
    "flow.yaml": HEADER + "name: flow\nworkflow: m:wf\ndefault_inputs: {a: 1, b: [x, 'y']}\n"
                          "labels: {team: data}  # owners\n",
    "comments.yaml": "# a spec\n" + HEADER + "name: c  # the name\nworkflow: m:wf\n# inputs\n"
                     "default_inputs:\n  a: 1 # one\n",
    "anchors.yaml": HEADER + "name: a\nworkflow: m:wf\ndefault_inputs: &d\n  a: 1\nfixed_inputs: *d\n",
    "block_scalar.yaml": HEADER + "name: b\nworkflow: m:wf\nannotations:\n  text: |\n    two\n    lines\n",
    "broken.yaml": HEADER + "name: [x\nworkflow: m:wf\n",
    "two_documents.yaml": HEADER + "name: one\nworkflow: m:wf\n---\n" + HEADER + "name: 7\nworkflow: m:wf\n",
}


def _both(monkeypatch: pytest.MonkeyPatch, paths: list[str], options: Options) -> tuple[Result, Result]:
    monkeypatch.delenv(accel.SWITCH, raising=False)
    assert accel.on()
    fast = run(paths, options)
    monkeypatch.setenv(accel.SWITCH, "1")
    assert not accel.on()
    reference = run(paths, options)
    return fast, reference


def _same(fast: Result, reference: Result) -> None:
    assert [str(d) for d in fast.diagnostics] == [str(d) for d in reference.diagnostics]
    assert (fast.files, fast.skipped, fast.documents) == (reference.files, reference.skipped, reference.documents)


def test_the_samples_render_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    fast, reference = _both(monkeypatch, ["samples"], Options(locked=True, jobs=2))
    _same(fast, reference)
    assert fast.ok and len(fast.plans) > 20
    monkeypatch.setenv(accel.SWITCH, "1")
    slow_text = render_bundle(reference.plans, reference.triggers)
    monkeypatch.delenv(accel.SWITCH)
    assert render_bundle(fast.plans, fast.triggers) == slow_text


@pytest.mark.parametrize("name", sorted(os.listdir(CORPUS)))
def test_every_hostile_file_gets_the_same_findings(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, reference = _both(monkeypatch, [os.path.join(CORPUS, name)], Options(locked=True, lock_path=_LOCK))
    _same(fast, reference)


@pytest.mark.parametrize("name", sorted(STYLES))
def test_every_style_gets_the_same_findings(name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    (tmp_path / name).write_text(STYLES[name])
    fast, reference = _both(monkeypatch, [str(tmp_path / name)], Options(locked=True, lock_path=_LOCK))
    _same(fast, reference)
    assert fast.diagnostics  # m:wf is in no lock: at least that is reported, at its line


def test_the_switch_keeps_a_run_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "MIN_ITEMS", 1)
    monkeypatch.setenv(accel.SWITCH, "1")
    assert set(workers.ordered_map(_pid, range(50), 2)) == {os.getpid()}


def _pid(_: int) -> int:
    return os.getpid()


def test_the_switch_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for value, expected in (("", True), ("0", True), ("1", False), ("yes", False)):
        monkeypatch.setenv(accel.SWITCH, value)
        assert accel.on() is expected
    monkeypatch.delenv(accel.SWITCH)
    assert accel.on()


_LOCK = os.path.join(SAMPLES, "lpctl.lock")


def test_fmt_gives_the_same_results_without_its_layout_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """lpctl.accel.fmtlayout skips ruamel's round trip for a file already in the layout; switched off, fmt
    runs the round trip on every file, and says the same of each (samples, corpus, styles)."""
    from pathlib import Path

    from lpctl.accel import fmtlayout
    from lpctl.authoring.fmt import format_bytes

    texts = [(Path(d) / n).read_bytes() for d in (SAMPLES, CORPUS) for n in sorted(os.listdir(d))
             if n.endswith(".yaml")] + [t.encode() for t in STYLES.values()]
    # in the layout, but ruamel's round trip drops the comment line: fmt refuses it either way
    texts.append(f"{HEADER}name: a\nworkflow: m:wf\ndefault_inputs:\n  n:\n    - [a]\n    # c\n"
                 "    - [b]  # b\n".encode())
    monkeypatch.delenv(accel.SWITCH, raising=False)
    fast = [format_bytes(t, "spec.yaml") for t in texts]
    monkeypatch.setenv(accel.SWITCH, "1")
    monkeypatch.setattr(fmtlayout, "in_layout", lambda *a: pytest.fail("the layout reader ran with the switch off"))
    reference = [format_bytes(t, "spec.yaml") for t in texts]
    assert fast == reference
    assert sum(1 for r in fast if r is not None and r.text is not None and not r.changed) > 20
