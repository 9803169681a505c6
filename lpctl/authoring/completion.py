"""What the shell completes for spec paths: directories and YAML files, as the user typed them."""

from __future__ import annotations

import os

from lpctl.spec.discover import YAML_SUFFIXES


def spec_paths(incomplete: str) -> list[str]:
    """Directories (with a trailing ``/``) and ``*.yaml`` / ``*.yml`` files that start with ``incomplete``."""
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
        elif name.endswith((*YAML_SUFFIXES, ".json")):
            out.append(path)
    return out
