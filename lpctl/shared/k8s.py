"""Kubernetes label rules as FlyteAdmin applies them, and a practical e-mail address check.

FlyteAdmin (``validateLabelsAlphanumeric``) calls k8s.io/apimachinery's ``IsQualifiedName`` on each
label key and ``IsValidLabelValue`` on each value (apimachinery v0.28.2, pinned by flyteadmin's
go.mod) and wraps the messages as ``invalid label key [<k>]: [<msgs>]``. The functions here return
the inner messages, word for word. Lengths are counted in bytes of UTF-8, as Go's ``len`` does.
"""

from __future__ import annotations

import re

__all__ = ["email_problem", "label_key_problems", "label_value_problems"]

_QNAME_CHAR = "[A-Za-z0-9]"
_QNAME_EXT_CHAR = "[-A-Za-z0-9_.]"
_QUALIFIED_NAME_FMT = "(" + _QNAME_CHAR + _QNAME_EXT_CHAR + "*)?" + _QNAME_CHAR
_QUALIFIED_NAME_ERR = (
    "must consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)
_QUALIFIED_NAME_MAX = 63

_LABEL_VALUE_FMT = "(" + _QUALIFIED_NAME_FMT + ")?"
_LABEL_VALUE_ERR = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)
_LABEL_VALUE_MAX = 63

_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + "(\\." + _DNS1123_LABEL_FMT + ")*"
_DNS1123_SUBDOMAIN_ERR = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character"
)
_DNS1123_SUBDOMAIN_MAX = 253

# Go's regexp "^...$" matches the whole string (no trailing-newline leniency): use fullmatch.
_QUALIFIED_NAME_RE = re.compile(_QUALIFIED_NAME_FMT)
_LABEL_VALUE_RE = re.compile(_LABEL_VALUE_FMT)
_DNS1123_SUBDOMAIN_RE = re.compile(_DNS1123_SUBDOMAIN_FMT)
#: the common valid cases in one match each: a name of 1-63 ASCII characters (a valid key without a prefix,
#: a valid non-empty value), an everyday e-mail address; anything else is checked rule by rule
_PLAIN_NAME_RE = re.compile("[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?")
_PLAIN_EMAIL_RE = re.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+")


def _max_len_error(length: int) -> str:
    return f"must be no more than {length} characters"


def _regex_error(message: str, fmt: str, *examples: str) -> str:
    """apimachinery's ``RegexError``, including its odd ``'x',  or 'y', `` spacing."""
    if not examples:
        return f"{message} (regex used for validation is '{fmt}')"
    quoted = " or ".join(f"'{example}', " for example in examples)
    return f"{message} (e.g. {quoted}regex used for validation is '{fmt}')"


def _empty_error() -> str:
    return "must be non-empty"


def _go_len(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _dns1123_subdomain_problems(value: str) -> list[str]:
    errors: list[str] = []
    if _go_len(value) > _DNS1123_SUBDOMAIN_MAX:
        errors.append(_max_len_error(_DNS1123_SUBDOMAIN_MAX))
    if not _DNS1123_SUBDOMAIN_RE.fullmatch(value):
        errors.append(_regex_error(_DNS1123_SUBDOMAIN_ERR, _DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errors


def label_key_problems(key: str) -> list[str]:
    """k8s ``IsQualifiedName``: ``[prefix/]name``; an empty list means the key is valid."""
    if _PLAIN_NAME_RE.fullmatch(key):
        return []
    return _key_problems(key)


def _key_problems(key: str) -> list[str]:
    errors: list[str] = []
    parts = key.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errors.append("prefix part " + _empty_error())
        else:
            errors.extend("prefix part " + message for message in _dns1123_subdomain_problems(prefix))
    else:
        return [
            "a qualified name "
            + _regex_error(_QUALIFIED_NAME_ERR, _QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errors.append("name part " + _empty_error())
    elif _go_len(name) > _QUALIFIED_NAME_MAX:
        errors.append("name part " + _max_len_error(_QUALIFIED_NAME_MAX))
    if not _QUALIFIED_NAME_RE.fullmatch(name):
        errors.append(
            "name part "
            + _regex_error(_QUALIFIED_NAME_ERR, _QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
        )
    return errors


def label_value_problems(value: str) -> list[str]:
    """k8s ``IsValidLabelValue``; an empty list means the value is valid (the empty string is)."""
    if not value or _PLAIN_NAME_RE.fullmatch(value):
        return []
    return _value_problems(value)


def _value_problems(value: str) -> list[str]:
    errors: list[str] = []
    if _go_len(value) > _LABEL_VALUE_MAX:
        errors.append(_max_len_error(_LABEL_VALUE_MAX))
    if not _LABEL_VALUE_RE.fullmatch(value):
        errors.append(_regex_error(_LABEL_VALUE_ERR, _LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errors


def email_problem(address: str) -> str | None:
    """A conservative sanity check of one recipient address; None if it looks deliverable.

    FlyteAdmin only requires a non-empty string, so this flags only what is surely wrong: no ``@``,
    an empty local part, whitespace (e.g. ``Name <a@b.com>``), or a domain without a dot or with
    empty labels. A quoted local part (``"a@b"@example.com``) may contain ``@``.
    """
    if _PLAIN_EMAIL_RE.fullmatch(address):
        return None
    return _email_problem(address)


def _email_problem(address: str) -> str | None:
    if not address:
        return "the e-mail address is empty"
    if any(character.isspace() for character in address):
        return f'e-mail address "{address}" contains whitespace'
    local, at, domain = address.rpartition("@")
    if not at:
        return f'e-mail address "{address}" has no "@"'
    if "@" in local and not (len(local) >= 2 and local.startswith('"') and local.endswith('"')):
        return f'e-mail address "{address}" has more than one "@"'
    if not local:
        return f'e-mail address "{address}" has nothing before the "@"'
    if not domain:
        return f'e-mail address "{address}" has nothing after the "@"'
    if domain.startswith("[") and domain.endswith("]"):
        return None  # an address literal such as [192.0.2.1]
    if "." not in domain:
        return f'e-mail address "{address}": the domain "{domain}" has no "."'
    if any(not label for label in domain.split(".")):
        return f'e-mail address "{address}": the domain "{domain}" has an empty part'
    return None
