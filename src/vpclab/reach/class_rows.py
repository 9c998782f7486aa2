"""The matrix classes' verdict rows, a block of contexts at a time, a group of contexts at once
(``GroupRows``, the base of ``classes.Classes``).

Most contexts send every transit gateway route to one gateway: their rows are that gateway's row
(its TGW route table and the context's AZ) under the context's network ACLs, but for the columns
of the context's own local, peering and other routes. Such contexts are grouped (gateway row, ACL
answers, exit-subnet denials) and a group's row — its verdicts, or its packed strict bits — is
made once and copied to each member, whose own routes' columns are then set (``_patch``: no
transit gateway there, so the strict verdict alone); its relaxed cells are kept once for all its
members (``RelaxedCells``). AWS-MAX: 15,001 contexts, 3,328 groups. The other contexts are made
from their own arrivals (``ArrivalVectors``). A member keeps no row of its own: its cells are
read from its group's row and its own runs' cells (``_Membership.own``); the grids' rows of the
members are never written (their pages never touched).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import numpy as np

from ..core.parallel import ordered_map
from .arrival import ArrivalVectors
from .bits import spans
from .matrix_cells import STRICT, VIA_DESTINATION_AZ, _cat_cells, _verdicts
from .progress import Progress, report


def relaxed_cells(v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, column, verdict bits) of the cells of rows ``v`` where the strict verdict fails and a
    relaxed one holds (the verdicts are monotone: elsewhere 0 or 15)."""
    bits = v & np.uint8(15)
    flat = np.flatnonzero((bits - np.uint8(1)) < 14)
    r, j = np.divmod(flat, v.shape[1])
    return r, j, bits.ravel()[flat]


