"""The forwarding view: per-World indexes a trace reads, built lazily and cached by ``world.version``.

For each VPC route table and each transit gateway route table the view keeps a longest-prefix-match
index (one dict per prefix length, prefix lists expanded, AWS's priorities already resolved by the
model's ``forwarding_entries`` / ``tgw_routes``), so a lookup is at most 33 dict probes (129 for an
IPv6 address, over the prefix lengths a table actually holds: a VPC table's IPv6 routes are a
handful). Addresses of both families are ints of ``core.addresses``' dual-stack space (IPv6 offset
by ``V6_BASE``); each index keeps one family's prefix lengths apart from the other's, so IPv4
lookups probe exactly what they did before IPv6. It also
indexes which route table and network ACL each subnet uses, which subnet and interface holds an
address inside a VPC, and which interface owns a public address.

    >>> view = forwarding_view(world)          # doctest: +SKIP
    >>> view.route(rtb_id, "10.1.0.5")         # doctest: +SKIP
    ForwardingEntry(prefixlen=16, ...)

Any committed change to the World bumps its version, and the next ``forwarding_view(world)`` call
starts a fresh view; nothing is shared between versions.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from functools import lru_cache
from typing import Generic, TypeVar

from ..core.addresses import V6_BASE, address_int, network_span
from ..model.interfaces import Instance, NetworkInterface
from ..model.network_acl import NetworkAcl
from ..model.route_table import ForwardingEntry, RouteTable, forwarding_entries
from ..model.subnet import Subnet
from ..model.transit_gateway import (
    TransitGatewayRoute,
    TransitGatewayRouteTable,
    route_key,
    tgw_routes,
)
from ..model.vpc import Vpc
from ..model.world import World

V = TypeVar("V")

_MASKS = tuple((0xFFFFFFFF << (32 - n)) & 0xFFFFFFFF for n in range(33))
_ALL6 = (1 << 128) - 1
_MASKS6 = tuple((_ALL6 << (128 - n)) & _ALL6 for n in range(129))


def ip_int(ip: str) -> int:
    """An address of either family as an int of the dual-stack space (cached: traces ask about the
    same addresses again and again)."""
    return _ip_int(ip)


@lru_cache(maxsize=65536)
def _ip_int(ip: str) -> int:
    plain = _plain_bounds(ip) if "/" not in ip else None
    if plain is not None and plain[1] == 32:
        return plain[0]
    return address_int(ip)


def is_ipv6(ip: str) -> bool:
    """Whether ``ip`` (an address or CIDR as text) is IPv6."""
    return ":" in ip


def _plain_bounds(cidr: str) -> tuple[int, int, bool] | None:
    """(address, prefix length, host bits clear) of ``a.b.c.d/n`` in its plain decimal form, or None
    for any other spelling (left to ``ipaddress``, which also rejects what is invalid)."""
    addr, sep, plen_text = cidr.partition("/")
    parts = addr.split(".")
    if len(parts) != 4 or (sep and not (plen_text.isdigit() and len(plen_text) <= 2)):
        return None
    value = 0
    for part in parts:
        if not part.isdigit() or len(part) > 3 or (len(part) > 1 and part[0] == "0"):
            return None
        octet = int(part)
        if octet > 255:
            return None
        value = value << 8 | octet
    plen = int(plen_text) if sep else 32
    if plen > 32:
        return None
    base = value & _MASKS[plen]
    return base, plen, base == value


@lru_cache(maxsize=65536)
def net_bounds(cidr: str) -> tuple[int, int]:
    """(network address, prefix length) of a CIDR block, host bits ignored."""
    plain = _plain_bounds(cidr)
    if plain is not None:
        return plain[0], plain[1]
    start, _, plen = network_span(cidr)
    return start, plen


def in_cidr(ip: str, cidr: str) -> bool:
    """Whether ``ip`` lies in ``cidr`` (both as strings of either family; cached parsing). An
    address is never in a CIDR of the other family."""
    base, plen = net_bounds(cidr)
    n = ip_int(ip)
    if base >= V6_BASE:
        return n >= V6_BASE and V6_BASE + ((n - V6_BASE) & _MASKS6[plen]) == base
    return n < V6_BASE and n & _MASKS[plen] == base


_RFC1918 = (net_bounds("10.0.0.0/8"), net_bounds("172.16.0.0/12"), net_bounds("192.168.0.0/16"))


def is_rfc1918(ip: str) -> bool:
    """Whether ``ip`` is a private address of RFC 1918 (10/8, 172.16/12, 192.168/16); never an IPv6
    address (a VPC's IPv6 addresses are global unicast)."""
    n = ip_int(ip)
    return n < V6_BASE and any(n & _MASKS[plen] == base for base, plen in _RFC1918)


class Lpm(Generic[V]):
    """Longest-prefix match over both families: one dict per prefix length, longest first, for each
    family apart. Networks and addresses are ints of the dual-stack space (IPv6 at ``V6_BASE`` and
    above), so an IPv6 network's key is ``V6_BASE`` + its masked address."""

    __slots__ = ("_lengths", "_lengths6", "_tables", "_tables6")

    def __init__(self) -> None:
        self._tables: dict[int, dict[int, V]] = {}
        self._lengths: tuple[int, ...] = ()
        self._tables6: dict[int, dict[int, V]] = {}
        self._lengths6: tuple[int, ...] = ()

    def add(self, network: int, prefixlen: int, value: V) -> None:
        if network >= V6_BASE:
            self._tables6.setdefault(prefixlen, {})[network] = value
            self._lengths6 = tuple(sorted(self._tables6, reverse=True))
            return
        self._tables.setdefault(prefixlen, {})[network] = value
        self._lengths = tuple(sorted(self._tables, reverse=True))

    def get(self, network: int, prefixlen: int) -> V | None:
        tables = self._tables6 if network >= V6_BASE else self._tables
        return tables.get(prefixlen, {}).get(network)

    def lookup(self, ip: int) -> V | None:
        if ip >= V6_BASE:
            return self._lookup6(ip - V6_BASE)
        tables = self._tables
        for plen in self._lengths:
            hit = tables[plen].get(ip & _MASKS[plen])
            if hit is not None:
                return hit
        return None

    def _lookup6(self, raw: int) -> V | None:
        tables = self._tables6
        for plen in self._lengths6:
            hit = tables[plen].get(V6_BASE + (raw & _MASKS6[plen]))
            if hit is not None:
                return hit
        return None


class ForwardingView:
    """Indexes over one version of a World. Use :func:`forwarding_view` to get the current one."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.version = world.version
        self._rtb: dict[str, Lpm[ForwardingEntry]] = {}
        self._tgw_rtb: dict[str, Lpm[TransitGatewayRoute]] = {}
        self._vpc: dict[str, _VpcIndex] = {}
        self._public: dict[str, NetworkInterface] | None = None
        self._subnets: Lpm[list[Subnet]] | None = None
        # Transit gateway route tables are few (≤ 20 per gateway) but large (hundreds of propagated
        # routes): built here, with the view, so no single trace pays for one (a lazily built TGW
        # table was the whole p99 of a trace on AWS-MAX). VPC route tables stay lazy: they are many
        # and small.
        for tgw_rtb in world.all(TransitGatewayRouteTable):
            self._tgw_rtb[tgw_rtb.id] = self._build_tgw(tgw_rtb.id)

    # -- routing ---------------------------------------------------------------------------
    def route(self, route_table_id: str, ip: str) -> ForwardingEntry | None:
        """The entry a packet to ``ip`` matches in a VPC route table (its ``state`` may be
        ``blackhole``), or None when no route matches."""
        index = self._rtb.get(route_table_id)
        if index is None:
            index = self._rtb[route_table_id] = self._build_rtb(route_table_id)
        return index.lookup(ip_int(ip))

    def _build_rtb(self, route_table_id: str) -> Lpm[ForwardingEntry]:
        index: Lpm[ForwardingEntry] = Lpm()
        rtb = self.world.get(route_table_id, RouteTable)
        if rtb is None:
            return index
        for entry in forwarding_entries(self.world, rtb, family=None):
            net = int(entry.network.network_address) + (0 if entry.network.version == 4 else V6_BASE)
            current = index.get(net, entry.prefixlen)
            if current is None or entry > current:
                index.add(net, entry.prefixlen, entry)
        return index

    def tgw_route(self, tgw_route_table_id: str, ip: str) -> TransitGatewayRoute | None:
        """The route a packet to ``ip`` takes in a transit gateway route table, or None."""
        index = self._tgw_rtb.get(tgw_route_table_id)
        if index is None:
            index = self._tgw_rtb[tgw_route_table_id] = self._build_tgw(tgw_route_table_id)
        return index.lookup(ip_int(ip))

    def _build_tgw(self, tgw_route_table_id: str) -> Lpm[TransitGatewayRoute]:
        index: Lpm[TransitGatewayRoute] = Lpm()
        rtb = self.world.get(tgw_route_table_id, TransitGatewayRouteTable)
        if rtb is not None:
            for r in tgw_routes(self.world, rtb, family=None):
                index.add(*route_key(r), r)
        return index

    # -- VPC contents ----------------------------------------------------------------------
    def vpc(self, vpc_id: str) -> _VpcIndex:
        index = self._vpc.get(vpc_id)
        if index is None:
            index = self._vpc[vpc_id] = _VpcIndex(self.world, vpc_id)
        return index

    def route_table_of_subnet(self, subnet_id: str) -> RouteTable | None:
        subnet = self.world.get(subnet_id, Subnet)
        return None if subnet is None else self.vpc(subnet.vpc_id).route_tables.get(subnet_id)

    def acl_of_subnet(self, subnet_id: str) -> NetworkAcl | None:
        subnet = self.world.get(subnet_id, Subnet)
        return None if subnet is None else self.vpc(subnet.vpc_id).acls.get(subnet_id)

    def subnet_at(self, vpc_id: str, ip: str) -> Subnet | None:
        """The subnet of ``vpc_id`` whose CIDR holds ``ip``, or None."""
        return self.vpc(vpc_id).subnets.lookup(ip_int(ip))

    def interface_at(self, vpc_id: str, ip: str) -> NetworkInterface | None:
        """The interface of ``vpc_id`` with private address ``ip`` (primary or secondary), or IPv6
        address ``ip``, or None."""
        return self.vpc(vpc_id).interfaces.get(canonical_ip(ip) if is_ipv6(ip) else ip)

    def vpc_holds(self, vpc_id: str, ip: str) -> bool:
        """Whether ``ip`` lies in one of the VPC's associated CIDR blocks."""
        return self.vpc(vpc_id).cidrs.lookup(ip_int(ip)) is not None

    def interface_by_public_ip(self, ip: str) -> NetworkInterface | None:
        """The interface a public IPv4 address (auto-assigned or Elastic) is mapped to, or None; for
        an IPv6 address, the interface that holds it (a VPC's IPv6 addresses are global: the internet
        reaches the interface by its own address, no translation)."""
        if self._public is None:
            self._public = {e.public_ip: e for e in self.world.all(NetworkInterface) if e.public_ip}
            for e in self.world.all(NetworkInterface):
                for a in e.ipv6_addresses:
                    self._public[a] = e
        return self._public.get(canonical_ip(ip) if is_ipv6(ip) else ip)

    def subnets_containing(self, ip: str) -> list[Subnet]:
        """Every subnet, in any VPC, whose CIDR holds ``ip`` (several when VPCs overlap)."""
        if self._subnets is None:
            self._subnets = Lpm()
            for s in self.world.all(Subnet):
                for block in _subnet_blocks(s):
                    base, plen = net_bounds(block)
                    bucket = self._subnets.get(base, plen)
                    if bucket is None:
                        self._subnets.add(base, plen, [s])
                    else:
                        bucket.append(s)
        return list(self._subnets.lookup(ip_int(ip)) or [])

    def primary_interface(self, instance: Instance) -> NetworkInterface | None:
        for eni_id in instance.network_interface_ids:
            eni = self.world.get(eni_id, NetworkInterface)
            if eni is not None and eni.device_index in (0, None):
                return eni
        ids = instance.network_interface_ids
        return self.world.get(ids[0], NetworkInterface) if ids else None


def _subnet_blocks(subnet: Subnet) -> tuple[str, ...]:
    """A subnet's CIDR blocks: its IPv4 block (none in an IPv6-only subnet), and its IPv6 /64 when it
    has one."""
    return tuple(b for b in (subnet.cidr_block, subnet.ipv6_cidr_block) if b)


@lru_cache(maxsize=65536)
def canonical_ip(ip: str) -> str:
    """An IPv6 address in its canonical (compressed, lower-case) spelling, so every spelling of one
    address finds the same interface."""
    from ipaddress import IPv6Address

    return str(IPv6Address(ip))


class _VpcIndex:
    """Per-VPC lookups: subnet → route table / network ACL, address → subnet / interface."""

    __slots__ = ("acls", "cidrs", "interfaces", "route_tables", "subnets")

    def __init__(self, world: World, vpc_id: str) -> None:
        subnets = list(world.in_vpc(vpc_id, Subnet))
        main: RouteTable | None = None
        explicit: dict[str, RouteTable] = {}
        for rt in world.in_vpc(vpc_id, RouteTable):
            for assoc in rt.associations:
                if assoc.main:
                    main = rt
                elif assoc.subnet_id:
                    explicit[assoc.subnet_id] = rt
        self.route_tables: dict[str, RouteTable] = {}
        for s in subnets:
            table = explicit.get(s.id, main)
            if table is not None:
                self.route_tables[s.id] = table
        self.acls: dict[str, NetworkAcl] = {}
        for acl in world.in_vpc(vpc_id, NetworkAcl):
            for a in acl.associations:
                self.acls[a.subnet_id] = acl
        self.subnets: Lpm[Subnet] = Lpm()
        for s in subnets:
            for block in _subnet_blocks(s):
                base, plen = net_bounds(block)
                self.subnets.add(base, plen, s)
        self.interfaces: dict[str, NetworkInterface] = {}
        for eni in world.in_vpc(vpc_id, NetworkInterface):
            for ip in eni.private_ip_addresses:
                self.interfaces[ip] = eni
            for ip in eni.ipv6_addresses:
                self.interfaces[canonical_ip(ip)] = eni
        self.cidrs: Lpm[str] = Lpm()
        vpc = world.get(vpc_id, Vpc)
        for cidr in (*vpc.cidr_blocks, *vpc.ipv6_cidr_blocks) if vpc is not None else ():
            base, plen = net_bounds(cidr)
            self.cidrs.add(base, plen, cidr)


_VIEWS: weakref.WeakKeyDictionary[World, ForwardingView] = weakref.WeakKeyDictionary()


def forwarding_view(world: World) -> ForwardingView:
    """The World's current forwarding view (a new one after every committed change)."""
    view = _VIEWS.get(world)
    if view is None or view.version != world.version:
        view = _VIEWS[world] = ForwardingView(world)
    return view


def warm(
    view: ForwardingView, route_table_ids: Iterable[str] = (), tgw_route_table_ids: Iterable[str] = ()
) -> None:
    """Build the indexes of these tables now (benchmarks separate build time from lookup time)."""
    for rid in route_table_ids:
        view.route(rid, "0.0.0.0")
    for tid in tgw_route_table_ids:
        view.tgw_route(tid, "0.0.0.0")
