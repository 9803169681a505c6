"""lpctl status and lpctl backfill: the fires of the declared schedules that have no execution, and running them."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

from lpctl import stdio
from lpctl.cli.app import EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, Command, Debug, app
from lpctl.cli.flyte2 import Flyte2, flyte2_client
from lpctl.cli.options import (
    IMPORT_TIMEOUT,
    LIST_TIMEOUT,
    MAX_BYTES,
    ApiKeyEnv,
    ClientId,
    ClientSecretEnv,
    Color,
    DiagnosticsColor,
    Domain,
    Flyte2Endpoint,
    Format,
    ImportTimeout,
    ListTimeout,
    Locked,
    MaxBytes,
    NoCache,
    Org,
    Paths,
    Project,
    PythonPath,
    ReconcileEndpoint,
    ReconcileInsecure,
    Report,
    Server,
    TextJson,
    TextJsonOption,
    TokenCommand,
    TokenEnv,
    TokenUrl,
    run_options,
    server,
)
from lpctl.cli.present import failed, progress, show_report
from lpctl.cli.server import admin_client
from lpctl.errors import UsageError

if TYPE_CHECKING:
    from lpctl.admin.client import AdminClient
    from lpctl.admin.flyte2_client import Flyte2Client
    from lpctl.admin.status import Status, Window
    from lpctl.admin.trigger_fires import TriggerId
    from lpctl.pipeline import Options


Names = Annotated[list[str] | None, typer.Option("--name", metavar="NAME", help="Only this launch plan or "
                                                 "trigger (TASK/NAME too; repeatable; default: every scheduled "
                                                 "one declared).")]
Since = Annotated[str | None, typer.Option("--since", metavar="DATETIME", help="Start of the window, an ISO 8601 "
                                           "date or time; naive means UTC (default: 7 days before --until).")]
Until = Annotated[str | None, typer.Option("--until", metavar="DATETIME", help="End of the window (excluded), not in "
                                           "the future; naive means UTC (default: now; fires of the last 5 minutes "
                                           "are not counted yet).")]


@app.command(cls=Command)
def status(
    paths: Paths,
    since: Since = None,
    until: Until = None,
    names: Names = None,
    format: TextJsonOption = TextJson.text,
    color: DiagnosticsColor = Color.auto,
    *,
    project: Project = None, domain: Domain = None,
    python_path: PythonPath = None, max_bytes: MaxBytes = MAX_BYTES, import_timeout: ImportTimeout = IMPORT_TIMEOUT,
    no_cache: NoCache = False, locked: Locked = False,
    endpoint: ReconcileEndpoint = None, insecure: ReconcileInsecure = False, token_env: TokenEnv = None,
    token_command: TokenCommand = None, client_id: ClientId = None, client_secret_env: ClientSecretEnv = None,
    token_url: TokenUrl = None, flyte2_endpoint: Flyte2Endpoint = None, org: Org = None,
    api_key_env: ApiKeyEnv = None, list_timeout: ListTimeout = LIST_TIMEOUT,
    debug: Debug = False,
) -> None:
    """Show the fires of the declared schedules that have no execution.

    For each scheduled launch plan the specs declare: its active version on the server, the fire times its
    schedule gave in [--since, --until) (default: the last 7 days up to now), as lpctl schedule computes
    them, and which have no execution, matched by the name the scheduler gives a fire (under any version)
    or by scheduled_at. For each scheduled Flyte 2 trigger (--flyte2-endpoint, else --endpoint): whether it
    is active, its fire times since it was activated, and which have no run, matched by the name the
    Flyte 2 scheduler gives a fire or by run_start_time. Exit codes: 0 nothing missed, 1 fires missed (or
    spec errors), 2 usage error or server unreachable.

    Example: lpctl status launchplans/ --endpoint flyte.example.com:443 --token-env FLYTE_TOKEN
    """
    from lpctl.admin import status as core
    from lpctl.admin.guard import Interruption

    with Interruption() as interruption, _json_failure("status", format):
        options = run_options(project, domain, None, None, python_path, max_bytes, import_timeout, no_cache, locked)
        target = server(endpoint or "", insecure, token_env, token_command, client_id, client_secret_env, token_url,
                        list_timeout)
        span = _window(since, until, ("--since", "--until"))
        declared = _declared(paths, options, color, format, "status").only(names or ())
        interruption.rearm()  # after the workflow imports: flytekit installs a SIGINT handler that exits 1
        with _clients(declared, target, Flyte2(flyte2_endpoint, org, api_key_env)) as (admin, fl2, triggers):
            found = _read(admin, fl2, declared.plans, triggers, span)
        _warn(found.warnings)
        _write(core.format_json(found) if format is TextJson.json else core.format_text(found))
    raise typer.Exit(EXIT_FINDINGS if found.missed else EXIT_OK)


@app.command(cls=Command)
def backfill(
    paths: Paths,
    start: Annotated[str, typer.Option("--from", metavar="DATETIME", help="First fire time to consider "
                                       "(ISO 8601; naive means UTC).")],
    end: Annotated[str, typer.Option("--to", metavar="DATETIME", help="Fire times before this one (excluded; ISO "
                                       "8601, naive means UTC; not in the future).")],
    names: Names = None,
    execute: Annotated[bool, typer.Option("--execute", help="Create the executions (default: a dry run that "
                                          "only lists them).")] = False,
    limit: Annotated[int, typer.Option("--limit", metavar="N", min=1, help="Refuse, creating nothing, a window "
                                       "with more executions and runs to create than this.")] = 100,
    format: TextJsonOption = TextJson.text,
    color: DiagnosticsColor = Color.auto,
    *,
    project: Project = None, domain: Domain = None,
    python_path: PythonPath = None, max_bytes: MaxBytes = MAX_BYTES, import_timeout: ImportTimeout = IMPORT_TIMEOUT,
    no_cache: NoCache = False, locked: Locked = False,
    endpoint: ReconcileEndpoint = None, insecure: ReconcileInsecure = False, token_env: TokenEnv = None,
    token_command: TokenCommand = None, client_id: ClientId = None, client_secret_env: ClientSecretEnv = None,
    token_url: TokenUrl = None, flyte2_endpoint: Flyte2Endpoint = None, org: Org = None,
    api_key_env: ApiKeyEnv = None, list_timeout: ListTimeout = LIST_TIMEOUT,
    debug: Debug = False,
) -> None:
    """Run missed fires, as the scheduler would have.

    For each fire time in [--from, --to) of the active version of each scheduled launch plan that has no
    execution yet (see lpctl status): one CreateExecution named as the scheduler names that fire, with the
    kickoff input set to the fire time and the scheduler's metadata (mode SCHEDULED, scheduled_at). For
    each active Flyte 2 trigger's fire with no run: one CreateRun as the Flyte 2 scheduler sends it (its
    run name, trigger_name, run_start_time, the schedule-trigger source, the kickoff input). A
    dry run unless --execute; a rerun creates nothing. Ctrl-C or SIGTERM stops before the next creation
    (exit 130). Exit codes: 0 nothing to do (or all created), 1 executions to create (dry run), refused
    or failed, 2 usage error or server unreachable.

    Example: lpctl backfill launchplans/ --from 2026-11-28 --to 2026-11-30 --name nightly --execute --endpoint HOST:443
    """
    from lpctl.admin import backfill as core
    from lpctl.admin.guard import Interruption

    with Interruption() as interruption, _json_failure("backfill", format):
        options = run_options(project, domain, None, None, python_path, max_bytes, import_timeout, no_cache, locked)
        target = server(endpoint or "", insecure, token_env, token_command, client_id, client_secret_env, token_url,
                        list_timeout)
        span = _window(start, end, ("--from", "--to"))
        declared = _declared(paths, options, color, format, "backfill").only(names or ())
        interruption.rearm()  # after the workflow imports: flytekit installs a SIGINT handler that exits 1
        with _clients(declared, target, Flyte2(flyte2_endpoint, org, api_key_env)) as (admin, fl2, triggers):
            status = _read(admin, fl2, declared.plans, triggers, span)
            found = core.plan_backfill(status, limit)
            with interruption.writing():  # a signal from here on stops before the next write
                done = core.execute(admin, found, interruption, fl2) if execute else core.dry_run(found)
                _warn(status.warnings)
                _write(core.format_json(found, done, execute) if format is TextJson.json
                       else core.format_text(found, done, execute))
    raise typer.Exit(EXIT_INTERRUPTED if interruption() else EXIT_OK if core.ok(found, done, execute)
                     else EXIT_FINDINGS)


@contextlib.contextmanager
def _json_failure(command: str, format: TextJson) -> Iterator[None]:
    """With --format json, a JSON document on standard output on every way out, as plan and apply give it:
    a usage error or an unreadable server (exit 2), specs in error (1, see :func:`_declared`), an
    interruption while reading (130), an internal error (3)."""
    try:
        yield
    except typer.Exit:
        raise
    except (KeyboardInterrupt, Exception) as e:
        if format is TextJson.json:
            from lpctl.admin.outcome import failure_json
            from lpctl.cli.app import failure

            code, message = failure(e)
            _write(failure_json(command, message, code))
        raise


def _write(text: str | list[str]) -> None:
    """Standard output, secrets masked (:func:`lpctl.redact.redact`)."""
    from lpctl.redact import redact

    stdio.output().write(redact(text if isinstance(text, str) else "".join(f"{line}\n" for line in text)))


def _warn(warnings: Sequence[str]) -> None:
    from lpctl.redact import redact

    for warning in warnings:
        sys.stderr.write(redact(f"lpctl: warning: {warning}\n"))


def _window(start: str | None, end: str | None, names: tuple[str, str]) -> Window:
    import datetime as dt

    from lpctl.admin.status import window_of
    from lpctl.schedule.preview import parse_after

    try:
        first = parse_after(start, names[0]) if start is not None else None
        last = parse_after(end, names[1]) if end is not None else None
        return window_of(first, last, dt.datetime.now(dt.timezone.utc), names)
    except ValueError as e:
        raise UsageError(str(e)) from None


@dataclass(frozen=True)
class Declared:
    """The scheduled launch plans (project, domain, name) and Flyte 2 triggers the specs declare."""

    plans: list[tuple[str, str, str]]
    #: (project, domain, task, name), the organization not known yet
    triggers: list[tuple[str, str, str, str]]

    def only(self, names: Sequence[str]) -> Declared:
        """Those ``--name`` names (a launch plan's or trigger's name, or TASK/NAME); an unknown one is a usage
        error."""
        if not names:
            return self
        known = {p[2] for p in self.plans} | {t[3] for t in self.triggers} | {f"{t[2]}/{t[3]}" for t in self.triggers}
        unknown = sorted(set(names) - known)
        if unknown:
            raise UsageError(f"--name {unknown[0]}: no scheduled launch plan or trigger of that name in the specs")
        return Declared([p for p in self.plans if p[2] in names],
                        [t for t in self.triggers if t[3] in names or f"{t[2]}/{t[3]}" in names])


@contextlib.contextmanager
def _clients(declared: Declared, target: Server, flyte2: Flyte2) -> Iterator[
        tuple[AdminClient | None, Flyte2Client | None, list[TriggerId]]]:
    """FlyteAdmin's client when launch plans are declared (or nothing is), the Flyte 2 server's when
    triggers are, as plan and apply choose them; and the triggers with their organization."""
    from lpctl.admin.apikey import read_api_key
    from lpctl.admin.flyte2_client import org_from_endpoint
    from lpctl.admin.trigger_fires import TriggerId

    plans, triggers = bool(declared.plans) or not declared.triggers, bool(declared.triggers)
    if plans and not target.endpoint:
        raise UsageError("give FlyteAdmin's endpoint for the launch plans with --endpoint")
    if triggers and not (flyte2.endpoint or target.endpoint):
        raise UsageError("give the Flyte 2 endpoint for the triggers with --endpoint or --flyte2-endpoint")
    if declared.plans and triggers and not flyte2.endpoint:
        raise UsageError("the specs hold launch plans and Flyte 2 triggers: give the Flyte 2 endpoint for the "
                         "triggers with --flyte2-endpoint (--endpoint is FlyteAdmin's)")
    key = read_api_key(flyte2.api_key_env) if triggers and flyte2.api_key_env else None
    where = flyte2.endpoint or target.endpoint
    org = flyte2.org if flyte2.org is not None else (key.org if key else "") or org_from_endpoint(where)
    with contextlib.ExitStack() as stack:
        admin = stack.enter_context(admin_client(target)) if plans else None
        fl2 = stack.enter_context(flyte2_client(target, where, key, flyte2.api_key_env or "")) if triggers else None
        yield admin, fl2, [TriggerId(*t, org=org) for t in declared.triggers]


def _read(admin: AdminClient | None, fl2: Flyte2Client | None, plans: Sequence[tuple[str, str, str]],
          triggers: Sequence[TriggerId], span: Window) -> Status:
    """The launch plans' status from FlyteAdmin and the triggers' from the Flyte 2 server, as one."""
    from dataclasses import replace

    from lpctl.admin.status import Status, read_status
    from lpctl.admin.trigger_status import read_trigger_status

    found = read_status(admin, plans, span) if admin is not None else Status(span, ())
    if fl2 is None:
        return found
    statuses, warnings = read_trigger_status(fl2, triggers, span.start, span.end)
    return replace(found, triggers=statuses, warnings=found.warnings + warnings)


def _declared(paths: Sequence[str], options: Options, color: Color, format: TextJson,
              command: str) -> Declared:
    """The declared scheduled launch plans and triggers (no version needed); spec errors exit 1 after their
    diagnostics."""
    from lpctl.pipeline import gather

    report = Report(Format.text, color)
    with progress(report):
        gathered = gather(paths, options)
    if gathered.result.diagnostics:
        show_report(gathered.result, report, sys.stderr)
    if failed(gathered.result.diagnostics, False):
        if format is TextJson.json:
            from lpctl.admin.outcome import failure_json

            _write(failure_json(command, "the specs have errors (see the diagnostics)", EXIT_FINDINGS))
        raise typer.Exit(EXIT_FINDINGS)
    from lpctl.admin.status import scheduled

    triggers = sorted({(t.project, t.domain, t.task_name, str(t.trigger.name))
                       for t in gathered.result.triggers if t.trigger.automation_spec.HasField("schedule")})
    plans = scheduled(lp for lp, _ in gathered.launch_plans)
    if not plans and not triggers:
        sys.stderr.write("lpctl: warning: the specs declare no scheduled launch plan or trigger: nothing to check\n")
    return Declared(plans, triggers)
