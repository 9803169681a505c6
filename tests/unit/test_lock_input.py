"""lpctl.lock read as untrusted input: malformed entries and files are errors at the lock (LP309, LP310, exit
1), never exit 3 and never a bundle; what ``lpctl lock`` does with a lock it cannot read; FIFOs and devices;
which entries ``lpctl lock PATH`` owns (one folder never drops another folder's entries)."""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Callable
from typing import Any

import pytest
from support import HEADER, CliResult

Run = Callable[..., CliResult]

WORKFLOW = '''
import datetime


def daily(day: datetime.datetime, limit: int = 10, region: str = "emea") -> None:
    """Export one day."""
'''


def _module(tmp: Any, name: str, text: str) -> None:
    (tmp / f"{name}.py").write_text(text)
    sys.modules.pop(name, None)
    importlib.invalidate_caches()


@pytest.fixture
def project(in_tmp: Any) -> Any:
    _module(in_tmp, "lockinmod", WORKFLOW)
    (in_tmp / "specs").mkdir()
    (in_tmp / "specs" / "daily.yaml").write_text(HEADER + "name: daily_lp\nworkflow: lockinmod:daily\n"
                                                 "default_inputs: {day: 2026-01-01}\n")
    yield in_tmp
    sys.modules.pop("lockinmod", None)


def _edit(project: Any, change: Callable[[dict[str, Any]], None]) -> int:
    """Change the locked entry of lockinmod:daily; the line of that entry in the (canonical) lock."""
    path = project / "specs" / "lpctl.lock"
    doc = json.loads(path.read_text())
    change(doc["workflows"]["lockinmod:daily"])
    text = json.dumps(doc, indent=2, sort_keys=True) + "\n"
    path.write_text(text)
    return text.splitlines().index('    "lockinmod:daily": {') + 1


def _malformed(line: int, what: str, *, render: bool = False) -> CliResult:
    text = (f"specs/lpctl.lock:{line}:5: error LP309 the entry of 'lockinmod:daily' is malformed: {what} (run "
            "'lpctl lock' to write it again)\n1 error in 1 of 2 files\n")
    return CliResult(1, "", text) if render else CliResult(1, text, "")


@pytest.mark.parametrize(("change", "what"), [
    (lambda e: e.update(name=None), '"name" is null, expected a non-empty string'),
    (lambda e: e.update(reference=["a"]),
     '"reference" is ["a"], expected null or [project, domain, name, version] (four strings)'),
    (lambda e: e.update(origin="git"), '"origin" is "git", expected one of "import", "admin"'),
    (lambda e: e["inputs"][1]["type"].update(simple="NOPE"),
     '"inputs"[1]: not a Flyte type or parameter (Invalid enum value NOPE for enum type flyteidl.core.SimpleType '
     'at LiteralType.simple)'),
    (lambda e: e["inputs"][1]["type"].update(simple="STRING"), '"inputs"[1]: the parameter\'s type is not the '
     "input's type"),
    (lambda e: e["inputs"][1]["parameter"]["default"]["scalar"]["primitive"].update(integer=10),
     "it is not what 'lpctl lock' writes for the interface it describes (a value is not in canonical form, or a "
     "key is missing or extra)"),
    (lambda e: e["inputs"][0].update(shape={"kind": "list"}),
     '"inputs"[0]."shape" of kind "list" must have exactly the keys [\'item\', \'kind\']'),
    (lambda e: e.pop("source"), '"source" is missing'),
])
def test_a_malformed_entry_is_an_error_at_the_lock_and_no_bundle(run_cli: Run, project: Any, change: Any,
                                                                  what: str) -> None:
    assert run_cli("lock", "specs").exit_code == 0
    line = _edit(project, change)
    assert run_cli("validate", "specs", "--locked") == _malformed(line, what)
    assert run_cli("render", "specs", "--locked", "-o", "bundle.json") == _malformed(line, what, render=True)
    assert not (project / "bundle.json").exists()


