"""``schedule:`` -> ``admin.Schedule``, with the Flyte scheduler's rules checked at the spec's lines."""

from __future__ import annotations

from flyteidl.admin import schedule_pb2
from flyteidl.core import interface_pb2

from lpctl.flyte1.context import Context
from lpctl.shared.literals import SimpleType
from lpctl.shared.schedule_checks import warn_dst, warn_february_29, warn_frequent
from lpctl.spec.model import Schedule

_CRON_CODES = {"SYNTAX": "LP501", "ALIAS_WITHOUT_AT": "LP502", "NEVER_FIRES": "LP503", "ADMIN_ONLY": "LP504"}


def compile_schedule(ctx: Context, params: interface_pb2.ParameterMap) -> schedule_pb2.Schedule | None:
    """The schedule message, or None when the spec has none; ``params`` is the complete map."""
    spec = ctx.spec.schedule
    if spec is None:
        return None
    schedule = schedule_pb2.Schedule()
    if spec.cron is not None:
        _cron(ctx, spec, schedule)
    elif spec.fixed_rate is not None:
        _fixed_rate(ctx, spec.fixed_rate, schedule)
    kickoff = spec.kickoff_time_input_arg
    if kickoff is not None:
        schedule.kickoff_time_input_arg = kickoff
        kickoff = _check_kickoff(ctx, kickoff)
    _check_unbound(ctx, params, kickoff)
    return schedule


def _cron(ctx: Context, spec: Schedule, schedule: schedule_pb2.Schedule) -> None:
    from lpctl.schedule.cron import check_cron, min_interval
    from lpctl.schedule.durations import is_iso8601_duration

    expr = spec.cron or ""
    schedule.cron_schedule.schedule = expr
    problem = check_cron(expr)
    if problem is not None:
        ctx.error(_CRON_CODES[problem.kind.name], problem.message, ("schedule", "cron"), hint=problem.hint)
    else:
        warn_frequent(ctx, min_interval(expr), ("schedule", "cron"))
        warn_february_29(ctx, expr)
    zone = spec.timezone
    if zone is not None:
        # what FlyteAdmin's scheduler reads (robfig/cron's CRON_TZ); flytekit's CronSchedule refuses it
        schedule.cron_schedule.schedule = f"CRON_TZ={zone} {expr}"
        _check_zone(ctx, zone, expr if problem is None else None)
    offset = spec.offset
    if offset is not None:
        schedule.cron_schedule.offset = offset
        if not is_iso8601_duration(offset):
            ctx.error("LP505", f'offset "{offset}" is not an ISO 8601 duration', ("schedule", "offset"),
                      hint="write it like PT1H, PT30M or P1D")


def _check_zone(ctx: Context, zone: str, expr: str | None) -> None:
    """An unknown zone is an error; DST changes that skip or double a fire time are warnings."""
    from lpctl.schedule.zones import load_zone, suggest_zone

    path = ("schedule", "timezone")
    if load_zone(zone) is None:
        near = suggest_zone(zone)
        hint = f"did you mean '{near}'?" if near else "use an IANA time zone name such as Europe/Berlin or UTC"
        ctx.error("LP512", f"unknown time zone '{zone}'", path, hint=hint)
    elif expr is not None:
        warn_dst(ctx, zone, expr)


def _fixed_rate(ctx: Context, text: str, schedule: schedule_pb2.Schedule) -> None:
    from lpctl.schedule.durations import fixed_rate_units, parse_duration

    path = ("schedule", "fixed_rate")
    try:
        delta = parse_duration(str(text))
        value, unit = fixed_rate_units(delta)
    except ValueError as e:
        ctx.error("LP506", f'fixed rate "{text}": {e}', path, hint="write whole minutes, hours or days: 30m, 6h, 2d")
        return
    schedule.rate.CopyFrom(schedule_pb2.FixedRate(value=value, unit=unit))
    warn_frequent(ctx, delta, path)


def _check_kickoff(ctx: Context, kickoff: str) -> str:
    """Check the kickoff argument; returns the input it binds (for a misspelt one, the input meant,
    so that the input is not also reported as unbound: one root cause, one error)."""
    import difflib

    iface = ctx.interface
    path = ("schedule", "kickoff_time_input_arg")
    inp = iface.inputs.get(kickoff)
    if inp is None:
        meant = difflib.get_close_matches(kickoff, list(iface.inputs), n=1, cutoff=0.8)
        listing = ", ".join(iface.inputs) or "none"
        ctx.error("LP507", f"kickoff argument '{kickoff}' is not an input of workflow '{iface.name}'", path,
                  hint=f"did you mean '{meant[0]}'?" if meant else f"inputs: {listing}")
        return meant[0] if meant else kickoff
    elif kickoff in ctx.spec.fixed_inputs:
        ctx.error("LP508", f"kickoff argument '{kickoff}' is a fixed input; the scheduler must be free to set it",
                  path, hint="remove it from fixed_inputs")
    elif not (inp.type.WhichOneof("type") == "simple" and inp.type.simple == SimpleType.DATETIME):
        from lpctl.shared.literals import type_name

        ctx.error("LP509", f"kickoff argument '{kickoff}' is {type_name(inp.type)}, not datetime", path,
                  hint="FlyteAdmin requires a plain datetime input; Optional[datetime] is refused too")
    return kickoff


def _check_unbound(ctx: Context, params: interface_pb2.ParameterMap, kickoff: str | None) -> None:
    for name in ctx.interface.inputs:  # interface order: the map's own order is random
        param = params.parameters.get(name)
        if param is not None and param.WhichOneof("behavior") == "required" and name != kickoff:
            ctx.error("LP510", f"scheduled launch plan leaves required input '{name}' unbound",
                      ("schedule",), key=True,
                      hint="the scheduler cannot fill it: give it a value in default_inputs or fixed_inputs")
