"""The hop-by-hop tracer: one object per question, walking the forward path and then the return path.

The walk is a small state machine over a World's forwarding view. A packet starts at an interface
(or a host address in a subnet, the internet, on premises, a transit gateway attachment, a peering
connection), is routed by the subnet's route table (:meth:`Tracer.route`), and each route target
has a handler: local delivery, internet gateway, NAT gateway, peering connection, transit gateway,
virtual private gateway, gateway endpoint, middlebox interface, Gateway Load Balancer endpoint.

Filters (security groups, network ACLs, source/destination check, public IP association) record an
explanation and let the packet go on, so one trace lists every change a flow needs; routing
failures end the walk. See docs/reachability.md for the semantics and the codes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NoReturn

from ..model.endpoints import VpcEndpoint
from ..model.gateways import EgressOnlyInternetGateway, InternetGateway, NatGateway
from ..model.interfaces import Instance, NetworkInterface
from ..model.route_table import ForwardingEntry, Route, RouteTable, route_table_for_gateway
from ..model.subnet import Subnet
from ..model.world import World
from . import fixes
from .checks import acl_rule_label, acl_verdict, describe_traffic, rule_text, sg_allows
from .endpoints import Endpoint
from .forwarding import ForwardingView
from .result import Explanation, Fix, Hop, PacketHeader

#: the most hops one direction may take before the tracer calls it a loop
MAX_HOPS = 64

#: an AWS resource id in a text (vpc-0a1b…, tgw-attach-…, pcx-…), with the name the tracer may have put
#: beside it ("rtb-… (app-rt)")
_ID = re.compile(r"\b([a-z]+(?:-[a-z]+)*-[0-9a-f]{8,17})\b(?: \(([^()]+)\))?")


def spell_names(names: Mapping[str, str], text: str) -> str:
    """``text`` with every id that ``names`` names spelled as its name (``rtb-… (app-rt)`` and
    ``rtb-…`` both become ``app-rt``); other ids stay."""

    def name(m: re.Match[str]) -> str:
        rid, beside = m.group(1), m.group(2)
        label = names.get(rid)
        if label is None:
            return m.group(0)
        if beside in (None, label):
            return label
        return f"{label} ({spell_names(names, beside)})"  # the parenthesis may hold another id

    return _ID.sub(name, text)


@dataclass(frozen=True, slots=True)
class Arrival:
    """Where a walk ended. ``kind``: interface | host | internet | on-premises | aws-service."""

    kind: str
    ip: str
    vpc_id: str | None = None
    subnet: Subnet | None = None
    interface: NetworkInterface | None = None
    #: how the packet left the AWS network, so the reply can come back the same way:
    #: ("igw", igw id) | ("vgw", vgw id, vpc id) | ("tgw-vpn", attachment id) | ("vpce", vpce id, vpc id)
    via: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PrivateLinkSession:
    """A connection PrivateLink carried from an endpoint interface to a load balancer node: the
    reply to the node's address goes back through it (see :mod:`vpclab.reach.privatelink`)."""

    endpoint_id: str
    load_balancer_id: str
    #: the endpoint's network interface the client connected to
    interface: NetworkInterface
    #: the load balancer node's interface (the source the targets see)
    node: NetworkInterface
    #: the request as it reached the endpoint interface
    request: PacketHeader


class Halt(Exception):
    """A routing failure ended the walk (its explanation is already recorded)."""


