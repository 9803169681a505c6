"""Every code lpctl can emit is registered and explained, and every registered code is used."""

from __future__ import annotations

import pathlib
import re
from typing import Any

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


FIX_VERBS = ("Add", "Check", "Fix", "Flatten", "Give", "Keep", "Make", "Move", "Name", "Point", "Quote", "Remove",
             "Rename", "Replace", "Rewrite", "Save", "Schedule", "Set", "Shorten", "Start", "Use", "Write")


def test_every_code_says_how_to_fix_it() -> None:
    for info in CODES.values():
        # one or two imperative sentences, not a restatement of the problem
        assert info.fix.startswith(FIX_VERBS) and info.fix.endswith("."), info.code
        assert info.fix not in info.explanation, info.code


def test_explain_prints_the_fix_last(run_cli: Any) -> None:
    for code, fix in [
        ("LP402", "How to fix: Fix the input's name (the hint lists the workflow's inputs), or remove it "
                  "from fixed_inputs."),
        ("LP510", "How to fix: Give the input a value under default_inputs or fixed_inputs, give it a default "
                  "in the workflow, or make it the kickoff_time_input_arg if it is a datetime."),
        ("LP806", "How to fix: Give one of the two launch plans another name, or put them in different "
                  "projects or domains; if they are copies, delete one."),
    ]:
        result = run_cli("explain", code)
        *_, last = result.stdout.split("\n\n")
        assert result.exit_code == 0 and " ".join(last.split()) == fix, code
        assert all(len(line) <= 88 for line in result.stdout.splitlines())
