"""The command line: parse options, call the core, report, pick the exit code.

The only module that imports typer or rich. Exit codes: 0 success (for diff: no
differences), 1 errors in the input (or warnings under --strict; for diff: differences),
2 usage error or a path that cannot be read or written, 3 internal error (a bug in lpctl),
130 interrupted.
"""

from __future__ import annotations

import contextlib
import enum
import os
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TextIO

import typer

from lpctl import __version__, stdio
from lpctl.diagnostics import Diagnostic, Severity
from lpctl.errors import LpctlError, PathError, UsageError

if TYPE_CHECKING:  # the core is imported lazily, so that --help stays fast
    from lpctl.pipeline import Options, Result

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_BUG, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 1, 2, 3, 130, 141
ISSUES_URL = "https://github.com/lpctl/lpctl/issues"

app = typer.Typer(
    name="lpctl",
    help="Declarative Flyte launch plans: validate YAML specs, render flyteidl LaunchPlan bundles.\n\n"
    "Example: lpctl validate launchplans/ && lpctl render launchplans/ -o bundle.json\n\n"
    "Exit codes: 0 success, 1 problems in the specs (or differences, for diff), 2 usage error or "
    "unreadable path, 3 internal error (a bug in lpctl).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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


Paths = Annotated[list[str], typer.Argument(help="Spec files, or directories to search for *.yaml / *.yml specs.",
                                            show_default=False)]
Project = Annotated[str | None, typer.Option("--project", "-p", help="Flyte project, unless the spec sets "
                                                "one (default: [tool.lpctl] project, else flytesnacks).")]
Domain = Annotated[str | None, typer.Option("--domain", "-d", help="Flyte domain, unless the spec sets one "
                                               "(default: [tool.lpctl] domain, else development).")]
Version = Annotated[str | None, typer.Option("--version", "-v", help="Launch plan version, unless the spec "
                                                "sets one (default: a digest of the rendered spec).")]
WorkflowVersion = Annotated[str | None, typer.Option(
    "--workflow-version", help="Version of the registered workflow the launch plans point at "
    "(default: the launch plan's version).")]
PythonPath = Annotated[list[str] | None, typer.Option(
    "--python-path", help="Extra import root for workflow modules (repeatable); searched after the current "
    "directory and [tool.lpctl] python_path.")]
FormatOpt = Annotated[Format, typer.Option(
    "--format", "-f", help="Diagnostics format: text, json (versioned document), github (workflow commands, "
    "plus a table in $GITHUB_STEP_SUMMARY), sarif (2.1.0, for code scanning); auto is github under "
    "GITHUB_ACTIONS=true, else text.")]
ColorOpt = Annotated[Color, typer.Option("--color", help="Colour in text output; 'auto' colours a terminal "
                                         "unless NO_COLOR is set.")]
Strict = Annotated[bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")]
MaxBytes = Annotated[int, typer.Option("--max-bytes", help="Refuse spec files larger than this.", min=1)]
Debug = Annotated[bool, typer.Option("--debug", help="Show the Python traceback of an internal error.")]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Import every workflow module, ignoring the "
                                       "interfaces kept in .lpctl_cache/ (also: LPCTL_NO_CACHE=1).")]
ImportTimeout = Annotated[float, typer.Option("--import-timeout", min=0.1, help="Seconds a workflow module may "
                                              "take to import before its specs get an error.")]


def _version_callback(value: bool) -> None:
    if value:
        sys.stdout.write(f"lpctl {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", help="Print lpctl's version and exit.",
                                          callback=_version_callback, is_eager=True)] = False,
) -> None:
    """Declarative Flyte launch plans."""


