"""Transit gateways, their attachments, route tables, associations, propagations and routes.

The pure functions at the bottom (``tgw_routes``, ``tgw_lookup``, ``vpc_attachment``,
``association_of``) are what the reachability engine reads: a route table's effective routes
and the route a destination address takes, by AWS's "Route evaluation order"
(https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import TYPE_CHECKING, ClassVar

from ..core.addresses import V6_BASE, address_int
from .base import Resource

if TYPE_CHECKING:
    from .vpc import Vpc
    from .world import World

#: attachment states in which an attachment no longer exists for routing, quotas and uniqueness
#: ("non-deleted" in AWS's DuplicateTransitGatewayAttachment message means any other state)
GONE_STATES = frozenset({"deleting", "deleted", "rejecting", "rejected", "failing", "failed"})


@dataclass(frozen=True, kw_only=True, slots=True)
class TransitGatewayOptions:
    amazon_side_asn: int = 64512
    auto_accept_shared_attachments: str = "disable"
    default_route_table_association: str = "enable"
    default_route_table_propagation: str = "enable"
    association_default_route_table_id: str | None = None
    propagation_default_route_table_id: str | None = None
    dns_support: str = "enable"
    vpn_ecmp_support: str = "enable"
    multicast_support: str = "disable"


@dataclass(frozen=True, kw_only=True, slots=True)
class TransitGateway(Resource):
    KIND: ClassVar[str] = "transit_gateway"
    ID_PREFIX: ClassVar[str] = "tgw"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidTransitGatewayID.NotFound", "Transit Gateway {id} was deleted or does not exist.")

    description: str = ""
    #: pending | available | modifying | deleting | deleted
    state: str = "available"
    options: TransitGatewayOptions = TransitGatewayOptions()
    #: when it was created (AWS's CreationTime); None in worlds saved before vpclab kept it
    create_time: datetime | None = None

    @property
    def arn(self) -> str:
        return f"arn:aws:ec2:{self.region}:{self.owner_id}:transit-gateway/{self.id}"

    def visible_to(self, world: World, account_id: str, region: str) -> bool:
        # a transit gateway shared through AWS RAM is seen by the accounts it is shared with
        from .sharing import owner_or_shared

        return owner_or_shared(self, world, account_id, region)


@dataclass(frozen=True, kw_only=True, slots=True)
class TransitGatewayAttachment(Resource):
    """Any TGW attachment. ``resource_type``: vpc | vpn | peering | direct-connect-gateway | connect.

    For a VPC attachment ``resource_id`` is the VPC and ``subnet_ids`` one subnet per AZ; for a
    VPN attachment the VPN connection; for a peering attachment the peer transit gateway.
    ``owner_id`` is the transit gateway owner's; ``resource_owner_id`` the resource's. A peering
    attachment's ``owner_id``/``region``/``transit_gateway_id`` are the requester's; the accepter
    side is ``peer_*``, and each side associates it with a route table of its own gateway.
    """

    KIND: ClassVar[str] = "transit_gateway_attachment"
    INDEX_BY: ClassVar[tuple[str, ...]] = ("transit_gateway_ids", "state")
    ID_PREFIX: ClassVar[str] = "tgw-attach"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidTransitGatewayAttachmentID.NotFound",
        "Transit Gateway Attachment {id} was deleted or does not exist.")

    transit_gateway_id: str
    resource_type: str
    resource_id: str
    resource_owner_id: str
    #: initiating | pendingAcceptance | pending | available | modifying | deleting | deleted | rejected |
    #: failed
    state: str = "available"
    subnet_ids: tuple[str, ...] = ()
    #: the requester-managed interfaces AWS puts in ``subnet_ids`` (VPC attachments)
    network_interface_ids: tuple[str, ...] = ()
    #: VPC attachment options
    appliance_mode_support: str = "disable"
    dns_support: str = "enable"
    #: VPC attachments: whether the VPC's IPv6 blocks propagate and IPv6 traffic crosses (enable | disable)
    ipv6_support: str = "disable"
    #: peering attachments: the peer side
    peer_transit_gateway_id: str | None = None
    peer_account_id: str | None = None
    peer_region: str | None = None
    #: the TGW route table it is associated with (exactly one, or none)
    association_route_table_id: str | None = None
    #: peering attachments: the accepter gateway's association
    peer_association_route_table_id: str | None = None
    #: when it was created (AWS's CreationTime); None in worlds saved before vpclab kept it
    create_time: datetime | None = None

    @property
    def vpc_id(self) -> str | None:
        return self.resource_id if self.resource_type == "vpc" else None

    @property
    def live(self) -> bool:
        """Whether the attachment still exists for AWS (any state but deleted/rejected/failed)."""
        return self.state not in GONE_STATES

    @property
    def transit_gateway_ids(self) -> tuple[str, ...]:
        """The gateways it belongs to: one, or both sides of a peering attachment."""
        if self.resource_type == "peering" and self.peer_transit_gateway_id:
            return (self.transit_gateway_id, self.peer_transit_gateway_id)
        return (self.transit_gateway_id,)

    def association_for(self, transit_gateway_id: str) -> str | None:
        """The route table this attachment is associated with on ``transit_gateway_id``'s side."""
        if self.resource_type == "peering" and transit_gateway_id == self.peer_transit_gateway_id \
                and transit_gateway_id != self.transit_gateway_id:
            return self.peer_association_route_table_id
        return self.association_route_table_id

    def with_association(self, transit_gateway_id: str,
                         route_table_id: str | None) -> TransitGatewayAttachment:
        if self.resource_type == "peering" and transit_gateway_id == self.peer_transit_gateway_id \
                and transit_gateway_id != self.transit_gateway_id:
            return replace(self, peer_association_route_table_id=route_table_id)
        return replace(self, association_route_table_id=route_table_id)

    def visible_to(self, world: World, account_id: str, region: str) -> bool:
        # the transit gateway owner and the resource owner both see it; a peering attachment is
        # seen by each side in its own Region
        if (account_id, region) == (self.owner_id, self.region):
            return True
        if self.resource_type == "peering":
            return (account_id, region) == (self.peer_account_id, self.peer_region)
        return (account_id, region) == (self.resource_owner_id, self.region)


