from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from support import examples

from lpctl.shared import k8s
from lpctl.shared.k8s import email_problem, label_key_problems, label_value_problems

# Expected texts written out in full (apimachinery v0.28.2, pkg/util/validation/validation.go), so a
# change in lpctl.shared.k8s cannot silently change both sides.
NAME_REGEX_ERROR = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
    "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
SUBDOMAIN_ERROR = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
# Verbatim from flyteadmin's unit test (reference section 4.1, rule 7), double spaces included.
LABEL_VALUE_ERROR = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used "
    "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)


@pytest.mark.parametrize(
    "key",
    [
        "team",
        "a",
        "A",
        "9",
        "My_Name.v-1",
        "app.kubernetes.io/name",
        "example.com/MyName",
        "a/b",
        "x" * 63,
        "a" * 253 + "/" + "b" * 63,
    ],
)
def test_valid_label_keys(key: str) -> None:
    assert label_key_problems(key) == []


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("", ["name part must be non-empty", "name part " + NAME_REGEX_ERROR]),
        ("-team", ["name part " + NAME_REGEX_ERROR]),
        ("team-", ["name part " + NAME_REGEX_ERROR]),
        ("my key", ["name part " + NAME_REGEX_ERROR]),
        ("équipe", ["name part " + NAME_REGEX_ERROR]),
        ("x" * 64, ["name part must be no more than 63 characters"]),
        ("-" * 64, ["name part must be no more than 63 characters", "name part " + NAME_REGEX_ERROR]),
        (
            "é" * 32,
            ["name part must be no more than 63 characters", "name part " + NAME_REGEX_ERROR],
        ),  # 64 bytes
        ("/name", ["prefix part must be non-empty"]),
        ("example.com/", ["name part must be non-empty", "name part " + NAME_REGEX_ERROR]),
        ("Example.com/name", ["prefix part " + SUBDOMAIN_ERROR]),
        ("example_com/name", ["prefix part " + SUBDOMAIN_ERROR]),
        ("a" * 254 + "/name", ["prefix part must be no more than 253 characters"]),
        (
            "-" * 254 + "/-",
            [
                "prefix part must be no more than 253 characters",
                "prefix part " + SUBDOMAIN_ERROR,
                "name part " + NAME_REGEX_ERROR,
            ],
        ),
        (
            "a/b/c",
            [
                "a qualified name " + NAME_REGEX_ERROR + " with an optional DNS subdomain prefix and '/' "
                "(e.g. 'example.com/MyName')"
            ],
        ),
    ],
)
def test_invalid_label_keys(key: str, expected: list[str]) -> None:
    assert label_key_problems(key) == expected


@pytest.mark.parametrize("value", ["", "MyValue", "my_value", "12345", "a.b-c_d", "v" * 63])
def test_valid_label_values(value: str) -> None:
    assert label_value_problems(value) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("#badlabel", [LABEL_VALUE_ERROR]),
        ("_x", [LABEL_VALUE_ERROR]),
        ("x.", [LABEL_VALUE_ERROR]),
        ("a b", [LABEL_VALUE_ERROR]),
        ("a/b", [LABEL_VALUE_ERROR]),
        ("x\n", [LABEL_VALUE_ERROR]),  # Go's "$" does not match before a trailing newline
        ("v" * 64, ["must be no more than 63 characters"]),
        ("-" * 64, ["must be no more than 63 characters", LABEL_VALUE_ERROR]),
    ],
)
def test_invalid_label_values(value: str, expected: list[str]) -> None:
    assert label_value_problems(value) == expected


@pytest.mark.parametrize(
    "address",
    [
        "team@example.com",
        "first.last+tag@sub.example.co.uk",
        "UPPER@EXAMPLE.COM",
        "o'brien@example.ie",
        "x_y-z@example-domain.com",
        "a@b.co",
        "user%relay@example.org",
        '"a@b"@example.com',
        "user@[192.0.2.1]",
        "jürgen@müller.de",
        "1234567890@example.com",
    ],
)
def test_valid_emails(address: str) -> None:
    assert email_problem(address) is None


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("", "the e-mail address is empty"),
        ("plain", 'e-mail address "plain" has no "@"'),
        ("@example.com", 'e-mail address "@example.com" has nothing before the "@"'),
        ("a@", 'e-mail address "a@" has nothing after the "@"'),
        ("a@localhost", 'e-mail address "a@localhost": the domain "localhost" has no "."'),
        ("a b@example.com", 'e-mail address "a b@example.com" contains whitespace'),
        ("Team <team@example.com>", 'e-mail address "Team <team@example.com>" contains whitespace'),
        (" team@example.com", 'e-mail address " team@example.com" contains whitespace'),
        ("a@@example.com", 'e-mail address "a@@example.com" has more than one "@"'),
        ("a@b@example.com", 'e-mail address "a@b@example.com" has more than one "@"'),
        ("a@example..com", 'e-mail address "a@example..com": the domain "example..com" has an empty part'),
        ("a@.example.com", 'e-mail address "a@.example.com": the domain ".example.com" has an empty part'),
        ("a@example.com.", 'e-mail address "a@example.com.": the domain "example.com." has an empty part'),
    ],
)
def test_invalid_emails(address: str, expected: str) -> None:
    assert email_problem(address) == expected


# -- the one-match fast paths answer as the rules do ---------------------------------------------------------

_NEAR = "aZ09-_.@/%+é \t\u00a0\u2028[]\"x"  # the characters the rules and the fast paths decide on


def _as_the_rules(text: str) -> None:
    assert label_key_problems(text) == k8s._key_problems(text)
    assert label_value_problems(text) == (k8s._value_problems(text) if text else [])
    assert email_problem(text) == k8s._email_problem(text)


@hypothesis_settings(max_examples=examples(2000))
@given(text=st.one_of(st.text(alphabet=_NEAR, max_size=70), st.text(max_size=8)))
def test_the_fast_paths_answer_as_the_rules(text: str) -> None:
    _as_the_rules(text)


@pytest.mark.parametrize("text", ["", "a" * 63, "a" * 64, "a.b" + "c" * 61, "A-b_c.D", "a@b.c", "a@b", "a@.b",
                                  "a@b..c", "-a", "a-", "é", "a\u00a0b@c.d", "x@[1.2.3.4]", "a/b", "a@b.c-"])
def test_the_fast_paths_at_their_edges(text: str) -> None:
    _as_the_rules(text)
