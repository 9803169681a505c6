"""FlyteAdmin's execution calls for the loopback fake (mixed into ``fake_admin.FakeAdmin``).

Semantics from flyteorg/flyte ``master`` (89cf9cc7), ``flyteadmin/pkg/manager/impl/``:

- CreateExecution (``execution_manager.go``, ``validation/execution_validator.go``): project and domain
  required; a name must match ``^[a-z][a-z\\-0-9]*$`` and have at most 63 characters (INVALID_ARGUMENT);
  ``spec.launch_plan`` needs every identifier field and resource type LAUNCH_PLAN or TASK; the launch plan
  version must exist (NOT_FOUND), active or not; inputs are checked as ``CheckAndFetchInputsForExecution``
  does against the launch plan's ``closure.expected_inputs`` and ``spec.fixed_inputs`` (an unknown input, a
  required one missing, a wrong type, a fixed one overridden: INVALID_ARGUMENT); then a name already taken in
  the project and domain is ALREADY_EXISTS (the database's unique key, so after the checks above);
- GetExecution: NOT_FOUND for an unknown name;
- ListExecutions (``util/filters.go``, ``common/filters.go``, ``common/sorting.go``): ``id.project`` and
  ``id.domain`` required, ``id.name`` optional (the execution's name), ``limit`` > 0; ``filters`` are
  ``func(field,value)`` joined by ``+``, ``value_in``/``value_not_in`` values joined by ``;``, fields of the
  execution or of a joined entity (``launch_plan.name``); an unknown function, entity or column is
  INVALID_ARGUMENT; archived executions are left out unless a filter names ``state``; ``sort_by`` a column, or
  no order (insertion order here); the token is the next offset, given whenever a page is full.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone
from typing import Any

import grpc
from flyteidl.admin import execution_pb2
from flyteidl.core import execution_pb2 as core_execution_pb2
from flyteidl.core import identifier_pb2

ExecKey = tuple[str, str, str]
_NAME = re.compile(r"^[a-z][a-z\-0-9]*$")
_FILTER = re.compile(r"(.+)\((.+),\s?(.+)\)")
_FUNCTIONS = {
    "eq": lambda a, b: a == b, "ne": lambda a, b: a != b, "gt": lambda a, b: a > b, "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b, "lte": lambda a, b: a <= b, "contains": lambda a, b: str(b) in str(a),
    "value_in": lambda a, b: a in b, "value_not_in": lambda a, b: a not in b,
}
_REPEATED = {"value_in", "value_not_in"}
#: the columns of the executions and launch_plans tables that lpctl's filters and these tests use
_EXECUTION_COLUMNS = {"execution_project", "execution_domain", "execution_name", "execution_created_at", "mode",
                      "state", "phase", "launch_plan_id"}
_LAUNCH_PLAN_COLUMNS = {"project", "domain", "name", "version", "created_at"}
_JOINS = {"execution": _EXECUTION_COLUMNS, "launch_plan": _LAUNCH_PLAN_COLUMNS}
_OTHER_ALLOWED = {"workflow", "task", "admin_tag", "execution_tag"}
_TIMES = {"execution_created_at", "created_at"}


def _abort(context: Any, code: grpc.StatusCode, message: str) -> Any:
    context.abort(code, message)


def _timestamp(text: str, context: Any) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        _abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"invalid input syntax for type timestamp: \"{text}\"")
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class ExecutionCalls:
    """CreateExecution, GetExecution and ListExecutions over ``self.executions`` (FakeAdmin's fields)."""

    executions: dict[ExecKey, execution_pb2.Execution]
    inputs_sent: dict[ExecKey, Any]
    archived: set[ExecKey]
    launch_plans: dict[Any, Any]
    lock: Any
    now: datetime | None
    ignore_scope: bool

    def _enter(self, method: str, context: Any) -> None: ...  # FakeAdmin's

    def clock(self) -> datetime:
        return self.now or datetime.now(timezone.utc)

    # -- setting up and reading the state -------------------------------------------------------------

    def add_execution(self, name: str, lp: tuple[str, str, str, str], *, created: datetime,
                      scheduled_at: datetime | None = None, mode: int = execution_pb2.ExecutionMetadata.MANUAL) -> None:
        """An execution made by someone else (the scheduler, a user)."""
        project, domain, lp_name, version = lp
        execution = execution_pb2.Execution()
        execution.id.project, execution.id.domain, execution.id.name = project, domain, name
        execution.spec.launch_plan.CopyFrom(identifier_pb2.Identifier(
            resource_type=identifier_pb2.LAUNCH_PLAN, project=project, domain=domain, name=lp_name, version=version))
        execution.spec.metadata.mode = mode  # type: ignore[assignment]
        if scheduled_at is not None:
            execution.spec.metadata.scheduled_at.FromDatetime(scheduled_at)
        execution.closure.created_at.FromDatetime(created)
        self.executions[(project, domain, name)] = execution

    # -- the calls --------------------------------------------------------------------------------------

    def CreateExecution(self, request: Any, context: Any) -> Any:
        self._enter("CreateExecution", context)
        self._check_create(request, context)
        spec = request.spec.launch_plan
        with self.lock:
            lp = self.launch_plans.get((spec.project, spec.domain, spec.name, spec.version))
        if lp is None:
            _abort(context, grpc.StatusCode.NOT_FOUND, "missing entity of type LAUNCH_PLAN with identifier "
                   f'project:"{spec.project}" domain:"{spec.domain}" name:"{spec.name}" version:"{spec.version}"')
        inputs = self._inputs(request, lp, context)
        name = request.name or "a" + uuid.uuid4().hex[:19]
        key = (request.project, request.domain, name)
        with self.lock:
            if key in self.executions:
                _abort(context, grpc.StatusCode.ALREADY_EXISTS, "value with matching already exists (duplicate key "
                       'value violates unique constraint "executions_pkey")')
            execution = execution_pb2.Execution(spec=request.spec)
            execution.id.project, execution.id.domain, execution.id.name = key
            execution.spec.metadata.principal = "lpctl-test"
            execution.closure.created_at.FromDatetime(self.clock())
            execution.closure.phase = core_execution_pb2.WorkflowExecution.QUEUED
            self.executions[key] = execution
            self.inputs_sent[key] = inputs
        return execution_pb2.ExecutionCreateResponse(id=execution.id)

    def _check_create(self, request: Any, context: Any) -> None:
        for part in ("project", "domain"):
            if not getattr(request, part):
                _abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"missing {part}")
        if request.name and (len(request.name) > 63 or not _NAME.match(request.name.lower())):
            _abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"invalid name format: {request.name}, does not match "
                   "regex '^[a-z][a-z\\-0-9]*$'")
        for part in ("project", "domain", "name", "version"):
            if not getattr(request.spec.launch_plan, part):
                _abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"missing {part}")
        if request.spec.launch_plan.resource_type not in (identifier_pb2.LAUNCH_PLAN, identifier_pb2.TASK):
            _abort(context, grpc.StatusCode.INVALID_ARGUMENT, "Invalid reference entity resource type")

    def _inputs(self, request: Any, lp: Any, context: Any) -> dict[str, Any]:
        """``CheckAndFetchInputsForExecution``: the inputs the execution runs with."""
        expected = lp.closure.expected_inputs.parameters
        given = dict(request.inputs.literals)
        result: dict[str, Any] = {}
        for name, value in given.items():
            if name not in expected:
                _abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"invalid input {name}")
            result[name] = value
        for name, param in expected.items():
            if name not in result:
                if param.required:
                    _abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"expected_inputs {name} missing")
                result[name] = param.default
            elif _simple(result[name]) != param.var.type.simple:
                _abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"invalid {name} input wrong type")
        for name, value in lp.spec.fixed_inputs.literals.items():
            if name in result:
                _abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"fixed_inputs {name} cannot be overridden")
            result[name] = value
        return result

    def GetExecution(self, request: Any, context: Any) -> Any:
        self._enter("GetExecution", context)
        ident = request.id
        with self.lock:
            found = self.executions.get((ident.project, ident.domain, ident.name))
        if found is None:
            _abort(context, grpc.StatusCode.NOT_FOUND, "missing entity of type execution with identifier "
                   f'project:"{ident.project}" domain:"{ident.domain}" name:"{ident.name}"')
        return found

    def ListExecutions(self, request: Any, context: Any) -> Any:
        self._enter("ListExecutions", context)
        ident = request.id
        if not ident.project or not ident.domain:
            _abort(context, grpc.StatusCode.INVALID_ARGUMENT, "missing project or domain")
        if request.limit == 0:
            _abort(context, grpc.StatusCode.INVALID_ARGUMENT, "invalid value for limit")
        filters = _parse(request.filters, context) if request.filters else []
        if self.ignore_scope:  # a broken server: every execution, whatever was asked
            filters = []
        if not self.ignore_scope:
            filters.append(("eq", "execution", "execution_project", ident.project))
            filters.append(("eq", "execution", "execution_domain", ident.domain))
        if ident.name:
            filters.append(("eq", "execution", "execution_name", ident.name))
        if not any(field == "state" for _, _, field, _ in filters):
            filters.append(("eq", "execution", "state", "0"))
        with self.lock:
            found = [e for key, e in self.executions.items() if all(
                self._holds(f, key, e, context) for f in filters)]
        found = _sorted(found, request, context)
        offset = int(request.token or 0)
        page = found[offset:offset + request.limit]
        token = str(offset + len(page)) if len(page) == request.limit else ""
        return execution_pb2.ExecutionList(executions=page, token=token)

    def _holds(self, spec: tuple[str, str, str, Any], key: ExecKey, execution: Any, context: Any) -> bool:
        function, entity, field, value = spec
        actual = self._column(entity, field, key, execution)
        if field in _TIMES:
            value = [_timestamp(v, context) for v in value] if function in _REPEATED else _timestamp(value, context)
        result: bool = _FUNCTIONS[function](actual, value)
        return result

    def _column(self, entity: str, field: str, key: ExecKey, execution: Any) -> Any:
        lp = execution.spec.launch_plan
        if entity == "launch_plan":
            if field == "created_at":
                found = self.launch_plans.get((lp.project, lp.domain, lp.name, lp.version))
                return found.closure.created_at.ToDatetime(timezone.utc) if found is not None else None
            return getattr(lp, field)
        return {"execution_project": key[0], "execution_domain": key[1], "execution_name": key[2],
                "execution_created_at": execution.closure.created_at.ToDatetime(timezone.utc),
                "mode": str(execution.spec.metadata.mode), "state": "1" if key in self.archived else "0",
                "phase": core_execution_pb2.WorkflowExecution.Phase.Name(execution.closure.phase),
                "launch_plan_id": f"{lp.project}/{lp.domain}/{lp.name}/{lp.version}"}[field]


