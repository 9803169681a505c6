"""Specs in the benchmark's three styles load the same with the fast paths and with ruamel alone.

The line reader (lpctl.accel.blockyaml) reads the plain block style, flow mappings and comments; libyaml
reads what it leaves. With LPCTL_NO_ACCEL=1 ruamel reads everything: the reference. Generated specs in
each style (block, flow mappings as in the README's example, comment lines and end-of-line comments), and
the same specs with a character inserted, deleted or a line doubled, must give the same documents (values,
types, key order, the position of every key and value, the texts of plain scalars) and the same
diagnostics both ways.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from support import examples

from lpctl import accel
from lpctl.spec import build, load

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_.@/-]*")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}
#: strings a spec holds, some that YAML would read as something else unless quoted
_STRINGS = ["data", "ml-0", "user-12", "us-east-1", "team@example.com", "s3://bench/outputs/7/", "0 */6 * * *",
            "@daily", "yes", "on", "null", "1.0", "0x1F", "2024-01-01", "a: b", "a # b", "x, y", "[x]", "{y}",
            "it's", 'say "hi"', "é ü", "日本", "-x", "", " lead", "back\\slash", "tab\there"]
_NUMBERS = [0, 1, -7, 582, 10**12, 3.638, 0.5, -2.25, 1e-05]
_KEYS = ["a", "b", "repeat", "names", "weights", "w0", "kickoff_time", "x.y", "k-1", "tier"]


def _scalar(value: Any, quote: str) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if _PLAIN.fullmatch(value) and value.lower() not in _RESERVED and quote == "":
        return str(value)
    if quote == "'" and "\t" not in value and "\\" not in value:
        return "'" + value.replace("'", "''") + "'"
    return json.dumps(value, ensure_ascii=False)


def _flow(value: Any, quote: str) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v, quote)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v, quote) for v in value) + "]"
    return _scalar(value, quote)


def _emit(doc: dict[str, Any], style: str, quote: str, indent: int = 0, out: list[str] | None = None) -> list[str]:
    """The bench's emitter (benchmarks/bench.py), with a choice of quotes."""
    out = [] if out is None else out
    pad = " " * indent
    for key, value in doc.items():
        note = "  # a note" if style == "commented" and indent == 0 and key in ("workflow", "labels") else ""
        if style == "commented" and indent == 0 and key == "notifications":
            out.append("# who hears about a run")
        if isinstance(value, dict) and value and style == "flow":
            out.append(f"{pad}{key}: {_flow(value, quote)}{note}")
        elif isinstance(value, dict) and value:
            out.append(f"{pad}{key}:{note}")
            _emit(value, style, quote, indent + 2, out)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            out.append(f"{pad}{key}:{note}")
            for item in value:
                lines = _emit(item, style, quote, 0, [])
                out.append(f"{pad}  - {lines[0]}")
                out.extend(f"{pad}    {line}" for line in lines[1:])
        else:
            out.append(f"{pad}{key}: {_flow(value, quote)}{note}")
    return out


_value = st.one_of(st.sampled_from(_STRINGS), st.sampled_from(_NUMBERS), st.booleans(), st.none())
_inputs = st.dictionaries(st.sampled_from(_KEYS), st.one_of(
    _value, st.lists(_value, max_size=4), st.dictionaries(st.sampled_from(_KEYS), _value, max_size=3)), max_size=5)


@st.composite
def _spec(draw: st.DrawFn) -> str:
    style = draw(st.sampled_from(["block", "flow", "commented"]))
    doc: dict[str, Any] = {"apiVersion": "lpctl/v1", "kind": "LaunchPlan", "name": f"bench_{draw(st.integers(0, 99))}",
                           "workflow": "benchpkg.workflows:collect_wf", "default_inputs": draw(_inputs)}
    if draw(st.booleans()):
        doc["fixed_inputs"] = draw(_inputs)
    if draw(st.booleans()):
        doc["notifications"] = [{"phases": draw(st.lists(st.sampled_from(["FAILED", "SUCCEEDED"]), min_size=1)),
                                 "email": [draw(st.sampled_from(_STRINGS))]} for _ in range(draw(st.integers(1, 2)))]
    doc["labels"] = draw(st.dictionaries(st.sampled_from(_KEYS), st.sampled_from(_STRINGS), max_size=3))
    doc["annotations"] = {"description": f"Benchmark launch plan number {draw(st.integers(0, 99))}"}
    lines = ["# yaml-language-server: $schema=launchplan.schema.json", *_emit(doc, style, draw(
        st.sampled_from(["", "'", '"'])))]
    return "\n".join(lines) + "\n"


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return [[k, _canonical(v)] for k, v in value.items()]  # key order counts
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return ["nan"]
    return [type(value).__name__, value]


def _load(text: str) -> Any:
    docs, diags = load.load_text(text, "spec.yaml")
    return ([(_canonical(d.data), d.positions._values, d.positions._keys, d.positions._texts) for d in docs],
            [str(d) for d in diags])


def _same_both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.delenv(accel.SWITCH, raising=False)
    fast = _load(text)
    monkeypatch.setenv(accel.SWITCH, "1")
    reference = _load(text)
    monkeypatch.delenv(accel.SWITCH)
    assert fast == reference, text
    return fast


@settings(max_examples=examples(600), deadline=None)
@given(text=_spec())
@example(text="apiVersion: lpctl/v1\nkind: LaunchPlan\nname: a\nworkflow: m:wf\n"
              "default_inputs: {b: 582, c: [x, 'y'], d: {e: ~}}  # c\nlabels: {team: ml, env: dev}\n")
def test_specs_in_every_style_load_the_same_both_ways(text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _same_both_ways(text, monkeypatch)


_EDITS = list(" -:#'\"[]{},&*!|>?\n\txé\\")


@settings(max_examples=examples(600), deadline=None)
@given(text=_spec(), at=st.integers(0, 10_000), edit=st.sampled_from([*_EDITS, "delete", "double"]))
def test_edited_specs_give_the_same_findings_both_ways(text: str, at: int, edit: str) -> None:
    at %= len(text)
    if edit == "delete":
        text = text[:at] + text[at + 1:]
    elif edit == "double":  # a line twice: a duplicate key, or an item more
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at) + 1 or len(text)
        text = text[:end] + text[start:end] + text[end:]
    else:
        text = text[:at] + edit + text[at:]
    with pytest.MonkeyPatch.context() as monkeypatch:
        _same_both_ways(text, monkeypatch)


def test_the_generated_styles_reach_the_line_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Most generated specs, flow mappings among them, are read by the line reader, not the composers."""
    from lpctl.accel.blockyaml import read_block
    from lpctl.spec.yaml12 import plain_tag

    texts = [_emit({"k": {"a": v, "b": [v, 1]}, "l": "x"}, style, quote) for v in _STRINGS
             for style in ("block", "flow", "commented") for quote in ("", "'", '"')]
    read = [t for t in texts if read_block("\n".join(t) + "\n", plain_tag, build.scalar) is not None]
    assert len(read) > len(texts) * 2 // 3
    assert sum(1 for t in read if "{" in "".join(t)) > len(texts) // 5
    for lines in texts:
        _same_both_ways("\n".join(lines) + "\n", monkeypatch)
