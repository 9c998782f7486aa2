"""An open trace re-runs only when a change touches what it read (issue 13, point 6): the trace
answers its ``reads`` and ``version``; ``GET /changes?since=V`` answers the ids changed since
(vpclab.reach.reads, vpclab.web.live); the page re-runs the trace only when they meet."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

import vpclab
from tests.api.conftest import start_server, stop_server
from vpclab.model.route_table import RouteTable
from vpclab.model.world import World
from vpclab.web import create_app, live_source

from .conftest import Page

ROOT = Path(__file__).resolve().parents[2]
FLOW = {"source": "web-1", "destination": "db-1", "protocol": "tcp", "port": "5432"}


def get(c: TestClient, path: str, **params: Any) -> Any:
    r = c.get(f"/_vpclab/api/{path}", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def live() -> tuple[World, TestClient]:
    world = vpclab.load(ROOT / "examples/two-peered-vpcs.yaml").world
    return world, TestClient(create_app(live_source(lambda: world, nullcontext())))


def test_a_change_to_an_unrelated_vpc_is_not_in_the_traces_reads() -> None:
    world, c = live()
    t = get(c, "trace", **FLOW)
    reads = set(t["reads"])
    used = [h["id"] for h in t["forward_hops"] if h["component"] == "route-table"]
    assert used and set(used) <= reads
    assert get(c, "changes", since=t["version"]) == {"version": t["version"], "changed": []}
    cp = vpclab.ControlPlane(world, account_id="111111111111", region="us-east-1")
    other = cp.create_vpc(cidr_block="10.88.0.0/16")
    rtb = cp.create_route_table(vpc_id=other.id)
    igw = cp.create_internet_gateway()
    cp.attach_internet_gateway(internet_gateway_id=igw.id, vpc_id=other.id)
    cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)
    ch = get(c, "changes", since=t["version"])
    assert {other.id, rtb.id, igw.id} <= set(ch["changed"]) and not set(ch["changed"]) & reads
    # a route the trace used: the change meets its reads
    table = world.get(used[0], RouteTable)
    assert table is not None
    pcx = next(h["id"] for h in t["forward_hops"] if h["component"] == "vpc-peering-connection")
    cp.create_route(
        route_table_id=table.id, destination_cidr_block="192.168.0.0/16", vpc_peering_connection_id=pcx
    )
    ch2 = get(c, "changes", since=ch["version"])
    assert table.id in set(ch2["changed"]) & reads


def test_changes_since_an_unknown_version_are_unknown() -> None:
    _, c = live()
    assert get(c, "changes", since="0.0")["changed"] is None
    # a reset replaces the World: what changed since a version of the old one cannot be told
    holder = {"world": vpclab.load(ROOT / "examples/two-peered-vpcs.yaml").world}
    c2 = TestClient(create_app(live_source(lambda: holder["world"], nullcontext())))
    t = get(c2, "trace", **FLOW)
    holder["world"] = vpclab.load(ROOT / "examples/two-peered-vpcs.yaml").world
    assert get(c2, "changes", since=t["version"])["changed"] is None
    r = c.get("/_vpclab/api/changes")
    assert r.status_code == 400 and r.json()["error"]["code"] == "MissingParameter"


def test_the_page_reruns_its_trace_for_a_route_it_used_not_for_another_vpc(
    open_page: Callable[[str], Page],
) -> None:
    srv = start_server("--load", "examples/two-peered-vpcs.yaml", "--no-default-vpc")
    try:
        page = open_page(srv.url)
        page.trace("web-1", "db-1", 5432)
        page.page.wait_for_function("window.vpclab.trace !== null")
        runs = page.evaluate("window.vpclab.traceRuns")
        ec2 = srv.client()
        vpc = ec2.create_vpc(CidrBlock="10.88.0.0/16")["Vpc"]["VpcId"]
        rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        with urllib.request.urlopen(f"{srv.url}/_vpclab/api/graph", timeout=10) as r:
            now = json.load(r)["version"]
        page.page.wait_for_function(
            f"window.vpclab.version === '{now}' && window.vpclab.trace.version === '{now}'", timeout=5000
        )
        assert page.evaluate("window.vpclab.traceRuns") == runs  # the other VPC: not re-run
        assert page.evaluate("window.vpclab.traceSkips") >= 1
        # the route the trace used to reach db goes: the trace re-runs and turns blocked
        trace = page.evaluate("window.vpclab.trace")
        used = next(h for h in trace["forward_hops"] if h["component"] == "route-table")
        cidr = used["detail"].split(" ")[0]
        made = time.monotonic()
        ec2.delete_route(RouteTableId=used["id"], DestinationCidrBlock=cidr)
        page.page.wait_for_function("window.vpclab.trace.disposition === 'blocked'", timeout=5000)
        assert time.monotonic() - made < 2
        assert page.evaluate("window.vpclab.traceRuns") == runs + 1
        page.shot("live-trace-rerun")
        assert page.errors == []
        page.close()
    finally:
        stop_server(srv)


def test_a_trace_through_a_transit_gateway_reads_its_prefix_lists_and_names_are_read() -> None:
    """A transit gateway route table is read by its own links only: a prefix list's change (its
    prefix-list references) re-runs a trace through one; a trace asked by name reads the name."""
    from vpclab.model.prefix_lists import ManagedPrefixList
    from vpclab.reach.reads import ANY_PREFIX_LIST, touched, trace_reads

    net = vpclab.load(ROOT / "examples/tgw-isolated-vpcs.yaml")
    t = net.trace("vpc-a-host", "vpc-b-host", protocol="tcp", port=443)
    assert any(h.component == "transit-gateway-route-table" for h in t.forward_hops)
    assert ANY_PREFIX_LIST in trace_reads(net.world, t)
    cp = vpclab.ControlPlane(net.world, account_id=net.world.get(t.forward_hops[0].id).owner_id)
    pl = cp.create_managed_prefix_list(prefix_list_name="x", max_entries=2, address_family="IPv4")
    assert ANY_PREFIX_LIST in touched([(None, net.world.get(pl.id, ManagedPrefixList))])
    _, c = live()
    t2 = get(c, "trace", **FLOW)
    assert {"web-1", "db-1"} <= set(t2["reads"])
