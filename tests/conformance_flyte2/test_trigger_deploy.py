"""The trigger lpctl apply stores on a Flyte 2 server equals the one flyte-sdk 2.12.1's own client stores for
the same trigger on the same task version: both driven against the loopback fake (tests/fake_flyte2.py),
the stored TriggerDetails compared as protobuf messages.

flyte-sdk has two paths, both driven here: ``flyte deploy`` (its ``_deploy_task``: the task with its
triggers in one DeployTask, inputs offloaded against the task spec), where every stored trigger must equal
lpctl's; and ``flyte.remote.Trigger.create`` (GetTaskDetails, SelectCluster, UploadInputs when the server
offloads, DeployTrigger), which drops the description (flyte2-deploy-reference.md 1.3) where lpctl keeps it:
there ``spec.description`` is the one field allowed to differ, and only where the spec has one.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import pathlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

flyte = pytest.importorskip("flyte")
pytest.importorskip("connectrpc")

from test_triggers import CASES  # noqa: E402
from trigger_harness import HERE  # noqa: E402

TESTS = os.path.dirname(HERE)
if TESTS not in sys.path:
    sys.path.append(TESTS)

from fake_flyte2 import D, FakeFlyte2, P, serve  # noqa: E402
from support import TRIGGER_HEADER, invoke  # noqa: E402

VERSION = "v1"
#: the CASES' triggers with at least one input literal: the ones a server that asks for it gets offloaded
OFFLOADED = ["adhoc_parquet", "every", "every_6h", "every_90m", "every_minute", "export_alerts", "full",
             "hourly_export", "kinds", "kinds2", "nightly_train", "tuned"]


def _task_spec(task: Any) -> Any:
    """The TaskSpec ``flyte deploy`` registers for ``task`` (its interface and defaults)."""
    from flyte._internal.runtime.convert import convert_upload_default_inputs
    from flyte._internal.runtime.task_serde import translate_task_to_wire
    from flyte.models import SerializationContext

    defaults = asyncio.run(convert_upload_default_inputs(task.interface))
    return translate_task_to_wire(task, SerializationContext(version=VERSION, root_dir=pathlib.Path(HERE)),
                                  default_inputs=defaults)


@pytest.fixture(scope="module", autouse=True)
def _no_proxies() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
            patch.delenv(var, raising=False)
        patch.setenv("no_proxy", "127.0.0.1,localhost")
        yield


def _stored(backend: FakeFlyte2) -> dict[tuple[str, str, str, str], Any]:
    """Every trigger on the server as GetTriggerDetails answers it, less what only the server writes."""
    out = {}
    for key in backend.live():
        details = backend.details(key)
        details.ClearField("status")
        details.id.revision = 0
        out[key] = details
    return out


@pytest.fixture(scope="module", params=["unimplemented", "self"], ids=["inline", "offloaded"])
def stored(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stored]:
    """The CASES' triggers as three fakes holding the same task versions store them: deployed by flyte-sdk's
    Trigger.create, by flyte-sdk's deploy, and by lpctl apply."""
    with serve(FakeFlyte2(token=None, cluster=request.param)) as create, \
            serve(FakeFlyte2(token=None, cluster=request.param)) as deploy, \
            serve(FakeFlyte2(token=None, cluster=request.param)) as ours:
        for task in {id(c[1]): c[1] for c in CASES}.values():
            spec = _task_spec(task)
            create.backend.add_task(task.name, VERSION, spec)
            ours.backend.add_task(task.name, VERSION, spec)
        _create_with_flyte_sdk(create.backend)
        _deploy_with_flyte_sdk(deploy.backend)
        repo = _repo(tmp_path_factory.mktemp("repo"))
        applied = _lpctl("apply", ours.backend, repo)
        assert applied.exit_code == 0, applied.stdout + applied.stderr
        assert {c for c in ours.backend.calls if c in ("DeployTask", "DeleteTriggers")} == set()
        yield Stored(_stored(create.backend), _stored(deploy.backend), _stored(ours.backend), request.param,
                     create.backend, deploy.backend, repo)


@dataclass(frozen=True)
class Stored:
    create: dict[tuple[str, str, str, str], Any]
    deploy: dict[tuple[str, str, str, str], Any]
    ours: dict[tuple[str, str, str, str], Any]
    cluster: str
    #: the servers flyte-sdk deployed to, and the specs, for plans against them
    create_server: FakeFlyte2
    deploy_server: FakeFlyte2
    repo: Any


def _create_with_flyte_sdk(backend: FakeFlyte2) -> None:
    import flyte.remote

    flyte.init(endpoint=backend.endpoint, insecure=True, project=P, domain=D)
    for _, task, _, build in CASES:
        flyte.remote.Trigger.create(build(), task_name=task.name, task_version=VERSION)


