"""load -> schema -> resolve -> compile -> cross-spec checks, as one call that returns a Result."""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from lpctl import accel, progress
from lpctl.accel.workers import cores, forks, ordered_map
from lpctl.bundle import Entries, is_bundle_path, launch_plans, ordered, read_bundle
from lpctl.diagnostics import Diagnostic, Severity, error, sort_diagnostics
from lpctl.errors import UsageError
from lpctl.shared.imports import DEFAULT_IMPORT_TIMEOUT
from lpctl.spec.config import Config, Identity, common_parent, load_config, run_identity
from lpctl.spec.discover import SpecFile, discover
from lpctl.spec.load import DEFAULT_MAX_BYTES, TRIGGER_KIND, Document, check_header, load_file
from lpctl.target import TARGETS, Importing, MissingTarget, Resolving, Target, target_for

if TYPE_CHECKING:
    from flyteidl.admin.launch_plan_pb2 import LaunchPlan

    from lpctl.flyte1.compile import CompiledPlan

    # lpctl.flyte2 needs flyteidl2 (the flyte2 extra): imported only for Trigger specs
    from lpctl.flyte2.compile import CompiledTrigger
    from lpctl.lock import Lock


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
    jobs: int = 1
    #: (render) with worker processes, each launch plan's bundle entry is made by the process that
    #: compiled it (see :class:`lpctl.bundle.Entries`), in the same pass
    entries: bool = False


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
    #: launch plans read from bundle files (``gather``), counted beside the specs' plans
    bundled: int = 0
    #: worker processes the run could use (1 unless --locked): what writing its bundle may use too
    jobs: int = 1
    #: (``Options.entries``) the bundle entries of ``plans``, in the same order, made as they were compiled
    entries: Entries | None = None

    def add(self, checked: _Checked) -> None:
        if checked.path is None:
            self.skipped += 1
            return
        self.files.append(checked.path)
        self.documents += checked.documents
        self.diagnostics.extend(checked.diagnostics)

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
    once it is checked is what its target compiled, never its values.

    Under ``--locked`` (nothing to import), with ``options.jobs`` other than 1, the files are checked in
    worker processes; the result is the same as in one.

    Raises :class:`UsageError` for unreadable paths and for paths that hold no spec at all
    (unless ``only_specs``, where that is normal).
    """
    config = configured(paths, options).config or Config()
    resolving = _resolving(paths, options, config)
    targets = _Targets(run_identity(options.identity, config), resolving)
    found = discover(paths)
    # a file skipped with a warning is counted among the files, so the summary names it
    result = Result(diagnostics=list(found.diagnostics), files=[d.location.path for d in found.diagnostics],
                    config_source=config.source)
    # worker processes only where nothing is imported: an import would run (with its side effects) in each
    jobs = (options.jobs or cores()) if resolving.lock is not None else 1
    result.jobs = jobs
    entries = result.entries = Entries() if options.entries and forks(len(found.files), jobs) else None
    progress.emit("specs", count=len(found.files))
    checker = _Checker(options, targets, entries)
    with closing(ordered_map(checker, found.files, jobs, [entries.spill] if entries else [])) as checked:
        for done, (spec_file, outcome) in enumerate(zip(found.files, checked, strict=True)):
            progress.emit("spec", spec_file.path, done)
            result.add(outcome)
            targets.extend(outcome.compiled, outcome.found)
            if entries is not None:
                entries.refs.extend(outcome.entries)
    finished = targets.finish()
    result.diagnostics.extend(finished)
    # a finding in the lock (LP309, LP310) counts the lock among the files read
    result.files.extend(sorted({d.location.path for d in finished if d.code in _LOCK_CODES} - set(result.files)))
    result.plans, result.triggers = targets.compiled("LaunchPlan"), targets.compiled(TRIGGER_KIND)
    result.diagnostics = sort_diagnostics(result.diagnostics)
    if not result.files and not result.diagnostics and not options.only_specs:
        raise UsageError("no lpctl specs found in " + ", ".join(paths) + _skipped_note(result.skipped))
    return result


@dataclass
class _Checked:
    """What one spec file gave: everything a run keeps of it."""

    #: the display path; None when the file was skipped (not a spec)
    path: str | None
    documents: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: kind -> what its target compiled from the file
    compiled: dict[str, list[Any]] = field(default_factory=dict)
    #: kind -> what its resolver found wrong in the lock meanwhile (LP309: a worker's own resolver finds it)
    found: dict[str, list[Diagnostic]] = field(default_factory=dict)
    #: where the bundle entries of ``compiled["LaunchPlan"]`` are (``Options.entries``)
    entries: list[tuple[int, int, int]] = field(default_factory=list)


class _Checker:
    """Loads, checks and compiles one spec file (in a worker process with ``-j``)."""

    def __init__(self, options: Options, targets: _Targets, entries: Entries | None = None) -> None:
        self.options, self.targets, self.entries = options, targets, entries

    def __call__(self, spec_file: SpecFile) -> _Checked:
        loaded = load_file(spec_file, max_bytes=self.options.max_bytes, only_specs=self.options.only_specs)
        if loaded is None:
            return _Checked(None)
        out = _Checked(loaded.path, len(loaded.documents), list(loaded.diagnostics))
        for doc in loaded.documents:
            if check_header(doc):  # not a spec: the loader said so (LP105, LP106)
                continue
            schema_diags, broken = _check_schema(doc)
            out.diagnostics.extend(schema_diags)
            out.diagnostics.extend(self.targets.compile(doc, broken))
        out.compiled, out.found = self.targets.take()
        if self.entries is not None:
            out.entries = self.entries.make(out.compiled.get("LaunchPlan", ()))
        return out


@dataclass(frozen=True)
class _Resolving:
    """How every target resolves references in this run, decided once: importing, or from the lock."""

    importing: Importing
    #: (--locked) the lock and its path: every target answers from it, or refuses
    lock: tuple[Lock, str] | None = None
    #: (--locked) why the lock cannot be read (LP310, at the lock): no spec naming code is compiled
    invalid: Diagnostic | None = None


class _Targets:
    """The targets met so far in a run, each with its resolver and what it compiled."""

    def __init__(self, identity: Identity, resolving: _Resolving) -> None:
        self.identity = identity
        self.resolving = resolving
        self._started: dict[str, tuple[Target, Resolving | None, list[Any]]] = {}
        # compiled since the last take(), apart from the run's lists: in one process the checker and the
        # run share this object, and taking from the run's own lists copied all of them once per file
        self._new: dict[str, list[Any]] = {}
        self._told: dict[str, int] = {}  # kind -> how many of its resolver's diagnostics take() gave

    def compile(self, doc: Document, broken: set[str]) -> list[Diagnostic]:
        kind = str(doc.data.get("kind"))
        try:
            target, resolver, _ = self._start(kind)
        except MissingTarget as e:
            return [error(e.code, e.message, doc.location(("kind",)), e.hint)]
        key = TARGETS[kind].reference_key
        if "" in broken or key in broken:  # nothing more can be checked
            return []
        if self.resolving.invalid is not None:  # reported once, at the lock
            return []
        if resolver is None:
            return [_cannot_lock(doc, kind, key)]
        item, diags = target.compile(_without(doc, broken), broken, resolver, self.identity)
        if item is not None:
            self._new.setdefault(kind, []).append(item)
        return diags

    def _start(self, kind: str) -> tuple[Target, Resolving | None, list[Any]]:
        if kind not in self._started:
            target = target_for(kind)
            lock = self.resolving.lock
            resolver = target.importing(self.resolving.importing) if lock is None else target.locked(*lock)
            self._started[kind] = (target, resolver, [])
        return self._started[kind]

    def take(self) -> tuple[dict[str, list[Any]], dict[str, list[Diagnostic]]]:
        """What was compiled since the last call, by kind, no longer kept here; and the resolvers' new findings."""
        taken, self._new = self._new, {}
        found = {}
        for kind, (_, resolver, _) in self._started.items():
            if resolver is not None and len(resolver.diagnostics) > self._told.get(kind, 0):
                found[kind] = resolver.diagnostics[self._told.get(kind, 0):]
                self._told[kind] = len(resolver.diagnostics)
        return taken, found

    def extend(self, compiled: dict[str, list[Any]], found: dict[str, list[Diagnostic]] | None = None) -> None:
        for kind, items in compiled.items():
            self._start(kind)[2].extend(items)
        for kind, diags in (found or {}).items():  # in one process, the resolver holds them already
            resolver = self._start(kind)[1]
            if resolver is not None:
                resolver.diagnostics.extend([d for d in diags if d not in resolver.diagnostics])

    def finish(self) -> list[Diagnostic]:
        diags = [self.resolving.invalid] if self.resolving.invalid is not None else []
        for target, resolver, compiled in self._started.values():
            if resolver is not None:
                resolver.save()
                diags.extend(resolver.diagnostics)  # what the lock's entries hold (LP309)
            diags.extend(target.duplicates(compiled))
        return diags

    def compiled(self, kind: str) -> list[Any]:
        return self._started[kind][2] if kind in self._started else []


