"""Grouped class rows (``reach.class_rows``): contexts that send every transit gateway route to
one gateway share their group's row, patched at the columns of their own routes, and their
relaxed cells are kept once per group. The grids, the cells and the per-group packing must be
exactly what each context's own arrivals give (``Classes.grouped = False``), dense and lean."""

from __future__ import annotations

import numpy as np
import pytest

from bench.estate import build as build_estate
from bench.generator import SMALL, build
from vpclab.reach.classes import Classes
from vpclab.reach.compiled import compile_world
from vpclab.reach.matrix import subnet_matrix

from .test_estate import SMALL_ESTATE
from .test_matrix import cut_world

WORLDS = {
    "small": lambda: build(SMALL),
    "estate": lambda: build_estate(SMALL_ESTATE),
    "cut": lambda: cut_world()[0],
}


def _classes(world: object, *, grouped: bool, lean: bool) -> Classes:
    c = compile_world(world)  # type: ignore[arg-type]
    cl = Classes(c, "tcp", 443)
    for s in c.subnets.values():
        cl.context(s, s.lo)
        cl.column(s, s.lo)
    cl.grouped, cl.lean = grouped, lean
    cl.build()
    return cl


def _cells(cl: Classes, side: str) -> set[tuple[int, int, int]]:
    out: set[tuple[int, int, int]] = set()
    for r, j, v in cl.cells[side].blocks(1000):
        out.update(zip(r.tolist(), j.tolist(), v.tolist(), strict=True))
    return out


@pytest.mark.parametrize("lean", [False, True], ids=["dense", "lean"])
@pytest.mark.parametrize("name", sorted(WORLDS))
def test_grouped_rows_are_each_contexts_own(name: str, lean: bool) -> None:
    world = WORLDS[name]()
    grouped = _classes(world, grouped=True, lean=lean)
    alone = _classes(world, grouped=False, lean=lean)
    if name != "cut":  # the estates have contexts that share a gateway row
        assert len(grouped._reps) < grouped.n1 and grouped._member.any()
    assert not alone._member.any()
    grids = ("SP", "SQ", "SV") if lean else ("PC", "QC")
    for grid in grids:
        assert np.array_equal(getattr(grouped, grid), getattr(alone, grid)), grid
    for side in ("P", "Q"):
        assert _cells(grouped, side) == _cells(alone, side), side
        k1, k2 = np.meshgrid(np.arange(grouped.n1), np.arange(grouped.n2), indexing="ij")
        assert np.array_equal(grouped.cells_at(side, k1, k2), alone.cells_at(side, k1, k2))


@pytest.mark.parametrize("name", sorted(WORLDS))
def test_rows_differ_from_their_like_only_where_listed(name: str) -> None:
    """``row_like``/``differ``: what the per-group packing of the P rows relies on."""
    cl = _classes(WORLDS[name](), grouped=True, lean=False)
    listed = np.zeros_like(cl.PC, dtype=bool)
    listed[cl.differ[0], cl.differ[1]] = True
    unequal = (cl.PC[cl.row_like] != cl.PC) | (cl.QC[cl.row_like] != cl.QC)
    assert not (unequal & ~listed).any()


def test_the_matrix_is_the_same_grouped_or_not(monkeypatch: pytest.MonkeyPatch) -> None:
    c = compile_world(build_estate(SMALL_ESTATE))
    grouped = subnet_matrix(c, "tcp", 443)
    monkeypatch.setattr(Classes, "grouped", False)
    assert np.array_equal(subnet_matrix(c, "tcp", 443).bits, grouped.bits)
