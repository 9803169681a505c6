"""Two bundle entries of one launch plan, compared section by section in spec terms (pure)."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from lpctl.bundle import Tree
from lpctl.diff.changes import (
    SPEC,
    FieldChange,
    get,
    in_spec_terms,
    is_plain,
    keys_within,
    scalar,
    take,
    tree_diff,
)
from lpctl.diff.inputs import input_changes
from lpctl.diff.schedule import notification_changes, schedule_changes

_BEHAVIOR_PREFIX = "CONCURRENCY_LIMIT_BEHAVIOR_"


def diff_entries(old: Tree, new: Tree) -> list[FieldChange]:
    """Every difference between two bundle entries of the same launch plan."""
    old_tree, new_tree = _comparable(old), _comparable(new)
    _drop_placeholder_versions(old_tree, new_tree)
    return in_spec_terms(old_tree, new_tree, lambda: _section_changes(old_tree, new_tree))


def _section_changes(old: Tree, new: Tree) -> list[FieldChange]:
    rest_old, rest_new = copy.deepcopy(old), copy.deepcopy(new)  # the sections take their parts
    changes = [change for section in _SECTIONS for change in section(rest_old, rest_new)]
    return changes + tree_diff("", rest_old, rest_new)


def _comparable(entry: Tree) -> Tree:
    """The entry without its source, envs (a map sent as a list) in key order."""
    out = copy.deepcopy({k: v for k, v in entry.items() if k != "source"})
    envs = get(out, (*SPEC, "envs"))
    if _is_env_list(envs):
        envs["values"] = sorted(envs.get("values", []), key=lambda i: str(i.get("key", "")))
    return out


_VERSIONS = (("launchPlan", "id", "version"), ("launchPlan", "spec", "workflowId", "version"))


def _drop_placeholder_versions(old: Tree, new: Tree) -> None:
    """An empty version is a placeholder filled in at registration: it differs from no version."""
    for path in _VERSIONS:
        if not (get(old, path) and get(new, path)):
            for tree in (old, new):
                parent = get(tree, path[:-1])
                if isinstance(parent, dict):
                    parent.pop(path[-1], None)


# -- identity, workflow and plain fields --------------------------------------------------------



def _version(old: Tree, new: Tree) -> list[FieldChange]:
    """The workflow and the versions (placeholders were dropped before: see _drop_placeholder_versions)."""
    out: list[FieldChange] = []
    fields = ((("launchPlan", "id", "version"), "version"), ((*SPEC, "workflowId", "name"), "workflow"),
              ((*SPEC, "workflowId", "version"), "workflow_version"))
    for proto, spec in fields:
        pair = take(old, new, proto, is_plain)
        if pair is not None:
            out.extend(scalar(spec, spec, *pair))
    return out


#: (protobuf JSON path, spec path, value when absent)
_PLAIN_FIELDS: list[tuple[tuple[str, ...], str, Any]] = [
    ((*SPEC, "rawOutputDataConfig", "outputLocationPrefix"), "raw_output_data_config.output_location_prefix",
     None),
    ((*SPEC, "maxParallelism"), "max_parallelism", None),
    ((*SPEC, "overwriteCache"), "overwrite_cache", False),
    ((*SPEC, "interruptible"), "interruptible", None),
    (("autoActivate",), "auto_activate", None),
]


def _plain_fields(old: Tree, new: Tree) -> list[FieldChange]:
    out: list[FieldChange] = []
    for proto, spec, absent in _PLAIN_FIELDS:
        pair = take(old, new, proto, is_plain)
        if pair is not None:
            o, n = (absent if v is None else v for v in pair)
            out.extend(scalar(spec, spec, o, n))
    return out


def _concurrency(old: Tree, new: Tree) -> list[FieldChange]:
    pair = take(old, new, (*SPEC, "concurrencyPolicy"), lambda v: keys_within(v, {"max", "behavior"}))
    if pair is None:
        return []
    o, n = (None if v is None else _concurrency_view(v) for v in pair)
    return tree_diff("concurrency", o, n)


def _concurrency_view(policy: Tree) -> Tree:
    behavior = str(policy.get("behavior", "UNSPECIFIED")).removeprefix(_BEHAVIOR_PREFIX)
    return {"max_concurrency": policy.get("max", 0), "behavior": behavior}


def _security(old: Tree, new: Tree) -> list[FieldChange]:
    pair = take(old, new, (*SPEC, "securityContext"), lambda v: isinstance(v, dict))
    if pair is None:
        return []
    return tree_diff("security_context", _snake(pair[0]), _snake(pair[1]))


def _snake(value: Any) -> Any:
    """camelCase keys -> snake_case, recursively (one to one, so no difference is lost)."""
    if isinstance(value, dict):
        return {re.sub(r"(?<!^)([A-Z])", r"_\1", k).lower(): _snake(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snake(v) for v in value]
    return value


# -- labels, annotations, envs ------------------------------------------------------------------


def _is_str_map(value: Any) -> bool:
    return keys_within(value, {"values"}) and isinstance(value.get("values", {}), dict) and all(
        isinstance(v, str) for v in value.get("values", {}).values())


def _is_env_list(value: Any) -> bool:
    items = value.get("values", []) if keys_within(value, {"values"}) else None
    if not isinstance(items, list) or not all(keys_within(i, {"key", "value"}) for i in items):
        return False
    keys = [i.get("key", "") for i in items]
    return len(set(keys)) == len(keys) and all(isinstance(i.get("value", ""), str) for i in items)


def _labels(old: Tree, new: Tree) -> list[FieldChange]:
    out: list[FieldChange] = []
    for proto, spec in (("labels", "labels"), ("annotations", "annotations")):
        pair = take(old, new, (*SPEC, proto), _is_str_map)
        if pair is not None:
            o, n = ((v or {}).get("values", {}) for v in pair)
            out.extend(_map_diff(spec, o, n))
    pair = take(old, new, (*SPEC, "envs"), _is_env_list)
    if pair is not None:
        o, n = ({i.get("key", ""): i.get("value", "") for i in (v or {}).get("values", [])} for v in pair)
        out.extend(_map_diff("envs", o, n))
    return out


def _map_diff(name: str, old: dict[str, str], new: dict[str, str]) -> list[FieldChange]:
    out = []
    for key in sorted(old.keys() | new.keys()):
        o, n = old.get(key), new.get(key)
        if o == n:
            continue
        if o is None:
            label = f"{name}: + {key}={n}"
        elif n is None:
            label = f"{name}: - {key}={o}"
        else:
            label = f"{name}: ~ {key}: {o} -> {n}"
        out.append(FieldChange(f"{name}.{key}", label, o, n))
    return out


_SECTIONS: list[Callable[[Tree, Tree], list[FieldChange]]] = [
    _version, input_changes, schedule_changes, notification_changes, _labels, _security, _concurrency, _plain_fields,
]


