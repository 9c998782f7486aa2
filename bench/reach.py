"""Reachability at AWS's maxima (AWS-MAX, bench/generator.py): build, one trace, the all-pairs
subnet matrix, and incremental intents after one route change.

Every figure is printed beside what the same run measures as its reference:

- the naive baseline: one trace per pair (``vpclab.reach.trace``, or the per-pair model
  evaluation of ``bench/naive.py`` when the tracer is absent) on a random sample of pairs,
  extrapolated to all pairs;
- the memory-bandwidth floor: the time to write the S²/8-byte bit matrix at this machine's
  measured write bandwidth (numpy ``fill`` over a buffer larger than the caches).
"""

from __future__ import annotations

import dataclasses
import gc
import random
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from vpclab.model.interfaces import NetworkInterface
from vpclab.model.route_table import Route, RouteTable
from vpclab.model.subnet import Subnet
from vpclab.model.vpc import Vpc
from vpclab.reach.compiled import compile_world
from vpclab.reach.incremental import Intent, IntentChecker
from vpclab.reach.matrix import matrix

from . import naive
from .generator import AWS_MAX, Spec, build

#: the targets of issue 3
TARGETS = {"build": 10.0, "matrix": 5.0, "matrix_memory": 4 * 2**30, "intents_p50": 0.001}


def _tracer() -> Callable[..., Any] | None:
    try:
        from vpclab.reach import trace
    except ImportError:
        return None
    return trace


