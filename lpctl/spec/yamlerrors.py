"""A YAML parser error in the words of what the user did: indentation, mostly.

libyaml and ruamel say "mapping values are not allowed here" or "expected <block end>, but found
'<block mapping start>'"; a spec's author sees a key indented one space too far, or a value with ': ' in
it. :func:`explain` reads the lines around the error and says which, and how to fix it; None when the
error is none of these (the parser's own words are shown then).
"""

from __future__ import annotations

import re

_KEY = re.compile(r"(?:- +)*([^\s:#'\"][^:#]*?|'[^']*'|\"[^\"]*\"):(?:\s|$)")


def explain(problem: str, text: str, line: int, col: int, context_col: int | None) -> tuple[str, str] | None:
    """``(message, hint)`` for the parser error ``problem`` at 1-based ``line``/``col``; ``context_col`` is the
    0-based column of the collection being parsed, if the parser named one."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    if problem == "mapping values are not allowed here":
        return _mapping_value(lines, line, col)
    if problem.startswith("expected <block end>, but found '<block mapping start>'") and context_col is not None:
        return _misaligned_key(lines, line, context_col)
    if problem.startswith("expected <block end>, but found '<block sequence start>'") and context_col is not None:
        return _misaligned_item(lines, line, context_col)
    return None


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _key(text: str) -> str | None:
    found = _KEY.match(text.strip())
    return found.group(1).strip("'\"") if found else None


def _spaces(count: int) -> str:
    return f"{count} space" if count == 1 else f"{count} spaces"


def _above(lines: list[str], line: int) -> list[tuple[int, str]]:
    """The non-blank, non-comment lines before ``line`` (1-based), nearest first, as (line number, text)."""
    return [(n, lines[n - 1]) for n in range(line - 1, 0, -1)
            if lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#")]


def _mapping_value(lines: list[str], line: int, col: int) -> tuple[str, str] | None:
    here = lines[line - 1]
    first = here.find(": ") if ": " in here else here.find(":")
    key = _key(here)
    if key is not None and col - 1 > first >= 0:  # a second ': ' on the line: inside the value
        value = here[first + 1:].strip()
        return (f"the value of '{key}' contains ': ', which YAML reads as another key",
                f"quote the value: {key}: \"{value}\"" if '"' not in value else "quote the value")
    above = _above(lines, line)
    if key is None or not above:
        return None
    number, previous = above[0]
    if _indent(here) <= _indent(previous) or _key(previous) is None:
        return None
    return (f"'{key}' is indented more than '{_key(previous)}' on line {number}, which has a value: YAML reads "
            "the line as part of that value",
            f"indent '{key}' as '{_key(previous)}' is ({_spaces(_indent(previous))}); to nest it, "
            f"'{_key(previous)}' must have no value")


def _misaligned_key(lines: list[str], line: int, column: int) -> tuple[str, str] | None:
    here = lines[line - 1]
    key = _key(here)
    if key is None:
        return None
    shown = f"'{key}'" if not here.lstrip().startswith("-") else f"the list item with '{key}'"
    return (f"{shown} is indented {_spaces(_indent(here))}, as no key before it is",
            _alignments(lines, line, column, _indent(here)))


def _misaligned_item(lines: list[str], line: int, column: int) -> tuple[str, str] | None:
    here = lines[line - 1]
    if not here.lstrip().startswith("-"):
        return None
    return (f"this list item is indented {_spaces(_indent(here))}, unlike the items before it",
            _alignments(lines, line, column, _indent(here), deeper=False))


def _alignments(lines: list[str], line: int, column: int, wrong: int, *, deeper: bool = True) -> str:
    """Indent it as the collection's own entries are, or (``deeper``) as the deeper entries just before it."""
    above = _above(lines, line)
    same = next(((n, t) for n, t in above if _indent(t) == column), None)
    inner = next(((n, t) for n, t in above
                  if _indent(t) > column and _indent(t) != wrong and (same is None or n > same[0])), None)
    parts = [f"as {_name(text)} on line {number} is ({_spaces(_indent(text))})"
             for number, text in (o for o in (same, inner if deeper else None) if o is not None)]
    return "indent it " + ", or ".join(parts) if parts else "align it with the entries it belongs with"


def _name(text: str) -> str:
    key = _key(text)
    if text.lstrip().startswith("-"):
        return "the list item" if key is None else f"the list item with '{key}'"
    return f"'{key}'" if key is not None else "the line"
