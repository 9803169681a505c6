"""The schema stage: the JSON Schema of the spec format and its diagnostics."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from support import HEADER, examples

from lpctl.diagnostics import Diagnostic, Severity
from lpctl.spec.load import Document, load_text
from lpctl.spec.positions import Positions
from lpctl.spec.schema import check_schema, load_schema, schema_text

ROOT = Path(__file__).resolve().parents[2]

FULL_SPEC = """\
apiVersion: lpctl/v1
kind: LaunchPlan
name: weekly_monday
workflow: myproject.workflows:my_workflow
project: flytesnacks
domain: development
version: "2026.11.23"
workflow_version: "2026.11.23"
default_inputs:
  b: weekly
  nested: {x: [1, 2.5, null, true]}
fixed_inputs:
  a: 100
schedule:
  cron: "0 10 * * 1"
  offset: PT1H
  kickoff_time_input_arg: kickoff
notifications:
  - phases: [SUCCEEDED, FAILED]
    email: [team@example.com]
  - phases: [TIMED_OUT, ABORTED]
    slack: [chan@myorg.slack.com]
  - phases: [FAILED]
    pager_duty: [svc@myorg.pagerduty.com]
labels: {team: data-science, env: staging}
annotations: {description: "Launch plan for testing"}
max_parallelism: 10
overwrite_cache: true
auto_activate: true
security_context:
  run_as:
    k8s_service_account: my-service-account
    iam_role: arn:aws:iam::12345678:role/my-execution-role
    execution_identity: someone
    oauth2_client:
      client_id: my-client
      client_secret: {group: oauth, key: secret}
  secrets:
    - {group: g, key: k, group_version: "1", mount_requirement: ENV_VAR, env_var: MY_SECRET}
  tokens:
    - name: tok
      type: CLIENT_CREDENTIALS
      client: {client_id: c, client_secret: {group: g, key: k}}
      idp_discovery_endpoint: https://idp.example.com/.well-known/openid-configuration
      token_endpoint: https://idp.example.com/token
auth_role:
  assumable_iam_role: arn:aws:iam::12345678:role/my-execution-role
  kubernetes_service_account: my-service-account
raw_output_data_config:
  output_location_prefix: s3://my-bucket/workflow-outputs/
