"""Identity and ``[tool.lpctl]``: where a launch plan is registered, and the project's settings.

``[tool.lpctl]`` is read from the ``pyproject.toml`` nearest to the specs (the common parent of the
paths given, walking up), as ruff and black find theirs. A wrong value there is a usage error that
names the file and the key, never a diagnostic repeated in every spec.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, NoReturn

from lpctl.errors import UsageError

DEFAULT_PROJECT = "flytesnacks"
DEFAULT_DOMAIN = "development"
#: characters that break FlyteAdmin's URLs and flytectl's command lines
BAD_ID_CHARS = re.compile(r"[\s/?#%\\]|[\x00-\x1f\x7f]")
MAX_ID_LENGTH = 255
_KEYS = {"project", "domain", "version", "workflow_version", "python_path", "locked"}


@dataclass(frozen=True)
class Identity:
    """Where a launch plan is registered; None means "not given here".

    Precedence, highest first: the spec's own value, the command-line flag, ``[tool.lpctl]``,
    then the defaults pyflyte uses (``flytesnacks`` / ``development``). A version is a
    registration-time value: with none anywhere it stays empty, a placeholder that
    ``register --version`` or ``flytectl register files --version`` fills in.
    """

    project: str | None = None
    domain: str | None = None
    version: str | None = None
    workflow_version: str | None = None

    def under(self, lower: Identity) -> Identity:
        """This identity, with ``lower``'s values where this one has none."""
        return Identity(self.project or lower.project, self.domain or lower.domain, self.version or lower.version,
                        self.workflow_version or lower.workflow_version)

    def resolved(self) -> ResolvedIdentity:
        """Apply the defaults: project and domain are always known, versions may stay empty."""
        return ResolvedIdentity(
            project=self.project or DEFAULT_PROJECT, domain=self.domain or DEFAULT_DOMAIN,
            version=self.version or "", workflow_version=self.workflow_version or self.version or "",
        )


def run_identity(flags: Identity, config: Config | None) -> Identity:
    """A run's identity: the command line's values, then ``[tool.lpctl]``'s (one of the two merges below)."""
    return flags if config is None else flags.under(config.identity)


def spec_identity(own: Identity, run: Identity) -> ResolvedIdentity:
    """Where one spec registers: its own values, then the run's (:func:`run_identity`), then the defaults.

    These two functions are the only places identity layers are merged: rendering, locking from FlyteAdmin,
    packaging and registering specs or bundles all go through them.
    """
    try:
        return _remembered_identity(own, run)
    except TypeError:  # a value that cannot be a key (a list where a name belongs): merged all the same
        return own.under(run).resolved()


@functools.lru_cache(maxsize=1024)
def _remembered_identity(own: Identity, run: Identity) -> ResolvedIdentity:
    """:func:`spec_identity`, remembered: a run's specs share a few identities, and merging the layers again for
    each costs more than looking the answer up (both are frozen)."""
    return own.under(run).resolved()


@dataclass(frozen=True)
class ResolvedIdentity:
    """A spec's identity with every layer applied: what its launch plan is registered under."""

    project: str
    domain: str
    #: "" = a placeholder filled in at registration
    version: str
    #: the workflow's registered version: workflow_version, else the launch plan's version
    workflow_version: str


@dataclass(frozen=True)
class Config:
    identity: Identity = Identity()
    #: import roots, absolute
    python_path: tuple[str, ...] = field(default_factory=tuple)
    #: check against lpctl.lock instead of importing workflows
    locked: bool = False
    #: where it was read from, for messages and the summary line
    source: str | None = None


#: the hint for an identifier with characters Flyte cannot hold
ID_CHARS_HINT = "use letters, digits, '-', '_', '.' and ':'"


def identity_problem(what: str, value: str) -> tuple[str, str | None] | None:
    """Why ``value`` cannot be a Flyte identifier part, and how to fix it; None when it can."""
    bad = BAD_ID_CHARS.search(value)
    if bad:
        return f"{what} {value!r} contains {bad.group()!r}, which Flyte identifiers cannot hold", ID_CHARS_HINT
    if len(value) > MAX_ID_LENGTH:
        return f"{what} is {len(value)} characters long; Flyte stores at most {MAX_ID_LENGTH}", None
    return None


