"""What a plain YAML scalar is under the YAML 1.2 core schema: ruamel.yaml's rules, without ruamel.

Both readers of a spec (lpctl.accel.blockyaml, and libyaml's composer in lpctl.spec.fastcompose) resolve plain
scalars with this table, which is ruamel.yaml's YAML 1.2 implicit resolvers copied: importing ruamel for
it cost 15 ms of every run. tests/unit/test_yaml12.py holds the copy equal to ruamel's table.
"""

from __future__ import annotations

import re

STR = "tag:yaml.org,2002:str"

#: (tag, pattern, first characters: "" for the empty scalar), in ruamel's order; the patterns are verbose
#: (re.X) where ruamel's are
RESOLVERS: list[tuple[str, re.Pattern[str], tuple[str, ...]]] = [
    ("tag:yaml.org,2002:bool", re.compile("""^(?:true|True|TRUE|false|False|FALSE)$""", re.X), tuple("tTfF")),
    ("tag:yaml.org,2002:float", re.compile("""^(?:
         [-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |[-+]?\\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\\.(?:inf|Inf|INF)
        |\\.(?:nan|NaN|NAN))$""", re.X), tuple("-+0123456789.")),
    ("tag:yaml.org,2002:int", re.compile("""^(?:[-+]?0b[0-1_]+
        |[-+]?0o?[0-7_]+
        |[-+]?[0-9_]+
        |[-+]?0x[0-9a-fA-F_]+)$""", re.X), tuple("-+0123456789")),
    ("tag:yaml.org,2002:merge", re.compile("^(?:<<)$"), ("<",)),
    ("tag:yaml.org,2002:null", re.compile("""^(?: ~
        |null|Null|NULL
        | )$""", re.X), ("~", "n", "N", "")),
    ("tag:yaml.org,2002:timestamp", re.compile("""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
        (?:[Tt]|[ \\t]+)[0-9][0-9]?
        :[0-9][0-9] :[0-9][0-9] (?:\\.[0-9]*)?
        (?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""", re.X), tuple("0123456789")),
    ("tag:yaml.org,2002:value", re.compile("^(?:=)$"), ("=",)),
    ("tag:yaml.org,2002:yaml", re.compile("^(?:!|&|\\*)$"), tuple("!&*")),
]

#: first character ("" for the empty scalar) -> the resolvers to try, in order
_BY_FIRST: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
for _tag, _pattern, _firsts in RESOLVERS:
    for _first in _firsts:
        _BY_FIRST.setdefault(_first, []).append((_tag, _pattern))

#: plain scalars whose tag is remembered (a few MB at most): keys and values repeat across specs
_REMEMBERED = 50_000
_tags: dict[str, str] = {}


def plain_tag(value: str) -> str:
    """The tag of a plain (unquoted) scalar: PyYAML's and ruamel's ``resolve`` with these resolvers."""
    tag = _tags.get(value)
    if tag is not None:
        return tag
    tag = STR
    for candidate, pattern in _BY_FIRST.get(value[:1], ()):
        if pattern.match(value):
            tag = candidate
            break
    if len(_tags) < _REMEMBERED and len(value) <= 64:
        _tags[value] = tag
    return tag
