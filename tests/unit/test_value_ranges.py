"""Datetimes and durations are checked against what the protobuf message holds, at their line, in every
command (validate and render never disagree); a deep or malformed pyproject.toml is exit 2 naming it."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from typing import Any

import pytest
from support import HEADER, ROOT, CliResult

Run = Callable[..., CliResult]
FLYTE2 = os.path.join(ROOT, "tests", "conformance_flyte2")
TIMESTAMP = ("is outside what a protobuf Timestamp holds (0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z, in "
             "UTC)")
DURATION = "is longer than a protobuf Duration holds (10,000 years: 3,652,500 days, 315,576,000,000 seconds)"


@pytest.fixture
def project(in_tmp: Any) -> Any:
    (in_tmp / "rangemod.py").write_text("import datetime\n\n\ndef wf(day: datetime.datetime, lookback: "
                                        "datetime.timedelta = datetime.timedelta(hours=1)) -> None: ...\n")
    importlib.invalidate_caches()
    yield in_tmp
    sys.modules.pop("rangemod", None)


@pytest.mark.parametrize(("inputs", "col", "what"), [
    ('{day: "0001-01-01T00:00:00+00:01"}', 23, f"'day': expected datetime: \"0001-01-01T00:00:00+00:01\" {TIMESTAMP}"),
    ('{day: "9999-12-31T23:59:00-00:01"}', 23, f"'day': expected datetime: \"9999-12-31T23:59:00-00:01\" {TIMESTAMP}"),
    ("{day: 2026-01-01, lookback: 3652501d}", 45, f"'lookback': expected timedelta: \"3652501d\" {DURATION}"),
    ("{day: 2026-01-01, lookback: -P3652501D}", 45, f"'lookback': expected timedelta: \"-P3652501D\" {DURATION}"),
])
def test_a_value_the_message_cannot_hold_is_an_error_at_its_line(run_cli: Run, project: Any, inputs: str, col: int,
                                                                  what: str) -> None:
    (project / "lp.yaml").write_text(HEADER + f"name: lp\nworkflow: rangemod:wf\ndefault_inputs: {inputs}\n")
    line = f"lp.yaml:5:{col}: error LP405 default input {what}\n1 error in 1 of 1 file\n"
    assert run_cli("validate", "lp.yaml") == CliResult(1, line, "")
    assert run_cli("render", "lp.yaml") == CliResult(1, "", line)
    assert run_cli("schedule", "lp.yaml").exit_code == 1


def test_the_largest_values_the_message_holds_are_accepted(run_cli: Run, project: Any) -> None:
    (project / "lp.yaml").write_text(HEADER + "name: lp\nworkflow: rangemod:wf\ndefault_inputs: "
                                     "{day: '0001-01-01T00:00:00Z', lookback: -3652500d}\n")
    assert run_cli("validate", "lp.yaml") == CliResult(0, "1 file OK: 1 launch plan\n", "")
    rendered = run_cli("render", "lp.yaml")
    assert rendered.exit_code == 0
    assert '"duration": "-315576000000s"' in rendered.stdout
    assert '"datetime": "0001-01-01T00:00:00Z"' in rendered.stdout


def test_trigger_values_and_start_time_are_checked_the_same_way(run_cli: Run, in_tmp: Any) -> None:
    pytest.importorskip("flyte")
    (in_tmp / "t.yaml").write_text("apiVersion: lpctl/v1\nkind: Trigger\nname: t\ntask: flyte2_pkg.pipelines:kinds\n"
                                   "schedule:\n  fixed_rate: 1h\n  start_time: '0001-01-01T00:00:00+00:01'\n"
                                   "inputs:\n  flag: true\n  ratio: 1.0\n"
                                   "  when: '0001-01-01T00:00:00+00:01'\n  window: 3652501d\n")
    expected = ("t.yaml:5:1: error LP910 scheduled trigger leaves required inputs 'sizes', 'tags' of task "
                "'pipelines.kinds' unbound: every scheduled run would fail (give a value in 'inputs', or bind the fire "
                "time with kickoff_time_input_arg)\n"
                f"t.yaml:7:15: error LP205 start_time \"0001-01-01T00:00:00+00:01\" {TIMESTAMP} (write a time between "
                "year 1 and year 9999 in UTC)\n"
                f"t.yaml:11:9: error LP904 input 'when': expected datetime: \"0001-01-01T00:00:00+00:01\" {TIMESTAMP}\n"
                f"t.yaml:12:11: error LP904 input 'window': expected timedelta: \"3652501d\" {DURATION}\n"
                "4 errors in 1 of 1 file\n")
    assert run_cli("validate", "t.yaml", "--python-path", FLYTE2) == CliResult(1, expected, "")
    assert run_cli("render", "t.yaml", "--python-path", FLYTE2) == CliResult(1, "", expected)


@pytest.mark.parametrize(("text", "why"), [
    ("[tool.lpctl]\nx = " + "[" * 50000 + "]" * 50000 + "\n", "nested too deep"),
    ("[tool.lpctl]\nx = " + "{a=" * 50000 + "}" * 50000 + "\n", "nested too deep"),
    ("[tool.lpctl\n", "Expected ']' at the end of a table declaration (at line 1, column 12)"),
    ("x = '\xff'\n", "'utf-8' codec can't decode byte 0xff in position 5: invalid start byte"),
])
def test_a_pyproject_that_cannot_be_read_is_exit_2_naming_it(run_cli: Run, project: Any, text: str, why: str) -> None:
    (project / "lp.yaml").write_text(HEADER + "name: lp\nworkflow: rangemod:wf\n")
    (project / "pyproject.toml").write_bytes(text.encode("latin-1"))
    expected = f"lpctl: pyproject.toml: cannot read [tool.lpctl]: {why}\n"
    assert run_cli("validate", "lp.yaml") == CliResult(2, "", expected)


def test_an_integer_msgpack_cannot_hold_in_a_dict_or_dataclass_trigger_input_is_lp904(run_cli: Run,
                                                                                        in_tmp: Any) -> None:
    """flyte-sdk fails on it ('Failed to convert trigger default input'); lpctl exited 3 (OverflowError)."""
    pytest.importorskip("flyte")
    (in_tmp / "t.yaml").write_text("apiVersion: lpctl/v1\nkind: Trigger\nname: t\ntask: flyte2_pkg.structs:tune\n"
                                   "inputs:\n  cfg:\n    a: [1, -9223372036854775809]\n    ok: 18446744073709551615\n"
                                   "  window: {days: 18446744073709551616}\n")
    why = "is outside what msgpack holds (-2**63 to 2**64-1): Flyte fails to pack it (write it as a string, " \
          "or a smaller number)"
    expected = (f"t.yaml:7:12: error LP904 input 'cfg.a[1]': the integer -9223372036854775809 {why}\n"
                f"t.yaml:9:18: error LP904 input 'window.days': the integer 18446744073709551616 {why}\n"
                "2 errors in 1 of 1 file\n")
    assert run_cli("validate", "t.yaml", "--python-path", FLYTE2) == CliResult(1, expected, "")
    assert run_cli("render", "t.yaml", "--python-path", FLYTE2) == CliResult(1, "", expected)
    assert run_cli("lock", "t.yaml", "--python-path", FLYTE2).exit_code == 0
    for jobs in ("1", "2"):
        assert run_cli("validate", "t.yaml", "--locked", "-j", jobs) == CliResult(1, expected, "")


def test_an_integer_msgpack_cannot_hold_in_a_dict_or_dataclass_launch_plan_input_is_lp405(run_cli: Run,
                                                                                           in_tmp: Any) -> None:
    """flytekit packs dict and dataclass values with msgpack; lpctl exited 3 (OverflowError) on these."""
    from support import CONFORMANCE

    big = "1" + "0" * 400
    (in_tmp / "a.yaml").write_text(HEADER + "name: a\nworkflow: example_pkg.workflows:typed\ndefault_inputs:\n"
                                   "  blob: {a: [1, 18446744073709551616], b: 1}\n")
    (in_tmp / "b.yaml").write_text(HEADER + "name: b\nworkflow: example_pkg.workflows:with_point\ndefault_inputs:\n"
                                   "  p: {x: -9223372036854775809}\n")
    (in_tmp / "c.yaml").write_text(HEADER + "name: c\nworkflow: example_pkg.workflows:with_point\ndefault_inputs:\n"
                                   f"  p: {{y: {big}}}\n")
    why = "is outside what msgpack holds (-2**63 to 2**64-1): Flyte fails to pack it (write it as a string, or a " \
          "smaller number)"
    expected = (f"a.yaml:6:17: error LP405 default input 'blob.a[1]': the integer 18446744073709551616 {why}\n"
                f"b.yaml:6:10: error LP405 default input 'p.x': the integer -9223372036854775809 {why}\n"
                f"c.yaml:6:10: error LP405 default input 'p.y': expected float: the integer {big} is larger than a "
                "float holds\n3 errors in 3 of 3 files\n")
    assert run_cli("validate", ".", "--python-path", CONFORMANCE) == CliResult(1, expected, "")
    assert run_cli("render", ".", "--python-path", CONFORMANCE) == CliResult(1, "", expected)
    assert run_cli("lock", ".", "--python-path", CONFORMANCE).exit_code == 0
    for jobs in ("1", "2"):
        assert run_cli("render", ".", "--locked", "-j", jobs) == CliResult(1, "", expected)
