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


class PackedP:
    """Contexts' strict P bits over the destination subnets (their columns ``h2``), packed — made
    for each distinct ``row_like`` context among those asked for (a group's, ``Classes``), copied
    to the others and set right at the columns where they differ (``differ``)."""

    def __init__(self, cl: Classes, h2: np.ndarray, width: int) -> None:
        self.cl, self.h2, self.width = cl, h2, width
        self.by_column = np.argsort(h2, kind="stable")  # the subnets of each column
        self.bounds = np.searchsorted(h2[self.by_column], np.arange(cl.n2 + 1))
        self.ptr = np.searchsorted(cl.differ[0], np.arange(cl.n1 + 1))  # differ by context

    def rows(self, contexts: np.ndarray) -> np.ndarray:
        cl = self.cl
        uniq, inverse = np.unique(cl.row_like[contexts], return_inverse=True)
        made = np.empty((len(uniq), self.width), dtype=np.uint8)
        for r in range(0, len(uniq), CHUNK):  # the strict bit taken before the gather: n2 columns, not n
            strict = cl.strict_rows("P", uniq[r : r + CHUNK])
            made[r : r + CHUNK] = np.packbits(np.take(strict, self.h2, axis=1), axis=1)
        out = made[inverse]
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
