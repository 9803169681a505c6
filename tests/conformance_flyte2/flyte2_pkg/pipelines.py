"""Flyte 2 tasks the trigger conformance suite attaches triggers to (the reference's section 5)."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

import flyte

env = flyte.TaskEnvironment(name="pipelines")


class Fmt(enum.Enum):
    CSV = "csv"
    PARQUET = "parquet"


@env.task
async def train(run_at: datetime, epochs: int = 1, dataset: str = "s3://data/train", lr: float = 0.001) -> str:
    return f"{run_at} {epochs} {dataset} {lr}"


@env.task
async def export(region: str, since: datetime | None = None, fmt: Fmt = Fmt.CSV, limit: int | None = None) -> str:
    return f"{region} {since} {fmt} {limit}"


@env.task
async def kinds(flag: bool, ratio: float, window: timedelta, tags: list[str], sizes: dict[str, int],
                note: str | None = None, retries: int | None = 3,
                names: list[str] = ["a", "b"],  # noqa: B006
                when: datetime = datetime(2025, 6, 1), pause: timedelta = timedelta(minutes=30),
                choice: int | str = 1) -> str:
    return f"{flag} {ratio} {window} {tags} {sizes} {note} {retries} {names} {when} {pause} {choice}"


@env.task
def no_inputs() -> int:
    return 1


def plain(x: int) -> int:
    return x


@env.task
async def my_workflow(a: int, b: str) -> str:
    """The Flyte 2 port of samples.workflows:my_workflow (lpctl migrate's round trip)."""
    return f"{a} {b}"


@env.task
async def kickoff_workflow(a: int, b: int, c: int, kickoff_time: datetime) -> str:
    """The Flyte 2 port of samples.workflows:kickoff_workflow."""
    return f"{a + b + c} {kickoff_time}"


@env.task
async def sum_workflow(a: int, b: int, c: int) -> int:
    """The Flyte 2 port of samples.workflows:sum_workflow."""
    return a + b + c
