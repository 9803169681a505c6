"""Output paths: -o /dev/stdout (and /dev/stderr, /proc/self/fd/N) write to that stream, in a pipe or a socket
too; GITHUB_STEP_SUMMARY is never waited on; every -o (and schema --output) makes the folders it needs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from support import HEADER, CliResult, limited

Run = Callable[..., CliResult]
SPEC = HEADER + "name: lp\nworkflow: {name: other.wf, inputs: {a: int}}\ndefault_inputs: {a: 1}\n"


@pytest.fixture
def spec(in_tmp: Any) -> Any:
    (in_tmp / "lp.yaml").write_text(SPEC)
    return in_tmp


@pytest.mark.parametrize("path", ["/dev/stdout", "/proc/self/fd/1", "/dev/fd/1"])
def test_render_to_the_stdout_path_writes_stdout(run_cli: Run, spec: Any, path: str) -> None:
    plain = run_cli("render", "lp.yaml")
    assert plain.exit_code == 0 and plain.stdout.startswith("{\n")
    assert run_cli("render", "lp.yaml", "-o", path) == plain


def test_render_to_dev_stderr_writes_stderr(run_cli: Run, spec: Any) -> None:
    plain = run_cli("render", "lp.yaml")
    assert run_cli("render", "lp.yaml", "-o", "/dev/stderr") == CliResult(0, "", plain.stderr + plain.stdout)


def test_dev_stdout_is_the_real_stdout_in_a_pipe_and_a_socket(spec: Any) -> None:
    expected = subprocess.run([sys.executable, "-m", "lpctl", "render", "lp.yaml"], capture_output=True,
                              check=True).stdout
    piped = subprocess.run([sys.executable, "-m", "lpctl", "render", "lp.yaml", "-o", "/dev/stdout"],
                           capture_output=True)
    assert (piped.returncode, piped.stdout, piped.stderr) == (0, expected, b"1 file OK: 1 launch plan\n")
    ours, theirs = socket.socketpair()
    with ours, theirs:
        done = subprocess.run([sys.executable, "-m", "lpctl", "render", "lp.yaml", "-o", "/dev/stdout"],
                              stdout=theirs, stderr=subprocess.PIPE)
        theirs.shutdown(socket.SHUT_WR)
        received = b"".join(iter(lambda: ours.recv(65536), b""))
    assert (done.returncode, received, done.stderr) == (0, expected, b"1 file OK: 1 launch plan\n")


def test_a_step_summary_that_is_not_a_regular_file_is_skipped_with_a_warning(run_cli: Run, spec: Any) -> None:
    (spec / "bad.yaml").write_text(HEADER + "name: lp\nworkflow: {name: other.wf, inputs: {a: int}}\n"
                                   "default_inputs: {b: 1}\n")
    os.mkfifo(spec / "summary")
    result = run_cli("validate", "bad.yaml", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(spec / "summary")})
    assert result == CliResult(1, "::error file=bad.yaml,line=5,col=18,title=LP401::default input 'b' is not an "
                               "input of workflow 'other.wf' (inputs: a)\n1 error in 1 of 1 file\n",
                               f"lpctl: warning: cannot append to GITHUB_STEP_SUMMARY ({spec / 'summary'}): No such "
                               "device or address; the summary table is not written\n")
    reader = os.open(spec / "summary", os.O_RDONLY | os.O_NONBLOCK)  # with a reader, opening succeeds: a FIFO
    try:
        result = run_cli("validate", "bad.yaml", "--format", "github",
                         env={"GITHUB_STEP_SUMMARY": str(spec / "summary")})
    finally:
        os.close(reader)
    assert result.stderr == (f"lpctl: warning: GITHUB_STEP_SUMMARY ({spec / 'summary'}) is not a regular file; "
                             "the summary table is not written\n")
    result = run_cli("validate", "bad.yaml", "--format", "github", env={"GITHUB_STEP_SUMMARY": "summary.md"})
    assert (result.exit_code, result.stderr) == (1, "")
    assert (spec / "summary.md").read_text().startswith("### lpctl: 1 error in 1 of 1 file\n")


def test_new_and_schema_make_the_folders_they_write_into(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "newmod.py").write_text("def wf(a: int) -> None: ...\n")
    try:
        result = run_cli("new", "newmod:wf", "-o", "launchplans/wf.yaml")
    finally:
        sys.modules.pop("newmod", None)
    assert result == CliResult(0, "", "wrote launchplans/wf.yaml: launch plan wf_lp, 1 inputs, 1 required; check "
                               "it with: lpctl validate launchplans/wf.yaml\n")
    assert run_cli("validate", "launchplans/").exit_code == 0
    assert run_cli("schema", "--output", "schemas/v1/launchplan.schema.json") == CliResult(0, "", "")
    assert (in_tmp / "schemas" / "v1" / "launchplan.schema.json").read_text() == run_cli("schema").stdout
    (in_tmp / "file").write_text("")
    assert run_cli("schema", "--output", "file/x.json") == CliResult(
        2, "", "lpctl: file/x.json: cannot write: file is not a directory\n")


@pytest.mark.parametrize(("args", "said", "written"), [
    (("render", "lp.yaml", "-o", "{out}/bundle.json"), "1 file OK: 1 launch plan\n", "bundle.json"),
    (("lock", "lp.yaml", "-o", "{out}/x.lock"), "wrote {out}/x.lock (0 workflows)\n", "x.lock"),
    (("package", "lp.yaml", "-o", "{out}/lps.tgz", "--version", "v1"), "1 file OK: 1 launch plan\n", "lps.tgz"),
    (("migrate", "lp.yaml", "-o", "{out}", "--task-map", "other.wf=pkg.mod:task"), "", "lp.yaml"),
])
def test_every_output_makes_the_folders_it_writes_into(run_cli: Run, spec: Any, args: tuple[str, ...], said: str,
                                                       written: str) -> None:
    """``lock -o nodir/x.lock`` (and render, package -o) failed with 'No such file or directory' (exit 2) where
    new -o, schema --output and migrate -o made the folder; a file where a folder belongs is refused alike."""
    result = run_cli(*(a.format(out="made/here") for a in args))
    assert (result.exit_code, result.stderr) == (0, said.format(out="made/here"))
    assert os.listdir(spec / "made" / "here") == [written]
    (spec / "file").write_text("")
    result = run_cli(*(a.format(out="file/sub") for a in args))
    assert (result.exit_code, result.stderr) == (2, said.format(out="file/sub").split("wrote")[0]
                                                 + f"lpctl: file/sub/{written}: cannot create file/sub: Not a "
                                                 "directory\n")
    assert "wrote" not in result.stdout and (spec / "file").read_text() == ""


@pytest.mark.parametrize(("args", "said"), [(("render", "lp.yaml"), "1 file OK: 1 launch plan\n"),
                                            (("lock", "lp.yaml"), ""), (("schema",), "")])
def test_an_output_ending_in_a_slash_makes_no_folder(run_cli: Run, spec: Any, args: tuple[str, ...],
                                                     said: str) -> None:
    """``-o out/`` made the folder out/, then failed on it ('Is a directory')."""
    assert run_cli(*args, "-o", "out/") == CliResult(
        2, "", said + "lpctl: out/: cannot write: a file name must follow the last '/'\n")
    assert sorted(os.listdir(spec)) == ["lp.yaml", "pyproject.toml"]


@pytest.mark.parametrize("args", [("render", "lp.yaml"), ("render", "lp.yaml", "-o", "/dev/stdout"),
                                  ("validate", "lp.yaml"), ("schema",)])
@pytest.mark.parametrize(("redirect", "why"), [(">/dev/full", "No space left on device"),
                                               (">&-", "Bad file descriptor")])
def test_a_full_or_closed_stdout_is_exit_2_not_a_bug(spec: Any, args: tuple[str, ...], redirect: str,
                                                     why: str) -> None:
    """Writing the output to a full disk or to a closed stdout: exit 2 (was exit 3, 'internal error', or a
    traceback for a closed stdout)."""
    done = subprocess.run(["sh", "-c", f'exec "$0" -m lpctl "$@" {redirect}', sys.executable, *args],
                          stderr=subprocess.PIPE, text=True)
    summary = "1 file OK: 1 launch plan\n" if args[0] == "render" else ""  # validate's goes to the stdout
    assert (done.returncode, done.stderr) == (2, f"{summary}lpctl: cannot write the output: {why}\n")


def test_a_closed_stdout_does_not_stop_a_run_that_writes_a_file(spec: Any) -> None:
    done = subprocess.run(["sh", "-c", 'exec "$0" -m lpctl render lp.yaml -o out.json >&-', sys.executable],
                          stderr=subprocess.PIPE, text=True)
    assert (done.returncode, done.stderr) == (0, "1 file OK: 1 launch plan\n")
    assert (spec / "out.json").read_text().startswith("{\n")


def test_a_step_summary_that_does_not_fit_keeps_what_it_held(spec: Any) -> None:
    """Half a table was left in the job's summary when the disk filled up."""
    (spec / "bad.yaml").write_text(HEADER + "name: lp\nworkflow: {name: other.wf, inputs: {a: int}}\n"
                                   "default_inputs: {b: 1}\n")
    before = "earlier step\n" * 12
    (spec / "summary.md").write_text(before)
    done = subprocess.run(limited([sys.executable, "-m", "lpctl", "validate", "bad.yaml", "--format", "github"],
                                  FSIZE=200), capture_output=True, text=True,
                          env={**os.environ, "GITHUB_STEP_SUMMARY": "summary.md"})
    assert (done.returncode, done.stderr) == (1, "lpctl: warning: cannot append to GITHUB_STEP_SUMMARY (summary.md): "
                                              "File too large; the summary table is not written\n")
    assert (spec / "summary.md").read_text() == before