_LOCK_CODES = frozenset({"LP309", "LP310"})


def _cannot_lock(doc: Document, kind: str, key: str) -> Diagnostic:
    return error("LP308", f"--locked: lpctl.lock cannot answer {kind} specs, and --locked imports nothing",
                 doc.location((key,)), "run without --locked where the code can be imported")


def _skipped_note(skipped: int) -> str:
    if not skipped:
        return ""
    return " (1 YAML file is not an lpctl spec)" if skipped == 1 else f" ({skipped} YAML files are not lpctl specs)"


@dataclass
class Gathered:
    """Launch plans from bundles and specs together, for the commands that take either."""

    #: (message, auto_activate or None when not declared): bundles first, as they are, then the specs'
    #: plans in bundle order
    launch_plans: list[tuple[LaunchPlan, bool | None]]
    #: the specs' result (empty when only bundles were given), for reporting
    result: Result
    #: the run's identity (flags, then [tool.lpctl]): it fills the versions bundles leave empty at registration
    identity: Identity = field(default_factory=Identity)


def gather(paths: Sequence[str], options: Options = Options()) -> Gathered:
    """Read bundle files (see :func:`lpctl.bundle.is_bundle_path`) and check and compile the rest."""
    options = configured(paths, options)
    plans: list[tuple[LaunchPlan, bool | None]] = []
    bundles = [p for p in paths if is_bundle_path(p)]
    for path in bundles:
        plans.extend(launch_plans(read_bundle(path), path))
    specs = [p for p in paths if not is_bundle_path(p)]
    result = run(specs, options) if specs else Result(config_source=options.config.source if options.config else None)
    result.files, result.bundled = [*bundles, *result.files], len(plans)
    if result.ok:
        # bundle order, so that packaging specs and packaging their bundle give the same bytes
        plans.extend((p.launch_plan, p.auto_activate) for p in ordered(result.plans))
    return Gathered(plans, result, run_identity(options.identity, options.config))


