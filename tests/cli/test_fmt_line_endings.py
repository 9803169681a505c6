"""lpctl fmt writes a file back with the line breaks and byte order mark it found (CRLF, BOM), with its
layout reader (lpctl.accel.fmtlayout) and without it (LPCTL_NO_ACCEL=1): the same bytes and exit codes."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from support import HEADER, CliResult

from lpctl import accel

Run = Callable[..., CliResult]
BOM = "\ufeff".encode()
UNTIDY = ("# owned by data\n\n" + HEADER.replace("apiVersion: lpctl/v1\nkind: LaunchPlan\n",
                                               "kind: LaunchPlan\napiVersion: lpctl/v1\n")
          + "workflow: m:wf\nname: lp   # the name\ndefault_inputs:\n    a: |\n      two\n      lines\n    b: 'x'\n")
TIDY = ("# owned by data\n\n" + HEADER + "name: lp   # the name\nworkflow: m:wf\n"
        "default_inputs:\n  a: |\n    two\n    lines\n  b: 'x'\n")
UNCHANGED = CliResult(0, "", "0 files would be reformatted, 1 file unchanged\n")
WOULD = CliResult(1, "would reformat a.yaml\n", "1 file would be reformatted, 0 files unchanged\n")
DONE = CliResult(0, "reformatted a.yaml\n", "1 file reformatted, 0 files unchanged\n")
KEPT = CliResult(0, "", "0 files reformatted, 1 file unchanged\n")


@pytest.fixture(params=["accel", "no-accel"])
def run(request: pytest.FixtureRequest, run_cli: Run, in_tmp: Any, monkeypatch: pytest.MonkeyPatch) -> Run:
    if request.param == "accel":
        monkeypatch.delenv(accel.SWITCH, raising=False)
    else:
        monkeypatch.setenv(accel.SWITCH, "1")
    return run_cli


def crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode()


def _write(data: bytes) -> None:
    with open("a.yaml", "wb") as f:
        f.write(data)


def _read() -> bytes:
    with open("a.yaml", "rb") as f:
        return f.read()


@pytest.mark.parametrize("data", [crlf(TIDY), BOM + TIDY.encode(), BOM + crlf(TIDY)], ids=["crlf", "bom", "bom-crlf"])
def test_an_already_formatted_file_with_crlf_or_a_bom_is_left_byte_for_byte(run: Run, data: bytes) -> None:
    _write(data)
    assert run("fmt", "--check", "a.yaml") == UNCHANGED
    assert run("fmt", "a.yaml") == KEPT
    assert _read() == data


@pytest.mark.parametrize(("before", "after"), [(crlf(UNTIDY), crlf(TIDY)), (BOM + UNTIDY.encode(), BOM + TIDY.encode()),
                                               (BOM + crlf(UNTIDY), BOM + crlf(TIDY))], ids=["crlf", "bom", "bom-crlf"])
def test_a_file_to_reformat_keeps_its_crlf_and_its_bom(run: Run, before: bytes, after: bytes) -> None:
    _write(before)
    assert run("fmt", "--check", "a.yaml") == WOULD
    assert _read() == before
    assert run("fmt", "a.yaml") == DONE
    assert _read() == after
    assert run("fmt", "--check", "a.yaml") == UNCHANGED


def _mixed(text: str, crlf_lines: int) -> bytes:
    """``text`` with its first ``crlf_lines`` lines ending in CRLF, the others in LF."""
    lines = text.split("\n")
    return ("\r\n".join(lines[:crlf_lines + 1]) + "\n" + "\n".join(lines[crlf_lines + 1:])).encode()


@pytest.mark.parametrize(("end", "crlf_lines", "newline"), [("", 9, "\r\n"), ("", 6, "\r\n"), ("# end\n", 6, "\n"),
                                                        ("", 5, "\n"), ("", 1, "\n")],
                         ids=["9-of-11", "6-of-11", "tie-6-of-12", "5-of-11", "1-of-11"])
def test_a_file_with_both_line_breaks_gets_the_one_most_lines_end_with(run: Run, end: str, crlf_lines: int,
                                                                       newline: str) -> None:
    mixed = _mixed(TIDY + end, crlf_lines)
    assert (mixed.count(b"\r\n"), mixed.count(b"\n")) == (crlf_lines, 11 + end.count("\n"))
    written = (TIDY + end).replace("\n", newline).encode()
    _write(mixed)
    assert run("fmt", "--check", "a.yaml") == WOULD
    assert _read() == mixed
    assert run("fmt", "a.yaml") == DONE
    assert _read() == written
    _write(BOM + _mixed(UNTIDY + end, crlf_lines))
    assert run("fmt", "a.yaml") == DONE
    assert _read() == BOM + written


def test_a_crlf_file_through_a_link_is_written_in_place_with_crlf(run: Run) -> None:
    os.mkdir("real")
    with open("real/a.yaml", "wb") as f:
        f.write(crlf(UNTIDY))
    os.symlink("real/a.yaml", "a.yaml")
    assert run("fmt", "a.yaml") == CliResult(0, "reformatted real/a.yaml\n", "1 file reformatted, 0 files unchanged\n")
    assert os.path.islink("a.yaml")
    assert _read() == crlf(TIDY)


def test_a_crlf_file_fmt_cannot_promise_stays_as_it_is(run: Run) -> None:
    text = HEADER + "name: a\nworkflow: m:wf\ndefault_inputs:\n  n: [1, [2,\n    # lost\n    3]]\n"
    _write(crlf(text))
    result = run("fmt", "a.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith("a.yaml:7:1: error LP115 left as it is: lpctl fmt would lose the comment '# lost'")
    assert _read() == crlf(text)


def test_a_crlf_file_keeps_its_first_marker_and_its_documents(run: Run) -> None:
    two = "---\n" + HEADER + "name: a\nworkflow: m:wf\n---\n" + HEADER + "name: b\nworkflow: m:wf\n"
    _write(crlf(two.replace("name: b\nworkflow: m:wf\n", "workflow: m:wf\nname: b\n")))
    assert run("fmt", "a.yaml") == DONE
    assert _read() == crlf(two)


@pytest.mark.parametrize("data", [b"apiVersion: lpctl/v1\rkind: LaunchPlan\rname: a\rworkflow: m:wf\r",
                                  crlf(HEADER + "name: a\nworkflow: m:wf\n").replace(b"\r\n", b"\r\r\n", 1)],
                         ids=["cr", "cr-crlf"])
def test_a_file_with_a_lone_cr_is_left_as_it_is(run: Run, data: bytes) -> None:
    _write(data)
    result = run("fmt", "a.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith("a.yaml: error LP115 left as it is: ")
    assert _read() == data
