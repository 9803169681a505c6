"""One case per spec feature and input type: lpctl's LaunchPlan == flytekit's, as messages."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from example_pkg import workflows as wf
from harness import assert_same, flytekit_launch_plan


def _lp(workflow: Any, name: str | None = "lp", **kwargs: Any) -> Callable[[], Any]:
    def build() -> Any:
        from flytekit import LaunchPlan

        return LaunchPlan.get_or_create(workflow=workflow, name=name, **kwargs)
    return build


def _kit() -> Any:
    import flytekit

    return flytekit


CASES: dict[str, tuple[str, Callable[[], Any]]] = {}


def case(name: str, body: str, build: Callable[[], Any]) -> None:
    CASES[name] = (body, build)


MY = "workflow: example_pkg.workflows:my_workflow\n"
TYPED = "workflow: example_pkg.workflows:typed\n"

case("default_launch_plan", MY, _lp(wf.my_workflow, None))
case("dotted_import_path", "workflow: example_pkg.workflows.my_workflow\n", _lp(wf.my_workflow, None))
case("named_no_inputs", "name: lp\n" + MY, _lp(wf.my_workflow))
case("default_int", "name: lp\n" + MY + "default_inputs: {a: 3}\n", _lp(wf.my_workflow, default_inputs={"a": 3}))
case("fixed_str", "name: lp\n" + MY + "fixed_inputs: {b: fixed}\n", _lp(wf.my_workflow, fixed_inputs={"b": "fixed"}))
case("default_and_fixed", "name: lp\n" + MY + "default_inputs: {a: 1}\nfixed_inputs: {b: x}\n",
     _lp(wf.my_workflow, default_inputs={"a": 1}, fixed_inputs={"b": "x"}))
case("all_fixed", "name: lp\n" + MY + "fixed_inputs: {a: 1, b: x}\n",
     _lp(wf.my_workflow, fixed_inputs={"a": 1, "b": "x"}))
case("null_default_is_required", "name: lp\n" + MY + "default_inputs: {a: null}\n",
     _lp(wf.my_workflow, default_inputs={"a": None}))
case("no_inputs_workflow", "name: lp\nworkflow: example_pkg.workflows:no_inputs\n", _lp(wf.no_inputs))
case("typed_required_with_docstring", "name: lp\n" + TYPED, _lp(wf.typed))

_TYPED_VALUES: dict[str, tuple[str, Any]] = {
    "i": ("-42", -42),
    "f": ("2.5", 2.5),
    "s": ('"hello"', "hello"),
    "flag": ("true", True),
    "when": ('"2024-01-02T03:04:05Z"', datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)),
    "span": ('"1h30m"', datetime.timedelta(hours=1, minutes=30)),
    "ints": ("[1, 2, 3]", [1, 2, 3]),
    "names": ("[]", []),
    "counts": ("{x: 1, y: 2}", {"x": 1, "y": 2}),
    "color": ("green", wf.Color.GREEN),
    "maybe": ("5", 5),
    "maybe_s": ('"text"', "text"),
    "nested": ("[{a: [1.5, 2.5]}, {}]", [{"a": [1.5, 2.5]}, {}]),
    "blob": ("{k: v, n: 1, l: [1, 2], m: {x: true}}", {"k": "v", "n": 1, "l": [1, 2], "m": {"x": True}}),
    "either": ("7", 7),
    "maybe_color": ("blue", wf.Color.BLUE),
    "maybe_list": ("[4, 5]", [4, 5]),
}
for _name, (_yaml, _value) in _TYPED_VALUES.items():
    case(f"default_{_name}", f"name: lp\n{TYPED}default_inputs:\n  {_name}: {_yaml}\n",
         _lp(wf.typed, default_inputs={_name: _value}))
    case(f"fixed_{_name}", f"name: lp\n{TYPED}fixed_inputs:\n  {_name}: {_yaml}\n",
         _lp(wf.typed, fixed_inputs={_name: _value}))

case("fixed_optional_none", f"name: lp\n{TYPED}fixed_inputs: {{maybe: null}}\n",
     _lp(wf.typed, fixed_inputs={"maybe": None}))
case("default_optional_none", f"name: lp\n{TYPED}default_inputs: {{maybe: null}}\n",
     _lp(wf.typed, default_inputs={"maybe": None}))
case("union_str_variant", f"name: lp\n{TYPED}default_inputs: {{either: seven}}\n",
     _lp(wf.typed, default_inputs={"either": "seven"}))
case("int_for_float", f"name: lp\n{TYPED}default_inputs: {{f: 3}}\n", _lp(wf.typed, default_inputs={"f": 3.0}))
case("naive_datetime_is_utc", f"name: lp\n{TYPED}default_inputs: {{when: '2024-01-02 03:04:05.123456'}}\n",
     _lp(wf.typed, default_inputs={"when": datetime.datetime(2024, 1, 2, 3, 4, 5, 123456)}))
case("aware_datetime_to_utc", f"name: lp\n{TYPED}default_inputs: {{when: '2024-01-02T05:04:05+02:00'}}\n",
     _lp(wf.typed, default_inputs={"when": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)}))
case("iso_duration", f"name: lp\n{TYPED}default_inputs: {{span: PT1H30M}}\n",
     _lp(wf.typed, default_inputs={"span": datetime.timedelta(hours=1, minutes=30)}))

WD = "workflow: example_pkg.workflows:with_defaults\n"
case("python_defaults", "name: lp\n" + WD, _lp(wf.with_defaults))
case("default_overrides_python_default", "name: lp\n" + WD + "default_inputs: {a: 10, h: red}\n",
     _lp(wf.with_defaults, default_inputs={"a": 10, "h": wf.Color.RED}))
case("fixed_overrides_python_default", "name: lp\n" + WD + "fixed_inputs: {b: y, o: null}\n",
     _lp(wf.with_defaults, fixed_inputs={"b": "y", "o": None}))

case("default_options_labels_on_the_default_launch_plan", "workflow: example_pkg.workflows:with_options\n",
     _lp(wf.with_options, None))
case("default_options_not_inherited_by_a_named_launch_plan", "name: lp\nworkflow: example_pkg.workflows:with_options\n",
     _lp(wf.with_options))
case("default_options_named_with_own_labels",
     "name: lp\nworkflow: example_pkg.workflows:with_options\nlabels: {team: data}\n",
     _lp(wf.with_options, labels=_kit().Labels({"team": "data"})))
case("nested_dataclass_default",
     "name: lp\nworkflow: example_pkg.workflows:with_job\n"
     "default_inputs:\n  job: {window: {start: 3}, weights: {a: 1}}\n",
     _lp(wf.with_job, default_inputs={"job": wf.Job(window=wf.Window(start=3), weights={"a": 1.0})}))
case("dataclass_default", "name: lp\nworkflow: example_pkg.workflows:with_point\n"
     "default_inputs: {p: {x: 1, y: 2.5, tags: [a, b]}}\n",
     _lp(wf.with_point, default_inputs={"p": wf.Point(x=1, y=2.5, tags=["a", "b"])}))

WS = "name: lp\nworkflow: example_pkg.workflows:with_settings\n"
case("dataclass_defaults_filled", WS + "default_inputs: {cfg: {name: n}}\n",
     _lp(wf.with_settings, default_inputs={"cfg": wf.Settings(name="n")}))
case("dataclass_every_field_kind", WS + "fixed_inputs:\n  cfg: {name: n, ratio: 2, color: blue, limit: 7, "
     "inner: {z: 1}, weights: {a: 1.5}, points: [{x: 3}, {tags: [t]}]}\n",
     _lp(wf.with_settings, fixed_inputs={"cfg": wf.Settings(
         name="n", ratio=2.0, color=wf.Color.BLUE, limit=7, inner=wf.Inner(z=1), weights={"a": 1.5},
         points=[wf.Point(x=3), wf.Point(tags=["t"])])}))
case("optional_dataclass", WS + "default_inputs: {cfg: {name: n}, maybe: {y: 1.25}}\n",
     _lp(wf.with_settings, default_inputs={"cfg": wf.Settings(name="n"), "maybe": wf.Point(y=1.25)}))
case("optional_dataclass_none", WS + "fixed_inputs: {cfg: {name: n}, maybe: null}\n",
     _lp(wf.with_settings, fixed_inputs={"cfg": wf.Settings(name="n"), "maybe": None}))
case("list_of_dataclasses", WS + "default_inputs: {cfg: {name: n}, many: [{x: 1}, {x: 2, y: 0.5}]}\n",
     _lp(wf.with_settings, default_inputs={"cfg": wf.Settings(name="n"),
                                           "many": [wf.Point(x=1), wf.Point(x=2, y=0.5)]}))

WF = "name: lp\nworkflow: example_pkg.workflows:with_files\n"
case("remote_files_as_written", WF + "default_inputs: {data: s3://b/in/x.csv, out: gs://b/out/, many: [abfs://c/a, "
     "https://h/b?x=1], maybe: simplecache::s3://b/c, csv: s3://b/t.csv}\n",
     _lp(wf.with_files, default_inputs={"data": "s3://b/in/x.csv", "out": "gs://b/out/",
                                        "many": ["abfs://c/a", "https://h/b?x=1"], "maybe": "simplecache::s3://b/c",
                                        "csv": "s3://b/t.csv"}))
case("remote_files_in_a_dataclass", "name: lp\nworkflow: example_pkg.workflows:with_transfer\n"
     "default_inputs: {t: {src: s3://b/x, out: gs://b/o/, many: [s3://b/y], csv: s3://b/z.csv}}\n",
     _lp(wf.with_transfer, default_inputs={"t": wf.Transfer(
         src=_kit().types.file.FlyteFile("s3://b/x"), out=_kit().types.directory.FlyteDirectory("gs://b/o/"),
         many=[_kit().types.file.FlyteFile("s3://b/y")], csv=_kit().types.file.FlyteFile("s3://b/z.csv"))}))
case("remote_files_fixed", WF + "fixed_inputs: {data: s3://b/x, out: s3://b/o, many: []}\n",
     _lp(wf.with_files, fixed_inputs={"data": "s3://b/x", "out": "s3://b/o", "many": []}))


def _cron(**kw: Any) -> Any:
    return _kit().CronSchedule(**kw)


SC = "workflow: example_pkg.workflows:scheduled\n"
case("cron_kickoff", "name: lp\n" + SC + "schedule: {cron: '0 */6 * * *', kickoff_time_input_arg: kickoff_time}\n",
     lambda: _lp(wf.scheduled, schedule=_cron(schedule="0 */6 * * *", kickoff_time_input_arg="kickoff_time"))())
case("cron_alias_offset", "name: lp\n" + SC + "fixed_inputs: {kickoff_time: '2024-01-01T00:00:00Z'}\n"
     "schedule: {cron: '@daily', offset: PT1H}\n",
     lambda: _lp(wf.scheduled, fixed_inputs={"kickoff_time": datetime.datetime(2024, 1, 1)},
                 schedule=_cron(schedule="@daily", offset="PT1H"))())


def _rate(delta: datetime.timedelta, kickoff: str | None = None) -> Callable[[], Any]:
    return lambda: _lp(wf.scheduled, schedule=_kit().FixedRate(duration=delta, kickoff_time_input_arg=kickoff))()


case("fixed_rate_hours", "name: lp\n" + SC + "schedule: {fixed_rate: 2h, kickoff_time_input_arg: kickoff_time}\n",
     _rate(datetime.timedelta(hours=2), "kickoff_time"))
case("fixed_rate_90m", "name: lp\n" + SC + "schedule: {fixed_rate: 90m, kickoff_time_input_arg: kickoff_time}\n",
     _rate(datetime.timedelta(minutes=90), "kickoff_time"))
case("fixed_rate_days", "name: lp\n" + SC + "schedule: {fixed_rate: P7D, kickoff_time_input_arg: kickoff_time}\n",
     _rate(datetime.timedelta(days=7), "kickoff_time"))


def _notifications() -> list[Any]:
    from flytekit import Email, PagerDuty, Slack
    from flytekit import WorkflowExecutionPhase as P

    return [Email(phases=[P.FAILED, P.TIMED_OUT], recipients_email=["team@example.com"]),
            Slack(phases=[P.SUCCEEDED], recipients_email=["chan@example.slack.com"]),
            PagerDuty(phases=[P.ABORTED], recipients_email=["oncall@example.pagerduty.com"])]


case("notifications", "name: lp\n" + MY + """notifications:
  - {phases: [FAILED, TIMED_OUT], email: [team@example.com]}
  - {phases: [SUCCEEDED], slack: [chan@example.slack.com]}
  - {phases: [ABORTED], pager_duty: [oncall@example.pagerduty.com]}
