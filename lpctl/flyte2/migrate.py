"""``lpctl migrate``: launch plan specs -> Flyte 2 trigger specs, without losing meaning silently.

Each ``kind: LaunchPlan`` document is rewritten in place with ruamel's round-trip loader, so
comments and key order survive. What maps exactly is mapped; what would
change meaning is refused for that launch plan, with the reason and where the setting lives in
Flyte 2, and its trigger is not written. ``--fixed-as-defaults`` accepts that fixed inputs become
overridable defaults.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lpctl.diagnostics import Diagnostic, Location, error
from lpctl.flyte2.guidance import flyte2_guidance
from lpctl.spec.discover import discover, display_path

CLEAN = "clean"
DECISION = "needs a decision"
#: written, but its task is the workflow's path, kept: validate fails it (LP901) until it names a Flyte 2 task
MAPPING = "needs a task mapping"
#: version keys: a Flyte 2 trigger runs the task version it is deployed with (project and domain are kept:
#: a trigger spec names them too)
_IDENTITY = ("version", "workflow_version")
_RENAMES = {"workflow": "task", "default_inputs": "inputs", "envs": "env_vars"}


@dataclass(frozen=True)
class MigrateOptions:
    #: workflow import path (or registered name) -> Flyte 2 task import path
    task_map: Mapping[str, str] = field(default_factory=dict)
    #: merge fixed inputs into the trigger's (overridable) inputs instead of refusing
    fixed_as_defaults: bool = False
    #: spec files larger than this are refused (LP107), as validate refuses them
    max_bytes: int = 1024 * 1024


@dataclass(frozen=True)
class Decision:
    """Why a launch plan does not migrate as is: ``topic`` for the summary, ``message`` with the way out."""

    topic: str
    message: str


@dataclass(frozen=True)
class Migrated:
    """One launch plan: its trigger spec (None when refused), the decisions it needs, the notes."""

    location: Location
    name: str
    decisions: tuple[Decision, ...]
    notes: tuple[str, ...]
    document: Any
    #: the workflow kept as the task: no --task-map names it
    unmapped: bool = False

    @property
    def status(self) -> str:
        return DECISION if self.decisions else MAPPING if self.unmapped else CLEAN


@dataclass(frozen=True)
class FileMigration:
    path: str
    items: tuple[Migrated, ...]
    #: the YAML of the triggers that need no decision; None when none does
    text: str | None
    #: the file's path as discovered (``path`` is the display path)
    source: str = ""


def migrate_paths(paths: Sequence[str], options: MigrateOptions = MigrateOptions()
                  ) -> tuple[list[FileMigration], list[Diagnostic]]:
    """Migrate every launch plan spec under ``paths``. Raises PathError for a path that does not exist."""
    from dataclasses import replace

    from lpctl.flyte2.migrate_files import read_checked

    found = discover(paths)
    files, diags = [], list(found.diagnostics)
    for spec_file in found.files:
        text, loaded = read_checked(spec_file, options.max_bytes)
        diags.extend(loaded)
        if text is None:
            continue
        migrated, problem = migrate_text(text, display_path(spec_file.path), options)
        if problem is not None:
            diags.append(problem)
        elif migrated.items:
            files.append(replace(migrated, source=spec_file.path))
    return files, diags


def migrate_text(text: str, path: str, options: MigrateOptions = MigrateOptions()
                 ) -> tuple[FileMigration, Diagnostic | None]:
    """Migrate the launch plan documents of one file's text (other documents are left out)."""
    import warnings

    from ruamel.yaml.error import ReusedAnchorWarning, YAMLError

    yaml = _yaml()
    try:
        with warnings.catch_warnings():  # YAML 1.2 allows an anchor to be redefined; the loader accepted it
            warnings.simplefilter("ignore", ReusedAnchorWarning)
            documents = list(yaml.load_all(text))
    except YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        return FileMigration(path, (), None), error("LP101", f"YAML syntax error: {getattr(e, 'problem', e)}",
                                                    where)
    items, out = [], []
    for doc in documents:
        if _is_launch_plan(doc):
            items.append(_migrate_document(doc, path, options))
            if not items[-1].decisions:
                out.append(items[-1].document)
        elif _is_trigger(doc):  # already Flyte 2: carried over as it is
            out.append(doc)
    written = flyte2_guidance(_dump(out)) if any(not item.decisions for item in items) else None
    return FileMigration(path, tuple(items), written), None


