"""The calls ``lpctl status`` makes for 100 hourly launch plans over 7 days, every fire run (DESIGN 9b).

Against the loopback FlyteAdmin fake (tests/fake_admin.py), with lpctl's client as the CLI builds it (100 per
page); the fake answers ListActiveLaunchPlans ACTIVE_PAGE a page (3 in the plan/apply measurements; FlyteAdmin
gives as many as asked).

    python benchmarks/status_rpcs.py [ACTIVE_PAGE]
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))

from fake_admin import TOKEN, D, FakeAdmin, P, serve
from flyteidl.admin import execution_pb2, launch_plan_pb2
from flyteidl.core import identifier_pb2

from lpctl.admin.client import AdminClient, RegisteredId
from lpctl.admin.fires import scheduled_name
from lpctl.admin.status import Window, read_status

LAUNCH_PLANS, DAYS = 100, 7


def main(active_page: int) -> None:
    end = datetime(2026, 11, 30, tzinfo=timezone.utc)
    start = end - timedelta(days=DAYS)
    with serve(FakeAdmin(page_size=active_page)) as server:
        admin = server.admin
        for i in range(LAUNCH_PLANS):
            name = f"hourly{i:03d}"
            lp = launch_plan_pb2.LaunchPlan()
            lp.id.CopyFrom(identifier_pb2.Identifier(resource_type=identifier_pb2.LAUNCH_PLAN, project=P, domain=D,
                                                     name=name, version="v1"))
            lp.spec.entity_metadata.schedule.cron_schedule.schedule = "0 * * * *"
            lp.closure.state = launch_plan_pb2.ACTIVE
            lp.closure.created_at.FromDatetime(datetime(2026, 1, 1, tzinfo=timezone.utc))
            admin.launch_plans[(P, D, name, "v1")] = lp
            for hour in range(DAYS * 24):
                moment = start + timedelta(hours=hour)
                admin.add_execution(scheduled_name(RegisteredId(P, D, name, "v1"), moment), (P, D, name, "v1"),
                                    created=moment + timedelta(seconds=2), scheduled_at=moment,
                                    mode=execution_pb2.ExecutionMetadata.SCHEDULED)
        with AdminClient(server.endpoint, insecure=True, token=TOKEN) as client:
            began = time.perf_counter()
            found = read_status(client, [(P, D, f"hourly{i:03d}") for i in range(LAUNCH_PLANS)], Window(start, end))
            took = time.perf_counter() - began
        calls = Counter(admin.calls)
    expected = sum(len(p.expected.fire_times) for p in found.plans if p.expected)
    print(f"{LAUNCH_PLANS} launch plans, {expected} fires expected, {found.missed} missed, "
          f"{len(admin.executions)} executions on the server")
    print(f"calls: {sum(calls.values())} ({', '.join(f'{k} {v}' for k, v in sorted(calls.items()))}); {took:.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
