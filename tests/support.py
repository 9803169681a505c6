"""Constants and types shared by the tests (a plain module: conftest names are ambiguous)."""

from __future__ import annotations

import functools
import os
import signal
import sys
from dataclasses import dataclass
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFORMANCE = os.path.join(ROOT, "tests", "conformance")
CONFORMANCE_FLYTE2 = os.path.join(ROOT, "tests", "conformance_flyte2")
#: the first lines of a spec, by kind: the one place the tests write them
HEADER = "apiVersion: lpctl/v1\nkind: LaunchPlan\n"
TRIGGER_HEADER = "apiVersion: lpctl/v1\nkind: Trigger\n"
HEADERS = {"LaunchPlan": HEADER, "Trigger": TRIGGER_HEADER}

for _path in (CONFORMANCE, ROOT):
    if _path not in sys.path:
        sys.path.append(_path)


@dataclass(frozen=True)
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@functools.cache
def _command() -> Any:
    """lpctl's click command, built from the typer app once: typer's CliRunner builds it anew on every
    invoke (a few milliseconds each, about 10 s of the suite)."""
    from typer.main import get_command

    from lpctl.cli import app

    return get_command(app)


def invoke(*args: str, env: dict[str, str] | None = None) -> Any:
    """Run ``lpctl *args`` in-process with typer's CliRunner (the click Result: exit_code, stdout, stderr),
    on the command built once. Typer's runner, not click's: typer 0.28 vendors click, and click's own
    runner would not set up the vendored copy's terminal (help came out empty)."""
    from unittest import mock

    import typer.testing

    from lpctl.cli import app

    with mock.patch.object(typer.testing, "_get_command", lambda _app: _command()):
        return typer.testing.CliRunner().invoke(app, list(args), catch_exceptions=False, env=env,
                                                prog_name="lpctl")


def run_options(**options: Any) -> Any:
    """``lpctl.pipeline.Options`` from flat keywords: project, domain, version and workflow_version go
    into its identity, as the command line's flags do; no [tool.lpctl] unless ``config`` is given."""
    from lpctl.pipeline import Options
    from lpctl.spec.config import Config, Identity

    keys = ("project", "domain", "version", "workflow_version")
    identity = Identity(**{k: options.pop(k) for k in keys if k in options})
    options.setdefault("config", Config())
    return Options(identity=identity, **options)


def examples(count: int) -> int:
    """``count`` Hypothesis examples under ``HYPOTHESIS_PROFILE=ci``; a tenth (at least 10) in the default
    ``dev`` profile, so that a plain ``pytest`` stays quick (the profiles are in tests/conftest.py)."""
    from hypothesis import settings

    return max(10, count * settings.default.max_examples // 1000)


#: when clocks change, as the zone's rules say: (month, nth Sunday; -1 the last) for going forward, then back
_DST_RULES = {"Europe/Berlin": ((3, -1), (10, -1)), "America/New_York": ((3, 2), (11, 1))}


def next_dst_change(zone: str, *, forward: bool) -> str:
    """The date of ``zone``'s next change (today or later, UTC), worked out from its rule, not from lpctl."""
    import datetime as dt

    today = dt.datetime.now(dt.timezone.utc).date()
    month, nth = _DST_RULES[zone][0 if forward else 1]
    for year in (today.year, today.year + 1):
        sundays = [day for day in (dt.date(year, month, d) for d in range(1, 32) if _valid(year, month, d))
                   if day.weekday() == 6]
        day = sundays[nth if nth < 0 else nth - 1]
        if day >= today:
            return day.isoformat()
    raise AssertionError("unreachable")


def _valid(year: int, month: int, day: int) -> bool:
    import calendar

    return day <= calendar.monthrange(year, month)[1]


def limited(command: list[str], **limits: int) -> list[str]:
    """``command`` under resource limits (``FSIZE=200`` sets RLIMIT_FSIZE), set by a fresh interpreter that
    then execs it. Not ``preexec_fn``: that runs Python in the forked child of a test process whose threads
    (the gRPC servers other tests start) may be mid-poll, and gRPC's at-fork handling aborted such a child
    once (exit -6, 'epoll_wait error: Bad file descriptor'). Python ignores SIGXFSZ, and so does the command
    it execs: a write past RLIMIT_FSIZE fails with EFBIG, as on a full disk."""
    code = ("import os, resource, sys\n"
            f"for name, value in {limits!r}.items():\n"
            "    resource.setrlimit(getattr(resource, 'RLIMIT_' + name), (value, value))\n"
            "os.execv(sys.argv[1], sys.argv[1:])\n")
    return [sys.executable, "-c", code, *command]


def flytekit_sigint_after(monkeypatch: Any, module: Any, name: str) -> None:
    """After ``module.name`` runs, SIGINT exits with status 1: the handler flytekit installs the first time a
    workflow module's import reaches it (tests of lpctl putting its own handler back)."""
    original = getattr(module, name)

    def installing(*args: Any, **kwargs: Any) -> Any:
        done = original(*args, **kwargs)
        signal.signal(signal.SIGINT, lambda signum, frame: sys.exit(1))
        return done

    monkeypatch.setattr(module, name, installing)
