"""Issue 14's findings, one regression test each: input that crashed lpctl (exit 3), files that
hung it, output it clobbered. Each test fails on lpctl 0.1.0 and states what a user sees now.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from support import HEADER

Cli = Callable[..., Any]
SPEC = HEADER + "name: one\nworkflow: {name: team.pipelines.daily, inputs: {a: str}}\n"
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX files")
SURROGATE = ("error LP111 the string holds a lone surrogate escape '\\ud800', which is not a Unicode character: "
             "no output format (UTF-8, JSON, protobuf) can carry it")


def _bundle(name: str = "n", extra: str = "") -> str:
    entry = {"source": {"path": "x.yaml", "document": 0}, "autoActivate": False, "launchPlan": {
        "id": {"resourceType": "LAUNCH_PLAN", "project": "p", "domain": "d", "name": name, "version": "v"},
        "spec": {"workflowId": {"resourceType": "WORKFLOW", "project": "p", "domain": "d", "name": "w",
                                "version": "v"}, "labels": {}}}}
    text = json.dumps({"apiVersion": "lpctl/v1", "kind": "LaunchPlanBundle", "launchPlans": [entry]})
    return text.replace('"labels": {}', f'"labels": {{}}{extra}')


# -- crashes from input ---------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["name", "default_inputs", "labels", "key"])
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_a_lone_surrogate_is_an_error_in_every_format(where: str, fmt: str, run_cli: Cli, in_tmp: Any) -> None:
    body = {"name": 'name: "a\\ud800"\n', "default_inputs": 'default_inputs: {a: "x\\ud800"}\n',
            "labels": 'labels: {team: "\\ud800"}\n', "key": 'labels: {"\\ud800": x}\n'}[where]
    (in_tmp / "s.yaml").write_text(SPEC.replace("name: one", "name: two" if where != "name" else "x: 1")
                                   .replace("x: 1\n", "") + body, encoding="ascii")
    result = run_cli("validate", "s.yaml", "--format", fmt, "--color", "never")
    assert (result.exit_code, result.stderr) == (1, "")
    line = 4 if where == "name" else 5
    col = {"name": 7, "default_inputs": 21, "labels": 16, "key": 10}[where]
    if fmt == "text":
        assert result.stdout == f"s.yaml:{line}:{col}: {SURROGATE}\n1 error in 1 of 1 file\n"
    elif fmt == "json":
        [found] = json.loads(result.stdout)["diagnostics"]
        assert (found["code"], found["line"], found["column"]) == ("LP111", line, col)
        assert "'\\ud800'" in found["message"]
    elif fmt == "sarif":
        [found] = json.loads(result.stdout)["runs"][0]["results"]
        assert found["ruleId"] == "LP111"
    else:
        assert result.stdout.startswith(f"::error file=s.yaml,line={line},col={col},title=LP111::the string holds")


def test_a_lone_surrogate_in_a_spec_under_render_writes_nothing(run_cli: Cli, in_tmp: Any) -> None:
    (in_tmp / "s.yaml").write_text(SPEC + 'labels: {t: "\\udfff"}\n')
    result = run_cli("render", "s.yaml", "-o", "out.json", "--color", "never", "--version", "v1")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"s.yaml:5:13: {SURROGATE.replace('ud800', 'udfff')}"
    assert not (in_tmp / "out.json").exists()


@pytest.mark.parametrize("depth", [100, 1000])
def test_a_deeply_nested_written_type_is_an_error(depth: int, run_cli: Cli, in_tmp: Any) -> None:
    nested = "list[" * depth + "int" + "]" * depth
    (in_tmp / "s.yaml").write_text(HEADER + f'name: n\nworkflow: {{name: t.wf, inputs: {{a: "{nested}"}}}}\n')
    result = run_cli("validate", "s.yaml")
    assert (result.exit_code, result.stderr) == (1, "")
    assert result.stdout.splitlines() == [
        "s.yaml:4:36: error LP306 cannot read the type of input 'a' of workflow 't.wf': "
        "the type nests deeper than 32 levels", "1 error in 1 of 1 file"]


def test_a_type_nested_32_levels_is_still_read(run_cli: Cli, in_tmp: Any) -> None:
    nested = "list[" * 32 + "int" + "]" * 32
    (in_tmp / "s.yaml").write_text(HEADER + f'name: n\nworkflow: {{name: t.wf, inputs: {{a: "{nested}"}}}}\n')
    assert run_cli("validate", "s.yaml").exit_code == 0


@pytest.mark.parametrize(("prefix", "digits"), [("0x", "f" * 4000), ("0o", "7" * 5000), ("0b", "1" * 14_001)])
def test_a_huge_non_decimal_integer_is_an_error(prefix: str, digits: str, run_cli: Cli, in_tmp: Any) -> None:
    (in_tmp / "s.yaml").write_text(SPEC + f"max_parallelism: {prefix}{digits}\n")
    result = run_cli("validate", "s.yaml")
    assert (result.exit_code, result.stderr) == (1, "")
    assert result.stdout.splitlines()[0] == (
        f"s.yaml:5:18: error LP111 an integer of {len(digits)} digits is too large for a spec")


def test_a_hex_integer_that_fits_is_still_a_number(run_cli: Cli, in_tmp: Any) -> None:
    (in_tmp / "s.yaml").write_text(SPEC + "max_parallelism: 0x10\n")
    result = run_cli("render", "s.yaml", "--version", "v1")
    assert result.exit_code == 0
    assert '"maxParallelism": 16' in result.stdout


DEEP_BUNDLE = _bundle(extra=', "x": ' + "[" * 100_000 + "]" * 100_000)


@pytest.mark.parametrize("command", ["package", "diff", "register"])
def test_a_bundle_nested_100000_levels_is_refused(command: str, run_cli: Cli, in_tmp: Any) -> None:
    (in_tmp / "deep.json").write_text(DEEP_BUNDLE)
    (in_tmp / "good.json").write_text(_bundle())
    args = {"package": ["package", "deep.json", "-o", "out.tgz"], "diff": ["diff", "deep.json", "good.json"],
            "register": ["register", "deep.json", "--endpoint", "localhost:1", "--insecure"]}[command]
    result = run_cli(*args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "lpctl: deep.json: not a readable bundle: nested deeper than 256 levels\n"
    assert not (in_tmp / "out.tgz").exists()


@pytest.mark.parametrize(("text", "message"), [
    (_bundle().replace('"name": "n"', '"name": "n\\ud800"'),
     "a string at $.launchPlans[0].launchPlan.id.name holds a lone surrogate escape "
                               "'\\ud800', which is not a Unicode character"),
    (_bundle(extra=', "big": ' + "9" * 5000), "Exceeds the limit (4300 digits) for integer string conversion: "
                                              "value has 5000 digits"),
    (_bundle(extra=', "nan": NaN'), "NaN is not a JSON number"),
    (_bundle(extra=', "big": 1e999'), "the number 1e999 is out of range"),
])
def test_a_bundle_diff_cannot_print_is_refused(text: str, message: str, run_cli: Cli, in_tmp: Any) -> None:
    (in_tmp / "bad.json").write_text(text)
    (in_tmp / "good.json").write_text(_bundle())
    for args in (("bad.json", "good.json"), ("good.json", "bad.json")):
        result = run_cli("diff", *args)
        assert (result.exit_code, result.stdout, result.stderr) == (
            2, "", f"lpctl: bad.json: not a readable bundle: {message}\n")


@POSIX
def test_a_file_name_that_is_not_utf8_is_shown_escaped(run_cli: Cli, in_tmp: Any) -> None:
    name = os.fsdecode(b"bad\xff.yaml")
    (in_tmp / "specs").mkdir()
    (in_tmp / "specs" / name).write_text(SPEC)
    result = run_cli("render", "specs", "-o", "out.json", "--version", "v1")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "1 file OK: 1 launch plan\n")
    bundle = json.loads((in_tmp / "out.json").read_text(encoding="utf-8"))
    assert bundle["launchPlans"][0]["source"] == {"document": 0, "path": "specs/bad\\xff.yaml"}
    result = run_cli("validate", "specs", "--format", "json")
    assert (result.exit_code, json.loads(result.stdout)["status"]) == (0, "ok")


@POSIX
def test_a_directory_tree_1500_levels_deep_is_walked(run_cli: Cli, in_tmp: Any) -> None:
    fd = os.open(in_tmp, os.O_RDONLY)
    for _ in range(1500):  # relative to a directory fd: the full path is longer than mkdir takes
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(fd)
    (in_tmp / "top.yaml").write_text(SPEC)
    try:
        result = run_cli("validate", ".")
    finally:
        _remove_chain(in_tmp / "d")  # shutil.rmtree (and so pytest's cleanup) recurses too deep for it
    assert (result.exit_code, result.stdout, result.stderr) == (0, "1 file OK: 1 launch plan\n", "")


def _remove_chain(top: Any) -> None:
    """Remove a chain of directories ``top/d/d/...`` one level at a time, never with a long path."""
    parent = os.path.dirname(top)
    while os.path.isdir(os.path.join(top, "d")):
        os.rename(os.path.join(top, "d"), os.path.join(parent, "d.next"))
        os.rmdir(top)
        os.rename(os.path.join(parent, "d.next"), top)
    os.rmdir(top)


# -- hangs ----------------------------------------------------------------------------------------


def _lpctl(args: list[str], cwd: Any, timeout: float = 30, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """``python -m lpctl`` in a child, so that a regression that hangs fails instead of hanging the suite."""
    try:
        return subprocess.run([sys.executable, "-m", "lpctl", *args], cwd=cwd, capture_output=True, text=True,
                              timeout=timeout, check=False, **kwargs)
    except subprocess.TimeoutExpired:
        pytest.fail(f"lpctl {' '.join(args)} did not finish within {timeout} s")


@POSIX
@pytest.mark.skipif(not os.path.exists("/dev/stdin"), reason="no /dev/stdin")
def test_a_yaml_link_to_dev_stdin_in_a_directory_is_skipped(in_tmp: Any) -> None:
    (in_tmp / "specs").mkdir()
    (in_tmp / "specs" / "a.yaml").write_text(SPEC)
    os.symlink("/dev/stdin", in_tmp / "specs" / "in.yaml")
    # stdin is a pipe that nobody writes to: reading it would block until the timeout
    with subprocess.Popen(["sleep", "60"], stdout=subprocess.PIPE) as writer:
        try:
            result = _lpctl(["validate", "specs"], in_tmp, stdin=writer.stdout)
        finally:
            writer.kill()
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[0] == (
        "specs/in.yaml: warning LP113 file skipped: it is a FIFO, not a regular file "
        "(reading it could block or never end; only regular files are read as specs)")
    assert result.stdout.splitlines()[1] == "1 warning in 1 of 2 files"


# -- output integrity -----------------------------------------------------------------------------


def _render_to(run_cli: Cli, in_tmp: Any, target: str) -> Any:
    (in_tmp / "s.yaml").write_text(SPEC)
    return run_cli("render", "s.yaml", "--version", "v1", "-o", target)


@POSIX
def test_output_to_a_character_device_writes_through(run_cli: Cli, in_tmp: Any) -> None:
    try:  # a twin of /dev/null, so that a regression replaces this one, not the system's
        os.mknod(in_tmp / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (OSError, AttributeError):
        pytest.skip("cannot create a device node here")
    before = os.lstat(in_tmp / "null")
    result = _render_to(run_cli, in_tmp, "null")
    assert (result.exit_code, result.stderr) == (0, "1 file OK: 1 launch plan\n")
    after = os.lstat(in_tmp / "null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino
    assert sorted(set(os.listdir(in_tmp)) - {".lpctl_cache"}) == ["null", "pyproject.toml", "s.yaml"]


@POSIX
def test_output_to_a_fifo_writes_through(run_cli: Cli, in_tmp: Any) -> None:
    os.mkfifo(in_tmp / "pipe")
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append((in_tmp / "pipe").read_bytes()), daemon=True)
    reader.start()
    result = _render_to(run_cli, in_tmp, "pipe")
    reader.join(10)
    assert (result.exit_code, result.stderr) == (0, "1 file OK: 1 launch plan\n")
    assert stat.S_ISFIFO(os.lstat(in_tmp / "pipe").st_mode)
    assert json.loads(got[0])["kind"] == "LaunchPlanBundle"


@POSIX
@pytest.mark.parametrize("existing", [True, False])
def test_output_to_a_symlink_replaces_its_target_and_keeps_the_link(existing: bool, run_cli: Cli,
                                                                    in_tmp: Any) -> None:
    (in_tmp / "real").mkdir()
    if existing:
        (in_tmp / "real" / "bundle.json").write_text("old\n")
    os.symlink("real/bundle.json", in_tmp / "link.json")
    result = _render_to(run_cli, in_tmp, "link.json")
    assert result.exit_code == 0
    assert os.readlink(in_tmp / "link.json") == "real/bundle.json"
    assert json.loads((in_tmp / "real" / "bundle.json").read_text())["kind"] == "LaunchPlanBundle"
    assert os.listdir(in_tmp / "real") == ["bundle.json"]


def _finished_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


@POSIX
def test_temporary_files_of_killed_runs_are_removed_by_the_next(run_cli: Cli, in_tmp: Any) -> None:
    killed = in_tmp / f".bundle.json.{_finished_pid()}.lpctl.tmp"  # what a run killed with -9 leaves
    killed.write_text("x" * 1000)
    old = in_tmp / ".bundle.json.1.lpctl.tmp"  # pid 1 runs, but nothing writes for an hour
    old.write_text("y")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    running = in_tmp / f".bundle.json.{os.getppid()}.lpctl.tmp"  # a run still writing: kept
    running.write_text("z")
    other = in_tmp / f".other.json.{_finished_pid()}.lpctl.tmp"  # another target's: not this run's business
    other.write_text("u")
    result = _render_to(run_cli, in_tmp, "bundle.json")
    assert result.exit_code == 0
    left = sorted(p for p in os.listdir(in_tmp) if p.endswith(".tmp"))
    assert left == sorted([running.name, other.name])
    assert json.loads((in_tmp / "bundle.json").read_text())["kind"] == "LaunchPlanBundle"


NOISY = '''
import os, sys, threading, time

def _noise():
    for _ in range(300):
        print("noise from a thread")
        sys.stdout.flush()
        os.write(1, b"noise from C\\n")
        time.sleep(0.001)

threading.Thread(target=_noise, daemon=True).start()
print("noise at import")
time.sleep(0.02)

def wf(a: int = 1) -> None:
    """a workflow as a plain function"""
'''


@POSIX
def test_a_module_printing_from_a_thread_cannot_corrupt_a_bundle_on_stdout(in_tmp: Any) -> None:
    (in_tmp / "noisy.py").write_text(NOISY)
    (in_tmp / "s.yaml").write_text(HEADER + "name: one\nworkflow: noisy:wf\n")
    result = _lpctl(["render", "s.yaml", "--version", "v1", "--no-cache"], in_tmp)
    assert result.returncode == 0, result.stderr
    bundle = json.loads(result.stdout)  # nothing but the bundle
    assert bundle["launchPlans"][0]["launchPlan"]["id"]["name"] == "one"
    assert "noise at import" in result.stderr and "noise from a thread" in result.stderr


# -- package: a bundle's identities get the checks a spec's do ------------------------------------


@pytest.mark.parametrize(("name", "message"), [
    ("../../etc/x", "id.name '../../etc/x' contains '/', which Flyte identifiers cannot hold"),
    ("a\u0000b", "id.name 'a\\x00b' contains '\\x00', which Flyte identifiers cannot hold"),
    ("a\nb", "id.name 'a\\nb' contains '\\n', which Flyte identifiers cannot hold"),
    ("", "id.name is empty"),
    ("n" * 5000, "id.name is 5000 characters long; Flyte stores at most 255"),
])
def test_package_refuses_a_bundle_name_a_spec_could_not_have(name: str, message: str, run_cli: Cli,
                                                             in_tmp: Any) -> None:
    (in_tmp / "b.json").write_text(_bundle().replace('"name": "n"', f'"name": {json.dumps(name)}'))
    result = run_cli("package", "b.json", "-o", "out.tgz")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"lpctl: b.json: launchPlans[0]: {message}\n"
    assert not (in_tmp / "out.tgz").exists()


def test_package_refuses_a_bundle_with_one_launch_plan_twice(run_cli: Cli, in_tmp: Any) -> None:
    document = json.loads(_bundle())
    document["launchPlans"] *= 2
    (in_tmp / "b.json").write_text(json.dumps(document))
    result = run_cli("package", "b.json", "-o", "out.tgz")
    assert (result.exit_code, result.stderr) == (2, "lpctl: b.json: not an lpctl bundle: launch plan p/d/n "
                                                    "appears more than once\n")
    assert not (in_tmp / "out.tgz").exists()


def test_package_of_a_bundle_with_an_infinite_number_is_refused(run_cli: Cli, in_tmp: Any) -> None:
    """Found by the fuzz: protobuf's JSON parser raised OverflowError for 1e999 in an int64 field."""
    (in_tmp / "b.json").write_text(_bundle().replace('"labels": {}', '"labels": {}, "maxParallelism": 1e999'))
    result = run_cli("package", "b.json", "-o", "out.tgz")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "lpctl: b.json: not a readable bundle: the number 1e999 is out of range\n"


