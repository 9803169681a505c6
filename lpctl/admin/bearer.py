"""What every server client shares (FlyteAdmin's, Flyte 2's): the bearer token it sends and closing it.

The token is sent as ``<metadata key>: Bearer <token>``; it is remembered for redaction
(:func:`lpctl.redact.remember`) whenever it is set, so that no output path can print it.
"""

from __future__ import annotations

from typing import TypeVar

from lpctl.redact import remember

_C = TypeVar("_C", bound="BearerClient")


class BearerClient:
    """A client holding a bearer token and its metadata key; a context manager that closes it."""

    _token: str | None
    _metadata_key: str

    def set_token(self, token: str | None, metadata_key: str | None = None) -> None:
        remember(token, f"Bearer {token}")
        self._token = token
        if metadata_key:
            self._metadata_key = metadata_key.lower()

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
