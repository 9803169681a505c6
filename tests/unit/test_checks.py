"""FlyteAdmin's and the scheduler's rules, each with its code, exact text and position."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from support import HEADER

SC = "name: lp\nworkflow: example_pkg.workflows:scheduled\n"
MY = "name: lp\nworkflow: example_pkg.workflows:my_workflow\n"
BOUND = "fixed_inputs: {kickoff_time: '2024-01-01'}\n"
KICK = "  kickoff_time_input_arg: kickoff_time\n"
Check = Callable[..., list[str]]


@pytest.mark.parametrize(("schedule", "expected"), [
    ("cron: '0 0 * * * *'", "error LP501 cron expression \"0 0 * * * *\" has 6 fields; the Flyte scheduler "
     "needs exactly 5 (minute hour day-of-month month day-of-week) (the Flyte scheduler has no seconds or year "
     "field; remove the extra fields)"),
    ("cron: '61 * * * *'", "error LP501 minute 61 is out of range 0-59"),
    ("cron: '0 0 * * 7'", "error LP501 day-of-week 7 is out of range 0-6 (use 0 for Sunday)"),
    ("cron: '0 0 L * *'", "error LP501 'L' is not supported by the Flyte scheduler ('L' (last day) has no "
     "equivalent in the Flyte scheduler; list the days explicitly)"),
    ("cron: daily", "error LP502 \"daily\" is accepted by flytekit but refused by FlyteAdmin, which needs the "
     "\"@\" form (write '@daily')"),
    ("cron: '0 0 31 2 *'", "error LP503 cron expression \"0 0 31 2 *\" never fires: February has no day 31 "
     "(the Flyte scheduler fails on a schedule without a next fire time; pick days that exist)"),
    ("cron: '@every 5m'", "error LP504 \"@every 5m\" is accepted by FlyteAdmin but refused by flytekit "
     "(use 'fixed_rate: 5m' instead)"),
    ("fixed_rate: 0m", "error LP506 fixed rate \"0m\": a fixed rate must be positive, got 0s (write whole "
     "minutes, hours or days: 30m, 6h, 2d)"),
    ("fixed_rate: 90s", "error LP506 fixed rate \"90s\": 1m30s is not a whole number of minutes; fixed rates "
     "are counted in minutes, hours or days (write whole minutes, hours or days: 30m, 6h, 2d)"),
])
def test_schedules_the_scheduler_cannot_run(check: Check, schedule: str, expected: str) -> None:
    column = 9 if schedule.startswith("cron") else 15
    assert check(SC + BOUND + f"schedule:\n  {schedule}\n") == [f"spec.yaml:7:{column}: {expected}"]


def test_a_valid_cron_schedule_with_kickoff(check: Check) -> None:
    assert check(SC + "schedule:\n  cron: '0 */6 * * mon-fri'\n" + KICK) == []


def test_frequent_schedule_is_a_warning(check: Check) -> None:
    assert check(SC + "schedule:\n  cron: '*/2 * * * *'\n" + KICK) == [
        "spec.yaml:6:9: warning LP511 schedule fires every 2m, more often than every 5 minutes (each firing "
        "is a whole workflow execution; make sure that is intended)"]


@pytest.mark.parametrize(("extra", "expected"), [
    ("  kickoff_time_input_arg: nope\n", "spec.yaml:8:27: error LP507 kickoff argument 'nope' is not an input "
     "of workflow 'example_pkg.workflows.scheduled' (inputs: kickoff_time, a, b)"),
    ("  kickoff_time_input_arg: a\n", "spec.yaml:8:27: error LP509 kickoff argument 'a' is int, not datetime "
     "(FlyteAdmin requires a plain datetime input; Optional[datetime] is refused too)"),
])
def test_kickoff_argument(check: Check, extra: str, expected: str) -> None:
    assert check(SC + BOUND + "schedule:\n  cron: '@daily'\n" + extra) == [expected]


def test_fixed_kickoff_argument(check: Check) -> None:
    assert check(SC + BOUND + "schedule:\n  cron: '@daily'\n" + KICK) == [
        "spec.yaml:8:27: error LP508 kickoff argument 'kickoff_time' is a fixed input; the scheduler must be "
        "free to set it (remove it from fixed_inputs)"]


def test_unbound_required_inputs_on_a_schedule(check: Check) -> None:
    assert check(MY + "schedule:\n  cron: '@hourly'\n") == [
        "spec.yaml:5:1: error LP510 scheduled launch plan leaves required input 'a' unbound (the scheduler "
        "cannot fill it: give it a value in default_inputs or fixed_inputs)",
        "spec.yaml:5:1: error LP510 scheduled launch plan leaves required input 'b' unbound (the scheduler "
        "cannot fill it: give it a value in default_inputs or fixed_inputs)"]


def test_notification_recipients(check: Check) -> None:
    assert check(MY + "notifications:\n  - phases: [FAILED]\n    email: [team@example.com, not-an-address]\n") == [
        "spec.yaml:7:31: error LP601 invalid recipient: e-mail address \"not-an-address\" has no \"@\""]


def test_notification_phase_must_be_terminal(check: Check) -> None:
    (line,) = check(MY + "notifications:\n  - phases: [RUNNING]\n    email: [a@example.com]\n")
    assert line == ("spec.yaml:6:14: error LP204 phase 'RUNNING' is not terminal: notifications fire only on "
                    "SUCCEEDED, FAILED, TIMED_OUT or ABORTED")


def test_labels(check: Check) -> None:
    labels = ", ".join(f"l{i}: v" for i in range(17))
    (line,) = check(MY + f"labels: {{{labels}}}\n")
    assert line == ("spec.yaml:5:1: error LP701 17 labels, but FlyteAdmin accepts at most 16 "
                    "(move descriptive ones to annotations)")
    assert check(MY + "labels: {'-bad': ok, team: '#badlabel'}\n") == [
        "spec.yaml:5:10: error LP702 invalid label key '-bad': name part must consist of alphanumeric "
        "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or "
        "'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        "spec.yaml:5:28: error LP703 invalid label value \"#badlabel\" for key 'team': a valid label must be an "
        "empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
        "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
        "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]


def test_annotation_keys(check: Check) -> None:
    assert check(MY + "annotations: {example.com/owner: alice, 'has space': x}\n") == [
        "spec.yaml:5:41: error LP704 invalid annotation key 'has space': name part must consist of alphanumeric "
        "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or "
        "'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') "
        "(Kubernetes refuses the pods of an execution with such an annotation)"]


def test_auth_role_and_security_context(check: Check) -> None:
    assert check(MY + "auth_role: {assumable_iam_role: r}\nsecurity_context: {run_as: {iam_role: r}}\n") == [
        "spec.yaml:5:1: error LP801 'auth_role' and 'security_context' cannot both be set (auth_role is "
        "deprecated: move its values to security_context.run_as)"]
    assert check(MY + "auth_role: {assumable_iam_role: r}\n") == [
        "spec.yaml:5:1: warning LP802 'auth_role' is deprecated in Flyte; it is rendered as "
        "security_context.run_as (write security_context: {run_as: {iam_role: ..., k8s_service_account: ...}})"]


def test_overwrite_cache_false_is_a_warning(check: Check) -> None:
    assert check(MY + "overwrite_cache: false\n") == [
        "spec.yaml:5:1: warning LP803 'overwrite_cache: false' has no effect: it is Flyte's default and is not "
        "rendered (remove the line)"]


def test_default_launch_plan_with_properties(check: Check) -> None:
    assert check("workflow: example_pkg.workflows:my_workflow\nlabels: {a: b}\nmax_parallelism: 2\n") == [
        "spec.yaml:4:1: error LP804 a default launch plan (no 'name') cannot set 'labels' (give the launch plan "
        "a name; flytekit refuses other properties on a workflow's default launch plan (also set: "
        "max_parallelism))"]


@pytest.mark.parametrize(("line", "expected"), [
    ("name: 'my lp'", "spec.yaml:3:7: error LP805 name 'my lp' contains ' ', which Flyte identifiers cannot hold "
     "(use letters, digits, '-', '_', '.' and ':')"),
    ("name: lp\nversion: 'a/b'", "spec.yaml:4:10: error LP805 version 'a/b' contains '/', which Flyte "
     "identifiers cannot hold (use letters, digits, '-', '_', '.' and ':')"),
])
def test_identifiers_flyte_cannot_store(check: Check, line: str, expected: str) -> None:
    assert check(line + "\nworkflow: example_pkg.workflows:my_workflow\n") == [expected]


def test_duplicate_launch_plans_across_documents(check: Check) -> None:
    doc = HEADER + MY
    assert check(doc + "---\n" + doc, header=False) == [
        "spec.yaml:8:7: error LP806 launch plan flytesnacks/development/lp is also defined at spec.yaml:3:7 "
        "(launch plan names must be unique within a project and domain)"]
    other_domain = doc + "---\n" + doc + "domain: production\n"
    assert check(other_domain, header=False) == []


JOB = "name: lp\nworkflow: example_pkg.workflows:with_job\ndefault_inputs:\n  job: "


@pytest.mark.parametrize(("value", "expected"), [
    ("{window: {start: 3}, nmae: x}", "spec.yaml:6:29: error LP405 default input 'job.nmae': 'nmae' is not a "
     "field of Job (fields: window, name, weights) (did you mean 'name'?)"),
    ("{window: {size: 3}}", "spec.yaml:6:17: error LP405 default input 'job.window': missing field 'start' of "
     "Window"),
    ("{window: {start: '3'}}", "spec.yaml:6:25: error LP405 default input 'job.window.start': expected int, "
     'found the string "3"'),
    ("{window: {start: 1}, weights: {a: x}}", "spec.yaml:6:42: error LP405 default input 'job.weights.a': "
     'expected float, found the string "x"'),
    ("[1]", "spec.yaml:6:8: error LP405 default input 'job': expected a mapping of the fields of Job, found a "
     "list"),
])
def test_dataclass_values_are_as_strict_as_flytekit(check: Check, value: str, expected: str) -> None:
    assert check(JOB + value + "\n") == [expected]
