"""All-pairs reachability: the subnet matrix and the interface matrix, by equivalence classes.

A subnet S reaches a subnet D for a protocol and port when some address of S reaches some address
of D both ways (DESIGN §3, §4):

- forward routing from S's route table delivers D's address into D's VPC (local; peering, which
  is not transitive: the destination must lie in the peer VPC's CIDRs; transit gateway: the VPC's
  attachment must have a subnet in S's AZ, then association → TGW route table → attachment, and
  the attachment subnet's route table must deliver the packet locally; a route to a middlebox
  (source/destination check off) continues from the middlebox's subnet; blackholes drop);
- S's network ACL allows it outbound and D's inbound (not within one subnet: NACLs apply only
  when traffic crosses a subnet boundary);
- the return path routes back the same way from D, and the ACLs allow the reply, whose
  destination port is the client's ephemeral port (``EPHEMERAL_PORT``).

The interface matrix adds security groups (stateful, so only the source's egress and the
destination's ingress): CIDR, prefix-list and group-reference rules; a group reference matches
within a VPC or across an active same-Region peering.

Scale: subnets are grouped into classes that behave identically — same route table, VPC, AZ and
NACL (``k1``) and same routing atom (``k2``: the coarse atom that only deciding prefixes induce,
with its VPC). ``P[k1, k2]`` says whether the forward direction works from a source context to a
destination atom, ``Q[k1, k2]`` whether the destination side of a context accepts and answers it.
A subnet pair (s, d) is reachable iff ``P[k1(s), k2(d)] & Q[k1(d), k2(s)]``: P's columns and Qᵀ's
columns are expanded to subnets and packed (``np.packbits``), and each subnet's row is the AND of
two packed rows. NACLs and security groups are checked at the two ends, not at middleboxes or
TGW attachment subnets (see docs/benchmarks.md).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..model.addresses import AddressSet
from .compiled import (
    MAX_HOPS,
    MAX_TGW_HOPS,
    Compiled,
    SubnetInfo,
    acl_allowed,
    arrive,
    atom_of,
    compiled_view,
    in_set,
)

if TYPE_CHECKING:
    from ..model.world import World

#: The client's ephemeral port that return traffic is addressed to. AWS recommends NACLs allow
#: 1024–65535; clients pick from their OS range (Linux 32768–60999, Windows 49152–65535);
#: vpclab checks one port inside every common range.
EPHEMERAL_PORT = 49152
#: matrix rows computed at a time (bounds the temporary memory)
CHUNK = 2048


def return_port(protocol: str, port: int | None) -> int | None:
    """The port the reply is addressed to: the ephemeral port for TCP/UDP, echo reply for ICMP echo."""
    p = str(protocol).lower()
    if p in ("tcp", "udp", "6", "17"):
        return EPHEMERAL_PORT
    if p in ("icmp", "1"):
        return 0 if port == 8 else port
    return None


class Allowed:
    """An AddressSet as sorted bounds, for scalar (``bisect``) and vector (``searchsorted``) tests."""

    __slots__ = ("_masks", "aset", "hi", "lo")

    def __init__(self, aset: AddressSet) -> None:
        self.aset = aset
        self._masks: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.lo = [s for s, _ in aset.intervals]
        self.hi = [e for _, e in aset.intervals]

    def has(self, address: int) -> bool:
        k = bisect_right(self.lo, address) - 1
        return k >= 0 and address < self.hi[k]

    def mask(self, addresses: np.ndarray) -> np.ndarray:
        """Membership of each address (remembered for the last array asked about)."""
        found = self._masks.get(id(addresses))
        if found is None or found[0] is not addresses:
            found = self._masks[id(addresses)] = (addresses, in_set(addresses, self.aset))
        return found[1]


class AclCache:
    """What each network ACL allows per (direction, protocol, port), shared by identical ACLs."""

    def __init__(self, c: Compiled) -> None:
        self.c = c
        self._by_id: dict[tuple[str, bool, str, int | None], Allowed] = {}
        self._by_content: dict[tuple[int, bool, str, int | None], Allowed] = {}
        self._content: dict[str, int] = {}
        self._intern: dict[tuple[object, ...], int] = {}

    def allowed(self, acl_id: str, egress: bool, protocol: str, port: int | None) -> Allowed:
        key = (acl_id, egress, protocol, port)
        found = self._by_id.get(key)
        if found is None:
            acl = self.c.acls.get(acl_id)
            if acl is None:  # no ACL at all: nothing is filtered (AWS always has one)
                found = Allowed(AddressSet.everything())
            else:
                content = self._content.get(acl_id)
                if content is None:  # identical ACLs (stamped from one template) share their answers
                    content = self._content[acl_id] = self._intern.setdefault(acl.entries, len(self._intern))
                ckey = (content, egress, protocol, port)
                found = self._by_content.get(ckey)
                if found is None:
                    found = self._by_content[ckey] = Allowed(acl_allowed(acl, egress, protocol, port))
            self._by_id[key] = found
        return found

    def forget(self, acl_id: str) -> None:
        for key in [k for k in self._by_id if k[0] == acl_id]:
            del self._by_id[key]
        self._content.pop(acl_id, None)


def pair_verdict(
    c: Compiled,
    acls: AclCache,
    src: SubnetInfo,
    dst: SubnetInfo,
    a: int,
    b: int,
    protocol: str,
    port: int | None,
    reads: set[str] | None = None,
) -> bool:
    """Whether address ``a`` in subnet ``src`` reaches ``b`` in ``dst`` and hears back (no SGs)."""
    if src.id == dst.id:
        return True
    if reads is not None:
        reads.update((src.id, dst.id, src.acl_id, dst.acl_id))
    if arrive(c, src.route_table_id, src.vpc_id, src.az, b, reads) != dst.vpc_id:
        return False
    if arrive(c, dst.route_table_id, dst.vpc_id, dst.az, a, reads) != src.vpc_id:
        return False
    rport = return_port(protocol, port)
    return (
        acls.allowed(src.acl_id, True, protocol, port).has(b)
        and acls.allowed(dst.acl_id, False, protocol, port).has(a)
        and acls.allowed(dst.acl_id, True, protocol, rport).has(a)
        and acls.allowed(src.acl_id, False, protocol, rport).has(b)
    )


def transpose(m: np.ndarray, block: int = 256) -> np.ndarray:
    """A contiguous transpose, block by block (several times faster than ``m.T.copy()`` for large
    boolean matrices: each block stays in cache)."""
    out = np.empty((m.shape[1], m.shape[0]), dtype=m.dtype)
    for i in range(0, m.shape[0], block):
        for j in range(0, m.shape[1], block):
            out[j : j + block, i : i + block] = m[i : i + block, j : j + block].T
    return out


def pieces(ratoms: np.ndarray, lo: int, hi: int) -> list[int]:
    """The start addresses of the routing atoms' pieces of [lo, hi)."""
    first = int(atom_of(ratoms, lo))
    last = int(atom_of(ratoms, hi - 1))
    return [lo] + [int(ratoms[k]) for k in range(first + 1, last + 1)]


