"""How the Flyte 1 native scheduler creates the execution of a fire, so that a backfill creates the same one.

From flyteorg/flyte ``master`` (89cf9cc7), ``flyteadmin/scheduler/``:

- ``executor/executor_impl.go`` ``Execute``: ``CreateExecution`` in the launch plan's project and domain,
  ``spec.launch_plan`` the scheduled version (resource type LAUNCH_PLAN), ``spec.metadata`` = ``{mode:
  SCHEDULED, scheduled_at: <fire time>}`` and nothing else, ``inputs`` = ``{<kickoff_time_input_arg>: datetime
  <fire time>}`` for a cron schedule that names a kickoff argument, else empty: defaults and fixed inputs
  come from the launch plan on the server. ``ALREADY_EXISTS`` counts as done.
- the name: ``"f" + strings.ReplaceAll(uuid.String(), "-", "")[:19]`` of the UUID that
  ``identifier/identifier.go`` ``GetExecutionIdentifier`` makes: the 16 bytes ``little-endian(h)`` + 8 zero
  bytes, where ``h`` is Go's ``fnv.New64()`` (FNV-1, not FNV-1a) over
  ``"<project>:<domain>:<name>:<version>:<unix seconds of the fire>"``. So the name is ``f``, the 16 hex digits
  of ``h``'s little-endian bytes and ``000``; it carries the version, so a fire that ran under another version
  of the launch plan has another name.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flyteidl.admin import execution_pb2
from flyteidl.core import identifier_pb2, literals_pb2

from lpctl.admin.client import RegisteredId

__all__ = ["fnv1_64", "scheduled_name", "scheduled_request", "unix_seconds"]

_FNV64_OFFSET = 0xCBF29CE484222325
_FNV64_PRIME = 0x100000001B3
_MASK = (1 << 64) - 1
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def fnv1_64(data: bytes) -> int:
    """Go's ``hash/fnv.New64`` (FNV-1: multiply, then xor)."""
    h = _FNV64_OFFSET
    for byte in data:
        h = ((h * _FNV64_PRIME) & _MASK) ^ byte
    return h


def unix_seconds(moment: datetime) -> int:
    """Go's ``time.Unix()``: whole seconds since the epoch, rounded down."""
    return (moment - _EPOCH) // timedelta(seconds=1)


def scheduled_name(ident: RegisteredId, moment: datetime) -> str:
    """The name the scheduler gives the execution of the fire at ``moment`` of this launch plan version."""
    text = f"{ident.project}:{ident.domain}:{ident.name}:{ident.version}:{unix_seconds(moment)}"
    return "f" + fnv1_64(text.encode()).to_bytes(8, "little").hex() + "000"


def scheduled_request(ident: RegisteredId, moment: datetime, kickoff_arg: str) -> execution_pb2.ExecutionCreateRequest:
    """The ``ExecutionCreateRequest`` the scheduler sends for the fire at ``moment`` (a cron fire: the kickoff
    argument, when the schedule names one, is the only input)."""
    request = execution_pb2.ExecutionCreateRequest(project=ident.project, domain=ident.domain,
                                                   name=scheduled_name(ident, moment))
    request.spec.launch_plan.CopyFrom(identifier_pb2.Identifier(
        resource_type=identifier_pb2.LAUNCH_PLAN, project=ident.project, domain=ident.domain, name=ident.name,
        version=ident.version))
    request.spec.metadata.mode = execution_pb2.ExecutionMetadata.SCHEDULED
    request.spec.metadata.scheduled_at.FromSeconds(unix_seconds(moment))
    request.inputs.SetInParent()
    if kickoff_arg:
        literal: literals_pb2.Literal = request.inputs.literals[kickoff_arg]
        literal.scalar.primitive.datetime.FromSeconds(unix_seconds(moment))
    return request
