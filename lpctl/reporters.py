"""Diagnostics -> text for people and formats for machines. Plain strings; cli.py writes them."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lpctl.diagnostics import Diagnostic, Severity

REPORT_VERSION = 1


@dataclass(frozen=True)
class Summary:
    files: int
    skipped: int
    launch_plans: int
    errors: int
    warnings: int
    files_with_problems: int
    #: the pyproject.toml whose [tool.lpctl] settings were used, if any
    config: str | None = None
    #: Flyte 2 triggers (kind: Trigger) compiled
    triggers: int = 0


def summarize(diagnostics: Sequence[Diagnostic], files: int, skipped: int, launch_plans: int,
              config: str | None = None, triggers: int = 0) -> Summary:
    counted = [d for d in diagnostics if d.severity >= Severity.WARNING]
    return Summary(
        files=files, skipped=skipped, launch_plans=launch_plans,
        errors=sum(1 for d in diagnostics if d.severity is Severity.ERROR),
        warnings=sum(1 for d in diagnostics if d.severity is Severity.WARNING),
        files_with_problems=len({d.location.path for d in counted}), config=config, triggers=triggers,
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(s: Summary) -> str:
    """``2 errors in 1 of 3 files`` / ``3 files OK: 5 launch plans``."""
    problems = [_plural(n, w) for n, w in ((s.errors, "error"), (s.warnings, "warning")) if n]
    if problems:
        line = f"{' and '.join(problems)} in {s.files_with_problems} of {_plural(s.files, 'file')}"
    else:
        line = f"{_plural(s.files, 'file')} OK: {_plural(s.launch_plans, 'launch plan')}"
        if s.triggers:
            line += f", {_plural(s.triggers, 'trigger')}"
    if s.skipped:
        line += f" ({_plural(s.skipped, 'YAML file')} skipped: not lpctl specs)"
    if s.config:
        line += f" [settings: {_relative(s.config)}]"
    return line


def _relative(path: str) -> str:
    import os

    relative = os.path.relpath(path)
    return path if relative.startswith(".." + os.sep + "..") else relative


def json_report(diagnostics: Sequence[Diagnostic], summary: Summary, check: dict[str, Any] | None = None) -> str:
    """The versioned document; ``check`` is ``render --check``'s verdict, which also sets the status."""
    stale = check is not None and not check.get("upToDate")
    doc: dict[str, Any] = {
        "version": REPORT_VERSION,
        "status": "fail" if summary.errors or stale else "ok",
        "diagnostics": [diagnostic_dict(d) for d in diagnostics],
        "summary": {
            "files": summary.files, "skipped": summary.skipped, "launchPlans": summary.launch_plans,
            "errors": summary.errors, "warnings": summary.warnings,
        },
    }
    if summary.config:
        doc["summary"]["settings"] = summary.config
    if check is not None:
        doc["check"] = check
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def diagnostic_dict(d: Diagnostic) -> dict[str, Any]:
    loc = d.location
    return {"code": d.code, "severity": d.severity.label, "message": d.message, "hint": d.hint,
            "path": loc.path, "line": loc.line, "column": loc.col, "jsonPath": loc.json_path}


# -- GitHub Actions -------------------------------------------------------------------------

_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    """actions/toolkit ``escapeData``: the message of a workflow command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """actions/toolkit ``escapeProperty``: a ``key=value`` of a workflow command."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_lines(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """One ``::error file=...,line=...,col=...,title=LPnnn::message`` workflow command each."""
    lines = []
    for d in diagnostics:
        loc = d.location
        props = [f"file={_escape_property(loc.path)}"]
        if loc.line:
            props += [f"line={loc.line}", f"col={loc.col}"]
        props.append(f"title={_escape_property(d.code)}")
        message = d.message + (f" ({d.hint})" if d.hint else "")
        lines.append(f"::{_GITHUB_LEVEL[d.severity]} {','.join(props)}::{_escape_data(message)}")
    return lines


_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
_BACKTICKS = re.compile(r"`+")


def _cell(text: str) -> str:
    """Text in a Markdown table cell, shown as text: every ASCII punctuation character escaped, so
    that a spec value cannot become a link, an image, HTML, emphasis or another column."""
    return _PUNCTUATION.sub(lambda m: "\\" + m.group(), " ".join(text.splitlines()))


def _code(text: str) -> str:
    """A code span in a table cell: fenced by more backticks than it holds; '|' still escaped (GFM)."""
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return fence + pad + " ".join(text.splitlines()).replace("|", "\\|") + pad + fence


def step_summary(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    """A Markdown table of every finding (GitHub shows only 10 annotations per step)."""
    out = [f"### lpctl: {summary_line(summary)}", ""]
    if diagnostics:
        out += ["| Location | Severity | Code | Message |", "|---|---|---|---|"]
        for d in diagnostics:
            message = d.message + (f" ({d.hint})" if d.hint else "")
            out.append(f"| {_code(str(d.location))} | {d.severity.label} | {d.code} | {_cell(message)} |")
    return "\n".join(out) + "\n\n"


# -- SARIF 2.1.0 ----------------------------------------------------------------------------

_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


#: where a SARIF rule's help leads: the README's section on diagnostics (``lpctl explain CODE`` says the rest)
HELP_URI = "https://github.com/lpctl/lpctl/blob/main/README.md#diagnostics"


def sarif_report(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    """SARIF 2.1.0 as GitHub code scanning reads it: one rule per code, one result per finding."""
    from urllib.parse import quote

    from lpctl import __version__
    from lpctl.codes import CODES

    index = {code: i for i, code in enumerate(CODES)}
    rules = [{
        "id": info.code, "name": _rule_name(info.title),
        "shortDescription": {"text": info.title}, "fullDescription": {"text": info.explanation},
        "help": {"text": f"{info.explanation} How to fix: {info.fix}"},
        "helpUri": HELP_URI,
    } for info in CODES.values()]
    results = []
    for d in diagnostics:
        region = {"startLine": max(d.location.line, 1), "startColumn": max(d.location.col, 1)}
        result: dict[str, Any] = {
            "ruleId": d.code, "level": _SARIF_LEVEL[d.severity],
            "message": {"text": d.message + (f" ({d.hint})" if d.hint else "")},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": quote(d.location.path), "uriBaseId": "%SRCROOT%"},
                "region": region}}],
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        results.append(result)
    doc = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "lpctl", "version": __version__, "semanticVersion": __version__,
                            "informationUri": "https://github.com/lpctl/lpctl", "rules": rules}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }]}
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _rule_name(title: str) -> str:
    """``unknown default input`` -> ``UnknownDefaultInput`` (SARIF's rule name)."""
    import re

    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", title))
