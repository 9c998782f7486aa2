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
two packed rows. NACLs are checked at the two ends and, on transit gateway paths, at the
attachment subnets as AWS documents ("Network ACLs for transit gateways"); not at middleboxes
(see docs/benchmarks.md and ``_Classes``).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..core.addresses import AddressSet
from ..core.protocols import protocol_of
from .arrival import MAX_HOPS, MAX_TGW_HOPS
from .compiled import (
    Compiled,
    Runs,
    SubnetInfo,
    acl_allowed,
    atom_of,
    compiled_view,
    in_set,
)
from .exact_pairs import Walker, correct_subnets, irregular
from .gwlb_symmetry import has_gwlb_endpoints, symmetric
from .matrix_cells import (
    _cat_cells,
    _verdicts,
    relaxed_pairs,
    transpose_into,
)
from .progress import Progress, report
from .result import family_protocol, reply_port

if TYPE_CHECKING:
    from ..model.world import World

#: The client's ephemeral port that return traffic is addressed to. AWS recommends NACLs allow
#: 1024–65535; clients pick from their OS range (Linux 32768–60999, Windows 49152–65535);
#: vpclab checks one port inside every common range.
EPHEMERAL_PORT = 49152
#: matrix rows computed at a time (bounds the temporary memory)
CHUNK = 2048
#: ``_Classes._arrival``'s answer for atoms no route delivers (rows 0-4, one column to broadcast),
#: and its rows 1-4 where the VPC itself or a peering delivers
_NONE = np.array([[-1], [-1], [-1], [1], [1]], dtype=np.int32)
_REST = _NONE[1:]


