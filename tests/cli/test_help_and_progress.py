"""What a user sees around the work: --help, completion, the progress line (only on a terminal)."""

from __future__ import annotations

import io
import logging
import os
import pty
import re
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest
from support import HEADER, CliResult

Run = Callable[..., CliResult]
LPCTL = os.path.join(os.path.dirname(sys.executable), "lpctl")


def _help(run_cli: Run, *args: str) -> str:
    result = run_cli(*args, "--help", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    return result.stdout


def test_top_level_help_lists_every_command_untruncated_with_the_exit_codes(run_cli: Run) -> None:
    text = _help(run_cli)
    commands = text.split("Commands:\n")[1].splitlines()
    assert len(commands) >= 11
    for line in commands:
        assert re.fullmatch(r"  [a-z]+ +[A-Z].*\.", line) and not line.endswith("..."), line
        assert len(line) <= 80, line
    assert "  new       Write a spec for a workflow, every input listed.\n" in text
    assert "  fmt       Rewrite specs in one canonical layout.\n" in text
    assert ("  Exit codes:\n"
            "    0    success; diff: no differences; plan: nothing to do\n") in text
    assert "    3    internal error: a bug in lpctl (--debug shows the traceback)\n" in text
    # what lpctl is, for someone who has never seen it, and what exit 1 means for every command that has one
    assert "Flyte launch plans (Flyte 1) and triggers (Flyte 2) as YAML specs" in " ".join(text.split())
    for meaning in ("status: fires missed", "backfill: executions to create (dry run) or failed",
                    "migrate: a launch plan needs a decision", "lock --check: the lock is stale"):
        assert meaning in text, meaning
    assert "  -V, --version         Print lpctl's version and exit.\n" in text
    assert "  --install-completion  Install completion for the current shell.\n" in text


@pytest.mark.parametrize("command", ["validate", "render", "diff", "schema", "explain", "package", "register",
                                     "plan", "apply", "new", "fmt", "schedule", "migrate"])
def test_each_command_has_one_example_and_conventional_metavars(run_cli: Run, command: str) -> None:
    text = _help(run_cli, command)
    assert text.count("Example: lpctl " + command) == 1
    assert not re.search(r"<[a-z|\[\]]+>|\{[a-z]+\}", text), text  # no Typer <str>, <list[str]>, {paths}
    usage = text.splitlines()[0]
    assert re.fullmatch(r"Usage: lpctl [a-z]+ \[OPTIONS\]( \[?[A-Z]+(\.\.\.)?\]?)*", usage), usage


def test_render_help_reads_as_documented(run_cli: Run) -> None:
    text = _help(run_cli, "render")
    assert text.startswith("Usage: lpctl render [OPTIONS] PATH...\n\n"
                           "  Render specs to a JSON bundle of launch plans and triggers.\n")
    assert "flyteidl2.task.TaskTrigger" in text
    assert "\n  PATH...  Spec files, or directories to search for *.yaml / *.yml specs.\n" in text
    for option in ("-o, --output FILE", "--check BUNDLE", "--version V", "--workflow-version V",
                   "--python-path DIR", "-f, --format FORMAT", "--color WHEN"):
        assert f"\n  {option} " in text, option
    assert "-v," not in text  # --version is the launch plan's version; only the top level has -V


def test_version_flags(run_cli: Run) -> None:
    from lpctl import __version__

    assert run_cli("-V") == CliResult(0, f"lpctl {__version__}\n", "")
    assert run_cli("--version") == CliResult(0, f"lpctl {__version__}\n", "")
    assert run_cli("render", "-V", "x.yaml").exit_code == 2


def _complete(words: str, cwd: str | None = None) -> list[str]:
    env = {**os.environ, "_LPCTL_COMPLETE": "complete_bash", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))}
    done = subprocess.run([LPCTL], env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_completion_of_commands_options_codes_and_spec_paths(tmp_path: Any) -> None:
    assert _complete("lpctl fm") == ["fmt"]
    assert _complete("lpctl render --ou") == ["--output"]
    assert _complete("lpctl explain LP80") == ["LP801", "LP802", "LP803", "LP804", "LP805", "LP806", "LP808"]
    # codes are case-insensitive: what is typed in lower case completes in lower case, which the shell matches
    assert _complete("lpctl explain lp80") == ["lp801", "lp802", "lp803", "lp804", "lp805", "lp806", "lp808"]
    (tmp_path / "launchplans").mkdir()
    for name in ("a.yaml", "b.yml", "notes.txt", ".hidden.yaml", "bundle.json"):
        (tmp_path / "launchplans" / name).write_text("")
    assert _complete("lpctl validate la", cwd=str(tmp_path)) == ["launchplans/"]
    # validate refuses a bundle (LP106): only the commands that take one complete it
    assert _complete("lpctl validate launchplans/", cwd=str(tmp_path)) == ["launchplans/a.yaml", "launchplans/b.yml"]
    assert _complete("lpctl package launchplans/", cwd=str(tmp_path)) == [
        "launchplans/a.yaml", "launchplans/b.yml", "launchplans/bundle.json"]
    # Typer detects the shell from the parent process; name it instead (Typer's switch for tests)
    script = subprocess.run([LPCTL, "--show-completion", "bash"], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"})
    assert "_LPCTL_COMPLETE=complete_bash" in script.stdout and "complete -o default -F" in script.stdout


# -- the progress line -------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_appears_after_the_delay_and_is_erased() -> None:
    from lpctl import progress

    line = progress.ProgressLine(_Terminal(), delay=0.2, interval=0.02)
    logger = progress.LOGGER
    logger.addHandler(line)
    logger.setLevel(logging.DEBUG)
    try:
        progress.emit("specs", count=40)
        progress.emit("spec", "a.yaml", 12)
        progress.emit("importing", "myproject.workflows")
        assert line.stream.getvalue() == ""  # nothing before the delay
        time.sleep(0.5)
        shown = line.stream.getvalue()
        assert "\r\x1b[Klpctl: 12 of 40 files checked, importing myproject.workflows (0 s)" in shown
        progress.emit("imported", "myproject.workflows")
        time.sleep(0.1)
    finally:
        logger.removeHandler(line)
        logger.setLevel(logging.NOTSET)
        line.close()
    assert line.stream.getvalue().endswith("\r\x1b[Klpctl: 12 of 40 files checked\r\x1b[K")


SLOW = "import time\ntime.sleep(1.9)\n\ndef wf(a: int = 1) -> None: ...\n"


def _start_slow(where: Any, *args: str, terminal: bool) -> tuple[subprocess.Popen[bytes], int | None]:
    """lpctl on a spec whose workflow module takes 1.9 s to import; stderr on a pseudo-terminal or a pipe."""
    where.mkdir()
    (where / "pyproject.toml").write_text("[tool.lpctl]\n")
    (where / "slowmod.py").write_text(SLOW)
    (where / "spec.yaml").write_text(HEADER + "name: x\nworkflow: slowmod:wf\n")
    master, slave = pty.openpty() if terminal else (None, None)
    done = subprocess.Popen([LPCTL, *args, "spec.yaml", "--no-cache"], cwd=where, stdout=subprocess.PIPE,
                            stderr=slave if terminal else subprocess.PIPE, env={**os.environ, "TERM": "xterm"})
    if slave is not None:
        os.close(slave)
    return done, master


def _finish(done: subprocess.Popen[bytes], master: int | None) -> tuple[int, str, str]:
    """The exit code, stdout and stderr (what the terminal showed, or the pipe) of a :func:`_start_slow` run."""
    err = b""
    if master is not None:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            err += chunk
        os.close(master)
    out, piped_err = done.communicate(timeout=120)
    return done.returncode, out.decode(), (err or piped_err or b"").decode()


def test_a_slow_import_shows_progress_on_a_terminal_only(tmp_path: Any) -> None:
    # the three runs sleep in the workflow's import at the same time: 2 s, not 6
    piped = _start_slow(tmp_path / "piped", "validate", terminal=False)
    json_run = _start_slow(tmp_path / "json", "validate", "--format", "json", terminal=True)
    code, out, err = _finish(*_start_slow(tmp_path / "terminal", "validate", terminal=True))
    assert (code, out) == (0, "1 file OK: 1 launch plan\n")
    assert "\r\x1b[Klpctl: 0 of 1 file checked, importing slowmod (" in err and err.endswith("\r\x1b[K")
    code, out, err = _finish(*piped)
    assert (code, out, err) == (0, "1 file OK: 1 launch plan\n", "")
    code, out, err = _finish(*json_run)
    assert code == 0 and '"status": "ok"' in out and "lpctl:" not in err


@pytest.mark.parametrize("command", ["register", "plan", "apply", "lock", "status", "backfill"])
def test_every_server_command_takes_every_auth_option(run_cli: Run, command: str) -> None:
    text = _help(run_cli, command)
    for option in ("--endpoint HOST:PORT", "--insecure", "--token-env VAR", "--token-command COMMAND",
                   "--client-id ID", "--client-secret-env VAR", "--token-url URL"):
        assert f"  {option} " in text, (command, option)


def test_window_options_say_their_defaults(run_cli: Run) -> None:
    status = " ".join(_help(run_cli, "status").split())
    assert ("--since DATETIME Start of the window, an ISO 8601 date or time; naive means UTC (default: 7 days "
            "before --until).") in status
    assert "--until DATETIME End of the window (excluded), not in the future; naive means UTC (default: now;" in status
    backfill = " ".join(_help(run_cli, "backfill").split())
    assert ("--to DATETIME Fire times before this one (excluded; ISO 8601, naive means UTC; not in the "
            "future).") in backfill
    schedule = " ".join(_help(run_cli, "schedule").split())
    assert "How many fire times per launch plan or trigger. [default: 5; 1<=x<=10000]" in schedule
