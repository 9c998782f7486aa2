"""Build an estate beyond AWS-MAX (issue 15) straight into a World, as ``bench/generator.py`` builds
AWS-MAX (direct puts, no ControlPlane rules, the cyclic collector paused), from the layout of
``bench/estate_plan.py``: domains of up to 2,048 VPCs, each with a transit gateway in its own
account and Region, the gateways peered in a full mesh.

    from bench.estate import build, scaled
    world = build(scaled(4))        # 20,000 VPCs, 120,000 subnets, 10 transit gateways
"""

from __future__ import annotations

from dataclasses import replace

from vpclab.core.collect import collector_paused
from vpclab.model.base import Tags
from vpclab.model.endpoints import VpcEndpoint
from vpclab.model.gateways import InternetGateway
from vpclab.model.interfaces import Instance, NetworkInterface
from vpclab.model.peering import VpcPeeringConnection
from vpclab.model.route_table import Route
from vpclab.model.sharing import ResourceShare
from vpclab.model.subnet import Subnet
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

from .estate_plan import SIZES, Domain, Estate, Layout, account_id, onprem, scaled, usage
from .generator_parts import _Builder

__all__ = ["SIZES", "Estate", "Layout", "build", "scaled", "usage"]


def build(estate: Estate) -> World:
    """A World holding ``estate`` (deterministic for a given estate)."""
    with collector_paused():  # a bulk build (vpclab/core/collect.py)
        return _build(estate)


class _Domains:
    def __init__(self, world: World, estate: Estate) -> None:
        self.w, self.e = world, estate
        self.lay = Layout(estate)
        # _Builder reads subnets_per_vpc and dual_stack from its spec
        self.b = _Builder(world, _SpecView(estate))  # type: ignore[arg-type]
        self.tgw: list[str] = []
        self.tables: list[list[str]] = []

    def at(self, d: Domain, vpc: int) -> None:
        self.b.account, self.b.region, self.b.azs, self.b.hub = (
            account_id(self.e, vpc),
            d.region,
            d.azs,
            d.start,
        )


class _SpecView:
    """What ``_Builder`` reads of a ``generator.Spec``."""

    def __init__(self, e: Estate) -> None:
        self.subnets_per_vpc = e.subnets_per_vpc
        self.dual_stack = False
        self.custom_acls = True
        self.seed = e.seed


def _build(estate: Estate) -> World:
    world = World(seed=estate.seed)
    x = _Domains(world, estate)
    lay, b, new = x.lay, x.b, world.ids.new
    with world.transaction():
        templates = lay.templates
        for d in lay.domains:
            for i in range(d.start, d.stop):
                x.at(d, i)
                b.vpc(i, templates)
        # a transit gateway per domain, owned by the domain's first account, shared with the others
        for d in lay.domains:
            owner = account_id(estate, d.start)
            tgw_id = new("transit_gateway")
            world.put(
                TransitGateway(
                    id=tgw_id,
                    owner_id=owner,
                    region=d.region,
                    # a unique ASN per peered gateway, as AWS recommends
                    # (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering.html)
                    options=TransitGatewayOptions(
                        amazon_side_asn=64512 + d.index,
                        default_route_table_association="disable",
                        default_route_table_propagation="disable",
                    ),
                )
            )
            accounts = sorted({account_id(estate, i) for i in range(d.start, d.stop)} - {owner})
            if accounts:
                world.put(
                    ResourceShare(
                        id=new("resource_share"),
                        owner_id=owner,
                        region=d.region,
                        share_name=f"tgw-domain-{d.index}",
                        resource_ids=(tgw_id,),
                        principals=tuple(accounts),
                    )
                )
            x.tgw.append(tgw_id)
            x.tables.append([new("transit_gateway_route_table") for _ in range(estate.tgw_route_tables)])
        peering_atts = _peerings(x)
        for d in lay.domains:
            _domain(x, d, peering_atts)
        _vpc_peerings(x)
        # route tables, now with every route
        for tables in b.tables:
            for rt in tables:
                world.put(replace(rt, routes=rt.routes + tuple(b.extra_routes.get(rt.id, ()))))
        _instances(x)
    return world


