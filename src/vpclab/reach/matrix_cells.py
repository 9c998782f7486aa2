"""The matrix's cell algebra: the four verdict bits of a class cell, and the sparse corrections
for pairs that reach only because a transit gateway delivers straight into one end's subnet
(AWS checks no network ACL there). Used by ``matrix`` and ``interface_matrix``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ..core.parallel import ordered_map
from .bits import spans
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
    candidate's verdict is then read from both cells: ``P(Ereq, Erep) & Q(Ereq, Erep)``."""
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
    via_somewhere = cl.has_via  # some cell's path entered by the destination's AZ

    def keep(s: np.ndarray, d: np.ndarray, side: str, own: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The candidates (s, d) found from ``side``'s cells, whose verdicts there are ``own``,
        that reach: the other side's cells looked up (the request's P, the reply's Q)."""
        if side == "P":
            pv, qv = own, cl.cells_at("Q", pk1[d], pk2[s])
        else:
            pv, qv = cl.cells_at("P", pk1[s], pk2[d]), own
        some = np.flatnonzero(pv & qv & np.uint8(15))  # no verdict both sides share: not reached
        s, d, pv, qv = s[some], d[some], pv[some], qv[some]
        ereq = (prole[d] & np.where(pv & VIA_DESTINATION_AZ, cl.dst_bit, paz[s])) != 0
        erep = (prole[s] & np.where(qv & VIA_DESTINATION_AZ, cl.dst_bit, paz[d])) != 0
        bit = np.where(ereq, np.where(erep, ENTERS_BOTH, ENTERS_FAR), np.where(erep, ENTERS_NEAR, 0))
        hit = (pv & qv & bit.astype(np.uint8)) != 0
        return s[hit], d[hit]

    def block(item: tuple[str, _Cells]) -> list[tuple[np.ndarray, np.ndarray]]:
        side, (r, j, v) = item
        with_via = cl.cells_at(side, r, j)  # v, and whether the destination's AZ picked
        via = (with_via & VIA_DESTINATION_AZ) != 0
        origin = np.where(via, nb - 1, ctx_az[r])  # the origin of this side's own path
        # P: row the source's context, column the destination's atom; Q the other way round.
        # "mine": this side's path enters its far end straight (P: the request, Q: the reply);
        # "theirs": the other side's does, from the pieces of this row's AZ (or any, picked)
        mine = (v & ((ENTERS_FAR if side == "P" else ENTERS_NEAR) | ENTERS_BOTH)) != 0
        theirs = (v & ((ENTERS_NEAR if side == "P" else ENTERS_FAR) | ENTERS_BOTH)) != 0
        m, t = np.flatnonzero(mine), np.flatnonzero(theirs)
        rr, jj = r[t], j[t]
        joins = [
            (m, _join(r[m], j[m] * nb + origin[m], by_k1, entries_by_k2)),
            (t, _join(rr, jj * nb + ctx_az[rr], roles_by_k1, by_k2_az)),
        ]
        if via_somewhere:
            joins.append((t, _join(rr, jj, roles_by_k1, by_k2)))
        out = []
        for picked, (row_end, column_end, cell) in joins:
            own = with_via[picked[cell]]
            if side == "P":
                out.append(keep(row_end, column_end, side, own))
            else:
                out.append(keep(column_end, row_end, side, own))
        return out

    # a block of cells at a time (bounded candidates), on every core (``core.parallel``)
    cells = ((side, b) for side in ("P", "Q") for b in cl.cells[side].blocks(CELLS))
    for pairs in ordered_map(block, cells):
        for s, d in pairs:
            if len(s):
                found(s, d)


def pieces(ratoms: np.ndarray, lo: int, hi: int) -> list[int]:
    """The start addresses of the routing atoms' pieces of [lo, hi)."""
    first = int(atom_of(ratoms, lo))
    last = int(atom_of(ratoms, hi - 1))
    return [lo] + [int(ratoms[k]) for k in range(first + 1, last + 1)]
