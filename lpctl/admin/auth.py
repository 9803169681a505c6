"""Credentials for FlyteAdmin: a bearer token from the environment or a command, or OAuth2 client
credentials (returns tokens; prints nothing).

Secrets never leave through a message: each is remembered by :mod:`lpctl.redact` as soon as it is
read, and every error text passes through :func:`lpctl.redact.redact`, which masks every encoding of it
(raw, ``quote_plus``, ``quote``, base64 of the Basic header and of any text holding it). The client
secret is sent only over https (plain http only with ``allow_http``, which
``--insecure`` gives) and never after a redirect: a token endpoint that redirects is refused, so the
``Authorization`` header cannot reach another host and no token from there is used.
"""

from __future__ import annotations

import base64
import json
import os
import shlex
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any, NoReturn, Protocol

from lpctl.admin.client import DEFAULT_TIMEOUT, AuthError, TokenEndpoint
from lpctl.admin.text import server_text
from lpctl.redact import redact, remember, secret_forms

__all__ = ["AuthError", "Credentials", "authenticate", "client_credentials_token", "redact", "secret_forms",
           "token_from_command", "token_from_env"]

_MAX_TOKEN_RESPONSE = 1024 * 1024
_SHELL_CHARS = frozenset("|&;<>()$`*?[]{}~\n")
#: the longest output of --token-command taken as a token (a JWT with many claims is a few KiB)
MAX_TOKEN_CHARS = 64 * 1024


@dataclass(frozen=True)
class Credentials:
    """How to authenticate, as the command line gives it (at most one of the three ways; the command line
    checks that)."""

    token_env: str | None = None
    token_command: str | None = None
    client_id: str | None = None
    client_secret_env: str | None = None
    token_url: str | None = None


class Authenticated(Protocol):
    """A client that carries a token: FlyteAdmin's (gRPC) or Flyte 2's (Connect)."""

    @property
    def insecure(self) -> bool: ...

    def set_token(self, token: str | None, metadata_key: str | None = None) -> None: ...

    def token_endpoint(self) -> TokenEndpoint: ...


def authenticate(client: Authenticated, credentials: Credentials) -> None:
    """Give ``client`` the token ``credentials`` lead to (none: calls go unauthenticated)."""
    if credentials.token_env:
        client.set_token(token_from_env(credentials.token_env))
    elif credentials.token_command:
        client.set_token(token_from_command(credentials.token_command))
    elif credentials.client_id:
        found = TokenEndpoint(credentials.token_url) if credentials.token_url else client.token_endpoint()
        secret = token_from_env(credentials.client_secret_env or "")
        client.set_token(client_credentials_token(found.token_url, credentials.client_id, secret, found.scopes,
                                                  found.audience, allow_http=client.insecure),
                         found.metadata_key)


def token_from_env(var: str) -> str:
    token = os.environ.get(var, "").strip()
    if not token:
        raise AuthError(f"environment variable {var} is not set or is empty")
    remember(token, f"Bearer {token}")
    return usable(token, f"environment variable {var}")


def usable(token: str, source: str) -> str:
    """``token`` if an Authorization header can carry it (printable ASCII, one word); else an AuthError that
    says where it came from (gRPC would say "Invalid metadata", as if the server had refused it)."""
    if any(not "!" <= c <= "~" for c in token):
        raise AuthError(f"{source} holds characters a bearer token cannot have (white space, control or "
                        "non-ASCII characters): it must hold only the token")
    return token


