"""YAML for Gateway Load Balancer inspection: a service with a gwlb, gateway_load_balancer endpoints,
vpce:NAME routes, edge associations, and the problems a wrong file reports at its line."""

from __future__ import annotations

import pytest

from vpclab.model.endpoints import VpcEndpoint, VpcEndpointService
from vpclab.model.load_balancer import LoadBalancer, TargetGroup
from vpclab.model.route_table import RouteTable
from vpclab.topology import TopologyError, loads

BASE = """\
region: us-east-1
vpcs:
  app:
    cidr: 10.0.0.0/16
    internet_gateway: true
    subnets:
      app-gwlbe: {cidr: 10.0.0.0/28, az: us-east-1a}
      app-web: {cidr: 10.0.1.0/24, az: us-east-1a}
    route_tables:
      app-edge-rt: {edge: igw, routes: {10.0.1.0/24: vpce:gwlbe}}
      app-web-rt: {subnets: [app-web], routes: {0.0.0.0/0: vpce:gwlbe}}
    endpoints:
      gwlbe: {endpoint_service: appliances, subnets: [app-gwlbe]}
  sec:
    cidr: 10.10.0.0/16
    subnets:
      sec-fw: {cidr: 10.10.1.0/24, az: us-east-1a}
    instances:
      fw-1: {subnet: sec-fw, private_ip: 10.10.1.10}
endpoint_services:
  appliances:
    gwlb: {subnets: [sec-fw], targets: [fw-1], cross_zone: true, health_check_port: 8080}
"""


def test_the_gwlb_service_endpoint_routes_and_edge_association_are_built() -> None:
    net = loads(BASE)
    lb, tg = net.resource("appliances/gwlb"), net.resource("appliances/appliances")
    assert isinstance(lb, LoadBalancer) and lb.type == "gateway"
    assert dict(lb.attributes) == {"load_balancing.cross_zone.enabled": "true"}
    assert isinstance(tg, TargetGroup) and (tg.protocol, tg.port) == ("GENEVE", 6081)
    assert tg.health_check is not None and tg.health_check.port == "8080"
    assert [t.id for t in tg.targets] == [net.id("fw-1")]
    svc = net.resource("appliances")
    assert isinstance(svc, VpcEndpointService) and svc.service_type == "GatewayLoadBalancer"
    vpce = net.resource("gwlbe")
    assert isinstance(vpce, VpcEndpoint) and vpce.vpc_endpoint_type == "GatewayLoadBalancer"
    edge = net.resource("app-edge-rt")
    assert isinstance(edge, RouteTable)
    assert [a.gateway_id for a in edge.associations] == [net.id("app/igw")]
    assert edge.route_to("10.0.1.0/24").vpc_endpoint_id == vpce.id  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("internet_gateway: true", "internet_gateway: false", "has no internet gateway to edge-associate"),
        ("10.0.1.0/24: vpce:gwlbe}", "10.0.1.0/24: vpce:nope}", "unknown endpoint 'nope'"),
        ("subnets: [app-gwlbe]}", "subnets: [app-gwlbe, app-web]}", "exactly one subnet"),
        (
            "edge: igw, routes: {10.0.1.0/24: vpce:gwlbe}",
            "edge: igw, routes: {0.0.0.0/0: vpce:gwlbe}",
            "cannot be associated with gateway",
        ),
        ("gwlb: {", "nlb: {subnets: [sec-fw]}\n    gwlb: {", "exactly one of nlb or gwlb"),
    ],
)
def test_problems_are_reported(old: str, new: str, expected: str) -> None:
    assert old in BASE
    with pytest.raises(TopologyError) as err:
        loads(BASE.replace(old, new, 1))
    assert expected in str(err.value)
