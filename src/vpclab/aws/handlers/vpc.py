"""VPCs, their CIDR blocks and attributes; subnets."""

from __future__ import annotations

from typing import Any

from ...core.errors import AwsError
from ...model.subnet import Subnet, SubnetIpv6CidrBlockAssociation
from ...model.vpc import Vpc, VpcCidrBlockAssociation, VpcIpv6CidrBlockAssociation
from .. import shapes
from ..describe import Kind, describe_handler
from ..registry import Call, handler, mutating

# -- VPCs ----------------------------------------------------------------------------------------
VPC_FILTERS = {
    "vpc-id": lambda w, v: v.id,
    "cidr": lambda w, v: v.cidr_block,
    "cidr-block": lambda w, v: v.cidr_block,
    "cidr-block-association.cidr-block": lambda w, v: [a.cidr_block for a in v.cidr_block_associations],
    "cidr-block-association.association-id": lambda w, v: [
        a.association_id for a in v.cidr_block_associations
    ],
    "cidr-block-association.state": lambda w, v: [a.state for a in v.cidr_block_associations],
    "ipv6-cidr-block-association.ipv6-cidr-block": lambda w, v: [
        a.ipv6_cidr_block for a in v.ipv6_cidr_block_associations
    ],
    "ipv6-cidr-block-association.ipv6-pool": lambda w, v: [
        a.ipv6_pool for a in v.ipv6_cidr_block_associations
    ],
    "ipv6-cidr-block-association.association-id": lambda w, v: [
        a.association_id for a in v.ipv6_cidr_block_associations
    ],
    "ipv6-cidr-block-association.state": lambda w, v: [a.state for a in v.ipv6_cidr_block_associations],
    "dhcp-options-id": lambda w, v: v.dhcp_options_id,
    "is-default": lambda w, v: v.is_default,
    "state": lambda w, v: v.state,
}

mutating("CreateVpc", returns=shapes.vpc, tag_type=Vpc.RESOURCE_TYPE)
mutating("DeleteVpc")
describe_handler("DescribeVpcs", Kind(Vpc, key="Vpcs", ids="VpcIds", shape=shapes.vpc, filters=VPC_FILTERS))


def _association_shape(assoc: VpcCidrBlockAssociation | VpcIpv6CidrBlockAssociation) -> dict[str, Any]:
    if isinstance(assoc, VpcIpv6CidrBlockAssociation):
        return {"Ipv6CidrBlockAssociation": shapes.vpc_ipv6_cidr_association(assoc)}
    return {"CidrBlockAssociation": shapes.vpc_cidr_association(assoc)}


def _vpc_of_association(call: Call, association_id: str) -> Vpc | None:
    return next(
        (
            v
            for v in call.world.all(Vpc)
            if v.visible_to(call.world, call.account_id, call.region)
            and (any(a.association_id == association_id for a in v.cidr_block_associations)
                 or any(a.association_id == association_id for a in v.ipv6_cidr_block_associations))
        ),
        None,
    )


def _cidr_association_result(call: Call, assoc: Any) -> dict[str, Any]:
    vpc = _vpc_of_association(call, assoc.association_id)
    vpc_id = vpc.id if vpc is not None else call.params.get("VpcId")
    return {**_association_shape(assoc), "VpcId": vpc_id}


@handler("DisassociateVpcCidrBlock")
def disassociate_vpc_cidr_block(call: Call) -> dict[str, Any]:
    assoc_id = call.params["AssociationId"]
    vpc = _vpc_of_association(call, assoc_id)
    assoc = call.cp.disassociate_vpc_cidr_block(association_id=assoc_id)
    return {**_association_shape(assoc), "VpcId": vpc.id if vpc else None}


mutating("AssociateVpcCidrBlock", result=_cidr_association_result)
mutating("ModifyVpcAttribute")
mutating("ModifyVpcTenancy", result=lambda call, obj: {"ReturnValue": True})

#: DescribeVpcAttribute's Attribute value → (output member, model field)
VPC_ATTRIBUTES = {
    "enableDnsSupport": ("EnableDnsSupport", "enable_dns_support"),
    "enableDnsHostnames": ("EnableDnsHostnames", "enable_dns_hostnames"),
    "enableNetworkAddressUsageMetrics": ("EnableNetworkAddressUsageMetrics",
                                         "enable_network_address_usage_metrics"),
}