#: the loader's warnings for a path it did not read (LP113 not a regular file, LP114 unreadable or a
#: dangling link): a spec may be there
SKIPPED_PATH_CODES = frozenset({"LP113", "LP114"})


def incomplete(result: Result) -> str | None:
    """Why ``result`` is not the whole declaration (a path skipped, a spec with errors), or None.

    ``--prune`` deactivates what no spec declares: on a partial view it would deactivate what the
    skipped or broken specs declare, so it needs None here."""
    skipped = sorted({d.location.path for d in result.diagnostics if d.code in SKIPPED_PATH_CODES})
    broken = sorted({d.location.path for d in result.diagnostics if d.severity is Severity.ERROR})
    parts = []
    if skipped:
        parts.append(f"{_count(skipped, 'path')} skipped ({', '.join(skipped[:3])}{_more(skipped)})")
    if broken:
        parts.append(f"{_count(broken, 'spec file')} with errors ({', '.join(broken[:3])}{_more(broken)})")
    return " and ".join(parts) or None


def _count(items: Sequence[str], noun: str) -> str:
    return f"1 {noun}" if len(items) == 1 else f"{len(items)} {noun}s"


def _more(items: Sequence[str]) -> str:
    return f", and {len(items) - 3} more" if len(items) > 3 else ""


def _resolving(paths: Sequence[str], options: Options, config: Config) -> _Resolving:
    """Import the user's code, or (--locked, for every kind) answer from lpctl.lock without importing
    anything (and without the cache, which only saves imports: opening it costs ~30 ms of importlib.metadata)."""
    roots = [os.getcwd(), *config.python_path, *(os.path.abspath(p) for p in options.python_path)]
    if not (options.locked or config.locked):
        return _Resolving(Importing(roots, options.import_timeout, options.cache))
    from lpctl.lock import Lock, LockError, find_lock, invalid_lock, read_lock
    from lpctl.lockfile import LockInvalid

    path = options.lock_path or find_lock(paths)
    if path is None:
        raise LockError(_no_lock(paths))
    try:
        return _Resolving(Importing(roots, options.import_timeout), (read_lock(path), path))
    except LockInvalid as e:  # LP310 at the lock, exit 1; the specs naming code are not compiled
        return _Resolving(Importing(roots, options.import_timeout), (Lock(), path), invalid_lock(path, e))


def _no_lock(paths: Sequence[str]) -> str:
    """Why --locked has no lock: none up to the project root, or one per folder where one run needs one."""
    from lpctl.lock import find_lock

    own = sorted({found for found in (find_lock([p]) for p in paths) if found is not None})
    if not own:
        return f"--locked: no lpctl.lock at or above {', '.join(paths)}; run 'lpctl lock' on these specs first"
    serves = "serves only the specs below it" if len(own) == 1 else "each serve only the specs below them"
    return (f"--locked: no lpctl.lock at or above the folder {', '.join(paths)} share ({', '.join(own)} {serves}); "
            f"check each folder in its own run, or write one lock for all with 'lpctl lock {' '.join(paths)}'")


def _check_schema(doc: Document) -> tuple[list[Diagnostic], set[str]]:
    """Never cached: 0.1 ms a document, less than proving a cached verdict right would take."""
    from lpctl.accel.fastschema import is_valid

    if accel.on() and is_valid(doc.data):  # exact for valid documents; jsonschema says why the others are not
        return [], set()
    from lpctl.spec.schema import schema_problems

    return schema_problems(doc)


#: a stand-in for a broken ``name``, so that the document is not taken for a default launch plan
_NAME_STAND_IN = "_"


def _without(doc: Document, broken: set[str]) -> Document:
    """The document without the top-level fields the schema refused, for the checks of the others."""
    if not broken:
        return doc
    data = {key: value for key, value in doc.data.items() if key not in broken}
    if "name" in broken:
        data["name"] = _NAME_STAND_IN
    return replace(doc, data=data)
