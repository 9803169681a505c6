"""A compiled yes/no check of the spec schema, for the common case: a valid document.

jsonschema builds an error object at every branch it tries and imports a third of a second of
modules; most documents are valid, and for them all lpctl needs is "valid". The schema is turned,
once (at the first check, never at import), into plain Python functions that answer exactly that
(:mod:`lpctl.accel.schemagen` writes them), with jsonschema's own semantics for every keyword the
schema uses (Draft 2020-12; the ``integer`` type as lpctl redefines it: an ``int`` that is not a
``bool``). A document it finds invalid goes to jsonschema, which says why.

The answer is exact, not a guess: tests compare it with jsonschema's on generated, mutated and
hostile documents and on generated schemas. A keyword it does not know makes :func:`is_valid`
always defer (``None``), so a schema change can never make it wrong, only slower.
"""

from __future__ import annotations

import functools
from typing import Any

from lpctl.accel.schemagen import Check, Compiler, Unsupported, Unsure


def is_valid(data: Any) -> bool | None:
    """Whether ``data`` is valid against the spec schema; None when only jsonschema can tell."""
    check = _compiled()
    if check is None:
        return None
    try:
        return check(data)
    except (Unsure, RecursionError):
        return None


@functools.cache
def _compiled() -> Check | None:
    from lpctl.spec.schema import shared_schema

    try:
        return compile_schema(shared_schema())
    except Unsupported:
        return None


def compile_schema(schema: Any) -> Check:
    """A function telling whether an instance is valid against ``schema`` (whose ``$ref``s point into
    itself); raises Unsupported for a keyword or ``$ref`` it does not implement."""
    return Compiler(schema).build()


def source(schema: Any) -> str:
    """The Python source :func:`compile_schema` generates, as one module defining ``check`` (to read)."""
    return Compiler(schema).source()
