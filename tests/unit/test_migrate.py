"""lpctl migrate: launch plan specs -> Trigger specs, comments kept, meaning changes refused with the reason."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from support import HEADER, ROOT, CliResult

from lpctl.flyte2.migrate import MigrateOptions, migrate_text, summary

LP = """\
# yaml-language-server: $schema=../schemas/launchplan.schema.json
# the nightly export
apiVersion: lpctl/v1
kind: LaunchPlan
name: nightly   # keep this name
workflow: pkg.flows:export
project: flytesnacks
domain: development
default_inputs:
  b: x   # the region
fixed_inputs:
  a: 100
schedule:
  cron: "0 2 * * *"
  offset: PT1H
  kickoff_time_input_arg: run_at
notifications:
  - phases: [FAILED]
    email: [oncall@example.com]
labels: {team: ml}
envs: {LOG_LEVEL: debug}
overwrite_cache: true
"""


def test_fixed_as_defaults_writes_the_trigger_with_its_comments() -> None:
    options = MigrateOptions({"pkg.flows:export": "pkg.tasks:export"}, fixed_as_defaults=True)
    migrated, problem = migrate_text(LP, "lp.yaml", options)
    assert problem is None
    assert migrated.text == """\
# yaml-language-server: $schema=../schemas/launchplan.schema.json
# the nightly export
apiVersion: lpctl/v1
kind: Trigger
name: nightly   # keep this name
task: pkg.tasks:export
project: flytesnacks
domain: development
inputs:
  b: x   # the region
  a: 100
schedule:
  cron: "0 2 * * *"
  kickoff_time_input_arg: run_at
notifications:
  - on_phase: [FAILED]
    email:
      recipients: [oncall@example.com]
labels: {team: ml}
env_vars: {LOG_LEVEL: debug}
overwrite_cache: true
auto_activate: false  # not declared in Flyte 1: true if the launch plan is active
"""
    assert summary([migrated]) == """\
lp.yaml:3:1  nightly  clean
    note: fixed inputs 'a' became overridable defaults (--fixed-as-defaults)
    note: schedule.offset dropped: Flyte 2 has no cron offset (FlyteAdmin ignored it too)
    note: auto_activate: false written (not declared); write true if the launch plan is active on the server
1 launch plan: 1 migrate cleanly, 0 need a decision
"""


def test_meaning_changes_are_refused_with_where_they_live_in_flyte_2() -> None:
    text = LP + """\
max_parallelism: 4
security_context: {run_as: {k8s_service_account: sa}}
raw_output_data_config: {output_location_prefix: "s3://b/"}
concurrency: {max_concurrency: 1, behavior: SKIP}
---
apiVersion: lpctl/v1
kind: LaunchPlan
workflow: {name: other.wf, inputs: {xs: "list[int]"}}
default_inputs: {xs: [1, 2]}
notifications:
  - {phases: [SUCCEEDED], slack: [chan@x.slack.com]}
  - {phases: [FAILED], pager_duty: [pd@example.com]}
auto_activate: true
"""
    migrated, problem = migrate_text(text, "lp.yaml", MigrateOptions())
    assert problem is None
    assert migrated.text is None
    assert summary([migrated]) == """\
lp.yaml:3:1  nightly  needs a decision: fixed inputs, max_parallelism, security_context, raw_output_data_config, \
concurrency
    - fixed inputs 'a' would become overridable: Flyte 2 has no fixed inputs; set them inside the task (a constant, \
or a wrapper task), or accept the change with --fixed-as-defaults
    - max_parallelism: no trigger field; the closest is max_action_concurrency (concurrent actions of one run, 0 or \
at least 2), which is not the same limit: set it if that is what you meant
    - security_context: no trigger field: in Flyte 2 the service account is the task's \
(flyte.TaskEnvironment(service_account=...) or @env.task(service_account=...))
    - raw_output_data_config: no trigger field: the output location is a run setting in Flyte 2 \
(flyte.with_runcontext(raw_data_path=...)) or the deployment's storage default
    - concurrency: no trigger field: Flyte 2 does not limit concurrent runs of a trigger
lp.yaml:28:1  (default launch plan)  needs a decision: default launch plan, workflow without import path, list \
input, slack notification, pager_duty notification
    - a default launch plan (no 'name') has no Flyte 2 counterpart: tasks run directly, with no trigger; give it a \
name to keep it
    - workflow 'other.wf' is given by its registered interface; a trigger needs the import path of a Flyte 2 task: \
--task-map other.wf=package.module:task
    - inputs 'xs' are lists, which flyte-sdk 2.12.1 cannot send as trigger inputs; make them the task's Python \
defaults
    - notifications[0]: a Flyte 1 Slack notification is an e-mail to a channel address, a Flyte 2 one an incoming \
webhook: write 'email: {recipients: [...]}' to the same addresses, or 'slack: {webhook_url: ...}'
    - notifications[1]: Flyte 2 has no PagerDuty notifier: write 'email' to the integration address, or 'webhook' \
