"""Flyte 2's control plane over the Connect protocol: the trigger calls, errors as values lpctl can show.

flyte-sdk 2.12.1 speaks Connect (``connectrpc`` over ``pyqwest``), so every Flyte 2 server accepts it;
the open-source backend serves gRPC on the same port too, a managed one may not. The clients are the
ones flyteidl2 generates (``*_connect.py``); connectrpc comes with flyte-sdk (``lpctl[flyte2]``) and is
imported only when a client is built. As for FlyteAdmin (:mod:`lpctl.admin.client`): every call has a
deadline, what the server wrote is escaped before it reaches an exception, the bearer token is never
part of one, TLS unless ``insecure``, and no redirect is followed (a token must not reach another host).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from http import HTTPStatus
from typing import Any, TypeVar
from urllib.parse import urlsplit

from lpctl.admin.bearer import BearerClient
from lpctl.admin.client import (
    DEFAULT_METADATA_KEY,
    DEFAULT_TIMEOUT,
    AdminError,
    ServerError,
    TokenEndpoint,
    discover_token_endpoint,
    system_root_certificates,
)
from lpctl.admin.guard import LIST_TIMEOUT, follow_pages
from lpctl.admin.text import server_text
from lpctl.redact import redact

#: flyte-sdk lists triggers 100 at a time; the open-source backend refuses more than 200
DEFAULT_PAGE_SIZE = 100
#: the largest answer lpctl decodes (gRPC's default is 4 MiB; a page of 100 triggers is tens of KiB): a
#: larger one is refused (RESOURCE_EXHAUSTED) rather than decoded into gigabytes of messages
MAX_ANSWER_BYTES = 16 * 1024 * 1024
#: SelectClusterRequest.Operation.OPERATION_UPLOAD_TRIGGER
OPERATION_UPLOAD_TRIGGER = 9
_R = TypeVar("_R")
#: the text of each HTTP redirect status, as connectrpc reports one (UNKNOWN, the status's phrase)
_REDIRECTS = {HTTPStatus(s).phrase: s for s in (301, 302, 303, 307, 308)}


def normalize_endpoint(endpoint: str, *, insecure: bool = False) -> str:
    """``host:port`` (or ``dns:///host:port``) as the URL flyte-sdk makes of it: https, or http with
    ``insecure``; an http(s) URL is kept."""
    given = endpoint
    if endpoint.startswith("dns:///"):
        endpoint = endpoint[len("dns:///"):]
    try:
        scheme = urlsplit(endpoint).scheme.lower() if "://" in endpoint else ""
        if scheme and scheme not in ("http", "https"):
            raise ServerError(f"unknown scheme in endpoint {server_text(given, 200)}: use host:port, http:// or "
                              "https://")
        url = endpoint.rstrip("/") if scheme else f"{'http' if insecure else 'https'}://{endpoint.rstrip('/')}"
        urlsplit(url).port  # noqa: B018 (read for its check: an unclosed [IPv6 address, a port past 65535)
    except ValueError as e:
        raise ServerError(f"endpoint {server_text(given, 200)} is not a host:port or URL ({e})") from None
    return url


def org_from_endpoint(endpoint: str) -> str:
    """flyte-sdk's default organization: the first label of the host when it has more than two
    (``acme.cloud.example.com`` -> ``acme``), else empty."""
    host = urlsplit(normalize_endpoint(endpoint, insecure=True)).netloc
    labels = host.split(".")
    return labels[0] if len(labels) > 2 else ""


def transport_hint(details: str, *, insecure: bool) -> str:
    """What to try after UNAVAILABLE, from the HTTP client's text: TLS against a plain HTTP server (or the
    reverse), an untrusted certificate; empty when the text says nothing about it."""
    lowered = details.lower()
    if not insecure and "certificate" in lowered:
        return "its TLS certificate is not trusted by the system's CA bundle: give its CA with SSL_CERT_FILE"
    if not insecure and any(s in lowered for s in ("invalidcontenttype", "corrupt message", "handshake",
                                                    "wrong version number")):
        return "the TLS handshake failed: if it serves plain HTTP (a local sandbox), try --insecure"
    if insecure and any(s in lowered for s in ("connection closed", "connection reset", "unexpected eof",
                                               "incomplete message")):
        return "it closed the plain HTTP connection (--insecure): if it serves TLS, try again without --insecure"
    return ""


def _connect() -> tuple[Any, Any]:
    try:
        import pyqwest
        from connectrpc.errors import ConnectError
    except ImportError:
        raise ServerError("Flyte 2 triggers need flyte-sdk's Connect client, which is not installed: "
                          "pip install 'flyte>=2.12,<3' (lpctl's flyte2 extra)") from None
    return pyqwest, ConnectError


class Flyte2Client(BearerClient):
    """TriggerService, TaskService, RunService, ClusterService, DataProxyService and AuthMetadataService at one
    URL."""

    def __init__(self, endpoint: str, *, insecure: bool = False, token: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT, metadata_key: str = DEFAULT_METADATA_KEY,
                 root_certificates: bytes | None = None, page_size: int = DEFAULT_PAGE_SIZE) -> None:
        pyqwest, _ = _connect()
        self.endpoint = endpoint
        self.url = normalize_endpoint(endpoint, insecure=insecure)
        if self.url.startswith("http://") and not insecure:
            raise ServerError(f"refusing plain http to {server_text(self.url, 200)} without --insecure")
        self.insecure = insecure
        self.timeout = timeout
        #: the seconds one listing may take, all its pages (see lpctl.admin.guard.follow_pages)
        self.list_timeout = LIST_TIMEOUT
        self.page_size = max(1, min(page_size, 200))
        self._metadata_key = metadata_key.lower()
        self.set_token(token)
        roots = root_certificates if root_certificates is not None else system_root_certificates()
        # no compressed answers: a 2 MB gzip answer unpacked to 2 GiB (6 GB of memory, a minute) before any
        # size check; uncompressed, MAX_ANSWER_BYTES bounds what is decoded
        self._transport = pyqwest.SyncHTTPTransport(
            tls_ca_cert=roots, tls_include_system_certs=roots is None, follow_redirects=False, timeout=timeout,
            enable_otel=False, enable_gzip=False, enable_brotli=False, enable_zstd=False)
        self._http = pyqwest.SyncClient(self._transport)
        self._clients: dict[tuple[str, str], Any] = {}

    def close(self) -> None:
        self._transport.close()

    def _client(self, service: str, url: str | None = None) -> Any:
        """The generated sync client of ``service`` (``trigger``, ``task``, ...) at ``url``, made once."""
        url = url or self.url
        found = self._clients.get((service, url))
        if found is None:
            found = _CLIENTS[service]()(url, http_client=self._http, timeout_ms=int(self.timeout * 1000),
                                        accept_compression=(), read_max_bytes=MAX_ANSWER_BYTES)
            self._clients[(service, url)] = found
        return found

    def _call(self, call: Callable[..., _R], request: Any, *, auth: bool = True) -> _R:
        _, connect_error = _connect()
        headers = {self._metadata_key: f"Bearer {self._token}"} if auth and self._token else {}
        try:
            return call(request, headers=headers)
        except connect_error as e:
            details = server_text(redact(e.message or "", self._token))
            status = _REDIRECTS.get(e.message) if e.code.name == "UNKNOWN" else None
            if status is not None:  # connectrpc's text for an HTTP status it has no code for: the phrase
                raise AdminError("UNAVAILABLE", f"it answered HTTP {status} {e.message}, a redirect", self.url,
                                 "lpctl follows none (credentials must not reach another host): give the address "
                                 "it redirects to with --endpoint") from None
            hint = transport_hint(details, insecure=self.insecure) if e.code.name == "UNAVAILABLE" else ""
            raise AdminError(e.code.name, details, self.url, hint) from None

    # -- reads --------------------------------------------------------------------------------------

    def list_triggers(self, project: str, domain: str, task_name: str | None, org: str = "") -> Iterator[Any]:
        """Every trigger of a task name (None: of every task) in a project and domain (light rows, no
        spec), page by page, in task and name order (a stable scan while triggers change)."""
        from flyteidl2.common import identifier_pb2, list_pb2
        from flyteidl2.task import task_definition_pb2
        from flyteidl2.trigger import trigger_service_pb2

        if task_name is None:
            scope = {"project_id": identifier_pb2.ProjectIdentifier(organization=org, name=project, domain=domain)}
        else:
            scope = {"task_name": task_definition_pb2.TaskName(org=org, project=project, domain=domain, name=task_name)}
        order = [list_pb2.Sort(key=key, direction=list_pb2.Sort.ASCENDING) for key in ("task_name", "name")]

        def page(token: str) -> tuple[Sequence[Any], str]:
            request = trigger_service_pb2.ListTriggersRequest(
                **scope, request=list_pb2.ListRequest(limit=self.page_size, token=token, sort_by_fields=order))
            found = self._call(self._client("trigger").list_triggers, request)
            return found.triggers, found.token

        where = f"{project}/{domain}" + (f"/{task_name}" if task_name is not None else "")
        return follow_pages(page, f"ListTriggers for {where}", max_seconds=self.list_timeout)

    def find_trigger(self, name: Any) -> Any | None:
        """GetTriggerDetails (the latest revision, with its spec), NOT_FOUND as None."""
        from flyteidl2.trigger import trigger_service_pb2

        try:
            found = self._call(self._client("trigger").get_trigger_details,
                               trigger_service_pb2.GetTriggerDetailsRequest(name=name))
        except AdminError as e:
            if e.code == "NOT_FOUND":
                return None
            raise
        return found.trigger

    def find_task(self, task_id: Any) -> Any | None:
        """GetTaskDetails of one task version, NOT_FOUND as None."""
        from flyteidl2.task import task_service_pb2

        try:
            found = self._call(self._client("task").get_task_details,
                               task_service_pb2.GetTaskDetailsRequest(task_id=task_id))
        except AdminError as e:
            if e.code == "NOT_FOUND":
                return None
            raise
        return found.details

    def list_runs(self, trigger: Any, since: datetime) -> Iterator[Any]:
        """The runs of a trigger (a TriggerName) created at or after ``since``, page by page, oldest first
        (a stable scan while runs are added), filtered as flyte-sdk's ``Run.listall`` filters ``created_at``."""
        from flyteidl2.common import list_pb2
        from flyteidl2.workflow import run_service_pb2

        created = list_pb2.Filter(function=list_pb2.Filter.GREATER_THAN_OR_EQUAL, field="created_at",
                                  values=[since.astimezone(timezone.utc).isoformat()])

        def page(token: str) -> tuple[Sequence[Any], str]:
            request = run_service_pb2.ListRunsRequest(trigger_name=trigger, request=list_pb2.ListRequest(
                limit=self.page_size, token=token, filters=[created],
                sort_by_fields=[list_pb2.Sort(key="created_at", direction=list_pb2.Sort.ASCENDING)]))
            found = self._call(self._client("run").list_runs, request)
            return found.runs, found.token

        return follow_pages(page, f"ListRuns for trigger {trigger.task_name}/{trigger.name}",
                            max_seconds=self.list_timeout)

    def find_run(self, run_id: Any) -> Any | None:
        """GetRunDetails (RunDetails: its run spec and root action), NOT_FOUND as None."""
        from flyteidl2.workflow import run_service_pb2

        try:
            return self._call(self._client("run").get_run_details,
                              run_service_pb2.GetRunDetailsRequest(run_id=run_id)).details
        except AdminError as e:
            if e.code == "NOT_FOUND":
                return None
            raise

    # -- writes -------------------------------------------------------------------------------------

    def create_run(self, request: Any) -> Any:
        """CreateRun; the Run the server answers (the open-source backend answers a name already taken
        with that run, and no error)."""
        return self._call(self._client("run").create_run, request).run

    def deploy_trigger(self, request: Any) -> Any:
        return self._call(self._client("trigger").deploy_trigger, request).trigger

    def update_triggers(self, names: Sequence[Any], active: bool) -> None:
        from flyteidl2.trigger import trigger_service_pb2

        self._call(self._client("trigger").update_triggers,
                   trigger_service_pb2.UpdateTriggersRequest(names=list(names), active=active))

    def offload_inputs(self, inputs: Any, task_id: Any) -> Any | None:
        """flyte-sdk's ``offload_trigger_inputs``: ask SelectCluster where trigger inputs go
        (UNIMPLEMENTED: nowhere, keep them inline: None) and UploadInputs them there."""
        from flyteidl2.cluster import payload_pb2
        from flyteidl2.common import identifier_pb2
        from flyteidl2.dataproxy import dataproxy_service_pb2

        project = identifier_pb2.ProjectIdentifier(organization=task_id.org, name=task_id.project,
                                                   domain=task_id.domain)
        select = payload_pb2.SelectClusterRequest(operation=OPERATION_UPLOAD_TRIGGER, project_id=project)
        try:
            where = self._call(self._client("cluster").select_cluster, select).cluster_endpoint
        except AdminError as e:
            if e.code == "UNIMPLEMENTED":
                return None
            raise
        url = self._cluster_url(where)
        upload = dataproxy_service_pb2.UploadInputsRequest(project_id=project, task_id=task_id, inputs=inputs)
        return self._call(self._client("dataproxy", url).upload_inputs, upload).offloaded_input_data

    def _cluster_url(self, where: str) -> str:
        """The data plane SelectCluster named; the token goes there only over https (or with --insecure)."""
        if not where or where.rstrip("/") == self.url:
            return self.url
        url = normalize_endpoint(where, insecure=self.insecure)
        if url.startswith("http://") and not self.insecure:
            raise AdminError("FAILED_PRECONDITION", f"the server sent trigger inputs to plain http "
                             f"{server_text(url, 200)}; lpctl sends credentials there only with --insecure")
        return url

    def token_endpoint(self) -> TokenEndpoint:
        """Ask the endpoint where its OAuth2 token URL is (flyteidl2 AuthMetadataService; no token needed)."""
        from flyteidl2.auth import auth_service_pb2

        auth = self._client("auth")
        return discover_token_endpoint(self.endpoint, lambda: (
            self._call(auth.get_o_auth2_metadata, auth_service_pb2.GetOAuth2MetadataRequest(), auth=False),
            self._call(auth.get_public_client_config, auth_service_pb2.GetPublicClientConfigRequest(), auth=False)))


def _trigger_client() -> Any:
    from flyteidl2.trigger.trigger_service_connect import TriggerServiceClientSync

    return TriggerServiceClientSync


def _task_client() -> Any:
    from flyteidl2.task.task_service_connect import TaskServiceClientSync

    return TaskServiceClientSync


def _cluster_client() -> Any:
    from flyteidl2.cluster.service_connect import ClusterServiceClientSync

    return ClusterServiceClientSync


def _dataproxy_client() -> Any:
    from flyteidl2.dataproxy.dataproxy_service_connect import DataProxyServiceClientSync

    return DataProxyServiceClientSync


def _run_client() -> Any:
    from flyteidl2.workflow.run_service_connect import RunServiceClientSync

    return RunServiceClientSync


def _auth_client() -> Any:
    from flyteidl2.auth.auth_service_connect import AuthMetadataServiceClientSync

    return AuthMetadataServiceClientSync


_CLIENTS: dict[str, Callable[[], Any]] = {"trigger": _trigger_client, "task": _task_client,
                                          "cluster": _cluster_client, "dataproxy": _dataproxy_client,
                                          "auth": _auth_client, "run": _run_client}
