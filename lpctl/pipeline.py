"""load -> schema -> resolve -> compile -> cross-spec checks, as one call that returns a Result."""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from lpctl import progress
from lpctl.bundle import is_bundle_path, launch_plans, ordered, read_bundle
from lpctl.cache import Cache
from lpctl.diagnostics import Diagnostic, Severity, error, sort_diagnostics
from lpctl.errors import UsageError
from lpctl.flyte1.compile import CompiledPlan, compile_spec
from lpctl.flyte1.resolve import DEFAULT_IMPORT_TIMEOUT, Resolver
from lpctl.spec.config import Config, Identity, common_parent, load_config
from lpctl.spec.discover import SpecFile, discover
from lpctl.spec.load import DEFAULT_MAX_BYTES, TRIGGER_KIND, Document, check_header, load_file
from lpctl.spec.model import launch_plan_spec
from lpctl.workers import cores, ordered_map

if TYPE_CHECKING:
    from flyteidl.admin.launch_plan_pb2 import LaunchPlan

    # lpctl.flyte2 needs flyteidl2 (the flyte2 extra): imported only for Trigger specs
    from lpctl.flyte2.compile import CompiledTrigger
    from lpctl.flyte2.resolve import TaskResolver
    from lpctl.lock import LockedResolver


@dataclass(frozen=True)
class Options:
    """Everything a run needs besides the paths; built once by the CLI."""

    #: identity from the command line; the spec's own values win, [tool.lpctl] fills in the rest
    identity: Identity = field(default_factory=Identity)
    python_path: tuple[str, ...] = ()
    max_bytes: int = DEFAULT_MAX_BYTES
    #: skip YAML files that are not specs even when named explicitly (pre-commit)
    only_specs: bool = False
    #: seconds a workflow module may take to import
    import_timeout: float = DEFAULT_IMPORT_TIMEOUT
    #: keep resolved interfaces in .lpctl_cache/ and skip importing unchanged workflows
    cache: bool = False
    #: None: read [tool.lpctl] from the pyproject.toml nearest to the paths
    config: Config | None = None
    #: answer workflow references from lpctl.lock and import nothing (also [tool.lpctl] locked)
    locked: bool = False
    #: the lock to read; None: the nearest lpctl.lock at or above the specs
    lock_path: str | None = None
    #: worker processes for a run that imports nothing (--locked); 0: one per core, 1: this process only
    jobs: int = 0


@dataclass
class Result:
    plans: list[CompiledPlan] = field(default_factory=list)
    #: Flyte 2 triggers (``kind: Trigger``), see lpctl.flyte2
    triggers: list[CompiledTrigger] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    skipped: int = 0
    documents: int = 0
    #: the pyproject.toml whose [tool.lpctl] was used, if any
    config_source: str | None = None

    def add(self, checked: _Checked) -> None:
        if checked.path is None:
            self.skipped += 1
            return
        self.files.append(checked.path)
        self.documents += checked.documents
        self.diagnostics.extend(checked.diagnostics)
        self.plans.extend(checked.plans)
        self.triggers.extend(checked.triggers)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity)

    @property
    def ok(self) -> bool:
        return self.count(Severity.ERROR) == 0


def configured(paths: Sequence[str], options: Options) -> Options:
    """``options`` with ``[tool.lpctl]`` read (once) from the pyproject.toml nearest to ``paths``."""
    if options.config is not None:
        return options
    return replace(options, config=load_config(common_parent(paths)))


