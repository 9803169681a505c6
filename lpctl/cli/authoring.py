"""Writing specs and what they rest on: lock, migrate, new, fmt."""

from __future__ import annotations

import sys
from typing import Annotated

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
    Format,
    FormatOption,
    Insecure,
    MaxBytes,
    Paths,
    Report,
    Strict,
    TokenCommand,
    TokenEnv,
    TokenUrl,
    server,
)
from lpctl.cli.present import failed, plural, progress, refuse_input_as_output, show_report, write_text
from lpctl.errors import UsageError

ImportRoots = Annotated[list[str] | None, typer.Option(
    "--python-path", metavar="DIR", help="Extra import root for workflow modules (repeatable).")]


@app.command(cls=Command)
def lock(
    paths: Paths,
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="FILE", help="The lock file (default: "
                                               "the lpctl.lock at or above the specs, else next to them).")] = None,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if the lock is not what lpctl "
                                        "lock would write now, showing the difference.")] = False,
    from_admin: Annotated[bool, typer.Option("--from-admin", help="Fill the lock from FlyteAdmin (--endpoint) "
                                             "for workflows registered there; imports nothing.")] = False,
    endpoint: Annotated[str | None, typer.Option("--endpoint", metavar="HOST:PORT",
                                                 help="FlyteAdmin gRPC endpoint, for --from-admin.")] = None,
    insecure: Insecure = False, token_env: TokenEnv = None, token_command: TokenCommand = None,
    client_id: ClientId = None, client_secret_env: ClientSecretEnv = None, token_url: TokenUrl = None,
    project: Annotated[str | None, typer.Option("--project", "-p", metavar="PROJECT",
                                                help="--from-admin: the project, unless the spec sets one.")] = None,
    domain: Annotated[str | None, typer.Option("--domain", "-d", metavar="DOMAIN",
                                               help="--from-admin: the domain, unless the spec sets one.")] = None,
    workflow_version: Annotated[str | None, typer.Option(
        "--workflow-version", metavar="V", help="--from-admin: the registered workflow's version, unless the "
        "spec sets one.")] = None,
    python_path: ImportRoots = None,
    import_timeout: Annotated[float, typer.Option("--import-timeout", metavar="SECONDS", min=0.1,
                                                  help="Seconds a workflow or task module may take to import.")
                              ] = IMPORT_TIMEOUT,
    format: FormatOption = Format.auto, color: ColorOption = Color.auto, strict: Strict = False,
    debug: Debug = False,
) -> None:
    """Record workflow and task interfaces in lpctl.lock, for --locked.

    Imports each workflow and task once (or asks FlyteAdmin for workflows, with --from-admin). With the
    lock committed, every command that reads specs (validate, render, diff, package, schedule, register,
    plan, apply, status, backfill) takes --locked and then imports nothing: no flytekit, no flyte, no
    project code. Exit codes: 0 written (or, with --check, up to date), 1 spec errors or a stale lock
    (--check), 2 usage error.

    Example: lpctl lock launchplans/ && lpctl validate launchplans/ --locked
    """
    from lpctl import locker
    from lpctl.cli.server import admin_client
    from lpctl.pipeline import Result
    from lpctl.spec.config import Identity

    if from_admin and not endpoint:
        raise UsageError("--from-admin needs --endpoint")
    refuse_input_as_output(output, paths)
    target = server(endpoint or "", insecure, token_env, token_command, client_id, client_secret_env, token_url)
    request = locker.LockRequest(output, python_path or (), import_timeout,
                                 Identity(project=project, domain=domain, workflow_version=workflow_version))
    collected = locker.collect(paths, request, (lambda: admin_client(target)) if from_admin else None)
    report = Report(format, color, strict)
    result = collected.result
    if result.diagnostics:
        show_report(Result(diagnostics=result.diagnostics, files=result.files), report, sys.stderr)
    if failed(result.diagnostics, report.strict):
        raise typer.Exit(EXIT_FINDINGS)
    if check:
        lines = locker.stale(collected)
        stdio.output().write(f"{collected.path} is stale:\n" if lines else f"{collected.path} is up to date\n")
        stdio.output().writelines(f"  {line}\n" for line in lines)
        raise typer.Exit(EXIT_FINDINGS if lines else EXIT_OK)
    if collected.unreadable:
        sys.stderr.write(f"lpctl: {collected.unreadable}: writing it anew\n")
    locker.write(collected)
    tasks = f", {plural(len(result.lock.tasks), 'Flyte 2 task')}" if result.lock.tasks else ""
    sys.stderr.write(f"wrote {collected.path} ({plural(len(result.lock.workflows), 'workflow')}{tasks})\n")


