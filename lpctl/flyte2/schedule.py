"""``schedule:`` of a trigger -> ``flyteidl2.task.TriggerAutomationSpec``, in the Flyte 2 backend's dialect."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flyteidl2.task import common_pb2

from lpctl.flyte2.context import TriggerContext
from lpctl.shared.schedule_checks import warn_dst, warn_february_29, warn_frequent
from lpctl.spec.model import TriggerSchedule

#: FixedRate.value is a uint32 count of minutes
MAX_RATE_MINUTES = 2**32 - 1


@dataclass(frozen=True)
class CronRefusal:
    """Why the Flyte 2 backend (or its scheduler) would not run a cron; ``key`` is the spec key to blame."""

    code: str
    message: str
    hint: str | None = None
    key: str = "cron"


#: what each firing of a trigger starts (LP511)
RUN = "task run"


def check_flyte2_cron(expression: str, timezone: str) -> list[CronRefusal]:
    """Every refusal of ``ParseCron`` in flyteorg/flyte ``runs/schedule/cron.go``.

    The backend prefixes ``CRON_TZ=<timezone> `` and calls unionai/cron's ``ParseStandard``: the
    Flyte 1 scheduler's grammar, so lpctl's robfig parser decides; ``@every`` is accepted here
    (flytekit, not Flyte 2, refused it), and a zone inside the expression is not.
    """
    refusals = []
    zone = _zone_refusal(timezone)
    if zone is not None:
        refusals.append(zone)
    cron = _cron_refusal(expression)
    if cron is not None:
        refusals.append(cron)
    return refusals


def _cron_refusal(expression: str) -> CronRefusal | None:
    from lpctl.schedule.cron import CronProblemKind, analyse  # the robfig grammar, without flytekit's croniter

    _, problem = analyse(expression)
    if problem is None:
        return None
    if problem.kind is CronProblemKind.ADMIN_ONLY and not expression.startswith(("TZ=", "CRON_TZ=")):
        return _every_refusal(expression)  # @every <duration>: ParseStandard takes what ParseDuration takes
    if problem.kind is CronProblemKind.ADMIN_ONLY:
        prefix = expression.split()[0]
        return CronRefusal("LP911", f'cron expression "{expression}": a time zone prefix ("{prefix}") is refused '
                           "inside the expression: the backend puts CRON_TZ=<timezone> in front of it",
                           f"remove \"{prefix}\" and write 'timezone: {prefix.partition('=')[2]}'")
    if problem.kind is CronProblemKind.NEVER_FIRES:
        return CronRefusal("LP912", problem.message, "the Flyte 2 scheduler never starts such a trigger; "
                           "pick days that exist")
    hint = problem.hint
    if problem.kind is CronProblemKind.ALIAS_WITHOUT_AT:
        hint = hint or "use the '@' form"
        return CronRefusal("LP911", f'"{expression}" is not a cron expression the Flyte 2 backend accepts '
                           "(it needs exactly 5 fields or an '@' descriptor)", hint)
    return CronRefusal("LP911", problem.message, hint)


def _every_refusal(expression: str) -> CronRefusal | None:
    from lpctl.schedule.durations import every_delay

    try:
        every_delay(expression.removeprefix("@every").strip())
    except ValueError as e:
        return CronRefusal("LP911", f'cron expression "{expression}": {e}', "write a shorter delay, or a cron "
                           "expression")
    return None


def _zone_refusal(timezone: str) -> CronRefusal | None:
    from lpctl.schedule.zones import load_zone, suggest_zone

    if timezone != "localtime" and load_zone(timezone) is not None:
        return None
    near = suggest_zone(timezone)
    if near is not None and near.lower() == timezone.lower():
        hint = f"did you mean '{near}'? (zone names are case-sensitive)"
    else:
        hint = f"did you mean '{near}'?" if near else "write an IANA zone name such as Europe/Berlin"
    return CronRefusal("LP913", f'unknown time zone "{timezone}": the backend\'s time.LoadLocation refuses it',
                       hint, "timezone")


def compile_automation(ctx: TriggerContext) -> common_pb2.TriggerAutomationSpec:
    spec = ctx.spec.schedule
    auto = common_pb2.TriggerAutomationSpec()
    if spec is None:
        auto.type = common_pb2.TriggerAutomationSpecType.TYPE_NONE
        return auto
    auto.type = common_pb2.TriggerAutomationSpecType.TYPE_SCHEDULE
    schedule = auto.schedule
    if spec.fixed_rate is not None:
        _fixed_rate(ctx, spec, schedule)
    else:
        _cron(ctx, spec, schedule)
    if spec.kickoff_time_input_arg:
        schedule.kickoff_time_input_arg = spec.kickoff_time_input_arg
    return auto


def _cron(ctx: TriggerContext, spec: TriggerSchedule, schedule: common_pb2.Schedule) -> None:
    expression, timezone = spec.cron or "", spec.timezone
    schedule.cron.expression = expression
    schedule.cron.timezone = timezone
    refusals = check_flyte2_cron(expression, timezone)
    for refusal in refusals:
        ctx.error(refusal.code, refusal.message, ("schedule", refusal.key), hint=refusal.hint)
    if not refusals:
        _warn(ctx, expression, timezone)


def _warn(ctx: TriggerContext, expression: str, timezone: str) -> None:
    """The launch plans' schedule warnings: the Flyte 2 scheduler runs the same unionai/cron ``Next``."""
    from lpctl.schedule.cron import min_interval

    if expression.startswith("@every"):  # under a second, zero or negative: every second
        from lpctl.schedule.durations import every_delay

        warn_frequent(ctx, every_delay(expression.removeprefix("@every").strip()), ("schedule", "cron"), RUN)
    else:
        warn_frequent(ctx, min_interval(expression), ("schedule", "cron"), RUN)
        warn_february_29(ctx, expression)
        warn_dst(ctx, timezone, expression)


