"""Deterministic network generator: SMALL (tests) and AWS-MAX (benchmarks), built straight into a World.

Resources are put directly (no ControlPlane rules: building 100k resources through AWS's checks
is what ``bench/control_plane.py`` measures), in the shapes the ControlPlane makes: each VPC has
its main route table with a local route, its default security group and default network ACL; a
subnet not explicitly associated uses the main table and the default ACL unless another ACL is
associated; a TGW VPC attachment has one subnet per AZ and a requester-managed interface in each;
a peering connection is active with both sides' CIDR blocks recorded; interface endpoints have an
interface per subnet. AWS-MAX sits at AWS's documented maxima (5,000 attachments per TGW, 20 TGW
route tables, 10,000 TGW routes, 125 active peerings for the hub VPC, 5 security groups per
interface, NACLs of 20–40 rules).

Layout: VPC i is 10.0.0.0/8's /21 number i; subnet k of a VPC is its k-th /24, in AZ k*3//n; the
VPC's route table t serves the subnets of AZ t (the main table serves AZ 0); a custom NACL (one of a
few templates, as infrastructure code stamps them) covers AZs 0 and 1, the default NACL AZ 2.
TGW route table k is associated with segment k (VPCs i % T == k) and learns the routes of
segment k and most of segment k+1, plus static routes to on-premises networks and a blackhole.
"""

from __future__ import annotations

import dataclasses
import gc
from dataclasses import dataclass, replace

from vpclab.model.base import Tags
from vpclab.model.endpoints import VpcEndpoint
from vpclab.model.gateways import InternetGateway
from vpclab.model.interfaces import Instance, NetworkInterface
from vpclab.model.peering import VpcPeeringConnection
from vpclab.model.prefix_lists import aws_managed_prefix_list_id
from vpclab.model.route_table import Route
from vpclab.model.transit_gateway import (
    TransitGateway,
    TransitGatewayAttachment,
    TransitGatewayOptions,
    TransitGatewayRoute,
    TransitGatewayRouteTable,
)
from vpclab.model.vpn import (
    ON_PREMISES_CIDRS_TAG,
    CustomerGateway,
    VpnConnection,
    VpnGateway,
    VpnGatewayAttachment,
)
from vpclab.model.world import World

from .dual_stack import entry_twins, twin
from .generator_parts import ACCOUNT, AZS, REGION, _Builder, acl_template, cidr, vpc_base

__all__ = [
    "AWS_MAX",
    "AWS_MAX_DUAL",
    "SMALL",
    "SMALL_DUAL",
    "Spec",
    "acl_template",
    "build",
    "cidr",
    "vpc_base",
]


@dataclass(frozen=True)
class Spec:
    vpcs: int
    subnets_per_vpc: int = 6
    tgw_route_tables: int = 20
    tgw_routes: int = 10_000
    hub_peerings: int = 125
    other_peerings: int = 2_000
    vpns: int = 50
    interface_endpoints: int = 50
    gateway_endpoints: int = 0
    interfaces: int = 5_000
    acl_templates: int = 50
    #: SMALL only: a pending peering with routes (blackholes) and an attachment missing an AZ
    edge_cases: bool = False
    #: custom NACLs (from the templates) on AZs a and b; without, every subnet keeps the default NACL
    custom_acls: bool = True
    #: dual-stack (issue 9): the IPv4 design and its IPv6 twin (bench/dual_stack.py): every VPC a
    #: /56, every subnet a /64, every interface an IPv6 address, ::/0 to an egress-only gateway
    dual_stack: bool = False
    seed: int = 7


SMALL = Spec(
    vpcs=10,
    tgw_route_tables=2,
    tgw_routes=24,
    hub_peerings=2,
    other_peerings=3,
    vpns=1,
    interface_endpoints=1,
    gateway_endpoints=1,
    interfaces=50,
    acl_templates=3,
    edge_cases=True,
)
AWS_MAX = Spec(vpcs=5_000)
SMALL_DUAL = dataclasses.replace(SMALL, dual_stack=True)
AWS_MAX_DUAL = dataclasses.replace(AWS_MAX, dual_stack=True)


