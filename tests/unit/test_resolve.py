"""Resolving 'workflow:' import paths: each failure has its own code, at the workflow value."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


def _spec(ref: str) -> str:
    return f"name: lp\nworkflow: {ref}\n"


def test_module_not_found_lists_the_roots(check: Callable[..., list[str]], in_tmp: Any) -> None:
    (line,) = check(_spec("nowhere_pkg.flows:wf"))
    assert line.startswith("spec.yaml:4:11: error LP301 module 'nowhere_pkg.flows' not found (import roots "
                           f"tried: {in_tmp}, ")
    assert line.endswith("(add its root to [tool.lpctl] python_path or --python-path)")


@pytest.mark.parametrize(("source", "expected"), [
    ("raise RuntimeError('no database here')",
     "importing module '{m}' raised RuntimeError: no database here at {m}.py:1"),
    ("import sys\nsys.exit(3)", "importing module '{m}' raised SystemExit: 3 at {m}.py:2"),
    ("import not_installed_dependency_xyz",
     "importing module '{m}' raised ModuleNotFoundError: No module named 'not_installed_dependency_xyz' at {m}.py:1"),
    ("def broken(:\n    pass", "importing module '{m}' raised SyntaxError: invalid syntax ({m}.py, line 1)"),
])
def test_module_that_raises(check: Callable[..., list[str]], in_tmp: Any, request: pytest.FixtureRequest,
                            source: str, expected: str) -> None:
    module = "mod_" + request.node.callspec.id.replace("-", "_")[:20].replace(" ", "_")
    module = "".join(c if c.isalnum() or c == "_" else "_" for c in module)
    (in_tmp / f"{module}.py").write_text(source + "\n")
    (line,) = check(_spec(f"{module}:wf"))
    assert line.startswith("spec.yaml:4:11: error LP302 " + expected.format(m=module))


def test_attribute_missing_suggests_a_workflow(check: Callable[..., list[str]]) -> None:
    assert check(_spec("example_pkg.workflows:my_workflw")) == [
        "spec.yaml:4:11: error LP303 module 'example_pkg.workflows' has no attribute 'my_workflw' "
        "(did you mean 'my_workflow'?)"]


@pytest.mark.parametrize(("ref", "expected"), [
    ("example_pkg.workflows:say", "'example_pkg.workflows:say' is a flytekit task, not a workflow (launch plans "
     "launch workflows; wrap the task in a @workflow)"),
    ("example_pkg.workflows:Color", "'example_pkg.workflows:Color' is not a workflow (found an EnumType) "
     "(point at a flytekit @workflow or a function with type hints)"),
    ("example_pkg.workflows:Point", "'example_pkg.workflows:Point' is not a workflow (found a type) "
     "(point at a flytekit @workflow or a function with type hints)"),
])
def test_not_a_workflow_says_what_was_found(check: Callable[..., list[str]], ref: str, expected: str) -> None:
    assert check(_spec(ref)) == [f"spec.yaml:4:11: error LP304 {expected}"]


@pytest.mark.parametrize("ref", ["not a path", "pkg:", "1pkg:wf", "single"])
def test_malformed_import_paths(check: Callable[..., list[str]], ref: str) -> None:
    assert check(_spec(f"'{ref}'")) == [
        "spec.yaml:4:11: error LP205 'workflow' must be an import path \"package.module:attribute\" or "
        f'"package.module.attribute", found "{ref}"']


def test_printing_module_does_not_reach_stdout(check: Callable[..., list[str]], in_tmp: Any,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    (in_tmp / "noisy_mod.py").write_text("print('hello from import')\ndef wf(a: int) -> None: ...\n")
    assert check(_spec("noisy_mod:wf")) == []
    captured = capsys.readouterr()
    assert "hello from import" not in captured.out and "hello from import" in captured.err


def test_plain_function_interface(check: Callable[..., list[str]], in_tmp: Any) -> None:
    (in_tmp / "plain_mod.py").write_text("def wf(a: int, b: 'list[str]' = ['x']) -> None: ...\n"
                                         "def untyped(a): ...\n")
    assert check(_spec("plain_mod:wf") + "default_inputs: {a: 1}\n") == []
    assert check(_spec("plain_mod:untyped")) == [
        "spec.yaml:4:11: error LP306 cannot type the inputs of function 'plain_mod:untyped': "
        "input 'a' has no type hint"]


def test_interface_written_in_the_spec(check: Callable[..., list[str]]) -> None:
    body = ("name: lp\nworkflow:\n  name: other.pipelines.export\n"
            "  inputs: {day: datetime, regions: 'list[str]', limit: 'Optional[int]'}\n")
    assert check(body + "default_inputs: {regions: [emea, 3]}\n") == [
        "spec.yaml:7:34: error LP405 default input 'regions[1]': expected str, found the integer 3 "
        "(quote it: '3')"]
    assert check(body.replace("Optional[int]", "Optionl[int]")) == [
        "spec.yaml:6:56: error LP306 cannot read the type of input 'limit' of workflow "
        "'other.pipelines.export': unknown type 'Optionl' (known: None, Optional[T], bool, date, datetime, "
        "dict, dict[str, T], float, int, list[T], str, timedelta)"]


def test_import_that_never_finishes_times_out_and_others_are_checked(check: Callable[..., list[str]],
                                                                      in_tmp: Any) -> None:
    (in_tmp / "stuck_mod.py").write_text("import time\nwhile True:\n    time.sleep(0.05)\n")
    (in_tmp / "fine_mod.py").write_text("def wf(a: int) -> None: ...\n")
    (in_tmp / "other.yaml").write_text("apiVersion: lpctl/v1\nkind: LaunchPlan\nname: other\n"
                                       "workflow: fine_mod:wf\nfixed_inputs: {a: x}\n")
    lines = check(_spec("stuck_mod:wf"), import_timeout=0.5)
    assert lines == ["spec.yaml:4:11: error LP307 importing module 'stuck_mod' did not finish within 0.5 s "
                     "(raise --import-timeout, or keep the module's top-level code cheap)"]
    from lpctl.pipeline import Options, run
    from lpctl.spec.config import Config

    result = run(["spec.yaml", "other.yaml"], Options(config=Config(), import_timeout=0.5))
    assert [d.code for d in result.diagnostics] == ["LP405", "LP307"]


def test_stdout_is_put_back_after_imports(check: Callable[..., list[str]], in_tmp: Any) -> None:
    import sys

    before = sys.stdout
    (in_tmp / "quiet_mod.py").write_text("def wf(a: int) -> None: ...\n")
    assert check(_spec("quiet_mod:wf")) == []
    assert sys.stdout is before
