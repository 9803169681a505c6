"""A small Flyte 2 repository the trigger plan/apply tests share: two tasks (and one declaring triggers in
code) and three trigger specs."""

from __future__ import annotations

from typing import Any

TASKS = '''\
from datetime import datetime

import flyte

env = flyte.TaskEnvironment(name="demo")


@env.task
async def train(run_at: datetime, epochs: int = 3, dataset: str = "s3://d") -> str:
    return f"{run_at} {epochs} {dataset}"


@env.task
async def report(region: str = "eu") -> str:
    return region


@env.task(triggers=(flyte.Trigger("in_code", flyte.Cron("0 0 * * *")),))
async def scheduled(day: str = "mon") -> str:
    return day
'''
SPECS = """\
apiVersion: lpctl/v1
kind: Trigger
name: nightly
task: demo_tasks:train
description: Retrain every night
schedule: {cron: "0 3 * * *", kickoff_time_input_arg: run_at}
inputs: {epochs: 5}
env_vars: {LOG_LEVEL: debug}
---
apiVersion: lpctl/v1
kind: Trigger
name: hourly
task: demo_tasks:train
schedule: {cron: "0 * * * *", kickoff_time_input_arg: run_at}
---
apiVersion: lpctl/v1
kind: Trigger
name: daily
task: demo_tasks:report
schedule: {cron: "0 6 * * *"}
"""
TRAIN, REPORT = "demo.train", "demo.report"


def write_repo(folder: Any, specs: str = SPECS) -> None:
    """The repository's task module and trigger specs (``specs``: others in triggers.yaml), written into
    ``folder`` (a pathlib.Path)."""
    (folder / "demo_tasks.py").write_text(TASKS)
    (folder / "triggers.yaml").write_text(specs)
