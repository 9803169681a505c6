"""The line reader (lpctl.accel.blockyaml) reads what libyaml and the builder read, or steps aside.

Every text it accepts must load to the same data, value positions, key positions and texts as libyaml's
composer followed by the builder; a text libyaml refuses, or reads as several documents, it must refuse.
"""

from __future__ import annotations

import glob
import json
import math
import os
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from support import ROOT, examples

from lpctl.accel.blockyaml import read_block
from lpctl.spec import build, fastcompose, load
from lpctl.spec.yaml12 import plain_tag


def _read(text: str) -> Any:
    return read_block(text, plain_tag, build.scalar)


def _canonical(value: Any) -> str:
    """JSON with types kept apart (1 vs 1.0 vs True) and NaN comparable."""
    def walk(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, float) and math.isnan(v):
            return ["nan"]
        return [type(v).__name__, v]
    return json.dumps(walk(value), sort_keys=True)


def _agrees(text: str) -> bool:
    """Assert the reader's result for ``text`` is None or libyaml's; True if it read it. As the loader
    does, the reader is asked only where libyaml and ruamel agree (fastcompose.agrees)."""
    read = _read(text) if fastcompose.agrees(text) else None
    assert fastcompose.fast_loader() is not None
    nodes = fastcompose.compose(text)
    if read is None:
        return False
    assert nodes is not None and len(nodes) == len(read), f"the reader took a text libyaml does not:\n{text}"
    docs, diags = load._build_all(nodes, "f.yaml")
    assert len(docs) == len(read), text
    assert not [d for d in diags if d.code in ("LP102", "LP103", "LP104", "LP109", "LP110", "LP111")], text
    for (data, values, keys, texts), doc in zip(read, docs, strict=True):
        assert _canonical(data) == _canonical(doc.data), text
        assert values == doc.positions._values, text
        assert keys == doc.positions._keys, text
        assert texts == doc.positions._texts, text
    return True


def _text_of(path: str) -> str | None:
    with open(path, "rb") as f:
        raw = f.read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # the tests' own broken files
        return None


def _spec_files() -> list[str]:
    patterns = ("samples/*.yaml", "tests/**/*.yaml", "tests/**/*.yml", "docs/**/*.yaml")
    found = {p for pattern in patterns for p in glob.glob(os.path.join(ROOT, pattern), recursive=True)}
    return sorted(found)


def test_every_yaml_file_of_the_repository_reads_the_same() -> None:
    texts = {path: _text_of(path) for path in _spec_files()}
    read = sum(_agrees(text) for text in texts.values() if text is not None)
    # the samples are written in the plain block style: the reader takes every one
    samples = [text for path, text in texts.items() if os.sep + "samples" + os.sep in path]
    assert len(samples) >= 18 and all(_read(text) is not None for text in samples if text is not None)
    assert read >= len(samples)  # the other files under tests/ are mostly broken or hostile on purpose


BENCH_SPEC = """\
# yaml-language-server: $schema=launchplan.schema.json
apiVersion: "lpctl/v1"
kind: LaunchPlan
name: bench_collect_wf_00002
workflow: "benchpkg.workflows:collect_wf"
default_inputs:
  names: [data-0]
  weights:
    w0: 3.638
  color: red
notifications:
  - phases: [FAILED, 'SUCCEEDED']
    pager_duty: [data-oncall@example.com]
labels:
  team: data
annotations:
  description: "Benchmark launch plan number 2"
raw_output_data_config:
  output_location_prefix: "s3://bench-platform/outputs/7/"
"""


