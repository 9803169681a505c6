"""How the Flyte 2 scheduler fires a trigger, so that a backfill creates the same run.

From flyteorg/flyte ``main`` (6fadb90d65), the open-source backend's ``runs/scheduler/``:

- ``core/job.go``: a fire calls ``Execute(ctx, trigger, scheduledAt.UTC())``;
- ``executor/trigger_executor.go`` ``Execute``: ``CreateRun`` with ``run_id {project, domain, name}`` (no org),
  ``trigger_name {project, domain, name, task_name}``, ``source: RUN_SOURCE_SCHEDULE_TRIGGER``,
  ``run_start_time`` the fire time and, when the schedule names a kickoff argument, ``inputs`` holding only
  that argument (a datetime literal of the fire time); the server adds the trigger's pinned task version, its
  run spec and (when no inputs are sent) its offloaded inputs. ``ALREADY_EXISTS`` counts as done;
- ``runName``: ``"r"`` and the lower-case hex of Go's ``fnv.New64`` (FNV-1) sum, without leading zeros, over
  ``"<project>:<domain>:<task_name>:<name>:<Y>:<M>:<D>:<h>:<m>:<s>"`` of the UTC fire time, fields unpadded.

Names differ between backends (a managed one may name fires otherwise): a fire is matched by this name or by
the run's ``run_start_time``, never by an error (the open-source ``CreateRun`` answers a duplicate name with
the existing run and no error).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from lpctl.admin.fires import fnv1_64, unix_seconds
from lpctl.schedule.preview import FireTime, TooManyFires

__all__ = ["TriggerId", "rate_window", "run_name", "run_request"]

#: flyteidl2.workflow.RunSource.RUN_SOURCE_SCHEDULE_TRIGGER
SCHEDULE_TRIGGER = 3


@dataclass(frozen=True, order=True)
class TriggerId:
    """A trigger on the server: unique per (project, domain, task, name); ``org`` is carried along."""

    project: str
    domain: str
    task: str
    name: str
    org: str = ""

    def __str__(self) -> str:
        return f"{self.project}/{self.domain}/{self.task}/{self.name}"

    def message(self) -> Any:
        from flyteidl2.common import identifier_pb2

        return identifier_pb2.TriggerName(org=self.org, project=self.project, domain=self.domain,
                                          task_name=self.task, name=self.name)


def run_name(trigger: TriggerId, moment: datetime) -> str:
    """The name the open-source scheduler gives the run of the fire at ``moment``."""
    t = moment.astimezone(timezone.utc)
    text = (f"{trigger.project}:{trigger.domain}:{trigger.task}:{trigger.name}:"
            f"{t.year}:{t.month}:{t.day}:{t.hour}:{t.minute}:{t.second}")
    return f"r{fnv1_64(text.encode()):x}"


def run_request(trigger: TriggerId, moment: datetime, kickoff_arg: str) -> Any:
    """The ``CreateRunRequest`` the scheduler sends for the fire at ``moment``."""
    from flyteidl2.common import identifier_pb2
    from flyteidl2.workflow import run_service_pb2

    request = run_service_pb2.CreateRunRequest(
        run_id=identifier_pb2.RunIdentifier(org=trigger.org, project=trigger.project, domain=trigger.domain,
                                            name=run_name(trigger, moment)),
        trigger_name=trigger.message(), source=SCHEDULE_TRIGGER)
    request.run_start_time.FromSeconds(unix_seconds(moment))
    if kickoff_arg:
        literal = request.inputs.literals.add(name=kickoff_arg)
        literal.value.scalar.primitive.datetime.FromSeconds(unix_seconds(moment))
    return request


def rate_window(start_time: datetime, every: timedelta, start: datetime, end: datetime,
                limit: int) -> tuple[FireTime, ...]:
    """The ticks of a fixed rate anchored at ``start_time`` (``ConstantDelaySchedule``: ``start_time``, then
    each previous tick plus ``every``, sub-seconds dropped) in ``[start, end)``, in UTC. Raises TooManyFires
    past ``limit`` ticks."""
    moment = start_time.astimezone(timezone.utc)
    times: list[FireTime] = []
    try:
        if moment < start:
            moment = moment.replace(microsecond=0) + every * -(-(start - moment.replace(microsecond=0)) // every)
        while moment < end:
            if len(times) == limit:
                raise TooManyFires(f"more than {limit:,} fire times")
            times.append(FireTime(moment))
            moment = moment.replace(microsecond=0) + every
    except OverflowError:  # the next tick is past the year 9999: none of them is in the window
        pass
    return tuple(times)
