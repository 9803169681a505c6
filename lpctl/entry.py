"""The console script's first lines: a signal while lpctl is still starting ends it as one later would.

Importing the command line takes a tenth of a second or more (typer, click, the command modules); Python's
own handlers would meet a Ctrl-C there with a KeyboardInterrupt traceback (exit -2 from the console script)
and a SIGTERM with exit -15. Nothing has been read or written yet, so both end lpctl at once with
``lpctl: interrupted`` and exit 130, as an interrupted run does. Once the command line is imported the
usual handling takes over (:func:`lpctl.cli.app.guard`), with SIGTERM raised as a Ctrl-C is: every command
stops on it as on Ctrl-C (exit 130; writes left as a Ctrl-C leaves them; worker processes ended).
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable
from types import FrameType
from typing import NoReturn

EXIT_INTERRUPTED = 130


def _starting(signum: int, frame: FrameType | None) -> None:
    with contextlib.suppress(OSError):  # a closed stderr: the exit code says it
        os.write(2, b"lpctl: interrupted\n")
    os._exit(EXIT_INTERRUPTED)


def _terminated(signum: int, frame: FrameType | None) -> NoReturn:
    raise KeyboardInterrupt


def _cli() -> Callable[[], None]:
    from lpctl.cli import main

    return main


def main() -> None:
    """``lpctl``: the command line, imported with Ctrl-C and SIGTERM ending the start-up quietly."""
    # a signal the caller ignores (a shell's background job ignores Ctrl-C) stays ignored
    held = {signum: signal.signal(signum, _starting) for signum in (signal.SIGINT, signal.SIGTERM)
            if signal.getsignal(signum) is not signal.SIG_IGN}
    run = _cli()
    for signum, handler in held.items():
        signal.signal(signum, _terminated if signum == signal.SIGTERM and handler == signal.SIG_DFL else handler)
    run()
