"""docs/api-coverage.md is generated from the handler registry and must be current.

The page counts vpclab's handlers only (not the installed botocore's operations), so it is current
whatever botocore version is installed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_api_coverage_doc_is_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_api_coverage.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, "docs/api-coverage.md is stale: run python tools/gen_api_coverage.py"


def test_every_handler_names_a_real_operation() -> None:
    """Each registered (service, Action) is an operation of botocore's model of that service."""
    from vpclab.aws import protocol
    from vpclab.aws.endpoint import HANDLERS

    for service, action in HANDLERS:
        assert protocol.operation(service, action) is not None, (service, action)