@dataclass(frozen=True, kw_only=True, slots=True)
class TransitGatewayRoute:
    destination_cidr_block: str | None = None
    prefix_list_id: str | None = None
    #: the attachments it sends to (several for ECMP over VPN); empty for blackhole routes
    transit_gateway_attachment_ids: tuple[str, ...] = ()
    #: static | propagated
    type: str = "static"
    #: active | blackhole | deleting | deleted | pending
    state: str = "active"
    #: the target attachment's resource type (vpc | vpn | peering | …), filled in by ``tgw_routes``
    resource_type: str | None = None

    @property
    def network(self) -> IPv4Network | IPv6Network:
        return _network(self.destination_cidr_block or "0.0.0.0/32")

    @property
    def is_ipv6(self) -> bool:
        """A route to an IPv6 destination (AWS writes both families in DestinationCidrBlock)."""
        return ":" in (self.destination_cidr_block or "")


@dataclass(frozen=True, kw_only=True, slots=True)
class TransitGatewayRouteTable(Resource):
    KIND: ClassVar[str] = "transit_gateway_route_table"
    ID_PREFIX: ClassVar[str] = "tgw-rtb"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidRouteTableID.NotFound", "Transit Gateway Route Table {id} was deleted or does not exist.")
    #: the World indexes each table's static routes by destination CIDR (``World.find_route``)
    INDEX_ROUTES_BY: ClassVar[str] = "destination_cidr_block"

    transit_gateway_id: str
    state: str = "available"
    default_association_route_table: bool = False
    default_propagation_route_table: bool = False
    #: static and blackhole routes (propagated routes are derived from ``propagations``)
    routes: tuple[TransitGatewayRoute, ...] = ()
    #: attachments whose routes propagate into this table, in the order propagation was enabled
    propagations: tuple[str, ...] = ()
    #: when it was created (AWS's CreationTime); None in worlds saved before vpclab kept it
    create_time: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class TransitGatewayRouteTableAssociation:
    """One row of GetTransitGatewayRouteTableAssociations (and AssociateTransitGatewayRouteTable's result)."""

    transit_gateway_route_table_id: str
    transit_gateway_attachment_id: str
    resource_id: str
    resource_type: str
    state: str = "associated"


@dataclass(frozen=True, kw_only=True, slots=True)
class TransitGatewayRouteTablePropagation:
    """One row of GetTransitGatewayRouteTablePropagations

    (and EnableTransitGatewayRouteTablePropagation's result)."""

    transit_gateway_route_table_id: str
    transit_gateway_attachment_id: str
    resource_id: str
    resource_type: str
    state: str = "enabled"


