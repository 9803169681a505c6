"""lpctl new and lpctl fmt from the command line: files, streams, exit codes."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from typing import Any

from support import CONFORMANCE, HEADER, ROOT, CliResult, limited

Run = Callable[..., CliResult]
PP = ("--python-path", CONFORMANCE)
UNTIDY = HEADER.replace("apiVersion: lpctl/v1\nkind: LaunchPlan\n", "kind: LaunchPlan\napiVersion: lpctl/v1\n") + (
    "workflow: example_pkg.workflows:my_workflow\nname: lp   # the name\ndefault_inputs:\n    a: 1\n    b: 'x'\n")
TIDY = ("apiVersion: lpctl/v1\nkind: LaunchPlan\nname: lp   # the name\nworkflow: example_pkg.workflows:my_workflow\n"
        "default_inputs:\n  a: 1\n  b: 'x'\n")


def test_new_writes_a_file_that_validates_and_never_clobbers(run_cli: Run, in_tmp: Any) -> None:
    os.mkdir("launchplans")
    result = run_cli("new", "example_pkg.workflows:scheduled", "-o", "launchplans/nightly.yaml", "--name", "nightly",
                     *PP)
    assert result == CliResult(0, "", "wrote launchplans/nightly.yaml: launch plan nightly, 3 inputs, 1 required; "
                                      "check it with: lpctl validate launchplans/nightly.yaml\n")
    text = (in_tmp / "launchplans" / "nightly.yaml").read_text()
    assert "\nname: nightly\nworkflow: example_pkg.workflows:scheduled\n" in text
    assert run_cli("validate", "launchplans/", *PP) == CliResult(0, "1 file OK: 1 launch plan\n", "")
    again = run_cli("new", "example_pkg.workflows:plain", "-o", "launchplans/nightly.yaml", *PP)
    assert again == CliResult(2, "", "lpctl: launchplans/nightly.yaml exists; give --force to replace it\n")
    assert (in_tmp / "launchplans" / "nightly.yaml").read_text() == text
    forced = run_cli("new", "example_pkg.workflows:plain", "-o", "launchplans/nightly.yaml", "--force", *PP)
    assert forced.exit_code == 0 and "workflow: example_pkg.workflows:plain\n" in (
        in_tmp / "launchplans" / "nightly.yaml").read_text()


def test_new_prints_to_stdout_and_reports_a_bad_workflow(run_cli: Run, in_tmp: Any) -> None:
    result = run_cli("new", "example_pkg.workflows:no_inputs", *PP)
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.splitlines()[4:8] == [
        "apiVersion: lpctl/v1", "kind: LaunchPlan", "name: no_inputs_lp", "workflow: example_pkg.workflows:no_inputs"]
    missing = run_cli("new", "example_pkg.nowhere:wf", *PP)
    assert missing.exit_code == 1 and missing.stdout == ""
    assert missing.stderr.startswith("example_pkg.nowhere:wf: error LP301 module 'example_pkg.nowhere' not found")
    assert run_cli("new", "team.wf", "--input", "day") == CliResult(
        2, "", "lpctl: --input 'day': write NAME=TYPE, e.g. --input 'regions=list[str]'\n")


def test_new_for_a_registered_workflow(run_cli: Run, in_tmp: Any) -> None:
    result = run_cli("new", "team.pipelines.export", "--input", "day=datetime", "--input", "regions=list[str]")
    assert result.exit_code == 0
    assert "workflow:\n  name: team.pipelines.export\n  inputs:\n    day: datetime\n    regions: \"list[str]\"\n" \
        in result.stdout


def test_fmt_rewrites_in_place_and_check_lists_what_would_change(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "a.yaml").write_text(UNTIDY)
    (in_tmp / "b.yaml").write_text(TIDY)
    os.chmod("a.yaml", 0o640)
    assert run_cli("fmt", "--check", ".") == CliResult(1, "would reformat a.yaml\n",
                                                        "1 file would be reformatted, 1 file unchanged\n")
    assert (in_tmp / "a.yaml").read_text() == UNTIDY
    assert run_cli("fmt", ".") == CliResult(0, "reformatted a.yaml\n", "1 file reformatted, 1 file unchanged\n")
    assert (in_tmp / "a.yaml").read_text() == TIDY
    assert stat.S_IMODE(os.stat("a.yaml").st_mode) == 0o640
    assert sorted(os.listdir(".")) == ["a.yaml", "b.yaml", "pyproject.toml"]  # no temporary file left
    assert run_cli("fmt", "--check", "a.yaml", "b.yaml") == CliResult(0, "", "0 files would be reformatted, "
                                                                               "2 files unchanged\n")


def test_fmt_leaves_broken_files_alone(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "broken.yaml").write_text(HEADER + "name: [unclosed\n")
    (in_tmp / "other.yaml").write_text("replicas: 3\n")
    result = run_cli("fmt", "broken.yaml")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("broken.yaml:4:1: error LP101 YAML syntax error")
    assert (in_tmp / "broken.yaml").read_text() == HEADER + "name: [unclosed\n"
    assert run_cli("fmt", "other.yaml").stderr.startswith("other.yaml:1:1: error LP106")
    assert run_cli("fmt", "missing.yaml") == CliResult(2, "", "lpctl: missing.yaml: no such file or directory\n")
    os.remove("broken.yaml")
    assert run_cli("fmt", ".") == CliResult(2, "", "lpctl: no lpctl specs found in .\n")


def test_schema_output_writes_the_published_schema(run_cli: Run, in_tmp: Any) -> None:
    from lpctl.spec.schema import schema_text

    assert run_cli("schema", "--output", "launchplan.schema.json") == CliResult(0, "", "")
    assert (in_tmp / "launchplan.schema.json").read_text() == schema_text()
    assert run_cli("schema").stdout == schema_text()
    assert '"$id": "https://raw.githubusercontent.com/lpctl/lpctl/main/schemas/launchplan.schema.json"' in schema_text()


def test_new_to_a_stream_does_not_suggest_validating_it(run_cli: Run, in_tmp: Any) -> None:
    plain = run_cli("new", "example_pkg.workflows:scheduled", "--name", "nightly", *PP)
    assert plain.exit_code == 0 and "\nname: nightly\n" in plain.stdout
    for path in ("/dev/stdout", "/proc/self/fd/1"):
        assert run_cli("new", "example_pkg.workflows:scheduled", "--name", "nightly", "-o", path, *PP) == CliResult(
            0, plain.stdout, f"wrote {path}: launch plan nightly, 3 inputs, 1 required\n")
    to_null = run_cli("new", "example_pkg.workflows:scheduled", "--name", "nightly", "-o", "/dev/null", "--force", *PP)
    assert to_null == CliResult(0, "", "wrote /dev/null: launch plan nightly, 3 inputs, 1 required\n")


def test_new_for_a_flyte2_task_writes_a_trigger_and_never_clobbers(run_cli: Run, in_tmp: Any) -> None:
    pp = ("--python-path", os.path.join(os.path.dirname(CONFORMANCE), "conformance_flyte2"))
    result = run_cli("new", "flyte2_pkg.pipelines:export", "-o", "nightly.yaml", *pp)
    assert result == CliResult(0, "", "wrote nightly.yaml: trigger export_trigger, 4 inputs, 1 required; "
                                      "check it with: lpctl validate nightly.yaml\n")
    text = (in_tmp / "nightly.yaml").read_text()
    assert "\nkind: Trigger\nname: export_trigger\ntask: flyte2_pkg.pipelines:export\n" in text
    again = run_cli("new", "flyte2_pkg.pipelines:train", "-o", "nightly.yaml", *pp)
    assert again == CliResult(2, "", "lpctl: nightly.yaml exists; give --force to replace it\n")
    assert (in_tmp / "nightly.yaml").read_text() == text
    assert run_cli("new", "flyte2_pkg.pipelines:train", "-o", "nightly.yaml", "--force", *pp).exit_code == 0
    assert "\ntask: flyte2_pkg.pipelines:train\n" in (in_tmp / "nightly.yaml").read_text()


# -- fmt keeps every comment, writes the file it read (issue 26) --------------------------------

SPEC = "apiVersion: lpctl/v1\nkind: LaunchPlan\nname: a\nworkflow: pkg.wf:run\n"
REFUSED = ("fmt keeps comments above keys and items and at the end of their lines; one after '...', inside a nested "
           "[...] or {...}, or below a [...] that is a list item, it cannot")


def test_fmt_writes_a_flow_collection_with_comments_in_block_style(run_cli: Run, in_tmp: Any) -> None:
    text = (SPEC + "default_inputs:\n  tickers: [  # all of them\n    # tech\n    AAPL, MSFT,  # big\n    # energy\n"
            "    XOM,\n  ]\n  weights: {\n    # inside\n    a: 1,  # eol\n    b: 2\n  }\n")
    (in_tmp / "a.yaml").write_text(text)
    assert run_cli("fmt", "a.yaml") == CliResult(0, "reformatted a.yaml\n", "1 file reformatted, 0 files unchanged\n")
    assert (in_tmp / "a.yaml").read_text() == SPEC + (
        "default_inputs:\n  tickers:  # all of them\n    # tech\n    - AAPL\n    - MSFT  # big\n    # energy\n"
        "    - XOM\n  weights:\n    # inside\n    a: 1  # eol\n    b: 2\n")
    assert run_cli("fmt", "--check", "a.yaml").exit_code == 0


def test_fmt_refuses_what_would_lose_a_comment_and_leaves_the_bytes(run_cli: Run, in_tmp: Any) -> None:
    cases = {
        "marker.yaml": ("--- # first\n" + SPEC, 1, "# first"),
        # out of order, so that fmt must rewrite it (a file in the layout is left as it is, exit 0)
        "item.yaml": (SPEC.replace("name: a\n", "") + "name: a\ndefault_inputs:\n  a:\n    - [1]\n    # below\n"
                      "    - [2]  # two\n", 8, "# below"),
        "end.yaml": (SPEC + "...\n# after the end\n", 6, "# after the end"),
    }
    for name, (text, line, comment) in cases.items():
        (in_tmp / name).write_bytes(text.encode())
        for args in (("fmt",), ("fmt", "--check")):
            assert run_cli(*args, name) == CliResult(1, "", (
                f"{name}:{line}:1: error LP115 left as it is: lpctl fmt would lose the comment '{comment}' or move "
                f"it away from what it annotates ({REFUSED})\n0 files {'would be ' if '--check' in args else ''}"
                "reformatted, 1 file unchanged\n"))
            assert (in_tmp / name).read_bytes() == text.encode()


def test_fmt_keeps_comments_above_markers_and_items(run_cli: Run, in_tmp: Any) -> None:
    text = ("kind: LaunchPlan  # the kind\n# above apiVersion\napiVersion: lpctl/v1\nname: a\nworkflow: pkg.wf:run\n"
            "default_inputs:\n  names:\n    # above the item\n    - x  # own comment\n    # above y\n    - z\n"
            "# above the marker\n---\n" + SPEC.replace("name: a", "name: b"))
    (in_tmp / "a.yaml").write_text(text)
    assert run_cli("fmt", "a.yaml") == CliResult(0, "reformatted a.yaml\n", "1 file reformatted, 0 files unchanged\n")
    assert (in_tmp / "a.yaml").read_text() == (
        "# above apiVersion\napiVersion: lpctl/v1\nkind: LaunchPlan  # the kind\nname: a\nworkflow: pkg.wf:run\n"
        "default_inputs:\n  names:\n    # above the item\n    - x  # own comment\n    # above y\n    - z\n"
        "# above the marker\n---\n" + SPEC.replace("name: a", "name: b"))
    assert run_cli("fmt", "--check", "a.yaml").exit_code == 0


def test_fmt_writes_the_file_it_read(run_cli: Run, in_tmp: Any) -> None:
    untidy = SPEC.replace("apiVersion: lpctl/v1\nkind: LaunchPlan\n", "kind: LaunchPlan\napiVersion: lpctl/v1\n")
    os.makedirs("elsewhere/deep")
    os.symlink("elsewhere/deep", "link")
    (in_tmp / "elsewhere" / "x.yaml").write_text(untidy)  # link/../x.yaml is this one
    (in_tmp / "x.yaml").write_text(untidy + "# the other one\n")
    assert run_cli("fmt", "link/../x.yaml") == CliResult(0, "reformatted elsewhere/x.yaml\n",
                                                         "1 file reformatted, 0 files unchanged\n")
    assert (in_tmp / "elsewhere" / "x.yaml").read_text() == SPEC
    assert (in_tmp / "x.yaml").read_text() == untidy + "# the other one\n"
    name = os.fsdecode(b"bad\xff.yaml")
    with open(name, "w") as f:
        f.write(untidy)
    assert run_cli("fmt", name) == CliResult(0, "reformatted bad\\xff.yaml\n",
                                             "1 file reformatted, 0 files unchanged\n")
    with open(name) as f:
        assert f.read() == SPEC
    assert sorted(os.listdir(".")) == sorted(["elsewhere", "link", "pyproject.toml", "x.yaml", name])


def test_fmt_never_exits_3_on_a_file_validate_reads(run_cli: Run, in_tmp: Any) -> None:
    text = SPEC + "default_inputs:\n  t: 2024-01-02T03:04:05.123+01:00\n  n: ~\n  f: +5\nlabels: [a, b]\n"
    (in_tmp / "a.yaml").write_text(text)
    assert run_cli("fmt", "a.yaml") == CliResult(0, "", "0 files reformatted, 1 file unchanged\n")
    assert (in_tmp / "a.yaml").read_text() == text


def test_new_refuses_a_name_validate_would_refuse_before_writing(run_cli: Run, in_tmp: Any) -> None:
    assert run_cli("new", "team.wf", "--input", "a=int", "--name", "wf1 daily", "-o", "x.yaml") == CliResult(
        2, "", "lpctl: --name: name 'wf1 daily' contains ' ', which Flyte identifiers cannot hold (use letters, "
        "digits, '-', '_', '.' and ':')\n")
    assert not os.path.exists("x.yaml")
    assert run_cli("new", "team.wf", "--input", "a=int", "--name", "") == CliResult(2, "", "lpctl: --name is empty\n")


def test_new_writes_a_long_default_one_item_a_line_as_fmt_keeps_it(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "longdefaults.py").write_text(
        "from flytekit import workflow\n\n\n@workflow\n"
        "def wf(regions: list[str] = [f'region-{i:02d}-of-the-fleet' for i in range(4)], count: int = 3) -> None:\n"
        "    ...\n")
    result = run_cli("new", "longdefaults:wf", "--python-path", ".")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    start = lines.index("# default_inputs:")
    assert lines[start + 1:start + 7] == [
        "#   regions:            # list[str]; workflow default",
        "#     - region-00-of-the-fleet",
        "#     - region-01-of-the-fleet",
        "#     - region-02-of-the-fleet",
        "#     - region-03-of-the-fleet",
        "#   count: 3            # int; workflow default",
    ]
    uncommented = [line[2:] if start <= i <= start + 6 else line for i, line in enumerate(lines)]
    (in_tmp / "lp.yaml").write_text("\n".join(uncommented) + "\n")
    assert run_cli("fmt", "--check", "lp.yaml").exit_code == 0
    assert run_cli("validate", "lp.yaml", "--python-path", ".") == CliResult(0, "1 file OK: 1 launch plan\n", "")


def test_fmt_keeps_the_header_on_top_and_moves_a_key_with_its_comment(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "a.yaml").write_text("# yaml-language-server: $schema=x.json\n\n# about the kind\nkind: LaunchPlan\n"
                                   "# about the version\napiVersion: lpctl/v1\nname: a\nworkflow: pkg.wf:run\n")
    assert run_cli("fmt", "a.yaml").exit_code == 0
    assert (in_tmp / "a.yaml").read_text() == (
        "# yaml-language-server: $schema=x.json\n\n# about the version\napiVersion: lpctl/v1\n# about the kind\n"
        "kind: LaunchPlan\nname: a\nworkflow: pkg.wf:run\n")


def test_new_on_a_full_disk_leaves_no_half_written_spec(in_tmp: Any) -> None:
    """It left the part that fitted, and the next run said the file exists."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "lpctl", "new", "example_pkg.workflows:with_defaults", "-o", "lp.yaml", *PP]
    done = subprocess.run(limited(command, FSIZE=200), capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", "lpctl: lp.yaml: cannot write: File too large\n")
    assert sorted(os.listdir(in_tmp)) == ["pyproject.toml"]
    os.mkdir("folder")
    done = subprocess.run([*command[:-3], "folder", *PP], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (2, "lpctl: folder: cannot write: Is a directory\n")


def test_fmt_and_migrate_never_write_an_invisible_character_raw(run_cli: Run, in_tmp: Any) -> None:
    """An escaped right-to-left override or a raw zero width space ("Trojan Source") is written escaped: fmt and
    migrate wrote both raw, where a pull request's diff hides them. Only such a value changes style (double
    quotes, every non-ASCII character in it escaped); the others keep theirs."""
    body = ("name: lp\nworkflow: example_pkg.workflows:my_workflow\n"
            "default_inputs: {a: 1, b: \"evil\\u202eexe.txt\"}\n"
            "labels: {team: 'a\u200bb', city: 'München'}\nauto_activate: true\n")
    (in_tmp / "lp.yaml").write_text(HEADER + body)
    assert run_cli("fmt", "lp.yaml") == CliResult(0, "reformatted lp.yaml\n", "1 file reformatted, 0 files unchanged\n")
    assert (in_tmp / "lp.yaml").read_text() == HEADER + (
        "name: lp\nworkflow: example_pkg.workflows:my_workflow\n"
        "default_inputs: {a: 1, b: \"evil\\u202Eexe.txt\"}\n"
        "labels: {team: \"a\\u200Bb\", city: 'München'}\nauto_activate: true\n")
    assert run_cli("fmt", "--check", "lp.yaml").exit_code == 0
    (in_tmp / "lp.yaml").write_text(HEADER + body)
    migrated = run_cli("migrate", "lp.yaml", "-o", "out", "--task-map",
                       "example_pkg.workflows:my_workflow=example_pkg.workflows:my_workflow")
    assert migrated.exit_code == 0, migrated.stderr
    trigger = (in_tmp / "out" / "lp.yaml").read_text()
    assert "inputs: {a: 1, b: \"evil\\u202Eexe.txt\"}\n" in trigger
    assert "labels: {team: \"a\\u200Bb\", city: 'München'}\n" in trigger


def test_the_bundled_samples_are_in_fmt_layout(run_cli: Run) -> None:
    """A newcomer's first `lpctl fmt --check samples/` passes: the samples are written as lpctl fmt writes."""
    samples = os.path.join(ROOT, "samples")
    count = sum(name.endswith(".yaml") for name in os.listdir(samples))
    assert run_cli("fmt", "--check", samples) == CliResult(0, "", f"0 files would be reformatted, {count} files "
                                                                  "unchanged\n")
