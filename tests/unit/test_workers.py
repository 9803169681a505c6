"""-j / --jobs: worker processes give the result of one process, in the same order, and end on Ctrl-C."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from support import HEADER, CliResult

from lpctl import accel, progress
from lpctl.accel import workers
from lpctl.bundle import render_bundle, write_bundle, write_entries
from lpctl.pipeline import Options, run

pytestmark = pytest.mark.skipif(not workers.can_fork() or not accel.on(),
                                reason="worker processes are forked (Linux), unless LPCTL_NO_ACCEL turns them off")

Run = Callable[..., CliResult]

WORKFLOW = '''
import datetime


def daily(day: datetime.datetime, limit: int = 10, region: str = "emea") -> None:
    """Export one day."""
'''


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pool for any number of files, two files a task: a few files cross several workers and tasks."""
    monkeypatch.setattr(workers, "MIN_ITEMS", 1)
    monkeypatch.setattr(workers, "MAX_CHUNK", 2)


@pytest.fixture
def project(in_tmp: Any, run_cli: Run) -> Iterator[Any]:
    """Eleven spec files: valid ones, a schema error, a bad cron, a name defined twice far apart (so in
    two tasks), a file of two documents, a YAML file that is not a spec, and one that does not parse."""
    (in_tmp / "jobsmod.py").write_text(WORKFLOW)
    specs = in_tmp / "specs"
    specs.mkdir()
    for i in range(6):
        (specs / f"a{i}.yaml").write_text(HEADER + f"name: lp{i}\nworkflow: jobsmod:daily\n"
                                          f"default_inputs: {{limit: {i}}}\n")
    # a right-to-left override, which the bundle writes escaped wherever its entry is made
    (specs / "a1.yaml").write_text(HEADER + 'name: lp1\nworkflow: jobsmod:daily\ndefault_inputs: {limit: 1}\n'
                                   'annotations: {note: "abc\\u202edef"}\n')
    (specs / "b_schema.yaml").write_text(HEADER + "name: broken\nworkflow: jobsmod:daily\nmax_parallelism: -3\n")
    (specs / "c_cron.yaml").write_text(HEADER + "name: cron\nworkflow: jobsmod:daily\n"
                                       "schedule:\n  cron: '61 * * * *'\n  kickoff_time_input_arg: day\n")
    (specs / "d_two.yaml").write_text(HEADER + "name: two_a\nworkflow: jobsmod:daily\n---\n"
                                      + HEADER + "name: two_b\nworkflow: jobsmod:daily\n")
    (specs / "e_other.yaml").write_text("just: some other yaml\n")
    (specs / "z_dup.yaml").write_text(HEADER + "name: lp0\nworkflow: jobsmod:daily\n")
    assert run_cli("lock", "specs").exit_code == 0
    (specs / "z_unparsable.yaml").write_text(HEADER + "name: [unclosed\nworkflow: jobsmod:daily\n")
    yield in_tmp
    sys.modules.pop("jobsmod", None)


def _events(options: Options) -> tuple[Any, list[tuple[str, str, int]]]:
    seen: list[tuple[str, str, int]] = []

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            event = record.lpctl_progress  # type: ignore[attr-defined]
            seen.append((event.kind, event.detail, event.count))

    handler = Catch(logging.DEBUG)
    progress.LOGGER.addHandler(handler)
    progress.LOGGER.setLevel(logging.DEBUG)
    try:
        return run(["specs"], options), seen
    finally:
        progress.LOGGER.removeHandler(handler)
        progress.LOGGER.setLevel(logging.NOTSET)


def test_workers_give_one_process_result_in_its_order(project: Any, small_chunks: None) -> None:
    one, one_events = _events(Options(locked=True, jobs=1))
    two, two_events = _events(Options(locked=True, jobs=2))
    assert [str(d) for d in one.diagnostics] == [
        "specs/b_schema.yaml:5:18: error LP206 'max_parallelism' must be at least 0, found -3",
        "specs/c_cron.yaml:6:9: error LP501 minute 61 is out of range 0-59",
        "specs/z_dup.yaml:3:7: error LP806 launch plan flytesnacks/development/lp0 is also defined at "
        "specs/a0.yaml:3:7 (launch plan names must be unique within a project and domain)",
        "specs/z_unparsable.yaml:4:9: error LP101 YAML syntax error: expected ',' or ']', but got ':' "
        "(parsing a flow sequence that started at line 3)"]
    assert [str(d) for d in two.diagnostics] == [str(d) for d in one.diagnostics]
    assert two.diagnostics == one.diagnostics
    assert (two.files, two.skipped, two.documents) == (one.files, one.skipped, one.documents) == (
        one.files, 1, 11)
    assert render_bundle(two.plans) == render_bundle(one.plans)
    assert two_events == one_events
    assert one_events[0] == ("specs", "", 12) and one_events[-1] == ("spec", "specs/z_unparsable.yaml", 11)


