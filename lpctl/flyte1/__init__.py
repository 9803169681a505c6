"""The Flyte 1 target: resolve workflows, convert inputs to literals, compile ``flyteidl.admin.LaunchPlan``."""