@dataclass
class ReachabilityMatrix:
    """A bit-packed reachability matrix: row i = ``sources[i]``, bit j = ``destinations[j]``."""

    bits: np.ndarray  # uint8, shape (len(sources), ceil(len(destinations) / 8))
    sources: np.ndarray
    destinations: np.ndarray
    protocol: str
    port: int | None
    level: str

    def __post_init__(self) -> None:
        self._src = {s: i for i, s in enumerate(self.sources.tolist())}
        self._dst = {d: j for j, d in enumerate(self.destinations.tolist())}

    def reachable(self, src_id: str, dst_id: str) -> bool:
        i, j = self._src[src_id], self._dst[dst_id]
        return bool(self.bits[i, j >> 3] & (0x80 >> (j & 7)))

    def count(self) -> int:
        """How many (source, destination) pairs are reachable."""
        return int(np.bitwise_count(self.bits).sum())

    def dense(self) -> np.ndarray:
        return np.unpackbits(self.bits, axis=1, count=len(self.destinations)).astype(bool)

    def to_rows(self, *, reachable_only: bool = True) -> list[dict[str, object]]:
        """One dict per pair (the reachable ones by default), for the CLI's table and JSON output."""
        rows: list[dict[str, object]] = []
        dense = self.dense()
        for i, s in enumerate(self.sources.tolist()):
            for j, d in enumerate(self.destinations.tolist()):
                if dense[i, j] or not reachable_only:
                    rows.append(
                        {
                            "source": s,
                            "destination": d,
                            "protocol": self.protocol,
                            "port": self.port,
                            "reachable": bool(dense[i, j]),
                        }
                    )
        return rows

    def __iter__(self) -> Iterator[tuple[str, str]]:
        for i, j in zip(*np.nonzero(self.dense()), strict=True):
            yield self.sources[i], self.destinations[j]