# -- route evaluation (pure) ---------------------------------------------------------------------

# CIDR parsing is cached: a route table of hundreds of propagated routes is evaluated again on every
# trace and lookup, and ``ipaddress`` parsing each CIDR each time dominated a trace's latency.


@lru_cache(maxsize=65536)
def _network(cidr: str) -> IPv4Network | IPv6Network:
    """An IPv4 or IPv6 destination (a transit gateway route's ``DestinationCidrBlock`` holds either)."""
    return ip_network(cidr)


def _decimal(text: str) -> bool:
    """ASCII digits without a leading zero (as ``ipaddress`` writes numbers)."""
    return text.isascii() and text.isdigit() and (len(text) == 1 or text[0] != "0")


def _canonical_key(cidr: str) -> tuple[int, int] | None:
    """(address, prefix length) of a CIDR already in canonical ``a.b.c.d/n`` form (no leading
    zeros, host bits clear), parsed by hand; None for anything else, which ``ipaddress`` judges.
    The first trace through a transit gateway route table of hundreds of propagated CIDRs spent
    ~20 ms in ``ipaddress`` alone: this keeps the common case to a few string operations."""
    addr, sep, plen = cidr.partition("/")
    parts = addr.split(".")
    if not sep or len(parts) != 4 or not _decimal(plen):
        return None
    value = 0
    for part in parts:
        if not _decimal(part) or int(part) > 255:
            return None
        value = value << 8 | int(part)
    length = int(plen)
    if length > 32 or value & ((1 << (32 - length)) - 1):
        return None
    return value, length


@lru_cache(maxsize=65536)
def _normal(cidr: str) -> str:
    return cidr if _canonical_key(cidr) is not None else str(ip_network(cidr))


@lru_cache(maxsize=65536)
def cidr_key(cidr: str) -> tuple[int, int]:
    """(network address as an int, prefix length) of a CIDR block (cached); an IPv6 block's address
    is offset into the dual-stack space of ``core.addresses`` (above every IPv4 address)."""
    key = _canonical_key(cidr)
    if key is not None:
        return key
    net = _network(cidr)
    return int(net.network_address) + (0 if net.version == 4 else V6_BASE), net.prefixlen


def _ip_int(ip: str) -> int:
    return address_int(ip)


def route_key(route: TransitGatewayRoute) -> tuple[int, int]:
    """The route's destination as (network address, prefix length)."""
    return cidr_key(route.destination_cidr_block or "0.0.0.0/32")

#: AWS "Route evaluation order": for identical destinations, static routes first, then prefix-list
#: referenced routes, then propagated routes by source: VPC, Direct Connect gateway, Connect, VPN
#: (and last, routes learned over peering). Lower rank wins.
PROPAGATED_RANK = {"vpc": 2, "direct-connect-gateway": 3, "connect": 4, "vpn": 5, "peering": 6}


def route_rank(route: TransitGatewayRoute) -> int:
    """The route's place in AWS's evaluation order among routes to the same destination."""
    if route.type == "static":
        return 1 if route.prefix_list_id else 0
    return PROPAGATED_RANK.get(route.resource_type or "", 7)


def _attachment_state(world: World, attachment_ids: Sequence[str]) -> tuple[str, str | None]:
    """(route state, resource type) for a static route to these attachments."""
    state, rtype = "active", None
    for att_id in attachment_ids:
        att = world.get(att_id, TransitGatewayAttachment)
        if att is None or att.state != "available":
            state = "blackhole"
        if att is not None:
            rtype = rtype or att.resource_type
    return (state if attachment_ids else "blackhole"), rtype


@lru_cache(maxsize=1)
def _vpc_kind() -> type[Vpc]:
    """The Vpc class, imported once (vpc.py imports this module; a per-call import was a tenth of
    compiling AWS-MAX's 20 TGW route tables)."""
    from .vpc import Vpc

    return Vpc


@lru_cache(maxsize=65536)
def _propagated_route(cidr: str, attachment_id: str, resource_type: str) -> TransitGatewayRoute:
    """The route an attachment propagates to ``cidr`` (immutable: one object shared by every table
    it propagates into, and by every evaluation of them)."""
    return TransitGatewayRoute(destination_cidr_block=cidr, transit_gateway_attachment_ids=(attachment_id,),
                               type="propagated", state="active", resource_type=resource_type)


