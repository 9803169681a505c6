"""The README says what lpctl really does: its examples are run, its install commands can work."""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any

import pytest
from support import HEADER, ROOT, CliResult

with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as _f:
    README = _f.read()
INPUT_TYPES = ["int", "datetime", "timedelta", "Enum", "dataclass", "list", "dict", "Optional", "Union", "FlyteFile"]


@pytest.fixture(autouse=True)
def _fresh_myproject() -> Any:
    """Each test writes its own myproject package: forget the one a previous test imported."""
    import sys

    def forget() -> None:
        for name in [m for m in sys.modules if m == "myproject" or m.startswith("myproject.")]:
            del sys.modules[name]

    forget()
    yield
    forget()


def _section(title: str) -> str:
    start = README.index(title)
    end = min((i for i in (README.find("\n## ", start + 1), README.find("\n### ", start + 1)) if i > 0),
              default=-1)
    return README[start:end if end > 0 else None]


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)


def test_the_diagnostics_example_is_a_real_run(run_cli: Any, in_tmp: Any) -> None:
    block = _blocks(_section("## Diagnostics"), "")[0]
    spec = block.split("$ cat launchplans/weekly.yaml\n")[1].split("$ lpctl validate launchplans/\n")[0]
    shown = block.split("$ lpctl validate launchplans/\n")[1].split("$ lpctl explain LP502\n")[0]
    explain_head = block.split("$ lpctl explain LP502\n")[1].split("...\n")[0]
    os.makedirs("myproject")
    (in_tmp / "myproject" / "__init__.py").write_text("")
    (in_tmp / "myproject" / "workflows.py").write_text("def my_workflow(a: int, b: str) -> None:\n    ...\n")
    os.makedirs("launchplans")
    (in_tmp / "launchplans" / "weekly.yaml").write_text(spec)
    assert run_cli("validate", "launchplans/", "--format", "text") == CliResult(1, shown, "")
    assert "LP502" in shown and "LP402" in shown
    assert run_cli("explain", "LP502").stdout.startswith(explain_head)


@pytest.fixture
def report_workflow(in_tmp: Any) -> Any:
    section = _section("### Writing input values")
    (python,) = _blocks(section, "python")
    assert python.startswith("# myproject/workflows.py\n")
    os.makedirs("myproject")
    (in_tmp / "myproject" / "__init__.py").write_text("")
    (in_tmp / "myproject" / "workflows.py").write_text(python)
    return section


def test_every_input_type_example_validates(report_workflow: str) -> None:
    from lpctl.pipeline import Options, run
    from lpctl.spec.config import Config

    examples = _blocks(report_workflow, "yaml")
    assert len(examples) == len(INPUT_TYPES)
    for example in examples:
        assert example.startswith("default_inputs:\n")
        with open("spec.yaml", "w", encoding="utf-8") as f:
            f.write(HEADER + "name: lp\nworkflow: myproject.workflows:report\n" + example)
        result = run(["spec.yaml"], Options(config=Config()))
        assert [str(d) for d in result.diagnostics] == [], example
        assert len(result.plans) == 1


def test_the_input_type_examples_are_checked_not_waved_through(report_workflow: str) -> None:
    """The same examples with a value of the wrong kind fail: the check above can fail."""
    from lpctl.pipeline import Options, run
    from lpctl.spec.config import Config

    wrong = {"count: 3": "count: three", "day: 2026": "day: yesterday-2026", "lookback: 1h30m": "lookback: 90",
             "region: eu-west-1": "region: EU", "hours: 6": "hours: six", "regions: [": "regions: {a: 1}\n  x: [",
             "note: null": "note: [1]", "key: 42": "key: [42]", "data: s3": "data: {nope: 1}\n  x: s3"}
    for example in _blocks(report_workflow, "yaml"):
        broken = example
        for old, new in wrong.items():
            broken = broken.replace(old, new)
        if broken == example:
            continue
        with open("spec.yaml", "w", encoding="utf-8") as f:
            f.write(HEADER + "name: lp\nworkflow: myproject.workflows:report\n" + broken)
        assert not run(["spec.yaml"], Options(config=Config())).ok, broken


