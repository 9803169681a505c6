"""lpctl plan and apply against a hostile Flyte 2 server: answers that would cost lpctl its memory (a
compressed bomb, an oversized page) are refused unread, with exit 2, a JSON document under --format json,
and nothing written to the server (tests/fake_flyte2.py's ``raw`` answers)."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

pytest.importorskip("connectrpc")
pytest.importorskip("flyte")

from fake_flyte2 import D, P, Served, against, serve_tasks
from flyte2_repo import REPORT, TRAIN, write_repo
from support import CliResult

Run = Callable[..., CliResult]
pytestmark = pytest.mark.usefixtures("no_proxies")  # the loopback servers, never a proxy
PROTO = ("Content-Type", "application/proto")


@pytest.fixture
def server() -> Iterator[Served]:
    with serve_tasks(TRAIN, REPORT) as running:
        yield running


@pytest.fixture
def lpctl(run_cli: Run, server: Served, in_tmp: Any) -> Run:
    write_repo(in_tmp)
    base = against(run_cli, server)
    return lambda command, *args: base(command, "--version", "v1", *args)


def _listing(answer: tuple[str, list[tuple[str, str]], bytes]) -> Callable[[str], Any]:
    return lambda method: answer if method == "ListTriggers" else None


def _refused(result: CliResult, why: str) -> None:
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith(f"lpctl: the Flyte 2 server refused to list the triggers ({why})\n")


def test_a_compressed_answer_is_refused_unread(lpctl: Run, server: Served) -> None:
    """lpctl asks for no compression; a gzip answer anyway (8 MiB of zeros in 8 KiB here; 2 GiB in 2 MB took 6 GB
    of memory and a minute before) is refused without unpacking it."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = packer.compress(bytes(8 << 20)) + packer.flush()
    server.backend.raw = _listing(("200 OK", [PROTO, ("Content-Encoding", "gzip")], bomb))
    why = "INTERNAL: unknown encoding 'gzip'; accepted encodings are identity"
    for command in ("plan", "apply"):
        _refused(lpctl(command), why)
        document = json.loads(lpctl(command, "--format", "json").stdout)
        assert (document["exitCode"], document["error"], document["outcomes"]) == (
            2, f"the Flyte 2 server refused to list the triggers ({why})", [])
    assert server.backend.writes() == [] and server.backend.state() == {}
    server.backend.raw = None
    assert lpctl("plan").exit_code == 1
    assert {h.get("accept-encoding") for h in server.backend.headers_seen} == {"identity"}


def test_an_answer_past_the_bound_is_refused_undecoded(lpctl: Run, server: Served) -> None:
    """A page of 17 MiB (300,000 rows where 100 were asked for) is refused, not decoded into a million messages."""
    from flyteidl2.trigger import trigger_definition_pb2

    row = trigger_definition_pb2.Trigger(active=True)
    row.id.name.project, row.id.name.domain, row.id.name.task_name, row.id.name.name = P, D, TRAIN, "flood"
    encoded = row.SerializeToString()
    entry = b"\x0a" + bytes([len(encoded)]) + encoded  # ListTriggersResponse.triggers, field 1
    server.backend.raw = _listing(("200 OK", [PROTO], entry * ((17 << 20) // len(entry))))
    _refused(lpctl("plan", "--prune"), "RESOURCE_EXHAUSTED: message is larger than configured max 16777216")
    assert server.backend.writes() == []


def test_a_token_url_that_is_no_url_is_refused(run_cli: Run, server: Served, in_tmp: Any) -> None:
    """The server's OAuth2 metadata names the token URL: an unclosed IPv6 bracket there ended the run with an
    internal error (exit 3); it is refused (exit 2), and the client secret goes nowhere."""
    write_repo(in_tmp)
    server.auth.token_url = "https://x]/token"
    result = run_cli("plan", "triggers.yaml", "--version", "v1", "--endpoint", server.endpoint, "--insecure",
                     "--client-id", "lpctl-ci", "--client-secret-env", "SECRET", env={"SECRET": "cl1ent-s3cret"})
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith("lpctl: the token URL is not a URL: https://x]/token (Invalid IPv6 URL)\n")
    assert server.backend.calls == ["GetOAuth2Metadata", "GetPublicClientConfig"]


@pytest.mark.parametrize(("endpoint", "why"), [("[::1", "Invalid IPv6 URL"),
                                               ("http://127.0.0.1:99999999", "Port out of range 0-65535")])
def test_an_endpoint_that_is_no_url_is_a_usage_error(run_cli: Run, in_tmp: Any, endpoint: str, why: str) -> None:
    write_repo(in_tmp)
    result = run_cli("plan", "triggers.yaml", "--version", "v1", "--endpoint", endpoint, "--insecure",
                     "--format", "json")
    assert result.exit_code == 2
    message = f"endpoint {endpoint} is not a host:port or URL ({why})"
    assert result.stderr.endswith(f"lpctl: {message}\n")
    assert (json.loads(result.stdout)["error"], json.loads(result.stdout)["exitCode"]) == (message, 2)


def test_an_api_key_for_no_host_is_refused(run_cli: Run, server: Served, in_tmp: Any) -> None:
    import base64

    write_repo(in_tmp)
    key = base64.b64encode(b"x]:lpctl-ci:k3y-s3cret:acme").decode()
    result = run_cli("plan", "triggers.yaml", "--version", "v1", "--endpoint", server.endpoint, "--insecure",
                     "--api-key-env", "K", env={"K": key})
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith(f"lpctl: the API key in K is for x], not {server.endpoint}: lpctl sends its secret "
                                  "only to the server it was issued for\n")
    assert "k3y-s3cret" not in result.stderr and server.backend.calls == []


def test_a_redirect_is_named_and_not_followed(lpctl: Run, server: Served) -> None:
    """An HTTP redirect (an ingress sending http to https, a moved server) read "refused to list the triggers
    (UNKNOWN: Found)"; it stops the run and says what to give instead. Nothing follows it."""
    server.backend.raw = _listing(("302 Found", [("Location", "http://elsewhere.example/steal")], b""))
    for command in ("plan", "apply"):
        result = lpctl(command)
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr.endswith(
            f"lpctl: cannot talk to the Flyte 2 server at http://{server.endpoint} (UNAVAILABLE: it answered HTTP "
            "302 Found, a redirect); lpctl follows none (credentials must not reach another host): give the "
            "address it redirects to with --endpoint\n")
    assert server.backend.writes() == []


def test_fields_newer_than_lpctl_are_no_change(lpctl: Run, server: Served) -> None:
    """A server newer than lpctl's flyteidl2 sends fields lpctl does not know: the triggers planned as updates
    ("schedule: cron {...} -> cron {...}", the same text) after every apply, and each apply redeployed them,
    dropping the server's field. What lpctl cannot read is left out of the comparison."""
    assert lpctl("apply").exit_code == 0
    unknown = b"\xf8\x3f\x01"  # field 1023, a varint

    def newer(method: str, response: Any) -> Any:
        if method == "GetTriggerDetails":
            spec = response.trigger.spec
            response.trigger.automation_spec.schedule.MergeFromString(unknown)
            spec.run_spec.MergeFromString(unknown)
            spec.run_spec.labels.MergeFromString(unknown)
            spec.inputs.MergeFromString(unknown)
        return response

    server.backend.tamper = newer
    planned = lpctl("plan")
    assert (planned.exit_code, planned.stdout) == (0, "No changes: the server matches the specs.\n")
    assert lpctl("apply").exit_code == 0 and server.backend.writes().count("DeployTrigger") == 3
