"""Array helpers of the all-pairs matrix: spans of positions, and the transpose of a packed bit
matrix (numpy has no bit-level transpose; unpacking to one byte per bit and transposing that
moves 8× the memory in a cache-hostile order: 1.4 s against 0.03 s for 300,000 × 256 bits)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

import numpy as np

_LE64 = np.dtype("<u8")


def spans(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The positions ``starts[i] : starts[i] + counts[i]`` of every i, concatenated."""
    total = int(counts.sum())
    return np.arange(total) - np.repeat(np.cumsum(counts) - counts - starts, counts)


def key_groups(keys: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """Each distinct key with its positions (a sort, not a scan per key)."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    cuts = np.flatnonzero(ordered[1:] != ordered[:-1]) + 1
    for a, b in pairwise([0, *cuts.tolist(), len(ordered)]):
        if b > a:
            yield int(ordered[a]), order[a:b]


def sorted_in(keys: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Whether each key is in ``sorted_set`` (sorted ascending)."""
    if not len(sorted_set):
        return np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, keys), len(sorted_set) - 1)
    return sorted_set[at] == keys


def transpose_bits(g: np.ndarray) -> np.ndarray:
    """The transpose of a bit matrix packed by rows (``np.packbits(..., axis=1)`` of m rows): row c
    of the answer is bit column c of ``g``, packed over its m rows (8 × width rows, ceil(m / 8)
    bytes each). Each 8 × 8 block of bits is transposed inside one 64-bit word (Hacker's Delight,
    "transpose8"), then the words' bytes are put in place. The block's rows go into the word last
    row first, so that each transposed byte comes out most significant bit first (``packbits``'
    order) with no bit reversal after; the word's shifts are made in place (no temporaries)."""
    m, w = g.shape
    m8 = -(-m // 8)
    if m8 * 8 != m:
        g = np.concatenate([g, np.zeros((m8 * 8 - m, w), dtype=np.uint8)])
    # block (r, c): rows 8r+7 … 8r of byte column c, row 8r+k in byte 7-k of a little-endian word
    x = np.ascontiguousarray(g.reshape(m8, 8, w)[:, ::-1, :].transpose(0, 2, 1)).view(_LE64).reshape(m8, w)
    t = np.empty_like(x)
    for shift, mask in ((7, 0x00AA00AA00AA00AA), (14, 0x0000CCCC0000CCCC), (28, 0x00000000F0F0F0F0)):
        s = np.uint64(shift)
        np.right_shift(x, s, out=t)
        t ^= x
        t &= np.uint64(mask)
        x ^= t
        t <<= s
        x ^= t
    # byte j of a word now holds bit column 7 - j, its bit 7 - i row i (most significant first)
    out = x.view(np.uint8).reshape(m8, w, 8)[:, :, ::-1]
    return np.ascontiguousarray(out.transpose(1, 2, 0)).reshape(8 * w, m8)
