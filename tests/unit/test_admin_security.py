"""Hostile servers and secrets (issue 14, "Registration"): no secret sent over plain http or after a
redirect, every encoding of the client secret redacted, server text escaped, a failure half-way reported
as done / failed / not attempted, ALREADY_EXISTS not trusted, ``register --format json``."""

from __future__ import annotations

import base64
import http.server
import json
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

grpc = pytest.importorskip("grpc")

from fake_admin import TOKEN, WF, D, P, Server, serve  # noqa: E402
from flyteidl.admin import launch_plan_pb2  # noqa: E402
from flyteidl.core import identifier_pb2, types_pb2  # noqa: E402
from support import CliResult  # noqa: E402

from lpctl.admin.auth import client_credentials_token, secret_forms  # noqa: E402
from lpctl.admin.client import (  # noqa: E402
    AdminClient,
    AuthError,
    RegisteredId,
)
from lpctl.admin.register import register  # noqa: E402
from lpctl.admin.text import server_text  # noqa: E402

CLIENT_ID = "lpctl-ci"
SECRET = "p@ss w+rd/&=secret"


pytestmark = pytest.mark.usefixtures("no_proxies")  # the loopback servers, never a proxy


# -- a scriptable HTTP token endpoint -------------------------------------------------------------------


@dataclass
class Http:
    url: str
    seen: list[dict[str, str]] = field(default_factory=list)
    reply: Callable[[dict[str, str]], tuple[int, dict[str, str], bytes]] = lambda request: (500, {}, b"")


@contextmanager
def http_server() -> Iterator[Http]:
    """A token endpoint on a free loopback port; ``reply`` decides each answer."""
    box: list[Http] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            request = {"path": self.path, "authorization": self.headers.get("Authorization", ""),
                       "body": self.rfile.read(length).decode()}
            box[0].seen.append(request)
            status, headers, body = box[0].reply(request)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box.append(Http(f"http://127.0.0.1:{httpd.server_address[1]}/oauth2/token"))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield box[0]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def token_reply(token: str) -> Callable[[dict[str, str]], tuple[int, dict[str, str], bytes]]:
    return lambda request: (200, {"Content-Type": "application/json"},
                            json.dumps({"access_token": token, "token_type": "bearer"}).encode())


# -- client credentials ---------------------------------------------------------------------------------


def test_the_secret_is_never_sent_over_plain_http() -> None:
    with http_server() as endpoint:
        endpoint.reply = token_reply(TOKEN)
        with pytest.raises(AuthError) as info:
            client_credentials_token(endpoint.url, CLIENT_ID, SECRET, timeout=5)
        assert str(info.value) == (f"refusing to send the client secret over plain http to {endpoint.url}; use an "
                                   "https token URL (--token-url), or --insecure for a local test server")
        assert endpoint.seen == []
        assert client_credentials_token(endpoint.url, CLIENT_ID, SECRET, timeout=5, allow_http=True) == TOKEN


def test_a_redirect_to_another_host_gets_no_credentials_and_its_token_is_not_used() -> None:
    with http_server() as elsewhere, http_server() as endpoint:
        elsewhere.reply = token_reply("token-from-elsewhere")
        other = elsewhere.url.replace("127.0.0.1", "localhost")
        endpoint.reply = lambda request: (302, {"Location": other}, b"")
        with pytest.raises(AuthError) as info:
            client_credentials_token(endpoint.url, CLIENT_ID, SECRET, timeout=5, allow_http=True)
        assert str(info.value) == (f"the token endpoint {endpoint.url} redirected (302) to {other}; lpctl does "
                                   "not follow redirects with credentials: give the final URL with --token-url")
        assert len(endpoint.seen) == 1 and elsewhere.seen == []


