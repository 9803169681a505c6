"""Progress of long runs, told through the ``lpctl`` logger; the command line decides what to show.

The core never prints: it logs :class:`Progress` events at DEBUG level on ``logging.getLogger("lpctl")``
(in the record's ``lpctl_progress`` attribute), and only when someone listens. ``lpctl`` shows them
as one line on a terminal's stderr once a run takes more than a second and a half.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import TextIO

LOGGER = logging.getLogger("lpctl")


@dataclass(frozen=True)
class Progress:
    """One step: ``specs`` (how many files there are to read), ``spec`` (the n-th file is being checked),
    ``importing`` / ``imported`` (a workflow module)."""

    kind: str
    detail: str = ""
    count: int = 0


def emit(kind: str, detail: str = "", count: int = 0) -> None:
    if LOGGER.isEnabledFor(logging.DEBUG):
        LOGGER.debug("%s %s %s", kind, detail, count, extra={"lpctl_progress": Progress(kind, detail, count)})


class ProgressLine(logging.Handler):
    """Shows progress events as one line, redrawn in place on ``stream`` (a terminal).

    Nothing is drawn before ``delay`` seconds: a quick run shows nothing. A ticker thread redraws
    the line while nothing else happens (an import that takes 8 s counts up), and :meth:`close`
    erases it, so the command's own output starts on a clean line.
    """

    def __init__(self, stream: TextIO, *, delay: float = 1.5, interval: float = 0.25, width: int = 80) -> None:
        super().__init__(logging.DEBUG)
        self.stream, self.delay, self.interval, self.width = stream, delay, interval, width
        self.started = time.monotonic()
        self.total = self.done = 0
        self.importing: tuple[str, float] | None = None
        self.shown = False
        self._last = ""
        self._stop = threading.Event()
        self._draw_lock = threading.Lock()
        self._ticker = threading.Thread(target=self._tick, name="lpctl-progress", daemon=True)
        self._ticker.start()

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "lpctl_progress", None)
        if not isinstance(event, Progress):
            return
        if event.kind == "specs":
            self.total = event.count
        elif event.kind == "spec":
            self.done = event.count
        elif event.kind == "importing":
            self.importing = (event.detail, time.monotonic())
        elif event.kind == "imported":
            self.importing = None

    def text(self, now: float) -> str:
        parts = []
        if self.total:
            parts.append(f"{self.done} of {self.total} file{'' if self.total == 1 else 's'} checked")
        if self.importing is not None:
            module, since = self.importing
            parts.append(f"importing {module} ({now - since:.0f} s)")
        line = "lpctl: " + ", ".join(parts) if parts else "lpctl: working"
        return line[: self.width - 1]

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            now = time.monotonic()
            text = self.text(now)
            if now - self.started >= self.delay and text != self._last:
                self._last = text
                self._draw("\r\x1b[K" + text)

    def _draw(self, text: str, *, erase: bool = False) -> None:
        with self._draw_lock:
            if self._stop.is_set() and not erase:
                return
            try:
                self.stream.write(text)
                self.stream.flush()
            except (OSError, ValueError):  # the terminal went away: progress is not worth an error
                self._stop.set()
                return
            self.shown = not erase

    def close(self) -> None:
        self._stop.set()
        self._ticker.join()
        if self.shown:
            self._draw("\r\x1b[K", erase=True)
        super().close()
