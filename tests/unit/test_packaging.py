"""The wheel carries every package of lpctl: a subpackage missing from pyproject's list installs without it,
and every command fails with an ImportError on a fresh machine while an editable install hides it."""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]


def test_every_subpackage_of_lpctl_is_in_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    on_disk = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "lpctl").rglob("__init__.py")}
    listed = set(config["packages"]) - set(config.get("package-dir", {}))
    assert on_disk == listed
