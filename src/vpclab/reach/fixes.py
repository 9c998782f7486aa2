"""Suggested fixes: one specific change per explanation, in plain words and as AWS API calls.

Each names the component to change, the addresses and ports involved and the exact change. The
famous mistakes get their own wording: non-transitive peering, edge-to-edge routing through a
peer's gateway, a missing return route, a missing ephemeral-port network ACL rule.

Each answers a :class:`Fix`: the sentence, and where AWS API calls make the change the calls
themselves (reach/fix_steps.py: the first option the sentence names, e.g. propagation rather than
a static route); a fix that needs a choice only a person can make (which target, which CIDR) has
no calls and says why in ``reason``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model.interfaces import NetworkInterface
from ..model.load_balancer import LoadBalancer
from ..model.network_acl import NetworkAcl
from ..model.peering import VpcPeeringConnection, active_peerings_of
from ..model.route_table import ForwardingEntry, Route, RouteTable
from ..model.security_group import SecurityGroup
from ..model.subnet import Subnet
from ..model.transit_gateway import (
    TransitGatewayAttachment,
    TransitGatewayRoute,
    TransitGatewayRouteTable,
    vpc_attachment,
)
from ..model.vpc import Vpc
from ..model.vpn import VpnConnection
from . import fix_steps as calls
from .checks import describe_traffic
from .forwarding import is_rfc1918
from .result import Fix, FixStep, PacketHeader, StepResult

if TYPE_CHECKING:
    from .tracer import Tracer

#: the ephemeral range AWS's network ACL guidance uses for return traffic
EPHEMERAL = "1024-65535"
#: the highest number a network ACL entry may have (32767 is the final ``*`` deny)
LAST_RULE = 32766
#: why a fix has no AWS calls, by the choice it leaves to a person
CHOICE_TARGET = "which target the route should use is a choice only you can make"
CHOICE_CONNECTION = "which connection should carry the traffic (peering, transit gateway, VPN) is your choice"
CHOICE_ROUTE = "which of the routes to change is a choice only you can make"


def network_of(t: Tracer, ip: str) -> str:
    """The narrowest well-known block around ``ip``: its subnet's CIDR (of ``ip``'s family), else
    ``ip/32`` (``ip/128``)."""
    subnets = t.view.subnets_containing(ip)
    v6 = ":" in ip
    if len(subnets) == 1:
        block = subnets[0].ipv6_cidr_block if v6 else subnets[0].cidr_block
        if block:
            return block
    return f"{ip}/128" if v6 else f"{ip}/32"


def vpc_of(t: Tracer, ip: str) -> Vpc | None:
    vpcs = {s.vpc_id for s in t.view.subnets_containing(ip)}
    return t.world.get(vpcs.pop(), Vpc) if len(vpcs) == 1 else None


def _is_return(t: Tracer) -> bool:
    return not t.forward


def acl_fix(t: Tracer, acl_id: str, subnet: Subnet, packet: PacketHeader, *, egress: bool, rule: int) -> Fix:
    way = "outbound" if egress else "inbound"
    peer = network_of(t, packet.dst_ip if egress else packet.src_ip)
    preposition = "to" if egress else "from"
    below = f" numbered below {rule}" if rule < 32767 else ""
    reply = _is_return(t) and packet.protocol in ("tcp", "udp")
    if reply:
        sentence = (
            f"network ACLs are stateless: add an {way} rule to {acl_id}{below} allowing {packet.protocol} "
            f"{EPHEMERAL} {preposition} {peer}, for the replies to the ephemeral port {packet.dst_port} "
            f"({subnet.id})"
        )
    else:
        sentence = (
            f"add an {way} rule to {acl_id}{below} allowing "
            f"{describe_traffic(packet.protocol, packet.dst_port)} {preposition} {peer} ({subnet.id})"
        )
    acl = t.world.get(acl_id, NetworkAcl)
    if acl is None:
        return Fix(sentence, reason=f"{acl_id} is not in the network")
    taken = {e.rule_number for e in acl.entries if e.egress == egress}
    number = next((n for n in range(min(rule, LAST_RULE + 1) - 1, 0, -1) if n not in taken), None)
    if number is None:
        return Fix(sentence, reason=f"{acl_id} has no free rule number below {rule}")
    if reply:
        ports: tuple[int, int] | None = (1024, 65535)
    elif packet.dst_port is not None:
        ports = (packet.dst_port, packet.dst_port)
    else:
        ports = (0, 65535)
    entry = calls.acl_entry(
        acl, rule_number=number, protocol=packet.protocol, egress=egress, cidr=peer, ports=ports
    )
    return Fix(sentence, (entry,))


def sg_fix(
    t: Tracer, eni: NetworkInterface, packet: PacketHeader, *, egress: bool, other: NetworkInterface | None
) -> Fix:
    traffic = describe_traffic(packet.protocol, packet.dst_port)
    peer = network_of(t, packet.dst_ip if egress else packet.src_ip)
    group = eni.groups[0]
    alt = ""
    if other is not None and other.groups and (other.vpc_id == eni.vpc_id or other.region == eni.region):
        alt = f" (or {other.groups[0]})"
    if not egress and other is not None and other.interface_type == "network_load_balancer":
        lb = next(
            (b for b in t.world.in_vpc(other.vpc_id, LoadBalancer) if other.id in b.network_interface_ids),
            None,
        )
        if lb is not None:
            cidrs = [
                b
                for s in (t.world.get(i, Subnet) for i in lb.subnet_ids)
                if s is not None
                for b in (s.cidr_block or s.ipv6_cidr_block,)
                if b
            ]
            return _authorize(
                t,
                group,
                packet,
                cidrs,
                egress=False,
                sentence=(
                    f"PrivateLink does not preserve the client's address: the targets see {lb.id}'s "
                    f"private addresses; allow {traffic} from {', '.join(cidrs)} (the subnets of "
                    f"{lb.id}) inbound in {group}"
                ),
            )
    if egress:
        return _authorize(
            t,
            group,
            packet,
            [peer],
            egress=True,
            sentence=f"allow {traffic} to {peer}{alt} outbound in {group}",
        )
    return _authorize(
        t,
        group,
        packet,
        [peer],
        egress=False,
        sentence=f"allow {traffic} from {peer}{alt} inbound in {group}",
    )


def _authorize(
    t: Tracer, group_id: str, packet: PacketHeader, cidrs: list[str], *, egress: bool, sentence: str
) -> Fix:
    """AuthorizeSecurityGroupIngress (Egress) on the group for the flow, from (to) ``cidrs``."""
    sg = t.world.get(group_id, SecurityGroup)
    if sg is None or not cidrs:
        return Fix(sentence, reason=f"{group_id} is not in the network")
    action = "AuthorizeSecurityGroupEgress" if egress else "AuthorizeSecurityGroupIngress"
    perm = calls.ip_permission(packet.protocol, packet.dst_port, cidrs)
    return Fix(sentence, (calls.step(sg, action, GroupId=sg.id, IpPermissions=[perm]),))


def loop_fix(t: Tracer, rtb: RouteTable, packet: PacketHeader) -> Fix:
    return Fix(
        f"the routes for {packet.dst_ip} send it back to {rtb.id}: change one of them so that it leads to "
        f"the destination",
        reason=CHOICE_ROUTE,
    )


def no_route_fix(t: Tracer, rtb: RouteTable, packet: PacketHeader) -> Fix:
    """Name the connection the route should use: the one the forward path came in through (a missing
    return route), an active peering or a shared transit gateway, or an internet path."""
    vpc_id = rtb.vpc_id
    dst_vpc = vpc_of(t, packet.dst_ip)
    v6 = ":" in packet.dst_ip
    if dst_vpc is not None and v6 and dst_vpc.ipv6_cidr_blocks:
        dst_net = dst_vpc.ipv6_cidr_blocks[0]
    else:
        dst_net = dst_vpc.cidr_block if dst_vpc is not None else network_of(t, packet.dst_ip)
    if _is_return(t) and vpc_id in t.entered:
        via = t.entered[vpc_id]
        return _route(
            t,
            rtb,
            dst_net,
            via,
            f"missing return route: add a route for {dst_net} to {via} in {rtb.id}, so replies go back the "
            f"way the request came",
        )
    if dst_vpc is not None:
        for pcx in active_peerings_of(t.world, vpc_id):
            if pcx.peer_of(vpc_id) == dst_vpc.id:
                return _route(t, rtb, dst_net, pcx.id, f"add a route for {dst_net} to {pcx.id} in {rtb.id}")
        for att in t.world.in_vpc(vpc_id, TransitGatewayAttachment):
            if att.live and vpc_attachment(t.world, att.transit_gateway_id, dst_vpc.id) is not None:
                return _route(
                    t,
                    rtb,
                    dst_net,
                    att.transit_gateway_id,
                    f"add a route for {dst_net} to {att.transit_gateway_id} in {rtb.id}",
                )
        for pcx in active_peerings_of(t.world, vpc_id):
            middle = pcx.peer_of(vpc_id)
            if any(p.peer_of(middle) == dst_vpc.id for p in active_peerings_of(t.world, middle)):
                return _peer(
                    t,
                    rtb,
                    dst_vpc,
                    packet,
                    f"peering is not transitive: {vpc_id} is peered with {middle}, which is peered with "
                    f"{dst_vpc.id}, but traffic cannot pass through {middle}; peer {vpc_id} with "
                    f"{dst_vpc.id} "
                    f"and add routes for {dst_net} on both sides, or attach both to a transit gateway",
                )
        return _peer(
            t,
            rtb,
            dst_vpc,
            packet,
            f"{vpc_id} and {dst_vpc.id} are not connected: peer them (and add a route for {dst_net} to the "
            f"peering connection in {rtb.id}) or attach both to a transit gateway",
        )
    vpc = t.world.get(vpc_id, Vpc)
    if v6:  # every IPv6 address outside the VPCs is on the internet
        igw = t.internet_gateway_of(vpc_id)
        eigw = t.egress_only_gateway_of(vpc_id)
        if igw is not None or eigw is not None:
            gateways = " or ".join(g.id for g in (igw, eigw) if g is not None)
            return _route(
                t,
                rtb,
                "::/0",
                (igw or eigw).id,  # type: ignore[union-attr]
                f"add a route for ::/0 to {gateways} in {rtb.id} (an internet gateway carries both ways, an "
                f"egress-only internet gateway outbound-initiated traffic only)",
            )
        sentence = (
            f"create an egress-only internet gateway for {vpc_id} (outbound only) or attach an internet "
            f"gateway, and add a route for ::/0 to it in {rtb.id}"
        )
        if vpc is None:
            return Fix(sentence, reason=f"{vpc_id} is not in the network")
        eigw_id = StepResult(0, "EgressOnlyInternetGateway.EgressOnlyInternetGatewayId")
        create = calls.step(vpc, "CreateEgressOnlyInternetGateway", VpcId=vpc_id)
        return _steps(sentence, create, calls.create_route(rtb, "::/0", eigw_id, "eigw"))
    if _looks_public(packet.dst_ip):
        igw = t.internet_gateway_of(vpc_id)
        if igw is not None:
            return _route(
                t,
                rtb,
                "0.0.0.0/0",
                igw.id,
                f"add a route for 0.0.0.0/0 to {igw.id} in {rtb.id} (public subnet), or to a NAT gateway "
                f"(private subnet)",
            )
        sentence = f"attach an internet gateway to {vpc_id} and add a route for 0.0.0.0/0 to it in {rtb.id}"
        if vpc is None:
            return Fix(sentence, reason=f"{vpc_id} is not in the network")
        igw_id = StepResult(0, "InternetGateway.InternetGatewayId")
        return _steps(
            sentence,
            calls.step(vpc, "CreateInternetGateway"),
            calls.step(vpc, "AttachInternetGateway", InternetGatewayId=igw_id, VpcId=vpc_id),
            calls.create_route(rtb, "0.0.0.0/0", igw_id, "igw"),
        )
    return Fix(
        f"add a route for {dst_net} in {rtb.id} to a connection that reaches it (VPN, transit "
        f"gateway, peering)",
        reason=CHOICE_CONNECTION,
    )


def _steps(sentence: str, *steps: FixStep | None) -> Fix:
    if any(s is None for s in steps):
        return Fix(sentence, reason=CHOICE_TARGET)
    return Fix(sentence, tuple(s for s in steps if s is not None))


def _route(t: Tracer, rtb: RouteTable, cidr: str, target: str, sentence: str) -> Fix:
    """CreateRoute in ``rtb`` for ``cidr`` to ``target``."""
    return _steps(sentence, calls.create_route(rtb, cidr, target))


def _peer(t: Tracer, rtb: RouteTable, dst_vpc: Vpc, packet: PacketHeader, sentence: str) -> Fix:
    """Peer ``rtb``'s VPC with ``dst_vpc`` and route each way: ``dst_vpc``'s CIDR in ``rtb``, the
    source VPC's CIDR in the route table of the destination's subnet (the reply's first lookup)."""
    src_vpc = t.world.get(rtb.vpc_id, Vpc)
    if src_vpc is None:
        return Fix(sentence, reason=f"{rtb.vpc_id} is not in the network")
    v6 = ":" in packet.dst_ip
    there = next((b for b in dst_vpc.ipv6_cidr_blocks[:1]), None) if v6 else dst_vpc.cidr_block
    back = next((b for b in src_vpc.ipv6_cidr_blocks[:1]), None) if v6 else src_vpc.cidr_block
    subnets = t.view.subnets_containing(packet.dst_ip)
    far = t.view.route_table_of_subnet(subnets[0].id) if len(subnets) == 1 else None
    if there is None or back is None or far is None:
        return Fix(sentence, reason="the destination's side has no route table or CIDR to route back by")
    return Fix(sentence, calls.peer_vpcs(src_vpc, dst_vpc, [(rtb, there), (far, back)]))


def _looks_public(ip: str) -> bool:
    return not is_rfc1918(ip)


def blackhole_reason(t: Tracer, rtb: RouteTable, route: Route) -> str:
    target = route.target
    res = t.world.get(target)
    if res is None:
        return f"{target} no longer exists"
    if isinstance(res, VpcPeeringConnection):
        return f"{target} is {res.status_code}, not active"
    state = getattr(res, "state", None)
    if state is not None and state not in ("available", "running", "active"):
        return f"{target} is {state}"
    return f"{target} cannot carry traffic from {rtb.vpc_id}"


def blackhole_fix(t: Tracer, rtb: RouteTable, entry: ForwardingEntry) -> Fix:
    target = entry.route.target
    res = t.world.get(target)
    if isinstance(res, VpcPeeringConnection) and res.status_code == "pending-acceptance":
        return accept_fix(
            res, f"accept {target} in account {res.accepter_owner_id} (accept-vpc-peering-connection)"
        )
    return Fix(
        f"replace the route {entry.network} in {rtb.id} with one to a working target (replace-route)",
        reason=CHOICE_TARGET,
    )


def accept_fix(pcx: VpcPeeringConnection, sentence: str) -> Fix:
    """AcceptVpcPeeringConnection, by the accepter's account in the accepter's Region."""
    accept = FixStep(
        "AcceptVpcPeeringConnection",
        {"VpcPeeringConnectionId": pcx.id},
        pcx.accepter_owner_id,
        pcx.accepter_region,
    )
    return Fix(sentence, (accept,))


def peering_fix(t: Tracer, pcx: VpcPeeringConnection, vpc_id: str, peer: str, packet: PacketHeader) -> Fix:
    dst_vpc = vpc_of(t, packet.dst_ip)
    rtb = t.last_route_table
    if dst_vpc is not None:
        via = next((p for p in active_peerings_of(t.world, peer) if p.peer_of(peer) == dst_vpc.id), None)
        if via is not None:
            sentence = (
                f"peering is not transitive: {vpc_id} cannot reach {dst_vpc.id} through {peer} ({via.id}); "
                f"peer {vpc_id} with {dst_vpc.id} and add routes on both sides, or attach both to a transit "
                f"gateway"
            )
        else:
            sentence = (
                f"{packet.dst_ip} is in {dst_vpc.id}, not {peer}: connect {vpc_id} to {dst_vpc.id} (peering "
                f"or transit gateway) and route {dst_vpc.cidr_block} there"
            )
        if rtb is None or rtb.vpc_id != vpc_id:
            return Fix(sentence, reason=CHOICE_CONNECTION)
        return _peer(t, rtb, dst_vpc, packet, sentence)
    edge = _edge_component(t, peer, packet.dst_ip)
    what = f" ({edge})" if edge else ""
    if t.destination.kind == "aws-service":
        return Fix(
            f"peering does not carry edge-to-edge traffic: {vpc_id} cannot use {peer}'s gateway endpoint"
            f"{what}; create a gateway endpoint for {t.destination.component} in {vpc_id} and associate it "
            f"with the source's route table",
            reason="the endpoint's service and policy are yours to choose",
        )
    return Fix(
        f"peering does not carry edge-to-edge traffic: {vpc_id} cannot use {peer}'s internet gateway, NAT "
        f"gateway, VPN or gateway endpoint{what}; give {vpc_id} its own, or use a transit gateway "
        f"(centralized "
        f"egress)",
        reason="which egress design to build (a gateway of its own, centralized egress) is your choice",
    )


def _edge_component(t: Tracer, vpc_id: str, ip: str) -> str | None:
    """What the peer VPC itself would use for ``ip`` (its internet gateway, NAT gateway, …)."""
    for rtb in set(t.view.vpc(vpc_id).route_tables.values()):
        entry = t.view.route(rtb.id, ip)
        if entry is not None and entry.route.gateway_id != "local" and entry.state == "active":
            return entry.route.target
    return None


def tgw_association_fix(t: Tracer, tgw_id: str, att: TransitGatewayAttachment) -> Fix:
    tables = [r for r in t.world.all(TransitGatewayRouteTable) if r.transit_gateway_id == tgw_id]
    example = f" (e.g. {tables[0].id})" if tables else ""
    sentence = (
        f"associate {att.id} with a route table of {tgw_id}{example} (associate-transit-gateway-route-table)"
    )
    if not tables:
        return Fix(sentence, reason=f"{tgw_id} has no route table to associate with")
    associate = calls.step(
        tables[0],
        "AssociateTransitGatewayRouteTable",
        TransitGatewayRouteTableId=tables[0].id,
        TransitGatewayAttachmentId=att.id,
    )
    return Fix(sentence, (associate,))


def _attachment_toward(t: Tracer, tgw_id: str, ip: str) -> TransitGatewayAttachment | None:
    dst_vpc = vpc_of(t, ip)
    return vpc_attachment(t.world, tgw_id, dst_vpc.id) if dst_vpc is not None else None


def tgw_no_route_fix(t: Tracer, tgw_id: str, rtb_id: str, packet: PacketHeader) -> Fix:
    att = _attachment_toward(t, tgw_id, packet.dst_ip)
    dst_vpc = vpc_of(t, packet.dst_ip)
    table = t.world.get(rtb_id, TransitGatewayRouteTable)
    if att is not None and dst_vpc is not None:
        sentence = (
            f"propagate {att.id} into {rtb_id} (enable-transit-gateway-route-table-propagation), or add a "
            f"static route for {dst_vpc.cidr_block} to {att.id} in {rtb_id}"
        )
        if table is None:
            return Fix(sentence, reason=f"{rtb_id} is not in the network")
        propagate = calls.step(
            table,
            "EnableTransitGatewayRouteTablePropagation",
            TransitGatewayRouteTableId=rtb_id,
            TransitGatewayAttachmentId=att.id,
        )
        return Fix(sentence, (propagate, *_tgw_return(t, tgw_id, att, packet)))
    if _is_return(t):
        return Fix(
            f"missing return route: add a route for {network_of(t, packet.dst_ip)} in {rtb_id} to the "
            f"attachment the request came from",
            reason="the attachment the request came from is not a VPC's: which to route to is your choice",
        )
    return Fix(
        f"add a route for {network_of(t, packet.dst_ip)} in {rtb_id} to the attachment that leads to it",
        reason=CHOICE_CONNECTION,
    )


def _tgw_return(
    t: Tracer, tgw_id: str, att: TransitGatewayAttachment, packet: PacketHeader
) -> tuple[FixStep, ...]:
    """The reply's half of a propagation fix: when the route table the destination's attachment is
    associated with has no route back to the source's VPC either, propagate the source's attachment
    into it too (a route in each direction)."""
    back_att = _attachment_toward(t, tgw_id, packet.src_ip)
    back_rtb = att.association_for(tgw_id)
    table = t.world.get(back_rtb, TransitGatewayRouteTable) if back_rtb else None
    if back_att is None or table is None or t.view.tgw_route(table.id, packet.src_ip) is not None:
        return ()
    return (
        calls.step(
            table,
            "EnableTransitGatewayRouteTablePropagation",
            TransitGatewayRouteTableId=table.id,
            TransitGatewayAttachmentId=back_att.id,
        ),
    )


def tgw_blackhole_fix(t: Tracer, rtb_id: str, route: TransitGatewayRoute, packet: PacketHeader) -> Fix:
    if not route.transit_gateway_attachment_ids:
        sentence = (
            f"{route.destination_cidr_block} is blackholed on purpose in {rtb_id} (segmentation); if "
            f"{packet.dst_ip} should be reachable, add a more specific route to its attachment"
        )
        table = t.world.get(rtb_id, TransitGatewayRouteTable)
        att = _attachment_toward(t, table.transit_gateway_id, packet.dst_ip) if table is not None else None
        cidr = network_of(t, packet.dst_ip)
        if (
            table is None
            or att is None
            or _prefix_len(cidr) <= _prefix_len(route.destination_cidr_block or "")
        ):
            return Fix(
                sentence, reason="no attachment of a VPC holds the destination: which one is your choice"
            )
        add = calls.step(
            table,
            "CreateTransitGatewayRoute",
            DestinationCidrBlock=cidr,
            TransitGatewayRouteTableId=rtb_id,
            TransitGatewayAttachmentId=att.id,
        )
        return Fix(sentence, (add,))
    return Fix(
        f"the attachment of the route {route.destination_cidr_block} in {rtb_id} is not available; recreate "
        f"it or point the route at another attachment",
        reason=CHOICE_TARGET,
    )


def _prefix_len(cidr: str) -> int:
    return int(cidr.rsplit("/", 1)[1]) if "/" in cidr else 0


def vpn_route_fix(t: Tracer, vgw_id: str, packet: PacketHeader) -> Fix:
    sentence = (
        f"advertise {packet.dst_ip}'s network over BGP from the customer gateway, or add a static "
        f"route for it "
        f"to a VPN connection of {vgw_id} (create-vpn-connection-route)"
    )
    vpns = [v for v in t.world.all(VpnConnection) if v.vpn_gateway_id == vgw_id and v.state == "available"]
    if len(vpns) != 1:
        return Fix(sentence, reason=f"which VPN connection of {vgw_id} should carry it is your choice")
    add = calls.step(
        vpns[0],
        "CreateVpnConnectionRoute",
        VpnConnectionId=vpns[0].id,
        DestinationCidrBlock=network_of(t, packet.dst_ip),
    )
    return Fix(sentence, (add,))


def private_via_igw_fix(t: Tracer, vpc_id: str, igw_id: str, packet: PacketHeader) -> Fix:
    """A private destination routed to an internet gateway: on the return path, the route back to
    where the request came from is missing (it fell through to a default route)."""
    rtb = t.last_route_table
    via = t.entered.get(vpc_id)
    if _is_return(t) and rtb is not None and via is not None and via != igw_id:
        return _route(
            t,
            rtb,
            network_of(t, packet.dst_ip),
            via,
            f"missing return route: add a route for {network_of(t, packet.dst_ip)} to {via} in {rtb.id}, so "
            f"replies go back the way the request came",
        )
    return Fix(
        f"route {network_of(t, packet.dst_ip)} through a peering connection, transit gateway or "
        f"VPN instead of "
        f"the internet gateway",
        reason=CHOICE_CONNECTION,
    )


def appliance_mode_fix(t: Tracer, att_id: str, sentence: str) -> Fix:
    """ModifyTransitGatewayVpcAttachment ``Options.ApplianceModeSupport=enable``."""
    att = t.world.get(att_id, TransitGatewayAttachment)
    if att is None:
        return Fix(sentence, reason=f"{att_id} is not in the network")
    modify = calls.step(
        att,
        "ModifyTransitGatewayVpcAttachment",
        TransitGatewayAttachmentId=att_id,
        Options={"ApplianceModeSupport": "enable"},
    )
    return Fix(sentence, (modify,))


def source_dest_check_fix(eni: NetworkInterface, sentence: str) -> Fix:
    """ModifyNetworkInterfaceAttribute ``SourceDestCheck=false``."""
    modify = calls.step(
        eni, "ModifyNetworkInterfaceAttribute", NetworkInterfaceId=eni.id, SourceDestCheck={"Value": False}
    )
    return Fix(sentence, (modify,))


def elastic_ip_fix(eni: NetworkInterface, sentence: str) -> Fix:
    """AllocateAddress (Domain vpc) and AssociateAddress with the interface, by its owner."""
    allocation = StepResult(0, "AllocationId")
    return Fix(
        sentence,
        (
            calls.step(eni, "AllocateAddress", Domain="vpc"),
            calls.step(eni, "AssociateAddress", AllocationId=allocation, NetworkInterfaceId=eni.id),
        ),
    )


def internet_gateway_fix(t: Tracer, vpc_id: str, subnet_id: str | None, cidr: str, sentence: str) -> Fix:
    """CreateInternetGateway, AttachInternetGateway to ``vpc_id`` and CreateRoute for ``cidr`` (the
    replies' way out) to it in ``subnet_id``'s route table."""
    vpc = t.world.get(vpc_id, Vpc)
    rtb = t.view.route_table_of_subnet(subnet_id) if subnet_id else None
    if vpc is None or rtb is None:
        return Fix(sentence, reason="which subnet's route table should lead to it is your choice")
    igw_id = StepResult(0, "InternetGateway.InternetGatewayId")
    return _steps(
        sentence,
        calls.step(vpc, "CreateInternetGateway"),
        calls.step(vpc, "AttachInternetGateway", InternetGatewayId=igw_id, VpcId=vpc_id),
        calls.create_route(rtb, cidr, igw_id, "igw"),
    )
