"""PrivateLink end to end: consumer → interface endpoint → Network Load Balancer → target, and back.

AWS docs: AWS PrivateLink guide, "How AWS PrivateLink works"
(https://docs.aws.amazon.com/vpc/latest/privatelink/what-is-privatelink.html) and "Share your
services through AWS PrivateLink" — "Network Load Balancers", "Accept or reject connection
requests" (https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html);
Network Load Balancers, "Client IP preservation" ("not supported for traffic received through AWS
PrivateLink": the source is the load balancer's private address) and "Cross-zone load balancing"
(off by default) (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/network-load-balancers.html);
Reachability Analyzer explanation codes
(https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html).
"""

from __future__ import annotations

from pathlib import Path

from vpclab.network import Network

from .helpers import codes, design, example, path, run

EXAMPLE = Path("examples/privatelink-cross-account.yaml").read_text()


def variant(old: str, new: str) -> Network:
    assert old in EXAMPLE
    return design(EXAMPLE.replace(old, new))


def test_the_cross_account_service_is_reachable_end_to_end_on_the_listener_port() -> None:
    """ "How AWS PrivateLink works": the endpoint interface hands the connection to the service's NLB
    node in the endpoint's zone, which forwards to a target of its listener's target group; the
    target sees the NLB's private address (no client IP preservation through PrivateLink)."""
    net = example("privatelink-cross-account")
    t = run(net, "shop-web", "billing-endpoint", port=443)
    assert t.disposition == "reachable", t.explanations
    hops = path(t)
    at = hops.index("vpc-endpoint:billing-endpoint")
    assert hops[at - 1].startswith("network-interface:")  # the endpoint's interface in shop-a
    assert hops[at + 1] == "load-balancer:billing-service/nlb"
    assert hops[at + 2].startswith("target-group:")
    assert hops[-2:] == ["security-group:billing-api-sg", "network-interface:billing-api-1/eni"]
    nlb = net.resource("billing-service/nlb")
    node_ips = {net.world.get(i).private_ip_address for i in nlb.network_interface_ids}
    rewrite = t.forward_hops[at]
    assert rewrite.packet.src_ip in node_ips  # PrivateLink's NAT, shown where it happens
    assert "client's address is not preserved" in rewrite.detail
    target = t.forward_hops[-1].packet
    assert target.src_ip in node_ips and target.dst_port == 443
    back = path(t, "return")
    assert back[-1] == "network-interface:shop-web/eni"
    assert "load-balancer:billing-service/nlb" in back and "vpc-endpoint:billing-endpoint" in back
    assert t.return_hops[-1].packet.src_ip == t.flow.dst_ip  # the reply comes from the endpoint's address


def test_a_port_without_a_listener_is_blocked_at_the_load_balancer() -> None:
    """ELBV2_LISTENERS_MISMATCH ("This load balancer does not have a listener that accepts the
    traffic"): the NLB behind the service listens on 443 only."""
    net = variant(
        "- {protocol: tcp, port: 443, cidr: 10.0.0.0/16}\n    instances:\n      shop-web",
        "- {protocol: tcp, port: 0-65535, cidr: 10.0.0.0/16}\n    instances:\n      shop-web",
    )
    t = run(net, "shop-web", "billing-endpoint", port=8443)
    assert t.disposition == "blocked"
    assert codes(t) == ["ELBV2_LISTENERS_MISMATCH"]
    assert path(t)[-1] == "load-balancer:billing-service/nlb"
    e = t.explanations[0]
    assert "TCP 443" in e.message and "create-listener" in e.fix and e.direction == "forward"


def test_the_target_security_group_must_allow_the_load_balancer_addresses() -> None:
    """ "Client IP preservation": traffic through PrivateLink reaches the targets from the NLB's
    private addresses, so a target security group that allows only client networks drops it; the
    fix names the NLB's subnets."""
    net = variant(
        "- {protocol: tcp, port: 443, cidr: 10.0.0.0/16}\n    instances:\n      billing-api-1",
        "- {protocol: tcp, port: 443, cidr: 172.16.0.0/12}\n    instances:\n      billing-api-1",
    )
    t = run(net, "shop-web", "billing-endpoint", port=443)
    assert t.disposition == "blocked"
    assert codes(t) == ["ENI_SG_RULES_MISMATCH"]
    e = t.explanations[0]
    assert e.component == net.id("billing-api-sg")
    assert "10.0.1.0/24, 10.0.2.0/24" in e.fix and "PrivateLink does not preserve" in e.fix
    assert "billing-api-sg" in e.fix


def test_an_endpoint_pending_acceptance_carries_no_traffic() -> None:
    """ "Accept or reject connection requests": an endpoint to a service that requires acceptance is
    pendingAcceptance until the provider accepts it; BAD_STATE ("This component is not in a
    functional state")."""
    net = variant(
        "        groups: [billing-endpoint-sg]\n",
        "        groups: [billing-endpoint-sg]\n        accept: false\n",
    )
    assert net.resource("billing-endpoint").state == "pendingAcceptance"
    t = run(net, "shop-web", "billing-endpoint", port=443)
    assert t.disposition == "blocked"
    assert codes(t) == ["BAD_STATE"]
    assert path(t)[-1] == "vpc-endpoint:billing-endpoint"
    assert "accept-vpc-endpoint-connections" in t.explanations[0].fix
    assert t.return_hops == []


def test_a_target_only_in_another_zone_is_not_reached_without_cross_zone() -> None:
    """ "Cross-zone load balancing" is off by default for a Network Load Balancer: the node in the
    endpoint's zone (us-east-1a) sends only to targets in us-east-1a; ELB_NOT_CROSSZONE ("This load
    balancer can't send traffic to some targets because cross-zone load balancing is disabled")."""
    net = variant("targets: [billing-api-1, billing-api-2]", "targets: [billing-api-2]")
    t = run(net, "shop-web", "billing-endpoint", port=443)
    assert t.disposition == "blocked"
    assert codes(t) == ["ELB_NOT_CROSSZONE"]
    assert "us-east-1b" in t.explanations[0].message
    assert "load_balancing.cross_zone.enabled" in t.explanations[0].fix
