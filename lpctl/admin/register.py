"""Create and activate launch plans through FlyteAdmin's gRPC API (returns outcomes; prints nothing).

What FlyteAdmin does, and so what this module relies on (reference 2.7, 4.5, 4.6, 5.2, 5.3):

- ``CreateLaunchPlan`` of an existing ``(project, domain, name, version)`` answers ``ALREADY_EXISTS``
  when the structure is identical (a success, as for flytekit and flytectl) and ``INVALID_ARGUMENT``
  ``... with different structure already exists ...`` otherwise (a conflict: a new version is needed).
- A workflow that is not registered gives ``NOT_FOUND missing entity of type WORKFLOW ...``.
- New launch plans are stored ``INACTIVE``. ``UpdateLaunchPlan(state=ACTIVE)`` activates one version and
  deactivates the previously active version of the same name. Like flytekit (and unlike flytectl) a launch
  plan with ``auto_activate`` is activated even when it already existed.
- Admin stores ``default_inputs`` *augmented* with every free workflow input (``required: true``), so the
  diff against the registered launch plan leaves out entries that only that augmentation added.

grpcio is optional (``lpctl[register]``); it is imported only when a client is built.
"""

from __future__ import annotations

import base64
import json
import os
import shlex
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, Protocol

from flyteidl.admin.launch_plan_pb2 import LaunchPlan
from flyteidl.core.identifier_pb2 import Identifier

from lpctl.errors import LpctlError

DEFAULT_TIMEOUT = 30.0
DEFAULT_METADATA_KEY = "authorization"
#: gRPC codes after which no further call can succeed: stop the run
FATAL_CODES = frozenset({"UNAUTHENTICATED", "PERMISSION_DENIED", "UNAVAILABLE", "DEADLINE_EXCEEDED"})
_MAX_TOKEN_RESPONSE = 1024 * 1024
_SHELL_CHARS = frozenset("|&;<>()$`*?[]{}~\n")

Status = Literal["created", "exists", "conflict", "error", "would-create"]


class RegisterError(LpctlError):
    """The run cannot go on (no grpcio, bad credentials, endpoint unreachable).

    ``outcomes`` holds what was done before the failure."""

    def __init__(self, message: str, outcomes: Sequence[RegisterOutcome] = ()) -> None:
        super().__init__(message)
        self.outcomes = list(outcomes)


class AuthError(RegisterError):
    """A token could not be obtained. The message never contains a secret."""


class AdminError(Exception):
    """One failed admin call: the gRPC status code name (``NOT_FOUND``, ...) and admin's message."""

    def __init__(self, code: str, details: str) -> None:
        super().__init__(f"{code}: {details}")
        self.code = code
        self.details = details


class Identity(NamedTuple):
    project: str
    domain: str
    name: str
    version: str

    def __str__(self) -> str:
        return f"{self.project}/{self.domain}/{self.name}@{self.version}"


@dataclass(frozen=True)
class RegisterOutcome:
    """What happened to one launch plan.

    status: ``created``; ``exists`` (identical structure already registered: success); ``conflict``
    (registered with a different structure; ``diff_lines`` says how, old -> new); ``error`` (admin
    refused it, e.g. a missing workflow, or activation failed); ``would-create`` (dry run).
    ``activated``: UpdateLaunchPlan(ACTIVE) succeeded (in a dry run: would be called).
    """

    identity: Identity
    status: Status
    message: str
    diff_lines: tuple[str, ...] = ()
    activated: bool = False

    @property
    def ok(self) -> bool:
        return self.status not in ("conflict", "error")


class Admin(Protocol):
    """The admin calls ``register`` makes; ``AdminClient`` implements them over gRPC."""

    def create_launch_plan(self, launch_plan: LaunchPlan) -> None: ...

    def get_launch_plan(self, identifier: Identifier) -> LaunchPlan: ...

    def activate_launch_plan(self, identifier: Identifier) -> None: ...

    def workflow_exists(self, identifier: Identifier) -> bool: ...


