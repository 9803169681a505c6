"""lpctl.flyte1.compile on its own: one spec document and a workflow interface -> the exact LaunchPlan
message, or the exact diagnostics; no flytekit, no files."""

from __future__ import annotations

import datetime as dt

from flyteidl.admin import common_pb2, launch_plan_pb2, schedule_pb2
from flyteidl.core import execution_pb2, identifier_pb2, interface_pb2, literals_pb2, security_pb2
from support import HEADER

from lpctl.flyte1.compile import CompiledPlan, compile_spec
from lpctl.flyte1.interface import Input, WorkflowInterface, from_spec, literal_type, parameter_for
from lpctl.flyte1.resolve import Resolved
from lpctl.shared.imports import ResolveError
from lpctl.spec.config import Identity
from lpctl.spec.load import Document, load_text
from lpctl.spec.model import launch_plan_spec

WF = "team.flows.daily"


def _interface() -> WorkflowInterface:
    """``daily(day: datetime, region: str = "emea", limit: Optional[int])``."""
    interface = from_spec(WF, {"day": "datetime", "limit": "Optional[int]"})
    region = Input("region", literal_type(str), parameter_for("region", literal_type(str), "emea",
                                                               has_default=True), str)
    inputs = {"day": interface.inputs["day"], "region": region, "limit": interface.inputs["limit"]}
    return WorkflowInterface(WF, inputs, "typed function")


def _doc(body: str) -> Document:
    (doc,), diagnostics = load_text(HEADER + body, "spec.yaml")
    assert diagnostics == []
    return doc


def _compile(body: str, resolved: Resolved | None = None,
             identity: Identity | None = None) -> tuple[CompiledPlan | None, list[str]]:
    doc = _doc(body)
    plan, diagnostics = compile_spec(doc, launch_plan_spec(doc.data), resolved or _interface(), identity or Identity())
    return plan, [str(d) for d in diagnostics]


def _ident(kind: identifier_pb2.ResourceType, name: str, version: str = "", project: str = "flytesnacks",
           domain: str = "development") -> identifier_pb2.Identifier:
    return identifier_pb2.Identifier(resource_type=kind, project=project, domain=domain, name=name,
                                     version=version)


def _string(value: str) -> literals_pb2.Literal:
    return literals_pb2.Literal(scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(string_value=value)))


def _bare_spec() -> launch_plan_pb2.LaunchPlanSpec:
    """What flytekit sends for a launch plan that sets nothing: the always-present empty messages."""
    spec = launch_plan_pb2.LaunchPlanSpec(workflow_id=_ident(identifier_pb2.WORKFLOW, WF))
    for field in ("entity_metadata", "default_inputs", "fixed_inputs", "labels", "annotations",
                  "raw_output_data_config"):
        getattr(spec, field).SetInParent()
    return spec


def test_a_plain_launch_plan_lists_every_workflow_input() -> None:
    plan, diagnostics = _compile("name: nightly\nworkflow: team.flows:daily\n")
    spec = _bare_spec()
    for name, inp in _interface().inputs.items():
        spec.default_inputs.parameters[name].CopyFrom(inp.parameter)
    assert diagnostics == []
    assert plan is not None
    assert plan.launch_plan == launch_plan_pb2.LaunchPlan(id=_ident(identifier_pb2.LAUNCH_PLAN, "nightly"),
                                                          spec=spec)
    assert (plan.auto_activate, plan.identity()) == (None, ("flytesnacks", "development", "nightly", ""))


def test_every_field() -> None:
    body = ("name: nightly\nworkflow: team.flows:daily\nproject: data\nversion: v1\nauto_activate: true\n"
            "default_inputs: {region: apac}\nfixed_inputs: {limit: 5}\n"
            "schedule: {cron: '0 3 * * *', kickoff_time_input_arg: day}\n"
            "notifications:\n  - phases: [FAILED, TIMED_OUT]\n    email: [oncall@example.com]\n"
            "labels: {team: data}\nannotations: {owner: ana}\nmax_parallelism: 4\n"
            "overwrite_cache: true\nconcurrency: {max_concurrency: 2}\ninterruptible: false\n"
            "envs: {B: '2', A: '1'}\nraw_output_data_config: {output_location_prefix: 's3://bucket/x'}\n"
            "security_context:\n  run_as: {k8s_service_account: runner}\n"
            "  secrets: [{group: db, key: password, mount_requirement: ENV_VAR}]\n")
    plan, diagnostics = _compile(body, identity=Identity(domain="production", version="cli"))
    assert diagnostics == []
    assert plan is not None
    spec = _bare_spec()
    spec.workflow_id.CopyFrom(_ident(identifier_pb2.WORKFLOW, WF, "v1", "data", "production"))
    interface = _interface()
    spec.default_inputs.parameters["day"].CopyFrom(interface.inputs["day"].parameter)
    spec.default_inputs.parameters["region"].CopyFrom(interface_pb2.Parameter(
        var=interface_pb2.Variable(type=literal_type(str), description="region"), default=_string("apac")))
    five = literals_pb2.Literal(scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(integer=5)))
    int_variant = interface.inputs["limit"].type.union_type.variants[0]  # tagged "int", as flytekit tags it
    spec.fixed_inputs.literals["limit"].CopyFrom(literals_pb2.Literal(scalar=literals_pb2.Scalar(
        union=literals_pb2.Union(value=five, type=int_variant))))
    spec.entity_metadata.schedule.CopyFrom(schedule_pb2.Schedule(
        cron_schedule=schedule_pb2.CronSchedule(schedule="0 3 * * *"), kickoff_time_input_arg="day"))
    spec.entity_metadata.notifications.add(
        phases=[execution_pb2.WorkflowExecution.FAILED, execution_pb2.WorkflowExecution.TIMED_OUT],
        email=common_pb2.EmailNotification(recipients_email=["oncall@example.com"]))
    spec.labels.values["team"] = "data"
    spec.annotations.values["owner"] = "ana"
    spec.max_parallelism = 4
    spec.overwrite_cache = True
    spec.concurrency_policy.CopyFrom(launch_plan_pb2.ConcurrencyPolicy(
        max=2, behavior=launch_plan_pb2.CONCURRENCY_LIMIT_BEHAVIOR_SKIP))
    spec.interruptible.value = False
    spec.envs.values.add(key="A", value="1")
    spec.envs.values.add(key="B", value="2")
    spec.raw_output_data_config.output_location_prefix = "s3://bucket/x"
    spec.security_context.CopyFrom(security_pb2.SecurityContext(
        run_as=security_pb2.Identity(k8s_service_account="runner"),
        secrets=[security_pb2.Secret(group="db", key="password", mount_requirement=security_pb2.Secret.ENV_VAR)]))
    expected = launch_plan_pb2.LaunchPlan(id=_ident(identifier_pb2.LAUNCH_PLAN, "nightly", "v1", "data",
                                                    "production"), spec=spec)
    assert plan.launch_plan == expected
    assert plan.auto_activate is True


