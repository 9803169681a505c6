"""Texts of protobuf messages remembered by their bytes, for :mod:`lpctl.accel.protojson`.

Most launch plans of a repository repeat their workflow's parameters, types, labels and schedules: the text of
such a submessage is kept the second time it is written and then found by the message's bytes (equal bytes,
equal message, equal text). A type whose messages are mostly new is soon no longer remembered, and what is
kept has a bound (4 MB: as fast on the 10,000 benchmark plans as 16 MB kept from the first sighting).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: writes a value as JSON text; ``pad`` is "\n" and the indentation of the line the value starts on
Write = Callable[[Any, str], str]

#: the memory remembered texts may take, all types together (characters and bytes, and about what Python
#: adds per entry; a key seen once takes about _SEEN), the longest text remembered, and the new messages
#: after which a type seen again less than a quarter of the time stops being remembered
_ROOM = 4_000_000
_ENTRY = 200
_SEEN = 80
_LONGEST = 4096
_TRIAL = 256
_room = [_ROOM]


def forget() -> None:
    """Give all the room back (the writers holding texts are dropped by their owner)."""
    _room[0] = _ROOM


def remembered(write: Write) -> Write:
    """``write``, remembering the texts of messages seen before (by their bytes: equal bytes, equal message),
    for as long as they come back: most plans repeat their workflow's parameters, types and identifiers.
    A text is kept the second time its message is seen, so that room goes to what comes back."""
    texts: dict[tuple[bytes, str], str] = {}
    seen: set[int] = set()  # hashes of the keys seen once
    tries = hits = 0
    on = True

    def remembered(message: Any, pad: str) -> str:
        nonlocal tries, hits, on
        if not on:
            return write(message, pad)
        key = (message.SerializePartialToString(), pad)
        text = texts.get(key)
        if text is not None:
            hits += 1
            return text
        text = write(message, pad)
        tries += 1
        _keep(texts, seen, key, text)
        if tries == _TRIAL and 4 * hits < tries:  # mostly new messages: stop asking
            on = False
            _room[0] += sum(len(text) + len(key[0]) + _ENTRY for key, text in texts.items()) + _SEEN * len(seen)
            texts.clear()
            seen.clear()
        return text
    return remembered


def _keep(texts: dict[tuple[bytes, str], str], seen: set[int], key: tuple[bytes, str], text: str) -> None:
    digest = hash(key)
    if digest not in seen:
        if _room[0] >= _SEEN:
            seen.add(digest)
            _room[0] -= _SEEN
        return
    size = len(text) + len(key[0]) + _ENTRY
    if len(text) <= _LONGEST and _room[0] >= size:
        texts[key] = text
        _room[0] -= size