@pytest.mark.parametrize("text", [
    BENCH_SPEC,
    "a:\n- x\n- y\nb: 1\n",  # an indentless sequence
    "a:\n  - k: 1\n    j: [1, 2.5, ~]\n  -   k: 2\n",  # items that are mappings, extra spaces after '-'
    "a:\nb:   # nothing\nc: ''\nd: \"\"\n",  # empty values: right after the colon; quoted ones: at the quote
    "a: it's\nb: 'it''s'\nc: a#b\nd: a # c\ne: http://x:80/y\n",
    "k: [ a , 'b c' , \"d\" ]   # flow\nl: []\n",
    "a: yes\nb: on\nc: 0o17\nd: 0x1F\ne: 1_000\nf: .inf\ng: -.NaN\nh: 2024-01-01\ni: =\nj: <<\nk: -1\n",
    "é: ü\n日本: [語, 'ñ']\n",
    "  a: 1\n  b:\n    c: 2\n",  # a document indented as a whole
    "# c\n---\na: 1\n--- # two\nb: [x]\n---\nc:\n- 1\n",  # documents
    # flow mappings, as in the README's example and a third of the benchmark's specs
    "a: {b: 1}\n", "a: {}\nb: { }\n", "a: {b: 1, c: [x, 'y'], d: {e: ~}}  # c\nf: 1\n",
    "l: {owner: ml@example.com, description: \"Benchmark launch plan number 1\"}\n",
    "a:\n  - {k: 1, j: [1, 2.5]}\n  - [a, {b: c}]\nb: {y: 'it''s'}\n", "a: { b c: 1 }\n",
    "a: {1: x, true: y, ~: z, -1: w}\n", "a: [{}, [], [[x]]]\n", "a:\n- {b: 1}\n-   {c: [d]}  # e\n",
])
def test_the_reader_takes_the_block_style_and_agrees(text: str) -> None:
    assert _agrees(text)


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: |\n  x\n", "a: >-\n  x\n", "a: b\n  c\n",
    "a: \"x\\ny\"\n", "a: 1\na: 2\n", "<<: {a: 1}\n", "--- a: 1\n", "a: 1\n---\n", "---\n---\na: 1\n",
    "%YAML 1.2\n---\na: 1\n", "a: 1\n...\n",
    "a:\tb\n", "a: 1\r\n", "- a\n", "a:\n  -\n    b: 1\n", "a: [1,\n  2]\n", "a: [1, ]\n", "a: [1,,2]\n",
    "a: b: c\n", "a: 'x\n", "\"a\": 1\n", "a : 1\n", "? a\n: 1\n", "a: - x\n", "a: 1\n b: 2\n", "a:\n  b: 1\n c: 2\n",
    "a: [x]y\n", "a: 'x'y\n", "a: [a: b]\n", "a: [#x]\n", "scalar\n", "# only a comment\n",
    # flow mappings outside the subset: keys that are quoted, complex, repeated or a merge; empty values,
    # ':' without a space, stray commas, over several lines, after their end
    "a: {\"b\": 1}\n", "a: {b:1}\n", "a: {b : 1}\n", "a: {b}\n", "a: {b: }\n", "a: {b: 1, b: 2}\n",
    "a: {<<: {b: 1}}\n", "a: {b: 1,}\n", "a: {, b: 1}\n", "a: {b: 1\n  }\n", "a: {b: 1}}\n", "a: {b: 1} x\n",
    "a: {[b]: 1}\n", "a: {? b: 1}\n", "a: {b: c: d}\n", "a: {b: - c}\n", "a: {b: &x c}\n", "a: {b: 'c}\n",
    "{a: 1}\n", "a: {b: 1}#c\n", "a: {b: x#y}\n",
    # characters libyaml refuses (found by a review): C1 controls, U+FFFE/U+FFFF, in values, keys and comments
    "a: \x80\n", "a: \x9f\n", "a: \ufffe\n", "\x80: 1\n", "a: '\x9b'\n", "a: \"\x84\"\n", "a: [\x80]\n",
    "a: 1 # \x80\n", "# \uffff\na: 1\n",
    # the same in ASCII text (read without the pattern): C0 controls and DEL, in values, keys and comments
    "a: \x01\n", "a: b\x7f\n", "\x1f: 1\n", "a: 1 # \x0b\n", "a: [x\x0c]\n", "# \x00\na: 1\n",
])
def test_anything_else_is_left_to_the_composers(text: str) -> None:
    assert _read(text) is None
    _agrees(text)


# -- generated texts: the reader takes what it can, and agrees on all of it ------------------------

_SCALARS = ["yes", "no", "on", "true", "True", "FALSE", "null", "~", "Null", "1", "-1", "+1", "0x1F", "0o17",
            "1_000", "1.5", ".5", "1e3", "-.inf", ".NaN", "2024-01-01", "2024-01-01T10:00:00Z", "=", "<<", "a b",
            "a#b", "a # c", "http://x:80/y", "a:b", "-x", "--", "é", "日本", "a, b", "a]b", "[x", "x}", "'q'",
            '"dq"', "'it''s'", '"a\\nb"', "a: b", "- a", "-", "?x", ":x", "!t", "&a", "*a", "|", ">", "%x", "@x",
            "#c", "", "0", "00", "0.0", "1:30", "12:30:00", "x  ", "'a # b'", '"x]"', "a'b", 'a"b', "a\\b"]
_KEYS = ["a", "b", "key", "x.y/z", "1", "true", "~", "a b", "<<", "k#1", "-k", "'q'", "é", "a:b", "x]", "null"]
_scalar = st.sampled_from(_SCALARS)
_key = st.sampled_from(_KEYS)


@st.composite
def _flow(draw: st.DrawFn, depth: int = 0) -> str:
    """A flow sequence or mapping on one line, items maybe nested (as the flow-style specs write them)."""
    mapping = draw(st.booleans())
    size = draw(st.integers(0, 4))
    items = []
    for _ in range(size):
        value = draw(_flow(depth + 1)) if depth < 2 and draw(st.integers(0, 3)) == 0 else draw(_scalar)
        if mapping:
            colon = draw(st.sampled_from([": ", ": ", ":  ", ":", " : "]))
            value = f"{draw(_key)}{colon}{value}"
        items.append(value)
    sep = draw(st.sampled_from([", ", ",", " , "]))
    inner = sep.join(items)
    spaces = draw(st.sampled_from([("", ""), (" ", " "), ("", " ")]))
    open_, close = "{}" if mapping else "[]"
    return f"{open_}{spaces[0]}{inner}{spaces[1]}{close}"


