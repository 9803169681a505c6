"""The streamed bundle writer gives the bytes of json.dumps(indent=2, sort_keys=True), for any JSON value."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import ROOT, run_options

from lpctl.bundle import bundle, encode, render_bundle, to_json, write_bundle
from lpctl.pipeline import run

_LEAVES = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text())
_JSON = st.recursive(_LEAVES, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                     max_leaves=30)


def _reference(value: Any, level: int = 0) -> str:
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
    return text.replace("\n", "\n" + "  " * level)


@settings(max_examples=400, deadline=None)
@given(_JSON, st.integers(min_value=0, max_value=3))
def test_encode_is_json_dumps_with_indent_2_and_sorted_keys(value: Any, level: int) -> None:
    assert encode(value, level) == _reference(value, level)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), [1, {"a": float("-inf")}]])
def test_encode_refuses_what_json_dumps_refuses(value: Any) -> None:
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        encode(value)


def test_encode_escapes_as_json_dumps_does() -> None:
    value = {"\u2028 \x00 \"q\" \\ é \U0001F600": ["\t\n", "</script>"]}
    assert encode(value) == _reference(value)


def test_streamed_bundle_is_the_canonical_text_of_the_samples() -> None:
    result = run([os.path.join(ROOT, "samples")], run_options(version="v1", python_path=(ROOT,)))
    assert len(result.plans) == 21
    chunks: list[str] = []
    write_bundle(result.plans, chunks.append)
    assert len(chunks) == 4 + len(result.plans)  # head, list start, one chunk per launch plan, list end, tail
    assert "".join(chunks) == render_bundle(result.plans) == to_json(bundle(result.plans))


def test_an_empty_bundle_is_the_canonical_text() -> None:
    assert render_bundle([]) == to_json(bundle([]))


def test_the_bundle_and_the_lock_never_hold_an_invisible_character_raw(run_cli: Any, in_tmp: Any) -> None:
    """A right-to-left override or a zero width space (escaped in the spec, as fmt writes it) was written raw into
    the bundle and the lock, which are committed and reviewed as diffs; it is escaped, the values unchanged."""
    (in_tmp / "wf.py").write_text('def daily(n: str, tag: str = "a\\u200bb") -> None: ...\n')
    (in_tmp / "lp.yaml").write_text("apiVersion: lpctl/v1\nkind: LaunchPlan\nname: lp\nworkflow: wf:daily\n"
                                    'default_inputs: {n: "evil\\u202eexe"}\nannotations: {city: München}\n')
    rendered = run_cli("render", "lp.yaml", "-o", "bundle.json")
    assert rendered.exit_code == 0, rendered.stderr
    text = (in_tmp / "bundle.json").read_text()
    assert '"stringValue": "evil\\u202eexe"' in text and '"city": "München"' in text
    assert not {"\u202e", "\u200b"} & set(text)
    found = json.loads(text)["launchPlans"][0]["launchPlan"]["spec"]["defaultInputs"]["parameters"]["n"]
    assert found["default"]["scalar"]["primitive"]["stringValue"] == "evil\u202eexe"
    assert run_cli("render", "lp.yaml", "--check", "bundle.json").exit_code == 0
    assert run_cli("lock", "lp.yaml").exit_code == 0
    lock = (in_tmp / "lpctl.lock").read_text()
    assert '"stringValue": "a\\u200bb"' in lock and not {"\u202e", "\u200b"} & set(lock)
    assert run_cli("validate", "lp.yaml", "--locked").exit_code == 0
