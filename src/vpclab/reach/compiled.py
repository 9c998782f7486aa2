"""The compiled forwarding view of a World: address atoms and per-table forwarding decisions.

DESIGN §4: scale comes from equivalence classes. The prefixes the network mentions (route
destinations, prefix-list entries, VPC and subnet CIDRs, on-premises networks, ACL and security
group CIDRs) split the IPv4 space into *atoms*: maximal address ranges that no prefix cuts. Every
forwarding decision is constant over an atom, so it is taken once per (route table, atom) and
(TGW route table, atom), not once per packet.

A compiled table is a run-length array over addresses: ``starts`` (sorted, the first is 0) and
one hop per run, so "the hop for every atom" is one ``np.searchsorted`` and "the hop for one
address" one ``bisect``. The decisions follow AWS's priorities, through the model's own
evaluation order: ``model.route_table.forwarding_entries`` (longest prefix, then static over
prefix-list over propagated) and ``model.transit_gateway.tgw_routes`` (static > prefix-list >
propagated VPC > Direct Connect > Connect > VPN > peering), so the compiled view and the model can
never disagree about priority. ``compile_world`` compiles all tables at once
(``reach.compile_tables``, ``runs.paint_many``); ``compile_route_table`` and
``compile_tgw_route_table`` compile one (the incremental intent checker's path, and the reference
the batch is tested against).

IPv6 (issue 9): ``compile_world(world, family=6)`` compiles the IPv6 half of a dual-stack network with
the same design. Its prefixes are compiled in plain 128-bit integers (Python ints: ``paint`` and
``Runs`` are exact at any width) and then **coordinate-compressed**: every prefix boundary the
network mentions (route destinations, VPC /56s, subnet /64s, NACL and security group IPv6 CIDRs,
prefix-list entries, transit gateway routes) is sorted, and each boundary is replaced by its rank.
Ranks preserve order and every decision is constant between two boundaries, so the atoms, the
run-length tables and every matrix computation run unchanged — on uint64 arrays, since there are
far fewer boundaries than 2**32 — over an exact image of the IPv6 space. ``Compiled.space`` maps
what comes later (an interface's address, an allowed-address set) into the same coordinates. (The
alternative, two uint64 columns per address, would have doubled every vectorised comparison; the
ranks keep the IPv4 code path, and its speed, exactly as it was.)

Hops are small tuples: ``("local", vpc_id)``, ``("pcx", pcx_id)``, ``("tgw", tgw_id)``,
``("att", attachment_id)`` (TGW tables), ``("mbox", eni_instance_or_vpce_id)`` (a middlebox: an
interface or instance, or a Gateway Load Balancer endpoint, whose packets come back out of it),
``("blackhole", target)``, ``("other", target)`` (internet, NAT and VPN gateways, gateway
endpoints: the packet leaves the subnet fabric) and ``NO_ROUTE``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

import numpy as np

from ..core.addresses import AddressSet
from ..core.collect import collector_paused
from ..model.network_acl import NetworkAcl, entry_network
from ..model.peering import VpcPeeringConnection
from ..model.prefix_lists import prefix_list_cidrs
from ..model.route_table import (
    Route,
    RouteTable,
    route_state,
)
from ..model.security_group import SecurityGroup
from ..model.subnet import Subnet
from ..model.transit_gateway import (
    TransitGatewayAttachment,
    TransitGatewayRouteTable,
    best_routes,
    candidate_routes,
)
from ..model.vpc import Vpc
from ..model.vpn import propagated_routes
from .compile_tables import compile_route_tables, compile_tgw_route_tables, route_rank
from .runs import NO_ROUTE, Hop, Runs, paint
from .space import _SPACE, _SPANS, _SPANS6, V4, Space, _span, _span6

if TYPE_CHECKING:
    from ..model.world import World

__all__ = ["NO_ROUTE", "Hop", "Runs", "paint"]  # re-exported: their home is ``reach.runs``
#: a ranked route's sort key: (prefix length, priority, -position), the winner last
_RANK = itemgetter(0, 1, 2)


def route_hop(route_table: RouteTable, route: Route, state: str, target: str | None = None) -> Hop:
    """The hop of ``route`` in ``route_table`` in ``state`` (``target``: ``route.target``, when the
    caller has it already)."""
    if target is None:
        target = route.target
    if state != "active":
        return ("blackhole", target)
    if route.gateway_id == "local":
        return ("local", route_table.vpc_id)
    if route.vpc_peering_connection_id:
        return ("pcx", target)
    if route.transit_gateway_id:
        return ("tgw", target)
    if route.network_interface_id or route.instance_id:
        return ("mbox", target)
    if route.vpc_endpoint_id:
        return ("mbox", target)  # a Gateway Load Balancer endpoint
    return ("other", target)


def compile_route_table(
    world: World,
    route_table: RouteTable,
    states: dict[tuple[str, str], str] | None = None,
    space: Space = V4,
) -> Runs:
    """Longest-prefix match with AWS's tie-breaks, decided once per address range.

    The ranking is ``model.route_table.forwarding_entries``'s (longest prefix, then static over
    prefix-list over propagated, then the earlier route), computed here on integer spans; a
    route's state comes from ``model.route_table.route_state``, remembered per (VPC, target) in
    ``states`` across the tables of one compilation.
    """
    routes: Iterable[Route] = route_table.routes
    if route_table.propagating_vgws:
        routes = (*routes, *propagated_routes(world, route_table))
    v6 = space.family == 6
    span = _span6 if v6 else _span  # = space.span, one call less per route
    vpc_id = route_table.vpc_id
    ranked: list[tuple[int, int, int, tuple[int, int], Hop]] = []
    for position, route in enumerate(routes):
        ranked_as = route_rank(world, route, v6)  # None: the other family's, skipped before its state
        if ranked_as is None:
            continue
        cidrs, priority = ranked_as
        if states is None:
            state = route_state(world, route_table, route)
        else:
            key = (vpc_id, route.target)
            known = states.get(key)
            state = (
                known if known is not None else states.setdefault(key, route_state(world, route_table, route))
            )
        hop = route_hop(route_table, route, state)
        for c in cidrs:
            sp = span(c)
            # the span's bit length ranks prefix lengths in either family (longer prefix, smaller span)
            ranked.append((33 - (sp[1] - sp[0]).bit_length(), priority, -position, sp, hop))
    ranked.sort(key=_RANK)  # ascending: the winner comes last
    items = [(sp[0], sp[1], hop) for _, _, _, sp, hop in ranked]
    return paint(items, space.end, frozenset([e[3] for e in ranked]))


def compile_tgw_route_table(world: World, route_table: TransitGatewayRouteTable, space: Space = V4) -> Runs:
    """The TGW table's effective routes (one per destination, AWS's evaluation order), as runs."""
    routes = best_routes(candidate_routes(world, route_table, family=space.family))
    ranked = []
    for r in sorted(routes, key=lambda r: r.network.prefixlen):
        if r.state != "active" or not r.transit_gateway_attachment_ids:
            hop: Hop = ("blackhole", r.destination_cidr_block or "")
        else:  # ECMP over several VPN attachments: vpclab follows the first
            hop = ("att", r.transit_gateway_attachment_ids[0])
        ranked.append((*space.span(r.destination_cidr_block or "0.0.0.0/32"), hop))
    return paint(ranked, space.end)


def acl_allowed(acl: NetworkAcl, egress: bool, protocol: str, port: int | None) -> AddressSet:
    """The addresses (destination outbound, source inbound) the ACL allows for this protocol and port:
    the first matching entry in rule-number order decides, as ``model.network_acl.acl_decision``."""
    from .result import icmp_code

    remaining, allowed = AddressSet.everything(), AddressSet()
    code = icmp_code(protocol, port)  # echo request and reply: code 0, as the tracer takes them
    for entry in acl.entries_for(egress):  # entries of both families: each matches its own
        net = entry_network(entry.cidr)
        if not entry.matches(protocol, port, net.network_address, code):
            continue
        hit = AddressSet([net]) & remaining
        if entry.rule_action == "allow":
            allowed = allowed | hit
        remaining = remaining - hit
    return allowed


def in_set(addresses: np.ndarray, aset: AddressSet) -> np.ndarray:
    """Vectorised membership of uint64 addresses in an AddressSet."""
    iv = aset.intervals
    if not iv:
        return np.zeros(len(addresses), dtype=bool)
    lo = np.fromiter((s for s, _ in iv), dtype=np.uint64, count=len(iv))
    hi = np.fromiter((e for _, e in iv), dtype=np.uint64, count=len(iv))
    k = np.searchsorted(lo, addresses, side="right") - 1
    ok = k >= 0
    return ok & (addresses < hi[np.maximum(k, 0)])


@dataclass(slots=True)
class SubnetInfo:
    id: str
    vpc_id: str
    az: str
    lo: int
    hi: int
    route_table_id: str
    acl_id: str


@dataclass(slots=True)
class AttachmentInfo:
    id: str
    type: str
    vpc_id: str | None
    #: availability zone → the attachment subnet's route table (VPC attachments)
    az_route_tables: dict[str, str]
    #: transit gateway id → associated TGW route table (both sides of a peering attachment)
    associations: dict[str, str]
    #: transit gateway id → the gateway on the other side (peering attachments)
    peer_of: dict[str, str]
    #: availability zone → the attachment subnet (VPC attachments; same order as az_route_tables)
    az_subnets: dict[str, str] = field(default_factory=dict)
    #: ApplianceModeSupport enabled (a flow's reply enters through its request's Availability Zone)
    appliance_mode: bool = False


@dataclass
class Compiled:
    """Everything the matrix and the intent checker read, taken from a World at one version."""

    version: int
    subnets: dict[str, SubnetInfo]
    vpc_spans: dict[str, tuple[tuple[int, int], ...]]
    #: (tgw id, vpc id) → the VPC's available attachment
    vpc_attachments: dict[tuple[str, str], AttachmentInfo]
    attachments: dict[str, AttachmentInfo]
    #: active peering connections: id → (requester vpc, accepter vpc)
    peerings: dict[str, tuple[str, str]]
    acls: dict[str, NetworkAcl]
    #: interfaces and instances that forward traffic not addressed to them (source/destination
    #: check off): id → (subnet id, VPC id)
    middleboxes: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: every prefix the network mentions, and the subset that drives routing/filtering decisions
    prefixes: set[tuple[int, int]] = field(default_factory=set)
    routing_prefixes: set[tuple[int, int]] = field(default_factory=set)
    route_tables: dict[str, Runs] = field(default_factory=dict)
    tgw_tables: dict[str, Runs] = field(default_factory=dict)
    #: the address coordinates (IPv4 as is; IPv6 compressed)
    space: Space = V4

    def atoms(self) -> np.ndarray:
        """Atom starts: a sorted uint64 array beginning at 0; atom k is [a[k], a[k+1]) (the last
        ends at 2^32)."""
        return boundaries(self.prefixes)

    def routing_atoms(self) -> np.ndarray:
        """The coarser atoms of the prefixes that decide something (subnet CIDRs only name owners)."""
        return boundaries(self.routing_prefixes)


def boundaries(prefixes: Iterable[tuple[int, int]]) -> np.ndarray:
    points = {0}
    for s, e in prefixes:
        points.add(s)
        if e < _SPACE:
            points.add(e)
    return np.array(sorted(points), dtype=np.uint64)


def atom_of(atoms: np.ndarray, addresses: np.ndarray | int) -> np.ndarray:
    """The atom index of each address (``np.searchsorted`` on the atom starts)."""
    return np.searchsorted(atoms, np.asarray(addresses, dtype=np.uint64), side="right") - 1


def _route_table_associations(world: World, vpc_id: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """(VPC id → its main route table, subnet id → its explicitly associated route table)."""
    main: dict[str, str] = {}
    explicit: dict[str, str] = {}
    for rt in world.all(RouteTable) if vpc_id is None else world.in_vpc(vpc_id, RouteTable):
        for a in rt.associations:
            if a.main:
                main[rt.vpc_id] = rt.id
            elif a.subnet_id:
                explicit[a.subnet_id] = rt.id
    return main, explicit


def _acl_associations(world: World, vpc_id: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """(VPC id → its default network ACL, subnet id → its associated network ACL)."""
    default: dict[str, str] = {}
    explicit: dict[str, str] = {}
    for acl in world.all(NetworkAcl) if vpc_id is None else world.in_vpc(vpc_id, NetworkAcl):
        if acl.is_default:
            default[acl.vpc_id] = acl.id
        for a in acl.associations:
            explicit[a.subnet_id] = acl.id
    return default, explicit


def subnet_route_tables(world: World, vpc_id: str | None = None) -> dict[str, str]:
    """subnet id → route table id (explicit association, else the VPC's main table), for every
    subnet or those of one VPC."""
    main, explicit = _route_table_associations(world, vpc_id)
    subnets = world.all(Subnet) if vpc_id is None else world.in_vpc(vpc_id, Subnet)
    return {s.id: explicit.get(s.id) or main.get(s.vpc_id, "") for s in subnets}


def subnet_acls(world: World, vpc_id: str | None = None) -> dict[str, str]:
    """subnet id → network ACL id (its association, else the VPC's default ACL)."""
    default, explicit = _acl_associations(world, vpc_id)
    subnets = world.all(Subnet) if vpc_id is None else world.in_vpc(vpc_id, Subnet)
    return {s.id: explicit.get(s.id) or default.get(s.vpc_id, "") for s in subnets}


def attachment_info(world: World, att: TransitGatewayAttachment, subnet_rt: dict[str, str]) -> AttachmentInfo:
    az_rts: dict[str, str] = {}
    az_subs: dict[str, str] = {}
    for sid in att.subnet_ids:
        sub = world.get(sid, Subnet)
        if sub is not None and sub.availability_zone not in az_rts:
            az_rts[sub.availability_zone] = subnet_rt.get(sid, "")
            az_subs[sub.availability_zone] = sid
    assoc: dict[str, str] = {}
    peer: dict[str, str] = {}
    for tgw_id in att.transit_gateway_ids:
        rtb = att.association_for(tgw_id)
        if rtb:
            assoc[tgw_id] = rtb
    if att.resource_type == "peering" and att.peer_transit_gateway_id:
        peer = {
            att.transit_gateway_id: att.peer_transit_gateway_id,
            att.peer_transit_gateway_id: att.transit_gateway_id,
        }
    info = AttachmentInfo(att.id, att.resource_type, att.vpc_id, az_rts, assoc, peer, az_subs)
    info.appliance_mode = att.appliance_mode_support == "enable"
    return info


def middlebox(world: World, target: str) -> tuple[str, str] | None:
    """(subnet, VPC) of an interface or instance (its primary interface) that forwards traffic
    (source/destination check off, AWS "ENI_SOURCE_DEST_CHECK_RESTRICTION"), or of a Gateway Load
    Balancer endpoint whose appliance path works (``reach.gwlb``: the packet comes back out of the
    endpoint, in its subnet), else None."""
    from ..model.endpoints import VpcEndpoint
    from ..model.interfaces import Instance, NetworkInterface
    from .gwlb import endpoint_works

    res = world.get(target)
    if isinstance(res, VpcEndpoint):
        if res.subnet_ids and res.state.lower() == "available" and endpoint_works(world, res):
            return res.subnet_ids[0], res.vpc_id
        return None
    if isinstance(res, Instance):
        res = world.get(res.network_interface_ids[0], NetworkInterface) if res.network_interface_ids else None
    if isinstance(res, NetworkInterface) and not res.source_dest_check:
        return res.subnet_id, res.vpc_id
    return None


def middleboxes(world: World) -> dict[str, tuple[str, str]]:
    """Every route target that is a middlebox, by the id the routes name."""
    out: dict[str, tuple[str, str]] = {}
    for rt in world.all(RouteTable):
        for r in rt.routes:
            target = r.network_interface_id or r.instance_id or r.vpc_endpoint_id
            if target and target not in out:
                box = middlebox(world, target)
                if box is not None:
                    out[target] = box
    return out


def compile_world(world: World, *, tables: bool = True, family: int = 4) -> Compiled:
    """Compile every subnet, attachment, peering, ACL and (with ``tables``) every route table, for
    IPv4 or (``family=6``) IPv6: then only subnets with an IPv6 block take part.

    The cyclic collector is paused meanwhile (``core.collect``): the compilation allocates some
    hundred thousand tuples and frees almost none, and on AWS-MAX each full collection it triggered
    walked the whole World (0.4–0.6 s of a 1.0 s compile; docs/benchmarks.md, "Compile")."""
    if family not in (4, 6):
        raise ValueError(f"family must be 4 or 6, not {family!r}")
    with collector_paused():
        return _compile_world(world, tables, family)


def _compile_world(world: World, tables: bool, family: int) -> Compiled:
    v6 = family == 6
    space = Space(6) if v6 else V4
    span = _span6 if v6 else _span  # = space.span, one call less per CIDR
    known = _SPANS6 if v6 else _SPANS  # its cache, read first
    # subnet_route_tables and subnet_acls, in the one pass over the subnets
    main_rt, explicit_rt = _route_table_associations(world, None)
    default_acl, explicit_acl = _acl_associations(world, None)
    subnet_rt: dict[str, str] = {}
    subnets: dict[str, SubnetInfo] = {}
    subnet_spans: list[tuple[int, int]] = []
    rt_of, main_of, acl_of, default_of = explicit_rt.get, main_rt.get, explicit_acl.get, default_acl.get
    known_span, add_span = known.get, subnet_spans.append
    for s in world.all(Subnet):
        sid, vpc_id = s.id, s.vpc_id
        rt_id = subnet_rt[sid] = rt_of(sid) or main_of(vpc_id, "")
        block = s.ipv6_cidr_block if v6 else s.cidr_block
        if block:  # IPv6-only subnets are absent from the IPv4 matrix
            sp = known_span(block) or span(block)
            add_span(sp)
            acl_id = acl_of(sid) or default_of(vpc_id, "")
            subnets[sid] = SubnetInfo(sid, vpc_id, s.availability_zone, sp[0], sp[1], rt_id, acl_id)
    vpc_spans = {v.id: tuple(map(span, v.ipv6_cidr_blocks if v6 else v.cidr_blocks)) for v in world.all(Vpc)}
    attachments: dict[str, AttachmentInfo] = {}
    vpc_atts: dict[tuple[str, str], AttachmentInfo] = {}
    for att in world.all(TransitGatewayAttachment):
        if att.state != "available":
            continue
        info = attachment_info(world, att, subnet_rt)
        attachments[att.id] = info
        if att.resource_type == "vpc":
            vpc_atts.setdefault((att.transit_gateway_id, att.resource_id), info)
    peerings = {
        p.id: (p.requester_vpc_id, p.accepter_vpc_id) for p in world.all(VpcPeeringConnection) if p.is_active
    }
    acls = {a.id: a for a in world.all(NetworkAcl)}
    c = Compiled(world.version, subnets, vpc_spans, vpc_atts, attachments, peerings, acls)
    c.middleboxes = middleboxes(world)
    for spans in vpc_spans.values():
        c.routing_prefixes.update(spans)
    # NACL and security group CIDRs: each distinct text once (AWS-MAX: ~225,000 rules, few texts)
    blocks: set[str | None] = set()
    entry_block = _ENTRY_BLOCK[v6]
    # ACLs stamped from one template share its entries: each tuple once
    for entries in {id(a.entries): a.entries for a in acls.values()}.values():
        blocks.update(map(entry_block, entries))
    lists: set[str] = set()
    rule_block = _RULE_BLOCK[v6]
    groups = list(world.all(SecurityGroup))
    for side in (_INGRESS, _EGRESS):  # every rule (sg.all_rules), at C speed
        blocks.update(map(rule_block, chain.from_iterable(map(side, groups))))
    if v6:  # a referenced list's IPv6 entries are boundaries too
        for sg in groups:
            lists.update(r.prefix_list_id for r in sg.all_rules if r.prefix_list_id and not r.cidr_ipv6)
    for pl in lists:
        blocks.update(x for x in prefix_list_cidrs(world, pl) if ":" in x)
    c.routing_prefixes.update(span(b) for b in blocks if b)
    c.space = space
    if tables:
        _compile_tables(world, c, space)
    c.prefixes = set(c.routing_prefixes)
    c.prefixes.update(subnet_spans)
    if v6:
        _compress(c)
    return c


#: a NACL entry's and a security group rule's CIDR of one family (IPv6: ``[True]``)
_ENTRY_BLOCK = (attrgetter("cidr_block"), attrgetter("ipv6_cidr_block"))
_RULE_BLOCK = (attrgetter("cidr_ipv4"), attrgetter("cidr_ipv6"))
_INGRESS, _EGRESS = attrgetter("ingress"), attrgetter("egress")


def _compile_tables(world: World, c: Compiled, space: Space) -> None:
    """Every route table and TGW route table of ``world`` into ``c`` (their prefixes join the
    routing prefixes), all at once (``reach.compile_tables``: the same runs as
    ``compile_route_table`` and ``compile_tgw_route_table`` give table by table)."""
    c.route_tables = compile_route_tables(world, world.all(RouteTable), {}, space)
    c.tgw_tables = compile_tgw_route_tables(world, world.all(TransitGatewayRouteTable), space)
    prefixes = c.routing_prefixes
    for runs in {id(r): r for r in (*c.route_tables.values(), *c.tgw_tables.values())}.values():
        prefixes.update(runs.prefixes)  # tables of one shape share their runs: each once


def _compress(c: Compiled) -> None:
    """Replace every plain 128-bit coordinate of an IPv6 compilation by its boundary's rank."""
    points = {0, 1 << 128}
    for lo, hi in c.prefixes:
        points.add(lo)
        points.add(hi)
    for runs in (*c.route_tables.values(), *c.tgw_tables.values()):
        points.update(runs.starts)
    space = c.space = Space(6, sorted(points))
    idx = {p: k for k, p in enumerate(space.points)}

    def pair(p: tuple[int, int]) -> tuple[int, int]:
        return idx[p[0]], idx[p[1]]

    for info in c.subnets.values():
        info.lo, info.hi = idx[info.lo], idx[info.hi]
    c.vpc_spans = {v: tuple(pair(p) for p in spans) for v, spans in c.vpc_spans.items()}
    c.routing_prefixes = {pair(p) for p in c.routing_prefixes}
    c.prefixes = {pair(p) for p in c.prefixes}
    for table in (c.route_tables, c.tgw_tables):
        for k, runs in table.items():
            table[k] = Runs(
                tuple(idx[x] for x in runs.starts), runs.hops, frozenset(pair(p) for p in runs.prefixes)
            )


_VIEWS: WeakKeyDictionary[World, Compiled] = WeakKeyDictionary()


_VIEWS6: WeakKeyDictionary[World, Compiled] = WeakKeyDictionary()


def compiled_view(world: World, family: int = 4) -> Compiled:
    """The compiled view of ``world`` at its current version, compiled once per version and family
    (matrices for several ports of one World share it)."""
    if getattr(world, "_journal", None) is not None:
        # inside an open transaction the version has not moved yet
        return compile_world(world, family=family)
    views = _VIEWS6 if family == 6 else _VIEWS
    found = views.get(world)
    if found is None or found.version != world.version:
        found = views[world] = compile_world(world, family=family)
    return found
