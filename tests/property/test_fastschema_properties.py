"""The compiled schema check agrees with jsonschema on generated and mutated specs (Hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import examples
from test_properties import JSON, _schema_strategy, mutated

from lpctl.accel.fastschema import is_valid
from lpctl.spec.schema import _validator


def _jsonschema_valid(data: Any) -> bool:
    return not any(True for _ in _validator().iter_errors(data))


@settings(max_examples=examples(300), deadline=None, suppress_health_check=list(HealthCheck))
@given(_schema_strategy())
def test_generated_valid_specs_are_valid(spec: Any) -> None:
    assert _jsonschema_valid(spec)
    assert is_valid(spec) is True


@settings(max_examples=examples(400), deadline=None, suppress_health_check=list(HealthCheck))
@given(_schema_strategy().flatmap(mutated))
def test_mutated_specs_get_jsonschemas_verdict(spec: Any) -> None:
    verdict = is_valid(spec)
    assert verdict is None or verdict == _jsonschema_valid(spec)


@settings(max_examples=examples(300), deadline=None)
@given(st.dictionaries(st.sampled_from(["apiVersion", "kind", "name", "workflow", "schedule", "labels",
                                        "default_inputs", "notifications", "concurrency", "security_context"]),
                       JSON))
def test_arbitrary_documents_get_jsonschemas_verdict(spec: Any) -> None:
    verdict = is_valid(spec)
    assert verdict is None or verdict == _jsonschema_valid(spec)
