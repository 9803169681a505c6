"""lpctl migrate's files: -o DIR writes only inside DIR at normalized paths, refuses two inputs landing on one
output, reads with validate's loader and limits, and leaves no Flyte 1 guidance in the triggers it writes."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from typing import Any

import pytest
from support import HEADER, CliResult

Run = Callable[..., CliResult]
LP = HEADER + "name: a\nworkflow: wf:daily\nauto_activate: false\n"


def _files(root: Any) -> list[str]:
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)


@pytest.fixture
def teams(in_tmp: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    for team in ("team1", "team2"):
        (in_tmp / team).mkdir()
        (in_tmp / team / "lp.yaml").write_text(LP)
    (in_tmp / "work").mkdir()
    monkeypatch.chdir(in_tmp / "work")
    return in_tmp


def test_an_input_above_the_current_directory_is_written_inside_dir(run_cli: Run, teams: Any) -> None:
    result = run_cli("migrate", "-o", "out", "./../team1")
    assert result == CliResult(0, "./../team1/lp.yaml:1:1  a  needs a task mapping\n    note: task: wf:daily kept: "
                               "point it at the Flyte 2 task (--task-map wf:daily=package.module:task)\n1 launch plan: "
                               "0 migrate cleanly, 1 need a task mapping, 0 need a decision\nwrote 1 file to out\n", "")
    assert _files(teams) == ["pyproject.toml", "team1/lp.yaml", "team2/lp.yaml", "work/out/team1/lp.yaml"]
    assert (teams / "team1" / "lp.yaml").read_text() == LP


def test_a_workflow_no_task_map_names_is_counted_as_needing_one(run_cli: Run, teams: Any) -> None:
    (teams / "team2" / "lp.yaml").write_text(LP.replace("name: a", "name: b").replace("wf:daily", "wf:other"))
    result = run_cli("migrate", "../team1", "../team2", "--task-map", "wf:daily=pkg.tasks:daily")
    assert result == CliResult(0, "../team1/lp.yaml:1:1  a  clean\n"
                               "../team2/lp.yaml:1:1  b  needs a task mapping\n"
                               "    note: task: wf:other kept: point it at the Flyte 2 task "
                               "(--task-map wf:other=package.module:task)\n"
                               "2 launch plans: 1 migrate cleanly, 1 need a task mapping, 0 need a decision\n"
                               "nothing written: give -o DIR to write the triggers that need no decision\n", "")
    mapped = run_cli("migrate", "../team2", "--task-map", "wf:other=wf:other")  # the same path: already Flyte 2
    assert mapped.stdout.endswith("1 launch plan: 1 migrate cleanly, 0 need a decision\n"
                                  "nothing written: give -o DIR to write the triggers that need no decision\n")


def test_two_inputs_landing_on_one_output_write_nothing(run_cli: Run, teams: Any) -> None:
    result = run_cli("migrate", "-o", "out", "../team1/lp.yaml", "../team2/lp.yaml")
    assert result.exit_code == 2
    assert result.stderr == ("lpctl: ../team1/lp.yaml and ../team2/lp.yaml would both be written to out/lp.yaml; "
                             "migrate them to different -o directories; nothing written\n")
    assert not (teams / "work" / "out").exists()
    assert run_cli("migrate", "-o", "out", "../team1", "../team2").exit_code == 0  # directories keep their names
    assert _files(teams / "work" / "out") == ["team1/lp.yaml", "team2/lp.yaml"]


def test_migrate_reads_with_the_loaders_limits(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "deep.yaml").write_text(LP + "labels: " + "[" * 200 + "]" * 200 + "\n")
    (in_tmp / "big.yaml").write_text(LP + "# " + "x" * 6000 + "\n")
    result = run_cli("migrate", "big.yaml", "deep.yaml", "--max-bytes", "4000", "-o", "out")
    assert result == CliResult(1, "0 launch plans: 0 migrate cleanly, 0 need a decision\nwrote 0 files to out\n",
                               "big.yaml:1:1: error LP107 file is 6089 bytes, over the limit of 4000 bytes for a spec "
                               "(raise it with --max-bytes if this file really is a spec)\n"
                               "deep.yaml:6:73: error LP110 YAML nesting deeper than 64 levels\n")
    assert not (in_tmp / "out").exists() or _files(in_tmp / "out") == []


SCAFFOLDED_FLYTE1 = re.compile(r"^\s*#.*(default_inputs:|fixed_inputs:|phases:|email: \[|pager_duty|"
                               r"register and apply|apply deactivates)", re.M)


def test_the_triggers_written_carry_flyte2_guidance(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "guidemod.py").write_text("import datetime\n\n\ndef daily(day: datetime.datetime, limit: int = 10) "
                                        "-> None: ...\n")
    try:
        assert run_cli("new", "guidemod:daily", "-o", "lp.yaml").exit_code == 0
    finally:
        sys.modules.pop("guidemod", None)
    assert SCAFFOLDED_FLYTE1.search((in_tmp / "lp.yaml").read_text())  # what there was to rewrite
    assert run_cli("migrate", "lp.yaml", "-o", "out").exit_code == 0
    text = (in_tmp / "out" / "lp.yaml").read_text()
    assert SCAFFOLDED_FLYTE1.search(text) is None
    assert "\n# inputs:\n#   day:" in text
    assert "\n#   - on_phase: [FAILED, TIMED_OUT]  # SUCCEEDED, FAILED, TIMED_OUT, ABORTED\n" \
           "#     email: {recipients: [team@example.com]}  # or slack, teams or webhook\n" in text
    assert text.count("auto_activate") == 1  # the key migrate writes, not Flyte 1's commented example
    # uncommented, the examples are trigger syntax: the schema accepts them
    from lpctl.spec.load import load_text
    from lpctl.spec.schema import schema_problems

    uncommented = re.sub(r"^# ((?:inputs|schedule|notifications|labels):.*|  .*)$", r"\1", text, flags=re.M)
    uncommented = uncommented.replace("  day:  ", "  day: 2026-01-01  ")
    docs, diags = load_text(uncommented, "out.yaml")
    assert diags == []
    assert [str(d) for d in schema_problems(docs[0])[0]] == []
    assert docs[0].data["notifications"] == [{"on_phase": ["FAILED", "TIMED_OUT"],
                                              "email": {"recipients": ["team@example.com"]}}]


def test_a_redefined_anchor_is_migrated_not_a_crash(run_cli: Run, in_tmp: Any) -> None:
    """Found by the migrate fuzz: ruamel warns (ReusedAnchorWarning) where YAML 1.2 and the loader accept it."""
    (in_tmp / "a.yaml").write_text(HEADER + "name: &n first\nworkflow: &n wf:daily\nlabels:\n  team: *n\n")
    assert run_cli("migrate", "a.yaml", "-o", "out").exit_code == 0
    from lpctl.spec.load import load_text

    docs, diags = load_text((in_tmp / "out" / "a.yaml").read_text(), "out/a.yaml")
    assert diags == [] and docs[0].data["labels"] == {"team": "wf:daily"} and docs[0].data["name"] == "first"


def test_a_timestamp_that_is_no_date_stays_a_string(run_cli: Run, in_tmp: Any) -> None:
    """Found by the migrate fuzz: ruamel's round-trip loader constructed '2026-02-31T25:61:00' as a date (exit 3);
    to lpctl's YAML 1.2 loader it is a string, and it stays one."""
    (in_tmp / "t.yaml").write_text(HEADER + "name: 2026-02-31T25:61:00\nworkflow: wf:x\nlabels: {a: 2026-01-01}\n")
    assert run_cli("migrate", "t.yaml", "-o", "out").exit_code == 0
    assert (in_tmp / "out" / "t.yaml").read_text() == (
        "apiVersion: lpctl/v1\nkind: Trigger\nname: '2026-02-31T25:61:00'\ntask: wf:x\nlabels: {a: 2026-01-01}\n"
        "auto_activate: false  # not declared in Flyte 1: true if the launch plan is active\n")


