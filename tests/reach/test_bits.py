"""``reach.bits``: the packed bit-matrix transpose the matrix's Q packing uses, against numpy's
unpack-transpose-pack on every shape class (rows not a multiple of 8, one byte wide, wide)."""

from __future__ import annotations

import numpy as np
import pytest

from vpclab.reach.bits import spans, transpose_bits


@pytest.mark.parametrize(("m", "w"), [(1, 1), (7, 1), (8, 1), (9, 2), (64, 4), (1001, 32), (4099, 3)])
@pytest.mark.parametrize("density", [0.0, 0.1, 0.5, 1.0])
def test_transpose_bits_is_the_transpose(m: int, w: int, density: float) -> None:
    rng = np.random.default_rng(m * 31 + w)
    bits = rng.random((m, 8 * w)) < density
    want = np.packbits(np.ascontiguousarray(bits.T), axis=1)
    assert np.array_equal(transpose_bits(np.packbits(bits, axis=1)), want)


def test_spans() -> None:
    got = spans(np.array([5, 0, 9]), np.array([2, 0, 3]))
    assert got.tolist() == [5, 6, 9, 10, 11]