# -- gRPC client ----------------------------------------------------------------------------------------


def _grpc() -> Any:
    try:
        import grpc  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        raise RegisterError("grpcio is not installed: pip install 'lpctl[register]'") from None
    return grpc


@dataclass(frozen=True)
class TokenEndpoint:
    """What FlyteAdmin's AuthMetadataService says about client-credentials auth."""

    token_url: str
    scopes: tuple[str, ...] = ()
    audience: str | None = None
    metadata_key: str = DEFAULT_METADATA_KEY


class AdminClient:
    """AdminService over one channel: TLS with the system roots, or plaintext with ``insecure``.

    ``token`` is sent as ``<metadata_key>: Bearer <token>`` on every call; every call has a deadline.
    """

    def __init__(self, endpoint: str, *, insecure: bool = False, token: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT, metadata_key: str = DEFAULT_METADATA_KEY,
                 root_certificates: bytes | None = None) -> None:
        grpc = _grpc()
        from flyteidl.service import admin_pb2_grpc, auth_pb2_grpc

        self.endpoint = endpoint
        self.timeout = timeout
        self._token = token
        self._metadata_key = metadata_key.lower()
        if insecure:
            self._channel = grpc.insecure_channel(endpoint)
        else:
            roots = root_certificates if root_certificates is not None else system_root_certificates()
            self._channel = grpc.secure_channel(endpoint, grpc.ssl_channel_credentials(roots))
        self._admin = admin_pb2_grpc.AdminServiceStub(self._channel)
        self._auth = auth_pb2_grpc.AuthMetadataServiceStub(self._channel)

    def set_token(self, token: str | None, metadata_key: str | None = None) -> None:
        self._token = token
        if metadata_key:
            self._metadata_key = metadata_key.lower()

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> AdminClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, method: Any, request: Any, *, auth: bool = True) -> Any:
        grpc = _grpc()
        metadata = ((self._metadata_key, f"Bearer {self._token}"),) if auth and self._token else ()
        try:
            return method(request, timeout=self.timeout, metadata=metadata)
        except grpc.RpcError as e:
            code = e.code()
            name = code.name if code is not None else "UNKNOWN"
            raise AdminError(name, redact(e.details() or "", self._token)) from None

    def create_launch_plan(self, launch_plan: LaunchPlan) -> None:
        from flyteidl.admin import launch_plan_pb2

        self._call(self._admin.CreateLaunchPlan,
                   launch_plan_pb2.LaunchPlanCreateRequest(id=launch_plan.id, spec=launch_plan.spec))

    def get_launch_plan(self, identifier: Identifier) -> LaunchPlan:
        from flyteidl.admin import common_pb2

        result: LaunchPlan = self._call(self._admin.GetLaunchPlan, common_pb2.ObjectGetRequest(id=identifier))
        return result

    def activate_launch_plan(self, identifier: Identifier) -> None:
        from flyteidl.admin import launch_plan_pb2

        self._call(self._admin.UpdateLaunchPlan,
                   launch_plan_pb2.LaunchPlanUpdateRequest(id=identifier, state=launch_plan_pb2.ACTIVE))

    def workflow_exists(self, identifier: Identifier) -> bool:
        from flyteidl.admin import common_pb2

        try:
            self._call(self._admin.GetWorkflow, common_pb2.ObjectGetRequest(id=identifier))
        except AdminError as e:
            if e.code == "NOT_FOUND":
                return False
            raise
        return True

    def token_endpoint(self) -> TokenEndpoint:
        """Ask the endpoint where its OAuth2 token URL is (AuthMetadataService; no token needed)."""
        from flyteidl.service import auth_pb2

        try:
            metadata = self._call(self._auth.GetOAuth2Metadata, auth_pb2.OAuth2MetadataRequest(), auth=False)
            client = self._call(self._auth.GetPublicClientConfig, auth_pb2.PublicClientAuthConfigRequest(),
                                auth=False)
        except AdminError as e:
            raise AuthError(f"cannot discover the token URL of {self.endpoint}: {e}; "
                            "give it with --token-url") from None
        if not metadata.token_endpoint:
            raise AuthError(f"{self.endpoint} advertises no OAuth2 token endpoint; give it with --token-url")
        return TokenEndpoint(metadata.token_endpoint, tuple(client.scopes), client.audience or None,
                             client.authorization_metadata_key or DEFAULT_METADATA_KEY)