to PagerDuty's Events API
2 launch plans: 0 migrate cleanly, 2 need a decision
    1  concurrency
    1  default launch plan
    1  fixed inputs
    1  list input
    1  max_parallelism
    1  pager_duty notification
    1  raw_output_data_config
    1  security_context
    1  slack notification
    1  workflow without import path
"""


def test_triggers_already_in_the_file_are_carried_over() -> None:
    text = ("apiVersion: lpctl/v1\nkind: Trigger\nname: t  # as it was\ntask: pkg.tasks:export\n---\n"
            "apiVersion: lpctl/v1\nkind: LaunchPlan\nname: lp\nworkflow: pkg.flows:export\nauto_activate: true\n"
            "---\napiVersion: lpctl/v1\nkind: LaunchPlan\nname: locked\nworkflow: pkg.flows:export\n"
            "fixed_inputs: {a: 1}\n")
    migrated, _ = migrate_text(text, "m.yaml", MigrateOptions({"pkg.flows:export": "pkg.tasks:export"}))
    assert [(item.name, item.status) for item in migrated.items] == [("lp", "clean"), ("locked", "needs a decision")]
    assert migrated.text == ("apiVersion: lpctl/v1\nkind: Trigger\nname: t  # as it was\ntask: pkg.tasks:export\n"
                             "---\napiVersion: lpctl/v1\nkind: Trigger\nname: lp\ntask: pkg.tasks:export\n"
                             "auto_activate: true\n")


def test_yaml_error_is_a_located_diagnostic() -> None:
    migrated, problem = migrate_text("apiVersion: lpctl/v1\nkind: [\n", "bad.yaml")
    assert migrated.items == ()
    assert str(problem).startswith("bad.yaml:3:1: error LP101 YAML syntax error:")


def test_samples_summary(run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run_cli("migrate", "samples")
    with open(os.path.join(ROOT, "tests", "golden", "migrate-samples.txt"), encoding="utf-8") as f:
        assert (result.exit_code, result.stdout, result.stderr) == (1, f.read(), "")


def test_migrated_samples_validate_against_their_flyte_2_tasks(
        run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    pytest.importorskip("flyte")
    monkeypatch.chdir(ROOT)
    mapping = [arg for wf in ("my_workflow", "kickoff_workflow", "sum_workflow")
               for arg in ("--task-map", f"samples.workflows:{wf}=flyte2_pkg.pipelines:{wf}")]
    out = str(tmp_path / "out")
    migrated = run_cli("migrate", "samples", "-o", out, "--fixed-as-defaults", *mapping)
    assert migrated.exit_code == 1  # security_context, auth_role, ... still need a decision
    assert migrated.stdout.endswith(f"21 launch plans: 12 migrate cleanly, 9 need a decision\n"
                                    "    3  security_context\n    2  concurrency\n    2  max_parallelism\n"
                                    "    2  raw_output_data_config\n    1  default launch plan\n"
                                    "    1  pager_duty notification\n"
                                    f"    1  slack notification\nwrote 10 files to {out}\n")
    checked = run_cli("validate", out, "--python-path", os.path.join(ROOT, "tests", "conformance_flyte2"))
    assert (checked.exit_code, checked.stdout, checked.stderr) == (0, "10 files OK: 0 launch plans, 12 triggers\n", "")


def test_task_map_must_be_old_equals_new(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("migrate", "samples", "--task-map", "nonsense")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == ("lpctl: --task-map 'nonsense': write OLD=NEW, e.g. "
                             "myproject.workflows:wf=myproject.tasks:wf\n")


def test_unwritable_output_and_missing_path_are_usage_errors(run_cli: Callable[..., CliResult],
                                                             monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.chdir(ROOT)
    (tmp_path / "file").write_text("")
    result = run_cli("migrate", "samples/named.yaml", "-o", str(tmp_path / "file"))
    assert result.exit_code == 2
    assert result.stderr == (f"lpctl: {tmp_path}/file/samples/named.yaml: cannot create {tmp_path}/file/samples: "
                             "Not a directory\n")
    missing = run_cli("migrate", "no/such/dir")
    assert (missing.exit_code, missing.stdout, missing.stderr) == (
        2, "", "lpctl: no/such/dir: no such file or directory\n")


def test_mapping_inputs_migrate_with_a_note_as_flyte_sdk_sends_them() -> None:
    text = HEADER + "name: tuned\nworkflow: pkg.flows:tune\ndefault_inputs: {cfg: {a: 1}, window: {days: 7}}\n"
    migrated, problem = migrate_text(text, "lp.yaml", MigrateOptions())
    assert problem is None
    assert migrated.text is not None and "inputs: {cfg: {a: 1}, window: {days: 7}}\n" in migrated.text
    assert ("    note: inputs 'cfg', 'window' are mappings: Flyte 2 takes one for an untyped dict or a dataclass "
            "input, not for dict[str, T] (lpctl validate checks it against the task)\n") in summary([migrated])
