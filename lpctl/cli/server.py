"""Talking to FlyteAdmin: register, plan, apply."""

from __future__ import annotations

import contextlib
import inspect
import sys
from collections.abc import Callable, Iterator, Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lpctl import stdio
from lpctl.cli.app import EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, Command, Debug, app, failure
from lpctl.cli.flyte2 import Flyte2, flyte2_client
from lpctl.cli.options import (
    IMPORT_TIMEOUT,
    LIST_TIMEOUT,
    MAX_BYTES,
    ApiKeyEnv,
    ClientId,
    ClientSecretEnv,
    Color,
    ColorOption,
    Domain,
    Endpoint,
    Flyte2Endpoint,
    Format,
    FormatOption,
    ImportTimeout,
    Insecure,
    ListTimeout,
    Locked,
    MaxBytes,
    NoCache,
    Org,
    Project,
    PythonPath,
    ReconcileEndpoint,
    ReconcileInsecure,
    Report,
    Server,
    SpecsOrBundles,
    Strict,
    TokenCommand,
    TokenEnv,
    TokenUrl,
    Version,
    WorkflowVersion,
    run_options,
    server,
)
from lpctl.cli.present import PLAN_STYLES, effective_format, failed, print_styled, progress, show_report
from lpctl.errors import UsageError

if TYPE_CHECKING:
    from lpctl.admin.client import AdminClient
    from lpctl.admin.guard import Interruption
    from lpctl.admin.reconcile import Plan
    from lpctl.pipeline import Options

Prune = Annotated[bool, typer.Option("--prune", help="Deactivate orphans: active launch plans that no spec in "
                                     "their project and domain declares, active triggers of a task the specs "
                                     "name that no spec declares. Refused (exit 2) when a spec path was skipped "
                                     "or a spec has errors.")]


@app.command(cls=Command)
def register(
    paths: SpecsOrBundles,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be created and activated; "
                                          "change nothing.")] = False,
    *,
    project: Project = None, domain: Domain = None, version: Version = None, workflow_version: WorkflowVersion = None,
    python_path: PythonPath = None, max_bytes: MaxBytes = MAX_BYTES, import_timeout: ImportTimeout = IMPORT_TIMEOUT,
    no_cache: NoCache = False, locked: Locked = False,
    format: FormatOption = Format.auto, color: ColorOption = Color.auto, strict: Strict = False,
    endpoint: Endpoint, insecure: Insecure = False, token_env: TokenEnv = None,
    token_command: TokenCommand = None, client_id: ClientId = None, client_secret_env: ClientSecretEnv = None,
    token_url: TokenUrl = None,
    debug: Debug = False,
) -> None:
    """Create and activate launch plans in FlyteAdmin.

    Creates them through FlyteAdmin's gRPC API and activates those with auto_activate: true.
    A launch plan already registered is read back and compared: the same one counts as success, a
    different one under the same version is a conflict that shows what differs, in spec terms. A
    failure half-way, or Ctrl-C (exit 130), says what was done and what was not attempted. Needs a
    version (spec, --version or [tool.lpctl]) and grpcio (lpctl's register extra). Exit codes: 0 all
    registered, 1 spec errors, a conflict or a failure, 2 usage error or server unreachable, 130 interrupted.

    Example: lpctl register launchplans/ --version 2026.11.23 --endpoint flyte.example.com:443 --token-env FLYTE_TOKEN
    """
    from lpctl.admin import outcome
    from lpctl.admin.register import register as register_plans

    report = Report(format, color, strict)
    with _server_run("register", report) as interruption:
        options = run_options(project, domain, version, workflow_version, python_path, max_bytes, import_timeout,
                              no_cache, locked)
        target = server(endpoint, insecure, token_env, token_command, client_id, client_secret_env, token_url)
        plans = _versioned(paths, options, report, "register")
        interruption.rearm()  # after the workflow imports: flytekit's import installs a SIGINT handler
        with admin_client(target) as client, interruption.writing() if not dry_run else contextlib.nullcontext():
            outcomes = register_plans(client, plans, dry_run=dry_run, stop=interruption)
            stopped = interruption()
            if effective_format(report) is Format.json:
                _out(outcome.format_json(outcomes, "register", interrupted=stopped))
            else:
                _out("".join(f"{line}\n" for line in outcome.format_text(outcomes, "register", interrupted=stopped)))
    raise typer.Exit(EXIT_INTERRUPTED if stopped else EXIT_OK if all(o.ok for o in outcomes) else EXIT_FINDINGS)


