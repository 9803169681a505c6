"""``[tool.lpctl]`` in the nearest ``pyproject.toml``: project, domain, version, python_path."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any

from lpctl.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_KEYS = {"project", "domain", "version", "workflow_version", "python_path"}


@dataclass(frozen=True)
class Config:
    project: str | None = None
    domain: str | None = None
    version: str | None = None
    workflow_version: str | None = None
    #: import roots, absolute
    python_path: tuple[str, ...] = field(default_factory=tuple)
    #: where it was read from, for messages
    source: str | None = None


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


def load_config(start: str = ".") -> Config:
    """Read ``[tool.lpctl]``; no pyproject.toml or no table gives the empty config."""
    path = find_pyproject(start)
    if path is None:
        return Config()
    try:
        with open(path, "rb") as f:
            table: dict[str, Any] = tomllib.load(f).get("tool", {}).get("lpctl", {})
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise UsageError(f"{path}: cannot read [tool.lpctl]: {e}") from None
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise UsageError(f"{path}: unknown key(s) in [tool.lpctl]: {', '.join(unknown)} "
                         f"(known: {', '.join(sorted(_KEYS))})")
    base = os.path.dirname(path)
    roots = table.get("python_path", [])
    if isinstance(roots, str):
        roots = [roots]
    return Config(
        project=table.get("project"), domain=table.get("domain"), version=table.get("version"),
        workflow_version=table.get("workflow_version"),
        python_path=tuple(os.path.normpath(os.path.join(base, r)) for r in roots), source=path,
    )
