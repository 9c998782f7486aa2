"""IPv6-only subnets (CreateSubnet ``Ipv6Native``): an IPv6 /64 and no IPv4 block; what can live there.

AWS docs: EC2 API reference, CreateSubnet (Ipv6Native) and Subnet (CidrBlock: "The IPv4 CIDR block
assigned to the subnet"), PrivateDnsNameOptionsRequest ("For IPv6 only subnets, an instance DNS name
must be based on the instance ID"); Amazon VPC User Guide, "Subnets for your VPC" (IPv6-only
subnets: instances get IPv6 addresses only, and must be built on the Nitro System); AWS PrivateLink,
"IP address types" (an ipv6 endpoint needs IPv6-only subnets). The codes and wordings of the
refusals below are undocumented unless a test says otherwise; vpclab answers
InvalidParameterCombination / InvalidParameterValue, 4xx, and changes nothing.
"""

from __future__ import annotations

from ipaddress import IPv6Address

import pytest

from tests.conftest import raises_aws, unchanged
from tests.rules.ipv6_setup import dual_stack_vpc, slash64
from vpclab.model.images import image_named
from vpclab.model.interfaces import NetworkInterface

KMS = "com.amazonaws.us-east-1.kms"
AMI = image_named("us-east-1", "al2023").image_id


@pytest.fixture
def vpc(cp):
    return dual_stack_vpc(cp)


@pytest.fixture
def native(cp, vpc):
    return cp.create_subnet(vpc_id=vpc.id, ipv6_cidr_block=slash64(vpc, 1), ipv6_native=True,
                            availability_zone="us-east-1a")


def test_ipv6_native_subnet_has_no_ipv4_block(cp, vpc, native):
    """CreateSubnet Ipv6Native: "Indicates whether to create an IPv6 only subnet"; the subnet has the
    /64 and no IPv4 CIDR block, and hostnames based on the instance ID
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html,
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_PrivateDnsNameOptionsRequest.html)."""
    assert native.ipv6_native and native.cidr_block is None and native.network is None
    assert native.ipv6_cidr_block == slash64(vpc, 1)
    assert native.hostname_type == "resource-name"
    assert native.usable() == 0 and native.reserved() == frozenset()
    # it holds no IPv4 block: any IPv4 subnet fits beside it
    cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.0.0/16")


def test_ipv6_native_block_follows_the_subnet_block_rules(cp, world, vpc, native):
    """CreateSubnet: the /64 of an IPv6-only subnet overlaps no other subnet's
    (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html)."""
    with unchanged(world), raises_aws("InvalidSubnet.Conflict"):
        cp.create_subnet(vpc_id=vpc.id, ipv6_cidr_block=slash64(vpc, 1), ipv6_native=True)


def test_interfaces_get_ipv6_addresses_only(cp, world, vpc, native):
    """IPv6-only subnets: network interfaces get IPv6 addresses only — no private IPv4 address
    (https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html)."""
    eni = cp.create_network_interface(subnet_id=native.id, ipv6_address_count=1)
    assert eni.private_ip_address == "" and eni.private_ip_addresses == () and not eni.has_ipv4
    assert IPv6Address(eni.ipv6_addresses[0]) in native.ipv6_network
    with unchanged(world), raises_aws("InvalidParameterCombination"):
        cp.create_network_interface(subnet_id=native.id, private_ip_address="10.0.1.10", ipv6_address_count=1)
    with unchanged(world), raises_aws("InvalidParameterCombination"):
        cp.create_network_interface(subnet_id=native.id, ipv6_address_count=1,
                                    secondary_private_ip_address_count=1)
    with unchanged(world), raises_aws("InvalidParameterCombination"):
        cp.assign_private_ip_addresses(network_interface_id=eni.id, secondary_private_ip_address_count=1)


def test_an_interface_needs_an_ipv6_address(cp, world, vpc, native):
    """IPv6-only subnets: an interface there must have an IPv6 address — asked for, or from the
    subnet's AssignIpv6AddressOnCreation
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifySubnetAttribute.html)."""
    with unchanged(world), raises_aws("InvalidParameterCombination"):
        cp.create_network_interface(subnet_id=native.id)
    cp.modify_subnet_attribute(subnet_id=native.id, assign_ipv6_address_on_creation=True)
    eni = cp.create_network_interface(subnet_id=native.id)
    assert len(eni.ipv6_addresses) == 1 and not eni.has_ipv4


