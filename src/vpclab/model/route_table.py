"""Route tables, their routes and subnet/gateway associations."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from typing import TYPE_CHECKING, ClassVar

from .base import Resource

if TYPE_CHECKING:
    from .endpoints import VpcEndpoint
    from .gateways import InternetGateway, NatGateway
    from .interfaces import Instance, NetworkInterface
    from .peering import VpcPeeringConnection
    from .transit_gateway import TransitGateway, TransitGatewayAttachment
    from .vpn import VpnGateway
    from .world import World

@dataclass(frozen=True, slots=True)
class RouteTarget:
    """One kind of route target, as every layer spells it.

    ``field`` is the Route's field and CreateRoute's parameter (snake_case); ``wire`` the member of
    AWS's Route shape that shows it (a Gateway Load Balancer endpoint is shown as ``GatewayId``);
    ``filter`` DescribeRouteTables' filter on it; ``yaml`` the topology file's spelling (``nat`` in
    ``nat:NAME``; ``igw``/``vgw`` alone); ``kinds`` the model kinds its ids name (their ``KIND``).
    """

    field: str
    wire: str
    filter: str | None = None
    yaml: str | None = None
    kinds: tuple[str, ...] = ()


#: Every route target, in the order AWS's Route shape lists them: the one table that model,
#: control, the EC2 endpoint, reach and the YAML topology read.
ROUTE_TARGETS: tuple[RouteTarget, ...] = (
    # "local", igw-…, vgw-…, or a gateway endpoint vpce-… (whose routes the endpoint manages)
    RouteTarget("gateway_id", "GatewayId", "route.gateway-id", None,
                ("internet_gateway", "vpn_gateway", "vpc_endpoint")),
    RouteTarget("nat_gateway_id", "NatGatewayId", "route.nat-gateway-id", "nat", ("nat_gateway",)),
    RouteTarget("vpc_peering_connection_id", "VpcPeeringConnectionId", "route.vpc-peering-connection-id",
                "pcx", ("vpc_peering_connection",)),
    RouteTarget("transit_gateway_id", "TransitGatewayId", "route.transit-gateway-id", "tgw",
                ("transit_gateway",)),
    RouteTarget("network_interface_id", "NetworkInterfaceId", None, "eni", ("network_interface",)),
    RouteTarget("instance_id", "InstanceId", "route.instance-id", "instance", ("instance",)),
    RouteTarget("egress_only_internet_gateway_id", "EgressOnlyInternetGatewayId",
                "route.egress-only-internet-gateway-id", None, ("egress_only_internet_gateway",)),
    RouteTarget("vpc_endpoint_id", "GatewayId", None, "vpce", ("vpc_endpoint",)),  # a GWLB endpoint
    RouteTarget("local_gateway_id", "LocalGatewayId"),
    RouteTarget("carrier_gateway_id", "CarrierGatewayId"),
    RouteTarget("core_network_arn", "CoreNetworkArn"),
)
#: Route target fields, in the order AWS's Route shape lists them.
TARGET_FIELDS: tuple[str, ...] = tuple(t.field for t in ROUTE_TARGETS)
#: the topology's ``KIND:NAME`` route targets by their spelling (``nat`` → NAT gateways' row)
YAML_TARGETS: dict[str, RouteTarget] = {t.yaml: t for t in ROUTE_TARGETS if t.yaml}


@dataclass(frozen=True, kw_only=True, slots=True)
class Route:
    destination_cidr_block: str | None = None
    destination_ipv6_cidr_block: str | None = None
    destination_prefix_list_id: str | None = None
    gateway_id: str | None = None
    nat_gateway_id: str | None = None
    vpc_peering_connection_id: str | None = None
    transit_gateway_id: str | None = None
    network_interface_id: str | None = None
    instance_id: str | None = None
    egress_only_internet_gateway_id: str | None = None
    vpc_endpoint_id: str | None = None
    local_gateway_id: str | None = None
    carrier_gateway_id: str | None = None
    core_network_arn: str | None = None
    #: CreateRouteTable (the local route) | CreateRoute | EnableVgwRoutePropagation
    origin: str = "CreateRoute"

    @property
    def destination(self) -> str:
        return (self.destination_cidr_block or self.destination_ipv6_cidr_block
                or self.destination_prefix_list_id or "")

    @property
    def target(self) -> str:
        """The target's id (``local`` for the local route)."""
        for name in TARGET_FIELDS:
            value = getattr(self, name)
            if value:
                return value
        return ""

    @property
    def target_field(self) -> str:
        for name in TARGET_FIELDS:
            if getattr(self, name):
                return name
        return ""