@app.command(cls=Command)
def migrate(
    paths: Paths,
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="DIR", help="Directory to write the "
                                               "Trigger specs to, never outside it: at each spec's path relative to "
                                               "the current directory (outside it: to the parent of the input "
                                               "naming it); without it nothing is written.")] = None,
    task_map: Annotated[list[str] | None, typer.Option(
        "--task-map", metavar="OLD=NEW", help="The Flyte 2 task NEW (package.module:task) that replaces "
        "workflow OLD; repeatable.",
        show_default=False)] = None,
    fixed_as_defaults: Annotated[bool, typer.Option(
        "--fixed-as-defaults", help="Accept that fixed inputs become overridable defaults (Flyte 2 has no fixed "
        "inputs) instead of refusing those launch plans.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace files in DIR that hold something else (a "
                                        "trigger edited since migrate wrote it); without it they stop the run "
                                        "before anything is written.")] = False,
    max_bytes: MaxBytes = MAX_BYTES,
    debug: Debug = False,
) -> None:
    """Write Flyte 2 Trigger specs from launch plan specs.

    Comments are kept. A launch plan whose meaning would change (fixed inputs, security_context, auth_role,
    raw_output_data_config, max_parallelism, concurrency, Slack or PagerDuty notifications, a default
    launch plan, list inputs) is refused with the reason and where that setting lives in Flyte 2; the summary
    counts them, and those that need a task mapping (no --task-map names the workflow: written with
    its path as the task, which validate fails until it names a Flyte 2 task). Without -o it writes
    nothing and only reports. Exit codes: 0 none needs a decision (a task mapping is not one), 1 some
    launch plan needs a decision or a file has errors, 2 usage error or an unreadable path.

    Example: lpctl migrate launchplans/ -o flyte2/ --task-map myproject.workflows:wf=myproject.tasks:wf
    """
    from lpctl.flyte2.migrate import MigrateOptions, migrate_paths, summary, write_migrated

    mapping = dict(_pair(item) for item in task_map or [])
    files, diagnostics = migrate_paths(paths, MigrateOptions(mapping, fixed_as_defaults, max_bytes))
    sys.stderr.writelines(f"{d}\n" for d in diagnostics)
    stdio.output().write(summary(files))
    if output is not None:
        written = write_migrated(files, output, paths, force=force)
        stdio.output().write(f"wrote {plural(len(written), 'file')} to {output}\n")
    else:
        stdio.output().write("nothing written: give -o DIR to write the triggers that need no decision\n")
    clean = all(not item.decisions for f in files for item in f.items)
    raise typer.Exit(EXIT_OK if clean and not diagnostics else EXIT_FINDINGS)


def _pair(text: str) -> tuple[str, str]:
    old, sep, new = text.partition("=")
    if not sep or not old or not new:
        raise UsageError(f"--task-map {text!r}: write OLD=NEW, e.g. myproject.workflows:wf=myproject.tasks:wf")
    return old, new


