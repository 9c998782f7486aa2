"""IPv6 for VPC endpoints, endpoint services and network load balancers: IpAddressType,
DnsOptions.DnsRecordIpType, SupportedIpAddressTypes, dualstack NLBs.

AWS docs: "Access an AWS service using an interface VPC endpoint" — IP address types and DNS record
IP types (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html; the
same rules are in the CDK reference, aws-cdk-lib.aws_ec2.VpcEndpointIpAddressType and
VpcEndpointDnsRecordIpType); "Share your services through AWS PrivateLink" — IP address types
(https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html); "Update the
IP address types for your Network Load Balancer"
(https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-ip-address-type.html);
SetIpAddressType (Elastic Load Balancing API reference). The codes and wordings of the endpoint
errors are undocumented (vpclab answers InvalidParameter, as for the endpoints' other rules).
"""

from __future__ import annotations

from ipaddress import IPv6Address

import pytest

from tests.conftest import raises_aws, unchanged
from tests.rules.ipv6_setup import dual_stack_vpc, slash64
from vpclab.model.interfaces import NetworkInterface
from vpclab.model.subnet import Subnet

KMS = "com.amazonaws.us-east-1.kms"
SQS = "com.amazonaws.us-east-1.sqs"
S3 = "com.amazonaws.us-east-1.s3"


@pytest.fixture
def vpc(cp):
    return dual_stack_vpc(cp)


def _dual(cp, vpc, i: int, az: str) -> Subnet:
    return cp.create_subnet(vpc_id=vpc.id, cidr_block=f"10.0.{i}.0/24", availability_zone=az,
                            ipv6_cidr_block=slash64(vpc, i))


def _v4(cp, vpc, i: int, az: str) -> Subnet:
    return cp.create_subnet(vpc_id=vpc.id, cidr_block=f"10.0.{i}.0/24", availability_zone=az)


def _eni_v6(cp, vpce) -> list[tuple[str, ...]]:
    return [cp.world.get(i, NetworkInterface).ipv6_addresses for i in vpce.network_interface_ids]


# -- interface endpoints ---------------------------------------------------------------------
def test_dualstack_interface_endpoint_gives_each_interface_an_ipv6_address(cp, vpc):
    """"IP address types": Dualstack assigns both IPv4 and IPv6 addresses to the endpoint network
    interfaces (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)."""
    a, b = _dual(cp, vpc, 1, "us-east-1a"), _dual(cp, vpc, 2, "us-east-1b")
    vpce = cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=KMS, vpc_endpoint_type="Interface",
                                  subnet_ids=[a.id, b.id], ip_address_type="dualstack")
    assert (vpce.ip_address_type, vpce.dns_record_ip_type) == ("dualstack", "dualstack")
    for (addr,), subnet in zip(_eni_v6(cp, vpce), (a, b), strict=True):
        assert IPv6Address(addr) in subnet.ipv6_network


def test_dualstack_needs_subnets_with_ipv6_blocks(cp, world, vpc):
    """"IP address types": Dualstack is supported only if all selected subnets have both IPv4 and
    IPv6 address ranges (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)."""
    a, b = _dual(cp, vpc, 1, "us-east-1a"), _v4(cp, vpc, 2, "us-east-1b")
    with unchanged(world), raises_aws("InvalidParameter",
                                      f"The subnet {b.id} does not have an IPv6 CIDR block: IP address type "
                                      "dualstack needs subnets with IPv4 and IPv6 ranges."):
        cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=KMS, vpc_endpoint_type="Interface",
                               subnet_ids=[a.id, b.id], ip_address_type="dualstack")


def test_ipv6_needs_ipv6_only_subnets(cp, world, vpc):
    """"IP address types": IPv6 is supported only if all selected subnets are IPv6-only subnets
    (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)."""
    a = _dual(cp, vpc, 1, "us-east-1a")
    with unchanged(world), raises_aws("InvalidParameter",
                                      f"The subnet {a.id} is not an IPv6-only subnet: IP address type ipv6 "
                                      "needs IPv6-only subnets."):
        cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=KMS, vpc_endpoint_type="Interface",
                               subnet_ids=[a.id], ip_address_type="ipv6")


