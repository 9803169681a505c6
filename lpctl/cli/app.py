"""The typer application: how help reads, the one place exceptions become exit codes, ``main``.

Exit codes: 0 success (for diff: no differences), 1 errors in the input (or warnings under --strict;
for diff: differences), 2 usage error or a path that cannot be read or written, 3 internal error (a
bug in lpctl), 130 interrupted.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterator
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperArgument, TyperCommand
from typer.main import get_command_name

from lpctl import __version__, stdio
from lpctl.errors import LpctlError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_BUG, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 1, 2, 3, 130, 141
ISSUES_URL = "https://github.com/lpctl/lpctl/issues"

#: the exit codes, as --help shows them ("\b": click keeps the lines as they are)
EXIT_CODES_HELP = """\b
Exit codes:
  0    success; diff: no differences; plan: nothing to do
  1    errors in the specs (warnings too, with --strict);
       diff: differences; plan: changes pending; fmt --check: files to reformat;
       status: fires missed; backfill: executions to create (dry run) or failed;
       migrate: a launch plan needs a decision; lock --check: the lock is stale
  2    usage error, a path that cannot be read or written, a server not reached
  3    internal error: a bug in lpctl (--debug shows the traceback)
  130  interrupted"""

class _Typer(typer.Typer):
    """The application, building only the command a run names.

    typer builds every command's click parameters from its signature before it parses anything (about 20 ms for
    lpctl's sixteen commands, an eighth of a one-file ``validate``); a run that names a command as its first
    argument gets a group holding that command alone, which parses and behaves as the whole group does for it.
    Anything else (``--help``, ``--version``, no argument, a misspelt command, shell completion) gets them all."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        given = kwargs.get("args", args[0] if args else None)
        argv = sys.argv[1:] if given is None else list(given)
        named = [c for c in self.registered_commands
                 if argv and c.callback is not None and (c.name or get_command_name(c.callback.__name__)) == argv[0]]
        if len(named) != 1:
            return super().__call__(*args, **kwargs)
        every, self.registered_commands = self.registered_commands, named
        try:
            return super().__call__(*args, **kwargs)
        finally:
            self.registered_commands = every


app = _Typer(
    name="lpctl",
    help="Flyte launch plans (Flyte 1) and triggers (Flyte 2) as YAML specs: check them offline, render them to "
    "the protobuf messages flytekit and flyte-sdk would produce, deploy them with plan/apply, and find and "
    "run missed schedule fires with status/backfill.\n\n"
    "Example: lpctl validate launchplans/ --strict\n\n"
    "Each command's --help shows its options and their defaults.\n\n"
    "Shell completion: lpctl --install-completion (bash, zsh, fish, PowerShell).\n\n" + EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

#: every command's last option; read by :class:`Command`, which runs the command under :func:`guard`
Debug = Annotated[bool, typer.Option("--debug", help="Show the Python traceback of an internal error.")]


class Argument(TyperArgument):
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


class Command(TyperCommand):
    """Every lpctl command: arguments shown as :class:`Argument`, the body run under :func:`guard`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if type(param) is TyperArgument:
                param.__class__ = Argument

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """click's parsing; a usage error (an unknown option, a bad value, a missing argument) of a run that
        asked for ``--format json`` also gives the JSON document the command's other failures give, on
        standard output, before click's message (on standard error, exit 2, as ever)."""
        given = list(args)  # click's parser consumes the list
        try:
            result: list[str] = super().parse_args(ctx, args)
            return result
        except Exception as e:
            if _is_usage_error(e) and self.name and _asks_json(self, given):
                _usage_json(self.name, str(e.format_message()))  # type: ignore[attr-defined]
            raise

    def invoke(self, ctx: Any) -> Any:
        json_failures = (self.name or "") if _json_param(ctx) and self.name not in SERVER_COMMANDS else None
        with guard(bool(ctx.params.get("debug")), json_failures):
            return super().invoke(ctx)


def _json_param(ctx: Any) -> bool:
    """Whether the parsed --format is json (click's value: the choice's text, or an enum member)."""
    value = ctx.params.get("format")
    return str(getattr(value, "value", value)) == "json"


#: the commands whose --format json runs already end in a JSON document on every other way out (their
#: own guards: lpctl.cli.server, lpctl.cli.missed); the others' failures are written by :func:`guard`
SERVER_COMMANDS = frozenset({"register", "plan", "apply", "status", "backfill"})


def _is_usage_error(e: Exception) -> bool:
    """click's UsageError (typer vendors click: its class is found through typer's public BadParameter)."""
    usage = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")
    return isinstance(e, usage)


def _asks_json(command: Any, args: list[str]) -> bool:
    """Whether the command line gives ``--format json`` (the last --format wins, as click reads it) to a
    command that has one; read from the raw arguments, since parsing them failed."""
    if not any(getattr(p, "name", None) == "format" for p in command.params):
        return False
    value = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg in ("--format", "-f"):
            value = args[i + 1] if i + 1 < len(args) else None
        elif arg.startswith("--format="):
            value = arg.partition("=")[2]
        elif arg.startswith("-f") and not arg.startswith("--"):
            value = arg[2:]
    return value == "json"


def _usage_json(command: str, message: str) -> None:
    """The JSON document of a usage error (exit 2): a server command's failure document, as its other
    failures give it, else ``{"version": 1, "command", "ok": false, "error", "exitCode"}``."""
    from lpctl.redact import redact

    stdio.output().write(redact(failure_document(command, message, EXIT_USAGE)))


def failure_document(command: str, message: str, code: int) -> str:
    """The JSON document of a run of ``command`` that could not go on, with its exit code."""
    if command in SERVER_COMMANDS:
        from lpctl.admin.outcome import failure_json

        return failure_json(command, message, code)
    import json

    document = {"version": 1, "command": command, "ok": False, "error": message, "exitCode": code}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _version_callback(value: bool) -> None:
    if value:
        stdio.output().write(f"lpctl {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", "-V", help="Print lpctl's version and exit.",
                                          callback=_version_callback, is_eager=True)] = False,
) -> None:
    """Flyte launch plans and triggers as YAML specs."""


