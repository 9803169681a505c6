"""JSON read from a file lpctl did not write itself (bundles given to diff, package, register).

``json.loads`` accepts what no bundle holds and what later code cannot handle: nesting deep
enough to exhaust the stack (while parsing, or later while comparing), lone surrogate escapes
(``"\\ud800"``) that no output encoding can carry, integers too long to print, numbers
beyond a double (``1e999``), the non-standard ``NaN`` / ``Infinity``, and a key written twice
in one object (``json.loads`` keeps the last: a merge that duplicated an entry would pick one
silently). :func:`parse` refuses them with a message that says where.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

#: a bundle nests about 10 levels plus 3 per level of a nested input value (at most 64 in a spec)
MAX_DEPTH = 256
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class JsonTextError(ValueError):
    """The text is not JSON that lpctl reads; the message says why and where."""


def parse(text: str) -> Any:
    """The JSON value of ``text``; raises :class:`JsonTextError`."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite, object_pairs_hook=_unique)
    except json.JSONDecodeError as e:
        raise JsonTextError(f"{e.lineno}:{e.colno}: not valid JSON: {e.msg}") from None
    except RecursionError:
        raise JsonTextError(f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as e:  # an integer longer than Python converts, NaN
        raise JsonTextError(str(e).split(";")[0]) from None
    check(value)
    return value


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"the key {json.dumps(key, ensure_ascii=False)[:60]} is written twice in one object")
            seen.add(key)
    return found


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"the number {text[:20]} is out of range")
    return value


def check(value: Any) -> None:
    """Depth and strings of an already parsed value (iteratively: the value may be deep)."""
    pending: list[tuple[Any, int, str]] = [(value, 0, "$")]
    while pending:
        item, depth, where = pending.pop()
        if depth > MAX_DEPTH:
            raise JsonTextError(f"nested deeper than {MAX_DEPTH} levels (at {where[:80]}...)")
        if isinstance(item, str):
            _check_text(item, where)
        elif isinstance(item, dict):
            for key, child in item.items():
                _check_text(key, where)
                pending.append((child, depth + 1, f"{where}.{_safe(key)}"))
        elif isinstance(item, list):
            pending.extend((child, depth + 1, f"{where}[{i}]") for i, child in enumerate(item))


def _check_text(text: str, where: str) -> None:
    found = _SURROGATE.search(text)
    if found:
        raise JsonTextError(f"a string at {where} holds a lone surrogate escape '\\u{ord(found.group()):04x}', "
                            "which is not a Unicode character")


def _safe(key: str) -> str:
    return _SURROGATE.sub("?", key)[:40]
