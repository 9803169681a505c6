"""lpctl.shutdown.flush_open_files in process: what teardown's finalizers would write reaches the disk."""

from __future__ import annotations

import io
from pathlib import Path

from lpctl.shutdown import flush_open_files


class Recorder(io.TextIOBase):
    """A Python stream that keeps what it was given until flushed."""

    def __init__(self) -> None:
        self.pending, self.flushed = "", ""

    def write(self, text: str) -> int:
        self.pending += text
        return len(text)

    def flush(self) -> None:
        self.flushed, self.pending = self.flushed + self.pending, ""


class Broken(io.TextIOBase):
    """A stream whose flush fails (until disarmed, so that its own finalizer can close it)."""

    armed = True

    def flush(self) -> None:
        if self.armed:
            raise OSError("disk gone")


def test_open_files_are_flushed_and_broken_ones_skipped(tmp_path: Path) -> None:
    text = open(tmp_path / "text.txt", "w")  # noqa: SIM115 - left open on purpose
    raw = open(tmp_path / "raw.bin", "wb")  # noqa: SIM115
    text.write("text")
    raw.write(b"raw")
    recorder, broken = Recorder(), Broken()
    recorder.write("kept")
    try:
        assert ((tmp_path / "text.txt").read_text(), (tmp_path / "raw.bin").read_bytes()) == ("", b"")
        flush_open_files()
        assert ((tmp_path / "text.txt").read_text(), (tmp_path / "raw.bin").read_bytes()) == ("text", b"raw")
        assert (recorder.flushed, recorder.pending) == ("kept", "")
    finally:
        text.close()
        raw.close()
        broken.armed = False