def test_every_encoding_of_the_secret_is_redacted() -> None:
    basic = base64.b64encode(f"{CLIENT_ID}:{urllib.parse.quote_plus(SECRET)}".encode()).decode()
    echoed = [SECRET, urllib.parse.quote_plus(SECRET), urllib.parse.quote(SECRET, safe=""), basic,
              base64.b64encode(SECRET.encode()).decode()]
    assert len(set(echoed)) == 5

    def echo(request: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        description = f"bad {request['authorization']} " + " ".join(echoed) + " " + request["body"]
        return 401, {"Content-Type": "application/json"}, json.dumps(
            {"error": "invalid_client", "error_description": description}).encode()

    with http_server() as endpoint:
        endpoint.reply = echo
        with pytest.raises(AuthError) as info:
            client_credentials_token(endpoint.url, CLIENT_ID, SECRET, timeout=5, allow_http=True)
    message = str(info.value)
    assert message.startswith(f"the token endpoint {endpoint.url} refused client 'lpctl-ci': HTTP 401 "
                              "(invalid_client: bad Basic *** *** *** *** *** *** grant_type=client_credentials")
    assert not any(form in message for form in secret_forms(SECRET, CLIENT_ID))
    assert "secret" not in message.replace("client_credentials", "")


def test_oauth_error_text_is_escaped() -> None:
    with http_server() as endpoint:
        endpoint.reply = lambda request: (400, {}, json.dumps({"error": "bad\x1b[2J\nforged"}).encode())
        with pytest.raises(AuthError) as info:
            client_credentials_token(endpoint.url, CLIENT_ID, SECRET, timeout=5, allow_http=True)
    assert str(info.value).endswith("HTTP 400 (bad\\x1b[2J\\nforged)")


def test_server_text() -> None:
    assert server_text("ok: caf\u00e9 \u4e2d") == "ok: caf\u00e9 \u4e2d"
    assert server_text("a\x1b[2J\r\n\tb\x00\x7f\x9b\u202e\u2028") == (
        "a\\x1b[2J\\r\\n\\tb\\x00\\x7f\\x9b\\u202e\\u2028")
    assert server_text("x" * 50, limit=10) == "xxxxxxx..."


# -- register against the fake FlyteAdmin ---------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[Server]:
    with serve() as running:
        running.admin.add_workflow("v1", {"a": types_pb2.INTEGER}, name=WF)
        yield running


@pytest.fixture
def client(server: Server) -> Iterator[AdminClient]:
    with AdminClient(server.endpoint, insecure=True, token=TOKEN, timeout=5) as c:
        yield c


def make_lp(name: str, team: str = "data") -> launch_plan_pb2.LaunchPlan:
    lp = launch_plan_pb2.LaunchPlan()
    lp.id.CopyFrom(identifier_pb2.Identifier(resource_type=identifier_pb2.LAUNCH_PLAN, project=P, domain=D,
                                             name=name, version="v1"))
    lp.spec.workflow_id.CopyFrom(identifier_pb2.Identifier(resource_type=identifier_pb2.WORKFLOW, project=P,
                                                           domain=D, name=WF, version="v1"))
    param = lp.spec.default_inputs.parameters["a"]
    param.var.type.simple = types_pb2.INTEGER
    param.default.scalar.primitive.integer = 1
    lp.spec.labels.values["team"] = team
    return lp


def test_already_exists_is_not_trusted(server: Server, client: AdminClient) -> None:
    """Only the labels differ: FlyteAdmin answers ALREADY_EXISTS "identical structure" and keeps its own."""
    register(client, [(make_lp("nightly"), True)])
    (outcome,) = register(client, [(make_lp("nightly", team="ml"), True)])
    assert (outcome.status, outcome.ok, outcome.activated) == ("conflict", False, False)
    assert outcome.changes == ("labels: ~ team: data -> ml",)
    assert outcome.message.endswith("register a new version")
    assert server.admin.launch_plans[(P, D, "nightly", "v1")].spec.labels.values["team"] == "data"
    assert server.admin.calls[-2:] == ["CreateLaunchPlan", "GetLaunchPlan"]


def test_a_failure_half_way_says_what_was_done(server: Server, client: AdminClient) -> None:
    server.admin.fail_on("CreateLaunchPlan", 3, grpc.StatusCode.UNAVAILABLE, "connection reset")
    outcomes = register(client, [(make_lp(f"lp{i}"), True) for i in range(5)])
    assert [(o.identity.name, o.status, o.activated) for o in outcomes] == [
        ("lp0", "created", True), ("lp1", "created", True), ("lp2", "failed", False),
        ("lp3", "not-attempted", False), ("lp4", "not-attempted", False)]
    assert outcomes[2].message == f"cannot talk to FlyteAdmin at {server.endpoint} (UNAVAILABLE: connection reset)"
    assert server.admin.active() == {(P, D, "lp0"): "v1", (P, D, "lp1"): "v1"}
    rerun = register(client, [(make_lp(f"lp{i}"), True) for i in range(5)])
    assert [o.status for o in rerun] == ["exists", "exists", "created", "created", "created"]


def test_server_messages_are_escaped(server: Server, client: AdminClient) -> None:
    server.admin.fail_on("CreateLaunchPlan", 1, grpc.StatusCode.INTERNAL, "boom\x1b[2J\nlp9: created")
    (outcome,) = register(client, [(make_lp("nightly"), False)])
    assert (outcome.status, outcome.message) == ("error", "INTERNAL: boom\\x1b[2J\\nlp9: created")


# -- the command line -----------------------------------------------------------------------------------


SPEC = """apiVersion: lpctl/v1
kind: LaunchPlan
name: nightly
workflow: wfs_secure:my_workflow
default_inputs: {a: 1}
labels: {team: data}
auto_activate: true
"""


@pytest.fixture
def repo(in_tmp: Any) -> Any:
    (in_tmp / "wfs_secure.py").write_text("def my_workflow(a: int) -> None: ...\n")
    (in_tmp / "lp.yaml").write_text(SPEC)
    (in_tmp / "more.yaml").write_text(SPEC.replace("nightly", "weekly") + "---\n" + SPEC.replace("nightly", "zz"))
    return in_tmp


def test_register_format_json_and_half_way(run_cli: Callable[..., CliResult], server: Server, repo: Any) -> None:
    server.admin.add_workflow("v1", {"a": types_pb2.INTEGER}, name="wfs_secure.my_workflow")
    args = ["register", "lp.yaml", "more.yaml", "--version", "v1", "--endpoint", server.endpoint, "--insecure",
            "--token-env", "TK"]
    server.admin.fail_on("UpdateLaunchPlan", 2, grpc.StatusCode.DEADLINE_EXCEEDED, "slow")
    result = run_cli(*args, "--format", "json", env={"TK": TOKEN})
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert (document["version"], document["command"], document["ok"]) == (1, "register", False)
    assert document["summary"] == "1 created, 1 failed, 1 not attempted"
    assert [(o["name"], o["status"], o["message"]) for o in document["outcomes"]] == [
        ("nightly", "created", "created; activated"),
        ("weekly", "failed", "created, but activating it failed: cannot talk to FlyteAdmin at "
                             f"{server.endpoint} (DEADLINE_EXCEEDED: slow)"),
        ("zz", "not-attempted", "not attempted: the run stopped before it")]

    text = run_cli(*args, env={"TK": TOKEN})
    assert (text.exit_code, text.stdout) == (0, (
        "flytesnacks/development/nightly@v1: exists: already registered with identical structure; activated\n"
        "flytesnacks/development/weekly@v1: exists: already registered with identical structure; activated\n"
        "flytesnacks/development/zz@v1: created; activated\n"))
    assert server.admin.active() == {(P, D, n): "v1" for n in ("nightly", "weekly", "zz")}


def test_register_unreachable_is_exit_2(run_cli: Callable[..., CliResult], repo: Any) -> None:
    result = run_cli("register", "lp.yaml", "--version", "v1", "--endpoint", "127.0.0.1:1", "--insecure")
    assert result.exit_code == 2
    assert "lpctl: cannot talk to FlyteAdmin at 127.0.0.1:1 (UNAVAILABLE: " in result.stderr


def test_identity_text() -> None:
    assert str(RegisteredId(P, D, "n", "v")) == "flytesnacks/development/n@v"


def test_values_from_the_server_in_a_conflict_are_escaped(server: Server, client: AdminClient) -> None:
    register(client, [(make_lp("nightly", team="d\x9b2J\x1b[31m"), False)])
    (outcome,) = register(client, [(make_lp("nightly"), False)])
    assert outcome.changes == ("labels: ~ team: d\\x9b2J\\x1b[31m -> data",)


@pytest.mark.parametrize("token", ["abc\ndef", "tok\x01en", "t\u00f6ken", "two words"])
def test_a_token_no_header_can_carry_is_refused_before_any_call(run_cli: Callable[..., CliResult], server: Server,
                                                                 repo: Any, token: str) -> None:
    """gRPC said "FlyteAdmin refused to list the launch plans (INTERNAL: Invalid metadata)": lpctl's
    token, not the server, was at fault."""
    result = run_cli("plan", "lp.yaml", "--version", "v1", "--endpoint", server.endpoint, "--insecure",
                     "--token-env", "TK", env={"TK": token})
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith("lpctl: environment variable TK holds characters a bearer token cannot have "
                                  "(white space, control or non-ASCII characters): it must hold only the token\n")
    assert server.admin.calls == []


def test_a_secret_inside_a_json_document_is_masked() -> None:
    """lpctl's JSON documents are redacted once encoded: a secret holding a quote, a backslash or a non-ASCII
    character is written escaped there, and must be masked in that form too."""
    from lpctl.redact import forget_all, redact, remember

    secret = 'pa"ss\\w\u00f6rd-1234'
    remember(secret)
    try:
        for ensure_ascii in (False, True):
            shown = redact(json.dumps({"error": f"the server said: bad secret {secret}"}, ensure_ascii=ensure_ascii))
            assert json.loads(shown) == {"error": "the server said: bad secret ***"}
    finally:
        forget_all()


def test_a_token_endpoint_that_trickles_its_answer_is_bounded_by_the_timeout() -> None:
    """urllib's timeout bounds each read of the socket: a byte every half second kept lpctl waiting for
    days (1 MiB of answer allowed). The whole answer is now bounded by the timeout."""
    import socket
    import time

    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))

    def trickle() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9999\r\n\r\n")
            while not stop.wait(0.2):
                connection.sendall(b" ")

    server = threading.Thread(target=trickle, daemon=True)
    server.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/token"
    started = time.monotonic()
    try:
        with pytest.raises(AuthError) as raised:
            client_credentials_token(url, CLIENT_ID, SECRET, timeout=1, allow_http=True)
        assert time.monotonic() - started < 5
        assert str(raised.value) == f"the token endpoint {url} did not answer within 1s"
    finally:
        stop.set()
        server.join()
        listener.close()