def test_a_fixed_rate_schedule() -> None:
    plan, diagnostics = _compile("name: hourly\nworkflow: team.flows:daily\n"
                                 "default_inputs: {day: 2024-01-01T00:00:00Z}\nschedule: {fixed_rate: 2h}\n")
    assert diagnostics == []
    assert plan is not None
    assert plan.launch_plan.spec.entity_metadata.schedule == schedule_pb2.Schedule(
        rate=schedule_pb2.FixedRate(value=2, unit=schedule_pb2.HOUR))
    assert plan.launch_plan.spec.default_inputs.parameters["day"].default.scalar.primitive.datetime.ToDatetime(
    ) == dt.datetime(2024, 1, 1)


def test_a_default_launch_plan_takes_the_workflows_name_and_default_options() -> None:
    interface = WorkflowInterface(WF, {}, "flytekit workflow", default_labels={"team": "data"},
                                  default_annotations={"owner": "ana"})
    plan, diagnostics = _compile("workflow: team.flows:daily\nversion: v2\n", interface)
    assert diagnostics == []
    assert plan is not None
    spec = _bare_spec()
    spec.workflow_id.version = "v2"
    spec.labels.values["team"] = "data"
    spec.annotations.values["owner"] = "ana"
    assert plan.launch_plan == launch_plan_pb2.LaunchPlan(id=_ident(identifier_pb2.LAUNCH_PLAN, WF, "v2"),
                                                          spec=spec)


def test_a_reference_workflow_keeps_its_own_identity() -> None:
    interface = WorkflowInterface(WF, {}, "flytekit workflow", reference=("core", "staging", WF, "abc"))
    plan, _ = _compile("name: lp\nworkflow: team.flows:daily\nversion: v1\n", interface)
    assert plan is not None
    assert plan.launch_plan.spec.workflow_id == _ident(identifier_pb2.WORKFLOW, WF, "abc", "core", "staging")
    assert plan.launch_plan.id == _ident(identifier_pb2.LAUNCH_PLAN, "lp", "v1")


def test_a_resolve_error_is_reported_at_the_workflow_value() -> None:
    failed = ResolveError("LP301", "module 'team' not found", "add its root to python_path")
    plan, diagnostics = _compile("name: lp\nworkflow: team.flows:daily\n", failed)
    assert (plan, diagnostics) == (None, [
        "spec.yaml:4:11: error LP301 module 'team' not found (add its root to python_path)"])


def test_errors_give_no_plan_and_every_diagnostic() -> None:
    plan, diagnostics = _compile("name: 'bad name'\nworkflow: team.flows:daily\n"
                                 "fixed_inputs: {region: 3}\nconcurrency: {max_concurrency: 0}\n")
    assert plan is None
    assert diagnostics == [
        "spec.yaml:5:24: error LP405 fixed input 'region': expected str, found the integer 3 (quote it: '3')",
        "spec.yaml:6:32: error LP808 max_concurrency is 0: FlyteAdmin would skip every execution (use 1 or more)",
        "spec.yaml:3:7: error LP805 name 'bad name' contains ' ', which Flyte identifiers cannot hold "
        "(use letters, digits, '-', '_', '.' and ':')",
    ]


def test_a_default_launch_plan_refuses_other_properties() -> None:
    plan, diagnostics = _compile("workflow: team.flows:daily\nlabels: {a: b}\nmax_parallelism: 2\n")
    assert plan is None
    assert diagnostics == ["spec.yaml:4:1: error LP804 a default launch plan (no 'name') cannot set 'labels' "
                           "(give the launch plan a name; flytekit refuses other properties on a workflow's "
                           "default launch plan (also set: max_parallelism))"]


def test_warnings_keep_the_plan() -> None:
    plan, diagnostics = _compile("name: lp\nworkflow: team.flows:daily\noverwrite_cache: false\n")
    assert plan is not None
    assert diagnostics == ["spec.yaml:5:1: warning LP803 'overwrite_cache: false' has no effect: it is "
                           "Flyte's default and is not rendered (remove the line)"]
    assert plan.launch_plan.spec.overwrite_cache is False
