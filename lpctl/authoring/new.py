"""``lpctl new``: an import path -> the spec a user starts from (a launch plan, or a trigger for a Flyte 2 task)."""

from __future__ import annotations

from collections.abc import Sequence

from lpctl.authoring.scaffold import Scaffold, scaffold
from lpctl.authoring.trigger import scaffold_trigger
from lpctl.diagnostics import Diagnostic
from lpctl.errors import UsageError
from lpctl.flyte1.resolve import Resolver


def new_spec(workflow: str, *, name: str | None = None, input_options: Sequence[str] = (),
             registered: bool = False, python_path: Sequence[str] = (),
             import_timeout: float = 60.0) -> tuple[Scaffold | None, list[Diagnostic]]:
    """``lpctl new``: resolve ``workflow`` the way ``validate`` would, then scaffold its spec.

    An import path naming a Flyte 2 task gets a ``kind: Trigger`` spec (lpctl.authoring.trigger).

    Raises :class:`UsageError` for a malformed ``--input NAME=TYPE``.
    """
    import os

    from lpctl.spec.config import load_config

    config = load_config()
    roots = [os.getcwd(), *config.python_path, *(os.path.abspath(p) for p in python_path)]
    resolver = Resolver(roots, import_timeout=import_timeout)
    registered_inputs = parse_inputs(input_options) if registered or input_options else None
    if name is not None and not name:
        raise UsageError("--name is empty")
    if registered_inputs is None:
        made = scaffold_trigger(workflow, roots=roots, name=name, import_timeout=import_timeout)
        if made is not None:  # a Flyte 2 task (a Trigger spec), or a failure the Flyte 1 path would repeat
            return made
    _check_name(name)
    return scaffold(workflow, resolver=resolver, name=name, registered_inputs=registered_inputs)


def _check_name(name: str | None) -> None:
    """A launch plan name validate would refuse (LP805) is refused here, before a spec is written."""
    from lpctl.spec.config import identity_problem

    problem = identity_problem("name", name) if name else None
    if problem:
        message, hint = problem
        raise UsageError(f"--name: {message}" + (f" ({hint})" if hint else ""))


def parse_inputs(options: Sequence[str]) -> dict[str, str]:
    """``["day=datetime", "regions=list[str]"]`` -> ``{"day": "datetime", "regions": "list[str]"}``."""
    inputs: dict[str, str] = {}
    for option in options:
        key, sep, value = option.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UsageError(f"--input {option!r}: write NAME=TYPE, e.g. --input 'regions=list[str]'")
        if key.strip() in inputs:
            raise UsageError(f"--input {key.strip()!r} is given twice")
        inputs[key.strip()] = value.strip()
    return inputs
