"""lpctl lock, lock --check and --locked: the file, the verdicts, the messages, the exit codes."""

from __future__ import annotations

import hashlib
import importlib
import json
import sys
from collections.abc import Callable
from typing import Any

import pytest
from support import CONFORMANCE, HEADER, ROOT, TRIGGER_HEADER, CliResult

Run = Callable[..., CliResult]
PP = ("--python-path", CONFORMANCE)

WORKFLOW_V1 = '''
import datetime


def daily(day: datetime.datetime, limit: int = 10, region: str = "emea") -> None:
    """Export one day.

    :param day: the day to export
    """
'''
WORKFLOW_V2 = '''
import datetime


def daily(day: datetime.datetime, limit: float = 10.0, region: str = "apac", dry_run: bool = False) -> None:
    """Export one day.

    :param day: the day to export
    """
'''


def _spec(name: str, ref: str, extra: str = "") -> str:
    return HEADER + f"name: {name}\nworkflow: {ref}\n{extra}"


def _module(tmp: Any, text: str, name: str = "stalemod") -> None:
    """(Re)write a workflow module; the next import reads it afresh."""
    (tmp / f"{name}.py").write_text(text)
    sys.modules.pop(name, None)
    importlib.invalidate_caches()


@pytest.fixture
def project(in_tmp: Any) -> Any:
    _module(in_tmp, WORKFLOW_V1)
    (in_tmp / "specs").mkdir()
    (in_tmp / "specs" / "daily.yaml").write_text(_spec("daily_lp", "stalemod:daily", "default_inputs: {limit: 3}\n"))
    yield in_tmp
    sys.modules.pop("stalemod", None)


def test_lock_writes_canonical_json_next_to_the_specs(run_cli: Run, project: Any) -> None:
    result = run_cli("lock", "specs")
    assert result == CliResult(0, "", "wrote specs/lpctl.lock (1 workflow)\n")
    text = (project / "specs" / "lpctl.lock").read_text()
    doc = json.loads(text)
    assert text == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    digest = hashlib.sha256((project / "stalemod.py").read_bytes()).hexdigest()
    assert doc["modules"] == {"stalemod": f"sha256:{digest}"}
    assert set(doc["versions"]) == {"lpctl", "flytekit"}
    entry = doc["workflows"]["stalemod:daily"]
    assert [i["name"] for i in entry["inputs"]] == ["day", "limit", "region"]
    assert entry["inputs"][1]["parameter"] == {
        "default": {"scalar": {"primitive": {"integer": "10"}}},
        "var": {"description": "limit", "type": {"simple": "INTEGER"}}}
    assert entry["inputs"][0]["parameter"]["var"]["description"] == "the day to export"
    _module(project, WORKFLOW_V1)
    assert run_cli("lock", "specs").exit_code == 0
    assert (project / "specs" / "lpctl.lock").read_text() == text


def test_locked_run_imports_nothing(run_cli: Run, project: Any) -> None:
    assert run_cli("lock", "specs").exit_code == 0
    _module(project, "raise RuntimeError('imported')\n")  # importing it now would fail
    assert run_cli("validate", "specs", "--locked") == CliResult(0, "1 file OK: 1 launch plan\n", "")
    imported = run_cli("validate", "specs", "--no-cache")
    assert imported.exit_code == 1
    assert "LP302 importing module 'stalemod' raised RuntimeError: imported" in imported.stdout


def test_config_locked_true_is_the_same_as_the_flag(run_cli: Run, project: Any) -> None:
    assert run_cli("lock", "specs").exit_code == 0
    _module(project, "raise RuntimeError('imported')\n")
    (project / "pyproject.toml").write_text("[tool.lpctl]\nlocked = true\n")
    assert run_cli("validate", "specs") == CliResult(0, "1 file OK: 1 launch plan [settings: pyproject.toml]\n", "")
    (project / "pyproject.toml").write_text("[tool.lpctl]\nlocked = 'yes'\n")
    result = run_cli("validate", "specs")
    assert result.exit_code == 2
    assert result.stderr.endswith("[tool.lpctl] locked must be true or false, not 'yes'\n")


def test_workflow_missing_from_the_lock_says_to_run_lpctl_lock(run_cli: Run, project: Any) -> None:
    assert run_cli("lock", "specs").exit_code == 0
    (project / "specs" / "other.yaml").write_text(_spec("other_lp", "stalemod:weekly"))
    result = run_cli("validate", "specs", "--locked")
    assert result == CliResult(1, "specs/other.yaml:4:11: error LP308 workflow 'stalemod:weekly' is not in the "
                               "lock specs/lpctl.lock (run 'lpctl lock' on these specs to record it (it imports "
                               "the workflow once))\n1 error in 1 of 2 files\n", "")