def _peerings(x: _Domains) -> dict[tuple[int, int], str]:
    """A transit gateway peering attachment per pair of domains (both ways in the map), associated
    on each side with the route table ``Layout.peering_table`` names."""
    out: dict[tuple[int, int], str] = {}
    doms = x.lay.domains
    for a in doms:
        for c in doms[a.index + 1 :]:
            att = x.w.put(
                TransitGatewayAttachment(
                    id=x.w.ids.new("transit_gateway_attachment"),
                    owner_id=account_id(x.e, a.start),
                    region=a.region,
                    transit_gateway_id=x.tgw[a.index],
                    resource_type="peering",
                    resource_id=x.tgw[c.index],
                    resource_owner_id=account_id(x.e, c.start),
                    peer_transit_gateway_id=x.tgw[c.index],
                    peer_account_id=account_id(x.e, c.start),
                    peer_region=c.region,
                    association_route_table_id=x.tables[a.index][x.lay.peering_table(a, c)],
                    peer_association_route_table_id=x.tables[c.index][x.lay.peering_table(c, a)],
                )
            )
            out[(a.index, c.index)] = out[(c.index, a.index)] = att.id
    return out


def _domain(x: _Domains, d: Domain, peering_atts: dict[tuple[int, int], str]) -> None:
    """The domain's VPC attachments, VPNs, transit gateway route tables and interface endpoints."""
    w, e, b, lay, new = x.w, x.e, x.b, x.lay, x.w.ids.new
    tgw_id, trt = x.tgw[d.index], x.tables[d.index]
    owner = account_id(e, d.start)
    plans = lay.tables(d)
    table_of = {i: trt[k] for k, t in enumerate(plans) for i in t.vpcs}
    att_of: dict[int, str] = {}
    for i in range(d.start, d.stop):
        x.at(d, i)
        vpc = b.vpcs[i]
        firsts = [next(s for s in b.subnets[i] if s.availability_zone == az) for az, _ in d.azs]
        att_id = new("transit_gateway_attachment")
        enis = b.managed_interfaces(vpc, firsts, d.region, "transit_gateway", att_id)
        w.put(
            TransitGatewayAttachment(
                id=att_id,
                owner_id=owner,
                region=d.region,
                transit_gateway_id=tgw_id,
                resource_type="vpc",
                resource_id=vpc.id,
                resource_owner_id=vpc.owner_id,
                subnet_ids=tuple(s.id for s in firsts),
                network_interface_ids=tuple(enis),
                association_route_table_id=table_of[i],
            )
        )
        att_of[i] = att_id
        for rt in b.tables[i]:
            for block in lay.estate_routes:
                b.route(rt, Route(destination_cidr_block=block, transit_gateway_id=tgw_id))
        if i % 10 == 9:
            igw = w.put(
                InternetGateway(
                    id=new("internet_gateway"), owner_id=vpc.owner_id, region=d.region, vpc_id=vpc.id
                )
            )
            b.route(b.tables[i][0], Route(destination_cidr_block="0.0.0.0/0", gateway_id=igw.id))
    # VPNs: even ones on the transit gateway (the owner's), odd ones on a VGW of a VPC (its account's)
    vpn_att: dict[int, str] = {}
    vpn_table = {j: trt[k] for k, t in enumerate(plans) for j in t.vpns}
    for j in range(d.vpns):
        g = lay.vpn_base[d.index] + j  # the estate-wide VPN number
        nets = onprem(g)
        on_tgw = lay.vpn_on_tgw(d, j)
        v = lay.vgw_vpc(d, j)
        acct = owner if on_tgw else b.vpcs[v].owner_id
        cgw = w.put(
            CustomerGateway(
                id=new("customer_gateway"),
                owner_id=acct,
                region=d.region,
                ip_address=f"203.0.{113 + g // 250}.{g % 250 + 1}",
                bgp_asn=65000 + j,
                tags=Tags({ON_PREMISES_CIDRS_TAG: ", ".join(nets)}),
            )
        )
        if on_tgw:
            vpn = w.put(
                VpnConnection(
                    id=new("vpn_connection"),
                    owner_id=acct,
                    region=d.region,
                    customer_gateway_id=cgw.id,
                    transit_gateway_id=tgw_id,
                )
            )
            vpn_att[j] = w.put(
                TransitGatewayAttachment(
                    id=new("transit_gateway_attachment"),
                    owner_id=owner,
                    region=d.region,
                    transit_gateway_id=tgw_id,
                    resource_type="vpn",
                    resource_id=vpn.id,
                    resource_owner_id=owner,
                    association_route_table_id=vpn_table[j],
                )
            ).id
        else:
            vgw = w.put(
                VpnGateway(
                    id=new("vpn_gateway"),
                    owner_id=acct,
                    region=d.region,
                    vpc_attachments=(VpnGatewayAttachment(vpc_id=b.vpcs[v].id),),
                )
            )
            w.put(
                VpnConnection(
                    id=new("vpn_connection"),
                    owner_id=acct,
                    region=d.region,
                    customer_gateway_id=cgw.id,
                    vpn_gateway_id=vgw.id,
                )
            )
            b.tables[v][0] = replace(b.tables[v][0], propagating_vgws=(vgw.id,))
    for k, t in enumerate(plans):
        routes = [
            TransitGatewayRoute(destination_cidr_block=c, transit_gateway_attachment_ids=(vpn_att[j],))
            for c, j in t.vpn_statics
        ]
        if t.blackhole:
            routes.append(TransitGatewayRoute(destination_cidr_block=t.blackhole, state="blackhole"))
        routes += [
            TransitGatewayRoute(
                destination_cidr_block=lay.domains[o].block,
                transit_gateway_attachment_ids=(peering_atts[(d.index, o)],),
            )
            for o in t.remote
        ]
        w.put(
            TransitGatewayRouteTable(
                id=trt[k],
                owner_id=owner,
                region=d.region,
                transit_gateway_id=tgw_id,
                routes=tuple(routes),
                propagations=tuple(att_of[i] for i in t.propagations),
            )
        )
    for j in range(d.endpoints):
        _endpoint(x, d, d.start + j % d.size, j)