class GroupRows(ArrivalVectors):
    """Makes ``Classes``' grids (``PC``/``QC``, or lean ``SP``/``SQ``/``SV``) and relaxed cells a
    block of contexts at a time (``_block``), grouped contexts from their group's row. Attributes
    are set by ``Classes.build``."""

    lean: bool
    #: group contexts (``_group_contexts``); False makes every row from its own arrivals — the
    #: reference the grouped rows are tested and benchmarked against
    grouped: bool = True
    n1: int
    n2: int
    has_via: bool
    k2_vpc: np.ndarray
    _kinds: np.ndarray  # per context: the mask rows of its ACL (out request, out reply, in request, in reply)
    _masks: np.ndarray
    PC: np.ndarray
    QC: np.ndarray
    SP: np.ndarray
    SQ: np.ndarray
    SV: np.ndarray
    #: ``_mask_bits``: the ACL answers' mask rows as code bits (made once per build)
    _mask_codes: tuple[np.ndarray, np.ndarray] | None = None

    def _group_contexts(self, rows: list[tuple[object, ...]]) -> None:
        """``_group_of``: each context's group (-1: made alone), grouping the contexts whose table
        sends every transit gateway run to one gateway its VPC's attachment lets the packet into,
        and no run to a middlebox, by (gateway route table and AZ, ACL answers, whether the exit
        subnet is denied the request and the reply); ``_reps``: a member of each group."""
        group_of = np.full(len(rows), -1, dtype=np.int64)
        groups: dict[tuple[object, ...], int] = {}
        reps: list[int] = []
        keys_of: list[tuple[str, str, str]] = []  # each group's gateway row
        kinds = self._kinds.tolist()
        for i, k in enumerate(rows if self.grouped else ()):
            runs = self.c.route_tables.get(str(k[0]))
            gw = None if runs is None else self._gateway_of(runs, str(k[1]), str(k[2]))
            if gw is None:
                continue
            rtb, target, exit_subnet = gw
            denied = k[4]  # (attachment subnet, denies the request, denies the reply)
            deny_p = any(x == exit_subnet and p for x, p, _ in denied)  # type: ignore[attr-defined]
            deny_r = any(x == exit_subnet and r for x, _, r in denied)  # type: ignore[attr-defined]
            key = (rtb, target, k[2], *kinds[i], deny_p, deny_r)
            g = groups.get(key)
            if g is None:
                g = groups[key] = len(reps)
                reps.append(i)
                keys_of.append((str(rtb), str(target), str(k[2])))
            group_of[i] = g
        self._group_of, self._reps = group_of, reps
        #: the groups in the order they are made: by gateway row, so each is made once (LRU)
        self._make_order = sorted(range(len(reps)), key=lambda g: keys_of[g])
        #: per group, its first member made from the group's row (-1: none yet)
        self._like = np.full(len(reps), -1, dtype=np.int64)
        self._member = np.zeros(len(rows), dtype=bool)  # made from their group's row
        #: per side and group, its relaxed cells (columns, verdict bits)
        self._group_cells: dict[str, dict[int, tuple[np.ndarray, np.ndarray]]] = {"P": {}, "Q": {}}
        #: per side, every group's verdict row (groups × n2, a byte a cell: what a member's cell
        #: holds but at its own runs); made before the blocks (``_make_all_groups``)
        self.group_grid = {side: np.zeros((len(reps), self.n2), dtype=np.uint8) for side in "PQ"}
        #: (context, column, strict P, strict Q) of members' own runs' cells
        self._painted: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def _block(
        self,
        rows: list[tuple[object, ...]],
        r0: int,
        r1: int,
        buf: np.ndarray,
        found: dict[str, list[tuple[np.ndarray, np.ndarray]]],
    ) -> None:
        """Contexts ``r0:r1``: their grid rows; the relaxed cells of those made alone appended to
        ``found`` (keys context × n2 + column, sorted), a group's kept with the group's row."""
        n2 = self.n2
        keys = rows[r0:r1]
        g = self._group_of[r0:r1]
        grouped = np.flatnonzero(g >= 0).tolist()
        tables = [self.c.route_tables[str(keys[i][0])] for i in grouped]
        starts = [x for runs in tables for x in runs.starts]
        lo_all = np.searchsorted(self.k2_addr, np.array(starts, dtype=np.uint64), side="left").tolist()
        alone = np.flatnonzero(g < 0).tolist()
        patch: list[tuple[int, int, int, int]] = []  # (context, first column, end column, VPC delivered)
        members: list[int] = []
        p = 0
        for i, runs in zip(grouped, tables, strict=True):
            q = p + len(runs.starts)
            lo, hi = lo_all[p:q], [*lo_all[p + 1 : q], n2]
            p = q
            vpc_id = str(keys[i][1])
            mine: list[tuple[int, int, int, int]] = []
            for r, (kind, target) in enumerate(runs.hops):
                a, b = lo[r], hi[r]
                if a == b or kind == "tgw":
                    continue
                if kind == "local":
                    d = self.vpc_index[vpc_id]
                elif kind == "pcx":  # as ``_paint``
                    sides = self.c.peerings.get(target)
                    peer = None if sides is None else sides[1] if sides[0] == vpc_id else sides[0]
                    d = -1 if peer is None else self.vpc_index.get(peer, -1)
                else:
                    d = -1
                mine.append((r0 + i, a, b, d))
            if sum(b - a for _, a, b, _ in mine) > n2 // 4:  # mostly its own runs: made alone
                alone.append(i)
            else:
                members.append(i)
                patch.extend(mine)
        cells: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {"P": [], "Q": []}
        if alone:
            alone.sort()
            arr = buf[: len(alone)]
            self._arrivals_into([keys[i] for i in alone], arr)
            at = r0 + np.array(alone)
            vp, vq = self._rows_of(arr, at, [keys[i] for i in alone])
            self._store(at, vp, vq)
            for side, rows_v in (("P", vp), ("Q", vq)):
                ri, j, bits = relaxed_cells(rows_v)
                cells[side].append((at[ri] * n2 + j, bits))
        if members:
            self._from_groups(r0 + np.array(members))
        if patch:
            self._patch(np.array(patch, dtype=np.int64))
        for side, parts in cells.items():  # the contexts made alone, in order: sorted
            found[side].extend(parts)

    def _store(self, at: np.ndarray, vp: np.ndarray, vq: np.ndarray) -> None:
        """Rows ``at`` of the grids from their verdict rows."""
        if not self.lean:
            self.PC[at], self.QC[at] = vp, vq
            return
        self.SP[at] = np.packbits((vp & STRICT) != 0, axis=1)
        self.SQ[at] = np.packbits((vq & STRICT) != 0, axis=1)
        self.SV[at] = np.packbits((vp & VIA_DESTINATION_AZ) != 0, axis=1)  # the same on both sides

    def _from_groups(self, members: np.ndarray) -> None:
        """Contexts ``members`` read from their groups' rows (``group_grid``) but at their own
        runs' columns (``_patch``)."""
        g = self._group_of[members]
        self._member[members] = True
        new = self._like[g] < 0
        groups, first = np.unique(g[new], return_index=True)
        self._like[groups] = members[new][first]  # each group's first member

    def _make_all_groups(self, rows: list[tuple[object, ...]], size: int, progress: Progress | None) -> None:
        """Every group's rows, ordered by gateway row (each gateway row made once while its
        groups are), ``size`` groups at a time; ``progress`` hears ("classes", 0, contexts)
        between them."""
        order = self._make_order
        parts = (order[m0 : m0 + max(1, size)] for m0 in range(0, len(order), max(1, size)))
        # the gateway rows (Python, the row caches) read here; each part's verdict rows (numpy,
        # which lets go of the GIL) made on the other cores meanwhile (``core.parallel``)
        self._mask_bits()
        made = ordered_map(self._group_verdicts, self._prepared(rows, parts, progress), ahead=2)
        for _ in made:
            pass

    def _prepared(
        self, rows: list[tuple[object, ...]], parts: Iterator[list[int]], progress: Progress | None
    ) -> Iterator[tuple[list[int], np.ndarray, np.ndarray, np.ndarray]]:
        for part in parts:
            report(progress, "classes", 0, self.n1)
            self._rows.trim()
            yield self._prepare_groups(rows, part)

    def _prepare_groups(
        self, rows: list[tuple[object, ...]], part: list[int]
    ) -> tuple[list[int], np.ndarray, np.ndarray, np.ndarray]:
        """Groups ``part``'s reading of their gateways: each group's gateway (index into the
        codes), whether its exit subnet denies the request and the reply, and the gateways' codes
        (``_gateway_codes``)."""
        gateways: dict[tuple[str, str, str], int] = {}
        found: list[tuple[str, str, str]] = []
        gw = np.empty(len(part), dtype=np.int64)
        deny = np.zeros((len(part), 2), dtype=bool)  # the exit subnet denies the request, the reply
        for j, x in enumerate(part):
            k = rows[self._reps[x]]
            az = str(k[2])
            g = self._gateway_of(self.c.route_tables[str(k[0])], str(k[1]), az)
            assert g is not None  # grouped: ``_gateway_of`` found the gateway
            rtb, target, exit_subnet = g
            at = gateways.get((rtb, target, az))
            if at is None:
                at = gateways[(rtb, target, az)] = len(found)
                found.append((rtb, target, az))
            gw[j] = at
            for sub, deny_p, deny_r in k[4]:  # type: ignore[attr-defined]
                if sub == exit_subnet:
                    deny[j, 0] |= deny_p
                    deny[j, 1] |= deny_r
        return part, gw, deny, self._gateway_codes(found)

    def _group_verdicts(self, prepared: tuple[list[int], np.ndarray, np.ndarray, np.ndarray]) -> None:
        """The rows of ``_prepare_groups``' groups: each side's verdict row made once per (gateway
        row, the two ACL answers that side reads, whether the exit subnet denies it) — where its
        groups can differ. A cell's verdicts depend on seven bits only (``_gateway_codes``' five
        and the two ACL answers), so a row is two gathers, two ors and one look-up in a table
        (``_CELL``) made from ``_verdict_rows`` itself. Numpy only: safe on another thread while
        the next part is read, each part writing its own groups' rows."""
        part, gw, deny, codes = prepared
        via = bool((codes & np.uint8(_VIA)).any())
        kp, kr, ip, ir = self._kinds[np.array([self._reps[x] for x in part])].T
        mine_bit, other_bit = self._mask_bits()
        at_part = np.array(part)
        # P: the request out of the near end (``kp``), the reply into it (``ir``); Q: the reply
        # out of the far end (``kr``), the request into it (``ip``)
        for side, mine, other, denied in (("P", kp, ir, deny[:, 0]), ("Q", kr, ip, deny[:, 1])):
            key = np.stack([gw, mine, other, denied.astype(np.int64)], axis=1)
            uniq, inverse = np.unique(key, axis=0, return_inverse=True)
            inverse = inverse.reshape(-1)
            ug, umine, uother, udenied = uniq.T
            code = codes[ug]
            code |= mine_bit[umine]
            code |= other_bit[uother]
            table = _CELL[side]
            v = np.empty_like(code)
            for d in (0, 1):  # the two tables (the exit subnet denies this side or not)
                sel = np.flatnonzero(udenied == d)
                if len(sel) == len(code):
                    np.take(table[d], code, out=v)
                elif len(sel):
                    v[sel] = table[d][code[sel]]
            self.group_grid[side][at_part] = v[inverse]
            row, col, bits = relaxed_cells(v)
            col = col.astype(np.int32)  # kept until the end: half the bytes
            bounds = np.searchsorted(row, np.arange(len(uniq) + 1))
            cells = [
                (col[bounds[u] : bounds[u + 1]], bits[bounds[u] : bounds[u + 1]]) for u in range(len(uniq))
            ]
            for n, group in enumerate(part):
                self._group_cells[side][group] = cells[inverse[n]]
        if via:
            self.has_via = True

    def _gateway_codes(self, found: list[tuple[str, str, str]]) -> np.ndarray:
        """Per gateway row (TGW route table, gateway, AZ) of ``found``, a byte per column: whether
        the packet is delivered into the column's VPC (``_FWD``), through an attachment subnet
        (``_TGW``) the destination's AZ picks (``_VIA``), and whether that subnet's outbound rules
        let the request (``_OUT_P``) and the reply (``_OUT_R``) out — ``_gateway_row``'s rows
        2-4, read straight from the gateway's TGW row."""
        codes = np.empty((len(found), self.n2), dtype=np.uint8)
        scratch = np.empty(self.n2, dtype=bool)
        for i, (rtb, target, az) in enumerate(found):
            trow = self._tgw_row(rtb, target, az, 0)
            out = codes[i]
            np.equal(trow[0], self.k2_vpc, out=scratch)
            np.multiply(scratch, np.uint8(_FWD), out=out)
            np.greater_equal(trow[1], 0, out=scratch)
            out[scratch] |= np.uint8(_TGW)
            np.equal(trow[1], self._by_destination, out=scratch)
            out[scratch] |= np.uint8(_VIA)
            out[trow[2] != 0] |= np.uint8(_OUT_P)
            out[trow[3] != 0] |= np.uint8(_OUT_R)
        return codes

    def _mask_bits(self) -> tuple[np.ndarray, np.ndarray]:
        """Every ACL answer's mask row as the code's ``_MINE`` and ``_OTHER`` bits."""
        if self._mask_codes is None:
            m = self._masks.view(np.uint8)
            self._mask_codes = (m * np.uint8(_MINE), m * np.uint8(_OTHER))
        return self._mask_codes

    def _patch(self, patch: np.ndarray) -> None:
        """Members' own runs (context, columns a:b, the VPC delivered into or -1): no transit
        gateway there, so the strict verdict alone (0 or 15), no destination-AZ flag and no
        relaxed cell (``RelaxedCells`` leaves the group's out there); kept as the members' own
        cells (``_Membership``)."""
        ctx, a, b, d = patch.T
        width = b - a
        at = np.repeat(ctx, width)
        cols = spans(a, width)
        fwd = self.k2_vpc[cols] == np.repeat(d, width)
        kp, kr, ip, ir = self._kinds[at].T
        m = self._masks
        sp = fwd & m[kp, cols] & m[ir, cols]
        sq = fwd & m[kr, cols] & m[ip, cols]
        # sorted: contexts in order, runs in order
        self._painted.append(
            (at, cols.astype(np.int32), sp.view(np.uint8) * np.uint8(15), sq.view(np.uint8) * np.uint8(15))
        )

    def _rows_of(
        self, arr: np.ndarray, contexts: np.ndarray, keys: list[tuple[object, ...]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """The verdict rows (P, Q: ``matrix_cells`` bits and ``VIA_DESTINATION_AZ``) of
        ``contexts`` whose arrivals are ``arr``."""
        kp, kr, ip, ir = self._kinds[contexts].T
        m = self._masks
        fwd = arr[:, 0] == self.k2_vpc
        via = (arr[:, 2] == self._by_destination).view(np.uint8) * np.uint8(VIA_DESTINATION_AZ)
        self.has_via = self.has_via or bool(via.any())
        xin_p, xin_q = fwd, fwd.copy()
        for i, k in enumerate(keys):
            for x, deny_p, deny_r in k[4]:  # type: ignore[attr-defined]
                if deny_p:
                    xin_p[i] &= arr[i, 1] != x
                if deny_r:
                    xin_q[i] &= arr[i, 1] != x
        t = arr[:, 2] >= 0
        vp = _verdict_rows(xin_p & m[kp], arr[:, 3] != 0, m[ir], t, via)
        return vp, _verdict_rows(xin_q & m[kr], m[ip], arr[:, 4] != 0, t, via)

    def _finish(self, found: dict[str, list[tuple[np.ndarray, np.ndarray]]]) -> None:
        """``row_like``: per context, a context whose P and Q rows are its own but for the
        columns ``differ`` lists: a context made from its group's row is like the group's first
        such member — they differ at their own runs' columns, either's; the rest are like
        themselves. ``differ``: (context, column) pairs, sorted by context. Lets the packed
        expansions (``matrix``) work a group at a time. And ``cells``: per side, the
        ``RelaxedCells`` (those of the contexts made alone, ``found``, and the groups')."""
        n1 = self.n1
        like = np.arange(n1, dtype=np.int64)
        empty = [
            (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32), *[np.zeros(0, dtype=np.uint8)] * 2)
        ]
        painted_ctx, painted_col, painted_p, painted_q = (
            np.concatenate([x[k] for x in self._painted or empty]) for k in range(4)
        )
        members = np.flatnonzero(self._member)
        like[members] = self._like[self._group_of[members]]
        ptr = np.searchsorted(painted_ctx, np.arange(n1 + 1))  # painted by context (found in order)
        count = ptr[1:] - ptr[:-1]
        ctx = np.flatnonzero(like != np.arange(n1))
        mine, theirs = count[ctx], count[like[ctx]]
        pairs = np.concatenate([np.repeat(ctx, mine), np.repeat(ctx, theirs)])
        cols = np.concatenate(
            [painted_col[spans(ptr[ctx], mine)], painted_col[spans(ptr[like[ctx]], theirs)]]
        )
        order = np.argsort(pairs, kind="stable")
        self.row_like = like
        self.differ = (pairs[order], cols[order])
        self._painted = []
        by_group = members[np.argsort(self._group_of[members], kind="stable")]
        n_groups = len(self._reps)
        start = np.searchsorted(self._group_of[by_group], np.arange(n_groups + 1))
        first = np.full(n1, self.n2, dtype=np.int64)  # each context's first and last painted column
        last = np.full(n1, -1, dtype=np.int64)
        some = np.flatnonzero(count)
        first[some], last[some] = painted_col[ptr[some]], painted_col[ptr[some + 1] - 1]
        painted = painted_ctx * self.n2 + painted_col
        shape = _Membership(
            self.n2, self._group_of, self._member, by_group, start, painted, first, last, painted_p, painted_q
        )
        self.membership = shape
        self.cells = {}
        for side in ("P", "Q"):
            kept = self._group_cells[side]
            gs = sorted(kept)
            size = np.array([len(kept[g][0]) for g in gs], dtype=np.int64)
            gkeys = np.repeat(np.array(gs, dtype=np.int64) * self.n2, size)
            gkeys += np.concatenate([kept[g][0] for g in gs]) if gs else 0
            gbits = np.concatenate([kept[g][1] for g in gs]) if gs else np.zeros(0, dtype=np.uint8)
            self.cells[side] = RelaxedCells(shape, (gkeys, gbits), _cat_cells(found[side]))
        self._group_cells = {"P": {}, "Q": {}}


#: the bits of a group row's cell code (``GroupRows._group_verdicts``): from the gateway row, the
#: packet is delivered into the column's VPC, a transit gateway delivers it through an attachment
#: subnet, one the destination's AZ picks, whose outbound rules allow the request, the reply; and
#: the two ACL answers the side reads (its own outbound rule, the other end's inbound one)
_FWD, _TGW, _VIA, _OUT_P, _OUT_R, _MINE, _OTHER = 1, 2, 4, 8, 16, 32, 64


def _cell_tables(side: str) -> np.ndarray:
    """Per side: the verdict byte (``_verdict_rows``') of every cell code, when the exit subnet
    lets the side's packet out (row 0) and when it denies it (row 1)."""
    code = np.arange(128, dtype=np.uint8)
    bit = {b: (code & np.uint8(b)) != 0 for b in (_FWD, _TGW, _VIA, _OUT_P, _OUT_R, _MINE, _OTHER)}
    out_p, out_r = bit[_OUT_P], bit[_OUT_R]
    x, y = (out_p, bit[_OTHER]) if side == "P" else (bit[_OTHER], out_r)
    via = bit[_VIA].view(np.uint8) * np.uint8(VIA_DESTINATION_AZ)
    base = bit[_FWD] & bit[_MINE]
    allowed = _verdict_rows(base[None], x[None], y[None], bit[_TGW][None], via[None])[0]
    denied = _verdict_rows(np.zeros_like(base)[None], x[None], y[None], bit[_TGW][None], via[None])[0]
    return np.stack([allowed, denied])


def _verdict_rows(
    base: np.ndarray, x: np.ndarray, y: np.ndarray, t: np.ndarray, via: np.ndarray
) -> np.ndarray:
    """Verdict rows (``matrix_cells`` bits, or-ed with ``via``) of terms ``base & x & y`` where a
    transit gateway delivery straight into an end (``t``) waives ``x`` or ``y``: ``_verdicts``
    only for the rows some delivery goes through, the strict verdict alone for the others."""
    v = (base & x & y).view(np.uint8) * np.uint8(15)
    tr = np.flatnonzero(t.any(axis=1))
    if len(tr):
        v[tr] = _verdicts(base[tr], x[tr], y[tr], t[tr])
    return v | via


_CELL = {side: _cell_tables(side) for side in "PQ"}


class _Membership(NamedTuple):
    """Which contexts were made from their group's row (``member``; ``group_of``), the members
    by group (``by_group[start[g]:start[g + 1]]``), and the cells (context × n2 + column, sorted)
    their own runs decide (``painted``), within each context's first and last such column
    (``first``/``last``: most look-ups fall outside, and are answered without a search), with
    their verdicts (``own_p``/``own_q``: 0 or 15, no destination-AZ flag)."""

    n2: int
    group_of: np.ndarray
    member: np.ndarray
    by_group: np.ndarray
    start: np.ndarray
    painted: np.ndarray
    first: np.ndarray
    last: np.ndarray
    own_p: np.ndarray
    own_q: np.ndarray

    def decides(self, k1: np.ndarray, k2: np.ndarray) -> np.ndarray:
        """Whether cells (k1[i], k2[i]) are decided by the context's own runs (``painted``)."""
        out = np.zeros(len(k1), dtype=bool)
        out[self.own(k1, k2)[0]] = True
        return out

    def own(self, k1: np.ndarray, k2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The positions i whose cell (k1[i], k2[i]) the context's own runs decide, and where
        each is in ``painted``."""
        maybe = np.flatnonzero((self.first[k1] <= k2) & (k2 <= self.last[k1]))
        if not len(maybe) or not len(self.painted):
            return maybe[:0], maybe[:0]
        want = k1[maybe] * self.n2 + k2[maybe]
        at = np.minimum(np.searchsorted(self.painted, want), len(self.painted) - 1)
        hit = self.painted[at] == want
        return maybe[hit], at[hit]

    def strict_into(self, side: str, rows: np.ndarray, out: np.ndarray, c0: int = 0) -> None:
        """Set the members' own cells in ``out`` (booleans: a row per context of ``rows``,
        columns from ``c0``)."""
        n2 = self.n2
        lo = np.searchsorted(self.painted, rows * n2 + c0)
        hi = np.searchsorted(self.painted, rows * n2 + min(n2, c0 + out.shape[1]))
        at = spans(lo, hi - lo)
        if len(at):
            row = np.repeat(np.arange(len(rows)), hi - lo)
            out[row, self.painted[at] - rows[row] * n2 - c0] = (self.own_p if side == "P" else self.own_q)[
                at
            ] != 0


class RelaxedCells:
    """One side's cells where the strict verdict fails and a relaxed one holds (``matrix_cells``):
    a group's kept once for all its members (keys group × n2 + column), but for the columns
    their own runs decide; those of contexts made alone by context (keys context × n2 +
    column); each sorted, with the verdict bits. 3,328 groups stand for 15,001 contexts at
    AWS-MAX: what the lean grids need to keep 10× AWS-MAX's cells in memory."""

    def __init__(
        self, shape: _Membership, groups: tuple[np.ndarray, np.ndarray], alone: tuple[np.ndarray, np.ndarray]
    ) -> None:
        self.shape, self.groups, self.alone = shape, groups, alone

    def __len__(self) -> int:
        """The cells kept (a group's once): 0 when no cell anywhere."""
        return len(self.groups[0]) + len(self.alone[0])

    def at(self, k1: np.ndarray, k2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Whether (k1[i], k2[i]) is a cell, and its verdict bits (0 where not)."""
        sh = self.shape
        found = np.zeros(len(k1), dtype=bool)
        bits = np.zeros(len(k1), dtype=np.uint8)
        member = sh.member[k1]
        for pick, keys, (have, verdicts) in (
            (~member, None, self.alone),
            (member, sh.group_of, self.groups),
        ):
            i = np.flatnonzero(pick)
            if not len(i) or not len(have):
                continue
            want = (k1[i] if keys is None else keys[k1[i]]) * sh.n2 + k2[i]
            at = np.minimum(np.searchsorted(have, want), len(have) - 1)
            hit = have[at] == want
            if keys is not None:  # a member's own runs decide there: no cell
                hit &= ~sh.decides(k1[i], k2[i])
            found[i[hit]] = True
            bits[i[hit]] = verdicts[at[hit]]
        return found, bits

    def alone_blocks(self, size: int) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """The cells of the contexts made alone as (context, column, verdict bits), about ``size``
        at a time."""
        keys, bits = self.alone
        for c0 in range(0, len(keys), size):
            r, j = np.divmod(keys[c0 : c0 + size], self.shape.n2)
            yield r, j, bits[c0 : c0 + size]

    def group_blocks(self, size: int) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """The groups' cells as (group, column, verdict bits), ``size`` at a time: each stands for
        every member of the group but those whose own runs decide the column (``painted``)."""
        keys, bits = self.groups
        for c0 in range(0, len(keys), size):
            g, j = np.divmod(keys[c0 : c0 + size], self.shape.n2)
            yield g, j, bits[c0 : c0 + size]
