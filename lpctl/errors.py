"""Operational failures: the run cannot go on (exit 2). Problems in the specs are diagnostics."""

from __future__ import annotations


class LpctlError(Exception):
    """Base of every error lpctl raises on purpose."""


class PathError(LpctlError):
    """A path named on the command line cannot be read."""


class OutputError(LpctlError):
    """An output file cannot be written."""


class UsageError(LpctlError):
    """The options do not fit together."""