def _propagated_cidrs(world: World, att: TransitGatewayAttachment) -> tuple[str, ...]:
    """What an attachment propagates: a VPC its CIDR blocks; a VPN the CIDRs it learns (or its
    static routes); a Direct Connect gateway the on-premises prefixes of its transit virtual
    interfaces; peering attachments nothing (AWS: static routes only)."""
    if att.resource_type == "vpc":
        vpc = world.get(att.resource_id, _vpc_kind())
        if vpc is None:
            return ()
        # AWS "Transit gateway VPC attachments": with IPv6 support enabled the VPC's IPv6 CIDR blocks
        # propagate too (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html)
        return vpc.cidr_blocks + vpc.ipv6_cidr_blocks if att.ipv6_support == "enable" else vpc.cidr_blocks
    if att.resource_type == "direct-connect-gateway":
        # what the Direct Connect gateway learns over BGP from its transit virtual interfaces
        from .direct_connect import learned_cidrs

        return learned_cidrs(world, att.resource_id)
    if att.resource_type == "vpn":
        try:
            from .vpn import advertised_cidrs
        except ImportError:
            return ()
        from .vpn import VpnConnection

        vpn = world.get(att.resource_id, VpnConnection)
        return tuple(advertised_cidrs(world, vpn)) if vpn is not None else ()
    return ()


def candidate_routes(world: World, route_table: TransitGatewayRouteTable,
                     *, family: int | None = 4) -> list[TransitGatewayRoute]:
    """Every route of the table before AWS picks one per destination: static (with their state:
    blackhole when asked for, or when a target attachment is gone or not available), prefix-list
    references expanded, and propagated routes of available attachments.

    Propagated duplicates are settled here as AWS settles them: when two VPCs with identical CIDRs
    propagate, AWS does not propagate the second ("Transit gateway route tables"), so the
    attachment whose propagation was enabled first wins; identical VPN routes become one ECMP route
    when the gateway's ``vpn_ecmp_support`` is enabled, else the first wins.
    """
    routes: list[TransitGatewayRoute] = []
    for r in route_table.routes:
        routes.extend(static_candidates(world, r))
    routes.extend(_propagated_candidates(world, route_table))
    if family is None:
        return routes
    # ``family``: the routes of one address family (4, the default, for callers that forward IPv4;
    # 6; None for both, as the route table APIs list them)
    ipv6 = family == 6
    return [r for r in routes if r.is_ipv6 == ipv6]


def static_candidates(world: World, r: TransitGatewayRoute) -> list[TransitGatewayRoute]:
    """One static route of a table as ``candidate_routes`` lists it: with its state and target
    resource type, a prefix-list reference expanded into a route per CIDR."""
    if r.state == "blackhole" and not r.transit_gateway_attachment_ids:
        state, rtype = "blackhole", None
    else:
        state, rtype = _attachment_state(world, r.transit_gateway_attachment_ids)
    if r.prefix_list_id and not r.destination_cidr_block:
        from .prefix_lists import ManagedPrefixList

        pl = world.get(r.prefix_list_id, ManagedPrefixList)
        return [replace(r, destination_cidr_block=cidr, state=state, resource_type=rtype)
                for cidr in (pl.cidrs if pl is not None else ())]
    return [replace(r, state=state, resource_type=rtype)]


def candidate_count(world: World, route_table: TransitGatewayRouteTable) -> int:
    """``len(candidate_routes(world, route_table))`` without building the static routes: one per
    static route with a CIDR (the World's route index holds the first route of each CIDR; the
    prefix-list routes, which have none, are counted through their lists), plus the propagated."""
    routes = route_table.routes
    pl_routes = [r for r in routes if r.prefix_list_id and not r.destination_cidr_block] \
        if len(routes) < _SCAN_BELOW else None
    if pl_routes is None:
        index = world.route_index(route_table.id)
        if index is None or index.routes is not routes:
            return len(candidate_routes(world, route_table, family=None))
        pl_routes = [routes[i] for i in index.without_key]
    n = len(routes) - len(pl_routes)
    for r in pl_routes:
        n += len(static_candidates(world, r))
    return n + len(_propagated_candidates(world, route_table))


#: tables with fewer routes are scanned for their prefix-list routes (cheaper than the index check)
_SCAN_BELOW = 64


