"""Intents: the file format, its errors with positions, and checking (ok / violated with traces)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import vpclab
from vpclab.network.intents import IntentError, loads_intents

from .conftest import EXAMPLES, example

POLICY = EXAMPLES / "intents" / "centralized-egress.yaml"


def test_documented_policy_holds_on_the_example() -> None:
    """Centralized egress: spokes reach the internet only through the egress VPC — "Centralized
    egress to internet" (https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-egress-to-internet.html)."""
    report = example("centralized-egress").check(POLICY)
    assert report.ok
    assert [(r.intent.title, r.status, r.checked) for r in report.results] == [
        ("spokes never reach each other", "ok", 2),
        ("spoke hosts reach the internet on 443", "ok", 2),
        ("nothing reaches the internet except via the egress VPC", "ok", 2),
    ]


def test_removing_the_blackhole_violates_isolation_with_the_path(edited: Callable[..., Path]) -> None:
    """Without the blackhole, spoke-a's default route hairpins through the egress VPC's NAT gateway
    into spoke-b; spoke-b's group (opened to 10.0.0.0/8 here) admits it, spoke-a's default group
    still refuses the reverse flow."""
    net = vpclab.load(
        edited(
            "centralized-egress",
            ("          10.0.0.0/8: blackhole\n", ""),
            (
                "    instances:\n      spoke-b-host:",
                "    security_groups:\n"
                "      spoke-b-default: {default: true, ingress: [{protocol: all, cidr: 10.0.0.0/8}]}\n"
                "    instances:\n      spoke-b-host:",
            ),
        )
    )
    report = net.check(POLICY)
    assert not report.ok
    (bad,) = report.violated
    assert bad.intent.title == "spokes never reach each other" and bad.intent.line == 4
    (flow,) = bad.violations
    assert (flow.source, flow.destination, flow.reason) == (
        "spoke-a-host",
        "spoke-b-host",
        "expected unreachable, but it is reachable",
    )
    hops = [h.name for h in flow.trace.forward_hops]
    assert hops.index("core-spokes-rt") < hops.index("egress-nat-a") < hops.index("core-spoke-b")


def test_a_spoke_with_its_own_internet_gateway_violates_only_via(edited: Callable[..., Path]) -> None:
    """A spoke given its own internet gateway bypasses the egress VPC: only-via reports that flow."""
    path = edited(
        "centralized-egress",
        ("    cidr: 10.1.0.0/16\n", "    cidr: 10.1.0.0/16\n    internet_gateway: true\n"),
        (
            "spoke-a-app: {cidr: 10.1.1.0/24, az: us-east-1a}",
            "spoke-a-app: {cidr: 10.1.1.0/24, az: us-east-1a, public: true}",
        ),
        (
            "spoke-a-rt: {subnets: [spoke-a-app], routes: {0.0.0.0/0: tgw:core}}",
            "spoke-a-rt: {subnets: [spoke-a-app], routes: {0.0.0.0/0: igw}}",
        ),
    )
    report = vpclab.load(path).check(POLICY)
    (bad,) = report.violated
    assert bad.intent.expect == "only-via" and bad.intent.via == "egress"
    (flow,) = bad.violations
    assert (flow.source, flow.destination) == ("spoke-a-host", "internet")
    assert flow.reason == "reachable without passing through egress"
    assert [h.component for h in flow.trace.forward_hops][-1] == "internet-gateway"


def test_reachable_intent_violation_carries_codes_and_fixes() -> None:
    net = example("peering-triangle")
    report = net.check(
        [{"from": "a-host", "to": {"vpc": "c"}, "protocol": "tcp", "port": 22, "expect": "reachable"}]
    )
    (flow,) = report.violated[0].violations
    assert flow.reason == "expected reachable, but it is blocked: NO_ROUTE_TO_DESTINATION"
    assert flow.trace.explanations[0].fix.startswith("peering is not transitive")


def test_selectors_tag_subnet_on_premises_and_lists() -> None:
    net = example("vpn-vgw")
    from vpclab.network.intents import members, parse_intents

    (intent,) = parse_intents([{"from": "on-premises", "to": {"vpc": "app"}, "expect": "reachable"}])
    problems: list = []
    assert members(net, intent, intent.source, problems) == [
        c for c in net.ids.values() if c.startswith("cgw-")
    ]
    assert problems == []