@handler("DescribeVpcAttribute")
def describe_vpc_attribute(call: Call) -> dict[str, Any]:
    vpc = call.cp.ctx.require(Vpc, call.params["VpcId"])
    attribute = call.params["Attribute"]
    if attribute not in VPC_ATTRIBUTES:
        raise AwsError("UnsupportedOperation", f"The attribute {attribute} is not supported by vpclab.")
    member, field = VPC_ATTRIBUTES[attribute]
    return {"VpcId": vpc.id, member: {"Value": getattr(vpc, field)}}


# -- subnets -------------------------------------------------------------------------------------
SUBNET_FILTERS = {
    "subnet-id": lambda w, s: s.id,
    "vpc-id": lambda w, s: s.vpc_id,
    "cidr": lambda w, s: s.cidr_block,
    "cidr-block": lambda w, s: s.cidr_block,
    "cidrBlock": lambda w, s: s.cidr_block,
    "availability-zone": lambda w, s: s.availability_zone,
    "availabilityZone": lambda w, s: s.availability_zone,
    "availability-zone-id": lambda w, s: s.availability_zone_id,
    "availabilityZoneId": lambda w, s: s.availability_zone_id,
    "available-ip-address-count": lambda w, s: shapes.available_ip_count(w, s),
    "default-for-az": lambda w, s: s.default_for_az,
    "defaultForAz": lambda w, s: s.default_for_az,
    "map-public-ip-on-launch": lambda w, s: s.map_public_ip_on_launch,
    "state": lambda w, s: s.state,
    "subnet-arn": lambda w, s: f"arn:aws:ec2:{s.region}:{s.owner_id}:subnet/{s.id}",
    "assign-ipv6-address-on-creation": lambda w, s: s.assign_ipv6_address_on_creation,
    "enable-dns64": lambda w, s: s.enable_dns64,
    "ipv6-native": lambda w, s: s.ipv6_native,
    "ipv6-cidr-block-association.ipv6-cidr-block": lambda w, s: [
        a.ipv6_cidr_block for a in s.ipv6_cidr_block_associations
    ],
    "ipv6-cidr-block-association.association-id": lambda w, s: [
        a.association_id for a in s.ipv6_cidr_block_associations
    ],
    "ipv6-cidr-block-association.state": lambda w, s: [a.state for a in s.ipv6_cidr_block_associations],
    "private-dns-name-options-on-launch.hostname-type": lambda w, s: s.hostname_type,
    "private-dns-name-options-on-launch.enable-resource-name-dns-a-record": lambda w, s: (
        s.enable_resource_name_dns_a_record_on_launch
    ),
    "private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record": lambda w, s: (
        s.enable_resource_name_dns_aaaa_record_on_launch
    ),
}

mutating("CreateSubnet", returns=shapes.subnet, tag_type=Subnet.RESOURCE_TYPE)
mutating("CreateDefaultSubnet", returns=shapes.subnet)
mutating("DeleteSubnet")
mutating("ModifySubnetAttribute")


def _subnet_association_result(call: Call, assoc: SubnetIpv6CidrBlockAssociation) -> dict[str, Any]:
    subnet = next((s for s in call.world.all(Subnet)
                   if any(a.association_id == assoc.association_id for a in s.ipv6_cidr_block_associations)),
                  None)
    return {"Ipv6CidrBlockAssociation": shapes.subnet_ipv6_cidr_association(assoc),
            "SubnetId": subnet.id if subnet is not None else call.params.get("SubnetId")}


mutating("AssociateSubnetCidrBlock", result=_subnet_association_result)


@handler("DisassociateSubnetCidrBlock")
def disassociate_subnet_cidr_block(call: Call) -> dict[str, Any]:
    assoc_id = call.params["AssociationId"]
    subnet = next((s for s in call.world.all(Subnet)
                   if s.visible_to(call.world, call.account_id, call.region)
                   and any(a.association_id == assoc_id for a in s.ipv6_cidr_block_associations)), None)
    assoc = call.cp.disassociate_subnet_cidr_block(association_id=assoc_id)
    return {"Ipv6CidrBlockAssociation": shapes.subnet_ipv6_cidr_association(assoc),
            "SubnetId": subnet.id if subnet is not None else None}
describe_handler(
    "DescribeSubnets",
    Kind(Subnet, key="Subnets", ids="SubnetIds", shape=shapes.subnet, filters=SUBNET_FILTERS),
)