def _yaml() -> Any:
    from ruamel.yaml import YAML

    from lpctl.spec.emit import visible_emitter

    yaml = YAML(typ="rt")
    yaml.Constructor = _constructor()
    yaml.Emitter = visible_emitter()
    yaml.preserve_quotes = True
    yaml.width = 120
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _constructor() -> Any:
    """ruamel's round-trip constructor, where a scalar that looks like a timestamp but is no date
    (``2026-02-31T25:61:00``, a string to lpctl's YAML 1.2 loader) stays the string it is."""
    from ruamel.yaml.constructor import RoundTripConstructor

    class Constructor(RoundTripConstructor):
        def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
            try:
                return super().construct_yaml_timestamp(node, values)
            except (ValueError, OverflowError):
                return self.construct_yaml_str(node)

    Constructor.add_constructor("tag:yaml.org,2002:timestamp", Constructor.construct_yaml_timestamp)
    return Constructor


def _dump(documents: list[Any]) -> str:
    out = io.StringIO()
    _yaml().dump_all(documents, out)
    return out.getvalue()


def _is_launch_plan(doc: Any) -> bool:
    return isinstance(doc, dict) and doc.get("apiVersion") == "lpctl/v1" and doc.get("kind") == "LaunchPlan"


def _is_trigger(doc: Any) -> bool:
    return isinstance(doc, dict) and doc.get("apiVersion") == "lpctl/v1" and doc.get("kind") == "Trigger"


def _migrate_document(doc: Any, path: str, options: MigrateOptions) -> Migrated:
    line = doc.lc.line + 1 if hasattr(doc, "lc") else 0
    name = str(doc.get("name") or "(default launch plan)")
    decisions: list[Decision] = []
    notes: list[str] = []
    if "name" not in doc:
        decisions.append(Decision("default launch plan", "a default launch plan (no 'name') has no Flyte 2 "
                                  "counterpart: tasks run directly, with no trigger; give it a name to keep it"))
    doc["kind"] = "Trigger"
    unmapped = _task(doc, options, decisions, notes)
    _identity(doc, notes)
    _inputs(doc, options, decisions, notes)
    _schedule(doc, notes)
    _notifications(doc, decisions)
    _refused_keys(doc, decisions)
    for old, new in _RENAMES.items():
        if old in doc:
            _rename(doc, old, new)
    if "auto_activate" not in doc:
        doc["auto_activate"] = False
        doc.yaml_add_eol_comment("not declared in Flyte 1: true if the launch plan is active", "auto_activate")
        notes.append("auto_activate: false written (not declared); "
                     "write true if the launch plan is active on the server")
    return Migrated(Location(path, line, 1), name, tuple(decisions), tuple(notes), doc, unmapped)


def _rename(doc: Any, old: str, new: str) -> None:
    """Rename a key in place, keeping its position and comments."""
    position = list(doc).index(old)
    comment = doc.ca.items.pop(old, None)
    value = doc.pop(old)
    doc.insert(position, new, value)
    if comment is not None:
        doc.ca.items[new] = comment


def _task(doc: Any, options: MigrateOptions, decisions: list[Decision], notes: list[str]) -> bool:
    """Map the workflow to its Flyte 2 task; True when it is kept as it is (no --task-map names it)."""
    workflow = doc.get("workflow")
    ref = str(workflow.get("name", "")) if isinstance(workflow, dict) else str(workflow)
    if ref in options.task_map:
        doc["workflow"] = options.task_map[ref]
    elif not isinstance(workflow, dict):
        notes.append(f"task: {ref} kept: point it at the Flyte 2 task (--task-map {ref}=package.module:task)")
        return True
    else:
        decisions.append(Decision("workflow without import path", f"workflow '{ref}' is given by its registered "
                                  "interface; a trigger needs the import path of a Flyte 2 task: "
                                  f"--task-map {ref}=package.module:task"))
    return False


def _identity(doc: Any, notes: list[str]) -> None:
    dropped = [key for key in _IDENTITY if key in doc]
    for key in dropped:
        del doc[key]
    if dropped:
        notes.append(f"{', '.join(dropped)} dropped: a Flyte 2 trigger runs the task version it is deployed "
                     "with (task_version in the spec, or --version)")


def _inputs(doc: Any, options: MigrateOptions, decisions: list[Decision], notes: list[str]) -> None:
    fixed = doc.get("fixed_inputs") or {}
    if fixed and options.fixed_as_defaults:
        _merge_fixed(doc, fixed)
        notes.append(f"fixed inputs {_names(fixed)} became overridable defaults (--fixed-as-defaults)")
    elif fixed:
        decisions.append(Decision("fixed inputs", f"fixed inputs {_names(fixed)} would become overridable: Flyte 2 "
                                  "has no fixed inputs; set them inside the task (a constant, or a wrapper task), "
                                  "or accept the change with --fixed-as-defaults"))
    values = doc.get("default_inputs") or {}
    lists = [k for k, v in values.items() if isinstance(v, list)]
    if lists:
        decisions.append(Decision("list input", f"inputs {_names(lists)} are lists, which flyte-sdk 2.12.1 cannot "
                                  "send as trigger inputs; make them the task's Python defaults"))
    mappings = [k for k, v in values.items() if isinstance(v, dict)]
    if mappings:  # msgpack, as flyte-sdk sends a dict: right for an untyped dict or a dataclass input
        notes.append(f"inputs {_names(mappings)} are mappings: Flyte 2 takes one for an untyped dict or a "
                     "dataclass input, not for dict[str, T] (lpctl validate checks it against the task)")


