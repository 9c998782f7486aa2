"""Packed bit rows (``np.packbits`` layout: bit ``j`` of a row is ``row[j >> 3] & (0x80 >> (j & 7))``)
for the interface matrix: setting and clearing scattered bits, reading
and writing one column, and the pairs two keyed lists share (a join, a block of pairs at a time).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .bits import spans

#: pairs made at a time by ``join_pairs`` (bounds their memory)
PAIRS = 1 << 22


def set_bits(bits: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> None:
    """Set bit (rows[k], cols[k]) for every k (repeats allowed)."""
    if len(rows):
        np.bitwise_or.at(bits, (rows, cols >> 3), (0x80 >> (cols & 7)).astype(np.uint8))


def clear_bits(bits: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> None:
    """Clear bit (rows[k], cols[k]) for every k (repeats allowed)."""
    if len(rows):
        np.bitwise_and.at(bits, (rows, cols >> 3), (~(0x80 >> (cols & 7))).astype(np.uint8))


def get_bits(bits: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Bits (rows[k], cols[k]) as booleans."""
    return (bits[rows, cols >> 3] & (0x80 >> (cols & 7)).astype(np.uint8)) != 0


def column(bits: np.ndarray, j: int) -> np.ndarray:
    """Column ``j`` as booleans over the rows."""
    return (bits[:, j >> 3] & np.uint8(0x80 >> (j & 7))) != 0


def set_column(bits: np.ndarray, j: int, values: np.ndarray) -> None:
    """Column ``j`` made ``values`` (booleans over the rows)."""
    bit = np.uint8(0x80 >> (j & 7))
    bits[:, j >> 3] = (bits[:, j >> 3] & ~bit) | (values.astype(np.uint8) * bit)


def join_pairs(
    left_rows: np.ndarray, left_keys: np.ndarray, right_cols: np.ndarray, right_keys: np.ndarray
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Every (left_rows[a], right_cols[b]) with ``left_keys[a] == right_keys[b]``, a block of
    about ``PAIRS`` pairs at a time."""
    if not len(left_rows) or not len(right_cols):
        return
    order = np.argsort(right_keys, kind="stable")
    rk, rc = right_keys[order], right_cols[order]
    lo = np.searchsorted(rk, left_keys, side="left")
    count = np.searchsorted(rk, left_keys, side="right") - lo
    ends = np.cumsum(count)
    start = 0
    while start < len(left_rows):
        before = int(ends[start - 1]) if start else 0
        end = max(start + 1, int(np.searchsorted(ends, before + PAIRS, side="right")))
        c = count[start:end]
        yield np.repeat(left_rows[start:end], c), rc[spans(lo[start:end], c)]
        start = end
