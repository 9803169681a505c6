"""What the shell completes for spec paths: directories and YAML files (and bundles, where a command takes
them), as the user typed them."""

from __future__ import annotations

import os

from lpctl.spec.discover import YAML_SUFFIXES


def spec_paths(incomplete: str, *, bundles: bool = False) -> list[str]:
    """Directories (with a trailing ``/``) and ``*.yaml`` / ``*.yml`` files (with ``bundles``, ``*.json`` files
    too) that start with ``incomplete``."""
    suffixes = (*YAML_SUFFIXES, ".json") if bundles else tuple(YAML_SUFFIXES)
    directory, prefix = os.path.split(incomplete)
    try:
        names = sorted(os.listdir(directory or "."))
    except OSError:
        return []
    out = []
    for name in names:
        if not name.startswith(prefix) or (name.startswith(".") and not prefix.startswith(".")):
            continue
        path = os.path.join(directory, name)
        if os.path.isdir(path):
            out.append(path + "/")
        elif name.endswith(suffixes):
            out.append(path)
    return out
