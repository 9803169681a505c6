"""lpctl.admin.register against a real gRPC server on a loopback port.

``FakeAdmin`` implements the AdminService methods lpctl uses with FlyteAdmin's semantics (reference 4.1,
4.5, 4.6): the workflow must exist, identical structure -> ALREADY_EXISTS, different structure ->
INVALID_ARGUMENT, new launch plans are INACTIVE, activation deactivates the previously active version,
default_inputs are stored augmented with the free workflow inputs, and every call needs the bearer token.
"""

from __future__ import annotations

import base64
import http.server
import json
import os
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

grpc = pytest.importorskip("grpc")

from fake_admin import TOKEN, WF, D, P, Server, serve  # noqa: E402
from flyteidl.admin import launch_plan_pb2  # noqa: E402
from flyteidl.core import identifier_pb2, types_pb2  # noqa: E402
from support import CliResult  # noqa: E402

from lpctl.admin.register import (  # noqa: E402
    AdminClient,
    AuthError,
    RegisteredId,
    RegisterError,
    client_credentials_token,
    register,
    token_from_command,
    token_from_env,
)

LaunchPlan = launch_plan_pb2.LaunchPlan
CLIENT_ID, CLIENT_SECRET = "lpctl-ci", "client&secret/value"

pytestmark = pytest.mark.usefixtures("no_proxies")  # the loopback servers, never a proxy


@pytest.fixture
def server() -> Iterator[Server]:
    with serve() as running:
        running.admin.add_workflow("v1", {"a": types_pb2.INTEGER, "b": types_pb2.STRING})
        yield running


@pytest.fixture
def client(server: Server) -> Iterator[AdminClient]:
    with AdminClient(server.endpoint, insecure=True, token=TOKEN, timeout=5) as c:
        yield c


def make_lp(name: str = "nightly", version: str = "v1", *, a: int = 1, wf_version: str = "v1",
            cron: str | None = None) -> LaunchPlan:
    lp = LaunchPlan()
    lp.id.CopyFrom(identifier_pb2.Identifier(resource_type=identifier_pb2.LAUNCH_PLAN, project=P, domain=D,
                                             name=name, version=version))
    lp.spec.workflow_id.CopyFrom(identifier_pb2.Identifier(resource_type=identifier_pb2.WORKFLOW, project=P,
                                                           domain=D, name=WF, version=wf_version))
    param = lp.spec.default_inputs.parameters["a"]
    param.var.type.simple = types_pb2.INTEGER
    param.var.description = "a"
    param.default.scalar.primitive.integer = a
    lp.spec.fixed_inputs.SetInParent()
    lp.spec.labels.values["team"] = "data"
    lp.spec.annotations.SetInParent()
    lp.spec.raw_output_data_config.SetInParent()
    lp.spec.entity_metadata.SetInParent()
    if cron:
        lp.spec.entity_metadata.schedule.cron_schedule.schedule = cron
    return lp


# -- register -------------------------------------------------------------------------------------------


def test_create_new(server: Server, client: AdminClient) -> None:
    (outcome,) = register(client, [(make_lp(), False)])
    assert (outcome.identity, outcome.status, outcome.activated, outcome.ok) == (
        RegisteredId(P, D, "nightly", "v1"), "created", False, True)
    assert str(outcome.identity) == "flytesnacks/development/nightly@v1"
    assert server.admin.state("nightly", "v1") == "INACTIVE"
    # admin stored the augmented default_inputs (b is a free workflow input)
    assert server.admin.launch_plans[(P, D, "nightly", "v1")].spec.default_inputs.parameters["b"].required


def test_identical_re_register_is_success(server: Server, client: AdminClient) -> None:
    register(client, [(make_lp(), False)])
    (outcome,) = register(client, [(make_lp(), False)])
    assert (outcome.status, outcome.ok, outcome.changes) == ("exists", True, ())
    assert server.admin.calls.count("CreateLaunchPlan") == 2