@pytest.mark.parametrize(("text", "where", "what"), [
    ("[" * 300 + "]" * 300, "", "nested deeper than 256 levels"),
    ('{"lockVersion": 1, "workflows": {"x": "\\ud800"}}', "",
     "a string at $.workflows.x holds a lone surrogate escape '\\ud800', which is not a Unicode character"),
    ('{"lockVersion": 1,\n<<<<<<< HEAD\n', ":2:1", "not valid JSON: Expecting property name enclosed in double "
     "quotes"),
    ('{"lockVersion": 2, "workflows": {}}', "",
     'not a lock of format 1 (an object with "lockVersion": 1 and "workflows")'),
    ('{"lockVersion": 1, "workflows": []}', ":1:20", '"workflows" is a list, expected an object'),
    ('{"lockVersion": 1, "workflows": {}, "x": NaN}', "", "NaN is not a JSON number"),
    # a merge that kept both sides of an entry: json.loads used the last one, silently
    ('{"lockVersion": 1, "workflows": {"lockinmod:daily": {}, "lockinmod:daily": {}}}', "",
     'the key "lockinmod:daily" is written twice in one object'),
])
def test_a_lock_that_is_not_one_is_lp310_and_lock_writes_it_anew(run_cli: Run, project: Any, text: str, where: str,
                                                                 what: str) -> None:
    (project / "specs" / "lpctl.lock").write_text(text)
    expected = f"specs/lpctl.lock{where}: error LP310 not a readable lock: {what} (run 'lpctl lock' to write it " \
               "again)\n"
    assert run_cli("render", "specs", "--locked") == CliResult(1, "", expected + "1 error in 1 of 2 files\n")
    assert run_cli("lock", "specs", "--check") == CliResult(
        1, f"specs/lpctl.lock is stale:\n  specs/lpctl.lock{where}: not a readable lock ({what})\n", "")
    assert run_cli("lock", "specs") == CliResult(0, "", f"lpctl: specs/lpctl.lock{where}: not a readable lock "
                                                 f"({what}): writing it anew\nwrote specs/lpctl.lock (1 workflow)\n")
    assert run_cli("validate", "specs", "--locked") == CliResult(0, "1 file OK: 1 launch plan\n", "")


def test_a_fifo_named_lpctl_lock_is_refused_not_waited_on(run_cli: Run, project: Any) -> None:
    os.mkfifo(project / "specs" / "lpctl.lock")
    assert run_cli("lock", "specs") == CliResult(2, "", "lpctl: specs/lpctl.lock: not a regular file (a FIFO); "
                                                 "remove it, or write the lock elsewhere with -o\n")
    assert run_cli("validate", "specs", "--locked") == CliResult(
        2, "", "lpctl: specs/lpctl.lock: cannot read the lock: not a regular file (a FIFO)\n")


def test_lock_to_a_device_writes_through_and_reads_nothing(run_cli: Run, project: Any) -> None:
    assert run_cli("lock", "specs", "-o", "/dev/zero") == CliResult(0, "", "wrote /dev/zero (1 workflow)\n")
    assert run_cli("lock", "specs", "-o", "/dev/null", "--check") == CliResult(
        2, "", "lpctl: /dev/null: no lock to check; run 'lpctl lock' to write it\n")


