"""The samples' bundle, byte for byte: any change to lpctl's output shows up in review.

Regenerate after an intended change with ``pytest tests/test_golden.py --update-golden``.
"""

from __future__ import annotations

import os

import pytest
from support import ROOT, run_options

GOLDEN = os.path.join(ROOT, "tests", "golden", "samples.bundle.json")


def _render() -> str:
    from lpctl.bundle import render_bundle
    from lpctl.pipeline import run

    result = run(["samples"], run_options(version="v1"))
    assert [str(d) for d in result.diagnostics if d.severity.name == "ERROR"] == []
    return render_bundle(result.plans)


def test_samples_bundle_is_unchanged(monkeypatch: pytest.MonkeyPatch, update_golden: bool) -> None:
    monkeypatch.chdir(ROOT)
    text = _render()
    if update_golden:
        with open(GOLDEN, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    with open(GOLDEN, encoding="utf-8") as f:
        assert text == f.read()


def test_render_is_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert _render() == _render()
