"""The matrix's cell algebra: the four verdict bits of a class cell, and the sparse corrections
for pairs that reach only because a transit gateway delivers straight into one end's subnet
(AWS checks no network ACL there). Used by ``matrix`` and ``interface_matrix``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ..core.parallel import ordered_map
from .bits import sorted_in, spans
from .compiled import atom_of

if TYPE_CHECKING:
    from .classes import Classes


#: verdict bits of a ``Classes`` cell (``PC``, ``QC``): no straight delivery into an end subnet;
#: the request delivered straight into the destination's subnet (``A``); the reply straight into
#: the source's (``B``); both
STRICT, ENTERS_FAR, ENTERS_NEAR, ENTERS_BOTH = 1, 2, 4, 8
#: a further bit of a cell: the last transit gateway on its path entered the far VPC through the
#: subnet the destination's AZ picks (``Classes.dst_entry``), so an end subnet is entered straight
#: when it is an attachment subnet (role ``Classes.dst_bit``), whatever the originating AZ
VIA_DESTINATION_AZ = 16
#: relaxed-verdict cells joined with their pieces at a time (bounds the candidates' memory)
CELLS = 1 << 17


def _verdicts(base: np.ndarray, x: np.ndarray, y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The four verdict bits of cells whose terms are ``base & x & y``, where a transit gateway
    delivery (``t``) straight into the far subnet waives ``x`` and one into the near subnet ``y``."""
    # per term, the bits it is required for: x by STRICT and ENTERS_NEAR (waived by t for the
    # other two), y by STRICT and ENTERS_FAR (waived by t for the other two)
    tv = t.view(np.uint8)
    out = base.view(np.uint8) * np.uint8(15)
    out &= (x.view(np.uint8) * np.uint8(15)) | (tv * np.uint8(ENTERS_FAR | ENTERS_BOTH))
    out &= (y.view(np.uint8) * np.uint8(15)) | (tv * np.uint8(ENTERS_NEAR | ENTERS_BOTH))
    return out


