"""lpctl new and lpctl fmt: exact scaffolds, scaffolds that validate, a layout that keeps meaning."""

from __future__ import annotations

import json
import os
import re
import textwrap
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import CONFORMANCE, HEADER, CliResult, examples

from lpctl.authoring.fmt import FormatBug, format_text
from lpctl.authoring.new import new_spec
from lpctl.authoring.values import flow_yaml, key_text, scalar_text
from lpctl.spec.load import load_text

SCHEMA_LINE = ("# yaml-language-server: $schema="
               "https://raw.githubusercontent.com/lpctl/lpctl/main/schemas/launchplan.schema.json")
EXAMPLES = """\
# schedule:                        # exactly one of cron / fixed_rate
#   cron: "0 10 * * 1"             # every Monday at 10:00 UTC; or @daily, @hourly ...
#   # fixed_rate: 6h               # whole minutes, hours or days: 30m, 6h, 2d
#   kickoff_time_input_arg: day    # this datetime input receives the fire time
# notifications:
#   - phases: [FAILED, TIMED_OUT]  # SUCCEEDED, FAILED, TIMED_OUT, ABORTED
#     email: [team@example.com]    # or slack: [...] or pager_duty: [...]
# labels: {team: my-team}          # at most 16; Kubernetes label syntax
# auto_activate: true              # true: register and apply activate this version
#                                  # false: apply deactivates the active version of this name
#                                  # not written: apply leaves activation as the server has it
"""


def _new(workflow: str, **kwargs: Any) -> str:
    made, diags = new_spec(workflow, python_path=(CONFORMANCE,), **kwargs)
    assert diags == [] and made is not None
    return made.text


def _validate(run_cli: Any, text: str, *extra: str) -> CliResult:
    with open("spec.yaml", "w", encoding="utf-8") as f:
        f.write(text)
    result: CliResult = run_cli("validate", "spec.yaml", "--python-path", CONFORMANCE, "--format", "text", *extra)
    return result


# -- lpctl new ---------------------------------------------------------------------------


def test_new_for_a_registered_workflow_exact_text(in_tmp: Any) -> None:
    text = _new("other_team.pipelines.daily_export",
                input_options=["day=datetime", "regions=list[str]", "limit=Optional[int]"])
    assert text == SCHEMA_LINE + "\n" + textwrap.dedent("""\
        # Launch plan for workflow other_team.pipelines.daily_export
        # (registered elsewhere; its interface is written below), written by `lpctl new`.
        # Check it with `lpctl validate FILE`; `lpctl explain CODE` says how to fix an error.
        apiVersion: lpctl/v1
        kind: LaunchPlan
        name: daily_export_lp
        workflow:
          name: other_team.pipelines.daily_export
          inputs:
            day: datetime
            regions: "list[str]"
            limit: "Optional[int]"
        # The workflow's inputs, with their defaults: uncomment a line to give the launch plan its
        # own default (an execution may override it), or move it under fixed_inputs (it may not).
        # default_inputs:
        #   day:                # datetime; REQUIRED; ISO 8601, e.g. 2024-01-02T03:04:05Z
        #   regions:            # list[str]; REQUIRED
        #   limit: null         # Optional[int]; workflow default
        # A scheduled launch plan needs a value for every REQUIRED input: regions.
        """) + EXAMPLES


def test_new_for_a_flytekit_workflow_shows_every_default_as_yaml(in_tmp: Any) -> None:
    text = _new("example_pkg.workflows:with_defaults", name="nightly")
    assert "\nname: nightly\nworkflow: example_pkg.workflows:with_defaults\n" in text
    assert "(a flytekit workflow), written by `lpctl new`." in text
    inputs = text.split("# default_inputs:\n")[1].split("# schedule:")[0]
    assert inputs == textwrap.dedent("""\
        #   a: 3                       # int; workflow default; the a input
        #   b: x                       # str; workflow default; the b input
        #   c: 1.5                     # float; workflow default
        #   d: true                    # bool; workflow default
        #   e: null                    # Optional[int]; workflow default
        #   g: [1, 2]                  # list[int]; workflow default
        #   h: green                   # Color (red, green, blue); workflow default
        #   t: "2024-01-02T03:04:05Z"  # datetime; workflow default
        #   span: "1h30m"              # timedelta; workflow default
        #   o: set                     # Optional[str]; workflow default
        """)