@contextlib.contextmanager
def _reconciling(command: str, given: dict[str, Any]) -> Iterator[tuple[Report, Interruption, list[Target]]]:
    """plan's and apply's run, from their options (``given``): the report, the interruption guard (see
    :func:`_server_run`) and a Target per server the specs need, their clients open for the block."""
    o = SimpleNamespace(**given)
    report = Report(o.format, o.color, o.strict)
    with _server_run(command, report) as interruption:
        options = run_options(o.project, o.domain, o.version, o.workflow_version, o.python_path, o.max_bytes,
                              o.import_timeout, o.no_cache, o.locked)
        target = server(o.endpoint or "", o.insecure, o.token_env, o.token_command, o.client_id, o.client_secret_env,
                        o.token_url, o.list_timeout)
        flyte2 = Flyte2(o.flyte2_endpoint, o.org, o.api_key_env)
        with _servers(o.paths, options, report, target, flyte2, command, o.prune) as targets:
            interruption.rearm()  # after the workflow imports: flytekit's import installs a SIGINT handler
            yield report, interruption, targets


def _options_of(command: Callable[..., None]) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """A command taking exactly ``command``'s options (typer reads them from the signature): apply's are plan's."""
    signature = inspect.signature(command, eval_str=True)

    def same(function: Callable[..., None]) -> Callable[..., None]:
        function.__signature__ = signature  # type: ignore[attr-defined]
        function.__annotations__ = dict(command.__annotations__)
        return function

    return same


@app.command(cls=Command)
def plan(
    paths: SpecsOrBundles,
    prune: Prune = False,
    *,
    project: Project = None, domain: Domain = None, version: Version = None, workflow_version: WorkflowVersion = None,
    python_path: PythonPath = None, max_bytes: MaxBytes = MAX_BYTES, import_timeout: ImportTimeout = IMPORT_TIMEOUT,
    no_cache: NoCache = False, locked: Locked = False,
    format: FormatOption = Format.auto, color: ColorOption = Color.auto, strict: Strict = False,
    endpoint: ReconcileEndpoint = None, insecure: ReconcileInsecure = False, token_env: TokenEnv = None,
    token_command: TokenCommand = None, client_id: ClientId = None, client_secret_env: ClientSecretEnv = None,
    token_url: TokenUrl = None, flyte2_endpoint: Flyte2Endpoint = None, org: Org = None,
    api_key_env: ApiKeyEnv = None, list_timeout: ListTimeout = LIST_TIMEOUT,
    debug: Debug = False,
) -> None:
    """Show what apply would change in FlyteAdmin and in Flyte 2.

    Compares the specs with the servers and changes nothing: launch plans with FlyteAdmin
    (--endpoint), Flyte 2 triggers with the TriggerService (--flyte2-endpoint, else --endpoint).
    Actions: create, update (a trigger's schedule, inputs, settings, description or task version),
    activate, deactivate (auto_activate: false), orphan (active, declared by no spec; deactivated by
    apply --prune), conflict (a launch plan version registered with a different structure; a
    trigger's task version not on the server). A launch plan spec without auto_activate leaves
    activation as the server has it (unmanaged: a note, exit 0, when its version is on the server but
    another is active); only the specs' projects and domains are read. Exit codes: 0
    nothing to do, 1 changes pending or conflicts, 2 usage error, server unreachable, or --prune with
    a spec path skipped or in error.

    Example: lpctl plan launchplans/ --version 2026.11.23 --endpoint flyte.example.com:443 --token-env FLYTE_TOKEN
    """
    with _reconciling("plan", locals()) as (report, _, targets):
        found = _combined([read(prune) for read, _ in targets], prune)
        _show_plan(found, report)
    raise typer.Exit(EXIT_FINDINGS if found.changes_pending else EXIT_OK)


