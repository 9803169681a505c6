"""Stage 4 for ``kind: Trigger``: a spec document + its task -> ``flyteidl2.task.TaskTrigger``.

The message equals what flyte-sdk's ``to_task_trigger`` builds for the same ``flyte.Trigger`` on
the same task; every refusal of flyte-sdk and of the Flyte 2 backend is a
diagnostic at the spec's line instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from flyteidl2.core import literals_pb2
from flyteidl2.task import common_pb2, run_pb2, task_definition_pb2

from lpctl.diagnostics import Diagnostic
from lpctl.flyte2.context import TriggerContext
from lpctl.flyte2.inputs import compile_inputs
from lpctl.flyte2.notify import compile_notifications
from lpctl.flyte2.resolve import TaskResolved
from lpctl.flyte2.schedule import compile_automation
from lpctl.shared.imports import ResolveError
from lpctl.spec.config import DEFAULT_DOMAIN, DEFAULT_PROJECT, Identity, identity_problem, spec_identity
from lpctl.spec.load import Document
from lpctl.spec.model import TriggerSpec

MAX_NAME = 255
MAX_DESCRIPTION = 255
#: keys flyte's runtime reads from Inputs.context (flyte/_internal/runtime/convert.py)
RESERVED_CONTEXT = ("_u_kickoff_time_input_arg", "_u_produced_artifacts")


@dataclass(frozen=True)
class CompiledTrigger:
    """A trigger spec compiled to the message flyte-sdk would deploy with its task."""

    document: Document
    #: the task's registered name, ``<environment>.<function>``
    task_name: str
    trigger: task_definition_pb2.TaskTrigger
    #: the spec's ``task_version``: the task version plan and apply pin it to (None: --version)
    task_version: str | None = None
    #: where it is deployed: the spec's project and domain, else the command line's, [tool.lpctl]'s, the defaults
    project: str = DEFAULT_PROJECT
    domain: str = DEFAULT_DOMAIN
    #: whether the spec itself names its project or domain (the bundle entry then says where it goes)
    placed: bool = False

    def sort_key(self) -> tuple[str, str, str, str, str, int]:
        return (self.project, self.domain, self.task_name, self.trigger.name, self.document.path, self.document.index)


def compile_trigger(doc: Document, spec: TriggerSpec, resolved: TaskResolved,
                    identity: Identity | None = None) -> tuple[CompiledTrigger | None, list[Diagnostic]]:
    """The TaskTrigger of ``doc`` (``spec`` is its typed value), or None with the diagnostics that prevent it.

    ``identity`` is what the command line and ``[tool.lpctl]`` give; the spec's own project and domain win."""
    task = None if isinstance(resolved, ResolveError) else resolved
    if isinstance(resolved, ResolveError) and resolved.reported:  # said once, where the problem is
        return None, []
    ctx = TriggerContext(doc, spec, task)
    if isinstance(resolved, ResolveError):
        ctx.error(resolved.code, resolved.message, ("task",), hint=resolved.hint)
    trigger = task_definition_pb2.TaskTrigger(name=spec.name)
    _check_text(ctx)
    _check_place(ctx)
    _check_code_triggers(ctx)
    trigger.spec.CopyFrom(_spec(ctx))
    trigger.automation_spec.CopyFrom(compile_automation(ctx))
    if task is None or ctx.has_errors():
        return None, ctx.diagnostics
    where = spec_identity(Identity(project=spec.project, domain=spec.domain), identity or Identity())
    return CompiledTrigger(doc, task.name, trigger, spec.task_version, where.project, where.domain,
                           spec.project is not None or spec.domain is not None), ctx.diagnostics


def _check_place(ctx: TriggerContext) -> None:
    """The spec's own project and domain (the command line's and [tool.lpctl]'s are checked where they are read)."""
    for what, value in (("project", ctx.spec.project), ("domain", ctx.spec.domain)):
        if not value:  # absent, or refused by the schema
            continue
        problem = identity_problem(what, value)  # the schema bounds its length (63, flyteidl2's limit)
        if problem:
            ctx.error("LP805", problem[0], (what,), hint=problem[1])


def _check_code_triggers(ctx: TriggerContext) -> None:
    """A ``flyte deploy`` of a task that declares triggers in code replaces the task's triggers on the
    server with those: it soft-deletes every other one, this one included."""
    if ctx.task is None or not ctx.task.code_triggers:
        return
    names = ", ".join(ctx.task.code_triggers)
    ctx.warn("LP925", f"task '{ctx.task.name}' also declares triggers in code ({names}): the next "
             "'flyte deploy' of it deletes every trigger of the task that its code does not declare, this one "
             "included", ("task",), hint="keep a task's triggers in one place: remove triggers= from the task, "
             "or this spec")