concurrency: {max_concurrency: 1, behavior: SKIP}
interruptible: true
envs: {LOG_LEVEL: debug}
"""


def _load(text: str) -> Document:
    docs, diags = load_text(text, "spec.yaml")
    assert diags == [], [str(d) for d in diags]
    assert len(docs) == 1
    return docs[0]


def check(body: str) -> list[str]:
    """Diagnostics, as text, of a spec made of the header plus ``body``."""
    return [str(d) for d in check_schema(_load(HEADER + textwrap.dedent(body)))]


def _walk(schema: Any, where: str = "$") -> Iterator[tuple[str, Any]]:
    if isinstance(schema, dict):
        yield where, schema
        for key, sub in schema.items():
            yield from _walk(sub, f"{where}/{key}")
    elif isinstance(schema, list):
        for i, sub in enumerate(schema):
            yield from _walk(sub, f"{where}/{i}")


# --- the schema itself ------------------------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    # the published URL: the file on the project's main branch (the URLs of README and pyproject)
    assert schema["$id"] == "https://raw.githubusercontent.com/lpctl/lpctl/main/schemas/launchplan.schema.json"
    assert schema["title"] and schema["description"]
    assert schema["$defs"]["launchPlan"]["required"] == ["apiVersion", "kind", "workflow"]
    assert schema["$defs"]["trigger"]["required"] == ["apiVersion", "kind", "name", "task"]


def test_every_property_has_a_description_and_examples() -> None:
    missing = [f"{where}/properties/{name}"
               for where, node in _walk(load_schema()) if isinstance(node.get("properties"), dict)
               for name, sub in node["properties"].items()
               if not isinstance(sub, dict) or not sub.get("description") or not sub.get("examples")]
    assert missing == []


def test_no_one_of_or_any_of_that_can_report_errors() -> None:
    """oneOf/anyOf would end in "is not valid under any of the given schemas"; only `if` may use anyOf."""
    for where, node in _walk(load_schema()):
        if "oneOf" in node or "anyOf" in node:
            assert "/if" in where or "/not" in where, where


def test_spec_format_keys_are_all_in_the_schema() -> None:
    top = set(load_schema()["$defs"]["launchPlan"]["properties"])
    assert top == {
        "apiVersion", "kind", "name", "workflow", "project", "domain", "version", "workflow_version",
        "default_inputs", "fixed_inputs", "schedule", "notifications", "labels", "annotations",
        "max_parallelism", "overwrite_cache", "auto_activate", "security_context", "auth_role",
        "raw_output_data_config", "concurrency", "interruptible", "envs",
    }


def test_schema_examples_are_valid_against_their_own_schema() -> None:
    validator = Draft202012Validator(load_schema())
    for where, node in _walk(load_schema()):
        if where.endswith("/examples") or "x-lpctl" in where or where.endswith("/if"):
            continue
        for example in node.get("examples", []):
            sub = Draft202012Validator(node)
            assert list(sub.iter_errors(example)) == [], (where, example)
    assert validator.is_valid(load_schema()["examples"][0])


def test_load_schema_returns_a_fresh_copy() -> None:
    load_schema()["$defs"]["launchPlan"]["properties"].clear()
    assert "workflow" in load_schema()["$defs"]["launchPlan"]["properties"]


def test_schema_text_is_the_shipped_file() -> None:
    assert schema_text() == (ROOT / "schemas" / "launchplan.schema.json").read_text(encoding="utf-8")
    assert json.loads(schema_text()) == load_schema()


def test_import_is_cheap() -> None:
    code = "import sys, lpctl.spec.schema; assert 'jsonschema' not in sys.modules, 'jsonschema imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)})


# --- accepted specs ---------------------------------------------------------------------------


def test_every_key_of_the_spec_format_is_accepted() -> None:
    doc = _load(FULL_SPEC)
    assert set(doc.data) == set(load_schema()["$defs"]["launchPlan"]["properties"])
    assert check_schema(doc) == []


@pytest.mark.parametrize("body", [
    "workflow: myproject.workflows:my_workflow\n",
    "workflow: myproject.workflows.my_workflow\n",
    "workflow: wf:Outer.attr\n",
    "workflow: {name: other_team.pipelines.daily_export}\n",
    "workflow:\n  name: other_team.pipelines.daily_export\n"
    "  inputs: {day: datetime, regions: 'list[str]', limit: 'Optional[int]'}\n",
    "workflow: a.b\nschedule: {fixed_rate: 6h, kickoff_time_input_arg: t}\n",
    "workflow: a.b\nschedule: {fixed_rate: 1h30m}\n",
    "workflow: a.b\nschedule: {fixed_rate: PT1H}\n",
    "workflow: a.b\nschedule: {fixed_rate: P1DT2H}\n",
    # only the shape of a duration: lpctl.schedule.durations explains what is wrong inside one
    "workflow: a.b\nschedule: {fixed_rate: 1.5h}\n",
    "workflow: a.b\nschedule: {fixed_rate: 30m1h}\n",
    "workflow: a.b\nschedule: {fixed_rate: P2W}\n",
    "workflow: a.b\nschedule: {cron: '@daily', offset: PT1.5H}\n",
    "workflow: a.b\nschedule: {cron: '@daily', offset: -PT5M}\n",
    "workflow: a.b\nmax_parallelism: 0\nnotifications: []\nlabels: {}\n",
    "workflow: a.b\nconcurrency: {max_concurrency: 3}\n",
])
def test_valid_variants(body: str) -> None:
    assert check(body) == []


# --- rejections, full text --------------------------------------------------------------------


@pytest.mark.parametrize(("body", "expected"), [
    ("workflow: a.b\ndefualt_inputs: {a: 1}\n",
     ["spec.yaml:4:1: error LP201 unknown key 'defualt_inputs' (did you mean 'default_inputs'?)"]),
    ("workflow: a.b\nmaxParallelism: 3\n",
     ["spec.yaml:4:1: error LP201 unknown key 'maxParallelism' (did you mean 'max_parallelism'?)"]),
    ("workflow: a.b\ncron: '0 * * * *'\n",
     ["spec.yaml:4:1: error LP201 unknown key 'cron' ('cron' belongs under 'schedule')"]),
    ("workflow: a.b\nschedule:\n  crn: '0 10 * * 1'\n",
     ["spec.yaml:4:1: error LP208 'schedule' must set exactly one of 'cron' or 'fixed_rate', found neither",
      "spec.yaml:5:3: error LP201 unknown key 'crn' in 'schedule' (did you mean 'cron'?)"]),
    ("workflow: {name: x, version: '1'}\n",
     ["spec.yaml:3:21: error LP201 unknown key 'version' in 'workflow' ('version' is a top-level key, at the "
      "level of 'workflow')"]),
    ("workflow: a.b\nsecurity_context:\n  run_as: {iam: x}\n",
     ["spec.yaml:5:12: error LP201 unknown key 'iam' in 'security_context.run_as' (expected one of: "
      "k8s_service_account, iam_role, execution_identity, oauth2_client)"]),
    ("workflow: a.b\nzzz: 1\n", ["spec.yaml:4:1: error LP201 unknown key 'zzz'"]),
    ("name: x\n",
     ["spec.yaml:1:1: error LP203 missing required key 'workflow' "
      "(for example 'workflow: myproject.workflows:my_workflow')"]),
    ("workflow: {inputs: {a: int}}\n",
     ["spec.yaml:3:1: error LP203 missing required key 'name' in 'workflow' "
      "(for example 'name: other_team.pipelines.daily_export')"]),
    ("workflow: a.b\nraw_output_data_config: {}\n",
     ["spec.yaml:4:1: error LP203 missing required key 'output_location_prefix' in 'raw_output_data_config' "
      "(for example 'output_location_prefix: s3://my-bucket/workflow-outputs/')"]),
    ("workflow: a.b\nmax_parallelism: '10'\n",
     ["spec.yaml:4:18: error LP202 'max_parallelism' must be an integer, found a string (\"10\") "
      "(remove the quotes)"]),
    ("workflow: a.b\nmax_parallelism: 10.0\n",
     ["spec.yaml:4:18: error LP202 'max_parallelism' must be an integer, found a number (10.0) "
      "(write a whole number, without a decimal point)"]),
    ("workflow: a.b\nmax_parallelism: .inf\n",
     ["spec.yaml:4:18: error LP202 'max_parallelism' must be an integer, found a number (.inf)"]),
    ("workflow: a.b\nmax_parallelism: -1\n",
     ["spec.yaml:4:18: error LP206 'max_parallelism' must be at least 0, found -1"]),
    ("workflow: a.b\nmax_parallelism: 2147483648\n",
     ["spec.yaml:4:18: error LP206 'max_parallelism' must be at most 2147483647, found 2147483648"]),
    ("workflow: a.b\noverwrite_cache: yes\n",
     ["spec.yaml:4:18: error LP202 'overwrite_cache' must be a boolean (true or false), found a string "
      "(\"yes\") (YAML 1.2 reads \"yes\" as a string: write true or false)"]),
    ("workflow: a.b\ninterruptible: 'true'\n",
     ["spec.yaml:4:16: error LP202 'interruptible' must be a boolean (true or false), found a string "
      "(\"true\") (write true or false, without quotes)"]),
    ("workflow: a.b\nversion: 1.10\n",
     ["spec.yaml:4:10: error LP202 'version' must be a string, found a number (1.1) "
      "(quote the value so that YAML reads it as text)"]),
    ("workflow: 123\n",
     ["spec.yaml:3:11: error LP202 'workflow' must be a string or a mapping, found an integer (123)"]),
    ("workflow: myproject/workflows.py\n",
     ["spec.yaml:3:11: error LP205 'workflow' must be an import path \"package.module:attribute\" or "
      "\"package.module.attribute\", found \"myproject/workflows.py\""]),
    ("workflow: a.b\nschedule: '0 10 * * 1'\n",
     ["spec.yaml:4:11: error LP202 'schedule' must be a mapping, found a string (\"0 10 * * 1\") "
      "(a mapping with the keys cron, timezone, fixed_rate, offset, kickoff_time_input_arg)"]),
    ("workflow: a.b\nschedule: {cron: '0 10 * * 1', fixed_rate: 6h}\n",
     ["spec.yaml:4:1: error LP208 'schedule' must set exactly one of 'cron' or 'fixed_rate', found both"]),
    ("workflow: a.b\nschedule: {kickoff_time_input_arg: t}\n",
     ["spec.yaml:4:1: error LP208 'schedule' must set exactly one of 'cron' or 'fixed_rate', found neither"]),
    ("workflow: a.b\nschedule:\n  fixed_rate: 6h\n  offset: PT1H\n",
     ["spec.yaml:6:3: error LP208 'schedule.offset' applies only to a 'cron' schedule, not to 'fixed_rate' "
      "(remove 'offset', or shift the schedule with a cron expression)"]),
    ("workflow: a.b\nschedule: {cron: '@daily', fixed_rate: 6h, offset: PT1H}\n",
     ["spec.yaml:4:1: error LP208 'schedule' must set exactly one of 'cron' or 'fixed_rate', found both"]),
    ("workflow: a.b\nschedule: {fixed_rate: 6 hours}\n",
     ["spec.yaml:4:24: error LP205 'schedule.fixed_rate' must be a duration such as \"30m\", \"6h\", \"2d\", "
      "\"1h30m\" or \"PT1H\", found \"6 hours\""]),
    ("workflow: a.b\nschedule: {fixed_rate: 30}\n",
     ["spec.yaml:4:24: error LP202 'schedule.fixed_rate' must be a string, found an integer (30) "
      "(write a duration with its unit, such as \"30m\" or \"6h\")"]),
    ("workflow: a.b\nschedule: {cron: '@daily', offset: 1h}\n",
     ["spec.yaml:4:36: error LP205 'schedule.offset' must be an ISO 8601 duration such as \"PT1H\" or "
      "\"P1DT2H\", found \"1h\""]),
    ("workflow: a.b\nschedule: {cron: '@daily', kickoff_time_input_arg: kick-off}\n",
     ["spec.yaml:4:52: error LP205 'schedule.kickoff_time_input_arg' must name a workflow input (a Python "
      "identifier), found \"kick-off\""]),
    ("workflow: a.b\nschedule: {cron: ''}\n",
     ["spec.yaml:4:18: error LP207 'schedule.cron' must not be an empty string"]),
    ("workflow: a.b\nnotifications:\n  - phases: [FAILED]\n"
     "    email: [a@example.com]\n    slack: [b@example.com]\n",
     ["spec.yaml:5:5: error LP208 'notifications[0]' needs exactly one channel: 'email', 'slack' or "
      "'pager_duty', found 'email' and 'slack' (write one list entry per channel)"]),
    ("workflow: a.b\nnotifications:\n  - phases: [FAILED]\n",
     ["spec.yaml:5:5: error LP208 'notifications[0]' needs exactly one channel: 'email', 'slack' or "
      "'pager_duty'"]),
    ("workflow: a.b\nnotifications:\n  - email: [a@example.com]\n",
     ["spec.yaml:5:5: error LP203 missing required key 'phases' in 'notifications[0]'"]),
    ("workflow: a.b\nnotifications:\n  - {phases: [RUNNING], email: [a@example.com]}\n",
     ["spec.yaml:5:15: error LP204 phase 'RUNNING' is not terminal: notifications fire only on SUCCEEDED, "
      "FAILED, TIMED_OUT or ABORTED"]),
    ("workflow: a.b\nnotifications:\n  - {phases: [failed], email: [a@example.com]}\n",
     ["spec.yaml:5:15: error LP204 'notifications[0].phases[0]' must be one of 'SUCCEEDED', 'FAILED', "
      "'TIMED_OUT' or 'ABORTED', found a string (\"failed\") (did you mean 'FAILED'?)"]),
    ("workflow: a.b\nnotifications:\n  - {phases: [], email: [a@example.com]}\n",
     ["spec.yaml:5:14: error LP207 'notifications[0].phases' must not be an empty list"]),
    ("workflow: a.b\nnotifications:\n  - {phases: FAILED, email: [a@example.com]}\n",
     ["spec.yaml:5:14: error LP202 'notifications[0].phases' must be a list, found a string (\"FAILED\") "
      "(write a list, such as [\"FAILED\"])"]),
    ("workflow: a.b\nnotifications:\n  - {phases: [FAILED], email: [a@example.com, '', 7]}\n",
     ["spec.yaml:5:47: error LP207 'notifications[0].email[1]' must not be an empty string",
      "spec.yaml:5:51: error LP202 'notifications[0].email[2]' must be a string, found an integer (7) "
      "(quote the value so that YAML reads it as text)"]),
    ("workflow: a.b\nlabels: {team: 1, 'app.kubernetes.io/name': null}\n",
     ["spec.yaml:4:16: error LP202 'labels.team' must be a string, found an integer (1) "
      "(quote the value so that YAML reads it as text)",
      "spec.yaml:4:45: error LP202 'labels[\"app.kubernetes.io/name\"]' must be a string, found null "
      "(give it a value, or remove the key)"]),
    ("workflow: a.b\nenvs: [A]\n",
     ["spec.yaml:4:7: error LP202 'envs' must be a mapping, found a list"]),
    ("workflow: a.b\nsecurity_context:\n  secrets:\n    - {key: k, mount_requirement: env, env_var: lower}\n",
     ["spec.yaml:6:35: error LP204 'security_context.secrets[0].mount_requirement' must be one of 'ANY', "
      "'ENV_VAR' or 'FILE', found a string (\"env\") (did you mean 'ENV_VAR'?)",
      "spec.yaml:6:49: error LP205 'security_context.secrets[0].env_var' must be an environment variable "
      "name (upper case letters, digits and '_', not starting with a digit), found \"lower\""]),
    ("workflow: a.b\nsecurity_context:\n  run_as:\n    oauth2_client: {client_secret: {key: [k]}}\n",
     ["spec.yaml:6:42: error LP202 'security_context.run_as.oauth2_client.client_secret.key' must be a "
      "string, found a list"]),
    ("workflow: a.b\nsecurity_context:\n  tokens: [{type: PASSWORD}]\n",
     ["spec.yaml:5:12: error LP203 missing required key 'name' in 'security_context.tokens[0]' "
      "(for example 'name: my-api-token')",
      "spec.yaml:5:19: error LP204 'security_context.tokens[0].type' must be 'CLIENT_CREDENTIALS', "
      "found a string (\"PASSWORD\")"]),
    ("workflow: a.b\nconcurrency: {max_concurrency: 0, behavior: skip}\n",
     ["spec.yaml:4:32: error LP206 'concurrency.max_concurrency' must be at least 1, found 0: FlyteAdmin "
      "would skip every execution",
      "spec.yaml:4:45: error LP204 'concurrency.behavior' must be 'SKIP', found a string (\"skip\") "
      "(did you mean 'SKIP'?)"]),
    ("workflow: a.b\nauth_role: {assumable_iam_role: true}\n",
     ["spec.yaml:4:33: error LP202 'auth_role.assumable_iam_role' must be a string, found a boolean (true) "
      "(quote the value so that YAML reads it as text)"]),
    ("workflow: a.b\nname: ''\n", ["spec.yaml:4:7: error LP207 'name' must not be an empty string"]),
    ("workflow: a.b\ndefault_inputs: ~\n",
     ["spec.yaml:4:17: error LP202 'default_inputs' must be a mapping, found null "
      "(give it a value, or remove the key)"]),
    ("workflow:\n  name: x\n  inputs: {a: 1}\n",
     ["spec.yaml:5:15: error LP202 'workflow.inputs.a' must be a string, found an integer (1) "
      "(quote the value so that YAML reads it as text)"]),
])
def test_rejections(body: str, expected: list[str]) -> None:
    assert check(body) == expected


def test_diagnostics_are_errors_with_json_paths() -> None:
    doc = _load(HEADER + "workflow: a.b\nnotifications:\n  - {phases: [FAILED], email: [x, 3]}\n")
    [diag] = check_schema(doc)
    assert diag.severity is Severity.ERROR
    assert diag.code == "LP202"
    assert diag.location.json_path == "$.notifications[0].email[1]"


def test_unknown_key_points_at_the_key_and_wrong_type_at_the_value() -> None:
    body = "workflow: a.b\nschedule:\n  cron: '@daily'\n  crn:\n    - 1\nmax_parallelism:\n  [1]\n"
    diags = check_schema(_load(HEADER + body))
    assert [(d.code, d.location.line, d.location.col) for d in diags] == [("LP201", 6, 3), ("LP202", 9, 3)]


def test_diagnostics_are_sorted_by_position() -> None:
    body = "workflow: a.b\nmax_parallelism: x\nschedule: {}\ndefualt_inputs: {}\nlabels: {a: 1}\n"
    diags = check_schema(_load(HEADER + body))
    assert [d.code for d in diags] == ["LP202", "LP208", "LP201", "LP202"]
    assert [d.location.line for d in diags] == [4, 5, 6, 7]


def test_header_problems_are_left_to_the_loader() -> None:
    doc = Document("spec.yaml", 0, {"apiVersion": "v2", "workflow": "a.b"}, Positions({}, {}))
    assert check_schema(doc) == []


def test_many_documents_keep_their_own_positions() -> None:
    text = HEADER + "workflow: a.b\n---\n" + HEADER + "workflow: a.b\nlables: {}\n"
    docs, diags = load_text(text, "spec.yaml")
    assert diags == []
    assert [str(d) for doc in docs for d in check_schema(doc)] == [
        "spec.yaml:8:1: error LP201 unknown key 'lables' (did you mean 'labels'?)"]


# --- robustness -------------------------------------------------------------------------------

_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                     st.text(max_size=8))
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=20)
_keys = st.sampled_from([*load_schema()["$defs"]["launchPlan"]["properties"], "cron", "phases", "name", "x"])


@settings(max_examples=examples(300), deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_keys, _values, max_size=8))
def test_never_raises_on_arbitrary_data(data: dict[str, Any]) -> None:
    data = {**data, "apiVersion": "lpctl/v1", "kind": "LaunchPlan"}
    diags = check_schema(Document("spec.yaml", 0, data, Positions({}, {})))
    assert all(isinstance(d, Diagnostic) and d.code.startswith("LP2") for d in diags)
    assert len({str(d) for d in diags}) == len(diags)


@pytest.mark.parametrize("data", [[], None, "x", 1, math.nan, {"workflow": {"name": {"a": [math.inf]}}},
                                  {"max_parallelism": 10**400}, {"labels": {1: 2}}])
def test_never_raises_on_odd_documents(data: Any) -> None:
    assert isinstance(check_schema(Document("spec.yaml", 0, data, Positions({}, {}))), list)