def test_different_structure_is_a_conflict_with_a_field_diff(server: Server, client: AdminClient) -> None:
    register(client, [(make_lp(a=1), False)])
    (outcome,) = register(client, [(make_lp(a=2, cron="@hourly"), True)])
    assert (outcome.status, outcome.ok, outcome.activated) == ("conflict", False, False)
    assert outcome.message == ("registered with a different structure at version v1; a registered version "
                               "cannot change: register a new version")
    # in spec terms, as lpctl diff shows them; the augmented input "b" that admin added is no difference
    assert outcome.changes == ("default input 'a': 1 -> 2", 'schedule added: cron "@hourly"')
    assert "GetLaunchPlan" in server.admin.calls
    assert "UpdateLaunchPlan" not in server.admin.calls
    assert server.admin.state("nightly", "v1") == "INACTIVE"


def test_missing_workflow_is_an_error(server: Server, client: AdminClient) -> None:
    outcomes = register(client, [(make_lp(wf_version="v404"), True), (make_lp("other"), False)])
    assert [o.status for o in outcomes] == ["error", "created"]
    assert outcomes[0].message.startswith("NOT_FOUND: missing entity of type WORKFLOW with identifier")
    assert 'version:"v404"' in outcomes[0].message
    assert not outcomes[0].ok and not outcomes[0].activated


def test_auto_activate_activates_and_deactivates_the_previous_version(server: Server,
                                                                      client: AdminClient) -> None:
    (first,) = register(client, [(make_lp(version="v1"), True)])
    assert (first.status, first.activated) == ("created", True)
    assert server.admin.state("nightly", "v1") == "ACTIVE"
    (second,) = register(client, [(make_lp(version="v2", a=5), True)])
    assert (second.status, second.activated) == ("created", True)
    assert server.admin.state("nightly", "v2") == "ACTIVE"
    assert server.admin.state("nightly", "v1") == "INACTIVE"


def test_already_existing_launch_plans_are_activated_too(server: Server, client: AdminClient) -> None:
    """As flytekit's raw_register does (reference 2.7); flytectl would not."""
    register(client, [(make_lp(version="v1"), False)])
    register(client, [(make_lp(version="v2"), True)])
    (outcome,) = register(client, [(make_lp(version="v1"), True)])
    assert (outcome.status, outcome.activated) == ("exists", True)
    assert server.admin.state("nightly", "v1") == "ACTIVE"
    assert server.admin.state("nightly", "v2") == "INACTIVE"


def test_dry_run_changes_nothing(server: Server, client: AdminClient) -> None:
    register(client, [(make_lp("same"), False), (make_lp("changed", a=1), False)])
    before = {k: v.SerializeToString(deterministic=True) for k, v in server.admin.launch_plans.items()}
    server.admin.calls.clear()
    outcomes = register(client, [(make_lp("new"), True), (make_lp("same"), True),
                                 (make_lp("changed", a=9), False),
                                 (make_lp("orphan", wf_version="v9"), False)],
                        dry_run=True)
    assert [(o.identity.name, o.status, o.activated) for o in outcomes] == [
        ("new", "would-create", True), ("same", "exists", True), ("changed", "conflict", False),
        ("orphan", "error", False)]
    assert outcomes[0].message == "would create; would activate"
    assert outcomes[2].changes == ("default input 'a': 1 -> 9",)
    assert "not registered" in outcomes[3].message
    assert server.admin.mutations() == []
    after = {k: v.SerializeToString(deterministic=True) for k, v in server.admin.launch_plans.items()}
    assert after == before


def test_a_missing_version_is_refused_before_any_call(server: Server, client: AdminClient) -> None:
    lp = make_lp()
    lp.id.version = ""
    (outcome,) = register(client, [(lp, True)])
    assert outcome.status == "error" and "missing version" in outcome.message
    assert server.admin.calls == []


def test_compiled_samples_register(server: Server, client: AdminClient) -> None:
    """Real compiled launch plans, from the pipeline, through the real server."""
    from support import run_options

    from lpctl.pipeline import run

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    result = run([os.path.join(root, "samples", "auto_activate.yaml")],
                 run_options(version="v1", python_path=(root,)))
    (plan,) = result.plans
    server.admin.add_workflow("v1", {"a": types_pb2.INTEGER, "b": types_pb2.STRING},
                              name=plan.launch_plan.spec.workflow_id.name)
    (outcome,) = register(client, [(plan.launch_plan, plan.auto_activate)])
    assert (outcome.status, outcome.activated) == ("created", True)
    (again,) = register(client, [(plan.launch_plan, plan.auto_activate)])
    assert again.status == "exists"


