"""Input checks: names, types at any depth, enums, fixed vs defaulted, at the exact line."""

from __future__ import annotations

from collections.abc import Callable

import pytest

MY = "name: lp\nworkflow: example_pkg.workflows:my_workflow\n"
TYPED = "name: lp\nworkflow: example_pkg.workflows:typed\n"
WF = "'example_pkg.workflows.my_workflow'"


def test_unknown_inputs_name_the_workflow_inputs(check: Callable[..., list[str]]) -> None:
    assert check(MY + "default_inputs:\n  bb: x\nfixed_inputs:\n  c: 1\n") == [
        f"spec.yaml:6:3: error LP401 default input 'bb' is not an input of workflow {WF} "
        "(did you mean 'b'? inputs: a, b)",
        f"spec.yaml:8:3: error LP402 fixed input 'c' is not an input of workflow {WF} (inputs: a, b)",
    ]


def test_fixed_and_defaulted(check: Callable[..., list[str]]) -> None:
    assert check(MY + "default_inputs: {b: x}\nfixed_inputs: {b: y}\n") == [
        "spec.yaml:5:18: error LP403 input 'b' is both fixed and defaulted (a fixed input cannot be "
        "overridden at launch, so flytekit drops the default; keep it in one of the two)"]


def test_inputs_for_a_workflow_without_inputs(check: Callable[..., list[str]]) -> None:
    assert check("name: lp\nworkflow: example_pkg.workflows:no_inputs\nfixed_inputs: {a: 1}\n") == [
        "spec.yaml:5:16: error LP404 fixed input 'a' given, but workflow "
        "'example_pkg.workflows.no_inputs' has no inputs"]


@pytest.mark.parametrize(("value", "expected"), [
    ("b: 123", "default input 'b': expected str, found the integer 123 (quote it: '123')"),
    ("b: true", "default input 'b': expected str, found the boolean true (quote it: 'true')"),
    ("a: true", "default input 'a': expected int, found the boolean true"),
    ("a: '12'", "default input 'a': expected int, found the string \"12\" (remove the quotes)"),
    ("a: 1.5", "default input 'a': expected int, found the number 1.5"),
    ("a: [1]", "default input 'a': expected int, found a list"),
])
def test_wrong_types_say_what_was_expected(check: Callable[..., list[str]], value: str, expected: str) -> None:
    assert check(MY + f"default_inputs:\n  {value}\n") == [f"spec.yaml:6:6: error LP405 {expected}"]


@pytest.mark.parametrize(("yaml", "expected"), [
    ("ints: [1, two, 3]", "spec.yaml:6:13: error LP405 default input 'ints[1]': expected int, "
     "found the string \"two\""),
    ("counts: {x: 1, y: z}", "spec.yaml:6:21: error LP405 default input 'counts.y': expected int, "
     "found the string \"z\""),
    ("nested: [{a: [1.5, x]}]", "spec.yaml:6:22: error LP405 default input 'nested[0].a[1]': expected "
     "float, found the string \"x\""),
    ("maybe: abc", "spec.yaml:6:10: error LP405 default input 'maybe': expected int, found the string \"abc\""),
    ("flag: yes", "spec.yaml:6:9: error LP405 default input 'flag': expected bool, found the string \"yes\" "
     "(write true or false; in YAML 1.2 yes, no, on and off are strings)"),
    ("when: tomorrow", "spec.yaml:6:9: error LP405 default input 'when': expected datetime: \"tomorrow\" "
     "is not an ISO 8601 datetime (e.g. 2024-01-02T03:04:05Z)"),
    ("color: purple", "spec.yaml:6:10: error LP406 default input 'color': the string \"purple\" is not one "
     "of the enum's values: \"red\", \"green\", \"blue\""),
    ("color: Red", "spec.yaml:6:10: error LP406 default input 'color': the string \"Red\" is not one of the "
     "enum's values: \"red\", \"green\", \"blue\" (did you mean \"red\"?)"),
    ("maybe_color: [1]", "spec.yaml:6:16: error LP405 default input 'maybe_color': expected "
     "enum ('red', 'green', 'blue'), found a list"),
    ("blob: [1]", "spec.yaml:6:9: error LP405 default input 'blob': expected dict, found a list"),
    # the hint quotes what the user wrote, at any depth, not the number YAML read
    ("names: [a, 1e3]", "spec.yaml:6:14: error LP405 default input 'names[1]': expected str, found the number "
     "1000.0 (quote it: '1e3')"),
    ("names: [0x1F]", "spec.yaml:6:11: error LP405 default input 'names[0]': expected str, found the integer "
     "31 (quote it: '0x1F')"),
])
def test_types_are_checked_at_any_depth(check: Callable[..., list[str]], yaml: str, expected: str) -> None:
    assert check(TYPED + f"default_inputs:\n  {yaml}\n") == [expected]


def test_fixed_none_for_a_required_input(check: Callable[..., list[str]]) -> None:
    assert check(MY + "fixed_inputs: {a: null}\n") == [
        "spec.yaml:5:19: error LP405 fixed input 'a': expected int, found null"]


def test_every_problem_of_a_file_is_reported(check: Callable[..., list[str]]) -> None:
    lines = check(TYPED + "default_inputs:\n  i: x\n  f: y\nfixed_inputs:\n  s: 1\n")
    assert [line.split(": error ")[0] for line in lines] == ["spec.yaml:6:6", "spec.yaml:7:6", "spec.yaml:9:6"]


def test_a_top_level_key_indented_under_the_inputs_says_so(check: Callable[..., list[str]]) -> None:
    assert check(MY + "default_inputs:\n  a: 1\n  labels:\n    team: data\n") == [
        "spec.yaml:7:3: error LP401 default input 'labels' is not an input of workflow "
        "'example_pkg.workflows.my_workflow' ('labels' is a top-level key, at the level of 'default_inputs'; "
        "inputs: a, b)"]
