"""``lpctl lock --from-admin``: lock entries for workflows registered in FlyteAdmin, whose code is elsewhere.

The interface is the compiled template's typed interface (``GetWorkflow``); a workflow closure
holds no Python defaults, so they come from the workflow's default launch plan (``GetLaunchPlan``
of the same project, domain, name and version), which flytekit registers beside the workflow
with every input's default or ``required``. Without that launch plan, inputs are required (an
Optional one defaults to none), as for an interface written in the spec.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flyteidl.core import identifier_pb2
from flyteidl.core.interface_pb2 import Parameter

from lpctl.admin.client import AdminClient, AdminError, RegisteredId, ServerError
from lpctl.diagnostics import Diagnostic, error
from lpctl.flyte1.interface import Input, WorkflowInterface, parameter_for
from lpctl.lock import Lock
from lpctl.spec.config import Identity, spec_identity
from lpctl.spec.load import Document


def registered_name(ref: str) -> str:
    """flytekit names a workflow after its module and function: ``pkg.mod:wf`` -> ``pkg.mod.wf``."""
    return ref.replace(":", ".")


def fetch_interface(client: AdminClient, workflow: RegisteredId) -> WorkflowInterface:
    """The interface FlyteAdmin holds for a workflow; raises AdminError (``NOT_FOUND`` ...)."""
    from flyteidl.admin import common_pb2

    # AdminClient has no GetWorkflow that returns the workflow: its stub and call wrapper are reused
    found = client._call(client._admin.GetWorkflow,
                         common_pb2.ObjectGetRequest(id=workflow.identifier(identifier_pb2.WORKFLOW)))
    variables = found.closure.compiled_workflow.primary.template.interface.inputs.variables
    defaults = _default_parameters(client, workflow)
    inputs: dict[str, Input] = {}
    for name in sorted(variables):
        var = variables[name]
        param = defaults.get(name)
        if param is None or param.var.type != var.type:
            param = parameter_for(name, var.type, None, has_default=False, description=var.description or name)
        inputs[name] = Input(name, var.type, param)
    return WorkflowInterface(workflow.name, inputs, "flytekit workflow")


def _default_parameters(client: AdminClient, workflow: RegisteredId) -> Mapping[str, Parameter]:
    try:
        plan: Any = client.get_launch_plan(workflow.identifier(identifier_pb2.LAUNCH_PLAN))
    except AdminError as e:
        if e.code == "NOT_FOUND":
            return {}
        raise
    params: Mapping[str, Parameter] = plan.spec.default_inputs.parameters
    return params


def fill_lock(lock: Lock, refs: Mapping[str, Document], client: AdminClient,
              identity: Identity) -> tuple[Lock, list[Diagnostic]]:
    """``lock`` with an entry from FlyteAdmin for each reference; the other entries are kept."""
    from lpctl.flyte1.locked import entry_of
    from lpctl.lock import versions

    workflows = dict(lock.workflows)
    diagnostics: list[Diagnostic] = []
    for ref, doc in refs.items():
        workflow = _registered(ref, doc, identity)
        if workflow is None:
            diagnostics.append(error("LP311", f"no version to ask FlyteAdmin for workflow '{ref}'",
                                     doc.location(("workflow",)),
                                     "give --workflow-version (or workflow_version in the spec)"))
            continue
        try:
            interface = fetch_interface(client, workflow)
        except AdminError as e:
            if e.code != "NOT_FOUND":
                raise ServerError(f"FlyteAdmin at {client.endpoint}: {e}") from None
            diagnostics.append(error("LP311", f"workflow {workflow} is not registered in FlyteAdmin at "
                                     f"{client.endpoint}", doc.location(("workflow",)),
                                     "check the project, domain and version, or register the workflow"))
            continue
        entry = entry_of(interface, None, origin="admin")
        entry["registered"] = str(workflow)
        workflows[ref] = entry
    return Lock(workflows, lock.modules, {**versions(), **dict(lock.versions)}, lock.tasks), diagnostics


def _registered(ref: str, doc: Document, identity: Identity) -> RegisteredId | None:
    """The registered identity a reference names: the spec's own values, then the flags and [tool.lpctl]."""
    data = doc.data
    spec = Identity(project=data.get("project"), domain=data.get("domain"), version=data.get("version"),
                    workflow_version=data.get("workflow_version"))
    resolved = spec_identity(spec, identity)
    if not resolved.workflow_version:
        return None
    return RegisteredId(resolved.project, resolved.domain, registered_name(ref), resolved.workflow_version)