@app.command(cls=Command)
@_options_of(plan)
def apply(**given: Any) -> None:
    """Make FlyteAdmin and Flyte 2 match the specs.

    Performs exactly what plan lists.
    Creates (and updates triggers) first, then activations and deactivations, then (with --prune)
    orphans. Conflicts are never overwritten: register a new version, or deploy the task version a
    trigger pins. Triggers are written with DeployTrigger and UpdateTriggers only (never DeployTask),
    their inputs offloaded where the server asks for it, as flyte-sdk does. A failure half-way says
    what was done, what failed and what was not attempted (exit 1); Ctrl-C or SIGTERM stops before
    the next write and says the same (exit 130); running apply again completes the rest. Exit codes:
    0 done (a plan right after has nothing to do), 1 spec errors, a conflict or a failure, 2 usage
    error, server unreachable, or --prune refused, 130 interrupted.

    Example: lpctl apply launchplans/ --version 2026.11.23 --endpoint flyte.example.com:443 --token-env FLYTE_TOKEN
    """
    prune = bool(given["prune"])
    with _reconciling("apply", given) as (report, interruption, targets):
        plans = [read(prune) for read, _ in targets]
        found = _combined(plans, prune)
        with interruption.writing():  # a signal from here on stops before the next write
            outcomes = [o for (_, perform), part in zip(targets, plans, strict=True)
                        for o in perform(part, interruption)]
            stopped = interruption()
            _show_outcomes(outcomes, found, report, stopped)
    raise typer.Exit(EXIT_INTERRUPTED if stopped else EXIT_OK if all(o.ok for o in outcomes) else EXIT_FINDINGS)


def _show_outcomes(outcomes: list[Any], found: Plan, report: Report, stopped: bool) -> None:
    """apply's report: the plan and what became of each action (text), or one JSON document."""
    from lpctl.admin import outcome, reconcile

    if effective_format(report) is Format.json:
        _out(outcome.format_json(outcomes, "apply", plan=reconcile.plan_document(found), interrupted=stopped))
        return
    _show_plan(found, report)
    _out("".join(f"{line}\n" for line in outcome.format_text(outcomes, "apply", interrupted=stopped)))


def _versioned(paths: Sequence[str], options: Options, report: Report, command: str) -> list[tuple[Any, bool | None]]:
    """The declared launch plans, placeholders filled with --version (none anywhere: a usage error)."""
    return _declared(paths, options, report, None, command)[0]


def _declared(paths: Sequence[str], options: Options, report: Report, flyte2: Flyte2 | None, command: str,
              prune: bool = False) -> tuple[list[tuple[Any, bool | None]], list[Any]]:
    """The declared launch plans (versions filled in) and, with ``flyte2``, the declared triggers with
    their project, domain and task version (none anywhere: a usage error). With ``prune``, every path
    must have been read and every spec be free of errors (else exit 2)."""
    from lpctl.bundle import fill_versions
    from lpctl.pipeline import gather, incomplete

    if flyte2 is not None:
        _no_bundled_triggers(paths)
    with progress(report):
        gathered = gather(paths, options)
    show_report(gathered.result, report, sys.stderr)
    partial = incomplete(gathered.result) if prune else None
    if partial:
        raise UsageError(f"--prune refused: {partial}; a partial view of the specs must never deactivate "
                         "anything: fix them, or run without --prune")
    if failed(gathered.result.diagnostics, report.strict):
        if effective_format(report) is Format.json:
            from lpctl.admin.outcome import failure_json

            _out(failure_json(command, "the specs have errors (see the diagnostics)", EXIT_FINDINGS))
        raise typer.Exit(EXIT_FINDINGS)
    plans = fill_versions(gathered.launch_plans, gathered.identity)
    if flyte2 is None or not gathered.result.triggers:
        return plans, []
    from lpctl.admin.triggers import declare

    return plans, declare(gathered.result.triggers, gathered.identity.resolved().version or None, flyte2.org or "")


def _no_bundled_triggers(paths: Sequence[str]) -> None:
    """A bundle's triggers carry no task version to pin: plan and apply read triggers from their specs only,
    and say so rather than leave them out unchecked."""
    from lpctl.bundle import is_bundle_path, read_bundle

    for path in (p for p in paths if is_bundle_path(p)):
        count = len(read_bundle(path).get("triggers") or [])
        if count:
            raise UsageError(f"{path} holds {count} Flyte 2 trigger{'s' if count > 1 else ''}: plan and apply read "
                             "triggers from their specs (a bundle pins no task version); give the spec files")


#: (read the plan with --prune or not, perform a plan, asking stop() before each write) against one server
Target = tuple[Callable[[bool], "Plan"], Callable[["Plan", Callable[[], bool]], list[Any]]]