def test_locking_one_folder_keeps_the_entries_other_folders_use(run_cli: Run, in_tmp: Any) -> None:
    _module(in_tmp, "teamamod", "def a(x: int = 1) -> None: ...\n")
    _module(in_tmp, "teambmod", "def b(y: str = 'q') -> None: ...\n")
    for team, ref in (("teamA", "teamamod:a"), ("teamB", "teambmod:b")):
        (in_tmp / team / "launchplans").mkdir(parents=True)
        (in_tmp / team / "launchplans" / "lp.yaml").write_text(HEADER + f"name: {team}_lp\nworkflow: {ref}\n")
    assert run_cli("lock", ".", "-o", "lpctl.lock").exit_code == 0
    assert run_cli("lock", "teamB/launchplans/") == CliResult(0, "", "wrote lpctl.lock (2 workflows)\n")
    assert sorted(json.loads((in_tmp / "lpctl.lock").read_text())["workflows"]) == ["teamamod:a", "teambmod:b"]
    assert run_cli("validate", "teamA/launchplans", "--locked") == CliResult(0, "1 file OK: 1 launch plan\n", "")
    assert run_cli("lock", "teamB/launchplans/", "--check") == CliResult(0, "lpctl.lock is up to date\n", "")
    (in_tmp / "teamB" / "launchplans" / "lp.yaml").unlink()  # no spec uses teambmod:b any more: dropped
    assert run_cli("lock", "teamA/launchplans/") == CliResult(0, "", "wrote lpctl.lock (1 workflow)\n")
    assert sorted(json.loads((in_tmp / "lpctl.lock").read_text())["workflows"]) == ["teamamod:a"]
    for name in ("teamamod", "teambmod"):
        sys.modules.pop(name, None)


