"""apply, then plan: nothing left to do, and nothing outside the declared projects and domains changed.

Random declared launch plans (auto_activate true, false or not written) and random server states
(other projects, other domains, the same names, several versions, active or not), with and without
--prune, against the loopback FlyteAdmin and its faulty variant whose list calls ignore the project
and domain asked for. Examples: a tenth of the Hypothesis profile's (10 in dev, 100 under ci), as
tests/property/test_properties.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

grpc = pytest.importorskip("grpc")

from fake_admin import ACTIVE, INACTIVE, TOKEN, Server, serve  # noqa: E402
from flyteidl.admin import launch_plan_pb2  # noqa: E402
from flyteidl.core import identifier_pb2, types_pb2  # noqa: E402

EXAMPLES = int(os.environ.get("LPCTL_PROPERTY_EXAMPLES") or max(10, settings.default.max_examples // 10))
WF = "wfs.flow"
PROJECTS, DOMAINS = ("p1", "p2", "p3"), ("d1", "d2", "d3")
NAMES, VERSIONS = ("a", "b", "c"), ("v1", "v2", "v3")
Key = tuple[str, str, str, str]


def make_lp(project: str, domain: str, name: str, version: str) -> launch_plan_pb2.LaunchPlan:
    """The same id always gives the same launch plan (no conflicts: this property is about activation)."""
    lp = launch_plan_pb2.LaunchPlan()
    lp.id.CopyFrom(identifier_pb2.Identifier(resource_type=identifier_pb2.LAUNCH_PLAN, project=project,
                                             domain=domain, name=name, version=version))
    lp.spec.workflow_id.CopyFrom(identifier_pb2.Identifier(resource_type=identifier_pb2.WORKFLOW, project=project,
                                                           domain=domain, name=WF, version=version))
    param = lp.spec.default_inputs.parameters["a"]
    param.var.type.simple = types_pb2.INTEGER
    param.var.description = "a"
    param.default.scalar.primitive.integer = 1
    return lp


@st.composite
def server_states(draw: Any) -> dict[Key, bool]:
    """(project, domain, name, version) -> active, at most one active version per name."""
    state: dict[Key, bool] = {}
    names = draw(st.sets(st.tuples(st.sampled_from(PROJECTS), st.sampled_from(DOMAINS), st.sampled_from(NAMES)),
                         max_size=10))
    for project, domain, name in sorted(names):
        versions = sorted(draw(st.sets(st.sampled_from(VERSIONS), min_size=1)))
        active = draw(st.sampled_from([None, *versions]))
        state.update({(project, domain, name, v): v == active for v in versions})
    return state


#: declared: (project, domain, name) -> (version, auto_activate); only in p1/p2 and d1/d2
declarations = st.dictionaries(
    st.tuples(st.sampled_from(PROJECTS[:2]), st.sampled_from(DOMAINS[:2]), st.sampled_from(NAMES)),
    st.tuples(st.sampled_from(VERSIONS), st.sampled_from([True, False, None])), min_size=1, max_size=6)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serve() as running:
        for project in PROJECTS:
            for domain in DOMAINS:
                for version in VERSIONS:
                    running.admin.add_workflow(version, {"a": types_pb2.INTEGER}, name=WF, project=project,
                                               domain=domain)
        yield running


def actives(server: Server) -> dict[tuple[str, str, str], str]:
    return server.admin.active()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(state=server_states(), declared=declarations, prune=st.booleans(), faulty=st.booleans())
def test_apply_then_plan_is_empty_and_nothing_else_changes(server: Server, state: dict[Key, bool],
                                                           declared: dict[tuple[str, str, str], tuple[str, Any]],
                                                           prune: bool, faulty: bool) -> None:
    from lpctl.admin.client import AdminClient
    from lpctl.admin.reconcile import apply, compute_plan

    admin = server.admin
    admin.ignore_scope = faulty
    admin.launch_plans.clear()
    for key, active in state.items():
        lp = make_lp(*key)
        lp.closure.state = ACTIVE if active else INACTIVE
        admin.launch_plans[key] = lp
    before, active_before = admin.snapshot(), actives(server)
    desired = [(make_lp(p, d, n, v), auto) for (p, d, n), (v, auto) in sorted(declared.items())]
    scopes = {(p, d) for p, d, _ in declared}

    with AdminClient(server.endpoint, insecure=True, token=TOKEN, timeout=10) as client:
        outcomes = apply(client, compute_plan(client, desired, prune=prune))
        assert all(o.ok for o in outcomes), outcomes
        again = compute_plan(client, desired, prune=prune)
    assert not again.changes_pending, again.actions
    if faulty and any(k[:2] not in scopes for k in state):
        assert again.warnings  # the server's stray answers are reported

    after, active_after = admin.snapshot(), actives(server)
    assert {k: v for k, v in after.items() if k[:2] not in scopes} == {
        k: v for k, v in before.items() if k[:2] not in scopes}
    for (project, domain, name), (version, auto) in declared.items():
        assert (project, domain, name, version) in after
        now, was = active_after.get((project, domain, name)), active_before.get((project, domain, name))
        assert now == {True: version, False: None, None: was}[auto]
    for (project, domain, name), version in active_before.items():
        if (project, domain) in scopes and (project, domain, name) not in declared:
            assert active_after.get((project, domain, name)) == (None if prune else version)
