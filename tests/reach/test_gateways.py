"""Tracer scenarios at a VPC's edge: internet and NAT gateways, endpoints, middleboxes, loops.

AWS docs: "Enable internet access for a VPC using an internet gateway"
(https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html); "NAT gateways"
(https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html); "Gateway endpoints"
(https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html); "Access an AWS service
using an interface VPC endpoint" (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html);
VPC Peering guide, "Unsupported VPC peering configurations" (edge to edge routing)
(https://docs.aws.amazon.com/vpc/latest/peering/invalid-peering-configurations.html); "Route tables"
(routing to a network interface; source/destination checking, "Elastic network interfaces").
"""

from __future__ import annotations

import pytest

from vpclab.reach import UnknownEndpointError, UnsupportedEndpointError, trace

from .helpers import codes, design, example, path, plane, run

EDGE = """
region: us-east-1
vpcs:
  hub:
    cidr: 10.0.0.0/16
    internet_gateway: true
    subnets:
      pub: {cidr: 10.0.0.0/24, az: us-east-1a, public: true}
      priv: {cidr: 10.0.1.0/24, az: us-east-1a}
    nat_gateways: {nat-a: {subnet: pub}}
    route_tables:
      pub-rt: {subnets: [pub], routes: {0.0.0.0/0: igw, 10.1.0.0/16: pcx:hub-spoke}}
      priv-rt: {subnets: [priv], routes: {0.0.0.0/0: nat:nat-a, 10.1.0.0/16: pcx:hub-spoke}}
    security_groups:
      web-sg: {ingress: [{protocol: tcp, port: 443, cidr: 0.0.0.0/0}]}
      vpce-sg: {ingress: [{protocol: tcp, port: 443, cidr: 10.0.0.0/8}]}
    instances:
      web: {subnet: pub, groups: [web-sg], private_ip: 10.0.0.10, public_ip: true}
      hidden: {subnet: pub, groups: [web-sg], private_ip: 10.0.0.11, public_ip: false}
      worker: {subnet: priv, private_ip: 10.0.1.10}
    endpoints:
      s3-gw: {service: s3, route_tables: [priv-rt]}
      sqs: {service: sqs, subnets: [priv], groups: [vpce-sg]}
  spoke:
    cidr: 10.1.0.0/16
    subnets: {spoke-a: {cidr: 10.1.1.0/24, az: us-east-1a}}
    route_tables:
      spoke-rt: {subnets: [spoke-a], routes: {10.0.0.0/16: pcx:hub-spoke, 0.0.0.0/0: pcx:hub-spoke}}
    instances: {spoke-host: {subnet: spoke-a, private_ip: 10.1.1.10}}
peerings:
  hub-spoke: {requester: hub, accepter: spoke}
"""


def test_igw_egress_rewrites_the_source_to_the_public_ip() -> None:
    """An internet gateway performs 1:1 NAT for an instance with a public IPv4 address."""
    net = design(EDGE)
    t = run(net, "web", "internet", port=443)
    assert t.disposition == "reachable", t.explanations
    assert path(t)[-3:] == ["route-table:pub-rt", "network-acl:hub/default-acl", "internet-gateway:hub/igw"]
    public = net.resource("web").public_ip_address
    assert t.forward_hops[-1].packet.src_ip == public
    assert path(t, "return")[0] == "internet-gateway:hub/igw"
    assert t.return_hops[0].packet.dst_ip == "10.0.0.10"


def test_igw_without_public_ip() -> None:
    """Egress through an internet gateway needs a public IP or Elastic IP on the interface; so does
    ingress from the internet."""
    net = design(EDGE)
    t = run(net, "hidden", "internet", port=443)
    assert t.disposition == "blocked" and codes(t) == ["IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"]
    eni = net.id("hidden/eni")
    assert t.explanations[0].component == eni
    assert t.explanations[0].fix.startswith("associate an Elastic IP with hidden/eni")
    t = run(net, "internet", "hidden", port=443)
    assert codes(t) == ["IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"]
    t = run(net, "internet", "web", port=443)
    assert t.disposition == "reachable"
    assert t.flow.dst_ip == net.resource("web").public_ip_address
    assert path(t)[:3] == ["internet-gateway:hub/igw", "network-acl:hub/default-acl", "security-group:web-sg"]


def test_nat_egress_and_reverse_translation() -> None:
    """A private subnet reaches the internet through a NAT gateway (source → its private IP, then
    the internet gateway → its Elastic IP); the reply is translated back."""
    net = design(EDGE)
    t = run(net, "worker", "internet", port=443)
    assert t.disposition == "reachable", t.explanations
    assert path(t) == [
        "network-interface:worker/eni",
        "security-group:hub/default-sg",
        "route-table:priv-rt",
        "network-acl:hub/default-acl",
        "network-acl:hub/default-acl",
        "nat-gateway:nat-a",
        "route-table:pub-rt",
        "network-acl:hub/default-acl",
        "internet-gateway:hub/igw",
    ]
    nat = net.resource("nat-a")
    assert t.forward_hops[5].packet.src_ip == nat.private_ip
    assert t.forward_hops[-1].packet.src_ip == nat.public_ip
    back = path(t, "return")
    assert back[0] == "internet-gateway:hub/igw" and "nat-gateway:nat-a" in back
    assert t.return_hops[-1].packet.dst_ip == "10.0.1.10"


