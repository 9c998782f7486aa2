"""The lean matrix (issue 15, point 3): the class grids packed a bit per cell with the relaxed
verdicts kept sparse (``Classes.lean``), the result written block by block to a memory-mapped
file (``matrix._Rows``) — what an estate far beyond AWS-MAX needs to fit one machine. It must be
the dense matrix bit for bit; a lean run leaves no file behind."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import numpy as np
import pytest

import vpclab
from bench.estate import build as build_estate
from bench.generator import SMALL, build
from vpclab.reach import matrix as matrix_module
from vpclab.reach import packing
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


@pytest.mark.parametrize("kept", [True, False], ids=["rows-kept", "rows-per-block"])
def test_lean_rows_made_once_or_block_by_block(kept: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """A lean matrix's P rows: every distinct ``row_like`` row made once up front
    (``PackedP.keep``) or, past ``LIKE_IN_MEMORY``, block by block as each row block needs them
    — the dense matrix either way."""
    made: list[bool] = []
    keep = packing.PackedP.keep

    def spy(self: packing.PackedP) -> bool:
        made.append(keep(self))
        return made[-1]

    monkeypatch.setattr(packing.PackedP, "keep", spy)
    if not kept:
        monkeypatch.setattr(packing, "LIKE_IN_MEMORY", 0)
    _same(build(SMALL))
    _same(build_estate(SMALL_ESTATE))
    assert made and all(x == kept for x in made)


def test_lean_equals_dense_with_subnets_cut_by_routes() -> None:
    """Subnets cut into pieces by routes more specific than them (their further pieces are OR-ed
    into the rows and columns after the blocks are written)."""
    _same(cut_world()[0])


@pytest.mark.parametrize("way", ["direct", "page-cache", "direct-refused"])
def test_the_result_file_holds_the_rows_however_written(way: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows' file (``matrix._Rows``): written around the page cache (``O_DIRECT``), through it
    (no such flag, or a file system that refuses it: tmpfs), or switched to it when a direct
    write is refused after the open; staged a few pages at a time here, so that every block
    spans several writes and the last is padded and cut. The same rows as in memory."""
    if way == "page-cache":
        monkeypatch.setattr(matrix_module, "_O_DIRECT", 0)
    elif not matrix_module._O_DIRECT:
        pytest.skip("no O_DIRECT on this platform")
    monkeypatch.setattr(matrix_module, "_STAGE", 3 * matrix_module._PAGE)
    seen: list[bool] = []  # per file: whether opened O_DIRECT
    refused: list[int] = []  # the files (numbered) whose first write was refused
    opened, real_write = matrix_module._open_for_rows, os.write

    def open_for_rows(path: Path) -> tuple[int, bool]:
        fd, direct = opened(path)
        seen.append(direct)
        return fd, direct

    def write(fd: int, data: memoryview) -> int:
        if way == "direct-refused" and fd == files[-1] and len(files) not in refused:
            refused.append(len(files))  # the first write to each file
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_write(fd, data)

    files: list[int] = []

    def open_and_note(path: Path) -> tuple[int, bool]:
        fd, direct = open_for_rows(path)
        files.append(fd)
        return fd, direct

    monkeypatch.setattr(matrix_module, "_open_for_rows", open_and_note)
    monkeypatch.setattr(matrix_module.os, "write", write)
    _same(build_estate(SMALL_ESTATE))
    assert seen and all(seen) == (way != "page-cache")
    assert len(refused) == (len(files) if way == "direct-refused" else 0)


def test_a_result_in_memory_on_pages_mapped_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A large result in memory is one mapping populated at once (``matrix._populated``: Linux's
    ``MAP_POPULATE``); the rows are the same as in an ordinary array."""
    c = compile_world(build_estate(SMALL_ESTATE))
    ordinary = subnet_matrix(c, "tcp", 443, lean=False)
    monkeypatch.setattr(matrix_module, "POPULATE_FROM", 0)
    mapped = subnet_matrix(c, "tcp", 443, lean=False)
    if getattr(matrix_module.mmap, "MAP_POPULATE", 0):
        owner: object = mapped.bits
        while isinstance(owner, np.ndarray):  # the views' owner: the mapping (through a memoryview)
            owner = owner.base
        assert isinstance(owner, memoryview) and isinstance(owner.obj, matrix_module.mmap.mmap)
    assert np.array_equal(mapped.bits, ordinary.bits)
