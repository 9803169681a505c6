"""How status shows fire times, shared by launch plans (:mod:`lpctl.admin.status`) and Flyte 2 triggers
(:mod:`lpctl.admin.trigger_status`); pure text."""

from __future__ import annotations

from datetime import datetime, timezone

from lpctl.admin.fires import unix_seconds
from lpctl.admin.text import server_text
from lpctl.errors import UsageError
from lpctl.schedule.preview import PlanPreview, TooManyFires, moment_text

__all__ = ["fire_lines", "iso", "too_wide", "utc_text"]


def iso(moment: datetime) -> str:
    return moment.isoformat()


def utc_text(moment: datetime) -> str:
    return f"{moment.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC"


def too_wide(ident: str, e: TooManyFires, start: datetime, end: datetime) -> UsageError:
    """A window too wide to check is a usage error (exit 2), never "nothing missed"."""
    return UsageError(f"{ident} has {e} between {utc_text(start)} and {utc_text(end)}, more than lpctl checks "
                      "in one run: narrow the window")


def fire_lines(head: str, expected: PlanPreview, ran: dict[int, str], note: str | None) -> list[str]:
    """``head``, then each fire time in its zone and in UTC, marked ran (by which execution or run) or
    MISSED, and the DST-skipped times; ``note``: since when fires are expected, if not the window's start."""
    rows: list[tuple[datetime, str, str]] = []
    for fire in expected.fire_times:
        local, utc = moment_text(fire.moment)
        by = ran.get(unix_seconds(fire.moment))
        mark = f"ran {server_text(by)}" if by else "MISSED"
        rows.append((fire.moment.replace(tzinfo=None, fold=0), local,
                     f"{utc}  {mark}" + ("  (repeated hour, DST)" if fire.repeated else "")))
    rows.extend((wall, f"{wall:%Y-%m-%d %H:%M}", "skipped: does not exist (DST gap), not a missed fire")
                for wall in expected.skipped)
    rows.sort(key=lambda row: row[0])
    width = max((len(local) for _, local, _ in rows), default=0)
    lines = [head]
    if note is not None:
        lines.append(f"  ({note}: no fires expected before)")
    lines.extend(f"  {local:<{width}}  {rest}" for _, local, rest in rows)
    if not rows:
        lines.append("  no fire times in the window")
    return lines
