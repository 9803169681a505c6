"""The loader: values as YAML 1.2 says, exact positions, and every load error at its line."""

from __future__ import annotations

from typing import Any

import pytest
from support import HEADER

from lpctl import accel
from lpctl.spec.depth import too_deep as _too_deep
from lpctl.spec.load import load_bytes, load_text

SPEC = """\
apiVersion: lpctl/v1
kind: LaunchPlan
name: weekly
labels: {team: data, "on": yes}
default_inputs:
  regions:
    - emea
    - {code: apac, when: 2024-01-01}
  ratio: 1.10
  octal: 0o17
  hex: 0x1F
  big: 1_000
  nothing: ~
  tagged: !!str 2024-01-01
"""


def _errors(text: str) -> list[str]:
    return [str(d) for d in load_text(text, "f.yaml")[1]]


def test_values_follow_yaml_1_2_and_stay_json_like() -> None:
    (doc,), diags = load_text(SPEC, "f.yaml")
    assert diags == []
    assert doc.data["labels"] == {"team": "data", "on": "yes"}
    inputs = doc.data["default_inputs"]
    assert inputs["regions"] == ["emea", {"code": "apac", "when": "2024-01-01"}]
    assert (inputs["ratio"], inputs["octal"], inputs["hex"], inputs["big"]) == (1.1, 15, 31, 1000)
    assert inputs["nothing"] is None
    assert inputs["tagged"] == "2024-01-01" and type(inputs["tagged"]) is str


@pytest.mark.parametrize(("path", "key", "expected"), [
    (("name",), True, (3, 1)),
    (("name",), False, (3, 7)),
    (("labels", "on"), True, (4, 22)),
    (("labels", "on"), False, (4, 28)),
    (("default_inputs", "regions", 0), False, (7, 7)),
    (("default_inputs", "regions", 1), False, (8, 7)),
    (("default_inputs", "regions", 1, "when"), True, (8, 20)),
    (("default_inputs", "regions", 1, "when"), False, (8, 26)),
    (("default_inputs", "tagged"), False, (14, 11)),
    (("default_inputs", "missing"), False, (6, 3)),  # falls back to the nearest ancestor
])
def test_every_key_value_and_item_has_its_position(path: tuple, key: bool, expected: tuple[int, int]) -> None:
    (doc,), _ = load_text(SPEC, "f.yaml")
    loc = doc.location(path, key=key)
    assert (loc.line, loc.col) == expected


def test_multi_document_files_keep_index_and_positions() -> None:
    docs, diags = load_text("apiVersion: lpctl/v1\nkind: LaunchPlan\nname: a\n---\n"
                            "apiVersion: lpctl/v1\nkind: LaunchPlan\nname: b\n", "f.yaml")
    assert diags == []
    assert [(d.index, d.data["name"], d.location(("name",)).line) for d in docs] == [(0, "a", 3), (1, "b", 7)]