@contextlib.contextmanager
def _servers(paths: Sequence[str], options: Options, report: Report, target: Server, flyte2: Flyte2,
             command: str, prune: bool) -> Iterator[list[Target]]:
    """A Target per server the specs need, FlyteAdmin for launch plans and Flyte 2 for triggers, with
    their clients open for the block."""
    from lpctl.admin import reconcile, triggers
    from lpctl.admin.apikey import read_api_key
    from lpctl.admin.flyte2_client import org_from_endpoint

    plans, declared = _declared(paths, options, report, flyte2, command, prune)
    if (plans or not declared) and not target.endpoint:
        raise UsageError("give FlyteAdmin's endpoint for the launch plans with --endpoint")
    if declared and not (flyte2.endpoint or target.endpoint):
        raise UsageError("give the Flyte 2 endpoint for the triggers with --endpoint or --flyte2-endpoint")
    if plans and declared and not flyte2.endpoint:
        raise UsageError("the specs hold launch plans and Flyte 2 triggers: give the Flyte 2 endpoint for the "
                         "triggers with --flyte2-endpoint (--endpoint is FlyteAdmin's)")
    key = read_api_key(flyte2.api_key_env) if declared and flyte2.api_key_env else None
    if declared and flyte2.org is None:
        org = (key.org if key else "") or org_from_endpoint(flyte2.endpoint or target.endpoint)
        declared = [triggers.Desired(d.compiled, d.project, d.domain, d.version, org) for d in declared]
    with contextlib.ExitStack() as stack:
        targets: list[Target] = []
        if plans or not declared:
            admin = stack.enter_context(admin_client(target))
            targets.append((lambda prune: reconcile.read_plan(admin, plans, prune=prune),
                            lambda found, stop: reconcile.apply(admin, found, stop)))
        if declared:
            fl2 = stack.enter_context(flyte2_client(target, flyte2.endpoint or target.endpoint, key,
                                                    flyte2.api_key_env or ""))
            targets.append((lambda prune: triggers.read_plan(fl2, declared, prune=prune),
                            lambda found, stop: triggers.apply(fl2, found, stop)))
        yield targets


def _combined(plans: Sequence[Plan], prune: bool) -> Plan:
    from lpctl.admin.reconcile import Plan, display_order

    return Plan(tuple(sorted((a for p in plans for a in p.actions), key=display_order)), prune,
                tuple(w for p in plans for w in p.warnings))


@contextlib.contextmanager
def admin_client(target: Server) -> Iterator[AdminClient]:
    """A connected, authenticated FlyteAdmin client."""
    from lpctl.admin.auth import Credentials, authenticate
    from lpctl.admin.client import AdminClient

    with AdminClient(target.endpoint, insecure=target.insecure) as client:
        client.list_timeout = target.list_timeout
        authenticate(client, Credentials(target.token_env, target.token_command, target.client_id,
                                         target.client_secret_env, target.token_url))
        yield client


@contextlib.contextmanager
def _server_run(command: str, report: Report) -> Iterator[Interruption]:
    """register, plan and apply: SIGINT and SIGTERM caught (see :class:`lpctl.admin.guard.Interruption`),
    and with --format json a JSON document on standard output on every way out (exit 2, 3, 130 too; the
    message on standard error is the guard's, as ever)."""
    from lpctl.admin.guard import Interruption

    with Interruption() as interruption:
        try:
            yield interruption
        except typer.Exit:
            raise
        except (KeyboardInterrupt, Exception) as e:
            if effective_format(report) is Format.json:
                from lpctl.admin.outcome import failure_json

                code, message = failure(e)
                _out(failure_json(command, message, code, getattr(e, "outcomes", ())))
            raise


def _out(text: str) -> None:
    """Standard output, secrets masked (the one redaction, :func:`lpctl.redact.redact`)."""
    from lpctl.redact import redact

    stdio.output().write(redact(text))


def _show_plan(found: Plan, report: Report) -> None:
    from lpctl.admin.reconcile import format_json, format_text
    from lpctl.redact import redact

    for warning in found.warnings:
        sys.stderr.write(redact(f"lpctl: warning: {warning}\n"))
    if effective_format(report) is Format.json:
        _out(format_json(found))
        return
    print_styled([(kind, redact(line)) for kind, line in format_text(found)], PLAN_STYLES, report.color)