def build(spec: Spec) -> World:
    """A World holding the network ``spec`` describes (deterministic for a given spec).

    The cyclic garbage collector is paused while it builds: the World is frozen dataclasses without
    reference cycles, and a full collection's walk of the growing heap was a quarter of the AWS-MAX
    build (3.3 s → 2.4 s; dual-stack, with twice the routes and rules, 5.8 s → 3.0 s).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(spec)
    finally:
        if enabled:
            gc.enable()


def _build(spec: Spec) -> World:
    world = World(seed=spec.seed)
    b = _Builder(world, spec)
    new, rng, T = b.new, b.rng, spec.tgw_route_tables
    with world.transaction():
        templates = [acl_template(rng, spec.vpcs) for _ in range(spec.acl_templates)]
        if spec.dual_stack:
            templates = [t + entry_twins(t) for t in templates]
        for i in range(spec.vpcs):
            b.vpc(i, templates)
        # transit gateway, its route tables and one attachment per VPC
        tgw_id = new("transit_gateway")
        world.put(
            TransitGateway(
                id=tgw_id,
                owner_id=ACCOUNT,
                region=REGION,
                options=TransitGatewayOptions(
                    default_route_table_association="disable", default_route_table_propagation="disable"
                ),
            )
        )
        trt_ids = [new("transit_gateway_route_table") for _ in range(T)]
        atts: list[str] = []
        for i, vpc in enumerate(b.vpcs):
            firsts = [next(sub for sub in b.subnets[i] if sub.availability_zone == az) for az, _ in AZS]
            if spec.edge_cases and i == 1:
                firsts = firsts[:2]  # no attachment subnet in AZ c: its sources there cannot use the TGW
            att_id = new("transit_gateway_attachment")
            enis = b.managed_interfaces(vpc, firsts, REGION, "transit_gateway", att_id)
            world.put(
                TransitGatewayAttachment(
                    id=att_id,
                    owner_id=ACCOUNT,
                    region=REGION,
                    transit_gateway_id=tgw_id,
                    resource_type="vpc",
                    resource_id=vpc.id,
                    resource_owner_id=ACCOUNT,
                    subnet_ids=tuple(s.id for s in firsts),
                    network_interface_ids=tuple(enis),
                    association_route_table_id=trt_ids[i % T],
                )
            )
            atts.append(att_id)
            for rt in b.tables[i]:
                b.route(rt, Route(destination_cidr_block="10.0.0.0/8", transit_gateway_id=tgw_id))
            if i % 10 == 9:
                igw = world.put(
                    InternetGateway(
                        id=new("internet_gateway"), owner_id=ACCOUNT, region=REGION, vpc_id=vpc.id
                    )
                )
                b.route(b.tables[i][0], Route(destination_cidr_block="0.0.0.0/0", gateway_id=igw.id))
        # VPNs: even ones on the TGW (static routes in its tables), odd ones on a VGW of a VPC
        statics: list[list[TransitGatewayRoute]] = [[] for _ in range(T)]
        for j in range(spec.vpns):
            onprem = (f"192.168.{j}.0/24", f"172.16.{j}.0/24")
            cgw = world.put(
                CustomerGateway(
                    id=new("customer_gateway"),
                    owner_id=ACCOUNT,
                    region=REGION,
                    ip_address=f"203.0.113.{j + 1}",
                    bgp_asn=65000 + j,
                    tags=Tags({ON_PREMISES_CIDRS_TAG: ", ".join(onprem)}),
                )
            )
            if j % 2 == 0:
                vpn = world.put(
                    VpnConnection(
                        id=new("vpn_connection"),
                        owner_id=ACCOUNT,
                        region=REGION,
                        customer_gateway_id=cgw.id,
                        transit_gateway_id=tgw_id,
                    )
                )
                att = world.put(
                    TransitGatewayAttachment(
                        id=new("transit_gateway_attachment"),
                        owner_id=ACCOUNT,
                        region=REGION,
                        transit_gateway_id=tgw_id,
                        resource_type="vpn",
                        resource_id=vpn.id,
                        resource_owner_id=ACCOUNT,
                        association_route_table_id=trt_ids[j % T],
                    )
                )
                for k in range(T):
                    statics[k].append(
                        TransitGatewayRoute(
                            destination_cidr_block=onprem[k % 2], transit_gateway_attachment_ids=(att.id,)
                        )
                    )
            else:
                v = (j * 37) % spec.vpcs
                vgw = world.put(
                    VpnGateway(
                        id=new("vpn_gateway"),
                        owner_id=ACCOUNT,
                        region=REGION,
                        vpc_attachments=(VpnGatewayAttachment(vpc_id=b.vpcs[v].id),),
                    )
                )
                world.put(
                    VpnConnection(
                        id=new("vpn_connection"),
                        owner_id=ACCOUNT,
                        region=REGION,
                        customer_gateway_id=cgw.id,
                        vpn_gateway_id=vgw.id,
                    )
                )
                b.tables[v][0] = replace(b.tables[v][0], propagating_vgws=(vgw.id,))
        seg = [[a for i, a in enumerate(atts) if i % T == k] for k in range(T)]
        att_vpc = {a: i for i, a in enumerate(atts)}
        budget = spec.tgw_routes // T
        for k in range(T):
            blackhole = TransitGatewayRoute(
                destination_cidr_block=cidr(vpc_base((k * 7 + 3) % spec.vpcs) + 256, 24), state="blackhole"
            )
            st = (*statics[k][: max(0, budget - len(seg[k]) - 1 - 1)], blackhole)
            room = max(0, budget - len(seg[k]) - len(st))
            nxt = seg[(k + 1) % T][:room] if T > 1 else []
            if spec.dual_stack:  # static IPv6 twins: of the statics, and of each propagating VPC's /56
                st += tuple(
                    replace(r, destination_cidr_block=b6)
                    for r in st
                    if (b6 := twin(r.destination_cidr_block or "192.0.2.0/24")) not in (None, "::/0")
                )
                st += tuple(
                    TransitGatewayRoute(
                        destination_cidr_block=twin(cidr(vpc_base(att_vpc[a]), 21)),
                        transit_gateway_attachment_ids=(a,),
                    )
                    for a in dict.fromkeys(seg[k] + nxt)
                )
            world.put(
                TransitGatewayRouteTable(
                    id=trt_ids[k],
                    owner_id=ACCOUNT,
                    region=REGION,
                    transit_gateway_id=tgw_id,
                    routes=st,
                    propagations=tuple(dict.fromkeys(seg[k] + nxt)),
                )
            )
        # peerings: a hub with many spokes, then random pairs
        pairs = [(0, n) for n in range(1, spec.hub_peerings + 1)]
        others = list(range(spec.hub_peerings + 1, spec.vpcs))
        seen = set(pairs)
        while len(pairs) < spec.hub_peerings + spec.other_peerings and len(others) > 1:
            a, c = sorted(rng.sample(others, 2))
            if (a, c) not in seen:
                seen.add((a, c))
                pairs.append((a, c))
        if spec.edge_cases:
            pairs.append((2, 3))  # stays pending-acceptance: its routes are blackholes
        for n, (a, c) in enumerate(pairs):
            va, vc = b.vpcs[a], b.vpcs[c]
            active = not (spec.edge_cases and n == len(pairs) - 1)
            pcx = world.put(
                VpcPeeringConnection(
                    id=new("vpc_peering_connection"),
                    owner_id=ACCOUNT,
                    region=REGION,
                    requester_vpc_id=va.id,
                    requester_owner_id=ACCOUNT,
                    requester_region=REGION,
                    accepter_vpc_id=vc.id,
                    accepter_owner_id=ACCOUNT,
                    accepter_region=REGION,
                    status_code="active" if active else "pending-acceptance",
                    requester_cidr_blocks=va.cidr_blocks if active else (),
                    accepter_cidr_blocks=vc.cidr_blocks if active else (),
                )
            )
            for x, y in ((a, c), (c, a)):
                for rt in b.tables[x]:
                    b.route(
                        rt,
                        Route(destination_cidr_block=b.vpcs[y].cidr_block, vpc_peering_connection_id=pcx.id),
                    )
        # endpoints
        for j in range(spec.interface_endpoints):
            v = j % spec.vpcs
            vpc = b.vpcs[v]
            vpce_id = new("vpc_endpoint")
            subs = [
                next(sub for sub in reversed(b.subnets[v]) if sub.availability_zone == az) for az, _ in AZS
            ]
            enis = b.managed_interfaces(vpc, subs, REGION, "vpc_endpoint", vpce_id)
            world.put(
                VpcEndpoint(
                    id=vpce_id,
                    owner_id=ACCOUNT,
                    region=REGION,
                    vpc_id=vpc.id,
                    service_name=f"com.amazonaws.{REGION}.{('sqs', 'sns', 'kms', 'sts')[j % 4]}",
                    vpc_endpoint_type="Interface",
                    subnet_ids=tuple(s.id for s in subs),
                    network_interface_ids=tuple(enis),
                    groups=b.groups[vpc.id][:1],
                )
            )
        for j in range(spec.gateway_endpoints):
            v = j % spec.vpcs
            vpce_id = new("vpc_endpoint")
            pl = aws_managed_prefix_list_id(REGION, "s3")
            world.put(
                VpcEndpoint(
                    id=vpce_id,
                    owner_id=ACCOUNT,
                    region=REGION,
                    vpc_id=b.vpcs[v].id,
                    service_name=f"com.amazonaws.{REGION}.s3",
                    vpc_endpoint_type="Gateway",
                    route_table_ids=tuple(rt.id for rt in b.tables[v]),
                )
            )
            for rt in b.tables[v]:
                b.route(rt, Route(destination_prefix_list_id=pl, gateway_id=vpce_id))
        # route tables, now with every route
        for tables in b.tables:
            for rt in tables:
                world.put(replace(rt, routes=rt.routes + tuple(b.extra_routes.get(rt.id, ()))))
        # interfaces of instances, five security groups each
        for n in range(spec.interfaces):
            v = n % spec.vpcs
            b.groups_for(v)
            sub = b.subnets[v][(n // spec.vpcs) % spec.subnets_per_vpc]
            eni_id, inst_id = new("network_interface"), new("instance")
            ip = b.ip(sub)
            world.put(
                NetworkInterface(
                    id=eni_id,
                    owner_id=ACCOUNT,
                    region=REGION,
                    vpc_id=sub.vpc_id,
                    subnet_id=sub.id,
                    availability_zone=sub.availability_zone,
                    private_ip_address=ip,
                    ipv6_addresses=b.ip6(ip),
                    groups=b.groups[sub.vpc_id],
                    status="in-use",
                    instance_id=inst_id,
                    attachment_id=new("network_interface_attachment"),
                    device_index=0,
                )
            )
            world.put(
                Instance(
                    id=inst_id,
                    owner_id=ACCOUNT,
                    region=REGION,
                    vpc_id=sub.vpc_id,
                    subnet_id=sub.id,
                    image_id="ami-0abcdef1234567890",
                    network_interface_ids=(eni_id,),
                    private_ip_address=ip,
                    ipv6_address=b.ip6(ip)[0] if spec.dual_stack else None,
                    availability_zone=sub.availability_zone,
                )
            )
    return world