# -- authentication -------------------------------------------------------------------------------------


def test_the_token_is_sent_as_bearer_metadata(server: Server, client: AdminClient) -> None:
    register(client, [(make_lp(), True)])
    assert server.admin.metadata_seen
    assert all(m.get("authorization") == f"Bearer {TOKEN}" for m in server.admin.metadata_seen)


def test_a_missing_token_is_a_clear_error(server: Server) -> None:
    with AdminClient(server.endpoint, insecure=True, timeout=5) as anonymous, \
            pytest.raises(RegisterError) as info:
        register(anonymous, [(make_lp(), False), (make_lp("other"), False)])
    assert "refused the credentials (UNAUTHENTICATED" in str(info.value)
    assert "--token-env" in str(info.value)
    assert info.value.outcomes == []
    assert server.admin.calls == ["CreateLaunchPlan"]  # stopped at the first refusal


def test_a_wrong_token_is_refused_and_never_shown(server: Server) -> None:
    wrong = "wrong-token-123456"
    with AdminClient(server.endpoint, insecure=True, token=wrong, timeout=5) as c, \
            pytest.raises(RegisterError) as info:
        register(c, [(make_lp(), False)])
    assert wrong not in str(info.value)


def test_the_token_never_appears_in_any_message(server: Server, client: AdminClient) -> None:
    register(client, [(make_lp(a=1), False)])
    outcomes = register(client, [(make_lp(a=1), True), (make_lp(a=2), True), (make_lp(wf_version="v0"), True),
                                 (make_lp("x"), True)])
    outcomes += register(client, [(make_lp("y"), True), (make_lp(a=3), False)], dry_run=True)
    text = repr(outcomes) + "".join(str(o.identity) + o.message + "".join(o.changes) for o in outcomes)
    assert {o.status for o in outcomes} >= {"exists", "conflict", "error", "created", "would-create"}
    assert TOKEN not in text


def test_unreachable_endpoint(server: Server) -> None:
    with AdminClient("127.0.0.1:1", insecure=True, token=TOKEN, timeout=2) as c, \
            pytest.raises(RegisterError, match=r"cannot talk to FlyteAdmin at 127\.0\.0\.1:1 \(UNAVAILABLE") as info:
        register(c, [(make_lp(), False)])
    assert TOKEN not in str(info.value)


def test_token_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LPCTL_TEST_TOKEN", f"  {TOKEN}\n")
    assert token_from_env("LPCTL_TEST_TOKEN") == TOKEN
    monkeypatch.setenv("LPCTL_TEST_TOKEN", "")
    with pytest.raises(AuthError, match="LPCTL_TEST_TOKEN is not set or is empty"):
        token_from_env("LPCTL_TEST_TOKEN")


def test_token_from_command() -> None:
    python = sys.executable
    assert token_from_command([python, "-c", f"print('{TOKEN}')"]) == TOKEN
    assert token_from_command(f"{python} -c \"print('{TOKEN}')\"") == TOKEN
    assert token_from_command(f"echo {TOKEN} | cat") == TOKEN  # shell syntax goes through /bin/sh
    with pytest.raises(AuthError, match="printed no token"):
        token_from_command([python, "-c", "pass"])
    with pytest.raises(AuthError, match="not found"):
        token_from_command(["/nonexistent/lpctl-token-helper"])
    with pytest.raises(AuthError, match=r"did not finish within 0\.5s"):
        token_from_command([python, "-c", "import time; time.sleep(5)"], timeout=0.5)
    with pytest.raises(AuthError) as huge:  # 100 MB took two minutes, remembered for redaction
        token_from_command([python, "-c", "print('a' * 65_536)"])
    assert str(huge.value) == (f"token command {python} printed 65,537 characters, more than a token holds (65,536 "
                               "at most): it must print only the token")
    assert token_from_command([python, "-c", "print('a' * 65_535)"]) == "a" * 65_535


def test_token_command_failures_never_show_the_token() -> None:
    script = f"import sys; print('{TOKEN}'); print('oops {TOKEN}', file=sys.stderr); sys.exit(3)"
    with pytest.raises(AuthError) as info:
        token_from_command([sys.executable, "-c", script])
    assert "exit status 3" in str(info.value) and "oops ***" in str(info.value)
    assert TOKEN not in str(info.value)


