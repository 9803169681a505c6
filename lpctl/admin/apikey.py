"""Flyte 2 API keys (flyte-sdk's ``FLYTE_API_KEY``): the base64 of ``endpoint:client_id:client_secret:org``,
used as OAuth2 client credentials against the server it names (returns tokens; prints nothing).

The secret goes only to the token endpoint of the server the key was issued for: a key whose endpoint is
not the one lpctl talks to is refused, never tried. No message holds the key or its secret.
"""

from __future__ import annotations

import base64
import binascii
import os
from typing import NamedTuple
from urllib.parse import urlsplit

from lpctl.admin.auth import Authenticated, client_credentials_token
from lpctl.admin.client import AuthError, TokenEndpoint
from lpctl.admin.text import server_text
from lpctl.redact import remember


class ApiKey(NamedTuple):
    endpoint: str
    client_id: str
    secret: str
    #: "" when the key names none (flyte-sdk writes "None")
    org: str


def read_api_key(var: str) -> ApiKey:
    """The API key in environment variable ``var``, decoded as flyte-sdk's ``decode_api_key`` does."""
    value = os.environ.get(var, "").strip()
    if not value:
        raise AuthError(f"environment variable {var} is not set or is empty")
    remember(value)
    try:
        parts = base64.b64decode(value.encode("ascii"), validate=True).decode("utf-8").split(":", 3)
    except (binascii.Error, UnicodeError, ValueError):
        parts = []
    if len(parts) != 4 or not all(parts[:3]):
        raise AuthError(f"environment variable {var} does not hold a Flyte 2 API key (the base64 of "
                        "endpoint:client_id:client_secret:org, as 'flyte create api-key' prints it)")
    endpoint, client_id, secret, org = parts
    remember(secret)
    return ApiKey(endpoint, client_id, secret, "" if org in ("", "None") else org)


def _host(endpoint: str) -> str:
    """The host name an endpoint names (a key holds no port: flyte-sdk splits it on the first colons)."""
    if endpoint.startswith("dns:///"):
        endpoint = endpoint[len("dns:///"):]
    try:
        return (urlsplit(endpoint if "://" in endpoint else f"//{endpoint}").hostname or "").lower()
    except ValueError:  # an unclosed [IPv6 address: no host, so the key is refused for any endpoint
        return ""


def authenticate_api_key(client: Authenticated, key: ApiKey, endpoint: str, var: str,
                         token_url: str | None = None) -> None:
    """Client credentials from ``key`` for ``client`` (at ``endpoint``), the token URL asked from the server
    (or ``token_url``)."""
    if not _host(key.endpoint) or _host(key.endpoint) != _host(endpoint):
        raise AuthError(f"the API key in {var} is for {server_text(key.endpoint, 200)}, not {endpoint}: lpctl sends "
                        "its secret only to the server it was issued for")
    found = TokenEndpoint(token_url) if token_url else client.token_endpoint()
    client.set_token(client_credentials_token(found.token_url, key.client_id, key.secret, found.scopes,
                                              found.audience, allow_http=client.insecure), found.metadata_key)