@st.composite
def _lines(draw: st.DrawFn, indent: int, depth: int) -> list[str]:
    """A block mapping at ``indent``, as lines."""
    step = draw(st.integers(1, 4))
    out: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        key = draw(_key)
        pad = " " * indent
        if draw(st.integers(0, 5)) == 0:
            out.append(draw(st.sampled_from(["", pad + "# c", "#", "   "])))
        kind = draw(st.sampled_from(["scalar", "scalar", "flow", "flow", "map", "seq", "indentless", "empty"]))
        if depth >= 3 and kind in ("map", "seq", "indentless"):
            kind = "scalar"
        comment = draw(st.sampled_from(["", "", " # c", "  #c"]))
        if kind == "scalar":
            out.append(f"{pad}{key}: {draw(_scalar)}{comment}")
        elif kind == "flow":
            out.append(f"{pad}{key}: {draw(_flow())}{comment}")
        elif kind == "empty":
            out.append(f"{pad}{key}:{comment}")
        elif kind == "map":
            out.append(f"{pad}{key}:{comment}")
            out.extend(draw(_lines(indent + step, depth + 1)))
        else:
            out.append(f"{pad}{key}:{comment}")
            at = indent if kind == "indentless" else indent + step
            for _ in range(draw(st.integers(1, 3))):
                choice = draw(st.integers(0, 3))
                if choice == 0:
                    out.append(f"{' ' * at}- {draw(_scalar)}")
                elif choice == 1:
                    out.append(f"{' ' * at}- {draw(_flow())}")
                else:
                    body = draw(_lines(at + 2, depth + 1))
                    first = body[0]
                    if first.strip() and not first.lstrip().startswith("#"):
                        out.append(f"{' ' * at}- {first.lstrip()}")
                        out.extend(body[1:])
                    else:
                        out.append(f"{' ' * at}- x")
    return out


@settings(max_examples=examples(1500), deadline=None)
@given(lines=_lines(0, 0))
@example(lines=["a:", "- b: 1", "  c: [x, 'y']"])
def test_generated_block_yaml(lines: list[str]) -> None:
    _agrees("\n".join(lines) + "\n")


#: characters that change what YAML means, or that it refuses
_INSERTED = list(" -:#'\"[]{},&*!|>?%@`\\\nxé\t\x80\x9f\xa0\ufffe\u2028")


@settings(max_examples=examples(1500), deadline=None)
@given(lines=_lines(0, 0), at=st.integers(0, 10_000), insert=st.sampled_from(_INSERTED))
def test_generated_block_yaml_with_a_character_inserted(lines: list[str], at: int, insert: str) -> None:
    text = "\n".join(lines) + "\n"
    at %= len(text) + 1
    _agrees(text[:at] + insert + text[at:])


def test_the_loader_reads_a_block_spec_through_the_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """load_text takes the reader's result (and libyaml is not asked) for the plain block style."""
    def refuse(*args: Any) -> None:
        raise AssertionError("libyaml was asked")

    monkeypatch.setattr(fastcompose, "compose", refuse)
    docs, diags = load.load_text(BENCH_SPEC, "f.yaml")
    assert not diags and docs[0].data["notifications"][0]["phases"] == ["FAILED", "SUCCEEDED"]
    assert docs[0].location(("default_inputs", "weights", "w0")).line == 9
    assert (docs[0].location(("labels",), key=True).line, docs[0].location(("labels",), key=True).col) == (14, 1)


def test_a_character_yaml_does_not_print_is_still_a_syntax_error() -> None:
    docs, diags = load.load_text("apiVersion: lpctl/v1\nkind: LaunchPlan\nworkflow: a\x80b\n", "f.yaml")
    assert not docs
    assert [str(d) for d in diags] == ["f.yaml:3:12: error LP101 YAML syntax error: unacceptable character #x0080: "
                                       "special characters are not allowed"]


def test_flow_mappings_of_generated_keys_and_scalars_are_mostly_read() -> None:
    """Generated flow mappings reach the reader: a generator whose texts were all refused would hold it to
    nothing. Over a fixed sample of keys and scalars, most texts are read, and each read text agrees."""
    import random

    scalars = ["1", "2.5", "true", "~", "null", "data-0", "ml@example.com", '"s3://x/y/"', "'it''s'", "a b", "yes",
               "0x1F", "-1", ".inf", "2024-01-01", "é", "=", '""', "''", "[]", "{}", "[x, {y: 1}]"]
    rnd = random.Random(7)
    read = 0
    for _ in range(examples(3000)):
        pairs = ", ".join(f"{rnd.choice(_KEYS)}: {rnd.choice(scalars)}" for _ in range(rnd.randint(0, 3)))
        read += _agrees(f"k: {{{pairs}}}\nl: [{rnd.choice(scalars)}, {{m: {rnd.choice(_SCALARS)}}}]\n")
    assert read > examples(3000) // 4
