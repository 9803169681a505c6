"""Durations: the compact form (``90m``, ``1h30m``), ISO 8601 (``PT1H30M``) and flytekit's FixedRate units.

Decisions (the spec leaves these open):

* Compact form: ``[-+]`` then one or more ``<number><unit>`` with units ``w d h m s`` (lower case
  only: ``M`` could be read as months), largest unit first, each unit at most once, no spaces.
  Numbers may have a decimal part (``1.5h`` is 90 minutes). A bare number (``90``) is refused: its
  unit would be a guess.
* ISO 8601: ``[-+]P[nY][nM][nW][nD][T[nH][nM][nS]]``. :func:`parse_duration` accepts the designators
  in any case (``pt1h``: the leading ``P`` makes it unambiguous) but refuses years and months, which
  have no fixed length. :func:`is_iso8601_duration` is strict: upper case only (flytekit's offset
  regex is upper case only), at least one component, at least one after ``T``, so ``P`` and ``PT``
  are refused although flytekit accepts them.
* Weeks may be combined with other components (``P1W2D``): ISO 8601-1:2019 allows it and so does
  flytekit's regex.
* Only the last component may have a fraction (``.`` or ``,``), and only a time component: flytekit's
  offset regex allows no ``.`` or ``,`` before ``T``. Precision finer than a microsecond is refused.
* A leading ``-`` negates the whole duration (``-PT30M``, ``-1h30m``).
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

__all__ = ["fixed_rate_units", "format_duration", "is_iso8601_duration", "parse_duration"]

_NUM = r"[0-9]+"
_FRACTION = r"[0-9]+(?:[.,][0-9]+)?"
_ISO = re.compile(
    rf"(?P<sign>[-+])?P(?:(?P<Y>{_NUM})Y)?(?:(?P<MO>{_NUM})M)?(?:(?P<W>{_NUM})W)?(?:(?P<D>{_NUM})D)?"
    rf"(?:(?P<T>T)(?:(?P<H>{_FRACTION})H)?(?:(?P<MI>{_FRACTION})M)?(?:(?P<S>{_FRACTION})S)?)?"
)
_ISO_GROUPS = ("Y", "MO", "W", "D", "H", "MI", "S")

_COMPACT_UNITS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}
_COMPACT_COMPONENT = re.compile(r"([0-9]+(?:\.[0-9]+)?|\.[0-9]+)([a-zA-Z]+)")
_COMPACT_SHAPE = re.compile(r"[-+]?(?:(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)[a-zA-Z]+)+")

_MICROS_PER_SECOND = 1_000_000
_UINT32_MAX = 2**32 - 1
_EXAMPLES = "write e.g. '90m', '1h30m', '2d' or ISO 8601 'PT1H30M'"


def _iso_match(text: str) -> re.Match[str] | None:
    """The match if ``text`` has the strict ISO shape (components present, fraction last only)."""
    match = _ISO.fullmatch(text)
    if match is None:
        return None
    present = [name for name in _ISO_GROUPS if match.group(name) is not None]
    if not present:
        return None
    if match.group("T") is not None and not any(match.group(n) for n in ("H", "MI", "S")):
        return None
    for name in present[:-1]:
        value = match.group(name)
        if "." in value or "," in value:
            return None
    return match


def is_iso8601_duration(text: str) -> bool:
    """Strict ISO 8601 duration (upper case); a subset of what flytekit's offset check accepts."""
    return _iso_match(text) is not None


def _to_timedelta(seconds: Decimal, text: str) -> timedelta:
    micros = seconds * _MICROS_PER_SECOND
    if micros != micros.to_integral_value():
        raise ValueError(f'"{text}" is more precise than a microsecond')
    try:
        return timedelta(microseconds=int(micros))
    except OverflowError:
        raise ValueError(f'"{text}" is too long a duration') from None


def _parse_iso(text: str) -> timedelta:
    match = _iso_match(text.upper())
    if match is None:
        raise ValueError(f'"{text}" is not a valid ISO 8601 duration; {_EXAMPLES}')
    if match.group("Y") is not None or match.group("MO") is not None:
        raise ValueError(
            f"\"{text}\": months and years have no fixed length; write days instead (e.g. 'P30D')"
        )
    factors = {"W": 7 * 86400, "D": 86400, "H": 3600, "MI": 60, "S": 1}
    total = Decimal(0)
    for name, factor in factors.items():
        value = match.group(name)
        if value is not None:
            total += Decimal(value.replace(",", ".")) * factor
    if match.group("sign") == "-":
        total = -total
    return _to_timedelta(total, text)


def _parse_compact(text: str) -> timedelta:
    body = text[1:] if text[:1] in ("+", "-") else text  # the caller checked the shape: one sign at most
    total = Decimal(0)
    previous_rank = -1
    ranks = list(_COMPACT_UNITS)
    for match in _COMPACT_COMPONENT.finditer(body):
        number, unit = match.groups()
        if unit not in _COMPACT_UNITS:
            if unit.lower() in _COMPACT_UNITS:
                raise ValueError(f'"{text}": write the unit "{unit}" in lower case')
            raise ValueError(f'"{text}": unknown unit "{unit}" (use w, d, h, m or s)')
        rank = ranks.index(unit)
        if rank <= previous_rank:
            raise ValueError(
                f'"{text}": units must go from largest to smallest (w, d, h, m, s), each at most once'
            )
        previous_rank = rank
        total += Decimal(number) * _COMPACT_UNITS[unit]
    if text.startswith("-"):
        total = -total
    return _to_timedelta(total, text)