def test_workers_write_the_bundle_of_one_process(project: Any, small_chunks: None) -> None:
    result = run(["specs"], Options(locked=True, jobs=2))
    assert result.jobs == 2 and len(result.plans) == 9
    one: list[str] = []
    two: list[str] = []
    write_bundle(result.plans, one.append)
    write_bundle(result.plans, two.append, jobs=2)  # entries made in two workers, written in bundle order
    assert "".join(two) == "".join(one) == render_bundle(result.plans)
    assert len(two) == len(one) == 4 + 9  # written one entry at a time
    assert run(["specs"], Options(jobs=2)).jobs == 1  # importing: no worker processes


def test_cli_output_is_the_same_with_any_number_of_jobs(project: Any, small_chunks: None, run_cli: Run) -> None:
    one = run_cli("render", "specs", "--locked", "-j", "1")
    assert one.exit_code == 1 and "LP806" in one.stderr
    assert run_cli("render", "specs", "--locked", "--jobs", "3") == one
    assert run_cli("render", "specs", "--locked") == one  # the default: one worker per core
    (project / "specs" / "z_dup.yaml").unlink()
    (project / "specs" / "z_unparsable.yaml").unlink()
    (project / "specs" / "b_schema.yaml").unlink()
    (project / "specs" / "c_cron.yaml").unlink()
    bundle = run_cli("render", "specs", "--locked", "-j", "1")
    assert bundle.exit_code == 0 and bundle.stdout.startswith("{\n")
    assert run_cli("render", "specs", "--locked", "-j", "2") == bundle


def test_a_negative_job_count_is_a_usage_error(run_cli: Run) -> None:
    result = run_cli("validate", "x.yaml", "-j", "-1")
    assert result.exit_code == 2 and "-1 is not in the range x>=0" in result.stderr


def _pid_and_signals(item: int) -> tuple[int, int, bool]:
    time.sleep(0.002)  # long enough for a worker to start while the calling process works
    ignored = signal.getsignal(signal.SIGINT) is signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
    return item, os.getpid(), ignored


def test_ordered_map_forks_only_for_enough_items(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "MIN_ITEMS", 10)
    few = list(workers.ordered_map(_pid_and_signals, range(9), 2))
    assert {pid for _, pid, _ in few} == {os.getpid()}
    many = list(workers.ordered_map(_pid_and_signals, range(200), 2))
    assert [item for item, _, _ in many] == list(range(200))
    in_workers = [ignored for _, pid, ignored in many if pid != os.getpid()]
    assert in_workers and all(in_workers)  # Ctrl-C and SIGTERM are the calling process's to handle
    assert not _children(os.getpid())
    assert list(workers.ordered_map(_pid_and_signals, range(100), 1)) == [(i, os.getpid(), False) for i in range(100)]


def _fail_on_seven(item: int) -> int:
    if item == 7:
        raise ValueError("item 7 is bad")
    return item


def test_an_error_in_a_worker_reaches_the_caller(small_chunks: None) -> None:
    got: list[int] = []
    with pytest.raises(ValueError, match="item 7 is bad"):
        got.extend(workers.ordered_map(_fail_on_seven, range(400), 2))
    assert got == list(range(7))  # as map() gives them: the results before the error
    assert not _children(os.getpid())


def _slow(item: int) -> int:
    time.sleep(0.02)
    return item


def test_ctrl_c_ends_the_workers_at_once(small_chunks: None) -> None:
    # Python's own handler: importing flytekit (another test may have) installs one that exits instead
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        _interrupt()
    finally:
        signal.signal(signal.SIGINT, previous)


def _interrupt() -> None:
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        for item in workers.ordered_map(_slow, range(400), 2):
            if item == 3:
                signal.raise_signal(signal.SIGINT)
    assert not _children(os.getpid())
    assert time.monotonic() - start < 3  # 400 items take 4 s on two processes: they were not waited for


def _pid(item: int) -> int:
    return os.getpid()