@dataclass(frozen=True, kw_only=True, slots=True)
class RouteTableAssociation:
    route_table_association_id: str
    route_table_id: str
    subnet_id: str | None = None
    gateway_id: str | None = None  # edge association (ingress routing)
    main: bool = False
    state: str = "associated"


@dataclass(frozen=True, kw_only=True, slots=True)
class RouteTable(Resource):
    KIND: ClassVar[str] = "route_table"
    ID_PREFIX: ClassVar[str] = "rtb"
    MALFORMED: ClassVar[str] = "InvalidRouteTableId.Malformed"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("InvalidRouteTableID.NotFound",
                                            "The routeTable ID '{id}' does not exist")
    #: the World indexes each table's routes by destination (``World.find_route``)
    INDEX_ROUTES_BY: ClassVar[str] = "destination"

    vpc_id: str
    routes: tuple[Route, ...] = ()
    associations: tuple[RouteTableAssociation, ...] = ()
    #: virtual private gateways whose routes propagate into this table
    propagating_vgws: tuple[str, ...] = ()

    @property
    def main(self) -> bool:
        return any(a.main for a in self.associations)

    def route_to(self, destination: str) -> Route | None:
        """The static or local route with exactly this destination (CIDR or prefix list id)."""
        for r in self.routes:
            if r.destination == destination:
                return r
        return None


# -- derived state (pure functions over a World; reachability analysis uses them) ----------------
#: Route origins (AWS's ``Origin`` of a route).
ORIGIN_LOCAL = "CreateRouteTable"
ORIGIN_STATIC = "CreateRoute"
ORIGIN_PROPAGATED = "EnableVgwRoutePropagation"

#: Route priority classes at an equal prefix length, highest first. AWS "How route priority works"
#: (https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html): longest prefix,
#: then static routes, then prefix-list routes, then propagated routes.
PRIORITY_STATIC, PRIORITY_PREFIX_LIST, PRIORITY_PROPAGATED = 2, 1, 0


def is_local(route: Route) -> bool:
    """A local route (one per VPC CIDR), whether or not its target was replaced by a middlebox."""
    return route.origin == ORIGIN_LOCAL


def route_state(world: World, route_table: RouteTable, route: Route) -> str:
    """``"active"`` or ``"blackhole"``, as DescribeRouteTables reports a route's State.

    AWS: "A route whose target was deleted becomes a blackhole (it is not removed)". A target that
    exists but cannot forward (an internet gateway or virtual private gateway not attached to this
    VPC, a NAT gateway that is not available, a peering connection that is not active, a stopped
    instance, a detached interface) is a blackhole too.
    """
    return "active" if _target_usable(world, route_table.vpc_id, route) else "blackhole"


