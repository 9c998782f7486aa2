"""Growth with size (issue 15): build time, subnet-matrix time and peak memory of the estates of
``bench/estate.py`` at fractions and multiples of AWS-MAX, and the fitted growth exponents.

    python -m bench scale --sizes 1/8,1/4,1/2,1,4,10
    python -m bench.scale --sizes 1/8,1/4          # the same

Each size runs in a fresh Python process (``--one``), so that its peak memory is its own:
``resource.getrusage(RUSAGE_SELF).ru_maxrss`` of that process, the whole process's peak resident
set (interpreter, World, compiled view, matrix). Times are wall-clock (``time.perf_counter``);
the matrix's CPU time (``time.process_time``) beside it is the steadier figure on a shared machine.
The subnet matrix is ``vpclab.reach.matrix`` at tcp/443 with its compile (``compile_world``)
included. The exponent is the least-squares slope of log(figure) against log(VPCs) over the sizes
from 1/8 to 4× that ran. A size larger than AWS-MAX runs only if the peak memory extrapolated
from the smaller sizes fits (under ``--max-gib``, 16 GiB by default, and under 80 % of the memory
available now); otherwise its row says how much it would need — except a size whose result goes
to a memory-mapped file (results past ``ROWS_IN_MEMORY``, 2 GiB: 10×), whose memory does not
follow the extrapolation: it is tried. Each size's process runs under that memory as its
address-space limit (``RLIMIT_AS``, plus the result file's mapping for a lean size) and with its
resident memory watched: one that needs more fails (MemoryError, or stopped past the cap), and
its row says in which stage, instead of starving the machine; one that takes longer than
``--time-limit`` (600 s) is stopped too. ``aws-max`` is the single-gateway AWS-MAX of
``bench/generator.py``, the network the 1 s target is set on.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: issue 15's targets: AWS-MAX subnet matrix ≤ 1 s; growth ≤ n^1.2 from 1/8 to 4×
TARGET_MATRIX = 1.0
TARGET_EXPONENT = 1.2
DEFAULT_SIZES = ("1/8", "1/4", "1/2", "1", "4", "10")
FIT_SIZES = ("1/8", "1/4", "1/2", "1", "4")
GiB = 2**30
#: seconds a size may take before it is stopped (ten times the 60 s issue 15 allows for 10×)
TIME_LIMIT = 600.0
ROOT = Path(__file__).resolve().parent.parent


def factor(name: str) -> float:
    num, _, den = name.partition("/")
    return float(num) / float(den or 1)


def one(size: str) -> dict[str, Any]:
    """Measure one size in this process (fresh: call it from ``--one``)."""
    from vpclab.model.subnet import Subnet
    from vpclab.reach.compiled import compile_world
    from vpclab.reach.matrix import matrix

    start = time.perf_counter()

    def mark(stage: str, done: int = 0, total: int = 1) -> None:
        """Each stage as it starts, on stderr: what the parent shows if this process fails."""
        if done == 0:
            print(f"{time.perf_counter() - start:.1f} s: {stage}", file=sys.stderr, flush=True)

    mark("build")
    if size == "aws-max":
        from .generator import AWS_MAX, build

        t, cpu = time.perf_counter(), time.process_time()
        world = build(AWS_MAX)
    else:
        from .estate import build as build_estate
        from .estate import scaled

        t, cpu = time.perf_counter(), time.process_time()
        world = build_estate(scaled(factor(size)))
    out: dict[str, Any] = {"size": size, "build": time.perf_counter() - t, "resources": len(world)}
    out["build_cpu"] = time.process_time() - cpu
    out["subnets"] = sum(1 for _ in world.all(Subnet))
    from vpclab.model.vpc import Vpc

    out["vpcs"] = sum(1 for _ in world.all(Vpc))
    out["rss_built"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    mark("compile")
    t, cpu = time.perf_counter(), time.process_time()
    compiled = compile_world(world)
    out["compile"] = time.perf_counter() - t
    m = matrix(world, "tcp", 443, compiled=compiled, progress=mark)
    out["matrix"] = time.perf_counter() - t
    out["matrix_cpu"] = time.process_time() - cpu
    out["reachable"] = m.count()
    out["matrix_bytes"] = int(m.bits.nbytes)
    out["peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    # what the matrix added to the process's peak (the built World's peak before it)
    out["matrix_mem"] = out["peak"] - out["rss_built"]
    return out


def _available() -> int:
    try:
        with open("/proc/meminfo") as f:
            return int(next(line.split()[1] for line in f if line.startswith("MemAvailable"))) * 1024
    except (OSError, StopIteration, ValueError):
        return 0


def _room(max_gib: float) -> float:
    """The memory a size may use: ``max_gib``, and at most 80 % of what is available now."""
    available = _available()
    return min(max_gib * GiB, 0.8 * available) if available else max_gib * GiB


def fit(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of log(y) against log(x)."""
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else float("nan")