def test_no_edge_to_edge_through_the_peers_nat_or_igw() -> None:
    """Traffic arriving over a peering cannot leave through the peer's internet gateway or NAT
    gateway (edge to edge routing is unsupported)."""
    net = design(EDGE)
    t = run(net, "spoke-host", "internet", port=443)
    assert t.disposition == "blocked" and codes(t) == ["PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"]
    assert path(t)[-1] == "vpc-peering-connection:hub-spoke"
    assert t.explanations[0].fix.startswith("peering does not carry edge-to-edge traffic")


def test_s3_gateway_endpoint_inside_vs_over_peering() -> None:
    """A gateway endpoint serves its own VPC's route tables only, not traffic over peering."""
    net = design(EDGE)
    t = run(net, "worker", "s3:us-east-1", port=443)
    assert t.disposition == "reachable", t.explanations
    assert path(t)[-2:] == ["vpc-endpoint:s3-gw", "aws-service:com.amazonaws.us-east-1.s3"]
    assert path(t, "return")[0] == "vpc-endpoint:s3-gw"
    t = run(net, "spoke-host", "s3:us-east-1", port=443)
    assert codes(t) == ["PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"]
    assert "create a gateway endpoint for com.amazonaws.us-east-1.s3" in t.explanations[0].fix
    analytics = example("s3-gateway-endpoint")
    assert run(analytics, "worker-2", "s3:us-west-2", port=443).disposition == "reachable"


def test_interface_endpoint_over_peering_and_its_security_group() -> None:
    """Interface endpoints are reachable from a peered VPC; the endpoint's security group applies;
    an endpoint does not initiate connections."""
    net = design(EDGE)
    vpce = net.resource("sqs")
    eni = vpce.network_interface_ids[0]
    t = run(net, "spoke-host", eni, port=443)
    assert t.disposition == "reachable", t.explanations
    assert path(t)[-3:] == [
        "network-acl:hub/default-acl",
        "security-group:vpce-sg",
        f"network-interface:{eni}",
    ]
    t = run(net, "spoke-host", eni, port=8443)
    assert codes(t) == ["ENI_SG_RULES_MISMATCH"]
    import pytest

    from vpclab.reach import UnsupportedEndpointError

    with pytest.raises(UnsupportedEndpointError, match="does not initiate connections"):
        run(net, eni, "spoke-host", port=443)


MIDDLEBOX = """
region: us-east-1
vpcs:
  app:
    cidr: 10.0.0.0/16
    subnets:
      front: {cidr: 10.0.1.0/24, az: us-east-1a}
      back: {cidr: 10.0.2.0/24, az: us-east-1a}
      inspect: {cidr: 10.0.3.0/24, az: us-east-1a}
    route_tables:
      front-rt: {subnets: [front], routes: {10.0.2.0/24: instance:fw}}
      back-rt: {subnets: [back], routes: {10.0.1.0/24: instance:fw}}
    security_groups:
      open: {ingress: [{protocol: all, cidr: 10.0.0.0/16}]}
    instances:
      fw: {subnet: inspect, groups: [open], private_ip: 10.0.3.5}
      client: {subnet: front, groups: [open], private_ip: 10.0.1.10}
      server: {subnet: back, groups: [open], private_ip: 10.0.2.10}
"""


def test_middlebox_needs_source_dest_check_off() -> None:
    """A route more specific than local sends traffic to an appliance interface, which forwards by
    its own subnet's route table; with its source/destination check on it drops the traffic."""
    net = design(MIDDLEBOX)
    t = run(net, "client", "server", port=80)
    assert t.disposition == "blocked"
    assert codes(t) == ["ENI_SOURCE_DEST_CHECK_RESTRICTION", "ENI_SOURCE_DEST_CHECK_RESTRICTION"]
    assert [e.direction for e in t.explanations] == ["forward", "return"]
    assert path(t) == [
        "network-interface:client/eni",
        "security-group:open",
        "route-table:front-rt",
        "network-acl:app/default-acl",
        "network-acl:app/default-acl",
        "security-group:open",
        "network-interface:fw/eni",
        "security-group:open",
        "route-table:app/main",
        "network-acl:app/default-acl",
        "network-acl:app/default-acl",
        "security-group:open",
        "network-interface:server/eni",
    ]
    plane(net, "fw").modify_instance_attribute(instance_id=net.id("fw"), source_dest_check=False)
    t = run(net, "client", "server", port=80)
    assert t.disposition == "reachable" and t.explanations == []
    assert "network-interface:fw/eni" in path(t, "return")


