"""Comments in a migrated trigger: Flyte 1 guidance (``lpctl new``'s commented examples) in Flyte 2 terms.

``lpctl migrate`` keeps every comment, and a launch plan written by ``lpctl new`` carries commented
examples in launch plan syntax (``default_inputs:``, ``phases:``, ``email: [...]``), which would
fail in a trigger once uncommented. Comment lines are rewritten to the trigger's syntax, and
guidance with no Flyte 2 meaning (what ``apply`` does with ``auto_activate: true``) is dropped:
the migrated file says ``auto_activate`` itself. Only whole-line comments change; values never do.
"""

from __future__ import annotations

import re

#: (pattern on a comment line, replacement); applied in order, each at most once a line
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), r) for p, r in (
    (r"^(\s*#\s*)Launch plan for workflow (\S+)",
     r"\1Trigger migrated by `lpctl migrate` from the launch plan for workflow \2"),
    (r"^(\s*#\s*)The workflow's inputs, with their defaults: uncomment a line to give the launch plan its$",
     r"\1The inputs, with the workflow's defaults: uncomment a line to give the trigger its own default"),
    (r"^(\s*#\s*)own default \(an execution may override it\), or move it under fixed_inputs \(it may not\)\.$",
     r"\1(Flyte 2 has no fixed inputs: a run may always override it)."),
    (r"^(\s*#\s*)(?:default_inputs|fixed_inputs):", r"\1inputs:"),
    (r"^(\s*#\s*)workflow:", r"\1task:"),
    (r"^(\s*#\s*)envs:", r"\1env_vars:"),
    (r"^(\s*#\s*-\s*)phases:", r"\1on_phase:"),
    (r"^(\s*#\s*(?:-\s*)?)email: \[([^\]]*)\] *", r"\1email: {recipients: [\2]}  "),
    (r"# or slack: \[\.\.\.\] or pager_duty: \[\.\.\.\]", "# or slack, teams or webhook"),
))
#: lines dropped: what apply does with auto_activate in Flyte 1 (the migrated file writes the key itself),
#: and a Flyte 1 notifier
_DROPPED = re.compile(r"^\s*#\s*auto_activate: true\s+# true: register and apply|"
                      r"^\s*#\s+# (false: apply deactivates|not written: apply leaves)|^\s*#\s*-?\s*pager_duty:")


def flyte2_guidance(text: str) -> str:
    """``text`` (a migrated file) with its Flyte 1 comment lines in Flyte 2 terms."""
    lines = []
    for line in text.splitlines(keepends=True):
        if not line.lstrip().startswith("#"):
            lines.append(line)
            continue
        if _DROPPED.search(line):
            continue
        for pattern, replacement in _REWRITES:
            line = pattern.sub(replacement, line, count=1)
        lines.append(line)
    return "".join(lines)
