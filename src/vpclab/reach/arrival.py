"""Where a packet from a subnet context to an address arrives, over compiled route tables
(``reach.compiled``): VPC route tables, middleboxes, transit gateways and their peerings —
``ArrivalVectors`` for every destination atom of the matrix at once (one flow at a time:
``exact_pairs.Walker``); ``_through_tgw`` for the Gateway Load Balancer symmetry check.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Hashable

import numpy as np

from .compiled import NO_ROUTE, Compiled, Runs

#: how many transit gateways a packet may cross (TGW peering chains)
MAX_TGW_HOPS = 4
#: how many route tables a packet may consult (middleboxes and transit gateways on the way)
MAX_HOPS = 8


def in_vpc(c: Compiled, vpc_id: str, address: int) -> bool:
    return any(lo <= address < hi for lo, hi in c.vpc_spans.get(vpc_id, ()))


def _through_tgw(
    c: Compiled, tgw_id: str, vpc_id: str, az: str, address: int, reads: set[str] | None
) -> tuple[str, str, str] | None:
    """(attachment subnet route table, VPC, attachment subnet) where the transit gateway delivers
    the packet, or None."""
    att = c.vpc_attachments.get((tgw_id, vpc_id))
    if reads is not None:
        reads.add(f"{tgw_id}/{vpc_id}")
    if att is None or az not in att.az_route_tables:  # TGW_ATTACH_VPC_AZ_RESTRICTION
        return None
    rtb = att.associations.get(tgw_id)
    for _ in range(MAX_TGW_HOPS):
        if rtb is None:
            return None
        if reads is not None:
            reads.add(rtb)
        truns = c.tgw_tables.get(rtb)
        kind, target = truns.at(address) if truns is not None else NO_ROUTE
        if kind != "att":
            return None
        nxt = c.attachments.get(target)
        if nxt is None:
            return None
        if reads is not None:
            reads.add(target)
        if nxt.type == "vpc" and nxt.vpc_id is not None:
            # the TGW keeps traffic in the source AZ when the attachment has a subnet there, else
            # uses another attachment subnet; that subnet's route table forwards it into the VPC
            entry_az = az if az in nxt.az_route_tables else next(iter(nxt.az_route_tables), "")
            return nxt.az_route_tables.get(entry_az, ""), nxt.vpc_id, nxt.az_subnets.get(entry_az, "")
        if nxt.type == "peering" and tgw_id in nxt.peer_of:
            tgw_id = nxt.peer_of[tgw_id]
            rtb = nxt.associations.get(tgw_id)
            continue
        return None  # VPN, Direct Connect, Connect: the packet leaves AWS
    return None


#: ``ArrivalVectors._att_hop``'s answers for a peering attachment and for one that delivers nowhere
_PEERING, _NOWHERE = "peering", "nowhere"

#: a column's (k2) entry verdicts when a transit gateway picks the entry subnet by the destination's
#: AZ (``Classes.dst_entry``): that subnet's table delivers the address locally; its outbound rules
#: let the request out to it; and the reply
DZ_LOCAL, DZ_REQUEST, DZ_REPLY = 1, 2, 4
DZ_ALL = DZ_LOCAL | DZ_REQUEST | DZ_REPLY

#: ``ArrivalVectors._arrival``'s answer for atoms no route delivers (rows 0-4, one column to broadcast),
#: and its rows 1-4 where the VPC itself or a peering delivers
_NONE = np.array([[-1], [-1], [-1], [1], [1]], dtype=np.int32)
_REST = _NONE[1:]


class RowCache:
    """The TGW, gateway and entering rows (each n2 wide) ``ArrivalVectors`` remembers across blocks
    of contexts, the least recently used forgotten first once they pass ``budget`` bytes
    (``trim``, between blocks — never inside a row's recursion, where a row being made stands for
    a routing loop). An estate has a TGW route table per domain and AZ and its contexts come domain
    by domain, so a block's rows stay while it needs them; forgetting all at once made 10× AWS-MAX
    recompute rows block after block. The rows across a peering (no AZ), which every domain reads,
    are not kept here but for the whole build (``_peer_rows``)."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.nbytes = 0
        self._rows: OrderedDict[Hashable, np.ndarray] = OrderedDict()

    def get(self, key: Hashable) -> np.ndarray | None:
        row = self._rows.get(key)
        if row is not None:
            self._rows.move_to_end(key)
        return row

    def __setitem__(self, key: Hashable, row: np.ndarray) -> None:
        old = self._rows.pop(key, None)
        self.nbytes += row.nbytes - (0 if old is None else old.nbytes)
        self._rows[key] = row

    def __len__(self) -> int:
        return len(self._rows)

    def trim(self) -> None:
        while self.nbytes > self.budget and self._rows:
            _, row = self._rows.popitem(last=False)
            self.nbytes -= row.nbytes


