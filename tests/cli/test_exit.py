"""The console script skips the interpreter's teardown, but nothing a workflow module leaves for it is lost:
its atexit handlers run, files it never closed and buffered log records reach the disk, and an import stuck
in its thread does not keep lpctl from ending."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

SPEC = "apiVersion: lpctl/v1\nkind: LaunchPlan\nname: lp\nworkflow: {module}:wf\n"
WORKFLOW = "def wf(a: int = 1) -> None: ...\n"


def _lpctl(cwd: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The console script's main() in a fresh interpreter (the in-process CliRunner never reaches it)."""
    return subprocess.run([sys.executable, "-m", "lpctl", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, check=False)


def _module(directory: Path, name: str, source: str) -> None:
    (directory / f"{name}.py").write_text(source + WORKFLOW)
    (directory / f"{name}.yaml").write_text(SPEC.format(module=name))


def test_a_workflow_modules_atexit_handler_runs_and_its_file_is_written(in_tmp: Any) -> None:
    _module(in_tmp, "atexit_mod", "import atexit\n"
            "def _goodbye():\n"
            "    log = open('goodbye.txt', 'w')\n"
            "    log.write('written at exit\\n')\n"  # never closed: the flush after the handlers saves it
            "atexit.register(_goodbye)\n")
    result = _lpctl(in_tmp, "validate", "--no-cache", "atexit_mod.yaml")
    assert (result.returncode, result.stdout, result.stderr) == (0, "1 file OK: 1 launch plan\n", "")
    assert (in_tmp / "goodbye.txt").read_text() == "written at exit\n"


def test_a_file_a_module_never_closes_is_flushed(in_tmp: Any) -> None:
    _module(in_tmp, "open_mod", "_text = open('text.txt', 'w')\n_text.write('text\\n')\n"
            "_raw = open('raw.bin', 'wb')\n_raw.write(b'bytes')\n")
    result = _lpctl(in_tmp, "render", "--no-cache", "open_mod.yaml", "-o", "bundle.json")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "1 file OK: 1 launch plan\n")
    assert ((in_tmp / "text.txt").read_text(), (in_tmp / "raw.bin").read_bytes()) == ("text\n", b"bytes")


def test_buffered_log_records_reach_their_file(in_tmp: Any) -> None:
    # a MemoryHandler writes its records to the target only when flushed or closed: by logging.shutdown
    _module(in_tmp, "log_mod", "import logging, logging.handlers\n"
            "_handler = logging.handlers.MemoryHandler(100, target=logging.FileHandler('mod.log'))\n"
            "logging.getLogger('log_mod').addHandler(_handler)\n"
            "logging.getLogger('log_mod').warning('imported')\n")
    result = _lpctl(in_tmp, "validate", "--no-cache", "log_mod.yaml")
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    assert (in_tmp / "mod.log").read_text() == "imported\n"


def test_an_import_stuck_in_its_thread_does_not_keep_lpctl_running(in_tmp: Any) -> None:
    (in_tmp / "stuck_mod.py").write_text("import time\nwhile True:\n    time.sleep(0.05)\n")
    (in_tmp / "stuck_mod.yaml").write_text(SPEC.format(module="stuck_mod"))
    result = _lpctl(in_tmp, "validate", "--no-cache", "--import-timeout", "0.5", "stuck_mod.yaml", timeout=60)
    assert (result.returncode, result.stdout) == (1, (
        "stuck_mod.yaml:4:11: error LP307 importing module 'stuck_mod' did not finish within 0.5 s "
        "(raise --import-timeout, or keep the module's top-level code cheap)\n1 error in 1 of 1 file\n")), result.stderr
