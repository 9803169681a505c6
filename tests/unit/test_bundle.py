"""lpctl.bundle on its own: the canonical text, its order, reading it back as messages, the exact reasons a
file is not a bundle, and filling placeholder versions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flyteidl.admin import launch_plan_pb2
from flyteidl.core import identifier_pb2

from lpctl.bundle import (
    bundle,
    bundle_problem,
    entry_key,
    fill_versions,
    is_bundle_path,
    launch_plans,
    parse_bundle,
    read_bundle,
    render_bundle,
)
from lpctl.errors import PathError, UsageError
from lpctl.flyte1.compile import CompiledPlan, Source
from lpctl.spec.config import Identity
from lpctl.spec.load import load_text


def _lp(name: str, project: str = "p", version: str = "", workflow_version: str = "") -> launch_plan_pb2.LaunchPlan:
    lp = launch_plan_pb2.LaunchPlan(id=identifier_pb2.Identifier(
        resource_type=identifier_pb2.LAUNCH_PLAN, project=project, domain="d", name=name, version=version))
    lp.spec.workflow_id.CopyFrom(identifier_pb2.Identifier(resource_type=identifier_pb2.WORKFLOW, project=project,
                                                           domain="d", name="wf", version=workflow_version))
    lp.spec.max_parallelism = 3
    return lp


def _plan(name: str, path: str = "a.yaml", project: str = "p", auto: bool = False) -> CompiledPlan:
    (doc,), _ = load_text("x: 1\n", path)
    return CompiledPlan.of(Source.of(doc), _lp(name, project, "v1", "v1"), auto)


def _entry(name: str, project: str, path: str, auto: bool) -> dict[str, Any]:
    ident = {"resourceType": "LAUNCH_PLAN", "project": project, "domain": "d", "name": name, "version": "v1"}
    workflow = {"resourceType": "WORKFLOW", "project": project, "domain": "d", "name": "wf", "version": "v1"}
    return {"source": {"path": path, "document": 0}, "autoActivate": auto,
            "launchPlan": {"id": ident, "spec": {"workflowId": workflow, "maxParallelism": 3}}}


def test_entries_in_project_domain_name_order() -> None:
    plans = [_plan("b", "b.yaml"), _plan("a", "c.yaml", auto=True), _plan("a", "a.yaml", project="o")]
    assert bundle(plans) == {"apiVersion": "lpctl/v1", "kind": "LaunchPlanBundle", "launchPlans": [
        _entry("a", "o", "a.yaml", False), _entry("a", "p", "c.yaml", True), _entry("b", "p", "b.yaml", False)]}


def test_canonical_text() -> None:
    text = render_bundle([_plan("é")])
    assert text == json.dumps(bundle([_plan("é")]), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert text.startswith('{\n  "apiVersion": "lpctl/v1",\n  "kind": "LaunchPlanBundle",\n  "launchPlans": [\n')
    assert '"name": "é"' in text and text.endswith("}\n") and not text.endswith("\n\n")


def test_a_bundle_reads_back_as_the_same_messages(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    path.write_text(render_bundle([_plan("b"), _plan("a", auto=True)]), encoding="utf-8")
    assert launch_plans(read_bundle(str(path)), str(path)) == [(_lp("a", version="v1", workflow_version="v1"), True),
                                                                (_lp("b", version="v1", workflow_version="v1"), False)]


def test_a_bundle_path_is_a_json_file_not_a_directory(tmp_path: Path) -> None:
    (tmp_path / "dir.json").mkdir()
    assert [is_bundle_path(p) for p in ("x.json", "X.JSON", "x.yaml", str(tmp_path / "dir.json"))] == [
        True, True, False, False]


@pytest.mark.parametrize(("document", "problem"), [
    ([], "expected a JSON object, found a list"),
    ({"kind": "LaunchPlanBundle"}, 'apiVersion is (none), expected "lpctl/v1"'),
    ({"apiVersion": "lpctl/v1", "kind": 3}, 'kind is 3, expected "LaunchPlanBundle"'),
    ({"apiVersion": "lpctl/v1", "kind": "LaunchPlanBundle"}, "launchPlans is null, expected a list"),
    ({"apiVersion": "lpctl/v1", "kind": "LaunchPlanBundle", "launchPlans": [{"launchPlan": {"id": {}}}]},
     "launchPlans[0] has no launchPlan with an id (project, domain, name) and a spec"),
    ({"apiVersion": "lpctl/v1", "kind": "LaunchPlanBundle", "launchPlans": [_entry("a", "p", "x", False)] * 2},
     "launch plan p/d/a appears more than once"),
    ({"apiVersion": "lpctl/v1", "kind": "LaunchPlanBundle",
      "launchPlans": [{**_entry("a", "p", "x", False), "autoActivate": "yes"}]},
     "launchPlans[0].autoActivate must be true or false"),
    ({"apiVersion": "lpctl/v1", "kind": "LaunchPlanBundle", "launchPlans": []}, None),
])
def test_bundle_problems(document: Any, problem: str | None) -> None:
    assert bundle_problem(document) == problem


def test_entry_keys() -> None:
    assert entry_key(_entry("a", "p", "x", False)) == ("p", "d", "a")
    assert entry_key({"launchPlan": {"id": {"project": "p", "domain": "d", "name": 1}, "spec": {}}}) is None
    assert entry_key("text") is None


@pytest.mark.parametrize(("text", "message"), [
    ('{"a": }', "b.json:1:7: not valid JSON: Expecting value"),
    ("1" * 5000, "b.json: not a readable bundle: Exceeds the limit (4300 digits) for integer string conversion: "
                 "value has 5000 digits"),
    ('{"a": 1e999}', "b.json: not a readable bundle: the number 1e999 is out of range"),
    ("[" * 300 + "]" * 300,
     "b.json: not a readable bundle: nested deeper than 256 levels (at $" + "[0]" * 26 + "[...)"),
    ('{"apiVersion": "lpctl/v2"}', 'b.json: not an lpctl bundle: apiVersion is "lpctl/v2", expected "lpctl/v1"'),
    ('{"apiVersion": "lpctl/v1", "apiVersion": "lpctl/v1"}',
     'b.json: not a readable bundle: the key "apiVersion" is written twice in one object'),
])
def test_unreadable_bundles(text: str, message: str) -> None:
    with pytest.raises(PathError) as caught:
        parse_bundle(text, "b.json")
    assert str(caught.value) == message


def test_unreadable_files(tmp_path: Path) -> None:
    (tmp_path / "latin.json").write_bytes(b'{"a": "\xe9"}')
    with pytest.raises(PathError) as caught:
        read_bundle(str(tmp_path / "latin.json"))
    assert str(caught.value) == f"{tmp_path / 'latin.json'}: not UTF-8 text (byte 7)"
    with pytest.raises(PathError) as caught:
        read_bundle(str(tmp_path / "missing.json"))
    assert str(caught.value) == f"{tmp_path / 'missing.json'}: cannot read: No such file or directory"


def test_an_entry_that_is_not_a_launch_plan() -> None:
    document = {"launchPlans": [{"launchPlan": {"id": {"name": "a"}, "spec": {"maxParallelism": "many"}}}]}
    with pytest.raises(PathError) as caught:
        launch_plans(document, "b.json")
    # the rest is protobuf's own text
    assert str(caught.value) == ("b.json: launchPlans[0] is not a flyteidl.admin.LaunchPlan: Failed to parse spec "
                                 "field: Failed to parse maxParallelism field: invalid literal for int() with base "
                                 "10: 'many'..")


def test_fill_versions_fills_only_placeholders() -> None:
    given, empty = _lp("a", version="v1", workflow_version="w1"), _lp("b")
    filled = fill_versions([(given, True), (empty, False)], Identity(version="v9"))
    assert filled == [(given, True), (_lp("b", version="v9", workflow_version="v9"), False)]
    assert filled[0][0] is given and empty == _lp("b")  # the input messages are left as they were
    pinned = Identity(version="v9", workflow_version="w9")
    assert fill_versions([(empty, False)], pinned) == [(_lp("b", version="v9", workflow_version="w9"), False)]


def test_fill_versions_without_a_version_says_what_to_pass() -> None:
    with pytest.raises(UsageError) as caught:
        fill_versions([(_lp("a"), False)], Identity())
    assert str(caught.value) == ("launch plan p/d/a has no version: pass --version V (or set version in the spec "
                                 "or in [tool.lpctl])")
