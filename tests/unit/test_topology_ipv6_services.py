"""The topology format's IPv6 fields for PrivateLink: an endpoint's ``ip_address_type`` and
``dns_record_ip_type``, an endpoint service's ``supported_ip_address_types`` and its nlb's
``ip_address_type`` (docs/yaml.md, "Endpoints" and "Endpoint services"). AWS's rules apply through the
ControlPlane: "Access an AWS service using an interface VPC endpoint" — IP address types
(https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)."""

from __future__ import annotations

import pytest

from vpclab.model.endpoints import VpcEndpoint, VpcEndpointService
from vpclab.topology import TopologyError, loads

BASE = """
vpcs:
  app:
    cidr: 10.0.0.0/16
    dns_hostnames: true
    subnets:
      app-a: {cidr: 10.0.1.0/24, az: us-east-1a}
"""


def test_endpoint_ip_address_type_and_dns_record_type_load() -> None:
    net = loads(BASE + """    endpoints:
      kms: {service: kms, subnets: [app-a], ip_address_type: ipv4, dns_record_ip_type: ipv4}
""", file="e.yaml")
    (vpce,) = net.world.all(VpcEndpoint)
    assert (vpce.ip_address_type, vpce.dns_record_ip_type) == ("ipv4", "ipv4")


def test_a_dualstack_endpoint_in_ipv4_subnets_is_reported_with_awss_code() -> None:
    with pytest.raises(TopologyError) as info:
        loads(BASE + """    endpoints:
      kms: {service: kms, subnets: [app-a], ip_address_type: dualstack}
""", file="e.yaml")
    assert {p.code for p in info.value.problems} == {"InvalidParameter"}


def test_endpoint_service_ip_address_types_load() -> None:
    net = loads(BASE + """
endpoint_services:
  svc:
    supported_ip_address_types: [ipv4]
    nlb: {subnets: [app-a], ip_address_type: ipv4}
""", file="s.yaml")
    (svc,) = net.world.all(VpcEndpointService)
    assert svc.supported_ip_address_types == ("ipv4",)
    with pytest.raises(TopologyError) as info:
        loads(BASE + """
endpoint_services:
  svc:
    supported_ip_address_types: [ipv4, ipv6]
    nlb: {subnets: [app-a]}
""", file="s.yaml")
    assert {p.code for p in info.value.problems} == {"InvalidParameter"}