def _fixed_rate(ctx: TriggerContext, spec: TriggerSchedule, schedule: common_pb2.Schedule) -> None:
    from lpctl.schedule.durations import parse_duration
    from lpctl.shared.literals import OutOfRange, parse_datetime

    text = spec.fixed_rate or ""
    schedule.rate.unit = common_pb2.FixedRateUnit.FIXED_RATE_UNIT_MINUTE
    try:
        minutes = _whole_minutes(parse_duration(text))
    except ValueError as e:
        ctx.error("LP914", f'fixed_rate "{text}": {e}', ("schedule", "fixed_rate"),
                  hint="write whole minutes, hours or days: 30m, 6h, 2d")
    else:
        schedule.rate.value = minutes
        warn_frequent(ctx, dt.timedelta(minutes=minutes), ("schedule", "fixed_rate"), RUN)
    if spec.start_time is not None:
        try:
            schedule.rate.start_time.FromDatetime(parse_datetime(spec.start_time))
        except OutOfRange as e:
            ctx.error("LP205", f"start_time {e}", ("schedule", "start_time"),
                      hint="write a time between year 1 and year 9999 in UTC")
        except (ValueError, TypeError):
            ctx.error("LP205", f"start_time {spec.start_time!r} is not an ISO 8601 datetime",
                      ("schedule", "start_time"), hint="write it like 2026-12-01T00:00:00Z (naive means UTC)")


def _whole_minutes(delta: dt.timedelta) -> int:
    seconds = delta.total_seconds()
    if seconds <= 0:
        raise ValueError("the rate must be positive: FixedRate(0) never advances and the scheduler loops")
    if delta % dt.timedelta(minutes=1):
        raise ValueError("Flyte 2 fixed rates are whole minutes (FixedRate.interval_minutes)")
    minutes = int(seconds // 60)
    if minutes > MAX_RATE_MINUTES:
        raise ValueError(f"{minutes} minutes does not fit FixedRate.value (a uint32)")
    return minutes