def test_a_lock_too_large_or_not_utf8_is_lp310(run_cli: Run, project: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import lpctl.lockfile

    assert run_cli("lock", "specs").exit_code == 0
    (project / "specs" / "lpctl.lock").write_bytes(b" " * (1024 * 1024 + 1))
    with monkeypatch.context() as patched:
        patched.setattr(lpctl.lockfile, "MAX_LOCK_BYTES", 1024 * 1024)
        assert run_cli("validate", "specs", "--locked") == CliResult(
            1, "specs/lpctl.lock: error LP310 not a readable lock: the lock is larger than 1 MiB (run 'lpctl lock' "
            "to write it again)\n1 error in 1 of 2 files\n", "")
    (project / "specs" / "lpctl.lock").write_bytes(b'{"lockVersion": 1, "workflows": {"\xff": {}}}')
    assert run_cli("validate", "specs", "--locked") == CliResult(
        1, "specs/lpctl.lock: error LP310 not a readable lock: the lock is not UTF-8 text (byte 34) (run 'lpctl "
        "lock' to write it again)\n1 error in 1 of 2 files\n", "")


PLANTED = '{"lockVersion": 1, "workflows": {}}\n'


@pytest.mark.parametrize("marker", [".git", "pyproject.toml", None])
def test_a_lock_above_the_project_is_neither_used_nor_rewritten(run_cli: Run, tmp_path: Any, marker: str | None,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A lpctl.lock in a shared parent (/tmp): the search stops at the project's root (.git, pyproject.toml),
    or without either at the current directory."""
    (tmp_path / "lpctl.lock").write_text(PLANTED)
    repo = tmp_path / "repo"
    (repo / "specs").mkdir(parents=True)
    if marker == ".git":
        (repo / ".git").mkdir()
    elif marker:
        (repo / marker).write_text("[tool.lpctl]\n")
    monkeypatch.chdir(repo)
    _module(repo, "lockinmod", WORKFLOW)
    (repo / "specs" / "daily.yaml").write_text(HEADER + "name: daily_lp\nworkflow: lockinmod:daily\n"
                                               "default_inputs: {day: 2026-01-01}\n")
    assert run_cli("validate", "specs", "--locked") == CliResult(
        2, "", "lpctl: --locked: no lpctl.lock at or above specs; run 'lpctl lock' on these specs first\n")
    assert run_cli("lock", "specs") == CliResult(0, "", "wrote specs/lpctl.lock (1 workflow)\n")
    assert (tmp_path / "lpctl.lock").read_text() == PLANTED
    assert run_cli("validate", "specs", "--locked") == CliResult(0, "1 file OK: 1 launch plan\n", "")
    sys.modules.pop("lockinmod", None)


def test_two_folders_with_a_lock_each_are_told_how_to_check_them(run_cli: Run, project: Any) -> None:
    (project / "other").mkdir()
    (project / "other" / "daily.yaml").write_text((project / "specs" / "daily.yaml").read_text()
                                                  .replace("daily_lp", "other_lp"))
    assert run_cli("lock", "specs").exit_code == 0
    assert run_cli("lock", "other").exit_code == 0
    assert run_cli("validate", "specs", "other", "--locked") == CliResult(
        2, "", "lpctl: --locked: no lpctl.lock at or above the folder specs, other share (other/lpctl.lock, "
        "specs/lpctl.lock each serve only the specs below them); check each folder in its own run, or write one "
        "lock for all with 'lpctl lock specs other'\n")
    (project / "other" / "lpctl.lock").unlink()
    assert run_cli("validate", "specs", "other", "--locked").stderr == (
        "lpctl: --locked: no lpctl.lock at or above the folder specs, other share (specs/lpctl.lock serves only the "
        "specs below it); check each folder in its own run, or write one lock for all with 'lpctl lock specs other'\n")
    assert run_cli("lock", "specs", "other") == CliResult(0, "", "wrote lpctl.lock (1 workflow)\n")
    assert run_cli("validate", "specs", "other", "--locked") == CliResult(0, "2 files OK: 2 launch plans\n", "")


@pytest.mark.parametrize("target", ["victim", "missing"])
def test_lock_never_writes_through_a_link_that_leaves_the_project(run_cli: Run, project: Any, target: str,
                                                                  tmp_path_factory: pytest.TempPathFactory) -> None:
    """A committed specs/lpctl.lock -> ../../victim: 'lpctl lock' replaced the file outside the repository."""
    outside = tmp_path_factory.mktemp("outside")
    (outside / "victim").write_text("precious\n")
    (project / "specs" / "lpctl.lock").symlink_to(outside / target)
    expected = (f"lpctl: specs/lpctl.lock is a symbolic link to {outside / target}, outside the project {project}: "
                "nothing written; remove the link, or name where to write with -o\n")
    assert run_cli("lock", "specs") == CliResult(2, "", expected)
    assert sorted(os.listdir(outside)) == ["victim"]
    assert (outside / "victim").read_text() == "precious\n"


def test_lock_writes_through_a_link_that_stays_in_the_project(run_cli: Run, project: Any) -> None:
    (project / "shared").mkdir()
    (project / "specs" / "lpctl.lock").symlink_to(project / "shared" / "lpctl.lock")
    assert run_cli("lock", "specs") == CliResult(0, "", "wrote specs/lpctl.lock (1 workflow)\n")
    assert os.path.islink(project / "specs" / "lpctl.lock")
    assert json.loads((project / "shared" / "lpctl.lock").read_text())["workflows"].keys() == {"lockinmod:daily"}
    assert run_cli("validate", "specs", "--locked") == CliResult(0, "1 file OK: 1 launch plan\n", "")


def test_a_monorepo_shares_one_lock_at_the_repository_root(run_cli: Run, tmp_path: Any,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Packages with a pyproject.toml each, one lock at the repository's root (.git): found from each."""
    (tmp_path / ".git").mkdir()
    for package in ("one", "two"):
        (tmp_path / package / "specs").mkdir(parents=True)
        (tmp_path / package / "pyproject.toml").write_text("[tool.lpctl]\n")
        (tmp_path / package / "specs" / "daily.yaml").write_text(
            HEADER + f"name: {package}_lp\nworkflow: lockinmod:daily\ndefault_inputs: {{day: 2026-01-01}}\n")
    monkeypatch.chdir(tmp_path)
    _module(tmp_path, "lockinmod", WORKFLOW)
    assert run_cli("lock", "one/specs", "two/specs") == CliResult(0, "", "wrote lpctl.lock (1 workflow)\n")
    monkeypatch.chdir(tmp_path / "one")
    assert run_cli("validate", "specs", "--locked") == CliResult(0, "1 file OK: 1 launch plan\n", "")
    sys.modules.pop("lockinmod", None)
