"""Route targets inside a VPC's edge: internet gateway, NAT gateway, gateway endpoints, middleboxes.

AWS docs (Amazon VPC User Guide): "Enable internet access for a VPC using an internet gateway",
"NAT gateways", "Gateway endpoints" (AWS PrivateLink guide), "Middlebox routing wizard" / "Route
tables" (routing to a network interface), "Gateway Load Balancer endpoints".
"""

from __future__ import annotations

from ..model.gateways import NatGateway
from ..model.interfaces import NetworkInterface
from ..model.route_table import Route
from ..model.subnet import Subnet
from . import fixes
from .forwarding import is_rfc1918
from .result import PacketHeader
from .tracer import Arrival, Tracer


def middlebox(t: Tracer, route: Route, subnet: Subnet | None, packet: PacketHeader, origin: str) -> Arrival:
    """A route to an interface or instance sends the packet to that appliance, which forwards it by
    its own subnet's route table. It must have its source/destination check turned off."""
    eni = t.interface_for_route(route)
    if eni is None:
        return t.fail(
            "UNKNOWN_RESOURCE",
            f"the route target {route.target} does not exist",
            route.target,
            "point the route at an existing appliance interface",
        )
    box_subnet = t.subnet(eni.subnet_id)
    t.cross(subnet, box_subnet, packet)
    t.sg_ingress(eni, packet, None)
    t.hop("network-interface", eni.id, f"appliance in {box_subnet.id} forwards {packet.dst_ip}", packet)
    t.appliance(eni.vpc_id, eni.id, packet)
    # the instance's SourceDestCheck attribute is its primary interface's (the ControlPlane syncs them)
    if eni.source_dest_check:
        t.explain(
            "ENI_SOURCE_DEST_CHECK_RESTRICTION",
            f"{t.label(eni.id)} has its source/destination check on, so it drops traffic for "
            f"{packet.dst_ip} that is not addressed to it",
            eni.id,
            f"turn off the source/destination check of {eni.id} (modify-network-interface-attribute "
            f"--no-source-dest-check) so it can forward traffic",
        )
    t.sg_egress(eni, packet, t.far_interface(packet.dst_ip))
    return t.route_from_subnet(box_subnet, packet, origin)


def gwlb_endpoint(
    t: Tracer, vpce_id: str, subnet: Subnet | None, packet: PacketHeader, origin: str
) -> Arrival:
    """A Gateway Load Balancer endpoint: the appliances behind it are not modelled; the packet comes
    back through the endpoint and is routed by the endpoint subnet's route table."""
    vpce = t.endpoint(vpce_id)
    if vpce is None or not vpce.subnet_ids:
        return t.fail(
            "UNKNOWN_RESOURCE",
            f"Gateway Load Balancer endpoint {vpce_id} does not exist",
            vpce_id,
            "point the route at an existing endpoint",
        )
    ep_subnet = t.subnet(vpce.subnet_ids[0])
    t.cross(subnet, ep_subnet, packet)
    t.hop("vpc-endpoint", vpce.id, "Gateway Load Balancer endpoint (appliances not analysed)", packet)
    t.appliance(vpce.vpc_id, vpce.id, packet)
    t.explain(
        "PATH_THROUGH_GWLB_NOT_CHECKED",
        f"the appliances behind {t.label(vpce.id)} are not analysed",
        vpce.id,
        "check the appliances' own rules",
    )
    return t.route_from_subnet(ep_subnet, packet, origin)


