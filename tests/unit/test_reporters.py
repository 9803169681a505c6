"""Machine formats: GitHub workflow commands (escaped), step summary, SARIF, JSON."""

from __future__ import annotations

import json
from typing import Any

from lpctl.diagnostics import Diagnostic, Location, Severity
from lpctl.reporters import github_lines, sarif_report, step_summary, summarize, summary_line

TRICKY = Diagnostic("LP405", Severity.ERROR, "value 100% wrong:\nsee a,b", Location("dir,x/a:b.yaml", 3, 7),
                    hint="quote it: '1'")
WARN = Diagnostic("LP511", Severity.WARNING, "fires often", Location("s.yaml", 1, 2))


def test_github_commands_escape_data_and_properties() -> None:
    # a line break in user text is already escaped by Diagnostic itself: one finding, one line
    assert TRICKY.message == "value 100% wrong:\\nsee a,b"
    assert github_lines([TRICKY, WARN]) == [
        "::error file=dir%2Cx/a%3Ab.yaml,line=3,col=7,title=LP405::value 100%25 wrong:\\nsee a,b (quote it: '1')",
        "::warning file=s.yaml,line=1,col=2,title=LP511::fires often",
    ]


def test_step_summary_is_a_markdown_table() -> None:
    pipe = Diagnostic("LP201", Severity.ERROR, "a | b", Location("f.yaml", 1, 1))
    summary = summarize([pipe], files=1, skipped=0, launch_plans=0)
    assert step_summary([pipe], summary) == (
        "### lpctl: 1 error in 1 of 1 file\n\n"
        "| Location | Severity | Code | Message |\n|---|---|---|---|\n"
        "| `f.yaml:1:1` | error | LP201 | a \\| b |\n\n")


def test_summary_lines() -> None:
    assert summary_line(summarize([], 3, 0, 5)) == "3 files OK: 5 launch plans"
    assert summary_line(summarize([TRICKY, WARN], 3, 2, 1)) == (
        "1 error and 1 warning in 2 of 3 files (2 YAML files skipped: not lpctl specs)")


# What GitHub code scanning requires of an uploaded SARIF file (docs: "SARIF support for code scanning").
GITHUB_SARIF = {
    "type": "object", "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "runs": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["tool", "results"],
            "properties": {
                "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {
                    "type": "object", "required": ["name", "rules"],
                    "properties": {"name": {"type": "string"}, "rules": {"type": "array", "items": {
                        "type": "object", "required": ["id", "shortDescription", "fullDescription", "help"],
                        "properties": {"id": {"type": "string"},
                                       "shortDescription": {"required": ["text"]},
                                       "fullDescription": {"required": ["text"]},
                                       "help": {"required": ["text"]}}}}}}}},
                "results": {"type": "array", "items": {
                    "type": "object", "required": ["ruleId", "message", "locations", "level"],
                    "properties": {
                        "level": {"enum": ["error", "warning", "note", "none"]},
                        "message": {"type": "object", "required": ["text"]},
                        "locations": {"type": "array", "minItems": 1, "items": {
                            "required": ["physicalLocation"], "properties": {"physicalLocation": {
                                "required": ["artifactLocation", "region"],
                                "properties": {
                                    "artifactLocation": {"required": ["uri"]},
                                    "region": {"required": ["startLine"], "properties": {
                                        "startLine": {"type": "integer", "minimum": 1},
                                        "startColumn": {"type": "integer", "minimum": 1}}}}}}}}}}},
            }}},
    },
}


def test_sarif_has_the_structure_github_requires() -> None:
    from jsonschema import Draft202012Validator

    from lpctl.codes import CODES

    doc = json.loads(sarif_report([TRICKY, WARN], summarize([TRICKY, WARN], 1, 0, 0)))
    Draft202012Validator(GITHUB_SARIF).validate(doc)
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(CODES)
    first = run["results"][0]
    assert rules[first["ruleIndex"]]["id"] == "LP405"
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "dir%2Cx/a%3Ab.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 3, "startColumn": 7}}
    assert [r["level"] for r in run["results"]] == ["error", "warning"]
    assert rules[first["ruleIndex"]]["name"] == "InputValueOfTheWrongType"


def test_invisible_characters_in_user_text_are_escaped(run_cli: Any, in_tmp: Any) -> None:
    """A right-to-left override in a spec's value turned the rest of the diagnostic around on a terminal (and in
    a CI log, JSON and SARIF); it is shown escaped, as control characters are."""
    assert Diagnostic("LP703", Severity.ERROR, "value \"a\u202eb\u200b\"", Location("f.yaml", 1, 1)).message == (
        'value "a\\u202eb\\u200b"')
    (in_tmp / "lp.yaml").write_text("apiVersion: lpctl/v1\nkind: LaunchPlan\nname: x\n"
                                    "workflow: {name: a.b, inputs: {n: int}}\nlabels: {city: \"a\\u202eb\"}\n")
    result = run_cli("validate", "lp.yaml")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith('lp.yaml:5:16: error LP703 invalid label value "a\\u202eb" for key')
    assert "\u202e" not in result.stdout