@pytest.mark.parametrize(("text", "expected"), [
    ("apiVersion: lpctl/v1\nkind: LaunchPlan\nname: a\nname: b\n",
     "f.yaml:4:1: error LP102 duplicate key 'name' (first defined at line 3)"),
    ("apiVersion: lpctl/v1\nkind: LaunchPlan\nlabels: [a\n",
     "f.yaml:4:1: error LP101 YAML syntax error: expected ',' or ']', but got '<stream end>' "
     "(parsing a flow sequence that started at line 3)"),
    ("apiVersion: lpctl/v1\nkind: LaunchPlan\nlabels:\n\tteam: a\n",
     "f.yaml:4:1: error LP101 YAML syntax error: found character '\\t' that cannot start any token "
     "(YAML does not allow tabs for indentation; use spaces)"),
    ("apiVersion: lpctl/v1\nkind: LaunchPlan\nname: !!python/object/apply:os.system [echo hi]\n",
     "f.yaml:3:7: error LP103 YAML tag '!!python/object/apply:os.system' is not allowed in a spec "
     "(specs hold plain strings, numbers, booleans, lists and maps; quote the value to make it a string)"),
    ("apiVersion: lpctl/v1\nkind: LaunchPlan\nname: !custom x\n",
     "f.yaml:3:7: error LP103 YAML tag '!custom' is not allowed in a spec "
     "(specs hold plain strings, numbers, booleans, lists and maps; quote the value to make it a string)"),
    ("", "f.yaml:1:1: error LP104 file is empty: a spec needs at least 'apiVersion', 'kind' and 'workflow'"),
    ("# only a comment\n---\n",
     "f.yaml:1:1: error LP104 file is empty: a spec needs at least 'apiVersion', 'kind' and 'workflow'"),
    ("- a\n- b\n", "f.yaml:1:1: error LP105 document is a list, not a launch plan spec (a mapping) "
     "(a spec starts with 'apiVersion: lpctl/v1' and 'kind: LaunchPlan')"),
    ("just text\n", "f.yaml:1:1: error LP105 document is a scalar ('just text'), not a launch plan spec "
     "(a mapping) (a spec starts with 'apiVersion: lpctl/v1' and 'kind: LaunchPlan')"),
    ("apiVersion: lpctl/v2\nkind: LaunchPlan\n",
     "f.yaml:1:13: error LP106 'apiVersion' must be 'lpctl/v1', found 'lpctl/v2'"),
    ("apiVersion: lpctl/v1\nkind: Workflow\n",
     "f.yaml:2:7: error LP106 'kind' must be 'LaunchPlan' or 'Trigger', found 'Workflow'"),
    ("a: 1\n", "f.yaml:1:1: error LP106 missing 'apiVersion: lpctl/v1': this document is not an lpctl spec"),
    ("apiVersion: lpctl/v1\nkind: LaunchPlan\nx: &a [*a]\n", "f.yaml:3:4: error LP109 recursive YAML alias"),
])
def test_load_errors_are_located(text: str, expected: str) -> None:
    assert expected in _errors(text)


def test_alias_bomb_is_refused_before_it_expands() -> None:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    errors = _errors("\n".join(lines) + "\n")
    assert errors == ["f.yaml:5:1: error LP109 document expands to more than 100000 values (an alias bomb?)"]


def test_deep_nesting_is_an_error_not_a_recursion_error() -> None:
    assert _errors("a: " + "[" * 100 + "]" * 100 + "\n") == [
        "f.yaml:1:68: error LP110 YAML nesting deeper than 64 levels"]
    assert _errors("a: " + "[" * 20000 + "]" * 20000 + "\n") == [
        "f.yaml:1:68: error LP110 YAML nesting deeper than 64 levels"]


DEEP = [  # (text, where the 65th level starts): whether the composer's stack runs out or not, the same place
    (lambda n: "a: " + "[" * n + "]" * n + "\n", "1:68"),
    (lambda n: "x: 1\nlabels: " + "{a: " * n + "1" + "}" * n + "\n", "2:265"),
    (lambda n: "a: " + "[1, {b: " * n + "1" + "}]" * n + "\n", "1:260"),
    (lambda n: "x: 1\n" + "".join(" " * i + f"k{i}:\n" for i in range(n)) + " " * n + "v\n", "67:66"),
    (lambda n: "".join(" " * i + "-\n" for i in range(n)) + " " * n + "v\n", "66:66"),
]


