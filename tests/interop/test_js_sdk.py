"""The AWS SDK for JavaScript v3 against ``vpclab serve`` (issue 11: a client compatibility check).

``tests/interop/js/flow.mjs`` runs a flow across VPCs, peering, a transit gateway, a gateway
endpoint, a Site-to-Site VPN, a RAM share and a Reachability Analyzer analysis with the SDK's
EC2, RAM and STS clients, checking what the SDK's types declare and ``$metadata.requestId`` on
every answer (the SDK reads it from the ``x-amzn-RequestId`` header). The SDK is installed by
``make test`` from ``tests/interop/js/package-lock.json`` (``npm ci``) with the machine's Node.js.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.conftest import Server, start_server, stop_server

JS = Path(__file__).with_name("js")


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    srv = start_server()
    yield srv
    stop_server(srv)


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed (Debian: nodejs, npm)")
def test_the_javascript_sdk_runs_a_whole_flow(server: Server) -> None:
    if not (JS / "node_modules" / "@aws-sdk" / "client-ec2").is_dir():
        pytest.skip("the SDK is not installed: `make test` runs `npm ci` in tests/interop/js")
    proc = subprocess.run(["node", "flow.mjs"], cwd=JS, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "VPCLAB_URL": server.url, "NODE_NO_WARNINGS": "1"})
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["calls"] == result["distinct"] >= 20  # one request id per answer, never reused
    assert result["codes"] == ["NO_ROUTE_TO_DESTINATION"]
