"""Moving the keys of a ruamel mapping into the spec format's order, each with the comments above it.

ruamel keeps the comment lines between two keys at the end of the first key's value (or, after a flow
collection in a block list, at the end of that list), and those above a mapping's first key with the
mapping; before reordering they are detached and put back above the key they precede.
"""

from __future__ import annotations

from typing import Any


def reorder(node: Any, order: list[str], *, root: bool = False) -> None:
    """``node``'s keys in ``order`` (others after them, as written); at a document's ``root``, the comment
    lines above its first key up to a blank line are the file's header, and stay on top."""
    keys = list(node)
    rank = {k: i for i, k in enumerate(order)}
    wanted = sorted(keys, key=lambda k: (rank.get(str(k), len(order)), keys.index(k)))
    if wanted == keys:
        return
    leading = {keys[i]: _take_after(node, keys[i - 1]) for i in range(1, len(keys))}
    trailing = _take_after(node, keys[-1])
    if wanted[0] != keys[0]:
        # the comment lines above the first key live with the mapping (and its parent's key, the same
        # list): they go with that key, and the new first key's lines take their place
        if not node.ca.comment or len(node.ca.comment) < 2 or node.ca.comment[1] is None:
            node.ca.comment = [None, []]
        above_first = node.ca.comment[1]
        lines = "".join(" " * t.column + str(t.value) for t in above_first)
        cut = lines.rfind("\n\n") + 2 if root and "\n\n" in lines else 0
        header, leading[keys[0]] = lines[:cut], lines[cut:]
        above_first[:] = []
        first = header + leading.pop(wanted[0], "")
        if first:
            above_first.append(_token(first))
    for key in wanted:
        node.move_to_end(key)
    for i, key in enumerate(wanted):
        if leading.get(key):
            _append_after(node, wanted[i - 1] if i else key, leading[key])
    if trailing:
        _append_after(node, wanted[-1], trailing)


def _token(lines: str) -> Any:
    """A comment token of full lines, its first line's indentation as the token's column."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    text = lines.lstrip(" ")
    return CommentToken(text, CommentMark(len(lines) - len(text)), None)


def _tail(node: Any, key: Any) -> tuple[Any, Any, int]:
    """Where the comment after ``node[key]`` is kept: (container, key or index, slot)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    value = node[key]
    block = isinstance(value, (CommentedMap, CommentedSeq)) and len(value) and not value.fa.flow_style()
    if isinstance(value, CommentedMap) and block:
        return _tail(value, list(value)[-1])
    if isinstance(value, CommentedSeq) and block:
        return _tail(value, len(value) - 1)
    return node, key, 0 if isinstance(node, CommentedSeq) else 2


def _take_after(node: Any, key: Any) -> str:
    """Detach the full comment lines after ``node[key]``'s line; its own end-of-line comment stays."""
    container, where, slot = _tail(node, key)
    entry = container.ca.items.get(where)
    token = entry[slot] if entry and len(entry) > slot else None
    taken = ""
    if token is not None:
        own, newline, rest = token.value.partition("\n")
        if rest:
            taken = str(rest)
            if own.strip():
                token.value = own + newline
            else:
                entry[slot] = None
    for ends in _ends(node, key):  # after a flow collection in a block list, the list keeps the lines
        taken += "".join(" " * t.column + str(t.value) for t in ends)
        del ends[:]
    return taken


def _ends(node: Any, key: Any) -> list[Any]:
    """The end-comment lists of the block collections ``node[key]`` ends with, innermost first."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    value = node[key]
    if not isinstance(value, (CommentedMap, CommentedSeq)) or not len(value) or value.fa.flow_style():
        return []
    inner = _ends(value, list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1)
    ends = getattr(value.ca, "end", None)
    return [*inner, ends] if ends else inner


def _append_after(node: Any, key: Any, lines: str) -> None:
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    container, where, slot = _tail(node, key)
    entry = container.ca.items.setdefault(where, [None, None, None, None])
    token = entry[slot]
    if token is None:
        entry[slot] = CommentToken("\n" + lines, CommentMark(0), None)
    else:
        token.value = token.value + lines