@pytest.mark.parametrize(("deep", "where"), DEEP)
@pytest.mark.parametrize("accelerated", [True, False])
def test_deep_nesting_is_reported_where_it_passes_the_limit(deep: Any, where: str, accelerated: bool,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """It was reported at 1:1 ('YAML nesting is too deep to be a spec') once the composer ran out of stack
    (1,100 levels: past libyaml's limit too); the line reader, libyaml and ruamel agree on the place."""
    from lpctl.spec import depth

    if not accelerated:
        monkeypatch.setenv(accel.SWITCH, "1")
    walked: list[int] = []
    monkeypatch.setattr(depth, "too_deep", lambda text, limit: walked.append(1) or _too_deep(text, limit))
    for levels in (65, 100, 1100):
        assert _errors(deep(levels)) == [f"f.yaml:{where}: error LP110 YAML nesting deeper than 64 levels"], levels
    assert walked == [1]  # only the deepest ran the composer out of stack


def test_a_deep_document_keeps_the_findings_of_those_before_it() -> None:
    """They were dropped: the file had only the LP110, at 1:1."""
    text = HEADER + "name: a\nname: b\n---\n" + HEADER + "b: " + "[" * 3000 + "]" * 3000 + "\n"
    assert _errors(text) == ["f.yaml:4:1: error LP102 duplicate key 'name' (first defined at line 3)",
                             "f.yaml:8:68: error LP110 YAML nesting deeper than 64 levels"]


def test_byte_level_problems() -> None:
    bom = "\ufeffapiVersion: lpctl/v1\nkind: LaunchPlan\n".encode()
    assert load_bytes(bom, "f.yaml")[1] == []
    assert [str(d) for d in load_bytes(b"a: \xff\xfe\n", "f.yaml")[1]] == [
        "f.yaml:1:4: error LP108 file is not UTF-8 text (byte 0xff at offset 3)"]
    assert [str(d) for d in load_bytes(b"\x00\x01binary", "f.yaml")[1]] == [
        "f.yaml:1:1: error LP108 file is binary (it contains NUL bytes), not a YAML spec"]
    assert [str(d) for d in load_bytes(b"a: 1\n" * 10, "f.yaml", max_bytes=20)[1]] == [
        "f.yaml:1:1: error LP107 file is 50 bytes, over the limit of 20 bytes for a spec "
        "(raise it with --max-bytes if this file really is a spec)"]


def test_merge_keys_fill_in_without_overriding() -> None:
    (doc,), _ = load_text("base: &b {team: a, env: x}\nlabels:\n  <<: *b\n  env: y\n", "f.yaml")
    assert doc.data["labels"] == {"team": "a", "env": "y"}


TRICKY_SCALARS = [
    "yes", "No", "on", "OFF", "y", "true", "False", "TRUE", "~", "null", "Null", "", "0755", "0o17", "0x1F",
    "0b101", "1_000", "-0", "+12", "1.10", "1e3", "1.5e-3", ".5", "-.inf", ".NaN", "2024-01-01",
    "2024-01-01T10:00:00Z", "2024-01-01 10:00:00", "12:30", "1:30:00", "=", "<<x", "'quoted'", '"dq"',
    "!!str 12", "!!int '7'", "!!float 1", "!!bool true", "!!null ''", "!!bool yes", "!!int x", "9" * 5000,
    "[1, 2]", "{k: v}",
]


@pytest.mark.parametrize("scalar", TRICKY_SCALARS)
def test_fast_and_ruamel_paths_build_the_same_values(scalar: str) -> None:
    from lpctl.spec.load import _build_all, _compose_ruamel

    text = f"apiVersion: lpctl/v1\nkind: LaunchPlan\nvalue: {scalar}\nlist:\n  - {scalar}\n"
    nodes = _compose_fast(text)
    slow_docs, slow_diags = _compose_ruamel(text, "f.yaml")
    if scalar.startswith("!"):  # tags: the fast path steps aside, lpctl reads them with ruamel
        assert nodes is None
        nodes = []
        fast_docs, fast_diags = load_text(text, "f.yaml")
    else:
        assert nodes is not None
        fast_docs, fast_diags = _build_all(nodes, "f.yaml")
    assert [str(d) for d in fast_diags] == [str(d) for d in slow_diags]
    fast, slow = [d.data for d in fast_docs], [d.data for d in slow_docs]
    assert repr(fast) == repr(slow)  # repr: nan != nan, and 1 == 1.0 == True would hide differences


def _compose_fast(text: str) -> list[Any] | None:
    """What load_text composes with libyaml: None where it steps aside for ruamel."""
    from lpctl.spec.fastcompose import agrees, compose

    return compose(text) if agrees(text) else None


def test_fast_path_steps_aside_for_version_directives_and_deep_nesting() -> None:
    assert _compose_fast("%YAML 1.1\n---\na: yes\n") is None
    assert _compose_fast("a: " + "[" * 2000 + "]" * 2000 + "\n") is None
    assert _compose_fast("a: [1\n") is None  # errors are reported by ruamel
    assert [str(d) for d in load_text("# c\n%YAML 1.1\n---\na: yes\n", "f.yaml")[1]] == [
        "f.yaml:2:1: error LP112 '%YAML 1.1' directive: lpctl reads specs as YAML 1.2 only (remove the "
        "directive; in YAML 1.2 yes, no, on and off are strings)"]
    (doc,), _ = load_text("%YAML 1.2\n---\napiVersion: lpctl/v1\nkind: LaunchPlan\na: yes\n", "f.yaml")
    assert doc.data["a"] == "yes"


H = HEADER


@pytest.mark.parametrize(("body", "expected"), [
    # a key indented under a key that has a value: libyaml says "mapping values are not allowed here"
    ("name: x\ndefault_inputs:\n  a: 1\n   b: 2\n",
     "f.yaml:6:5: error LP101 YAML syntax error: 'b' is indented more than 'a' on line 5, which has a value: YAML "
     "reads the line as part of that value (indent 'b' as 'a' is (2 spaces); to nest it, 'a' must have no value)"),
    # a top-level key indented by one space: "expected <block end>, but found '<block mapping start>'"
    ("name: x\nworkflow: a.b:c\n default_inputs:\n  a: 1\n",
     "f.yaml:5:16: error LP101 YAML syntax error: 'default_inputs' is indented more than 'workflow' on line 4, "
     "which has a value: YAML reads the line as part of that value (indent 'default_inputs' as 'workflow' is (0 "
     "spaces); to nest it, 'workflow' must have no value)"),
    ("name: x\nworkflow:\n  name: a.b\n  inputs: {}\n default_inputs:\n  a: 1\n",
     "f.yaml:7:2: error LP101 YAML syntax error: 'default_inputs' is indented 1 space, as no key before it is "
     "(indent it as 'workflow' on line 4 is (0 spaces), or as 'inputs' on line 6 is (2 spaces))"),
    ("name: x\nschedule:\n  cron: 0 1 * * *\n timezone: UTC\n",
     "f.yaml:6:2: error LP101 YAML syntax error: 'timezone' is indented 1 space, as no key before it is (indent it "
     "as 'schedule' on line 4 is (0 spaces), or as 'cron' on line 5 is (2 spaces))"),
    ("name: x\ndefault_inputs:\n    a: 1\n  b: 2\n",
     "f.yaml:6:3: error LP101 YAML syntax error: 'b' is indented 2 spaces, as no key before it is (indent it as "
     "'default_inputs' on line 4 is (0 spaces), or as 'a' on line 5 is (4 spaces))"),
    ("name: x\nnotifications:\n  - phases: [FAILED]\n    email: [a@b.c]\n   - phases: [SUCCEEDED]\n",
     "f.yaml:7:4: error LP101 YAML syntax error: this list item is indented 3 spaces, unlike the items before it "
     "(indent it as the list item with 'phases' on line 5 is (2 spaces))"),
    # ': ' inside a plain value
    ("name: x: y\nworkflow: a.b:c\n",
     "f.yaml:3:8: error LP101 YAML syntax error: the value of 'name' contains ': ', which YAML reads as another "
     "key (quote the value: name: \"x: y\")"),
])
def test_indentation_mistakes_are_said_in_the_users_terms(body: str, expected: str) -> None:
    assert [str(d) for d in load_text(H + body, "f.yaml")[1]] == [expected]


def test_indentation_explanations_never_crash_on_mangled_specs() -> None:
    """Lines indented, outdented, split and joined at random: every result is diagnostics, never an exception."""
    import random

    lines = (H + "name: x\nworkflow:\n  name: a.b\n  inputs: {a: int}\ndefault_inputs:\n  a: 1\n"
             "schedule:\n  cron: '0 1 * * *'\nnotifications:\n  - phases: [FAILED]\n    email: [a@b.c]\n"
             "labels: {team: data}\n").splitlines()
    rng = random.Random(30)
    for _ in range(300):
        mangled = list(lines)
        i = rng.randrange(len(mangled))
        extra = rng.choice(["- a", "k: v", "k:", "- k: v", "'q': 1", ": x", "-", "a: b: c"])
        mangled.insert(i, " " * rng.randrange(6) + extra)
        j = rng.randrange(len(mangled))
        mangled[j] = " " * rng.randrange(4) + mangled[j].lstrip()
        _, diagnostics = load_text("\n".join(mangled) + "\n", "f.yaml")
        assert all(str(d).startswith("f.yaml:") for d in diagnostics)