def _spec(ctx: TriggerContext) -> task_definition_pb2.TaskTriggerSpec:
    spec = task_definition_pb2.TaskTriggerSpec(active=ctx.spec.auto_activate, description=ctx.spec.description)
    spec.inputs.SetInParent()
    compile_inputs(ctx, spec.inputs)
    _context(ctx, spec.inputs)
    spec.run_spec.CopyFrom(_run_spec(ctx))
    return spec


def _context(ctx: TriggerContext, inputs: common_pb2.Inputs) -> None:
    for key, value in ctx.spec.custom_context.items():
        if key in RESERVED_CONTEXT:
            ctx.error("LP922", f"custom_context key '{key}' is reserved by flyte's runtime", ("custom_context", key),
                      key=True, hint="rename the key; flyte reads the first entry of that name")
        inputs.context.add(key=key, value=value)
    kickoff = ctx.spec.schedule.kickoff_time_input_arg if ctx.spec.schedule is not None else None
    if kickoff:
        inputs.context.add(key=RESERVED_CONTEXT[0], value=kickoff)


def _run_spec(ctx: TriggerContext) -> run_pb2.RunSpec:
    spec = ctx.spec
    run = run_pb2.RunSpec(overwrite_cache=spec.overwrite_cache, queue=spec.queue)
    if spec.env_vars:  # an empty map is absent, as flyte-sdk leaves it
        run.envs.values.extend(literals_pb2.KeyValuePair(key=k, value=v) for k, v in spec.env_vars.items())
    if spec.interruptible is not None:
        run.interruptible.value = spec.interruptible
    _max_action_concurrency(ctx, run)
    _labels(ctx, run)
    compile_notifications(ctx, run)
    return run


def _max_action_concurrency(ctx: TriggerContext, run: run_pb2.RunSpec) -> None:
    value = ctx.spec.max_action_concurrency
    if value is None:
        return
    if value < 0 or value == 1:
        ctx.error("LP915", f"max_action_concurrency must be 0 (platform default) or at least 2, got {value}",
                  ("max_action_concurrency",), hint="1 would deadlock the run: the parent action holds a "
                  "concurrency slot while waiting for its child actions")
    elif value >= 2**32:
        ctx.error("LP915", f"max_action_concurrency {value} does not fit RunSpec.max_action_concurrency "
                  "(a uint32)", ("max_action_concurrency",))
    else:
        run.max_action_concurrency = value


def _labels(ctx: TriggerContext, run: run_pb2.RunSpec) -> None:
    from lpctl.shared.k8s import label_key_problems, label_value_problems

    labels = ctx.spec.labels
    for key, value in labels.items():
        for problem in label_key_problems(key):
            ctx.error("LP702", f"label key '{key}': {problem}", ("labels", key), key=True)
        for problem in label_value_problems(value):
            ctx.error("LP703", f"label '{key}': value {value!r}: {problem}", ("labels", key))
    if labels:
        run.labels.values.update(labels)
    if ctx.spec.annotations:
        run.annotations.values.update(ctx.spec.annotations)


def _check_text(ctx: TriggerContext) -> None:
    name = ctx.spec.name
    if not name or len(name) > MAX_NAME:
        why = "cannot be empty" if not name else f"has {len(name)} characters; Flyte 2 accepts at most {MAX_NAME}"
        ctx.error("LP917", f"trigger name {why}", ("name",))
    description = ctx.spec.description
    if len(description) > MAX_DESCRIPTION:
        ctx.error("LP916", f"description has {len(description)} characters; Flyte 2 keeps at most "
                  f"{MAX_DESCRIPTION}", ("description",),
                  hint="flyte-sdk would silently cut it to 247 characters + '...(tr.)'; shorten it")
    elif len(description.encode("utf-8")) > MAX_DESCRIPTION:
        ctx.error("LP916", f"description has {len(description.encode('utf-8'))} bytes in UTF-8; the Flyte 2 backend "
                  f"keeps the first {MAX_DESCRIPTION}, which can split a character", ("description",),
                  hint="shorten it")


def duplicate_triggers(triggers: list[CompiledTrigger]) -> list[Diagnostic]:
    """A task's triggers are keyed by name in a project and domain: a second spec with the same (project, domain,
    task, name) would replace the first."""
    from lpctl.diagnostics import error

    first: dict[tuple[str, str, str, str], CompiledTrigger] = {}
    diags = []
    for item in sorted(triggers, key=CompiledTrigger.sort_key):
        key = (item.project, item.domain, item.task_name, item.trigger.name)
        if key in first:
            where = first[key].document.location(("name",))
            diags.append(error("LP923", f"trigger '{key[3]}' of task '{key[2]}' in {key[0]}/{key[1]} is also "
                               f"defined at {where}", item.document.location(("name",)),
                               "trigger names must be unique per task in a project and domain"))
        else:
            first[key] = item
    return diags