""", lambda: _lp(wf.my_workflow, notifications=_notifications())())


def _models() -> Any:
    from flytekit.models import common

    return common


case("labels_annotations", "name: lp\n" + MY + "labels: {team: data, env: prod}\n"
     "annotations: {example.com/owner: alice}\n",
     lambda: _lp(wf.my_workflow, labels=_models().Labels({"team": "data", "env": "prod"}),
                 annotations=_models().Annotations({"example.com/owner": "alice"}))())
case("raw_output", "name: lp\n" + MY + "raw_output_data_config: {output_location_prefix: 's3://bucket/raw'}\n",
     lambda: _lp(wf.my_workflow, raw_output_data_config=_models().RawOutputDataConfig("s3://bucket/raw"))())
case("max_parallelism", "name: lp\n" + MY + "max_parallelism: 10\n", _lp(wf.my_workflow, max_parallelism=10))
case("overwrite_cache", "name: lp\n" + MY + "overwrite_cache: true\n", _lp(wf.my_workflow, overwrite_cache=True))
case("auto_activate", "name: lp\n" + MY + "auto_activate: true\n", _lp(wf.my_workflow, auto_activate=True))


def _security() -> Any:
    from flytekit.models.security import Identity, Secret, SecurityContext

    return SecurityContext(run_as=Identity(k8s_service_account="flyte-sa", iam_role="arn:aws:iam::1:role/r"),
                           secrets=[Secret(group="db", key="password", mount_requirement=Secret.MountType.ENV_VAR)])


case("security_context", "name: lp\n" + MY + """security_context:
  run_as: {k8s_service_account: flyte-sa, iam_role: 'arn:aws:iam::1:role/r'}
  secrets: [{group: db, key: password, mount_requirement: ENV_VAR}]
