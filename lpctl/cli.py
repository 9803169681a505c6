"""The command line: parse options, call the core, report, pick the exit code.

The only module that imports typer or rich. Each command builds its options value (the options
every command shares are declared once, in groups), calls one core function, hands the result to
a reporter chosen from a table keyed by ``--format``, and exits. Exit codes: 0 success (for diff:
no differences), 1 errors in the input (or warnings under --strict; for diff: differences), 2 usage
error or a path that cannot be read or written, 3 internal error (a bug in lpctl), 130 interrupted.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import inspect
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TextIO, TypeVar

import typer
from typer.core import TyperArgument, TyperCommand

from lpctl import __version__, stdio
from lpctl.diagnostics import Diagnostic, Severity
from lpctl.errors import LpctlError, OutputError, UsageError

if TYPE_CHECKING:  # the core is imported lazily, so that --help stays fast
    from lpctl.admin.client import AdminClient
    from lpctl.admin.reconcile import Plan
    from lpctl.pipeline import Options, Result

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_BUG, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 1, 2, 3, 130, 141
ISSUES_URL = "https://github.com/lpctl/lpctl/issues"

#: the exit codes, as --help shows them ("\b": click keeps the lines as they are)
EXIT_CODES_HELP = """\b
Exit codes:
  0    success; diff: no differences; plan: nothing to do
  1    errors in the specs (warnings too, with --strict);
       diff: differences; plan: changes pending; fmt --check: files to reformat
  2    usage error, a path that cannot be read or written, a server not reached
  3    internal error: a bug in lpctl (--debug shows the traceback)
  130  interrupted"""

app = typer.Typer(
    name="lpctl",
    help="Declarative Flyte launch plans: validate YAML specs, render flyteidl LaunchPlan bundles.\n\n"
    "Example: lpctl validate launchplans/ --strict\n\n"
    "Shell completion: lpctl --install-completion (bash, zsh, fish, PowerShell).\n\n" + EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=True,
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


class DiffFormat(str, enum.Enum):
    text = "text"
    json = "json"


# -- how help reads and what completes ---------------------------------------------------------------


class _Argument(TyperArgument):
    """An argument as Unix help writes it (PATH..., WORKFLOW, [CODE]), not Typer's {PATH}, {paths}... or
    <list[str]>. The usage line and the Arguments section ask click's make_metavar / get_usage_pieces (the
    _display_name methods are typer 0.29's names for them); an error names the argument plainly
    ("Missing argument 'PATH'"), which typer 0.26 would build from make_metavar."""

    def display_type(self, ctx: Any) -> str:
        return ""

    def make_metavar(self, *args: Any, **kwargs: Any) -> str:
        return self._usage_display_name()

    def get_error_hint(self, ctx: Any) -> str:
        return f"'{self.human_readable_name}'"

    def get_usage_pieces(self, ctx: Any) -> list[str]:
        return [self._usage_display_name()]

    def _rich_display_name(self) -> str:
        return self._usage_display_name()

    def _usage_display_name(self) -> str:
        name = (self.metavar or self.name or "").upper() + ("..." if self.nargs != 1 else "")
        return name if self.required else f"[{name}]"


class _Command(TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if type(param) is TyperArgument:
                param.__class__ = _Argument


def _complete_codes(incomplete: str) -> list[tuple[str, str]]:
    from lpctl.codes import CODES

    return [(code, info.title) for code, info in CODES.items() if code.startswith(incomplete.upper())]


def _complete_paths(incomplete: str) -> list[str]:
    from lpctl.authoring.completion import spec_paths

    return spec_paths(incomplete)


# -- the options commands share, declared once -----------------------------------------------------

Paths = Annotated[list[str], typer.Argument(
    metavar="PATH", autocompletion=_complete_paths, show_default=False,
    help="Spec files, or directories to search for *.yaml / *.yml specs.")]
SpecsOrBundles = Annotated[list[str], typer.Argument(
    metavar="PATH", autocompletion=_complete_paths, show_default=False,
    help="Spec files or directories, or bundle files (*.json).")]


@dataclass(frozen=True)
class Report:
    """How findings are shown."""

    format: Format = Format.auto
    color: Color = Color.auto
    strict: bool = False


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


def _run_options(project: str | None, domain: str | None, version: str | None, workflow_version: str | None,
                 python_path: list[str] | None, max_bytes: int, import_timeout: float, no_cache: bool,
                 locked: bool = False) -> Options:
    from lpctl.pipeline import Options
    from lpctl.spec.config import Identity, check_identity_flags

    identity = Identity(project=project, domain=domain, version=version, workflow_version=workflow_version)
    check_identity_flags(identity)
    cache = not no_cache and os.environ.get("LPCTL_NO_CACHE", "") in ("", "0")
    return Options(identity=identity, python_path=tuple(python_path or ()), max_bytes=max_bytes,
                   import_timeout=import_timeout, cache=cache, locked=locked)


def _server(endpoint: str, insecure: bool, token_env: str | None, token_command: str | None,
            client_id: str | None, client_secret_env: str | None, token_url: str | None) -> Server:
    if sum(x is not None for x in (token_env, token_command, client_id)) > 1:
        raise UsageError("give only one of --token-env, --token-command, --client-id")
    if client_id and not client_secret_env:
        raise UsageError("--client-id needs --client-secret-env")
    return Server(endpoint, insecure, token_env, token_command, client_id, client_secret_env, token_url)


#: group name -> (parameters as (name, annotation, default), the function that builds the group's value)
_GROUPS: dict[str, tuple[list[tuple[str, Any, Any]], Callable[..., Any]]] = {
    "options": ([
        ("project", Annotated[str | None, typer.Option(
            "--project", "-p", metavar="PROJECT", help="Flyte project, unless the spec sets one "
            "(default: [tool.lpctl] project, else flytesnacks).")], None),
        ("domain", Annotated[str | None, typer.Option(
            "--domain", "-d", metavar="DOMAIN", help="Flyte domain, unless the spec sets one "
            "(default: [tool.lpctl] domain, else development).")], None),
        ("version", Annotated[str | None, typer.Option(
            "--version", metavar="V", help="Launch plan version, unless the spec sets one (default: "
            "[tool.lpctl] version, else empty: a placeholder filled in at registration).")], None),
        ("workflow_version", Annotated[str | None, typer.Option(
            "--workflow-version", metavar="V", help="Version of the registered workflow the launch plans point "
            "at (default: the launch plan's version).")], None),
        ("python_path", Annotated[list[str] | None, typer.Option(
            "--python-path", metavar="DIR", help="Extra import root for workflow modules (repeatable); "
            "searched after the current directory and [tool.lpctl] python_path.")], None),
        ("max_bytes", Annotated[int, typer.Option(
            "--max-bytes", metavar="N", min=1, help="Refuse spec files larger than this.")], 1024 * 1024),
        ("import_timeout", Annotated[float, typer.Option(
            "--import-timeout", metavar="SECONDS", min=0.1, help="Seconds a workflow module may take to import "
            "before its specs get an error.")], 60.0),
        ("no_cache", Annotated[bool, typer.Option(
            "--no-cache", help="Import every workflow module, ignoring the interfaces kept in .lpctl_cache/ "
            "(also: LPCTL_NO_CACHE=1).")], False),
        ("locked", Annotated[bool, typer.Option(
            "--locked", help="Answer workflow references from lpctl.lock (written by 'lpctl lock'): import "
            "nothing, neither the workflows nor flytekit (also: [tool.lpctl] locked = true).")], False),
    ], _run_options),
    "report": ([
        ("format", Annotated[Format, typer.Option(
            "--format", "-f", metavar="FORMAT", help="Diagnostics format: text, json (versioned document), github "
            "(workflow commands, plus a table in $GITHUB_STEP_SUMMARY), sarif (2.1.0, for code scanning); auto "
            "is github under GITHUB_ACTIONS=true, else text.")], Format.auto),
        ("color", Annotated[Color, typer.Option(
            "--color", metavar="WHEN", help="Colour in text output: auto (a terminal, unless NO_COLOR is set), "
            "always or never.")],
         Color.auto),
        ("strict", Annotated[bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")], False),
    ], Report),
    "server": ([
        ("endpoint", Annotated[str, typer.Option("--endpoint", metavar="HOST:PORT",
                                                 help="FlyteAdmin gRPC endpoint.")], ...),
        ("insecure", Annotated[bool, typer.Option("--insecure", help="Plaintext gRPC, no TLS (and an http token "
                                                  "URL allowed): for a local sandbox only.")], False),
        ("token_env", Annotated[str | None, typer.Option(
            "--token-env", metavar="VAR", help="Environment variable holding a bearer token.")], None),
        ("token_command", Annotated[str | None, typer.Option(
            "--token-command", metavar="COMMAND", help="Command that prints a bearer token.")], None),
        ("client_id", Annotated[str | None, typer.Option(
            "--client-id", metavar="ID", help="OAuth2 client id, for the client-credentials flow.")], None),
        ("client_secret_env", Annotated[str | None, typer.Option(
            "--client-secret-env", metavar="VAR", help="Environment variable holding the OAuth2 client "
            "secret.")], None),
        ("token_url", Annotated[str | None, typer.Option(
            "--token-url", metavar="URL", help="OAuth2 token URL, https (default: asked from the endpoint).")],
         None),
    ], _server),
}
_DEBUG = ("debug", Annotated[bool, typer.Option("--debug", help="Show the Python traceback of an internal "
                                                "error.")], False)

F = TypeVar("F", bound=Callable[..., None])


def command(*groups: str, **settings: Any) -> Callable[[F], F]:
    """Register a command whose parameters named after ``groups`` are built from that group's options.

    The wrapped function declares only its own arguments and options, plus one parameter per group
    (``options: Options``, ``report: Report``, ``server: Server``); this adds the group's options and
    ``--debug`` to what Typer sees, builds each group's value, and runs the body under :func:`_guard`.
    """
    def decorate(fn: F) -> F:
        own = [p.replace(annotation=_evaluated(p.annotation, fn)) for p in inspect.signature(fn).parameters.values()
               if p.name not in groups]
        added = [param for group in groups for param in _GROUPS[group][0]] + [_DEBUG]
        shared = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)
                  for name, annotation, default in added]

        @functools.wraps(fn)
        def wrapper(**kwargs: Any) -> None:
            with _guard(kwargs.pop("debug")):
                for group in groups:
                    names, build = _GROUPS[group]
                    kwargs[group] = build(**{name: kwargs.pop(name) for name, _, _ in names})
                fn(**kwargs)

        parameters = own + shared
        wrapper.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
        app.command(**{"cls": _Command, **settings})(wrapper)
        return fn
    return decorate


def _evaluated(annotation: Any, fn: Callable[..., Any]) -> Any:
    """A string annotation (``from __future__ import annotations``) as the object Typer reads."""
    return eval(annotation, fn.__globals__) if isinstance(annotation, str) else annotation


def _version_callback(value: bool) -> None:
    if value:
        stdio.output().write(f"lpctl {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", "-V", help="Print lpctl's version and exit.",
                                          callback=_version_callback, is_eager=True)] = False,
) -> None:
    """Declarative Flyte launch plans."""


# -- commands -------------------------------------------------------------------------------------


@command("options", "report")
def validate(
    paths: Paths,
    options: Options,
    report: Report,
    only_specs: Annotated[bool, typer.Option(
        "--only-specs", help="Skip YAML files that are not lpctl specs even when named explicitly "
        "(what the pre-commit hook uses).")] = False,
) -> None:
    """Check specs for every problem Flyte would refuse.

    Checks the YAML, the schema, the workflow, inputs, schedules, labels and identity.
    Reports every problem as path:line:col: severity code message, then a summary.

    Example: lpctl validate launchplans/ --strict
    """
    from dataclasses import replace

    from lpctl.pipeline import run

    with _progress(report):
        result = run(paths, replace(options, only_specs=only_specs))
    _report(result, report, stdio.output())
    raise typer.Exit(EXIT_FINDINGS if _failed(result.diagnostics, report.strict) else EXIT_OK)


@command("options", "report")
def render(
    paths: Paths,
    options: Options,
    report: Report,
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="FILE", help="Write the bundle to this "
                                                  "file (atomically) instead of stdout.")] = None,
    check: Annotated[str | None, typer.Option(
        "--check", metavar="BUNDLE", help="Write nothing; exit 0 if BUNDLE is exactly what render would "
        "write now, else 1, showing the differences (for CI: fail on a stale committed bundle).")] = None,
) -> None:
    """Render specs to a JSON bundle of LaunchPlans.

    The bundle is canonical JSON of flyteidl.admin.LaunchPlan messages.
    Diagnostics go to stderr. On any error nothing is written and the exit code is 1. With no
    version anywhere, versions are left empty: placeholders that register --version fills in.

    Example: lpctl render launchplans/ -o bundle.json
    """
    from lpctl.bundle import render_bundle
    from lpctl.pipeline import run

    if check is not None and output is not None:
        raise UsageError("--check and --output cannot be used together")
    with _progress(report):
        result = run(paths, options)
    failed = _failed(result.diagnostics, report.strict)
    if check is not None:
        _check_bundle(check, None if failed else render_bundle(result.plans, result.triggers), result, report)
    _report(result, report, sys.stderr)
    if not failed:
        _write_bundle(result.plans, result.triggers, output)
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


@command("options")
def diff(
    old: Annotated[str, typer.Argument(metavar="OLD", help="A bundle file (*.json), or spec files and directories "
                                       "(several joined with ':') rendered now.", show_default=False)],
    new: Annotated[str, typer.Argument(metavar="NEW", help="The new side, given the same way.", show_default=False)],
    options: Options,
    format: Annotated[DiffFormat, typer.Option("--format", "-f", metavar="FORMAT", help="text: a line per change; "
                                               "json: a versioned document, an entry per change.")] = DiffFormat.text,
    color: Annotated[Color, typer.Option("--color", metavar="WHEN", help="Colour in text output: auto (a terminal, "
                                         "unless NO_COLOR is set), always or never.")] = Color.auto,
) -> None:
    """Compare two bundles or spec paths, field by field.

    Launch plans are matched by project, domain and name; a version line shows only where both
    sides have a version. Exit codes as diff(1): 0 no differences, 1 differences, 2 a side cannot
    be read (or its specs have errors).

    Example: lpctl diff bundle.json launchplans/
    """
    from lpctl.diff import diff_bundles, format_json, format_text

    changes = diff_bundles(_side(old, options), _side(new, options))
    if format is DiffFormat.json:
        stdio.output().write(format_json(changes))
    else:
        _print_diff(format_text(changes), color)
    raise typer.Exit(EXIT_FINDINGS if changes else EXIT_OK)


@command()
def schema(
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="FILE", help="Write the schema to FILE "
                                               "(atomically) instead of stdout.")] = None,
) -> None:
    """Print the JSON Schema of the spec format.

    The schema is Draft 2020-12, for editors and other tools.
    Editors find it through a first line '# yaml-language-server: $schema=URL' (lpctl new writes
    it), with the URL of its $id or the path of a copy written with --output.

    Example: lpctl schema --output schemas/launchplan.schema.json
    """
    from lpctl.spec.schema import schema_text

    _write(schema_text(), output)


@command()
def explain(
    code: Annotated[str | None, typer.Argument(metavar="CODE", help="A diagnostic code such as LP401; omit to list "
                                               "all.", autocompletion=_complete_codes)] = None,
) -> None:
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
        _fail_usage(f"unknown code {code!r}; 'lpctl explain' lists them all")
    stdio.output().write(f"{info.code}: {info.title}\n\n{textwrap.fill(info.explanation, 88)}\n\n"
                         f"{textwrap.fill('How to fix: ' + info.fix, 88)}\n")


@command("options", "report")
def package(
    paths: SpecsOrBundles,
    options: Options,
    report: Report,
    output: Annotated[str, typer.Option("--output", "-o", metavar="FILE", help="Archive to write (atomically).")
                      ] = "launchplans.tgz",
    registration_placeholders: Annotated[bool, typer.Option(
        "--registration-placeholders", help="Leave project, domain and version empty for 'flytectl register "
        "files -p/-d/--version' to fill in, as pyflyte package does (the default when none is given).")] = False,
) -> None:
    """Write the archive flytectl register files takes.

    One INDEX_NAME_3.pb file per launch plan, for 'flytectl register files --archive'.

    Example: lpctl package launchplans/ -o lps.tgz && flytectl register files --archive lps.tgz -p P -d D --version V
    """
    from lpctl.package import package_archive, placeholders_wanted
    from lpctl.pipeline import configured, gather

    options = configured(paths, options)
    with _progress(report):
        gathered = gather(paths, options)
    _report(gathered.result, report, sys.stderr)
    if _failed(gathered.result.diagnostics, report.strict):
        raise typer.Exit(EXIT_FINDINGS)
    placeholders = registration_placeholders or placeholders_wanted(options)
    write_atomic(output, package_archive([lp for lp, _ in gathered.launch_plans], placeholders=placeholders))


class ScheduleFormat(str, enum.Enum):
    text = "text"
    json = "json"


@command("options")
def schedule(
    paths: Paths,
    options: Options,
    count: Annotated[int, typer.Option("--count", "-n", metavar="N", min=1, max=10_000,
                                       help="How many fire times per launch plan.")] = 5,
    after: Annotated[str | None, typer.Option(
        "--after", metavar="DATETIME", help="Show fire times strictly after this ISO 8601 date or time "
        "(naive means UTC; default: now).")] = None,
    format: Annotated[ScheduleFormat, typer.Option("--format", "-f", metavar="FORMAT", help="text: for people; "
                                                   "json: a versioned document.")] = ScheduleFormat.text,
    color: Annotated[Color, typer.Option("--color", metavar="WHEN", help="Colour of the diagnostics: auto (a "
                                         "terminal, unless NO_COLOR is set), always or never.")] = Color.auto,
) -> None:
    """Show the next fire times of scheduled launch plans and triggers.

    Each scheduled launch plan's (and Flyte 2 trigger's) next fire times, as the Flyte scheduler fires them.
    Times follow the scheduler's own cron (robfig/cron v3): in the schedule's time zone, a time
    inside a daylight-saving gap is skipped and one inside a repeated hour fires twice. Diagnostics
    go to stderr; exit 1 if a spec has errors.

    Example: lpctl schedule launchplans/ --count 10 --after 2027-03-27
    """
    import datetime as dt

    from lpctl.pipeline import run
    from lpctl.schedule.preview import format_json, format_text, parse_after, preview, preview_triggers

    try:
        start = parse_after(after) if after is not None else dt.datetime.now(dt.timezone.utc)
    except ValueError as e:
        raise UsageError(str(e)) from None
    with _progress(Report(Format.json if format is ScheduleFormat.json else Format.text)):
        result = run(paths, options)
    if result.diagnostics:
        _report(result, Report(Format.text, color), sys.stderr)
    previews = preview([p.launch_plan for p in result.plans], start, count)
    triggers = preview_triggers([(t.task_name, t.trigger) for t in result.triggers], start, count)
    if format is ScheduleFormat.json:
        stdio.output().write(format_json(previews, triggers))
    else:
        # "no scheduled launch plans" would mislead when the specs with errors were left out
        stdio.output().writelines(f"{line}\n" for line in format_text(previews, triggers)
                                  if previews or triggers or result.ok)
    raise typer.Exit(EXIT_OK if result.ok else EXIT_FINDINGS)


# -- talking to FlyteAdmin: register, plan, apply -------------------------------------------------

Prune = Annotated[bool, typer.Option("--prune", help="Deactivate orphans: active launch plans that no spec in "
                                     "their project and domain declares.")]


@command("options", "report", "server")
def register(
    paths: SpecsOrBundles,
    options: Options,
    report: Report,
    server: Server,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be created and activated; "
                                          "change nothing.")] = False,
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

    plans = _versioned(paths, options, report)
    with _admin(server) as client:
        outcomes = register_plans(client, plans, dry_run=dry_run)
    if _format(report) is Format.json:
        stdio.output().write(outcome.format_json(outcomes, "register"))
    else:
        stdio.output().writelines(f"{line}\n" for line in outcome.format_text(outcomes, "register"))
    raise typer.Exit(EXIT_OK if all(o.ok for o in outcomes) else EXIT_FINDINGS)


@command("options", "report", "server")
def plan(paths: SpecsOrBundles, options: Options, report: Report, server: Server, prune: Prune = False) -> None:
    """Show what apply would change in FlyteAdmin.

    Compares the specs with FlyteAdmin and changes nothing.
    Actions: create, activate, deactivate (auto_activate: false), orphan (active, declared by no
    spec; deactivated by apply --prune), conflict (same version, different structure). Exit codes:
    0 nothing to do, 1 changes pending or conflicts, 2 usage error or server unreachable.

    Example: lpctl plan launchplans/ --version 2026.11.23 --endpoint flyte.example.com:443 --token-env FLYTE_TOKEN
    """
    from lpctl.admin import reconcile

    plans = _versioned(paths, options, report)
    with _admin(server) as client:
        found = reconcile.read_plan(client, plans, prune=prune)
    _show_plan(found, report)
    raise typer.Exit(EXIT_FINDINGS if found.changes_pending else EXIT_OK)


@command("options", "report", "server")
def apply(paths: SpecsOrBundles, options: Options, report: Report, server: Server, prune: Prune = False) -> None:
    """Make FlyteAdmin match the specs.

    Performs exactly what plan lists.
    Creates first, then activations and deactivations, then (with --prune) orphans. Conflicts are
    never overwritten: register a new version. A failure half-way says what was done, what failed
    and what was not attempted (exit 1); running apply again completes the rest.

    Example: lpctl apply launchplans/ --version 2026.11.23 --endpoint flyte.example.com:443 --token-env FLYTE_TOKEN
    """
    from lpctl.admin import outcome, reconcile

    plans = _versioned(paths, options, report)
    with _admin(server) as client:
        found = reconcile.read_plan(client, plans, prune=prune)
        outcomes = reconcile.apply(client, found)
    if _format(report) is Format.json:
        stdio.output().write(outcome.format_json(outcomes, "apply", plan=reconcile.plan_document(found)))
    else:
        _show_plan(found, report)
        stdio.output().writelines(f"{line}\n" for line in outcome.format_text(outcomes, "apply"))
    raise typer.Exit(EXIT_OK if all(o.ok for o in outcomes) else EXIT_FINDINGS)


# -- missed fires: status, backfill ------------------------------------------------------------------

WindowEdge = Annotated[str | None, typer.Option(metavar="DATETIME", help="ISO 8601 date or time; naive means UTC.")]
MissedFormatOption = Annotated[ScheduleFormat, typer.Option(
    "--format", "-f", metavar="FORMAT", help="text: for people; json: a versioned document.")]
ColorOption = Annotated[Color, typer.Option("--color", metavar="WHEN", help="Colour of the diagnostics: auto (a "
                                            "terminal, unless NO_COLOR is set), always or never.")]


@command("options", "server")
def status(paths: Paths, options: Options, server: Server, since: WindowEdge = None, until: WindowEdge = None,
           format: MissedFormatOption = ScheduleFormat.text, color: ColorOption = Color.auto) -> None:
    """Show the fires of the declared schedules that have no execution.

    For each scheduled launch plan the specs declare: its active version on the server, the fire times its
    schedule gave in [--since, --until) (default: the last 7 days up to now), as lpctl schedule computes
    them, and which have no execution, matched by the name the scheduler gives a fire (under any version)
    or by scheduled_at. Exit codes: 0 nothing missed, 1 fires missed (or spec errors), 2 usage error or
    server unreachable.

    Example: lpctl status launchplans/ --endpoint flyte.example.com:443 --token-env FLYTE_TOKEN
    """
    from lpctl.admin import status as core

    span = _window(since, until, ("--since", "--until"))
    names = core.scheduled(_declared(paths, options, color))
    with _admin(server) as client:
        found = core.read_status(client, names, span)
    _write_missed(core.format_json(found) if format is ScheduleFormat.json else core.format_text(found))
    raise typer.Exit(EXIT_FINDINGS if found.missed else EXIT_OK)


@command("options", "server")
def backfill(
    paths: Paths, options: Options, server: Server,
    start: Annotated[str, typer.Option("--from", metavar="DATETIME", help="First fire time to consider "
                                       "(ISO 8601; naive means UTC).")],
    end: Annotated[str, typer.Option("--to", metavar="DATETIME", help="Fire times before this one (ISO 8601).")],
    names: Annotated[list[str] | None, typer.Option("--name", metavar="NAME", help="Only this launch plan "
                                                    "(repeatable; default: every scheduled one declared).")] = None,
    execute: Annotated[bool, typer.Option("--execute", help="Create the executions (default: a dry run that "
                                          "only lists them).")] = False,
    limit: Annotated[int, typer.Option("--limit", metavar="N", min=1, help="Refuse, creating nothing, a window "
                                       "with more executions to create than this.")] = 100,
    format: MissedFormatOption = ScheduleFormat.text, color: ColorOption = Color.auto,
) -> None:
    """Run missed fires, as the scheduler would have.

    For each fire time in [--from, --to) of the active version of each scheduled launch plan that has no
    execution yet (see lpctl status): one CreateExecution named as the scheduler names that fire, with the
    kickoff input set to the fire time and the scheduler's metadata (mode SCHEDULED, scheduled_at). A
    dry run unless --execute; a rerun creates nothing. Exit codes: 0 nothing to do (or all created), 1
    executions to create (dry run), refused or failed, 2 usage error or server unreachable.

    Example: lpctl backfill launchplans/ --from 2026-11-28 --to 2026-11-30 --name nightly --execute --endpoint HOST:443
    """
    from lpctl.admin import backfill as core
    from lpctl.admin.status import read_status, scheduled

    span = _window(start, end, ("--from", "--to"))
    declared = scheduled(_declared(paths, options, color))
    unknown = sorted(set(names or ()) - {name for _, _, name in declared})
    if unknown:
        raise UsageError(f"--name {unknown[0]}: no scheduled launch plan of that name in the specs")
    with _admin(server) as client:
        found = core.plan_backfill(read_status(client, [d for d in declared if not names or d[2] in names], span),
                                   limit)
        done = core.execute(client, found) if execute else core.dry_run(found)
    _write_missed(core.format_json(found, done, execute) if format is ScheduleFormat.json
                  else core.format_text(found, done, execute))
    raise typer.Exit(EXIT_OK if core.ok(found, done, execute) else EXIT_FINDINGS)


def _write_missed(text: str | list[str]) -> None:
    stdio.output().write(text if isinstance(text, str) else "".join(f"{line}\n" for line in text))


def _window(start: str | None, end: str | None, names: tuple[str, str]) -> Any:
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
    """The declared launch plans (versions unneeded); spec errors exit 1 after their diagnostics."""
    from lpctl.pipeline import gather

    with _progress(Report(Format.text, color)):
        gathered = gather(paths, options)
    _report(gathered.result, Report(Format.text, color), sys.stderr)
    if _failed(gathered.result.diagnostics, False):
        raise typer.Exit(EXIT_FINDINGS)
    return [lp for lp, _ in gathered.launch_plans]


def _versioned(paths: Sequence[str], options: Options, report: Report) -> list[tuple[Any, bool]]:
    """The declared launch plans, placeholders filled with --version (none anywhere: a usage error)."""
    from lpctl.bundle import fill_versions
    from lpctl.pipeline import gather

    with _progress(report):
        gathered = gather(paths, options)
    _report(gathered.result, report, sys.stderr)
    if _failed(gathered.result.diagnostics, report.strict):
        raise typer.Exit(EXIT_FINDINGS)
    return fill_versions(gathered.launch_plans, options.identity.version, options.identity.workflow_version)


@contextlib.contextmanager
def _admin(server: Server) -> Iterator[AdminClient]:
    from lpctl.admin.auth import Credentials, authenticate
    from lpctl.admin.client import AdminClient

    with AdminClient(server.endpoint, insecure=server.insecure) as client:
        authenticate(client, Credentials(server.token_env, server.token_command, server.client_id,
                                         server.client_secret_env, server.token_url))
        yield client


_PLAN_STYLES = {"heading": "bold", "create": "green", "activate": "yellow", "deactivate": "red",
                "orphan": "red", "conflict": "bold red", "detail": "", "summary": "bold"}


def _show_plan(found: Plan, report: Report) -> None:
    from lpctl.admin.reconcile import format_json, format_text

    if _format(report) is Format.json:
        stdio.output().write(format_json(found))
        return
    _print_styled(format_text(found), _PLAN_STYLES, report.color)


@command("report")
def lock(
    paths: Paths,
    report: Report,
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="FILE", help="The lock file (default: "
                                                  "the lpctl.lock at or above the specs, else next to them).")] = None,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if the lock is not what lpctl "
                                        "lock would write now, showing the difference.")] = False,
    from_admin: Annotated[bool, typer.Option("--from-admin", help="Fill the lock from FlyteAdmin (--endpoint) "
                                             "for workflows registered there; imports nothing.")] = False,
    endpoint: Annotated[str | None, typer.Option("--endpoint", metavar="HOST:PORT",
                                                 help="FlyteAdmin gRPC endpoint, for --from-admin.")] = None,
    insecure: Annotated[bool, typer.Option("--insecure", help="Plaintext gRPC, no TLS.")] = False,
    token_env: Annotated[str | None, typer.Option(
        "--token-env", metavar="VAR", help="Environment variable holding a bearer token.")] = None,
    project: Annotated[str | None, typer.Option("--project", "-p", metavar="PROJECT",
                                                help="--from-admin: the project, unless the spec sets one.")] = None,
    domain: Annotated[str | None, typer.Option("--domain", "-d", metavar="DOMAIN",
                                               help="--from-admin: the domain, unless the spec sets one.")] = None,
    workflow_version: Annotated[str | None, typer.Option(
        "--workflow-version", metavar="V", help="--from-admin: the registered workflow's version, unless the "
        "spec sets one.")] = None,
    python_path: Annotated[list[str] | None, typer.Option(
        "--python-path", metavar="DIR", help="Extra import root for workflow modules (repeatable).")] = None,
    import_timeout: Annotated[float, typer.Option("--import-timeout", metavar="SECONDS", min=0.1,
                                                  help="Seconds a workflow module may take to import.")] = 60.0,
) -> None:
    """Record workflow interfaces in lpctl.lock, for --locked.

    Imports each workflow once (or asks FlyteAdmin, with --from-admin). With the lock committed,
    validate, render, diff and package --locked import nothing: no flytekit, no project code.

    Example: lpctl lock launchplans/ && lpctl validate launchplans/ --locked
    """
    from lpctl import locker
    from lpctl.lock import LockError, differences, lock_path_for, lock_text, read_lock
    from lpctl.pipeline import Result
    from lpctl.spec.config import Identity

    if from_admin and not endpoint:
        raise UsageError("--from-admin needs --endpoint")
    path = output or lock_path_for(paths)
    previous = read_lock(path) if os.path.exists(path) else None
    if from_admin:
        identity = Identity(project=project, domain=domain, workflow_version=workflow_version)
        result = _admin_lock(paths, previous, Server(endpoint or "", insecure, token_env), identity)
    else:
        result = locker.build_lock(paths, locker.import_roots(paths, python_path or ()), max_bytes=1024 * 1024,
                                   import_timeout=import_timeout, previous=previous)
    if result.diagnostics:
        _report(Result(diagnostics=result.diagnostics, files=result.files), report, sys.stderr)
    if _failed(result.diagnostics, report.strict):
        raise typer.Exit(EXIT_FINDINGS)
    if check:
        if previous is None:
            raise LockError(f"{path}: no lock to check; run 'lpctl lock' to write it")
        lines = differences(previous, result.lock)
        stdio.output().write(f"{path} is stale:\n" if lines else f"{path} is up to date\n")
        stdio.output().writelines(f"  {line}\n" for line in lines)
        raise typer.Exit(EXIT_FINDINGS if lines else EXIT_OK)
    write_atomic(path, lock_text(result.lock))
    sys.stderr.write(f"wrote {path} ({len(result.lock.workflows)} workflows)\n")


def _admin_lock(paths: Sequence[str], previous: Any, server: Server, identity: Any) -> Any:
    from lpctl import locker
    from lpctl.admin import lockfill
    from lpctl.lock import Lock
    from lpctl.spec.config import common_parent, load_config

    identity = identity.under(load_config(common_parent(paths)).identity)
    refs, diagnostics, files = locker.references(paths, max_bytes=1024 * 1024)
    with _admin(server) as client:
        lock, more = lockfill.fill_lock(previous or Lock(), refs, client, identity)
    return locker.LockResult(lock, diagnostics + more, files, refs)


@command()
def migrate(
    paths: Paths,
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="DIR", help="Directory to write the "
                                               "Trigger specs to, at the specs' relative paths; without it nothing "
                                               "is written.")] = None,
    task_map: Annotated[list[str] | None, typer.Option(
        "--task-map", metavar="OLD=NEW", help="The Flyte 2 task NEW (package.module:task) that replaces "
        "workflow OLD; repeatable.",
        show_default=False)] = None,
    fixed_as_defaults: Annotated[bool, typer.Option(
        "--fixed-as-defaults", help="Accept that fixed inputs become overridable defaults (Flyte 2 has no fixed "
        "inputs) instead of refusing those launch plans.")] = False,
) -> None:
    """Write Flyte 2 Trigger specs from launch plan specs.

    Comments are kept. A launch plan whose meaning would change (fixed inputs, security_context, auth_role,
    raw_output_data_config, max_parallelism, concurrency, Slack or PagerDuty notifications, a default
    launch plan) is refused with the reason and where that setting lives in Flyte 2; the summary
    counts them. Exit code 1 when any launch plan needs a decision.

    Example: lpctl migrate launchplans/ -o flyte2/ --task-map myproject.workflows:wf=myproject.tasks:wf
    """
    from lpctl.flyte2.migrate import MigrateOptions, migrate_paths, summary, target_path

    mapping = dict(_pair(item) for item in task_map or [])
    files, diagnostics = migrate_paths(paths, MigrateOptions(mapping, fixed_as_defaults))
    sys.stderr.writelines(f"{d}\n" for d in diagnostics)
    stdio.output().write(summary(files))
    written = []
    for item in files:
        if output is not None and item.text is not None:
            written.append(target_path(item.path, output))
            try:
                os.makedirs(os.path.dirname(written[-1]) or ".", exist_ok=True)
            except OSError as e:
                raise OutputError(f"{written[-1]}: cannot create its directory: {e.strerror or e}") from None
            write_atomic(written[-1], item.text)
    stdio.output().write(f"wrote {len(written)} file{'' if len(written) == 1 else 's'} to {output}\n" if output
                     else "nothing written: give -o DIR to write the triggers that migrate cleanly\n")
    clean = all(not item.decisions for f in files for item in f.items)
    raise typer.Exit(EXIT_OK if clean and not diagnostics else EXIT_FINDINGS)


def _pair(text: str) -> tuple[str, str]:
    old, sep, new = text.partition("=")
    if not sep or not old or not new:
        raise UsageError(f"--task-map {text!r}: write OLD=NEW, e.g. myproject.workflows:wf=myproject.tasks:wf")
    return old, new


# -- authoring: new, fmt -------------------------------------------------------------------------


@command()
def new(
    workflow: Annotated[str, typer.Argument(
        metavar="WORKFLOW", show_default=False, help="Import path of the workflow, package.module:workflow, "
        "or of a Flyte 2 task (writes a Trigger spec); with --input or --registered, the name of a workflow "
        "registered elsewhere.")],
    name: Annotated[str | None, typer.Option("--name", "-n", metavar="TEXT", help="Launch plan or "
                                             "trigger name (default: the workflow's name + '_lp', the task's + "
                                             "'_trigger').")] = None,
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="FILE", help="Write the spec to FILE "
                                               "instead of stdout; never replaces a file without --force.")] = None,
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
        "import.")] = 60.0,
) -> None:
    """Write a spec for a workflow, every input listed.

    Every input with its type and default, and commented examples of a schedule, notifications
    and labels. The spec validates as written; uncomment what you need. For a Flyte 2 task it
    writes a kind: Trigger spec.

    Example: lpctl new myproject.workflows:daily_report -o launchplans/daily_report.yaml
    """
    from lpctl.authoring.files import create_file
    from lpctl.authoring.scaffold import new_spec

    with _progress():
        made, diags = new_spec(workflow, name=name, input_options=inputs or (), registered=registered,
                               python_path=python_path or (), import_timeout=import_timeout)
    sys.stderr.writelines(f"{d}\n" for d in diags)
    if made is None:
        raise typer.Exit(EXIT_FINDINGS)
    if output is None or output == "-":
        _write(made.text, None)
        return
    create_file(output, made.text, force=force)
    required = f", {len(made.required)} required" if made.required else ""
    sys.stderr.write(f"wrote {output}: {made.kind} {made.name}, {len(made.inputs)} inputs{required}; "
                     f"check it with: lpctl validate {output}\n")


@command()
def fmt(
    paths: Paths,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 listing the files that "
                                        "would change (for CI).")] = False,
) -> None:
    """Rewrite specs in one canonical layout.

    Key order, two-space indent, quotes where needed, comments kept. Files are replaced
    atomically, and only if reading them back gives the same specs.

    Example: lpctl fmt launchplans/ --check
    """
    from lpctl.authoring.fmt import format_paths
    from lpctl.output import write_output

    results = format_paths(paths)
    if not results:
        raise UsageError("no lpctl specs found in " + ", ".join(paths))
    broken = [d for r in results for d in r.diagnostics]
    sys.stderr.writelines(f"{d}\n" for d in broken)
    changed = [r for r in results if r.changed]
    for r in changed:
        if not check:
            write_output(r.path, r.text or "")
        stdio.output().write(f"{'would reformat' if check else 'reformatted'} {r.path}\n")
    verb = "would be reformatted" if check else "reformatted"
    sys.stderr.write(f"{_files(len(changed))} {verb}, {_files(len(results) - len(changed))} unchanged\n")
    raise typer.Exit(EXIT_FINDINGS if broken or (check and changed) else EXIT_OK)


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


# -- plumbing -------------------------------------------------------------------------------------


def _side(arg: str, options: Options) -> dict[str, Any]:
    """One side of a diff: a bundle file, or specs rendered now (any error in them: exit 2)."""
    from lpctl.bundle import bundle, is_bundle_path, read_bundle
    from lpctl.pipeline import run

    if is_bundle_path(arg):
        return read_bundle(arg)
    result = run(arg.split(os.pathsep), options)
    if not result.ok:
        _report(result, Report(Format.text), sys.stderr)
        raise typer.Exit(EXIT_USAGE)
    return bundle(result.plans, result.triggers)


_DIFF_STYLES = {"added": "green", "removed": "red", "changed": "yellow", "detail": ""}


def _print_diff(lines: Sequence[tuple[str, str]], color: Color) -> None:
    _print_styled(lines, _DIFF_STYLES, color)


def _print_styled(lines: Sequence[tuple[str, str]], styles: dict[str, str], color: Color) -> None:
    """``(kind, text)`` lines on stdout, coloured by kind on a terminal (see ``_use_color``)."""
    if not _use_color(color, stdio.output()):
        stdio.output().writelines(f"{text}\n" for _, text in lines)
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stdio.output(), force_terminal=True, soft_wrap=True, highlight=False,
                      markup=False, emoji=False)
    for kind, text in lines:
        console.print(Text(text, style=styles.get(kind, "")))


def _check_bundle(path: str, text: str | None, result: Result, report: Report) -> NoReturn:
    """``render --check``: exit 0 when the file holds exactly ``text``, else show how it differs, exit 1."""
    from lpctl.diff import stale_bundle

    staleness = None if text is None else stale_bundle(path, text)
    if _format(report) is Format.json:
        from lpctl.reporters import json_report

        check = None if staleness is None else staleness.as_json()
        stdio.output().write(json_report(result.diagnostics, _summary(result), check=check))
        raise typer.Exit(EXIT_OK if staleness is not None and staleness.up_to_date else EXIT_FINDINGS)
    _report(result, report, sys.stderr)
    if staleness is None:
        raise typer.Exit(EXIT_FINDINGS)
    if staleness.up_to_date:
        raise typer.Exit(EXIT_OK)
    stdio.output().write(f"{path} is not what render would write now:\n")
    _print_diff(staleness.lines, report.color)
    raise typer.Exit(EXIT_FINDINGS)


@contextlib.contextmanager
def _progress(report: Report | None = None) -> Iterator[None]:
    """A progress line on stderr while the core works: only on a terminal, only for text output."""
    import logging

    from lpctl.progress import LOGGER, ProgressLine

    stream = sys.stderr
    if (report is not None and _format(report) is not Format.text) or not _is_terminal(stream):
        yield
        return
    line = ProgressLine(stream, delay=PROGRESS_DELAY, width=_terminal_width())
    saved = LOGGER.level, LOGGER.propagate
    LOGGER.addHandler(line)
    LOGGER.setLevel(logging.DEBUG)
    LOGGER.propagate = False
    try:
        yield
    finally:
        LOGGER.removeHandler(line)
        LOGGER.setLevel(saved[0])
        LOGGER.propagate = saved[1]
        line.close()


#: seconds before the progress line appears: a quick run shows none
PROGRESS_DELAY = 1.5


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


def _format(report: Report) -> Format:
    if report.format is Format.auto:
        return Format.github if os.environ.get("GITHUB_ACTIONS") == "true" else Format.text
    return report.format


def _summary(result: Result) -> Any:
    from lpctl.reporters import summarize

    return summarize(result.diagnostics, len(result.files), result.skipped, len(result.plans),
                     config=result.config_source, triggers=len(result.triggers))


def _text_report(result: Result, report: Report, stream: TextIO) -> None:
    from lpctl.reporters import summary_line

    line = summary_line(_summary(result))
    if _use_color(report.color, stream):
        _rich_lines(result.diagnostics, line, stream)
    else:
        stream.writelines(f"{d}\n" for d in result.diagnostics)
        stream.write(line + "\n")


def _json_report(result: Result, report: Report, stream: TextIO) -> None:
    from lpctl.reporters import json_report

    stream.write(json_report(result.diagnostics, _summary(result)))


def _sarif_report(result: Result, report: Report, stream: TextIO) -> None:
    from lpctl.reporters import sarif_report

    stream.write(sarif_report(result.diagnostics, _summary(result)))


def _github_report(result: Result, report: Report, stream: TextIO) -> None:
    from lpctl.reporters import github_lines, step_summary, summary_line

    summary = _summary(result)
    stream.writelines(line + "\n" for line in github_lines(result.diagnostics))
    stream.write(summary_line(summary) + "\n")
    _append_step_summary(step_summary(result.diagnostics, summary))


_REPORTERS: dict[Format, Callable[[Result, Report, TextIO], None]] = {
    Format.text: _text_report, Format.json: _json_report, Format.sarif: _sarif_report,
    Format.github: _github_report,
}


def _report(result: Result, report: Report, stream: TextIO) -> None:
    _REPORTERS[_format(report)](result, report, stream)


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


def _write_bundle(plans: Sequence[Any], triggers: Sequence[Any], output: str | None) -> None:
    """The bundle, streamed as it is made, one launch plan at a time: to stdout, or to a file through
    write_output (atomic replace, devices and FIFOs written through)."""
    from lpctl.bundle import write_bundle

    if output is None or output == "-":
        write_bundle(plans, stdio.output().write, triggers)
        stdio.output().flush()
        return
    write_atomic(output, lambda write: write_bundle(plans, lambda text: write(text.encode("utf-8")), triggers))


def _write(text: str, output: str | None) -> None:
    if output is None or output == "-":
        stdio.output().write(text)
        stdio.output().flush()
        return
    write_atomic(output, text)


def write_atomic(path: str, data: str | bytes | Callable[[Callable[[bytes], Any]], None]) -> None:
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
    """The console script: run, do what teardown does that a user sees, and skip the rest.

    Tearing down flytekit and the user's modules takes a third of a second and changes nothing on
    disk; :func:`lpctl.shutdown.finish` runs the atexit handlers (users', coverage's, logging's) and
    flushes files left open, the streams are flushed here, and a workflow import still stuck in its
    thread is ended with the process.
    """
    import gc

    from lpctl.shutdown import finish

    # A run builds its values once and keeps them to the end: rare, large collections are enough for the
    # cycles it drops (ruamel's composer leaves some per file it reads), and what the imports made is never
    # garbage, so it is left out of every collection.
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    code: int | str | None = 0
    try:
        app()
    except SystemExit as e:
        code = e.code
    finish()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        code = EXIT_BROKEN_PIPE
    if isinstance(code, str):
        sys.stderr.write(code + "\n")
        code = EXIT_FINDINGS
    os._exit(code or 0)
