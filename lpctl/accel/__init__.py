"""lpctl's accelerators, fenced in one package behind one switch.

Each module here does, faster, what a library of the user's named stack does, and gives the same
answers or bytes (tests hold each to its reference, with the switch on and off):

- :mod:`~lpctl.accel.blockyaml` reads the plain block style line by line, flow collections on one line and
  comments included, with :mod:`~lpctl.accel.blockvalues` (reference: ruamel.yaml; the libyaml composer in
  :mod:`lpctl.spec.fastcompose` is a second fast path, also switched off);
- :mod:`~lpctl.accel.fastschema` says "valid" without jsonschema, with the Python functions
  :mod:`~lpctl.accel.schemagen` writes from the schema (reference: jsonschema);
- :mod:`~lpctl.accel.protojson` writes a message's bundle text in one pass from per-type plans (reference:
  ``json_format.MessageToDict``, then ``json.dumps(indent=2, sort_keys=True)``), with
  :mod:`~lpctl.accel.remember` keeping the texts of submessages that come back;
- :mod:`~lpctl.accel.fmtlayout` says a spec is already in ``lpctl fmt``'s layout from its lines (reference:
  fmt's ruamel round trip);
- :mod:`~lpctl.accel.workers` spreads a ``--locked`` run over processes (reference: one process).

``LPCTL_NO_ACCEL=1`` in the environment turns every one of them off: lpctl then runs the reference
code alone (slower, never different). For a suspected accelerator bug, and for the tests.
"""

from __future__ import annotations

import os

SWITCH = "LPCTL_NO_ACCEL"


def on() -> bool:
    """Whether the accelerators run (read each time: a test may change the environment)."""
    return os.environ.get(SWITCH, "") in ("", "0")