def estimate(rows: list[dict[str, Any]], key: str, vpcs: float) -> float | None:
    """``key`` at ``vpcs`` VPCs, extrapolated from the two largest measured sizes' growth."""
    done = sorted((r for r in rows if key in r and r["size"] != "aws-max"), key=lambda r: r["vpcs"])
    if len(done) < 2:
        return None
    a, b = done[-2], done[-1]
    k = math.log(b[key] / a[key]) / math.log(b["vpcs"] / a["vpcs"])
    return float(b[key] * (vpcs / b["vpcs"]) ** k)


def run(
    sizes: Sequence[str] = DEFAULT_SIZES,
    *,
    max_gib: float = 16.0,
    aws_max: bool = True,
    time_limit: float = TIME_LIMIT,
) -> dict[str, Any]:
    from vpclab.reach.matrix import ROWS_IN_MEMORY  # results beyond it go to a memory-mapped file

    rows: list[dict[str, Any]] = []
    for size in [*(["aws-max"] if aws_max else []), *sorted(sizes, key=factor_or_zero)]:
        on_disk = 0  # a lean size's result: a memory-mapped file, on top of the memory cap
        if size != "aws-max" and factor(size) > 1:
            vpcs = round(5_000 * factor(size))
            subnets = vpcs * 6
            if subnets * ((subnets + 7) // 8) > ROWS_IN_MEMORY:
                on_disk = subnets * ((subnets + 7) // 8)  # lean: measured, not extrapolated
            else:
                need = estimate(rows, "peak", vpcs)
                if need is None or need > _room(max_gib):
                    rows.append({"size": size, "vpcs": vpcs, "skipped": need, "room": _room(max_gib)})
                    continue
        cap = int(_room(max_gib))
        limit = cap + on_disk
        t = time.perf_counter()
        code, out, said, stopped = _run_capped(size, cap, limit, time_limit)
        if code != 0:
            lines = said.strip().splitlines()
            stages = [line for line in lines if re.fullmatch(r"[\d.]+ s: \w+", line)]
            rows.append(
                {
                    "size": size,
                    "failed": stopped or (lines[-1] if lines else f"exit code {code}"),
                    "stage": stages[-1] if stages else "?",
                    "after": time.perf_counter() - t,
                    "cap": cap,
                }
            )
            continue
        rows.append(json.loads(out.strip().splitlines()[-1]))
    fitted = [r for r in rows if r["size"] in FIT_SIZES and "matrix" in r]
    growth = {
        key: fit([(r["vpcs"], r[key]) for r in fitted]) if len(fitted) >= 2 else float("nan")
        for key in ("build", "matrix", "matrix_cpu", "peak", "matrix_mem")
    }
    return {"rows": rows, "growth": growth, "fitted": [r["size"] for r in fitted]}


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            return int(next(line.split()[1] for line in f if line.startswith("VmRSS"))) * 1024
    except (OSError, StopIteration, ValueError):
        return 0


def _run_capped(size: str, cap: int, limit: int, time_limit: float) -> tuple[int, str, str, str]:
    """Measure ``size`` in a child process under the memory cap: its address space limited to
    ``limit`` (``MemoryError`` past it; a lean size's result file mapping is disk, so its limit
    is the cap plus the file), its resident memory watched (killed past ``cap``) and its time
    (killed past ``time_limit`` seconds). (exit code, stdout, stderr, why it was stopped)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.scale", "--one", size],
            stdout=out,
            stderr=err,
            text=True,
            cwd=ROOT,
            preexec_fn=functools.partial(resource.setrlimit, resource.RLIMIT_AS, (limit, limit)),
        )
        start, stopped = time.monotonic(), ""
        while proc.poll() is None:
            if _rss(proc.pid) > cap:
                stopped = f"resident memory past the {cap / GiB:.1f} GiB cap"
            elif time.monotonic() - start > time_limit:
                stopped = f"past the {time_limit:.0f} s time limit"
            if stopped:
                proc.kill()
                proc.wait()
                break
            time.sleep(0.5)
        out.seek(0)
        err.seek(0)
        return proc.returncode if not stopped else -9, out.read(), err.read(), stopped


def factor_or_zero(size: str) -> float:
    return 0.0 if size == "aws-max" else factor(size)


def report(result: dict[str, Any]) -> list[str]:
    lines = [
        "Growth with size (bench/estate.py; a fresh process per size; peak = ru_maxrss of that process)",
        f"{'size':>8} {'VPCs':>7} {'subnets':>8} {'build':>8} {'compile':>8} {'matrix':>8} {'CPU':>8} "
        f"{'peak':>9} {'+matrix':>9}  note",
    ]
    for r in result["rows"]:
        if "failed" in r:
            lines.append(
                f"{r['size']:>8} failed after {r['after']:.0f} s (stage started at {r['stage']}; "
                f"memory cap {r['cap'] / GiB:.1f} GiB): {r['failed'][:120]}"
            )
            continue
        if "skipped" in r:
            need = (
                "unknown (fewer than 2 smaller sizes)"
                if r["skipped"] is None
                else f"{r['skipped'] / GiB:.1f} GiB"
            )
            lines.append(
                f"{r['size']:>8} {r['vpcs']:>7} {'—':>8} not run: estimated peak {need} > "
                f"{r['room'] / GiB:.1f} GiB allowed"
            )
            continue
        note = ""
        if r["size"] in ("aws-max", "1"):
            ok = "✔" if r["matrix"] <= TARGET_MATRIX else "✘"
            note = f"AWS-MAX: matrix {r['matrix']:.2f} s vs target ≤ {TARGET_MATRIX:.0f} s {ok}"
            if r["size"] == "aws-max":
                note += " (bench/generator.py, one gateway)"
        lines.append(
            f"{r['size']:>8} {r['vpcs']:>7} {r['subnets']:>8} {r['build']:>7.2f}s {r['compile']:>7.2f}s "
            f"{r['matrix']:>7.2f}s {r['matrix_cpu']:>7.2f}s {r['peak'] / 2**20:>6.0f}MiB "
            f"{r['matrix_mem'] / 2**20:>6.0f}MiB  {note}"
        )
    g = result["growth"]
    fitted = ", ".join(result["fitted"])
    lines.append(
        f"growth exponent (least squares, log-log over {fitted}): build n^{g['build']:.2f}, "
        f"matrix n^{g['matrix']:.2f} (CPU n^{g['matrix_cpu']:.2f}), peak memory n^{g['peak']:.2f} "
        f"(the matrix's share n^{g['matrix_mem']:.2f}) (target ≤ n^{TARGET_EXPONENT})"
    )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench scale", description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default=",".join(DEFAULT_SIZES), help="comma-separated: 1/8,1/4,1/2,1,4,10")
    p.add_argument("--max-gib", type=float, default=16.0, help="skip a size whose estimated peak is larger")
    p.add_argument("--no-aws-max", action="store_true", help="leave out the single-gateway AWS-MAX row")
    p.add_argument("--json", action="store_true", help="print the figures as JSON too")
    p.add_argument("--time-limit", type=float, default=TIME_LIMIT, help="seconds a size may take")
    p.add_argument("--one", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one)))
        return 0
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    for s in sizes:
        try:
            factor(s)
        except ValueError:
            p.error(f"not a size: {s!r} (e.g. 1/8, 1, 4)")
    result = run(sizes, max_gib=args.max_gib, aws_max=not args.no_aws_max, time_limit=args.time_limit)
    for line in report(result):
        print(line)
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