""", lambda: _lp(wf.my_workflow, security_context=_security())())
case("auth_role", "name: lp\n" + MY + "auth_role: {assumable_iam_role: 'arn:aws:iam::1:role/r', "
     "kubernetes_service_account: sa}\n",
     lambda: _lp(wf.my_workflow, auth_role=_models().AuthRole(assumable_iam_role="arn:aws:iam::1:role/r",
                                                             kubernetes_service_account="sa"))())


def _concurrency() -> Any:
    from flytekit.models.concurrency import ConcurrencyLimitBehavior, ConcurrencyPolicy

    return ConcurrencyPolicy(max_concurrency=2, behavior=ConcurrencyLimitBehavior.SKIP)


case("concurrency", "name: lp\n" + MY + "concurrency: {max_concurrency: 2, behavior: SKIP}\n",
     lambda: _lp(wf.my_workflow, concurrency=_concurrency())())
case("explicit_falsy", "name: lp\n" + MY + "max_parallelism: 0\nlabels: {}\n",
     _lp(wf.my_workflow, max_parallelism=0, labels=None))
case("plain_function", "name: lp\nworkflow: example_pkg.workflows:plain\ndefault_inputs: {a: 2}\n",
     lambda: _plain_flytekit(default_inputs={"a": 2}))


def _plain_flytekit(**kwargs: Any) -> Any:
    """The same function as a flytekit workflow: flytekit's interface for its signature."""
    from flytekit import LaunchPlan, workflow

    fn = workflow(wf.plain)
    return LaunchPlan.get_or_create(workflow=fn, name="lp", **kwargs)