def write_bandwidth(megabytes: int = 512, repeat: int = 5) -> float:
    """Bytes per second numpy writes to memory (best of ``repeat`` fills of a fresh-sized buffer)."""
    buf = np.empty(megabytes * 2**20, dtype=np.uint8)
    buf.fill(1)  # fault the pages in first
    best = float("inf")
    for k in range(repeat):
        t = time.perf_counter()
        buf.fill(k)
        best = min(best, time.perf_counter() - t)
    return buf.nbytes / best


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def run(
    spec: Spec = AWS_MAX,
    *,
    trace_samples: int = 200,
    pair_samples: int = 200,
    changes: int = 50,
    bandwidth_mb: int = 512,
    seed: int = 11,
) -> dict[str, Any]:
    """Measure everything; returns the figures (seconds, bytes, counts)."""
    rng = random.Random(seed)
    out: dict[str, Any] = {"spec": spec}
    gc.collect()
    t = time.perf_counter()
    world = build(spec)
    out["build"] = time.perf_counter() - t
    out["resources"] = len(world)
    subnets = [s.id for s in world.all(Subnet)]
    enis = [e.id for e in world.all(NetworkInterface) if e.interface_type == "interface"]
    out["subnets"] = n = len(subnets)

    # one trace, p50 / p99 (the first trace also builds the tracer's forwarding view: timed apart)
    trace = _tracer()
    out["tracer"] = trace is not None
    if trace is not None:
        t = time.perf_counter()
        trace(world, enis[0], enis[1], protocol="tcp", port=443)
        out["trace_first"] = time.perf_counter() - t
        times = []
        for _ in range(trace_samples):
            s, d = rng.sample(enis, 2)
            t = time.perf_counter()
            trace(world, s, d, protocol="tcp", port=443)
            times.append(time.perf_counter() - t)
        out["trace_p50"], out["trace_p99"] = percentile(times, 50), percentile(times, 99)

    # naive baseline for the matrix: per-pair evaluation on a sample, extrapolated to n² pairs
    sample = [tuple(rng.sample(subnets, 2)) for _ in range(pair_samples)]
    t = time.perf_counter()
    if trace is not None:
        for s, d in sample:
            trace(world, s, d, protocol="tcp", port=443)
        out["naive_engine"] = "vpclab.reach.trace per pair"
    else:
        for s, d in sample:
            naive.subnet_pair(world, s, d, "tcp", 443)
        out["naive_engine"] = "bench.naive.subnet_pair per pair"
    out["naive_per_pair"] = (time.perf_counter() - t) / len(sample)
    out["naive_matrix"] = out["naive_per_pair"] * n * n

    # the all-pairs subnet matrix: compile + classes + bits, then its peak memory (tracemalloc)
    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    t = time.perf_counter()
    compiled = compile_world(world)
    out["compile"] = time.perf_counter() - t
    m = matrix(world, "tcp", 443, compiled=compiled)
    out["matrix"] = time.perf_counter() - t
    out["matrix_rss_growth"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
    out["matrix_reachable"] = m.count()
    out["matrix_bytes"] = m.bits.nbytes
    del m
    gc.collect()
    tracemalloc.start()
    m = matrix(world, "tcp", 443)
    out["matrix_peak"] = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del m
    bandwidth = write_bandwidth(bandwidth_mb)
    out["bandwidth"] = bandwidth
    out["floor"] = (n * n / 8) / bandwidth
    t = time.perf_counter()
    im = matrix(world, "tcp", 443, level="interface", compiled=compiled)
    out["interface_matrix"] = time.perf_counter() - t
    out["interfaces"] = (len(im.sources), len(im.destinations))

    out.update(_intents(world, rng, changes))
    out["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return out


def _intents(world: Any, rng: random.Random, changes: int) -> dict[str, Any]:
    """100 intents (70 subnet pairs, 30 VPC pairs); then one route change at a time, re-check."""
    subnets = [s.id for s in world.all(Subnet)]
    vpcs = [v.id for v in world.all(Vpc)]
    intents = [
        Intent((rng.choice(subnets),), (rng.choice(subnets),), "tcp", 443, "reachable") for _ in range(70)
    ]
    intents += [
        Intent((rng.choice(vpcs),), (rng.choice(vpcs),), "tcp", 443, "unreachable") for _ in range(30)
    ]
    t = time.perf_counter()
    checker = IntentChecker(world, intents)
    first = time.perf_counter() - t
    every = [rt.id for rt in world.all(RouteTable)]
    read = sorted({rt for rt in every if rt in checker._readers})  # tables some intent depends on
    out: dict[str, Any] = {"intents_first": first}
    for label, tables in (("any", every), ("read", read)):
        times, reanswered = [], []
        for k in range(changes):
            rt = world.get(rng.choice(tables), RouteTable)
            extra = Route(
                destination_cidr_block=f"192.0.2.{k % 64 * 4}/30", transit_gateway_id="tgw-0000000000000000f"
            )
            t = time.perf_counter()
            world.put(dataclasses.replace(rt, routes=(*rt.routes, extra)))
            checker.results()
            times.append(time.perf_counter() - t)
            reanswered.append(checker.last_reanswered)
        out[f"intents_{label}_p50"] = statistics.median(times)
        out[f"intents_{label}_p99"] = percentile(times, 99)
        out[f"intents_{label}_reanswered"] = statistics.median(reanswered)
    out.update(_intents_used(world, rng, checker, changes))
    # the adverse case: the TGW route table the most intents read
    from vpclab.model.transit_gateway import TransitGatewayRouteTable

    hot = max(world.all(TransitGatewayRouteTable), key=lambda trt: len(checker._readers.get(trt.id, ())))
    t = time.perf_counter()
    world.put(dataclasses.replace(hot, routes=hot.routes[:-1]))
    checker.results()
    out["intents_hot"] = time.perf_counter() - t
    out["intents_hot_reanswered"] = checker.last_reanswered
    assert checker.results() == IntentChecker(world, intents).results()  # still equal to recomputation
    return out


def _intents_used(world: Any, rng: random.Random, checker: IntentChecker, changes: int) -> dict[str, Any]:
    """A change to a route an intent's walk uses: a route for a destination subnet's CIDR (to a
    transit gateway that does not exist: a blackhole) in a table a pair of another VPC read on its
    way there; the pair is walked again and may change its verdict."""
    subnets = {s.id: s for s in world.all(Subnet)}
    tables = {rt.id: rt for rt in world.all(RouteTable)}
    candidates = sorted(
        {
            (rt, d)
            for pairs in checker._pairs.values()
            for (s, d), (_ok, read) in pairs.items()
            if subnets[s].vpc_id != subnets[d].vpc_id
            for rt in read
            if rt in tables and tables[rt].vpc_id != subnets[d].vpc_id
        }
    )
    times, reanswered, rewalked = [], [], []
    for rt_id, d in rng.sample(candidates, min(changes, len(candidates))):
        rt, cidr = world.get(rt_id, RouteTable), subnets[d].cidr_block
        if rt.route_to(cidr) is not None:
            continue
        extra = Route(destination_cidr_block=cidr, transit_gateway_id="tgw-0000000000000000f")
        t = time.perf_counter()
        world.put(dataclasses.replace(rt, routes=(*rt.routes, extra)))
        checker.results()
        times.append(time.perf_counter() - t)
        reanswered.append(checker.last_reanswered)
        rewalked.append(checker.last_rewalked)
    return {
        "intents_used_p50": statistics.median(times) if times else float("nan"),
        "intents_used_p99": percentile(times, 99) if times else float("nan"),
        "intents_used_reanswered": statistics.median(reanswered) if times else 0,
        "intents_used_rewalked": statistics.median(rewalked) if times else 0,
    }


def _fmt_time(seconds: float) -> str:
    if seconds >= 86400:
        return f"{seconds / 86400:.1f} d"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.0f} µs"


def report(r: dict[str, Any]) -> list[str]:
    """The printed table: figure, value, naive baseline, floor, target."""
    n = r["subnets"]
    rows = [
        (
            "AWS-MAX build (direct puts, " + f"{r['resources']:,} resources)",
            _fmt_time(r["build"]),
            "",
            "",
            f"≤ {TARGETS['build']:.0f} s",
        )
    ]
    if r["tracer"]:
        rows.append(
            (
                "one trace p50 / p99 (interface pairs, tcp/443)",
                f"{_fmt_time(r['trace_p50'])} / {_fmt_time(r['trace_p99'])}",
                "",
                "",
                f"first: {_fmt_time(r['trace_first'])}",
            )
        )
    else:
        rows.append(("one trace p50 / p99", "n/a (no tracer)", "", "", ""))
    rows.append(
        (
            f"subnet matrix {n:,}² (compile {_fmt_time(r['compile'])} + classes)",
            _fmt_time(r["matrix"]),
            f"{_fmt_time(r['naive_matrix'])} ({_fmt_time(r['naive_per_pair'])}/pair)",
            f"{_fmt_time(r['floor'])} ({r['matrix_bytes'] / 2**20:.0f} MiB at "
            f"{r['bandwidth'] / 2**30:.1f} GiB/s)",
            f"≤ {TARGETS['matrix']:.0f} s",
        )
    )
    rows.append(
        (
            "subnet matrix peak memory (tracemalloc / ru_maxrss growth)",
            f"{r['matrix_peak'] / 2**20:.0f} MiB / {r['matrix_rss_growth'] / 2**20:.0f} MiB",
            "",
            f"{r['matrix_bytes'] / 2**20:.0f} MiB result",
            "≤ 4096 MiB",
        )
    )
    rows.append(
        (
            f"interface matrix {r['interfaces'][0]:,} x {r['interfaces'][1]:,} (with SGs)",
            _fmt_time(r["interface_matrix"]),
            "",
            "",
            "",
        )
    )
    for label, what in (
        ("any", "any route table"),
        ("read", "a table an intent reads"),
        ("used", "a route an intent uses"),
    ):
        rows.append(
            (
                f"100 intents re-checked after a route change in {what}, p50 / p99",
                f"{_fmt_time(r[f'intents_{label}_p50'])} / {_fmt_time(r[f'intents_{label}_p99'])}",
                f"{_fmt_time(r['intents_first'])} (from scratch)",
                f"{r[f'intents_{label}_reanswered']:.0f} re-answered (median)",
                f"≤ {TARGETS['intents_p50'] * 1e3:.0f} ms p50",
            )
        )
    rows.append(
        (
            "  adverse: a change to the TGW route table most intents read",
            _fmt_time(r["intents_hot"]),
            "",
            f"{r['intents_hot_reanswered']} re-answered",
            "",
        )
    )
    lines = [f"{'reachability (AWS-MAX)':84} {'vpclab':>18}  {'naive baseline':>26}  {'floor':>30}  target"]
    lines += [f"{a:84} {b:>18}  {c:>26}  {d:>30}  {e}" for a, b, c, d, e in rows]
    lines.append(f"  naive baseline engine: {r['naive_engine']}; process peak RSS {r['rss'] / 2**30:.2f} GiB")
    return lines
