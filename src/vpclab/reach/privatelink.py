"""AWS PrivateLink to a user's endpoint service: endpoint interface → Network Load Balancer → target.

AWS docs: AWS PrivateLink guide, "How AWS PrivateLink works" and "Share your services through AWS
PrivateLink" (https://docs.aws.amazon.com/vpc/latest/privatelink/what-is-privatelink.html,
https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html): the
endpoint's interface hands the connection to the service's Network Load Balancer in the provider's
VPC, in the endpoint's Availability Zone; Elastic Load Balancing guide for Network Load Balancers,
"Client IP preservation" (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html):
traffic through PrivateLink reaches the targets from the load balancer's private addresses, never
the client's; "Cross-zone load balancing" is off by default for Network Load Balancers, so a node
sends only to targets in its own zone — unless the load balancer's attribute
``load_balancing.cross_zone.enabled`` is true, or the target group's own attribute of that name
(``true`` / ``false``, default ``use_load_balancer_configuration``) says so ("Cross-zone load
balancing for target groups"). "Update the security groups for your Network Load Balancer"
(https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html):
a load balancer with security groups evaluates their inbound rules for PrivateLink traffic unless
"Enforce inbound rules on PrivateLink traffic" is off; the rules see the client's address (what the
consumer sent to the endpoint). A rule referencing a group matches only a client whose interface is
in that group in the load balancer's VPC or a peered one (vpclab's reading: undocumented).

The decisions past the endpoint's interface that do not depend on the route (the node in the zone,
the load balancer's security groups, the listener, the target chosen) are made by ``nlb_leg``, shared
by the tracer and the interface matrix, so both agree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

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
from ..model.world import World
from .checks import describe_traffic, rule_text, sg_allows
from .forwarding import ForwardingView
from .result import PacketHeader
from .tracer import Arrival, PrivateLinkSession, Tracer

CROSS_ZONE = "load_balancing.cross_zone.enabled"


def cross_zone(lb: LoadBalancer, tg: TargetGroup) -> bool:
    """Whether the node sends to targets in other zones: the target group's attribute when it is
    ``true`` or ``false``, else the load balancer's (default ``false``)."""
    own = tg.attributes.get(CROSS_ZONE, "use_load_balancer_configuration")
    if own in ("true", "false"):
        return own == "true"
    return lb.attributes.get(CROSS_ZONE, "false") == "true"


def enforces_inbound_rules(lb: LoadBalancer) -> bool:
    """Whether PrivateLink traffic meets the load balancer's inbound rules: it has security groups
    and "Enforce inbound rules on PrivateLink traffic" is on (the default)."""
    return bool(lb.security_groups) and lb.enforce_private_link_inbound_rules == "on"


@dataclass(frozen=True)
class NlbLeg:
    """What PrivateLink does past the endpoint's interface for one flow: the load balancer and its
    node in the interface's zone, the listener's target group and the target chosen (or the first
    thing that stops the flow: ``blocked`` names it, with the objects found so far)."""

    service_id: str | None = None
    lb: LoadBalancer | None = None
    node: NetworkInterface | None = None
    tg: TargetGroup | None = None
    target: Target | None = None
    target_ip: str | None = None
    target_zone: str | None = None
    #: "" when the flow gets through, else what stops it: state, service, zone, lb-state, listener,
    #: target-group, target
    blocked: str = ""


