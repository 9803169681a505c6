"""Every trigger key and input type: lpctl's TaskTrigger equals flyte-sdk's ``to_task_trigger`` message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from trigger_harness import flyte_task_trigger

flyte = pytest.importorskip("flyte")
from flyte import notify  # noqa: E402
from flyte.models import ActionPhase  # noqa: E402
from flyte2_pkg import pipelines, structs  # noqa: E402
from flyte2_pkg.pipelines import Fmt  # noqa: E402

P = ActionPhase
SLACK = "https://hooks.slack.com/services/T000/B000/XXXX"

# (id, task, YAML body after the header, flyte.Trigger built the way a flyte-sdk user writes it)
CASES: list[tuple[str, Any, str, Callable[[], Any]]] = [
    ("contract_example", pipelines.train, """\
name: nightly_train
task: flyte2_pkg.pipelines:train
description: Retrain every night
schedule: {cron: "0 2 * * *", timezone: Europe/Berlin, kickoff_time_input_arg: run_at}
inputs: {epochs: 3}
auto_activate: true
env_vars: {LOG_LEVEL: debug}
interruptible: true
overwrite_cache: false
queue: gpu-queue
max_action_concurrency: 8
labels: {team: ml}
annotations: {owner: ml-platform}
custom_context: {cost_center: "42"}
notifications:
  - on_phase: [FAILED, TIMED_OUT]
    email: {recipients: [oncall@example.com]}
  - on_phase: [SUCCEEDED]
    slack: {webhook_url: "https://hooks.slack.com/services/T000/B000/XXXX"}
""", lambda: flyte.Trigger(
        name="nightly_train", description="Retrain every night",
        automation=flyte.Cron("0 2 * * *", timezone="Europe/Berlin"),
        inputs={"run_at": flyte.TriggerTime, "epochs": 3}, auto_activate=True, env_vars={"LOG_LEVEL": "debug"},
        interruptible=True, overwrite_cache=False, queue="gpu-queue", max_action_concurrency=8,
        labels={"team": "ml"}, annotations={"owner": "ml-platform"}, custom_context={"cost_center": "42"},
        notifications=(notify.Email(on_phase=(P.FAILED, P.TIMED_OUT), recipients=["oncall@example.com"]),
                       notify.Slack(on_phase=P.SUCCEEDED, webhook_url=SLACK)))),
    ("cron_utc_task_defaults", pipelines.export, """\
name: hourly_export
task: flyte2_pkg.pipelines:export
schedule: {cron: "0 * * * *"}
inputs: {region: emea}
""", lambda: flyte.Trigger(name="hourly_export", automation=flyte.Cron("0 * * * *"), inputs={"region": "emea"})),
    ("fixed_rate_start_time_kickoff", pipelines.train, """\
name: every_6h
task: flyte2_pkg.pipelines:train
schedule: {fixed_rate: 6h, start_time: "2026-12-01T00:00:00Z", kickoff_time_input_arg: run_at}
inputs: {lr: 0.01}
""", lambda: flyte.Trigger(name="every_6h", automation=flyte.FixedRate(360, start_time=datetime(
        2026, 12, 1, tzinfo=timezone.utc)), inputs={"run_at": flyte.TriggerTime, "lr": 0.01})),
    ("fixed_rate_minutes_aware_start", pipelines.train, """\
name: every_90m
task: flyte2_pkg.pipelines:train
schedule: {fixed_rate: PT1H30M, start_time: "2026-12-01T08:30:00.5+02:00", kickoff_time_input_arg: run_at}
""", lambda: flyte.Trigger(name="every_90m", automation=flyte.FixedRate(90, start_time=datetime(
        2026, 12, 1, 8, 30, 0, 500000, tzinfo=timezone(timedelta(hours=2)))), inputs={"run_at": flyte.TriggerTime})),
    ("on_demand_inactive_optional_enum_naive_datetime", pipelines.export, """\
name: adhoc_parquet
task: flyte2_pkg.pipelines:export
auto_activate: false
inputs: {region: us, limit: 500, fmt: PARQUET, since: "2026-01-01"}
""", lambda: flyte.Trigger(name="adhoc_parquet", auto_activate=False, inputs={
        "region": "us", "limit": 500, "fmt": Fmt.PARQUET, "since": datetime(2026, 1, 1)})),
    ("null_for_optional_webhook", pipelines.export, """\
