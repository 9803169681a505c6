"""libyaml's composer for spec files, where it reads a text as ruamel (YAML 1.2) does.

20-50 times faster than ruamel's pure-Python composer; asked only where :func:`agrees` (no construct the two
read differently, nothing nested deep enough to overflow libyaml's C recursion). Scalars are resolved by
ruamel's own YAML 1.2 rules (lpctl.spec.yaml12), so the values are the same either way. Used by
:mod:`lpctl.spec.load`, and only with the accelerators on.
"""

from __future__ import annotations

import functools
import re
from typing import Any, ClassVar

from lpctl.spec.yaml12 import RESOLVERS, plain_tag

#: libyaml's composer recurses in C: beyond this nesting it could overflow the C stack
_FAST_MAX_NESTING = 1000
_BRACKETS = re.compile(r"[][{}]")
#: an empty '---' document, which the two composers place on different lines
_EMPTY_DOC = re.compile(r"^---[ \t]*(?:#[^\n]*)?(?:\n[ \t]*(?:#[^\n]*)?)*(?:\n---|\n?\Z)", re.MULTILINE)
#: constructs libyaml (YAML 1.1) and ruamel (YAML 1.2) read differently, where the fast path
#: steps aside: tabs, YAML 1.1 line breaks and a lone CR, document-end markers, block scalars
#: (comments and indentation), tags and anchors (name grammars and errors differ; aliases need
#: anchors). A spec rarely has any of them.
_DISAGREE = re.compile(
    r"[\t\x85\u2028\u2029]|\r(?!\n)|^\.\.\."
    r"|[|>][-+0-9]*[ \t]*(?:#[^\r\n]*)?(?=[\r\n]|\Z)"
    r"|(?:^|[\s,\[{:-])[!&]",
    re.MULTILINE)
#: a character that every construct of _DISAGREE but '...' starts with: most specs have none, and this
#: scan is 20 times faster than _DISAGREE's
_DISAGREE_START = re.compile(r"[\t\x85\u2028\u2029\r|>!&]")
_INDENT = re.compile(r"^( *)", re.MULTILINE)


def compose(text: str) -> list[Any] | None:
    """libyaml's composer (20-50 times faster than ruamel's pure Python), asked only where
    :func:`agrees`. Scalars are resolved by ruamel's own YAML 1.2 rules, so values are the
    same either way. None means: use ruamel (no libyaml, or any YAML error, which ruamel then reports
    in its own words)."""
    loader = fast_loader()
    if loader is None:
        return None
    import yaml

    try:
        return list(yaml.compose_all(text, Loader=loader))
    except yaml.YAMLError:
        return None


def agrees(text: str) -> bool:
    """No construct that libyaml and ruamel read differently (or that libyaml cannot take)."""
    if "%YAML" in text or _disagree(text) or not _shallow(text):
        return False
    return "---" not in text or not _EMPTY_DOC.search(text.replace("\r\n", "\n") if "\r" in text else text)


def _disagree(text: str) -> bool:
    if text.isascii():  # a flag of the string; a search for each character is a third of the pattern's time
        maybe = ("|" in text or ">" in text or "!" in text or "&" in text or "\t" in text or "\r" in text
                 or "..." in text)
    else:
        maybe = "..." in text or _DISAGREE_START.search(text) is not None
    return maybe and _DISAGREE.search(text) is not None


def _shallow(text: str) -> bool:
    if len(text) < _FAST_MAX_NESTING:  # brackets and indentation are characters of the text
        return True
    depth = deepest = 0
    for bracket in _BRACKETS.findall(text):
        depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    indent = max((len(m) for m in _INDENT.findall(text)), default=0)
    return deepest + indent < _FAST_MAX_NESTING


@functools.lru_cache(maxsize=1)
def fast_loader() -> Any:
    """PyYAML's libyaml composer with ruamel's YAML 1.2 scalar rules (lpctl.spec.yaml12); None without libyaml."""
    try:
        import yaml
        from yaml.cyaml import CParser
    except ImportError:
        return None

    class Resolver12(yaml.resolver.BaseResolver):  # type: ignore[misc]
        yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {}  # PyYAML's per-class registry

    for tag, regexp, firsts in RESOLVERS:
        Resolver12.add_implicit_resolver(tag, regexp, list(firsts))

    scalar_node = yaml.ScalarNode

    class Loader(CParser, Resolver12):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Resolver12.__init__(self)

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is not scalar_node or not implicit[0]:
                return Resolver12.resolve(self, kind, value, implicit)
            return plain_tag(value)

        # no path resolvers are registered: nothing to track while composing
        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            return None

        def ascend_resolver(self) -> None:
            return None

    return Loader