def run(paths: Sequence[str], options: Options = Options()) -> Result:
    """Check and compile every spec under ``paths``, one file at a time: what is kept of a document
    once it is checked is its compiled message and where it came from, never its values.

    With ``options.jobs`` above 1 and ``--locked`` (nothing to import), the files are checked in
    that many worker processes; the result is the same as with one.

    Raises :class:`UsageError` for unreadable paths and for paths that hold no spec at all
    (unless ``only_specs``, where that is normal).
    """
    config = configured(paths, options).config or Config()
    roots = [os.getcwd(), *config.python_path, *(os.path.abspath(p) for p in options.python_path)]
    resolver = _resolver(paths, options, config, roots)
    found = discover(paths)
    # a file skipped with a warning is counted among the files, so the summary names it
    result = Result(diagnostics=list(found.diagnostics), files=[d.location.path for d in found.diagnostics],
                    config_source=config.source)
    checker = _Checker(options, options.identity.under(config.identity), roots, resolver)
    # worker processes only where nothing is imported: an import would run (with its side effects) in each
    jobs = (options.jobs or cores()) if not isinstance(resolver, Resolver) else 1
    progress.emit("specs", count=len(found.files))
    with closing(ordered_map(checker, found.files, jobs)) as checked:
        for done, (spec_file, outcome) in enumerate(zip(found.files, checked, strict=True)):
            progress.emit("spec", spec_file.path, done)
            result.add(outcome)
    resolver.save()
    result.diagnostics.extend(_duplicates(result.plans))
    if result.triggers:
        from lpctl.flyte2.compile import duplicate_triggers

        result.diagnostics.extend(duplicate_triggers(result.triggers))
    result.diagnostics = sort_diagnostics(result.diagnostics)
    if not result.files and not result.diagnostics and not options.only_specs:
        raise UsageError("no lpctl specs found in " + ", ".join(paths) + _skipped_note(result.skipped))
    return result


@dataclass
class _Checked:
    """What one spec file gave: everything :class:`Result` keeps of it."""

    #: the display path; None when the file was skipped (not a spec)
    path: str | None
    documents: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    plans: list[CompiledPlan] = field(default_factory=list)
    triggers: list[CompiledTrigger] = field(default_factory=list)


class _Checker:
    """Loads, checks and compiles one spec file (in a worker process with ``-j``)."""

    def __init__(self, options: Options, identity: Identity, roots: list[str],
                 resolver: Resolver | LockedResolver) -> None:
        self.options, self.identity, self.roots, self.resolver = options, identity, roots, resolver
        self.tasks: list[TaskResolver] = []  # created by the first Trigger spec

    def __call__(self, spec_file: SpecFile) -> _Checked:
        loaded = load_file(spec_file, max_bytes=self.options.max_bytes, only_specs=self.options.only_specs)
        if loaded is None:
            return _Checked(None)
        out = _Checked(loaded.path, len(loaded.documents), list(loaded.diagnostics))
        for doc in loaded.documents:
            self._document(doc, out)
        return out

    def _document(self, doc: Document, out: _Checked) -> None:
        if check_header(doc):  # not a spec: the loader said so (LP105, LP106)
            return
        schema_diags, broken = _check_schema(doc)
        out.diagnostics.extend(schema_diags)
        checked = _without(doc, broken)
        if checked is None:
            return
        if checked.data.get("kind") == TRIGGER_KIND:
            out.diagnostics.extend(_trigger(checked, broken, self.roots, self.options, self.tasks, out.triggers))
            return
        lp_spec = launch_plan_spec(checked.data)
        plan, diags = compile_spec(checked, lp_spec, self.resolver.resolve(lp_spec.workflow), self.identity)
        out.diagnostics.extend(_not_cascading(diags, broken))
        if plan is not None and not broken:
            out.plans.append(plan)


def _trigger(doc: Document, broken: set[str], roots: list[str], options: Options, tasks: list[TaskResolver],
             triggers: list[CompiledTrigger]) -> list[Diagnostic]:
    """A ``kind: Trigger`` document: resolve its Flyte 2 task and compile it (lpctl.flyte2). With fields
    the schema refused (``broken``), the others are still checked, and nothing is rendered."""
    if "task" in broken or "task" not in doc.data:
        return []
    try:
        from lpctl.flyte2.compile import compile_trigger
        from lpctl.flyte2.resolve import TaskResolver
    except ModuleNotFoundError as e:
        return [error("LP901", f"Flyte 2 triggers need flyte-sdk, which is not installed ({e})",
                      doc.location(("kind",)), "pip install 'lpctl[flyte2]'")]
    if not tasks:
        tasks.append(TaskResolver(roots, import_timeout=options.import_timeout))
    trigger, diags = compile_trigger(doc, tasks[0].resolve(str(doc.data["task"])))
    if trigger is not None and not broken:
        triggers.append(trigger)
    if "inputs" in broken:  # its inputs were refused: "left unbound" would only repeat that
        return [d for d in diags if d.code != "LP910"]
    return diags


