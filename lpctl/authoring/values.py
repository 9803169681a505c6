"""Workflow defaults as a spec author writes them: a ``Literal`` back to YAML text.

The inverse of :func:`lpctl.shared.literals.to_literal` for what a default can hold, so that
``lpctl new`` can show ``span: 1h30m`` for ``timedelta(minutes=90)`` and the line, uncommented,
means the same value.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

from lpctl.schedule.durations import format_duration
from lpctl.shared.literals import Literal

#: scalars that stay plain: no YAML indicator, no flow character, nothing another reader retypes
_PLAIN = re.compile(r"[A-Za-z_/.~$][A-Za-z0-9_./@:~$+-]*(?: [A-Za-z0-9_./@~$+-]+)*")
#: plain text that YAML 1.1 readers (PyYAML, older editors) would read as something else
_YAML11 = re.compile(r"(?i)y|n|yes|no|on|off|true|false|null|~|\.inf|\.nan|[-+]?\.inf")
#: the same for YAML 1.2 (lpctl's reader): the core schema's booleans, nulls and special floats
_YAML12 = re.compile(r"true|True|TRUE|false|False|FALSE|null|Null|NULL|~|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")


#: what YAML does not allow raw in a double-quoted scalar, or what lpctl escapes in messages;
#: json.dumps already escapes the C0 controls, quotes and backslashes
_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


class Unshown:
    """A default lpctl cannot write back as YAML (an offloaded or exotic literal)."""

    def __repr__(self) -> str:
        return "<unshown>"


UNSHOWN = Unshown()


def literal_value(lit: Literal) -> Any:
    """The YAML-level value of a literal: str, int, float, bool, None, list, dict or UNSHOWN."""
    from lpctl.shared.decode import literal_value as decoded

    return _yaml_level(decoded(lit))


def _yaml_level(value: Any) -> Any:
    from lpctl.shared.decode import Opaque

    if isinstance(value, list):
        return [_yaml_level(item) for item in value]
    if isinstance(value, dict):
        return {key: _yaml_level(item) for key, item in value.items()}
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.timedelta):
        return format_duration(value)
    return UNSHOWN if isinstance(value, Opaque) else value


def flow_yaml(value: Any) -> str:
    """``value`` as one line of YAML (flow style), read back by lpctl as the same value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str):
        return scalar_text(value)
    if isinstance(value, list):
        return "[" + ", ".join(flow_yaml(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar_text(str(k))}: {flow_yaml(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no YAML form for {type(value).__name__}")


def block_yaml(value: list[Any] | dict[Any, Any], indent: int) -> list[str]:
    """A list or a mapping as block YAML lines at ``indent``, each item in flow style: what fmt keeps for a
    value under a key two spaces to the left (list dashes two spaces under their key)."""
    pad = " " * indent
    if isinstance(value, list):
        return [f"{pad}- {flow_yaml(item)}" for item in value]
    return [f"{pad}{scalar_text(str(k))}: {flow_yaml(v)}" for k, v in value.items()]


def _float(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    return text if any(c in text for c in ".en") else text + ".0"


def scalar_text(text: str) -> str:
    """A string plain when every YAML reader takes it as that string, else double-quoted."""
    if needs_quotes(text):
        return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))
    return text


def key_text(text: str) -> str:
    """A mapping key: plain unless lpctl (YAML 1.2) would read it as something else.

    Keys are names (inputs, labels), so YAML 1.1's ``y``/``n``/``on`` stay plain, as they do
    after ``lpctl fmt``.
    """
    if _YAML11.fullmatch(text) and not _YAML12.fullmatch(text):
        return text
    return scalar_text(text)


def needs_quotes(text: str) -> bool:
    """Whether plain ``text`` would read as something else (a number, bool, null, date) or not parse."""
    if not _PLAIN.fullmatch(text) or _YAML11.fullmatch(text) or text.endswith(":") or ": " in text:
        return True
    return _looks_numeric(text)


def _looks_numeric(text: str) -> bool:
    # numbers of YAML 1.1 and 1.2 (1_000, 0x1f, 0o17, 1:30, 1e3) and timestamps start with a digit,
    # a sign or a dot followed by a digit; _PLAIN already refuses a leading digit or sign
    return bool(re.fullmatch(r"\.[0-9].*", text))
