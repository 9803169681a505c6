"""lpctl apply for Flyte 2 triggers from random starting states of the server (tests/fake_flyte2.py): afterwards
the server holds exactly what the specs declare, orphans are deactivated only with --prune, everything else
is untouched, and a plan finds nothing more to do."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("connectrpc")
pytest.importorskip("flyte")

from fake_flyte2 import D, P, Row, Served, serve
from flyte2_repo import REPORT, SPECS, TASKS, TRAIN
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import examples, invoke

DECLARED = [(TRAIN, "nightly"), (TRAIN, "hourly"), (REPORT, "daily")]
#: what the server may hold for a declared trigger before apply
STARTS = ("absent", "equal", "old_version", "inactive", "other_inputs", "deleted")
NO_CHANGES = "No changes: the server matches the specs.\n"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Any, dict[Any, Row]]]:
    """One server and one repository for every example; ``baseline``: the rows a first apply stores."""
    repo = tmp_path_factory.mktemp("repo")
    (repo / "demo_tasks.py").write_text(TASKS)
    (repo / "triggers.yaml").write_text(SPECS)
    (repo / "pyproject.toml").write_text("[tool.lpctl]\n")
    with pytest.MonkeyPatch.context() as patch, serve() as server:
        for var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
            patch.delenv(var, raising=False)
        patch.setenv("no_proxy", "127.0.0.1,localhost")
        patch.setenv("TK", server.backend.token or "")
        patch.chdir(repo)
        for version in ("v1", "v2"):
            server.backend.add_task(TRAIN, version)
            server.backend.add_task(REPORT, version)
        assert _lpctl(server, "apply").exit_code == 0
        yield server, repo, {k: copy.deepcopy(r) for k, r in server.backend.triggers.items()}


def _lpctl(server: Served, command: str, *args: str) -> Any:
    return invoke(command, "triggers.yaml", "--version", "v1", "--endpoint", server.endpoint, "--insecure",
                  "--token-env", "TK", "--color", "never", *args)


def _start(row: Row, how: str) -> Row | None:
    if how == "absent":
        return None
    row = copy.deepcopy(row)
    if how == "old_version":
        row.spec.task_version = "v2"
    elif how == "inactive":
        row.spec.active = False
    elif how == "other_inputs":
        row.spec.inputs.literals[0].value.scalar.primitive.integer += 1 if row.spec.inputs.literals else 0
        row.spec.description = "changed by hand"
    elif how == "deleted":
        row.deleted, row.spec.active = True, False
    return row


extras = st.lists(st.tuples(st.sampled_from([(P, D, TRAIN), (P, D, "demo.other"), ("other-project", D, TRAIN),
                                             (P, "production", REPORT)]),
                            st.sampled_from(["legacy", "weekly", "nightly"]), st.booleans()),
                  max_size=4, unique_by=lambda e: (e[0], e[1]))


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(starts=st.tuples(*[st.sampled_from(STARTS)] * len(DECLARED)), others=extras, prune=st.booleans())
def test_apply_from_any_state(world: tuple[Served, Any, dict[Any, Row]], starts: tuple[str, ...],
                              others: list[tuple[tuple[str, str, str], str, bool]], prune: bool) -> None:
    server, _, baseline = world
    backend = server.backend
    backend.triggers.clear()
    for (task, name), how in zip(DECLARED, starts, strict=True):
        row = _start(baseline[(P, D, task, name)], how)
        if row is not None:
            backend.triggers[(P, D, task, name)] = row
    for (project, domain, task), name, active in others:
        if (project, domain, task) == (P, D, TRAIN) and name in ("nightly",):
            continue  # declared
        backend.put(name, task, "v0", active=active, project=project, domain=domain)
    before = {k: (r.active, r.revision, r.deleted) for k, r in backend.triggers.items()}

    applied = _lpctl(server, "apply", *(["--prune"] if prune else []))
    assert applied.exit_code == 0, applied.stdout + applied.stderr

    after = backend.triggers
    for task, name in DECLARED:  # exactly what the specs declare, as a first apply stored it
        got, want = after[(P, D, task, name)], baseline[(P, D, task, name)]
        assert (got.deleted, got.spec, got.automation) == (False, want.spec, want.automation)
    orphans = {k for k in before if k[:3] == (P, D, TRAIN) and (TRAIN, k[3]) not in DECLARED and before[k][0]}
    for key, (active, revision, deleted) in before.items():
        if (key[2], key[3]) in DECLARED and key[:2] == (P, D):
            continue
        if key in orphans and prune:  # deactivated, never deleted
            assert (after[key].active, after[key].deleted) == (False, False)
        else:  # untouched
            assert (after[key].active, after[key].revision, after[key].deleted) == (active, revision, deleted)

    planned = _lpctl(server, "plan", *(["--prune"] if prune else []))
    assert planned.exit_code == 0
    assert planned.stdout == NO_CHANGES if prune or not orphans else planned.stdout.endswith(
        f"{len(orphans)} orphan{'s' if len(orphans) > 1 else ''} kept (--prune deactivates).\n")
