"""Which files to read: the paths named on the command line, and the ``*.yaml`` files below directories.

A directory is walked without recursion (a tree thousands of levels deep is just long), without
following directory symlinks (a link loop cannot make it endless), and in sorted order. Inside a
directory only regular files are read: a FIFO, a device, ``/dev/stdin`` or a socket would block
or never end, and a dangling link or a link loop cannot be read at all; each is skipped with a
warning naming it, and the other files are still checked. A path named on the command line that
cannot be read is an operational error (exit 2).
"""

from __future__ import annotations

import contextlib
import operator
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field

from lpctl.diagnostics import Diagnostic, Location, warning
from lpctl.errors import PathError

YAML_SUFFIXES = (".yaml", ".yml")
SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox",
                       ".mypy_cache"})


@dataclass(frozen=True)
class SpecFile:
    """A regular file to read as specs; ``explicit`` when it was named on the command line."""

    path: str
    explicit: bool


@dataclass(frozen=True)
class Discovery:
    files: tuple[SpecFile, ...] = ()
    #: files below a directory that were skipped (not regular, unreadable links)
    diagnostics: tuple[Diagnostic, ...] = field(default=())


def display_path(path: str) -> str:
    """A path relative to the current directory when it lies below it, else as given.

    A name that is not valid UTF-8 shows its bytes escaped (``bad\\xff.yaml``), so that every
    output format can carry it.
    """
    shown = path if _normal_relative(path) else _from_cwd(path)
    return shown if shown.isascii() else os.fsencode(shown).decode("utf-8", "backslashreplace")


def _normal_relative(path: str) -> bool:
    """Whether ``path`` is relative and already normal (no ``.``, ``..`` or empty part): then it is its own display
    path, found without asking for the current directory (a system call per file)."""
    wrapped = f"/{path}/"
    return (os.sep == "/" and path[:1] not in ("", "/")
            and "//" not in wrapped and "/./" not in wrapped and "/../" not in wrapped)


def _from_cwd(path: str) -> str:
    cwd = os.getcwd()
    full = os.path.normpath(path if os.path.isabs(path) else os.path.join(cwd, path))
    below = cwd.rstrip(os.sep) + os.sep  # "/" itself ends with the separator
    if full.startswith(below):  # os.path.relpath's answer for a path below cwd, without its system calls
        return full[len(below):].replace(os.sep, "/")
    return "." if full == cwd else path


def discover(paths: Sequence[str]) -> Discovery:
    """Every file to read, each real file once. Raises :class:`PathError` for a named path that
    cannot be read."""
    seen: set[str] = set()
    files: list[SpecFile] = []
    diags: list[Diagnostic] = []
    real_dirs: dict[str, str] = {}
    for given in paths:
        if os.path.isdir(given):
            found, skipped = walk(given)
            diags.extend(skipped)
            explicit = False
        elif os.path.isfile(given):
            found, explicit = [(given, "")], True
        else:
            raise PathError(_not_a_file(given))
        for path, known in found:
            real = known or _real_path(path, real_dirs)
            if real not in seen:
                seen.add(real)
                files.append(SpecFile(path, explicit))
    return Discovery(tuple(files), tuple(diags))


def _real_path(path: str, real_dirs: dict[str, str]) -> str:
    """``os.path.realpath(path)``, resolving each directory once: a file that is not a link is its real
    directory joined with its name (one ``lstat``, not one per path component)."""
    if os.path.islink(path):
        return os.path.realpath(path)
    directory, name = os.path.split(path)
    if directory not in real_dirs:
        real_dirs[directory] = os.path.realpath(directory or os.curdir)
    return os.path.join(real_dirs[directory], name)


def _not_a_file(path: str) -> str:
    shown = display_path(path) if os.path.isabs(path) else os.fsencode(path).decode("utf-8", "backslashreplace")
    if os.path.islink(path) and not os.path.exists(path):
        try:
            os.stat(path)
        except OSError as e:
            return f"{shown}: cannot read: {e.strerror or e}"  # a dangling link, or a loop
    if os.path.exists(path):
        return f"{shown}: not a regular file or directory"
    return f"{shown}: no such file or directory"


def walk(root: str) -> tuple[list[tuple[str, str]], list[Diagnostic]]:
    """The ``*.yaml`` / ``*.yml`` regular files below ``root``, sorted, and a warning per file skipped; each
    file with its real path when the listing says it is not a symbolic link (no system call), else ""."""
    files: list[tuple[str, str]] = []
    diags: list[Diagnostic] = []
    pending = [root]
    while pending:
        directory = pending.pop()
        subdirs = []
        real = ""  # the real directory with a separator at its end, once a file needs it
        for entry in _entries(directory):
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in SKIP_DIRS and not entry.name.startswith("."):
                    subdirs.append(entry.path)
            elif entry.name.endswith(YAML_SUFFIXES):
                if entry.is_file(follow_symlinks=False):  # the directory listing says so: no system call
                    real = real or os.path.join(os.path.realpath(directory), "")
                    files.append((entry.path, real + entry.name))
                    continue
                problem = _not_regular(entry.path)
                if problem is None:
                    files.append((entry.path, ""))
                else:
                    diags.append(problem)
        pending.extend(reversed(subdirs))  # depth first, in sorted order
    return files, diags


_NAME = operator.attrgetter("name")


def _entries(directory: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as it:
            return sorted(it, key=_NAME)
    except OSError:
        return []  # as os.walk: a directory that cannot be listed has nothing to check


def _not_regular(path: str) -> Diagnostic | None:
    """None for a regular file (or a link to one); else the warning that skips it."""
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        where = Location(display_path(path))
        return warning("LP114", f"file skipped: cannot read it: {e.strerror or e}", where,
                       "a dangling symbolic link or a link loop; fix or remove the link")
    if stat.S_ISREG(mode):
        return None
    where = Location(display_path(path))
    return warning("LP113", f"file skipped: it is {_kind(mode)}, not a regular file", where,
                   "reading it could block or never end; only regular files are read as specs")


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "a special file"


def input_named(output: str | None, paths: Sequence[str]) -> str | None:
    """The spec file among ``paths`` (files, and the specs in directories) that ``output`` is, through links,
    or None: ``render a.yaml -o a.yaml``, or a shell glob whose last file became the ``-o`` value, would
    replace a spec with the output. Only a regular file that exists is looked for; a path that cannot be
    read is left for the run to report."""
    if not output or not os.path.isfile(output):
        return None
    try:
        files = discover(paths).files
    except PathError:
        return None
    for spec in files:
        with contextlib.suppress(OSError):
            if os.path.samefile(spec.path, output):
                return spec.path
    return None