# -- client credentials ---------------------------------------------------------------------------------


@dataclass
class TokenServer:
    url: str
    requests: list[dict[str, Any]]


@pytest.fixture
def token_server() -> Iterator[TokenServer]:
    seen: list[dict[str, Any]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            auth = self.headers.get("Authorization", "")
            seen.append({"form": form, "authorization": auth, "path": self.path})
            basic = f"{CLIENT_ID}:{urllib.parse.quote_plus(CLIENT_SECRET)}"
            expected = base64.b64encode(basic.encode()).decode()
            if auth != f"Basic {expected}" or form.get("grant_type") != "client_credentials":
                self._reply(401, {"error": "invalid_client", "error_description": "bad client credentials"})
                return
            self._reply(200, {"access_token": TOKEN, "token_type": "bearer", "expires_in": 3600})

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.timeout = 5
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield TokenServer(f"http://127.0.0.1:{httpd.server_address[1]}/oauth2/token", seen)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def test_client_credentials_token(token_server: TokenServer) -> None:
    token = client_credentials_token(token_server.url, CLIENT_ID, CLIENT_SECRET, ["all"], "lpctl-test",
                                     timeout=5, allow_http=True)
    assert token == TOKEN
    (request,) = token_server.requests
    assert request["form"] == {"grant_type": "client_credentials", "scope": "all", "audience": "lpctl-test"}
    assert request["path"] == "/oauth2/token"


def test_client_credentials_refused_without_echoing_the_secret(token_server: TokenServer) -> None:
    with pytest.raises(AuthError) as info:
        client_credentials_token(token_server.url, CLIENT_ID, "wrong-" + CLIENT_SECRET, timeout=5, allow_http=True)
    message = str(info.value)
    assert "HTTP 401 (invalid_client: bad client credentials)" in message
    assert CLIENT_SECRET not in message and "wrong-" not in message


def test_client_credentials_needs_http(token_server: TokenServer) -> None:
    with pytest.raises(AuthError, match="must be http"):
        client_credentials_token("file:///etc/passwd", CLIENT_ID, CLIENT_SECRET)


def test_unreachable_token_endpoint() -> None:
    with pytest.raises(AuthError, match="cannot reach the token endpoint") as info:
        client_credentials_token("http://127.0.0.1:1/token", CLIENT_ID, CLIENT_SECRET, timeout=2, allow_http=True)
    assert CLIENT_SECRET not in str(info.value)


def test_client_credentials_end_to_end_with_discovery(server: Server, token_server: TokenServer) -> None:
    """Token URL, scopes and audience from the endpoint's AuthMetadataService, then register."""
    server.auth.token_url = token_server.url
    with AdminClient(server.endpoint, insecure=True, timeout=5) as c:
        endpoint = c.token_endpoint()
        assert (endpoint.token_url, endpoint.scopes, endpoint.audience) == (token_server.url, ("all",),
                                                                             "lpctl-test")
        c.set_token(client_credentials_token(endpoint.token_url, CLIENT_ID, CLIENT_SECRET, endpoint.scopes,
                                             endpoint.audience, timeout=5, allow_http=True), endpoint.metadata_key)
        (outcome,) = register(c, [(make_lp(), True)])
    assert (outcome.status, outcome.activated) == ("created", True)


def test_discovery_without_a_token_endpoint(server: Server) -> None:
    with AdminClient(server.endpoint, insecure=True, timeout=5) as c, \
            pytest.raises(AuthError, match="advertises no OAuth2 token endpoint"):
        c.token_endpoint()


# -- without grpcio -------------------------------------------------------------------------------------


def test_without_grpcio(monkeypatch: pytest.MonkeyPatch) -> None:
    import lpctl.admin.register as module

    monkeypatch.setitem(sys.modules, "grpc", None)
    with pytest.raises(RegisterError, match=r"grpcio is not installed: pip install grpcio \(lpctl's register extra\)"):
        module.AdminClient("127.0.0.1:1", insecure=True)


def test_importing_lpctl_register_does_not_import_grpc() -> None:
    import subprocess

    code = ("import sys; sys.modules['grpc'] = None; "
            "import lpctl.admin.register, lpctl.admin.reconcile, lpctl.package; print('ok')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.stdout.strip() == "ok", done.stderr



# -- the command line, end to end against the fake FlyteAdmin ----------------------------------------


def test_lpctl_register_command(server: Server, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from lpctl.cli import app

    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.lpctl]\n")
    (tmp_path / "wfs.py").write_text("def my_workflow(a: int, b: str) -> None: ...\n")
    (tmp_path / "lp.yaml").write_text("apiVersion: lpctl/v1\nkind: LaunchPlan\nname: nightly\n"
                                      "workflow: wfs:my_workflow\ndefault_inputs: {a: 1, b: x}\nauto_activate: true\n")
    server.admin.add_workflow("v1", {"a": types_pb2.INTEGER, "b": types_pb2.STRING}, name="wfs.my_workflow")
    args = ["register", "lp.yaml", "--version", "v1", "--endpoint", server.endpoint, "--insecure", "--token-env", "TK"]
    runner = CliRunner()
    dry = runner.invoke(app, [*args, "--dry-run"], env={"TK": TOKEN}, catch_exceptions=False)
    assert (dry.exit_code, dry.stdout) == (0, "flytesnacks/development/nightly@v1: would create; would activate\n")
    first = runner.invoke(app, args, env={"TK": TOKEN}, catch_exceptions=False)
    assert first.exit_code == 0 and first.stdout.startswith("flytesnacks/development/nightly@v1: created")
    again = runner.invoke(app, args, env={"TK": TOKEN}, catch_exceptions=False)
    assert again.exit_code == 0 and ": exists" in again.stdout
    (tmp_path / "lp.yaml").write_text((tmp_path / "lp.yaml").read_text().replace("a: 1", "a: 2"))
    conflict = runner.invoke(app, args, env={"TK": TOKEN}, catch_exceptions=False)
    assert conflict.exit_code == 1 and ": conflict" in conflict.stdout
    assert TOKEN not in conflict.stdout + conflict.stderr


def test_a_bundle_takes_its_version_from_tool_lpctl_as_specs_do(server: Server, run_cli: Any, in_tmp: Any) -> None:
    """register, plan and apply fill a bundle's placeholder versions from the same merge as a spec's: the flag,
    else [tool.lpctl] version (the error for a bundle with neither names both)."""
    (in_tmp / "wfs.py").write_text("def my_workflow(a: int, b: str) -> None: ...\n")
    (in_tmp / "lp.yaml").write_text("apiVersion: lpctl/v1\nkind: LaunchPlan\nname: nightly\n"
                                    "workflow: wfs:my_workflow\ndefault_inputs: {a: 1, b: x}\nauto_activate: true\n")
    assert run_cli("render", "lp.yaml", "-o", "bundle.json").exit_code == 0  # no version anywhere: placeholders
    server.admin.add_workflow("v7", {"a": types_pb2.INTEGER, "b": types_pb2.STRING}, name="wfs.my_workflow")
    admin = ["--endpoint", server.endpoint, "--insecure", "--token-env", "TK"]
    env = {"TK": TOKEN}
    assert run_cli("register", "bundle.json", *admin, env=env).stderr == (
        "1 file OK: 1 launch plan\nlpctl: launch plan flytesnacks/development/nightly has no version: pass "
        "--version V (or set version in the spec or in [tool.lpctl])\n")
    (in_tmp / "pyproject.toml").write_text('[tool.lpctl]\nversion = "v7"\n')
    assert run_cli("plan", "bundle.json", *admin, env=env) == CliResult(1, (
        "flytesnacks/development\n  + create     nightly@v7: not on the server\n"
        "  ~ activate   nightly@v7: no version of it is active\n1 to create, 1 to activate.\n"),
        "1 file OK: 1 launch plan [settings: pyproject.toml]\n")
    registered = run_cli("register", "bundle.json", *admin, env=env)
    assert registered == CliResult(0, "flytesnacks/development/nightly@v7: created; activated\n",
                                   "1 file OK: 1 launch plan [settings: pyproject.toml]\n")
    assert server.admin.active() == {(P, D, "nightly"): "v7"}
    assert run_cli("apply", "bundle.json", *admin, env=env).exit_code == 0
    assert run_cli("register", "bundle.json", "--version", "v8", *admin, env=env).stdout.startswith(
        "flytesnacks/development/nightly@v8: error: NOT_FOUND: missing entity of type WORKFLOW")  # the flag wins