def test_the_service_must_support_the_address_type(cp, world, vpc):
    """"IP address types": the endpoint service must accept IPv6 requests for an ipv6 or dualstack
    endpoint (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html); vpclab
    offers IPv6 only for the services AWS documents it for (KMS, STS)."""
    a = _dual(cp, vpc, 1, "us-east-1a")
    with unchanged(world), raises_aws("InvalidParameter", f"The VPC endpoint service {SQS} does not support "
                                                          "IP address type dualstack."):
        cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=SQS, vpc_endpoint_type="Interface",
                               subnet_ids=[a.id], ip_address_type="dualstack")


def test_ip_address_type_values(cp, world, vpc):
    """CreateVpcEndpoint IpAddressType: ipv4 | dualstack | ipv6 (EC2 API reference,
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html)."""
    a = _dual(cp, vpc, 1, "us-east-1a")
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "Value (ipv5) for parameter ipAddressType is invalid."):
        cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=KMS, vpc_endpoint_type="Interface",
                               subnet_ids=[a.id], ip_address_type="ipv5")


@pytest.mark.parametrize(("ip_type", "dns", "ok"), [
    ("ipv4", "ipv4", True), ("ipv4", "ipv6", False), ("ipv4", "dualstack", False),
    ("ipv4", "service-defined", False), ("dualstack", "ipv4", True), ("dualstack", "ipv6", True),
    ("dualstack", "dualstack", True), ("dualstack", "service-defined", True),
])
def test_dns_record_ip_type_must_fit_the_ip_address_type(cp, world, vpc, ip_type, dns, ok):
    """DNS record IP type: ipv4 needs IP address type IPv4 or Dualstack, ipv6 needs IPv6 or
    Dualstack, dualstack and service-defined need Dualstack
    (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)."""
    a = _dual(cp, vpc, 1, "us-east-1a")
    kwargs = dict(vpc_id=vpc.id, service_name=KMS, vpc_endpoint_type="Interface", subnet_ids=[a.id],
                  ip_address_type=ip_type, dns_options={"dns_record_ip_type": dns})
    if ok:
        assert cp.create_vpc_endpoint(**kwargs).dns_record_ip_type == dns
        return
    with unchanged(world), raises_aws("InvalidParameter", f"DNS record IP type {dns} is not supported for IP "
                                                          f"address type {ip_type}."):
        cp.create_vpc_endpoint(**kwargs)


def test_modify_to_dualstack_and_back(cp, vpc):
    """ModifyVpcEndpoint IpAddressType: the interfaces gain IPv6 addresses, and lose them again
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpoint.html)."""
    a = _dual(cp, vpc, 1, "us-east-1a")
    vpce = cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=KMS, vpc_endpoint_type="Interface",
                                  subnet_ids=[a.id])
    assert (vpce.ip_address_type, _eni_v6(cp, vpce)) == ("ipv4", [()])
    vpce = cp.modify_vpc_endpoint(vpc_endpoint_id=vpce.id, ip_address_type="dualstack")
    assert vpce.dns_record_ip_type == "ipv4" and len(_eni_v6(cp, vpce)[0]) == 1
    vpce = cp.modify_vpc_endpoint(vpc_endpoint_id=vpce.id,
                                  dns_options={"dns_record_ip_type": "service-defined"})
    assert vpce.dns_record_ip_type == "service-defined"
    vpce = cp.modify_vpc_endpoint(vpc_endpoint_id=vpce.id, ip_address_type="ipv4")
    assert (vpce.dns_record_ip_type, _eni_v6(cp, vpce)) == ("ipv4", [()])


