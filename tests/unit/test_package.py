"""lpctl.package: the archive `flytectl register files --archive` reads, read back and compared."""

from __future__ import annotations

import gzip
import io
import os
import random
import tarfile
from collections import OrderedDict
from typing import Any

import pytest
from flyteidl.admin.launch_plan_pb2 import LaunchPlan
from flyteidl.core import identifier_pb2
from support import run_options

from lpctl.bundle import launch_plans, parse_bundle
from lpctl.errors import PathError
from lpctl.package import (
    PackageError,
    file_name,
    index_width,
    package_archive,
    read_archive,
    with_placeholders,
)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLES = os.path.join(ROOT, "samples")


def make_lp(name: str, *, project: str = "flytesnacks", domain: str = "development",
            version: str = "v1") -> LaunchPlan:
    lp = LaunchPlan()
    lp.id.CopyFrom(identifier_pb2.Identifier(resource_type=identifier_pb2.LAUNCH_PLAN, project=project,
                                             domain=domain, name=name, version=version))
    lp.spec.workflow_id.CopyFrom(identifier_pb2.Identifier(
        resource_type=identifier_pb2.WORKFLOW, project=project, domain=domain, name="pkg.wf",
        version=version))
    lp.spec.fixed_inputs.literals["b"].scalar.primitive.string_value = "x"
    lp.spec.fixed_inputs.literals["a"].scalar.primitive.integer = 3
    lp.spec.labels.values["team"] = name
    for field in ("entity_metadata", "default_inputs", "annotations", "raw_output_data_config"):
        getattr(lp.spec, field).SetInParent()
    return lp


@pytest.fixture(scope="module")
def compiled() -> Any:
    """The samples, compiled by the real pipeline (21 launch plans, some with auto_activate)."""
    from lpctl.pipeline import run

    result = run([SAMPLES], run_options(version="v1", python_path=(ROOT,)))
    assert [str(d) for d in result.diagnostics if d.severity.name == "ERROR"] == []
    assert len(result.plans) > 10
    return result


def members(data: bytes) -> list[tarfile.TarInfo]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        return tar.getmembers()


# -- names ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "width"), [(0, 0), (1, 0), (2, 1), (5, 1), (10, 1), (11, 2), (100, 2),
                                              (101, 3), (1000, 3), (1001, 4)])
def test_index_width_is_flytekits(count: int, width: int) -> None:
    from flytekit.tools.serialize_helpers import _determine_text_chars

    assert index_width(count) == width == _determine_text_chars(count)


@pytest.mark.parametrize(("count", "expected"), [
    (1, ["0_lp0_3.pb"]),
    (5, [f"{i}_lp{i}_3.pb" for i in range(5)]),
    (11, [f"{i:02d}_lp{i}_3.pb" for i in range(11)]),
])
def test_archive_names_and_padding(count: int, expected: list[str]) -> None:
    lps = [make_lp(f"lp{i}") for i in range(count)]
    names = [name for name, _ in read_archive(package_archive(lps, placeholders=False))]
    assert names == expected


def test_names_sort_in_the_given_order_like_flytectl() -> None:
    """flytectl registers in sort.Strings order of the paths: padding makes that the given order."""
    names = [f"z{i}" for i in range(12)][::-1]
    archive = read_archive(package_archive([make_lp(n) for n in names], placeholders=False))
    assert [lp.id.name for _, lp in sorted(archive)] == names
    assert [lp.id.name for _, lp in archive] == names


def test_a_path_separator_in_a_name_does_not_make_a_directory() -> None:
    lps = [make_lp("team/nightly"), make_lp("..\\evil"), make_lp("tab\tname")]
    data = package_archive(lps, placeholders=False)
    assert [m.name for m in members(data)] == ["0_team_nightly_3.pb", "1_.._evil_3.pb", "2_tab_name_3.pb"]
    assert all("/" not in m.name for m in members(data))
    # the registered name is the one in the message, unchanged
    assert [lp.id.name for _, lp in read_archive(data)] == ["team/nightly", "..\\evil", "tab\tname"]


def test_long_names_are_cut_to_a_valid_file_name() -> None:
    name = file_name(7, "é" * 300, 11)
    assert name.startswith("07_é") and name.endswith("_3.pb")
    assert len(name.encode()) <= 255
    assert file_name(0, "x" * 300, 1).endswith("x_3.pb")


