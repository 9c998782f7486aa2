"""Reachability Analyzer ends named without an address: which address vpclab analyses for a transit
gateway, a transit gateway attachment, a VPC peering connection or a VPC endpoint service.

AWS's "How Reachability Analyzer works" (Source and destination resources,
https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html) accepts
"EC2 instances, internet gateways, network interfaces, transit gateways, transit gateway
attachments, virtual private gateways, VPC endpoint services, VPC endpoints, VPC peering
connections" as sources and destinations, and IP addresses as destinations; it does not say which
address it analyses for a component named without one. vpclab analyses an address the component
serves and ends AWS's path at the component itself, as AWS's analyser does at a transit gateway
Connect attachment ("analyzes connectivity only up to these attachments", Considerations):

- a transit gateway (destination): the first route of the route table the source VPC's attachment
  is associated with that leads away from the source (a host in the VPC it leads to, when the
  route targets a VPC attachment);
- a VPC attachment (destination): a host in the attached VPC, inside a network the gateway's route
  tables send to the attachment when one does ("the attached VPC's networks as the transit gateway
  sees them");
- a peering attachment (destination): a network the source side's route table sends to it, else a
  VPC attached to the far gateway;
- a VPC peering connection (destination): a host in the peer VPC's CIDR (the VPC of the two that
  is not the source's);
- a VPC endpoint service (destination): the source VPC's interface endpoint of the service, on to
  the service's load balancer and a target (AWS is silent on where such a path ends; vpclab
  requires the whole PrivateLink leg, the conservative reading);
- a transit gateway (source): traffic arriving at it through its first VPC attachment that is not
  the destination's VPC's (the given SourceIp's VPC's when there is one).

A host address is the first usable address of a subnet that no network interface holds (AWS
reserves the first four of each subnet), so it never borrows an interface's security groups. The
address used is in vpclab's own fields of the analysis (``GET /_vpclab/analyses/<id>``:
``vpclab.addresses``; docs/insights.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import ip_address, ip_network

from ..model.endpoints import VpcEndpoint, VpcEndpointService
from ..model.interfaces import Instance, NetworkInterface
from ..model.peering import VpcPeeringConnection
from ..model.subnet import Subnet
from ..model.transit_gateway import (
    TransitGateway,
    TransitGatewayAttachment,
    TransitGatewayRouteTable,
    association_of,
    attachments_of,
    tgw_routes,
    vpc_attachment,
)
from ..model.world import World


@dataclass(frozen=True, slots=True)
class End:
    """One end of the path for the tracer: its spec (or the reason there is none) and the component
    where AWS's path starts or stops when it is not the traced host itself."""

    spec: str | None
    problem: str | None = None
    component: str | None = None


def vpc_of(world: World, rid: str | None) -> str | None:
    """The VPC an instance, a network interface or an interface endpoint is in (None otherwise)."""
    if rid is None:
        return None
    res = world.get(rid)
    if isinstance(res, Instance):
        eni = next((e for e in world.all(NetworkInterface) if e.instance_id == res.id), None)
        return eni.vpc_id if eni is not None else None
    if isinstance(res, NetworkInterface | VpcEndpoint):
        return res.vpc_id
    return None


def _free_host(world: World, subnet: Subnet) -> str | None:
    if not subnet.cidr_block:
        return None
    net = ip_network(subnet.cidr_block)
    held = {ip for e in world.in_vpc(subnet.vpc_id, NetworkInterface) for ip in e.private_ip_addresses}
    for offset in range(4 if net.num_addresses > 4 else 0, min(net.num_addresses - 1, 4 + len(held) + 1)):
        ip = str(net.network_address + offset)
        if ip not in held:
            return ip
    return None


def host_in_vpc(world: World, vpc_id: str, within: str | None = None) -> str | None:
    """A free host address in the VPC's first subnet (inside ``within`` when given and one is)."""
    subnets = sorted((s for s in world.in_vpc(vpc_id, Subnet) if s.cidr_block), key=lambda s: s.id)
    if within is not None:
        net = ip_network(within)
        inside = [s for s in subnets if ip_network(s.cidr_block or "").subnet_of(net)]  # type: ignore[arg-type]
        subnets = inside or subnets
    for subnet in subnets:
        ip = _free_host(world, subnet)
        if ip is not None:
            return ip
    return None


def _host_in(world: World, cidr: str, away_from: str | None = None) -> str:
    """A host in ``cidr``: in a subnet of a VPC that holds it (not ``away_from``, the source's VPC),
    else the network's first host."""
    net = ip_network(cidr)
    for subnet in sorted(world.all(Subnet), key=lambda s: s.id):
        if subnet.vpc_id == away_from or not subnet.cidr_block:
            continue
        if ip_network(subnet.cidr_block).subnet_of(net):  # type: ignore[arg-type]
            ip = _free_host(world, subnet)
            if ip is not None:
                return ip
    return str(net.network_address + (1 if net.num_addresses > 1 else 0))


def _contains(cidr: str, ip: str | None) -> bool:
    return ip is not None and ip_address(ip) in ip_network(cidr)


def _tables(
    world: World, tgw_id: str, first: TransitGatewayRouteTable | None
) -> list[TransitGatewayRouteTable]:
    others = sorted(
        (t for t in world.all(TransitGatewayRouteTable) if t.transit_gateway_id == tgw_id), key=lambda t: t.id
    )
    return [first, *[t for t in others if first is None or t.id != first.id]] if first else others


def _src_attachment(world: World, tgw_id: str, src_vpc: str | None) -> TransitGatewayAttachment | None:
    return vpc_attachment(world, tgw_id, src_vpc) if src_vpc else None