def return_port(protocol: str, port: int | None) -> int | None:
    """The port the reply is addressed to: the ephemeral port for TCP/UDP, echo reply for an ICMP or
    ICMPv6 echo request (the type is the port; ``result.reply_port``)."""
    p = protocol_of(protocol)
    if p.has_ports:
        return EPHEMERAL_PORT
    return reply_port(p.ip_protocol, port)


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
                found = Allowed(self.c.space.aset(AddressSet.everything()))
            else:
                content = self._content.get(acl_id)
                if content is None:  # identical ACLs (stamped from one template) share their answers
                    content = self._content[acl_id] = self._intern.setdefault(acl.entries, len(self._intern))
                ckey = (content, egress, protocol, port)
                found = self._by_content.get(ckey)
                if found is None:
                    found = self._by_content[ckey] = Allowed(
                        self.c.space.aset(acl_allowed(acl, egress, protocol, port))
                    )
            self._by_id[key] = found
        return found

    def forget(self, acl_id: str) -> None:
        for key in [k for k in self._by_id if k[0] == acl_id]:
            del self._by_id[key]
        self._content.pop(acl_id, None)


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
    """Contexts (k1), destination atoms (k2) and the P/Q matrices over them.

    A context is (route table, VPC, AZ, NACL, the attachment-subnet verdicts of its address): the
    verdicts are the inbound decisions of the VPC's attachment subnets' NACLs on the address (AWS
    checks them on the way to the gateway, by source IP), kept only where one denies. A column is
    a routing atom with its VPC (k2).

    Whether a transit gateway delivers straight into the far subnet (whose NACL, and the
    attachment subnet's, are then skipped) depends on the near end's AZ and the far subnet's
    *entry role* (the AZs for which it is the subnet the gateway delivers through into its VPC:
    the originating AZ's attachment subnet, else the attachment's first). So each cell carries
    four verdicts, a bit each in ``PC``/``QC``: ``STRICT`` (no such delivery), ``ENTERS_FAR``
    (the request is delivered straight into the destination subnet: ``A``), ``ENTERS_NEAR`` (the
    reply straight into the source subnet: ``B``) and both. ``P``/``QT`` are the strict bits;
    the relaxed verdicts only differ from them in a few cells, applied per pair as corrections
    (``relaxed_pairs``). That is exact with one regular transit gateway per VPC; the pairs of the
    VPCs where it is not (``exact_pairs.irregular``) are walked as the tracer walks them.
    """

    def __init__(self, c: Compiled, protocol: str, port: int | None) -> None:
        self.c, self.protocol, self.port = c, protocol, port
        self.rport = return_port(protocol, port)
        self.acls = AclCache(c)
        self.ratoms = c.routing_atoms()
        self.vpc_index = {v: i for i, v in enumerate(c.vpc_spans)}
        self.sub_ids = list(c.subnets)
        self.sub_index = {s: i for i, s in enumerate(self.sub_ids)}
        #: where the cells cannot decide a transit gateway path, the pairs are walked (exact_pairs)
        self.irregular = irregular(c)
        self.exact = Walker(c, self.acls, protocol, port, self.rport) if self.irregular else None
        self.k1: dict[tuple[object, ...], int] = {}
        self.k2: dict[tuple[int, int], int] = {}
        self.azs = sorted({s.az for s in c.subnets.values()})
        az_bit = {z: 1 << i for i, z in enumerate(self.azs)}
        roles: dict[str, int] = {}
        att_subnets: dict[str, set[str]] = {}
        for att in c.vpc_attachments.values():
            subs = [x for x in att.az_subnets.values() if x in c.subnets]
            if not subs or att.vpc_id is None:
                continue
            att_subnets.setdefault(att.vpc_id, set()).update(subs)
            for z in self.azs:
                entry = att.az_subnets.get(z) or subs[0]
                roles[entry] = roles.get(entry, 0) | az_bit[z]
        #: subnet id → bitmask of the AZs (``azs`` order) it is the entry subnet for
        self.roles = roles
        self.az_bit = az_bit
        # per VPC: its attachment subnets with what their inbound rules allow (request, reply)
        inbound: dict[str, tuple[Allowed, Allowed]] = {}
        for acl in {c.subnets[x].acl_id for subs in att_subnets.values() for x in subs}:
            inbound[acl] = (
                self.acls.allowed(acl, False, protocol, port),
                self.acls.allowed(acl, False, protocol, self.rport),
            )
        self._exit_acls: dict[str, list[tuple[int, Allowed, Allowed]]] = {
            vpc: [(self.sub_index[x], *inbound[c.subnets[x].acl_id]) for x in sorted(subs)]
            for vpc, subs in att_subnets.items()
        }

    def context(self, s: SubnetInfo, address: int) -> int:
        denies: list[tuple[int, bool, bool]] = []
        for x, allow_p, allow_r in self._exit_acls.get(s.vpc_id, ()):
            ok_p, ok_r = allow_p.has(address), allow_r.has(address)
            if not (ok_p and ok_r):
                denies.append((x, not ok_p, not ok_r))
        key = (s.route_table_id, s.vpc_id, s.az, s.acl_id, tuple(denies))
        return self.k1.setdefault(key, len(self.k1))

    def column(self, s: SubnetInfo, address: int) -> int:
        r = int(atom_of(self.ratoms, address))
        return self.k2.setdefault((r, self.vpc_index[s.vpc_id]), len(self.k2))

    def build(self) -> None:
        """PC/QC (contexts × atoms, four verdict bits), P and QT (strict); k2 re-sorted by address."""
        k2_keys = sorted(self.k2, key=lambda k: (k[0], k[1]))
        order = np.array([self.k2[k] for k in k2_keys], dtype=np.int64)
        self.k2_addr = self.ratoms[np.array([k[0] for k in k2_keys], dtype=np.int64)]
        self.k2_vpc = np.array([k[1] for k in k2_keys], dtype=np.int32)
        self.k2_pos = np.empty(len(order), dtype=np.int64)
        self.k2_pos[order] = np.arange(len(order))
        n1, n2 = len(self.k1), len(k2_keys)
        self._tgw_rows: dict[tuple[str, str, int], np.ndarray] = {}
        self._run_bounds: dict[str, tuple[list[int], list[int]]] = {}
        self._arrivals: dict[tuple[str, str, str, bool, int], np.ndarray] = {}
        self._simple: dict[tuple[str, int, int], bool | None] = {}
        self._gateway_rows: dict[tuple[str, str, str], np.ndarray] = {}
        proto, port, rport = self.protocol, self.port, self.rport
        # every distinct NACL answer as one mask row over the atoms; the last row allows all
        kinds: dict[int, int] = {}
        masks: list[np.ndarray] = []

        def kind(allowed: Allowed) -> int:
            if id(allowed) not in kinds:
                kinds[id(allowed)] = len(masks)
                masks.append(allowed.mask(self.k2_addr))
            return kinds[id(allowed)]

        # per ACL: the kinds of its outbound (request, reply) and inbound (request, reply) rules
        acl_kinds: dict[str, tuple[int, int, int, int]] = {}
        for acl in {s.acl_id for s in self.c.subnets.values()} | {str(k[3]) for k in self.k1}:
            acl_kinds[acl] = tuple(  # type: ignore[assignment]
                kind(self.acls.allowed(acl, egress, proto, p))
                for egress, p in ((True, port), (True, rport), (False, port), (False, rport))
            )
        subs = list(self.c.subnets.values())
        # per subnet (index; -1: none): the kind of its outbound rules, request and reply
        self._out_p = np.array([acl_kinds[s.acl_id][0] for s in subs] + [-1])
        self._out_r = np.array([acl_kinds[s.acl_id][1] for s in subs] + [-1])
        rows = list(self.k1)
        kp, kr, ip, ir = np.array([acl_kinds[str(k[3])] for k in rows], dtype=np.int64).reshape(-1, 4).T
        masks.append(np.ones(n2, dtype=bool))
        self._masks = np.stack(masks)
        self.PC = np.empty((n1, n2), dtype=np.uint8)
        self.QC = np.empty((n1, n2), dtype=np.uint8)
        self.P = np.empty((n1, n2), dtype=bool)
        self.QT = np.empty((n2, n1), dtype=bool)
        block = max(1, CHUNK // 4)
        cells_p: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        cells_q: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        buf = np.empty((min(block, n1), 5, n2), dtype=np.int32)
        for r0 in range(0, n1, block):
            keys = rows[r0 : r0 + block]
            arr = buf[: len(keys)]
            self._arrivals_into(keys, arr)
            fwd = arr[:, 0] == self.k2_vpc
            xin_p, xin_q = fwd, fwd.copy()
            for i, k in enumerate(keys):
                for x, deny_p, deny_r in k[4]:  # type: ignore[attr-defined]
                    if deny_p:
                        xin_p[i] &= arr[i, 1] != x
                    if deny_r:
                        xin_q[i] &= arr[i, 1] != x
            sl = slice(r0, r0 + len(keys))
            t = arr[:, 2] >= 0
            base_p = xin_p & self._masks[kp[sl]]
            base_q = xin_q & self._masks[kr[sl]]
            x_p, y_q = arr[:, 3] != 0, arr[:, 4] != 0
            y_p, x_q = self._masks[ir[sl]], self._masks[ip[sl]]
            # the strict bits (P, and Qᵀ transposed while the block is in cache)
            strict_p = base_p & x_p & y_p
            strict_q = base_q & x_q & y_q
            self.P[sl] = strict_p
            transpose_into(self.QT[:, sl], strict_q)
            tr = np.flatnonzero(t.any(axis=1))
            if len(tr) < len(keys):  # rows no transit gateway delivers through: the verdicts agree (0 or 15)
                self.PC[sl] = strict_p.view(np.uint8) * np.uint8(15)
                self.QC[sl] = strict_q.view(np.uint8) * np.uint8(15)
            if not len(tr):
                continue
            pick: slice | np.ndarray = slice(None) if len(tr) == len(keys) else tr  # a view when all
            vt = t[pick]
            for own, cells, v in (
                (self.PC, cells_p, _verdicts(base_p[pick], x_p[pick], y_p[pick], vt)),
                (self.QC, cells_q, _verdicts(base_q[pick], x_q[pick], y_q[pick], vt)),
            ):
                own[r0 + tr] = v
                # cells where strict fails and a relaxed verdict holds (monotone: else 0 or 15)
                flat = np.flatnonzero((v - np.uint8(1)) < 14)
                r, j = np.divmod(flat, n2)
                cells.append((r0 + tr[r], j, v.ravel()[flat]))
        self.cells = {side: _cat_cells(found) for side, found in (("P", cells_p), ("Q", cells_q))}

    def _bounds(self, runs_key: str, runs: object) -> tuple[list[int], list[int]]:
        found = self._run_bounds.get(runs_key)
        if found is None:
            starts = runs.array()  # type: ignore[attr-defined]
            lo = np.searchsorted(self.k2_addr, starts, side="left").tolist()
            found = self._run_bounds[runs_key] = (lo, [*lo[1:], len(self.k2_addr)])
        return found

    def _arrivals_into(self, keys: list[tuple[object, ...]], arr: np.ndarray) -> None:
        """``_arrival`` of a row block's contexts (as sources: not entering, depth 0) into ``arr``,
        their route tables' run bounds found with one ``searchsorted`` (the tables are distinct per
        context: nothing to remember). A table whose transit gateway runs all go to one gateway
        (and no middlebox) starts from that gateway's row and paints only its other runs."""
        tables = [self.c.route_tables.get(str(k[0])) for k in keys]
        starts = [x for runs in tables if runs is not None for x in runs.starts]
        lo_all = np.searchsorted(self.k2_addr, np.array(starts, dtype=np.uint64), side="left").tolist()
        end = len(self.k2_addr)
        rest = _REST  # rows 1-4 where no transit gateway carries the packet
        p = 0
        for i, (k, runs) in enumerate(zip(keys, tables, strict=True)):
            out = arr[i]
            if runs is None:
                out[:] = _NONE
                continue
            q = p + len(runs.starts)
            lo, hi = lo_all[p:q], [*lo_all[p + 1 : q], end]
            p = q
            vpc_id, az = str(k[1]), str(k[2])
            src = self._one_gateway(runs, vpc_id, az)
            if src is None:
                out[:] = _NONE
                self._paint(out, runs, lo, hi, vpc_id, az, False, 0)
                continue
            out[:] = src[0]
            out[1] = src[1]
            for r, (kind, target) in enumerate(runs.hops):
                a, b = lo[r], hi[r]
                if a == b or kind == "tgw":
                    continue
                if kind == "local":
                    out[0, a:b] = self.vpc_index[vpc_id]
                    out[1:, a:b] = rest
                elif kind == "pcx":  # as ``_paint``
                    sides = self.c.peerings.get(target)
                    peer = (
                        -1
                        if sides is None
                        else self.vpc_index.get(sides[1] if sides[0] == vpc_id else sides[0], -1)
                    )
                    out[0, a:b] = peer
                    out[1:, a:b] = rest
                else:
                    out[:, a:b] = _NONE

    def _one_gateway(self, runs: Runs, vpc_id: str, az: str) -> tuple[np.ndarray, int] | None:
        """When every transit gateway run of the table goes to one gateway the VPC's attachment
        lets the packet into (``_paint``'s conditions) and no run goes to a middlebox: the answer
        over all atoms as if every run went there (row 1: -1) and the attachment subnet it leaves
        through; else None."""
        targets: set[str] = set()
        for kind, target in runs.hops:
            if kind == "tgw":
                targets.add(target)
            elif kind == "mbox":
                return None
        if len(targets) != 1:
            return None
        target = targets.pop()
        att = self.c.vpc_attachments.get((target, vpc_id))
        if att is None or az not in att.az_route_tables or target not in att.associations:
            return None
        rtb = att.associations[target]
        key = (rtb, target, az)
        row = self._gateway_rows.get(key)
        if row is None:
            trow = self._tgw_row(rtb, target, az, 0)
            row = self._gateway_rows[key] = np.empty((5, len(self.k2_addr)), dtype=np.int32)
            row[0] = trow[0]
            row[1] = -1
            row[2:] = trow[1:]
        return row, self.sub_index.get(att.az_subnets.get(az, ""), -1)

    def _arrival(
        self, rt_id: str, vpc_id: str, az: str, entering: bool, depth: int, out: np.ndarray | None = None
    ) -> np.ndarray:
        """For each k2 position: row 0, the index of the VPC a packet from this route table context
        is delivered into (-1: dropped or gone) — ``arrival.arrive`` for every atom at once; row
        1, the attachment subnet (index) it leaves through towards the first transit gateway;
        row 2, the one the last transit gateway delivers it through (-1: none); rows 3 and 4,
        whether that subnet's outbound rules let the request (3) and the reply (4) out to the atom
        (1 when there is none). ``entering``: the packet was just delivered by a transit gateway
        (only local delivery or a middlebox). With ``out`` (a context's row block), the answer is
        written there and not remembered."""
        key = (rt_id, vpc_id, az, entering, depth)
        if out is None:
            found = self._arrivals.get(key)
            if found is not None:
                return found
            out = np.empty((5, len(self.k2_addr)), dtype=np.int32)
            self._arrivals[key] = out  # before recursing: a routing loop reads -1 (dropped)
        out[:3] = -1
        out[3:] = 1
        runs = self.c.route_tables.get(rt_id)
        if runs is None or depth >= MAX_HOPS:
            return out
        lo, hi = self._bounds(rt_id, runs)
        self._paint(out, runs, lo, hi, vpc_id, az, entering, depth)
        return out

    def _paint(
        self,
        out: np.ndarray,
        runs: Runs,
        lo: list[int],
        hi: list[int],
        vpc_id: str,
        az: str,
        entering: bool,
        depth: int,
    ) -> None:
        """``_arrival``'s answer over the defaults in ``out``, run by run of the route table (run k
        covers k2 positions ``lo[k]:hi[k]``)."""
        me = self.vpc_index[vpc_id]
        for k, (kind, target) in enumerate(runs.hops):
            a, b = lo[k], hi[k]
            if a == b:
                continue
            if kind == "local":
                out[0, a:b] = me
            elif kind == "mbox":
                box = self.c.middleboxes.get(target)
                if box is not None and box[1] == vpc_id and box[0] in self.c.subnets:
                    sub = self.c.subnets[box[0]]
                    out[:, a:b] = self._arrival(sub.route_table_id, vpc_id, sub.az, False, depth + 1)[:, a:b]
            elif entering:
                continue
            elif kind == "pcx":
                sides = self.c.peerings.get(target)
                if sides is not None:
                    out[0, a:b] = self.vpc_index.get(sides[1] if sides[0] == vpc_id else sides[0], -1)
            elif kind == "tgw":
                att = self.c.vpc_attachments.get((target, vpc_id))
                if att is not None and az in att.az_route_tables and target in att.associations:
                    trow = self._tgw_row(att.associations[target], target, az, depth)
                    out[0, a:b] = trow[0, a:b]
                    out[2:, a:b] = trow[1:, a:b]
                    out[1, a:b] = self.sub_index.get(att.az_subnets.get(az, ""), -1)

    def _tgw_row(self, rtb: str, tgw_id: str, az: str, depth: int) -> np.ndarray:
        """For each k2 position, the VPC a packet entering TGW route table ``rtb`` from AZ ``az``
        is delivered into by the attachment subnet's route table (row 0; -1: dropped), that
        attachment subnet (row 1: the originating AZ's, else the attachment's first) and whether
        its outbound rules let the request (row 2) and the reply (row 3) out to the atom."""
        key = (rtb, az, depth)
        found = self._tgw_rows.get(key)
        if found is not None:
            return found
        n2 = len(self.k2_addr)
        out = np.full((4, n2), -1, dtype=np.int32)
        out[2:] = 1
        self._tgw_rows[key] = out
        runs = self.c.tgw_tables.get(rtb)
        if runs is None or depth >= MAX_TGW_HOPS:
            return out
        hop_vpc = np.full(len(runs.hops), -1, dtype=np.int32)
        hop_entry = np.full(len(runs.hops), -1, dtype=np.int32)
        later: list[tuple[int, str, str]] = []  # runs whose entry table is not local all along
        peers: list[int] = []
        ends = (*runs.starts[1:], 1 << 32)
        for k, (kind, target) in enumerate(runs.hops):
            nxt = self.c.attachments.get(target) if kind == "att" else None
            if nxt is None:
                continue
            if nxt.type == "vpc" and nxt.vpc_id is not None:
                entry_az = az if az in nxt.az_route_tables else next(iter(nxt.az_route_tables), "")
                entry_rt = nxt.az_route_tables.get(entry_az, "")
                hop_entry[k] = self.sub_index.get(nxt.az_subnets.get(entry_az, ""), -1)
                simple = self._all_local(entry_rt, runs.starts[k], ends[k])
                if simple:
                    hop_vpc[k] = self.vpc_index.get(nxt.vpc_id, -1)
                elif simple is not None:
                    later.append((k, entry_rt, nxt.vpc_id))
            elif nxt.type == "peering" and tgw_id in nxt.peer_of:
                peers.append(k)
        run_of = np.searchsorted(runs.array(), self.k2_addr, side="right") - 1
        out[0] = hop_vpc[run_of]
        out[1] = hop_entry[run_of]
        if later or peers:
            lo, hi = self._bounds("tgw:" + rtb, runs)
            for k, entry_rt, vpc_id in later:
                a, b = lo[k], hi[k]
                if a < b:
                    out[0, a:b] = self._arrival(entry_rt, vpc_id, az, True, depth + 1)[0, a:b]
            for k in peers:
                nxt = self.c.attachments[runs.hops[k][1]]
                peer_tgw = nxt.peer_of[tgw_id]
                peer_rtb = nxt.associations.get(peer_tgw)
                a, b = lo[k], hi[k]
                if peer_rtb and a < b:
                    out[:2, a:b] = self._tgw_row(peer_rtb, peer_tgw, az, depth + 1)[:2, a:b]
        ar = np.arange(n2)
        out[2] = self._masks[self._out_p[out[1]], ar]
        out[3] = self._masks[self._out_r[out[1]], ar]
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
    family: int = 4,
    *,
    progress: Progress | None = None,
) -> ReachabilityMatrix:
    """The all-pairs reachability matrix of ``world`` for one protocol and port.

    ``level="subnet"``: subnets × subnets (routing and network ACLs, both directions);
    ``level="interface"``: network interfaces × network interfaces, adding security groups
    (sources exclude interface and Gateway Load Balancer endpoints, which do not initiate
    connections, and transit gateway attachment interfaces; destinations exclude the latter).
    ``family``: 4, or 6 for the IPv6 matrix of a dual-stack network (subnets with an IPv6 /64,
    interfaces with an IPv6 address; routes, NACL entries and security group rules of IPv6; ``icmp``
    is ICMPv6 there, as in a trace: ``result.family_protocol``). ``progress(stage, done, total)``
    is called between stages and row blocks (``reach/progress.py``).
    """
    if level not in ("subnet", "interface"):
        raise ValueError(f"level must be 'subnet' or 'interface', not {level!r}")
    protocol = family_protocol(protocol, family)  # icmp over IPv6 is icmpv6; icmpv6 over IPv4: ReachError
    if compiled is None:
        report(progress, "compile", 0, 1)
    c = compiled or compiled_view(world, family)
    if compiled is None:
        report(progress, "compile", 1, 1)
    if level == "interface":
        from .interface_matrix import interface_matrix

        report(progress, "interfaces", 0, 1)
        im = interface_matrix(world, c, protocol, port)
        report(progress, "interfaces", 1, 1)
        return im
    return subnet_matrix(c, protocol, port, progress=progress)


