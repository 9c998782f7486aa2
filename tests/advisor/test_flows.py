"""Sharing work between flows changes no answer: classes of ends and the interface matrix give the
same verdicts and the same charges as one trace per flow (the differential check of flows.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bench.advisor import network
from bench.generator import SMALL
from vpclab.advisor import flows as flows_module
from vpclab.advisor.cost import cents, cost
from vpclab.advisor.paths import Classes, narrow_subnets
from vpclab.advisor.prices import load_prices


@pytest.fixture(scope="module")
def small():
    net, flows = network(SMALL)
    return net, flows[:400]


def _per_flow(report):
    return [(f.source, f.destination, f.status, cents(f.usd)) for f in report.flows]


def test_matrix_and_classes_agree_with_a_trace_per_flow(small, monkeypatch) -> None:
    net, flows = small
    table = load_prices()
    monkeypatch.setattr(Classes, "of", lambda self, spec: spec)  # no classes: a trace per pair
    monkeypatch.setattr(flows_module, "MATRIX_FROM", 10**9)
    exact = _per_flow(cost(net, table, flows))
    monkeypatch.undo()
    shared = _per_flow(cost(net, table, flows))  # classes of ends
    assert shared == exact
    monkeypatch.setattr(flows_module, "MATRIX_FROM", 1)
    matrix = cost(net, table, flows)
    assert any(f.status == "costed" for f in matrix.flows)
    # the matrix decides blocked pairs without codes; verdicts and charges are the same
    assert _per_flow(matrix) == exact


TWO_SUBNETS = """
region: us-east-1
vpcs:
  a:
    cidr: 10.0.0.0/16
    subnets:
      a-1: {cidr: 10.0.1.0/24, az: us-east-1a}
      a-2: {cidr: 10.0.2.0/24, az: us-east-1b}
    security_groups:
      app: {ingress: [{protocol: tcp, port: 443, cidr: 10.0.0.0/16}]}
      admin: {ingress: [{protocol: tcp, port: 22, cidr: 10.0.2.10/32}]}
    instances:
      h1: {subnet: a-1, groups: [app]}
      h2: {subnet: a-1, groups: [app]}
      h3: {subnet: a-1, groups: [app]}
      k1: {subnet: a-2, groups: [app], private_ip: 10.0.2.10}
      k2: {subnet: a-2, groups: [app], private_ip: 10.0.2.11}
"""


def test_a_rule_narrower_than_a_subnet_splits_its_class() -> None:
    """A /32 rule inside a-2 tells its interfaces apart: a-2's interfaces are classes of one; a-1's
    three alike interfaces are one class."""
    import vpclab

    net = vpclab.loads(TWO_SUBNETS)
    assert narrow_subnets(net.world) == {net.ids["a-2"]}
    classes = Classes(net)
    assert len({classes.of(net.ids[h]) for h in ("h1", "h2", "h3")}) == 1
    assert classes.of(net.ids["k1"]) != classes.of(net.ids["k2"])


def test_flows_share_traces(monkeypatch) -> None:
    """Six pairs, a-1's three alike interfaces × k1 and k2 (each a class of its own): two traces;
    every pair costed, cross-AZ both ways."""
    import vpclab
    import vpclab.network.api as api
    from vpclab.advisor.traffic import loads_traffic

    net = vpclab.loads(TWO_SUBNETS)
    calls: list[tuple[str, str]] = []
    real = api.trace
    monkeypatch.setattr(api, "trace", lambda n, s, d, **k: calls.append((s, d)) or real(n, s, d, **k))
    flows = loads_traffic("- from: {subnet: a-1}\n  to: {subnet: a-2}\n  volume: 60 GB/month\n  port: 443\n")
    report = cost(net, load_prices(), flows)
    assert len(report.flows) == 6 and all(f.status == "costed" for f in report.flows)
    assert len(calls) == 2
    assert cents(report.usage) == Decimal("1.20")  # 60 GB × (0.01 out + 0.01 in)
