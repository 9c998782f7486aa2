"""The Python API on a loaded network: trace, matrix, check and diff by name (README "Reachability")."""

from __future__ import annotations

import pytest

import vpclab
from vpclab.network import api
from vpclab.reach import UnknownEndpointError, trace

from .conftest import example


def test_trace_by_name_shows_names_and_the_fix() -> None:
    """VPC peering is not transitive — "VPC peering limitations"
    (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations)."""
    net = example("peering-triangle")
    t = net.trace("a-app", "c-app", protocol="tcp", port=5432)
    assert t.disposition == "blocked"
    assert [h.name for h in t.forward_hops] == ["a-app", "a-rt"]
    assert [e.code for e in t.explanations] == ["NO_ROUTE_TO_DESTINATION"]
    fix = t.explanations[0].fix
    assert fix.startswith("peering is not transitive: a is peered with b, which is peered with c")
    assert "vpc-" not in fix  # ids the file named are spelled as names
    assert t.explanations[0].component == net.id("a-rt")  # the id is still there for tools


def test_trace_by_name_equals_trace_by_id() -> None:
    net = example("two-peered-vpcs")
    by_name = net.trace("web-1", "db-1", port=5432)
    by_id = trace(net.world, net.id("web-1"), net.id("db-1"), port=5432, names=net.names)
    assert by_name.disposition == by_id.disposition == "reachable"
    assert [(h.component, h.id, h.packet) for h in by_name.forward_hops] == [
        (h.component, h.id, h.packet) for h in by_id.forward_hops
    ]


def test_name_with_address_and_unknown_name_hint() -> None:
    net = example("peering-triangle")
    t = net.trace("a-app:10.0.1.77", "b-app", protocol="icmp", port=8)
    assert t.flow.src_ip == "10.0.1.77" and t.reachable
    with pytest.raises(UnknownEndpointError, match=r"'c-hst' is not a name in .*did you mean 'c-host'"):
        net.trace("a-host", "c-hst")


def test_matrix_by_name_matches_one_trace_per_pair() -> None:
    """The matrix (equivalence classes when available) agrees with tracing every pair."""
    net = example("tgw-segmentation")
    m = net.matrix(protocol="tcp", port=443)
    traced = net.matrix(protocol="tcp", port=443, engine="traces")
    assert m.pairs == traced.pairs
    assert m.reachable("dev-app", "shared-svc") and not m.reachable("dev-app", "prod-app")
    assert ("prod-app", "prod-app-b") in set(m)
    rows = m.to_rows()
    assert len(rows) == len(m.sources) * len(m.destinations)
    assert {r["source"] for r in rows} == {"dev-app", "test-app", "prod-app", "prod-app-b", "shared-svc"}


def test_matrix_rejects_unknown_level() -> None:
    with pytest.raises(ValueError, match="level must be 'subnet' or 'interface'"):
        example("peering-triangle").matrix(level="vpc")


def test_module_level_diff_and_check_exist() -> None:
    net = example("peering-triangle")
    assert vpclab.diff(net, net).changed is False
    report = net.check([{"from": "a-host", "to": "c-host", "expect": "unreachable"}])
    assert report.ok and report.results[0].checked == 1
    rt = net.id("a-rt")
    assert api.named(net, f"no route in {rt} (a-rt) via pcx-0123456789abcdef0") == (
        "no route in a-rt via pcx-0123456789abcdef0"
    )  # named ids become names; others stay
