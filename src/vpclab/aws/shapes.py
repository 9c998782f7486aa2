"""Model objects → boto3's response shapes, one function per kind: ``vpc(world, vpc) -> {"VpcId": …}``.

Field names are exactly AWS's (what ``boto3 ec2.describe_vpcs()["Vpcs"][0]`` holds), so exporting a
World is running these, and the protocol layer serializes them through botocore's output shapes.
Optional fields AWS leaves out when empty are left out here too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..model.base import Resource
from ..model.gateways import Address, InternetGateway, NatGateway
from ..model.route_table import ROUTE_TARGETS, Route, RouteTable, RouteTableAssociation, effective_routes
from ..model.subnet import Subnet, SubnetIpv6CidrBlockAssociation
from ..model.vpc import Vpc, VpcCidrBlockAssociation, VpcIpv6CidrBlockAssociation
from ..model.world import World

Shape = dict[str, Any]

def resource_type(res: Resource) -> str:
    """AWS's ``ResourceType`` (DescribeTags, TagSpecifications): the class's ``RESOURCE_TYPE``."""
    return res.RESOURCE_TYPE


# -- helpers every family's shapes use ---------------------------------------------------------
def tags(res: Resource) -> list[dict[str, str]]:
    """``[{"Key": k, "Value": v}, …]``."""
    return [{"Key": k, "Value": v} for k, v in res.tags.items()]


def with_tags(out: Shape, res: Resource, key: str = "Tags") -> Shape:
    """``out`` with the resource's tags under ``key``: left out when it has none, as AWS does for
    most resources (an untagged VPC has no ``Tags``), or an empty list for the kinds AWS answers
    ``<tagSet/>`` for and clients index ``["Tags"]`` on (``EMPTY_TAG_SETS``)."""
    if res.tags or res.KIND in EMPTY_TAG_SETS:
        out[key] = tags(res)
    return out


#: the kinds whose describe answers carry an empty tag set when untagged. Evidence: AWS's own
#: CLI example for DescribeNetworkAcls shows ``"Tags": []``
#: (https://docs.aws.amazon.com/ec2/latest/devguide/example_ec2_DescribeNetworkAcls_section.html);
#: for the others, the amazon.aws/community.aws Ansible modules, tested against AWS, index
#: ``["Tags"]`` unguarded (ec2_transit_gateway, ec2_vpc_vgw, ec2_vpc_route_table_info,
#: ec2_vpc_igw_info, ec2_vpc_dhcp_option, ec2_customer_gateway). AWS documents no rule; other
#: kinds keep leaving an empty set out (a conservative choice: the API reference marks tag sets
#: "Required: No").
EMPTY_TAG_SETS = frozenset({"network_acl", "route_table", "internet_gateway", "transit_gateway",
                            "vpn_gateway", "customer_gateway", "dhcp_options"})


def drop_none(d: Mapping[str, Any]) -> Shape:
    """``d`` without its None values (AWS leaves absent members out)."""
    return {k: v for k, v in d.items() if v is not None}


# -- VPCs and subnets ----------------------------------------------------------------------------
def vpc_cidr_association(assoc: VpcCidrBlockAssociation) -> Shape:
    return {
        "AssociationId": assoc.association_id,
        "CidrBlock": assoc.cidr_block,
        "CidrBlockState": {"State": assoc.state},
    }


def vpc_ipv6_cidr_association(assoc: VpcIpv6CidrBlockAssociation) -> Shape:
    return {
        "AssociationId": assoc.association_id,
        "Ipv6CidrBlock": assoc.ipv6_cidr_block,
        "Ipv6CidrBlockState": {"State": assoc.state},
        "NetworkBorderGroup": assoc.network_border_group,
        "Ipv6Pool": assoc.ipv6_pool,
    }


def vpc(world: World, v: Vpc) -> Shape:
    return with_tags(
        {
            "CidrBlock": v.cidr_block,
            # the set the VPC uses; AWS reports "default" for a VPC without one
            "DhcpOptionsId": v.dhcp_options_id,
            "State": v.state,
            "VpcId": v.id,
            "OwnerId": v.owner_id,
            "InstanceTenancy": v.instance_tenancy,
            "CidrBlockAssociationSet": [vpc_cidr_association(a) for a in v.cidr_block_associations],
            **({"Ipv6CidrBlockAssociationSet": [vpc_ipv6_cidr_association(a)
                                                for a in v.ipv6_cidr_block_associations]}
               if v.ipv6_cidr_block_associations else {}),
            "IsDefault": v.is_default,
        },
        v,
    )


_USED_IPS: dict[tuple[int, int, str], dict[str, int]] = {}


def _used_ips(world: World, vpc_id: str) -> dict[str, int]:
    """Private addresses in use per subnet of a VPC, computed once per World version (a Describe
    over many subnets would otherwise scan the VPC once per subnet)."""
    from ..model.interfaces import NetworkInterface

    key = (id(world), world.version, vpc_id)
    found = _USED_IPS.get(key)
    if found is None:
        if len(_USED_IPS) > 256:
            _USED_IPS.clear()
        found = {}
        for eni in world.in_vpc(vpc_id, NetworkInterface):
            found[eni.subnet_id] = found.get(eni.subnet_id, 0) + len(eni.private_ip_addresses)
        _USED_IPS[key] = found
    return found


def available_ip_count(world: World, s: Subnet) -> int:
    return s.usable() - _used_ips(world, s.vpc_id).get(s.id, 0)


def subnet_ipv6_cidr_association(assoc: SubnetIpv6CidrBlockAssociation) -> Shape:
    return {
        "AssociationId": assoc.association_id,
        "Ipv6CidrBlock": assoc.ipv6_cidr_block,
        "Ipv6CidrBlockState": {"State": assoc.state},
    }


def subnet(world: World, s: Subnet) -> Shape:
    # an IPv6-only subnet has no CidrBlock (AWS: "The IPv4 CIDR block assigned to the subnet"), and
    # no unused private IPv4 addresses: AvailableIpAddressCount 0 (whether AWS leaves the member out
    # instead is undocumented; 0 keeps readers that index it working)
    return with_tags(
        {
            "AvailabilityZone": s.availability_zone,
            "AvailabilityZoneId": s.availability_zone_id,
            "AvailableIpAddressCount": available_ip_count(world, s),
            **({"CidrBlock": s.cidr_block} if s.cidr_block is not None else {}),
            "DefaultForAz": s.default_for_az,
            "MapPublicIpOnLaunch": s.map_public_ip_on_launch,
            "State": s.state,
            "SubnetId": s.id,
            "VpcId": s.vpc_id,
            "OwnerId": s.owner_id,
            "AssignIpv6AddressOnCreation": s.assign_ipv6_address_on_creation,
            "Ipv6CidrBlockAssociationSet": [subnet_ipv6_cidr_association(a)
                                            for a in s.ipv6_cidr_block_associations],
            "SubnetArn": f"arn:aws:ec2:{s.region}:{s.owner_id}:subnet/{s.id}",
            "EnableDns64": s.enable_dns64,
            "Ipv6Native": s.ipv6_native,
            "PrivateDnsNameOptionsOnLaunch": {
                "HostnameType": s.hostname_type,
                "EnableResourceNameDnsARecord": s.enable_resource_name_dns_a_record_on_launch,
                "EnableResourceNameDnsAAAARecord": s.enable_resource_name_dns_aaaa_record_on_launch,
            },
        },
        s,
    )


# -- route tables --------------------------------------------------------------------------------
_ROUTE_TARGETS: tuple[tuple[str, str], ...] = tuple((t.field, t.wire) for t in ROUTE_TARGETS)


def route(world: World, r: Route, state: str) -> Shape:
    out: Shape = {}
    if r.destination_cidr_block:
        out["DestinationCidrBlock"] = r.destination_cidr_block
    if r.destination_ipv6_cidr_block:
        out["DestinationIpv6CidrBlock"] = r.destination_ipv6_cidr_block
    if r.destination_prefix_list_id:
        out["DestinationPrefixListId"] = r.destination_prefix_list_id
    for attr, name in _ROUTE_TARGETS:
        value = getattr(r, attr)
        if value:
            out[name] = value
    if r.instance_id:
        from ..model.interfaces import Instance

        inst = world.get(r.instance_id, Instance)
        if inst is not None:
            out["InstanceOwnerId"] = inst.owner_id
    out["Origin"] = r.origin
    out["State"] = state
    return out


def route_table_association(a: RouteTableAssociation) -> Shape:
    return drop_none(
        {
            "Main": a.main,
            "RouteTableAssociationId": a.route_table_association_id,
            "RouteTableId": a.route_table_id,
            "SubnetId": a.subnet_id,
            "GatewayId": a.gateway_id,
            "AssociationState": {"State": a.state},
        }
    )


def route_table(world: World, rt: RouteTable) -> Shape:
    return with_tags(
        {
            "Associations": [route_table_association(a) for a in rt.associations],
            "PropagatingVgws": [{"GatewayId": g} for g in rt.propagating_vgws],
            "RouteTableId": rt.id,
            "Routes": [route(world, r, state) for r, state in effective_routes(world, rt)],
            "VpcId": rt.vpc_id,
            "OwnerId": rt.owner_id,
        },
        rt,
    )


# -- gateways and addresses ----------------------------------------------------------------------
def internet_gateway(world: World, igw: InternetGateway) -> Shape:
    return with_tags(
        {
            "Attachments": [{"State": "available", "VpcId": igw.vpc_id}] if igw.vpc_id else [],
            "InternetGatewayId": igw.id,
            "OwnerId": igw.owner_id,
        },
        igw,
    )


def nat_gateway(world: World, nat: NatGateway) -> Shape:
    address = drop_none(
        {
            "AllocationId": nat.allocation_id,
            "NetworkInterfaceId": nat.network_interface_id or None,
            "PrivateIp": nat.private_ip or None,
            "PublicIp": nat.public_ip,
            "AssociationId": nat.association_id,
            "IsPrimary": True,
            "Status": "succeeded"
            if nat.state == "available"
            else ("failed" if nat.state == "failed" else None),
        }
    )
    return with_tags(
        drop_none(
            {
                "FailureCode": nat.failure_code,
                "FailureMessage": nat.failure_message,
                "NatGatewayAddresses": [address] if nat.network_interface_id or nat.allocation_id else [],
                "NatGatewayId": nat.id,
                "State": nat.state,
                "SubnetId": nat.subnet_id,
                "VpcId": nat.vpc_id,
                "ConnectivityType": nat.connectivity_type,
                "CreateTime": nat.create_time,
            }
        ),
        nat,
    )


def address(world: World, a: Address) -> Shape:
    return with_tags(
        drop_none(
            {
                "AllocationId": a.id,
                "AssociationId": a.association_id,
                "Domain": a.domain,
                "InstanceId": a.instance_id,
                "NetworkInterfaceId": a.network_interface_id,
                "NetworkInterfaceOwnerId": a.network_interface_owner_id,
                "PrivateIpAddress": a.private_ip_address,
                "PublicIp": a.public_ip,
                "PublicIpv4Pool": "amazon",
                "NetworkBorderGroup": a.region,
            }
        ),
        a,
    )


def tag_descriptions(res: Resource) -> list[Shape]:
    """DescribeTags' rows for one resource."""
    rtype = resource_type(res)
    return [{"Key": k, "ResourceId": res.id, "ResourceType": rtype, "Value": v} for k, v in res.tags.items()]


#: model class → its shape function; other families add theirs with ``register``.
SHAPES: dict[type[Resource], Callable[[World, Any], Shape]] = {
    Vpc: vpc,
    Subnet: subnet,
    RouteTable: route_table,
    InternetGateway: internet_gateway,
    NatGateway: nat_gateway,
    Address: address,
}


def register(kind: type[Resource], fn: Callable[[World, Any], Shape]) -> None:
    SHAPES[kind] = fn
