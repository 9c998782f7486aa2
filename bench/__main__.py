"""Run every benchmark and print each figure beside its same-run baseline."""

from __future__ import annotations

import os
import platform
import sys
from datetime import date

from . import (
    advisor,
    agreement,
    api,
    control_plane,
    load,
    reach,
    reach_ipv6,
    scale,
    snapshot,
    soak,
    terraform,
    web,
)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(line.split()[1] for line in f if line.startswith("MemTotal")))
        mem = f", {kb / 2**20:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{os.cpu_count()} CPUs, {cpu}{mem}"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["scale"]:  # python -m bench scale --sizes 1/8,1/4,1/2,1,4,10
        return scale.main(argv[1:])
    print(f"vpclab benchmarks — {date.today()} — {machine()}, Python {platform.python_version()}")
    print(f"{'benchmark':70} {'vpclab':>10} {'baseline':>10} {'ratio':>8}")
    for name, value, baseline in control_plane.run():
        print(f"{name:70} {value * 1000:8.1f}ms {baseline * 1000:8.1f}ms {value / baseline:7.1f}x")
    print()
    for line in reach.report(reach.run()):
        print(line)
    print()
    for line in scale.report(scale.run()):  # growth with size: 1/8 … 10× AWS-MAX (issue 15)
        print(line)
    print()
    for line in reach_ipv6.report(reach_ipv6.run()):  # AWS-MAX dual-stack: IPv6 beside IPv4 (issue 9)
        print(line)
    print()
    # the matrices against the tracer on 2,000 generated networks (issue 15; --examples N alone)
    disagree = agreement.main(["--examples", str(agreement.BENCH_EXAMPLES)])
    print()
    for line in load.report(load.run()):  # loading a topology: 10k/20k/40k VPCs, growth exponent
        print(line)
    print()
    for line in terraform.report(terraform.run()):  # a 2,000-resource Terraform plan (issue 12)
        print(line)
    print()
    for line in snapshot.report(snapshot.run()):  # an AWS snapshot of AWS-MAX size (issue 12)
        print(line)
    print()
    for line in advisor.report(advisor.run()):  # vpclab cost, 10,000 flows on AWS-MAX (issue 14)
        print(line)
    for line in advisor.report_advise(advisor.run_advise()):  # vpclab advise over 40 VPCs (issue 14)
        print(line)
    print()
    page = web.run()  # the web page: first render, a trace through its API (issue 13)
    for line in web.report(page):
        print(line)
    print()
    failed = api.main([]) | disagree
    failed |= int(
        page["trace"]["p50"] > web.TARGET_P50
    )  # EC2 API throughput against moto's server; 1 if any call failed
    print()
    # ≥ 10 minutes: 100,000 fuzzed requests, then 16 clients × 10 min of mixed load; 1 if an invariant failed
    failed |= soak.main([])
    return failed


if __name__ == "__main__":
    sys.exit(main())
