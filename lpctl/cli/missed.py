"""lpctl status and lpctl backfill: the fires of the declared schedules that have no execution, and running them."""

from __future__ import annotations

import contextlib
import enum
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lpctl import stdio
from lpctl.cli.app import EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, Command, Debug, app
from lpctl.cli.options import (
    IMPORT_TIMEOUT,
    MAX_BYTES,
    ClientId,
    ClientSecretEnv,
    Color,
    Domain,
    Endpoint,
    Format,
    ImportTimeout,
    Insecure,
    Locked,
    MaxBytes,
    NoCache,
    Paths,
    Project,
    PythonPath,
    Report,
    TokenCommand,
    TokenEnv,
    TokenUrl,
    run_options,
    server,
)
from lpctl.cli.present import failed, progress, show_report
from lpctl.cli.server import admin_client
from lpctl.errors import LpctlError, UsageError

if TYPE_CHECKING:
    from lpctl.admin.status import Window
    from lpctl.pipeline import Options


class MissedFormat(str, enum.Enum):
    text = "text"
    json = "json"


WindowEdge = Annotated[str | None, typer.Option(metavar="DATETIME", help="ISO 8601 date or time; naive means UTC.")]
MissedFormatOption = Annotated[MissedFormat, typer.Option(
    "--format", "-f", metavar="FORMAT", help="text: for people; json: a versioned document.")]
MissedColor = Annotated[Color, typer.Option("--color", metavar="WHEN", help="Colour of the diagnostics: auto (a "
                                            "terminal, unless NO_COLOR is set), always or never.")]


@app.command(cls=Command)
def status(
    paths: Paths,
    since: WindowEdge = None,
    until: WindowEdge = None,
    format: MissedFormatOption = MissedFormat.text,
    color: MissedColor = Color.auto,
    *,
    project: Project = None, domain: Domain = None,
    python_path: PythonPath = None, max_bytes: MaxBytes = MAX_BYTES, import_timeout: ImportTimeout = IMPORT_TIMEOUT,
    no_cache: NoCache = False, locked: Locked = False,
    endpoint: Endpoint, insecure: Insecure = False, token_env: TokenEnv = None,
    token_command: TokenCommand = None, client_id: ClientId = None, client_secret_env: ClientSecretEnv = None,
    token_url: TokenUrl = None,
    debug: Debug = False,
) -> None:
    """Show the fires of the declared schedules that have no execution.

    For each scheduled launch plan the specs declare: its active version on the server, the fire times its
    schedule gave in [--since, --until) (default: the last 7 days up to now), as lpctl schedule computes
    them, and which have no execution, matched by the name the scheduler gives a fire (under any version)
    or by scheduled_at. Exit codes: 0 nothing missed, 1 fires missed (or spec errors), 2 usage error or
    server unreachable.

    Example: lpctl status launchplans/ --endpoint flyte.example.com:443 --token-env FLYTE_TOKEN
    """
    from lpctl.admin import status as core

    options = run_options(project, domain, None, None, python_path, max_bytes, import_timeout, no_cache, locked)
    target = server(endpoint, insecure, token_env, token_command, client_id, client_secret_env, token_url)
    span = _window(since, until, ("--since", "--until"))
    names = core.scheduled(_declared(paths, options, color))
    with _json_failure("status", format), admin_client(target) as client:
        found = core.read_status(client, names, span)
    _warn(found.warnings)
    _write(core.format_json(found) if format is MissedFormat.json else core.format_text(found))
    raise typer.Exit(EXIT_FINDINGS if found.missed else EXIT_OK)