# -- the class computation -----------------------------------------------------------------------
class _Classes:
    """Contexts (k1), destination atoms (k2) and the P/Q matrices over them."""

    def __init__(self, c: Compiled, protocol: str, port: int | None) -> None:
        self.c, self.protocol, self.port = c, protocol, port
        self.acls = AclCache(c)
        self.ratoms = c.routing_atoms()
        self.vpc_index = {v: i for i, v in enumerate(c.vpc_spans)}
        self.k1: dict[tuple[str, str, str, str], int] = {}
        self.k2: dict[tuple[int, int], int] = {}

    def context(self, s: SubnetInfo) -> int:
        return self.k1.setdefault((s.route_table_id, s.vpc_id, s.az, s.acl_id), len(self.k1))

    def atom(self, address: int, vpc_id: str) -> int:
        r = int(atom_of(self.ratoms, address))
        return self.k2.setdefault((r, self.vpc_index[vpc_id]), len(self.k2))

    def build(self) -> None:
        """P and Q.T over the registered contexts and atoms (k2 re-sorted by address)."""
        k2_keys = sorted(self.k2, key=lambda k: (k[0], k[1]))
        order = np.array([self.k2[k] for k in k2_keys], dtype=np.int64)
        self.k2_addr = self.ratoms[np.array([k[0] for k in k2_keys], dtype=np.int64)]
        self.k2_vpc = np.array([k[1] for k in k2_keys], dtype=np.int32)
        # position of each original k2 id in the sorted order
        self.k2_pos = np.empty(len(order), dtype=np.int64)
        self.k2_pos[order] = np.arange(len(order))
        n1, n2 = len(self.k1), len(k2_keys)
        forward = np.zeros((n1, n2), dtype=bool)
        self._tgw_rows: dict[tuple[str, str, int], np.ndarray] = {}
        self._run_bounds: dict[str, tuple[list[int], list[int]]] = {}
        self._arrivals: dict[tuple[str, str, str, bool, int], np.ndarray] = {}
        self._simple: dict[tuple[str, int, int], bool | None] = {}
        for (rt, vpc, az, _acl), row in self.k1.items():
            forward[row] = self._arrival(rt, vpc, az, False, 0, keep=False) == self.k2_vpc
        # NACL terms, once per distinct ACL content: the source side (outbound, then the reply
        # inbound) and the destination side (inbound, then the reply outbound)
        rport = return_port(self.protocol, self.port)
        flows = ((True, self.port), (False, rport), (False, self.port), (True, rport))
        kinds: dict[tuple[int, ...], int] = {}
        ap: list[np.ndarray] = []
        aq: list[np.ndarray] = []
        idx = np.zeros(n1, dtype=np.int64)
        for (_rt, _vpc, _az, acl), row in self.k1.items():
            sets = [self.acls.allowed(acl, egress, self.protocol, port) for egress, port in flows]
            key = tuple(id(x) for x in sets)
            if key not in kinds:
                kinds[key] = len(ap)
                masks = [x.mask(self.k2_addr) for x in sets]
                ap.append(masks[0] & masks[1])
                aq.append(masks[2] & masks[3])
            idx[row] = kinds[key]
        AP = np.stack(ap) if ap else np.zeros((0, n2), bool)
        AQ = np.stack(aq) if aq else np.zeros((0, n2), bool)
        self.P = forward & AP[idx]
        self.QT = transpose(forward & AQ[idx])

    def _bounds(self, runs_key: str, runs: object) -> tuple[list[int], list[int]]:
        found = self._run_bounds.get(runs_key)
        if found is None:
            starts = runs.array()  # type: ignore[attr-defined]
            lo = np.searchsorted(self.k2_addr, starts, side="left").tolist()
            found = self._run_bounds[runs_key] = (lo, [*lo[1:], len(self.k2_addr)])
        return found

    def _arrival(
        self, rt_id: str, vpc_id: str, az: str, entering: bool, depth: int, keep: bool = True
    ) -> np.ndarray:
        """For each k2 position, the index of the VPC a packet from this route table context is
        delivered into (-1: dropped or gone) — ``compiled.arrive`` for every atom at once.
        ``entering``: the packet was just delivered by a transit gateway (only local delivery
        or a middlebox)."""
        key = (rt_id, vpc_id, az, entering, depth)
        found = self._arrivals.get(key)
        if found is not None:
            return found
        out = np.full(len(self.k2_addr), -1, dtype=np.int32)
        if keep:
            self._arrivals[key] = out  # before recursing: a routing loop reads -1 (dropped)
        runs = self.c.route_tables.get(rt_id)
        if runs is None or depth >= MAX_HOPS:
            return out
        lo, hi = self._bounds(rt_id, runs)
        me = self.vpc_index[vpc_id]
        for k, (kind, target) in enumerate(runs.hops):
            a, b = lo[k], hi[k]
            if a == b:
                continue
            if kind == "local":
                out[a:b] = me
            elif kind == "mbox":
                box = self.c.middleboxes.get(target)
                if box is not None and box[1] == vpc_id and box[0] in self.c.subnets:
                    sub = self.c.subnets[box[0]]
                    out[a:b] = self._arrival(sub.route_table_id, vpc_id, sub.az, False, depth + 1)[a:b]
            elif entering:
                continue
            elif kind == "pcx":
                sides = self.c.peerings.get(target)
                if sides is not None:
                    out[a:b] = self.vpc_index.get(sides[1] if sides[0] == vpc_id else sides[0], -1)
            elif kind == "tgw":
                att = self.c.vpc_attachments.get((target, vpc_id))
                if att is not None and az in att.az_route_tables and target in att.associations:
                    out[a:b] = self._tgw_row(att.associations[target], target, az, depth)[a:b]
        return out

    def _tgw_row(self, rtb: str, tgw_id: str, az: str, depth: int) -> np.ndarray:
        """For each k2 position, the VPC a packet entering TGW route table ``rtb`` from AZ ``az``
        is delivered into by the attachment subnet's route table (-1: dropped)."""
        key = (rtb, az, depth)
        found = self._tgw_rows.get(key)
        if found is not None:
            return found
        out = np.full(len(self.k2_addr), -1, dtype=np.int32)
        self._tgw_rows[key] = out
        runs = self.c.tgw_tables.get(rtb)
        if runs is None or depth >= MAX_TGW_HOPS:
            return out
        hop_vpc = np.full(len(runs.hops), -1, dtype=np.int32)
        later: list[tuple[int, str, str]] = []  # runs whose entry table is not local all along
        peers: list[int] = []
        ends = (*runs.starts[1:], 1 << 32)
        for k, (kind, target) in enumerate(runs.hops):
            nxt = self.c.attachments.get(target) if kind == "att" else None
            if nxt is None:
                continue
            if nxt.type == "vpc" and nxt.vpc_id is not None:
                entry_rt = nxt.az_route_tables.get(az) or next(iter(nxt.az_route_tables.values()), "")
                simple = self._all_local(entry_rt, runs.starts[k], ends[k])
                if simple:
                    hop_vpc[k] = self.vpc_index.get(nxt.vpc_id, -1)
                elif simple is not None:
                    later.append((k, entry_rt, nxt.vpc_id))
            elif nxt.type == "peering" and tgw_id in nxt.peer_of:
                peers.append(k)
        out[:] = hop_vpc[np.searchsorted(runs.array(), self.k2_addr, side="right") - 1]
        if later or peers:
            lo, hi = self._bounds("tgw:" + rtb, runs)
            for k, entry_rt, vpc_id in later:
                a, b = lo[k], hi[k]
                if a < b:
                    out[a:b] = self._arrival(entry_rt, vpc_id, az, True, depth + 1)[a:b]
            for k in peers:
                nxt = self.c.attachments[runs.hops[k][1]]
                peer_tgw = nxt.peer_of[tgw_id]
                peer_rtb = nxt.associations.get(peer_tgw)
                a, b = lo[k], hi[k]
                if peer_rtb and a < b:
                    out[a:b] = self._tgw_row(peer_rtb, peer_tgw, az, depth + 1)[a:b]
        return out

    def _all_local(self, rt_id: str, start: int, end: int) -> bool | None:
        """Whether the table forwards every address of [start, end) locally (None: no such table)."""
        key = (rt_id, start, end)
        if key not in self._simple:
            runs = self.c.route_tables.get(rt_id)
            if runs is None:
                self._simple[key] = None
            else:
                i = bisect_right(runs.starts, start) - 1
                j = bisect_left(runs.starts, end)
                self._simple[key] = all(runs.hops[x][0] == "local" for x in range(i, j))
        return self._simple[key]


