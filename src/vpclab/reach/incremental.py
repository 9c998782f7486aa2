"""Reachability intents, re-checked incrementally as the World changes.

    >>> checker = IntentChecker(world, [Intent(("vpc-a",), ("vpc-b",), "tcp", 443, "reachable")])
    >>> checker.violations()            # [] while the intent holds
    >>> world.put(changed_route_table)  # the checker hears of it (World.subscribe)
    >>> checker.violations()            # re-answers only the intents that read what changed

An intent names sources and destinations (subnet or VPC ids; a VPC stands for its subnets), a
protocol and port, and what is expected: ``reachable`` (every source subnet reaches every
destination subnet, by the matrix's semantics, ``vpclab.reach.matrix``) or ``unreachable`` (none
does).

Incrementality: the checker keeps a compiled view (``vpclab.reach.compiled``) and, per intent and
per (source, destination) subnet pair, the verdict and the ids its walk read (route tables, TGW
route tables and attachments, peering connections, subnets, network ACLs). A committed change set
is mapped to the compiled parts it touches — a route table is recompiled, a network ACL's answers
forgotten, a peering's state updated, the tables whose routes target a changed resource
recompiled — and only pairs that read one of them are walked again. A recompiled route table or
TGW route table is finer than its id: it changed only in the address ranges where its hops differ
(``runs.changed_ranges``; none: nothing changed), and a walk looks every table up at the
request's or the reply's destination — an address of the pair's own two subnets — so a pair is
walked again only when such a range meets one of its subnets (a route to a range no pair of the
intent sends to changes none of its answers and costs no walk). Changes this module cannot
localise (VPC and subnet CIDRs, VPN advertisements, kinds it does not know) rebuild the compiled
view and re-answer every intent: always correct, sometimes slower.

IPv6 (issue 9): ``IntentChecker(world, intents, family=6)`` checks the IPv6 flows of a dual-stack
network over the compiled view's compressed coordinates (``vpclab.reach.compiled``). A recompiled
table or ACL whose IPv6 prefixes are all boundaries the view already has is fitted into them and
handled incrementally as above; a change that brings a new IPv6 boundary rebuilds the view.

Address pieces: a subnet is evaluated at each piece the routing atoms cut it into. New prefixes
add atom boundaries; boundaries are never removed incrementally (an extra boundary splits a piece
into two that behave alike, which changes no answer).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

from ..model.base import Resource
from ..model.endpoints import VpcEndpoint, VpcEndpointService
from ..model.gateways import InternetGateway, NatGateway
from ..model.interfaces import Instance, NetworkInterface
from ..model.load_balancer import Listener, LoadBalancer, TargetGroup
from ..model.network_acl import NetworkAcl
from ..model.peering import VpcPeeringConnection
from ..model.prefix_lists import ManagedPrefixList
from ..model.route_table import RouteTable
from ..model.security_group import SecurityGroup
from ..model.transit_gateway import TransitGateway, TransitGatewayAttachment, TransitGatewayRouteTable
from .classes import AclCache, return_port
from .compiled import (
    Compiled,
    Runs,
    attachment_info,
    compile_route_table,
    compile_tgw_route_table,
    compile_world,
    middlebox,
    subnet_acls,
    subnet_route_tables,
)
from .exact_pairs import Walker
from .pair import pair_verdict
from .result import family_protocol
from .runs import changed_ranges

if TYPE_CHECKING:
    from ..model.world import Changes, World

EXPECTATIONS = ("reachable", "unreachable")
#: kinds whose changes matter only when a route names them (route targets)
_TARGET_KINDS = (InternetGateway, NatGateway, NetworkInterface, Instance, VpcEndpoint, TransitGateway)
#: kinds that never change a subnet-level verdict unless a route names them
_QUIET_KINDS = (SecurityGroup,)
#: kinds that decide whether a Gateway Load Balancer endpoint passes traffic (``reach.gwlb``)
_GWLB_KINDS = (
    VpcEndpoint,
    VpcEndpointService,
    LoadBalancer,
    TargetGroup,
    Listener,
    Instance,
    NetworkInterface,
)

R = TypeVar("R", bound=Resource)
#: past every coordinate of either family (IPv6 compressed to ranks, IPv4 addresses)
_END = 1 << 129


class _NewBoundary(Exception):
    """An IPv6 prefix the compressed coordinates do not have: only a rebuild places it."""


def _kind(kind: type[R], res: Resource | None) -> R | None:
    """A changed resource's old or new state as its kind (an id never changes kind)."""
    return res if isinstance(res, kind) else None