@app.command(cls=Command)
def new(
    workflow: Annotated[str, typer.Argument(
        metavar="WORKFLOW", show_default=False, help="Import path of the workflow, package.module:workflow, "
        "or of a Flyte 2 task (writes a Trigger spec); with --input or --registered, the name of a workflow "
        "registered elsewhere.")],
    name: Annotated[str | None, typer.Option("--name", "-n", metavar="NAME", help="Launch plan or "
                                             "trigger name (default: the workflow's name + '_lp', the task's + "
                                             "'_trigger').")] = None,
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="FILE", help="Write the spec to FILE "
                                               "instead of stdout (folders made); never replaces a file without "
                                               "--force.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
    inputs: Annotated[list[str] | None, typer.Option(
        "--input", metavar="NAME=TYPE", help="An input of a workflow registered elsewhere, in Python type "
        "syntax (repeatable): --input day=datetime --input 'regions=list[str]'.")] = None,
    registered: Annotated[bool, typer.Option("--registered", help="WORKFLOW is registered elsewhere: write its "
                                             "interface into the spec (from --input) instead of importing it.")
                          ] = False,
    python_path: Annotated[list[str] | None, typer.Option(
        "--python-path", metavar="DIR", help="Extra import root for workflow modules (repeatable); "
        "searched after the current directory and [tool.lpctl] python_path.")] = None,
    import_timeout: Annotated[float, typer.Option(
        "--import-timeout", metavar="SECONDS", min=0.1, help="Seconds the workflow module may take to "
        "import.")] = IMPORT_TIMEOUT,
    debug: Debug = False,
) -> None:
    """Write a spec for a workflow, every input listed.

    Every input with its type and default, and commented examples of a schedule, notifications,
    labels and auto_activate (true: activated; false: deactivated; not written: apply leaves
    activation as the server has it). The spec validates as written; uncomment what you need. For a
    Flyte 2 task it writes a kind: Trigger spec.

    Example: lpctl new myproject.workflows:daily_report -o launchplans/daily_report.yaml
    """
    from lpctl.authoring.files import create_file
    from lpctl.authoring.new import new_spec

    with progress():
        made, diags = new_spec(workflow, name=name, input_options=inputs or (), registered=registered,
                               python_path=python_path or (), import_timeout=import_timeout)
    sys.stderr.writelines(f"{d}\n" for d in diags)
    if made is None:
        raise typer.Exit(EXIT_FINDINGS)
    if output is None or output == "-":
        write_text(made.text, None)
        return
    create_file(output, made.text, force=force)
    required = f", {len(made.required)} required" if made.required else ""
    check = "" if _is_stream(output) else f"; check it with: lpctl validate {output}"
    sys.stderr.write(f"wrote {output}: {made.kind} {made.name}, {len(made.inputs)} inputs{required}{check}\n")


def _is_stream(path: str) -> bool:
    """Whether ``path`` is a stream (/dev/stdout, /dev/null, a pipe), not a file one can validate afterwards."""
    import os
    import stat

    from lpctl.output import standard_stream

    if standard_stream(path) is not None:
        return True
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True


@app.command(cls=Command)
def fmt(
    paths: Paths,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 listing the files that "
                                        "would change (for CI).")] = False,
    debug: Debug = False,
) -> None:
    """Rewrite specs in one canonical layout.

    Key order, two-space indent, quotes where needed, every comment kept next to what it
    annotates; CRLF line breaks and a UTF-8 BOM kept (mixed: the most common). Files are replaced
    atomically, and only if reading them back gives the same specs with the same comments; a file
    fmt cannot promise that for is left as it is (LP115).
    Exit codes: 0 done, 1 a file left as it is or a spec that cannot be read as YAML (with --check:
    also files to reformat), 2 a path that cannot be read.

    Example: lpctl fmt launchplans/ --check
    """
    from lpctl.authoring.fmt import format_paths
    from lpctl.output import replace_file

    results = format_paths(paths)
    if not results:
        raise UsageError("no lpctl specs found in " + ", ".join(paths))
    broken = [d for r in results for d in r.diagnostics]
    sys.stderr.writelines(f"{d}\n" for d in broken)
    changed = [r for r in results if r.changed]
    for r in changed:
        if not check:
            replace_file(r.source, (r.text or "").encode("utf-8"), shown=r.path)
        stdio.output().write(f"{'would reformat' if check else 'reformatted'} {r.path}\n")
    verb = "would be reformatted" if check else "reformatted"
    sys.stderr.write(f"{plural(len(changed), 'file')} {verb}, {plural(len(results) - len(changed), 'file')} "
                     "unchanged\n")
    raise typer.Exit(EXIT_FINDINGS if broken or (check and changed) else EXIT_OK)
