"""lpctl.spec.yaml12 is ruamel.yaml's YAML 1.2 resolver table, copied: held equal to ruamel's here."""

from __future__ import annotations

import pytest
from ruamel.yaml.resolver import implicit_resolvers

from lpctl.spec.yaml12 import RESOLVERS, STR, plain_tag


def test_the_table_is_ruamels_yaml_1_2_table() -> None:
    ruamel = [(tag, regexp.pattern, regexp.flags, list(firsts)) for versions, tag, regexp, firsts in implicit_resolvers
              if (1, 2) in versions]
    ours = [(tag, pattern.pattern, pattern.flags, list(firsts)) for tag, pattern, firsts in RESOLVERS]
    assert ours == ruamel


@pytest.mark.parametrize(("text", "tag"), [
    ("", "null"), ("~", "null"), ("null", "null"), ("NULL", "null"), ("nULL", "str"),
    ("true", "bool"), ("False", "bool"), ("yes", "str"), ("on", "str"),
    ("1", "int"), ("-0o17", "int"), ("0x1F", "int"), ("1_000", "int"), ("0b101", "int"), ("0xG", "str"),
    ("1.5", "float"), (".5", "float"), ("1e3", "float"), ("-.inf", "float"), (".NaN", "float"), ("1:30", "str"),
    ("2024-01-01", "timestamp"), ("2024-01-01T10:00:00Z", "timestamp"), ("<<", "merge"), ("=", "value"),
    ("!", "yaml"), ("hello", "str"), ("é", "str"),
])
def test_plain_scalars_resolve_as_ruamel_resolves_them(text: str, tag: str) -> None:
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.resolver import VersionedResolver

    assert plain_tag(text) == f"tag:yaml.org,2002:{tag}"
    expected = VersionedResolver(version=(1, 2)).resolve(ScalarNode, text, (True, False))
    assert str(expected) == plain_tag(text)
    assert plain_tag(text) == plain_tag(text)  # remembered, the same


def test_str_is_the_default() -> None:
    assert plain_tag("x" * 100) == STR