def _simple(literal: Any) -> int:
    """The simple type of a scalar primitive literal (what the tests' launch plans take)."""
    kind = literal.scalar.primitive.WhichOneof("value")
    return {"integer": 1, "float_value": 2, "string_value": 3, "boolean": 4, "datetime": 5, "duration": 6}.get(
        kind or "", 0)


def _parse(text: str, context: Any) -> list[tuple[str, str, str, Any]]:
    parsed = []
    for expression in text.split("+"):
        match = _FILTER.fullmatch(expression)
        if match is None:
            _abort(context, grpc.StatusCode.INVALID_ARGUMENT, "invalid filters argument")
        function, field, value = match.groups()
        entity, _, column = field.partition(".") if "." in field else ("execution", "", field)
        if entity not in _JOINS:
            _abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"'{entity}' entity is not allowed in filters"
                   if entity not in _OTHER_ALLOWED else f"'{entity}.{column}' is not supported by this fake")
        if entity == "execution" and column in ("project", "domain", "name"):
            column = f"execution_{column}"
        if column not in _JOINS[entity]:
            _abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"'{entity}.{column}' is invalid filter")
        if function not in _FUNCTIONS:
            _abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"unrecognized filter function: {function}")
        parsed.append((function, entity, column, value.split(";") if function in _REPEATED else value))
    return parsed


def _sorted(found: list[Any], request: Any, context: Any) -> list[Any]:
    if not request.HasField("sort_by"):
        return found
    key = request.sort_by.key
    if key not in _EXECUTION_COLUMNS:
        _abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"invalid sort key '{key}'")
    if key != "execution_created_at":
        _abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"sort key '{key}' is not supported by this fake")
    return sorted(found, key=lambda e: e.closure.created_at.ToDatetime(timezone.utc),
                  reverse=request.sort_by.direction == 0)
