"""A tiny, fast run of the EC2 API throughput benchmark (bench/api.py) against vpclab only.

It keeps the harness from rotting: the same code path as ``make bench`` (a server subprocess,
the workload, both clients, the report), on a World of a few resources, without moto.
"""

from __future__ import annotations

import pytest

from bench.api import (
    CALLS,
    VPCLAB_MEMORY,
    Lean,
    Workload,
    body,
    items,
    measure,
    report,
    running,
    time_lean,
)

TINY = Workload(vpcs=2, subnets_per_vpc=5, tables_per_vpc=2, describe_budget=0.05)


@pytest.mark.parametrize(("client", "threads"), [("lean", 2), ("boto3", 1)])
def test_every_call_succeeds_and_is_timed(client: str, threads: int) -> None:
    with running(VPCLAB_MEMORY) as server:
        run = measure(server, client, TINY, threads)
        lean = Lean(server.port)
        try:
            subnets = items(lean.ok(body("DescribeSubnets")), "subnetSet")
            tables = items(lean.ok(body("DescribeRouteTables")), "routeTableSet")
        finally:
            lean.close()
    assert server.process.poll() is not None, "the server is stopped at the end"
    assert list(run.timings) == list(CALLS)
    for call, t in run.timings.items():
        assert not t.void, (call, t)
        assert t.calls >= 1 and t.rate > 0, (call, t)
    assert run.timings["CreateVpc"].calls == 2
    assert run.timings["CreateSubnet"].calls == 10
    assert run.timings["CreateRoute"].calls == 4  # one 0.0.0.0/0 route per route table
    assert len(subnets) == TINY.subnets and len(tables) == TINY.tables
    table, valid = report([run])
    assert valid
    assert all(call in table for call in CALLS)


def test_a_failed_call_voids_the_figure() -> None:
    """A benchmark whose calls fail is not a throughput: failures are counted and reported."""
    with running(VPCLAB_MEMORY) as server:
        bad = [body("CreateVpc", CidrBlock="10.0.0.0/8")] * 3  # /8 is outside AWS's /16–/28
        good = [body("CreateVpc", CidrBlock="10.1.0.0/16")]
        t = time_lean(server.port, good + bad, threads=2)
    assert (t.calls, t.errors) == (4, 3)
    assert t.void
    assert "InvalidVpc.Range" in t.first_error


def test_the_server_is_stopped_when_the_run_fails() -> None:
    with pytest.raises(RuntimeError, match="boom"), running(VPCLAB_MEMORY) as server:
        raise RuntimeError("boom")
    assert server.process.poll() is not None
