"""``lpctl migrate``'s files: read as ``validate`` reads them, written only inside ``-o DIR``.

A spec file is read by the spec loader first, with its limits (size, nesting, aliases, UTF-8,
duplicate keys, tags): a file it refuses is reported with the loader's diagnostics and not
migrated. Each migrated file goes to ``DIR`` at a normalized relative path: its path relative to
the current directory, or, for a file outside it, relative to the parent of the input that named
it (``../team1`` writes ``DIR/team1/...``). A path that would leave ``DIR`` (also through a symbolic
link already in ``DIR``: a linked folder, or a linked file whose target is outside), two inputs
that would land on one output, or (without ``--force``) a file there with other content, stop the run
before anything is written.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from lpctl.diagnostics import Diagnostic, Severity
from lpctl.errors import OutputError
from lpctl.spec.discover import SpecFile
from lpctl.spec.load import DEFAULT_MAX_BYTES, load_file, read_spec_file


def read_checked(spec_file: SpecFile, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str | None, list[Diagnostic]]:
    """The text of a spec file the loader accepts (None: skipped, or refused with the diagnostics)."""
    loaded = load_file(spec_file, max_bytes=max_bytes)
    if loaded is None:
        return None, []
    if any(d.severity is Severity.ERROR for d in loaded.diagnostics):
        return None, loaded.diagnostics
    return read_spec_file(spec_file.path, max_bytes).decode("utf-8-sig"), loaded.diagnostics


def relative_target(path: str, inputs: Sequence[str]) -> str:
    """The normalized path a migrated file gets under the output directory."""
    full, cwd = os.path.abspath(path), os.getcwd()
    if os.path.commonpath([cwd, full]) == cwd:
        relative = os.path.relpath(full, cwd)
    else:
        relative = os.path.basename(full)
        for item in (os.path.abspath(p) for p in inputs):
            if item != full and os.path.isdir(item) and os.path.commonpath([item, full]) == item:
                relative = os.path.relpath(full, os.path.dirname(item))
                break
    return os.path.normpath(relative)


def targets(sources: Sequence[tuple[str, str]], inputs: Sequence[str], directory: str) -> list[str]:
    """Where each (real path, display path) goes under ``directory``; raises OutputError for a path that
    would leave it or for two inputs that map to one output, before anything is written."""
    root = os.path.realpath(directory)
    seen: dict[str, str] = {}
    out = []
    for real, shown in sources:
        target = os.path.join(directory, relative_target(real, inputs))
        full = os.path.realpath(target)  # where the bytes would go, through any link already in DIR
        if os.path.commonpath([root, full]) != root or full == root:
            raise OutputError(f"{shown}: would be written to {target}, outside {directory}; nothing written")
        if os.path.exists(full) and os.path.samefile(real, full):
            raise OutputError(f"{shown}: its trigger would be written over it ({target}): give an -o DIR apart from "
                              "the launch plan specs; nothing written")
        if full in seen:
            raise OutputError(f"{seen[full]} and {shown} would both be written to {target}; migrate them to "
                              "different -o directories; nothing written")
        seen[full] = shown
        out.append(target)
    return out


def refuse_replacing(items: Sequence[tuple[str, str]]) -> None:
    """Raise OutputError, before anything is written, when a (target, text) would replace a file holding
    something else (a trigger edited by hand since the last run, its task mapped, say): ``--force`` replaces
    them, as ``lpctl new`` does. A file that already holds the text is left as it is."""
    changed = [target for target, text in items if _holds_other(target, text.encode())]
    if changed:
        shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
        raise OutputError(f"{shown} already {'exists' if len(changed) == 1 else 'exist'} with other content "
                          "(edited since migrate wrote it?); give --force to replace; nothing written")


def _holds_other(target: str, data: bytes) -> bool:
    """Whether ``target`` exists (through links) as anything but a regular file holding exactly ``data``."""
    import stat

    try:
        found = os.stat(target)
        if not stat.S_ISREG(found.st_mode):
            return True
        if found.st_size != len(data):
            return True
        with open(target, "rb") as f:
            return f.read(len(data) + 1) != data
    except FileNotFoundError:
        return os.path.islink(target)  # a dangling link: written through to where it points
    except OSError:  # not reachable (a file where a folder belongs, no permission): the write says why
        return False


def write_all(items: Sequence[tuple[str, str]]) -> None:
    """Write each (target, text), making folders (lpctl.output); each file is replaced atomically."""
    from lpctl.output import write_output

    for target, text in items:
        write_output(target, text)
