"""Trigger specs (kind: Trigger): every check at its line, with its exact text."""

from __future__ import annotations

import os
from typing import Any

import pytest

pytest.importorskip("flyte")

from support import ROOT, TRIGGER_HEADER, CliResult, next_dst_change

FORWARD, BACK = (next_dst_change("Europe/Berlin", forward=f) for f in (True, False))

PKG = os.path.join(ROOT, "tests", "conformance_flyte2")
HEAD = TRIGGER_HEADER


def diagnostics(tmp_path: Any, monkeypatch: pytest.MonkeyPatch, text: str) -> list[str]:
    from lpctl.pipeline import Options, run
    from lpctl.spec.config import Config

    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text(text)
    result = run(["t.yaml"], Options(python_path=(PKG,), config=Config()))
    return [str(d) for d in result.diagnostics]


def test_input_value_and_run_setting_checks(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = HEAD + f"""\
name: broken
task: flyte2_pkg.pipelines:export
description: "{'x' * 256}"
schedule:
  cron: "0 0 * * 7"
  timezone: europe/berlin
  kickoff_time_input_arg: region
inputs:
  regoin: x
  limit: "5"
  fmt: parquet
  since: [1, 2]
max_action_concurrency: 1
custom_context: {{_u_kickoff_time_input_arg: x}}
labels: {{"-bad": ok}}
notifications:
  - on_phase: [FAILED, FAILED]
    email: {{recipients: [not-an-email]}}
  - on_phase: [ABORTED]
    webhook: {{url: "https://x", headers: {{X-Very-Long-Header-Name: v}}}}
"""
    assert diagnostics(tmp_path, monkeypatch, spec) == [
        "t.yaml:5:14: error LP916 description has 256 characters; Flyte 2 keeps at most 255 (flyte-sdk would "
        "silently cut it to 247 characters + '...(tr.)'; shorten it)",
        "t.yaml:7:9: error LP911 day-of-week 7 is out of range 0-6 (use 0 for Sunday)",
        "t.yaml:8:13: error LP913 unknown time zone \"europe/berlin\": the backend's time.LoadLocation refuses it "
        "(did you mean 'Europe/Berlin'? (zone names are case-sensitive))",
        "t.yaml:9:27: error LP908 kickoff_time_input_arg 'region' is not a datetime input of task 'pipelines.export' "
        "(the scheduler passes the fire time as a datetime)",
        "t.yaml:11:3: error LP903 input 'regoin' is not an input of task 'pipelines.export' (did you mean 'region'?)",
        "t.yaml:12:10: error LP904 input 'limit': expected int, found the string \"5\" (remove the quotes)",
        "t.yaml:13:8: error LP905 input 'fmt': the string \"parquet\" is not a member name of the enum "
        "(CSV, PARQUET) (did you mean \"PARQUET\"?)",
        "t.yaml:14:10: error LP906 input 'since': a list cannot be a trigger input: flyte-sdk 2.12.1 pickles a list "
        "trigger input into bytes that its own runtime cannot decode as the declared type (give the value as the "
        "task's Python default, or pass it when starting the run)",
        "t.yaml:15:25: error LP915 max_action_concurrency must be 0 (platform default) or at least 2, got 1 "
        "(1 would deadlock the run: the parent action holds a concurrency slot while waiting for its child "
        "actions)",
        "t.yaml:16:18: error LP922 custom_context key '_u_kickoff_time_input_arg' is reserved by flyte's runtime "
        "(rename the key; flyte reads the first entry of that name)",
        "t.yaml:17:10: error LP702 label key '-bad': name part must consist of alphanumeric characters, '-', '_' "
        "or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
        "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        "t.yaml:19:24: error LP919 phase FAILED is listed twice (InlineRule.on_phases must be unique: remove the "
        "repeat)",
        "t.yaml:20:26: error LP924 invalid e-mail address: e-mail address \"not-an-email\" has no \"@\"",
        "t.yaml:22:43: error LP921 header name 'X-Very-Long-Header-Name' has 23 characters; Flyte 2 accepts 1 to 20",
    ]


@pytest.mark.parametrize(("body", "expected"), [
    ("name: r\ntask: flyte2_pkg.pipelines:train\nschedule: {fixed_rate: 90s, kickoff_time_input_arg: when}\n", [
        "t.yaml:5:1: error LP910 scheduled trigger leaves required input 'run_at' of task 'pipelines.train' "
        "unbound: every scheduled run would fail (give a value in 'inputs', or bind the fire time with "
        "kickoff_time_input_arg)",
        "t.yaml:5:24: error LP914 fixed_rate \"90s\": Flyte 2 fixed rates are whole minutes "
        "(FixedRate.interval_minutes) (write whole minutes, hours or days: 30m, 6h, 2d)",
        "t.yaml:5:53: error LP907 kickoff_time_input_arg 'when' is not an input of task 'pipelines.train' "
        "(available inputs: dataset, epochs, lr, run_at)",
    ]),
    ("name: r\ntask: flyte2_pkg.pipelines:trian\nschedule: {cron: daily, timezone: Mars/Olympus}\n", [
        "t.yaml:4:7: error LP303 module 'flyte2_pkg.pipelines' has no attribute 'trian' (did you mean 'train'?)",
        "t.yaml:5:18: error LP911 \"daily\" is not a cron expression the Flyte 2 backend accepts (it needs exactly "
        "5 fields or an '@' descriptor) (write '@daily')",
        "t.yaml:5:35: error LP913 unknown time zone \"Mars/Olympus\": the backend's time.LoadLocation refuses it "
        "(write an IANA zone name such as Europe/Berlin)",
    ]),
    ("name: r\ntask: flyte2_pkg.pipelines:plain\nschedule: {cron: \"CRON_TZ=Asia/Tokyo 0 2 * * *\"}\n", [
        "t.yaml:4:7: error LP901 'flyte2_pkg.pipelines:plain' is not a Flyte 2 task (found function) (a trigger "
        "points at an @env.task of flyte-sdk (pip install flyte))",
        "t.yaml:5:18: error LP911 cron expression \"CRON_TZ=Asia/Tokyo 0 2 * * *\": a time zone prefix "
        "(\"CRON_TZ=Asia/Tokyo\") is refused inside the expression: the backend puts CRON_TZ=<timezone> in front "
        "of it (remove \"CRON_TZ=Asia/Tokyo\" and write 'timezone: Asia/Tokyo')",
    ]),
    ("name: r\ntask: flyte2_pkg.pipelines:train\ninputs: {run_at: '2026-01-01', epochs: 1.5}\n"
     "schedule: {cron: '0 0 31 2 *', kickoff_time_input_arg: run_at}\n", [
        "t.yaml:5:10: error LP909 input 'run_at' is the kickoff argument and also given a value (the scheduler "
        "sets it to the fire time: remove it from 'inputs')",
        "t.yaml:5:40: error LP904 input 'epochs': expected int, found the number 1.5",
        "t.yaml:6:18: error LP912 cron expression \"0 0 31 2 *\" never fires: February has no day 31 (the Flyte 2 "
        "scheduler never starts such a trigger; pick days that exist)",
    ]),
    ("name: r\ntask: flyte2_pkg.pipelines:train\nschedule: {fixed_rate: 0m}\ninputs: {run_at: '2026-01-01'}\n", [
        "t.yaml:5:24: error LP914 fixed_rate \"0m\": the rate must be positive: FixedRate(0) never advances and the "
        "scheduler loops (write whole minutes, hours or days: 30m, 6h, 2d)",
    ]),
    ("name: ''\ntask: flyte2_pkg.pipelines:export\ninputs: {region: eu, limit: null, since: null, fmt: {a: 1}}\n", [
        "t.yaml:3:7: error LP917 trigger name cannot be empty",
        "t.yaml:5:53: error LP906 input 'fmt': a mapping cannot be this trigger input: flyte-sdk 2.12.1 fails to "
        "convert a mapping for an input of type enum ('CSV', 'PARQUET') (RuntimeError: Failed to convert trigger "
        "default input); only an untyped dict or a dataclass input takes one (give the value as the task's Python "
        "default, or pass it when starting the run)",
    ]),
    ("name: r\ntask: flyte2_pkg.structs:tune\ninputs: {sizes: {a: 1}, window: {days: x, weeks: 2}}\n", [
        "t.yaml:5:17: error LP906 input 'sizes': a mapping cannot be this trigger input: flyte-sdk 2.12.1 fails to "
        "convert a mapping for an input of type dict[str, int] (RuntimeError: Failed to convert trigger default "
        "input); only an untyped dict or a dataclass input takes one (give the value as the task's Python default, "
        "or pass it when starting the run)",
        "t.yaml:5:50: error LP904 input 'window.weeks': 'weeks' is not a field of Window (fields: days, label, scale)",
    ]),
    ("name: r\ntask: flyte2_pkg.structs:tune\ninputs: {window: {scale: 1.5, days: '7'}, cfg: [1]}\n", [
        "t.yaml:5:37: error LP904 input 'window.days': expected integer, found the string \"7\"",
        "t.yaml:5:48: error LP906 input 'cfg': a list cannot be a trigger input: flyte-sdk 2.12.1 pickles a list "
        "trigger input into bytes that its own runtime cannot decode as the declared type (give the value as the "
        "task's Python default, or pass it when starting the run)",
    ]),
    ("name: r\ntask: flyte2_pkg.structs:tune\ninputs: {window: {scale: 1}}\n", [
        "t.yaml:5:18: error LP904 input 'window': field 'days' of Window is missing: it has no default",
    ]),
    ("name: r\ntask: flyte2_pkg.pipelines:train\nschedule: {fixed_rate: 1m, kickoff_time_input_arg: run_at}\n", [
        "t.yaml:5:24: warning LP511 schedule fires every 1m, more often than every 5 minutes (each firing is a "
        "whole task run; make sure that is intended)",
    ]),
    ("name: r\ntask: flyte2_pkg.pipelines.train\n", [
        't.yaml:4:7: error LP305 "flyte2_pkg.pipelines.train" is not an import path of the form '
        '"package.module:task" (write the module, a colon, then the task: "package.module:task")',
    ]),
    ("name: r\ntask: flyte2_pkg.absent:train\n", [
        "t.yaml:4:7: error LP301 module 'flyte2_pkg.absent' not found (import roots tried: "
        f"<cwd>, {PKG}) (add its root to [tool.lpctl] python_path or --python-path)",
    ]),
    ("name: r\ntask: flyte2_pkg.pipelines:no_inputs\ndescription: " + "é" * 128 + "\n", [
        "t.yaml:5:14: error LP916 description has 256 bytes in UTF-8; the Flyte 2 backend keeps the first 255, "
        "which can split a character (shorten it)",
    ]),
    ("name: r\ntask: flyte2_pkg.pipelines:no_inputs\n"
     "notifications: [{on_phase: FAILED, email: {recipients: [a@example.com], subject: ''}}]\n", [
        "t.yaml:5:82: error LP207 'notifications[0].email.subject' must not be an empty string",
    ]),
    ("name: r\ntask: flyte2_pkg.pipelines:export\ninputs: {region: null}\n", [
        "t.yaml:5:18: error LP904 input 'region': expected str, found null (only an Optional input takes null)",
    ]),
    ("name: r\ntask: flyte2_pkg.pipelines:no_inputs\n"
     "notifications:\n  - on_phase: [RUNNING]\n    email: {recipients: []}\n"
     "  - {on_phase: FAILED, slack: {webhook_url: x}, teams: {webhook_url: y}}\n", [
        "t.yaml:6:16: error LP918 flyte refuses a notification on phase 'RUNNING': only SUCCEEDED, FAILED, "
        "TIMED_OUT and ABORTED are supported",
        "t.yaml:7:25: error LP920 'notifications[0].email.recipients' must list at least one recipient: flyte "
        "refuses an Email without one",
        "t.yaml:8:5: error LP208 'notifications[1]' must set exactly one of 'email', 'slack', 'teams' or "
        "'webhook', found 'slack' and 'teams'",
    ]),
    ("name: r\ntask: flyte2_pkg.pipelines:no_inputs\nschedule: {fixed_rate: 1h, timezone: UTC}\n"
     "notifications: [{on_phase: [], webhook: {url: ''}}]\n", [
        "t.yaml:5:28: error LP208 'schedule.timezone' applies only to a 'cron' schedule (remove 'timezone', or use "
        "'start_time' with a fixed rate)",
        "t.yaml:6:28: error LP918 'notifications[0].on_phase' must name at least one phase: flyte refuses a "
        "notification without one",
        "t.yaml:6:47: error LP920 'notifications[0].webhook.url' must not be empty: flyte requires the URL",
    ]),
])
def test_trigger_checks(tmp_path: Any, monkeypatch: pytest.MonkeyPatch, body: str, expected: list[str]) -> None:
    assert diagnostics(tmp_path, monkeypatch, HEAD + body) == [e.replace("<cwd>", str(tmp_path)) for e in expected]


def test_one_pass_schema_errors_do_not_hide_the_other_checks(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = HEAD + ("name: r\ntask: flyte2_pkg.pipelines:export\nlabels: 5\ninputs: {regoin: x}\n"
                   "max_action_concurrency: 1\nschedule: {cron: '0 0 * * *', timezone: 5}\n")
    assert diagnostics(tmp_path, monkeypatch, spec) == [
        "t.yaml:5:9: error LP202 'labels' must be a mapping, found an integer (5)",
        "t.yaml:6:10: error LP903 input 'regoin' is not an input of task 'pipelines.export' (did you mean "
        "'region'?)",
        "t.yaml:7:25: error LP915 max_action_concurrency must be 0 (platform default) or at least 2, got 1 (1 would "
        "deadlock the run: the parent action holds a concurrency slot while waiting for its child actions)",
        "t.yaml:8:41: error LP202 'schedule.timezone' must be a string, found an integer (5) (quote the value so "
        "that YAML reads it as text)",
    ]
    broken_inputs = HEAD + "name: r\ntask: flyte2_pkg.pipelines:export\ninputs: [1]\nschedule: {cron: '@daily'}\n"
    assert diagnostics(tmp_path, monkeypatch, broken_inputs) == [
        "t.yaml:5:9: error LP202 'inputs' must be a mapping, found a list",
    ]


def test_schedule_warnings_as_for_launch_plans(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = (HEAD + "name: r\ntask: flyte2_pkg.pipelines:no_inputs\n"
            "schedule: {cron: '30 2 * * *', timezone: Europe/Berlin}\n---\n"
            + HEAD + "name: s\ntask: flyte2_pkg.pipelines:no_inputs\nschedule: {cron: '* * 29 2 *'}\n")
    assert diagnostics(tmp_path, monkeypatch, spec) == [
        f"t.yaml:5:18: warning LP513 in Europe/Berlin, 02:30 does not exist on {FORWARD}, when clocks go forward "
        "(02:00 -> 03:00): the Flyte scheduler skips that run (move the time out of 02:00-03:00, or use timezone: UTC)",
        f"t.yaml:5:18: warning LP514 in Europe/Berlin, 02:30 happens twice on {BACK}, when clocks go back "
        "(03:00 -> 02:00): the Flyte scheduler runs at both (move the time out of 02:00-03:00, or use timezone: UTC)",
        "t.yaml:11:18: warning LP511 schedule fires every 1m, more often than every 5 minutes (each firing is a "
        "whole task run; make sure that is intended)",
        "t.yaml:11:18: warning LP515 cron \"* * 29 2 *\" fires only on February 29: once every four years (for the "
        "end of February, the Flyte scheduler has no 'L': use day 28, or day 1 of March)",
    ]


@pytest.mark.parametrize(("every", "expected"), [
    ("0s", "warning LP511 schedule fires every 1s, more often than every 5 minutes (each firing is a whole task run; "
           "make sure that is intended)"),  # robfig's Every runs a delay under a second every second
    ("-5m", "warning LP511 schedule fires every 1s, more often than every 5 minutes (each firing is a whole "
            "task run; make sure that is intended)"),
    ("4m59.9s", "warning LP511 schedule fires every 4m59s, more often than every 5 minutes (each firing is a whole "
                "task run; make sure that is intended)"),
    ("2562047h47m17s", "error LP911 cron expression \"@every 2562047h47m17s\": \"2562047h47m17s\" overflows Go's "
                       "time.Duration (at most 2562047h47m16s) (write a shorter delay, or a cron expression)"),
    ("5m", None),
    ("2562047h47m16s", None),
])
def test_every_is_warned_and_refused_as_the_backend_parses_it(tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
                                                              every: str, expected: str | None) -> None:
    """'@every 0s' fired every second and '@every 1000000000h' was refused by the backend: both passed silently."""
    spec = HEAD + f"name: r\ntask: flyte2_pkg.pipelines:no_inputs\nschedule: {{cron: '@every {every}'}}\n"
    assert diagnostics(tmp_path, monkeypatch, spec) == ([f"t.yaml:5:18: {expected}"] if expected else [])


def test_duplicate_trigger_names_per_task(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    one = HEAD + "name: same\ntask: flyte2_pkg.pipelines:no_inputs\n"
    other = HEAD + "name: same\ntask: flyte2_pkg.pipelines:export\ninputs: {region: eu}\n"
    assert diagnostics(tmp_path, monkeypatch, one + "---\n" + other + "---\n" + one) == [
        "t.yaml:14:7: error LP923 trigger 'same' of task 'pipelines.no_inputs' in flytesnacks/development is also "
        "defined at t.yaml:3:7 (trigger names must be unique per task in a project and domain)",
    ]


def test_duplicate_triggers_are_checked_per_project_and_domain(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A trigger is (project, domain, task, name) on the server: the same task and name in another project or
    domain is another trigger; a spec naming the default project is the same place as one naming none."""
    one = HEAD + "name: same\ntask: flyte2_pkg.pipelines:no_inputs\n"
    assert diagnostics(tmp_path, monkeypatch, "---\n".join(
        [one, one + "project: ml\n", one + "domain: production\n", one + "project: ml\ndomain: production\n"])) == []
    assert diagnostics(tmp_path, monkeypatch, "---\n".join(
        [one, one + "project: flytesnacks\n", one + "project: ml\n", one + "project: ml\ndomain: development\n"])) == [
        "t.yaml:8:7: error LP923 trigger 'same' of task 'pipelines.no_inputs' in flytesnacks/development is also "
        "defined at t.yaml:3:7 (trigger names must be unique per task in a project and domain)",
        "t.yaml:20:7: error LP923 trigger 'same' of task 'pipelines.no_inputs' in ml/development is also "
        "defined at t.yaml:14:7 (trigger names must be unique per task in a project and domain)",
    ]


@pytest.mark.parametrize(("place", "expected"), [
    ("project: 'my project'\n", ["t.yaml:5:10: error LP805 project 'my project' contains ' ', which Flyte "
                                  "identifiers cannot hold (use letters, digits, '-', '_', '.' and ':')"]),
    ("domain: a/b\n", ["t.yaml:5:9: error LP805 domain 'a/b' contains '/', which Flyte identifiers cannot hold "
                        "(use letters, digits, '-', '_', '.' and ':')"]),
    (f"domain: {'d' * 64}\n", ["t.yaml:5:9: error LP207 'domain' must have at most 63 characters, found 64"]),
    ("project: ''\n", ["t.yaml:5:10: error LP207 'project' must not be an empty string"]),
    (f"project: {'p' * 63}\ndomain: production\n", []),
])
def test_a_trigger_spec_names_its_project_and_domain(tmp_path: Any, monkeypatch: pytest.MonkeyPatch, place: str,
                                                      expected: list[str]) -> None:
    spec = HEAD + "name: r\ntask: flyte2_pkg.pipelines:no_inputs\n" + place
    assert diagnostics(tmp_path, monkeypatch, spec) == expected


def test_launch_plans_and_triggers_render_in_one_bundle(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from lpctl.bundle import render_bundle
    from lpctl.pipeline import Options, run
    from lpctl.spec.config import Config

    monkeypatch.chdir(tmp_path)
    (tmp_path / "b.yaml").write_text(HEAD + "name: zz\ntask: flyte2_pkg.pipelines:no_inputs\n---\n"
                                     + HEAD + "name: aa\ntask: flyte2_pkg.pipelines:no_inputs\nauto_activate: false\n")
    (tmp_path / "a.yaml").write_text("apiVersion: lpctl/v1\nkind: LaunchPlan\nname: lp\n"
                                     "workflow: {name: wf, inputs: {}}\n")
    result = run(["."], Options(python_path=(PKG,), config=Config()))
    assert [str(d) for d in result.diagnostics] == []
    bundle = json.loads(render_bundle(result.plans, result.triggers))
    assert [p["launchPlan"]["id"]["name"] for p in bundle["launchPlans"]] == ["lp"]
    assert bundle["triggers"] == [
        {"source": {"path": "b.yaml", "document": 1}, "taskName": "pipelines.no_inputs",
         "trigger": {"name": "aa", "spec": {"inputs": {}, "runSpec": {}}, "automationSpec": {"type": "TYPE_NONE"}}},
        {"source": {"path": "b.yaml", "document": 0}, "taskName": "pipelines.no_inputs",
         "trigger": {"name": "zz", "spec": {"active": True, "inputs": {}, "runSpec": {}},
                     "automationSpec": {"type": "TYPE_NONE"}}},
    ]


def test_a_trigger_that_names_its_project_and_domain_renders_them(tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
                                                                  run_cli: Any) -> None:
    """The spec's project wins over --project; its domain comes from --domain; an entry of a spec that names
    neither stays as before (its place is the deploy's); the same task and name in two projects are two
    entries, and diff tells them apart."""
    import json

    monkeypatch.chdir(tmp_path)
    body = "name: nightly\ntask: flyte2_pkg.pipelines:no_inputs\n"
    (tmp_path / "t.yaml").write_text(HEAD + body + "project: ml\n---\n" + HEAD + body + "---\n" + HEAD + body
                                     + "project: ops\ndomain: production\n")
    rendered = run_cli("render", "t.yaml", "--python-path", PKG, "--project", "flag-project", "--domain", "staging")
    assert rendered.exit_code == 0
    entries = json.loads(rendered.stdout)["triggers"]
    assert [(e["source"]["document"], e.get("project"), e.get("domain")) for e in entries] == [
        (1, None, None), (0, "ml", "staging"), (2, "ops", "production")]
    assert list(entries[1]) == ["domain", "project", "source", "taskName", "trigger"]
    (tmp_path / "new.yaml").write_text(HEAD + body + "project: ml\nqueue: gpu\n---\n" + HEAD + body + "---\n"
                                       + HEAD + body + "project: ops\ndomain: production\nqueue: cpu\n")
    result = run_cli("diff", "t.yaml", "new.yaml", "--python-path", PKG)
    assert (result.exit_code, result.stdout) == (1, """\
~ trigger/ml/development/pipelines.no_inputs/nightly
    queue: (none) -> "gpu"
~ trigger/ops/production/pipelines.no_inputs/nightly
    queue: (none) -> "cpu"
2 triggers differ: 2 changed
""")
    document = json.loads(run_cli("diff", "t.yaml", "new.yaml", "--python-path", PKG, "--format", "json").stdout)
    assert [p["identity"] for p in document["launchPlans"]] == [
        {"kind": "Trigger", "project": "ml", "domain": "development", "task": "pipelines.no_inputs", "name": "nightly"},
        {"kind": "Trigger", "project": "ops", "domain": "production", "task": "pipelines.no_inputs", "name": "nightly"}]


def test_diff_compares_triggers_in_spec_terms(tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
                                              run_cli: Any) -> None:
    monkeypatch.chdir(tmp_path)
    body = ("name: nightly\ntask: flyte2_pkg.pipelines:train\nschedule: {cron: '0 2 * * *', timezone: "
            "Europe/Berlin, kickoff_time_input_arg: run_at}\ninputs: {epochs: 3}\nqueue: gpu\n"
            "notifications: [{on_phase: [FAILED, TIMED_OUT], email: {recipients: [a@example.com]}}]\n")
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    (tmp_path / "old" / "t.yaml").write_text(HEAD + body + "---\n" + HEAD + "name: gone\ntask: "
                                             "flyte2_pkg.pipelines:no_inputs\n")
    (tmp_path / "new" / "t.yaml").write_text(HEAD + body.replace("3}", "5}").replace("Europe/Berlin", "UTC")
                                             .replace(", TIMED_OUT", "").replace("a@", "b@").replace("gpu", "cpu"))
    result = run_cli("diff", "old", "new", "--python-path", PKG)
    assert (result.exit_code, result.stderr) == (1, "")
    assert result.stdout == """\
- trigger/pipelines.no_inputs/gone
~ trigger/pipelines.train/nightly
    inputs.epochs: 3 -> 5
    notifications[0].email.recipients: ["a@example.com"] -> ["b@example.com"]
    notifications[0].on_phase: ["FAILED", "TIMED_OUT"] -> ["FAILED"]
    queue: "gpu" -> "cpu"
    schedule.timezone: "Europe/Berlin" -> "UTC"
2 triggers differ: 1 removed, 1 changed
"""
    assert run_cli("diff", "old", "old", "--python-path", PKG).exit_code == 0


def test_a_top_level_key_indented_under_the_inputs_says_so(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = HEAD + "name: r\ntask: flyte2_pkg.pipelines:export\ninputs:\n  region: eu\n  queue: gpu\n"
    assert diagnostics(tmp_path, monkeypatch, spec) == [
        "t.yaml:7:3: error LP903 input 'queue' is not an input of task 'pipelines.export' ('queue' is a top-level "
        "key, at the level of 'inputs'; inputs: fmt, limit, region, since)"]


NESTED = '''
import dataclasses

import flyte

env = flyte.TaskEnvironment(name="nested")


@dataclasses.dataclass
class Inner:
    z: int


@dataclasses.dataclass
class Outer:
    inner: Inner
    items: list[Inner] = dataclasses.field(default_factory=list)


@env.task
async def t(o: Outer) -> str:
    return str(o)
'''


@pytest.mark.parametrize(("items", "expected"), [
    ("[{q: 1}]", "t.yaml:6:34: error LP904 input 'o.items[0].q': 'q' is not a field of Inner (fields: z)"),
    ("[{z: 2}, {z: x}]", "t.yaml:6:42: error LP904 input 'o.items[1].z': expected integer, found the string \"x\""),
])
def test_the_items_of_a_list_field_of_a_dataclass_are_checked(run_cli: Any, in_tmp: Any, items: str,
                                                              expected: str) -> None:
    """They passed, and flyte-sdk's runtime failed to decode the value into the dataclass on every run."""
    import sys

    (in_tmp / "nestedmod.py").write_text(NESTED)
    (in_tmp / "t.yaml").write_text(HEAD + "name: t\ntask: nestedmod:t\ninputs:\n"
                                   f"  o: {{inner: {{z: 1}}, items: {items}}}\n")
    try:
        assert run_cli("validate", "t.yaml") == CliResult(1, expected + "\n1 error in 1 of 1 file\n", "")
        assert run_cli("lock", "t.yaml").exit_code == 0
        assert run_cli("validate", "t.yaml", "--locked") == CliResult(1, expected + "\n1 error in 1 of 1 file\n", "")
    finally:
        sys.modules.pop("nestedmod", None)