def test_modify_adding_an_ipv4_only_subnet_to_a_dualstack_endpoint_fails(cp, world, vpc):
    """Dualstack needs every endpoint subnet to have an IPv6 range, those added later too
    (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)."""
    a, b = _dual(cp, vpc, 1, "us-east-1a"), _v4(cp, vpc, 2, "us-east-1b")
    vpce = cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=KMS, vpc_endpoint_type="Interface",
                                  subnet_ids=[a.id], ip_address_type="dualstack")
    with unchanged(world), raises_aws("InvalidParameter", f"The subnet {b.id} does not have an IPv6 CIDR "
                                                          "block: IP address type dualstack needs subnets "
                                                          "with IPv4 and IPv6 ranges."):
        cp.modify_vpc_endpoint(vpc_endpoint_id=vpce.id, add_subnet_ids=[b.id])


# -- gateway endpoints -----------------------------------------------------------------------
def test_gateway_endpoint_dualstack(cp, world, vpc):
    """Gateway endpoints for S3 take IpAddressType dualstack (CDK reference,
    aws-cdk-lib.aws_ec2.VpcEndpointIpAddressType, "Gateway endpoint with dualstack",
    https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_ec2.VpcEndpointIpAddressType.html);
    ipv6 is not documented for gateway endpoints and vpclab refuses it."""
    vpce = cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=S3, ip_address_type="dualstack")
    assert (vpce.ip_address_type, vpce.dns_record_ip_type) == ("dualstack", "dualstack")
    with unchanged(world), raises_aws("InvalidParameter",
                                      "IP address type ipv6 is not supported for Gateway type VPC Endpoint."):
        cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=S3, ip_address_type="ipv6")


def test_gateway_endpoint_dualstack_needs_an_ipv6_vpc(cp, world):
    """A dualstack gateway endpoint in a VPC without an IPv6 block: undocumented, vpclab refuses it
    (conservative; https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html)."""
    v4 = cp.create_vpc(cidr_block="10.1.0.0/16")
    with unchanged(world), raises_aws("InvalidParameter",
                                      f"IP address type dualstack requires an IPv6 CIDR block on {v4.id}."):
        cp.create_vpc_endpoint(vpc_id=v4.id, service_name=S3, ip_address_type="dualstack")


# -- network load balancers and endpoint services --------------------------------------------
def test_dualstack_nlb_needs_subnets_with_ipv6_blocks(cp, world, vpc):
    """"Dualstack requirements": the VPC and subnets of the load balancer must have associated IPv6
    CIDR blocks
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-ip-address-type.html)."""
    b = _v4(cp, vpc, 2, "us-east-1b")
    with unchanged(world), raises_aws("InvalidConfigurationRequest",
                                      "You must specify subnets with an associated IPv6 CIDR block."):
        cp.create_load_balancer(name="nlb", subnets=[b.id], ip_address_type="dualstack")


def test_dualstack_nlb_interfaces_get_ipv6_addresses_and_set_ip_address_type(cp, vpc):
    """A dualstack NLB's interfaces have IPv4 and IPv6 addresses; SetIpAddressType changes it at any
    time (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-ip-address-type.html)."""
    a = _dual(cp, vpc, 1, "us-east-1a")
    lb = cp.create_load_balancer(name="nlb", subnets=[a.id], ip_address_type="dualstack")
    (eni_id,) = lb.network_interface_ids
    (addr,) = cp.world.get(eni_id, NetworkInterface).ipv6_addresses
    assert IPv6Address(addr) in a.ipv6_network
    lb = cp.set_ip_address_type(load_balancer_arn=lb.arn, ip_address_type="ipv4")
    assert lb.ip_address_type == "ipv4" and cp.world.get(eni_id, NetworkInterface).ipv6_addresses == ()


