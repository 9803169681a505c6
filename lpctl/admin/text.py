"""Text that came from a server, made safe to show (pure).

A FlyteAdmin error message, a launch plan name listed by the server, an OAuth error body: any of
them can hold terminal escape sequences (``\\x1b[2J``), carriage returns or newlines that would
forge lines of lpctl's own output. Everything lpctl shows that a server wrote goes through
:func:`server_text` once, where it enters lpctl; a time a server sent goes through :func:`server_time`.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timezone
from typing import Any

#: the longest piece of server text shown; the rest is cut with an ellipsis
MAX_SERVER_TEXT = 2000


def server_text(text: str, limit: int = MAX_SERVER_TEXT) -> str:
    """``text`` with every control, format or line-separator character escaped (``\\x1b``, ``\\n``,
    ``\\u202e``), cut to ``limit`` characters."""
    out = "".join(_escape(ch) for ch in text[: limit + 1])
    return out if len(out) <= limit else out[: limit - 3] + "..."


def server_time(stamp: Any) -> datetime | None:
    """A protobuf ``Timestamp`` a server sent, as an aware UTC datetime; None when it is outside what a
    datetime holds (years 1-9999, nanos past a second), which only a broken server sends."""
    try:
        moment: datetime = stamp.ToDatetime(timezone.utc)
    except (ValueError, OverflowError):
        return None
    return moment


def _escape(ch: str) -> str:
    if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp"):
        return ch
    code = ord(ch)
    if ch in "\n\r\t":
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
