"""The two sides ``lpctl diff`` compares: a bundle file, or specs rendered now with the settings they find."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lpctl.pipeline import Options, Result


@dataclass(frozen=True)
class Side:
    """One side: its bundle document; for specs, the run's result and the settings they were rendered with."""

    tree: dict[str, Any]
    result: Result | None = None
    #: "project acme, domain production ([tool.lpctl] in pyproject.toml)"; None for a bundle file
    settings: str | None = None


def read_side(arg: str, options: Options) -> Side:
    """A bundle file as it is, or the specs under ``arg`` (several joined with ``os.pathsep``) rendered now,
    each side with the ``[tool.lpctl]`` nearest to it; a side whose specs have errors has no plans (check
    ``result.ok``)."""
    from lpctl.bundle import bundle, is_bundle_path, read_bundle
    from lpctl.pipeline import configured, run
    from lpctl.spec.config import run_identity

    if is_bundle_path(arg):
        return Side(read_bundle(arg))
    paths = arg.split(os.pathsep)
    options = configured(paths, options)
    result = run(paths, options)
    identity = run_identity(options.identity, options.config).resolved()
    source = options.config.source if options.config is not None else None
    where = f"[tool.lpctl] in {_shown(source)}" if source else "no [tool.lpctl]"
    return Side(bundle(result.plans, result.triggers), result,
                f"project {identity.project}, domain {identity.domain} ({where})")


def settings_note(old: Side, new: Side) -> list[str]:
    """Lines saying what each side was rendered with, when the two differ (nothing otherwise)."""
    if old.settings is None or new.settings is None or old.settings == new.settings:
        return []
    return ["the two sides were rendered with different settings:", f"  old: {old.settings}",
            f"  new: {new.settings}"]


def _shown(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith(".." + os.sep + "..") else relative