def test_new_for_a_typed_function_and_a_dataclass(in_tmp: Any) -> None:
    plain = _new("example_pkg.workflows:plain")
    assert "(a plain function with type hints), written by `lpctl new`." in plain
    assert "\n#   a:                  # int; REQUIRED; how many\n" in plain
    assert "\n#   xs: [1.0]           # list[float]; workflow default\n" in plain
    assert "\n# A scheduled launch plan needs a value for every REQUIRED input: a.\n" in plain
    point = _new("example_pkg.workflows:with_point")
    assert "\n#   p:                  # Point {x: int, y: float, tags: list[str]}; REQUIRED; a mapping\n" in point
    assert "\n#   n: 1                # int; workflow default\n" in point
    job = _new("example_pkg.workflows:with_job")
    assert ("\n#   job:                # Job {window: Window {start: int, size: int}, name: str, "
            "weights: dict[str, float]}; REQUIRED; a mapping\n") in job


@pytest.mark.parametrize("workflow, options", [
    ("example_pkg.workflows:with_defaults", {}),
    ("example_pkg.workflows:typed", {}),
    ("example_pkg.workflows:plain", {}),
    ("example_pkg.workflows:with_point", {}),
    ("example_pkg.workflows:with_job", {}),
    ("example_pkg.workflows:with_options", {}),
    ("example_pkg.workflows:no_inputs", {}),
    ("example_pkg.workflows:exported", {}),
    ("example_pkg.workflows.imperative", {}),
    ("other_team.pipelines.daily_export", {"input_options": ["day=datetime", "n=dict[str, list[int]]"]}),
    ("other_team.pipelines.no_inputs", {"registered": True}),
])
def test_the_scaffold_validates_as_written(in_tmp: Any, run_cli: Any, workflow: str, options: Any) -> None:
    text = _new(workflow, **options)
    assert _validate(run_cli, text, "--strict") == CliResult(0, "1 file OK: 1 launch plan\n", "")
    assert format_text(text) == text  # and it is already in lpctl fmt's layout


@pytest.mark.parametrize("workflow", ["example_pkg.workflows:with_defaults", "example_pkg.workflows:plain"])
def test_uncommented_defaults_are_the_workflows_own(in_tmp: Any, run_cli: Any, workflow: str) -> None:
    """Each default line, uncommented, gives exactly the literal the workflow itself declares."""
    text = _new(workflow)
    head, _, rest = text.partition("# default_inputs:\n")
    inputs, _, tail = rest.partition("# schedule:")
    uncommented = head + "default_inputs:\n" + re.sub(r"(?m)^#(   \w+: .*)$", r"\1", inputs) + "# schedule:" + tail
    assert uncommented.count("\n  ") >= 4
    bundles = []
    for spec in (text, uncommented):
        with open("spec.yaml", "w", encoding="utf-8") as f:
            f.write(spec)
        result = run_cli("render", "spec.yaml", "--python-path", CONFORMANCE, "--version", "v1")
        assert result.exit_code == 0
        params = json.loads(result.stdout)["launchPlans"][0]["launchPlan"]["spec"]["defaultInputs"]["parameters"]
        bundles.append({name: p.get("default") for name, p in params.items()})
    assert bundles[0] == bundles[1]


def test_new_reports_a_workflow_that_does_not_resolve(in_tmp: Any) -> None:
    made, diags = new_spec("example_pkg.workflows:nope", python_path=(CONFORMANCE,))
    assert made is None and [str(d) for d in diags] == [
        "example_pkg.workflows:nope: error LP303 module 'example_pkg.workflows' has no attribute 'nope' "
        "(workflows there: exported, imperative, my_workflow, no_inputs, plain, scheduled, typed, "
        "with_defaults, with_files, with_job, with_options, with_point, with_settings, with_transfer)"]
    made, diags = new_spec("x.y", input_options=["day=Decimal"])
    assert made is None and [str(d) for d in diags] == [
        "--input day: error LP306 cannot read the type of input 'day' of workflow 'x.y': unknown type 'Decimal' "
        "(known: None, Optional[T], bool, date, datetime, dict, dict[str, T], float, int, list[T], str, timedelta)"]


# -- YAML text of values ------------------------------------------------------------------


@settings(max_examples=examples(300))
@given(st.text(max_size=30))
def test_scalar_text_reads_back_as_the_same_string(text: str) -> None:
    docs, diags = load_text(f"{HEADER}a: {scalar_text(text)}\nb:\n  {key_text(text)}: 1\n")
    assert diags == [] and docs[0].data["a"] == text and docs[0].data["b"] == {text: 1}


@settings(max_examples=examples(300))
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                  max_size=3), max_leaves=8))
def test_flow_yaml_reads_back_as_the_same_value(value: Any) -> None:
    docs, diags = load_text(f"{HEADER}v: {flow_yaml(value)}\n")
    assert diags == [] and docs[0].data["v"] == value


