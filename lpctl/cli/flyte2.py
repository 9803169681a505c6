"""The Flyte 2 half of plan and apply: where the triggers' server is and how lpctl authenticates there."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lpctl.cli.options import Server

if TYPE_CHECKING:
    from lpctl.admin.apikey import ApiKey
    from lpctl.admin.flyte2_client import Flyte2Client


@dataclass(frozen=True)
class Flyte2:
    """Where the Flyte 2 server for the specs' triggers is (None: --endpoint), and its organization."""

    endpoint: str | None = None
    org: str | None = None
    #: the environment variable holding a Flyte 2 API key, the Flyte 2 server's credentials
    api_key_env: str | None = None


@contextlib.contextmanager
def flyte2_client(target: Server, endpoint: str, key: ApiKey | None = None,
                  key_var: str = "") -> Iterator[Flyte2Client]:
    """A connected, authenticated Flyte 2 client: with the API key ``key``, else ``target``'s credentials."""
    from lpctl.admin.apikey import authenticate_api_key
    from lpctl.admin.auth import Credentials, authenticate
    from lpctl.admin.flyte2_client import Flyte2Client

    with Flyte2Client(endpoint, insecure=target.insecure) as client:
        client.list_timeout = target.list_timeout
        if key is not None:
            authenticate_api_key(client, key, endpoint, key_var, target.token_url)
        else:
            authenticate(client, Credentials(target.token_env, target.token_command, target.client_id,
                                             target.client_secret_env, target.token_url))
        yield client