def system_root_certificates() -> bytes | None:
    """The operating system's CA bundle (as OpenSSL finds it, honouring SSL_CERT_FILE); None lets grpc use
    its own bundled roots."""
    import ssl

    paths = ssl.get_default_verify_paths()
    for path in (paths.cafile, paths.openssl_cafile):
        if path and os.path.isfile(path):
            try:
                with open(path, "rb") as f:
                    return f.read()
            except OSError:
                continue
    return None


# -- credentials ----------------------------------------------------------------------------------------


def redact(text: str, *secrets: str | None) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def token_from_env(var: str) -> str:
    token = os.environ.get(var, "").strip()
    if not token:
        raise AuthError(f"environment variable {var} is not set or is empty")
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
    token = done.stdout.strip()
    if done.returncode != 0:
        lines = redact(done.stderr, token, *token.split()).strip().splitlines()
        detail = f": {lines[-1][:200]}" if lines else ""
        raise AuthError(f"token command {shown} failed with exit status {done.returncode}{detail}")
    if not token:
        raise AuthError(f"token command {shown} printed no token")
    if any(c.isspace() for c in token):
        raise AuthError(f"token command {shown} printed more than one word; it must print only the token")
    return token


def client_credentials_token(token_url: str, client_id: str, client_secret: str,
                             scopes: Sequence[str] = (), audience: str | None = None, *,
                             timeout: float = DEFAULT_TIMEOUT) -> str:
    """OAuth2 client-credentials grant (RFC 6749 4.4) as flytekit sends it: HTTP Basic client auth with
    ``client_id:quote_plus(client_secret)``, form ``grant_type=client_credentials[&scope][&audience]``."""
    scheme = urllib.parse.urlsplit(token_url).scheme
    if scheme not in ("http", "https"):
        raise AuthError(f"the token URL must be http(s): {token_url}")
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
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(_MAX_TOKEN_RESPONSE)
    except urllib.error.HTTPError as e:
        with e:
            reason = _oauth_error(e.read(_MAX_TOKEN_RESPONSE) if e.fp else b"")
        raise AuthError(redact(f"the token endpoint {token_url} refused client {client_id!r}: HTTP {e.code}"
                               + (f" ({reason})" if reason else ""), client_secret, basic)) from None
    except (urllib.error.URLError, OSError) as e:
        reason = str(e.reason if isinstance(e, urllib.error.URLError) else e.strerror or e)
        raise AuthError(redact(f"cannot reach the token endpoint {token_url}: {reason}",
                               client_secret, basic)) from None
    try:
        token = json.loads(body)["access_token"]
    except (ValueError, KeyError, TypeError):
        raise AuthError(f"the token endpoint {token_url} answered without an access_token") from None
    if not isinstance(token, str) or not token:
        raise AuthError(f"the token endpoint {token_url} answered without an access_token")
    return token