def nlb_leg(world: World, view: ForwardingView, vpce: VpcEndpoint, eni: NetworkInterface, protocol: str,
            port: int | None) -> NlbLeg:
    """The route-independent part of PrivateLink from ``eni`` (of ``vpce``) for ``protocol``/``port``;
    the load balancer's security groups are checked apart (``nlb_admits``): they see the client."""
    if not endpoint_carries_traffic(vpce):
        return NlbLeg(blocked="state")
    service = service_behind(world, vpce)
    if service is None:
        return NlbLeg(blocked="service")
    zone = eni.availability_zone
    for arn in service.network_load_balancer_arns:
        lb = load_balancer_by_arn(world, arn)
        node = next((n for n in _nodes(world, lb) if n.availability_zone == zone), None) if lb else None
        if lb is not None and node is not None:
            break
    else:
        return NlbLeg(service.id, blocked="zone")
    found = NlbLeg(service.id, lb, node)
    if lb.state != "active":
        return replace(found, blocked="lb-state")
    listener = next((ls for ls in listeners_of(world, lb.id)
                     if ls.port == port and ls.protocol.upper() in _CARRIES.get(protocol, ())), None)
    if listener is None:
        return replace(found, blocked="listener")
    groups = [g for g in (target_group_by_arn(world, a) for a in listener.target_group_arns) if g is not None]
    if not groups:
        return replace(found, blocked="target-group")
    tg = groups[0]
    placed = [(target, *_address_and_zone(world, view, tg, target)) for target in tg.targets]
    chosen: tuple[Target, str | None, str | None] | None = next(
        ((tr, ip, az) for tr, ip, az in placed if ip is not None and az in (zone, "all")), None)
    if chosen is None and cross_zone(lb, tg):
        chosen = next(((tr, ip, az) for tr, ip, az in placed if ip is not None), None)
    if chosen is None:
        return replace(found, tg=tg, blocked="target")
    target, ip, az = chosen
    return replace(found, tg=tg, target=target, target_ip=ip, target_zone=az)


def nlb_admits(world: World, leg: NlbLeg, packet: PacketHeader,
               client: NetworkInterface | None) -> bool:
    """Whether the load balancer's security groups let the client's ``packet`` in (always, when it
    has none or does not enforce them on PrivateLink traffic)."""
    if leg.lb is None or leg.node is None or not enforces_inbound_rules(leg.lb):
        return True
    return sg_allows(world, leg.node, packet, egress=False, other=client) is not None

#: the listener protocols that carry a flow's protocol (TLS is TCP underneath)
_CARRIES = {"tcp": ("TCP", "TLS", "TCP_UDP"), "udp": ("UDP", "TCP_UDP")}


def endpoint_of_interface(t: Tracer, eni: NetworkInterface) -> VpcEndpoint | None:
    """The interface endpoint that owns ``eni``, when it connects to a user's endpoint service."""
    return user_endpoint(t.world, eni)


def user_endpoint(world: World, eni: NetworkInterface) -> VpcEndpoint | None:
    """The interface endpoint that owns ``eni``, when it connects to a user's endpoint service."""
    if eni.interface_type != "vpc_endpoint":
        return None
    for vpce in world.in_vpc(eni.vpc_id, VpcEndpoint):
        if eni.id in vpce.network_interface_ids:
            return vpce if vpce.service_id else None
    return None


def matrix_onward(world: World, endpoint_eni: NetworkInterface, protocol: str, port: int | None,
                  ) -> tuple[NlbLeg, NetworkInterface | None] | None:
    """For the interface matrix: what a flow delivered to ``endpoint_eni`` meets past it — None when
    the interface is not a user-service endpoint's (nothing more to check), else the leg (``blocked``
    when it stops there) and the target's interface (None for an address no interface holds)."""
    from .forwarding import forwarding_view

    vpce = user_endpoint(world, endpoint_eni)
    if vpce is None:
        return None
    view = forwarding_view(world)
    leg = nlb_leg(world, view, vpce, endpoint_eni, protocol, port)
    if leg.blocked or leg.lb is None or leg.target_ip is None:
        return leg, None
    return leg, view.interface_at(leg.lb.vpc_id, leg.target_ip)


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
    leg = nlb_leg(world, t.view, vpce, eni, packet.protocol, packet.dst_port)
    lb, node = leg.lb, leg.node
    if lb is None or node is None:
        balancers = [
            b for b in (load_balancer_by_arn(world, a) for a in service.network_load_balancer_arns) if b
        ]
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
    _check_nlb_groups(t, leg, packet, at_lb)
    if lb.state != "active":
        t.fail(
            "BAD_STATE",
            f"{t.label(lb.id)} is {lb.state}, not active",
            lb.id,
            f"wait until {lb.id} is active, or recreate it",
        )
    traffic = describe_traffic(packet.protocol, packet.dst_port)
    listeners = listeners_of(world, lb.id)
    if leg.blocked == "listener":
        t.hop("load-balancer", lb.id, f"no listener for {traffic}", at_lb)
        have = ", ".join(f"{ls.protocol} {ls.port}" for ls in listeners) or "none"
        t.fail(
            "ELBV2_LISTENERS_MISMATCH",
            f"{t.label(lb.id)} has no listener that accepts {traffic} (its listeners: {have})",
            lb.id,
            f"add a listener for {packet.protocol.upper()} {packet.dst_port} to {lb.id} that forwards to a "
            f"target group (create-listener), or connect to a port it listens on ({have})",
        )
    listener = next(
        ls for ls in listeners
        if ls.port == packet.dst_port and ls.protocol.upper() in _CARRIES.get(packet.protocol, ())
    )
    if leg.blocked == "target-group":
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
    tg = leg.tg
    assert tg is not None
    t.hop("load-balancer", lb.id, f"listener {listener.protocol} {listener.port} → {tg.id}", at_lb)
    if leg.target is None or leg.target_ip is None:
        t.hop("target-group", tg.id, f"no target in {zone}", at_lb)
        placed = [(target, *_address_and_zone(world, t.view, tg, target)) for target in tg.targets]
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
    target, target_ip = leg.target, leg.target_ip
    crossed = leg.target_zone not in (zone, "all")
    out = PacketHeader(nlb_ip, target_ip, packet.protocol, packet.src_port, target.port)
    where = (f"in {leg.target_zone} (cross-zone load balancing: the node in {zone} sends to other zones)"
             if crossed else f"in {zone}")
    t.hop("target-group", tg.id, f"target {target.id} port {target.port} {where}", out)
    t.privatelink_sessions[nlb_ip] = PrivateLinkSession(vpce.id, lb.id, eni, node, packet)
    t.entered.setdefault(lb.vpc_id, lb.id)
    # the load balancer's outbound rules, when it has security groups, on the way to the target
    t.sg_egress(node, out, t.view.interface_at(lb.vpc_id, target_ip))
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


