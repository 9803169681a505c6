"""Hostile paths: missing, unreadable, empty directories, symlink loops, special files, repeats,
and output files that cannot be written. Exit 2 where the path itself is the problem; an output
file is written atomically or not at all.

The special files (a FIFO, /dev/zero) run in a subprocess with a time limit and an address-space
limit, so that a regression hangs or exhausts memory in that child only.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from support import limited

SPEC = "apiVersion: lpctl/v1\nkind: LaunchPlan\nname: one\nworkflow: {name: team.pipelines.daily}\n"
OTHER = "apiVersion: lpctl/v1\nkind: LaunchPlan\nname: two\nworkflow: {name: team.pipelines.daily}\n"
BROKEN = "apiVersion: lpctl/v1\nkind: LaunchPlan\nname: bad\n"  # no workflow
ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0
needs_non_root = pytest.mark.skipif(ROOT_USER, reason="root reads and writes regardless of permissions")
needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32", reason="POSIX symlinks")

Cli = Callable[..., Any]


def _leftovers(directory: Any) -> list[str]:
    """Temporary files write_atomic may have left behind."""
    return sorted(n for n in os.listdir(directory) if n.startswith(".lpctl-") or n.endswith(".tmp"))


def _render(run_cli: Cli, *args: str) -> Any:
    return run_cli("render", "--version", "v1", "--color", "never", *args)


# -- inputs --------------------------------------------------------------------------------


def test_missing_file_is_exit_2(run_cli: Cli, in_tmp: Any) -> None:
    result = run_cli("validate", "nope.yaml")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "lpctl: nope.yaml: no such file or directory\n"


def test_missing_file_next_to_a_good_one_is_still_exit_2(run_cli: Cli, in_tmp: Any) -> None:
    (in_tmp / "spec.yaml").write_text(SPEC)
    result = run_cli("validate", "spec.yaml", "nope.yaml")
    assert result.exit_code == 2
    assert result.stderr == "lpctl: nope.yaml: no such file or directory\n"


@needs_non_root
def test_unreadable_file_is_exit_2(run_cli: Cli, in_tmp: Any) -> None:
    path = in_tmp / "secret.yaml"
    path.write_text(SPEC)
    path.chmod(0)
    try:
        result = run_cli("validate", "secret.yaml")
    finally:
        path.chmod(0o644)
    assert (result.exit_code, result.stderr) == (2, "lpctl: secret.yaml: cannot read: Permission denied\n")


def test_unreadable_file_is_exit_2_simulated(run_cli: Cli, in_tmp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same as root, who can read anything: the system refuses to open it as it would for another user."""
    real_open = os.open

    def refusing_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file).endswith("secret.yaml"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    (in_tmp / "secret.yaml").write_text(SPEC)
    (in_tmp / "spec.yaml").write_text(SPEC)
    result = run_cli("validate", "spec.yaml", "secret.yaml")
    assert (result.exit_code, result.stderr) == (2, "lpctl: secret.yaml: cannot read: Permission denied\n")


def test_empty_directory_is_exit_2(run_cli: Cli, in_tmp: Any) -> None:
    os.mkdir(in_tmp / "empty")
    result = run_cli("validate", "empty")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "lpctl: no lpctl specs found in empty\n"


def test_directory_with_no_specs_is_exit_2(run_cli: Cli, in_tmp: Any) -> None:
    os.mkdir(in_tmp / "chart")
    (in_tmp / "chart" / "values.yaml").write_text("replicaCount: 1\nimage: {repository: nginx}\n")
    (in_tmp / "chart" / "README.md").write_text("apiVersion: lpctl/v1 in prose is not a spec\n")
    result = run_cli("validate", "chart")
    assert result.exit_code == 2
    assert result.stdout == ""
    # the count of skipped files follows; its wording ("1 YAML files") is left free here
    assert result.stderr.startswith("lpctl: no lpctl specs found in chart (1 YAML file")


def test_directory_walk_skips_hidden_and_tool_directories(run_cli: Cli, in_tmp: Any) -> None:
    for sub in ("specs", "specs/.git", "specs/node_modules", "specs/.hidden"):
        os.mkdir(in_tmp / sub)
    (in_tmp / "specs" / "spec.yaml").write_text(SPEC)
    for sub in (".git", "node_modules", ".hidden"):
        (in_tmp / "specs" / sub / "bad.yaml").write_text(BROKEN)
    result = run_cli("validate", "specs")
    assert (result.exit_code, result.stdout) == (0, "1 file OK: 1 launch plan\n")


@needs_symlinks
def test_symlink_loop_inside_a_directory_is_reported_and_the_rest_checked(run_cli: Cli, in_tmp: Any) -> None:
    os.mkdir(in_tmp / "specs")
    (in_tmp / "specs" / "spec.yaml").write_text(SPEC)
    os.symlink("loop2.yaml", in_tmp / "specs" / "loop1.yaml")
    os.symlink("loop1.yaml", in_tmp / "specs" / "loop2.yaml")
    result = run_cli("validate", "specs")
    assert (result.exit_code, result.stderr) == (0, "")
    skipped = ("warning LP114 file skipped: cannot read it: Too many levels of symbolic links "
               "(a dangling symbolic link or a link loop; fix or remove the link)")
    assert result.stdout.splitlines() == [f"specs/loop1.yaml: {skipped}", f"specs/loop2.yaml: {skipped}",
                                          "2 warnings in 2 of 3 files"]


@needs_symlinks
def test_symlink_loop_named_explicitly_says_so(run_cli: Cli, in_tmp: Any) -> None:
    os.symlink("loop2.yaml", in_tmp / "loop1.yaml")
    os.symlink("loop1.yaml", in_tmp / "loop2.yaml")
    result = run_cli("validate", "loop1.yaml")
    assert result.exit_code == 2
    assert result.stderr == "lpctl: loop1.yaml: cannot read: Too many levels of symbolic links\n"


@needs_symlinks
def test_dangling_symlink_inside_a_directory_is_reported_and_the_rest_checked(run_cli: Cli, in_tmp: Any) -> None:
    os.mkdir(in_tmp / "specs")
    (in_tmp / "specs" / "spec.yaml").write_text(SPEC)
    (in_tmp / "specs" / "z_bad.yaml").write_text(BROKEN)  # checked, though it comes after the link
    os.symlink("gone.yaml", in_tmp / "specs" / "broken.yaml")
    result = run_cli("validate", "specs")
    assert (result.exit_code, result.stderr) == (1, "")
    assert result.stdout.splitlines() == [
        "specs/broken.yaml: warning LP114 file skipped: cannot read it: No such file or directory "
        "(a dangling symbolic link or a link loop; fix or remove the link)",
        "specs/z_bad.yaml:1:1: error LP203 missing required key 'workflow' "
        "(for example 'workflow: myproject.workflows:my_workflow')",
        "1 error and 1 warning in 2 of 3 files"]


@needs_symlinks
def test_directory_symlink_loop_is_not_followed(run_cli: Cli, in_tmp: Any) -> None:
    os.makedirs(in_tmp / "specs" / "sub")
    (in_tmp / "specs" / "spec.yaml").write_text(SPEC)
    os.symlink("..", in_tmp / "specs" / "sub" / "up")
    os.symlink(".", in_tmp / "specs" / "sub" / "self")
    result = run_cli("validate", "specs")
    assert (result.exit_code, result.stdout) == (0, "1 file OK: 1 launch plan\n")


@needs_symlinks
def test_same_file_given_twice_is_checked_once(run_cli: Cli, in_tmp: Any) -> None:
    os.mkdir(in_tmp / "specs")
    (in_tmp / "specs" / "spec.yaml").write_text(SPEC)
    os.symlink("specs/spec.yaml", in_tmp / "link.yaml")
    result = run_cli("validate", "specs/spec.yaml", "./specs/spec.yaml", "specs", "link.yaml", "specs/spec.yaml",
                     str(in_tmp / "specs" / "spec.yaml"))
    # once: no LP806 "also defined at" against itself
    assert (result.exit_code, result.stdout, result.stderr) == (0, "1 file OK: 1 launch plan\n", "")


@needs_symlinks
def test_a_file_reached_through_a_linked_directory_or_dot_dot_is_checked_once(run_cli: Cli, in_tmp: Any) -> None:
    os.makedirs(in_tmp / "specs" / "sub")
    (in_tmp / "specs" / "spec.yaml").write_text(SPEC)
    os.symlink("specs", in_tmp / "linked")  # a directory link, named on the command line
    os.symlink("../spec.yaml", in_tmp / "specs" / "sub" / "again.yaml")  # a file link inside the walk
    result = run_cli("validate", "specs", "linked", "linked/sub/../spec.yaml", "specs/sub/again.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "1 file OK: 1 launch plan\n", "")


def test_paths_are_shown_relative_to_the_current_directory_when_below_it(run_cli: Cli, in_tmp: Any) -> None:
    os.makedirs(in_tmp / "specs" / "sub")
    (in_tmp / "specs" / "bad.yaml").write_text(BROKEN)
    for given in ("specs/bad.yaml", "./specs/sub/../bad.yaml", str(in_tmp / "specs" / "bad.yaml")):
        result = run_cli("validate", given)
        assert result.stdout.splitlines()[0].startswith("specs/bad.yaml:1:1: error LP203 "), given
    outside = in_tmp.parent / f"{in_tmp.name}-outside.yaml"
    outside.write_text(BROKEN)
    try:
        result = run_cli("validate", str(outside))
        assert result.stdout.splitlines()[0].startswith(f"{outside}:1:1: error LP203 ")  # as given
    finally:
        outside.unlink()


def test_same_broken_file_twice_reports_once(run_cli: Cli, in_tmp: Any) -> None:
    (in_tmp / "bad.yaml").write_text(BROKEN)
    result = run_cli("validate", "bad.yaml", "bad.yaml")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "bad.yaml:1:1: error LP203 missing required key 'workflow' "
        "(for example 'workflow: myproject.workflows:my_workflow')",
        "1 error in 1 of 1 file"]


def test_a_device_is_not_a_spec_file(run_cli: Cli, in_tmp: Any) -> None:
    if not os.path.exists("/dev/null") or not stat.S_ISCHR(os.stat("/dev/null").st_mode):
        pytest.skip("no /dev/null device here (some sandboxes make it a regular file)")
    result = run_cli("validate", "/dev/null")
    assert (result.exit_code, result.stderr) == (2, "lpctl: /dev/null: not a regular file or directory\n")


def _lpctl_subprocess(args: list[str], cwd: Any, timeout: float) -> subprocess.CompletedProcess[str] | None:
    """Run ``python -m lpctl`` with at most 1.5 GiB of address space; None if it did not finish in time."""

    try:
        return subprocess.run(limited([sys.executable, "-m", "lpctl", *args], AS=3 << 29), cwd=cwd,
                              capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None


@pytest.mark.skipif(not os.path.exists("/dev/zero") or sys.platform == "win32", reason="POSIX /dev/zero")
def test_endless_file_is_refused_not_read(in_tmp: Any) -> None:
    result = _lpctl_subprocess(["validate", "/dev/zero"], in_tmp, timeout=60)
    assert result is not None, "lpctl did not finish"
    assert (result.returncode, result.stderr) == (2, "lpctl: /dev/zero: not a regular file or directory\n")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_fifo_inside_a_directory_does_not_hang(in_tmp: Any) -> None:
    os.mkdir(in_tmp / "specs")
    (in_tmp / "specs" / "spec.yaml").write_text(SPEC)
    os.mkfifo(in_tmp / "specs" / "pipe.yaml")
    result = _lpctl_subprocess(["validate", "specs"], in_tmp, timeout=8)
    assert result is not None, "lpctl hung on a FIFO"
    # not a regular file: skipped by the directory walk, with a warning
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "specs/pipe.yaml: warning LP113 file skipped: it is a FIFO, not a regular file "
        "(reading it could block or never end; only regular files are read as specs)",
        "1 warning in 1 of 2 files"]


def test_oversized_file_is_refused_without_reading_it(run_cli: Cli, in_tmp: Any) -> None:
    import tracemalloc

    size = 64 * 1024 * 1024
    with open(in_tmp / "huge.yaml", "wb") as f:  # sparse: no disk used
        f.write(b"apiVersion: lpctl/v1\n")
        f.truncate(size)
    tracemalloc.start()
    try:
        result = run_cli("validate", "huge.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"huge.yaml:1:1: error LP107 file is {size} bytes, over the limit of 1048576 bytes for a spec "
        "(raise it with --max-bytes if this file really is a spec)")
    assert peak < 16 * 1024 * 1024, f"peak {peak} bytes: the file was read whole"


# -- output --------------------------------------------------------------------------------


def test_render_to_stdout(run_cli: Cli, in_tmp: Any) -> None:
    (in_tmp / "spec.yaml").write_text(SPEC)
    plain = _render(run_cli, "spec.yaml")
    dash = _render(run_cli, "spec.yaml", "-o", "-")
    assert plain.exit_code == dash.exit_code == 0
    assert plain.stdout == dash.stdout
    assert plain.stdout.startswith("{\n") and plain.stdout.endswith("}\n")
    assert plain.stderr == "1 file OK: 1 launch plan\n"


def test_output_replaces_an_existing_file_atomically(run_cli: Cli, in_tmp: Any) -> None:
    (in_tmp / "spec.yaml").write_text(SPEC)
    expected = _render(run_cli, "spec.yaml").stdout
    out = in_tmp / "bundle.json"
    out.write_text("old bundle\n")
    before = os.stat(out).st_ino
    result = _render(run_cli, "spec.yaml", "-o", "bundle.json")
    assert (result.exit_code, result.stdout) == (0, "")
    assert out.read_text(encoding="utf-8") == expected
    assert os.stat(out).st_ino != before, "a new file renamed over the old one, not the old one rewritten"
    assert _leftovers(in_tmp) == []


def test_output_into_a_missing_directory_makes_it(run_cli: Cli, in_tmp: Any) -> None:
    """As new -o and schema --output do (it was exit 2, 'No such file or directory')."""
    (in_tmp / "spec.yaml").write_text(SPEC)
    result = _render(run_cli, "spec.yaml", "-o", "nodir/bundle.json")
    assert (result.exit_code, result.stdout) == (0, "")
    assert os.listdir(in_tmp / "nodir") == ["bundle.json"]
    assert _leftovers(in_tmp) == []


def test_output_below_a_regular_file_is_exit_2(run_cli: Cli, in_tmp: Any) -> None:
    (in_tmp / "spec.yaml").write_text(SPEC)
    result = _render(run_cli, "spec.yaml", "-o", "spec.yaml/bundle.json")
    assert result.exit_code == 2
    assert result.stderr.endswith("lpctl: spec.yaml/bundle.json: cannot write: spec.yaml is not a directory\n")
    assert (in_tmp / "spec.yaml").read_text() == SPEC


def test_output_onto_a_directory_is_exit_2_and_leaves_nothing(run_cli: Cli, in_tmp: Any) -> None:
    (in_tmp / "spec.yaml").write_text(SPEC)
    os.mkdir(in_tmp / "out")
    result = _render(run_cli, "spec.yaml", "-o", "out")
    assert result.exit_code == 2
    assert result.stderr.endswith("lpctl: out: cannot write: Is a directory\n")
    assert os.listdir(in_tmp / "out") == []
    assert _leftovers(in_tmp) == []


@needs_non_root
def test_output_into_a_read_only_directory_is_exit_2(run_cli: Cli, in_tmp: Any) -> None:
    (in_tmp / "spec.yaml").write_text(SPEC)
    os.mkdir(in_tmp / "ro")
    (in_tmp / "ro").chmod(0o555)
    try:
        result = _render(run_cli, "spec.yaml", "-o", "ro/bundle.json")
    finally:
        (in_tmp / "ro").chmod(0o755)
    assert result.exit_code == 2
    assert result.stderr.endswith("lpctl: ro/bundle.json: cannot write: Permission denied\n")
    assert os.listdir(in_tmp / "ro") == []


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failed_write_leaves_the_old_file_and_no_temporary(failing: str, run_cli: Cli, in_tmp: Any,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk (fsync) or a refused rename: exit 2, the previous bundle intact, no temp file."""
    (in_tmp / "spec.yaml").write_text(SPEC)
    (in_tmp / "bundle.json").write_text("old bundle\n")

    def fail(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, failing, fail)
    result = _render(run_cli, "spec.yaml", "-o", "bundle.json")
    monkeypatch.undo()
    assert result.exit_code == 2
    assert result.stderr.endswith(f"lpctl: bundle.json: cannot write: {os.strerror(errno.ENOSPC)}\n")
    assert (in_tmp / "bundle.json").read_text() == "old bundle\n"
    assert _leftovers(in_tmp) == []


def test_render_with_errors_writes_nothing(run_cli: Cli, in_tmp: Any) -> None:
    (in_tmp / "spec.yaml").write_text(SPEC)
    (in_tmp / "bad.yaml").write_text(BROKEN)
    (in_tmp / "bundle.json").write_text("old bundle\n")
    result = _render(run_cli, "spec.yaml", "bad.yaml", "-o", "bundle.json")
    assert (result.exit_code, result.stdout) == (1, "")
    assert (in_tmp / "bundle.json").read_text() == "old bundle\n"
    result = _render(run_cli, "spec.yaml", "bad.yaml", "-o", "new.json")
    assert result.exit_code == 1
    assert not os.path.exists(in_tmp / "new.json")
    assert _leftovers(in_tmp) == []
    result = _render(run_cli, "spec.yaml", "bad.yaml")
    assert (result.exit_code, result.stdout) == (1, ""), "nothing on stdout either"


def test_output_file_mode_follows_umask_and_is_kept_on_replace(run_cli: Cli, in_tmp: Any) -> None:
    (in_tmp / "spec.yaml").write_text(SPEC)
    umask = os.umask(0o022)
    try:
        assert _render(run_cli, "spec.yaml", "-o", "new.json").exit_code == 0
        (in_tmp / "kept.json").write_text("old\n")
        (in_tmp / "kept.json").chmod(0o640)
        assert _render(run_cli, "spec.yaml", "-o", "kept.json").exit_code == 0
    finally:
        os.umask(umask)
    assert stat.S_IMODE(os.stat(in_tmp / "new.json").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(in_tmp / "kept.json").st_mode) == 0o640


def test_a_file_that_grows_while_it_is_read_is_read_to_its_end(in_tmp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first read asks for the size fstat gave; a stale size (a file still being written, a network file
    system's cached attributes) must not cut the spec short."""
    from lpctl.spec.load import read_spec_file

    spec = in_tmp / "spec.yaml"
    spec.write_text(SPEC)
    real_fstat = os.fstat

    def fstat_then_grow(fd: int) -> os.stat_result:
        status = real_fstat(fd)
        with open(spec, "a") as f:
            f.write("labels: {team: data}\n")
        return status

    monkeypatch.setattr(os, "fstat", fstat_then_grow)
    assert read_spec_file(str(spec)) == (SPEC + "labels: {team: data}\n").encode()


@pytest.mark.parametrize("size", [0, 1, 999, 1000, 1001, 5000])
def test_a_file_is_read_whole_up_to_one_byte_over_the_limit(in_tmp: Any, size: int) -> None:
    from lpctl.spec.load import read_spec_file

    (in_tmp / "f.yaml").write_bytes(b"x" * size)
    assert len(read_spec_file(str(in_tmp / "f.yaml"), max_bytes=1000)) == min(size, 1001)
