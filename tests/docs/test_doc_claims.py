"""Claims the docs make in prose that no example shows, pinned so the docs and the code agree.

docs/api.md and docs/state.md: a change that cannot be written to the state file is rolled back
and answered AWS's ``InternalError`` with HTTP 503 (which AWS clients retry) — no EC2 call is
answered 500. (The admin reset route's 500 ``{"status": "error"}`` is pinned in
tests/unit/test_store.py.)
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from starlette.testclient import TestClient

from vpclab.aws.admin import ServerState
from vpclab.aws.server import create_app, open_state

AUTH = ("AWS4-HMAC-SHA256 Credential=111111111111/20261124/us-east-1/ec2/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0")


def _failing_state(tmp_path: Path) -> ServerState:
    """A server state whose store cannot write (a trigger refuses every change)."""
    path = tmp_path / "lab.sqlite3"
    state = open_state(path)
    fault = sqlite3.connect(path)
    for op in ("INSERT", "UPDATE", "DELETE"):
        fault.execute(f"CREATE TRIGGER fault_{op.lower()} BEFORE {op} ON resources "
                      "BEGIN SELECT RAISE(ABORT, 'disk says no'); END")
    fault.commit()
    fault.close()
    return state


def test_a_change_that_cannot_be_written_answers_503_internal_error(tmp_path: Path) -> None:
    state = _failing_state(tmp_path)
    client = TestClient(create_app(state, default_vpc=False), base_url="http://127.0.0.1",
                        client=("127.0.0.1", 50000))   # a loopback Host (docs/security.md)
    form = {"Action": "CreateVpc", "Version": "2016-11-15", "CidrBlock": "10.0.0.0/16"}
    response = client.post("/", data=form, headers={"Authorization": AUTH})
    assert response.status_code == 503, response.text
    assert "<Code>InternalError</Code>" in response.text
    assert len(state.world) == 0                      # rolled back

