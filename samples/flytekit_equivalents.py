"""flytekit equivalents of the lpctl samples.

For every YAML file in samples/, the ``LaunchPlan.get_or_create(...)`` call that the spec means,
written with flytekit. The conformance tests serialize these with flytekit and compare the
result with what lpctl renders from the YAML, so each builder must stay exactly equivalent to
its spec (same name, workflow, inputs, schedule, notifications, ...).

``SAMPLES`` maps each YAML file name to its builder, or, for a multi-document file, to the list
of builders in document order. Builders may be called repeatedly: flytekit caches launch plans
by name (``LaunchPlan.CACHE``) and returns the cached one for identical arguments.

Where the documentation's Python does not run with flytekit as written, the builder uses the
working flytekit spelling of the same thing (noted inline and in samples/README.md).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flytekit import (
    ConcurrencyLimitBehavior,
    ConcurrencyPolicy,
    CronSchedule,
    Email,
    FixedRate,
    LaunchPlan,
    PagerDuty,
    Slack,
    WorkflowExecutionPhase,
)
from flytekit.models.common import Annotations, AuthRole, Labels, RawOutputDataConfig
from flytekit.models.security import Identity, SecurityContext

from samples.workflows import (
    hello_workflow,
    kickoff_workflow,
    my_workflow,
    scheduled_workflow,
    sum_workflow,
)

# --- "Defining launch plans" ----------------------------------------------------------------


def build_default_launch_plan() -> LaunchPlan:
    return LaunchPlan.get_or_create(workflow=my_workflow)


def build_named() -> LaunchPlan:
    return LaunchPlan.get_or_create(
        workflow=my_workflow,
        name="my_custom_launch_plan",
    )


def build_default_inputs() -> LaunchPlan:
    return LaunchPlan.get_or_create(
        workflow=my_workflow,
        name="with_defaults",
        default_inputs={"a": 42, "b": "default_value"},
    )


def build_fixed_inputs() -> LaunchPlan:
    return LaunchPlan.get_or_create(
        workflow=my_workflow,
        name="with_fixed",
        fixed_inputs={"a": 100},
    )


def build_default_and_fixed() -> LaunchPlan:
    return LaunchPlan.get_or_create(
        workflow=my_workflow,
        name="combined_inputs",
        default_inputs={"b": "default_string"},
        fixed_inputs={"a": 200},
    )


def build_cron_schedule() -> LaunchPlan:
    return LaunchPlan.get_or_create(
        workflow=my_workflow,
        name="weekly_monday",
        default_inputs={"a": 1, "b": "weekly"},
        schedule=CronSchedule(
            schedule="0 10 * * 1",
            kickoff_time_input_arg=None,
        ),
    )


def build_fixed_rate() -> LaunchPlan:
    return LaunchPlan.get_or_create(
        workflow=my_workflow,
        name="every_six_hours",
        default_inputs={"a": 1, "b": "periodic"},
        schedule=FixedRate(duration=timedelta(hours=6)),
    )


def build_labels_annotations() -> LaunchPlan:
    return LaunchPlan.get_or_create(
        workflow=my_workflow,
        name="with_metadata",
        default_inputs={"a": 1, "b": "metadata"},
        labels=Labels({"team": "data-science", "env": "staging"}),
        annotations=Annotations({"description": "Launch plan for testing", "owner": "jane.doe"}),
    )


def build_max_parallelism() -> LaunchPlan:
    return LaunchPlan.get_or_create(
        workflow=my_workflow,
        name="with_parallelism",
        default_inputs={"a": 1, "b": "parallel"},
        max_parallelism=10,
    )


def build_overwrite_cache() -> LaunchPlan:
    return LaunchPlan.get_or_create(
        workflow=my_workflow,
        name="no_cache",
        default_inputs={"a": 1, "b": "fresh"},
        overwrite_cache=True,
    )


def build_auto_activate() -> LaunchPlan:
    return LaunchPlan.get_or_create(
        workflow=my_workflow,
        name="auto_active",
        default_inputs={"a": 1, "b": "active"},
        auto_activate=True,
    )


def build_auth_role() -> LaunchPlan:
    return LaunchPlan.get_or_create(
        workflow=my_workflow,
        name="with_auth",
        default_inputs={"a": 1, "b": "secure"},
        auth_role=AuthRole(assumable_iam_role="arn:aws:iam::12345678:role/my-execution-role"),
    )


def build_security_context() -> LaunchPlan:
    # The docs write SecurityContext(run_as=SecurityContext.K8sServiceAccount(name=...)),
    # which flytekit does not have; this is the working spelling.
    return LaunchPlan.get_or_create(
        workflow=my_workflow,
        name="with_security",
        default_inputs={"a": 1, "b": "context"},
        security_context=SecurityContext(run_as=Identity(k8s_service_account="my-service-account")),
    )


def build_raw_output_data_config() -> LaunchPlan:
    return LaunchPlan.get_or_create(
        workflow=my_workflow,
        name="with_output_config",
        default_inputs={"a": 1, "b": "output"},
        raw_output_data_config=RawOutputDataConfig(
            output_location_prefix="s3://my-bucket/workflow-outputs/"
        ),
    )


def build_comprehensive() -> LaunchPlan:
    # The docs write Notification(phases=["SUCCEEDED", "FAILED"], email=EmailNotification(...));
    # flytekit needs WorkflowExecutionPhase values, and Email(...) is the same notification.
    return LaunchPlan.get_or_create(
        workflow=my_workflow,
        name="comprehensive_example",
        default_inputs={"b": "configurable"},
        fixed_inputs={"a": 42},
        schedule=CronSchedule(schedule="0 9 * * *"),
        notifications=[
            Email(
                phases=[WorkflowExecutionPhase.SUCCEEDED, WorkflowExecutionPhase.FAILED],
                recipients_email=["team@example.com"],
            )
        ],
        labels=Labels({"env": "production", "team": "data"}),
        annotations=Annotations({"description": "Daily data processing"}),
        max_parallelism=20,
        overwrite_cache=False,
        auto_activate=True,
        auth_role=AuthRole(assumable_iam_role="arn:aws:iam::12345678:role/workflow-role"),
        raw_output_data_config=RawOutputDataConfig(output_location_prefix="s3://results-bucket/daily-run/"),
    )


# --- "Notifications" ------------------------------------------------------------------------


def build_notifications() -> LaunchPlan:
    return LaunchPlan.get_or_create(
        workflow=kickoff_workflow,
        name="my_workflow_custom_lp",
        fixed_inputs={"a": 3},
        default_inputs={"b": 4, "c": 5},
        notifications=[
            Email(
                phases=[WorkflowExecutionPhase.FAILED],
                recipients_email=["me@example.com", "you@example.com"],
            ),
            PagerDuty(
                phases=[WorkflowExecutionPhase.SUCCEEDED],
                recipients_email=["myboss@example.com"],
            ),
            Slack(
                phases=[
                    WorkflowExecutionPhase.SUCCEEDED,
                    WorkflowExecutionPhase.ABORTED,
                    WorkflowExecutionPhase.TIMED_OUT,
                ],
                # the docs' placeholder "your_slack_channel_email", as an address
                recipients_email=["your_slack_channel@example.slack.com"],
            ),
        ],
    )


# --- "Schedules" (schedules.yaml, three documents) ------------------------------------------


def build_schedules_fixed_rate() -> LaunchPlan:
    return LaunchPlan.get_or_create(
        workflow=sum_workflow,
        name="my_workflow_fixed_rate_lp",
        fixed_inputs={"a": 3},
        default_inputs={"b": 4, "c": 5},
        schedule=FixedRate(duration=timedelta(minutes=10)),
    )


def build_schedules_cron() -> LaunchPlan:
    return LaunchPlan.get_or_create(
        workflow=sum_workflow,
        name="my_workflow_cron_lp",
        fixed_inputs={"a": 3},
        default_inputs={"b": 4, "c": 5},
        schedule=CronSchedule(schedule="*/10 * * * *"),
    )


def build_schedules_kickoff() -> LaunchPlan:
    return LaunchPlan.get_or_create(
        workflow=kickoff_workflow,
        name="my_workflow_kickoff_lp",
        fixed_inputs={"a": 3},
        default_inputs={"b": 4, "c": 5},
        schedule=FixedRate(
            duration=timedelta(minutes=10),
            kickoff_time_input_arg="kickoff_time",
        ),
    )


# --- "Concurrency control" (concurrency_control.yaml, two documents) -------------------------


def build_concurrency_basic() -> LaunchPlan:
    return LaunchPlan.get_or_create(
        name="my_concurrent_lp",
        workflow=hello_workflow,
        concurrency=ConcurrencyPolicy(
            max_concurrency=3,
            behavior=ConcurrencyLimitBehavior.SKIP,
        ),
    )


def build_concurrency_scheduled() -> LaunchPlan:
    return LaunchPlan.get_or_create(
        name="my_scheduled_concurrent_lp",
        workflow=scheduled_workflow,
        concurrency=ConcurrencyPolicy(
            max_concurrency=1,
            behavior=ConcurrencyLimitBehavior.SKIP,
        ),
        schedule=CronSchedule(schedule="*/5 * * * *"),
    )


Builder = Callable[[], LaunchPlan]

SAMPLES: dict[str, Builder | list[Builder]] = {
    "default_launch_plan.yaml": build_default_launch_plan,
    "named.yaml": build_named,
    "default_inputs.yaml": build_default_inputs,
    "fixed_inputs.yaml": build_fixed_inputs,
    "default_and_fixed.yaml": build_default_and_fixed,
    "cron_schedule.yaml": build_cron_schedule,
    "fixed_rate.yaml": build_fixed_rate,
    "labels_annotations.yaml": build_labels_annotations,
    "max_parallelism.yaml": build_max_parallelism,
    "overwrite_cache.yaml": build_overwrite_cache,
    "auto_activate.yaml": build_auto_activate,
    "auth_role.yaml": build_auth_role,
    "security_context.yaml": build_security_context,
    "raw_output_data_config.yaml": build_raw_output_data_config,
    "comprehensive.yaml": build_comprehensive,
    "notifications.yaml": build_notifications,
    "schedules.yaml": [build_schedules_fixed_rate, build_schedules_cron, build_schedules_kickoff],
    "concurrency_control.yaml": [build_concurrency_basic, build_concurrency_scheduled],
}