@cache
def _target_kinds() -> tuple[type[VpcEndpoint], type[InternetGateway], type[NatGateway], type[Instance],
                             type[NetworkInterface], type[VpcPeeringConnection], type[TransitGateway],
                             type[TransitGatewayAttachment], type[VpnGateway]]:
    """The route-target classes, imported once (their modules import this one; a per-route import
    inside ``_target_usable`` was a quarter of DescribeRouteTables' time)."""
    from .endpoints import VpcEndpoint
    from .gateways import InternetGateway, NatGateway
    from .interfaces import Instance, NetworkInterface
    from .peering import VpcPeeringConnection
    from .transit_gateway import TransitGateway, TransitGatewayAttachment
    from .vpn import VpnGateway

    return (VpcEndpoint, InternetGateway, NatGateway, Instance, NetworkInterface, VpcPeeringConnection,
            TransitGateway, TransitGatewayAttachment, VpnGateway)


def _target_usable(world: World, vpc_id: str, route: Route) -> bool:
    if route.gateway_id == "local":
        return True
    (VpcEndpoint, InternetGateway, NatGateway, Instance, NetworkInterface, VpcPeeringConnection,
     TransitGateway, TransitGatewayAttachment, VpnGateway) = _target_kinds()
    if route.instance_id:
        inst = world.get(route.instance_id, Instance)
        if inst is None or inst.state != "running" or inst.vpc_id != vpc_id:
            return False
    if route.network_interface_id:
        eni = world.get(route.network_interface_id, NetworkInterface)
        if eni is None or eni.vpc_id != vpc_id or eni.status != "in-use":
            return False
        if eni.instance_id:
            inst = world.get(eni.instance_id, Instance)
            if inst is None or inst.state != "running":
                return False
    if route.instance_id or route.network_interface_id:
        return True
    if route.gateway_id:
        res = world.get(route.gateway_id)
        if isinstance(res, InternetGateway):
            return res.vpc_id == vpc_id
        if isinstance(res, VpnGateway):
            return res.vpc_id == vpc_id and res.state == "available"
        if isinstance(res, VpcEndpoint):
            return res.vpc_id == vpc_id and res.state.lower() == "available"
        return False
    if route.nat_gateway_id:
        nat = world.get(route.nat_gateway_id, NatGateway)
        return nat is not None and nat.vpc_id == vpc_id and nat.state == "available"
    if route.vpc_peering_connection_id:
        pcx = world.get(route.vpc_peering_connection_id, VpcPeeringConnection)
        return pcx is not None and pcx.side_of(vpc_id) is not None and pcx.status_code == "active"
    if route.transit_gateway_id:
        tgw = world.get(route.transit_gateway_id, TransitGateway)
        if tgw is None or tgw.state != "available":
            return False
        # traffic reaches a transit gateway only through an available attachment of this VPC
        return any(a.transit_gateway_id == tgw.id and a.state == "available"
                   for a in world.in_vpc(vpc_id, TransitGatewayAttachment))
    if route.vpc_endpoint_id:
        vpce = world.get(route.vpc_endpoint_id, VpcEndpoint)
        return vpce is not None and vpce.vpc_id == vpc_id and vpce.state.lower() == "available"
    # egress-only internet gateways, local/carrier gateways, core networks: usable while they exist
    target = route.target
    return bool(target) and target in world


def _propagated_routes(world: World, route_table: RouteTable) -> list[Route]:
    """Routes a virtual private gateway propagates into the table (the VPN family computes them)."""
    from .vpn import propagated_routes  # lazy: vpn.py imports this module

    return list(propagated_routes(world, route_table))


def effective_routes(world: World, route_table: RouteTable) -> list[tuple[Route, str]]:
    """Every route in force in the table, with its state: stored routes, then VGW-propagated ones."""
    routes = [*route_table.routes, *_propagated_routes(world, route_table)]
    return [(r, route_state(world, route_table, r)) for r in routes]


def route_table_for_subnet(world: World, subnet_id: str) -> RouteTable:
    """The table a subnet uses: its explicit association, else its VPC's main route table.

    Raises ``LookupError`` for a subnet that does not exist.
    """
    from .subnet import Subnet

    subnet = world.get(subnet_id, Subnet)
    if subnet is None:
        raise LookupError(f"no subnet {subnet_id}")
    main: RouteTable | None = None
    for rt in world.in_vpc(subnet.vpc_id, RouteTable):
        for assoc in rt.associations:
            if assoc.subnet_id == subnet_id:
                return rt
            if assoc.main:
                main = rt
    if main is None:
        raise LookupError(f"VPC {subnet.vpc_id} has no main route table")
    return main


