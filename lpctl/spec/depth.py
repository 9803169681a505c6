"""Where a YAML text first nests deeper than a limit, found without building nodes.

ruamel's composer recurses once per level and runs out of stack (RecursionError) on a text nested a
few hundred levels deep, before lpctl's builder can say where the nesting passed the limit. This
walks ruamel's parser events instead (the parser keeps its state in a list, not on the stack) and
counts depth as the builder does: a document's top node is at depth 0, each list item and mapping
value one deeper than its collection; keys are not counted. The first node past ``limit`` is the
one the builder would have reported.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

_NODES = ("ScalarEvent", "SequenceStartEvent", "MappingStartEvent", "AliasEvent")
_ENDS = ("SequenceEndEvent", "MappingEndEvent")


def too_deep(text: str, limit: int) -> tuple[int, int] | None:
    """The (line, column), 1-based, of the first value nested deeper than ``limit``, or None (none is,
    or the text stops parsing before one is found)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    #: per open collection: is it a mapping, and how many nodes it has held so far
    open_: list[list[Any]] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for event in YAML(typ="safe", pure=True).parse(io.StringIO(text)):
                kind = type(event).__name__
                if kind in _ENDS:
                    open_.pop()
                    continue
                if kind not in _NODES:
                    continue
                is_key = False
                if open_:
                    parent = open_[-1]
                    is_key = parent[0] and parent[1] % 2 == 0
                    parent[1] += 1
                if len(open_) > limit and not is_key:
                    return event.start_mark.line + 1, event.start_mark.column + 1
                if kind != "ScalarEvent" and kind != "AliasEvent":
                    open_.append([kind == "MappingStartEvent", 0])
    except YAMLError:
        return None
    return None
