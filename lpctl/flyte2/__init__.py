"""Flyte 2: trigger specs (kind: Trigger) rendered to flyteidl2 TaskTrigger messages, and lpctl migrate."""