def _merge_fixed(doc: Any, fixed: Any) -> None:
    if "default_inputs" not in doc:
        _rename(doc, "fixed_inputs", "default_inputs")
        return
    for key, value in fixed.items():
        doc["default_inputs"][key] = value
    del doc["fixed_inputs"]


def _names(keys: Any) -> str:
    return ", ".join(f"'{k}'" for k in keys)


def _schedule(doc: Any, notes: list[str]) -> None:
    schedule = doc.get("schedule")
    if isinstance(schedule, dict) and "offset" in schedule:
        del schedule["offset"]
        notes.append("schedule.offset dropped: Flyte 2 has no cron offset (FlyteAdmin ignored it too)")


def _notifications(doc: Any, decisions: list[Decision]) -> None:
    from ruamel.yaml.comments import CommentedMap

    for i, entry in enumerate(doc.get("notifications") or []):
        if "phases" in entry:
            _rename(entry, "phases", "on_phase")
        if "email" in entry:
            entry["email"] = CommentedMap([("recipients", entry["email"])])
        for channel, why in _NO_COUNTERPART.items():
            if channel in entry:
                decisions.append(Decision(f"{channel} notification", f"notifications[{i}]: {why}"))


_NO_COUNTERPART = {
    "slack": "a Flyte 1 Slack notification is an e-mail to a channel address, a Flyte 2 one an incoming "
             "webhook: write 'email: {recipients: [...]}' to the same addresses, or 'slack: {webhook_url: ...}'",
    "pager_duty": "Flyte 2 has no PagerDuty notifier: write 'email' to the integration address, or 'webhook' "
                  "to PagerDuty's Events API",
}

_REFUSED = {
    "max_parallelism": "no trigger field; the closest is max_action_concurrency (concurrent actions of one run, "
                       "0 or at least 2), which is not the same limit: set it if that is what you meant",
    "security_context": "no trigger field: in Flyte 2 the service account is the task's "
                        "(flyte.TaskEnvironment(service_account=...) or @env.task(service_account=...))",
    "auth_role": "no trigger field: in Flyte 2 the service account is the task's "
                 "(flyte.TaskEnvironment(service_account=...) or @env.task(service_account=...))",
    "raw_output_data_config": "no trigger field: the output location is a run setting in Flyte 2 "
                              "(flyte.with_runcontext(raw_data_path=...)) or the deployment's storage default",
    "concurrency": "no trigger field: Flyte 2 does not limit concurrent runs of a trigger",
}


def _refused_keys(doc: Any, decisions: list[Decision]) -> None:
    for key, why in _REFUSED.items():
        if key in doc:
            decisions.append(Decision(key, f"{key}: {why}"))


def write_migrated(files: Sequence[FileMigration], directory: str, inputs: Sequence[str], *,
                   force: bool = False) -> list[str]:
    """Write each file's clean triggers under ``directory`` (lpctl.flyte2.migrate_files); the paths written.
    Without ``force``, a file there with other content stops the run before anything is written."""
    from lpctl.flyte2.migrate_files import refuse_replacing, targets, write_all

    chosen = [f for f in files if f.text is not None]
    paths = targets([(f.source or f.path, f.path) for f in chosen], inputs, directory)
    items = [(target, f.text or "") for target, f in zip(paths, chosen, strict=True)]
    if not force:
        refuse_replacing(items)
    write_all(items)
    return paths


def summary(files: Sequence[FileMigration]) -> str:
    """The table people read: one line per launch plan, its reasons, then the totals by reason."""
    items = [item for f in files for item in f.items]
    lines = []
    for item in items:
        topics = ", ".join(d.topic for d in item.decisions)
        lines.append(f"{item.location}  {item.name}  {item.status}" + (f": {topics}" if topics else ""))
        lines.extend(f"    - {d.message}" for d in item.decisions)
        lines.extend(f"    note: {note}" for note in item.notes if not item.decisions)
    statuses = Counter(item.status for item in items)
    mapping = f"{statuses[MAPPING]} need a task mapping, " if statuses[MAPPING] else ""
    lines.append(f"{len(items)} launch plan{'' if len(items) == 1 else 's'}: {statuses[CLEAN]} migrate cleanly, "
                 f"{mapping}{statuses[DECISION]} need a decision")
    counts = Counter(d.topic for item in items for d in item.decisions)
    lines.extend(f"  {count:3d}  {topic}" for topic, count in sorted(counts.items(), key=lambda t: (-t[1], t[0])))
    return "\n".join(lines) + "\n"