@app.command()
def validate(
    paths: Paths,
    project: Project = None,
    domain: Domain = None,
    version: Version = None,
    workflow_version: WorkflowVersion = None,
    python_path: PythonPath = None,
    format: FormatOpt = Format.auto,
    color: ColorOpt = Color.auto,
    strict: Strict = False,
    max_bytes: MaxBytes = 1024 * 1024,
    import_timeout: ImportTimeout = 60.0,
    no_cache: NoCache = False,
    only_specs: Annotated[bool, typer.Option(
        "--only-specs", help="Skip YAML files that are not lpctl specs even when named explicitly "
        "(what the pre-commit hook uses).")] = False,
    debug: Debug = False,
) -> None:
    """Check launch plan specs: YAML, schema, workflow, inputs, schedule, labels, identity.

    Reports every problem as path:line:col: severity code message, then a summary.

    Example: lpctl validate launchplans/ --strict
    """
    with _guard(debug):
        options = _options(project, domain, version, workflow_version, python_path, max_bytes,
                           only_specs=only_specs, import_timeout=import_timeout, no_cache=no_cache)
        result = _run(paths, options, allow_empty=only_specs)
        _report(result, format, color, stdio.output())
        _exit(result.diagnostics, strict)


@app.command()
def render(
    paths: Paths,
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write the bundle to this file "
                                                  "(atomically) instead of stdout.")] = None,
    check: Annotated[str | None, typer.Option(
        "--check", metavar="BUNDLE", help="Write nothing; exit 0 if BUNDLE is exactly what render would "
        "write now, else 1, showing the differences (for CI: fail on a stale committed bundle).")] = None,
    project: Project = None,
    domain: Domain = None,
    version: Version = None,
    workflow_version: WorkflowVersion = None,
    python_path: PythonPath = None,
    format: FormatOpt = Format.auto,
    color: ColorOpt = Color.auto,
    strict: Strict = False,
    max_bytes: MaxBytes = 1024 * 1024,
    import_timeout: ImportTimeout = 60.0,
    no_cache: NoCache = False,
    debug: Debug = False,
) -> None:
    """Render specs to a canonical JSON bundle of flyteidl.admin.LaunchPlan messages.

    Diagnostics go to stderr. On any error nothing is written and the exit code is 1.

    Example: lpctl render launchplans/ --version 2026.11.23 -o bundle.json
    """
    from lpctl.bundle import render_bundle

    with _guard(debug):
        if check is not None and output is not None:
            raise UsageError("--check and --output cannot be used together")
        options = _options(project, domain, version, workflow_version, python_path, max_bytes, render=True,
                           import_timeout=import_timeout, no_cache=no_cache)
        result = _run(paths, options)
        _report(result, format, color, sys.stderr)
        failed = _failed(result.diagnostics, strict)
        if not failed and check is not None:
            _check_bundle(check, render_bundle(result.plans), color)
        if not failed:
            _write(render_bundle(result.plans), output)
        raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


class DiffFormat(str, enum.Enum):
    text = "text"
    json = "json"


@app.command()
def diff(
    old: Annotated[str, typer.Argument(help="A bundle file (*.json), or spec files and directories (several "
                                       "joined with ':') rendered now.", show_default=False)],
    new: Annotated[str, typer.Argument(help="The new side, given the same way.", show_default=False)],
    project: Project = None,
    domain: Domain = None,
    version: Version = None,
    workflow_version: WorkflowVersion = None,
    python_path: PythonPath = None,
    format: Annotated[DiffFormat, typer.Option("--format", "-f", help="text: a line per change; json: a "
                                               "versioned document, an entry per change.")] = DiffFormat.text,
    color: ColorOpt = Color.auto,
    max_bytes: MaxBytes = 1024 * 1024,
    import_timeout: ImportTimeout = 60.0,
    no_cache: NoCache = False,
    debug: Debug = False,
) -> None:
    """Compare two bundles or spec paths, launch plan by launch plan, field by field.

    Launch plans are matched by project, domain and name. Exit codes as diff(1): 0 no differences,
    1 differences, 2 a side cannot be read (or its specs have errors).

    Example: lpctl diff bundle.json launchplans/ --version 2026.11.23
    """
    from lpctl.diff import diff_bundles, format_json, format_text

    with _guard(debug):
        options = _options(project, domain, version, workflow_version, python_path, max_bytes, render=True,
                           import_timeout=import_timeout, no_cache=no_cache)
        changes = diff_bundles(_side(old, options, color), _side(new, options, color))
        if format is DiffFormat.json:
            stdio.output().write(format_json(changes))
        else:
            _print_diff(format_text(changes), color)
        raise typer.Exit(EXIT_FINDINGS if changes else EXIT_OK)


