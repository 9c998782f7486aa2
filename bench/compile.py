"""The compile of the reachability view (``vpclab.reach.compiled.compile_world``) on AWS-MAX: process
CPU time, best of N, and its route-table part — the batch compile (``reach/compile_tables.py``)
against the per-table compile it replaced (``compile_route_table``/``compile_tgw_route_table``, one
table at a time), alternated in one process, their runs compared.

    python -m bench.compile                 # AWS-MAX, best of 3
    python -m bench.compile --size small --repeat 1
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Callable, Sequence

from vpclab.model.route_table import RouteTable
from vpclab.model.transit_gateway import TransitGatewayRouteTable
from vpclab.model.world import World
from vpclab.reach.compile_tables import compile_route_tables, compile_tgw_route_tables
from vpclab.reach.compiled import compile_route_table, compile_tgw_route_table, compile_world
from vpclab.reach.runs import Runs
from vpclab.reach.space import V4

from .generator import AWS_MAX, SMALL, build


def cpu(f: Callable[[], object]) -> float:
    """Process CPU seconds of ``f()`` (the result is freed after the clock stops)."""
    t = time.process_time()
    result = f()
    seconds = time.process_time() - t
    del result
    return seconds


def per_table(world: World) -> tuple[dict[str, Runs], dict[str, Runs]]:
    """Every table compiled one at a time, as compile_world did before the batch compile."""
    states: dict[tuple[str, str], str] = {}
    rts = {rt.id: compile_route_table(world, rt, states, V4) for rt in world.all(RouteTable)}
    tgw = {t.id: compile_tgw_route_table(world, t, V4) for t in world.all(TransitGatewayRouteTable)}
    return rts, tgw


def batch(world: World) -> tuple[dict[str, Runs], dict[str, Runs]]:
    rts = compile_route_tables(world, world.all(RouteTable), {}, V4)
    return rts, compile_tgw_route_tables(world, world.all(TransitGatewayRouteTable), V4)


def same(a: dict[str, Runs], b: dict[str, Runs]) -> bool:
    return a.keys() == b.keys() and all(
        (a[k].starts, a[k].hops, a[k].prefixes) == (b[k].starts, b[k].hops, b[k].prefixes) for k in a
    )


def run(world: World, repeat: int) -> list[str]:
    lines = []
    first = cpu(lambda: compile_world(world))
    best = min(cpu(lambda: compile_world(world)) for _ in range(repeat))
    lines.append(f"compile_world: first {first:.3f} s, then best of {repeat} {best:.3f} s CPU")
    enabled = gc.isenabled()
    gc.disable()  # the tables alone: the algorithmic part, no collection lands in either
    try:
        times: dict[str, list[float]] = {"per-table": [], "batch": []}
        for _ in range(repeat):
            for name, f in (("per-table", per_table), ("batch", batch)):
                times[name].append(cpu(lambda f=f: f(world)))  # type: ignore[misc]
    finally:
        if enabled:
            gc.enable()
    old, new = per_table(world), batch(world)
    equal = same(old[0], new[0]) and same(old[1], new[1])
    lines.append(
        f"route + TGW tables ({len(old[0]):,} + {len(old[1])}): per-table {min(times['per-table']):.3f} s, "
        f"batch {min(times['batch']):.3f} s CPU (collector off, best of {repeat}); runs equal: {equal}"
    )
    lines.append(f"load average {os.getloadavg()[0]:.2f}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.compile")
    p.add_argument("--size", choices=("aws-max", "small"), default="aws-max")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    world = build(AWS_MAX if args.size == "aws-max" else SMALL)
    lines = run(world, max(1, args.repeat))
    print("\n".join(lines))
    return 0 if lines[1].endswith("True") else 1


if __name__ == "__main__":
    sys.exit(main())
