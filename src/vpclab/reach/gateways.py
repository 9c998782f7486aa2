"""Route targets inside a VPC's edge: internet gateway, NAT gateway, gateway endpoints, middleboxes.

AWS docs (Amazon VPC User Guide): "Enable internet access for a VPC using an internet gateway",
"NAT gateways", "Gateway endpoints" (AWS PrivateLink guide), "Middlebox routing wizard" / "Route
tables" (routing to a network interface), "Gateway Load Balancer endpoints".
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address

from ..model.gateways import NatGateway
from ..model.interfaces import NetworkInterface
from ..model.route_table import Route
from ..model.subnet import Subnet
from . import fixes
from .forwarding import in_cidr, is_ipv6, is_rfc1918
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
            fixes.source_dest_check_fix(
                eni,
                f"turn off the source/destination check of {eni.id} (modify-network-interface-attribute "
                f"--no-source-dest-check) so it can forward traffic",
            ),
        )
    t.sg_egress(eni, packet, t.far_interface(packet.dst_ip))
    return t.route_from_subnet(box_subnet, packet, origin)


def gwlb_endpoint(
    t: Tracer, vpce_id: str, subnet: Subnet | None, packet: PacketHeader, origin: str
) -> Arrival:
    """A Gateway Load Balancer endpoint: the packet goes (GENEVE-encapsulated) to the Gateway Load
    Balancer of the endpoint's Availability Zone, to a healthy appliance of its target group, and comes
    back out of the same endpoint, to be routed on by the endpoint subnet's route table (AWS
    "Access an inspection system using a Gateway Load Balancer endpoint"; ``reach.gwlb``). The reply
    must pass the same endpoint and appliance (``Tracer.appliance``). The appliance's own inspection
    rules are not analysed (AWS's PATH_THROUGH_GWLB_NOT_CHECKED, informational)."""
    from .gwlb import gwlb_path

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
    t.hop("vpc-endpoint", vpce.id, "Gateway Load Balancer endpoint: to the appliances (GENEVE)", packet)
    path = gwlb_path(t.world, vpce)
    if path.problem is not None:
        if path.load_balancer is not None:
            t.hop("load-balancer", path.load_balancer.id, "Gateway Load Balancer", packet)
        t.fail(*path.problem)
    assert path.load_balancer is not None and path.target_group is not None and path.target is not None
    t.hop(
        "load-balancer",
        path.load_balancer.id,
        f"Gateway Load Balancer in {ep_subnet.availability_zone} → {path.target_group.id}",
        packet,
    )
    appliance = path.interface.id if path.interface is not None else path.target.id
    t.hop(
        "target-group",
        path.target_group.id,
        f"appliance {path.target.id} (GENEVE {path.target.port}) inspects and returns the packet",
        packet,
    )
    first_seen = not t.forward and vpce.id not in t.appliances.get(vpce.vpc_id, ())
    t.appliance(vpce.vpc_id, vpce.id, packet)
    if first_seen:
        # AWS Gateway Load Balancers guide, "Asymmetric flows": a Gateway Load Balancer does not
        # support a flow whose response it processes without having processed the initial packet
        t.explain(
            "VPCLAB_GWLB_ASYMMETRIC_FLOW",
            f"the reply to {packet.dst_ip} passes {t.label(vpce.id)}, which the request did not pass: its "
            "Gateway Load Balancer and appliance never saw the flow's first packet and drop the reply",
            vpce.id,
            "route both directions of the flow through the same Gateway Load Balancer endpoint (in a "
            "transit gateway design: enable appliance mode on the inspection VPC's attachment)",
        )
    if t.forward:
        t.explain(
            "PATH_THROUGH_GWLB_NOT_CHECKED",
            f"the inspection rules of the appliance {t.label(appliance)} behind {t.label(vpce.id)} are "
            "not analysed",
            vpce.id,
            "check the appliance's own rules",
        )
    t.hop("vpc-endpoint", vpce.id, "back from the appliance", packet)
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
    if is_ipv6(packet.dst_ip):
        return _nat64(t, nat, nat_subnet, packet)
    out = packet.with_src(nat.private_ip)
    t.nat_sessions[nat.private_ip] = packet.src_ip
    t.hop("nat-gateway", nat.id, f"source {packet.src_ip} → {nat.private_ip}", out)
    return t.route_from_subnet(nat_subnet, out, "local")


#: the well-known NAT64 prefix (RFC 6052) a NAT gateway translates, and DNS64 synthesises into
NAT64_PREFIX = "64:ff9b::/96"


def _nat64(t: Tracer, nat: NatGateway, nat_subnet: Subnet, packet: PacketHeader) -> Arrival:
    """IPv6 through a NAT gateway: only NAT64, to ``64:ff9b::/96`` — the gateway translates the packet
    to IPv4 (source: its private address; destination: the IPv4 address in the last 32 bits) and
    routes it by its subnet's table (AWS "DNS64 and NAT64"). Any other IPv6 destination is dropped."""
    if not in_cidr(packet.dst_ip, NAT64_PREFIX):
        t.hop("nat-gateway", nat.id, f"does not translate {packet.dst_ip} (not in {NAT64_PREFIX})", packet)
        t.fail(
            "VPCLAB_NAT64_PREFIX_REQUIRED",
            f"{t.label(nat.id)} translates IPv6 only to {NAT64_PREFIX} (NAT64); "
            f"{packet.dst_ip} is outside it",
            nat.id,
            f"route ::/0 to an egress-only internet gateway (or an internet gateway) for IPv6 destinations, "
            f"and keep {NAT64_PREFIX} → {nat.id} for IPv4-only destinations (with DNS64 on the subnet)",
        )
    v4 = str(IPv4Address(int(IPv6Address(packet.dst_ip)) & 0xFFFFFFFF))
    out = PacketHeader(nat.private_ip, v4, packet.protocol, packet.src_port, packet.dst_port)
    t.nat_sessions[nat.private_ip] = packet.src_ip
    t.nat64_sessions[nat.private_ip] = (packet.src_ip, packet.dst_ip)
    t.hop("nat-gateway", nat.id, f"NAT64: {packet.src_ip} → {nat.private_ip}, {packet.dst_ip} → {v4}", out)
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
    nat64 = t.nat64_sessions.get(packet.dst_ip)
    if nat64 is not None:  # translated back to IPv6: from the NAT64 address, to the IPv6 client
        client, synthesised = nat64
        back = PacketHeader(synthesised, client, packet.protocol, packet.src_port, packet.dst_port)
        t.hop(
            "nat-gateway", nat_id, f"NAT64: {packet.src_ip} → {synthesised}, {packet.dst_ip} → {client}", back
        )
        return t.route_from_subnet(subnet, back, "local")
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
    if is_ipv6(packet.src_ip):
        # a VPC's IPv6 addresses are global unicast: no translation, no public address needed
        # (AWS "IPv6 addressing": an internet gateway carries IPv6 both ways)
        detail = f"IPv6 {packet.src_ip} (global, not translated)"
    elif public:
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


def eigw_egress(t: Tracer, eigw_id: str, vpc_id: str, subnet: Subnet | None, packet: PacketHeader) -> Arrival:
    """Out through an egress-only internet gateway: IPv6 only, no translation; it remembers the flow
    so the replies come back in, and nothing else does (AWS "Enable outbound IPv6 traffic using an
    egress-only internet gateway")."""
    if subnet is not None:
        t.acl(subnet, packet, egress=True)
    t.igw_sessions[packet.src_ip] = (eigw_id, packet.src_ip)
    t.entered.setdefault(vpc_id, eigw_id)
    t.hop("egress-only-internet-gateway", eigw_id, f"outbound IPv6 {packet.src_ip} (flow remembered)", packet)
    return leave_to_internet(t, packet)


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
        if igw_id.startswith("eigw-") and vpc_id:
            inside = packet.with_dst(private)
            t.hop(
                "egress-only-internet-gateway", igw_id, f"reply to {private} (a flow started inside)", inside
            )
            return t.enter_vpc(vpc_id, igw_id, inside, "internet")
    elif is_ipv6(packet.dst_ip):
        return _ipv6_from_internet(t, packet)
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
                fixes.elastic_ip_fix(
                    eni,
                    f"associate an Elastic IP with {eni.id} (or put it behind an internet-facing load "
                    f"balancer)",
                ),
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
            fixes.internet_gateway_fix(
                t,
                vpc_id,
                t.destination.interface.subnet_id if t.destination.interface is not None else None,
                "0.0.0.0/0",
                f"attach an internet gateway to {vpc_id} and route 0.0.0.0/0 to it",
            )
            if vpc_id
            else f"attach an internet gateway to {vpc_id} and route 0.0.0.0/0 to it",
        )
    inside = packet.with_dst(private)
    t.entered.setdefault(vpc_id, igw_id)
    shown = (
        f"IPv6 {private} (global, not translated)"
        if private == packet.dst_ip
        else f"destination {packet.dst_ip} → {private}"
    )
    t.hop("internet-gateway", igw_id, shown, inside)
    return t.enter_vpc(vpc_id, igw_id, inside, "internet")