def nat_gateway(t: Tracer, nat_id: str, subnet: Subnet | None, packet: PacketHeader, origin: str) -> Arrival:
    """A NAT gateway rewrites the source to its private address and routes by its subnet's table.
    It serves sources in its VPC and traffic arriving through a transit gateway, not over peering or
    VPN (AWS "NAT gateway basics")."""
    nat = t.nat_gateway(nat_id)
    if nat is None:
        return t.fail(
            "UNKNOWN_RESOURCE", f"NAT gateway {nat_id} does not exist", nat_id, "recreate the NAT gateway"
        )
    if origin in ("peering", "vpn", "internet"):
        how = {"peering": "a VPC peering connection", "vpn": "a VPN connection", "internet": "the internet"}[
            origin
        ]
        t.hop("nat-gateway", nat.id, f"drops traffic that arrived through {how}", packet)
        t.fail(
            "NGW_REQUIRES_SOURCE_IN_VPC",
            f"{t.label(nat.id)} does not translate traffic from {packet.src_ip}, which arrived through {how}",
            nat.id,
            f"give the source's VPC its own NAT gateway, or route it through a transit gateway "
            f"(centralized egress) instead of {how}",
        )
    nat_subnet = t.subnet(nat.subnet_id)
    t.cross(subnet, nat_subnet, packet)
    out = packet.with_src(nat.private_ip)
    t.nat_sessions[nat.private_ip] = packet.src_ip
    t.hop("nat-gateway", nat.id, f"source {packet.src_ip} → {nat.private_ip}", out)
    return t.route_from_subnet(nat_subnet, out, "local")


def nat_reply(t: Tracer, eni: NetworkInterface, subnet: Subnet, packet: PacketHeader) -> Arrival:
    """A reply reaching a NAT gateway's interface: the gateway restores the original address."""
    original = t.nat_sessions[packet.dst_ip]
    nat_id = next(
        (
            n.id
            for n in t.world.in_vpc(eni.vpc_id, NatGateway)
            if n.network_interface_id == eni.id or n.private_ip == eni.private_ip_address
        ),
        eni.id,
    )
    back = packet.with_dst(original)
    t.hop("nat-gateway", nat_id, f"destination {packet.dst_ip} → {original}", back)
    return t.route_from_subnet(subnet, back, "local")


def igw_egress(t: Tracer, igw_id: str, vpc_id: str, subnet: Subnet | None, packet: PacketHeader) -> Arrival:
    """Out through an internet gateway: it maps the private source to its public address (the
    interface needs a public or Elastic IP) and never forwards to a private address."""
    if subnet is not None:
        t.acl(subnet, packet, egress=True)
    eni = t.view.interface_at(vpc_id, packet.src_ip)
    public = eni.public_ip if eni is not None else None
    out = packet
    if public:
        out = packet.with_src(public)
        detail = f"source {packet.src_ip} → {public}"
    else:
        detail = f"no public address for {packet.src_ip}"
        if t.forward:  # a reply to an internet client was already checked on the way in
            who = eni.id if eni is not None else packet.src_ip
            t.explain(
                "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
                f"{who} has no public IPv4 address, so {t.label(igw_id)} cannot carry its traffic "
                f"to the internet",
                eni.id if eni is not None else igw_id,
                f"associate an Elastic IP with {who} (or enable auto-assigned public IPs), or route "
                f"0.0.0.0/0 from {subnet.id if subnet else vpc_id} to a NAT gateway in a public subnet",
            )
    t.igw_sessions[out.src_ip] = (igw_id, packet.src_ip)
    t.entered.setdefault(vpc_id, igw_id)
    t.hop("internet-gateway", igw_id, detail, out)
    if is_rfc1918(out.dst_ip):
        t.fail(
            "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS",
            f"{t.label(igw_id)} does not forward to the private address {out.dst_ip}",
            igw_id,
            fixes.private_via_igw_fix(t, vpc_id, igw_id, out),
        )
    return leave_to_internet(t, out)


def leave_to_internet(t: Tracer, packet: PacketHeader) -> Arrival:
    """On the internet: an address that belongs to a public interface (or to a NAT session's reply)
    comes in again through that VPC's internet gateway; any other address is the internet."""
    target = t.view.interface_by_public_ip(packet.dst_ip)
    if target is not None or packet.dst_ip in t.igw_sessions:
        return from_internet(t, packet)
    dst = t.destination if t.forward else t.source
    if dst.kind == "aws-service" and t.forward:
        t.hop("aws-service", dst.component or "", f"reached over the internet at {packet.dst_ip}", packet)
        return Arrival("aws-service", packet.dst_ip, via=("internet",))
    return Arrival("internet", packet.dst_ip, via=("internet",))


