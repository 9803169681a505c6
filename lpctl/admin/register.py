"""Create and activate launch plans through FlyteAdmin (returns outcomes; prints nothing).

What FlyteAdmin does (its launch plan manager), and so what this module relies on:

- ``CreateLaunchPlan`` of an existing ``(project, domain, name, version)`` answers ``ALREADY_EXISTS``
  "identical structure" whenever the *default inputs* are equal (flyteadmin ``IsSameDCFormat``), even if
  the schedule, labels or notifications differ, and ``INVALID_ARGUMENT`` "different structure" otherwise.
  Neither is trusted: the registered launch plan is read back (``GetLaunchPlan``) and compared with ours
  in spec terms; a difference is a conflict (a new version is needed), never a success.
- A workflow that is not registered gives ``NOT_FOUND missing entity of type WORKFLOW ...``.
- New launch plans are stored ``INACTIVE``. ``UpdateLaunchPlan(state=ACTIVE)`` activates one version and
  deactivates the previously active version of the same name. Like flytekit (and unlike flytectl) a launch
  plan with ``auto_activate`` is activated even when it already existed.

``register`` is the create-and-activate subset of ``apply`` (:mod:`lpctl.admin.reconcile`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from flyteidl.admin.launch_plan_pb2 import LaunchPlan
from flyteidl.core.identifier_pb2 import Identifier

# re-exported: the names register's callers have always used
from lpctl.admin.auth import client_credentials_token, token_from_command, token_from_env
from lpctl.admin.client import (
    AdminClient,
    AdminError,
    AuthError,
    RegisteredId,
    ServerError,
    fatal_message,
    registered_id,
)
from lpctl.admin.compare import change_lines
from lpctl.admin.outcome import Outcome, interrupted, not_attempted

RegisterError = ServerError
RegisterOutcome = Outcome

__all__ = [
    "AdminClient",
    "AuthError",
    "RegisterError",
    "RegisterOutcome",
    "RegisteredId",
    "client_credentials_token",
    "register",
    "token_from_command",
    "token_from_env",
]


class Admin(Protocol):
    """The admin calls ``register`` makes; ``AdminClient`` implements them over gRPC."""

    def create_launch_plan(self, launch_plan: LaunchPlan) -> None: ...

    def get_launch_plan(self, identifier: Identifier) -> LaunchPlan: ...

    def find_launch_plan(self, identifier: Identifier) -> LaunchPlan | None: ...

    def activate_launch_plan(self, identifier: Identifier) -> None: ...

    def workflow_exists(self, identifier: Identifier) -> bool: ...


def register(client: Admin, plans: Sequence[tuple[LaunchPlan, bool | None]], *, dry_run: bool = False,
             stop: Callable[[], bool] = lambda: False) -> list[Outcome]:
    """Create (and, for ``auto_activate: true``, activate) each launch plan, in order; ``stop()`` is asked
    before each write, and True (an interruption) ends the run there.

    A refused launch plan becomes an ``error``/``conflict`` outcome and the run goes on. A failure that
    dooms every later call (FATAL_CODES) raises ServerError when it is the first call; later, it ends the
    run with a ``failed`` outcome and a ``not-attempted`` one for each launch plan after it.
    """
    outcomes: list[Outcome] = []
    for index, (launch_plan, auto_activate) in enumerate(plans):
        created: Outcome | None = None
        if stop():
            return outcomes + [interrupted(registered_id(lp)) for lp, _ in plans[index:]]
        try:
            created = _plan_dry(client, launch_plan) if dry_run else create(client, launch_plan)
            step = created
            if step.ok and auto_activate is True:
                if stop():
                    rest = [interrupted(registered_id(lp)) for lp, _ in plans[index + 1:]]
                    return [*outcomes, _not_activated(step), *rest]
                step = _activate(client, launch_plan, step, dry_run=dry_run)
        except AdminError as e:
            if not outcomes and (created is None or created.status != "created"):
                raise ServerError(fatal_message(e)) from None
            outcomes.append(_failed(launch_plan, created, e))
            outcomes.extend(not_attempted(registered_id(lp)) for lp, _ in plans[index + 1:])
            return outcomes
        outcomes.append(step)
    return outcomes


def _not_activated(step: Outcome) -> Outcome:
    """A launch plan created (or found) whose activation an interruption stopped."""
    return Outcome(step.identity, step.status, f"{step.message}; activating it was not attempted: interrupted",
                   step.changes)


def _failed(launch_plan: LaunchPlan, created: Outcome | None, e: AdminError) -> Outcome:
    if created is not None and created.status == "created":
        return Outcome(created.identity, "failed", f"created, but activating it failed: {fatal_message(e)}")
    return Outcome(registered_id(launch_plan), "failed", fatal_message(e))


def _missing_identity(launch_plan: LaunchPlan) -> str | None:
    """FlyteAdmin's own check of the ids (every part set), made here before any call."""
    for label, identifier in (("id", launch_plan.id), ("workflow id", launch_plan.spec.workflow_id)):
        for part in ("project", "domain", "name", "version"):
            if not getattr(identifier, part):
                return f"missing {part} in the launch plan's {label}; registration needs a concrete identity"
    return None


