"""lpctl fmt on generated specs with comments everywhere: nothing lost, nothing moved, nothing changed.

Specs are generated as trees (keys of the spec format in any order, free maps, block and flow lists,
flow mappings, every kind of scalar, several documents) and written in a random layout (indentation,
list dashes at or under their key, blank lines), with a comment above every line and at the end of
every line, each with a text of its own. Then mutated: comments at random places, lines duplicated
or cut. For every text lpctl's loader reads without errors:

* fmt writes a text or leaves the file as it is with LP115, never anything else;
* a text it writes holds every comment exactly once, each next to what it annotated (the node
  after it, or before it on its line), loads to the same values, and is its own fmt (``--check``
  passes on it);
* a spec in block style (flow collections as values of keys), with its comments above and after its
  lines, is always formatted, never refused.

The number of examples is a tenth of the Hypothesis profile's: 10 by default, 100 under ``ci``.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lpctl.authoring import comments
from lpctl.authoring.endings import Endings
from lpctl.authoring.fmt import FormatBug, _same, format_bytes, format_text
from lpctl.spec.load import load_text

EXAMPLES = int(os.environ.get("LPCTL_PROPERTY_EXAMPLES") or max(10, settings.default.max_examples // 10))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TOP = ["apiVersion", "kind", "name", "workflow", "default_inputs", "fixed_inputs", "schedule", "notifications",
       "labels", "annotations", "max_parallelism", "auto_activate", "raw_output_data_config"]
FREE = ["a", "b_1", "region", "tickers", "yes", "x.y", "n"]
SCALARS = ["plain", "a b", "x#y", '"quoted # not a comment"', "'single'", "1", "-7", "0x1F", "1.5",
           "9.30739699016163e+265", ".inf", "true", "False", "null", "~", "2024-01-02",
           "2024-01-02T03:04:05.123+01:00", '"yes"', "on", "s3://bucket/x", "'it''s'", '"\\u00e9"', "é😀"]
COUNTER = iter(range(10**9))

# a node: ("scalar", text) | ("map", [(key, node)]) | ("seq", [node]) | ("flow", text) | ("lines", brackets, items)
scalars = st.sampled_from(SCALARS).map(lambda t: ("scalar", t))
flows = st.one_of(
    st.lists(st.sampled_from(SCALARS[:12]), max_size=4).map(lambda xs: ("flow", "[" + ", ".join(xs) + "]")),
    st.dictionaries(st.sampled_from(FREE), st.sampled_from(SCALARS[:12]), max_size=3).map(
        lambda d: ("flow", "{" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}")),
    # written over several lines, comments between the items
    st.lists(st.sampled_from(SCALARS[:12]), min_size=1, max_size=5).map(lambda xs: ("lines", "[]", xs)),
    st.dictionaries(st.sampled_from(FREE), st.sampled_from(SCALARS[:12]), min_size=1, max_size=4).map(
        lambda d: ("lines", "{}", [f"{k}: {v}" for k, v in d.items()])),
)


def _free_map(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.dictionaries(st.sampled_from(FREE), children, min_size=1, max_size=4).map(
        lambda d: ("map", list(d.items())))


nodes = st.recursive(st.one_of(scalars, flows), lambda children: st.one_of(
    _free_map(children), st.lists(children, min_size=1, max_size=4).map(lambda xs: ("seq", xs))), max_leaves=12)


@st.composite
def documents(draw: st.DrawFn) -> Any:
    keys = draw(st.lists(st.sampled_from(TOP[4:]), unique=True, max_size=6))
    body = [("apiVersion", ("scalar", "lpctl/v1")), ("kind", ("scalar", "LaunchPlan")),
            ("name", ("scalar", draw(st.sampled_from(["a", "b_lp"])))), ("workflow", ("scalar", "pkg.wf:run"))]
    body += [(k, draw(nodes)) for k in keys]
    return ("map", draw(st.permutations(body)))


@st.composite
def layouts(draw: st.DrawFn) -> dict[str, Any]:
    return {"indent": draw(st.sampled_from([2, 4])), "dash_under": draw(st.booleans()),
            "comment": draw(st.floats(0, 1)), "blank": draw(st.floats(0, 0.3)), "draw": draw}


def _comment(layout: dict[str, Any], kind: str) -> str:
    return f"#{kind}{next(COUNTER)}z" if layout["draw"](st.floats(0, 1)) < layout["comment"] else ""


def _emit(node: Any, indent: int, layout: dict[str, Any], out: list[str], first: str | None = None) -> None:
    """``first``: the text before the first line (a list item's '- ')."""
    step = layout["indent"]
    entries = node[1] if node[0] == "map" else list(enumerate(node[1]))
    for i, (key, child) in enumerate(entries):
        head = first if (first is not None and i == 0) else " " * indent
        if first is None or i:
            _above(layout, out, indent)
        lead = f"{head}{key}:" if node[0] == "map" else f"{head}-"
        if child[0] in ("scalar", "flow"):
            _line(layout, out, f"{lead} {child[1]}")
        elif child[0] == "lines":
            _line(layout, out, f"{lead} {child[1][0]}")
            for item in child[2]:
                _above(layout, out, indent + step)
                _line(layout, out, f"{' ' * (indent + step)}{item},")
            out.append(" " * indent + child[1][1])
        elif node[0] == "seq" and child[0] == "map":
            _emit(child, len(head) + 2, layout, out, first=lead + " ")
        else:
            _line(layout, out, lead)
            inner = indent + (step if node[0] == "map" and (child[0] == "map" or layout["dash_under"]) else 0)
            inner = inner + step if node[0] == "seq" else inner
            _emit(child, inner, layout, out)


def _above(layout: dict[str, Any], out: list[str], indent: int) -> None:
    if layout["draw"](st.floats(0, 1)) < layout["blank"]:
        out.append("")
    text = _comment(layout, "a")
    if text:
        out.append(" " * layout["draw"](st.sampled_from([0, indent])) + text)


def _line(layout: dict[str, Any], out: list[str], text: str) -> None:
    eol = _comment(layout, "e")
    out.append(f"{text}  {eol}" if eol else text)


def write(docs: list[Any], layout: dict[str, Any]) -> str:
    out: list[str] = ["---"] if layout["indent"] == 2 and layout["dash_under"] else []
    for i, doc in enumerate(docs):
        if i:
            _above(layout, out, 0)
            out.append("---")
        _emit(doc, 0, layout, out)
    _above(layout, out, 0)
    return "\n".join(out) + "\n"


LF = Endings()
_MARK = re.compile(r"#[aem]\d+z")


def check(text: str, *, must_format: bool, kept: Endings = LF) -> str:
    """The properties above for one text (read from a file written ``kept``'s way: CRLF, a BOM); returns
    what fmt made of it ('' when refused or unreadable)."""
    docs, diags = load_text(text, "spec.yaml")
    if diags:
        return ""
    result = format_bytes(kept.apply(text).encode("utf-8"), "spec.yaml")
    assert result is not None
    if result.text is None:
        assert [d.code for d in result.diagnostics] == ["LP115"], result.diagnostics
        assert not must_format, (str(result.diagnostics[0]), text)
        return ""
    after = result.text.removeprefix("\ufeff" if kept.bom else "").replace(kept.newline, "\n")
    assert result.text == kept.apply(after) and "\r" not in after, result.text  # written back the way it was
    assert Counter(_MARK.findall(after)) == Counter(_MARK.findall(text)), (text, after)
    assert comments.anchored(after).keys() == comments.anchored(text).keys()
    assert _same([d.data for d in docs], [d.data for d in load_text(after, "spec.yaml")[0]])
    assert format_text(after) == after, after  # a second fmt --check passes
    return after


@SETTINGS
@given(docs=st.lists(documents(), min_size=1, max_size=3), layout=layouts(),
       kept=st.sampled_from([Endings("\n", False), Endings("\r\n", False), Endings("\n", True), Endings("\r\n", True)]))
def test_fmt_keeps_every_comment_of_generated_specs(docs: list[Any], layout: dict[str, Any], kept: Endings) -> None:
    text = write(docs, layout)
    # ruamel drops a comment line after a flow collection ([a] or {a: 1}) that is a list item: fmt refuses
    # those files (LP115); every other layout the writer makes it must format. A file with CRLF line breaks
    # or a BOM is formatted alike and written back with them.
    check(text, must_format=not any(_flow_item(doc) for doc in docs), kept=kept)


def _flow_item(node: Any, in_list: bool = False) -> bool:
    if node[0] in ("flow", "lines"):
        return in_list
    if node[0] == "scalar":
        return False
    children = [child for _, child in node[1]] if node[0] == "map" else node[1]
    return any(_flow_item(child, node[0] == "seq") for child in children)


@SETTINGS
@given(docs=st.lists(documents(), min_size=1, max_size=2), layout=layouts(),
       edits=st.lists(st.tuples(st.sampled_from(["comment", "duplicate", "cut", "eol", "marker", "no-break"]),
                                st.integers(0, 10**6), st.sampled_from([0, 1, 2, 4, 6])), max_size=5))
def test_fmt_keeps_every_comment_of_mutated_specs(docs: list[Any], layout: dict[str, Any],
                                                   edits: list[tuple[str, int, int]]) -> None:
    lines = write(docs, layout).split("\n")
    for how, where, indent in edits:
        i = where % len(lines)
        if how == "comment":
            lines.insert(i, " " * indent + f"#m{next(COUNTER)}z")
        elif how == "eol" and lines[i].strip() and "#" not in lines[i]:
            lines[i] += f" #m{next(COUNTER)}z"
        elif how == "duplicate":
            lines.insert(i, lines[i])
        elif how == "cut":
            del lines[i]
        elif how == "marker":
            lines.insert(i, "---" if indent % 2 else "...")
        elif how == "no-break":
            lines[-1] = lines[-1] or "# the last line, without a line break"
    text = "\n".join(lines)
    if not load_text(text, "spec.yaml")[1]:
        check(text, must_format=False)


# -- the fast path: a text lpctl.accel.fmtlayout accepts is one fmt leaves as it is -----------------

TWEAKS = [("  ", "   "), (": ", ":  "), ("- ", "-  "), ("\n", " \n"), ("\n", "\n\n"), ("\n  ", "\n"), ("\n", "\n  "),
          (", ", ","), ("[", "[ "), ("]", " ]"), ("{", "{ "), ("# ", "#"), ("  #", " #"), (" #", "#"), ("'", '"'),
          ('"', "'"), ("a", "yes"), ("plain", "on"), ("1", "01"), ("true", "True"), ("~", "null"), ("-", "- -"),
          ("\n", "\n---\n"), ("\n", "\n...\n"), ("\n", "\n# c\n"), ("\n", "\n\t"), ("b", "\\u00e9"), (":", ": &a"),
          ("x", "*a"), ("\n", "\r\n"), ("1.5", "1.50"), ("x", "x: y"), ("-7", "-x"), ("a b", "a  b"), ("y", "y #"),
          ("\n", "\n  # c\n"), ("\n", "\n    # c\n"), ("plain", "="), ("plain", "'x'"), ("1", '"1"')]


def _fast_agrees(text: str) -> None:
    from lpctl.accel.fmtlayout import in_layout
    from lpctl.authoring.fmt import _orders

    docs, diags = load_text(text, "spec.yaml")
    if diags or not in_layout(text, [d.data for d in docs], _orders):
        return
    try:  # the accelerator gives fmt's own answer: the text unchanged, never LP115 where fmt would refuse
        assert format_text(text) == text, text
    except FormatBug:
        raise AssertionError(f"the layout reader accepts a text fmt refuses: {text!r}") from None


@SETTINGS
@given(docs=st.lists(documents(), min_size=1, max_size=2), layout=layouts(),
       tweaks=st.lists(st.tuples(st.sampled_from(TWEAKS), st.integers(0, 10**6)), max_size=3))
def test_the_fast_path_says_formatted_only_when_fmt_would_not_change_the_text(
        docs: list[Any], layout: dict[str, Any], tweaks: list[tuple[tuple[str, str], int]]) -> None:
    text = write(docs, layout)
    _fast_agrees(text)
    try:
        formatted = format_text(text)
    except FormatBug:
        return
    for (old, new), where in tweaks:  # near misses of the layout
        found = [m.start() for m in re.finditer(re.escape(old), formatted)]
        if found:
            at = found[where % len(found)]
            formatted = formatted[:at] + new + formatted[at + len(old):]
    _fast_agrees(formatted)