def test_locked_without_a_lock_is_a_usage_error(run_cli: Run, project: Any) -> None:
    result = run_cli("validate", "specs", "--locked")
    assert result == CliResult(2, "", "lpctl: --locked: no lpctl.lock at or above specs; run 'lpctl lock' on "
                               "these specs first\n")


def test_a_corrupt_lock_is_lp310_at_the_lock(run_cli: Run, project: Any) -> None:
    (project / "specs" / "lpctl.lock").write_text("{not json")
    assert run_cli("validate", "specs", "--locked") == CliResult(
        1, "specs/lpctl.lock:1:2: error LP310 not a readable lock: not valid JSON: Expecting property name enclosed "
        "in double quotes (run 'lpctl lock' to write it again)\n1 error in 1 of 2 files\n", "")


def test_a_malformed_entry_is_LP309_at_the_lock(run_cli: Run, project: Any) -> None:
    assert run_cli("lock", "specs").exit_code == 0
    path = project / "specs" / "lpctl.lock"
    doc = json.loads(path.read_text())
    del doc["workflows"]["stalemod:daily"]["inputs"][0]["type"]
    path.write_text(json.dumps(doc))
    assert run_cli("validate", "specs", "--locked") == CliResult(
        1, "specs/lpctl.lock:1:189: error LP309 the entry of 'stalemod:daily' is malformed: \"inputs\"[0].\"type\" "
        "is missing (run 'lpctl lock' to write it again)\n1 error in 1 of 2 files\n", "")


def test_check_passes_on_a_current_lock(run_cli: Run, project: Any) -> None:
    assert run_cli("lock", "specs").exit_code == 0
    _module(project, WORKFLOW_V1)
    assert run_cli("lock", "specs", "--check") == CliResult(0, "specs/lpctl.lock is up to date\n", "")


def test_check_shows_the_difference_in_interface_terms(run_cli: Run, project: Any) -> None:
    assert run_cli("lock", "specs").exit_code == 0
    before = (project / "specs" / "lpctl.lock").read_text()
    _module(project, WORKFLOW_V2)
    result = run_cli("lock", "specs", "--check")
    assert result == CliResult(1, "specs/lpctl.lock is stale:\n"
                               "  stalemod:daily: input 'dry_run' added (bool, default false)\n"
                               "  stalemod:daily: input 'limit' type changed: int -> float\n"
                               "  stalemod:daily: input 'limit' default changed: default 10 -> default 10.0\n"
                               "  stalemod:daily: input 'region' default changed: default \"emea\" -> "
                               "default \"apac\"\n", "")
    assert (project / "specs" / "lpctl.lock").read_text() == before  # --check writes nothing


def test_check_notices_a_module_change_that_keeps_the_interface(run_cli: Run, project: Any) -> None:
    assert run_cli("lock", "specs").exit_code == 0
    _module(project, WORKFLOW_V1 + "\n# a comment\n")
    result = run_cli("lock", "specs", "--check")
    assert result == CliResult(1, "specs/lpctl.lock is stale:\n  module 'stalemod' changed (its workflows' "
                               "interfaces did not): the digest is stale\n", "")


def test_check_without_a_lock_is_a_usage_error(run_cli: Run, project: Any) -> None:
    result = run_cli("lock", "specs", "--check")
    assert result == CliResult(2, "", "lpctl: specs/lpctl.lock: no lock to check; run 'lpctl lock' to write it\n")


def test_lock_reports_a_workflow_that_does_not_import(run_cli: Run, project: Any) -> None:
    (project / "specs" / "broken.yaml").write_text(_spec("b", "nosuchmodule:wf"))
    result = run_cli("lock", "specs", "--format", "text")
    assert result.exit_code == 1
    assert result.stderr.startswith("specs/broken.yaml:4:11: error LP301 module 'nosuchmodule' not found")
    assert not (project / "specs" / "lpctl.lock").exists()


# -- dataclass inputs: strict, and the same verdicts with and without the lock ------------------------

WS = "name: lp\nworkflow: example_pkg.workflows:with_settings\n"