def _skipped_note(skipped: int) -> str:
    if not skipped:
        return ""
    return " (1 YAML file is not an lpctl spec)" if skipped == 1 else f" ({skipped} YAML files are not lpctl specs)"


@dataclass
class Gathered:
    """Launch plans from bundles and specs together, for the commands that take either."""

    #: (message, auto_activate): bundles first, as they are, then the specs' plans in bundle order
    launch_plans: list[tuple[LaunchPlan, bool]]
    #: the specs' result (empty when only bundles were given), for reporting
    result: Result


def gather(paths: Sequence[str], options: Options = Options()) -> Gathered:
    """Read bundle files (see :func:`lpctl.bundle.is_bundle_path`) and check and compile the rest."""
    plans: list[tuple[LaunchPlan, bool]] = []
    for path in (p for p in paths if is_bundle_path(p)):
        plans.extend(launch_plans(read_bundle(path), path))
    specs = [p for p in paths if not is_bundle_path(p)]
    result = run(specs, options) if specs else Result()
    if result.ok:
        # bundle order, so that packaging specs and packaging their bundle give the same bytes
        plans.extend((p.launch_plan, p.auto_activate) for p in ordered(result.plans))
    return Gathered(plans, result)


def _resolver(paths: Sequence[str], options: Options, config: Config,
              roots: list[str]) -> Resolver | LockedResolver:
    """Import the workflows, or (--locked) answer from lpctl.lock without importing anything (and
    without the cache, which only saves imports: opening it costs ~30 ms of importlib.metadata)."""
    if not (options.locked or config.locked):
        cache = Cache() if options.cache else None
        return Resolver(roots, import_timeout=options.import_timeout, interfaces=cache)
    from lpctl.lock import LockedResolver, LockError, find_lock, read_lock

    path = options.lock_path or find_lock(paths)
    if path is None:
        raise LockError(f"--locked: no lpctl.lock at or above {', '.join(paths)}; "
                        "run 'lpctl lock' on these specs first")
    return LockedResolver(read_lock(path), path)


def _check_schema(doc: Document) -> tuple[list[Diagnostic], set[str]]:
    """Never cached: 0.1 ms a document, less than proving a cached verdict right would take."""
    from lpctl.spec.fastschema import is_valid
    from lpctl.spec.schema import schema_problems

    if is_valid(doc.data):  # exact for valid documents; jsonschema says why the others are not
        return [], set()
    return schema_problems(doc)


#: a stand-in for a broken ``name``, so that the document is not taken for a default launch plan
_NAME_STAND_IN = "_"
#: checks that read the input maps: a broken map would make them report what is not there
_READ_INPUTS = {"LP510"}


def _without(doc: Document, broken: set[str]) -> Document | None:
    """The document without the top-level fields the schema refused, for the checks of the others;
    None when nothing more can be checked (the document itself or its workflow is broken)."""
    if not broken:
        return doc
    if "" in broken or "workflow" in broken:
        return None
    data = {key: value for key, value in doc.data.items() if key not in broken}
    if "name" in broken:
        data["name"] = _NAME_STAND_IN
    return replace(doc, data=data)


def _not_cascading(diags: list[Diagnostic], broken: set[str]) -> list[Diagnostic]:
    """Drop what only follows from a field the schema already reported: one root cause, one error."""
    if broken & {"default_inputs", "fixed_inputs"}:
        return [d for d in diags if d.code not in _READ_INPUTS]
    return diags


def _duplicates(plans: list[CompiledPlan]) -> list[Diagnostic]:
    first: dict[tuple[str, str, str], CompiledPlan] = {}
    diags = []
    for plan in plans:
        project, domain, name, _ = plan.identity()
        key = (project, domain, name)
        if key not in first:
            first[key] = plan
            continue
        where = first[key].source.name_at
        diags.append(error("LP806", f"launch plan {project}/{domain}/{name} is also defined at {where}",
                           plan.source.name_at, "launch plan names must be unique within a project and domain"))
    return diags
