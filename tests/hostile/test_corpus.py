"""The hostile corpus: every file in ``corpus/`` (and a few generated at test time, too big to
commit) run through the real CLI, ``lpctl validate --format text``, with its exact diagnostics.

Each case copies its file into an empty directory (``in_tmp``: no ``[tool.lpctl]`` from the
repository leaks in) and validates it by its short name, so the expected lines read like what a
user sees. ``EXPECTED`` maps each file to its exit code and its diagnostic lines, the summary
line left out. A case whose *current* behaviour is wrong states the behaviour it should have and
is marked ``xfail(strict=True)``: fixing lpctl turns it into an XPASS, which fails the run, so the
mark must then be removed. Where the exact wording of the fix is open, such a case checks a
predicate instead of exact lines; pin the lines once the fix lands.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from support import HEADER

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
WORKFLOW = "workflow:\n  name: team.pipelines.daily\n  inputs: {a: int, f: float, s: str}\n"
TAG_HINT = ("(specs hold plain strings, numbers, booleans, lists and maps; "
            "quote the value to make it a string)")
SPEC_HINT = "(a spec starts with 'apiVersion: lpctl/v1' and 'kind: LaunchPlan')"
_LOCATED = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|info) "
                       r"(?P<code>LP\d{3}) ")
_SUMMARY = re.compile(r"^(\d+ files? OK: \d+ launch plans?|\d+ (errors?|warnings?)( and \d+ warnings?)? in "
                       r"\d+ of \d+ files?)")


@dataclass(frozen=True)
class Expect:
    """What validating one file must give."""

    exit_code: int
    #: the exact diagnostic lines, in order; None when ``check`` decides instead
    lines: list[str] | None = None
    #: a predicate on the diagnostic lines, for cases whose exact wording is still open
    check: Callable[[list[str]], bool] | None = None
    #: why the current behaviour is wrong; the case is then xfail(strict=True)
    bug: str | None = None


def _only(pattern: str) -> Callable[[list[str]], bool]:
    """Exactly one diagnostic line, matching ``pattern`` (a regular expression, from the start)."""
    return lambda lines: len(lines) == 1 and re.match(pattern, lines[0]) is not None


# -- the committed files -------------------------------------------------------------------

EXPECTED: dict[str, Expect] = {
    # aliases
    "alias_bomb.yaml": Expect(1, [
        "alias_bomb.yaml:8:1: error LP109 document expands to more than 100000 values (an alias bomb?)"]),
    "merge_bomb.yaml": Expect(1, [
        "merge_bomb.yaml:8:1: error LP109 document expands to more than 100000 values (an alias bomb?)"]),
    "recursive_alias.yaml": Expect(1, ["recursive_alias.yaml:4:11: error LP109 recursive YAML alias"]),
    "recursive_merge.yaml": Expect(1, ["recursive_merge.yaml:4:9: error LP109 recursive YAML alias"]),

    "duplicate_anchor.yaml": Expect(
        0, []),
    "dangling_alias.yaml": Expect(1, [
        "dangling_alias.yaml:3:7: error LP101 YAML syntax error: found undefined alias "
        "'nope'"]),
    "alias_key.yaml": Expect(1, ["alias_key.yaml:4:7: error LP103 a mapping key must be a plain scalar"]),
    # tags: refused, never constructed
    "python_object_apply.yaml": Expect(1, [
        "python_object_apply.yaml:3:7: error LP103 YAML tag '!!python/object/apply:os.system' is not allowed "
        f"in a spec {TAG_HINT}"]),
    "python_name.yaml": Expect(1, [
        "python_name.yaml:4:11: error LP103 YAML tag '!!python/name:os.system' is not allowed in a spec "
        f"{TAG_HINT}"]),
    "custom_tag.yaml": Expect(1, [
        f"custom_tag.yaml:3:7: error LP103 YAML tag '!weekly' is not allowed in a spec {TAG_HINT}"]),
    "binary_tag.yaml": Expect(1, [
        f"binary_tag.yaml:5:9: error LP103 YAML tag '!!binary' is not allowed in a spec {TAG_HINT}"]),
    "set_tag.yaml": Expect(1, [
        f"set_tag.yaml:4:9: error LP103 YAML tag '!!set' is not allowed in a spec {TAG_HINT}"]),
    "explicit_bool.yaml": Expect(1, [
        "explicit_bool.yaml:7:16: error LP111 'yes' is not a YAML 1.2 boolean (true or false)"]),

    "nesting_100.yaml": Expect(1, ["nesting_100.yaml:4:73: error LP110 YAML nesting deeper than 64 levels"]),
    # bytes and encodings
    "nul_bytes.yaml": Expect(1, [
        "nul_bytes.yaml:1:1: error LP108 file is binary (it contains NUL bytes), not a YAML spec"]),
    "latin1.yaml": Expect(1, ["latin1.yaml:8:13: error LP108 file is not UTF-8 text (byte 0xe9 at offset "
                              "142)"]),
    "bom.yaml": Expect(0, []),
    "crlf.yaml": Expect(0, []),
    "utf16.yaml": Expect(1, ["utf16.yaml:1:1: error LP108 file is UTF-16 text; lpctl reads UTF-8 (save it as UTF-8)"]),

    "control_char.yaml": Expect(
        1, ["control_char.yaml:8:11: error LP101 YAML syntax error: unacceptable character #x0007: "
            "special characters are not allowed"]),
    # syntax
    "tabs.yaml": Expect(1, [
        "tabs.yaml:5:1: error LP101 YAML syntax error: found character '\\t' that cannot start any token "
        "(YAML does not allow tabs for indentation; use spaces)"]),
    "unclosed_quote.yaml": Expect(1, [
        "unclosed_quote.yaml:7:1: error LP101 YAML syntax error: found unexpected end of stream "
        "(scanning a quoted scalar that started at line 3)"]),
    "unclosed_bracket.yaml": Expect(1, [
        "unclosed_bracket.yaml:5:9: error LP101 YAML syntax error: expected ',' or ']', but got ':' "
        "(parsing a flow sequence that started at line 4)"]),
    "second_document_bad.yaml": Expect(1, [
        "second_document_bad.yaml:15:1: error LP101 YAML syntax error: expected ',' or ']', but got "
        "'<stream end>' (parsing a flow sequence that started at line 14)"]),
    "long_key.yaml": Expect(1, ["long_key.yaml:4:2001: error LP101 YAML syntax error: could not find "
                                "expected ':'"]),
    "duplicate_keys.yaml": Expect(1, ["duplicate_keys.yaml:7:1: error LP102 duplicate key 'name' (first "
                                      "defined at line 3)"]),
    "yaml11_directive.yaml": Expect(1, [
        "yaml11_directive.yaml:1:1: error LP112 '%YAML 1.1' directive: lpctl reads specs as YAML 1.2 only (remove "
        "the directive; in YAML 1.2 yes, no, on and off are strings)"]),

    "empty.yaml": Expect(1, [
        "empty.yaml:1:1: error LP104 file is empty: a spec needs at least 'apiVersion', 'kind' and "
        "'workflow'"]),
    "comments_only.yaml": Expect(1, [
        "comments_only.yaml:1:1: error LP104 file is empty: a spec needs at least 'apiVersion', 'kind' and "
        "'workflow'"]),
    "list_document.yaml": Expect(
        1, ["list_document.yaml:1:1: error LP105 document is a list, not a launch plan spec (a mapping) "
            f"{SPEC_HINT}"]),
    "scalar_document.yaml": Expect(
        1, ["scalar_document.yaml:1:1: error LP105 document is a scalar ('lpctl/v1 LaunchPlan'), not a launch "
            f"plan spec (a mapping) {SPEC_HINT}"]),
    "empty_doc_then_spec.yaml": Expect(
        1, [f"empty_doc_then_spec.yaml:2:1: error LP105 document is null, not a launch plan spec (a mapping) "
            f"{SPEC_HINT}"]),
    "values.yaml": Expect(1, [
        "values.yaml:1:1: error LP106 missing 'apiVersion: lpctl/v1': this document is not an lpctl spec",
        "values.yaml:1:1: error LP106 missing 'kind: LaunchPlan': this document is not an lpctl spec"]),
    # keys and values
    "merge_not_mapping.yaml": Expect(1, ["merge_not_mapping.yaml:8:7: error LP103 a merge key '<<' must name "
                                         "a mapping"]),
    "mapping_key.yaml": Expect(1, ["mapping_key.yaml:4:3: error LP103 a mapping key must be a plain scalar"]),
    "number_key.yaml": Expect(1, ["number_key.yaml:7:1: error LP201 unknown key '1'"]),
    "null_key.yaml": Expect(
        1, ["null_key.yaml:7:1: error LP201 unknown key '~'"]),
    "nan_inputs.yaml": Expect(1, [
        "nan_inputs.yaml:8:6: error LP405 default input 'a': expected int, found the number inf",
        "nan_inputs.yaml:10:6: error LP405 default input 's': expected str, found the number -inf (quote it: "
        "'-.inf')"]),
    "max_concurrency_int32.yaml": Expect(
        1, ["max_concurrency_int32.yaml:8:20: error LP206 'concurrency.max_concurrency' must be at most 2147483647, "
            "found 2514152740"]),
    # more digits than CPython converts (sys.get_int_max_str_digits): refused as it is read
    "huge_int.yaml": Expect(
        1, ["huge_int.yaml:7:18: error LP111 an integer of 5001 digits is too large for a spec"]),
}


# -- generated at test time: too big, or too repetitive, to commit -------------------------


def _deep_flow() -> str:
    return HEADER + "name: deep\nlabels: " + "[" * 20_000 + "]" * 20_000 + "\n"


def _deep_map() -> str:
    return HEADER + "name: deep\nlabels: " + "{a: " * 5_000 + "1" + "}" * 5_000 + "\n"


def _two_mib() -> str:
    """A spec of exactly 2 MiB (2097152 bytes)."""
    body = "".join(f"  k{i:06d}: {'v' * 60}\n" for i in range(2 * 1024 * 1024 // 72 - 4))
    text = HEADER + "name: big\n" + WORKFLOW + "labels:\n" + body
    return text + "#" + "-" * (2 * 1024 * 1024 - len(text) - 2) + "\n"


def _long_line() -> str:
    return HEADER + "name: long\n" + WORKFLOW + 'envs:\n  BLOB: "' + "x" * 500_000 + '"\n'


def _long_name() -> str:
    return HEADER + "name: " + "n" * 300_000 + "\n" + WORKFLOW


def _many_documents() -> str:
    return "".join(f"--- {{apiVersion: lpctl/v1, kind: LaunchPlan, name: lp{i}, workflow: {{name: t.w}}}}\n"
                   for i in range(10_000))


def _many_bad_documents() -> str:
    return "".join(f"--- {{apiVersion: lpctl/v1, kind: LaunchPlan, name: lp{i}}}\n" for i in range(10_000))


def _many_empty_documents() -> str:
    return "---\n" * 10_000


GENERATED: dict[str, tuple[Callable[[], str], Expect]] = {
    "deep_flow.yaml": (_deep_flow, Expect(1, ["deep_flow.yaml:4:73: error LP110 YAML nesting deeper than 64 "
                                              "levels"])),
    "deep_map.yaml": (_deep_map, Expect(1, ["deep_map.yaml:4:265: error LP110 YAML nesting deeper than 64 "
                                            "levels"])),
    "two_mib.yaml": (_two_mib, Expect(1, [
        "two_mib.yaml:1:1: error LP107 file is 2097152 bytes, over the limit of 1048576 bytes for a spec "
        "(raise it with --max-bytes if this file really is a spec)"])),
    "long_line.yaml": (_long_line, Expect(0, [])),
    "long_name.yaml": (_long_name, Expect(1, [
        "long_name.yaml:3:7: error LP805 name is 300000 characters long; Flyte stores at most 255"])),
    "many_documents.yaml": (_many_documents, Expect(0, [])),
    "many_empty_documents.yaml": (_many_empty_documents, Expect(1, [
        "many_empty_documents.yaml:1:1: error LP104 file is empty: a spec needs at least 'apiVersion', 'kind' "
        "and 'workflow'"])),
}


# -- running -------------------------------------------------------------------------------


def _validate(run_cli: Callable[..., Any], *args: str) -> tuple[int, list[str], str]:
    """Exit code, diagnostic lines (the summary dropped) and the summary line."""
    result = run_cli("validate", "--format", "text", "--color", "never", *args)
    assert result.stderr == "", "validate writes nothing to stderr (no traceback, no internal error)"
    lines = result.stdout.splitlines()
    assert lines, "validate always prints a summary"
    assert _SUMMARY.match(lines[-1]), f"the last line is the summary: {lines[-1]!r}"
    return result.exit_code, lines[:-1], lines[-1]


def _assert_located(lines: list[str], name: str, text: bytes) -> None:
    """Every diagnostic names the file and a line inside it (the end of the file counts)."""
    last = text.count(b"\n") + 1
    for line in lines:
        m = _LOCATED.match(line)
        assert m is not None, f"not a located diagnostic: {line!r}"
        assert m["path"] == name
        assert 1 <= int(m["line"]) <= last, f"line {m['line']} is outside the file ({last} lines): {line!r}"


def _assert_expected(expect: Expect, exit_code: int, lines: list[str]) -> None:
    if expect.lines is not None:
        assert lines == expect.lines
    if expect.check is not None:
        assert expect.check(lines), lines
    assert exit_code == expect.exit_code


def _case(name: str, expect: Expect) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=expect.bug)] if expect.bug else []
    return pytest.param(name, expect, id=name, marks=marks)


@pytest.mark.parametrize(("name", "expect"), [_case(n, e) for n, e in sorted(EXPECTED.items())])
def test_corpus_file(name: str, expect: Expect, run_cli: Callable[..., Any], in_tmp: Any) -> None:
    shutil.copyfile(os.path.join(CORPUS, name), in_tmp / name)
    exit_code, lines, _ = _validate(run_cli, name)
    _assert_located(lines, name, (in_tmp / name).read_bytes())
    _assert_expected(expect, exit_code, lines)


@pytest.mark.parametrize(("name", "make", "expect"),
                         [pytest.param(n, m, e, id=n) for n, (m, e) in sorted(GENERATED.items())])
def test_generated_file(name: str, make: Callable[[], str], expect: Expect, run_cli: Callable[..., Any],
                        in_tmp: Any) -> None:
    (in_tmp / name).write_bytes(make().encode("utf-8"))
    exit_code, lines, _ = _validate(run_cli, name)
    _assert_located(lines, name, (in_tmp / name).read_bytes())
    _assert_expected(expect, exit_code, lines)


def test_every_corpus_file_has_an_expectation() -> None:
    assert sorted(os.listdir(CORPUS)) == sorted(EXPECTED)


def test_corpus_files_are_small() -> None:
    """Big inputs are generated at test time (GENERATED), never committed."""
    big = [f for f in os.listdir(CORPUS) if os.path.getsize(os.path.join(CORPUS, f)) > 16 * 1024]
    assert big == []


def test_python_tag_is_never_executed(run_cli: Callable[..., Any], in_tmp: Any) -> None:
    (in_tmp / "spec.yaml").write_text(
        HEADER + "name: !!python/object/apply:os.system [\"touch pwned\"]\n"
        "workflow: !!python/object/apply:os.system [\"touch pwned2\"]\n"
        "labels: !!python/object/new:os.system [\"touch pwned3\"]\n")
    exit_code, lines, _ = _validate(run_cli, "spec.yaml")
    assert exit_code == 1
    assert [line.split(" error ")[1][:5] for line in lines] == ["LP103"]  # the first one aborts the document
    assert sorted(os.listdir(in_tmp)) == ["pyproject.toml", "spec.yaml"]


def test_max_bytes_is_configurable(run_cli: Callable[..., Any], in_tmp: Any) -> None:
    (in_tmp / "big.yaml").write_text(_two_mib())
    exit_code, lines, _ = _validate(run_cli, "--max-bytes", "3000000", "big.yaml")
    # read and checked in full: FlyteAdmin's limit on labels is what fails now
    assert exit_code == 1
    assert [line.split(" error ")[1][:5] for line in lines] == ["LP701"]
    exit_code, lines, _ = _validate(run_cli, "--max-bytes", "100", "big.yaml")
    assert (exit_code, lines) == (1, [
        "big.yaml:1:1: error LP107 file is 2097152 bytes, over the limit of 100 bytes for a spec "
        "(raise it with --max-bytes if this file really is a spec)"])


def test_many_bad_documents_are_each_reported_at_their_line(run_cli: Callable[..., Any], in_tmp: Any) -> None:
    (in_tmp / "many.yaml").write_text(_many_bad_documents())
    exit_code, lines, summary = _validate(run_cli, "many.yaml")
    assert exit_code == 1
    assert summary == "10000 errors in 1 of 1 file"
    assert [int(line.split(":")[1]) for line in lines] == list(range(1, 10_001))
    assert lines[0] == ("many.yaml:1:5: error LP203 missing required key 'workflow' "
                        "(for example 'workflow: myproject.workflows:my_workflow')")


def test_hostile_files_next_to_good_ones_do_not_stop_the_others(run_cli: Callable[..., Any], in_tmp: Any) -> None:
    """A directory of every corpus file: each reported, the good ones still checked, exit 1."""
    os.mkdir(in_tmp / "specs")
    for name in (n for n, e in EXPECTED.items() if e.bug is None):  # known bugs stay in their own tests
        shutil.copyfile(os.path.join(CORPUS, name), in_tmp / "specs" / name)
    exit_code, lines, _ = _validate(run_cli, "specs")
    assert exit_code == 1
    paths = {line.split(":")[0] for line in lines}
    assert "specs/bom.yaml" not in paths and "specs/crlf.yaml" not in paths
    # files without 'lpctl/' in them are not specs when found in a directory: skipped, not reported
    assert "specs/values.yaml" not in paths
    assert {"specs/alias_bomb.yaml", "specs/python_name.yaml", "specs/nul_bytes.yaml",
            "specs/latin1.yaml", "specs/duplicate_keys.yaml"} <= paths