@pytest.mark.parametrize(("body", "expected"), [
    ("default_inputs: {cfg: {name: n, colour: red}}\n",
     "spec.yaml:5:33: error LP405 default input 'cfg.colour': 'colour' is not a field of Settings (fields: name, "
     "ratio, color, limit, inner, weights, points) (did you mean 'color'?)"),
    ("default_inputs: {cfg: {ratio: 1.5}}\n",
     "spec.yaml:5:23: error LP405 default input 'cfg': missing field 'name' of Settings"),
    ("default_inputs: {cfg: {name: n, inner: {z: '3'}}}\n",
     "spec.yaml:5:44: error LP405 default input 'cfg.inner.z': expected int, found the string \"3\""),
    ("fixed_inputs: {cfg: {name: n, color: purple}}\n",
     "spec.yaml:5:38: error LP406 fixed input 'cfg.color': the string \"purple\" is not one of the enum's values: "
     "\"red\", \"green\", \"blue\""),
    ("fixed_inputs: {cfg: {name: n, color: GREEN}}\n",  # a dataclass field says what an input says, hint too
     "spec.yaml:5:38: error LP406 fixed input 'cfg.color': the string \"GREEN\" is not one of the enum's values: "
     "\"red\", \"green\", \"blue\" (did you mean \"green\"?)"),
    ("fixed_inputs: {cfg: {name: n}, many: [{x: 1.5}]}\n",
     "spec.yaml:5:43: error LP405 fixed input 'many[0].x': expected int, found the number 1.5"),
])
def test_dataclass_values_are_checked_strictly_with_and_without_the_lock(
        body: str, expected: str, check: Callable[..., list[str]], in_tmp: Any) -> None:
    from lpctl.lock import lock_text
    from lpctl.locker import build_lock

    assert check(WS + body) == [expected]
    built = build_lock(["spec.yaml"], [CONFORMANCE, ROOT], max_bytes=1 << 20, import_timeout=60)
    (in_tmp / "lpctl.lock").write_text(lock_text(built.lock))
    assert check(WS + body, locked=True) == [expected]


STAMPED = '''
import datetime
from dataclasses import dataclass

from flytekit import task, workflow


@dataclass
class Stamp:
    at: datetime.datetime


@task
def use(s: Stamp) -> None:
    pass


@workflow
def stamped(s: Stamp) -> None:
    use(s=s)
'''


def test_a_value_only_flytekit_can_convert_is_LP410_under_locked(run_cli: Run, in_tmp: Any) -> None:
    _module(in_tmp, STAMPED, "stampmod")
    (in_tmp / "s.yaml").write_text(_spec("lp", "stampmod:stamped", "default_inputs: {s: {at: '2024-01-01'}}\n"))
    assert run_cli("lock", "s.yaml").exit_code == 0
    result = run_cli("validate", "s.yaml", "--locked")
    assert result == CliResult(1, "s.yaml:5:21: error LP410 default input 's': a value of type Stamp needs "
                               "flytekit to be converted, and --locked imports nothing (run without --locked, "
                               "where flytekit and the workflow are installed)\n1 error in 1 of 1 file\n", "")
    sys.modules.pop("stampmod", None)


def test_the_pre_commit_hook_checks_from_the_lock() -> None:
    import os

    from lpctl.spec.load import load_text

    with open(os.path.join(ROOT, ".pre-commit-hooks.yaml"), encoding="utf-8") as f:
        hooks = {h["id"]: h for h in load_text(f.read())[0][0].data}
    assert hooks["lpctl-validate"]["entry"] == "lpctl validate --only-specs --locked --format text"
    assert "additional_dependencies" not in hooks["lpctl-validate"]


TASK_V1 = '''
import datetime

import flyte

env = flyte.TaskEnvironment(name="stale2")


@env.task
async def daily(day: datetime.datetime, limit: int = 10, region: str = "emea") -> None:
    pass
'''
TASK_V2 = TASK_V1.replace('limit: int = 10, region: str = "emea"',
                          'limit: float = 10.0, region: str = "apac", dry_run: bool = False')


@pytest.fixture
def task_project(in_tmp: Any) -> Any:
    pytest.importorskip("flyte")
    _module(in_tmp, TASK_V1, "stale2mod")
    (in_tmp / "specs").mkdir()
    (in_tmp / "specs" / "daily.yaml").write_text(TRIGGER_HEADER + "name: daily\ntask: stale2mod:daily\n"
                                                 "inputs: {limit: 3}\n")
    yield in_tmp
    sys.modules.pop("stale2mod", None)


def test_lock_records_flyte2_tasks_and_locked_renders_them(run_cli: Run, task_project: Any) -> None:
    assert run_cli("lock", "specs") == CliResult(0, "", "wrote specs/lpctl.lock (0 workflows, 1 Flyte 2 task)\n")
    doc = json.loads((task_project / "specs" / "lpctl.lock").read_text())
    assert set(doc["versions"]) == {"lpctl", "flytekit", "flyte"}
    assert doc["tasks"]["stale2mod:daily"] == {
        "name": "stale2.daily", "module": "stale2mod", "defaultOrder": ["limit", "region"],
        "inputs": [{"name": "day", "type": {"simple": "DATETIME"}},
                   {"name": "limit", "type": {"simple": "INTEGER"},
                    "default": {"scalar": {"primitive": {"integer": "10"}}}},
                   {"name": "region", "type": {"simple": "STRING"},
                    "default": {"scalar": {"primitive": {"stringValue": "emea"}}}}]}
    importing = run_cli("render", "specs")
    assert run_cli("render", "specs", "--locked") == importing


