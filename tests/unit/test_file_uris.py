"""FlyteFile and FlyteDirectory values are remote URIs, written as they are (as flytekit does, without
copying); a local path is LP411 at its line; --locked takes remote URIs with the importing run's bytes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from support import CONFORMANCE, HEADER, CliResult

Run = Callable[..., CliResult]
PP = ("--python-path", CONFORMANCE)
SPEC = HEADER + "name: lp\nworkflow: example_pkg.workflows:with_files\n"


def _local(where: str, what: str, value: str) -> str:
    return (f"{where}: error LP411 default input {what}: {value} is a local path: lpctl uploads nothing, and "
            "flytekit would copy it to a new temporary folder on every run (upload it first and write its remote "
            "URI, e.g. s3://bucket/path)\n")


def test_a_local_path_is_an_error_at_its_line_that_says_to_upload_it(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "biostats.csv").write_text("a,b\n1,2\n")
    (in_tmp / "lp.yaml").write_text(SPEC + "default_inputs:\n  data: ./biostats.csv\n  out: /tmp/out\n"
                                    "  many: [s3://b/x, file:///tmp/y]\n")
    expected = (_local("lp.yaml:6:9", "'data'", 'FlyteFile "./biostats.csv"')
                + _local("lp.yaml:7:8", "'out'", 'FlyteDirectory "/tmp/out"')
                + _local("lp.yaml:8:20", "'many[1]'", 'FlyteFile "file:///tmp/y"')
                + "3 errors in 1 of 1 file\n")
    assert run_cli("validate", "lp.yaml", *PP) == CliResult(1, expected, "")
    assert run_cli("render", "lp.yaml", *PP) == CliResult(1, "", expected)


def test_a_value_that_is_no_uri_is_lp405(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "lp.yaml").write_text(SPEC + "default_inputs: {data: 3, out: '://x'}\n")
    result = run_cli("validate", "lp.yaml", *PP)
    assert result == CliResult(1, "lp.yaml:5:24: error LP405 default input 'data': expected the remote URI of a "
                               "FlyteFile, found the integer 3 (write a URI such as s3://bucket/path)\n"
                               "lp.yaml:5:32: error LP405 default input 'out': \"://x\" is not a URI: nothing before "
                               "\"://\" (write a URI such as s3://bucket/path)\n2 errors in 1 of 1 file\n", "")


def test_remote_uris_render_as_written_and_the_same_under_locked(run_cli: Run, in_tmp: Any) -> None:
    (in_tmp / "specs").mkdir()
    (in_tmp / "specs" / "lp.yaml").write_text(SPEC + "default_inputs:\n  data: s3://bucket/in/biostats.csv\n"
                                              "  out: gs://bucket/out/\n  many: []\n")
    importing = run_cli("render", "specs", *PP)
    assert importing.exit_code == 0
    params = json.loads(importing.stdout)["launchPlans"][0]["launchPlan"]["spec"]["defaultInputs"]["parameters"]
    assert params["data"]["default"] == {"scalar": {"blob": {"metadata": {"type": {}},
                                                             "uri": "s3://bucket/in/biostats.csv"}}}
    assert params["out"]["default"]["scalar"]["blob"] == {
        "metadata": {"type": {"dimensionality": "MULTIPART"}}, "uri": "gs://bucket/out/"}
    assert run_cli("lock", "specs", *PP).exit_code == 0
    assert run_cli("render", "specs", "--locked") == importing


@pytest.fixture(autouse=True)
def _forget_jobs() -> Any:
    import sys

    yield
    sys.modules.pop("jobs", None)


@pytest.mark.parametrize("value", ["./x.csv", "s3://b/x.csv"])
def test_a_file_field_of_a_dataclass_is_checked_too(run_cli: Run, in_tmp: Any, value: str) -> None:
    (in_tmp / "jobs.py").write_text("from dataclasses import dataclass\nfrom flytekit import task, workflow\n"
                                    "from flytekit.types.file import FlyteFile\n\n\n@dataclass\nclass Job:\n"
                                    "    src: FlyteFile\n\n\n@task\ndef t(job: Job) -> None: ...\n\n\n"
                                    "@workflow\ndef wf(job: Job) -> None:\n    t(job=job)\n")
    (in_tmp / "lp.yaml").write_text(HEADER + "name: lp\nworkflow: jobs:wf\n"
                                    f"default_inputs: {{job: {{src: {value}}}}}\n")
    result = run_cli("validate", "lp.yaml")
    assert run_cli("lock", "lp.yaml").exit_code == 0
    assert run_cli("validate", "lp.yaml", "--locked") == result  # the same verdict without flytekit
    if value.startswith("."):
        assert result == CliResult(1, _local("lp.yaml:5:29", "'job.src'", 'FlyteFile "./x.csv"')
                                   + "1 error in 1 of 1 file\n", "")
    else:
        assert result == CliResult(0, "1 file OK: 1 launch plan\n", "")
        rendered = json.loads(run_cli("render", "lp.yaml").stdout)["launchPlans"][0]["launchPlan"]
        binary = rendered["spec"]["defaultInputs"]["parameters"]["job"]["default"]["scalar"]["binary"]
        assert binary == {"tag": "msgpack", "value": "gaNzcmOBpHBhdGisczM6Ly9iL3guY3N2"}  # {src: {path: s3://b/x.csv}}
