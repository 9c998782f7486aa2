"""The subnet matrix as independent block tasks (issue 15, point 3): what one block costs, what it
needs and what it yields, measured — the figures a distributed engine (Dask, Ray) would schedule.

    python -m bench.blocks                 # AWS-MAX (bench/generator.py)
    python -m bench.blocks --size 1/2      # an estate of bench/estate.py (1/8 … 4)

The matrix already runs in blocks (``vpclab.reach.matrix``): the classes a block of contexts at a
time (``Classes.build``: the contexts' arrival vectors and their P/Q verdict rows over every
column), then the packed rows a block of subnets at a time (``pp[k1(s)] & qq[k2(s)]``), then the
relaxed-verdict corrections a block of cells at a time (``matrix_cells.CELLS``). This benchmark
times each block through the matrix's own progress hook (the stages' marks, one run, compile
given), and sizes what each kind of task reads and writes: the compiled view every task needs
(pickled, as it would be shipped), a context block's verdict rows, the packed rows.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import sys
import time
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from vpclab.reach.compiled import compile_world
from vpclab.reach.matrix import matrix
from vpclab.reach.matrix_cells import CELLS

from .profile_matrix import world_of

MiB = 2**20


def measure(size: str) -> dict[str, Any]:
    """One matrix run at ``size`` with every block's duration and the tasks' data sizes."""
    world = world_of(size)
    t = time.perf_counter()
    compiled = compile_world(world)
    out: dict[str, Any] = {"size": size, "compile": time.perf_counter() - t}
    out["view_bytes"] = len(pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL))
    marks: list[tuple[str, int, int, float]] = []

    def hook(stage: str, done: int, total: int) -> None:
        marks.append((stage, done, total, time.perf_counter()))

    m = matrix(world, "tcp", 443, compiled=compiled, progress=hook)
    end = time.perf_counter()
    out["n"] = len(m.sources)
    out["bits_bytes"] = m.bits.nbytes
    for stage in ("classes", "rows"):
        # the block marks: (stage, done, total) from the first block to the last; a block lasts
        # from its mark to the next one
        mine = [(d, total, at) for s, d, total, at in marks if s == stage and total > 1]
        spans = [(b[0] - a[0], b[2] - a[2]) for a, b in pairwise(mine) if b[0] > a[0]]
        out[stage] = {
            "blocks": len(spans),
            "items": mine[-1][1] if mine else 0,
            "block_items": max((k for k, _ in spans), default=0),
            "median": statistics.median(s for _, s in spans) if spans else 0.0,
            "max": max((s for _, s in spans), default=0.0),
            "total": (mine[-1][2] - mine[0][2]) if mine else 0.0,
        }
    # between the last class mark (after the packing) and the first row: the relaxed corrections
    out["relaxed"] = min(at for s, d, t, at in marks if s == "rows") - max(
        at for s, d, t, at in marks if s == "classes"
    )
    last_row = max(at for s, d, total, at in marks if s == "rows")
    out["after_rows"] = end - last_row  # relaxed corrections, walks, ids
    out["matrix"] = end - marks[0][3]
    return out


def report(r: dict[str, Any]) -> list[str]:
    n = r["n"]
    cls, rows = r["classes"], r["rows"]
    contexts = cls["items"]
    lines = [
        f"subnet matrix of {r['size']}: {n:,} subnets, {contexts:,} contexts; compile {r['compile']:.2f} s, "
        f"matrix {r['matrix']:.2f} s (wall)",
        f"  compiled view every task reads (pickled): {r['view_bytes'] / MiB:.1f} MiB",
        f"  class blocks: {cls['blocks']} × {cls['block_items']} contexts (the last one also packs pp, qq), "
        f"median {cls['median'] * 1e3:.0f} ms, max {cls['max'] * 1e3:.0f} ms (stage {cls['total']:.2f} s)",
        f"  row blocks: {rows['blocks']} × {rows['block_items']} subnets, "
        f"median {rows['median'] * 1e3:.1f} ms, max {rows['max'] * 1e3:.1f} ms "
        f"(stage {rows['total']:.2f} s); a block writes {rows['block_items'] * ((n + 7) // 8) / MiB:.1f} MiB",
        f"  relaxed-verdict corrections (cell blocks of {CELLS:,}): {r['relaxed']:.2f} s; after the rows "
        f"(walks, names): {r['after_rows']:.2f} s",
        f"  result: {r['bits_bytes'] / MiB:.0f} MiB packed",
    ]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.blocks")
    p.add_argument("--size", default="aws-max", help="aws-max (default) or an estate size: 1/8, 1/2, 1, 2…")
    args = p.parse_args(argv)
    for line in report(measure(args.size)):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