case("imperative_workflow", "name: lp\nworkflow: example_pkg.workflows:imperative\ndefault_inputs: {a: 4}\n",
     _lp(wf.imperative, default_inputs={"a": 4}))
case("reference_workflow", "name: lp\nworkflow: example_pkg.workflows:exported\n"
     "fixed_inputs: {regions: [emea]}\ndefault_inputs: {day: '2024-05-01T00:00:00Z'}\n",
     _lp(wf.exported, fixed_inputs={"regions": ["emea"]},
         default_inputs={"day": datetime.datetime(2024, 5, 1, tzinfo=datetime.timezone.utc)}))


@pytest.mark.parametrize("name", sorted(CASES))
def test_feature_equals_flytekit(name: str, compile_spec: Callable[[str], Any]) -> None:
    body, build = CASES[name]
    assert_same(compile_spec(body).launch_plan, flytekit_launch_plan(build))


def test_at_least_forty_cases() -> None:
    assert len(CASES) >= 40



def test_timezone_has_no_flytekit_twin(compile_spec: Callable[[str], Any]) -> None:
    """schedule.timezone renders what FlyteAdmin's scheduler reads, a string flytekit refuses; the
    rest of the message is flytekit's own (the same spec without the zone is the cron_kickoff case)."""
    body = ("name: lp\n" + SC + "schedule: {cron: '0 */6 * * *', timezone: Asia/Tokyo, "
            "kickoff_time_input_arg: kickoff_time}\n")
    lp = compile_spec(body).launch_plan
    assert lp.spec.entity_metadata.schedule.cron_schedule.schedule == "CRON_TZ=Asia/Tokyo 0 */6 * * *"
    with pytest.raises(ValueError, match="Schedule is invalid"):
        _cron(schedule="CRON_TZ=Asia/Tokyo 0 */6 * * *")
    lp.spec.entity_metadata.schedule.cron_schedule.schedule = "0 */6 * * *"
    assert_same(lp, flytekit_launch_plan(CASES["cron_kickoff"][1]))
