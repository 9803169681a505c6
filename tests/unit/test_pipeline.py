"""lpctl.pipeline on its own: run() and gather() over files in a temporary directory, with workflows that are
plain typed functions (no flytekit): what a Result holds, identity precedence, one root cause per error."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import HEADER

from lpctl.bundle import render_bundle
from lpctl.diagnostics import Severity
from lpctl.errors import UsageError
from lpctl.pipeline import Options, Result, configured, gather, run
from lpctl.spec.config import Config, Identity


@pytest.fixture
def repo(in_tmp: Path) -> Path:
    """A repository with a typed-function workflow ``flows:daily(region: str = "emea")``."""
    (in_tmp / "flows.py").write_text("def daily(region: str = 'emea') -> None: ...\n")
    (in_tmp / "specs").mkdir()
    return in_tmp


def _spec(repo: Path, file: str, body: str) -> None:
    (repo / "specs" / file).write_text(HEADER + body)


def _lines(result: Result) -> list[str]:
    return [str(d) for d in result.diagnostics]


def test_a_directory_of_specs(repo: Path) -> None:
    _spec(repo, "b.yaml", "name: second\nworkflow: flows:daily\n")
    _spec(repo, "a.yaml", "name: first\nworkflow: flows:daily\n---\n" + HEADER + "name: third\nworkflow: flows:daily\n")
    (repo / "specs" / "other.yaml").write_text("just: yaml\n")
    result = run(["specs"], Options(config=Config()))
    assert (_lines(result), result.files, result.documents, result.skipped) == (
        [], ["specs/a.yaml", "specs/b.yaml"], 3, 1)
    assert [p.identity() for p in result.plans] == [("flytesnacks", "development", name, "")
                                                    for name in ("first", "third", "second")]
    assert result.ok and result.count(Severity.ERROR) == 0


def test_identity_precedence_spec_then_flags_then_pyproject(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.lpctl]\nproject = "team"\ndomain = "staging"\nversion = "cfg"\n')
    _spec(repo, "a.yaml", "name: a\nworkflow: flows:daily\ndomain: production\n")
    result = run(["specs"], Options(identity=Identity(version="cli")))
    assert [p.identity() for p in result.plans] == [("team", "production", "a", "cli")]
    assert result.config_source == str(repo / "pyproject.toml")


def test_configured_reads_the_nearest_pyproject_once(repo: Path) -> None:
    (repo / "specs" / "pyproject.toml").write_text('[tool.lpctl]\nproject = "inner"\n')
    options = configured(["specs/a.yaml"], Options())
    assert options.config is not None and options.config.identity == Identity(project="inner")
    given = Options(config=Config())
    assert configured(["specs"], given) is given


def test_a_broken_field_is_reported_once_and_the_others_are_still_checked(repo: Path) -> None:
    _spec(repo, "a.yaml", "name: a\nworkflow: flows:daily\nmax_parallelism: -1\n"
                          "default_inputs: {region: 3}\n")
    result = run(["specs"], Options(config=Config()))
    assert result.plans == []
    assert _lines(result) == [
        "specs/a.yaml:5:18: error LP206 'max_parallelism' must be at least 0, found -1",
        "specs/a.yaml:6:26: error LP405 default input 'region': expected str, found the integer 3 (quote it: '3')",
    ]


def test_a_broken_name_does_not_make_a_default_launch_plan(repo: Path) -> None:
    _spec(repo, "a.yaml", "name: 7\nworkflow: flows:daily\nlabels: {team: data}\n")
    result = run(["specs"], Options(config=Config()))
    assert (result.plans, _lines(result)) == ([], [
        "specs/a.yaml:3:7: error LP202 'name' must be a string, found an integer (7) (quote the value so that YAML "
        "reads it as text)"])


def test_the_same_name_twice(repo: Path) -> None:
    _spec(repo, "a.yaml", "name: a\nworkflow: flows:daily\n")
    _spec(repo, "b.yaml", "workflow: flows:daily\n---\n" + HEADER + "name: a\nworkflow: flows:daily\n")
    result = run(["specs"], Options(config=Config()))
    assert _lines(result) == [
        "specs/b.yaml:7:7: error LP806 launch plan flytesnacks/development/a is also defined at specs/a.yaml:3:7 "
        "(launch plan names must be unique within a project and domain)"]
    assert not result.ok and result.count(Severity.ERROR) == 1


def test_paths_without_specs(repo: Path) -> None:
    (repo / "specs" / "other.yaml").write_text("just: yaml\n")
    with pytest.raises(UsageError) as caught:
        run(["specs"], Options(config=Config()))
    assert str(caught.value) == "no lpctl specs found in specs (1 YAML file is not an lpctl spec)"
    result = run(["specs"], Options(config=Config(), only_specs=True))
    assert (result.plans, result.diagnostics, result.skipped) == ([], [], 1)


def _bundle(repo: Path, body: str) -> str:
    _spec(repo, "from_bundle.yaml", body)
    text = render_bundle(run(["specs/from_bundle.yaml"], Options(config=Config())).plans)
    (repo / "specs" / "from_bundle.yaml").unlink()
    (repo / "b.json").write_text(text)
    return "b.json"


def test_gather_takes_bundles_as_they_are_then_specs_in_bundle_order(repo: Path) -> None:
    path = _bundle(repo, "name: z\nworkflow: flows:daily\nversion: v1\nauto_activate: true\n")
    _spec(repo, "a.yaml", "name: b\nworkflow: flows:daily\n---\n" + HEADER + "name: a\nworkflow: flows:daily\n")
    gathered = gather([path, "specs"], Options(config=Config()))
    assert [(lp.id.name, lp.id.version, auto) for lp, auto in gathered.launch_plans] == [
        ("z", "v1", True), ("a", "", None), ("b", "", None)]
    assert (gathered.result.files, gathered.result.bundled) == (["b.json", "specs/a.yaml"], 1)


def test_gather_with_a_failing_spec_keeps_only_the_bundles(repo: Path) -> None:
    path = _bundle(repo, "name: z\nworkflow: flows:daily\n")
    _spec(repo, "a.yaml", "name: a\nworkflow: flows:nowhere\n")
    gathered = gather([path, "specs/a.yaml"], Options(config=Config()))
    assert [lp.id.name for lp, _ in gathered.launch_plans] == ["z"]
    assert _lines(gathered.result) == ["specs/a.yaml:4:11: error LP303 module 'flows' has no attribute 'nowhere' "
                                       "(workflows there: daily)"]


def test_gather_of_bundles_only_runs_no_specs(repo: Path) -> None:
    path = _bundle(repo, "name: z\nworkflow: flows:daily\n")
    gathered = gather([path], Options(config=Config()))
    assert (len(gathered.launch_plans), gathered.result) == (1, Result(files=["b.json"], bundled=1))


def test_a_file_hands_over_only_what_it_compiled(repo: Path) -> None:
    """In one process the checker and the run share their targets: what a file hands over is its own plans,
    never the run's whole list again (copying that once per file made -j 1 quadratic in the files)."""
    from lpctl.pipeline import _Resolving, _Targets
    from lpctl.target import Importing

    targets = _Targets(Identity(), _Resolving(Importing([str(repo)], 10.0)))
    targets.extend({"LaunchPlan": ["kept-1", "kept-2"]})
    assert targets.take() == ({}, {})
    targets.extend({"LaunchPlan": ["kept-3"]})
    assert targets.compiled("LaunchPlan") == ["kept-1", "kept-2", "kept-3"]


def test_each_plan_is_kept_once_in_file_order(repo: Path) -> None:
    for i in range(4):
        _spec(repo, f"s{i}.yaml", f"name: plan{i}\nworkflow: flows:daily\n")
    result = run(["specs"], Options(config=Config()))
    assert [p.key[2] for p in result.plans] == ["plan0", "plan1", "plan2", "plan3"]


def test_every_identity_field_falls_back_to_the_lower_layer() -> None:
    from dataclasses import fields, replace

    names = [f.name for f in fields(Identity)]
    lower = Identity(**{name: f"low-{name}" for name in names})
    assert Identity().under(lower) == lower
    for name in names:
        own = replace(Identity(), **{name: "own"})
        assert own.under(lower) == replace(lower, **{name: "own"})