def token_from_command(command: str | Sequence[str], *, timeout: float = DEFAULT_TIMEOUT) -> str:
    """Run ``command`` and use its standard output, stripped, as the token.

    A string is split like a shell would (``shlex``) and run directly; it goes through ``/bin/sh -c``
    only if it uses shell syntax (pipes, ``$VAR``, redirections, ...).
    """
    if isinstance(command, str):
        argv = ["/bin/sh", "-c", command] if _SHELL_CHARS & set(command) else shlex.split(command)
    else:
        argv = list(command)
    if not argv:
        raise AuthError("the token command is empty")
    shown = argv[0] if argv[0] != "/bin/sh" else "/bin/sh -c ..."
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False,
                              stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise AuthError(f"token command not found: {argv[0]}") from None
    except PermissionError:
        raise AuthError(f"token command is not executable: {argv[0]}") from None
    except subprocess.TimeoutExpired:
        raise AuthError(f"token command {shown} did not finish within {timeout:g}s") from None
    if len(done.stdout) > MAX_TOKEN_CHARS:  # before it is remembered for redaction, which costs a second a MB
        raise AuthError(f"token command {shown} printed {len(done.stdout):,} characters, more than a token holds "
                        f"({MAX_TOKEN_CHARS:,} at most): it must print only the token")
    token = done.stdout.strip()
    remember(token, f"Bearer {token}")
    if done.returncode != 0:
        lines = redact(done.stderr, token, *token.split()).strip().splitlines()
        detail = f": {server_text(lines[-1], 200)}" if lines else ""
        raise AuthError(f"token command {shown} failed with exit status {done.returncode}{detail}")
    if not token:
        raise AuthError(f"token command {shown} printed no token")
    if any(c.isspace() for c in token):
        raise AuthError(f"token command {shown} printed more than one word; it must print only the token")
    return usable(token, f"the output of token command {shown}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """urllib would re-send the Authorization header to wherever a redirect points: refuse them all."""

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: Any, newurl: str) -> NoReturn:
        raise urllib.error.HTTPError(req.full_url, code, f"redirect to {newurl}", headers, fp)


def client_credentials_token(token_url: str, client_id: str, client_secret: str,
                             scopes: Sequence[str] = (), audience: str | None = None, *,
                             timeout: float = DEFAULT_TIMEOUT, allow_http: bool = False) -> str:
    """OAuth2 client-credentials grant (RFC 6749 4.4) as flytekit sends it: HTTP Basic client auth with
    ``client_id:quote_plus(client_secret)``, form ``grant_type=client_credentials[&scope][&audience]``."""
    shown = server_text(token_url, 300)
    try:
        scheme = urllib.parse.urlsplit(token_url).scheme.lower()
    except ValueError as e:  # the server's metadata names it: an unclosed [IPv6 address, say
        raise AuthError(f"the token URL is not a URL: {shown} ({e})") from None
    if scheme not in ("http", "https"):
        raise AuthError(f"the token URL must be https: {shown}")
    if scheme == "http" and not allow_http:
        raise AuthError(f"refusing to send the client secret over plain http to {shown}; use an https token "
                        "URL (--token-url), or --insecure for a local test server")
    form = {"grant_type": "client_credentials"}
    if scopes:
        form["scope"] = " ".join(scopes)
    if audience:
        form["audience"] = audience
    basic = base64.b64encode(f"{client_id}:{urllib.parse.quote_plus(client_secret)}".encode()).decode()
    request = urllib.request.Request(
        token_url, data=urllib.parse.urlencode(form).encode(), method="POST",
        headers={"Authorization": f"Basic {basic}", "Accept": "application/json", "Cache-Control": "no-cache",
                 "Content-Type": "application/x-www-form-urlencoded"})
    remember(client_secret, client_id)
    body = _post(request, shown, client_id, timeout)
    try:
        token = json.loads(body)["access_token"]
    except (ValueError, KeyError, TypeError):
        raise AuthError(f"the token endpoint {shown} answered without an access_token") from None
    if not isinstance(token, str) or not token:
        raise AuthError(f"the token endpoint {shown} answered without an access_token")
    return usable(token, f"the access_token of the token endpoint {shown}")


def _post(request: urllib.request.Request, shown: str, client_id: str, timeout: float) -> bytes:
    """The token endpoint's answer, within ``timeout`` in all: urllib's own timeout bounds each read of the
    socket, and a server that trickles its answer a byte at a time would keep lpctl waiting for days."""
    outcome: list[bytes | BaseException] = []

    def call() -> None:
        try:
            outcome.append(_post_now(request, shown, client_id, timeout))
        except BaseException as e:  # raised again in the caller's thread
            outcome.append(e)

    thread = threading.Thread(target=call, name="lpctl-token-request", daemon=True)
    thread.start()
    thread.join(timeout)
    if not outcome:
        raise AuthError(f"the token endpoint {shown} did not answer within {timeout:g}s")
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _post_now(request: urllib.request.Request, shown: str, client_id: str, timeout: float) -> bytes:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            body: bytes = response.read(_MAX_TOKEN_RESPONSE)
            return body
    except urllib.error.HTTPError as e:
        with e:
            if 300 <= e.code < 400:
                message = (f"the token endpoint {shown} redirected ({e.code}) to "
                           f"{server_text(redact(e.headers.get('Location', '?')), 300)}; lpctl does not follow "
                           "redirects with credentials: give the final URL with --token-url")
            else:
                reason = _oauth_error(e.read(_MAX_TOKEN_RESPONSE) if e.fp else b"")
                message = (f"the token endpoint {shown} refused client {client_id!r}: HTTP {e.code}"
                           + (f" ({reason})" if reason else ""))
        raise AuthError(redact(message)) from None
    except (urllib.error.URLError, OSError) as e:
        reason = redact(str(e.reason if isinstance(e, urllib.error.URLError) else e.strerror or e))
        raise AuthError(f"cannot reach the token endpoint {shown}: {server_text(reason, 300)}") from None


def _oauth_error(body: bytes) -> str:
    """``error: error_description`` of an OAuth error body, secrets redacted before it is cut short."""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    parts = [server_text(redact(str(data[k])), 200) for k in ("error", "error_description")
             if data.get(k)]
    return ": ".join(parts)