def test_yaml_1_1_words_are_quoted_as_values_only() -> None:
    assert [scalar_text(t) for t in ("yes", "No", "on", "y", "null", "1.10", "2024-01-02", "s3://b/k")] == [
        '"yes"', '"No"', '"on"', '"y"', '"null"', '"1.10"', '"2024-01-02"', "s3://b/k"]
    assert [key_text(t) for t in ("y", "on", "true", "null")] == ["y", "on", '"true"', '"null"']


# -- lpctl fmt ------------------------------------------------------------------------------

MESSY = """\
# top comment
apiVersion: lpctl/v1
kind: LaunchPlan
workflow: myproject.workflows:report   # the workflow
# comment before schedule
schedule:
    kickoff_time_input_arg: when
    cron: 0 10 * * 1     # monday
name: messy
labels: {team: x, env: 'yes'}
default_inputs:
    u: yes
    c: red
notifications:
-   phases: [FAILED]
    email:
    - a@example.com
# trailing comment
---
kind: LaunchPlan
apiVersion: lpctl/v1
workflow: myproject.workflows:report
name: second
"""
TIDY = """\
# top comment
apiVersion: lpctl/v1
kind: LaunchPlan
name: messy
workflow: myproject.workflows:report   # the workflow
default_inputs:
  u: "yes"
  c: red
# comment before schedule
schedule:
  cron: 0 10 * * 1       # monday
  kickoff_time_input_arg: when
notifications:
  - phases: [FAILED]
    email:
      - a@example.com
labels: {team: x, env: 'yes'}
# trailing comment
---
apiVersion: lpctl/v1
kind: LaunchPlan
name: second
workflow: myproject.workflows:report
"""


def test_fmt_orders_keys_indents_quotes_and_keeps_comments() -> None:
    assert format_text(MESSY) == TIDY
    assert format_text(TIDY) == TIDY


def test_fmt_keeps_every_sample_as_it_means(run_cli: Any) -> None:
    from support import ROOT

    samples = os.path.join(ROOT, "samples")
    for name in sorted(os.listdir(samples)):
        if name.endswith(".yaml"):
            with open(os.path.join(samples, name), encoding="utf-8") as f:
                text = f.read()
            once = format_text(text, name)
            assert format_text(once, name) == once, name
            assert [d.data for d in load_text(once)[0]] == [d.data for d in load_text(text)[0]], name


def test_fmt_refuses_to_change_meaning(monkeypatch: Any) -> None:
    import lpctl.authoring.fmt as fmt

    monkeypatch.setattr(fmt, "_format_once", lambda text: text.replace("red", "blue"))
    with pytest.raises(FormatBug, match="would change what this file means"):
        format_text(TIDY, "x.yaml")


def test_fmt_orders_a_trigger_by_the_trigger_format() -> None:
    trigger = ("apiVersion: lpctl/v1\nkind: Trigger\ntask: pkg.tasks:train   # the task\ninputs: {epochs: 3}\n"
               "name: nightly\nschedule:\n    timezone: Europe/Berlin\n    cron: \"0 2 * * *\"\n")
    assert format_text(trigger) == (
        "apiVersion: lpctl/v1\nkind: Trigger\nname: nightly\ntask: pkg.tasks:train   # the task\nschedule:\n"
        "  cron: \"0 2 * * *\"\n  timezone: Europe/Berlin\ninputs: {epochs: 3}\n")


# -- lpctl new for a Flyte 2 task: a Trigger spec ------------------------------------------------

FLYTE2 = os.path.join(os.path.dirname(CONFORMANCE), "conformance_flyte2")
TRIGGER_EXAMPLES = """\
# schedule:                          # a cron, or a fixed_rate
#   cron: "0 6 * * *"                # every day at 06:00; or @daily, @hourly ...
#   timezone: Europe/Berlin          # an IANA zone name; the default is UTC
#   # fixed_rate: 90m                # instead of cron: whole minutes
#   kickoff_time_input_arg: run_at   # this datetime input receives the fire time
# notifications:                     # email, slack, teams or webhook, each with on_phase
#   - on_phase: [FAILED, TIMED_OUT]  # SUCCEEDED, FAILED, TIMED_OUT, ABORTED
#     email: {recipients: [team@example.com]}
#   - on_phase: [SUCCEEDED]
#     slack: {webhook_url: "https://hooks.slack.com/services/T000/B000/XXXX"}
# auto_activate: false               # Flyte 2's default is true: active after each deploy
"""


def _new_trigger(task: str, **kwargs: Any) -> str:
    made, diags = new_spec(f"flyte2_pkg.pipelines:{task}", python_path=(FLYTE2,), **kwargs)
    assert diags == [] and made is not None and made.kind == "trigger"
    return made.text


