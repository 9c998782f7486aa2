"""A tiny, fast run of the EC2 API throughput benchmark (bench/api.py) against vpclab only.

It keeps the harness from rotting: the same code path as ``make bench`` (a server subprocess,
the workload, both clients, the report), on a World of a few resources, without moto.
"""

from __future__ import annotations

import json

import pytest

from bench.api import (
    ANSWERS_FILE,
    CALLS,
    FLOOR,
    VPCLAB_MEMORY,
    Lean,
    Workload,
    body,
    items,
    measure,
    measure_floor,
    report,
    running,
    time_lean,
)

TINY = Workload(vpcs=3, full_vpcs=2, subnets_per_vpc=6, timed_subnets_per_vpc=3, tables_per_vpc=2,
                routes_per_table=4, timed_routes_per_table=2, security_groups=4, rule_groups=2,
                rules_per_group=4, timed_rules_per_group=2, tgw_routes=6, timed_tgw_routes=3,
                describe_budget=0.05)


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
    # the timed calls are the last ones that fill each table
    assert run.timings["CreateVpc"].calls == 3
    assert run.timings["CreateSubnet"].calls == 2 * 3
    assert run.timings["CreateRoute"].calls == 4 * 2
    assert run.timings["CreateSecurityGroup"].calls == 4
    assert run.timings["AuthorizeSecurityGroupIngress"].calls == 2 * 2
    assert run.timings["CreateTransitGatewayRoute"].calls == 3
    assert len(subnets) == TINY.subnets == 12 and len(tables) == TINY.tables == 5
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


def test_the_floor_replays_recorded_answers() -> None:
    """The canned-answer server answers each recorded action with vpclab's own answer, which
    boto3 parses; an action it has no answer for is an error."""
    with running(VPCLAB_MEMORY) as server:
        run = measure(server, "lean", TINY, 1)
    assert set(run.samples) == set(CALLS)
    answers = json.dumps({a: xml for a, (_, xml) in run.samples.items()})
    with running(FLOOR, {ANSWERS_FILE: answers}) as floor:
        floor_run = measure_floor(floor, "boto3", TINY, 2, run.samples)
        assert Lean(floor.port).post(body("DescribeVpcs"))[0] == 400
    assert list(floor_run.timings) == list(CALLS)
    assert all(not t.void for t in floor_run.timings.values()), floor_run.timings
    table, valid = report([run, floor_run])
    assert valid and "floor" in table