def _oauth_error(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    parts = [str(data[k])[:200] for k in ("error", "error_description") if data.get(k)]
    return ": ".join(parts)


# -- register -------------------------------------------------------------------------------------------


def identity(launch_plan: LaunchPlan) -> Identity:
    lp_id = launch_plan.id
    return Identity(lp_id.project, lp_id.domain, lp_id.name, lp_id.version)


def register(client: Admin, plans: Sequence[tuple[LaunchPlan, bool]], *,
             dry_run: bool = False) -> list[RegisterOutcome]:
    """Create (and, for ``auto_activate``, activate) each launch plan, in order.

    A refused launch plan becomes an ``error``/``conflict`` outcome and the run goes on; a failure that
    dooms every later call (FATAL_CODES) raises RegisterError carrying the outcomes so far.
    """
    outcomes: list[RegisterOutcome] = []
    for launch_plan, auto_activate in plans:
        try:
            step = _plan_dry(client, launch_plan) if dry_run else _create(client, launch_plan)
            if step.ok and auto_activate:
                step = _activate(client, launch_plan, step, dry_run=dry_run)
        except AdminError as e:
            if e.code in FATAL_CODES:
                raise RegisterError(_fatal_message(e), outcomes) from None
            step = RegisterOutcome(identity(launch_plan), "error", f"{e.code}: {e.details}")
        outcomes.append(step)
    return outcomes


def _fatal_message(e: AdminError) -> str:
    if e.code == "UNAUTHENTICATED":
        return (f"FlyteAdmin refused the credentials ({e.code}: {e.details}); give a token with --token-env "
                "or --token-command, or use --client-id with --client-secret-env")
    if e.code == "PERMISSION_DENIED":
        return f"FlyteAdmin denied access ({e.code}: {e.details})"
    return f"cannot talk to FlyteAdmin ({e.code}: {e.details})"


def _missing_identity(launch_plan: LaunchPlan) -> str | None:
    """Admin's own check (reference 4.1 rules 1 and 3), before any call."""
    for label, identifier in (("id", launch_plan.id), ("workflow id", launch_plan.spec.workflow_id)):
        for part in ("project", "domain", "name", "version"):
            if not getattr(identifier, part):
                return f"missing {part} in the launch plan's {label}; registration needs a concrete identity"
    return None


def _create(client: Admin, launch_plan: LaunchPlan) -> RegisterOutcome:
    ident = identity(launch_plan)
    missing = _missing_identity(launch_plan)
    if missing:
        return RegisterOutcome(ident, "error", missing)
    try:
        client.create_launch_plan(launch_plan)
    except AdminError as e:
        if e.code in FATAL_CODES:
            raise
        if e.code == "ALREADY_EXISTS":
            return RegisterOutcome(ident, "exists", "already registered with identical structure")
        if e.code == "INVALID_ARGUMENT" and "different structure" in e.details:
            return _conflict(client, launch_plan, e.details)
        return RegisterOutcome(ident, "error", f"{e.code}: {e.details}")
    return RegisterOutcome(ident, "created", "created")


def _conflict(client: Admin, launch_plan: LaunchPlan, details: str) -> RegisterOutcome:
    ident = identity(launch_plan)
    message = details.split("\n", 1)[0].rstrip(":")
    try:
        registered = client.get_launch_plan(launch_plan.id)
    except AdminError as e:
        if e.code in FATAL_CODES:
            raise
        return RegisterOutcome(ident, "conflict", f"{message} (could not fetch it: {e.code}: {e.details})")
    return RegisterOutcome(ident, "conflict", message, tuple(spec_diff(registered, launch_plan)))


def _plan_dry(client: Admin, launch_plan: LaunchPlan) -> RegisterOutcome:
    """Read-only: GetLaunchPlan, then GetWorkflow for a launch plan that does not exist yet."""
    ident = identity(launch_plan)
    missing = _missing_identity(launch_plan)
    if missing:
        return RegisterOutcome(ident, "error", missing)
    try:
        registered = client.get_launch_plan(launch_plan.id)
    except AdminError as e:
        if e.code in FATAL_CODES:
            raise
        if e.code != "NOT_FOUND":
            return RegisterOutcome(ident, "error", f"{e.code}: {e.details}")
    else:
        diff = spec_diff(registered, launch_plan)
        if diff:
            return RegisterOutcome(ident, "conflict", f"{ident.name} launch plan with different structure "
                                   "already exists (a new version is needed)", tuple(diff))
        return RegisterOutcome(ident, "exists", "already registered with identical structure")
    workflow_id = launch_plan.spec.workflow_id
    try:
        found = client.workflow_exists(workflow_id)
    except AdminError as e:
        if e.code in FATAL_CODES:
            raise
        return RegisterOutcome(ident, "error", f"cannot check the workflow: {e.code}: {e.details}")
    if not found:
        wf = Identity(workflow_id.project, workflow_id.domain, workflow_id.name, workflow_id.version)
        return RegisterOutcome(ident, "error", f"workflow {wf} is not registered")
    return RegisterOutcome(ident, "would-create", "would create")


def _activate(client: Admin, launch_plan: LaunchPlan, step: RegisterOutcome, *,
              dry_run: bool) -> RegisterOutcome:
    if dry_run:
        return RegisterOutcome(step.identity, step.status, f"{step.message}; would activate", step.diff_lines,
                               activated=True)
    try:
        client.activate_launch_plan(launch_plan.id)
    except AdminError as e:
        if e.code in FATAL_CODES:
            raise
        return RegisterOutcome(step.identity, "error", f"{step.message}, but activating it failed: "
                               f"{e.code}: {e.details}", step.diff_lines)
    return RegisterOutcome(step.identity, step.status, f"{step.message}; activated", step.diff_lines,
                           activated=True)


# -- diff -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Change:
    path: str
    old: Any = None
    new: Any = None
    kind: Literal["changed", "removed", "added"] = "changed"

    def line(self) -> str:
        if self.kind == "removed":
            return f"- {self.path}: {_show(self.old)}"
        if self.kind == "added":
            return f"+ {self.path}: {_show(self.new)}"
        return f"~ {self.path}: {_show(self.old)} -> {_show(self.new)}"


def spec_diff(registered: LaunchPlan, ours: LaunchPlan) -> list[str]:
    """Field-level differences of ``spec``, registered (old) -> ours (new), in the protobuf JSON names.

    Lines: ``~ path: old -> new``, ``- path: old`` (only registered), ``+ path: new`` (only ours).
    Entries admin added to ``defaultInputs`` for free workflow inputs are not differences.
    """
    from google.protobuf import json_format  # type: ignore[import-untyped, unused-ignore]

    old: dict[str, Any] = json_format.MessageToDict(registered.spec)
    new: dict[str, Any] = json_format.MessageToDict(ours.spec)
    _drop_augmented_inputs(old, new)
    return [change.line() for change in _walk("spec", old, new)]


def _drop_augmented_inputs(old: dict[str, Any], new: dict[str, Any]) -> None:
    """Admin replaces default_inputs by the expected inputs: ours plus ``{var, required: true}`` for every
    workflow input neither default nor fixed (reference 4.1 rule 10). Ours would be augmented the same
    way, so such entries are only differences when the workflow differs, which shows as workflowId."""
    if old.get("workflowId") != new.get("workflowId"):
        return
    registered = old.get("defaultInputs", {}).get("parameters")
    if not isinstance(registered, dict):
        return
    ours = new.get("defaultInputs", {}).get("parameters", {})
    fixed = new.get("fixedInputs", {}).get("literals", {})
    for name in [n for n, p in registered.items() if n not in ours and n not in fixed]:
        param = registered[name]
        if isinstance(param, dict) and param.get("required") is True and "default" not in param:
            del registered[name]
    if not registered and "parameters" not in new.get("defaultInputs", {}):
        del old["defaultInputs"]["parameters"]


def _walk(path: str, old: Any, new: Any) -> Iterator[_Change]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(old.keys() | new.keys()):
            child = f"{path}.{key}"
            if key not in new:
                yield _Change(child, old=old[key], kind="removed")
            elif key not in old:
                yield _Change(child, new=new[key], kind="added")
            else:
                yield from _walk(child, old[key], new[key])
    elif isinstance(old, list) and isinstance(new, list):
        for i in range(max(len(old), len(new))):
            child = f"{path}[{i}]"
            if i >= len(new):
                yield _Change(child, old=old[i], kind="removed")
            elif i >= len(old):
                yield _Change(child, new=new[i], kind="added")
            else:
                yield from _walk(child, old[i], new[i])
    elif old != new:
        yield _Change(path, old, new)


def _show(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= 200 else text[:197] + "..."
