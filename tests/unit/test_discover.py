"""Which files a run reads and how their paths are shown: the shortcuts taken for the usual paths give what the
general rules give."""

from __future__ import annotations

import os
from typing import Any

import pytest

from lpctl.spec.config import Identity, ResolvedIdentity, spec_identity
from lpctl.spec.discover import discover, display_path


def _by_the_rule(path: str) -> str:
    """The display path by its definition: relative to the current directory when below it, else as given."""
    cwd = os.getcwd()
    full = os.path.normpath(os.path.join(cwd, path))
    if full == cwd:
        return "."
    return os.path.relpath(full, cwd) if full.startswith(cwd + os.sep) else path


@pytest.mark.parametrize("path", [
    "a.yaml", "specs/a.yaml", "specs/sub/a.yaml", ".hidden/a.yaml", "a..b/c.yaml", "specs/.a.yaml",
    "./a.yaml", "specs/./a.yaml", "specs//a.yaml", "specs/", "specs/sub/../a.yaml", "specs/..", ".", "./",
    "../outside.yaml", "specs/../../outside.yaml", "...", ".../a.yaml",
])
def test_a_relative_path_is_shown_as_the_rule_says(path: str, in_tmp: Any) -> None:
    assert display_path(path) == _by_the_rule(path)


def test_an_absolute_path_below_the_current_directory_is_shown_relative(in_tmp: Any) -> None:
    assert display_path(str(in_tmp / "specs" / "a.yaml")) == "specs/a.yaml"
    assert display_path(str(in_tmp)) == "."
    assert display_path("/elsewhere/a.yaml") == "/elsewhere/a.yaml"


def test_a_name_that_is_not_utf8_shows_its_bytes_escaped(in_tmp: Any) -> None:
    name = os.fsdecode(b"specs/bad\xff.yaml")
    assert display_path(name) == "specs/bad\\xff.yaml"
    assert display_path("./" + name) == "specs/bad\\xff.yaml"
    assert display_path("specs/é.yaml") == "specs/é.yaml"


def test_a_file_and_links_to_it_in_a_walked_directory_are_read_once(in_tmp: Any) -> None:
    os.makedirs(in_tmp / "specs" / "sub")
    (in_tmp / "specs" / "a.yaml").write_text("x: 1\n")
    os.symlink("a.yaml", in_tmp / "specs" / "b.yaml")
    os.symlink("../a.yaml", in_tmp / "specs" / "sub" / "c.yaml")
    os.symlink("specs", in_tmp / "linked")
    found = discover(["specs", "linked", "linked/a.yaml", "specs/../specs/a.yaml"])
    assert [(f.path, f.explicit) for f in found.files] == [("specs/a.yaml", False)]


def test_an_identity_is_merged_the_same_when_remembered_and_when_it_cannot_be() -> None:
    run = Identity(project="p", version="v1")
    assert spec_identity(Identity(domain="d"), run) == ResolvedIdentity("p", "d", "v1", "v1")
    assert spec_identity(Identity(domain="d"), run) == ResolvedIdentity("p", "d", "v1", "v1")
    odd: Any = ["not", "a", "name"]  # a value a schema would have refused, from an unchecked document
    assert spec_identity(Identity(project=odd), run) == ResolvedIdentity(odd, "development", "v1", "v1")
