"""Stage 5: compiled launch plans -> the canonical JSON bundle (pure: returns text)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from lpctl.flyte1.compile import CompiledPlan

BUNDLE_API_VERSION = "lpctl/v1"
BUNDLE_KIND = "LaunchPlanBundle"


def message_to_dict(message: Any) -> dict[str, Any]:
    """The protobuf JSON mapping (camelCase, enum names, int64 as strings)."""
    from google.protobuf import json_format

    out: dict[str, Any] = json_format.MessageToDict(message)
    return out


def ordered(plans: Iterable[CompiledPlan]) -> list[CompiledPlan]:
    """Bundle order: project, domain, name, version (then source, for duplicates being reported)."""
    return sorted(plans, key=lambda p: (*p.identity(), p.document.path, p.document.index))


def bundle(plans: Iterable[CompiledPlan], triggers: Iterable[Any] = ()) -> dict[str, Any]:
    """The bundle document, in :func:`ordered` order; Flyte 2 triggers (if any) under ``triggers``."""
    entries = []
    for plan in ordered(plans):
        lp = plan.launch_plan
        entries.append({
            "source": {"path": plan.document.path, "document": plan.document.index},
            "autoActivate": plan.auto_activate,
            "launchPlan": {"id": message_to_dict(lp.id), "spec": message_to_dict(lp.spec)},
        })
    document = {"apiVersion": BUNDLE_API_VERSION, "kind": BUNDLE_KIND, "launchPlans": entries}
    trigger_entries = _trigger_entries(triggers)
    if trigger_entries:
        document["triggers"] = trigger_entries
    return document


def _trigger_entries(triggers: Iterable[Any]) -> list[dict[str, Any]]:
    """``{"source", "taskName", "trigger"}`` per lpctl.flyte2 CompiledTrigger, by task, name, source."""
    return [{
        "source": {"path": item.document.path, "document": item.document.index},
        "taskName": item.task_name,
        "trigger": message_to_dict(item.trigger),
    } for item in sorted(triggers, key=lambda item: item.sort_key())]


def to_json(document: dict[str, Any]) -> str:
    """Canonical text: sorted keys, two-space indent, UTF-8, one trailing newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


def render_bundle(plans: Iterable[CompiledPlan], triggers: Iterable[Any] = ()) -> str:
    return to_json(bundle(plans, triggers))
