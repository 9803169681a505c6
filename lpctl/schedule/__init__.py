"""The Flyte scheduler's cron dialect and durations."""