def test_new_for_a_flyte2_task_writes_a_trigger_exact_text(in_tmp: Any) -> None:
    assert _new_trigger("train") == SCHEMA_LINE + "\n" + textwrap.dedent("""\
        # Trigger for Flyte 2 task pipelines.train, written by `lpctl new`.
        # Check it with `lpctl validate FILE`; `lpctl explain CODE` says how to fix an error.
        apiVersion: lpctl/v1
        kind: Trigger
        name: train_trigger
        task: flyte2_pkg.pipelines:train
        # The task's inputs, with the task's defaults: uncomment a line to give the trigger its own default
        # (Flyte 2 has no fixed inputs: a run may always override it).
        # inputs:
        #   dataset: s3://data/train  # str; task default
        #   epochs: 1                 # int; task default
        #   lr: 0.001                 # float; task default
        #   run_at:                   # datetime; REQUIRED; ISO 8601, e.g. 2024-01-02T03:04:05Z
        """) + TRIGGER_EXAMPLES


def test_new_trigger_shows_flyte2_values_and_refuses_containers(in_tmp: Any) -> None:
    export = _new_trigger("export", name="nightly")
    assert "\nname: nightly\ntask: flyte2_pkg.pipelines:export\n" in export
    assert "\n#   fmt: CSV            # enum ('CSV', 'PARQUET'); task default\n" in export  # the member name
    assert "kickoff_time_input_arg" not in export  # since is Optional[datetime]: no example
    inputs = _new_trigger("kinds").split("# inputs:\n")[1].split("# schedule:")[0]
    assert inputs == textwrap.dedent("""\
        #   choice: 1                     # Union[int, str]; task default
        #   flag:                         # bool; REQUIRED
        #   names:                        # list[str]; the task has a default; not settable in a trigger (LP906)
        #   note: null                    # Optional[str]; task default
        #   pause: "30m"                  # timedelta; task default
        #   ratio:                        # float; REQUIRED
        #   retries: 3                    # Optional[int]; task default
        #   sizes:                        # dict[str, int]; REQUIRED; not settable in a trigger (LP906)
        #   tags:                         # list[str]; REQUIRED; not settable in a trigger (LP906)
        #   when: "2025-06-01T00:00:00Z"  # datetime; task default
        #   window:                       # timedelta; REQUIRED; e.g. 90m, 1h30m, 2d or PT1H30M
        # A scheduled trigger needs a value for every REQUIRED input: flag, ratio, window. No scheduled
        # trigger can start this task: it requires sizes, tags, which a trigger cannot set.
        """)
    assert "\n# The task takes no inputs.\n# schedule:" in _new_trigger("no_inputs")


@pytest.mark.parametrize("task", ["train", "export", "kinds", "no_inputs", "my_workflow"])
def test_the_trigger_scaffold_validates_as_written(in_tmp: Any, run_cli: Any, task: str) -> None:
    text = _new_trigger(task)
    with open("spec.yaml", "w", encoding="utf-8") as f:
        f.write(text)
    result = run_cli("validate", "spec.yaml", "--python-path", FLYTE2, "--format", "text", "--strict")
    assert result == CliResult(0, "1 file OK: 0 launch plans, 1 trigger\n", "")
    assert format_text(text) == text


def test_the_trigger_scaffold_uncommented_validates(in_tmp: Any, run_cli: Any) -> None:
    """Every example line, uncommented (the kickoff input left to the schedule), is a valid trigger."""
    text = _new_trigger("train").replace("#   run_at:", "#   # run_at:")
    text = re.sub(r"(?m)^# ((?:inputs|schedule|notifications|auto_activate):.*)$", r"\1", text)
    text = re.sub(r"(?m)^#(   .*)$", r"\1", text)
    assert "\n   epochs: 1 " in text and "\n     email: {recipients" in text and "\nauto_activate: false" in text
    with open("spec.yaml", "w", encoding="utf-8") as f:
        f.write(text)
    result = run_cli("render", "spec.yaml", "--python-path", FLYTE2)
    assert result.exit_code == 0, result.stderr
    trigger = json.loads(result.stdout)["triggers"][0]["trigger"]
    assert trigger["automationSpec"]["schedule"] == {
        "cron": {"expression": "0 6 * * *", "timezone": "Europe/Berlin"}, "kickoffTimeInputArg": "run_at"}
    spec = trigger["spec"]
    assert "active" not in spec  # auto_activate: false, proto3's default, is not in the JSON
    assert [lit["name"] for lit in spec["inputs"]["literals"]] == ["dataset", "epochs", "lr"]
    rules = spec["runSpec"]["notificationRules"]["rules"]
    assert [(r["onPhases"], list(r["deliveryTemplate"])) for r in rules] == [
        (["ACTION_PHASE_FAILED", "ACTION_PHASE_TIMED_OUT"], ["email"]), (["ACTION_PHASE_SUCCEEDED"], ["webhook"])]