@app.command()
def schema() -> None:
    """Print the JSON Schema (Draft 2020-12) of the spec format.

    Example: lpctl schema > launchplan.schema.json
    """
    from lpctl.spec.schema import schema_text

    sys.stdout.write(schema_text())


@app.command()
def explain(
    code: Annotated[str | None, typer.Argument(help="A diagnostic code such as LP401; omit to list all.")] = None,
) -> None:
    """Explain a diagnostic code: what it means, why Flyte refuses it, how to fix it.

    Example: lpctl explain LP510
    """
    import textwrap

    from lpctl.codes import CODES
    from lpctl.codes import explain as lookup

    if code is None:
        sys.stdout.writelines(f"{info.code}  {info.title}\n" for info in CODES.values())
        return
    info = lookup(code)
    if info is None:
        _fail_usage(f"unknown code {code!r}; 'lpctl explain' lists them all")
    sys.stdout.write(f"{info.code}: {info.title}\n\n{textwrap.fill(info.explanation, 88)}\n")


@app.command()
def package(
    paths: Annotated[list[str], typer.Argument(help="Spec files or directories, or bundle files (*.json).",
                                               show_default=False)],
    output: Annotated[str, typer.Option("--output", "-o", help="Archive to write (atomically).")
                      ] = "launchplans.tgz",
    registration_placeholders: Annotated[bool, typer.Option(
        "--registration-placeholders", help="Leave project, domain and version empty for 'flytectl register "
        "files -p/-d/--version' to fill in, as pyflyte package does (the default when none is given).")] = False,
    project: Project = None,
    domain: Domain = None,
    version: Version = None,
    workflow_version: WorkflowVersion = None,
    python_path: PythonPath = None,
    format: FormatOpt = Format.auto,
    color: ColorOpt = Color.auto,
    strict: Strict = False,
    max_bytes: MaxBytes = 1024 * 1024,
    import_timeout: ImportTimeout = 60.0,
    no_cache: NoCache = False,
    debug: Debug = False,
) -> None:
    """Write the archive 'flytectl register files --archive' takes: one <index>_<name>_3.pb per launch plan.

    Example: lpctl package launchplans/ -o lps.tgz && flytectl register files --archive lps.tgz -p P -d D --version V
    """
    from lpctl.package import package_archive
    from lpctl.spec.config import load_config

    with _guard(debug):
        config = load_config()
        placeholders = registration_placeholders or not any(
            (project, domain, version, config.project, config.domain, config.version))
        options = _options(project, domain, version, workflow_version, python_path, max_bytes,
                           render=not placeholders, import_timeout=import_timeout, no_cache=no_cache)
        plans, failed = _launch_plans(paths, options, format, color, strict)
        if not failed:
            write_atomic(output, package_archive([lp for lp, _ in plans], placeholders=placeholders))
        raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