def test_check_shows_a_stale_task_in_interface_terms(run_cli: Run, task_project: Any) -> None:
    assert run_cli("lock", "specs").exit_code == 0
    _module(task_project, TASK_V2, "stale2mod")
    result = run_cli("lock", "specs", "--check")
    assert result == CliResult(1, "specs/lpctl.lock is stale:\n"
                               "  stale2mod:daily: input 'dry_run' added (bool, default false)\n"
                               "  stale2mod:daily: input 'limit' type changed: int -> float\n"
                               "  stale2mod:daily: input 'limit' default changed: default 10 -> default 10.0\n"
                               "  stale2mod:daily: input 'region' default changed: default \"emea\" -> "
                               "default \"apac\"\n", "")


def test_a_task_missing_from_the_lock_is_lp308(run_cli: Run, task_project: Any) -> None:
    (task_project / "specs" / "lpctl.lock").write_text('{"lockVersion": 1, "workflows": {}}')
    result = run_cli("validate", "specs", "--locked")
    assert result == CliResult(1, "specs/daily.yaml:4:7: error LP308 task 'stale2mod:daily' is not in the lock "
                               "specs/lpctl.lock (run 'lpctl lock' on these specs to record it (it imports the "
                               "task once))\n1 error in 1 of 1 file\n", "")


def test_a_malformed_task_entry_is_lp309_at_its_line(run_cli: Run, task_project: Any) -> None:
    assert run_cli("lock", "specs").exit_code == 0
    path = task_project / "specs" / "lpctl.lock"
    path.write_text(path.read_text().replace('"integer": "10"', '"integer": "010"'))
    result = run_cli("validate", "specs", "--locked")
    assert result == CliResult(1, "specs/lpctl.lock:7:5: error LP309 the entry of 'stale2mod:daily' is malformed: "
                               "it is not what 'lpctl lock' writes for the interface it describes (a value is not "
                               "in canonical form, or a key is missing or extra) (run 'lpctl lock' to write it "
                               "again)\n1 error in 1 of 2 files\n", "")


TASK_TRIGGERS = TASK_V1.replace("@env.task\n", '@env.task(triggers=(flyte.Trigger("in_code", flyte.Cron("0 0 * * *")),'
                                " flyte.Trigger(\"hourly\", flyte.Cron(\"0 * * * *\"))))\n")


def test_a_task_declaring_triggers_in_code_gets_lp925_under_locked_too(run_cli: Run, task_project: Any) -> None:
    """The lock records the names of the triggers a task declares in code, so that --locked warns where the
    importing run warns; a lock of a task without them is as before."""
    _module(task_project, TASK_TRIGGERS, "stale2mod")
    importing = run_cli("validate", "specs")
    assert importing == CliResult(0, "specs/daily.yaml:4:7: warning LP925 task 'stale2.daily' also declares triggers "
                                  "in code (in_code, hourly): the next 'flyte deploy' of it deletes every trigger of "
                                  "the task that its code does not declare, this one included (keep a task's triggers "
                                  "in one place: remove triggers= from the task, or this spec)\n"
                                  "1 warning in 1 of 1 file\n", "")
    assert run_cli("lock", "specs").exit_code == 0
    path = task_project / "specs" / "lpctl.lock"
    assert json.loads(path.read_text())["tasks"]["stale2mod:daily"]["codeTriggers"] == ["in_code", "hourly"]
    sys.modules.pop("stale2mod", None)
    (task_project / "stale2mod.py").write_text("raise RuntimeError('imported under --locked')\n")
    assert run_cli("validate", "specs", "--locked") == importing
    rendered = run_cli("render", "specs", "--locked", "--version", "v1")
    assert (rendered.exit_code, rendered.stderr) == (0, importing.stdout)
    assert "stale2mod" not in sys.modules
    path.write_text(path.read_text().replace('"in_code"', "7"))
    assert run_cli("validate", "specs", "--locked") == CliResult(
        1, "specs/lpctl.lock:7:5: error LP309 the entry of 'stale2mod:daily' is malformed: \"codeTriggers\" is not a "
        "list of trigger names (run 'lpctl lock' to write it again)\n1 error in 1 of 2 files\n", "")


def test_check_shows_triggers_declared_in_code_that_changed(run_cli: Run, task_project: Any) -> None:
    assert run_cli("lock", "specs").exit_code == 0
    assert "codeTriggers" not in (task_project / "specs" / "lpctl.lock").read_text()
    _module(task_project, TASK_TRIGGERS, "stale2mod")
    assert run_cli("lock", "specs", "--check") == CliResult(
        1, "specs/lpctl.lock is stale:\n  stale2mod:daily: triggers declared in code changed: (none) -> in_code, "
        "hourly\n", "")