def _check_nlb_groups(t: Tracer, leg: NlbLeg, packet: PacketHeader, at_lb: PacketHeader) -> None:
    """The load balancer's inbound rules on the client's packet, when it enforces them on
    PrivateLink traffic (a blocking explanation, and the walk goes on to find every cause)."""
    lb, node = leg.lb, leg.node
    if lb is None or node is None or not enforces_inbound_rules(lb):
        return
    client = t.sender_interface(packet.src_ip)
    hit = sg_allows(t.world, node, packet, egress=False, other=client)
    if hit is not None:
        t.hop("security-group", hit[0].id, f"ingress rule allows {rule_text(hit[1])} (PrivateLink traffic)",
              at_lb)
        return
    t.hop("security-group", lb.security_groups[0], "no ingress rule allows this PrivateLink traffic", at_lb)
    t.explain(
        "ENI_SG_RULES_MISMATCH",
        f"no inbound rule of {', '.join(lb.security_groups)} on {t.label(lb.id)} allows "
        f"{describe_traffic(packet.protocol, packet.dst_port)} from {packet.src_ip} "
        f"(inbound rules are enforced on PrivateLink traffic)",
        lb.security_groups[0],
        f"allow {describe_traffic(packet.protocol, packet.dst_port)} from {packet.src_ip} in "
        f"{lb.security_groups[0]}, or stop enforcing inbound rules on PrivateLink traffic "
        f"(set-security-groups --load-balancer-arn {lb.arn} --security-groups {' '.join(lb.security_groups)} "
        f"--enforce-security-group-inbound-rules-on-private-link-traffic off)",
    )


def _nodes(world: World, lb: LoadBalancer) -> list[NetworkInterface]:
    enis = (world.get(i, NetworkInterface) for i in lb.network_interface_ids)
    return [e for e in enis if e is not None]


def _address_and_zone(world: World, view: ForwardingView, tg: TargetGroup,
                      target: Target) -> tuple[str | None, str | None]:
    """A target's address and Availability Zone: an instance's primary interface; an IP target's
    zone as registered, else its subnet's (``all``: outside the VPC, any zone)."""
    if tg.target_type == "instance" or target.id.startswith("i-"):
        inst = world.get(target.id, Instance)
        eni = view.primary_interface(inst) if inst is not None else None
        return (eni.private_ip_address, eni.availability_zone) if eni is not None else (None, None)
    if target.availability_zone:
        return target.id, target.availability_zone
    subnet: Subnet | None = view.subnet_at(tg.vpc_id, target.id)
    return target.id, subnet.availability_zone if subnet is not None else "all"
