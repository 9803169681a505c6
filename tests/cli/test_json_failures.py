"""With --format json every way out of a command gives a JSON document on standard output: click's usage
errors (an unknown option, a bad value, a missing argument) too, beside click's own message on standard
error (exit 2); without --format json the output is what it always was."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

#: every command that takes --format json, and arguments it would accept (a server that is never reached)
COMMANDS = {
    "validate": ["a.yaml"],
    "render": ["a.yaml"],
    "diff": ["a.yaml", "a.yaml"],
    "package": ["a.yaml"],
    "lock": ["a.yaml"],
    "schedule": ["a.yaml"],
    "register": ["a.yaml", "--endpoint", "127.0.0.1:1"],
    "plan": ["a.yaml", "--endpoint", "127.0.0.1:1"],
    "apply": ["a.yaml", "--endpoint", "127.0.0.1:1"],
    "status": ["a.yaml", "--endpoint", "127.0.0.1:1"],
    "backfill": ["a.yaml", "--endpoint", "127.0.0.1:1"],
}
SERVER = {"register", "plan", "apply", "status", "backfill"}


def document(command: str, error: str, code: int = 2) -> dict[str, Any]:
    """The failure document: a server command's carries its (empty) outcomes, as its other failures do."""
    base: dict[str, Any] = {"command": command, "error": error, "exitCode": code, "ok": False, "version": 1}
    if command in SERVER:
        base.update(interrupted=code == 130, outcomes=[], summary="stopped before anything was done")
    return base


def test_every_command_with_a_json_format_is_covered() -> None:
    from typer.main import get_command

    from lpctl.cli import app

    group: Any = get_command(app)
    with_format = {name for name, command in group.commands.items()
                   if any(p.name == "format" and "json" in getattr(p.type, "choices", ()) for p in command.params)}
    assert with_format == set(COMMANDS)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_unknown_option_gives_the_json_document(run_cli: Any, in_tmp: Any, command: str) -> None:
    text = run_cli(command, *COMMANDS[command], "--bogus")
    assert (text.exit_code, text.stdout) == (2, "")
    assert text.stderr.startswith(f"Usage: lpctl {command} ")
    error = text.stderr.rsplit("\nError: ", 1)[1].rstrip("\n")
    assert error.startswith("No such option: --bogus")

    result = run_cli(command, *COMMANDS[command], "--format", "json", "--bogus")
    assert (result.exit_code, result.stderr) == (2, text.stderr)  # click's message, unchanged
    assert json.loads(result.stdout) == document(command, error)


@pytest.mark.parametrize(("args", "error"), [
    # click's words differ between the typer versions pyproject.toml allows ("int range", "integer range"):
    # the prefix is checked, and the document must carry click's message whatever it says
    (["validate", "a.yaml", "-f", "json", "--jobs", "x"], "Invalid value for '--jobs' / '-j': 'x' is not a valid "
                                                           "int"),
    (["schedule", "a.yaml", "--format=json", "--count", "0"], "Invalid value for '--count' / '-n': 0 is not in the "
                                                               "range 1<=x<=10000."),
    (["diff", "a.yaml", "-fjson"], "Missing argument 'NEW'."),
    (["plan", "--format", "json"], "Missing argument 'PATH'."),
    (["render", "a.yaml", "--format", "text", "--format", "json", "--color", "sometimes"],
     "Invalid value for '--color': 'sometimes' is not one of 'auto', 'always', 'never'."),
])
def test_bad_values_and_missing_arguments(run_cli: Any, in_tmp: Any, args: list[str], error: str) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2
    said = result.stderr.rsplit("\nError: ", 1)[1].rstrip("\n")
    assert said.startswith(error)
    assert json.loads(result.stdout) == document(args[0], said)


@pytest.mark.parametrize("args", [
    ["validate", "a.yaml", "--format", "jsn"],  # the format itself is the bad value: text
    ["validate", "a.yaml", "--format", "json", "--format", "text", "--bogus"],  # the last one counts, as click's
    ["validate", "a.yaml", "--bogus", "--", "--format", "json"],  # after --, a path
    ["validate", "a.yaml", "--bogus"],
])
def test_without_json_nothing_is_written_on_stdout(run_cli: Any, in_tmp: Any, args: list[str]) -> None:
    result = run_cli(*args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("Usage: lpctl validate ")


@pytest.mark.parametrize("command", ["validate", "render", "diff", "package", "lock", "schedule"])
def test_a_path_that_cannot_be_read_gives_the_json_document(run_cli: Any, in_tmp: Any, command: str) -> None:
    """lpctl's own usage errors (exit 2) too, in the commands that had no failure document of their own."""
    args = ["missing.yaml", "missing.yaml"] if command == "diff" else ["missing.yaml"]
    result = run_cli(command, *args, "--format", "json")
    assert (result.exit_code, result.stderr) == (2, "lpctl: missing.yaml: no such file or directory\n")
    assert json.loads(result.stdout) == document(command, "missing.yaml: no such file or directory")
    assert run_cli(command, *args).stdout == ""


def test_the_console_script_gives_the_document_too(in_tmp: Any) -> None:
    """Through main() in a fresh interpreter (the exit code and the streams as CI sees them)."""
    result = subprocess.run([sys.executable, "-m", "lpctl", "plan", "a.yaml", "--format", "json", "--bogus"],
                            cwd=in_tmp, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2
    said = result.stderr.rsplit("\nError: ", 1)[1].rstrip("\n")  # click's suggestions differ between versions
    assert said.startswith("No such option: --bogus")
    assert json.loads(result.stdout) == document("plan", said)
