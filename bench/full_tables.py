"""Server-side cost of the API benchmark's creates at full tables, in-process (no HTTP).

Each call runs through the ControlPlane (a World transaction, AWS's rules) against tables that
already hold AWS's maximum entries less one: a VPC with 199 subnets (quota "Subnets per VPC", 200),
a route table with 49 routes (quota "Routes per route table", default 50), 2,499 security groups
in the account and Region (quota 2,500), a security group with 59 inbound rules (quota "Inbound or
outbound rules per security group", default 60), a transit gateway route table with 9,999 static
routes (quota "Routes per transit gateway", 10,000). ``samples`` tables are filled, and the call
that fills each to the quota is timed; the figure is the median.

``python -m bench.full_tables [--samples N] [--profile CALL]`` (``--profile`` prints cProfile's
top functions for that call's timed samples).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from vpclab import ControlPlane, World
from vpclab.model.transit_gateway import TransitGatewayRoute, TransitGatewayRouteTable

SUBNETS, ROUTES, GROUPS, RULES, TGW_ROUTES = 200, 50, 2500, 60, 10000


def _timed(fn: Callable[[], Any], prof: cProfile.Profile | None) -> float:
    if prof is not None:
        prof.enable()
    t0 = time.perf_counter()
    fn()
    dt = time.perf_counter() - t0
    if prof is not None:
        prof.disable()
    return dt


def run(samples: int, profile: str | None = None) -> dict[str, tuple[float, str]]:
    """Per call: (median seconds, what the table held)."""
    out: dict[str, tuple[float, str]] = {}
    prof: dict[str, cProfile.Profile | None] = {}

    def p(name: str) -> cProfile.Profile | None:
        return prof.setdefault(name, cProfile.Profile() if profile == name else None)

    world = World(seed=1)
    cp = ControlPlane(world)
    vpcs = [cp.create_vpc(cidr_block=f"10.{i}.0.0/16") for i in range(samples)]
    # CreateSubnet: the 200th subnet of each VPC
    t = []
    for vpc in vpcs:
        base = vpc.cidr_block.rsplit(".", 2)[0]
        for k in range(SUBNETS - 1):
            cp.create_subnet(vpc_id=vpc.id, cidr_block=f"{base}.{k}.0/24")
        last = f"{base}.{SUBNETS - 1}.0/24"
        t.append(_timed(lambda c=last, v=vpc.id: cp.create_subnet(vpc_id=v, cidr_block=c), p("CreateSubnet")))
    out["CreateSubnet"] = (statistics.median(t), f"{SUBNETS - 1} subnets in the VPC")
    # CreateRoute: the 50th route of a table (destinations outside the VPC → its internet gateway)
    t = []
    for vpc in vpcs:
        igw = cp.create_internet_gateway()
        cp.attach_internet_gateway(internet_gateway_id=igw.id, vpc_id=vpc.id)
        rtb = cp.create_route_table(vpc_id=vpc.id)
        for k in range(ROUTES - 1):
            cp.create_route(route_table_id=rtb.id, destination_cidr_block=f"100.64.{k}.0/24",
                            gateway_id=igw.id)
        t.append(_timed(lambda r=rtb.id, g=igw.id: cp.create_route(
            route_table_id=r, destination_cidr_block=f"100.64.{ROUTES - 1}.0/24", gateway_id=g),
            p("CreateRoute")))
    out["CreateRoute"] = (statistics.median(t), f"{ROUTES - 1} routes in the table")
    # AuthorizeSecurityGroupIngress: the 60th inbound rule of a group
    t = []
    for vpc in vpcs:
        sg = cp.create_security_group(group_name="full", description="full", vpc_id=vpc.id)
        cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[{
            "ip_protocol": "tcp", "from_port": 443, "to_port": 443,
            "ip_ranges": [{"cidr_ip": f"100.64.{k}.0/24"} for k in range(RULES - 1)]}])
        t.append(_timed(lambda g=sg.id: cp.authorize_security_group_ingress(
            group_id=g, ip_permissions=[{"ip_protocol": "tcp", "from_port": 443, "to_port": 443,
                                         "ip_ranges": [{"cidr_ip": f"100.64.{RULES - 1}.0/24"}]}]),
            p("AuthorizeSecurityGroupIngress")))
    out["AuthorizeSecurityGroupIngress"] = (statistics.median(t), f"{RULES - 1} inbound rules in the group")
    # CreateSecurityGroup: the last groups up to the Region's quota
    have = sum(1 for _ in world.all(type(cp.create_security_group(
        group_name="probe", description="x", vpc_id=vpcs[0].id))))
    for k in range(GROUPS - samples - have):
        cp.create_security_group(group_name=f"g{k}", description="x", vpc_id=vpcs[k % len(vpcs)].id)
    t = [_timed(lambda k=k: cp.create_security_group(group_name=f"last{k}", description="x",
                                                     vpc_id=vpcs[k % len(vpcs)].id), p("CreateSecurityGroup"))
         for k in range(samples)]
    out["CreateSecurityGroup"] = (statistics.median(t),
                                  f"{GROUPS - samples}–{GROUPS - 1} groups in the Region")
    # CreateTransitGatewayRoute: the last static routes up to the gateway's quota (the table is
    # filled directly: through the ControlPlane it would take minutes before the change)
    tgw = cp.create_transit_gateway()
    rtb_id = tgw.options.association_default_route_table_id
    rtb = world.get(rtb_id, TransitGatewayRouteTable)
    assert rtb is not None
    fill = tuple(TransitGatewayRoute(destination_cidr_block=f"100.{k // 256 % 256}.{k % 256}.0/24",
                                     state="blackhole") for k in range(TGW_ROUTES - samples))
    world.put(replace(rtb, routes=fill))
    t = [_timed(lambda k=k: cp.create_transit_gateway_route(
        transit_gateway_route_table_id=rtb_id, destination_cidr_block=f"172.16.{k}.0/24", blackhole=True),
        p("CreateTransitGatewayRoute")) for k in range(samples)]
    out["CreateTransitGatewayRoute"] = (statistics.median(t),
                                        f"{TGW_ROUTES - samples}–{TGW_ROUTES - 1} routes")
    if profile:
        pr = prof.get(profile)
        if pr is not None:
            pstats.Stats(pr, stream=sys.stdout).sort_stats("cumulative").print_stats(25)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.full_tables", description=__doc__.split("\n\n")[0])
    ap.add_argument("--samples", type=int, default=20)
    ap.add_argument("--profile", default=None, help="print cProfile's top functions for this call")
    args = ap.parse_args(argv)
    for name, (sec, held) in run(args.samples, args.profile).items():
        print(f"{name:32} {sec * 1e6:9.0f} µs   ({held})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
