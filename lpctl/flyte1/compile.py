"""Stage 4: a schema-valid spec + its workflow's interface -> ``flyteidl.admin.LaunchPlan``.

The message is built field by field exactly as flytekit's ``LaunchPlan.get_or_create`` and
``get_serializable`` build it, and every rule FlyteAdmin or the scheduler would enforce later
is checked here, at the line that breaks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from flyteidl.admin import launch_plan_pb2
from flyteidl.core import identifier_pb2

from lpctl.diagnostics import Diagnostic, Location, error
from lpctl.flyte1.context import Context
from lpctl.flyte1.inputs import compile_inputs
from lpctl.flyte1.metadata import compile_labels, compile_notifications, compile_security
from lpctl.flyte1.resolve import Resolved
from lpctl.flyte1.schedule import compile_schedule
from lpctl.shared.imports import ResolveError
from lpctl.spec.config import Identity, identity_problem, spec_identity
from lpctl.spec.load import Document
from lpctl.spec.model import Concurrency, LaunchPlanSpec

LaunchPlan = launch_plan_pb2.LaunchPlan
#: keys a default launch plan (no ``name``) may have: flytekit allows no other property
_IDENTITY_KEYS = {"apiVersion", "kind", "workflow", "project", "domain", "version", "workflow_version"}


class Source(NamedTuple):
    """Where a compiled plan came from: all that is kept of its document once it is compiled (the
    document's values and positions are not: a run of 30 000 specs would hold them all)."""

    path: str
    #: 0-based index of the document in its file
    document: int
    #: where the plan's name is written: its ``name``, else (a default launch plan) its ``workflow``
    name_at: Location

    @classmethod
    def of(cls, doc: Document) -> Source:
        return cls(doc.path, doc.index, doc.location(("name",) if doc.positions.has(("name",)) else ("workflow",)))


@dataclass(frozen=True)
class CompiledPlan:
    """One rendered launch plan and where it came from.

    The message is kept serialized: 0.5 KB a plan instead of about 4 KB as a message object (a run of
    30 000 specs holds them all until the bundle is written); parsing it back costs 4 us.
    """

    source: Source
    #: the LaunchPlan, serialized
    wire: bytes
    #: None: not declared (the bundle leaves ``autoActivate`` out; apply leaves activation alone)
    auto_activate: bool | None
    #: (project, domain, name, version)
    key: tuple[str, str, str, str]

    @classmethod
    def of(cls, source: Source, launch_plan: launch_plan_pb2.LaunchPlan,
           auto_activate: bool | None) -> CompiledPlan:
        lp_id = launch_plan.id
        return cls(source, launch_plan.SerializeToString(), auto_activate,
                   (lp_id.project, lp_id.domain, lp_id.name, lp_id.version))

    @property
    def launch_plan(self) -> launch_plan_pb2.LaunchPlan:
        """A new message each time (changing it changes nothing here)."""
        return LaunchPlan.FromString(self.wire)

    def identity(self) -> tuple[str, str, str, str]:
        return self.key


_NO_IDENTITY = Identity()


def compile_spec(doc: Document, lp_spec: LaunchPlanSpec, resolved: Resolved, identity: Identity = _NO_IDENTITY
                 ) -> tuple[CompiledPlan | None, list[Diagnostic]]:
    """Compile one document (``lp_spec`` is its typed value); the plan is None when any error was found.

    ``identity`` is what the command line and ``[tool.lpctl]`` give; the spec's own values win.
    """
    if isinstance(resolved, ResolveError):
        if resolved.reported:
            return None, []
        where = doc.location(("workflow", *resolved.path))
        return None, [error(resolved.code, resolved.message, where, resolved.hint)]
    ctx = Context(doc, lp_spec, resolved)
    if lp_spec.name is None:
        _check_default_plan(ctx)
    lp = LaunchPlan()  # built in place: a spec built apart would be copied into it
    spec = lp.spec
    _build_spec(ctx, spec)
    own = Identity(project=lp_spec.project, domain=lp_spec.domain, version=lp_spec.version,
                   workflow_version=lp_spec.workflow_version)
    ident = spec_identity(own, identity)
    if resolved.reference is not None:  # a reference workflow names its own registered identity
        wf_project, wf_domain, _, wf_version = resolved.reference
    else:
        wf_project, wf_domain, wf_version = ident.project, ident.domain, ident.workflow_version
    _identifier(spec.workflow_id, identifier_pb2.WORKFLOW, wf_project, wf_domain, resolved.name, wf_version)
    name = lp_spec.name or resolved.name
    _identifier(lp.id, identifier_pb2.LAUNCH_PLAN, ident.project, ident.domain, name, ident.version)
    _check_identity(ctx, lp.id)
    if ctx.has_errors():
        return None, ctx.diagnostics
    return CompiledPlan.of(Source.of(doc), lp, lp_spec.auto_activate), ctx.diagnostics


def _identifier(out: identifier_pb2.Identifier, kind: identifier_pb2.ResourceType, project: str, domain: str,
                name: str, version: str) -> None:
    out.SetInParent()
    out.resource_type = kind
    out.project = project
    out.domain = domain
    out.name = name
    out.version = version


def _build_spec(ctx: Context, spec: launch_plan_pb2.LaunchPlanSpec) -> None:
    # flytekit always sends these, empty or not (get_serializable)
    for field in ("entity_metadata", "default_inputs", "fixed_inputs", "labels", "annotations",
                  "raw_output_data_config"):
        getattr(spec, field).SetInParent()
    compile_inputs(ctx, spec.default_inputs, spec.fixed_inputs)
    schedule = compile_schedule(ctx, spec.default_inputs)
    if schedule is not None:
        spec.entity_metadata.schedule.CopyFrom(schedule)
    compile_notifications(ctx, spec.entity_metadata)
    compile_labels(ctx, spec.labels, spec.annotations)
    if ctx.spec.name is None:  # flytekit's get_default_launch_plan takes the workflow's default_options
        spec.labels.values.update(ctx.interface.default_labels)
        spec.annotations.values.update(ctx.interface.default_annotations)
    compile_security(ctx, spec)
    _simple_fields(ctx, spec, ctx.spec)


def _simple_fields(ctx: Context, spec: launch_plan_pb2.LaunchPlanSpec, lp: LaunchPlanSpec) -> None:
    if lp.output_location_prefix:
        spec.raw_output_data_config.output_location_prefix = lp.output_location_prefix
    if lp.max_parallelism:
        spec.max_parallelism = lp.max_parallelism
    if lp.overwrite_cache:
        spec.overwrite_cache = True
    elif lp.overwrite_cache is False:
        ctx.warn("LP803", "'overwrite_cache: false' has no effect: it is Flyte's default and is not rendered",
                 ("overwrite_cache",), key=True, hint="remove the line")
    if lp.concurrency is not None:
        _concurrency(ctx, spec, lp.concurrency)
    if lp.interruptible is not None:
        spec.interruptible.value = lp.interruptible
    # a repeated field in the message, a mapping in the spec: sorted, so that order never matters
    for key, value in sorted(lp.envs.items()):
        spec.envs.values.add(key=key, value=value)


def _concurrency(ctx: Context, spec: launch_plan_pb2.LaunchPlanSpec, concurrency: Concurrency) -> None:
    if concurrency.max_concurrency < 1:
        ctx.error("LP808", f"max_concurrency is {concurrency.max_concurrency}: FlyteAdmin would skip every "
                  "execution", ("concurrency", "max_concurrency"), hint="use 1 or more")
    spec.concurrency_policy.max = concurrency.max_concurrency
    spec.concurrency_policy.behavior = launch_plan_pb2.CONCURRENCY_LIMIT_BEHAVIOR_SKIP


def _check_default_plan(ctx: Context) -> None:
    extra = [key for key in ctx.spec.keys if key not in _IDENTITY_KEYS]
    if extra:
        ctx.error("LP804", f"a default launch plan (no 'name') cannot set '{extra[0]}'", (extra[0],), key=True,
                  hint="give the launch plan a name; flytekit refuses other properties on a workflow's "
                       "default launch plan" + (f" (also set: {', '.join(extra[1:])})" if extra[1:] else ""))


def _check_identity(ctx: Context, lp_id: identifier_pb2.Identifier) -> None:
    """The spec's own identity values (flags and [tool.lpctl] are checked where they are read)."""
    for what, value in (("name", lp_id.name), ("project", lp_id.project), ("domain", lp_id.domain),
                        ("version", lp_id.version)):
        problem = identity_problem(what, value)
        if problem and (what == "name" or ctx.spec.has(what)):
            message, hint = problem
            ctx.error("LP805", message, (what,) if ctx.spec.has(what) else ("workflow",), hint=hint)