def create(client: Admin, launch_plan: LaunchPlan) -> Outcome:
    """CreateLaunchPlan, with admin's answer about an existing one checked by reading it back."""
    ident = registered_id(launch_plan)
    missing = _missing_identity(launch_plan)
    if missing:
        return Outcome(ident, "error", missing)
    try:
        client.create_launch_plan(launch_plan)
    except AdminError as e:
        if e.fatal:
            raise
        if e.code == "ALREADY_EXISTS" or (e.code == "INVALID_ARGUMENT" and "different structure" in e.details):
            return _compare(client, launch_plan)
        return Outcome(ident, "error", f"{e.code}: {e.details}")
    return Outcome(ident, "created", "created")


def conflict(ident: RegisteredId, changes: Sequence[str]) -> Outcome:
    """A launch plan registered at the same version with a different structure (FlyteAdmin cannot change
    it)."""
    return Outcome(ident, "conflict", f"registered with a different structure at version {ident.version}; "
                   "a registered version cannot change: register a new version", tuple(changes))


def _compare(client: Admin, launch_plan: LaunchPlan) -> Outcome:
    """Admin says the id exists: read it back and compare it with ours, whatever admin said about it."""
    ident = registered_id(launch_plan)
    try:
        registered = client.get_launch_plan(launch_plan.id)
    except AdminError as e:
        if e.fatal:
            raise
        return Outcome(ident, "error", f"already registered, and reading it back failed: {e.code}: {e.details}")
    changes = change_lines(registered, launch_plan)
    if changes:
        return conflict(ident, changes)
    return Outcome(ident, "exists", "already registered with identical structure")


def _plan_dry(client: Admin, launch_plan: LaunchPlan) -> Outcome:
    """Read-only: GetLaunchPlan, then GetWorkflow for a launch plan that does not exist yet."""
    ident = registered_id(launch_plan)
    missing = _missing_identity(launch_plan)
    if missing:
        return Outcome(ident, "error", missing)
    try:
        registered = client.find_launch_plan(launch_plan.id)
    except AdminError as e:
        if e.fatal:
            raise
        return Outcome(ident, "error", f"{e.code}: {e.details}")
    if registered is not None:
        changes = change_lines(registered, launch_plan)
        return conflict(ident, changes) if changes else Outcome(ident, "exists",
                                                                  "already registered with identical structure")
    return _check_workflow(client, launch_plan)


def _check_workflow(client: Admin, launch_plan: LaunchPlan) -> Outcome:
    ident = registered_id(launch_plan)
    workflow_id = launch_plan.spec.workflow_id
    try:
        found = client.workflow_exists(workflow_id)
    except AdminError as e:
        if e.fatal:
            raise
        return Outcome(ident, "error", f"cannot check the workflow: {e.code}: {e.details}")
    if not found:
        wf = RegisteredId(workflow_id.project, workflow_id.domain, workflow_id.name, workflow_id.version)
        return Outcome(ident, "error", f"workflow {wf} is not registered")
    return Outcome(ident, "would-create", "would create")


def _activate(client: Admin, launch_plan: LaunchPlan, step: Outcome, *, dry_run: bool) -> Outcome:
    if dry_run:
        return Outcome(step.identity, step.status, f"{step.message}; would activate", step.changes, activated=True)
    try:
        client.activate_launch_plan(launch_plan.id)
    except AdminError as e:
        if e.fatal:
            raise
        return Outcome(step.identity, "error", f"{step.message}, but activating it failed: "
                       f"{e.code}: {e.details}", step.changes)
    return Outcome(step.identity, step.status, f"{step.message}; activated", step.changes, activated=True)
