"""Flyte 2 tasks with untyped-dict and dataclass inputs: flyte-sdk 2.12.1 sends such trigger values as msgpack."""

from __future__ import annotations

import dataclasses

import flyte

env = flyte.TaskEnvironment(name="structs")


@dataclasses.dataclass
class Window:
    days: int
    scale: float = 0.5
    label: str = "w"


@env.task
async def tune(cfg: dict, window: Window, sizes: dict[str, int], limit: int = 3) -> str:
    return f"{cfg} {window} {sizes} {limit}"
