"""Fixtures shared by every test: the CLI runner, spec-writing helpers, golden files."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

sys.path.append(os.path.dirname(os.path.abspath(__file__)))
import lone
from support import CONFORMANCE, CONFORMANCE_FLYTE2, HEADER, HEADERS, ROOT, CliResult, invoke, run_options


def _register_hypothesis_profiles() -> None:
    """``dev`` (the default: the property and fuzz tests take seconds, the same examples every run)
    and ``ci`` (ten times the examples, also the same every run); pick one with HYPOTHESIS_PROFILE=ci.
    Tests scale their examples from the profile's."""
    from hypothesis import settings

    settings.register_profile("dev", max_examples=100, deadline=None, derandomize=True)
    # derandomized too: a red CI run is reproduced by anyone with HYPOTHESIS_PROFILE=ci; "fuzz" explores
    settings.register_profile("ci", max_examples=1000, deadline=None, derandomize=True)
    # a long exploration by hand: HYPOTHESIS_PROFILE=fuzz pytest -s tests/hostile/test_fuzz.py
    settings.register_profile("fuzz", max_examples=4000, deadline=None, derandomize=False)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


_register_hypothesis_profiles()


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Run the whole suite on two pytest-xdist workers unless ``-n`` says otherwise (``-n 0`` or ``-p no:xdist``:
    serially); ``pytest tests/unit/test_x.py`` runs in one process, where starting workers would cost more.
    Set here rather than in addopts, where ``-n`` would make ``-p no:xdist`` and installs without xdist fail.
    Whole files go to a worker (``--dist loadfile``), so a costly module fixture (the venv of
    test_locked_install, pip's in-tree build of the repository, the compiled samples) is built once."""
    if hasattr(config, "workerinput"):
        return
    whole_suite = config.args_source is not pytest.Config.ArgsSource.ARGS
    if whole_suite and not config.option.collectonly:
        _start_lone_lpctl(config)
    if not config.pluginmanager.hasplugin("xdist"):
        return
    if config.option.numprocesses is None and whole_suite:
        config.option.numprocesses = 2  # the whole suite; a run of named files or tests stays in one process
    if config.option.numprocesses and config.option.dist == "no":
        config.option.dist = "loadfile"


_LONE = pytest.StashKey[tuple[str, subprocess.Popen[bytes]]]()


def _start_lone_lpctl(config: pytest.Config) -> None:
    """Begin installing lpctl alone in a fresh venv (tests/lone.py) now, so that pip's 10-25 s overlap the
    other tests; the workers, started after this, find the directory in the environment."""
    if os.environ.get(lone.ENV):
        return
    directory = tempfile.mkdtemp(prefix="lpctl-lone-")
    os.environ[lone.ENV] = directory
    config.stash[_LONE] = (directory, lone.start(directory))


def pytest_unconfigure(config: pytest.Config) -> None:
    started = config.stash.get(_LONE, None)
    if started is None:
        return
    directory, process = started
    if process.poll() is None:  # the test was not run (-k, -x, an interrupt): the build is not needed
        process.kill()
    process.wait()
    os.environ.pop(lone.ENV, None)
    shutil.rmtree(directory, ignore_errors=True)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def run_cli() -> Callable[..., CliResult]:
    """Invoke lpctl in-process; prints the streams when a test fails on them."""
    def run(*args: str, env: dict[str, str] | None = None) -> CliResult:
        result = invoke(*args, env=env)
        out = CliResult(result.exit_code, result.stdout, result.stderr)
        print(f"exit={out.exit_code}\n--- stdout\n{out.stdout}\n--- stderr\n{out.stderr}")
        return out

    return run


@pytest.fixture(autouse=True)
def _python_signal_handlers() -> Iterator[None]:
    """Every test starts with Python's own SIGINT and SIGTERM handlers, and leaves them as it found them:
    flytekit, once anything calls it from the main thread, installs a SIGINT handler that exits with status
    1, and no test may depend on whether an earlier one in the process did so."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = signal.signal(signal.SIGINT, signal.default_int_handler), signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, saved[0])
        signal.signal(signal.SIGTERM, saved[1])


@pytest.fixture
def in_tmp(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Run in an empty directory (with no pyproject.toml above it that lpctl could read)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.lpctl]\n")
    yield tmp_path


@pytest.fixture
def compile_spec(tmp_path: Any) -> Callable[..., Any]:
    """The conformance suites' one fixture: ``body`` under the header of ``kind``, compiled as a user's run
    would (no error allowed), and the one CompiledPlan or CompiledTrigger it gives, for comparing its message
    with flytekit's or flyte-sdk's."""
    from lpctl.pipeline import run

    def compile_one(body: str, kind: str = "LaunchPlan") -> Any:
        (tmp_path / "spec.yaml").write_text(HEADERS[kind] + body)
        options = run_options(version="v1", python_path=(ROOT, CONFORMANCE, CONFORMANCE_FLYTE2))
        result = run([str(tmp_path / "spec.yaml")], options)
        assert [str(d) for d in result.diagnostics if d.severity.name == "ERROR"] == []
        compiled = [*result.plans, *result.triggers]
        assert len(compiled) == 1
        return compiled[0]

    return compile_one


@pytest.fixture
def check(in_tmp: Any) -> Callable[..., list[str]]:
    """Validate spec text (``HEADER`` prepended) as ``spec.yaml``; the diagnostics as text lines."""
    from lpctl.pipeline import run

    def validate(body: str, *, header: bool = True, render: bool = False, **options: Any) -> list[str]:
        (in_tmp / "spec.yaml").write_text((HEADER if header else "") + body)
        opts = run_options(python_path=(CONFORMANCE, ROOT), **options)
        return [str(d) for d in run(["spec.yaml"], opts).diagnostics]

    return validate


@pytest.fixture
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """The loopback fakes (FlyteAdmin, Flyte 2) are reached directly: a proxy in the environment would take
    the RPCs elsewhere. Server tests use it (``pytestmark = pytest.mark.usefixtures("no_proxies")``)."""
    for var in ("http_proxy", "https_proxy", "grpc_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