def _ipv6_from_internet(t: Tracer, packet: PacketHeader) -> Arrival:
    """A flow started on the internet to a VPC's IPv6 address: the address is global, so it comes in
    untranslated through the VPC's internet gateway; an egress-only internet gateway never lets it
    in, and neither does a VPC with no internet gateway."""
    eni = t.view.interface_by_public_ip(packet.dst_ip)
    vpc_id = eni.vpc_id if eni is not None else None
    if vpc_id is None:
        holders = {s.vpc_id for s in t.view.subnets_containing(packet.dst_ip)}
        vpc_id = holders.pop() if len(holders) == 1 else None
    if vpc_id is None:
        return t.fail(
            "NO_ROUTE_TO_DESTINATION",
            f"no VPC holds the IPv6 address {packet.dst_ip}",
            packet.dst_ip,
            "address an IPv6 address of a subnet's /64",
        )
    igw = t.internet_gateway_of(vpc_id)
    if igw is None:
        eigw = t.egress_only_gateway_of(vpc_id)
        if eigw is not None:
            t.hop(
                "egress-only-internet-gateway",
                eigw.id,
                f"refuses a flow started outside, to {packet.dst_ip}",
                packet,
            )
            return t.fail(
                "VPCLAB_EGRESS_ONLY_INBOUND",
                f"{t.label(eigw.id)} lets the internet answer flows started inside {t.label(vpc_id)}, "
                f"never start one: {packet.src_ip} → {packet.dst_ip} is refused",
                eigw.id,
                f"an egress-only internet gateway is outbound only; for inbound IPv6 from the internet "
                f"attach an internet gateway to {vpc_id} and route ::/0 to it from {packet.dst_ip}'s "
                f"subnet (a public subnet), or put the service behind an internet-facing dual-stack load "
                f"balancer; keep {eigw.id} for the private subnets",
            )
        return t.fail(
            "NO_ROUTE_TO_DESTINATION",
            f"{t.label(vpc_id)} has no internet gateway, so the internet cannot reach {packet.dst_ip}",
            vpc_id,
            fixes.internet_gateway_fix(
                t,
                vpc_id,
                eni.subnet_id if eni is not None else None,
                "::/0",
                f"attach an internet gateway to {vpc_id} and route ::/0 to it",
            ),
        )
    t.entered.setdefault(vpc_id, igw.id)
    t.hop("internet-gateway", igw.id, f"IPv6 {packet.dst_ip} (global, not translated)", packet)
    return t.enter_vpc(vpc_id, igw.id, packet, "internet")


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
