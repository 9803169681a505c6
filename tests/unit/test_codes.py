"""Every code lpctl can emit is registered and explained, and every registered code is used."""

from __future__ import annotations

import pathlib
import re

from lpctl.codes import CODES

ROOT = pathlib.Path(__file__).resolve().parents[2]
CODE = re.compile(r"\bLP[1-9]\d\d\b")


def _emitted() -> set[str]:
    found: set[str] = set()
    for path in [*(ROOT / "lpctl").rglob("*.py"), ROOT / "schemas" / "launchplan.schema.json"]:
        if path.name != "codes.py":
            found |= set(CODE.findall(path.read_text()))
    return found


def test_every_emitted_code_is_registered() -> None:
    assert sorted(_emitted() - set(CODES)) == []


def test_every_registered_code_is_emitted_somewhere() -> None:
    assert sorted(set(CODES) - _emitted()) == []


def test_explanations_are_real_text() -> None:
    for info in CODES.values():
        assert info.title and len(info.explanation) > 60, info.code
        assert CODE.fullmatch(info.code)