# -- bytes ----------------------------------------------------------------------------------------------


def test_deterministic_bytes() -> None:
    lps = [make_lp(f"lp{i}") for i in range(5)]
    first = package_archive(lps, placeholders=False)
    copies = [LaunchPlan.FromString(lp.SerializeToString()) for lp in lps]
    assert package_archive(copies, placeholders=False) == first
    # gzip header: no file name flag, mtime 0
    assert first[:2] == b"\x1f\x8b" and first[3] & 0x08 == 0 and first[4:8] == b"\0\0\0\0"


def test_order_is_the_given_order() -> None:
    """Registration order is meaningful to flytectl, so a different input order is a different archive."""
    lps = [make_lp(f"lp{i}") for i in range(5)]
    shuffled = lps[:]
    random.Random(1).shuffle(shuffled)
    assert package_archive(shuffled, placeholders=False) != package_archive(lps, placeholders=False)
    assert [lp for _, lp in read_archive(package_archive(shuffled, placeholders=False))] == shuffled


def test_files_are_deterministic_serializations_of_the_messages() -> None:
    lp = make_lp("lp")
    with tarfile.open(fileobj=io.BytesIO(package_archive([lp], placeholders=False)), mode="r:gz") as tar:
        stream = tar.extractfile("0_lp_3.pb")
        assert stream is not None
        payload = stream.read()
    assert payload == lp.SerializeToString(deterministic=True)
    # map keys sorted: "a" before "b" although "b" was inserted first
    assert payload.index(b"\x0a\x01a") < payload.index(b"\x0a\x01b")


def test_tar_entries_are_flat_regular_0644_mtime_0_root() -> None:
    data = package_archive([make_lp(f"lp{i}") for i in range(3)], placeholders=False)
    for member in members(data):
        assert member.isfile()
        assert "/" not in member.name
        assert (member.mode, member.mtime, member.uid, member.gid, member.uname, member.gname) == (
            0o644, 0, 0, 0, "", "")
    with gzip.open(io.BytesIO(data)) as gz:
        assert len(gz.read()) % 512 == 0


def test_round_trip_equals_the_compiled_messages(compiled: Any) -> None:
    lps = [plan.launch_plan for plan in compiled.plans]
    back = [lp for _, lp in read_archive(package_archive(lps, placeholders=False))]
    assert back == lps
    assert [name for name, _ in read_archive(package_archive(lps, placeholders=False))][:2] == [
        f"00_{lps[0].id.name}_3.pb", f"01_{lps[1].id.name}_3.pb"]


# -- placeholders ---------------------------------------------------------------------------------------


def test_placeholders_clear_project_domain_version_in_both_identifiers(compiled: Any) -> None:
    lps = [plan.launch_plan for plan in compiled.plans]
    back = [lp for _, lp in read_archive(package_archive(lps, placeholders=True))]
    for ours, packaged in zip(lps, back, strict=True):
        for identifier in (packaged.id, packaged.spec.workflow_id):
            assert (identifier.project, identifier.domain, identifier.version) == ("", "", "")
        assert packaged.id.name == ours.id.name
        assert packaged.id.resource_type == identifier_pb2.LAUNCH_PLAN
        assert packaged.spec.workflow_id.name == ours.spec.workflow_id.name
        assert packaged.spec.workflow_id.resource_type == identifier_pb2.WORKFLOW
        rest_ours, rest_packaged = LaunchPlan(), LaunchPlan()
        rest_ours.CopyFrom(ours)
        rest_packaged.CopyFrom(packaged)
        rest_ours.ClearField("id")
        rest_packaged.ClearField("id")
        rest_ours.spec.ClearField("workflow_id")
        rest_packaged.spec.ClearField("workflow_id")
        assert rest_packaged == rest_ours
    # not the "{{ registration.* }}" strings, and the input is not modified
    assert b"registration" not in package_archive(lps, placeholders=True)
    assert lps[0].id.project == "flytesnacks"


