"""Diagnostics -> text for people and formats for machines. Plain strings; cli.py writes them."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
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


def summarize(diagnostics: Sequence[Diagnostic], files: int, skipped: int, launch_plans: int) -> Summary:
    counted = [d for d in diagnostics if d.severity >= Severity.WARNING]
    return Summary(
        files=files, skipped=skipped, launch_plans=launch_plans,
        errors=sum(1 for d in diagnostics if d.severity is Severity.ERROR),
        warnings=sum(1 for d in diagnostics if d.severity is Severity.WARNING),
        files_with_problems=len({d.location.path for d in counted}),
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
    if s.skipped:
        line += f" ({_plural(s.skipped, 'YAML file')} skipped: not lpctl specs)"
    return line


def text_lines(diagnostics: Sequence[Diagnostic]) -> list[str]:
    return [str(d) for d in diagnostics]


def json_report(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    doc: dict[str, Any] = {
        "version": REPORT_VERSION,
        "status": "fail" if summary.errors else "ok",
        "diagnostics": [diagnostic_dict(d) for d in diagnostics],
        "summary": {
            "files": summary.files, "skipped": summary.skipped, "launchPlans": summary.launch_plans,
            "errors": summary.errors, "warnings": summary.warnings,
        },
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def diagnostic_dict(d: Diagnostic) -> dict[str, Any]:
    loc = d.location
    return {"code": d.code, "severity": d.severity.label, "message": d.message, "hint": d.hint,
            "path": loc.path, "line": loc.line, "column": loc.col, "jsonPath": loc.json_path}


Formatter = Callable[[Sequence[Diagnostic], Summary], str]