class ArrivalVectors:
    """Arrivals for every destination atom at once: the matrix classes' (``classes.Classes``)
    per-context arrival vectors over the k2 positions (``k2_addr``), with the transit gateway rows
    they read. The attributes are set by ``Classes`` (its ``__init__`` and ``build``)."""

    c: Compiled
    k2_addr: np.ndarray
    #: per k2 position, its ``DZ_*`` bits; and the entry-subnet index that stands for "chosen by the
    #: destination's AZ" (rows 1 and 2 of an arrival; one past the subnets)
    k2_dz: np.ndarray
    _by_destination: int
    vpc_index: dict[str, int]
    sub_index: dict[str, int]
    _masks: np.ndarray
    _out_p: np.ndarray
    _out_r: np.ndarray
    #: TGW rows (key "tgw", route table, AZ, depth), gateway rows ("gw", ...) and arrivals ("in", ...)
    _rows: RowCache
    _run_bounds: dict[str, tuple[list[int], list[int]]]
    _simple: dict[tuple[str, int, int], bool | None]
    _run_widths: dict[str, np.ndarray]
    _peer_rows: dict[Hashable, np.ndarray]
    #: ``_att_hop`` per (attachment, AZ, run start, run end): tables list the same attachments
    _att_hops: dict[tuple[str, str | None, int, int], tuple[int, int, str | None] | str]
    #: 0 … n2 - 1 (a mask row's columns in ``_masks.reshape(-1)``)
    _column_at: np.ndarray
    _peer_bases: dict[tuple[str, str], tuple[np.ndarray, list[tuple[int, int, str, str]]]]
    #: per ``Runs`` (by identity, kept alive with it): ``_one_target``'s answer
    _targets: dict[int, tuple[Runs, str | None]]

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

    def _gateway_of(self, runs: Runs, vpc_id: str, az: str) -> tuple[str, str, int] | None:
        """When every transit gateway run of the table goes to one gateway the VPC's attachment
        lets the packet into (``_paint``'s conditions) and no run goes to a middlebox: that
        gateway's route table (the attachment's association), the gateway, and the attachment
        subnet the packet leaves through (index; -1: none); else None."""
        target = self._one_target(runs)
        if target is None:
            return None
        att = self.c.vpc_attachments.get((target, vpc_id))
        if att is None or az not in att.az_route_tables or target not in att.associations:
            return None
        return att.associations[target], target, self.sub_index.get(att.az_subnets.get(az, ""), -1)

    def _one_target(self, runs: Runs) -> str | None:
        """The transit gateway every ``tgw`` run of ``runs`` goes to, when there is one and no run
        goes to a middlebox; else None. Remembered per table (tables of one shape share their
        ``Runs``: AWS-MAX has 15,001 contexts over far fewer)."""
        seen = self._targets.get(id(runs))
        if seen is not None and seen[0] is runs:
            return seen[1]
        targets: set[str] = set()
        for kind, target in runs.hops:
            if kind == "tgw":
                targets.add(target)
            elif kind == "mbox":
                targets.clear()
                break
        one = targets.pop() if len(targets) == 1 else None
        self._targets[id(runs)] = (runs, one)
        return one

    def _one_gateway(self, runs: Runs, vpc_id: str, az: str) -> tuple[np.ndarray, int] | None:
        """``_gateway_of``'s gateway: the answer over all atoms as if every run went there (row 1:
        -1) and the attachment subnet it leaves through; else None."""
        found = self._gateway_of(runs, vpc_id, az)
        if found is None:
            return None
        rtb, target, exit_subnet = found
        return self._gateway_row(rtb, target, az), exit_subnet

    def _gateway_row(self, rtb: str, target: str, az: str) -> np.ndarray:
        key = ("gw", rtb, target, az)
        row = self._rows.get(key)
        if row is None:
            trow = self._tgw_row(rtb, target, az, 0)
            row = np.empty((5, len(self.k2_addr)), dtype=np.int32)
            self._rows[key] = row
            row[0] = trow[0]
            row[1] = -1
            row[2:] = trow[1:]
        return row

    def _arrival(
        self, rt_id: str, vpc_id: str, az: str, entering: bool, depth: int, out: np.ndarray | None = None
    ) -> np.ndarray:
        """For each k2 position: row 0, the index of the VPC a packet from this route table context
        is delivered into (-1: dropped or gone) — ``Walker.walk``'s routing for every atom; row
        1, the attachment subnet (index) it leaves through towards the first transit gateway;
        row 2, the one the last transit gateway delivers it through (-1: none); rows 3 and 4,
        whether that subnet's outbound rules let the request (3) and the reply (4) out to the atom
        (1 when there is none). ``entering``: the packet was just delivered by a transit gateway
        (only local delivery or a middlebox). With ``out`` (a context's row block), the answer is
        written there and not remembered."""
        key = ("in", rt_id, vpc_id, az, entering, depth)
        if out is None:
            found = self._rows.get(key)
            if found is not None:
                return found
            out = np.empty((5, len(self.k2_addr)), dtype=np.int32)
            self._rows[key] = out  # before recursing: a routing loop reads -1 (dropped)
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

    def _tgw_row(self, rtb: str, tgw_id: str, az: str | None, depth: int) -> np.ndarray:
        """For each k2 position, the VPC a packet entering TGW route table ``rtb`` from AZ ``az``
        is delivered into by the attachment subnet's route table (row 0; -1: dropped), that
        attachment subnet (row 1) and whether its outbound rules let the request (row 2) and the
        reply (row 3) out to the atom. The attachment subnet is the originating AZ's; when the
        attachment has none there, or across a transit gateway peering (``az`` None: no
        originating AZ, rows 0 and 1 only: ``_peer_row``), the destination's AZ picks it, as
        ``exact_pairs.Walker`` does — a column's own answer (``k2_dz``; row 1 ``_by_destination``)."""
        if az is None:
            return self._peer_row(rtb, tgw_id, depth)
        key = ("tgw", rtb, az, depth)
        found = self._rows.get(key)
        if found is not None:
            return found
        n2 = len(self.k2_addr)
        out = np.full((4, n2), -1, dtype=np.int32)
        out[2:] = 1
        self._rows[key] = out
        runs = self.c.tgw_tables.get(rtb)
        if runs is None or depth >= MAX_TGW_HOPS:
            return out
        later: list[tuple[int, str, str, str]] = []  # runs whose entry table is not local all along
        peers: list[int] = []
        at: list[int] = []  # the runs a VPC attachment delivers, and their hops
        hops: list[tuple[int, int]] = []
        starts = runs.starts
        ends = (*starts[1:], 1 << 32)
        known = self._att_hops
        for k, (kind, target) in enumerate(runs.hops):
            if kind != "att":
                continue
            seen = (target, az, starts[k], ends[k])
            h = known.get(seen)
            if h is None:
                h = known[seen] = self._att_hop(target, az, starts[k], ends[k])
            if isinstance(h, str):
                if h == _PEERING and tgw_id in self.c.attachments[target].peer_of:
                    peers.append(k)
                continue
            vpc, entry, entry_rt = h
            at.append(k)
            hops.append((vpc, entry))
            if entry_rt is not None:
                later.append((k, entry_rt, self.c.attachments[target].vpc_id or "", az))
        hop_vpc = np.full(len(runs.hops), -1, dtype=np.int32)
        hop_entry = np.full(len(runs.hops), -1, dtype=np.int32)
        if at:
            hop_vpc[at], hop_entry[at] = np.array(hops, dtype=np.int32).T
        lo, hi = self._bounds("tgw:" + rtb, runs)
        width = self._widths(rtb, lo, hi)
        out[0] = np.repeat(hop_vpc, width)
        out[1] = np.repeat(hop_entry, width)
        for k, entry_rt, vpc_id, origin in later:
            a, b = lo[k], hi[k]
            if a < b:
                out[0, a:b] = self._arrival(entry_rt, vpc_id, origin, True, depth + 1)[0, a:b]
        for k in peers:
            nxt = self.c.attachments[runs.hops[k][1]]
            peer_tgw = nxt.peer_of[tgw_id]
            peer_rtb = nxt.associations.get(peer_tgw)
            a, b = lo[k], hi[k]
            if peer_rtb and a < b:  # across a peering there is no originating AZ
                out[:2, a:b] = self._peer_row(peer_rtb, peer_tgw, depth + 1)[:, a:b]
        # the entry subnet's outbound rules: a run's entry is its hop's (across a peering the
        # destination's AZ picks, set below; none: -1, the mask row that allows all)
        flat, columns = self._masks.reshape(-1), self._column_at
        out[2] = flat[np.repeat(self._out_p[hop_entry] * n2, width) + columns]
        out[3] = flat[np.repeat(self._out_r[hop_entry] * n2, width) + columns]
        by_dst = out[1] == self._by_destination
        if by_dst.any():  # the column's own entry subnet: its table delivers locally, its outbound rules
            dz = self.k2_dz[by_dst]
            out[0, by_dst & ((self.k2_dz & DZ_LOCAL) == 0)] = -1
            out[2, by_dst] = (dz & DZ_REQUEST) != 0
            out[3, by_dst] = (dz & DZ_REPLY) != 0
        return out

    def _widths(self, rtb: str, lo: list[int], hi: list[int]) -> np.ndarray:
        """How many columns each run of TGW route table ``rtb`` covers (they cover them all, in
        order)."""
        width = self._run_widths.get(rtb)
        if width is None:
            width = self._run_widths[rtb] = np.subtract(hi, lo)
        return width

    def _peer_row(self, rtb: str, tgw_id: str, depth: int) -> np.ndarray:
        """``_tgw_row`` across a transit gateway peering (no originating AZ): rows 0 and 1, kept
        for the whole build (a gateway's row reads its peers' and theirs: at 10× AWS-MAX
        forgetting them between blocks made 20,924 such rows instead of 3,440). Every depth's row
        is the table's own (``_peer_base``, made once) with its peering runs' columns read from
        the next depth's rows."""
        key = ("tgw", rtb, None, depth)
        found = self._peer_rows.get(key)
        if found is not None:
            return found
        if rtb not in self.c.tgw_tables or depth >= MAX_TGW_HOPS:
            out = self._peer_rows[key] = np.full((2, len(self.k2_addr)), -1, dtype=np.int32)
            return out
        base, peers = self._peer_base(rtb, tgw_id)
        out = base.copy() if peers else base
        self._peer_rows[key] = out
        for a, b, peer_rtb, peer_tgw in peers:
            out[:, a:b] = self._peer_row(peer_rtb, peer_tgw, depth + 1)[:, a:b]
        return out

    def _peer_base(self, rtb: str, tgw_id: str) -> tuple[np.ndarray, list[tuple[int, int, str, str]]]:
        """TGW route table ``rtb``'s rows 0 and 1 across a peering, but at its own peering runs
        (left dropped, -1), and those runs (columns a:b, the peer's route table and gateway): a
        VPC attachment's entry subnet is the one the destination's AZ picks (``k2_dz``)."""
        found = self._peer_bases.get((rtb, tgw_id))
        if found is not None:
            return found
        runs = self.c.tgw_tables[rtb]
        hop_vpc = np.full(len(runs.hops), -1, dtype=np.int32)
        hop_entry = np.full(len(runs.hops), -1, dtype=np.int32)
        lo, hi = self._bounds("tgw:" + rtb, runs)
        peers: list[tuple[int, int, str, str]] = []
        for k, (kind, target) in enumerate(runs.hops):
            if kind != "att":
                continue
            h = self._att_hop(target, None, 0, 0)  # no AZ: the destination's picks (run bounds unread)
            if not isinstance(h, str):
                hop_vpc[k], hop_entry[k] = h[0], h[1]
                continue
            nxt = self.c.attachments[target]
            if h == _PEERING and tgw_id in nxt.peer_of:
                peer_tgw = nxt.peer_of[tgw_id]
                peer_rtb = nxt.associations.get(peer_tgw)
                if peer_rtb and lo[k] < hi[k]:
                    peers.append((lo[k], hi[k], peer_rtb, peer_tgw))
        width = self._widths(rtb, lo, hi)
        base = np.empty((2, len(self.k2_addr)), dtype=np.int32)
        base[0] = np.repeat(hop_vpc, width)
        base[1] = np.repeat(hop_entry, width)
        # the entry subnet the destination's AZ picks delivers only what its table keeps local
        base[0, (base[1] == self._by_destination) & ((self.k2_dz & DZ_LOCAL) == 0)] = -1
        self._peer_bases[(rtb, tgw_id)] = found = (base, peers)
        return found

    def _att_hop(
        self, target: str, az: str | None, start: int, end: int
    ) -> tuple[int, int, str | None] | str:
        """What TGW attachment ``target`` does with a packet from AZ ``az`` (None: across a
        peering, no originating AZ) to addresses [start, end) (a run of a TGW route table):
        ``_PEERING``, ``_NOWHERE``, or a VPC attachment's (VPC delivered into — -1 where the
        entry table does not deliver locally all along —, entry subnet, and that entry table when
        the packet must be followed through it: ``_arrival``, entering). Where the destination's
        AZ picks the entry subnet, the entry is ``_by_destination`` (decided per column)."""
        nxt = self.c.attachments.get(target)
        if nxt is None:
            return _NOWHERE
        if nxt.type == "peering":
            return _PEERING
        if nxt.type != "vpc" or nxt.vpc_id is None:
            return _NOWHERE
        subnets = self.c.subnets
        vpc = self.vpc_index.get(nxt.vpc_id, -1)
        if az is None or nxt.az_subnets.get(az) not in subnets:
            if any(x in subnets for x in nxt.az_subnets.values()):
                # the destination's AZ picks the entry subnet: decided per column (k2_dz)
                return vpc, self._by_destination, None
            return _NOWHERE
        entry_rt = nxt.az_route_tables[az]
        entry = self.sub_index.get(nxt.az_subnets[az], -1)
        simple = self._all_local(entry_rt, start, end)
        if simple:
            return vpc, entry, None
        return -1, entry, None if simple is None else entry_rt

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