name: export_alerts
task: flyte2_pkg.pipelines:export
inputs: {region: apac, limit: null}
notifications:
  - on_phase: [SUCCEEDED]
    webhook: {url: "https://ci.example.com/hook", method: PATCH, headers: {X-Token: t},
              body: {run: "{{.Run.Name}}", ok: true}}
""", lambda: flyte.Trigger(name="export_alerts", inputs={"region": "apac", "limit": None}, notifications=(
        notify.Webhook(on_phase=(P.SUCCEEDED,), url="https://ci.example.com/hook", method="PATCH",
                       headers={"X-Token": "t"}, body={"run": "{{.Run.Name}}", "ok": True}),))),
    ("scalar_kinds", pipelines.kinds, """\
name: kinds
task: flyte2_pkg.pipelines:kinds
inputs:
  flag: false
  ratio: 1
  window: 1h30m
  note: hello
  retries: null
  when: "2026-01-02T03:04:05.123456+02:00"
  pause: PT45M
  choice: "7"
""", lambda: flyte.Trigger(name="kinds", inputs={
        "flag": False, "ratio": 1.0, "window": timedelta(minutes=90), "note": "hello", "retries": None,
        "when": datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=timezone(timedelta(hours=2))),
        "pause": timedelta(minutes=45), "choice": "7"})),
    ("optional_value_and_float", pipelines.kinds, """\
name: kinds2
task: flyte2_pkg.pipelines:kinds
inputs: {ratio: 0.25, retries: 7, flag: true, choice: 7}
interruptible: false
overwrite_cache: true
labels: {}
annotations: {}
env_vars: {Z_LAST: "1", A_FIRST: "2"}
max_action_concurrency: 0
""", lambda: flyte.Trigger(name="kinds2", inputs={"ratio": 0.25, "retries": 7, "flag": True, "choice": 7},
                           interruptible=False,
                           overwrite_cache=True, labels={}, annotations={}, env_vars={"Z_LAST": "1", "A_FIRST": "2"},
                           max_action_concurrency=0)),
    ("no_inputs_minimal", pipelines.no_inputs, """\
name: ping
task: flyte2_pkg.pipelines:no_inputs
""", lambda: flyte.Trigger(name="ping")),
    ("every_notifier_with_arguments", pipelines.no_inputs, """\
name: noisy
task: flyte2_pkg.pipelines:no_inputs
schedule: {cron: "@daily"}
notifications:
  - on_phase: FAILED
    email: {recipients: [a@example.com, b@example.com], cc: [c@example.com], bcc: [d@example.com],
            subject: "Run {{.Run.Name}}", body: "é {{.Phase}}", html_body: "<b>{{.Phase}}</b>"}
  - on_phase: [ABORTED, SUCCEEDED]
    slack: {webhook_url: "https://hooks.slack.com/x", message: "✅ done {{.Run.Name}}"}
  - on_phase: [TIMED_OUT]
    slack: {webhook_url: "https://hooks.slack.com/y", blocks: [{type: section, text: {type: mrkdwn, text: "*x*"}}]}
  - on_phase: [FAILED]
    teams: {webhook_url: "https://example.webhook.office.com/a"}
  - on_phase: [FAILED]
    teams: {webhook_url: "https://example.webhook.office.com/b", title: T, message: M}
  - on_phase: [SUCCEEDED]
    teams: {webhook_url: "https://example.webhook.office.com/c", card: {type: AdaptiveCard, version: "1.4"}}
  - on_phase: [ABORTED]
    webhook: {url: "https://ci.example.com/default"}
  - on_phase: [ABORTED]
    webhook: {url: "https://ci.example.com/get", method: GET, body: "plain"}