def matrix(
    world: World,
    protocol: str = "tcp",
    port: int | None = 443,
    level: str = "subnet",
    compiled: Compiled | None = None,
) -> ReachabilityMatrix:
    """The all-pairs reachability matrix of ``world`` for one protocol and port.

    ``level="subnet"``: subnets × subnets (routing and network ACLs, both directions);
    ``level="interface"``: network interfaces × network interfaces, adding security groups
    (sources exclude interface endpoints, which do not initiate connections, and transit gateway
    attachment interfaces; destinations exclude the latter).
    """
    if level not in ("subnet", "interface"):
        raise ValueError(f"level must be 'subnet' or 'interface', not {level!r}")
    c = compiled or compiled_view(world)
    if level == "interface":
        return interface_matrix(world, c, protocol, port)
    return subnet_matrix(c, protocol, port)


def subnet_matrix(c: Compiled, protocol: str, port: int | None) -> ReachabilityMatrix:
    """Rows and columns are subnets; a subnet the routing atoms cut into pieces is computed piece
    by piece and its rows and columns OR-ed (any piece reaching any piece makes the subnets reach)."""
    cl = _Classes(c, protocol, port)
    infos = list(c.subnets.values())
    n = len(infos)
    lo = np.array([s.lo for s in infos], dtype=np.uint64)
    hi = np.array([s.hi - 1 for s in infos], dtype=np.uint64)
    first, last = atom_of(cl.ratoms, lo).tolist(), atom_of(cl.ratoms, hi).tolist()
    piece_subnet: list[int] = []
    piece_k1: list[int] = []
    piece_k2: list[int] = []
    for i, s in enumerate(infos):
        k1 = cl.context(s)
        vpc = cl.vpc_index[s.vpc_id]
        for r in range(first[i], last[i] + 1):
            piece_subnet.append(i)
            piece_k1.append(k1)
            piece_k2.append(cl.k2.setdefault((r, vpc), len(cl.k2)))
    cl.build()
    pk1 = np.array(piece_k1, dtype=np.int64)
    pk2 = cl.k2_pos[np.array(piece_k2, dtype=np.int64)]
    psub = np.array(piece_subnet, dtype=np.int64)
    # subnets by (first atom, context): the column gathers walk forward; a subnet's pieces stay adjacent
    first_piece = np.flatnonzero(np.r_[True, np.diff(psub) != 0]) if n else np.zeros(0, dtype=np.int64)
    order = np.lexsort((pk1[first_piece], pk2[first_piece]))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    porder = np.lexsort((np.arange(len(psub)), rank[psub]))
    pk1, pk2, psub = pk1[porder], pk2[porder], rank[psub[porder]]
    # first pieces make the n x n matrix; a subnet's further pieces OR their row and column into it
    heads = np.flatnonzero(np.r_[True, np.diff(psub) != 0]) if n else np.zeros(0, dtype=np.int64)
    h1, h2 = pk1[heads], pk2[heads]
    width = (n + 7) // 8
    pp = np.empty((cl.P.shape[0], width), dtype=np.uint8)
    for r in range(0, cl.P.shape[0], CHUNK):
        pp[r : r + CHUNK] = np.packbits(np.take(cl.P[r : r + CHUNK], h2, axis=1), axis=1)
    qq = np.empty((cl.QT.shape[0], width), dtype=np.uint8)
    for r in range(0, cl.QT.shape[0], CHUNK):
        qq[r : r + CHUNK] = np.packbits(np.take(cl.QT[r : r + CHUNK], h1, axis=1), axis=1)
    bits = np.empty((n, width), dtype=np.uint8)
    for r in range(0, n, CHUNK):
        np.bitwise_and(pp[h1[r : r + CHUNK]], qq[h2[r : r + CHUNK]], out=bits[r : r + CHUNK])
    extra = np.setdiff1d(np.arange(len(psub)), heads)
    if len(extra):
        e_sub, e1, e2 = psub[extra], pk1[extra], pk2[extra]
        for s_, a1, a2 in zip(e_sub.tolist(), e1.tolist(), e2.tolist(), strict=True):
            bits[s_] |= pp[a1] & qq[a2]  # the piece as a source, to every subnet's first piece
            col = cl.P[h1, a2] & cl.QT[h2, a1]  # every subnet's first piece to the piece
            hit = np.flatnonzero(col)
            bits[hit, s_ >> 3] |= np.uint8(0x80 >> (s_ & 7))
        both = cl.P[e1][:, e2] & cl.QT[e2][:, e1].T  # piece to piece, both beyond the first
        for i, j in zip(*np.nonzero(both), strict=True):
            bits[e_sub[i], e_sub[j] >> 3] |= np.uint8(0x80 >> (int(e_sub[j]) & 7))
    ids = np.array([s.id for s in infos], dtype=object)[order]
    diag = np.arange(n)
    bits[diag, diag >> 3] |= (0x80 >> (diag & 7)).astype(np.uint8)
    return ReachabilityMatrix(bits, ids, ids.copy(), protocol, port, "subnet")


