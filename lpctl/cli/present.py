"""What a user sees: the reporters chosen by ``--format``, colour, the progress line, writing output."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from lpctl import stdio
from lpctl.cli.options import Color, Format, Report
from lpctl.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from lpctl.bundle import Entries
    from lpctl.pipeline import Result

#: seconds before the progress line appears: a quick run shows none
PROGRESS_DELAY = 1.5


@contextlib.contextmanager
def progress(report: Report | None = None) -> Iterator[None]:
    """A progress line on stderr while the core works: only on a terminal, only for text output."""
    import logging

    from lpctl.progress import LOGGER, ProgressLine

    stream = sys.stderr
    if (report is not None and effective_format(report) is not Format.text) or not _is_terminal(stream):
        yield
        return
    line = ProgressLine(stream, delay=PROGRESS_DELAY, width=_terminal_width())
    saved = LOGGER.level, LOGGER.propagate
    LOGGER.addHandler(line)
    LOGGER.setLevel(logging.DEBUG)
    LOGGER.propagate = False
    try:
        yield
    finally:
        LOGGER.removeHandler(line)
        LOGGER.setLevel(saved[0])
        LOGGER.propagate = saved[1]
        line.close()


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


def effective_format(report: Report) -> Format:
    if report.format is Format.auto:
        return Format.github if os.environ.get("GITHUB_ACTIONS") == "true" else Format.text
    return report.format


def failed(diagnostics: Sequence[Diagnostic], strict: bool) -> bool:
    threshold = Severity.WARNING if strict else Severity.ERROR
    return any(d.severity >= threshold for d in diagnostics)


# -- diagnostics, by --format -----------------------------------------------------------------------


def summary(result: Result) -> Any:
    from lpctl.reporters import summarize

    return summarize(result.diagnostics, len(result.files), result.skipped, len(result.plans) + result.bundled,
                     config=result.config_source, triggers=len(result.triggers))


def _text_report(result: Result, report: Report, stream: TextIO) -> None:
    from lpctl.reporters import summary_line

    line = summary_line(summary(result))
    if use_color(report.color, stream):
        _rich_lines(result.diagnostics, line, stream)
    else:
        stream.writelines(f"{d}\n" for d in result.diagnostics)
        stream.write(line + "\n")


def _json_report(result: Result, report: Report, stream: TextIO) -> None:
    from lpctl.reporters import json_report

    stream.write(json_report(result.diagnostics, summary(result)))


def _sarif_report(result: Result, report: Report, stream: TextIO) -> None:
    from lpctl.reporters import sarif_report

    stream.write(sarif_report(result.diagnostics, summary(result)))


def _github_report(result: Result, report: Report, stream: TextIO) -> None:
    from lpctl.reporters import github_lines, step_summary, summary_line

    found = summary(result)
    stream.writelines(line + "\n" for line in github_lines(result.diagnostics))
    stream.write(summary_line(found) + "\n")
    _append_step_summary(step_summary(result.diagnostics, found))


_REPORTERS: dict[Format, Callable[[Result, Report, TextIO], None]] = {
    Format.text: _text_report, Format.json: _json_report, Format.sarif: _sarif_report,
    Format.github: _github_report,
}


def show_report(result: Result, report: Report, stream: TextIO) -> None:
    _REPORTERS[effective_format(report)](result, report, stream)


def _append_step_summary(markdown: str) -> None:
    """Append to $GITHUB_STEP_SUMMARY: a regular file (created if missing), opened without blocking; anything
    else (a FIFO, a device) is skipped with a warning instead of hanging the job. A table that does not fit
    (a full disk) is taken back out: the summary keeps what it held, never half a table."""
    import stat

    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as e:
        _summary_warning(path, e)
        return
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            sys.stderr.write(f"lpctl: warning: GITHUB_STEP_SUMMARY ({path}) is not a regular file; "
                             "the summary table is not written\n")
            return
        _append_all(fd, markdown.encode("utf-8"), st.st_size)
    except OSError as e:
        _summary_warning(path, e)
    finally:
        os.close(fd)


def _append_all(fd: int, data: bytes, start: int) -> None:
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, start)
        raise


def _summary_warning(path: str, e: OSError) -> None:
    sys.stderr.write(f"lpctl: warning: cannot append to GITHUB_STEP_SUMMARY ({path}): {e.strerror or e}; "
                     "the summary table is not written\n")


# -- colour -----------------------------------------------------------------------------------------


def use_color(color: Color, stream: TextIO) -> bool:
    if color is Color.always:
        return True
    if color is Color.never or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _console(stream: TextIO) -> Any:
    from rich.console import Console

    return Console(file=stream, force_terminal=True, soft_wrap=True, highlight=False, markup=False, emoji=False)


_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _rich_lines(diagnostics: Sequence[Diagnostic], summary_text: str, stream: TextIO) -> None:
    from rich.text import Text

    console = _console(stream)
    for d in diagnostics:
        line = Text(f"{d.location}: ", style="bold")
        line.append(d.severity.label, style=_STYLES[d.severity])
        line.append(f" {d.code} ", style="dim")
        line.append(d.message)
        if d.hint:
            line.append(f" ({d.hint})", style="dim")
        console.print(line)
    console.print(Text(summary_text, style="bold"))


DIFF_STYLES = {"added": "green", "removed": "red", "changed": "yellow", "detail": ""}
PLAN_STYLES = {"heading": "bold", "create": "green", "update": "yellow", "activate": "yellow", "deactivate": "red",
               "orphan": "red", "conflict": "bold red", "detail": "", "summary": "bold"}


def print_styled(lines: Sequence[tuple[str, str]], styles: dict[str, str], color: Color) -> None:
    """``(kind, text)`` lines on stdout, coloured by kind on a terminal (see ``use_color``)."""
    if not use_color(color, stdio.output()):
        stdio.output().writelines(f"{text}\n" for _, text in lines)
        return
    from rich.text import Text

    console = _console(stdio.output())
    for kind, text in lines:
        console.print(Text(text, style=styles.get(kind, "")))


# -- writing ----------------------------------------------------------------------------------------


def refuse_input_as_output(output: str | None, paths: Sequence[str], option: str = "-o") -> None:
    """A usage error, before anything is read or written, when ``output`` is one of the specs (or bundles) the
    run reads: the output would replace it."""
    from lpctl.errors import UsageError
    from lpctl.spec.discover import display_path, input_named

    found = input_named(output, paths)
    if found is not None:
        raise UsageError(f"{option} {output} is {display_path(found)}, one of the files this run reads: it would be "
                         "replaced by the output; nothing written (give another file)")


def write_bundle(plans: Sequence[Any], triggers: Sequence[Any], output: str | None, jobs: int = 1,
                 entries: Entries | None = None) -> None:
    """The bundle, streamed as it is made, one launch plan at a time: to stdout, or to a file through
    write_output (atomic replace, devices and FIFOs written through); ``jobs``: see lpctl.bundle.write_bundle;
    ``entries``: made as the plans were compiled (lpctl.bundle.Entries), copied in bundle order."""
    from lpctl.bundle import write_bundle as stream_bundle
    from lpctl.bundle import write_entries
    from lpctl.output import write_output

    def stream(write: Callable[[bytes], Any]) -> None:
        if entries is not None:
            write_entries(list(plans), entries, write, triggers)
        else:
            stream_bundle(plans, lambda text: write(text.encode("utf-8")), triggers, jobs)

    if output is None or output == "-":
        out = stdio.output()
        binary = getattr(out, "buffer", None)
        if binary is None:  # a text-only stream (a test runner's): every piece written is whole UTF-8
            stream(lambda data: out.write(bytes(data).decode("utf-8")))
        else:
            out.flush()
            stream(binary.write)
            binary.flush()
        out.flush()
        return
    write_output(output, stream)


def write_text(text: str, output: str | None) -> None:
    """``text`` to stdout (no ``output``, or ``-``), else to the file, replaced atomically."""
    from lpctl.output import write_output

    if output is None or output == "-":
        stdio.output().write(text)
        stdio.output().flush()
        return
    write_output(output, text)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
