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
    start, cpu = time.perf_counter(), time.process_time()
    report = cost(net, table, flows)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    costed = sum(1 for f in report.flows if f.status == "costed")
    start = time.perf_counter()
    for f in flows[:NAIVE_SAMPLE]:
        trace(net, net.ids[f.source.value], net.ids[f.destination.value], protocol="tcp", port=443)
    naive = (time.perf_counter() - start) / NAIVE_SAMPLE * len(flows)
    return {"seconds": seconds, "cpu": cpu, "naive": naive, "costed": costed, "flows": len(flows)}


ADVISE_VPCS = 40
ADVISE_TARGET_S = 30.0


def run_advise(n: int = ADVISE_VPCS) -> dict[str, float]:
    """`vpclab advise` over n VPCs on a transit gateway hub: every VPC must reach every other on
    tcp/443 (n(n-1) flows checked per candidate) and 10 GB flows between every ordered pair
    priced; the candidates built through the ControlPlane (PrivateLink is not applicable:
    every VPC reaches every other). Target (issue 14): ≤ 30 s at 40."""
    import yaml

    from vpclab.advisor.advise import advise
    from vpclab.advisor.designs import hub, synthetic
    from vpclab.advisor.traffic import loads_traffic
    from vpclab.network.intents import loads_intents
    from vpclab.topology import loads

    net = loads(yaml.safe_dump(hub(synthetic(n))))
    side = "[" + ", ".join(f"{{vpc: team{i}}}" for i in range(n)) + "]"
    intents = loads_intents(f"- {{from: {side}, to: {side}, port: 443, expect: reachable}}\n")
    flows = loads_traffic(
        "".join(
            f"- {{from: team{i}-host, to: team{j}-host, volume: 10 GB/month, port: 443}}\n"
            for i in range(n)
            for j in range(n)
            if i != j
        )
    )
    start = time.perf_counter()
    candidates = advise(net, intents, load_prices(), flows)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "vpcs": n,
        "candidates": len(candidates),
        "accepted": sum(1 for c in candidates if c.accepted),
    }


def report_advise(r: dict[str, float]) -> list[str]:
    ok = "✔" if r["seconds"] <= ADVISE_TARGET_S else "✘"
    label = (
        f"vpclab advise, {int(r['vpcs'])} VPCs, {int(r['candidates'])} candidates "
        f"({int(r['accepted'])} keep the intents)"
    )
    return [f"{label:70} {r['seconds'] * 1000:8.1f}ms   target ≤ {ADVISE_TARGET_S:.0f} s {ok}"]


def report(r: dict[str, float]) -> list[str]:
    ok = "✔" if r["seconds"] <= TARGET_S else "✘"
    label = f"vpclab cost, AWS-MAX, {int(r['flows']):,} flows ({int(r['costed'])} reachable)"
    return [
        f"{label:70} {r['seconds'] * 1000:8.1f}ms {r['naive'] * 1000:8.1f}ms "
        f"{r['naive'] / r['seconds']:7.1f}x   target ≤ {TARGET_S:.0f} s {ok} "
        f"(CPU {r['cpu']:.1f} s; baseline: a trace per flow, {NAIVE_SAMPLE} measured)"
    ]


if __name__ == "__main__":
    for line in report(run()) + report_advise(run_advise()):
        print(line)
    sys.exit(0)
