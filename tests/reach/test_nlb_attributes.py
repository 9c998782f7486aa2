"""The Network Load Balancer attributes reachability depends on: cross-zone load balancing and security
groups on the load balancer (with "Enforce inbound rules on PrivateLink traffic"); the tracer and the
interface matrix (and the brute force) agree on every pair of each variant.

AWS docs: Elastic Load Balancing, "Cross-zone load balancing" and "Cross-zone load balancing for target
groups" (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html),
"Edit attributes for your Network Load Balancer"
(https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-load-balancer-attributes.html),
"Update the security groups for your Network Load Balancer"
(https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html);
Reachability Analyzer explanation codes
(https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import naive
from vpclab.model.load_balancer import TargetGroup
from vpclab.network import Network
from vpclab.reach import trace
from vpclab.reach.matrix import matrix

from .helpers import codes, design, path, plane, run

EXAMPLE = Path("examples/privatelink-cross-account.yaml").read_text()
ONLY_B = ("targets: [billing-api-1, billing-api-2]", "targets: [billing-api-2]")
NLB_SG = (
    "    instances:\n      billing-api-1",
    "      billing-nlb-sg:\n        description: the NLB - HTTPS from the shop network\n"
    "        ingress:\n          - {protocol: tcp, port: 443, cidr: 10.0.1.0/24}\n"
    "    instances:\n      billing-api-1",
)


def variant(*changes: tuple[str, str]) -> Network:
    text = EXAMPLE
    for old, new in changes:
        assert old in text
        text = text.replace(old, new, 1)
    return design(text)


def agree(net: Network) -> None:
    """The interface matrix equals the tracer and the brute force on every pair (tcp 443 and 22)."""
    for protocol, port in (("tcp", 443), ("tcp", 22)):
        m = matrix(net.world, protocol, port, level="interface")
        for s in m.sources:
            for d in m.destinations:
                if s == d:
                    continue
                traced = trace(net.world, s, d, protocol=protocol, port=port).disposition == "reachable"
                assert m.reachable(s, d) == traced, (s, d, protocol, port)
                assert m.reachable(s, d) == naive.interface_pair(net.world, s, d, protocol, port), (s, d)


def test_cross_zone_load_balancing_reaches_a_target_in_another_zone() -> None:
    """"Cross-zone load balancing": with load_balancing.cross_zone.enabled true, the node in the
    endpoint's zone (us-east-1a) also sends to targets in other zones; the hop says so."""
    net = variant(ONLY_B, ("listeners: [443]", "listeners: [443]\n      cross_zone: true"))
    t = run(net, "shop-web", "billing-endpoint", port=443)
    assert t.disposition == "reachable", t.explanations
    hop = next(h for h in t.forward_hops if h.component == "target-group")
    assert "us-east-1b" in hop.detail and "cross-zone" in hop.detail
    assert path(t)[-1] == "network-interface:billing-api-2/eni"
    agree(net)


def test_the_target_groups_own_cross_zone_setting_wins() -> None:
    """"Cross-zone load balancing for target groups": a target group's
    load_balancing.cross_zone.enabled of false overrides the load balancer's true (its default,
    use_load_balancer_configuration, follows the load balancer)."""
    net = variant(ONLY_B, ("listeners: [443]", "listeners: [443]\n      cross_zone: true"))
    cp = plane(net, "billing-service/nlb")
    lb = net.resource("billing-service/nlb")
    (tg,) = [g for g in net.world.all(TargetGroup) if g.vpc_id == lb.vpc_id]
    cp.modify_target_group_attributes(target_group_arn=tg.arn,
                                      attributes={"load_balancing.cross_zone.enabled": "false"})
    t = run(net, "shop-web", "billing-endpoint", port=443)
    assert t.disposition == "blocked" and codes(t) == ["ELB_NOT_CROSSZONE"]
    agree(net)


def test_the_load_balancers_security_group_filters_privatelink_clients() -> None:
    """"Update the security groups for your Network Load Balancer": with security groups, the inbound
    rules are evaluated for PrivateLink traffic by default, against the client's address: shop-web
    (10.0.1.x) is allowed, a client in the shop's other subnet is not (ENI_SG_RULES_MISMATCH on the
    load balancer's group, whose fix names the enforcement switch)."""
    other = ("      shop-web: {subnet: shop-a}\n",
             "      shop-web: {subnet: shop-a}\n      shop-db: {subnet: shop-b}\n")
    net = variant(NLB_SG, other, ("listeners: [443]", "listeners: [443]\n      groups: [billing-nlb-sg]"))
    ok = run(net, "shop-web", "billing-endpoint", port=443)
    assert ok.disposition == "reachable", ok.explanations
    assert "security-group:billing-nlb-sg" in path(ok)
    t = run(net, "shop-db", "billing-endpoint", port=443)
    assert t.disposition == "blocked" and codes(t) == ["ENI_SG_RULES_MISMATCH"]
    e = t.explanations[0]
    assert e.component == net.id("billing-nlb-sg") and "PrivateLink" in e.message
    assert "--enforce-security-group-inbound-rules-on-private-link-traffic off" in e.fix
    agree(net)


def test_enforcement_off_lets_privatelink_traffic_past_the_inbound_rules() -> None:
    """"Enforce inbound rules on PrivateLink traffic" off: the load balancer's inbound rules are not
    evaluated for traffic through PrivateLink."""
    net = variant(NLB_SG, ("listeners: [443]", "listeners: [443]\n      groups: [billing-nlb-sg]\n"
                                               "      enforce_private_link_inbound_rules: false"))
    assert net.resource("billing-service/nlb").enforce_private_link_inbound_rules == "off"
    sg = net.resource("billing-nlb-sg")
    plane(net, "billing-nlb-sg").revoke_security_group_ingress(group_id=sg.id, ip_permissions=[
        {"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "ip_ranges": [{"cidr_ip": "10.0.1.0/24"}]}])
    t = run(net, "shop-web", "billing-endpoint", port=443)
    assert t.disposition == "reachable", t.explanations
    agree(net)


def test_the_load_balancers_outbound_rules_apply_on_the_way_to_the_targets() -> None:
    """"Update the security groups for your Network Load Balancer": the outbound rules control the
    traffic that leaves the load balancer for its targets; without one for the target, the flow
    stops at the load balancer's group."""
    net = variant(NLB_SG, ("listeners: [443]", "listeners: [443]\n      groups: [billing-nlb-sg]"))
    sg = net.resource("billing-nlb-sg")
    plane(net, "billing-nlb-sg").revoke_security_group_egress(group_id=sg.id, ip_permissions=[
        {"ip_protocol": "-1", "ip_ranges": [{"cidr_ip": "0.0.0.0/0"}]}])
    t = run(net, "shop-web", "billing-endpoint", port=443)
    assert t.disposition == "blocked" and codes(t) == ["ENI_SG_RULES_MISMATCH"]
    assert "outbound" in t.explanations[0].message
    agree(net)


@pytest.mark.parametrize("changes", [(), (ONLY_B,)])
def test_the_example_and_its_single_zone_variant_agree(changes: tuple[tuple[str, str], ...]) -> None:
    """Without the attributes: the example reaches, the variant with a target only in us-east-1b does
    not (ELB_NOT_CROSSZONE); the matrix says the same of every pair."""
    agree(variant(*changes))