def test_install_commands_name_only_what_exists() -> None:
    code = "".join(_blocks(README, "sh") + _blocks(README, "yaml"))
    commands = [line for line in code.splitlines() if "pip install" in line]
    assert commands
    for line in commands:
        # no release on PyPI: lpctl comes from a clone (".", "./lpctl", "-e .") or a VCS URL
        for requirement in re.findall(r"pip install ((?:\"[^\"]*\"|'[^']*'|\S+)(?: (?:\"[^\"]*\"|'[^']*'|\S+))*)",
                                      line):
            for word in re.findall(r"\"[^\"]*\"|'[^']*'|\S+", requirement.split("&&")[0]):
                word = word.strip("\"'`")
                if word.startswith("lpctl"):
                    assert "@ git+https://github.com/lpctl/lpctl" in word, line
    assert "rev: v0.1.0" not in README
    (rev,) = re.findall(r"rev: (\S+)", README)
    assert re.fullmatch(r"[0-9a-f]{40}", rev)


def test_the_schemastore_entry_points_at_the_published_schema() -> None:
    from lpctl.spec.schema import load_schema

    with open(os.path.join(ROOT, "schemas", "schemastore-catalog-entry.json"), encoding="utf-8") as f:
        entry = json.load(f)
    assert sorted(entry) == ["description", "fileMatch", "name", "url"]
    assert entry["url"] == load_schema()["$id"]
    assert entry["fileMatch"] == ["**/launchplans/*.yaml", "**/launchplans/*.yml", "*.lp.yaml", "*.lp.yml"]
    assert entry["url"] in README and "lpctl schema --output" in README


def test_the_lpctl_new_example_is_a_real_run(run_cli: Any, in_tmp: Any) -> None:
    block = _blocks(_section("## Writing a spec"), "sh")[0]
    lines = block.splitlines()
    assert lines[0] == "$ lpctl new myproject.workflows:daily_report -o launchplans/daily_report.yaml"
    assert lines[2] == "$ lpctl validate launchplans/"
    os.makedirs("myproject")
    (in_tmp / "myproject" / "__init__.py").write_text("")
    (in_tmp / "myproject" / "workflows.py").write_text(
        "import datetime\n\n\ndef daily_report(day: datetime.datetime, region: str = 'eu-west-1', retries: int = 3)"
        " -> None:\n    ...\n")
    os.makedirs("launchplans")
    assert run_cli(*lines[0].split()[2:]) == CliResult(0, "", lines[1] + "\n")
    assert run_cli(*lines[2].split()[2:]) == CliResult(0, lines[3] + "\n", "")


def test_the_readme_and_the_code_cite_no_document_outside_the_repository() -> None:
    """DESIGN.md and the Flyte reference notes are not part of the repository: nothing may send a reader there."""
    import pathlib

    cited = re.compile(r"DESIGN\.md|\(reference [0-9]|reference (?:section|[0-9]+\.[0-9])")
    code = sorted(pathlib.Path(ROOT, "lpctl").rglob("*.py"))
    texts = {"README.md": README} | {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in code}
    assert [f"{name}: {m.group()}" for name, text in texts.items() for m in cited.finditer(text)] == []


def test_pip_install_installs_every_package() -> None:
    """A package missing from [tool.setuptools] packages works in an editable install and is absent from a
    real one ('pip install .' gave "cannot import name 'accel' from 'lpctl'" on the first README command)."""
    import pathlib

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        listed = set(tomllib.load(f)["tool"]["setuptools"]["packages"]) - {"lpctl.schemas"}
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in pathlib.Path(ROOT, "lpctl").rglob("__init__.py")}
    assert listed == found


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation but '-' and '_' dropped, spaces made '-'."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_into_the_readme_leads_to_a_heading() -> None:
    """The contents on the first screen, the cross-references and the SARIF rules' helpUri."""
    from lpctl.reporters import HELP_URI

    prose = re.sub(r"```.*?```", "", README, flags=re.S)
    anchors = {_anchor(h) for h in re.findall(r"(?m)^#{1,6} (.*)$", prose)}
    links = [*re.findall(r"\]\(#([^)]+)\)", prose), HELP_URI.partition("#")[2]]
    assert len(links) > 20
    assert sorted({link for link in links if link not in anchors}) == []
    assert _anchor("Checking without importing: `lpctl lock` and `--locked`") == \
        "checking-without-importing-lpctl-lock-and---locked"
