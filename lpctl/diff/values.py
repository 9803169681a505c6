"""Literals (protobuf JSON) as readable, JSON-able values: ``"apac"``, ``3``, ``[1, 2]``, ``1h30m``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from lpctl.diff.changes import Bare

# -- literals -> readable values ----------------------------------------------------------------


def readable(literal: Any) -> Any:
    """A literal (protobuf JSON) as a JSON-able value: ``"apac"``, ``3``, ``[1, 2]``, ``1h30m``; what is not
    a literal stays as it is. Decoded by :mod:`lpctl.shared.decode`, shown here."""
    from lpctl.shared.decode import json_literal_value

    try:
        return _shown(json_literal_value(literal))
    except ValueError:
        return literal


def _shown(value: Any) -> Any:
    from google.protobuf import timestamp_pb2

    from lpctl.schedule.durations import format_duration
    from lpctl.shared.decode import Opaque

    if isinstance(value, list):
        return [_shown(v) for v in value]
    if isinstance(value, dict):
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):  # a msgpack payload that is not JSON: shown by kind only
            return Bare("<dict>")
        return {k: _shown(v) for k, v in value.items()}
    if isinstance(value, dt.datetime):
        stamp = timestamp_pb2.Timestamp()
        stamp.FromDatetime(value)
        return Bare(stamp.ToJsonString())
    if isinstance(value, dt.timedelta):
        return Bare(format_duration(value))
    if isinstance(value, Opaque):
        return Bare(value.what)
    return value


