"""FlyteAdmin's gRPC API: one channel, the launch plan calls, errors as values lpctl can show.

grpcio is optional (``lpctl[register]``); it is imported only when a client is built. Every call
has a deadline; every message the server wrote is escaped (:func:`lpctl.admin.text.server_text`)
before it reaches an exception, and no credential is part of one (:func:`lpctl.redact.redact`). List
calls follow page tokens within :func:`lpctl.admin.guard.follow_pages`' bounds. gRPC's own log lines
(a failed TLS handshake) are off unless ``GRPC_VERBOSITY`` says otherwise: lpctl says what failed, at
which endpoint, and which flag to try (:func:`transport_hint`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar

from flyteidl.admin.launch_plan_pb2 import LaunchPlan
from flyteidl.core.identifier_pb2 import Identifier, ResourceType
from google.protobuf.message import Message

from lpctl.admin.bearer import BearerClient
from lpctl.admin.guard import LIST_TIMEOUT, follow_pages
from lpctl.admin.text import server_text
from lpctl.errors import LpctlError
from lpctl.redact import redact

if TYPE_CHECKING:
    from flyteidl.admin import common_pb2, execution_pb2, launch_plan_pb2, workflow_pb2
    from flyteidl.service import auth_pb2

DEFAULT_TIMEOUT = 30.0
DEFAULT_METADATA_KEY = "authorization"
#: FlyteAdmin's list calls answer at most this many entities per page (and refuse a limit of 0)
DEFAULT_PAGE_SIZE = 100
#: gRPC codes after which no further call can succeed: stop the run
FATAL_CODES = frozenset({"UNAUTHENTICATED", "PERMISSION_DENIED", "UNAVAILABLE", "DEADLINE_EXCEEDED"})
#: versions that can go into a list filter as they are (``eq(version,<v>)``): the URL-safe ones, which are
#: all that FlyteAdmin's ValidateVersion lets a launch plan have
_FILTERABLE = re.compile(r"[A-Za-z0-9._~-]+")


class ServerError(LpctlError):
    """The run cannot go on (no grpcio, bad credentials, endpoint unreachable): exit 2.

    ``outcomes`` holds what was done before the failure."""

    def __init__(self, message: str, outcomes: Any = ()) -> None:
        super().__init__(message)
        self.outcomes = list(outcomes)


class AuthError(ServerError):
    """A token could not be obtained. The message never contains a secret."""


class AdminError(Exception):
    """One failed admin call: the gRPC status code name (``NOT_FOUND``, ...) and admin's message,
    escaped."""

    def __init__(self, code: str, details: str, endpoint: str = "", hint: str = "") -> None:
        super().__init__(f"{code}: {details}")
        self.code = code
        self.details = details
        #: where the call went, and what to try (a transport failure only)
        self.endpoint = endpoint
        self.hint = hint

    @property
    def fatal(self) -> bool:
        return self.code in FATAL_CODES


class RegisteredId(NamedTuple):
    """What FlyteAdmin keys a registered entity (a launch plan, a workflow) by: project/domain/name@version."""

    project: str
    domain: str
    name: str
    version: str

    def identifier(self, kind: ResourceType) -> Identifier:
        """The protobuf ``Identifier`` of this entity, for resource type ``kind`` (``identifier_pb2.WORKFLOW``...)."""
        from flyteidl.core import identifier_pb2

        return identifier_pb2.Identifier(resource_type=kind, project=self.project, domain=self.domain,
                                         name=self.name, version=self.version)

    def __str__(self) -> str:
        return f"{self.project}/{self.domain}/{self.name}@{self.version}"


def registered_id(launch_plan: LaunchPlan) -> RegisteredId:
    lp_id = launch_plan.id
    return RegisteredId(lp_id.project, lp_id.domain, lp_id.name, lp_id.version)


def launch_plan_id(ident: RegisteredId) -> Identifier:
    from flyteidl.core import identifier_pb2

    return ident.identifier(identifier_pb2.LAUNCH_PLAN)


def fatal_message(e: AdminError, server: str = "FlyteAdmin") -> str:
    """What to tell the user when a call to ``server`` (as the message names it) fails in a way that dooms every
    later call."""
    if e.code == "UNAUTHENTICATED":
        return (f"{server} refused the credentials ({e.code}: {e.details}); give a token with --token-env "
                "or --token-command, or use --client-id with --client-secret-env")
    if e.code == "PERMISSION_DENIED":
        return f"{server} denied access ({e.code}: {e.details})"
    where = f" at {e.endpoint}" if e.endpoint else ""
    return f"cannot talk to {server}{where} ({e.code}: {e.details})" + (f"; {e.hint}" if e.hint else "")


def transport_hint(details: str, *, insecure: bool) -> str:
    """What to try after UNAVAILABLE, from gRPC's text: TLS against a plaintext server (or the reverse),
    an untrusted certificate; empty when the text says nothing about it."""
    lowered = details.lower()
    if not insecure and "certificate_verify_failed" in lowered:
        return "its TLS certificate is not trusted by the system's CA bundle: give its CA with SSL_CERT_FILE"
    if not insecure and ("handshake" in lowered or "ssl_error" in lowered or "wrong_version_number" in lowered):
        return "the TLS handshake failed: if it serves plaintext gRPC (a local sandbox), try --insecure"
    if insecure and "failed to connect" in lowered and ("socket closed" in lowered or "connection reset" in lowered):
        return ("it closed the plaintext connection (--insecure): if it serves TLS, try again without "
                "--insecure")
    return ""


def _grpc() -> Any:
    # before grpc's first import: its C core would print a log line of its own for a failed TLS handshake
    os.environ.setdefault("GRPC_VERBOSITY", "NONE")
    try:
        import grpc  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        raise ServerError("grpcio is not installed: pip install grpcio (lpctl's register extra)") from None
    return grpc


_Request = TypeVar("_Request", bound=Message, contravariant=True)
_Response = TypeVar("_Response", bound=Message, covariant=True)
_Q = TypeVar("_Q", bound=Message)
_R = TypeVar("_R", bound=Message)
Metadata = tuple[tuple[str, str], ...]


class _Unary(Protocol[_Request, _Response]):
    """One unary method of a grpc stub (flyteidl's ``*_pb2_grpc`` stubs carry no types)."""

    def __call__(self, request: _Request, *, timeout: float, metadata: Metadata) -> _Response: ...


class _AdminStub(Protocol):
    """The AdminService methods lpctl calls, with flyteidl's request and response types."""

    CreateLaunchPlan: _Unary[launch_plan_pb2.LaunchPlanCreateRequest, launch_plan_pb2.LaunchPlanCreateResponse]
    UpdateLaunchPlan: _Unary[launch_plan_pb2.LaunchPlanUpdateRequest, launch_plan_pb2.LaunchPlanUpdateResponse]
    GetLaunchPlan: _Unary[common_pb2.ObjectGetRequest, LaunchPlan]
    GetActiveLaunchPlan: _Unary[launch_plan_pb2.ActiveLaunchPlanRequest, LaunchPlan]
    ListActiveLaunchPlans: _Unary[launch_plan_pb2.ActiveLaunchPlanListRequest, launch_plan_pb2.LaunchPlanList]
    ListLaunchPlans: _Unary[common_pb2.ResourceListRequest, launch_plan_pb2.LaunchPlanList]
    GetWorkflow: _Unary[common_pb2.ObjectGetRequest, workflow_pb2.Workflow]
    CreateExecution: _Unary[execution_pb2.ExecutionCreateRequest, execution_pb2.ExecutionCreateResponse]
    GetExecution: _Unary[execution_pb2.WorkflowExecutionGetRequest, execution_pb2.Execution]
    ListExecutions: _Unary[common_pb2.ResourceListRequest, execution_pb2.ExecutionList]


class _AuthStub(Protocol):
    """The AuthMetadataService methods lpctl calls."""

    GetOAuth2Metadata: _Unary[auth_pb2.OAuth2MetadataRequest, auth_pb2.OAuth2MetadataResponse]
    GetPublicClientConfig: _Unary[auth_pb2.PublicClientAuthConfigRequest, auth_pb2.PublicClientAuthConfigResponse]


@dataclass(frozen=True)
class TokenEndpoint:
    """What FlyteAdmin's AuthMetadataService says about client-credentials auth (server text, escaped)."""

    token_url: str
    scopes: tuple[str, ...] = ()
    audience: str | None = None
    metadata_key: str = DEFAULT_METADATA_KEY


class AdminClient(BearerClient):
    """AdminService over one channel: TLS with the system roots, or plaintext with ``insecure``.

    ``token`` is sent as ``<metadata_key>: Bearer <token>`` on every call; every call has a deadline.
    """

    def __init__(self, endpoint: str, *, insecure: bool = False, token: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT, metadata_key: str = DEFAULT_METADATA_KEY,
                 root_certificates: bytes | None = None, page_size: int = DEFAULT_PAGE_SIZE) -> None:
        grpc = _grpc()
        from flyteidl.service import admin_pb2_grpc, auth_pb2_grpc

        _check_port(endpoint)
        self.endpoint = endpoint
        self.insecure = insecure
        self.timeout = timeout
        #: the seconds one listing may take, all its pages (see lpctl.admin.guard.follow_pages)
        self.list_timeout = LIST_TIMEOUT
        self.page_size = max(1, page_size)
        self._metadata_key = metadata_key.lower()
        self.set_token(token)
        if insecure:
            self._channel = grpc.insecure_channel(endpoint)
        else:
            roots = root_certificates if root_certificates is not None else system_root_certificates()
            self._channel = grpc.secure_channel(endpoint, grpc.ssl_channel_credentials(roots))
        self._admin: _AdminStub = admin_pb2_grpc.AdminServiceStub(self._channel)
        self._auth: _AuthStub = auth_pb2_grpc.AuthMetadataServiceStub(self._channel)

    def close(self) -> None:
        self._channel.close()

    def _call(self, method: _Unary[_Q, _R], request: _Q, *, auth: bool = True) -> _R:
        grpc = _grpc()
        metadata: Metadata = ((self._metadata_key, f"Bearer {self._token}"),) if auth and self._token else ()
        try:
            return method(request, timeout=self.timeout, metadata=metadata)
        except grpc.RpcError as e:
            code = e.code()
            name = code.name if code is not None else "UNKNOWN"
            details = server_text(redact(e.details() or "", self._token))
            hint = transport_hint(details, insecure=self.insecure) if name == "UNAVAILABLE" else ""
            raise AdminError(name, details, self.endpoint, hint) from None

    # -- writes -------------------------------------------------------------------------------------

    def create_launch_plan(self, launch_plan: LaunchPlan) -> None:
        from flyteidl.admin import launch_plan_pb2

        self._call(self._admin.CreateLaunchPlan,
                   launch_plan_pb2.LaunchPlanCreateRequest(id=launch_plan.id, spec=launch_plan.spec))

    def activate_launch_plan(self, identifier: Identifier) -> None:
        """Activate this version; FlyteAdmin deactivates the version of the same name that was active."""
        from flyteidl.admin import launch_plan_pb2

        self._call(self._admin.UpdateLaunchPlan,
                   launch_plan_pb2.LaunchPlanUpdateRequest(id=identifier, state=launch_plan_pb2.ACTIVE))

    def deactivate_launch_plan(self, identifier: Identifier) -> None:
        from flyteidl.admin import launch_plan_pb2

        self._call(self._admin.UpdateLaunchPlan,
                   launch_plan_pb2.LaunchPlanUpdateRequest(id=identifier, state=launch_plan_pb2.INACTIVE))

    # -- reads --------------------------------------------------------------------------------------

    def get_launch_plan(self, identifier: Identifier) -> LaunchPlan:
        from flyteidl.admin import common_pb2

        return self._call(self._admin.GetLaunchPlan, common_pb2.ObjectGetRequest(id=identifier))

    def find_launch_plan(self, identifier: Identifier) -> LaunchPlan | None:
        """GetLaunchPlan, with NOT_FOUND as None."""
        try:
            return self.get_launch_plan(identifier)
        except AdminError as e:
            if e.code == "NOT_FOUND":
                return None
            raise

    def get_active_launch_plan(self, project: str, domain: str, name: str) -> LaunchPlan | None:
        """The active version of a name, or None when no version is active."""
        from flyteidl.admin import common_pb2, launch_plan_pb2

        request = launch_plan_pb2.ActiveLaunchPlanRequest(
            id=common_pb2.NamedEntityIdentifier(project=project, domain=domain, name=name))
        try:
            result = self._call(self._admin.GetActiveLaunchPlan, request)
        except AdminError as e:
            if e.code == "NOT_FOUND":
                return None
            raise
        return result

    def list_active_launch_plans(self, project: str, domain: str) -> Iterator[LaunchPlan]:
        """Every active launch plan of a project and domain, page by page."""
        from flyteidl.admin import launch_plan_pb2

        def page(token: str) -> tuple[list[LaunchPlan], str]:
            found = self._call(self._admin.ListActiveLaunchPlans, launch_plan_pb2.ActiveLaunchPlanListRequest(
                project=project, domain=domain, limit=self.page_size, token=token))
            return list(found.launch_plans), found.token

        return follow_pages(page, f"ListActiveLaunchPlans for {project}/{domain}", max_seconds=self.list_timeout)

    def list_launch_plans(self, project: str, domain: str, *, name: str = "",
                          version: str | None = None) -> Iterator[LaunchPlan]:
        """The launch plans of a project and domain (of one name, at one version), page by page."""
        from flyteidl.admin import common_pb2

        filters = f"eq(version,{version})" if version is not None else ""
        ident = common_pb2.NamedEntityIdentifier(project=project, domain=domain, name=name)

        def page(token: str) -> tuple[list[LaunchPlan], str]:
            found = self._call(self._admin.ListLaunchPlans, common_pb2.ResourceListRequest(
                id=ident, limit=self.page_size, token=token, filters=filters))
            return list(found.launch_plans), found.token

        asked = "/".join(p for p in (project, domain, name) if p) + (f" at version {version}" if version else "")
        return follow_pages(page, f"ListLaunchPlans for {server_text(asked)}", max_seconds=self.list_timeout)

    def first_launch_plan(self, project: str, domain: str, name: str) -> LaunchPlan | None:
        """The earliest registered version of a launch plan (one call: sorted by ``created_at``, limit 1)."""
        from flyteidl.admin import common_pb2

        request = common_pb2.ResourceListRequest(
            id=common_pb2.NamedEntityIdentifier(project=project, domain=domain, name=name), limit=1,
            sort_by=common_pb2.Sort(key="created_at", direction=common_pb2.Sort.ASCENDING))
        found = self._call(self._admin.ListLaunchPlans, request).launch_plans
        return found[0] if found else None

    def create_execution(self, request: execution_pb2.ExecutionCreateRequest) -> None:
        self._call(self._admin.CreateExecution, request)

    def find_execution(self, project: str, domain: str, name: str) -> execution_pb2.Execution | None:
        """GetExecution, with NOT_FOUND as None."""
        from flyteidl.admin import execution_pb2
        from flyteidl.core import identifier_pb2

        ident = identifier_pb2.WorkflowExecutionIdentifier(project=project, domain=domain, name=name)
        try:
            return self._call(self._admin.GetExecution, execution_pb2.WorkflowExecutionGetRequest(id=ident))
        except AdminError as e:
            if e.code == "NOT_FOUND":
                return None
            raise

    def list_executions(self, project: str, domain: str, filters: str) -> Iterator[execution_pb2.Execution]:
        """The (unarchived) executions of a project and domain that ``filters`` select, oldest first, page by
        page. Sorted by creation time, so an execution created while the pages are read comes last instead of
        shifting the offsets of those not read yet."""
        from flyteidl.admin import common_pb2

        ident = common_pb2.NamedEntityIdentifier(project=project, domain=domain)
        order = common_pb2.Sort(key="execution_created_at", direction=common_pb2.Sort.ASCENDING)

        def page(token: str) -> tuple[list[execution_pb2.Execution], str]:
            found = self._call(self._admin.ListExecutions, common_pb2.ResourceListRequest(
                id=ident, limit=self.page_size, token=token, filters=filters, sort_by=order))
            return list(found.executions), found.token

        return follow_pages(page, f"ListExecutions for {server_text(project)}/{server_text(domain)}",
                            max_seconds=self.list_timeout)

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

        return discover_token_endpoint(self.endpoint, lambda: (
            self._call(self._auth.GetOAuth2Metadata, auth_pb2.OAuth2MetadataRequest(), auth=False),
            self._call(self._auth.GetPublicClientConfig, auth_pb2.PublicClientAuthConfigRequest(), auth=False)))


#: ``host:port``, ``[v6]:port`` or ``dns:///`` either (gRPC's other targets, ``unix:``, ``ipv4:``, pass unchecked)
_HOST_PORT = re.compile(r"(?:dns:///)?(?:\[[^\]]*\]|[^:/\[\]]*):(\d+)")


def _check_port(endpoint: str) -> None:
    """A port past 65535 is a usage error: gRPC takes it modulo 65536 (``:99999999`` connected to port 57599,
    another service, with the token)."""
    found = _HOST_PORT.fullmatch(endpoint)
    if found and (len(found[1]) > 5 or not 0 < int(found[1]) < 65536):
        raise ServerError(f"endpoint {server_text(endpoint, 200)}: port {server_text(found[1], 20)} is not a port "
                          "(1-65535)")


def discover_token_endpoint(endpoint: str, ask: Callable[[], tuple[Any, Any]]) -> TokenEndpoint:
    """The token endpoint from an AuthMetadataService's answers, ``ask()`` = (OAuth2 metadata, public client
    config) as FlyteAdmin and Flyte 2 both give them; a refusal or no token endpoint is an AuthError."""
    try:
        metadata, client = ask()
    except AdminError as e:
        raise AuthError(f"cannot discover the token URL of {endpoint}: {e}; give it with --token-url") from None
    if not metadata.token_endpoint:
        raise AuthError(f"{endpoint} advertises no OAuth2 token endpoint; give it with --token-url")
    return TokenEndpoint(metadata.token_endpoint, tuple(client.scopes), client.audience or None,
                         client.authorization_metadata_key or DEFAULT_METADATA_KEY)


def filterable(version: str) -> bool:
    """Whether ``version`` can be used in a list filter unquoted (FlyteAdmin splits filters on ``,()``)."""
    return bool(_FILTERABLE.fullmatch(version))


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
