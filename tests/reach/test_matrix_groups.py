"""Grouped class rows (``reach.class_rows``): contexts that send every transit gateway route to
one gateway share their group's row, patched at the columns of their own routes, and their
relaxed cells are kept once per group. The grids, the cells and the per-group packing must be
exactly what each context's own arrivals give (``Classes.grouped = False``), dense and lean."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bench.estate import build as build_estate
from bench.generator import SMALL, build
from vpclab.reach.classes import Classes
from vpclab.reach.compiled import compile_world
from vpclab.reach.matrix import subnet_matrix
from vpclab.reach.matrix_cells import _ByGroup, relaxed_pairs

from .test_estate import SMALL_ESTATE
from .test_matrix import cut_world

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

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
    """Every context's relaxed cells: a group's once per member, but where its own runs decide."""
    cells = cl.cells[side]
    out: set[tuple[int, int, int]] = set()
    for r, j, v in cells.alone_blocks(1000):
        out.update(zip(r.tolist(), j.tolist(), v.tolist(), strict=True))
    sh = cells.shape
    for g, j, v in cells.group_blocks(1000):
        for gi, ji, vi in zip(g.tolist(), j.tolist(), v.tolist(), strict=True):
            for r in sh.by_group[sh.start[gi] : sh.start[gi + 1]].tolist():
                if not sh.decides(np.array([r]), np.array([ji]))[0]:
                    out.add((r, ji, vi))
    return out


def _relaxed(world: object, *, grouped: bool, clean: bool = True) -> set[tuple[int, int]]:
    """The relaxed pairs of the world's subnets (first pieces), by subnet index."""
    cl = _classes(world, grouped=grouped, lean=False)
    c = cl.c
    subnets = list(c.subnets.values())
    pk1 = np.array([cl.context(s, s.lo) for s in subnets], dtype=np.int64)
    pk2 = cl.k2_pos[np.array([cl.column(s, s.lo) for s in subnets], dtype=np.int64)]
    paz = np.array([cl.az_bit[s.az] for s in subnets], dtype=np.int64)
    role = np.array([cl.roles.get(s.id, 0) for s in subnets], dtype=np.int64)
    out: set[tuple[int, int]] = set()

    def found(s: np.ndarray, d: np.ndarray) -> None:
        out.update(zip(s.tolist(), d.tolist(), strict=True))

    relaxed_pairs(cl, pk1, pk2, paz, role, found)
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
    if lean:  # a member's rows of the grids are never written
        assert not grouped.SP[grouped._member].any()
    every = np.arange(grouped.n1)
    for side in ("P", "Q"):
        assert np.array_equal(grouped.strict_rows(side, every), alone.strict_rows(side, every)), side
        for c0 in range(0, grouped.n2, 64):  # packed a block of columns at a time (``packed_q``)
            assert np.array_equal(
                grouped.strict_packed(side, c0, c0 + 64), alone.strict_packed(side, c0, c0 + 64)
            )
        assert _cells(grouped, side) == _cells(alone, side), side
        k1, k2 = np.meshgrid(np.arange(grouped.n1), np.arange(grouped.n2), indexing="ij")
        assert np.array_equal(grouped.cells_at(side, k1, k2), alone.cells_at(side, k1, k2))


@pytest.mark.parametrize("name", sorted(WORLDS))
def test_rows_differ_from_their_like_only_where_listed(name: str) -> None:
    """``row_like``/``differ``: what the per-group packing of the P rows relies on."""
    cl = _classes(WORLDS[name](), grouped=True, lean=False)
    k1, k2 = np.meshgrid(np.arange(cl.n1), np.arange(cl.n2), indexing="ij")
    p, q = cl.cells_at("P", k1, k2), cl.cells_at("Q", k1, k2)
    listed = np.zeros_like(p, dtype=bool)
    listed[cl.differ[0], cl.differ[1]] = True
    unequal = (p[cl.row_like] != p) | (q[cl.row_like] != q)
    assert not (unequal & ~listed).any()


def test_the_matrix_is_the_same_grouped_or_not(monkeypatch: pytest.MonkeyPatch) -> None:
    c = compile_world(build_estate(SMALL_ESTATE))
    grouped = subnet_matrix(c, "tcp", 443)
    monkeypatch.setattr(Classes, "grouped", False)
    assert np.array_equal(subnet_matrix(c, "tcp", 443).bits, grouped.bits)


@pytest.mark.parametrize("clean", [True, False], ids=["by-class", "pair-by-pair"])
@pytest.mark.parametrize("name", ["estate", "small"])
def test_relaxed_pairs_by_group_are_each_contexts(
    name: str, clean: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The group cells' pairs (``_ByGroup``: a class of member pieces at a time where the other
    end's group row decides, else pair by pair) are those of every context's own cells."""
    world = WORLDS[name]()
    if not clean:  # every (cell, end) looked up pair by pair
        monkeypatch.setattr(_ByGroup, "_clean", lambda self, g, ctx: np.zeros(len(g), dtype=bool))
    grouped = _relaxed(world, grouped=True)
    assert grouped, "the network has pairs only a delivery straight into an end's subnet lets through"
    assert grouped == _relaxed(world, grouped=False)


def _examples() -> list[tuple[str, object, int]]:
    import vpclab

    out: list[tuple[str, object, int]] = [(name, make(), 4) for name, make in sorted(WORLDS.items())]
    for path in sorted(Path(EXAMPLES).glob("*.yaml")):
        net = vpclab.load(path)
        out.append((path.name, net.world, 4))
        if compile_world(net.world, family=6).subnets:
            out.append((path.name + "/v6", net.world, 6))
    return out


def test_pieces_are_each_pieces_context_and_column() -> None:
    """``Classes.pieces`` (every piece at once) names each piece's context and column as
    ``context``/``column`` do one piece at a time: the same keys, IPv4 and IPv6, with the exit
    subnets' denials (the estate's ACLs) and subnets cut by routes ("cut")."""
    cut = denied = 0
    for name, world, family in _examples():
        c = compile_world(world, family=family)  # type: ignore[arg-type]
        infos = list(c.subnets.values())
        at_once, one_by_one = Classes(c, "tcp", 443), Classes(c, "tcp", 443)
        sub, address, k1, k2 = at_once.pieces(infos)
        keys1, keys2 = list(at_once.k1), list(at_once.k2)
        for i, a, x, y in zip(sub.tolist(), address.tolist(), k1.tolist(), k2.tolist(), strict=True):
            s = infos[i]
            assert s.lo <= a < s.hi, name
            context, column = one_by_one.context(s, a), one_by_one.column(s, a)
            assert keys1[x] == list(one_by_one.k1)[context], (name, s.id, a)
            assert keys2[y] == list(one_by_one.k2)[column], (name, s.id, a)
            denied += bool(keys1[x][4])
        starts = [int(a) for a in address[np.r_[True, np.diff(sub) != 0]]]
        assert starts == [s.lo for s in infos], name  # every subnet, its first piece at its start
        cut += len(sub) - len(infos)
    assert cut and denied  # some subnets cut into pieces; some pieces an exit subnet denies