# -- interfaces: routing and NACLs by class, then security groups ------------------------------
def _sg_sets(
    world: World, group_ids: tuple[str, ...], egress: bool, protocol: str, port: int | None
) -> tuple[AddressSet, frozenset[str]]:
    """What a set of security groups allows in one direction: addresses (CIDR and prefix-list
    rules) and referenced groups."""
    from ..model.prefix_lists import prefix_list_cidrs
    from ..model.security import SecurityGroup, sg_rule_matches

    cidrs: list[str] = []
    refs: set[str] = set()
    for gid in group_ids:
        group = world.get(gid, SecurityGroup)
        for rule in group.rules(egress) if group is not None else ():
            if not sg_rule_matches(rule, protocol, port):
                continue
            if rule.cidr_ipv4:
                cidrs.append(rule.cidr_ipv4)
            elif rule.prefix_list_id:
                cidrs.extend(x for x in prefix_list_cidrs(world, rule.prefix_list_id) if ":" not in x)
            elif rule.referenced_group_id:
                refs.add(rule.referenced_group_id)
    return AddressSet(cidrs), frozenset(refs)


def _sg_allows(
    world: World, c: Compiled, near: list, far: list, egress: bool, protocol: str, port: int | None
) -> np.ndarray:
    """A[i, j]: whether ``near[i]``'s groups allow traffic to (egress) or from (ingress) ``far[j]``.

    A group reference matches an interface that is a member of the group, in the same VPC or
    across an active peering within one Region (AWS: "Update your security groups to reference
    peer security groups"); vpclab does not model TGW security group referencing (off by default).
    """
    from ..model.vpc import Vpc

    far_ips = np.array([e.ip for e in far], dtype=np.uint64)
    members: dict[str, list[int]] = {}
    for j, e in enumerate(far):
        for g in e.groups:
            members.setdefault(g, []).append(j)
    region = {v.id: v.region for v in world.all(Vpc)}
    peered = {frozenset(p) for p in c.peerings.values()}
    cache: dict[tuple[str, ...], tuple[AddressSet, frozenset[str]]] = {}
    out = np.zeros((len(near), len(far)), dtype=bool)
    for i, e in enumerate(near):
        if not e.groups:  # no security groups (a NAT gateway's, an NLB's interface): nothing to filter
            out[i] = True
            continue
        sets = cache.get(e.groups)
        if sets is None:
            sets = cache[e.groups] = _sg_sets(world, e.groups, egress, protocol, port)
        aset, refs = sets
        out[i] = in_set(far_ips, aset)
        for ref in refs:
            for j in members.get(ref, ()):
                o = far[j]
                if o.vpc == e.vpc or (
                    frozenset((o.vpc, e.vpc)) in peered and region.get(o.vpc) == region.get(e.vpc)
                ):
                    out[i, j] = True
    return out


