"""Workflows for the conformance suite: every input type lpctl types by the interface."""

from __future__ import annotations

import datetime
import enum
import typing
from dataclasses import dataclass, field
from typing import List, Optional  # noqa: UP035 - the typing spellings, as older code writes them

from flytekit import task, workflow
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"


@dataclass
class Point:
    x: int = 0
    y: float = 0.0
    tags: list[str] = field(default_factory=list)


@dataclass
class Inner:
    z: int = 5
    label: str = "in"


@dataclass
class Settings:
    name: str
    ratio: float = 0.5
    color: Color = Color.RED
    limit: Optional[int] = None  # noqa: UP045
    inner: Inner = field(default_factory=Inner)
    weights: dict[str, float] = field(default_factory=dict)
    points: list[Point] = field(default_factory=list)


@task
def say(a: int, b: str) -> str:
    return f"{a} {b}"


@workflow
def my_workflow(a: int, b: str) -> str:
    return say(a=a, b=b)


@task
def noop() -> None:
    pass


@workflow
def no_inputs() -> None:
    noop()


@workflow
def typed(
    i: int,
    f: float,
    s: str,
    flag: bool,
    when: datetime.datetime,
    span: datetime.timedelta,
    ints: list[int],
    names: list[str],
    counts: dict[str, int],
    color: Color,
    maybe: int | None,
    maybe_s: str | None,
    nested: list[dict[str, list[float]]],
    blob: dict,
    either: int | str,
    maybe_color: Color | None,
    maybe_list: list[int] | None,
) -> None:
    """A workflow with one input of each supported type.

    :param i: an integer
    :param f: a float
    :param s: a string
    """
    noop()


@workflow
def with_defaults(
    a: int = 3,
    b: str = "x",
    c: float = 1.5,
    d: bool = True,
    e: int | None = None,
    g: list[int] = [1, 2],  # noqa: B006 - flytekit reads the default, never mutates it
    h: Color = Color.GREEN,
    t: datetime.datetime = datetime.datetime(2024, 1, 2, 3, 4, 5),
    span: datetime.timedelta = datetime.timedelta(minutes=90),
    o: str | None = "set",
) -> None:
    """Python defaults of each kind.

    :param a: the a input
    :param b: the b input
    """
    noop()


@workflow
def scheduled(kickoff_time: datetime.datetime, a: int = 1, b: str = "x") -> None:
    noop()


@workflow
def with_point(p: Point, n: int = 1) -> None:
    noop()


@workflow
def with_settings(cfg: Settings, maybe: Optional[Point] = None, many: list[Point] | None = None) -> None:  # noqa: UP045
    noop()


def plain(a: int, b: str = "hi", when: datetime.datetime | None = None,
          xs: list[float] = [1.0],  # noqa: B006
          color: Color = Color.RED) -> None:
    """A plain typed function (no flytekit decorator).

    :param a: how many
    """


def _imperative() -> object:
    from flytekit.core.workflow import ImperativeWorkflow

    imperative = ImperativeWorkflow(name="example_pkg.workflows.imperative")
    a = imperative.add_workflow_input("a", int)
    b = imperative.add_workflow_input("b", str)
    node = imperative.add_entity(say, a=a, b=b)
    imperative.add_workflow_output("o0", node.outputs["o0"])
    return imperative


imperative = _imperative()


@__import__("flytekit").reference_workflow(project="other", domain="production",
                                           name="other_team.pipelines.export", version="v3")
def exported(day: datetime.datetime, regions: List[str], limit: Optional[int] = None) -> None:  # noqa: UP006, UP045
    ...


@dataclass
class Window:
    start: int
    size: int = 1


@dataclass
class Job:
    window: Window
    name: str = "job"
    weights: dict[str, float] = field(default_factory=dict)


@workflow
def with_job(job: Job) -> None:
    noop()


def _options() -> object:
    from flytekit import Annotations, Labels, Options

    return Options(labels=Labels({"team": "ml", "tier": "gold"}), annotations=Annotations({"owner": "ml-platform"}))


@workflow(default_options=_options())
def with_options(a: int = 1) -> None:
    noop()


@workflow
def with_files(data: FlyteFile, out: FlyteDirectory, many: list[FlyteFile], maybe: Optional[FlyteFile] = None,  # noqa: UP045
               csv: Optional[FlyteFile[typing.TypeVar("csv")]] = None) -> None:  # noqa: UP045
    noop()


@dataclass
class Transfer:
    src: FlyteFile
    out: FlyteDirectory
    many: list[FlyteFile] = field(default_factory=list)
    csv: Optional[FlyteFile[typing.TypeVar("csv")]] = None  # noqa: UP045


@workflow
def with_transfer(t: Transfer) -> None:
    noop()
