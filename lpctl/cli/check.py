"""Reading specs offline: validate, render, diff, schema, explain, package."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from lpctl import stdio
from lpctl.cli.app import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Command, Debug, app, fail_usage
from lpctl.cli.options import (
    IMPORT_TIMEOUT,
    MAX_BYTES,
    Code,
    Color,
    ColorOption,
    Domain,
    Format,
    FormatOption,
    ImportTimeout,
    Jobs,
    Locked,
    MaxBytes,
    NoCache,
    Paths,
    Project,
    PythonPath,
    Report,
    SpecsOrBundles,
    Strict,
    TextJson,
    Version,
    WorkflowVersion,
    run_options,
)
from lpctl.cli.present import (
    DIFF_STYLES,
    effective_format,
    failed,
    print_styled,
    progress,
    refuse_input_as_output,
    show_report,
    summary,
    write_bundle,
    write_text,
)
from lpctl.errors import UsageError

if TYPE_CHECKING:
    from lpctl.diff import Staleness
    from lpctl.pipeline import Options, Result
    from lpctl.sides import Side


OnlySpecs = Annotated[bool, typer.Option(
    "--only-specs", help="Skip YAML files that are not lpctl specs even when named explicitly "
    "(what the pre-commit hook uses).")]


@app.command(cls=Command)
def validate(
    paths: Paths, only_specs: OnlySpecs = False,
    project: Project = None, domain: Domain = None, version: Version = None, workflow_version: WorkflowVersion = None,
    python_path: PythonPath = None, max_bytes: MaxBytes = MAX_BYTES, import_timeout: ImportTimeout = IMPORT_TIMEOUT,
    no_cache: NoCache = False, locked: Locked = False, jobs: Jobs = 0,
    format: FormatOption = Format.auto, color: ColorOption = Color.auto, strict: Strict = False,
    debug: Debug = False,
) -> None:
    """Check specs for every problem Flyte would refuse.

    Checks the YAML, the schema, the workflow (or, for a kind: Trigger spec, the Flyte 2 task), inputs,
    schedules, notifications, labels and identity. Reports every problem as path:line:col: severity
    code message, then a summary; lpctl explain CODE says what a code means. Exit codes: 0 no errors,
    1 errors (or warnings, with --strict), 2 usage error or an unreadable path.

    Example: lpctl validate launchplans/ --strict
    """
    from dataclasses import replace

    from lpctl.pipeline import run

    options = run_options(project, domain, version, workflow_version, python_path, max_bytes, import_timeout,
                          no_cache, locked, jobs)
    report = Report(format, color, strict)
    with progress(report):
        result = run(paths, replace(options, only_specs=only_specs))
    show_report(result, report, stdio.output())
    raise typer.Exit(EXIT_FINDINGS if failed(result.diagnostics, report.strict) else EXIT_OK)


@app.command(cls=Command)
def render(
    paths: Paths,
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="FILE", help="Write the bundle to this "
                                               "file (atomically, folders made) instead of stdout.")] = None,
    check: Annotated[str | None, typer.Option(
        "--check", metavar="BUNDLE", help="Write nothing; exit 0 if BUNDLE is exactly what render would "
        "write now, else 1, showing the differences (for CI: fail on a stale committed bundle).")] = None,
    project: Project = None, domain: Domain = None, version: Version = None, workflow_version: WorkflowVersion = None,
    python_path: PythonPath = None, max_bytes: MaxBytes = MAX_BYTES, import_timeout: ImportTimeout = IMPORT_TIMEOUT,
    no_cache: NoCache = False, locked: Locked = False, jobs: Jobs = 0,
    format: FormatOption = Format.auto, color: ColorOption = Color.auto, strict: Strict = False,
    debug: Debug = False,
) -> None:
    """Render specs to a JSON bundle of launch plans and triggers.

    The bundle is canonical JSON of flyteidl.admin.LaunchPlan messages (and, for kind: Trigger specs,
    flyteidl2.task.TaskTrigger messages under "triggers"). Diagnostics go to stderr. On any error
    nothing is written and the exit code is 1. With no version anywhere, versions are left empty:
    placeholders that register --version fills in.

    Example: lpctl render launchplans/ -o bundle.json
    """
    from dataclasses import replace

    from lpctl.pipeline import run

    if check is not None and output is not None:
        raise UsageError("--check and --output cannot be used together")
    refuse_input_as_output(output, paths)
    options = run_options(project, domain, version, workflow_version, python_path, max_bytes, import_timeout,
                          no_cache, locked, jobs)
    report = Report(format, color, strict)
    with progress(report):
        result = run(paths, replace(options, entries=check is None))
    bad = failed(result.diagnostics, report.strict)
    if check is not None:
        from lpctl.rendercheck import check_rendered

        _show_check(check, None if bad else check_rendered(check, result.plans, result.triggers), result, report)
    show_report(result, report, sys.stderr)
    if not bad:
        write_bundle(result.plans, result.triggers, output, result.jobs, result.entries)
    raise typer.Exit(EXIT_FINDINGS if bad else EXIT_OK)


def _show_check(path: str, staleness: Staleness | None, result: Result, report: Report) -> NoReturn:
    """``render --check``: exit 0 when the file is what render writes now, else show how it differs, exit 1."""
    if effective_format(report) is Format.json:
        from lpctl.reporters import json_report

        check = None if staleness is None else staleness.as_json()
        stdio.output().write(json_report(result.diagnostics, summary(result), check=check))
        raise typer.Exit(EXIT_OK if staleness is not None and staleness.up_to_date else EXIT_FINDINGS)
    show_report(result, report, sys.stderr)
    if staleness is None:
        raise typer.Exit(EXIT_FINDINGS)
    if staleness.up_to_date:
        raise typer.Exit(EXIT_OK)
    stdio.output().write(f"{path} is not what render would write now:\n")
    print_styled(staleness.lines, DIFF_STYLES, report.color)
    raise typer.Exit(EXIT_FINDINGS)


@app.command(cls=Command)
def diff(
    old: Annotated[str, typer.Argument(metavar="OLD", help="A bundle file (*.json), or spec files and directories "
                                       "(several joined with ':') rendered now.", show_default=False)],
    new: Annotated[str, typer.Argument(metavar="NEW", help="The new side, given the same way.", show_default=False)],
    format: Annotated[TextJson, typer.Option("--format", "-f", metavar="FORMAT", help="text: a line per change; "
                                             "json: a versioned document, an entry per change (a failure "
                                             "document on every way out, usage errors included).")] = TextJson.text,
    color: Annotated[Color, typer.Option("--color", metavar="WHEN", help="Colour in text output: auto (a terminal, "
                                         "unless NO_COLOR is set), always or never.")] = Color.auto,
    project: Project = None, domain: Domain = None, version: Version = None, workflow_version: WorkflowVersion = None,
    python_path: PythonPath = None, max_bytes: MaxBytes = MAX_BYTES, import_timeout: ImportTimeout = IMPORT_TIMEOUT,
    no_cache: NoCache = False, locked: Locked = False,
    debug: Debug = False,
) -> None:
    """Compare two bundles or spec paths, field by field.

    Launch plans are matched by project, domain and name, triggers by task and name; a version line
    shows only where both sides have a version. Exit codes as diff(1): 0 no differences, 1 differences,
    2 a side cannot be read (or its specs have errors).

    Example: lpctl diff bundle.json launchplans/
    """
    from lpctl.diff import diff_bundles, format_json, format_text
    from lpctl.sides import settings_note

    options = run_options(project, domain, version, workflow_version, python_path, max_bytes, import_timeout,
                          no_cache, locked)
    sides = _side(old, options), _side(new, options)
    changes = diff_bundles(sides[0].tree, sides[1].tree)
    note = settings_note(*sides)
    if format is TextJson.json:
        stdio.output().write(format_json(changes, settings=(sides[0].settings, sides[1].settings) if note else None))
    else:
        print_styled([("detail", line) for line in note] + format_text(changes), DIFF_STYLES, color)
    raise typer.Exit(EXIT_FINDINGS if changes else EXIT_OK)


def _side(arg: str, options: Options) -> Side:
    """One side of a diff: a bundle file, or specs rendered now (any error in them: exit 2)."""
    from lpctl.sides import read_side

    side = read_side(arg, options)
    if side.result is not None and not side.result.ok:
        show_report(side.result, Report(Format.text), sys.stderr)
        raise typer.Exit(EXIT_USAGE)
    return side


@app.command(cls=Command)
def schema(
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="FILE", help="Write the schema to FILE "
                                               "(atomically, folders made) instead of stdout.")] = None,
    debug: Debug = False,
) -> None:
    """Print the JSON Schema of the spec format.

    The schema is Draft 2020-12, for editors and other tools.
    Editors find it through a first line '# yaml-language-server: $schema=URL' (lpctl new writes
    it), with the URL of its $id or the path of a copy written with --output.

    Example: lpctl schema --output schemas/launchplan.schema.json
    """
    from lpctl.spec.schema import schema_text

    write_text(schema_text(), output)


@app.command(cls=Command)
def explain(code: Code = None, debug: Debug = False) -> None:
    """Explain a diagnostic code and how to fix it.

    Says what the code means and why Flyte refuses it; with no CODE, lists every code.

    Example: lpctl explain LP510
    """
    import textwrap

    from lpctl.codes import CODES
    from lpctl.codes import explain as lookup

    if code is None:
        stdio.output().writelines(f"{info.code}  {info.title}\n" for info in CODES.values())
        return
    info = lookup(code)
    if info is None:
        fail_usage(f"unknown code {code!r}; 'lpctl explain' lists them all")
    stdio.output().write(f"{info.code}: {info.title}\n\n{textwrap.fill(info.explanation, 88)}\n\n"
                         f"{textwrap.fill('How to fix: ' + info.fix, 88)}\n")


@app.command(cls=Command)
def package(
    paths: SpecsOrBundles,
    output: Annotated[str, typer.Option("--output", "-o", metavar="FILE",
                                        help="Archive to write (atomically, folders made).")] = "launchplans.tgz",
    registration_placeholders: Annotated[bool, typer.Option(
        "--registration-placeholders", help="Leave project, domain and version empty for 'flytectl register "
        "files -p/-d/--version' to fill in, as pyflyte package does (the default when none is given).")] = False,
    project: Project = None, domain: Domain = None, version: Version = None, workflow_version: WorkflowVersion = None,
    python_path: PythonPath = None, max_bytes: MaxBytes = MAX_BYTES, import_timeout: ImportTimeout = IMPORT_TIMEOUT,
    no_cache: NoCache = False, locked: Locked = False,
    format: FormatOption = Format.auto, color: ColorOption = Color.auto, strict: Strict = False,
    debug: Debug = False,
) -> None:
    """Write the archive flytectl register files takes.

    One INDEX_NAME_3.pb file per launch plan, for 'flytectl register files --archive'.

    Example: lpctl package launchplans/ -o lps.tgz && flytectl register files --archive lps.tgz -p P -d D --version V
    """
    from lpctl.output import write_output
    from lpctl.package import package_archive, placeholders_wanted
    from lpctl.pipeline import configured, gather

    refuse_input_as_output(output, paths)
    options = configured(paths, run_options(project, domain, version, workflow_version, python_path, max_bytes,
                                            import_timeout, no_cache, locked))
    report = Report(format, color, strict)
    with progress(report):
        gathered = gather(paths, options)
    show_report(gathered.result, report, sys.stderr)
    if failed(gathered.result.diagnostics, report.strict):
        raise typer.Exit(EXIT_FINDINGS)
    placeholders = registration_placeholders or placeholders_wanted(options)
    write_output(output, package_archive([lp for lp, _ in gathered.launch_plans], placeholders=placeholders))
