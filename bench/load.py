"""Loading a topology file: seconds for N VPCs (a subnet each) over 25 accounts, and the growth.

    python -m bench.load 10000 20000 40000       # or no sizes: 10k, 20k, 40k

Each size is loaded once (``vpclab.loads`` of generated text, YAML parsing included); the growth
exponent is the slope of log(time) against log(N) fitted over the sizes (1.0 is linear).
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Sequence

ACCOUNTS = 25
SIZES = (10_000, 20_000, 40_000)


def topology(vpcs: int, accounts: int = ACCOUNTS) -> str:
    """YAML text of ``vpcs`` VPCs spread round-robin over ``accounts`` accounts, one subnet each.

    VPC i is the /24 number i of 10.0.0.0/8 (the CIDRs repeat after 65,536 VPCs, which AWS
    allows between VPCs that are not connected); its subnet is the lower half of it.
    """
    lines = ["region: us-east-1", "accounts:"]
    lines += [f'  a{k}: "{100000000000 + k:012d}"' for k in range(accounts)]
    lines.append("vpcs:")
    for i in range(vpcs):
        b, c = (i >> 8) & 255, i & 255
        lines.append(f"  v{i}:")
        lines.append(f"    account: a{i % accounts}")
        lines.append(f"    cidr: 10.{b}.{c}.0/24")
        lines.append(f"    subnets: {{s{i}: {{cidr: 10.{b}.{c}.0/25, az: us-east-1a}}}}")
    return "\n".join(lines) + "\n"


def measure(vpcs: int) -> tuple[float, float]:
    """(wall, CPU) seconds to load ``vpcs`` VPCs (YAML text to Network). The CPU time is the
    steadier figure on a shared machine; the exponent is fitted to it."""
    from vpclab import loads

    text = topology(vpcs)
    wall, cpu = time.perf_counter(), time.process_time()
    loads(text, file=f"<{vpcs} vpcs>")
    return time.perf_counter() - wall, time.process_time() - cpu


def exponent(points: Sequence[tuple[int, float]]) -> float:
    """Least-squares slope of log(seconds) over log(N)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def run(sizes: Sequence[int] = SIZES) -> list[tuple[int, float, float]]:
    """(N, wall seconds, CPU seconds) for each size."""
    return [(n, *measure(n)) for n in sizes]


def report(points: Sequence[tuple[int, float, float]]) -> list[str]:
    lines = [f"load a topology: {n:,} VPCs + {n:,} subnets, {ACCOUNTS} accounts: "
             f"{wall:7.2f}s wall, {cpu:7.2f}s CPU" for n, wall, cpu in points]
    if len(points) > 1:
        fit = exponent([(n, cpu) for n, _, cpu in points])
        lines.append(f"load a topology: growth exponent of the CPU time (1.0 = linear): {fit:.2f}")
    return lines


def main(argv: Sequence[str]) -> int:
    sizes = [int(a) for a in argv] or list(SIZES)
    for line in report(run(sizes)):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
