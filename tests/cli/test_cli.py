"""The command line end to end: exact output, streams and exit codes."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from support import CONFORMANCE, HEADER, ROOT, CliResult

Run = Callable[..., CliResult]
GOOD = HEADER + "name: lp\nworkflow: example_pkg.workflows:my_workflow\ndefault_inputs: {a: 1, b: x}\n"
BAD = HEADER + "name: lp\nworkflow: example_pkg.workflows:my_workflow\nfixed_inputs: {c: 1}\n"
PP = ("--python-path", CONFORMANCE)


def test_validate_clean(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "good.yaml").write_text(GOOD)
    assert run_cli("validate", "good.yaml", *PP) == CliResult(0, "1 file OK: 1 launch plan\n", "")


def test_validate_errors_exit_1_with_located_lines(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "good.yaml").write_text(GOOD)
    (in_tmp / "bad.yaml").write_text(BAD)
    result = run_cli("validate", ".", *PP)
    assert result.exit_code == 1
    assert result.stdout == (
        "bad.yaml:5:16: error LP402 fixed input 'c' is not an input of workflow "
        "'example_pkg.workflows.my_workflow' (inputs: a, b)\n"
        "1 error in 1 of 2 files\n")


def test_directories_skip_yaml_that_is_not_a_spec(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "good.yaml").write_text(GOOD)
    (in_tmp / "ci.yml").write_text("on: [push]\njobs: {}\n")
    (in_tmp / "values.yaml").write_text("replicas: 3\nimage: lpctl/v1\n")
    result = run_cli("validate", ".", *PP)
    assert result == CliResult(0, "1 file OK: 1 launch plan (2 YAML files skipped: not lpctl specs)\n", "")


def test_warnings_fail_only_under_strict(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "w.yaml").write_text(GOOD + "overwrite_cache: false\n")
    assert run_cli("validate", "w.yaml", *PP).exit_code == 0
    strict = run_cli("validate", "w.yaml", "--strict", *PP)
    assert strict.exit_code == 1
    assert strict.stdout.endswith("1 warning in 1 of 1 file\n")


def test_missing_path_is_a_usage_error(run_cli: Run, in_tmp: Any) -> None:
    assert run_cli("validate", "nope.yaml") == CliResult(2, "", "lpctl: nope.yaml: no such file or directory\n")


def test_a_missing_argument_is_named_as_the_help_names_it(run_cli: Run) -> None:
    """The same words on every typer pyproject.toml allows (0.26 built them from the usage metavar)."""
    result = run_cli("validate")
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: Missing argument 'PATH'.\n"), result.stderr


def test_no_specs_found_is_a_usage_error(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "ci.yml").write_text("on: [push]\n")
    assert run_cli("validate", ".") == CliResult(
        2, "", "lpctl: no lpctl specs found in . (1 YAML file is not an lpctl spec)\n")


def test_json_format(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "bad.yaml").write_text(BAD)
    result = run_cli("validate", "bad.yaml", "--format", "json", *PP)
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "version": 1, "status": "fail",
        "diagnostics": [{
            "code": "LP402", "severity": "error", "path": "bad.yaml", "line": 5, "column": 16,
            "jsonPath": "$.fixed_inputs.c",
            "message": "fixed input 'c' is not an input of workflow 'example_pkg.workflows.my_workflow'",
            "hint": "inputs: a, b"}],
        "summary": {"files": 1, "skipped": 0, "launchPlans": 0, "errors": 1, "warnings": 0},
    }


def test_render_to_stdout_and_to_a_file(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "good.yaml").write_text(GOOD)
    out = run_cli("render", "good.yaml", "--version", "v1", *PP)
    assert out.exit_code == 0
    bundle = json.loads(out.stdout)
    assert [e["launchPlan"]["id"]["name"] for e in bundle["launchPlans"]] == ["lp"]
    assert out.stderr == "1 file OK: 1 launch plan\n"
    to_file = run_cli("render", "good.yaml", "--version", "v1", "-o", "bundle.json", *PP)
    assert to_file.exit_code == 0 and to_file.stdout == ""
    assert (in_tmp / "bundle.json").read_text() == out.stdout
    # no temporary file left behind (the interface cache is lpctl's own directory)
    assert sorted(os.listdir(in_tmp)) == [".lpctl_cache", "bundle.json", "good.yaml", "pyproject.toml"]


def test_render_with_errors_writes_nothing(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "bad.yaml").write_text(BAD)
    result = run_cli("render", "bad.yaml", "--version", "v1", "-o", "bundle.json", *PP)
    assert result.exit_code == 1 and result.stdout == ""
    assert not (in_tmp / "bundle.json").exists()


def test_render_to_an_unwritable_place_is_exit_2(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "good.yaml").write_text(GOOD)
    (in_tmp / "missing").write_text("")
    result = run_cli("render", "good.yaml", "--version", "v1", "-o", "missing/dir/b.json", *PP)
    assert result.exit_code == 2
    assert result.stderr.endswith("lpctl: missing/dir/b.json: cannot create missing/dir: Not a directory\n")


def test_project_domain_version_flags(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "good.yaml").write_text(GOOD)
    out = run_cli("render", "good.yaml", "-p", "proj", "-d", "prod", "--version", "2026.1", *PP)
    lp = json.loads(out.stdout)["launchPlans"][0]["launchPlan"]
    assert lp["id"] == {"resourceType": "LAUNCH_PLAN", "project": "proj", "domain": "prod", "name": "lp",
                        "version": "2026.1"}
    assert lp["spec"]["workflowId"]["version"] == "2026.1"


def test_pyproject_settings_and_spec_precedence(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "pyproject.toml").write_text('[tool.lpctl]\nproject = "fromconfig"\ndomain = "staging"\n'
                                           f'python_path = ["{CONFORMANCE}"]\n')
    (in_tmp / "good.yaml").write_text(GOOD + "domain: production\n")
    out = run_cli("render", "good.yaml", "--version", "v9", "-p", "fromflag")
    lp_id = json.loads(out.stdout)["launchPlans"][0]["launchPlan"]["id"]
    assert (lp_id["project"], lp_id["domain"]) == ("fromflag", "production")


def test_no_version_anywhere_leaves_placeholders(run_cli: Run, in_tmp: Any) -> None:
    """Versions are registration-time values: render, --check, diff and package work without one."""
    (in_tmp / "good.yaml").write_text(GOOD)
    out = run_cli("render", "good.yaml", *PP)
    lp = json.loads(out.stdout)["launchPlans"][0]["launchPlan"]
    # the protobuf JSON mapping leaves empty strings out
    assert (out.exit_code, "version" in lp["id"], "version" in lp["spec"]["workflowId"]) == (0, False, False)
    pinned = json.loads(run_cli("render", "good.yaml", "--workflow-version", "w1", *PP).stdout)
    assert "version" not in pinned["launchPlans"][0]["launchPlan"]["id"]
    assert pinned["launchPlans"][0]["launchPlan"]["spec"]["workflowId"]["version"] == "w1"
    assert run_cli("package", "good.yaml", "-o", "lps.tgz", *PP) == CliResult(0, "", "1 file OK: 1 launch plan\n")
    register = run_cli("register", "good.yaml", "--endpoint", "127.0.0.1:1", "--insecure", *PP)
    assert register == CliResult(2, "", "1 file OK: 1 launch plan\nlpctl: launch plan flytesnacks/development/lp "
                                        "has no version: pass --version V (or set version in the spec or in "
                                        "[tool.lpctl])\n")


def test_explain(run_cli: Run) -> None:
    result = run_cli("explain", "lp510")
    assert result.exit_code == 0
    assert result.stdout.startswith("LP510: scheduled launch plan leaves an input unbound\n\nA scheduled")
    assert run_cli("explain", "LP999") == CliResult(
        2, "", "lpctl: unknown code 'LP999'; 'lpctl explain' lists them all\n")
    listing = run_cli("explain").stdout.splitlines()
    assert listing[0] == "LP101  YAML syntax error" and len(listing) > 40


def test_schema_prints_the_shipped_schema(run_cli: Run) -> None:
    result = run_cli("schema")
    with open(os.path.join(ROOT, "schemas", "launchplan.schema.json"), encoding="utf-8") as f:
        assert json.loads(result.stdout) == json.load(f)


def test_help_texts_have_examples(run_cli: Run) -> None:
    for command in ("validate", "render", "schema", "explain"):
        result = run_cli(command, "--help")
        assert result.exit_code == 0 and "Example: lpctl " + command in result.stdout


def test_version(run_cli: Run) -> None:
    from lpctl import __version__

    assert run_cli("--version") == CliResult(0, f"lpctl {__version__}\n", "")


def test_internal_errors_are_exit_3_without_traceback(run_cli: Run, in_tmp: Any, monkeypatch: Any) -> None:
    import lpctl.pipeline

    def boom(*args: Any, **kwargs: Any) -> None:
        raise ZeroDivisionError("synthetic")

    monkeypatch.setattr(lpctl.pipeline, "run", boom)
    (in_tmp / "good.yaml").write_text(GOOD)
    result = run_cli("validate", "good.yaml")
    assert result.exit_code == 3
    assert result.stderr.startswith("lpctl: internal error: ZeroDivisionError: synthetic\nThis is a bug in lpctl")
    assert "Traceback" not in result.stderr
    assert "Traceback" in run_cli("validate", "good.yaml", "--debug").stderr


def test_core_does_not_import_typer_or_rich() -> None:
    import subprocess
    import sys

    code = ("import sys, lpctl.pipeline, lpctl.bundle, lpctl.flyte1.compile, lpctl.spec.schema; "
            "print([m for m in ('typer', 'rich', 'click') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_github_format_is_the_default_under_github_actions(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "bad.yaml").write_text(BAD)
    summary_file = in_tmp / "summary.md"
    result = run_cli("validate", "bad.yaml", *PP,
                     env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary_file)})
    assert result.exit_code == 1
    assert result.stdout == (
        "::error file=bad.yaml,line=5,col=16,title=LP402::fixed input 'c' is not an input of workflow "
        "'example_pkg.workflows.my_workflow' (inputs: a, b)\n1 error in 1 of 1 file\n")
    assert summary_file.read_text().startswith("### lpctl: 1 error in 1 of 1 file\n")


def test_colour_only_when_asked_or_on_a_terminal(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "bad.yaml").write_text(BAD)
    plain = run_cli("validate", "bad.yaml", *PP)
    assert "\x1b[" not in plain.stdout
    coloured = run_cli("validate", "bad.yaml", "--color", "always", *PP)
    assert "\x1b[" in coloured.stdout
    assert "\x1b[" not in run_cli("validate", "bad.yaml", "--color", "never", *PP).stdout
    long_line = coloured.stdout.splitlines()[0]
    assert "LP402" in long_line and "(inputs: a, b)" in long_line  # never wrapped


def test_user_text_is_never_read_as_markup(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "m.yaml").write_text(HEADER + "name: lp\nworkflow: example_pkg.workflows:my_workflow\n"
                                   "fixed_inputs: {'[bold]x[/bold]': 1}\n")
    result = run_cli("validate", "m.yaml", "--color", "always", *PP)
    assert "'[bold]x[/bold]'" in result.stdout


def test_sarif_format(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "bad.yaml").write_text(BAD)
    doc = json.loads(run_cli("validate", "bad.yaml", "--format", "sarif", *PP).stdout)
    assert doc["version"] == "2.1.0"
    assert [r["ruleId"] for r in doc["runs"][0]["results"]] == ["LP402"]


def test_only_specs_skips_named_non_specs(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "good.yaml").write_text(GOOD)
    (in_tmp / "ci.yml").write_text("on: [push]\n")
    assert run_cli("validate", "good.yaml", "ci.yml", *PP).exit_code == 1
    assert run_cli("validate", "--only-specs", "good.yaml", "ci.yml", *PP) == CliResult(
        0, "1 file OK: 1 launch plan (1 YAML file skipped: not lpctl specs)\n", "")
    assert run_cli("validate", "--only-specs", "ci.yml").exit_code == 0


def test_pre_commit_hooks_file_runs_the_real_command() -> None:
    from lpctl.spec.load import load_text  # any YAML parser will do; ours refuses nothing here

    with open(os.path.join(ROOT, ".pre-commit-hooks.yaml"), encoding="utf-8") as f:
        text = f.read()
    hooks = load_text(text)[0][0].data
    assert [h["id"] for h in hooks] == ["lpctl-validate", "lpctl-validate-system"]
    assert all(h["entry"].startswith("lpctl validate --only-specs") for h in hooks)


def test_package_specs_and_their_bundle_give_the_same_archive(run_cli: Run, in_tmp: Any) -> None:
    from lpctl.package import read_archive

    (in_tmp / "good.yaml").write_text(GOOD)
    assert run_cli("package", "good.yaml", "--version", "v1", "-o", "a.tgz", *PP).exit_code == 0
    assert run_cli("render", "good.yaml", "--version", "v1", "-o", "b.json", *PP).exit_code == 0
    assert run_cli("package", "b.json", "--version", "v1", "-o", "b.tgz").exit_code == 0
    assert (in_tmp / "a.tgz").read_bytes() == (in_tmp / "b.tgz").read_bytes()
    ((name, lp),) = read_archive((in_tmp / "a.tgz").read_bytes())
    assert name == "0_lp_3.pb" and lp.id.version == "v1"
    assert run_cli("package", "good.yaml", "-o", "p.tgz", *PP).exit_code == 0
    ((_, placeholder),) = read_archive((in_tmp / "p.tgz").read_bytes())
    assert (placeholder.id.project, placeholder.id.version, placeholder.spec.workflow_id.version) == ("", "", "")


def test_register_dry_run_needs_no_server_for_a_bad_spec(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "bad.yaml").write_text(BAD)
    result = run_cli("register", "bad.yaml", "--version", "v1", "--endpoint", "127.0.0.1:1", "--insecure", *PP)
    assert result.exit_code == 1 and "LP402" in result.stderr
    both = run_cli("register", "bad.yaml", "--endpoint", "x:1", "--token-env", "A", "--token-command", "b")
    assert both == CliResult(2, "", "lpctl: give only one of --token-env, --token-command, --client-id\n")


def test_diff_command_and_exit_codes(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "old").mkdir()
    (in_tmp / "new").mkdir()
    (in_tmp / "old" / "lp.yaml").write_text(GOOD)
    (in_tmp / "new" / "lp.yaml").write_text(GOOD.replace("a: 1", "a: 2") + "labels: {team: growth}\n")
    same = run_cli("diff", "old", "old", "--version", "v1", *PP)
    assert same == CliResult(0, "no differences\n", "")
    changed = run_cli("diff", "old", "new", "--version", "v1", *PP)
    assert changed == CliResult(1, "~ flytesnacks/development/lp\n    default input 'a': 1 -> 2\n"
                                   "    labels: + team=growth\n1 launch plan differs: 1 changed\n", "")
    # two folders of specs with no version anywhere: no version line, nothing needed on the command line
    assert run_cli("diff", "old", "new", *PP).stdout == changed.stdout
    assert run_cli("render", "old", "--version", "v1", "-o", "old.json", *PP).exit_code == 0
    assert run_cli("diff", "old.json", "new", "--version", "v1", *PP).stdout == changed.stdout
    doc = json.loads(run_cli("diff", "old.json", "new", "--version", "v1", "-f", "json", *PP).stdout)
    assert doc["differences"] == 1
    missing = run_cli("diff", "nope.json", "new", "--version", "v1", *PP)
    assert missing.exit_code == 2 and missing.stderr.startswith("lpctl: nope.json")


def test_render_check(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "lp.yaml").write_text(GOOD)
    assert run_cli("render", "lp.yaml", "--version", "v1", "-o", "bundle.json", *PP).exit_code == 0
    assert run_cli("render", "lp.yaml", "--version", "v1", "--check", "bundle.json", *PP).exit_code == 0
    (in_tmp / "lp.yaml").write_text(GOOD.replace("a: 1", "a: 5"))
    stale = run_cli("render", "lp.yaml", "--version", "v1", "--check", "bundle.json", *PP)
    assert (stale.exit_code, stale.stdout) == (1, "bundle.json is not what render would write now:\n"
                                                  "~ flytesnacks/development/lp\n    default input 'a': 1 -> 5\n"
                                                  "1 launch plan differs: 1 changed\n")
    as_json = run_cli("render", "lp.yaml", "--version", "v1", "--check", "bundle.json", "-f", "json", *PP)
    document = json.loads(as_json.stdout)
    assert (as_json.exit_code, document["status"], document["check"]["upToDate"]) == (1, "fail", False)
    assert document["check"]["launchPlans"][0]["changes"][0]["path"] == "default_inputs.a"
    both = run_cli("render", "lp.yaml", "--check", "b.json", "-o", "c.json")
    assert both == CliResult(2, "", "lpctl: --check and --output cannot be used together\n")


def test_render_check_reads_files_and_pipes_never_a_device_or_an_endless_stream(run_cli: Run, in_tmp: Any) -> None:
    """--check /dev/zero read until memory ran out."""
    import subprocess
    import sys

    (in_tmp / "lp.yaml").write_text(GOOD)
    assert run_cli("render", "lp.yaml", "--version", "v1", "-o", "bundle.json", *PP).exit_code == 0
    assert run_cli("render", "lp.yaml", "--version", "v1", "--check", "/dev/zero", *PP) == CliResult(
        2, "", "lpctl: /dev/zero: cannot read: not a regular file or a pipe (a character device)\n")
    size = len((in_tmp / "bundle.json").read_bytes())
    (in_tmp / "huge.json").write_bytes(b" " * (4 * size + 1024 * 1024 + 1))
    assert run_cli("render", "lp.yaml", "--version", "v1", "--check", "huge.json", *PP) == CliResult(
        2, "", f"lpctl: huge.json: cannot read: over {4 * size + 1024 * 1024:,} bytes, far larger than the bundle "
        "render writes now: not a bundle\n")
    piped = subprocess.run(["bash", "-c", 'exec "$0" -m lpctl render lp.yaml --version v1 --check <(cat bundle.json) '
                            '--python-path "$1"', sys.executable, PP[1]], capture_output=True, text=True)
    assert (piped.returncode, piped.stdout) == (0, "")


def test_public_api_is_lazy_and_complete() -> None:
    import subprocess
    import sys

    code = ("import sys, lpctl; assert 'lpctl.pipeline' not in sys.modules; "
            "print(all(getattr(lpctl, n) is not None for n in lpctl.__all__))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


def test_only_the_cli_package_imports_typer_or_rich() -> None:
    import pathlib
    import re

    package = pathlib.Path(__file__).resolve().parents[2] / "lpctl"
    pattern = re.compile(r"^\s*(from|import)\s+(typer|rich|click)\b", re.MULTILINE)
    offenders = [str(path.relative_to(package)) for path in sorted(package.rglob("*.py"))
                 if path.parent.name != "cli" and pattern.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_package_of_a_bundle_counts_its_launch_plans(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "good.yaml").write_text(GOOD)
    assert run_cli("render", "good.yaml", "-o", "bundle.json", *PP).exit_code == 0
    assert run_cli("package", "bundle.json", "-o", "x.tgz") == CliResult(0, "", "1 file OK: 1 launch plan\n")


def test_diff_says_when_the_two_sides_were_rendered_with_different_settings(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "repo" / "launchplans").mkdir(parents=True)
    (in_tmp / "other" / "launchplans").mkdir(parents=True)
    (in_tmp / "repo" / "pyproject.toml").write_text('[tool.lpctl]\nproject = "acme"\ndomain = "production"\n')
    spec = HEADER + "name: lp_a\nworkflow:\n  name: team.wf\n  inputs: {x: int}\ndefault_inputs: {x: 1}\n"
    (in_tmp / "repo" / "launchplans" / "a.yaml").write_text(spec)
    (in_tmp / "other" / "launchplans" / "a.yaml").write_text(spec)
    os.chdir(in_tmp / "repo")
    assert run_cli("diff", "launchplans/", "../other/launchplans/") == CliResult(1, (
        "the two sides were rendered with different settings:\n"
        "  old: project acme, domain production ([tool.lpctl] in pyproject.toml)\n"
        "  new: project flytesnacks, domain development (no [tool.lpctl])\n"
        "~ flytesnacks/development/lp_a (matched by name: was acme/production/lp_a)\n"
        "    project: \"acme\" -> \"flytesnacks\"\n"
        "    domain: \"production\" -> \"development\"\n"
        "1 launch plan differs: 1 changed\n"), "")
    doc = json.loads(run_cli("diff", "launchplans/", "../other/launchplans/", "-f", "json").stdout)
    assert doc["settings"] == {"old": "project acme, domain production ([tool.lpctl] in pyproject.toml)",
                               "new": "project flytesnacks, domain development (no [tool.lpctl])"}
    assert doc["launchPlans"][0]["was"] == {"project": "acme", "domain": "production", "name": "lp_a"}
    assert run_cli("diff", "launchplans/", "launchplans/") == CliResult(0, "no differences\n", "")