def transit_gateway_destination(
    world: World, tgw: TransitGateway, src_vpc: str | None, src_ip: str | None
) -> End:
    att = _src_attachment(world, tgw.id, src_vpc)
    if att is None:
        return End(
            None,
            f"vpclab analyses {tgw.id} as a destination without a destination IP address "
            f"only from a VPC attached to it; give a DestinationIp",
        )
    for table in _tables(world, tgw.id, association_of(world, att.id, tgw.id)):
        for route in tgw_routes(world, table):
            cidr = route.destination_cidr_block
            if not cidr or att.id in route.transit_gateway_attachment_ids or _contains(cidr, src_ip):
                continue
            target = world.get(next(iter(route.transit_gateway_attachment_ids), ""), TransitGatewayAttachment)
            ip = host_in_vpc(world, target.resource_id, cidr) if target and target.vpc_id else None
            return End(ip or _host_in(world, cidr, src_vpc), component=tgw.id)
    return End(
        None,
        f"no route of {tgw.id}'s route tables leads away from {att.id}: there is no address "
        f"{tgw.id} carries to analyse; give a DestinationIp",
    )


def attachment_destination(world: World, att: TransitGatewayAttachment, src_vpc: str | None) -> End:
    """A VPC or peering attachment as a destination without an address (VPN and Direct Connect
    gateway attachments are the on-premises networks behind them: :mod:`control.insights`)."""
    src_att = next((a for t in att.transit_gateway_ids if (a := _src_attachment(world, t, src_vpc))), None)
    first = association_of(world, src_att.id, src_att.transit_gateway_id) if src_att is not None else None
    routed = [
        r.destination_cidr_block
        for tgw_id in att.transit_gateway_ids
        for t in _tables(world, tgw_id, first)
        for r in tgw_routes(world, t)
        if r.destination_cidr_block and att.id in r.transit_gateway_attachment_ids
    ]
    if att.resource_type == "vpc":
        ip = None
        for cidr in routed:
            ip = ip or host_in_vpc(world, att.resource_id, cidr)
        ip = ip or host_in_vpc(world, att.resource_id)
        if ip is None:
            return End(
                None,
                f"{att.resource_id} (attached by {att.id}) has no subnet with a free IPv4 "
                f"address to analyse; give a DestinationIp",
            )
        return End(ip, component=att.id)
    if att.resource_type == "peering":
        if routed:
            return End(_host_in(world, routed[0], src_vpc), component=att.id)
        near = src_att.transit_gateway_id if src_att is not None else att.transit_gateway_id
        far = next((t for t in att.transit_gateway_ids if t != near), None)
        for other in attachments_of(world, far or ""):
            ip = host_in_vpc(world, other.resource_id) if other.vpc_id else None
            if ip is not None:
                return End(ip, component=att.id)
    return End(None, f"vpclab traces {att.id} as a destination only with a destination IP address")


def peering_destination(world: World, pcx: VpcPeeringConnection, src_vpc: str | None) -> End:
    peer = pcx.peer_of(src_vpc) if src_vpc in pcx.vpc_ids else pcx.accepter_vpc_id
    ip = host_in_vpc(world, peer or "")
    if ip is None:
        return End(
            None,
            f"{peer} (the peer VPC of {pcx.id}) has no subnet with a free IPv4 address to "
            f"analyse; give a DestinationIp",
        )
    return End(ip, component=pcx.id)


def service_destination(world: World, svc: VpcEndpointService, src_vpc: str | None) -> End:
    if svc.service_type != "Interface":
        return End(
            None,
            f"{svc.id} is a Gateway Load Balancer endpoint service: traffic reaches it through "
            f"route tables; analyse the path to the destination behind it",
        )
    vpce = next(
        (
            e
            for e in sorted(world.all(VpcEndpoint), key=lambda e: e.id)
            if e.vpc_id == src_vpc
            and e.service_name == svc.service_name
            and e.vpc_endpoint_type == "Interface"
            and e.network_interface_ids
        ),
        None,
    )
    if vpce is None:
        return End(
            None,
            f"{src_vpc or 'the source'} has no interface endpoint of {svc.id} "
            f"({svc.service_name}): there is no path to the service to analyse",
        )
    return End(vpce.id)


def transit_gateway_source(world: World, tgw: TransitGateway, dst_vpc: str | None, src_ip: str | None) -> End:
    atts = sorted((a for a in attachments_of(world, tgw.id) if a.vpc_id), key=lambda a: a.id)
    if src_ip is not None:
        held = [
            a
            for a in atts
            if any(
                s.cidr_block and ip_address(src_ip) in ip_network(s.cidr_block)
                for s in world.in_vpc(a.resource_id, Subnet)
            )
        ]
        atts = held or atts
    att = next((a for a in atts if a.vpc_id != dst_vpc), None)
    if att is None:
        return End(
            None,
            f"{tgw.id} has no VPC attachment traffic could arrive through; give a SourceIp "
            f"and analyse from the attachment",
        )
    return End(f"{att.id}:{src_ip}" if src_ip else att.id, component=tgw.id)


def attachment_source(world: World, att: TransitGatewayAttachment, dst_vpc: str | None) -> End:
    """A peering attachment as a source without an address: a host in a VPC attached to the gateway on
    the far side from the destination's VPC (traffic arriving through the peering)."""
    near = next((t for t in att.transit_gateway_ids if dst_vpc and vpc_attachment(world, t, dst_vpc)), None)
    for tgw_id in [t for t in att.transit_gateway_ids if t != near]:
        for other in sorted(attachments_of(world, tgw_id), key=lambda a: a.id):
            ip = host_in_vpc(world, other.resource_id) if other.vpc_id and other.vpc_id != dst_vpc else None
            if ip is not None:
                return End(f"{att.id}:{ip}", component=att.id)
    return End(None, f"vpclab traces {att.id} as a source only with a source IP address")