def check_identity_flags(identity: Identity) -> None:
    """Command-line identity values are checked once, as usage errors."""
    for f in fields(identity):
        value = getattr(identity, f.name)
        if value is None:
            continue
        problem = identity_problem(f.name, value) if value else (f"{f.name} is empty", None)
        if problem:
            raise UsageError(f"--{f.name.replace('_', '-')}: {_with_hint(*problem)}")


def common_parent(paths: Sequence[str]) -> str:
    """The directory the paths share (the current one for none), where the pyproject.toml search starts."""
    dirs = [os.path.abspath(p if os.path.isdir(p) else os.path.dirname(p) or ".") for p in paths]
    if not dirs:
        return os.getcwd()
    try:
        return os.path.commonpath(dirs)
    except ValueError:  # different drives
        return os.getcwd()


def find_pyproject(start: str = ".") -> str | None:
    here = os.path.abspath(start)
    while True:
        candidate = os.path.join(here, "pyproject.toml")
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


#: a pyproject.toml is a few kilobytes; a larger one is not read
MAX_PYPROJECT_BYTES = 4 * 1024 * 1024


def _read_toml(path: str) -> dict[str, Any]:
    """The TOML document at ``path`` (a regular file, bounded, nested as deep as Python's stack allows);
    raises UsageError naming the file (exit 2)."""
    import stat

    def refuse(why: object) -> NoReturn:
        raise UsageError(f"{_shown(path)}: cannot read [tool.lpctl]: {why}")

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        with open(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                refuse("not a regular file")
            data = f.read(MAX_PYPROJECT_BYTES + 1)
    except OSError as e:
        refuse(e.strerror or e)
    if len(data) > MAX_PYPROJECT_BYTES:
        refuse(f"larger than {MAX_PYPROJECT_BYTES // (1024 * 1024)} MiB")
    if sys.version_info >= (3, 11):  # imported here, where there is a pyproject.toml to read
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        refuse(e)
    except RecursionError:
        refuse("nested too deep")


def load_config(start: str = ".") -> Config:
    """Read ``[tool.lpctl]`` from the pyproject.toml nearest to ``start``; none gives the empty config."""
    path = find_pyproject(start)
    if path is None:
        return Config()
    document = _read_toml(path)
    tool = document.get("tool", {})
    table = tool.get("lpctl") if isinstance(tool, dict) else None
    if not table:  # no table, or an empty one: nothing is taken from this file
        return Config()
    if not isinstance(table, dict):
        raise UsageError(f"{_shown(path)}: [tool.lpctl] must be a table")
    return _config(table, path)


def _config(table: dict[str, Any], path: str) -> Config:
    where = _shown(path)
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise UsageError(f"{where}: unknown key(s) in [tool.lpctl]: {', '.join(unknown)} "
                         f"(known: {', '.join(sorted(_KEYS))})")
    identity = Identity()
    for key in ("project", "domain", "version", "workflow_version"):
        if key in table:
            identity = replace(identity, **{key: _identity_value(table[key], key, where)})
    roots = table.get("python_path", [])
    if isinstance(roots, str):
        roots = [roots]
    if not isinstance(roots, list) or not all(isinstance(r, str) and r for r in roots):
        raise UsageError(f"{where}: [tool.lpctl] python_path must be a path or a list of paths")
    locked = table.get("locked", False)
    if not isinstance(locked, bool):
        raise UsageError(f"{where}: [tool.lpctl] locked must be true or false, not {locked!r}")
    base = os.path.dirname(path)
    return Config(identity=identity, python_path=tuple(os.path.normpath(os.path.join(base, r)) for r in roots),
                  locked=locked, source=path)


def _identity_value(value: object, key: str, where: str) -> str:
    if not isinstance(value, str):
        raise UsageError(f"{where}: [tool.lpctl] {key} must be a string, not {type(value).__name__} {value!r} "
                         f"(write {key} = \"{value}\")")
    problem = identity_problem(key, value) if value else (f"{key} is empty", None)
    if problem:
        raise UsageError(f"{where}: [tool.lpctl] {_with_hint(*problem)}")
    return value


def _with_hint(message: str, hint: str | None) -> str:
    return f"{message} ({hint})" if hint else message


def _shown(path: str) -> str:
    """A path as messages show it: relative to the current directory when below it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
