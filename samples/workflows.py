"""Workflows used by the lpctl samples.

Each workflow mirrors a workflow of the Flyte (flytekit v1) documentation's launch plan pages
(https://www.union.ai/docs/v1/flyte/user-guide/core-concepts/launch-plans/). Several of those
pages each call their own workflow ``my_workflow`` with a different signature; only the one of
"Defining launch plans" keeps that name here, the others are renamed (see samples/README.md).
"""

from datetime import datetime

from flytekit import task, workflow

# --- "Defining launch plans" ----------------------------------------------------------------


@task
def format_result(a: int, b: str) -> str:
    return f"Result: {a} and {b}"


@workflow
def my_workflow(a: int, b: str) -> str:
    # The docs return the f-string directly; a flytekit workflow cannot format its inputs
    # (they are promises), so the formatting happens in a task.
    return format_result(a=a, b=b)


# --- "Notifications" and "Schedules" (kickoff_time_input_arg) --------------------------------


@task
def add_numbers(a: int, b: int, c: int) -> int:
    return a + b + c


@task
def generate_message(s: int, kickoff_time: datetime) -> str:
    return f"sum: {s} at {kickoff_time}"


@workflow
def kickoff_workflow(a: int, b: int, c: int, kickoff_time: datetime) -> str:
    """The docs' ``my_workflow(a: int, b: int, c: int, kickoff_time: datetime) -> str``."""
    return generate_message(s=add_numbers(a=a, b=b, c=c), kickoff_time=kickoff_time)


# --- "Schedules" (fixed rate and cron) ------------------------------------------------------


@task
def my_task(a: int, b: int, c: int) -> int:
    return a + b + c


@workflow
def sum_workflow(a: int, b: int, c: int) -> int:
    """The docs' ``my_workflow(a: int, b: int, c: int) -> int``."""
    return my_task(a=a, b=b, c=c)


# --- "Concurrency control" -------------------------------------------------------------------


@task
def say_hello() -> str:
    return "Hello, World!"


@task
def process() -> str:
    # This task might take a long time to complete
    return "Processing complete"


@workflow
def hello_workflow() -> str:
    """The docs' ``my_workflow() -> str`` of the concurrency control page."""
    return say_hello()


@workflow
def scheduled_workflow() -> str:
    return process()
