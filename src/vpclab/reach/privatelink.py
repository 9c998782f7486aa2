"""AWS PrivateLink to a user's endpoint service: endpoint interface → Network Load Balancer → target.

AWS docs: AWS PrivateLink guide, "How AWS PrivateLink works" and "Share your services through AWS
PrivateLink" (https://docs.aws.amazon.com/vpc/latest/privatelink/what-is-privatelink.html,
https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html): the
endpoint's interface hands the connection to the service's Network Load Balancer in the provider's
VPC, in the endpoint's Availability Zone; Elastic Load Balancing guide for Network Load Balancers,
"Client IP preservation" (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html):
traffic through PrivateLink reaches the targets from the load balancer's private addresses, never
the client's; "Cross-zone load balancing" is off by default for Network Load Balancers, so a node
sends only to targets in its own zone.
"""

from __future__ import annotations

from dataclasses import replace

from ..model.endpoints import VpcEndpoint, endpoint_carries_traffic, service_behind
from ..model.interfaces import Instance, NetworkInterface
from ..model.load_balancer import (
    LoadBalancer,
    Target,
    TargetGroup,
    listeners_of,
    load_balancer_by_arn,
    target_group_by_arn,
)
from ..model.subnet import Subnet
from .checks import describe_traffic
from .result import PacketHeader
from .tracer import Arrival, PrivateLinkSession, Tracer

#: the listener protocols that carry a flow's protocol (TLS is TCP underneath)
_CARRIES = {"tcp": ("TCP", "TLS", "TCP_UDP"), "udp": ("UDP", "TCP_UDP")}


def endpoint_of_interface(t: Tracer, eni: NetworkInterface) -> VpcEndpoint | None:
    """The interface endpoint that owns ``eni``, when it connects to a user's endpoint service."""
    if eni.interface_type != "vpc_endpoint":
        return None
    for vpce in t.world.in_vpc(eni.vpc_id, VpcEndpoint):
        if eni.id in vpce.network_interface_ids:
            return vpce if vpce.service_id else None
    return None