def test_errors_have_file_line_and_column() -> None:
    """Every mistake at once, file:line:column like the topology loader's (docs/yaml.md "Errors")."""
    text = (
        "- {from: web, to: db, expect: reachble}\n"
        "- {from: {vpc: dev}, too: prod, expect: unreachable}\n"
        "- {from: a, to: b, port: http, protocol: gre, expect: reachable}\n"
        "- {from: {cidr: 10.0.0.0/8}, to: internet, expect: {only-via: egress}}\n"
    )
    with pytest.raises(IntentError) as info:
        loads_intents(text, "policy.yaml")
    assert [str(p) for p in info.value.problems] == [
        "policy.yaml:1:31: expect must be reachable, unreachable or {only-via: VPC}, not 'reachble'",
        "policy.yaml:2:3: missing 'to'",
        "policy.yaml:2:22: unknown key 'too' (did you mean 'to'?)",
        "policy.yaml:3:26: port must be a number 0-65535, not 'http'",
        "policy.yaml:3:42: protocol must be tcp, udp, icmp, icmpv6 or all, not 'gre'",
        "policy.yaml:4:4: a selector is a name, internet, on-premises, {vpc: NAME}, {subnet: NAME}, "
        "{tag: {KEY: VALUE}} or a list of them",
    ]


def test_unknown_names_are_reported_against_the_network() -> None:
    intents = loads_intents(
        "- {from: a-hots, to: {vpc: c}, expect: unreachable}\n"
        "- {from: {vpc: a-app}, to: internet, expect: {only-via: egres}}\n",
        "p.yaml",
    )
    with pytest.raises(IntentError) as info:
        example("peering-triangle").check(intents)  # type: ignore[arg-type]
    assert [str(p) for p in info.value.problems] == [
        "p.yaml:1:10: unknown name 'a-hots' (did you mean 'a-host'?)",
        "p.yaml:2:3: unknown name 'egres'",
        "p.yaml:2:16: 'a-app' is not a VPC",
    ]


TAGGED = """
region: us-east-1
vpcs:
  prod:
    cidr: 10.0.0.0/16
    tags: {env: prod}
    internet_gateway: true
    subnets:
      prod-public: {cidr: 10.0.0.0/24, public: true}
      prod-app: {cidr: 10.0.1.0/24}
      prod-empty: {cidr: 10.0.2.0/24}
    nat_gateways:
      prod-nat: {subnet: prod-public}
    route_tables:
      prod-public-rt: {subnets: [prod-public], routes: {0.0.0.0/0: igw}}
      prod-app-rt: {subnets: [prod-app, prod-empty], routes: {0.0.0.0/0: nat:prod-nat}}
    instances:
      api-1: {subnet: prod-app, private_ip: 10.0.1.10}
      bastion: {subnet: prod-public, private_ip: 10.0.0.10, tags: {role: bastion}}
"""


def test_tag_subnet_selectors_and_only_via_a_component() -> None:
    """A tagged VPC selects its workloads; an empty subnet stands for itself; only-via a NAT gateway
    is violated by the bastion that uses the internet gateway directly."""
    net = vpclab.loads(TAGGED)
    from vpclab.network.intents import members, parse_intents

    (intent,) = parse_intents(
        [{"from": {"tag": {"env": "prod"}}, "to": "internet", "expect": {"only-via": "x"}}]
    )
    problems: list = []
    assert members(net, intent, intent.source, problems) == [
        net.id("bastion"),
        net.id("api-1"),
        net.id("prod-empty"),
    ]
    (role,) = parse_intents(
        [{"from": {"tag": {"role": "bastion"}}, "to": {"subnet": "prod-app"}, "expect": "reachable"}]
    )
    assert members(net, role, role.source, problems) == [net.id("bastion")]
    assert members(net, role, role.destination, problems) == [net.id("api-1")]
    assert problems == []

    report = net.check(
        [
            {
                "from": {"tag": {"env": "prod"}},
                "to": "internet",
                "port": 443,
                "expect": {"only-via": "prod-nat"},
            }
        ]
    )
    (result,) = report.results
    assert result.checked == 3
    assert [(v.source, v.reason) for v in result.violations] == [
        ("bastion", "reachable without passing through prod-nat")
    ]