def _groups(keys: np.ndarray, select: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The selected positions sorted by key, and where each key's run starts (``n + 1`` bounds)."""
    idx = np.flatnonzero(select)
    o = idx[np.argsort(keys[idx], kind="stable")]
    return o, np.searchsorted(keys[o], np.arange(n + 1))


def _join(
    r: np.ndarray, j: np.ndarray, left: tuple[np.ndarray, np.ndarray], right: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (x, y) with x in ``left``'s group ``r[i]`` and y in ``right``'s group ``j[i]``, for
    each i, with that i."""
    lo, ls = left
    ro, rs = right
    cl, cr = ls[r + 1] - ls[r], rs[j + 1] - rs[j]
    some = np.flatnonzero(cl * cr)  # cells with an empty group yield nothing
    if not len(some):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    r, j, cl, cr = r[some], j[some], cl[some], cr[some]
    most_l, most_r = int(cl.max()), int(cr.max())
    if most_l == 1:  # one member on the left (an interface per context): the right groups laid out
        return np.repeat(lo[ls[r]], cr), ro[spans(rs[j], cr)], np.repeat(some, cr)
    if most_r == 1:
        return lo[spans(ls[r], cl)], np.repeat(ro[rs[j]], cl), np.repeat(some, cl)
    # one line per (cell, left member), holding that cell's right group: ranges laid end to end
    lines = spans(ls[r], cl)
    width = np.repeat(cr, cl)
    cells = np.repeat(np.repeat(some, cl), width)
    return lo[np.repeat(lines, width)], ro[spans(np.repeat(rs[j], cl), width)], cells


def _cat_cells(found: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The (key, verdicts) cells found chunk by chunk, as two arrays."""
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    return np.concatenate([k for k, _ in found]), np.concatenate([v for _, v in found])


#: a block of one side's cells: (context, column, verdict bits)
_Cells = tuple[np.ndarray, np.ndarray, np.ndarray]


def relaxed_pairs(
    cl: Classes,
    pk1: np.ndarray,
    pk2: np.ndarray,
    paz: np.ndarray,
    prole: np.ndarray,
    found: Callable[[np.ndarray, np.ndarray], None],
) -> None:
    """Pairs of pieces (source, destination: indices into ``pk1``/``pk2``, their contexts and
    atom positions; ``paz`` the AZ bit of each piece's subnet, ``prole`` its entry role) that
    reach only because a transit gateway delivers straight into one end's subnet (no NACL there),
    handed to ``found`` a block at a time (``CELLS`` cells of candidates: bounded memory).

    Such a pair has a cell on one side where the strict verdict fails and a relaxed one holds
    (``cl.cells``); the request enters the destination straight (``Ereq``) when the destination is
    the entry subnet for the request's origin — the source's AZ, or the destination's AZ picked
    (``VIA_DESTINATION_AZ``) — and the reply enters the source straight (``Erep``) likewise. From
    each side's cells the candidates are the members of the cell's context and column that can
    make that side's own flag true (its origin is known from the cell), or the other side's (the
    pieces of the same AZ; any piece where some cell entered by the destination's AZ); each
    candidate's verdict is then read from both cells: ``P(Ereq, Erep) & Q(Ereq, Erep)``.
    A group's cells are worked a group at a time (``_ByGroup``): its members' pieces are not
    laid out cell by cell."""
    n1, n2 = cl.n1, cl.n2
    nb = len(cl.azs) + 1  # origins: each AZ (its index), and the destination's AZ picked (the last)
    az_index = np.zeros(len(pk1), dtype=np.int64)
    has_az = paz != 0
    az_index[has_az] = np.log2(paz[has_az]).astype(np.int64)
    ctx_az = np.zeros(n1, dtype=np.int64)  # each context's AZ index (its pieces share it)
    ctx_az[pk1] = az_index
    has_role = prole != 0
    every = np.ones(len(pk1), dtype=bool)
    # pieces by context; role pieces by context; pieces by (atom, AZ); role pieces by (atom, origin)
    by_k1 = _groups(pk1, every, n1)
    roles_by_k1 = _groups(pk1, has_role, n1)
    by_k2 = _groups(pk2, every, n2)
    by_k2_az = _groups(pk2 * nb + az_index, every, n2 * nb)
    role_p = np.flatnonzero(has_role)
    dup = np.concatenate([role_p, role_p])  # a role piece is the entry for its AZ and for "picked"
    dup_key = np.concatenate([pk2[role_p] * nb + az_index[role_p], pk2[role_p] * nb + (nb - 1)])
    o = dup[np.argsort(dup_key, kind="stable")]
    entries_by_k2 = (o, np.searchsorted(np.sort(dup_key), np.arange(n2 * nb + 1)))
    # where some cell entered by the destination's AZ, "theirs" looks at the column's pieces of
    # every AZ (a superset of the row's AZ's): one join, not both
    theirs_by_k2 = by_k2 if cl.has_via else by_k2_az

    def theirs_key(j: np.ndarray, az: np.ndarray) -> np.ndarray:
        return j if cl.has_via else j * nb + az

    def keep(s: np.ndarray, d: np.ndarray, side: str, own: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The candidates (s, d) found from ``side``'s cells, whose verdicts there are ``own``,
        that reach: the other side's cells looked up (the request's P, the reply's Q)."""
        if side == "P":
            pv, qv = own, cl.cells_at("Q", pk1[d], pk2[s])
        else:
            pv, qv = cl.cells_at("P", pk1[s], pk2[d]), own
        some = np.flatnonzero(pv & qv & np.uint8(15))  # no verdict both sides share: not reached
        s, d, pv, qv = s[some], d[some], pv[some], qv[some]
        hit = reaches(pv, qv, prole[s], paz[s], prole[d], paz[d], cl.dst_bit)
        return s[hit], d[hit]

    def block(item: tuple[str, _Cells]) -> list[tuple[np.ndarray, np.ndarray]]:
        side, (r, j, v) = item
        with_via = cl.cells_at(side, r, j)  # v, and whether the destination's AZ picked
        via = (with_via & VIA_DESTINATION_AZ) != 0
        origin = np.where(via, nb - 1, ctx_az[r])  # the origin of this side's own path
        # P: row the source's context, column the destination's atom; Q the other way round.
        # "mine": this side's path enters its far end straight (P: the request, Q: the reply);
        # "theirs": the other side's does, from the pieces of this row's AZ (or any, picked)
        m, t = (np.flatnonzero(x) for x in _mine_theirs(side, v))
        joins = [
            (m, _join(r[m], j[m] * nb + origin[m], by_k1, entries_by_k2)),
            (t, _join(r[t], theirs_key(j[t], ctx_az[r[t]]), roles_by_k1, theirs_by_k2)),
        ]
        out = []
        for picked, (row_end, column_end, cell) in joins:
            own = with_via[picked[cell]]
            if side == "P":
                out.append(keep(row_end, column_end, side, own))
            else:
                out.append(keep(column_end, row_end, side, own))
        return out

    by_group = _ByGroup(cl, pk1, pk2, paz, prole, az_index, keep)

    def group_block(item: tuple[str, _Cells]) -> list[tuple[np.ndarray, np.ndarray]]:
        side, (g, j, v) = item
        xv = cl.group_grid[side].reshape(-1)[g * n2 + j]  # v, and whether the destination's AZ picked
        origin = np.where((xv & VIA_DESTINATION_AZ) != 0, nb - 1, by_group.az[g])
        m, t = (np.flatnonzero(x) for x in _mine_theirs(side, v))
        ends = [
            (m, 0, _ends(j[m] * nb + origin[m], entries_by_k2)),
            (t, 1, _ends(theirs_key(j[t], by_group.az[g[t]]), theirs_by_k2)),
        ]
        cell = np.concatenate([picked[at] for picked, _, (at, _) in ends])
        end = np.concatenate([e for _, _, (_, e) in ends])
        roles = np.concatenate([np.full(len(at), kind, dtype=np.int64) for _, kind, (at, _) in ends])
        return by_group.pairs(side, g[cell], j[cell], xv[cell], end, roles)

    # a block of cells at a time (bounded candidates), on every core (``core.parallel``)
    work = [(block, (side, b)) for side in ("P", "Q") for b in cl.cells[side].alone_blocks(CELLS)]
    work += [(group_block, (side, b)) for side in ("P", "Q") for b in cl.cells[side].group_blocks(CELLS // 4)]
    for pairs in ordered_map(lambda w: w[0](w[1]), work):
        for s, d in pairs:
            if len(s):
                found(s, d)


def _mine_theirs(side: str, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which of ``side``'s cells (verdict bits ``v``) hold when this side's own path enters its
    far end straight (P: the request the destination, Q: the reply the source), and which when
    the other side's does."""
    far = ENTERS_FAR if side == "P" else ENTERS_NEAR
    near = ENTERS_NEAR if side == "P" else ENTERS_FAR
    return (v & (far | ENTERS_BOTH)) != 0, (v & (near | ENTERS_BOTH)) != 0


def _ends(keys: np.ndarray, table: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """For each key, the positions of ``table``'s group ``keys[i]``: (i, position) per member."""
    order, starts = table
    count = starts[keys + 1] - starts[keys]
    return np.repeat(np.arange(len(keys)), count), order[spans(starts[keys], count)]


def reaches(
    pv: np.ndarray,
    qv: np.ndarray,
    s_role: np.ndarray,
    s_az: np.ndarray,
    d_role: np.ndarray,
    d_az: np.ndarray,
    dst_bit: int,
) -> np.ndarray:
    """Whether pairs whose request cell is ``pv`` and reply cell ``qv`` (verdict bits and
    ``VIA_DESTINATION_AZ``) reach, given each end's entry role and AZ bit: the request enters the
    destination straight when it is the entry for the request's origin (the source's AZ, or the
    destination's AZ picked), the reply the source likewise."""
    ereq = (d_role & np.where(pv & VIA_DESTINATION_AZ, dst_bit, s_az)) != 0
    erep = (s_role & np.where(qv & VIA_DESTINATION_AZ, dst_bit, d_az)) != 0
    bit = np.where(ereq, np.where(erep, ENTERS_BOTH, ENTERS_FAR), np.where(erep, ENTERS_NEAR, 0))
    return (pv & qv & bit.astype(np.uint8)) != 0


class _ByGroup:
    """The candidates of a group's cells without laying out its members' pieces cell by cell.

    A group cell (group g, column j, verdicts ``xv``) stands for every member of g but those whose
    own runs decide j; its candidates pair the members' pieces (all, or those with an entry role)
    with the pieces ``end`` of j that the cell's origin picks. The other side's cell of a pair is
    ``Y[k1(end), k2(member piece)]``: when ``end``'s context is itself a member of a group h whose
    own runs decide none of the columns of g's pieces, that is ``group_grid[Y][h, k2(piece)]`` for
    every member piece of g — computed once per (g, h), its pieces sorted by (that verdict, entry
    role, AZ): whether a pair reaches depends on nothing else, so each (cell, end) is decided a
    class of pieces at a time and only the pairs that reach are laid out. The other (cell, end)s
    (``end`` made alone, or its own runs deciding one of those columns) are looked up pair by
    pair (``keep``). The 4× estate: 436 million member candidates, 6.6 million tuples (cell, end),
    105,000 (g, h)."""

    def __init__(
        self,
        cl: Classes,
        pk1: np.ndarray,
        pk2: np.ndarray,
        paz: np.ndarray,
        prole: np.ndarray,
        az_index: np.ndarray,
        keep: Callable[[np.ndarray, np.ndarray, str, np.ndarray], tuple[np.ndarray, np.ndarray]],
    ) -> None:
        self.cl, self.pk1, self.pk2, self.paz, self.prole, self.keep = cl, pk1, pk2, paz, prole, keep
        sh = self.sh = cl.membership
        n_groups = len(sh.start) - 1
        self.n_groups = n_groups
        # the members' pieces by group: all of them, then those with an entry role
        mine = np.flatnonzero(sh.member[pk1])
        lists, starts = [], []
        offset = 0
        for pick in (mine, mine[prole[mine] != 0]):
            g = sh.group_of[pk1[pick]]
            o = np.argsort(g, kind="stable")
            lists.append(pick[o])
            starts.append(np.searchsorted(g[o], np.arange(n_groups + 1)) + offset)
            offset += len(pick)
        self.pieces = np.concatenate(lists)
        self.starts = np.stack(starts)  # [role?, group]: where the group's pieces start
        self.az = np.zeros(n_groups, dtype=np.int64)  # each group's AZ index (its members share it)
        self.az[sh.group_of[pk1[mine]]] = az_index[mine]
        #: (group, column) of every member piece: the columns a group's pairs look up
        self.columns = np.unique(sh.group_of[pk1[mine]] * cl.n2 + pk2[mine])
        # each context's own-run cells (``painted``: context × n2 + column, sorted)
        self.painted_at = np.searchsorted(sh.painted, np.arange(cl.n1 + 1) * cl.n2)
        # the pieces' classes: (entry role, AZ bit)
        kinds, self.kind = np.unique(np.stack([prole, paz], axis=1), axis=0, return_inverse=True)
        self.kind = self.kind.reshape(-1)
        self.kind_role, self.kind_az = kinds[:, 0], kinds[:, 1]

    def _clean(self, g: np.ndarray, ctx: np.ndarray) -> np.ndarray:
        """Whether context ``ctx[i]`` (a member) decides by its own runs none of the columns of
        group ``g[i]``'s pieces."""
        n1, n2 = self.cl.n1, self.cl.n2
        key, inverse = np.unique(g * n1 + ctx, return_inverse=True)
        ug, uc = np.divmod(key, n1)
        count = self.painted_at[uc + 1] - self.painted_at[uc]
        cols = self.sh.painted[spans(self.painted_at[uc], count)] - np.repeat(uc, count) * n2
        hit = sorted_in(np.repeat(ug, count) * n2 + cols, self.columns)
        dirty = np.bincount(np.repeat(np.arange(len(key)), count)[hit], minlength=len(key)) > 0
        return ~dirty[inverse.reshape(-1)]

    def pairs(
        self, side: str, g: np.ndarray, j: np.ndarray, xv: np.ndarray, end: np.ndarray, roles: np.ndarray
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """The (source, destination) pieces that reach among the tuples (group g[i]'s cell at
        column j[i], verdicts ``xv[i]``; the other end's piece ``end[i]``; ``roles[i]``: only the
        members' pieces with an entry role)."""
        sh, pk1, n2 = self.sh, self.pk1, self.cl.n2
        other = "Q" if side == "P" else "P"
        ctx = pk1[end]
        clean = sh.member[ctx]
        clean[clean] = self._clean(g[clean], ctx[clean])
        out = []
        rest = np.flatnonzero(~clean)
        if len(rest):  # looked up pair by pair
            at, m = self._members(g[rest], roles[rest])
            t = rest[at]
            kept = ~sh.decides(pk1[m], j[t])
            m, t = m[kept], t[kept]
            if side == "P":
                out.append(self.keep(m, end[t], side, xv[t]))
            else:
                out.append(self.keep(end[t], m, side, xv[t]))
        ok = np.flatnonzero(clean)
        if not len(ok):
            return out
        # the distinct (g, h, role?) and, for each, its member pieces by (verdict there, class)
        h = sh.group_of[ctx[ok]]
        key, which = np.unique((g[ok] * self.n_groups + h) * 2 + roles[ok], return_inverse=True)
        which = which.reshape(-1)
        ug, uh = np.divmod(key >> 1, self.n_groups)
        at, m = self._members(ug, key & 1)
        ov = self.cl.group_grid[other].reshape(-1)[uh[at] * n2 + self.pk2[m]]
        nz = np.flatnonzero(ov & np.uint8(15))  # no verdict there: not reached
        at, m, ov = at[nz], m[nz], ov[nz]
        n_kinds = len(self.kind_role)
        seg_key = (at * 256 + ov) * n_kinds + self.kind[m]
        o = np.argsort(seg_key, kind="stable")
        m, seg_key = m[o], seg_key[o]
        first = np.flatnonzero(np.r_[True, np.diff(seg_key) != 0][: len(seg_key)])
        seg_len = np.diff(np.r_[first, len(seg_key)])
        rest_key, seg_kind = np.divmod(seg_key[first], n_kinds)
        seg_u, seg_ov = np.divmod(rest_key, 256)
        seg_at = np.searchsorted(seg_u, np.arange(len(key) + 1))
        # every (tuple, class of pieces) decided at once; the pieces of those that reach laid out
        count = seg_at[which + 1] - seg_at[which]
        seg = spans(seg_at[which], count)
        t = ok[np.repeat(np.arange(len(ok)), count)]
        own, theirs, e = xv[t], seg_ov[seg].astype(np.uint8), end[t]
        mine = self.kind_role[seg_kind[seg]], self.kind_az[seg_kind[seg]]
        far = self.prole[e], self.paz[e]
        if side == "P":  # the member piece is the source
            hit = reaches(own, theirs, *mine, *far, self.cl.dst_bit)
        else:
            hit = reaches(theirs, own, *far, *mine, self.cl.dst_bit)
        seg, t = seg[hit], t[hit]
        members = m[spans(first[seg], seg_len[seg])]
        t = np.repeat(t, seg_len[seg])
        kept = ~sh.decides(pk1[members], j[t])  # a member's own runs decide there: no cell
        members, t = members[kept], t[kept]
        out.append((members, end[t]) if side == "P" else (end[t], members))
        return out

    def _members(self, g: np.ndarray, role: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each i, group ``g[i]``'s member pieces (those with an entry role where ``role[i]``):
        (i, piece) per piece."""
        start = self.starts[role, g]
        count = self.starts[role, g + 1] - start
        return np.repeat(np.arange(len(g)), count), self.pieces[spans(start, count)]


def pieces(ratoms: np.ndarray, lo: int, hi: int) -> list[int]:
    """The start addresses of the routing atoms' pieces of [lo, hi)."""
    first = int(atom_of(ratoms, lo))
    last = int(atom_of(ratoms, hi - 1))
    return [lo] + [int(ratoms[k]) for k in range(first + 1, last + 1)]
