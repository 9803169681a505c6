"""A run that names a command builds that command alone (typer builds every command's options before parsing
anything): what it prints and its exit code are what the whole application gives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
import typer.main
from support import CliResult, _command

from lpctl.cli import app

COMMANDS = sorted(_command().commands)

CASES = [
    *([name, "--help"] for name in COMMANDS),
    ["validate", "--bogus"],
    ["render"],
    ["validate", "-j", "many", "a.yaml"],
    ["validate", "missing.yaml", "--format", "json"],
    ["explain", "LP510"],
    ["explain", "LP000"],
]


def _alone(args: list[str], capsys: Any) -> CliResult:
    """``lpctl *args`` in this process as the console script runs it: the application, called."""
    return _ran(lambda: app(args, prog_name="lpctl"), capsys)


def _whole(args: list[str], capsys: Any) -> CliResult:
    """``lpctl *args`` run by the click group of every command."""
    return _ran(lambda: _command()(args, prog_name="lpctl"), capsys)


def _ran(run: Callable[[], object], capsys: Any) -> CliResult:
    capsys.readouterr()
    with pytest.raises(SystemExit) as ended:
        run()
    out = capsys.readouterr()
    return CliResult(ended.value.code or 0, out.out, out.err)  # type: ignore[arg-type]


@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_a_command_alone_says_what_the_whole_application_says(args: list[str], capsys: Any, in_tmp: Any) -> None:
    whole = _whole(args, capsys)
    assert whole.stdout or whole.stderr
    assert _alone(args, capsys) == whole


def test_only_the_named_command_is_built(capsys: Any) -> None:
    every = list(app.registered_commands)
    with mock.patch.object(typer.main, "get_command_from_info", wraps=typer.main.get_command_from_info) as built:
        assert _alone(["explain", "LP510"], capsys).exit_code == 0
    assert [c.kwargs["command_info"].callback.__name__ for c in built.call_args_list] == ["explain"]
    assert app.registered_commands == every  # the application is whole again afterwards


@pytest.mark.parametrize("args", [["--help"], ["validat", "x.yaml"], []], ids=str)
def test_anything_else_builds_every_command(args: list[str], capsys: Any) -> None:
    with mock.patch.object(typer.main, "get_command_from_info", wraps=typer.main.get_command_from_info) as built:
        _alone(args, capsys)
    assert built.call_count == len(COMMANDS)