def forward(t: Tracer, vpce: VpcEndpoint, eni: NetworkInterface, packet: PacketHeader) -> Arrival:
    """The request at the endpoint's interface goes on through PrivateLink to the service's load
    balancer node in the same zone, one of its listener's targets in that zone, and the target."""
    world = t.world
    if not endpoint_carries_traffic(vpce):
        t.hop("vpc-endpoint", vpce.id, f"endpoint connection is {vpce.state}", packet)
        service = service_behind(world, vpce)
        owner = service.owner_id if service is not None else "the service owner"
        fix = (
            f"the service owner ({owner}) accepts the connection: accept-vpc-endpoint-connections "
            f"--service-id {vpce.service_id} --vpc-endpoint-ids {vpce.id}"
            if vpce.state == "pendingAcceptance"
            else f"delete {vpce.id} and create it again, and have the service owner ({owner}) accept it"
        )
        t.fail(
            "BAD_STATE",
            f"{t.label(vpce.id)} is {vpce.state}, not available: PrivateLink carries no traffic to "
            f"{vpce.service_id} until the service owner accepts the connection",
            vpce.id,
            fix,
        )
    service = service_behind(world, vpce)
    if service is None:
        t.fail(
            "UNKNOWN_RESOURCE",
            f"the endpoint service {vpce.service_id} of {t.label(vpce.id)} does not exist",
            vpce.id,
            "create the endpoint again to an existing endpoint service",
        )
    zone = eni.availability_zone
    balancers = [
        lb for lb in (load_balancer_by_arn(world, a) for a in service.network_load_balancer_arns) if lb
    ]
    node: NetworkInterface | None = None
    lb: LoadBalancer | None = None
    for candidate in balancers:
        node = next((n for n in _nodes(t, candidate) if n.availability_zone == zone), None)
        if node is not None:
            lb = candidate
            break
    if lb is None or node is None:
        t.hop(
            "vpc-endpoint", vpce.id, f"PrivateLink to {service.id}: no load balancer node in {zone}", packet
        )
        names = ", ".join(t.label(b.id) for b in balancers) or "no load balancer"
        t.fail(
            "VPCE_SERVICE_NOT_INSTALLED_IN_AZ",
            f"{t.label(service.id)} has no load balancer node in {zone}, "
            f"where {t.label(eni.id)} is ({names})",
            service.id,
            f"enable {zone} on the service's Network Load Balancer (add a subnet in {zone}: set-subnets)",
        )
    nlb_ip = node.private_ip_address
    at_lb = PacketHeader(nlb_ip, nlb_ip, packet.protocol, packet.src_port, packet.dst_port)
    t.hop(
        "vpc-endpoint",
        vpce.id,
        f"PrivateLink to {service.id}: source {packet.src_ip} → {nlb_ip} (the node of {lb.id} in {zone}; "
        f"the client's address is not preserved)",
        at_lb,
    )
    if lb.state != "active":
        t.fail(
            "BAD_STATE",
            f"{t.label(lb.id)} is {lb.state}, not active",
            lb.id,
            f"wait until {lb.id} is active, or recreate it",
        )
    traffic = describe_traffic(packet.protocol, packet.dst_port)
    listeners = listeners_of(world, lb.id)
    listener = next(
        (
            ls
            for ls in listeners
            if ls.port == packet.dst_port and ls.protocol.upper() in _CARRIES.get(packet.protocol, ())
        ),
        None,
    )
    if listener is None:
        t.hop("load-balancer", lb.id, f"no listener for {traffic}", at_lb)
        have = ", ".join(f"{ls.protocol} {ls.port}" for ls in listeners) or "none"
        t.fail(
            "ELBV2_LISTENERS_MISMATCH",
            f"{t.label(lb.id)} has no listener that accepts {traffic} (its listeners: {have})",
            lb.id,
            f"add a listener for {packet.protocol.upper()} {packet.dst_port} to {lb.id} that forwards to a "
            f"target group (create-listener), or connect to a port it listens on ({have})",
        )
    groups = [g for g in (target_group_by_arn(world, a) for a in listener.target_group_arns) if g is not None]
    if not groups:
        t.hop(
            "load-balancer", lb.id, f"listener {listener.protocol} {listener.port} has no target group", at_lb
        )
        t.fail(
            "ELBV2_LISTENER_HAS_NO_TG",
            f"the listener {listener.protocol} {listener.port} of {t.label(lb.id)} "
            f"forwards to no target group",
            lb.id,
            f"make the listener {listener.protocol} {listener.port} of {lb.id} forward to a target group "
            f"with registered targets (modify-listener --default-actions Type=forward,TargetGroupArn=…)",
        )
    tg = groups[0]
    t.hop("load-balancer", lb.id, f"listener {listener.protocol} {listener.port} → {tg.id}", at_lb)
    placed = [(target, *_address_and_zone(t, tg, target)) for target in tg.targets]
    chosen = next(((tr, ip) for tr, ip, az in placed if ip is not None and az in (zone, "all")), None)
    if chosen is None:
        t.hop("target-group", tg.id, f"no target in {zone}", at_lb)
        if not placed:
            t.fail(
                "ELBV2_NO_TARGETS_IN_AZ",
                f"{t.label(tg.id)} has no registered targets",
                tg.id,
                f"register targets in {zone} with {tg.id} (register-targets)",
            )
        zones = ", ".join(sorted({az or "an unknown zone" for _, _, az in placed}))
        t.fail(
            "ELB_NOT_CROSSZONE",
            f"the node of {t.label(lb.id)} in {zone} sends only to targets in {zone} (cross-zone load "
            f"balancing is off by default for Network Load Balancers); the targets of {t.label(tg.id)} are "
            f"in {zones}",
            lb.id,
            f"register a target in {zone} with {tg.id}, or turn on cross-zone load balancing "
            f"(modify-load-balancer-attributes --attributes "
            f"Key=load_balancing.cross_zone.enabled,Value=true)",
        )
    target, target_ip = chosen
    assert target_ip is not None
    out = PacketHeader(nlb_ip, target_ip, packet.protocol, packet.src_port, target.port)
    t.hop("target-group", tg.id, f"target {target.id} port {target.port} in {zone}", out)
    t.privatelink_sessions[nlb_ip] = PrivateLinkSession(vpce.id, lb.id, eni, node, packet)
    t.entered.setdefault(lb.vpc_id, lb.id)
    arrival = t.route_from_subnet(t.subnet(node.subnet_id), out, "local")
    return replace(arrival, via=("privatelink", vpce.id))


def reply(t: Tracer, node: NetworkInterface, packet: PacketHeader) -> Arrival:
    """A target's reply reaching the load balancer node: PrivateLink carries it back to the endpoint's
    interface, which answers the client from the endpoint's address."""
    session = t.privatelink_sessions[packet.dst_ip]
    back = session.request.reversed()
    t.hop("load-balancer", session.load_balancer_id, f"reply on the connection from {packet.src_ip}", packet)
    t.hop(
        "vpc-endpoint",
        session.endpoint_id,
        f"PrivateLink reply: source {packet.src_ip} → {back.src_ip}, "
        f"destination {packet.dst_ip} → {back.dst_ip}",
        back,
    )
    subnet = t.subnet(session.interface.subnet_id)
    return t.send_from_interface(session.interface, subnet, back)


def _nodes(t: Tracer, lb: LoadBalancer) -> list[NetworkInterface]:
    enis = (t.world.get(i, NetworkInterface) for i in lb.network_interface_ids)
    return [e for e in enis if e is not None]


def _address_and_zone(t: Tracer, tg: TargetGroup, target: Target) -> tuple[str | None, str | None]:
    """A target's address and Availability Zone: an instance's primary interface; an IP target's
    zone as registered, else its subnet's (``all``: outside the VPC, any zone)."""
    if tg.target_type == "instance" or target.id.startswith("i-"):
        inst = t.world.get(target.id, Instance)
        eni = t.view.primary_interface(inst) if inst is not None else None
        return (eni.private_ip_address, eni.availability_zone) if eni is not None else (None, None)
    if target.availability_zone:
        return target.id, target.availability_zone
    subnet: Subnet | None = t.view.subnet_at(tg.vpc_id, target.id)
    return target.id, subnet.availability_zone if subnet is not None else "all"