def _propagated_candidates(world: World, route_table: TransitGatewayRouteTable) -> list[TransitGatewayRoute]:
    tgw = world.get(route_table.transit_gateway_id, TransitGateway)
    ecmp = tgw is not None and tgw.options.vpn_ecmp_support == "enable"
    propagated: dict[tuple[str, str], TransitGatewayRoute] = {}
    for att_id in route_table.propagations:
        att = world.get(att_id, TransitGatewayAttachment)
        if att is None or att.state != "available":
            continue
        for cidr in _propagated_cidrs(world, att):
            key = (_normal(cidr), att.resource_type)
            seen = propagated.get(key)
            if seen is None:
                propagated[key] = _propagated_route(key[0], att_id, att.resource_type)
            elif att.resource_type == "vpn" and ecmp and att_id not in seen.transit_gateway_attachment_ids:
                ids = (*seen.transit_gateway_attachment_ids, att_id)
                propagated[key] = replace(seen, transit_gateway_attachment_ids=ids)
    return list(propagated.values())


def best_routes(candidates: Iterable[TransitGatewayRoute]) -> list[TransitGatewayRoute]:
    """One route per destination: the lowest ``route_rank``; on a tie, the first candidate."""
    best: dict[tuple[int, int], TransitGatewayRoute] = {}
    for r in candidates:
        key = route_key(r)
        cur = best.get(key)
        if cur is None or route_rank(r) < route_rank(cur):
            best[key] = r
    return [best[k] for k in sorted(best)]


def tgw_routes(world: World, route_table: TransitGatewayRouteTable,
               *, family: int | None = 4) -> list[TransitGatewayRoute]:
    """The table's effective routes, one per destination, as the console and
    SearchTransitGatewayRoutes show them (static over prefix-list over propagated); of one address
    family (``family`` 4 or 6) or both (None)."""
    return best_routes(candidate_routes(world, route_table, family=family))


def longest_match(routes: Iterable[TransitGatewayRoute],
                  ip: IPv4Address | IPv6Address | str) -> TransitGatewayRoute | None:
    """The most specific route of ``ip``'s family containing ``ip`` (routes hold one route per
    destination)."""
    addr = _ip_int(str(ip))
    v6 = addr >= V6_BASE
    bits = 128 if v6 else 32
    if v6:
        addr -= V6_BASE
    found: TransitGatewayRoute | None = None
    found_len = -1
    for r in routes:
        base, plen = route_key(r)
        if (base >= V6_BASE) != v6:
            continue
        if v6:
            base -= V6_BASE
        if plen > found_len and (addr >> (bits - plen)) == (base >> (bits - plen)):
            found, found_len = r, plen
    return found


def tgw_lookup(world: World, route_table: TransitGatewayRouteTable,
               ip: IPv4Address | IPv6Address | str) -> TransitGatewayRoute | None:
    """The route a packet to ``ip`` (either family) takes in this table (a blackhole route drops
    it), or None."""
    return longest_match(tgw_routes(world, route_table, family=ip_address(str(ip)).version), ip)


def vpc_attachment(world: World, tgw_id: str, vpc_id: str) -> TransitGatewayAttachment | None:
    """The VPC's live attachment to this transit gateway (AWS allows one), or None."""
    for att in world.in_vpc(vpc_id, TransitGatewayAttachment):
        if att.transit_gateway_id == tgw_id and att.resource_type == "vpc" and att.live:
            return att
    return None


def association_of(world: World, attachment_id: str,
                   transit_gateway_id: str | None = None) -> TransitGatewayRouteTable | None:
    """The route table the attachment is associated with (on ``transit_gateway_id``'s side for a
    peering attachment; the requester's by default), or None."""
    att = world.get(attachment_id, TransitGatewayAttachment)
    if att is None:
        return None
    rtb_id = att.association_for(transit_gateway_id or att.transit_gateway_id)
    return world.get(rtb_id, TransitGatewayRouteTable) if rtb_id else None


def count_attachments(world: World, tgw_id: str) -> int:
    """``len(attachments_of(world, tgw_id))`` from the indexes: the gateway's attachments less its
    gone ones (few), not a walk of its 5,000 (an attachment quota check per new attachment)."""
    gone = sum(1 for state in GONE_STATES for a in world.having(TransitGatewayAttachment, "state", state)
               if tgw_id in a.transit_gateway_ids)
    return world.count_having(TransitGatewayAttachment, "transit_gateway_ids", tgw_id) - gone


def attachments_of(world: World, tgw_id: str) -> list[TransitGatewayAttachment]:
    """The gateway's live attachments (peering attachments on either side)."""
    return [a for a in world.having(TransitGatewayAttachment, "transit_gateway_ids", tgw_id)
            if a.state not in GONE_STATES]