@dataclass(slots=True)
class _Eni:
    id: str
    subnet: str
    vpc: str
    ip: int
    groups: tuple[str, ...]
    type: str


def interface_matrix(world: World, c: Compiled, protocol: str, port: int | None) -> ReachabilityMatrix:
    from ipaddress import IPv4Address

    from ..model.interfaces import NetworkInterface

    enis = [
        _Eni(e.id, e.subnet_id, e.vpc_id, int(IPv4Address(e.private_ip_address)), e.groups, e.interface_type)
        for e in world.all(NetworkInterface)
        if e.subnet_id in c.subnets and e.interface_type != "transit_gateway"
    ]
    dsts = enis
    srcs = [e for e in enis if e.type != "vpc_endpoint"]
    cl = _Classes(c, protocol, port)
    k1 = {e.id: cl.context(c.subnets[e.subnet]) for e in enis}
    k2 = {e.id: cl.atom(e.ip, e.vpc) for e in enis}
    cl.build()
    s1 = np.array([k1[e.id] for e in srcs], dtype=np.int64)
    s2 = cl.k2_pos[np.array([k2[e.id] for e in srcs], dtype=np.int64)]
    d1 = np.array([k1[e.id] for e in dsts], dtype=np.int64)
    d2 = cl.k2_pos[np.array([k2[e.id] for e in dsts], dtype=np.int64)]
    routed = (
        cl.P[s1][:, d2] & cl.QT[s2][:, d1]
        if len(srcs) and len(dsts)
        else np.zeros((len(srcs), len(dsts)), bool)
    )
    subnet_index = {s: n for n, s in enumerate(c.subnets)}
    ss = np.array([subnet_index[e.subnet] for e in srcs], dtype=np.int64)
    ds = np.array([subnet_index[e.subnet] for e in dsts], dtype=np.int64)
    routed |= ss[:, None] == ds[None, :]  # within a subnet: local, no NACL
    allowed = routed & _sg_allows(world, c, srcs, dsts, True, protocol, port)
    allowed &= _sg_allows(world, c, dsts, srcs, False, protocol, port).T
    sid = np.array([e.id for e in srcs], dtype=object)
    did = np.array([e.id for e in dsts], dtype=object)
    dst_index = {e.id: j for j, e in enumerate(dsts)}
    same = np.array([dst_index.get(e.id, -1) for e in srcs], dtype=np.int64)
    has = np.flatnonzero(same >= 0)
    allowed[has, same[has]] = False  # traffic from an interface to itself is no network flow
    return ReachabilityMatrix(np.packbits(allowed, axis=1), sid, did, protocol, port, "interface")
