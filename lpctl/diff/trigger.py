"""Flyte 2 triggers (bundle entries ``{"source", "taskName", "trigger"}``), compared in spec terms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lpctl.bundle import Tree
from lpctl.diff.changes import Bare, FieldChange, in_spec_terms, show
from lpctl.diff.values import readable

# -- Flyte 2 triggers (bundle entries {"source", "taskName", "trigger"}) ---------------------------
#
# Matched by task name and trigger name; keyed ("trigger", task, name), so that they print as
# ``trigger/<task>/<name>``. Differences are named by the Trigger spec's keys (inputs.<name>,
# schedule.cron, notifications[0], ...); what the view does not cover falls back to the protobuf path.

def trigger_changes(old: Tree, new: Tree) -> list[FieldChange]:
    return in_spec_terms(old, new, lambda: _view_changes(_trigger_view(old), _trigger_view(new)))


def _view_changes(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    return [FieldChange(path, f"{path}: {show(old.get(path))} -> {show(new.get(path))}", old.get(path),
                        new.get(path)) for path in sorted(old.keys() | new.keys()) if old.get(path) != new.get(path)]


def _trigger_view(trigger: Tree) -> dict[str, Any]:
    """A TaskTrigger (protobuf JSON) flattened to Trigger spec paths with readable values."""
    spec, run = trigger.get("spec", {}), trigger.get("spec", {}).get("runSpec", {})
    inputs = spec.get("inputs", {})
    view: dict[str, Any] = {"auto_activate": bool(spec.get("active", False)),
                            "description": spec.get("description"), "queue": run.get("queue"),
                            "interruptible": run.get("interruptible"), "overwrite_cache": run.get("overwriteCache"),
                            "max_action_concurrency": run.get("maxActionConcurrency")}
    view.update({f"inputs.{lit['name']}": readable(lit.get("value")) for lit in inputs.get("literals", [])})
    view.update({f"custom_context.{kv['key']}": kv.get("value") for kv in inputs.get("context", [])
                 if kv.get("key") != "_u_kickoff_time_input_arg"})
    view.update({f"env_vars.{kv['key']}": kv.get("value") for kv in run.get("envs", {}).get("values", [])})
    for section in ("labels", "annotations"):
        view.update({f"{section}.{k}": v for k, v in run.get(section, {}).get("values", {}).items()})
    for i, rule in enumerate(run.get("notificationRules", {}).get("rules", [])):
        view.update(_rule_view(f"notifications[{i}]", rule))
    view.update(_trigger_schedule(trigger.get("automationSpec", {}).get("schedule", {})))
    return {k: v for k, v in view.items() if v is not None}


def _rule_view(path: str, rule: Tree) -> dict[str, Any]:
    """One InlineRule in spec terms; Slack and Teams are webhooks on the wire, so they read as webhooks."""
    view: dict[str, Any] = {f"{path}.on_phase": [p.removeprefix("ACTION_PHASE_") for p in rule.get("onPhases", [])],
                            f"{path}.delivery": rule.get("deliveryConfigName")}
    template = rule.get("deliveryTemplate", {})
    email, hook = template.get("email", {}), template.get("webhook", {})
    for name, key in (("recipients", "to"), ("cc", "cc"), ("bcc", "bcc")):
        view[f"{path}.email.{name}"] = [r.get("address") for r in email[key]] if key in email else None
    inline = email.get("inline", {})
    view.update({f"{path}.email.subject": inline.get("subject"), f"{path}.email.body": inline.get("textTemplate"),
                 f"{path}.email.html_body": inline.get("htmlTemplate")})
    view.update({f"{path}.webhook.{k}": hook.get(w) for k, w in
                 (("url", "url"), ("method", "method"), ("headers", "headers"), ("body", "bodyTemplate"))})
    return view


def _trigger_schedule(schedule: Tree) -> dict[str, Any]:
    from lpctl.schedule.durations import format_duration

    rate = schedule.get("rate", {})
    return {
        "schedule.cron": schedule.get("cron", {}).get("expression"),
        "schedule.timezone": schedule.get("cron", {}).get("timezone"),
        "schedule.fixed_rate": Bare(format_duration(dt.timedelta(minutes=int(rate["value"])))) if rate else None,
        "schedule.start_time": rate.get("startTime"),
        "schedule.kickoff_time_input_arg": schedule.get("kickoffTimeInputArg"),
    }