@app.command()
def register(
    paths: Annotated[list[str], typer.Argument(help="Spec files or directories, or bundle files (*.json).",
                                               show_default=False)],
    endpoint: Annotated[str, typer.Option("--endpoint", help="FlyteAdmin gRPC endpoint, HOST:PORT.")],
    insecure: Annotated[bool, typer.Option("--insecure", help="Plaintext gRPC, no TLS.")] = False,
    token_env: Annotated[str | None, typer.Option(
        "--token-env", help="Environment variable holding a bearer token.")] = None,
    token_command: Annotated[str | None, typer.Option(
        "--token-command", help="Command that prints a bearer token.")] = None,
    client_id: Annotated[str | None, typer.Option(
        "--client-id", help="OAuth2 client id, for the client-credentials flow.")] = None,
    client_secret_env: Annotated[str | None, typer.Option(
        "--client-secret-env", help="Environment variable holding the OAuth2 client secret.")] = None,
    token_url: Annotated[str | None, typer.Option(
        "--token-url", help="OAuth2 token URL (default: asked from the endpoint).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be created and activated; "
                                          "change nothing.")] = False,
    project: Project = None,
    domain: Domain = None,
    version: Version = None,
    workflow_version: WorkflowVersion = None,
    python_path: PythonPath = None,
    format: FormatOpt = Format.auto,
    color: ColorOpt = Color.auto,
    strict: Strict = False,
    max_bytes: MaxBytes = 1024 * 1024,
    import_timeout: ImportTimeout = 60.0,
    no_cache: NoCache = False,
    debug: Debug = False,
) -> None:
    """Create the launch plans in FlyteAdmin (gRPC) and activate those with auto_activate.

    Identical launch plans already registered count as success; a different one under the same
    version is an error that shows what differs. Needs grpcio: pip install 'lpctl[register]'.

    Example: lpctl register launchplans/ --version 2026.11.23 --endpoint flyte.example.com:443 --token-env FLYTE_TOKEN
    """
    from lpctl.admin import register as reg

    with _guard(debug):
        if sum(x is not None for x in (token_env, token_command, client_id)) > 1:
            raise UsageError("give only one of --token-env, --token-command, --client-id")
        if client_id and not client_secret_env:
            raise UsageError("--client-id needs --client-secret-env")
        options = _options(project, domain, version, workflow_version, python_path, max_bytes, render=True,
                           import_timeout=import_timeout, no_cache=no_cache)
        plans, failed = _launch_plans(paths, options, format, color, strict)
        if failed:
            raise typer.Exit(EXIT_FINDINGS)
        with reg.AdminClient(endpoint, insecure=insecure) as client:
            if token_env:
                client.set_token(reg.token_from_env(token_env))
            elif token_command:
                client.set_token(reg.token_from_command(token_command))
            elif client_id:
                found = reg.TokenEndpoint(token_url) if token_url else client.token_endpoint()
                secret = reg.token_from_env(client_secret_env or "")
                client.set_token(reg.client_credentials_token(found.token_url, client_id, secret, found.scopes,
                                                              found.audience), found.metadata_key)
            outcomes = reg.register(client, plans, dry_run=dry_run)
        for outcome in outcomes:
            stdio.output().write(f"{outcome.identity}: {outcome.status}: {outcome.message}\n")
            stdio.output().writelines(f"    {line}\n" for line in outcome.diff_lines)
        raise typer.Exit(EXIT_OK if all(o.ok for o in outcomes) else EXIT_FINDINGS)


# -- plumbing -----------------------------------------------------------------------------


def _options(project: str | None, domain: str | None, version: str | None, workflow_version: str | None,
             python_path: Sequence[str] | None, max_bytes: int, *, render: bool = False,
             only_specs: bool = False, import_timeout: float = 60.0, no_cache: bool = False) -> Options:
    from lpctl.pipeline import Options

    cache = not no_cache and os.environ.get("LPCTL_NO_CACHE", "") in ("", "0")
    return Options(project=project, domain=domain, version=version, workflow_version=workflow_version,
                   python_path=tuple(python_path or ()), max_bytes=max_bytes, require_workflow_version=render,
                   only_specs=only_specs, import_timeout=import_timeout, cache=cache)


def _run(paths: Sequence[str], options: Options, *, allow_empty: bool = False) -> Result:
    from lpctl.pipeline import run

    result = run(paths, options)
    if not result.files and not result.diagnostics and not allow_empty:
        skipped = result.skipped
        note = ("" if not skipped else " (1 YAML file is not an lpctl spec)" if skipped == 1
                else f" ({skipped} YAML files are not lpctl specs)")
        raise UsageError("no lpctl specs found in " + ", ".join(paths) + note)
    return result


