"""Schedule warnings both targets give (the Flyte 1 scheduler and the Flyte 2 one run the same robfig ``Next``):
LP511 very frequent, LP513/LP514 daylight saving time, LP515 February 29."""

from __future__ import annotations

import datetime as dt

from lpctl.spec.findings import Findings
from lpctl.spec.positions import Path

#: a schedule that fires more often than this gets a warning
MIN_INTERVAL = dt.timedelta(minutes=5)


def warn_frequent(ctx: Findings, interval: dt.timedelta, path: Path, firing: str = "workflow execution") -> None:
    """LP511; ``firing`` is what each firing starts: a launch plan's workflow execution, a trigger's task run."""
    if interval < MIN_INTERVAL:
        from lpctl.schedule.durations import format_duration

        ctx.warn("LP511", f"schedule fires every {format_duration(interval)}, more often than every 5 minutes",
                 path, hint=f"each firing is a whole {firing}; make sure that is intended")


def warn_february_29(ctx: Findings, expr: str) -> None:
    from lpctl.schedule.cron import only_february_29

    if only_february_29(expr):
        ctx.warn("LP515", f'cron "{expr}" fires only on February 29: once every four years',
                 ("schedule", "cron"), hint="for the end of February, the Flyte scheduler has no 'L': "
                 "use day 28, or day 1 of March")


def warn_dst(ctx: Findings, zone: str, expr: str) -> None:
    from lpctl.schedule.cron import parse_cron
    from lpctl.schedule.zones import SurpriseKind, dst_surprises

    spec = parse_cron(expr)
    if spec is None:
        return
    today = dt.datetime.now(dt.timezone.utc).date()
    for surprise in dst_surprises(spec, zone, today):
        times, many = _join_times(surprise.times), len(surprise.times) > 1
        change = f"{surprise.clock_before} -> {surprise.clock_after}"
        day = f"{surprise.day:%Y-%m-%d}"  # the next such day; the zone's rules repeat it every year
        first, last = surprise.clock_before, surprise.clock_after  # the gap; the repeated hour is after-before
        if surprise.kind is SurpriseKind.REPEAT:
            first, last = last, first
        hint = f"move the time out of {first}-{last}, or use timezone: UTC"
        if surprise.kind is SurpriseKind.GAP:
            verb, runs = ("do not exist", "those runs") if many else ("does not exist", "that run")
            ctx.warn("LP513", f"in {zone}, {times} {verb} on {day}, when clocks go forward ({change}): "
                     f"the Flyte scheduler skips {runs}", ("schedule", "cron"), hint=hint)
        else:
            verb = "happen" if many else "happens"
            ctx.warn("LP514", f"in {zone}, {times} {verb} twice on {day}, when clocks go back ({change}): "
                     "the Flyte scheduler runs at both", ("schedule", "cron"), hint=hint)


def _join_times(times: tuple[str, ...]) -> str:
    if len(times) > 3:
        return f"{', '.join(times[:3])} and {len(times) - 3} more"
    return times[0] if len(times) == 1 else f"{', '.join(times[:-1])} and {times[-1]}"