@pytest.mark.parametrize("link", ["folder", "file"])
def test_a_symbolic_link_in_dir_does_not_lead_the_writes_outside(run_cli: Run, in_tmp: Any, link: str) -> None:
    (in_tmp / "lp").mkdir()
    (in_tmp / "lp" / "a.yaml").write_text(LP)
    (in_tmp / "elsewhere").mkdir()
    (in_tmp / "out").mkdir()
    if link == "folder":
        (in_tmp / "out" / "lp").symlink_to(in_tmp / "elsewhere")
    else:
        (in_tmp / "out" / "lp").mkdir()
        (in_tmp / "elsewhere" / "victim.yaml").write_text("mine\n")
        (in_tmp / "out" / "lp" / "a.yaml").symlink_to(in_tmp / "elsewhere" / "victim.yaml")
    before = _files(in_tmp / "elsewhere")
    result = run_cli("migrate", "lp", "-o", "out")
    assert result.exit_code == 2
    assert result.stderr == "lpctl: lp/a.yaml: would be written to out/lp/a.yaml, outside out; nothing written\n"
    assert _files(in_tmp / "elsewhere") == before
    assert link == "folder" or (in_tmp / "elsewhere" / "victim.yaml").read_text() == "mine\n"


def test_a_link_that_stays_inside_dir_is_written_through(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "lp").mkdir()
    (in_tmp / "lp" / "a.yaml").write_text(LP)
    (in_tmp / "out" / "real").mkdir(parents=True)
    (in_tmp / "out" / "lp").symlink_to(in_tmp / "out" / "real")
    assert run_cli("migrate", "lp", "-o", "out").exit_code == 0
    assert _files(in_tmp / "out") == ["real/a.yaml"]
    assert (in_tmp / "out" / "real" / "a.yaml").read_text().startswith("apiVersion: lpctl/v1\nkind: Trigger\n")


def test_a_trigger_edited_since_is_never_replaced_without_force(run_cli: Run, teams: Any) -> None:
    """A rerun of migrate replaced triggers edited by hand since (their task mapped, say), with exit 0."""
    assert run_cli("migrate", "-o", "out", "../team1").exit_code == 0
    written = teams / "work" / "out" / "team1" / "lp.yaml"
    first = written.read_text()
    assert run_cli("migrate", "-o", "out", "../team1").exit_code == 0  # the same text again: left as it is
    edited = first.replace("task: wf:daily", "task: pkg.tasks:daily  # mapped by hand")
    written.write_text(edited)
    (teams / "team2" / "lp.yaml").write_text(LP.replace("name: a", "name: b"))
    again = run_cli("migrate", "-o", "out", "../team1", "../team2")
    assert (again.exit_code, again.stderr) == (2, "lpctl: out/team1/lp.yaml already exists with other content "
                                               "(edited since migrate wrote it?); give --force to replace; "
                                               "nothing written\n")
    assert written.read_text() == edited and not (teams / "work" / "out" / "team2").exists()
    forced = run_cli("migrate", "-o", "out", "../team1", "../team2", "--force")
    assert (forced.exit_code, forced.stdout.splitlines()[-1]) == (0, "wrote 2 files to out")
    assert written.read_text() == first and (teams / "work" / "out" / "team2" / "lp.yaml").exists()