def route_table_for_gateway(world: World, gateway_id: str) -> RouteTable | None:
    """The gateway route table edge-associated with an internet or virtual private gateway, if any."""
    for rt in world.all(RouteTable):
        if any(a.gateway_id == gateway_id for a in rt.associations):
            return rt
    return None


@dataclass(frozen=True, slots=True, order=True)
class ForwardingEntry:
    """One (prefix, route) pair a table forwards by: a prefix-list route yields one per entry.

    Ordered by AWS's priority: a greater entry wins (longer prefix, then static over
    prefix-list over propagated, then earlier in the table).
    """

    prefixlen: int
    priority: int
    order: int  # negated position, so an earlier route ranks higher
    network: IPv4Network | IPv6Network = field(compare=False)
    route: Route = field(compare=False)
    state: str = field(compare=False)


def forwarding_entries(world: World, route_table: RouteTable, *,
                       family: int | None = 4) -> list[ForwardingEntry]:
    """The table's effective routes of one address family (4: DestinationCidrBlock and IPv4 prefix
    lists; 6: DestinationIpv6CidrBlock and IPv6 prefix lists; None: both) expanded to prefixes,
    unsorted.

    The two families are separate forwarding tables (an IPv4 packet never matches ``::/0``): a caller
    asks for the family of the address it looks up, or keeps the families apart itself.
    """
    if family is None:
        return forwarding_entries(world, route_table, family=4) + forwarding_entries(world, route_table,
                                                                                     family=6)
    from .prefix_lists import prefix_list_cidrs

    ipv6 = family == 6
    network_type: type[IPv4Network] | type[IPv6Network] = IPv6Network if ipv6 else IPv4Network
    entries: list[ForwardingEntry] = []
    for position, (route, state) in enumerate(effective_routes(world, route_table)):
        if route.origin == ORIGIN_PROPAGATED:
            priority = PRIORITY_PROPAGATED
        elif route.destination_prefix_list_id:
            priority = PRIORITY_PREFIX_LIST
        else:
            priority = PRIORITY_STATIC
        cidr = route.destination_ipv6_cidr_block if ipv6 else route.destination_cidr_block
        nets: list[IPv4Network | IPv6Network]
        if cidr:
            nets = [network_type(cidr)]
        elif route.destination_prefix_list_id:
            cidrs = prefix_list_cidrs(world, route.destination_prefix_list_id)
            nets = [network_type(c, strict=False) for c in cidrs if (":" in c) == ipv6]
        else:
            continue  # a route of the other family
        for net in nets:
            entries.append(ForwardingEntry(net.prefixlen, priority, -position, net, route, state))
    return entries


def lookup(world: World, route_table: RouteTable,
           ip: str | IPv4Address | IPv6Address) -> tuple[Route, str] | None:
    """The route a packet to ``ip`` (IPv4 or IPv6) takes from this table, with its state, or None.

    Longest prefix match within the address's family; at an equal prefix, a static route beats a
    prefix-list route, which beats a propagated route (AWS "How route priority works"). AWS does not
    document which of two prefix lists with the same entry wins; vpclab picks the route listed first.
    A blackhole route still wins the match (the packet is then dropped), as in AWS.
    """
    addr = ip if isinstance(ip, IPv4Address | IPv6Address) else ip_address(ip)
    best: ForwardingEntry | None = None
    for entry in forwarding_entries(world, route_table, family=addr.version):
        if addr in entry.network and (best is None or entry > best):
            best = entry
    return (best.route, best.state) if best is not None else None
