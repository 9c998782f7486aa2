"""The strict bits of the class grids expanded to pieces (subnets, interfaces) and packed, for the
all-pairs matrices (``matrix``, ``interface_matrix``): ``PackedP`` (P's rows over destination
pieces, a group at a time) and ``packed_q`` (Q's columns over destination pieces)."""

from __future__ import annotations

import numpy as np

from ..core.parallel import ordered_map
from .bits import spans, transpose_bits
from .classes import CHUNK, Classes
from .matrix_cells import STRICT

#: atoms (columns of Q) gathered and packed at a time
QBLOCK = 256


def packed_q(cl: Classes, contexts: np.ndarray, width: int) -> np.ndarray:
    """Per column (k2), Q's strict bit at each destination piece's context (``contexts``), packed
    over the pieces (``width`` bytes): Q's packed columns gathered at the pieces and transposed a
    block of columns at a time, on every core."""
    n2 = cl.n2
    qq = np.empty((n2, width), dtype=np.uint8)

    def block(r: int) -> None:
        at = transpose_bits(np.take(cl.strict_packed("Q", r, r + QBLOCK), contexts, axis=0))
        qq[r : r + QBLOCK] = at[: min(QBLOCK, n2 - r), :width]

    for _ in ordered_map(block, range(0, n2, QBLOCK)):
        pass
    return qq


#: bytes of the distinct ``row_like`` rows ``PackedP.keep`` makes once for all row blocks
LIKE_IN_MEMORY = 2**30


class PackedP:
    """Contexts' strict P bits over the destination subnets (their columns ``h2``), packed — made
    for each distinct ``row_like`` context among those asked for (a group's, ``Classes``), copied
    to the others and set right at the columns where they differ (``differ``). With ``keep``,
    every distinct ``row_like`` row is made once, up front, instead of in each row block whose
    contexts need it (4× AWS-MAX: 2,254 such rows, made 13,038 times block by block)."""

    def __init__(self, cl: Classes, h2: np.ndarray, width: int) -> None:
        self.cl, self.h2, self.width = cl, h2, width
        self.by_column = np.argsort(h2, kind="stable")  # the subnets of each column
        self.bounds = np.searchsorted(h2[self.by_column], np.arange(cl.n2 + 1))
        self.ptr = np.searchsorted(cl.differ[0], np.arange(cl.n1 + 1))  # differ by context
        self.kept: np.ndarray | None = None  # ``keep``: the distinct rows
        self.slot = np.zeros(0, dtype=np.int64)  # and each context's among them (-1: none)

    def keep(self) -> bool:
        """Make every distinct ``row_like`` row now (a block of them on each core), when they fit
        in ``LIKE_IN_MEMORY`` bytes; whether they did."""
        like = np.unique(self.cl.row_like)
        if len(like) * self.width > LIKE_IN_MEMORY:
            return False
        kept = np.empty((len(like), self.width), dtype=np.uint8)

        def block(r: int) -> None:
            kept[r : r + CHUNK] = self._made(like[r : r + CHUNK])

        for _ in ordered_map(block, range(0, len(like), CHUNK)):
            pass
        self.slot = np.full(self.cl.n1, -1, dtype=np.int64)
        self.slot[like] = np.arange(len(like))
        self.kept = kept
        return True

    def _made(self, uniq: np.ndarray) -> np.ndarray:
        """The packed rows of contexts ``uniq`` (no ``differ`` correction)."""
        made = np.empty((len(uniq), self.width), dtype=np.uint8)
        for r in range(0, len(uniq), CHUNK):  # the strict bit taken before the gather: n2 columns, not n
            strict = self.cl.strict_rows("P", uniq[r : r + CHUNK])
            made[r : r + CHUNK] = np.packbits(np.take(strict, self.h2, axis=1), axis=1)
        return made

    def rows(self, contexts: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """The packed rows of ``contexts`` (into ``out``, when given)."""
        cl = self.cl
        if self.kept is not None:
            out = np.take(self.kept, self.slot[cl.row_like[contexts]], axis=0, out=out, mode="clip")
        else:
            uniq, inverse = np.unique(cl.row_like[contexts], return_inverse=True)
            out = np.take(self._made(uniq), inverse, axis=0, out=out, mode="clip")
        count = self.ptr[contexts + 1] - self.ptr[contexts]
        if count.any():
            row = np.repeat(np.arange(len(contexts)), count)
            col = cl.differ[1][spans(self.ptr[contexts], count)].astype(np.int64)
            on = (cl.cells_at("P", contexts[row], col) & STRICT) != 0
            n_sub = self.bounds[col + 1] - self.bounds[col]
            j = self.by_column[spans(self.bounds[col], n_sub)]
            row, on = np.repeat(row, n_sub), np.repeat(on, n_sub)
            bit = (0x80 >> (j & 7)).astype(np.uint8)
            np.bitwise_and.at(out, (row, j >> 3), ~bit)
            np.bitwise_or.at(out, (row[on], j[on] >> 3), bit[on])
        return out