def subnet_matrix(
    c: Compiled, protocol: str, port: int | None, *, progress: Progress | None = None
) -> ReachabilityMatrix:
    """Rows and columns are subnets; a subnet the routing atoms cut into pieces is computed piece
    by piece and its rows and columns OR-ed (any piece reaching any piece makes the subnets reach)."""
    report(progress, "classes", 0, 1)
    cl = _Classes(c, protocol, port)
    infos = list(c.subnets.values())
    n = len(infos)
    lo = np.array([s.lo for s in infos], dtype=np.uint64)
    hi = np.array([s.hi - 1 for s in infos], dtype=np.uint64)
    first, last = atom_of(cl.ratoms, lo).tolist(), atom_of(cl.ratoms, hi).tolist()
    piece_subnet: list[int] = []
    piece_k1: list[int] = []
    piece_k2: list[int] = []
    piece_addr: list[int] = []
    for i, s in enumerate(infos):
        for r in range(first[i], last[i] + 1):
            address = s.lo if r == first[i] else int(cl.ratoms[r])
            piece_subnet.append(i)
            piece_addr.append(address)
            piece_k1.append(cl.context(s, address))
            piece_k2.append(cl.column(s, address))
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
    report(progress, "classes", 1, 1)
    bits = np.empty((n, width), dtype=np.uint8)
    for r in range(0, n, CHUNK):
        report(progress, "rows", r, n)
        np.bitwise_and(pp[h1[r : r + CHUNK]], qq[h2[r : r + CHUNK]], out=bits[r : r + CHUNK])
    report(progress, "rows", n, n)
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
    # pairs a transit gateway delivery straight into an end's subnet lets through (no NACL there)
    az_of = np.array([cl.az_bit[s.az] for s in infos], dtype=np.int64)[order]
    role_of = np.array([cl.roles.get(s.id, 0) for s in infos], dtype=np.int64)[order]
    rs, rd = relaxed_pairs(cl, pk1, pk2, az_of[psub], role_of[psub])
    if len(rs):
        ds = psub[rd]
        np.bitwise_or.at(bits, (psub[rs], ds >> 3), (0x80 >> (ds & 7)).astype(np.uint8))
    ids = np.array([s.id for s in infos], dtype=object)[order]
    if cl.exact is not None:
        paddr = np.array(piece_addr, dtype=object)[porder]
        correct_subnets(cl, bits, psub, paddr, [infos[k] for k in order.tolist()])
    if has_gwlb_endpoints(c):
        _drop_asymmetric(c, bits, [infos[k] for k in order.tolist()])
    diag = np.arange(n)
    bits[diag, diag >> 3] |= (0x80 >> (diag & 7)).astype(np.uint8)
    return ReachabilityMatrix(bits, ids, ids.copy(), protocol, port, "subnet")


def _drop_asymmetric(c: Compiled, bits: np.ndarray, subnets: list[SubnetInfo]) -> None:
    """Clear the pairs whose reply passes a Gateway Load Balancer endpoint the request did not
    (``gwlb_symmetry``), judged between the subnets' first addresses."""
    n = len(subnets)
    full = np.unpackbits(bits, axis=1, count=n).astype(bool)
    for i, j in zip(*np.nonzero(full), strict=True):
        s, d = subnets[i], subnets[j]
        if i != j and not symmetric(c, s, s.lo, d, d.lo):
            bits[i, j >> 3] &= np.uint8(~(0x80 >> (j & 7)) & 0xFF)
