"""A ``[...]`` or ``{...}`` written over several lines with comments inside, rewritten in block style.

ruamel's round trip drops the comments inside a flow collection. When one is the value of a key, holds
only scalars and has comments, ``lpctl fmt`` writes it as a block list (or mapping), one item a line,
each comment above the item it was above or at the end of the line of the item it followed::

    tickers: [            tickers:
      # tech                # tech
      AAPL, MSFT,    ->     - AAPL
      # energy              - MSFT
      XOM,                  # energy
    ]                       - XOM

Items keep their text (quotes and all). Anything else (nested collections, anchors, tags, scalars over
several lines, a collection that is a list item) stays as written, and fmt's comment check decides.
"""

from __future__ import annotations

from typing import Any

from lpctl.authoring import comments


def unflow(text: str) -> str:
    """``text`` with each such flow collection in block style; ``text`` itself when there is none."""
    if "#" not in text or not any(c in text for c in "[{"):
        return text
    import yaml

    if not text.endswith("\n"):
        text += "\n"  # libyaml ends the last line with a break of its own
    try:
        events = list(yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    except yaml.YAMLError:
        return text
    starts = [0]
    for row in text.split("\n")[:-1]:
        starts.append(starts[-1] + len(row) + 1)
    edits = []
    stack: list[list[Any]] = []  # per open collection: [is a block mapping, a key next]
    for i, event in enumerate(events):
        name = type(event).__name__
        value_of_key = bool(stack) and stack[-1][0] and not stack[-1][1]
        if name in ("ScalarEvent", "AliasEvent", "MappingStartEvent", "SequenceStartEvent") and stack:
            stack[-1][1] = not stack[-1][1]
        if name in ("MappingStartEvent", "SequenceStartEvent"):
            if event.flow_style and value_of_key and type(events[i - 1]).__name__ == "ScalarEvent":
                edit = _block(text, starts, events, i)
                if edit is not None:
                    edits.append(edit)
            stack.append([name == "MappingStartEvent" and not event.flow_style, True])
        elif name in ("MappingEndEvent", "SequenceEndEvent"):
            stack.pop()
    for begin, end, replacement in reversed(edits):
        text = text[:begin] + replacement + text[end:]
    return text


def _block(text: str, starts: list[int], events: list[Any], at: int) -> tuple[int, int, str] | None:
    """The edit that writes the flow collection starting at ``events[at]`` in block style, or None."""
    key, start = events[at - 1], events[at]
    pairs = type(start).__name__ == "MappingStartEvent"
    found = _scalars(events, at + 1)
    if found is None or (pairs and len(found[0]) % 2):
        return None
    children, close = found

    def offset(mark: Any) -> int:
        return int(starts[mark.line] + mark.column)

    begin, end = offset(start.start_mark), offset(close.end_mark)
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    after = text[end:line_end].strip()
    if "\n" not in text[begin:end] or text[offset(key.end_mark):begin].strip() != ":" or (
            after and not after.startswith("#")):
        return None
    try:
        bounds = [offset(start.end_mark)] + [o for c in children for o in (offset(c.start_mark), offset(c.end_mark))]
        bounds.append(offset(close.start_mark))
        notes = [note for gap in range(0, len(bounds), 2)
                 for note in comments.comments_between(text, bounds[gap], bounds[gap + 1], starts)]
    except comments.Unreadable:
        return None
    if not notes and not after:
        return None
    pad = " " * (key.start_mark.column + 2)
    if pairs:
        items = [f"{_src(text, k, offset)}: {_src(text, v, offset)}" for k, v in zip(children[::2], children[1::2],
                                                                                   strict=True)]
        ends = [v.end_mark.line for v in children[1::2]]
    else:
        items, ends = [f"- {_src(text, c, offset)}" for c in children], [c.end_mark.line for c in children]
    above: list[list[str]] = [[] for _ in range(len(items) + 1)]  # comment lines above each item, and after the last
    eol = [""] * len(items)
    head = ""
    for line, note in notes + ([(close.start_mark.line, after[1:].rstrip())] if after else []):
        done = sum(1 for e in ends if e <= line)  # the items before the comment
        if not done and line == start.start_mark.line:
            head = f"  #{note}"
        elif done and ends[done - 1] == line and not eol[done - 1]:
            eol[done - 1] = f"  #{note}"
        else:
            above[done].append(f"{pad}#{note}")
    lines = [row for n, item in enumerate(items) for row in (*above[n], pad + item + eol[n])] + above[-1]
    return offset(key.end_mark), line_end, ":" + head + "\n" + "\n".join(lines)


def _scalars(events: list[Any], at: int) -> tuple[list[Any], Any] | None:
    """The scalars from ``events[at]`` to the collection's end, and its end; None for anything else."""
    children: list[Any] = []
    for event in events[at:]:
        if type(event).__name__ in ("MappingEndEvent", "SequenceEndEvent"):
            return (children, event) if children else None
        if type(event).__name__ != "ScalarEvent" or event.anchor or event.start_mark.line != event.end_mark.line:
            return None
        children.append(event)
    return None


def _src(text: str, event: Any, offset: Any) -> str:
    return text[offset(event.start_mark):offset(event.end_mark)]
