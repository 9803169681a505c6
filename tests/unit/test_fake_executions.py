"""The loopback fake's execution calls keep FlyteAdmin's semantics (tests/fake_executions.py), through
lpctl's own client; and the number of calls ``lpctl status`` makes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

grpc = pytest.importorskip("grpc")

from fake_admin import TOKEN, D, P, Server, serve  # noqa: E402
from flyteidl.admin import execution_pb2, launch_plan_pb2  # noqa: E402
from flyteidl.core import identifier_pb2, types_pb2  # noqa: E402

from lpctl.admin.client import AdminClient, AdminError, RegisteredId  # noqa: E402
from lpctl.admin.fires import scheduled_request  # noqa: E402
from lpctl.admin.status import Window, read_status  # noqa: E402

UTC = timezone.utc
WF = "wfs.my_workflow"
LP = RegisteredId(P, D, "nightly", "v1")


def launch_plan(name: str, cron: str = "0 3 * * *") -> launch_plan_pb2.LaunchPlan:
    lp = launch_plan_pb2.LaunchPlan()
    lp.id.CopyFrom(identifier_pb2.Identifier(resource_type=identifier_pb2.LAUNCH_PLAN, project=P, domain=D, name=name,
                                             version="v1"))
    lp.spec.workflow_id.CopyFrom(identifier_pb2.Identifier(resource_type=identifier_pb2.WORKFLOW, project=P, domain=D,
                                                           name=WF, version="v1"))
    lp.spec.entity_metadata.schedule.cron_schedule.schedule = cron
    lp.spec.entity_metadata.schedule.kickoff_time_input_arg = "day"
    lp.spec.fixed_inputs.literals["b"].scalar.primitive.string_value = "fixed"
    return lp


@pytest.fixture
def server() -> Iterator[Server]:
    with serve() as running:
        running.admin.add_workflow("v1", {"day": types_pb2.DATETIME, "b": types_pb2.STRING}, name=WF)
        running.admin.now = datetime(2026, 1, 1, tzinfo=UTC)
        yield running


@pytest.fixture
def client(server: Server) -> Iterator[AdminClient]:
    with AdminClient(server.endpoint, insecure=True, token=TOKEN, page_size=2) as admin:
        admin.create_launch_plan(launch_plan("nightly"))
        admin.activate_launch_plan(identifier_pb2.Identifier(project=P, domain=D, name="nightly", version="v1"))
        yield admin


def code(call: object) -> str:
    with pytest.raises(AdminError) as e:
        call()  # type: ignore[operator]
    return e.value.code


def test_create_get_and_duplicates(client: AdminClient, server: Server) -> None:
    request = scheduled_request(LP, datetime(2026, 11, 1, 3, tzinfo=UTC), "day")
    client.create_execution(request)
    assert code(lambda: client.create_execution(request)) == "ALREADY_EXISTS"
    found = client.find_execution(P, D, request.name)
    assert found is not None and found.spec.metadata.scheduled_at == request.spec.metadata.scheduled_at
    assert client.find_execution(P, D, "fnothere") is None
    assert len(server.admin.executions) == 1


def test_inputs_that_do_not_match_the_launch_plan_are_refused(client: AdminClient, server: Server) -> None:
    moment = datetime(2026, 11, 1, 3, tzinfo=UTC)
    unknown = scheduled_request(LP, moment, "when")
    assert code(lambda: client.create_execution(unknown)) == "INVALID_ARGUMENT"
    fixed = scheduled_request(LP, moment, "day")
    fixed.inputs.literals["b"].scalar.primitive.string_value = "override"
    assert code(lambda: client.create_execution(fixed)) == "INVALID_ARGUMENT"
    wrong = scheduled_request(LP, moment, "day")
    wrong.inputs.literals["day"].scalar.primitive.integer = 3
    assert code(lambda: client.create_execution(wrong)) == "INVALID_ARGUMENT"
    missing = scheduled_request(LP._replace(version="v9"), moment, "day")
    assert code(lambda: client.create_execution(missing)) == "NOT_FOUND"
    bad_name = scheduled_request(LP, moment, "day")
    bad_name.name = "1-not-a-name"
    assert code(lambda: client.create_execution(bad_name)) == "INVALID_ARGUMENT"
    assert server.admin.executions == {}


def test_list_filters_sorts_and_pages_as_flyteadmin(client: AdminClient, server: Server) -> None:
    start = datetime(2026, 11, 1, 3, tzinfo=UTC)
    for day in range(5):
        server.admin.add_execution(f"e{day}", (P, D, "nightly" if day != 2 else "other", "v1"),
                                   created=start + timedelta(days=4 - day))
    server.admin.archived.add((P, D, "e4"))
    listed = client.list_executions(P, D, "eq(launch_plan.name,nightly)+gte(execution_created_at,2026-11-02T03:00:01Z)")
    assert [e.id.name for e in listed] == ["e1", "e0"]  # oldest first; e4 archived, e3 created too early
    both = client.list_executions(P, D, "value_in(launch_plan.name,nightly;other)")
    assert [e.id.name for e in both] == ["e3", "e2", "e1", "e0"]
    calls = server.admin.calls.count("ListExecutions")
    assert calls == 2 + 3  # pages of 2: a full last page gets a token, as FlyteAdmin gives it
    assert code(lambda: list(client.list_executions(P, D, "eq(launch_plan.nope,x)"))) == "INVALID_ARGUMENT"
    assert code(lambda: list(client.list_executions(P, D, "eq(node_execution.phase,x)"))) == "INVALID_ARGUMENT"
    assert code(lambda: list(client.list_executions(P, D, "launch_plan.name=x"))) == "INVALID_ARGUMENT"


def test_status_calls_grow_with_the_executions_pages_not_the_launch_plans(server: Server) -> None:
    """10 hourly launch plans, every fire of a day run: 1 ListActiveLaunchPlans page per 3, one paged
    ListExecutions for all of them (240 executions, 100 a page), nothing per launch plan."""
    day = datetime(2026, 11, 1, tzinfo=UTC)
    names = [f"hourly{i}" for i in range(10)]
    with AdminClient(server.endpoint, insecure=True, token=TOKEN) as admin:
        for name in names:
            admin.create_launch_plan(launch_plan(name, "0 * * * *"))
            admin.activate_launch_plan(identifier_pb2.Identifier(project=P, domain=D, name=name, version="v1"))
        for name in names:
            for hour in range(24):
                moment = day + timedelta(hours=hour)
                server.admin.now = moment + timedelta(seconds=2)
                admin.create_execution(scheduled_request(RegisteredId(P, D, name, "v1"), moment, "day"))
        server.admin.calls.clear()
        found = read_status(admin, [(P, D, n) for n in names], Window(day, day + timedelta(days=1)))
    assert found.missed == 0 and sum(len(p.ran) for p in found.plans) == 240
    assert execution_pb2.ExecutionMetadata.SCHEDULED == 1
    assert {c: server.admin.calls.count(c) for c in set(server.admin.calls)} == {
        "ListActiveLaunchPlans": 4, "ListExecutions": 3}
