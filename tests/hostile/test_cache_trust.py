"""The cache cannot change a verdict or a byte of output (issue 13), whatever ``.lpctl_cache/`` holds
(issue 14): stale after a move or a shadowing module, corrupt, crafted, pointing at devices, or
built from symbolic links.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from support import HEADER, limited

from lpctl.cache import CACHE_DIR

INT_WF = "def wf(a: int) -> None: ...\n"
STR_WF = "def wf(b: str) -> None: ...\n"
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX files")


def _forget(prefix: str) -> None:
    for name in [n for n in sys.modules if n == prefix or n.startswith(prefix + ".")]:
        del sys.modules[name]


@pytest.fixture
def validate(in_tmp: Any) -> Iterator[Callable[..., list[str]]]:
    """Run the pipeline on ``lp.yaml`` as a new process would (the workflow modules forgotten first)."""
    from lpctl.pipeline import Options, run
    from lpctl.spec.config import Config

    def call(*python_path: str, cache: bool = True) -> list[str]:
        _forget("trust_mod")
        options = Options(config=Config(), cache=cache, python_path=python_path)
        return [str(d) for d in run(["lp.yaml"], options).diagnostics]

    yield call
    _forget("trust_mod")


def _spec(in_tmp: Any, inputs: str = "{a: 1}") -> None:
    (in_tmp / "lp.yaml").write_text(HEADER + f"name: lp\nworkflow: trust_mod:wf\ndefault_inputs: {inputs}\n")


LP401_A = ("lp.yaml:5:18: error LP401 default input 'a' is not an input of workflow 'trust_mod.wf' (inputs: b) "
           "(did you mean 'b'?)")


def test_another_import_root_is_not_answered_from_the_cache(validate: Any, in_tmp: Any) -> None:
    for root, body in (("src_a", INT_WF), ("src_b", STR_WF)):
        (in_tmp / root).mkdir()
        (in_tmp / root / "trust_mod.py").write_text(body)
    _spec(in_tmp)
    assert validate("src_a") == []
    expected = validate("src_b", cache=False)
    assert expected and expected[0].startswith("lp.yaml:5:18: error LP401")
    assert validate("src_b") == expected


def test_a_module_moved_to_another_root_is_noticed(validate: Any, in_tmp: Any) -> None:
    for root in ("src_a", "src_b"):
        (in_tmp / root).mkdir()
    (in_tmp / "src_b" / "trust_mod.py").write_text(INT_WF)
    _spec(in_tmp)
    assert validate("src_a", "src_b") == []
    (in_tmp / "src_a" / "trust_mod.py").write_text(STR_WF)  # now found first
    expected = validate("src_a", "src_b", cache=False)
    assert expected and validate("src_a", "src_b") == expected


def test_a_shadowing_module_is_noticed(validate: Any, in_tmp: Any) -> None:
    (in_tmp / "src").mkdir()
    (in_tmp / "src" / "trust_mod.py").write_text(INT_WF)
    _spec(in_tmp)
    assert validate("src") == []
    (in_tmp / "trust_mod.py").write_text(STR_WF)  # the current directory comes first
    expected = validate("src", cache=False)
    assert expected and validate("src") == expected


def test_a_package_shadowing_a_module_is_noticed(validate: Any, in_tmp: Any) -> None:
    (in_tmp / "trust_mod.py").write_text(INT_WF)
    _spec(in_tmp)
    assert validate() == []
    (in_tmp / "trust_mod.py").unlink()
    (in_tmp / "trust_mod").mkdir()
    (in_tmp / "trust_mod" / "__init__.py").write_text(STR_WF)
    expected = validate(cache=False)
    assert expected and validate() == expected


def _primed(validate: Any, in_tmp: Any) -> dict[str, Any]:
    (in_tmp / "trust_mod.py").write_text(INT_WF)
    _spec(in_tmp)
    assert validate() == []
    doc: dict[str, Any] = json.loads((in_tmp / CACHE_DIR / "interfaces.json").read_text())
    return doc


BAD_VALUES: list[Any] = [[], 5, "!!!", {"x": 1}, None, [["a", "!!!", "!!!"]]]
#: values of the right shape: a crafted interface, not a corrupt one (see the last test)
WELL_FORMED = [("inputs", []), ("reference", None)]


def test_every_corrupt_field_is_ignored(validate: Any, in_tmp: Any) -> None:
    doc = _primed(validate, in_tmp)
    _spec(in_tmp, "{a: x}")  # a verdict that depends on the interface: 'x' is not an int
    expected = validate(cache=False)
    assert expected and "LP4" in expected[0]
    path = in_tmp / CACHE_DIR / "interfaces.json"
    [(ref, entry)] = doc["entries"].items()
    variants = [{**doc, "valid": 5}, {**doc, "entries": []}, {**doc, "entries": {ref: 5}}]
    for key in entry:
        variants += [{**doc, "entries": {ref: {**entry, key: bad}}} for bad in BAD_VALUES]
    for field in entry.get("interface", {}) if isinstance(entry.get("interface"), dict) else ():
        variants += [{**doc, "entries": {ref: {**entry, "interface": {**entry["interface"], field: bad}}}}
                     for bad in BAD_VALUES if (field, bad) not in WELL_FORMED]
    for variant in variants:
        path.write_text(json.dumps(variant))
        assert validate() == expected, variant


def test_a_crafted_interface_that_does_not_decode_is_ignored(validate: Any, in_tmp: Any) -> None:
    doc = _primed(validate, in_tmp)
    _spec(in_tmp, "{a: x}")
    expected = validate(cache=False)
    path = in_tmp / CACHE_DIR / "interfaces.json"
    [(ref, entry)] = doc["entries"].items()
    interface = entry["interface"]
    for inputs in ([["a", "AAAA", "/////w=="]], [["a", "", ""], ["a", "", ""]], [["a", "CAE=", ""]]):
        path.write_text(json.dumps({**doc, "entries": {ref: {**entry, "interface": {**interface,
                                                                                    "inputs": inputs}}}}))
        assert validate() == expected


def _replace_paths(value: Any, old: str, new: str) -> Any:
    """Every string equal to ``old`` (keys too) becomes ``new``: the cache pointed at another file."""
    if isinstance(value, dict):
        return {(new if k == old else k): _replace_paths(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_paths(v, old, new) for v in value]
    return new if value == old else value


@POSIX
@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_an_entry_naming_a_device_or_fifo_does_not_hang(target: str, validate: Any, in_tmp: Any) -> None:
    doc = _primed(validate, in_tmp)
    if target == "fifo":
        os.mkfifo(in_tmp / "fifo")
        target = str(in_tmp / "fifo")
    crafted = _replace_paths(doc, "trust_mod.py", target)
    assert crafted != doc
    (in_tmp / CACHE_DIR / "interfaces.json").write_text(json.dumps(crafted))

    try:
        result = subprocess.run(limited([sys.executable, "-m", "lpctl", "validate", "lp.yaml"], AS=3 << 29),
                                cwd=in_tmp, timeout=30, capture_output=True, text=True, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("lpctl hung on a cache entry naming " + target)
    assert (result.returncode, result.stdout, result.stderr) == (0, "1 file OK: 1 launch plan\n", "")


@POSIX
def test_a_committed_gitignore_symlink_is_not_written_through(run_cli: Any, in_tmp: Any) -> None:
    (in_tmp / "trust_mod.py").write_text(INT_WF)
    _spec(in_tmp)
    (in_tmp / "victim").write_text("precious\n")
    (in_tmp / CACHE_DIR).mkdir()
    os.symlink("../victim", in_tmp / CACHE_DIR / ".gitignore")
    os.remove(in_tmp / "victim")  # a dangling link: open(..., "w") would create the target
    result = run_cli("validate", "lp.yaml")
    _forget("trust_mod")
    assert (result.exit_code, result.stdout) == (0, "1 file OK: 1 launch plan\n")
    assert not os.path.lexists(in_tmp / "victim")
    assert os.listdir(in_tmp / CACHE_DIR) == [".gitignore"]  # nothing written beside the link either


@POSIX
def test_a_cache_directory_symlink_is_not_followed(run_cli: Any, in_tmp: Any) -> None:
    (in_tmp / "trust_mod.py").write_text(INT_WF)
    _spec(in_tmp)
    (in_tmp / "elsewhere").mkdir()
    os.symlink("elsewhere", in_tmp / CACHE_DIR)
    result = run_cli("validate", "lp.yaml")
    _forget("trust_mod")
    assert (result.exit_code, result.stdout) == (0, "1 file OK: 1 launch plan\n")
    assert os.listdir(in_tmp / "elsewhere") == []


@POSIX
def test_a_cache_file_symlink_is_not_read(validate: Any, in_tmp: Any) -> None:
    doc = _primed(validate, in_tmp)
    [(ref, entry)] = doc["entries"].items()
    crafted = {**doc, "entries": {ref: {**entry, "interface": {**entry["interface"], "inputs": [], "name": "evil"}}}}
    path = in_tmp / CACHE_DIR / "interfaces.json"
    path.write_text(json.dumps(crafted))
    assert validate() == ["lp.yaml:5:18: error LP404 default input 'a' given, but workflow 'evil' has no inputs"]
    (in_tmp / "planted.json").write_text(json.dumps(crafted))  # the same entry, behind a link
    path.unlink()
    os.symlink("../planted.json", path)
    assert validate() == []
    assert json.loads((in_tmp / "planted.json").read_text()) == crafted