def _launch_plans(paths: Sequence[str], options: Options, fmt: Format, color: Color,
                  strict: bool) -> tuple[list[tuple[Any, bool]], bool]:
    """Bundle files (*.json) are read as they are; other paths go through the pipeline, in bundle order."""
    from lpctl.bundle import ordered
    from lpctl.package import load_bundle_text

    plans: list[tuple[Any, bool]] = []
    specs: list[str] = []
    for path in paths:
        found = None
        if path.endswith(".json") and os.path.isfile(path):
            try:
                with open(path, encoding="utf-8") as f:
                    found = load_bundle_text(f.read(), path)
            except (OSError, UnicodeDecodeError) as e:
                raise PathError(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from None
        if found is None:
            specs.append(path)
        else:
            plans.extend(found)
    if specs:
        result = _run(specs, options)
        _report(result, fmt, color, sys.stderr)
        if _failed(result.diagnostics, strict):
            return [], True
        # bundle order, so that packaging specs and packaging their bundle give the same bytes
        plans.extend((p.launch_plan, p.auto_activate) for p in ordered(result.plans))
    return plans, False


def _side(arg: str, options: Options, color: Color) -> dict[str, Any]:
    """One side of a diff: a bundle file, or specs rendered now (any error in them: exit 2)."""
    from lpctl.bundle import bundle
    from lpctl.diff import read_bundle

    if arg.endswith(".json"):
        return read_bundle(arg)
    result = _run(arg.split(os.pathsep), options)
    if not result.ok:
        _report(result, Format.text, color, sys.stderr)
        raise typer.Exit(EXIT_USAGE)
    return bundle(result.plans)


_DIFF_STYLES = {"added": "green", "removed": "red", "changed": "yellow", "detail": ""}


def _print_diff(lines: Sequence[tuple[str, str]], color: Color) -> None:
    out = stdio.output()
    if not _use_color(color, out):
        out.writelines(f"{text}\n" for _, text in lines)
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=out, force_terminal=True, soft_wrap=True, highlight=False,
                      markup=False, emoji=False)
    for style, text in lines:
        console.print(Text(text, style=_DIFF_STYLES[style]))


def _check_bundle(path: str, text: str, color: Color) -> NoReturn:
    """Exit 0 when the file holds exactly ``text``; else show how it differs and exit 1."""
    import difflib
    import json

    from lpctl.diff import diff_bundles, format_text, read_bundle

    try:
        with open(path, encoding="utf-8", errors="replace", newline="") as f:
            current = f.read()
    except OSError as e:
        raise PathError(f"{path}: cannot read: {e.strerror or e}") from None
    if current == text:
        raise typer.Exit(EXIT_OK)
    stdio.output().write(f"{path} is not what render would write now:\n")
    try:
        lines = format_text(diff_bundles(read_bundle(path), json.loads(text)))
    except PathError:
        lines = []
    if lines:
        _print_diff(lines, color)
    else:  # not a bundle, or it differs only in layout or source paths
        stdio.output().writelines(difflib.unified_diff(current.splitlines(keepends=True),
                                                   text.splitlines(keepends=True), path, "rendered now"))
    raise typer.Exit(EXIT_FINDINGS)


def _report(result: Result, fmt: Format, color: Color, stream: TextIO) -> None:
    from lpctl import reporters

    summary = reporters.summarize(result.diagnostics, len(result.files), result.skipped, len(result.plans))
    if fmt is Format.auto:
        fmt = Format.github if os.environ.get("GITHUB_ACTIONS") == "true" else Format.text
    if fmt is Format.json:
        stream.write(reporters.json_report(result.diagnostics, summary))
    elif fmt is Format.sarif:
        stream.write(reporters.sarif_report(result.diagnostics, summary))
    elif fmt is Format.github:
        stream.writelines(line + "\n" for line in reporters.github_lines(result.diagnostics))
        stream.write(reporters.summary_line(summary) + "\n")
        _append_step_summary(reporters.step_summary(result.diagnostics, summary))
    elif _use_color(color, stream):
        _rich_lines(result.diagnostics, reporters.summary_line(summary), stream)
    else:
        stream.writelines(f"{d}\n" for d in result.diagnostics)
        stream.write(reporters.summary_line(summary) + "\n")


