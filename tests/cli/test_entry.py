"""The console script's start-up: a signal before the command line is imported ends lpctl as a later one does."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

import pytest
from support import ROOT

#: the start-up with the command line's import replaced by one that is signalled while it runs
SIGNALLED = """
import os, signal, sys, time
sys.argv = ["lpctl", "validate", "specs/"]
import lpctl.entry as entry
def slow_import():
    os.kill(os.getpid(), signal.{name})
    time.sleep(30)
entry._cli = slow_import
entry.main()
"""


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM"])
def test_a_signal_while_the_command_line_is_imported_exits_130_without_a_traceback(name: str) -> None:
    result = subprocess.run([sys.executable, "-c", SIGNALLED.format(name=name)], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (130, "", "lpctl: interrupted\n")


def test_a_signal_the_caller_ignores_stays_ignored_during_start_up() -> None:
    code = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n" + SIGNALLED.format(name="SIGINT").replace(
        "time.sleep(30)", "time.sleep(0.2)\n    return lambda: print('ran')")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            check=False)
    assert (result.returncode, result.stdout, result.stderr) == (0, "ran\n", "")


def test_once_imported_ctrl_c_is_pythons_and_sigterm_is_raised_as_ctrl_c() -> None:
    code = ("import signal, lpctl.entry as entry\n"
            "entry._cli = lambda: lambda: print(signal.getsignal(signal.SIGINT) is signal.default_int_handler,"
            " signal.getsignal(signal.SIGTERM) is entry._terminated)\n"
            "entry.main()\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            check=False)
    assert (result.returncode, result.stdout, result.stderr) == (0, "True True\n", "")


def test_the_console_script_starts_through_the_guarded_entry() -> None:
    scripts = {e.name: e.value for e in entry_points(group="console_scripts")}
    assert scripts["lpctl"] == "lpctl.entry:main"
