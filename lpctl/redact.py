"""Secrets out of every text lpctl shows: one function, :func:`redact`, for errors, debug output and JSON.

A bearer token or an OAuth2 client secret can come back in a server's answer in many shapes: as
it is, URL-quoted (a form body), or base64-encoded inside something longer (``Bearer <token>`` in
a header a proxy echoes, ``<id>:<secret>`` in HTTP Basic credentials). :func:`secret_forms` lists
them: the plain forms (as they are, URL-quoted, escaped inside a JSON string), the exact base64 of each
``context`` (``Bearer <token>``), and, for base64 of *any* text that holds the secret, the part of the
encoding that only the secret's bytes decide, at each of the three alignments a byte string can have in
base64 (standard and URL-safe). Replacing
those leaves at most the two characters at each end of the secret's encoding, which carry a few of
its bits, never the secret.

Credentials are :func:`remember`-ed as soon as lpctl holds them; every message, every JSON document
and every traceback text then goes through :func:`redact` before it is shown (stdlib only: the CLI
imports this at start-up).
"""

from __future__ import annotations

import base64
import json
import urllib.parse
from collections.abc import Callable

#: what replaces a secret
MASK = "***"
#: shorter forms are not replaced: they would mask ordinary words
_MIN_PLAIN = 4
_MIN_ENCODED = 8

_remembered: set[str] = set()


def secret_forms(secret: str, *contexts: str) -> list[str]:
    """Every way ``secret`` can appear in a message (see the module's text), longest first.

    ``contexts``: texts the secret is sent inside (``"Bearer <token>"``, ``"<id>:<secret>"``), whose
    whole base64 encodings are masked too; a context without the secret in it is read as a prefix
    (``"<id>"``: the HTTP Basic pair ``<id>:<form>`` of each plain form)."""
    if not secret:
        return []
    plain = {secret, urllib.parse.quote_plus(secret), urllib.parse.quote(secret, safe=""),
             urllib.parse.quote(secret), *_json_forms(secret)}
    wrapped = {c for c in contexts if secret in c}
    wrapped |= {f"{c}:{form}" for c in contexts if secret not in c for form in plain}
    forms = {f for f in plain if len(f) >= _MIN_PLAIN}
    for text in plain | wrapped:
        data = text.encode()
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            whole = encode(data).decode()
            forms |= {whole, whole.rstrip("=")}
            if text in plain:
                forms |= _aligned_cores(data, encode)
    return sorted((f for f in forms if len(f) >= _MIN_PLAIN), key=len, reverse=True)


def _json_forms(secret: str) -> set[str]:
    """The secret inside a JSON string, as lpctl's documents (redacted after they are encoded) and a server's
    JSON error body write it: ``"`` and ``\\`` escaped, non-ASCII kept or escaped."""
    return {json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}


def _aligned_cores(data: bytes, encode: Callable[[bytes], bytes]) -> set[str]:
    """The base64 characters that only ``data`` decides, wherever it starts in the encoded text."""
    cores = set()
    for shift in range(3):
        encoded = encode(b"\0" * shift + data).decode()
        first = 1 if shift else 0  # the first 3-byte group wholly inside ``data``
        last = (shift + len(data)) // 3  # one past the last whole group
        core = encoded[4 * first:4 * last]
        if len(core) >= _MIN_ENCODED:
            cores.add(core)
    return cores


def remember(secret: str | None, *contexts: str) -> None:
    """From now on, :func:`redact` masks ``secret`` in every form (a no-op for None or empty)."""
    if secret:
        _remembered.update(secret_forms(secret, *contexts))


def forget_all() -> None:
    """Drop every remembered secret (tests; a process holds its credentials to the end)."""
    _remembered.clear()


def redact(text: str, *secrets: str | None) -> str:
    """``text`` with every remembered secret and each of ``secrets`` masked, in every form."""
    forms = set(_remembered)
    for secret in secrets:
        if secret:
            forms.update(secret_forms(secret))
    if not forms:
        return text
    for form in sorted(forms, key=len, reverse=True):
        if form in text:
            text = text.replace(form, MASK)
    return text
