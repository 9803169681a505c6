"""TLS errors read like lpctl: a real lpctl process against a plaintext server without --insecure, and
against a TLS server with --insecure, shows no gRPC log line; the error names the endpoint and the
flag to try (issue 25)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

grpc = pytest.importorskip("grpc")

from fake_admin import FakeAdmin  # noqa: E402
from flyteidl.service import admin_pb2_grpc  # noqa: E402

BUNDLE = {"apiVersion": "lpctl/v1", "kind": "LaunchPlanBundle", "launchPlans": [{
    "source": {"path": "a.yaml", "document": 0},
    "launchPlan": {"id": {"resourceType": "LAUNCH_PLAN", "project": "p", "domain": "d", "name": "a", "version": "v1"},
                   "spec": {"workflowId": {"resourceType": "WORKFLOW", "project": "p", "domain": "d", "name": "wf",
                                           "version": "v1"}}}}]}


@contextmanager
def admin_server(credentials: object | None) -> Iterator[str]:
    """The fake FlyteAdmin on a free loopback port, plaintext or with ``credentials``."""
    server = grpc.server(ThreadPoolExecutor(max_workers=2))
    admin_pb2_grpc.add_AdminServiceServicer_to_server(FakeAdmin(token=None), server)
    port = (server.add_secure_port("127.0.0.1:0", credentials) if credentials is not None
            else server.add_insecure_port("127.0.0.1:0"))
    server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.stop(grace=None).wait(5)


def lpctl(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "bundle.json").write_text(json.dumps(BUNDLE))
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRPC_") and "proxy" not in k.lower()}
    return subprocess.run([sys.executable, "-m", "lpctl", "plan", "bundle.json", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def test_tls_against_a_plaintext_server(tmp_path: Path) -> None:
    with admin_server(None) as endpoint:
        result = lpctl(tmp_path, "--endpoint", endpoint)
    assert (result.returncode, result.stdout) == (2, "")
    first, error = result.stderr.splitlines()  # no log line of gRPC's own (ssl_transport_security.cc ...)
    assert first == "1 file OK: 1 launch plan"
    assert error.startswith(f"lpctl: cannot talk to FlyteAdmin at {endpoint} (UNAVAILABLE: ")
    assert error.endswith("; the TLS handshake failed: if it serves plaintext gRPC (a local sandbox), try --insecure")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
def test_insecure_against_a_tls_server(tmp_path: Path) -> None:
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out",
                    "cert.pem", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1"], cwd=tmp_path, capture_output=True, check=True)
    pair = ((tmp_path / "key.pem").read_bytes(), (tmp_path / "cert.pem").read_bytes())
    with admin_server(grpc.ssl_server_credentials([pair])) as endpoint:
        result = lpctl(tmp_path, "--endpoint", endpoint, "--insecure", "--format", "json")
        untrusted = lpctl(tmp_path, "--endpoint", endpoint)
    assert result.returncode == 2
    message = json.loads(result.stdout)["error"]
    assert message.startswith(f"cannot talk to FlyteAdmin at {endpoint} (UNAVAILABLE: ")
    assert message.endswith("; it closed the plaintext connection (--insecure): if it serves TLS, try again "
                            "without --insecure")
    assert result.stderr.endswith(f"\n}}\nlpctl: {message}\n")  # the diagnostics document, then the error
    assert "ssl_transport_security" not in result.stderr + untrusted.stderr
    assert untrusted.returncode == 2 and len(untrusted.stderr.splitlines()) == 2
    assert untrusted.stderr.splitlines()[1].startswith(f"lpctl: cannot talk to FlyteAdmin at {endpoint} (UNAVAILABLE: ")
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.stderr
    assert untrusted.stderr.endswith("); its TLS certificate is not trusted by the system's CA bundle: give its CA "
                                     "with SSL_CERT_FILE\n")