def parse_duration(text: str) -> timedelta:
    """Parse ``90m``, ``1h30m``, ``1.5h``, ``-2d``, ``PT1H30M``, ``P1DT2H``, ``P2W``, ``-PT0.5S``.

    Raises ValueError with a readable message for anything else, and for ISO months and years.
    """
    stripped = text.strip()
    if not stripped:
        raise ValueError(f"the duration is empty; {_EXAMPLES}")
    if stripped.lstrip("+-")[:1] in ("P", "p"):
        return _parse_iso(stripped)
    if re.fullmatch(r"[-+]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)", stripped):
        raise ValueError(f'"{stripped}" has no unit; write e.g. "{stripped}m" or "{stripped}s"')
    if not _COMPACT_SHAPE.fullmatch(stripped):
        joined = "".join(stripped.split())
        if joined != stripped and _COMPACT_SHAPE.fullmatch(joined):
            raise ValueError(f"\"{stripped}\": remove the spaces ('{joined}')")
        raise ValueError(f'"{stripped}" is not a duration; {_EXAMPLES}')
    return _parse_compact(stripped)


def fixed_rate_units(delta: timedelta) -> tuple[int, str]:
    """flytekit's FixedRate conversion: the largest exact unit among DAY, HOUR and MINUTE.

    ``2h -> (2, "HOUR")``, ``90m -> (90, "MINUTE")``, ``25h -> (25, "HOUR")``, ``7d -> (7, "DAY")``.
    Raises ValueError for zero or negative durations (FlyteAdmin never schedules a rate of 0), for
    anything that is not a whole number of minutes, and for values over FixedRate.value's uint32.
    """
    if delta <= timedelta(0):
        raise ValueError(f"a fixed rate must be positive, got {format_duration(delta)}")
    if delta.microseconds != 0 or delta.seconds % 60 != 0:
        raise ValueError(
            f"{format_duration(delta)} is not a whole number of minutes; "
            "fixed rates are counted in minutes, hours or days"
        )
    seconds = delta.days * 86400 + delta.seconds
    if seconds % 86400 == 0:
        value, unit = seconds // 86400, "DAY"
    elif seconds % 3600 == 0:
        value, unit = seconds // 3600, "HOUR"
    else:
        value, unit = seconds // 60, "MINUTE"
    if value > _UINT32_MAX:
        raise ValueError(
            f"{format_duration(delta)} is too long for a fixed rate: "
            f"{value} {unit.lower()}s exceeds FixedRate's 32-bit limit ({_UINT32_MAX})"
        )
    return value, unit


def format_duration(delta: timedelta) -> str:
    """Compact form for messages: ``1h30m``, ``2d``, ``45s``, ``1.5s``, ``-30m``, ``0s``.

    :func:`parse_duration` reads it back to the same timedelta.
    """
    if delta < timedelta(0):
        return "-" + format_duration(-delta)
    total_micros = (delta.days * 86400 + delta.seconds) * _MICROS_PER_SECOND + delta.microseconds
    if total_micros == 0:
        return "0s"
    seconds, micros = divmod(total_micros, _MICROS_PER_SECOND)
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{minutes}m" if minutes else ""]
    if micros:
        parts.append(f"{seconds}.{micros:06d}".rstrip("0") + "s")
    elif seconds:
        parts.append(f"{seconds}s")
    return "".join(parts)


_GO_PART = re.compile(r"([0-9]*)(?:\.([0-9]*))?(ns|us|\u00b5s|\u03bcs|ms|s|m|h)")
_GO_UNITS = {"ns": 1, "us": 10**3, "\u00b5s": 10**3, "\u03bcs": 10**3, "ms": 10**6, "s": 10**9, "m": 60 * 10**9,
             "h": 3600 * 10**9}


def every_delay(duration: str) -> timedelta:
    """How often robfig/unionai cron fires ``@every <duration>``: Go's ``time.ParseDuration``, then ``Every``,
    which runs a delay under a second (zero and negative too) every second and drops the fraction of a second.
    Raises ValueError when ParseDuration refuses the text (a duration over 2562047h47m16s overflows)."""
    text = duration[1:] if duration[:1] in "+-" else duration
    negative = duration.startswith("-")
    if text == "0":
        return timedelta(seconds=1)
    total, at = 0, 0
    while at < len(text):
        part = _GO_PART.match(text, at)
        if part is None or not (part.group(1) or part.group(2)):
            raise ValueError(f'"{duration}" is not a Go duration')
        unit = _GO_UNITS[part.group(3)]
        fraction = part.group(2) or ""
        total += int(part.group(1) or 0) * unit + int(fraction or 0) * unit // 10 ** len(fraction)
        at = part.end()
    if total > 2**63 - (0 if negative else 1):
        raise ValueError(f'"{duration}" overflows Go\'s time.Duration (at most 2562047h47m16s)')
    seconds = 0 if negative else total // 10**9
    return timedelta(seconds=max(seconds, 1))
