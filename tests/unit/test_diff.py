"""lpctl diff: bundles rendered from real specs, compared launch plan by launch plan in spec terms."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from support import CONFORMANCE, HEADER, ROOT, run_options

from lpctl.bundle import read_bundle
from lpctl.diff import count_line, diff_bundles, format_json, format_text
from lpctl.errors import PathError

#: a registered workflow described in the spec, so that each side can give it other inputs
REPORT = "name: weekly_report\nworkflow:\n  name: app.report\n  inputs: {region: str}\n"
REPORT2 = "name: weekly_report\nworkflow:\n  name: app.report\n  inputs: {region: str, day: int}\n"
MY = "name: lp\nworkflow: example_pkg.workflows:my_workflow\n"
SCHEDULED = "name: lp\nworkflow: example_pkg.workflows:scheduled\n"
P = "~ flytesnacks/development/lp"
W = "~ flytesnacks/development/weekly_report"

Bundle = dict[str, Any]
Render = Callable[..., Bundle]
Diff = Callable[..., list[str]]


@pytest.fixture
def render(in_tmp: Any) -> Render:
    """Render spec bodies (``HEADER`` prepended, one file each) in a fresh directory to a bundle."""
    from lpctl.bundle import bundle
    from lpctl.pipeline import run

    sides = iter(range(1000))

    def render_bodies(*bodies: str, **options: Any) -> Bundle:
        side = f"side{next(sides)}"
        (in_tmp / side).mkdir()
        for i, body in enumerate(bodies):
            (in_tmp / side / f"spec{i}.yaml").write_text(HEADER + body)
        options = {"version": "v1", **options}
        opts = run_options(python_path=(CONFORMANCE, ROOT), **options)
        result = run([side], opts)
        assert result.ok, [str(d) for d in result.diagnostics]
        return bundle(result.plans)

    return render_bodies


@pytest.fixture
def diff(render: Render) -> Diff:
    """The text lines of ``lpctl diff`` between two specs (or lists of specs)."""

    def diff_specs(old: str | list[str], new: str | list[str], *, old_options: dict[str, Any] | None = None,
                   new_options: dict[str, Any] | None = None) -> list[str]:
        old_bundle = render(*([old] if isinstance(old, str) else old), **(old_options or {}))
        new_bundle = render(*([new] if isinstance(new, str) else new), **(new_options or {}))
        changes = diff_bundles(old_bundle, new_bundle)
        *lines, (_, count) = format_text(changes)
        assert count == count_line(changes)  # the closing count is tested on its own below
        return [line for _, line in lines]

    return diff_specs


# -- launch plans added, removed and changed ----------------------------------------------------


def test_the_issue_example(diff: Diff) -> None:
    old = [REPORT + "default_inputs: {region: apac}\nschedule: {cron: '0 9 * * *'}\nlabels: {env: prod}\n",
           "name: legacy_export\nworkflow: example_pkg.workflows:my_workflow\n"]
    new = [REPORT + "default_inputs: {region: emea}\nschedule: {cron: '0 10 * * *'}\n"
                    "labels: {env: prod, team: growth}\n",
           "name: hourly_sync\nworkflow: example_pkg.workflows:my_workflow\n"]
    assert diff(old, new) == [
        "+ flytesnacks/development/hourly_sync",
        "- flytesnacks/development/legacy_export",
        W,
        "    default input 'region': \"apac\" -> \"emea\"",
        "    schedule: cron \"0 9 * * *\" -> \"0 10 * * *\"",
        "    labels: + team=growth",
    ]


def test_identical_specs_give_no_lines(diff: Diff) -> None:
    assert diff(MY + "default_inputs: {a: 1}\n", MY + "default_inputs: {a: 1}\n") == []


def test_key_order_never_shows(diff: Diff) -> None:
    old = (MY + "default_inputs: {a: 1, b: x}\nlabels: {team: data, env: prod}\n"
           "annotations: {x: '1', y: '2'}\nenvs: {A: '1', B: '2'}\n"
           "notifications:\n  - {phases: [FAILED], email: [a@example.com]}\n")
    new = ("envs: {B: '2', A: '1'}\nannotations: {y: '2', x: '1'}\nlabels: {env: prod, team: data}\n"
           "notifications:\n  - {email: [a@example.com], phases: [FAILED]}\n"
           "default_inputs: {b: x, a: 1}\nworkflow: example_pkg.workflows:my_workflow\nname: lp\n")
    assert diff(old, new) == []


def test_the_source_file_is_not_part_of_the_launch_plan(render: Render) -> None:
    old = render(MY)
    new = copy.deepcopy(old)
    new["launchPlans"][0]["source"] = {"path": "elsewhere/lp.yaml", "document": 3}
    assert diff_bundles(old, new) == []


# -- identity -----------------------------------------------------------------------------------


def test_a_version_change_alone_is_one_line(diff: Diff) -> None:
    assert diff(MY, MY, old_options={"workflow_version": "w1"},
                new_options={"version": "v2", "workflow_version": "w1"}) == [P, '    version: "v1" -> "v2"']


def test_a_version_change_moves_the_workflow_version_along(diff: Diff) -> None:
    assert diff(MY, MY, new_options={"version": "v2"}) == [
        P, '    version: "v1" -> "v2"', '    workflow_version: "v1" -> "v2"']


def test_an_empty_version_is_a_placeholder_and_differs_from_nothing(diff: Diff) -> None:
    assert diff(MY, MY, old_options={"version": None}) == []
    assert diff(MY + "default_inputs: {a: 1}\n", MY + "default_inputs: {a: 2}\n", old_options={"version": None},
                new_options={"version": None}) == [P, "    default input 'a': 1 -> 2"]
    assert diff(MY, MY, old_options={"version": None}, new_options={"version": None, "workflow_version": "w1"}) == []


def test_workflow_and_workflow_version(diff: Diff) -> None:
    old = REPORT + "workflow_version: w1\n"
    new = REPORT.replace("app.report", "app.report_v2") + "workflow_version: w2\n"
    assert diff(old, new) == [W, '    workflow: "app.report" -> "app.report_v2"',
                              '    workflow_version: "w1" -> "w2"']


# -- inputs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "expected"), [
    (MY + "default_inputs: {a: 1}\n", MY + "default_inputs: {a: 2}\n", "default input 'a': 1 -> 2"),
    (MY + "fixed_inputs: {a: 1}\n", MY + "fixed_inputs: {a: 2}\n", "fixed input 'a': 1 -> 2"),
    (MY + "default_inputs: {b: ''}\n", MY + "default_inputs: {b: 'say \"hi\"'}\n",
     "default input 'b': \"\" -> \"say \\\"hi\\\"\""),
    (MY + "default_inputs: {b: '[bold]x[/]'}\n", MY + "default_inputs: {b: y}\n",
     "default input 'b': \"[bold]x[/]\" -> \"y\""),
])
def test_input_values(diff: Diff, old: str, new: str, expected: str) -> None:
    assert diff(old, new) == [P, "    " + expected]


TYPED = "name: lp\nworkflow: example_pkg.workflows:typed\ndefault_inputs:\n  "


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("f: 1.5", "f: 2", "default input 'f': 1.5 -> 2.0"),
    ("flag: true", "flag: false", "default input 'flag': true -> false"),
    ("when: 2024-01-02T03:04:05Z", "when: '2024-01-02T05:04:05+02:00'",
     "default input 'when': 2024-01-02T03:04:05Z -> 2024-01-02T03:04:05Z"),
    ("when: 2024-01-02T03:04:05Z", "when: 2024-06-30", "default input 'when': 2024-01-02T03:04:05Z -> "
     "2024-06-30T00:00:00Z"),
    ("span: 90m", "span: PT2H30M", "default input 'span': 1h30m -> 2h30m"),
    ("span: 1.5s", "span: 2d", "default input 'span': 1.5s -> 2d"),
    ("ints: [1, 2]", "ints: [2, 1]", "default input 'ints': [1, 2] -> [2, 1]"),
    ("names: []", "names: [a]", "default input 'names': [] -> [\"a\"]"),
    ("counts: {x: 1, y: 2}", "counts: {y: 2, x: 3}", "default input 'counts': {\"x\": 1, \"y\": 2} -> "
     "{\"x\": 3, \"y\": 2}"),
    ("color: red", "color: blue", "default input 'color': \"red\" -> \"blue\""),
    ("maybe: 3", "maybe: 4", "default input 'maybe': 3 -> 4"),
    ("maybe: 3", "maybe: null", "default input 'maybe': 3 -> null"),
    ("maybe_s: x", "maybe_s: null", "default input 'maybe_s': \"x\" -> null"),
    ("maybe_color: red", "maybe_color: green", "default input 'maybe_color': \"red\" -> \"green\""),
    ("maybe_list: [1]", "maybe_list: [1, 2]", "default input 'maybe_list': [1] -> [1, 2]"),
    ("either: 1", "either: '1'", "default input 'either': 1 -> \"1\""),
    ("nested: [{a: [1.0]}]", "nested: [{a: [1.5]}]",
     "default input 'nested': [{\"a\": [1.0]}] -> [{\"a\": [1.5]}]"),
    ("blob: {k: v}", "blob: {k: w, n: [1]}",
     "default input 'blob': {\"k\": \"v\"} -> {\"k\": \"w\", \"n\": [1]}"),
])
def test_typed_input_values_read_like_the_spec(diff: Diff, old: str, new: str, expected: str) -> None:
    lines = diff(TYPED + old + "\n", TYPED + new + "\n")
    # the datetime written with another offset is the same instant: no difference
    assert lines == ([] if old.startswith("when: 2024-01-02") and "+02:00" in new else [P, "    " + expected])


def test_a_dataclass_default_reads_as_its_fields(diff: Diff) -> None:
    wf = "name: lp\nworkflow: example_pkg.workflows:with_point\ndefault_inputs:\n  p: "
    assert diff(wf + "{x: 1}\n", wf + "{x: 2, tags: [a]}\n") == [
        P, "    default input 'p': {\"tags\": [], \"x\": 1, \"y\": 0.0} -> "
           "{\"tags\": [\"a\"], \"x\": 2, \"y\": 0.0}"]


def test_inputs_added_and_removed(diff: Diff) -> None:
    assert diff(REPORT + "default_inputs: {region: apac}\n",
                REPORT2 + "default_inputs: {region: apac, day: 1}\n") == [
        W, "    input 'day' added: default 1"]
    assert diff(REPORT2 + "fixed_inputs: {day: 1}\n", REPORT) == [W, "    input 'day' removed: fixed 1"]
    assert diff(REPORT, REPORT2) == [W, "    input 'day' added: required"]


def test_a_fixed_input_that_becomes_a_default_is_called_out(diff: Diff) -> None:
    fixed, default = MY + "fixed_inputs: {a: 42}\n", MY + "default_inputs: {a: 42}\n"
    assert diff(fixed, default) == [P, "    input 'a': fixed 42 -> default 42 (now overridable at launch)"]
    assert diff(default, fixed) == [P, "    input 'a': default 42 -> fixed 42 (now fixed)"]
    assert diff(fixed, MY) == [P, "    input 'a': fixed 42 -> required (now required at launch)"]
    assert diff(MY, fixed) == [P, "    input 'a': required -> fixed 42 (now fixed)"]


def test_a_default_that_becomes_required(diff: Diff) -> None:
    default = REPORT + "default_inputs: {region: apac}\n"
    assert diff(default, REPORT) == [
        W, "    default input 'region': \"apac\" -> required (now required at launch)"]
    assert diff(REPORT, default) == [W, "    default input 'region': required -> \"apac\""]


def test_a_workflow_default_overridden_in_the_spec(diff: Diff) -> None:
    wf = "name: lp\nworkflow: example_pkg.workflows:with_defaults\n"
    assert diff(wf, wf + "default_inputs: {a: 4}\n") == [
        P, "    default input 'a': 3 -> 4", "    input 'a' description: \"the a input\" -> \"a\""]


def test_an_input_type_change(diff: Diff) -> None:
    assert diff(REPORT, REPORT.replace("region: str", "region: int")) == [
        W, "    input 'region' type: str -> int"]


# -- schedule -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("cron: '0 9 * * *'", "cron: '0 10 * * *'", ['schedule: cron "0 9 * * *" -> "0 10 * * *"']),
    ("cron: '0 9 * * *'", "fixed_rate: 6h", ['schedule: cron "0 9 * * *" -> fixed rate 6h']),
    ("fixed_rate: 2d", "cron: '@daily'", ['schedule: fixed rate 2d -> cron "@daily"']),
    ("fixed_rate: 90m", "fixed_rate: 1h", ["schedule: fixed rate 90m -> 1h"]),
    ("fixed_rate: 10m", "fixed_rate: 10m", []),
    ("cron: '0 9 * * *'", "cron: '0 9 * * *', offset: PT1H", ['schedule.offset: (none) -> "PT1H"']),
    ("cron: '0 9 * * *', offset: PT1H", "cron: '0 9 * * *', offset: PT2H",
     ['schedule.offset: "PT1H" -> "PT2H"']),
])
def test_schedules(diff: Diff, old: str, new: str, expected: list[str]) -> None:
    lines = diff(MY + f"default_inputs: {{a: 1, b: x}}\nschedule: {{{old}}}\n",
                 MY + f"default_inputs: {{a: 1, b: x}}\nschedule: {{{new}}}\n")
    assert lines == ([P, *("    " + e for e in expected)] if expected else [])


def test_schedule_added_and_removed(diff: Diff) -> None:
    plain = SCHEDULED + "default_inputs: {kickoff_time: 2024-01-01}\n"
    scheduled = plain + "schedule: {fixed_rate: 6h, kickoff_time_input_arg: kickoff_time}\n"
    assert diff(plain, scheduled) == [P, "    schedule added: fixed rate 6h, kickoff input \"kickoff_time\""]
    assert diff(scheduled, plain) == [
        P, "    schedule removed: fixed rate 6h, kickoff input \"kickoff_time\""]


def test_schedule_kickoff_argument(diff: Diff) -> None:
    plain = SCHEDULED + "default_inputs: {kickoff_time: 2024-01-01}\nschedule: {cron: '@daily'"
    assert diff(plain + "}\n", plain + ", kickoff_time_input_arg: kickoff_time}\n") == [
        P, '    schedule.kickoff_time_input_arg: (none) -> "kickoff_time"']


# -- notifications ------------------------------------------------------------------------------


NOTIFY = MY + "notifications:\n"
FAILED = "  - {phases: [FAILED], email: [a@example.com, b@example.com]}\n"
SUCCEEDED = "  - {phases: [SUCCEEDED], slack: [c@example.com]}\n"


def test_notifications_added_removed_and_changed(diff: Diff) -> None:
    assert diff(NOTIFY + FAILED, NOTIFY + FAILED + SUCCEEDED) == [
        P, "    notifications: + slack to c@example.com on SUCCEEDED"]
    assert diff(NOTIFY + FAILED + SUCCEEDED, NOTIFY + SUCCEEDED) == [
        P, "    notifications: - email to a@example.com, b@example.com on FAILED"]
    assert diff(NOTIFY + FAILED, NOTIFY + FAILED.replace("[FAILED]", "[FAILED, TIMED_OUT]")) == [
        P, "    notifications: ~ email to a@example.com, b@example.com: on FAILED -> on FAILED, TIMED_OUT"]
    assert diff(NOTIFY + FAILED, MY) == [
        P, "    notifications: - email to a@example.com, b@example.com on FAILED"]


def test_notifications_reordered(diff: Diff) -> None:
    assert diff(NOTIFY + FAILED + SUCCEEDED, NOTIFY + SUCCEEDED + FAILED) == [
        P, "    notifications: order changed"]


# -- labels, annotations, envs ------------------------------------------------------------------


@pytest.mark.parametrize("key", ["labels", "annotations", "envs"])
def test_maps(diff: Diff, key: str) -> None:
    old = MY + f"{key}: {{env: prod, team: data, gone: x}}\n"
    new = MY + f"{key}: {{team: data, new: y, env: staging}}\n"
    assert diff(old, new) == [P, f"    {key}: ~ env: prod -> staging", f"    {key}: - gone=x",
                              f"    {key}: + new=y"]


# -- security context and plain fields ----------------------------------------------------------


def test_security_context(diff: Diff) -> None:
    old = MY + "security_context:\n  run_as: {k8s_service_account: sa}\n"
    new = (MY + "security_context:\n  run_as: {k8s_service_account: sb, iam_role: 'arn:aws:iam::1:role/r'}\n"
           "  secrets: [{group: g, key: k, mount_requirement: ENV_VAR}]\n")
    assert diff(old, new) == [
        P,
        '    security_context.run_as.iam_role: (none) -> "arn:aws:iam::1:role/r"',
        '    security_context.run_as.k8s_service_account: "sa" -> "sb"',
        '    security_context.secrets: (none) -> '
        '[{"group": "g", "key": "k", "mount_requirement": "ENV_VAR"}]',
    ]
    assert diff(old, MY) == [P, '    security_context: {"run_as": {"k8s_service_account": "sa"}} -> (none)']


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("raw_output_data_config: {output_location_prefix: 's3://a/'}",
     "raw_output_data_config: {output_location_prefix: 's3://b/'}",
     'raw_output_data_config.output_location_prefix: "s3://a/" -> "s3://b/"'),
    ("", "raw_output_data_config: {output_location_prefix: 's3://b/'}",
     'raw_output_data_config.output_location_prefix: (none) -> "s3://b/"'),
    ("max_parallelism: 10", "max_parallelism: 20", "max_parallelism: 10 -> 20"),
    ("", "max_parallelism: 20", "max_parallelism: (none) -> 20"),
    ("", "overwrite_cache: true", "overwrite_cache: false -> true"),
    ("concurrency: {max_concurrency: 1}", "concurrency: {max_concurrency: 3}",
     "concurrency.max_concurrency: 1 -> 3"),
    ("", "concurrency: {max_concurrency: 2, behavior: SKIP}",
     'concurrency: (none) -> {"behavior": "SKIP", "max_concurrency": 2}'),
    ("", "interruptible: false", "interruptible: (none) -> false"),
    ("interruptible: false", "interruptible: true", "interruptible: false -> true"),
    ("", "auto_activate: true", "auto_activate: (none) -> true"),  # not declared: activation not managed
    ("auto_activate: false", "", "auto_activate: false -> (none)"),
])
def test_plain_fields(diff: Diff, old: str, new: str, expected: str) -> None:
    assert diff(MY + old + "\n", MY + new + "\n") == [P, "    " + expected]


# -- anything else: the protobuf JSON path ------------------------------------------------------


def test_unknown_fields_fall_back_to_the_protobuf_path(render: Render) -> None:
    old = render(MY + "schedule: {cron: '@daily'}\ndefault_inputs: {a: 1, b: x}\n")
    new = copy.deepcopy(old)
    spec = new["launchPlans"][0]["launchPlan"]["spec"]
    spec["entityMetadata"]["schedule"] = {"cronExpression": "0 9 * * *"}
    spec["quota"] = {"n": 3}
    spec["workflowId"]["project"] = "other"
    lines = [line for _, line in format_text(diff_bundles(old, new))][:-1]
    assert lines == [
        P,
        '    launchPlan.spec.entityMetadata.schedule.cronExpression: (none) -> "0 9 * * *"',
        '    launchPlan.spec.entityMetadata.schedule.cronSchedule: {"schedule": "@daily"} -> (none)',
        '    launchPlan.spec.quota: (none) -> {"n": 3}',
        '    launchPlan.spec.workflowId.project: "flytesnacks" -> "other"',
    ]


def test_a_difference_only_normalising_would_hide_is_still_shown(render: Render) -> None:
    old = render(MY)
    new = copy.deepcopy(old)
    del new["launchPlans"][0]["launchPlan"]["spec"]["labels"]
    lines = [line for _, line in format_text(diff_bundles(old, new))][:-1]
    assert lines == [P, "    launchPlan.spec.labels: {} -> (none)"]


# -- output formats -----------------------------------------------------------------------------


def test_text_styles(render: Render) -> None:
    old = render(MY + "default_inputs: {a: 1}\n", "name: gone\nworkflow: example_pkg.workflows:my_workflow\n")
    new = render(MY + "default_inputs: {a: 2}\n", "name: new\nworkflow: example_pkg.workflows:my_workflow\n")
    assert format_text(diff_bundles(old, new)) == [
        ("removed", "- flytesnacks/development/gone"),
        ("changed", P),
        ("detail", "    default input 'a': 1 -> 2"),
        ("added", "+ flytesnacks/development/new"),
        ("detail", "3 launch plans differ: 1 added, 1 removed, 1 changed"),
    ]
    assert format_text([]) == [("detail", "no differences")]


def test_json_format(render: Render) -> None:
    old = render(MY + "fixed_inputs: {a: 42}\ndefault_inputs: {b: x}\nlabels: {team: data}\n",
                 "name: gone\nworkflow: example_pkg.workflows:my_workflow\n")
    new = render(MY + "default_inputs: {a: 42, b: x}\nlabels: {team: growth}\nschedule: {fixed_rate: 6h}\n")
    assert format_json(diff_bundles(old, new)) == """\
{
  "differences": 2,
  "launchPlans": [
    {
      "change": "removed",
      "changes": [],
      "identity": {
        "domain": "development",
        "name": "gone",
        "project": "flytesnacks"
      }
    },
    {
      "change": "changed",
      "changes": [
        {
          "new": {
            "default": 42
          },
          "note": "now overridable at launch",
          "old": {
            "fixed": 42
          },
          "path": "inputs.a"
        },
        {
          "new": {
            "fixed_rate": "6h"
          },
          "note": null,
          "old": null,
          "path": "schedule"
        },
        {
          "new": "growth",
          "note": null,
          "old": "data",
          "path": "labels.team"
        }
      ],
      "identity": {
        "domain": "development",
        "name": "lp",
        "project": "flytesnacks"
      }
    }
  ],
  "version": 1
}
"""


def test_json_format_without_differences() -> None:
    assert json.loads(format_json([])) == {"version": 1, "differences": 0, "launchPlans": []}


# -- reading bundle files -----------------------------------------------------------------------


def test_read_bundle_round_trips(render: Render, in_tmp: Any) -> None:
    from lpctl.bundle import to_json

    document = render(MY)
    (in_tmp / "bundle.json").write_text(to_json(document))
    assert read_bundle("bundle.json") == document


@pytest.mark.parametrize(("text", "message"), [
    ('{\n  "apiVersion": "lpctl/v1",\n  "kind": \n}', "b.json:4:1: not valid JSON: Expecting value"),
    ("[]", "b.json: not an lpctl bundle: expected a JSON object, found a list"),
    ('{"apiVersion": "v1", "kind": "LaunchPlanBundle", "launchPlans": []}',
     'b.json: not an lpctl bundle: apiVersion is "v1", expected "lpctl/v1"'),
    ('{"apiVersion": "lpctl/v1", "kind": "LaunchPlan", "launchPlans": []}',
     'b.json: not an lpctl bundle: kind is "LaunchPlan", expected "LaunchPlanBundle"'),
    ('{"apiVersion": "lpctl/v1", "kind": "LaunchPlanBundle"}',
     "b.json: not an lpctl bundle: launchPlans is null, expected a list"),
    ('{"apiVersion": "lpctl/v1", "kind": "LaunchPlanBundle", "launchPlans": [{"launchPlan": {}}]}',
     "b.json: not an lpctl bundle: launchPlans[0] has no launchPlan with an id (project, domain, name) "
     "and a spec"),
])
def test_read_bundle_errors(in_tmp: Any, text: str, message: str) -> None:
    (in_tmp / "b.json").write_text(text)
    with pytest.raises(PathError) as e:
        read_bundle("b.json")
    assert str(e.value) == message


def test_read_bundle_refuses_duplicates(render: Render, in_tmp: Any) -> None:
    document = render(MY)
    document["launchPlans"].append(document["launchPlans"][0])
    (in_tmp / "b.json").write_text(json.dumps(document))
    with pytest.raises(PathError, match=r"^b.json: not an lpctl bundle: launch plan "
                                        r"flytesnacks/development/lp appears more than once$"):
        read_bundle("b.json")


def test_read_bundle_unreadable(in_tmp: Any) -> None:
    with pytest.raises(PathError, match=r"^missing.json: cannot read: No such file or directory$"):
        read_bundle("missing.json")
    (in_tmp / "bin.json").write_bytes(b"\xff\xfe")
    with pytest.raises(PathError, match=r"^bin.json: not UTF-8 text \(byte 0\)$"):
        read_bundle("bin.json")


def test_literals_that_read_the_same_show_their_protobuf_json(render: Render) -> None:
    old = render(TYPED + "maybe: 3\n")
    new = copy.deepcopy(old)
    param = new["launchPlans"][0]["launchPlan"]["spec"]["defaultInputs"]["parameters"]["maybe"]
    param["default"]["scalar"]["union"]["type"]["structure"]["tag"] = "int64"
    lines = [line for _, line in format_text(diff_bundles(old, new))][:-1]
    assert lines == [P, "    default input 'maybe': "
                        '{"scalar":{"union":{"type":{"simple":"INTEGER","structure":{"tag":"int"}},'
                        '"value":{"scalar":{"primitive":{"integer":"3"}}}}}} -> '
                        '{"scalar":{"union":{"type":{"simple":"INTEGER","structure":{"tag":"int64"}},'
                        '"value":{"scalar":{"primitive":{"integer":"3"}}}}}}']


def test_entries_of_unexpected_shape_fall_back_to_protobuf_paths(render: Render) -> None:
    old = render(MY + "default_inputs: {a: 1}\n"
                      "notifications:\n  - {phases: [FAILED], email: [a@example.com]}\n")
    new = copy.deepcopy(old)
    spec = new["launchPlans"][0]["launchPlan"]["spec"]
    spec["defaultInputs"]["parameters"]["a"]["default"]["scalar"]["primitive"]["integer"] = "abc"
    spec["entityMetadata"]["notifications"][0]["phases"] = [1]
    lines = [line for _, line in format_text(diff_bundles(old, new))][:-1]
    assert lines == [
        P,
        '    launchPlan.spec.defaultInputs.parameters.a.default.scalar.primitive.integer: "1" -> "abc"',
        '    launchPlan.spec.entityMetadata.notifications[0].phases[0]: "FAILED" -> 1',
    ]


def test_a_launch_plan_whose_project_or_domain_changed_is_matched_by_name(diff: Diff) -> None:
    old = [MY + "default_inputs: {a: 1}\n", "name: other\nworkflow: example_pkg.workflows:my_workflow\n"]
    new = [MY + "default_inputs: {a: 2}\n", "name: other\nworkflow: example_pkg.workflows:my_workflow\n"]
    assert diff(old, new, old_options={"project": "acme", "domain": "production"}) == [
        "~ flytesnacks/development/lp (matched by name: was acme/production/lp)",
        "    project: \"acme\" -> \"flytesnacks\"",
        "    domain: \"production\" -> \"development\"",
        "    default input 'a': 1 -> 2",
        "~ flytesnacks/development/other (matched by name: was acme/production/other)",
        "    project: \"acme\" -> \"flytesnacks\"",
        "    domain: \"production\" -> \"development\"",
    ]
    # a name that two projects hold on one side is not guessed at: added and removed
    both = [MY, MY.replace("name: lp", "name: lp\nproject: p2")]
    assert diff(both, [MY], old_options={"project": "acme"}) == [
        "- acme/development/lp", "+ flytesnacks/development/lp", "- p2/development/lp"]
