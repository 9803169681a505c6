"""The gate never lies: one pass, headers that cannot slip through, settings found from the specs,
placeholders for versions, hints that quote what was written (issue 13)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from support import CONFORMANCE, HEADER, ROOT, CliResult

Run = Callable[..., CliResult]
Check = Callable[..., list[str]]
PP = ("--python-path", CONFORMANCE)
MY = "name: lp\nworkflow: example_pkg.workflows:my_workflow\n"
SC = "name: lp\nworkflow: example_pkg.workflows:scheduled\n"


def test_one_pass_reports_every_problem_of_a_document(check: Check) -> None:
    body = MY + "max_parallelism: '10'\ndefault_inputs: {a: 1, zz: 3}\nlabels: {'bad label': x}\n"
    assert [line.split(" ", 3)[:3] for line in check(body)] == [
        ["spec.yaml:5:18:", "error", "LP202"], ["spec.yaml:6:24:", "error", "LP401"],
        ["spec.yaml:7:10:", "error", "LP702"]]


def test_a_typo_in_a_key_hides_nothing_else_and_is_no_default_plan(check: Check) -> None:
    assert check(MY + "defualt_inputs: {a: 1}\nfixed_inputs: {c: 1}\n") == [
        "spec.yaml:5:1: error LP201 unknown key 'defualt_inputs' (did you mean 'default_inputs'?)",
        "spec.yaml:6:16: error LP402 fixed input 'c' is not an input of workflow "
        "'example_pkg.workflows.my_workflow' (inputs: a, b)"]


def test_a_broken_input_map_does_not_also_report_its_inputs_unbound(check: Check) -> None:
    assert check(SC + "default_inputs: [1]\nschedule: {cron: '@daily', kickoff_time_input_arg: kickoff_time}\n") == [
        "spec.yaml:5:17: error LP202 'default_inputs' must be a mapping, found a list"]


def test_a_misspelt_kickoff_argument_is_one_error(check: Check) -> None:
    assert check(SC + "schedule:\n  cron: '@daily'\n  kickoff_time_input_arg: kickof_time\n") == [
        "spec.yaml:7:27: error LP507 kickoff argument 'kickof_time' is not an input of workflow "
        "'example_pkg.workflows.scheduled' (did you mean 'kickoff_time'?)"]


@pytest.mark.parametrize(("header", "expected"), [
    ("apiversion: lpctl/v1\nkind: LaunchPlan\n",
     "x.yaml:1:1: error LP106 'apiversion' must be spelt 'apiVersion' (write 'apiVersion: lpctl/v1'; keys are "
     "case-sensitive)"),
    ("kind: LaunchPlan\n",
     "x.yaml:1:1: error LP106 this document looks like an lpctl spec but has no 'apiVersion' line (add "
     "'apiVersion: lpctl/v1' at the top)"),
    ("apiVersion: lpctl/v1\n",
     "x.yaml:1:1: error LP106 this document looks like an lpctl spec but has no 'kind' line (add "
     "'kind: LaunchPlan' at the top)"),
    ("",
     "x.yaml:1:1: error LP106 this document looks like an lpctl spec but has no 'apiVersion' line (add "
     "'apiVersion: lpctl/v1' at the top)"),
])
@pytest.mark.parametrize("how", [(".",), ("--only-specs", "x.yaml")])
def test_a_spec_with_a_broken_header_is_never_skipped(run_cli: Run, in_tmp: Any, header: str, expected: str,
                                                      how: tuple[str, ...]) -> None:
    (in_tmp / "x.yaml").write_text(header + MY)
    (in_tmp / "ci.yaml").write_text("on: push\njobs: {}\n")
    result = run_cli("validate", *how, *PP)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == expected
    assert result.stdout.splitlines()[-1].startswith("1 error") or "2 errors" in result.stdout


def test_the_quote_hint_shows_the_value_as_written(check: Check) -> None:
    assert check(MY + "default_inputs: {a: 1, b: 1.10}\n") == [
        "spec.yaml:5:27: error LP405 default input 'b': expected str, found the number 1.1 (quote it: '1.10')"]


def test_an_unquoted_star_cron_gets_a_hint(check: Check) -> None:
    assert check(SC + "schedule:\n  cron: */5 * * * *\n") == [
        "spec.yaml:6:9: error LP101 YAML syntax error: found undefined alias '/5' (a plain value that starts with "
        "'*' is a YAML alias (and with '&', an anchor): quote it, as in cron: \"*/5 * * * *\")"]


@pytest.mark.parametrize(("setting", "expected"), [
    ("version = 2025", "lpctl: pyproject.toml: [tool.lpctl] version must be a string, not int 2025 "
                       "(write version = \"2025\")\n"),
    ('domain = "dev elopment"', "lpctl: pyproject.toml: [tool.lpctl] domain 'dev elopment' contains ' ', which "
                                "Flyte identifiers cannot hold (use letters, digits, '-', '_', '.' and ':')\n"),
    ("python_path = 3", "lpctl: pyproject.toml: [tool.lpctl] python_path must be a path or a list of paths\n"),
    ("colour = true", "lpctl: pyproject.toml: unknown key(s) in [tool.lpctl]: colour (known: domain, locked, "
                      "project, python_path, version, workflow_version)\n"),
])
def test_a_wrong_setting_is_a_usage_error_naming_the_file_and_key(run_cli: Run, in_tmp: Any, setting: str,
                                                                  expected: str) -> None:
    (in_tmp / "pyproject.toml").write_text(f"[tool.lpctl]\n{setting}\n")
    (in_tmp / "x.yaml").write_text(HEADER + MY)
    assert run_cli("validate", "x.yaml", *PP) == CliResult(2, "", expected)


def test_a_bad_flag_is_a_usage_error(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "x.yaml").write_text(HEADER + MY)
    assert run_cli("render", "x.yaml", "--domain", "a/b", *PP) == CliResult(
        2, "", "lpctl: --domain: domain 'a/b' contains '/', which Flyte identifiers cannot hold (use letters, "
               "digits, '-', '_', '.' and ':')\n")


def test_settings_are_found_from_the_specs_not_the_current_directory(
        run_cli: Run, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    (repo / "src" / "team_pkg").mkdir(parents=True)
    (repo / "launchplans").mkdir()
    shutil.copy(os.path.join(CONFORMANCE, "example_pkg", "workflows.py"), repo / "src" / "team_pkg" / "wf.py")
    (repo / "src" / "team_pkg" / "__init__.py").write_text("")
    (repo / "pyproject.toml").write_text('[tool.lpctl]\npython_path = ["src"]\nproject = "team"\n')
    (repo / "launchplans" / "x.yaml").write_text(HEADER + "name: lp\nworkflow: team_pkg.wf:my_workflow\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run_cli("validate", "../repo/launchplans", "--no-cache")
    assert result == CliResult(0, "1 file OK: 1 launch plan [settings: ../repo/pyproject.toml]\n", "")


def test_the_readme_ci_recipe_passes_on_a_fresh_commit(tmp_path: Any) -> None:
    """render, commit the bundle, then render --check in CI: passes without any version, and fails
    once a spec changes without the bundle."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    shutil.copytree(os.path.join(ROOT, "samples"), repo / "samples")
    (repo / "pyproject.toml").write_text('[tool.lpctl]\npython_path = ["."]\n')
    env = {**os.environ, "GIT_AUTHOR_NAME": "ci", "GIT_AUTHOR_EMAIL": "ci@example.com",
           "GIT_COMMITTER_NAME": "ci", "GIT_COMMITTER_EMAIL": "ci@example.com", "LPCTL_NO_CACHE": "1"}

    def sh(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True, timeout=120)

    lpctl = (sys.executable, "-m", "lpctl")
    assert sh("git", "init", "-q").returncode == 0
    assert sh(*lpctl, "render", "samples/", "-o", "samples.bundle.json").returncode == 0
    assert sh("git", "add", "-A").returncode == 0
    assert sh("git", "commit", "-qm", "specs and their bundle").returncode == 0
    check = sh(*lpctl, "validate", "samples/", "--strict")
    assert (check.returncode, check.stderr) == (0, ""), check.stdout
    fresh = sh(*lpctl, "render", "samples/", "--check", "samples.bundle.json")
    assert (fresh.returncode, fresh.stdout) == (0, "")
    spec = repo / "samples" / "default_inputs.yaml"
    spec.write_text(spec.read_text().replace("b: default_value", "b: changed"))
    stale = sh(*lpctl, "render", "samples/", "--check", "samples.bundle.json")
    assert stale.returncode == 1
    assert stale.stdout.startswith("samples.bundle.json is not what render would write now:\n~ ")
