"""Talking to FlyteAdmin: register, plan, apply."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lpctl import stdio
from lpctl.cli.app import EXIT_FINDINGS, EXIT_OK, Command, Debug, app
from lpctl.cli.options import (
    IMPORT_TIMEOUT,
    MAX_BYTES,
    ClientId,
    ClientSecretEnv,
    Color,
    ColorOption,
    Domain,
    Endpoint,
    Format,
    FormatOption,
    ImportTimeout,
    Insecure,
    Locked,
    MaxBytes,
    NoCache,
    Project,
    PythonPath,
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

if TYPE_CHECKING:
    from lpctl.admin.client import AdminClient
    from lpctl.admin.reconcile import Plan
    from lpctl.pipeline import Options

Prune = Annotated[bool, typer.Option("--prune", help="Deactivate orphans: active launch plans that no spec in "
                                     "their project and domain declares.")]


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

    Creates them through FlyteAdmin's gRPC API and activates those with auto_activate.
    A launch plan already registered is read back and compared: the same one counts as success, a
    different one under the same version is a conflict that shows what differs, in spec terms. A
    failure half-way says what was done, what failed and what was not attempted. Needs a version
    (spec, --version or [tool.lpctl]) and grpcio (pip install 'lpctl[register]').

    Example: lpctl register launchplans/ --version 2026.11.23 --endpoint flyte.example.com:443 --token-env FLYTE_TOKEN
    """
    from lpctl.admin import outcome
    from lpctl.admin.register import register as register_plans

    options = run_options(project, domain, version, workflow_version, python_path, max_bytes, import_timeout,
                          no_cache, locked)
    report = Report(format, color, strict)
    target = server(endpoint, insecure, token_env, token_command, client_id, client_secret_env, token_url)
    plans = _versioned(paths, options, report)
    with admin_client(target) as client:
        outcomes = register_plans(client, plans, dry_run=dry_run)
    if effective_format(report) is Format.json:
        stdio.output().write(outcome.format_json(outcomes, "register"))
    else:
        stdio.output().writelines(f"{line}\n" for line in outcome.format_text(outcomes, "register"))
    raise typer.Exit(EXIT_OK if all(o.ok for o in outcomes) else EXIT_FINDINGS)


@app.command(cls=Command)
def plan(
    paths: SpecsOrBundles,
    prune: Prune = False,
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
    """Show what apply would change in FlyteAdmin.

    Compares the specs with FlyteAdmin and changes nothing.
    Actions: create, activate, deactivate (auto_activate: false), orphan (active, declared by no
    spec; deactivated by apply --prune), conflict (same version, different structure). Exit codes:
    0 nothing to do, 1 changes pending or conflicts, 2 usage error or server unreachable.

    Example: lpctl plan launchplans/ --version 2026.11.23 --endpoint flyte.example.com:443 --token-env FLYTE_TOKEN
    """
    from lpctl.admin import reconcile

    options = run_options(project, domain, version, workflow_version, python_path, max_bytes, import_timeout,
                          no_cache, locked)
    report = Report(format, color, strict)
    target = server(endpoint, insecure, token_env, token_command, client_id, client_secret_env, token_url)
    plans = _versioned(paths, options, report)
    with admin_client(target) as client:
        found = reconcile.read_plan(client, plans, prune=prune)
    _show_plan(found, report)
    raise typer.Exit(EXIT_FINDINGS if found.changes_pending else EXIT_OK)


@app.command(cls=Command)
def apply(
    paths: SpecsOrBundles,
    prune: Prune = False,
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
    """Make FlyteAdmin match the specs.

    Performs exactly what plan lists.
    Creates first, then activations and deactivations, then (with --prune) orphans. Conflicts are
    never overwritten: register a new version. A failure half-way says what was done, what failed
    and what was not attempted (exit 1); running apply again completes the rest.

    Example: lpctl apply launchplans/ --version 2026.11.23 --endpoint flyte.example.com:443 --token-env FLYTE_TOKEN
    """
    from lpctl.admin import outcome, reconcile

    options = run_options(project, domain, version, workflow_version, python_path, max_bytes, import_timeout,
                          no_cache, locked)
    report = Report(format, color, strict)
    target = server(endpoint, insecure, token_env, token_command, client_id, client_secret_env, token_url)
    plans = _versioned(paths, options, report)
    with admin_client(target) as client:
        found = reconcile.read_plan(client, plans, prune=prune)
        outcomes = reconcile.apply(client, found)
    if effective_format(report) is Format.json:
        stdio.output().write(outcome.format_json(outcomes, "apply", plan=reconcile.plan_document(found)))
    else:
        _show_plan(found, report)
        stdio.output().writelines(f"{line}\n" for line in outcome.format_text(outcomes, "apply"))
    raise typer.Exit(EXIT_OK if all(o.ok for o in outcomes) else EXIT_FINDINGS)


def _versioned(paths: Sequence[str], options: Options, report: Report) -> list[tuple[Any, bool]]:
    """The declared launch plans, placeholders filled with --version (none anywhere: a usage error)."""
    from lpctl.bundle import fill_versions
    from lpctl.pipeline import gather

    with progress(report):
        gathered = gather(paths, options)
    show_report(gathered.result, report, sys.stderr)
    if failed(gathered.result.diagnostics, report.strict):
        raise typer.Exit(EXIT_FINDINGS)
    return fill_versions(gathered.launch_plans, gathered.identity)


@contextlib.contextmanager
def admin_client(target: Server) -> Iterator[AdminClient]:
    """A connected, authenticated FlyteAdmin client."""
    from lpctl.admin.auth import Credentials, authenticate
    from lpctl.admin.client import AdminClient

    with AdminClient(target.endpoint, insecure=target.insecure) as client:
        authenticate(client, Credentials(target.token_env, target.token_command, target.client_id,
                                         target.client_secret_env, target.token_url))
        yield client


def _show_plan(found: Plan, report: Report) -> None:
    from lpctl.admin.reconcile import format_json, format_text

    if effective_format(report) is Format.json:
        stdio.output().write(format_json(found))
        return
    print_styled(format_text(found), PLAN_STYLES, report.color)
