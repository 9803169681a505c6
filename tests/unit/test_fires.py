"""The names and requests of the Flyte 1 scheduler's fires (lpctl.admin.fires).

The expected values were printed by tests/unit/data/scheduler_names.go: the scheduler's own functions
(flyteadmin/scheduler/identifier/identifier.go and executor/executor_impl.go, flyteorg/flyte master
89cf9cc7) run with Go 1.19.8 and github.com/google/uuid 1.3.0.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from flyteidl.admin import execution_pb2
from flyteidl.core import identifier_pb2
from google.protobuf import json_format

from lpctl.admin.client import RegisteredId
from lpctl.admin.fires import fnv1_64, scheduled_name, scheduled_request, unix_seconds

UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")
NIGHTLY = RegisteredId("flytesnacks", "development", "nightly", "v1")

# (identity, fire time, the hashed text's unix seconds, Go's fnv.New64 sum, the execution name)
GO_VALUES = [
    (NIGHTLY, datetime(2026, 12, 1, 3, tzinfo=UTC), 1796094000, 14308819824603059741, "f1d5688b0d12393c6000"),
    (NIGHTLY._replace(version="v2"), datetime(2026, 12, 1, 3, tzinfo=UTC), 1796094000, 14738270868313775424,
     "f409d549d44db88cc000"),
    (NIGHTLY, datetime(2026, 12, 2, 3, tzinfo=UTC), 1796180400, 5764475583285248903, "f874321620088ff4f000"),
    (RegisteredId("flytesnacks", "production", "hourly_report", "abc123"), datetime(2026, 11, 30, 23, tzinfo=UTC),
     1796079600, 15106764622277651354, "f9a2b4c886202a6d1000"),
    # the repeated hour in Berlin: 02:30 CEST and, an hour later, 02:30 CET are two fires with two names
    (NIGHTLY, datetime(2027, 10, 31, 2, 30, tzinfo=BERLIN), 1824942600, 335195176511212863, "f3f0d60b23cdaa604000"),
    (NIGHTLY, datetime(2027, 10, 31, 2, 30, fold=1, tzinfo=BERLIN), 1824946200, 2827994745193907335,
     "f8744f4c53c0e3f27000"),
    (RegisteredId("p", "d", "n", "v"), datetime(1970, 1, 1, tzinfo=UTC), 0, 8441791412262087923,
     "ff32cd31b90442775000"),
]


@pytest.mark.parametrize(("ident", "moment", "seconds", "fnv", "name"), GO_VALUES)
def test_names_are_the_schedulers(ident: RegisteredId, moment: datetime, seconds: int, fnv: int, name: str) -> None:
    assert unix_seconds(moment) == seconds
    assert fnv1_64(f"{ident.project}:{ident.domain}:{ident.name}:{ident.version}:{seconds}".encode()) == fnv
    assert scheduled_name(ident, moment) == name
    assert scheduled_name(ident, moment.astimezone(UTC)) == name  # the zone of the moment does not matter


def test_fnv1_is_not_fnv1a() -> None:
    # Go's hash/fnv test vectors (fnv_test.go golden64): New64 of "a" and of "" (the offset basis)
    assert fnv1_64(b"a") == 0xAF63BD4C8601B7BE
    assert fnv1_64(b"") == 0xCBF29CE484222325


def test_unix_seconds_round_down_as_go_does() -> None:
    assert unix_seconds(datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=UTC)) == -1
    assert unix_seconds(datetime(2026, 12, 1, 3, 0, 0, 999999, tzinfo=UTC)) == 1796094000


def test_the_request_is_the_one_the_scheduler_sends() -> None:
    moment = datetime(2026, 12, 1, 4, tzinfo=BERLIN)
    request = scheduled_request(NIGHTLY, moment, "day")
    assert json_format.MessageToDict(request) == {
        "project": "flytesnacks", "domain": "development", "name": scheduled_name(NIGHTLY, moment),
        "spec": {"launchPlan": {"resourceType": "LAUNCH_PLAN", "project": "flytesnacks", "domain": "development",
                                "name": "nightly", "version": "v1"},
                 "metadata": {"mode": "SCHEDULED", "scheduledAt": "2026-12-01T03:00:00Z"}},
        "inputs": {"literals": {"day": {"scalar": {"primitive": {"datetime": "2026-12-01T03:00:00Z"}}}}},
    }
    assert request.spec.launch_plan.resource_type == identifier_pb2.LAUNCH_PLAN
    assert request.spec.metadata.mode == execution_pb2.ExecutionMetadata.SCHEDULED


def test_without_a_kickoff_argument_the_inputs_are_empty() -> None:
    request = scheduled_request(NIGHTLY, datetime(2026, 12, 1, 3, tzinfo=UTC) + timedelta(hours=1), "")
    assert request.HasField("inputs") and not request.inputs.literals
    assert request.spec.metadata.scheduled_at.seconds == 1796094000 + 3600