def test_run_instances_in_an_ipv6_only_subnet(cp, world, vpc, native):
    """RunInstances into an IPv6-only subnet: the instance gets an IPv6 address (Ipv6AddressCount or
    the subnet's AssignIpv6AddressOnCreation) and no private IPv4 address
    (https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html,
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html)."""
    with unchanged(world), raises_aws("InvalidParameterCombination"):
        cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=native.id)
    (inst,) = cp.run_instances(image_id=AMI, instance_type="t3.micro",
                               subnet_id=native.id, ipv6_address_count=1, max_count=3, min_count=1)[:1]
    assert inst.private_ip_address == "" and inst.ipv6_address is not None
    assert IPv6Address(inst.ipv6_address) in native.ipv6_network
    with unchanged(world), raises_aws("InvalidParameterCombination"):
        cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=native.id,
                         ipv6_address_count=1, private_ip_address="10.0.1.10")


def test_instances_there_must_be_nitro_based(cp, world, native):
    """IPv6-only subnets: instances launched there must be built on the Nitro System
    (https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html); t2 is Xen-based."""
    with unchanged(world), raises_aws("InvalidParameterCombination"):
        cp.run_instances(image_id=AMI, instance_type="t2.micro", subnet_id=native.id,
                         ipv6_address_count=1)


def test_no_nat_gateway_in_an_ipv6_only_subnet(cp, world, native):
    """A NAT gateway's private IPv4 address comes from its subnet ("NAT gateways",
    https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html): an IPv6-only subnet has
    none, so no NAT gateway there."""
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.create_nat_gateway(subnet_id=native.id, connectivity_type="private")


def test_hostnames_must_be_resource_names(cp, world, native):
    """PrivateDnsNameOptionsRequest: "For IPv6 only subnets, an instance DNS name must be based on the
    instance ID" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_PrivateDnsNameOptionsRequest.html);
    no public IPv4 on launch either."""
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.modify_subnet_attribute(subnet_id=native.id, private_dns_hostname_type_on_launch="ip-name")
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.modify_subnet_attribute(subnet_id=native.id, map_public_ip_on_launch=True)
    cp.modify_subnet_attribute(subnet_id=native.id, enable_resource_name_dns_aaaa_record_on_launch=True)


def test_the_only_block_cannot_be_disassociated(cp, world, native):
    """DisassociateSubnetCidrBlock: an IPv6-only subnet's /64 is its only block
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DisassociateSubnetCidrBlock.html)."""
    (assoc,) = native.ipv6_cidr_block_associations
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.disassociate_subnet_cidr_block(association_id=assoc.association_id)


def test_ipv6_interface_endpoint_in_ipv6_only_subnets(cp, world, vpc, native):
    """"IP address types": IPv6 — assign IPv6 addresses to the endpoint network interfaces; supported
    only if all selected subnets are IPv6-only subnets
    (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)."""
    vpce = cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=KMS, vpc_endpoint_type="Interface",
                                  subnet_ids=[native.id], ip_address_type="ipv6")
    (eni_id,) = vpce.network_interface_ids
    eni = cp.world.get(eni_id, NetworkInterface)
    assert not eni.has_ipv4 and IPv6Address(eni.ipv6_addresses[0]) in native.ipv6_network
    with unchanged(world), raises_aws("InvalidParameter"):
        cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=KMS, vpc_endpoint_type="Interface",
                               subnet_ids=[native.id], ip_address_type="dualstack")


def test_an_ipv6_only_subnet_survives_serialization(cp, native):
    """State files: the subnet without an IPv4 block round-trips (CreateSubnet Ipv6Native,
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html), and a subnet
    written before IPv6-only subnets existed (a string cidr_block, no ipv6_native) still loads."""
    from vpclab.model.serialize import from_dict, to_dict

    eni = cp.create_network_interface(subnet_id=native.id, ipv6_address_count=1)
    assert from_dict(to_dict(native)) == native and from_dict(to_dict(eni)) == eni
    old = {k: v for k, v in to_dict(cp.create_subnet(vpc_id=native.vpc_id, cidr_block="10.0.9.0/24")).items()
           if k not in ("ipv6_native", "hostname_type")}
    assert from_dict(old).cidr_block == "10.0.9.0/24" and not from_dict(old).ipv6_native
