"""lpctl schedule: the next fire times of scheduled launch plans and triggers."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from lpctl import stdio
from lpctl.cli.app import EXIT_FINDINGS, EXIT_OK, Command, Debug, app
from lpctl.cli.options import (
    IMPORT_TIMEOUT,
    MAX_BYTES,
    Color,
    DiagnosticsColor,
    Domain,
    Format,
    ImportTimeout,
    Locked,
    MaxBytes,
    NoCache,
    Paths,
    Project,
    PythonPath,
    Report,
    TextJson,
    TextJsonOption,
    Version,
    WorkflowVersion,
    run_options,
)
from lpctl.cli.present import progress, show_report
from lpctl.errors import UsageError


@app.command(cls=Command)
def schedule(
    paths: Paths,
    count: Annotated[int, typer.Option("--count", "-n", metavar="N", min=1, max=10_000,
                                       help="How many fire times per launch plan or trigger.")] = 5,
    after: Annotated[str | None, typer.Option(
        "--after", metavar="DATETIME", help="Show fire times strictly after this ISO 8601 date or time "
        "(naive means UTC; default: now).")] = None,
    format: TextJsonOption = TextJson.text,
    color: DiagnosticsColor = Color.auto,
    project: Project = None, domain: Domain = None, version: Version = None, workflow_version: WorkflowVersion = None,
    python_path: PythonPath = None, max_bytes: MaxBytes = MAX_BYTES, import_timeout: ImportTimeout = IMPORT_TIMEOUT,
    no_cache: NoCache = False, locked: Locked = False,
    debug: Debug = False,
) -> None:
    """Show the next fire times of scheduled launch plans and triggers.

    Each scheduled launch plan's (and Flyte 2 trigger's) next fire times, as the Flyte scheduler fires them.
    Times follow the scheduler's own cron (robfig/cron v3): in the schedule's time zone, a time
    inside a daylight-saving gap is skipped and one inside a repeated hour fires twice; where clocks
    go back half an hour (Australia/Lord_Howe), the scheduler can pass over a whole-hour fire that
    day, and so does this list. Diagnostics go to stderr. Exit codes: 0 ok, 1 a spec has errors,
    2 usage error (a bad --after).

    Example: lpctl schedule launchplans/ --count 10 --after 2027-03-27
    """
    import datetime as dt

    from lpctl.pipeline import run
    from lpctl.schedule.preview import format_json, format_text, parse_after, preview, preview_triggers

    options = run_options(project, domain, version, workflow_version, python_path, max_bytes, import_timeout,
                          no_cache, locked)
    try:
        start = parse_after(after) if after is not None else dt.datetime.now(dt.timezone.utc)
    except ValueError as e:
        raise UsageError(str(e)) from None
    with progress(Report(Format.json if format is TextJson.json else Format.text)):
        result = run(paths, options)
    if result.diagnostics:
        show_report(result, Report(Format.text, color), sys.stderr)
    previews = preview([p.launch_plan for p in result.plans], start, count)
    triggers = preview_triggers([(t.task_name, t.trigger, (t.project, t.domain) if t.placed else None)
                                 for t in result.triggers], start, count)
    if format is TextJson.json:
        stdio.output().write(format_json(previews, triggers))
    else:
        # "no scheduled launch plans" would mislead when the specs with errors were left out
        stdio.output().writelines(f"{line}\n" for line in format_text(previews, triggers)
                                  if previews or triggers or result.ok)
    raise typer.Exit(EXIT_OK if result.ok else EXIT_FINDINGS)