def test_routing_loop_is_reported() -> None:
    """Two appliances that route a destination to each other: the tracer stops and says so
    (vpclab extension code VPCLAB_ROUTING_LOOP)."""
    text = MIDDLEBOX.replace(
        "      fw: {subnet: inspect, groups: [open], private_ip: 10.0.3.5}",
        "      fw: {subnet: inspect, groups: [open], private_ip: 10.0.3.5, source_dest_check: false}\n"
        "      fw2: {subnet: back, groups: [open], private_ip: 10.0.2.5, source_dest_check: false}",
    )
    text = text.replace(
        "      back-rt: {subnets: [back], routes: {10.0.1.0/24: instance:fw}}",
        "      back-rt: {subnets: [back], routes: {10.0.1.0/24: instance:fw, 10.0.2.0/24: instance:fw}}\n"
        "      inspect-rt: {subnets: [inspect], routes: {10.0.2.0/24: instance:fw2}}",
    )
    net = design(text)
    t = run(net, "client", "server", port=80)
    assert t.disposition == "blocked" and codes(t) == ["VPCLAB_ROUTING_LOOP"]
    assert t.explanations[0].component == net.id("inspect-rt")
    assert path(t).count("network-interface:fw/eni") == 2


def test_interface_endpoint_by_its_id_as_a_destination() -> None:
    """An interface endpoint (vpce-…) is a destination: it is reached at its network interface, one per
    subnet/Availability Zone, over peering, transit gateways and VPN ("Access an AWS service using an
    interface VPC endpoint", https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html;
    "Considerations for interface endpoints"); vpclab takes the interface in the source's AZ, else the
    first. An endpoint does not initiate connections, and a gateway endpoint is a route target, not a host
    ("Gateway endpoints", https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html)."""
    priv = "      priv: {cidr: 10.0.1.0/24, az: us-east-1a}\n"
    text = EDGE.replace(priv, priv + "      priv-b: {cidr: 10.0.2.0/24, az: us-east-1b}\n").replace(
        "subnets: [priv], groups: [vpce-sg]", "subnets: [priv, priv-b], groups: [vpce-sg]"
    )
    worker = "      worker: {subnet: priv, private_ip: 10.0.1.10}\n"
    text = text.replace(worker, worker + "      worker-b: {subnet: priv-b, private_ip: 10.0.2.10}\n").replace(
        "priv-rt: {subnets: [priv]", "priv-rt: {subnets: [priv, priv-b]"
    )
    net = design(text)
    vpce = net.resource("sqs")
    eni_a, eni_b = vpce.network_interface_ids
    zone = {e: net.world.get(e).subnet_id for e in (eni_a, eni_b)}
    assert zone == {eni_a: net.id("priv"), eni_b: net.id("priv-b")}
    # from another VPC (over peering, us-east-1a): the endpoint's interface in us-east-1a
    t = trace(net.world, net.id("spoke-host"), vpce.id, protocol="tcp", port=443, names=net.names)
    assert t.disposition == "reachable", t.explanations
    assert path(t)[-2:] == ["security-group:vpce-sg", f"network-interface:{eni_a}"]
    assert t.forward_hops[-1].detail.endswith("in priv (interface endpoint sqs)")
    # from us-east-1b: the interface in us-east-1b
    t = trace(net.world, net.id("worker-b"), vpce.id, protocol="tcp", port=443, names=net.names)
    assert t.disposition == "reachable" and path(t)[-1] == f"network-interface:{eni_b}"
    # the endpoint's security group still decides
    t = trace(net.world, net.id("worker"), vpce.id, protocol="tcp", port=8443, names=net.names)
    assert codes(t) == ["ENI_SG_RULES_MISMATCH"] and path(t)[-1] == f"network-interface:{eni_a}"
    # an explicit address picks that interface; another address is refused
    address_b = net.world.get(eni_b).private_ip_address
    t = trace(net.world, net.id("worker"), f"{vpce.id}:{address_b}", port=443, names=net.names)
    assert path(t)[-1] == f"network-interface:{eni_b}"
    with pytest.raises(UnknownEndpointError, match=f"10.0.1.250 is not an address of {vpce.id}"):
        trace(net.world, net.id("worker"), f"{vpce.id}:10.0.1.250", port=443)
    with pytest.raises(UnsupportedEndpointError, match="an interface endpoint does not initiate connections"):
        trace(net.world, vpce.id, net.id("worker"), port=443)
    with pytest.raises(
        UnsupportedEndpointError, match=r'a Gateway endpoint is a route target.*"s3:us-east-1"'
    ):
        trace(net.world, net.id("worker"), net.id("s3-gw"), port=443)
