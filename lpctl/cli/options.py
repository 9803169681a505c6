"""The options commands share, each declared once as an ``Annotated`` alias, and the values they build.

A command lists the aliases it takes in its own signature (typer reads it as written); the groups are
the sets that go together: the run options (:func:`run_options`), the report options (:class:`Report`)
and the server options (:func:`server`), every server command taking all of them.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

from lpctl.admin import LIST_TIMEOUT as LIST_TIMEOUT  # the --list-timeout default, for the commands
from lpctl.errors import UsageError

if TYPE_CHECKING:  # the core is imported lazily, so that --help stays fast
    from lpctl.pipeline import Options


class Format(str, enum.Enum):
    auto = "auto"
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


class Color(str, enum.Enum):
    auto = "auto"
    always = "always"
    never = "never"


def _complete_codes(incomplete: str) -> list[tuple[str, str]]:
    """Codes are case-insensitive: ``lp51`` completes to ``lp510`` ..., in the case typed, which shells match."""
    from lpctl.codes import CODES

    lower = incomplete[:1].islower()
    return [(code.lower() if lower else code, info.title) for code, info in CODES.items()
            if code.startswith(incomplete.upper())]


def _complete_specs(incomplete: str) -> list[str]:
    from lpctl.authoring.completion import spec_paths

    return spec_paths(incomplete)


def _complete_specs_or_bundles(incomplete: str) -> list[str]:
    from lpctl.authoring.completion import spec_paths

    return spec_paths(incomplete, bundles=True)


# -- arguments ----------------------------------------------------------------------------------------

Paths = Annotated[list[str], typer.Argument(
    metavar="PATH", autocompletion=_complete_specs, show_default=False,
    help="Spec files, or directories to search for *.yaml / *.yml specs.")]
SpecsOrBundles = Annotated[list[str], typer.Argument(
    metavar="PATH", autocompletion=_complete_specs_or_bundles, show_default=False,
    help="Spec files or directories, or bundle files (*.json).")]
Code = Annotated[str | None, typer.Argument(metavar="CODE", help="A diagnostic code such as LP401; omit to list "
                                            "all.", autocompletion=_complete_codes)]

# -- the run options: identity, imports, limits (run_options builds pipeline.Options from them) ------

Project = Annotated[str | None, typer.Option(
    "--project", "-p", metavar="PROJECT", help="Flyte project, unless the spec sets one "
    "(default: [tool.lpctl] project, else flytesnacks).")]
Domain = Annotated[str | None, typer.Option(
    "--domain", "-d", metavar="DOMAIN", help="Flyte domain, unless the spec sets one "
    "(default: [tool.lpctl] domain, else development).")]
Version = Annotated[str | None, typer.Option(
    "--version", metavar="V", help="Launch plan version, unless the spec sets one (default: "
    "[tool.lpctl] version, else empty: a placeholder filled in at registration); for plan and apply, also the "
    "task version triggers pin, unless their spec sets task_version.")]
WorkflowVersion = Annotated[str | None, typer.Option(
    "--workflow-version", metavar="V", help="Version of the registered workflow the launch plans point "
    "at (default: the launch plan's version).")]
PythonPath = Annotated[list[str] | None, typer.Option(
    "--python-path", metavar="DIR", help="Extra import root for workflow modules (repeatable); "
    "searched after the current directory and [tool.lpctl] python_path.")]
MaxBytes = Annotated[int, typer.Option("--max-bytes", metavar="N", min=1,
                                      help="Refuse spec files larger than N bytes.")]
ImportTimeout = Annotated[float, typer.Option(
    "--import-timeout", metavar="SECONDS", min=0.1, help="Seconds a workflow or task module may take to import "
    "before its specs get an error.")]
NoCache = Annotated[bool, typer.Option(
    "--no-cache", help="Import every workflow module, ignoring the interfaces kept in .lpctl_cache/ "
    "(also: LPCTL_NO_CACHE=1).")]
Locked = Annotated[bool, typer.Option(
    "--locked", help="Answer workflow and task references from lpctl.lock (written by 'lpctl lock'): import "
    "nothing, neither the workflows and tasks nor flytekit and flyte (also: [tool.lpctl] locked = true).")]

Jobs = Annotated[int, typer.Option(
    "--jobs", "-j", metavar="N", min=0, help="Worker processes for a --locked run of many specs (default 0: one "
    "per core, also the most it uses; 1: this process only). A run that imports workflows uses one process.")]

MAX_BYTES = 1024 * 1024
IMPORT_TIMEOUT = 60.0


def run_options(project: str | None, domain: str | None, version: str | None, workflow_version: str | None,
                python_path: list[str] | None, max_bytes: int, import_timeout: float, no_cache: bool,
                locked: bool = False, jobs: int = 1) -> Options:
    from lpctl.pipeline import Options
    from lpctl.spec.config import Identity, check_identity_flags

    identity = Identity(project=project, domain=domain, version=version, workflow_version=workflow_version)
    check_identity_flags(identity)
    cache = not no_cache and os.environ.get("LPCTL_NO_CACHE", "") in ("", "0")
    return Options(identity=identity, python_path=tuple(python_path or ()), max_bytes=max_bytes,
                   import_timeout=import_timeout, cache=cache, locked=locked, jobs=jobs)


# -- the report options -----------------------------------------------------------------------------

FormatOption = Annotated[Format, typer.Option(
    "--format", "-f", metavar="FORMAT", help="Diagnostics format: text, json (versioned document; a failure "
    "document on stdout on every way out, usage errors included), github "
    "(workflow commands, plus a table in $GITHUB_STEP_SUMMARY), sarif (2.1.0, for code scanning); auto "
    "is github under GITHUB_ACTIONS=true, else text.")]
ColorOption = Annotated[Color, typer.Option(
    "--color", metavar="WHEN", help="Colour in text output: auto (a terminal, unless NO_COLOR is set), "
    "always or never.")]
Strict = Annotated[bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")]


class TextJson(str, enum.Enum):
    """The output of a command that shows results, not diagnostics (diff, schedule): for people, or JSON."""

    text = "text"
    json = "json"


TextJsonOption = Annotated[TextJson, typer.Option(
    "--format", "-f", metavar="FORMAT", help="text: for people; json: a versioned document (a failure "
    "document on every way out, usage errors included).")]
DiagnosticsColor = Annotated[Color, typer.Option(
    "--color", metavar="WHEN", help="Colour of the diagnostics: auto (a terminal, unless NO_COLOR is set), always "
    "or never.")]


@dataclass(frozen=True)
class Report:
    """How findings are shown."""

    format: Format = Format.auto
    color: Color = Color.auto
    strict: bool = False


# -- the server options ----------------------------------------------------------------------------

Endpoint = Annotated[str, typer.Option("--endpoint", metavar="HOST:PORT", help="FlyteAdmin gRPC endpoint.")]
Insecure = Annotated[bool, typer.Option("--insecure", help="Plaintext gRPC, no TLS (and an http token "
                                        "URL allowed): for a local sandbox only.")]
TokenEnv = Annotated[str | None, typer.Option(
    "--token-env", metavar="VAR", help="Environment variable holding a bearer token.")]
TokenCommand = Annotated[str | None, typer.Option(
    "--token-command", metavar="COMMAND", help="Command that prints a bearer token.")]
ClientId = Annotated[str | None, typer.Option(
    "--client-id", metavar="ID", help="OAuth2 client id, for the client-credentials flow.")]
ClientSecretEnv = Annotated[str | None, typer.Option(
    "--client-secret-env", metavar="VAR", help="Environment variable holding the OAuth2 client secret.")]
TokenUrl = Annotated[str | None, typer.Option(
    "--token-url", metavar="URL", help="OAuth2 token URL, https (default: asked from the endpoint).")]
ReconcileEndpoint = Annotated[str | None, typer.Option(
    "--endpoint", metavar="HOST:PORT", help="FlyteAdmin gRPC endpoint for the launch plans; the Flyte 2 endpoint "
    "(Connect, as flyte-sdk) when the specs hold only triggers. Needed unless --flyte2-endpoint serves them all.")]
ReconcileInsecure = Annotated[bool, typer.Option(
    "--insecure", help="No TLS: plaintext gRPC to FlyteAdmin, plain HTTP to Flyte 2 (and an http token URL "
    "allowed): for a local sandbox only.")]
Flyte2Endpoint = Annotated[str | None, typer.Option(
    "--flyte2-endpoint", metavar="HOST:PORT", help="Flyte 2 endpoint for the specs' triggers when the specs also "
    "hold launch plans for --endpoint (default: --endpoint). The credentials options apply to both servers, "
    "unless --api-key-env gives the Flyte 2 server its own.")]
ApiKeyEnv = Annotated[str | None, typer.Option(
    "--api-key-env", metavar="VAR", help="Environment variable holding a Flyte 2 API key (flyte-sdk's "
    "FLYTE_API_KEY: client credentials and organization) for the Flyte 2 server only; the other credentials "
    "options then go to FlyteAdmin alone.")]
Org = Annotated[str | None, typer.Option(
    "--org", metavar="ORG", help="Flyte 2 organization of the triggers (default: the API key's, else, as flyte-sdk, "
    "the endpoint host's first label when it has more than two, else none); triggers the server lists in another "
    "one are ignored, with a warning.")]


ListTimeout = Annotated[float, typer.Option(
    "--list-timeout", metavar="SECONDS", min=0.1, help="Seconds the server may take to answer one listing, all its "
    "pages together; past it lpctl stops reading (exit 2) rather than wait hours for a slow server.")]


@dataclass(frozen=True)
class Server:
    """Where FlyteAdmin is and how to authenticate."""

    endpoint: str
    insecure: bool = False
    token_env: str | None = None
    token_command: str | None = None
    client_id: str | None = None
    client_secret_env: str | None = None
    token_url: str | None = None
    #: the seconds one listing may take (--list-timeout)
    list_timeout: float = LIST_TIMEOUT


def server(endpoint: str, insecure: bool, token_env: str | None, token_command: str | None,
           client_id: str | None, client_secret_env: str | None, token_url: str | None,
           list_timeout: float = LIST_TIMEOUT) -> Server:
    if sum(x is not None for x in (token_env, token_command, client_id)) > 1:
        raise UsageError("give only one of --token-env, --token-command, --client-id")
    if client_id and not client_secret_env:
        raise UsageError("--client-id needs --client-secret-env")
    return Server(endpoint, insecure, token_env, token_command, client_id, client_secret_env, token_url, list_timeout)
