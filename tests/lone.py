"""lpctl installed alone (no flytekit) in a fresh virtual environment, for tests/cli/test_locked_install.py.

The install takes pip 10 to 25 s, much of it waiting on the package index. When the whole suite runs,
tests/conftest.py starts it in a child process before the first test, so that it overlaps the others;
the test then waits for it. A run of chosen files builds it when the test needs it. Either way it is
the same real ``pip install`` of the repository.

Run as a script, it builds into the directory it is given and writes ``result.json`` there last.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass

from support import ROOT  # run as a script too: tests/ is then the first entry of sys.path

#: the directory being built in the background, for the workers (they inherit the environment)
ENV = "LPCTL_TEST_LONE_VENV"
RESULT = "result.json"


@dataclass(frozen=True)
class Built:
    python: str
    returncode: int
    output: str


def start(directory: str) -> subprocess.Popen[bytes]:
    """Build in ``directory`` in a child process; :func:`wait` for it."""
    with open(os.path.join(directory, "build.log"), "wb") as log:
        return subprocess.Popen([sys.executable, os.path.abspath(__file__), directory], stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def wait(directory: str, timeout: float = 900) -> Built:
    """The build's outcome, once ``result.json`` is there (the child writes it last, atomically)."""
    path = os.path.join(directory, RESULT)
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {path} after {timeout} s; see {os.path.join(directory, 'build.log')}")
        time.sleep(0.2)
    with open(path, encoding="utf-8") as f:
        return Built(**json.load(f))


def build(directory: str) -> Built:
    """``python -m venv`` and ``pip install`` of the repository into ``directory/venv``. Always ends by
    writing ``result.json`` (a failure is a non-zero returncode and its output), which :func:`wait` reads."""
    venv = os.path.join(directory, "venv")
    python = os.path.join(venv, "bin", "python")
    try:
        built = _install(venv, python)
    except Exception as e:  # venv creation failed, a timeout ...: the waiting test reports it
        built = Built(python, 1, f"{type(e).__name__}: {e}")
    part = os.path.join(directory, RESULT + ".part")
    with open(part, "w", encoding="utf-8") as f:
        json.dump(built.__dict__, f)
    os.replace(part, os.path.join(directory, RESULT))
    return built


def _install(venv: str, python: str) -> Built:
    # pip here installs into the new environment, which then needs no pip of its own (a third of the time)
    install = ["install", "--quiet", "--disable-pip-version-check", ROOT]
    if _pip_with_python_option():
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=300)
        command = [sys.executable, "-m", "pip", "--python", python, *install]
    else:  # no pip here (an environment made by uv, say), or an old one
        subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=300)
        command = [python, "-m", "pip", *install]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=900)
    return Built(python, proc.returncode, proc.stdout + proc.stderr)


def _pip_with_python_option() -> bool:
    """Whether this environment's pip can install into another interpreter (``pip --python``, pip 22.3)."""
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", sys.executable, "--version"],
                          capture_output=True, text=True, timeout=60)
    return proc.returncode == 0


if __name__ == "__main__":
    build(sys.argv[1])
