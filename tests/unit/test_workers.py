"""-j / --jobs: worker processes give the result of one process, in the same order, and end on Ctrl-C."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from support import HEADER, CliResult

from lpctl import accel, progress
from lpctl.accel import workers
from lpctl.bundle import render_bundle, write_bundle
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


def _pid_and_sigint(item: int) -> tuple[int, int, bool]:
    return item, os.getpid(), signal.getsignal(signal.SIGINT) is signal.SIG_IGN


def test_ordered_map_forks_only_for_enough_items(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "MIN_ITEMS", 10)
    few = list(workers.ordered_map(_pid_and_sigint, range(9), 2))
    assert {pid for _, pid, _ in few} == {os.getpid()}
    many = list(workers.ordered_map(_pid_and_sigint, range(100), 2))
    assert [item for item, _, _ in many] == list(range(100))
    assert os.getpid() not in {pid for _, pid, _ in many}
    assert all(ignored for _, _, ignored in many)  # Ctrl-C is the main process's to handle
    assert list(workers.ordered_map(_pid_and_sigint, range(100), 1)) == [(i, os.getpid(), False) for i in range(100)]


def _fail_on_seven(item: int) -> int:
    if item == 7:
        raise ValueError("item 7 is bad")
    return item


def test_an_error_in_a_worker_reaches_the_caller(small_chunks: None) -> None:
    with pytest.raises(ValueError, match="item 7 is bad"):
        list(workers.ordered_map(_fail_on_seven, range(20), 2))
    assert not multiprocessing.active_children()


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
    assert not multiprocessing.active_children()
    assert time.monotonic() - start < 3  # 400 items take 4 s on two workers: they were not waited for


def _pid(item: int) -> int:
    return os.getpid()


def test_more_jobs_than_cores_forks_one_worker_per_core(monkeypatch: pytest.MonkeyPatch) -> None:
    """A forked pool starts all its workers at once: -j 100000 forked 100000 processes."""
    monkeypatch.setattr(workers, "MIN_ITEMS", 10)
    monkeypatch.setattr(workers, "cores", lambda: 2)
    forked: list[int] = []
    import concurrent.futures  # ordered_map imports the pool when it forks

    original = concurrent.futures.ProcessPoolExecutor

    def counting(max_workers: int, **kwargs: Any) -> Any:
        forked.append(max_workers)
        return original(min(max_workers, 2), **kwargs)  # a regression fails the assert, not the machine

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", counting)
    pids = set(workers.ordered_map(_pid, range(200), 100000))
    assert forked == [2]
    assert 1 <= len(pids) <= 2 and os.getpid() not in pids


def _children(pid: int) -> set[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            return {int(x) for x in f.read().split()}
    except OSError:
        return set()


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="reads /proc")
def test_ctrl_c_in_a_terminal_stops_lpctl_and_its_workers(project: Any) -> None:
    """SIGINT to the whole process group, as a terminal sends it: exit 130, one line, no worker left."""
    import subprocess

    specs = project / "specs"
    for i in range(3000):  # seconds of work: the signal comes while the workers run
        (specs / f"m{i:04d}.yaml").write_text(HEADER + f"name: many{i}\nworkflow: jobsmod:daily\n")
    proc = subprocess.Popen([sys.executable, "-m", "lpctl", "validate", "specs", "--locked", "-j", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 30
    while len(_children(proc.pid)) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    workers_seen = _children(proc.pid)
    assert len(workers_seen) >= 2, "the workers did not start"
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert (proc.returncode, out, err) == (130, "", "lpctl: interrupted\n")
    assert not [pid for pid in workers_seen if _running(pid)]


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