def test_package_of_a_good_bundle_still_works(run_cli: Cli, in_tmp: Any) -> None:
    (in_tmp / "b.json").write_text(_bundle())
    result = run_cli("package", "b.json", "-o", "out.tgz")
    assert result.exit_code == 0
    assert (in_tmp / "out.tgz").stat().st_size > 0


# -- the GitHub step summary shows spec values as text --------------------------------------------


def test_step_summary_escapes_markdown_from_spec_values(run_cli: Cli, in_tmp: Any) -> None:
    (in_tmp / "s.yaml").write_text(SPEC + "labels: {team: '[click](https://e.vil/x)'}\n"
                                   "annotations: {'<img src=x>': '*a* `b` ![i](j) | c'}\n")
    summary = in_tmp / "summary.md"
    result = run_cli("validate", "s.yaml", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    table = summary.read_text().splitlines()
    assert table[4].startswith(
        "| `s.yaml:5:16` | error | LP703 | invalid label value \\\"\\[click\\]\\(https\\:\\/\\/e\\.vil\\/x\\)\\\" ")
    assert table[5].startswith("| `s.yaml:6:15` | error | LP704 | invalid annotation key \\'\\<img src\\=x\\>\\'")
    rows = "".join(table[4:])
    assert not re.search(r"(?<!\\)[\[\]()<>`*!]", rows.replace("`s.yaml:5:16`", "").replace("`s.yaml:6:15`", ""))


def test_step_summary_code_span_holds_any_path() -> None:
    from lpctl.diagnostics import Diagnostic, Location, Severity
    from lpctl.reporters import step_summary, summarize

    found = Diagnostic("LP201", Severity.ERROR, "x", Location("a`b|c.yaml", 1, 2))
    text = step_summary([found], summarize([found], files=1, skipped=0, launch_plans=0))
    assert text.splitlines()[4] == "| ``a`b\\|c.yaml:1:2`` | error | LP201 | x |"


@POSIX
def test_a_run_killed_with_sigkill_mid_write_leaves_a_file_the_next_run_removes(run_cli: Cli, in_tmp: Any) -> None:
    """A real kill -9 between writing the temporary file and renaming it (the worst moment)."""
    (in_tmp / "bundle.json").write_text("old\n")
    killed = ("import os, signal\nimport lpctl.output as out\n"
              "out.os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)\n"
              "out.write_output('bundle.json', 'x' * 17_000_000)\n")
    child = subprocess.Popen([sys.executable, "-c", killed], cwd=in_tmp)
    assert child.wait(timeout=60) == -9
    left = [p for p in os.listdir(in_tmp) if p.endswith(".lpctl.tmp")]
    assert left == [f".bundle.json.{child.pid}.lpctl.tmp"]
    assert (in_tmp / left[0]).stat().st_size == 17_000_000
    assert (in_tmp / "bundle.json").read_text() == "old\n"  # never a part of the new bundle
    result = _render_to(run_cli, in_tmp, "bundle.json")
    assert result.exit_code == 0
    assert [p for p in os.listdir(in_tmp) if p.endswith(".tmp")] == []
    assert json.loads((in_tmp / "bundle.json").read_text())["kind"] == "LaunchPlanBundle"