def _deploy_with_flyte_sdk(backend: FakeFlyte2) -> None:
    """``flyte deploy`` of each task with its triggers declared in code (one DeployTask a task); the image
    is a plain URI, so nothing is built."""
    from flyte._deploy import _deploy_task
    from flyte._utils import org_from_endpoint
    from flyte.models import SerializationContext

    flyte.init(endpoint=backend.endpoint, insecure=True, project=P, domain=D)
    by_task: dict[str, tuple[Any, list[Any]]] = {}
    for _, task, _, build in CASES:
        by_task.setdefault(task.name, (task, []))[1].append(build())
    context = SerializationContext(version=VERSION, root_dir=pathlib.Path(HERE), project=P, domain=D,
                                   org=org_from_endpoint(backend.endpoint))
    for task, triggers in by_task.values():
        declared = dataclasses.replace(task, triggers=tuple(triggers), image="ghcr.io/example/flyte2-pkg:1")
        asyncio.run(_deploy_task(declared, context))


def _repo(path: Any) -> Any:
    """The CASES as one spec file, in a directory of its own."""
    (path / "triggers.yaml").write_text("---\n".join(TRIGGER_HEADER + body
                                                     for _, _, body, _ in CASES))
    (path / "pyproject.toml").write_text("[tool.lpctl]\n")
    return path


def _lpctl(command: str, backend: FakeFlyte2, repo: Any, *more: str) -> Any:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(repo)
        return invoke(command, "triggers.yaml", "--version", VERSION, "--endpoint",
                      backend.endpoint.removeprefix("http://"), "--insecure", "--python-path", HERE, "--color", "never",
                      *more)


def test_a_plan_after_flyte_sdks_deploy_is_empty(stored: Stored) -> None:
    writes, calls = stored.deploy_server.writes(), len(stored.deploy_server.calls)
    planned = _lpctl("plan", stored.deploy_server, stored.repo)
    assert (planned.exit_code, planned.stdout) == (0, "No changes: the server matches the specs.\n")
    assert stored.deploy_server.writes() == writes and len(stored.deploy_server.calls) > calls


def test_a_plan_after_trigger_create_updates_only_the_description_it_dropped(stored: Stored) -> None:
    planned = _lpctl("plan", stored.create_server, stored.repo)
    assert (planned.exit_code, planned.stdout) == (1, (
        "flytesnacks/development\n"
        "  ~ update     trigger pipelines.train/nightly_train@v1: differs from revision 1\n"
        "        description: '' -> 'Retrain every night'\n"
        "1 to update.\n"))


def test_stored_triggers_equal_flyte_sdks_deploy(stored: Stored) -> None:
    assert len(stored.ours) == len(CASES)
    assert sorted(stored.ours) == sorted(stored.deploy)
    for key, details in stored.ours.items():
        assert details == stored.deploy[key], key


def test_stored_triggers_equal_flyte_sdks_create_but_for_the_description(stored: Stored) -> None:
    theirs, mine = stored.create, {k: _copy(v) for k, v in stored.ours.items()}
    assert sorted(theirs) == sorted(mine)
    described = {key[3] for key, details in mine.items() if details.spec.description}
    for key, details in mine.items():
        if key[3] in described:  # flyte-sdk's Trigger.create drops it: the only difference
            assert theirs[key].spec.description == ""
            details.spec.description = ""
        assert details == theirs[key], key
    assert described == {"nightly_train"}
    offloaded = sorted(k[3] for k, d in mine.items() if d.spec.WhichOneof("input_wrapper") == "offloaded_input_data")
    assert offloaded == ([] if stored.cluster == "unimplemented" else OFFLOADED)


def _copy(message: Any) -> Any:
    out = type(message)()
    out.CopyFrom(message)
    return out


def test_a_spec_naming_its_project_and_domain_is_stored_where_flyte_sdk_deploys_it(tmp_path: Any) -> None:
    """``project:``/``domain:`` in the spec (over --project/--domain) stores the trigger under the TriggerName
    flyte-sdk's deploy gives it with ``flyte.init(project=..., domain=...)``: same keys, same messages."""
    from flyte._deploy import _deploy_task
    from flyte._utils import org_from_endpoint
    from flyte.models import SerializationContext

    _, task, body, build = CASES[0]
    project, domain = "ml", "production"
    with serve(FakeFlyte2(token=None, cluster="self")) as deploy, serve(FakeFlyte2(token=None, cluster="self")) as ours:
        flyte.init(endpoint=deploy.backend.endpoint, insecure=True, project=project, domain=domain)
        context = SerializationContext(version=VERSION, root_dir=pathlib.Path(HERE), project=project, domain=domain,
                                       org=org_from_endpoint(deploy.backend.endpoint))
        asyncio.run(_deploy_task(dataclasses.replace(task, triggers=(build(),), image="ghcr.io/example/flyte2-pkg:1"),
                                 context))
        ours.backend.add_task(task.name, VERSION, _task_spec(task), project=project, domain=domain)
        (tmp_path / "triggers.yaml").write_text(TRIGGER_HEADER + body + f"project: {project}\ndomain: {domain}\n")
        (tmp_path / "pyproject.toml").write_text("[tool.lpctl]\n")
        applied = _lpctl("apply", ours.backend, tmp_path, "--project", "other", "--domain", "staging")
        assert applied.exit_code == 0, applied.stdout + applied.stderr
        theirs, mine = _stored(deploy.backend), _stored(ours.backend)
    assert sorted(mine) == sorted(theirs) == [(project, domain, task.name, "nightly_train")]
    assert mine == theirs