def fail_usage(message: str) -> NoReturn:
    from lpctl.redact import redact

    sys.stderr.write(redact(f"lpctl: {message}\n"))
    raise typer.Exit(EXIT_USAGE)


@contextlib.contextmanager
def guard(debug: bool, json_failures: str | None = None) -> Iterator[None]:
    """The one place that turns exceptions into exit codes; with ``json_failures`` (a command's name: a
    --format json run of a command without a failure document of its own), a usage error, an interruption
    or an internal error also gives that command's JSON failure document on standard output."""
    try:
        with stdio.protected_stdout(), _failure_document(json_failures):  # workflow modules' prints: to stderr
            yield
    except typer.Exit:
        raise
    except LpctlError as e:
        fail_usage(str(e))
    except BrokenPipeError:
        # the reader went away (| head): stop quietly, and keep Python from complaining at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        with contextlib.suppress(OSError, ValueError):
            os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(EXIT_BROKEN_PIPE) from None
    except KeyboardInterrupt:
        sys.stderr.write("lpctl: interrupted\n")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except OSError as e:
        if e.errno not in _WRITE_FAILURES:
            _internal_error(e, debug)
        fail_usage(f"cannot write the output: {e.strerror or e}")  # a full disk, a closed stdout: not a bug
    except Exception as e:
        _internal_error(e, debug)


@contextlib.contextmanager
def _failure_document(command: str | None) -> Iterator[None]:
    """For :func:`guard`: the JSON document of a run that ends in an exception, before the guard reports it."""
    try:
        yield
    except (KeyboardInterrupt, Exception) as e:
        if command is not None and not isinstance(e, typer.Exit | BrokenPipeError):
            from lpctl.redact import redact

            code, message = failure(e)
            with contextlib.suppress(OSError, ValueError):  # the output itself may be what failed
                stdio.output().write(redact(failure_document(command, message, code)))
        raise


def failure(e: BaseException) -> tuple[int, str]:
    """The exit code and message of a run that cannot go on, as :func:`guard` gives them."""
    if isinstance(e, KeyboardInterrupt):
        return EXIT_INTERRUPTED, "interrupted"
    if isinstance(e, LpctlError):
        return EXIT_USAGE, str(e)
    if isinstance(e, OSError) and e.errno in _WRITE_FAILURES:
        return EXIT_USAGE, f"cannot write the output: {e.strerror or e}"
    return EXIT_BUG, f"internal error: {type(e).__name__}: {e}"


#: why writing a stream lpctl was given fails: the place, not lpctl (files lpctl names say so themselves)
_WRITE_FAILURES = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EBADF)


def _internal_error(e: Exception, debug: bool) -> NoReturn:
    from lpctl.redact import redact  # secrets out of the traceback and the message, as everywhere

    if debug:
        import traceback

        sys.stderr.write(redact(traceback.format_exc()))
    sys.stderr.write(redact(f"lpctl: internal error: {type(e).__name__}: {e}\n")
                     + f"This is a bug in lpctl {__version__}. Please report it at {ISSUES_URL} "
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
    _closed_streams()
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
    except OSError as e:  # the last bytes of the output did not fit (a full disk)
        with contextlib.suppress(OSError):
            sys.stderr.write(f"lpctl: cannot write the output: {e.strerror or e}\n")
        code = code or EXIT_USAGE
    if isinstance(code, str):
        sys.stderr.write(code + "\n")
        code = EXIT_FINDINGS
    os._exit(code or 0)


def _closed_streams() -> None:
    """A standard stream closed by the caller (``lpctl render >&-``) gets /dev/null behind its descriptor, so
    that no file lpctl opens takes descriptor 1 or 2; writing the output to a closed stdout then fails as a
    write does (exit 2, "cannot write the output"), and messages to a closed stderr are dropped."""
    for fd, name in ((1, "stdout"), (2, "stderr")):
        if getattr(sys, name) is not None:
            continue
        null = os.open(os.devnull, os.O_RDONLY if fd == 1 else os.O_WRONLY)
        if null != fd:
            os.dup2(null, fd)
            os.close(null)
        setattr(sys, name, open(fd, "w", encoding="utf-8", closefd=False))  # noqa: SIM115