@app.command(cls=Command)
def backfill(
    paths: Paths,
    start: Annotated[str, typer.Option("--from", metavar="DATETIME", help="First fire time to consider "
                                       "(ISO 8601; naive means UTC).")],
    end: Annotated[str, typer.Option("--to", metavar="DATETIME", help="Fire times before this one (ISO 8601).")],
    names: Annotated[list[str] | None, typer.Option("--name", metavar="NAME", help="Only this launch plan "
                                                    "(repeatable; default: every scheduled one declared).")] = None,
    execute: Annotated[bool, typer.Option("--execute", help="Create the executions (default: a dry run that "
                                          "only lists them).")] = False,
    limit: Annotated[int, typer.Option("--limit", metavar="N", min=1, help="Refuse, creating nothing, a window "
                                       "with more executions to create than this.")] = 100,
    format: MissedFormatOption = MissedFormat.text,
    color: MissedColor = Color.auto,
    *,
    project: Project = None, domain: Domain = None,
    python_path: PythonPath = None, max_bytes: MaxBytes = MAX_BYTES, import_timeout: ImportTimeout = IMPORT_TIMEOUT,
    no_cache: NoCache = False, locked: Locked = False,
    endpoint: Endpoint, insecure: Insecure = False, token_env: TokenEnv = None,
    token_command: TokenCommand = None, client_id: ClientId = None, client_secret_env: ClientSecretEnv = None,
    token_url: TokenUrl = None,
    debug: Debug = False,
) -> None:
    """Run missed fires, as the scheduler would have.

    For each fire time in [--from, --to) of the active version of each scheduled launch plan that has no
    execution yet (see lpctl status): one CreateExecution named as the scheduler names that fire, with the
    kickoff input set to the fire time and the scheduler's metadata (mode SCHEDULED, scheduled_at). A
    dry run unless --execute; a rerun creates nothing. Ctrl-C or SIGTERM stops before the next creation
    (exit 130). Exit codes: 0 nothing to do (or all created), 1 executions to create (dry run), refused
    or failed, 2 usage error or server unreachable.

    Example: lpctl backfill launchplans/ --from 2026-11-28 --to 2026-11-30 --name nightly --execute --endpoint HOST:443
    """
    from lpctl.admin import backfill as core
    from lpctl.admin.guard import Interruption
    from lpctl.admin.status import read_status, scheduled

    options = run_options(project, domain, None, None, python_path, max_bytes, import_timeout, no_cache, locked)
    target = server(endpoint, insecure, token_env, token_command, client_id, client_secret_env, token_url)
    span = _window(start, end, ("--from", "--to"))
    declared = scheduled(_declared(paths, options, color))
    unknown = sorted(set(names or ()) - {name for _, _, name in declared})
    if unknown:
        raise UsageError(f"--name {unknown[0]}: no scheduled launch plan of that name in the specs")
    with Interruption() as interruption, _json_failure("backfill", format), admin_client(target) as client:
        status = read_status(client, [d for d in declared if not names or d[2] in names], span)
        found = core.plan_backfill(status, limit)
        with interruption.writing():  # a signal from here on stops before the next write
            done = core.execute(client, found, interruption) if execute else core.dry_run(found)
            _warn(status.warnings)
            _write(core.format_json(found, done, execute) if format is MissedFormat.json
                   else core.format_text(found, done, execute))
    raise typer.Exit(EXIT_INTERRUPTED if interruption() else EXIT_OK if core.ok(found, done, execute)
                     else EXIT_FINDINGS)


@contextlib.contextmanager
def _json_failure(command: str, format: MissedFormat) -> Iterator[None]:
    """With --format json, a JSON document on standard output when the server cannot be read (exit 2) or the
    run is interrupted while reading (130), as plan and apply do."""
    try:
        yield
    except (LpctlError, KeyboardInterrupt) as e:
        if format is MissedFormat.json:
            from lpctl.admin.outcome import failure_json

            stopped = isinstance(e, KeyboardInterrupt)
            _write(failure_json(command, "interrupted" if stopped else str(e),
                                EXIT_INTERRUPTED if stopped else EXIT_USAGE))
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


def _declared(paths: Sequence[str], options: Options, color: Color) -> list[Any]:
    """The declared launch plans (no version needed); spec errors exit 1 after their diagnostics."""
    from lpctl.pipeline import gather

    report = Report(Format.text, color)
    with progress(report):
        gathered = gather(paths, options)
    if gathered.result.diagnostics:
        show_report(gathered.result, report, sys.stderr)
    if failed(gathered.result.diagnostics, False):
        raise typer.Exit(EXIT_FINDINGS)
    triggers = len(gathered.result.triggers)
    if triggers:
        sys.stderr.write(f"lpctl: warning: {triggers} Flyte 2 trigger{'s' if triggers > 1 else ''} left out: status "
                         "and backfill cover Flyte 1 launch plans only, for now\n")
    return [lp for lp, _ in gathered.launch_plans]
