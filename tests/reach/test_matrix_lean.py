"""The lean matrix (issue 15, point 3): the class grids packed a bit per cell with the relaxed
verdicts kept sparse (``Classes.lean``), the result written block by block to a memory-mapped
file (``matrix._Rows``) — what an estate far beyond AWS-MAX needs to fit one machine. It must be
the dense matrix bit for bit; a lean run leaves no file behind."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest

import vpclab
from bench.estate import build as build_estate
from bench.generator import SMALL, build
from vpclab.reach.compiled import compile_world
from vpclab.reach.matrix import subnet_matrix

from .test_estate import SMALL_ESTATE
from .test_matrix import cut_world

EXAMPLES = sorted(Path(__file__).resolve().parents[2].joinpath("examples").glob("*.yaml"))
FLOWS = [("tcp", 443), ("udp", 53), ("icmp", 8)]


@pytest.fixture(autouse=True)
def _own_tempdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the lean rows' file goes here


def _same(world: object, family: int = 4) -> None:
    c = compile_world(world, family=family)  # type: ignore[arg-type]
    for protocol, port in FLOWS:
        dense = subnet_matrix(c, protocol, port, lean=False)
        lean = subnet_matrix(c, protocol, port, lean=True)
        assert isinstance(lean.bits, np.memmap) and not isinstance(dense.bits, np.memmap)
        assert (lean.sources == dense.sources).all()
        assert np.array_equal(np.asarray(lean.bits), dense.bits), (protocol, port)
        assert not any(Path(tempfile.gettempdir()).iterdir())  # nothing left behind


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_lean_equals_dense_on_examples(path: Path) -> None:
    net = vpclab.load(path)
    _same(net.world)
    if path.stem == "dual-stack":
        _same(net.world, family=6)


def test_lean_equals_dense_on_generated_networks() -> None:
    """SMALL (custom NACLs on attachment subnets: relaxed verdicts), and a peered three-Region
    estate (the destination's AZ picks the entry subnet across the peerings)."""
    _same(build(SMALL))
    _same(build_estate(SMALL_ESTATE))


def test_lean_equals_dense_with_subnets_cut_by_routes() -> None:
    """Subnets cut into pieces by routes more specific than them (their further pieces are OR-ed
    into the rows and columns after the blocks are written)."""
    _same(cut_world()[0])