""", lambda: flyte.Trigger(name="noisy", automation=flyte.Cron("@daily"), notifications=(
        notify.Email(on_phase=P.FAILED, recipients=["a@example.com", "b@example.com"], cc=["c@example.com"],
                     bcc=["d@example.com"], subject="Run {{.Run.Name}}", body="é {{.Phase}}",
                     html_body="<b>{{.Phase}}</b>"),
        notify.Slack(on_phase=(P.ABORTED, P.SUCCEEDED), webhook_url="https://hooks.slack.com/x",
                     message="✅ done {{.Run.Name}}"),
        notify.Slack(on_phase=(P.TIMED_OUT,), webhook_url="https://hooks.slack.com/y",
                     blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "*x*"}}]),
        notify.Teams(on_phase=(P.FAILED,), webhook_url="https://example.webhook.office.com/a"),
        notify.Teams(on_phase=(P.FAILED,), webhook_url="https://example.webhook.office.com/b", title="T",
                     message="M"),
        notify.Teams(on_phase=(P.SUCCEEDED,), webhook_url="https://example.webhook.office.com/c",
                     card={"type": "AdaptiveCard", "version": "1.4"}),
        notify.Webhook(on_phase=(P.ABORTED,), url="https://ci.example.com/default"),
        notify.Webhook(on_phase=(P.ABORTED,), url="https://ci.example.com/get", method="GET", body="plain"),
    ))),
    ("every_descriptor_and_custom_context", pipelines.export, """\
name: every
task: flyte2_pkg.pipelines:export
schedule: {cron: "@every 90m", timezone: America/New_York}
inputs: {fmt: CSV, region: x, since: "2026-03-04T05:06:07Z"}
custom_context: {b: "2", a: "1"}
""", lambda: flyte.Trigger(name="every", automation=flyte.Cron("@every 90m", timezone="America/New_York"),
                           inputs={"fmt": Fmt.CSV, "region": "x", "since": datetime(2026, 3, 4, 5, 6, 7,
                                                                                     tzinfo=timezone.utc)},
                           custom_context={"b": "2", "a": "1"})),
    ("untyped_dict_and_dataclass_inputs_as_msgpack", structs.tune, """\
name: tuned
task: flyte2_pkg.structs:tune
inputs:
  cfg: {b: [1, 2], a: 1, nested: {d: x, e: null}, f: 1.5, big: 9007199254740993, text: "2026-01-01"}
  window: {scale: 2, days: 7}
""", lambda: flyte.Trigger(name="tuned", inputs={
        "cfg": {"b": [1, 2], "a": 1, "nested": {"d": "x", "e": None}, "f": 1.5, "big": 9007199254740993,
                "text": "2026-01-01"},
        "window": {"scale": 2, "days": 7}})),
    ("every_minute_fixed_rate_warned", pipelines.train, """\
name: every_minute
task: flyte2_pkg.pipelines:train
schedule: {fixed_rate: 1m, kickoff_time_input_arg: run_at}
""", lambda: flyte.Trigger(name="every_minute", automation=flyte.FixedRate(1), inputs={"run_at": flyte.TriggerTime})),
    ("empty_dict_and_full_dataclass", structs.tune, """\
name: full
task: flyte2_pkg.structs:tune
inputs: {cfg: {}, window: {days: 1, scale: 0.25, label: z}, limit: 9}
""", lambda: flyte.Trigger(name="full", inputs={"cfg": {}, "window": {"days": 1, "scale": 0.25, "label": "z"},
                                                 "limit": 9})),
]


@pytest.mark.parametrize(("task", "body", "build"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_trigger_equals_flyte_sdk(compile_spec: Callable[..., Any], task: Any, body: str,
                                  build: Callable[[], Any]) -> None:
    from google.protobuf import json_format

    ours = compile_spec(body, "Trigger")
    theirs = flyte_task_trigger(build(), task)
    assert ours.task_name == task.name
    assert json_format.MessageToDict(ours.trigger) == json_format.MessageToDict(theirs)
    assert ours.trigger == theirs


def test_cases_cover_every_trigger_key() -> None:
    from lpctl.spec.schema import load_schema

    keys = set(load_schema()["$defs"]["trigger"]["properties"])
    written = {line.split(":")[0] for _, _, body, _ in CASES for line in body.splitlines() if line[:1].isalpha()}
    # task_version (TriggerSpec) and project/domain (TriggerName) are where apply deploys the trigger, no part of
    # the TaskTrigger: test_trigger_deploy compares them with flyte-sdk's
    assert keys - {"apiVersion", "kind", "task_version", "project", "domain"} <= written, keys - written