def _endpoint(x: _Domains, d: Domain, v: int, j: int) -> None:
    w, b, new = x.w, x.b, x.w.ids.new
    x.at(d, v)
    vpc = b.vpcs[v]
    vpce_id = new("vpc_endpoint")
    subs = [next(s for s in reversed(b.subnets[v]) if s.availability_zone == az) for az, _ in d.azs]
    enis = b.managed_interfaces(vpc, subs, d.region, "vpc_endpoint", vpce_id)
    w.put(
        VpcEndpoint(
            id=vpce_id,
            owner_id=vpc.owner_id,
            region=d.region,
            vpc_id=vpc.id,
            service_name=f"com.amazonaws.{d.region}.{('sqs', 'sns', 'kms', 'sts')[j % 4]}",
            vpc_endpoint_type="Interface",
            subnet_ids=tuple(s.id for s in subs),
            network_interface_ids=tuple(enis),
            groups=b.groups[vpc.id][:1],
        )
    )


def _vpc_peerings(x: _Domains) -> None:
    """Each domain's hub (its first VPC) peers with the next 125 VPCs; then random pairs in the
    domain (accounts may differ: a cross-account peering, accepted)."""
    w, b = x.w, x.b
    for d in x.lay.domains:
        for a, c in d.hub_pairs + d.other_pairs:
            va, vc = b.vpcs[a], b.vpcs[c]
            pcx = w.put(
                VpcPeeringConnection(
                    id=w.ids.new("vpc_peering_connection"),
                    owner_id=va.owner_id,
                    region=d.region,
                    requester_vpc_id=va.id,
                    requester_owner_id=va.owner_id,
                    requester_region=d.region,
                    accepter_vpc_id=vc.id,
                    accepter_owner_id=vc.owner_id,
                    accepter_region=d.region,
                    status_code="active",
                    requester_cidr_blocks=va.cidr_blocks,
                    accepter_cidr_blocks=vc.cidr_blocks,
                )
            )
            for p, q in ((a, c), (c, a)):
                for rt in b.tables[p]:
                    b.route(
                        rt,
                        Route(destination_cidr_block=b.vpcs[q].cidr_block, vpc_peering_connection_id=pcx.id),
                    )


def _instances(x: _Domains) -> None:
    """One instance per VPC (AWS-MAX's 5,000 over 5,000 VPCs), in its first subnet, five groups."""
    w, b, new = x.w, x.b, x.w.ids.new
    for d in x.lay.domains:
        for v in range(d.start, d.stop):
            x.at(d, v)
            b.groups_for(v)
            sub: Subnet = b.subnets[v][0]
            eni_id, inst_id = new("network_interface"), new("instance")
            ip = b.ip(sub)
            w.put(
                NetworkInterface(
                    id=eni_id,
                    owner_id=sub.owner_id,
                    region=d.region,
                    vpc_id=sub.vpc_id,
                    subnet_id=sub.id,
                    availability_zone=sub.availability_zone,
                    private_ip_address=ip,
                    groups=b.groups[sub.vpc_id],
                    status="in-use",
                    instance_id=inst_id,
                    attachment_id=new("network_interface_attachment"),
                    device_index=0,
                )
            )
            w.put(
                Instance(
                    id=inst_id,
                    owner_id=sub.owner_id,
                    region=d.region,
                    vpc_id=sub.vpc_id,
                    subnet_id=sub.id,
                    image_id="ami-0abcdef1234567890",
                    network_interface_ids=(eni_id,),
                    private_ip_address=ip,
                    availability_zone=sub.availability_zone,
                )
            )


_ = scaled  # re-exported