def test_nlb_with_a_udp_listener_cannot_be_dualstack(cp, world, vpc):
    """SetIpAddressType: you can't specify dualstack for a load balancer with a UDP or TCP_UDP listener
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetIpAddressType.html)."""
    a = _dual(cp, vpc, 1, "us-east-1a")
    lb = cp.create_load_balancer(name="nlb", subnets=[a.id])
    tg = cp.create_target_group(name="tg", protocol="UDP", port=53, vpc_id=vpc.id)
    cp.create_listener(load_balancer_arn=lb.arn, protocol="UDP", port=53,
                       default_actions=[{"type": "forward", "target_group_arn": tg.arn}])
    with unchanged(world), raises_aws("InvalidConfigurationRequest",
                                      "You can't specify dualstack for a load balancer with a UDP listener"):
        cp.set_ip_address_type(load_balancer_arn=lb.arn, ip_address_type="dualstack")


def test_nlb_ip_address_type_values(cp, world, vpc):
    """Network Load Balancers: IpAddressType ipv4 or dualstack (SetIpAddressType,
    https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetIpAddressType.html)."""
    a = _dual(cp, vpc, 1, "us-east-1a")
    with unchanged(world), raises_aws("ValidationError"):
        cp.create_load_balancer(name="nlb", subnets=[a.id],
                                ip_address_type="dualstack-without-public-ipv4")


def test_endpoint_service_ipv6_needs_dualstack_load_balancers(cp, world, vpc):
    """"IP address types" of endpoint services: to enable IPv6, all the service's Network Load
    Balancers must use the dualstack IP address type
    (https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html)."""
    a = _dual(cp, vpc, 1, "us-east-1a")
    lb = cp.create_load_balancer(name="nlb", subnets=[a.id])
    with unchanged(world), raises_aws("InvalidParameter",
                                      f"The load balancer {lb.arn} must use the dualstack IP address type "
                                      "for the service to support IP address type ipv6."):
        cp.create_vpc_endpoint_service_configuration(network_load_balancer_arns=[lb.arn],
                                                     supported_ip_address_types=["ipv4", "ipv6"])
    svc = cp.create_vpc_endpoint_service_configuration(network_load_balancer_arns=[lb.arn])
    assert svc.supported_ip_address_types == ("ipv4",)
    with unchanged(world), raises_aws("InvalidParameter"):
        cp.modify_vpc_endpoint_service_configuration(service_id=svc.id,
                                                     add_supported_ip_address_types=["ipv6"])
    cp.set_ip_address_type(load_balancer_arn=lb.arn, ip_address_type="dualstack")
    svc = cp.modify_vpc_endpoint_service_configuration(service_id=svc.id,
                                                       add_supported_ip_address_types=["ipv6"])
    assert svc.supported_ip_address_types == ("ipv4", "ipv6")
    with unchanged(world), raises_aws("InvalidConfigurationRequest"):
        cp.set_ip_address_type(load_balancer_arn=lb.arn, ip_address_type="ipv4")
    with unchanged(world), raises_aws("InvalidParameter",
                                      "An endpoint service must support at least one IP address type."):
        cp.modify_vpc_endpoint_service_configuration(service_id=svc.id,
                                                     remove_supported_ip_address_types=["ipv4", "ipv6"])


def test_dualstack_endpoint_to_a_user_service_that_supports_ipv6(cp, vpc):
    """A consumer's dualstack endpoint needs the service to accept IPv4 and IPv6
    (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)."""
    a = _dual(cp, vpc, 1, "us-east-1a")
    lb = cp.create_load_balancer(name="nlb", subnets=[a.id], ip_address_type="dualstack")
    svc = cp.create_vpc_endpoint_service_configuration(network_load_balancer_arns=[lb.arn],
                                                       supported_ip_address_types=["ipv6", "ipv4"])
    assert svc.supported_ip_address_types == ("ipv4", "ipv6")
    vpce = cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=svc.service_name, vpc_endpoint_type="Interface",
                                  subnet_ids=[a.id], ip_address_type="dualstack")
    assert len(_eni_v6(cp, vpce)[0]) == 1
    with raises_aws("InvalidParameter", "The IP address type cannot be removed: the VPC endpoint "
                                        f"{vpce.id} uses IP address type dualstack."):
        cp.modify_vpc_endpoint_service_configuration(service_id=svc.id,
                                                     remove_supported_ip_address_types=["ipv6"])