@dataclass(frozen=True)
class Intent:
    """Sources and destinations (subnet or VPC ids), a flow, and the expected verdict."""

    sources: tuple[str, ...]
    destinations: tuple[str, ...]
    protocol: str = "tcp"
    port: int | None = 443
    expect: str = "reachable"
    name: str = ""

    def __post_init__(self) -> None:
        if self.expect not in EXPECTATIONS:
            raise ValueError(f"expect must be one of {EXPECTATIONS}, not {self.expect!r}")
        object.__setattr__(self, "sources", tuple(self.sources))
        object.__setattr__(self, "destinations", tuple(self.destinations))


@dataclass(frozen=True)
class IntentResult:
    intent: Intent
    holds: bool
    #: how many (source subnet, destination subnet) pairs reach, out of how many
    reachable_pairs: int
    pairs: int
    #: a pair that contradicts the expectation, when the intent does not hold
    counterexample: tuple[str, str] | None = None


class IntentChecker:
    """Answers intents over a World and keeps the answers current as the World changes."""

    def __init__(self, world: World, intents: Iterable[Intent], family: int = 4) -> None:
        self.world = world
        self.intents = list(intents)
        self.family = family
        #: each intent's protocol as its packets carry it (icmp over IPv6 is icmpv6; a ReachError for
        #: icmpv6 over IPv4), as the matrix and the tracer take it
        self._protocols = [family_protocol(i.protocol, family) for i in self.intents]
        self._pending: dict[str, tuple[Resource | None, Resource | None]] = {}
        self._rebuild()
        world.subscribe(self._hear)

    # -- public --------------------------------------------------------------------------------
    def results(self) -> list[IntentResult]:
        """Every intent's current answer (re-answering those a change may have touched)."""
        self._catch_up()
        return list(self._results.values())  # filled in intent order by ``_rebuild``

    def violations(self) -> list[IntentResult]:
        return [r for r in self.results() if not r.holds]

    #: how many intents the last catch-up answered again, and how many of their subnet pairs it
    #: walked again (for benchmarks and tests)
    last_reanswered: int = 0
    last_rewalked: int = 0

    # -- listening -----------------------------------------------------------------------------
    def _hear(self, changes: Changes) -> None:
        # runs inside the World's transaction: only remember, never fail
        for rid, (old, new) in changes.items():
            first = self._pending.get(rid)
            self._pending[rid] = (first[0] if first else old, new)

    def _catch_up(self) -> None:
        changes, self._pending = self._pending, {}
        dirty: set[str] = set()
        self._changed.clear()
        for rid, (old, new) in changes.items():
            try:
                applied = self._apply(rid, old, new, dirty)
            except _NewBoundary:
                applied = False
            if not applied:
                self._rebuild()
                return
        todo: dict[int, set[tuple[str, str]]] = {}
        for key in dirty:
            for i, pairs in self._readers.get(key, {}).items():
                todo.setdefault(i, set()).update(pairs)
        self.last_reanswered = self.last_rewalked = 0
        for i in sorted(todo):
            self._answer(i, dirty, todo[i])

    # -- compiled state ------------------------------------------------------------------------
    def _rebuild(self) -> None:
        self.c: Compiled = compile_world(self.world, family=self.family)
        self.acls = AclCache(self.c)
        self._walkers: dict[tuple[str, int | None], Walker] = {}
        #: per intent, each (source, destination) subnet pair's verdict and the ids it read
        self._pairs: dict[int, dict[tuple[str, str], tuple[bool, frozenset[str]]]] = {}
        self._points = sorted({int(p) for p in self.c.routing_atoms()})
        self._by_vpc: dict[str, list[str]] = {}
        for s in self.c.subnets.values():
            self._by_vpc.setdefault(s.vpc_id, []).append(s.id)
        self._targets: dict[str, set[str]] = {}
        self._rt_vpc = {rt.id: rt.vpc_id for rt in self.world.all(RouteTable)}
        for rt in self.world.all(RouteTable):
            self._index_targets(rt)
        self._tgw_refs: dict[str, set[str]] = {}
        for trt in self.world.all(TransitGatewayRouteTable):
            self._index_tgw(trt)
        #: who read what: id → the intents whose pairs read it → those pairs
        self._readers: dict[str, dict[int, set[tuple[str, str]]]] = {}
        #: during a catch-up: each recompiled table's ranges where its hops changed
        self._changed: dict[str, list[tuple[int, int]]] = {}
        self._results: dict[int, IntentResult] = {}
        self.last_reanswered = self.last_rewalked = 0
        for i in range(len(self.intents)):
            self._answer(i)

    def _index_targets(self, rt: RouteTable) -> None:
        for route in rt.routes:
            for ref in (route.target, route.destination_prefix_list_id):
                if ref and ref != "local":
                    self._targets.setdefault(ref, set()).add(rt.id)
        for vgw in rt.propagating_vgws:
            self._targets.setdefault(vgw, set()).add(rt.id)

    def _index_tgw(self, trt: TransitGatewayRouteTable) -> None:
        refs = {a for r in trt.routes for a in r.transit_gateway_attachment_ids}
        refs |= {r.prefix_list_id for r in trt.routes if r.prefix_list_id}
        refs |= set(trt.propagations)
        for ref in refs:
            self._tgw_refs.setdefault(ref, set()).add(trt.id)

    def _fit(self, runs: Runs) -> Runs:
        """IPv6: a freshly compiled table's 128-bit coordinates as the view's ranks (_NewBoundary when
        one is not a boundary the view has); IPv4: as it is."""
        if self.family == 4:
            return runs
        index = self.c.space.index
        try:
            return Runs(
                tuple(index[x] for x in runs.starts),
                runs.hops,
                frozenset((index[s], index[e]) for s, e in runs.prefixes),
            )
        except KeyError:
            raise _NewBoundary from None

    def _add_points(self, runs: Runs, known: Runs | None = None) -> None:
        """The atom boundaries of ``runs``' prefixes (``known``: a table whose prefixes are placed)."""
        for start, end in runs.prefixes if known is None else runs.prefixes - known.prefixes:
            for p in (start, end):
                if p < 1 << 32:
                    k = bisect_left(self._points, p)
                    if k == len(self._points) or self._points[k] != p:
                        insort(self._points, p)

    def _recompile_rt(self, rt_id: str, dirty: set[str]) -> None:
        rt = self.world.get(rt_id, RouteTable)
        old = self.c.route_tables.get(rt_id)
        if rt is None:
            self.c.route_tables.pop(rt_id, None)
            self._recompiled(rt_id, old, None, dirty)
            return
        runs = self.c.route_tables[rt_id] = self._fit(compile_route_table(self.world, rt, None, self.c.space))
        self._add_points(runs, old)
        self._recompiled(rt_id, old, runs, dirty)

    def _recompile_trt(self, trt_id: str, dirty: set[str]) -> None:
        trt = self.world.get(trt_id, TransitGatewayRouteTable)
        old = self.c.tgw_tables.get(trt_id)
        if trt is None:
            self.c.tgw_tables.pop(trt_id, None)
            self._recompiled(trt_id, old, None, dirty)
            return
        runs = self.c.tgw_tables[trt_id] = self._fit(compile_tgw_route_table(self.world, trt, self.c.space))
        self._add_points(runs, old)
        self._recompiled(trt_id, old, runs, dirty)

    def _recompiled(self, key: str, old: Runs | None, new: Runs | None, dirty: set[str]) -> None:
        """A table compiled again: dirty, with the ranges where its hops changed, when some did
        (a table's id is made dirty only here: ``_stale`` reads it as ranges). A table no pair
        reads is not even compared: nothing is answered again for it."""
        if key not in self._readers:
            return
        ranges = changed_ranges(old, new, _END)
        if ranges:
            dirty.add(key)
            self._changed.setdefault(key, []).extend(ranges)

    def _remap_subnets(self, vpc_id: str, dirty: set[str]) -> None:
        """Route table and NACL of each subnet of the VPC, after an association changed."""
        rts = subnet_route_tables(self.world, vpc_id)
        acls = subnet_acls(self.world, vpc_id)
        for sid in self._by_vpc.get(vpc_id, ()):
            info = self.c.subnets[sid]
            new = replace(info, route_table_id=rts.get(sid, ""), acl_id=acls.get(sid, ""))
            if new != info:
                self.c.subnets[sid] = new
                dirty.add(sid)

    def _apply(self, rid: str, old: Resource | None, new: Resource | None, dirty: set[str]) -> bool:
        """Update the compiled view for one changed resource; False when only a rebuild will do."""
        res = new if new is not None else old
        if isinstance(res, _GWLB_KINDS) and self._routes_to_gwlb_endpoints():
            # what a Gateway Load Balancer endpoint reaches (its service, load balancer, listener,
            # target group, appliances) is not indexed per endpoint: recompile everything
            return False
        if isinstance(res, RouteTable):
            old, new = _kind(RouteTable, old), _kind(RouteTable, new)
            if old is not None and new is not None and old.vpc_id != new.vpc_id:
                return False
            if new is not None:
                self._index_targets(new)
                self._rt_vpc[rid] = new.vpc_id
                for route in new.routes:  # a middlebox the table now names
                    target = route.network_interface_id or route.instance_id or route.vpc_endpoint_id
                    if target:
                        self._refresh_middlebox(target, dirty)
            self._recompile_rt(rid, dirty)
            if old is None or new is None or old.associations != new.associations:
                self._remap_subnets(res.vpc_id, dirty)
            return True
        if isinstance(res, TransitGatewayRouteTable):
            new = _kind(TransitGatewayRouteTable, new)
            if new is not None:
                self._index_tgw(new)
            self._recompile_trt(rid, dirty)
            return True
        if isinstance(res, NetworkAcl):
            old, new = _kind(NetworkAcl, old), _kind(NetworkAcl, new)
            if new is None:
                self.c.acls.pop(rid, None)
            else:
                self.c.acls[rid] = new
                for e in new.entries:
                    block = e.ipv6_cidr_block if self.family == 6 else e.cidr_block
                    if block:
                        span = self.c.space.span(block)
                        self._add_points(self._fit(Runs((0,), (("none", ""),), frozenset({span}))))
            self.acls.forget(rid)
            dirty.add(rid)
            if (
                old is None
                or new is None
                or old.associations != new.associations
                or old.is_default != new.is_default
            ):
                self._remap_subnets(res.vpc_id, dirty)
            return True
        if isinstance(res, VpcPeeringConnection):
            new = _kind(VpcPeeringConnection, new)
            if new is not None and new.is_active:
                self.c.peerings[rid] = (new.requester_vpc_id, new.accepter_vpc_id)
            else:
                self.c.peerings.pop(rid, None)
            dirty.add(rid)
            for rt_id in list(self._targets.get(rid, ())):
                self._recompile_rt(rt_id, dirty)
            return True
        if isinstance(res, TransitGatewayAttachment):
            return self._attachment(
                rid, _kind(TransitGatewayAttachment, old), _kind(TransitGatewayAttachment, new), dirty
            )
        if isinstance(res, ManagedPrefixList):
            for rt_id in list(self._targets.get(rid, ())):
                self._recompile_rt(rt_id, dirty)
            for trt_id in list(self._tgw_refs.get(rid, ())):
                self._recompile_trt(trt_id, dirty)
            return True
        if isinstance(res, _TARGET_KINDS + _QUIET_KINDS):
            named = {rid}
            for r in (old, new):  # an interface's source/destination check decides for its instance too
                if isinstance(r, NetworkInterface) and r.instance_id:
                    named.add(r.instance_id)
            for target in named:
                if target in self._targets:
                    self._refresh_middlebox(target, dirty)
                for rt_id in list(self._targets.get(target, ())):
                    self._recompile_rt(rt_id, dirty)
            return True
        return False

    def _routes_to_gwlb_endpoints(self) -> bool:
        """Whether some route targets a Gateway Load Balancer endpoint."""
        for target in self._targets:
            if target.startswith("vpce-"):
                vpce = self.world.get(target, VpcEndpoint)
                if vpce is not None and vpce.vpc_endpoint_type == "GatewayLoadBalancer":
                    return True
        return False

    def _refresh_middlebox(self, target: str, dirty: set[str]) -> None:
        box = middlebox(self.world, target)
        if box != self.c.middleboxes.get(target):
            if box is None:
                del self.c.middleboxes[target]
            else:
                self.c.middleboxes[target] = box
            dirty.add(target)

    def _attachment(
        self,
        rid: str,
        old: TransitGatewayAttachment | None,
        new: TransitGatewayAttachment | None,
        dirty: set[str],
    ) -> bool:
        if new is not None and new.resource_type != "vpc" and new.resource_type != "peering":
            return False  # VPN / Direct Connect attachments change what propagates: rebuild
        self.c.attachments.pop(rid, None)
        for att in (old, new):
            if att is not None and att.resource_type == "vpc":
                key = (att.transit_gateway_id, att.resource_id)
                if key in self.c.vpc_attachments and self.c.vpc_attachments[key].id == rid:
                    del self.c.vpc_attachments[key]
                dirty.add(f"{att.transit_gateway_id}/{att.resource_id}")
        if new is not None and new.state == "available":
            info = attachment_info(
                self.world,
                new,
                {s: self.c.subnets[s].route_table_id for s in new.subnet_ids if s in self.c.subnets},
            )
            self.c.attachments[rid] = info
            if new.resource_type == "vpc":
                self.c.vpc_attachments.setdefault((new.transit_gateway_id, new.resource_id), info)
        dirty.add(rid)
        for trt_id in list(self._tgw_refs.get(rid, ())):
            self._recompile_trt(trt_id, dirty)
        for att in (old, new):
            if att is not None and att.vpc_id:  # routes to the gateway are active only with an attachment
                for rt_id in list(self._targets.get(att.transit_gateway_id, ())):
                    if self._rt_vpc.get(rt_id) == att.vpc_id:
                        self._recompile_rt(rt_id, dirty)
        return True

    # -- answering -----------------------------------------------------------------------------
    def _subnets(self, selectors: Sequence[str]) -> list[str]:
        out: list[str] = []
        for sel in selectors:
            if sel in self.c.subnets:
                out.append(sel)
            else:
                out.extend(self._by_vpc.get(sel, ()))
        return list(dict.fromkeys(out))

    def _pieces(self, lo: int, hi: int) -> list[int]:
        k, stop = bisect_right(self._points, lo), bisect_left(self._points, hi)
        return [lo, *self._points[k:stop]]

    def _stale(self, pair: tuple[str, str], hit: frozenset[str]) -> bool:
        """Whether a pair that read the changed ids ``hit`` must be walked again: a changed route
        table or TGW route table matters only where its hops changed (``_changed``) and the pair
        looks it up — at addresses of its own two subnets (a walk in either direction looks every
        table up at the request's or the reply's destination), so ranges outside both subnets
        leave its verdict as it was. Any other changed id, or a range meeting either subnet (a new
        piece there included), makes it stale."""
        spans: tuple[tuple[int, int], ...] | None = None
        for key in hit:
            ranges = self._changed.get(key)
            if ranges is None:
                return True
            if spans is None:
                s, d = self.c.subnets[pair[0]], self.c.subnets[pair[1]]
                spans = ((s.lo, s.hi), (d.lo, d.hi))
            for lo, hi in ranges:
                for a, b in spans:
                    if lo < b and a < hi:
                        return True
        return False

    def _answer(
        self, i: int, dirty: set[str] | None = None, read_dirty: set[tuple[str, str]] | None = None
    ) -> None:
        """(Re-)answer intent ``i``: every pair (``dirty`` None), else only those of its pairs
        ``read_dirty`` (the pairs whose reads meet ``dirty``, the ids changed since the last
        answer) that are stale (``_stale``); when none is, the answer stands as it was. The work
        is the stale pairs' walks and their reads' bookkeeping; the counts, one pass over the kept
        verdicts."""
        intent, protocol = self.intents[i], self._protocols[i]
        pairs = self._pairs.get(i) if dirty is not None else None
        if pairs is None or dirty is None:
            pairs = self._pairs[i] = {}
            todo = [(s, d) for s in self._subnets(intent.sources) for d in self._subnets(intent.destinations)]
        else:
            todo = [pair for pair in read_dirty or () if self._stale(pair, pairs[pair][1] & dirty)]
            if not todo:
                return
        walker = self._walkers.get((protocol, intent.port))
        if walker is None:
            walker = self._walkers[(protocol, intent.port)] = Walker(
                self.c, self.acls, protocol, intent.port, return_port(protocol, intent.port)
            )
        for pair in todo:
            src, dst = self.c.subnets[pair[0]], self.c.subnets[pair[1]]
            found: set[str] = set()
            ok = any(
                pair_verdict(self.c, self.acls, src, dst, a, b, protocol, intent.port, found, walker)
                for a in self._pieces(src.lo, src.hi)
                for b in self._pieces(dst.lo, dst.hi)
            )
            read = frozenset(found)
            kept = pairs.get(pair)
            pairs[pair] = (ok, read)  # a kept pair keeps its place: the sources × destinations order
            for key in read if kept is None else read - kept[1]:
                self._readers.setdefault(key, {}).setdefault(i, set()).add(pair)
            for key in () if kept is None else kept[1] - read:
                self._unread(key, i, pair)
        want = intent.expect == "reachable"
        reachable = sum(ok for ok, _read in pairs.values())
        counter = next((pair for pair, (ok, _read) in pairs.items() if ok != want), None)
        self._results[i] = IntentResult(intent, counter is None, reachable, len(pairs), counter)
        self.last_reanswered += 1
        self.last_rewalked += len(todo)

    def _unread(self, key: str, i: int, pair: tuple[str, str]) -> None:
        """Intent ``i``'s ``pair`` no longer reads ``key``."""
        by_intent = self._readers.get(key)
        if by_intent is None or i not in by_intent:
            return
        by_intent[i].discard(pair)
        if not by_intent[i]:
            del by_intent[i]
            if not by_intent:
                del self._readers[key]
