"""Where the AWS-MAX subnet matrix spends its time: cProfile of one ``matrix()`` call (compile
included) on AWS-MAX (``bench/generator.py``), top functions by cumulative time, and the time of
each stage of the matrix's progress hook (``vpclab.reach.progress``) measured without the profiler.

    python -m bench.profile_matrix            # AWS-MAX, tcp/443, top 25
    python -m bench.profile_matrix --top 40 --size 1/2    # an estate of bench/estate.py instead
    python -m bench.profile_matrix --memory   # live allocations by line when the rows start
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections.abc import Sequence

from vpclab.model.world import World
from vpclab.reach.compiled import compile_world
from vpclab.reach.matrix import matrix


def world_of(size: str) -> World:
    if size == "aws-max":
        from .generator import AWS_MAX, build

        return build(AWS_MAX)
    from .estate import build as build_estate
    from .estate import scaled
    from .scale import factor

    return build_estate(scaled(factor(size)))


def stages(world: World) -> list[tuple[str, float]]:
    """Seconds per stage of one un-profiled matrix call (the hook's marks)."""
    marks: list[tuple[str, float]] = []

    def hook(stage: str, done: int, total: int) -> None:
        if done == 0 and (not marks or marks[-1][0] != stage):
            marks.append((stage, time.perf_counter()))

    t0 = time.perf_counter()
    compiled = compile_world(world)  # a fresh compile (matrix() reuses one per World version)
    t1 = time.perf_counter()
    matrix(world, "tcp", 443, compiled=compiled, progress=hook)
    end = time.perf_counter()
    out, prev = [("compile", t1 - t0)], t1
    for (stage, t), nxt in zip(marks, [*(t for _, t in marks[1:]), end], strict=True):
        if t > prev:
            out.append(("(between stages)", t - prev))
        out.append((stage, nxt - t))
        prev = nxt
    return out


def profile(world: World, top: int) -> str:
    prof = cProfile.Profile()
    prof.enable()
    matrix(world, "tcp", 443, compiled=compile_world(world))
    prof.disable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    buf.write("\n--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(top)
    return buf.getvalue()


def memory(world: World, top: int) -> str:
    """The live allocations (tracemalloc, by line) when the matrix starts its rows (the classes'
    tables, the packed row and column blocks and the result are all alive then), and the peak."""
    import tracemalloc

    compiled = compile_world(world)
    snaps: list[tracemalloc.Snapshot] = []

    def hook(stage: str, done: int, total: int) -> None:
        if stage == "rows" and done == 0:
            snaps.append(tracemalloc.take_snapshot())

    tracemalloc.start()
    matrix(world, "tcp", 443, compiled=compiled, progress=hook)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    lines = [f"tracemalloc peak of the matrix (compiled view given): {peak / 2**20:.0f} MiB"]
    lines.append("live when the rows start, by line:")
    for stat in snaps[0].statistics("lineno")[:top]:
        frame = stat.traceback[0]
        lines.append(f"{stat.size / 2**20:9.1f} MiB  {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.profile_matrix")
    p.add_argument("--size", default="aws-max", help="aws-max (default) or an estate size: 1/8, 1/2, 1…")
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--memory", action="store_true", help="where the memory goes instead (tracemalloc)")
    args = p.parse_args(argv)
    world = world_of(args.size)
    if args.memory:
        print(memory(world, args.top))
        return 0
    matrix(world, "tcp", 443)  # warm: imports and the caches a first call fills
    for stage, seconds in stages(world):
        print(f"{stage:24} {seconds:7.3f} s")
    print(profile(world, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
