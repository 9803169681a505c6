"""lpctl.authoring.endings, and fmt with and without its layout reader on CRLF and BOM files: the same bytes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import HEADER, ROOT

from lpctl import accel
from lpctl.accel import fmtlayout
from lpctl.authoring.endings import Endings, split
from lpctl.authoring.fmt import Formatted, format_bytes

SAMPLES = os.path.join(ROOT, "samples")
CORPUS = os.path.join(ROOT, "tests", "hostile", "corpus")
WAYS = {"lf": Endings("\n", False), "crlf": Endings("\r\n", False), "bom": Endings("\n", True),
        "bom-crlf": Endings("\r\n", True)}


@pytest.mark.parametrize(("text", "body", "kept"), [
    ("a: 1\nb: 2\n", "a: 1\nb: 2\n", Endings("\n", False)),
    ("a: 1\r\nb: 2\r\n", "a: 1\nb: 2\n", Endings("\r\n", False)),
    ("\ufeffa: 1\r\nb: 2\r\n", "a: 1\nb: 2\n", Endings("\r\n", True)),
    ("\ufeffa: 1\nb: 2", "a: 1\nb: 2", Endings("\n", True)),
    ("a: 1\r\nb: 2\r\nc: 3\n", "a: 1\nb: 2\nc: 3\n", Endings("\r\n", False)),
    ("a: 1\r\nb: 2\nc: 3\n", "a: 1\nb: 2\nc: 3\n", Endings("\n", False)),
    ("a: 1\r\nb: 2\n", "a: 1\nb: 2\n", Endings("\n", False)),  # a tie: LF
    ("a: 1\rb: 2\r\n", "a: 1\rb: 2\r\n", Endings("\n", False)),  # a lone CR: left to fmt's round trip
    ("a: 1\r\r\nb: 2\r\n", "a: 1\r\r\nb: 2\r\n", Endings("\n", False)),
])
def test_split_gives_the_text_with_lf_and_how_the_file_wrote_it(text: str, body: str, kept: Endings) -> None:
    assert split(text) == (body, kept)
    if "\r" not in body and text.count("\r\n") in (0, text.count("\n")):  # one kind of line break
        assert kept.apply(body) == text


def _texts() -> list[bytes]:
    return [Path(d, n).read_bytes() for d in (SAMPLES, CORPUS) for n in sorted(os.listdir(d))
            if n.endswith(".yaml")] + [(HEADER + "workflow: m:wf\nname: x\n").encode()]


def _all(texts: list[bytes], way: Endings) -> list[Formatted | None]:
    return [format_bytes(way.apply(t.decode("utf-8", "replace")).encode(), "spec.yaml") for t in texts]


@pytest.mark.parametrize("way", ["crlf", "bom", "bom-crlf"])
def test_fmt_gives_the_same_bytes_with_and_without_its_layout_reader(way: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every sample and hostile spec, written with CRLF and/or a BOM: the layout reader and ruamel's round trip
    agree on each, and fmt's text is the LF file's text written the same way (or refused alike)."""
    texts = [t for t in _texts() if b"\r" not in t and not t.startswith(b"\xef\xbb\xbf")]
    monkeypatch.delenv(accel.SWITCH, raising=False)
    lf = _all(texts, WAYS["lf"])
    fast = _all(texts, WAYS[way])
    monkeypatch.setenv(accel.SWITCH, "1")
    monkeypatch.setattr(fmtlayout, "in_layout", lambda *a: pytest.fail("the layout reader ran with the switch off"))
    assert _all(texts, WAYS[way]) == fast
    for plain, other in zip(lf, fast, strict=True):
        assert (plain is None) == (other is None)
        if plain is not None and other is not None:
            assert other.text == (None if plain.text is None else WAYS[way].apply(plain.text))
            assert other.changed == plain.changed
            assert [d.code for d in other.diagnostics] == [d.code for d in plain.diagnostics]
    assert sum(1 for r in fast if r is not None and r.text is not None and not r.changed) > 20