class Tracer:
    """State for one trace: the view, the hops and explanations so far, and NAT sessions."""

    def __init__(
        self,
        world: World,
        view: ForwardingView,
        source: Endpoint,
        destination: Endpoint,
        names: Mapping[str, str] | None,
    ) -> None:
        self.world = world
        self.view = view
        self.source = source
        self.destination = destination
        self.names = names
        self.explanations: list[Explanation] = []
        self.direction = "forward"
        self.hops: list[Hop] = []
        self.visited: set[tuple[str, str]] = set()
        #: NAT gateway private IP → the source address it replaced
        self.nat_sessions: dict[str, str] = {}
        #: an address that left through an internet gateway (or an egress-only internet gateway) →
        #: (gateway id, private address)
        self.igw_sessions: dict[str, tuple[str, str]] = {}
        #: NAT gateway private IP → (the IPv6 source it replaced, the NAT64 destination it translated)
        self.nat64_sessions: dict[str, tuple[str, str]] = {}
        #: VPC id → the component the forward path entered it through (for return-route fixes)
        self.entered: dict[str, str] = {}
        #: the route table of the latest lookup (fixes name it)
        self.last_route_table: RouteTable | None = None
        #: transit gateway VPC attachment id → the Availability Zone the forward path entered its VPC in
        self.attachment_azs: dict[str, str] = {}
        #: VPC id → the appliances (middlebox interfaces, GWLB endpoints) the forward path passed there
        self.appliances: dict[str, list[str]] = {}
        #: VPC id → (attachment id, forward AZ, return AZ) where the reply entered through another AZ
        self.az_switches: dict[str, tuple[str, str, str]] = {}
        #: load balancer node address → the PrivateLink connection it serves
        self.privatelink_sessions: dict[str, PrivateLinkSession] = {}

    # -- bookkeeping -----------------------------------------------------------------------
    @property
    def forward(self) -> bool:
        return self.direction == "forward"

    def label(self, rid: str) -> str:
        """``acl-0ab… (app-acl)`` when the id has a name, else the id."""
        name = self.name_of(rid)
        return f"{rid} ({name})" if name else rid

    def name_of(self, rid: str) -> str | None:
        if self.names is not None and rid in self.names:
            return self.names[rid]
        res = self.world.get(rid)
        return res.name if res is not None else None

    def hop(self, component: str, rid: str, detail: str, packet: PacketHeader) -> None:
        if len(self.hops) >= MAX_HOPS * 4:
            self.explain(
                "VPCLAB_ROUTING_LOOP",
                f"the path passes more than {MAX_HOPS} components",
                rid,
                "look for routes that send traffic back and forth between two components",
            )
            raise Halt
        self.hops.append(Hop(component, rid, self.name_of(rid), self.spell(detail), packet))

    def explain(self, code: str, message: str, component: str, fix: str | Fix) -> None:
        """Record a cause; ``fix`` is a sentence, or a :class:`Fix` (the sentence and the AWS API
        calls that make it, reach/fixes.py)."""
        remedy = fix if isinstance(fix, Fix) else None
        sentence = fix.sentence if isinstance(fix, Fix) else fix
        self.explanations.append(
            Explanation(code, self.spell(message), component, self.direction, self.spell(sentence), remedy)
        )

    def spell(self, text: str) -> str:
        """With the caller's ``names``, the text speaks them: every id they name becomes its name
        (``Hop.id`` and ``Explanation.component`` keep the ids). Without, the text is unchanged."""
        return spell_names(self.names, text) if self.names else text

    def appliance(self, vpc_id: str, appliance_id: str, packet: PacketHeader) -> None:
        """A stateful appliance (a middlebox interface, a GWLB endpoint) passed: remembered on the
        forward path; on the return path, meeting another appliance of a VPC the reply entered from a
        transit gateway through another Availability Zone means the flow was split between two
        appliances (AWS "Example: Appliance in a shared services VPC": without appliance mode the
        transit gateway keeps each direction in the AZ it came from)."""
        if self.forward:
            seen = self.appliances.setdefault(vpc_id, [])
            if appliance_id not in seen:
                seen.append(appliance_id)
            return
        went = self.appliances.get(vpc_id)
        switch = self.az_switches.get(vpc_id)
        if not went or switch is None or appliance_id in went:
            return
        att_id, forward_az, return_az = switch
        self.explain(
            "TRANSIT_GATEWAY_APPLIANCE_MODE_RECOMMENDED",
            f"the reply to {packet.dst_ip} enters {self.label(vpc_id)} through {self.label(att_id)} in "
            f"{return_az}, not {forward_az} as the request did, so it passes {self.label(appliance_id)} "
            f"instead of {self.label(went[0])}; a stateful appliance drops a flow it sees one way only",
            att_id,
            fixes.appliance_mode_fix(
                self,
                att_id,
                f"enable appliance mode on the attachment {att_id} (modify-transit-gateway-vpc-attachment "
                f"--options ApplianceModeSupport=enable), so the transit gateway keeps both directions of "
                f"a flow in one Availability Zone",
            ),
        )

    def fail(self, code: str, message: str, component: str, fix: str | Fix) -> NoReturn:
        """Record a routing failure and end the walk."""
        self.explain(code, message, component, fix)
        raise Halt

    def start(self, direction: str) -> None:
        self.direction = direction
        self.hops = []
        self.visited = set()

    # -- filters ---------------------------------------------------------------------------
    def acl(self, subnet: Subnet, packet: PacketHeader, *, egress: bool) -> None:
        acl = self.view.acl_of_subnet(subnet.id)
        if acl is None:
            return
        action, number = acl_verdict(acl, packet, egress=egress)
        way = "outbound" if egress else "inbound"
        rule = acl_rule_label(number)
        if action == "allow":
            self.hop("network-acl", acl.id, f"rule {rule} allows {way} ({subnet.id})", packet)
            return
        self.hop("network-acl", acl.id, f"rule {rule} denies {way} ({subnet.id})", packet)
        self.explain(
            "SUBNET_ACL_RESTRICTION",
            f"{describe_traffic(packet.protocol, packet.dst_port)} {packet.src_ip} → {packet.dst_ip} "
            f"denied by {self.label(acl.id)} rule {rule} {way}",
            acl.id,
            fixes.acl_fix(self, acl.id, subnet, packet, egress=egress, rule=number),
        )

    def cross(self, left: Subnet | None, entered: Subnet | None, packet: PacketHeader) -> None:
        """Network ACLs of a subnet boundary: outbound of the subnet left, inbound of the one entered
        (none when both are the same subnet: AWS evaluates ACLs only across subnets)."""
        if left is not None and entered is not None and left.id == entered.id:
            return
        if left is not None:
            self.acl(left, packet, egress=True)
        if entered is not None:
            self.acl(entered, packet, egress=False)

    def sg_egress(self, eni: NetworkInterface, packet: PacketHeader, other: NetworkInterface | None) -> None:
        if not self.forward or not eni.groups:
            return  # security groups are stateful: a reply is allowed by the tracked connection
        hit = sg_allows(self.world, eni, packet, egress=True, other=other)
        if hit is not None:
            self.hop("security-group", hit[0].id, f"egress rule allows {rule_text(hit[1])}", packet)
            return
        self.hop("security-group", eni.groups[0], "no egress rule allows this traffic", packet)
        self.explain(
            "ENI_SG_RULES_MISMATCH",
            f"no outbound rule of {', '.join(eni.groups)} on {self.label(eni.id)} allows "
            f"{describe_traffic(packet.protocol, packet.dst_port)} to {packet.dst_ip}",
            eni.groups[0],
            fixes.sg_fix(self, eni, packet, egress=True, other=other),
        )

    def sg_ingress(self, eni: NetworkInterface, packet: PacketHeader, other: NetworkInterface | None) -> None:
        if not self.forward or not eni.groups:
            return
        hit = sg_allows(self.world, eni, packet, egress=False, other=other)
        if hit is not None:
            self.hop("security-group", hit[0].id, f"ingress rule allows {rule_text(hit[1])}", packet)
            return
        self.hop("security-group", eni.groups[0], "no ingress rule allows this traffic", packet)
        self.explain(
            "ENI_SG_RULES_MISMATCH",
            f"no inbound rule of {', '.join(eni.groups)} on {self.label(eni.id)} allows "
            f"{describe_traffic(packet.protocol, packet.dst_port)} from {packet.src_ip}",
            eni.groups[0],
            fixes.sg_fix(self, eni, packet, egress=False, other=other),
        )

    # -- routing ---------------------------------------------------------------------------
    def send_from_interface(self, eni: NetworkInterface, subnet: Subnet, packet: PacketHeader) -> Arrival:
        """A host sends: its security groups' egress rules, then its subnet's route table."""
        self.hop(
            "network-interface",
            eni.id,
            f"{'source' if self.forward else 'reply from'} {packet.src_ip} in {subnet.id}",
            packet,
        )
        self.sg_egress(eni, packet, self.far_interface(packet.dst_ip))
        return self.route_from_subnet(subnet, packet, "local")

    def far_interface(self, ip: str) -> NetworkInterface | None:
        dst = self.destination
        if dst.interface is not None and dst.ip == ip:
            return dst.interface
        return None

    def route_from_subnet(self, subnet: Subnet, packet: PacketHeader, origin: str) -> Arrival:
        rtb = self.view.route_table_of_subnet(subnet.id)
        if rtb is None:
            self.fail(
                "NO_ROUTE_TO_DESTINATION",
                f"{self.label(subnet.id)} has no route table",
                subnet.id,
                f"associate a route table with {subnet.id}",
            )
        return self.route(rtb, subnet, packet, origin)

    def route(self, rtb: RouteTable, subnet: Subnet | None, packet: PacketHeader, origin: str) -> Arrival:
        """Route ``packet`` by ``rtb``. ``subnet`` is where it is (None at a gateway's edge table);
        ``origin`` how it entered the VPC: local | tgw | peering | vpn | internet | vpce."""
        key = (rtb.id, packet.dst_ip)
        if key in self.visited:
            self.fail(
                "VPCLAB_ROUTING_LOOP",
                f"the packet for {packet.dst_ip} came back to {self.label(rtb.id)}: the routes form a loop",
                rtb.id,
                fixes.loop_fix(self, rtb, packet),
            )
        self.visited.add(key)
        self.last_route_table = rtb
        entry = self.view.route(rtb.id, packet.dst_ip)
        if entry is None:
            self.hop("route-table", rtb.id, f"no route for {packet.dst_ip}", packet)
            self.fail(
                "NO_ROUTE_TO_DESTINATION",
                f"no route for {packet.dst_ip} in {self.label(rtb.id)}",
                rtb.id,
                fixes.no_route_fix(self, rtb, packet),
            )
        route = entry.route
        target = route.target
        self.hop(
            "route-table",
            rtb.id,
            f"{entry.network} → {target}" + (" (blackhole)" if entry.state == "blackhole" else ""),
            packet,
        )
        if entry.state == "blackhole":
            self.fail(
                "BAD_STATE_ROUTE",
                f"the route {entry.network} → {target} in {self.label(rtb.id)} is a "
                f"blackhole ({fixes.blackhole_reason(self, rtb, route)})",
                rtb.id,
                fixes.blackhole_fix(self, rtb, entry),
            )
        return self.dispatch(rtb, entry, subnet, packet, origin)

    def dispatch(
        self,
        rtb: RouteTable,
        entry: ForwardingEntry,
        subnet: Subnet | None,
        packet: PacketHeader,
        origin: str,
    ) -> Arrival:
        from . import gateways, transit

        route = entry.route
        if route.gateway_id == "local":
            return self.deliver(rtb.vpc_id, subnet, packet, origin)
        if route.network_interface_id or route.instance_id:
            return gateways.middlebox(self, route, subnet, packet, origin)
        if route.nat_gateway_id:
            return gateways.nat_gateway(self, route.nat_gateway_id, subnet, packet, origin)
        if route.vpc_peering_connection_id:
            return transit.peering(self, route.vpc_peering_connection_id, rtb.vpc_id, subnet, packet, origin)
        if route.transit_gateway_id:
            return transit.tgw_from_vpc(self, route.transit_gateway_id, rtb.vpc_id, subnet, packet)
        if route.vpc_endpoint_id:
            return gateways.gwlb_endpoint(self, route.vpc_endpoint_id, subnet, packet, origin)
        if route.egress_only_internet_gateway_id:
            return gateways.eigw_egress(
                self, route.egress_only_internet_gateway_id, rtb.vpc_id, subnet, packet
            )
        gw = route.gateway_id or ""
        if gw.startswith("igw-"):
            return gateways.igw_egress(self, gw, rtb.vpc_id, subnet, packet)
        if gw.startswith("vgw-"):
            return transit.vgw_egress(self, gw, rtb.vpc_id, subnet, packet, origin)
        if gw.startswith("vpce-"):
            return gateways.gateway_endpoint(self, gw, rtb.vpc_id, subnet, packet, origin)
        return self.fail(
            "UNSUPPORTED_COMPONENT",
            f"vpclab does not trace through {route.target_field} {route.target}",
            route.target,
            "route the traffic through a supported target",
        )

    def deliver(self, vpc_id: str, left: Subnet | None, packet: PacketHeader, origin: str) -> Arrival:
        """Deliver inside ``vpc_id`` (the local route, or arriving from a gateway or connection)."""
        view = self.view
        subnet = view.subnet_at(vpc_id, packet.dst_ip)
        if subnet is None:
            self.fail(
                "NO_ROUTE_TO_DESTINATION",
                f"no subnet of {self.label(vpc_id)} holds {packet.dst_ip}",
                vpc_id,
                f"create a subnet for {packet.dst_ip} in {vpc_id}, or address a host that exists",
            )
        self.cross(left, subnet, packet)
        eni = view.interface_at(vpc_id, packet.dst_ip)
        if eni is not None and eni.interface_type == "nat_gateway" and packet.dst_ip in self.nat_sessions:
            from .gateways import nat_reply

            return nat_reply(self, eni, subnet, packet)
        if eni is not None and not self.forward and packet.dst_ip in self.privatelink_sessions:
            from .privatelink import reply

            return reply(self, eni, packet)
        if eni is not None:
            self.sg_ingress(eni, packet, self.sender_interface(packet.src_ip))
            dst = self.destination
            endpoint = (
                dst.component
                if self.forward and dst.interface is not None and dst.interface.id == eni.id
                else None
            )
            shown = f" (interface endpoint {self.label(endpoint)})" if endpoint else ""
            self.hop(
                "network-interface", eni.id, f"delivered to {packet.dst_ip} in {subnet.id}{shown}", packet
            )
            if self.forward and dst.interface is not None and dst.interface.id == eni.id:
                from .privatelink import endpoint_of_interface, forward

                vpce = endpoint_of_interface(self, eni)
                if vpce is not None:
                    return forward(self, vpce, eni, packet)
            return Arrival("interface", packet.dst_ip, vpc_id, subnet, eni)
        dst = self.destination if self.forward else self.source
        shown = self.stands_for(dst) if dst.ip == packet.dst_ip and dst.vpc_id == vpc_id else ""
        self.hop("subnet", subnet.id, f"delivered to {packet.dst_ip}{shown}", packet)
        return Arrival("host", packet.dst_ip, vpc_id, subnet)

    def stands_for(self, endpoint: Endpoint) -> str:
        """`` (stands for the subnet app-a)`` for an endpoint that is a subnet named without an address."""
        if endpoint.stands_for is None:
            return ""
        return f" (stands for the subnet {self.label(endpoint.stands_for)})"

    def sender_interface(self, ip: str) -> NetworkInterface | None:
        src = self.source if self.forward else self.destination
        if src.interface is not None and (ip in src.interface.private_ip_addresses or ip == src.ip):
            return src.interface
        session = self.privatelink_sessions.get(ip)
        return session.node if session is not None else None

    def enter_vpc(self, vpc_id: str, gateway_id: str, packet: PacketHeader, origin: str) -> Arrival:
        """Traffic arriving at an internet or virtual private gateway: the gateway's edge route
        table if it has one (ingress routing), else the VPC router delivers it."""
        edge = route_table_for_gateway(self.world, gateway_id)
        if edge is not None and edge.vpc_id == vpc_id:
            return self.route(edge, None, packet, origin)
        return self.deliver(vpc_id, None, packet, origin)

    # -- lookups the handlers share ------------------------------------------------------------
    def subnet(self, subnet_id: str) -> Subnet:
        subnet = self.world.get(subnet_id, Subnet)
        if subnet is None:
            self.fail(
                "UNKNOWN_RESOURCE", f"subnet {subnet_id} does not exist", subnet_id, "recreate the subnet"
            )
        return subnet

    def interface_for_route(self, route: Route) -> NetworkInterface | None:
        if route.network_interface_id:
            return self.world.get(route.network_interface_id, NetworkInterface)
        inst = self.world.get(route.instance_id or "", Instance)
        return self.view.primary_interface(inst) if inst is not None else None

    def internet_gateway_of(self, vpc_id: str) -> InternetGateway | None:
        return next(self.world.in_vpc(vpc_id, InternetGateway), None)

    def egress_only_gateway_of(self, vpc_id: str) -> EgressOnlyInternetGateway | None:
        return next(self.world.in_vpc(vpc_id, EgressOnlyInternetGateway), None)

    def nat_gateway(self, nat_id: str) -> NatGateway | None:
        return self.world.get(nat_id, NatGateway)

    def endpoint(self, vpce_id: str) -> VpcEndpoint | None:
        return self.world.get(vpce_id, VpcEndpoint)
