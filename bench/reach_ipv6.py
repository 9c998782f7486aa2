"""Dual-stack reachability at AWS's maxima (issue 9): AWS-MAX made dual-stack (``AWS_MAX_DUAL``:
every VPC a /56, every subnet a /64, every interface an IPv6 address, ``::/0`` to an egress-only
internet gateway, the IPv4 design's IPv6 twin; bench/dual_stack.py), each IPv6 figure beside the
IPv4 figure measured in the same run, with their ratio (target ≤ 1.5×):

- build: AWS-MAX dual-stack against AWS-MAX (IPv4 only), both built straight into a World;
- one trace p50 / p99: the same interface pairs, tcp/443, over IPv4 and over IPv6 (``ip_version=6``)
  in the dual-stack World (each family's first trace, which builds the forwarding view, apart);
- the all-pairs subnet matrix (compile + classes + bits), tcp/443, IPv4 and IPv6, same World.
"""

from __future__ import annotations

import gc
import random
import time
from typing import Any

from vpclab.model.interfaces import NetworkInterface
from vpclab.reach import trace
from vpclab.reach.compiled import compile_world
from vpclab.reach.matrix import matrix

from .generator import AWS_MAX, Spec, build
from .reach import _fmt_time, percentile

#: issue 9: each IPv6 figure at most this many times its IPv4 figure
RATIO = 1.5


def run(spec: Spec = AWS_MAX, *, trace_samples: int = 200, seed: int = 13) -> dict[str, Any]:
    import dataclasses

    out: dict[str, Any] = {}
    gc.collect()
    t = time.perf_counter()
    world4 = build(spec)
    out["build4"] = time.perf_counter() - t
    del world4
    gc.collect()
    t = time.perf_counter()
    world = build(dataclasses.replace(spec, dual_stack=True))
    out["build6"] = time.perf_counter() - t
    out["resources"] = len(world)
    enis = [e.id for e in world.all(NetworkInterface) if e.interface_type == "interface"]
    rng = random.Random(seed)
    pairs = [tuple(rng.sample(enis, 2)) for _ in range(trace_samples)]
    for family in (4, 6):
        t = time.perf_counter()
        trace(world, enis[0], enis[1], protocol="tcp", port=443, ip_version=family)
        out[f"trace_first{family}"] = time.perf_counter() - t
        times, reachable = [], 0
        for s, d in pairs:
            t = time.perf_counter()
            r = trace(world, s, d, protocol="tcp", port=443, ip_version=family)
            times.append(time.perf_counter() - t)
            reachable += r.reachable
        out[f"trace_p50_{family}"], out[f"trace_p99_{family}"] = percentile(times, 50), percentile(times, 99)
        out[f"trace_reachable{family}"] = reachable
    for family in (4, 6):
        gc.collect()
        t = time.perf_counter()
        compiled = compile_world(world, family=family)
        out[f"compile{family}"] = time.perf_counter() - t
        m = matrix(world, "tcp", 443, compiled=compiled, family=family)
        out[f"matrix{family}"] = time.perf_counter() - t
        out[f"matrix_reachable{family}"] = m.count()
        out["subnets"] = len(m.sources)
        del m, compiled
    return out


def report(r: dict[str, Any]) -> list[str]:
    rows = [
        ("AWS-MAX build, dual-stack vs IPv4 only", r["build6"], r["build4"]),
        ("one trace p50, tcp/443 (IPv6 vs IPv4, same pairs)", r["trace_p50_6"], r["trace_p50_4"]),
        ("one trace p99", r["trace_p99_6"], r["trace_p99_4"]),
        (f"subnet matrix {r['subnets']:,}², tcp/443 (IPv6 vs IPv4)", r["matrix6"], r["matrix4"]),
    ]
    lines = [f"{'dual-stack reachability (AWS-MAX)':60} {'IPv6':>10} {'IPv4':>10} {'ratio':>7}  target"]
    for label, six, four in rows:
        ratio = six / four
        mark = "✔" if ratio <= RATIO else "✘"
        lines.append(
            f"{label:60} {_fmt_time(six):>10} {_fmt_time(four):>10} {ratio:6.2f}x  ≤ {RATIO}x {mark}"
        )
    lines.append(
        f"  {r['resources']:,} resources; first trace (builds the view) IPv6 {_fmt_time(r['trace_first6'])}, "
        f"IPv4 {_fmt_time(r['trace_first4'])}; reachable traced pairs IPv6 {r['trace_reachable6']}, "
        f"IPv4 {r['trace_reachable4']}; matrix compile IPv6 {_fmt_time(r['compile6'])}, "
        f"IPv4 {_fmt_time(r['compile4'])}; reachable subnet pairs IPv6 {r['matrix_reachable6']:,}, "
        f"IPv4 {r['matrix_reachable4']:,}"
    )
    return lines


if __name__ == "__main__":
    for line in report(run()):
        print(line)
