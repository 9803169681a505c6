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
