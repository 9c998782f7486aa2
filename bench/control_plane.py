"""How much AWS's rules cost: building a network through the ControlPlane vs. putting the same
resources straight into a World (the baseline: no rules, no journal).

The network: N VPCs, each with 6 subnets in 3 AZs and 3 route tables (the main one and two
custom ones with three subnets associated each). The point is the per-call cost of AWS's
validation and of the journal, against the bare cost of building the same data. (The
ControlPlane also makes each VPC's default security group and network ACL and associates every
subnet with it; the baseline does not, so the ratio slightly overstates the rules' cost.)
"""

from __future__ import annotations

import time
from dataclasses import replace

from vpclab import ControlPlane, World
from vpclab.model.route_table import Route, RouteTable, RouteTableAssociation
from vpclab.model.subnet import Subnet
from vpclab.model.vpc import Vpc, VpcCidrBlockAssociation

AZS = ("us-east-1a", "us-east-1b", "us-east-1c")


def vpc_cidr(i: int) -> str:
    return f"{10 + i // 256}.{i % 256}.0.0/16"


def build_control_plane(n: int) -> World:
    world = World(seed=1)
    cp = ControlPlane(world)
    for i in range(n):
        vpc = cp.create_vpc(cidr_block=vpc_cidr(i))
        base = vpc.cidr_block.rsplit(".", 2)[0]
        subnets = [
            cp.create_subnet(vpc_id=vpc.id, cidr_block=f"{base}.{k}.0/24", availability_zone=AZS[k % 3])
            for k in range(6)
        ]
        for t in range(2):
            rtb = cp.create_route_table(vpc_id=vpc.id)
            for s in subnets[t * 3 : (t + 1) * 3]:
                cp.associate_route_table(route_table_id=rtb.id, subnet_id=s.id)
    return world


def build_direct(n: int) -> World:
    world = World(seed=1)
    for i in range(n):
        cidr = vpc_cidr(i)
        vpc = world.put(
            Vpc(
                id=world.ids.new("vpc"),
                owner_id="123456789012",
                region="us-east-1",
                cidr_block=cidr,
                cidr_block_associations=(
                    VpcCidrBlockAssociation(
                        association_id=world.ids.new("vpc_cidr_block_association"), cidr_block=cidr
                    ),
                ),
            )
        )
        base = cidr.rsplit(".", 2)[0]
        subnets = [
            world.put(
                Subnet(
                    id=world.ids.new("subnet"),
                    owner_id=vpc.owner_id,
                    region=vpc.region,
                    vpc_id=vpc.id,
                    cidr_block=f"{base}.{k}.0/24",
                    availability_zone=AZS[k % 3],
                    availability_zone_id=f"use1-az{k % 3 + 1}",
                )
            )
            for k in range(6)
        ]
        for t in range(3):
            rtb_id = world.ids.new("route_table")
            rtb = world.put(
                RouteTable(
                    id=rtb_id,
                    owner_id=vpc.owner_id,
                    region=vpc.region,
                    vpc_id=vpc.id,
                    routes=(
                        Route(destination_cidr_block=cidr, gateway_id="local", origin="CreateRouteTable"),
                    ),
                )
            )
            if t:
                world.put(
                    replace(
                        rtb,
                        associations=tuple(
                            RouteTableAssociation(
                                route_table_association_id=world.ids.new("route_table_association"),
                                route_table_id=rtb_id,
                                subnet_id=s.id,
                            )
                            for s in subnets[(t - 1) * 3 : t * 3]
                        ),
                    )
                )
    return world


def run(n: int = 200) -> list[tuple[str, float, float]]:
    rows = []
    t0 = time.perf_counter()
    direct = build_direct(n)
    t1 = time.perf_counter()
    ruled = build_control_plane(n)
    t2 = time.perf_counter()
    rows.append((f"build {n} VPCs x 6 subnets x 3 route tables ({len(ruled)} resources)", t2 - t1, t1 - t0))
    assert len(direct) > 0
    return rows