def test_more_jobs_than_cores_forks_one_worker_per_core(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pool starts all its workers at once: -j 100000 forked 100000 processes. The calling process
    works too, so two cores take one worker."""
    monkeypatch.setattr(workers, "MIN_ITEMS", 10)
    monkeypatch.setattr(workers, "cores", lambda: 2)
    forked: list[int] = []
    fork = os.fork

    def counting() -> int:
        if len(forked) >= 2:  # a regression fails the assert, not the machine
            raise OSError("too many forks")
        forked.append(1)
        return fork()

    monkeypatch.setattr(os, "fork", counting)
    pids = set(workers.ordered_map(_pid, range(200), 100000))
    assert len(forked) == 1
    assert 1 <= len(pids) <= 2


def _children(pid: int) -> set[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            return {int(x) for x in f.read().split()}
    except OSError:
        return set()


def test_a_worker_finds_a_malformed_lock_entry_as_one_process_does(project: Any, small_chunks: None) -> None:
    """LP309 is found by the resolver of the process that compiles the spec: a worker's reaches the run."""
    path = project / "specs" / "lpctl.lock"
    lock = json.loads(path.read_text())
    del lock["workflows"]["jobsmod:daily"]["inputs"][0]["type"]
    path.write_text(json.dumps(lock))
    one, two = run(["specs"], Options(locked=True, jobs=1)), run(["specs"], Options(locked=True, jobs=2))
    assert [str(d) for d in one.diagnostics if d.code == "LP309"] == [
        "specs/lpctl.lock:1:188: error LP309 the entry of 'jobsmod:daily' is malformed: \"inputs\"[0].\"type\" is "
        "missing (run 'lpctl lock' to write it again)"]
    assert two.diagnostics == one.diagnostics and two.files == one.files


def test_entries_made_where_the_plans_were_compiled_are_the_bundle(project: Any, small_chunks: None) -> None:
    one = run(["specs"], Options(locked=True, jobs=1, entries=True))
    two = run(["specs"], Options(locked=True, jobs=2, entries=True))
    assert one.entries is None and two.entries is not None  # one process writes the bundle as before
    assert len(two.entries.refs) == len(two.plans) == 9
    written: list[bytes] = []
    write_entries(two.plans, two.entries, written.append)
    assert b"".join(written).decode("utf-8") == render_bundle(one.plans)
    assert '"note": "abc\\u202edef"' in render_bundle(one.plans)
    assert len(written) < 4 + 9  # entries stored one after the other are copied as one block
    written.clear()
    write_entries([], two.entries.__class__(), written.append)
    assert b"".join(written).decode("utf-8") == render_bundle([])


def _session(sid: int) -> set[int]:
    """The processes of session ``sid`` still running (lpctl and any worker it forked)."""
    found = set()
    for name in os.listdir("/proc"):
        if name.isdigit() and _running(int(name)):
            try:
                with open(f"/proc/{name}/stat", encoding="ascii") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid:
                found.add(int(name))
    return found


def _wait_for(proc: Any, when: str, out: Any) -> bool:
    """Until a worker runs, or the bundle's temporary file is written; False if lpctl ended first."""
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if when == "workers" and _children(proc.pid):
            return True
        if when == "writing" and any(p.name.endswith(".lpctl.tmp") for p in out.parent.iterdir()):
            return True
        time.sleep(0.001)
    return False


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="reads /proc")
def test_a_signal_stops_render_at_once_and_leaves_the_output_as_it_was(project: Any) -> None:
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) or SIGTERM (to lpctl alone)
    while the workers run or while the bundle is written: exit 130 at once, -o FILE as it was, no
    temporary file and no worker process left."""
    specs = project / "specs"
    for name in ("b_schema.yaml", "c_cron.yaml", "z_dup.yaml", "z_unparsable.yaml"):
        (specs / name).unlink()
    for i in range(2000):  # a second or two of work: the signal comes while it is under way
        (specs / f"m{i:04d}.yaml").write_text(HEADER + f"name: many{i}\nworkflow: jobsmod:daily\n")
    out = project / "bundle.json"
    caught = 0
    for signum, group, when in ((signal.SIGINT, True, "workers"), (signal.SIGTERM, False, "workers"),
                                (signal.SIGINT, True, "writing"), (signal.SIGTERM, False, "writing")):
        out.write_text("the old bundle\n")
        proc = subprocess.Popen([sys.executable, "-m", "lpctl", "render", "specs", "--locked", "-j", "2", "-o",
                                 str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        if _wait_for(proc, when, out):
            (os.killpg if group else os.kill)(proc.pid, signum)
        stdout, stderr = proc.communicate(timeout=60)  # no hang
        assert not _session(proc.pid), (signum, when)  # no worker left
        assert not [p.name for p in project.iterdir() if p.name.endswith(".lpctl.tmp")]
        assert "Traceback" not in stderr and stdout == ""
        if proc.returncode == 0:  # it ended before the signal came: the whole bundle is written
            assert when == "writing" and out.read_text().endswith("\n  ]\n}\n")
            continue
        assert (proc.returncode, stderr.splitlines()[-1]) == (130, "lpctl: interrupted"), (signum, when)
        assert out.read_text() == "the old bundle\n"
        caught += 1
    assert caught >= 2  # the signals while the workers ran, at least


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
