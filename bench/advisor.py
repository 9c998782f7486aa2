"""`vpclab cost` on AWS-MAX: 10,000 flows between interfaces, priced along their paths (issue 14).

The flows are 10,000 deterministic random pairs of AWS-MAX's 5,000 user network interfaces, 1 GB a
month each, tcp/443. vpclab decides every pair's verdict with the interface matrix (one protocol
and port carry ≥ 1,000 interface pairs) and traces one reachable pair per pair of subnets for the
path's charges (vpclab/advisor/flows.py). The baseline, in the same run, is the naive way: one
trace per flow (measured on the first 500 flows and scaled to 10,000). Target: ≤ 10 s.

    python -m bench.advisor
"""

from __future__ import annotations

import random
import sys
import time
from decimal import Decimal

from vpclab.advisor.cost import cost
from vpclab.advisor.prices import load_prices
from vpclab.advisor.traffic import TrafficFlow
from vpclab.model.interfaces import NetworkInterface
from vpclab.network.api import trace
from vpclab.network.facade import Network
from vpclab.network.intents import Selector

from .generator import AWS_MAX, Spec, build

FLOWS = 10_000
NAIVE_SAMPLE = 500
TARGET_S = 10.0


def network(spec: Spec = AWS_MAX) -> tuple[Network, list[TrafficFlow]]:
    world = build(spec)
    net = Network(world, "AWS-MAX")
    enis = sorted(
        e.id
        for e in world.all(NetworkInterface)
        if e.interface_type == "interface" and not e.requester_managed
    )
    for k, eni in enumerate(enis):
        net.add(f"eni-{k}", eni)
    rng = random.Random(11)
    flows = []
    for _ in range(FLOWS):
        a, b = rng.sample(range(len(enis)), 2)
        flows.append(
            TrafficFlow(Selector("name", f"eni-{a}"), Selector("name", f"eni-{b}"), Decimal(1), port=443)
        )
    return net, flows


def run(spec: Spec = AWS_MAX) -> dict[str, float]:
    net, flows = network(spec)
    table = load_prices()
    start = time.perf_counter()
    report = cost(net, table, flows)
    seconds = time.perf_counter() - start
    costed = sum(1 for f in report.flows if f.status == "costed")
    start = time.perf_counter()
    for f in flows[:NAIVE_SAMPLE]:
        trace(net, net.ids[f.source.value], net.ids[f.destination.value], protocol="tcp", port=443)
    naive = (time.perf_counter() - start) / NAIVE_SAMPLE * len(flows)
    return {"seconds": seconds, "naive": naive, "costed": costed, "flows": len(flows)}


def report(r: dict[str, float]) -> list[str]:
    ok = "✔" if r["seconds"] <= TARGET_S else "✘"
    label = f"vpclab cost, AWS-MAX, {int(r['flows']):,} flows ({int(r['costed'])} reachable)"
    return [
        f"{label:70} {r['seconds'] * 1000:8.1f}ms {r['naive'] * 1000:8.1f}ms "
        f"{r['naive'] / r['seconds']:7.1f}x   target ≤ {TARGET_S:.0f} s {ok} "
        f"(baseline: a trace per flow, {NAIVE_SAMPLE} measured)"
    ]


if __name__ == "__main__":
    for line in report(run()):
        print(line)
    sys.exit(0)
