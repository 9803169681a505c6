"""lpctl's accelerators, fenced in one package behind one switch.

Each module here does, faster, what a library of the user's named stack does, and gives the same
answers or bytes (tests hold each to its reference, with the switch on and off):

- :mod:`~lpctl.accel.blockyaml` reads the plain block style line by line (reference: ruamel.yaml; the
  libyaml composer in :mod:`lpctl.spec.load` is a second fast path, also switched off);
- :mod:`~lpctl.accel.fastschema` says "valid" without jsonschema, with the Python functions
  :mod:`~lpctl.accel.schemagen` writes from the schema (reference: jsonschema);
- :mod:`~lpctl.accel.protojson` is ``json_format.MessageToDict`` from per-type plans;
- :mod:`~lpctl.accel.jsonencode` is ``json.dumps(indent=2, sort_keys=True)`` without the pure-Python encoder;
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
