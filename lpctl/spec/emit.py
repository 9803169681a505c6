"""What lpctl writes never holds an invisible character raw.

The round-trip emitter of the files lpctl rewrites (``fmt``, ``migrate``): a value holding an invisible
format character (U+202E RIGHT-TO-LEFT OVERRIDE, U+200B ZERO WIDTH SPACE, U+00AD SOFT HYPHEN, ... Unicode's
category Cf) is written double-quoted with escapes, never raw.

ruamel writes such a character as it is (YAML counts it printable): ``name: "x\\u202e"``, reviewable, became
``name: "x<U+202E>"``, which a pull request's diff shows as ``"x"`` while the text around it reads reversed
(the "Trojan Source" trick). Only such a value changes: everything else is written as ruamel writes it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def has_invisible(text: str) -> bool:
    """Whether ``text`` holds a format character (category Cf) other than the byte-order mark, which ruamel
    escapes itself."""
    return any(unicodedata.category(ch) == "Cf" and ch != "\ufeff" for ch in text)


def visible_json(text: str) -> str:
    """JSON text (a bundle, a lock) with each format character escaped (``\\u202e``): the same value, since
    outside strings JSON is ASCII. A text that is all ASCII is returned as it is, at once."""
    if text.isascii():
        return text
    return _NON_ASCII.sub(_escaped, text)


def _escaped(found: re.Match[str]) -> str:
    ch = found.group()
    return json.dumps(ch)[1:-1] if unicodedata.category(ch) == "Cf" and ch != "\ufeff" else ch


def visible_emitter() -> type:
    """A subclass of ruamel's round-trip emitter (ruamel's own class stays untouched for every other user)."""
    from ruamel.yaml.emitter import Emitter

    class VisibleEmitter(Emitter):
        def analyze_scalar(self, scalar: Any) -> Any:
            analysis = super().analyze_scalar(scalar)
            if isinstance(scalar, str) and has_invisible(scalar):  # only double quotes can escape it
                analysis.allow_flow_plain = analysis.allow_block_plain = False
                analysis.allow_single_quoted = analysis.allow_block = False
            return analysis

        def write_double_quoted(self, text: Any, split: Any = True) -> None:
            if not has_invisible(text):
                super().write_double_quoted(text, split)
                return
            # ruamel escapes every character outside ASCII when unicode is not allowed: in this value only
            saved, self.allow_unicode = self.allow_unicode, False
            try:
                super().write_double_quoted(text, split)
            finally:
                self.allow_unicode = saved

    return VisibleEmitter