def test_placeholders_match_pyflyte_package() -> None:
    """flytekit serializing with no project/domain/version (as pyflyte package does) gives the same id and
    spec; pyflyte also writes an empty closure, which flytectl discards."""
    from flytekit.configuration import ImageConfig, SerializationSettings
    from flytekit.core.launch_plan import LaunchPlan as FlytekitLaunchPlan
    from flytekit.tools.translator import get_serializable

    from lpctl.pipeline import run
    from samples.flytekit_equivalents import build_cron_schedule

    FlytekitLaunchPlan.CACHE.clear()
    settings = SerializationSettings(project=None, domain=None, version=None,
                                     image_config=ImageConfig.auto_default_image())
    theirs = get_serializable(OrderedDict(), settings, build_cron_schedule()).to_flyte_idl()
    theirs.ClearField("closure")
    result = run([os.path.join(SAMPLES, "cron_schedule.yaml")],
                 run_options(version="v9", python_path=(ROOT,)))
    (_, ours), = read_archive(package_archive([result.plans[0].launch_plan], placeholders=True))
    assert ours.SerializeToString(deterministic=True) == theirs.SerializeToString(deterministic=True)


def test_with_placeholders_copies() -> None:
    lp = make_lp("lp")
    cleared = with_placeholders(lp)
    assert cleared.id.project == "" and lp.id.project == "flytesnacks"


# -- bundles --------------------------------------------------------------------------------------------


def test_bundle_round_trip(compiled: Any) -> None:
    from lpctl.bundle import bundle, render_bundle

    from_bundle = launch_plans(parse_bundle(render_bundle(compiled.plans)))
    entries = bundle(compiled.plans)["launchPlans"]
    by_identity = {plan.identity(): plan for plan in compiled.plans}
    ids = [e["launchPlan"]["id"] for e in entries]
    expected = [by_identity[(i["project"], i["domain"], i["name"], i["version"])] for i in ids]
    assert [lp for lp, _ in from_bundle] == [plan.launch_plan for plan in expected]
    assert [auto for _, auto in from_bundle] == [plan.auto_activate for plan in expected]
    assert any(auto for _, auto in from_bundle)
    # packaging the bundle == packaging the compiled plans in bundle order
    assert package_archive([lp for lp, _ in from_bundle], placeholders=False) == package_archive(
        [plan.launch_plan for plan in expected], placeholders=False)


@pytest.mark.parametrize(("text", "message"), [
    ('{"kind": "LaunchPlanBundle", "apiVersion": "lpctl/v2", "launchPlans": []}',
     'b.json: not an lpctl bundle: apiVersion is "lpctl/v2", expected "lpctl/v1"'),
    ('{"kind": "LaunchPlanBundle", "apiVersion": "lpctl/v1"}',
     "b.json: not an lpctl bundle: launchPlans is null, expected a list"),
    ('{"kind": "LaunchPlanBundle", "apiVersion": "lpctl/v1", "launchPlans": [{}]}',
     "b.json: not an lpctl bundle: launchPlans[0] has no launchPlan with an id (project, domain, name) and a spec"),
    ('{"kind": "LaunchPlanBundle", "apiVersion": "lpctl/v1", "launchPlans": [{"autoActivate": "yes", '
     '"launchPlan": {"id": {"project": "p", "domain": "d", "name": "n"}, "spec": {}}}]}',
     "b.json: not an lpctl bundle: launchPlans[0].autoActivate must be true or false"),
])
def test_bad_bundles(text: str, message: str) -> None:
    with pytest.raises(PathError) as e:
        parse_bundle(text, "b.json")
    assert str(e.value) == message


def test_a_bundle_entry_that_is_not_a_launch_plan() -> None:
    document = parse_bundle('{"apiVersion": "lpctl/v1", "kind": "LaunchPlanBundle", "launchPlans": [{"launchPlan": '
                            '{"id": {"project": "p", "domain": "d", "name": "n", "nope": 1}, "spec": {}}}]}')
    with pytest.raises(PathError, match=r"^b\.json: launchPlans\[0\] is not a flyteidl\.admin\.LaunchPlan: "):
        launch_plans(document, "b.json")


# -- reading --------------------------------------------------------------------------------------------


def test_read_archive_refuses_garbage() -> None:
    with pytest.raises(PackageError, match=r"not a readable \.tgz archive"):
        read_archive(b"not a tarball")
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        info = tarfile.TarInfo("notes.txt")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))
    with pytest.raises(PackageError, match=r"only launch plan files \(\*_3\.pb\)"):
        read_archive(raw.getvalue())


def test_nothing_to_package() -> None:
    with pytest.raises(PackageError, match="no launch plans"):
        package_archive([], placeholders=True)