def _append_step_summary(markdown: str) -> None:
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as f:
            f.write(markdown)
    except OSError as e:
        sys.stderr.write(f"lpctl: cannot append to GITHUB_STEP_SUMMARY ({path}): {e.strerror or e}\n")


def _use_color(color: Color, stream: TextIO) -> bool:
    if color is Color.always:
        return True
    if color is Color.never or os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _rich_lines(diagnostics: Sequence[Diagnostic], summary: str, stream: TextIO) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, force_terminal=True, soft_wrap=True, highlight=False,
                      markup=False, emoji=False)
    for d in diagnostics:
        line = Text(f"{d.location}: ", style="bold")
        line.append(d.severity.label, style=_STYLES[d.severity])
        line.append(f" {d.code} ", style="dim")
        line.append(d.message)
        if d.hint:
            line.append(f" ({d.hint})", style="dim")
        console.print(line)
    console.print(Text(summary, style="bold"))


def _failed(diagnostics: Sequence[Diagnostic], strict: bool) -> bool:
    threshold = Severity.WARNING if strict else Severity.ERROR
    return any(d.severity >= threshold for d in diagnostics)


def _exit(diagnostics: Sequence[Diagnostic], strict: bool) -> NoReturn:
    raise typer.Exit(EXIT_FINDINGS if _failed(diagnostics, strict) else EXIT_OK)


def _write(text: str, output: str | None) -> None:
    if output is None or output == "-":
        stdio.output().write(text)
        stdio.output().flush()
        return
    write_atomic(output, text)


def write_atomic(path: str, data: str | bytes) -> None:
    """Replace a regular file atomically; write through a device or FIFO; follow a symlink."""
    from lpctl.output import write_output

    write_output(path, data)


def _fail_usage(message: str) -> NoReturn:
    sys.stderr.write(f"lpctl: {message}\n")
    raise typer.Exit(EXIT_USAGE)


@contextlib.contextmanager
def _guard(debug: bool) -> Iterator[None]:
    """The one place that turns exceptions into exit codes."""
    try:
        with stdio.protected_stdout():  # workflow modules' prints, threads, children: to stderr
            yield
    except typer.Exit:
        raise
    except LpctlError as e:
        _fail_usage(str(e))
    except BrokenPipeError:
        # the reader went away (| head): stop quietly, and keep Python from complaining at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        with contextlib.suppress(OSError, ValueError):
            os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(EXIT_BROKEN_PIPE) from None
    except KeyboardInterrupt:
        sys.stderr.write("lpctl: interrupted\n")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except Exception as e:
        if debug:
            import traceback

            traceback.print_exc()
        sys.stderr.write(f"lpctl: internal error: {type(e).__name__}: {e}\n"
                         f"This is a bug in lpctl {__version__}. Please report it at {ISSUES_URL} "
                         "with the output of the same command run with --debug.\n")
        raise typer.Exit(EXIT_BUG) from None


def main() -> None:
    """The console script: run, flush, and skip the interpreter's teardown.

    Tearing down flytekit and the user's modules takes a quarter of a second and does nothing
    for a CLI whose files are already written (atomically, fsynced) and whose streams are
    flushed here; a workflow import still stuck in its thread is ended with the process.
    """
    import gc

    # a run allocates many small objects and almost no reference cycles
    gc.set_threshold(100_000, 50, 100)
    code: int | str | None = 0
    try:
        app()
    except SystemExit as e:
        code = e.code
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        code = EXIT_BROKEN_PIPE
    if isinstance(code, str):
        sys.stderr.write(code + "\n")
        code = EXIT_FINDINGS
    os._exit(code or 0)
