"""diff: the flows a change opens and closes, by name, each with the trace that explains it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import vpclab
from vpclab.network.diff import DEFAULT_FLOWS

from .conftest import example

TRIANGLE_FIX = (
    ("peerings:\n", "peerings:\n  a-c: {requester: a, accepter: c}\n"),
    (
        "          10.1.0.0/16: pcx:a-b\n    instances:\n      a-host",
        "          10.1.0.0/16: pcx:a-b\n          10.2.0.0/16: pcx:a-c\n    instances:\n      a-host",
    ),
    (
        "          10.1.0.0/16: pcx:b-c\n    instances:\n      c-host",
        "          10.1.0.0/16: pcx:b-c\n          10.0.0.0/16: pcx:a-c\n    instances:\n      c-host",
    ),
)


def test_no_change_no_flows() -> None:
    net = example("two-peered-vpcs")
    d = vpclab.diff(net, example("two-peered-vpcs"))
    assert (d.opened, d.closed, d.changed) == ([], [], False)
    assert d.flows == DEFAULT_FLOWS


def test_peering_a_with_c_opens_both_directions_for_every_flow(edited: Callable[..., Path]) -> None:
    """The fix for non-transitive peering — "VPC peering limitations"
    (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations)."""
    old = example("peering-triangle")
    new = vpclab.load(edited("peering-triangle", *TRIANGLE_FIX))
    d = vpclab.diff(old, new)
    assert d.closed == []
    assert [(c.source, c.destination, c.flow) for c in d.opened] == [
        (s, t, f)
        for f in ("tcp/22", "tcp/443", "tcp/5432", "icmp/8")
        for s, t in (("a-app", "c-app"), ("c-app", "a-app"))
    ]
    change = d.opened[0]
    assert change.before is not None and change.before.codes == ["NO_ROUTE_TO_DESTINATION"]
    assert change.after is not None and change.after.reachable
    assert change.explanation is change.after
    assert "a-c" in [h.name for h in change.after.forward_hops]


def test_reverting_closes_them_with_the_cause(edited: Callable[..., Path]) -> None:
    old = vpclab.load(edited("peering-triangle", *TRIANGLE_FIX))
    d = vpclab.diff(old, example("peering-triangle"), flows=[("tcp", 22)])
    assert [(c.source, c.destination, c.flow) for c in d.closed] == [
        ("a-app", "c-app", "tcp/22"),
        ("c-app", "a-app", "tcp/22"),
    ]
    assert d.closed[0].explanation is not None
    assert d.closed[0].explanation.explanations[0].fix.startswith("peering is not transitive")
    assert d.opened == []


def test_a_new_subnet_opens_its_flows_without_an_old_trace(edited: Callable[..., Path]) -> None:
    new = vpclab.load(
        edited(
            "peering-triangle",
            (
                "      a-app: {cidr: 10.0.1.0/24, az: us-east-1a}\n",
                "      a-app: {cidr: 10.0.1.0/24, az: us-east-1a}\n"
                "      a-db: {cidr: 10.0.2.0/24, az: us-east-1a}\n",
            ),
        )
    )
    d = vpclab.diff(example("peering-triangle"), new, flows=[("icmp", 8)])
    assert sorted((c.source, c.destination) for c in d.opened) == [("a-app", "a-db"), ("a-db", "a-app")]
    assert all(c.before is None and c.after is not None and c.after.reachable for c in d.opened)