def from_internet(t: Tracer, packet: PacketHeader) -> Arrival:
    """From the internet into a VPC, through the internet gateway of the interface that owns the
    public destination address (AWS maps it back to the private address)."""
    session = t.igw_sessions.get(packet.dst_ip)
    if session is not None and not t.forward:
        igw_id, private = session
        igw = t.world.get(igw_id)
        vpc_id = getattr(igw, "vpc_id", None)
    else:
        eni = t.view.interface_by_public_ip(packet.dst_ip)
        if eni is None:
            dst = t.destination
            if dst.interface is None or dst.vpc_id is None:
                return t.fail(
                    "NO_ROUTE_TO_DESTINATION",
                    f"no interface has the public address {packet.dst_ip}",
                    packet.dst_ip,
                    "address a public IP or Elastic IP that is associated with an interface",
                )
            eni, private, vpc_id = dst.interface, packet.dst_ip, dst.vpc_id
            t.explain(
                "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
                f"{t.label(eni.id)} has no public IPv4 address, so the internet cannot reach {private}",
                eni.id,
                f"associate an Elastic IP with {eni.id} (or put it behind an internet-facing load balancer)",
            )
        else:
            private, vpc_id = eni.private_ip_address, eni.vpc_id
        igw = t.internet_gateway_of(vpc_id) if vpc_id else None
        igw_id = igw.id if igw is not None else ""
    if igw is None or not vpc_id:
        return t.fail(
            "NO_ROUTE_TO_DESTINATION",
            f"{t.label(vpc_id or '')} has no internet gateway, so the internet cannot reach {packet.dst_ip}",
            vpc_id or packet.dst_ip,
            f"attach an internet gateway to {vpc_id} and route 0.0.0.0/0 to it",
        )
    inside = packet.with_dst(private)
    t.entered.setdefault(vpc_id, igw_id)
    t.hop("internet-gateway", igw_id, f"destination {packet.dst_ip} → {private}", inside)
    return t.enter_vpc(vpc_id, igw_id, inside, "internet")


def gateway_endpoint(
    t: Tracer, vpce_id: str, vpc_id: str, subnet: Subnet | None, packet: PacketHeader, origin: str
) -> Arrival:
    """A gateway endpoint route (the service's prefix list) reaches S3 or DynamoDB, for traffic from
    inside the VPC only (AWS "Gateway endpoints": not over peering, transit gateway or VPN)."""
    vpce = t.endpoint(vpce_id)
    if vpce is None:
        return t.fail(
            "UNKNOWN_RESOURCE",
            f"gateway endpoint {vpce_id} does not exist",
            vpce_id,
            "recreate the gateway endpoint",
        )
    if subnet is not None:
        t.acl(subnet, packet, egress=True)
    t.hop("vpc-endpoint", vpce.id, f"gateway endpoint for {vpce.service_name}", packet)
    if origin != "local":
        t.fail(
            "VPCE_GATEWAY_EGRESS_SOURCE_ADDRESS_RESTRICTION",
            f"{t.label(vpce.id)} carries only traffic from inside {vpc_id}; {packet.src_ip} arrived from "
            f"outside it",
            vpce.id,
            f"create a gateway endpoint for {vpce.service_name} in the source's own VPC, or use an interface "
            f"endpoint, which is reachable over peering, transit gateways and VPN",
        )
    if vpce.vpc_endpoint_type == "Gateway" and packet.protocol not in ("tcp", "-1"):
        t.fail(
            "VPCE_GATEWAY_PROTOCOL_RESTRICTION",
            f"{t.label(vpce.id)} carries TCP only, not {packet.protocol}",
            vpce.id,
            f"use TCP to reach {vpce.service_name}",
        )
    t.entered.setdefault(vpc_id, vpce.id)
    t.hop("aws-service", vpce.service_name, f"reached through {vpce.id}", packet)
    return Arrival("aws-service", packet.dst_ip, vpc_id, via=("vpce", vpce.id, vpc_id))