@pytest.mark.parametrize("args", [("render", "lp.yaml", "-o", "lp.yaml"), ("render", ".", "-o", "link.yaml"),
                                  ("package", "lp.yaml", "-o", "lp.yaml", "--version", "v1"),
                                  ("lock", "lp.yaml", "-o", "lp.yaml")])
def test_an_output_that_is_an_input_spec_is_refused(run_cli: Run, spec: Any, args: tuple[str, ...]) -> None:
    """``render a.yaml -o a.yaml`` (or a shell glob whose last spec became the -o value, or a link to one)
    replaced the spec with the bundle, the archive or the lock, with exit 0."""
    os.symlink("lp.yaml", spec / "link.yaml")
    result = run_cli(*args)
    shown = "link.yaml" if args[1] == "." else "lp.yaml"
    assert result == CliResult(2, "", f"lpctl: -o {args[3]} is {shown}, one of the files this run reads: it would be "
                                      "replaced by the output; nothing written (give another file)\n")
    assert (spec / "lp.yaml").read_text() == SPEC
    assert sorted(os.listdir(spec)) == ["link.yaml", "lp.yaml", "pyproject.toml"]


def test_migrate_never_writes_a_trigger_over_its_launch_plan(run_cli: Run, spec: Any) -> None:
    result = run_cli("migrate", "lp.yaml", "-o", ".", "--force", "--task-map", "other.wf=pkg.tasks:wf")
    assert (result.exit_code, result.stderr) == (2, "lpctl: lp.yaml: its trigger would be written over it "
                                                    "(./lp.yaml): give an -o DIR apart from the launch plan specs; "
                                                    "nothing written\n")
    assert (spec / "lp.yaml").read_text() == SPEC
