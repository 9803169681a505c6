"""The calls ``lpctl status`` makes for 100 hourly Flyte 2 triggers over 7 days, every fire run.

Against the loopback Flyte 2 fake (tests/fake_flyte2.py, tests/fake_runs.py), with lpctl's client as the CLI
builds it (100 per page; the open-source backend gives as many as asked, up to 200). The 100 triggers belong to
TASKS tasks; the runs are named as the open-source scheduler names them (NAMED_OTHERWISE of them otherwise, as
another backend may, each then costing one GetRunDetails).

    python benchmarks/trigger_status_rpcs.py [TASKS] [NAMED_OTHERWISE]
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))

from fake_flyte2 import TOKEN, D, FakeFlyte2, P, serve

from lpctl.admin.flyte2_client import Flyte2Client
from lpctl.admin.trigger_fires import TriggerId, run_name
from lpctl.admin.trigger_status import read_trigger_status

TRIGGERS, DAYS = 100, 7


def main(tasks: int, named_otherwise: int) -> None:
    end = datetime(2026, 11, 30, tzinfo=timezone.utc)
    start = end - timedelta(days=DAYS)
    backend = FakeFlyte2(page_size=100)
    backend.run_state.run_page_size = 200
    triggers = [TriggerId(P, D, f"env.task{i % tasks:03d}", f"hourly{i:03d}") for i in range(TRIGGERS)]
    for t in triggers:
        backend.add_task(t.task, "v1")
        backend.put(t.name, t.task, "v1", cron="0 * * * *", timezone="UTC",
                    since=datetime(2026, 1, 1, tzinfo=timezone.utc))
    otherwise = 0
    for t in triggers:
        for hour in range(DAYS * 24):
            moment = start + timedelta(hours=hour)
            name = run_name(t, moment) if otherwise >= named_otherwise else f"u{otherwise:019d}"
            otherwise += name.startswith("u")
            backend.fired(t.task, t.name, name, moment)
    with serve(backend) as server, Flyte2Client(server.endpoint, insecure=True, token=TOKEN) as client:
        backend.calls.clear()
        began = time.perf_counter()
        found, _ = read_trigger_status(client, triggers, start, end)
        took = time.perf_counter() - began
    calls = Counter(backend.calls)
    expected = sum(len(s.expected.fire_times) for s in found if s.expected)
    missed = sum(len(s.missed) for s in found)
    print(f"{TRIGGERS} triggers of {tasks} tasks, {expected} fires expected, {missed} missed, "
          f"{len(backend.run_state.runs)} runs on the server ({named_otherwise} named otherwise)")
    print(f"calls: {sum(calls.values())} ({', '.join(f'{k} {v}' for k, v in sorted(calls.items()))}); {took:.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1, int(sys.argv[2]) if len(sys.argv) > 2 else 0)
