"""Subnets: CreateSubnet (an IPv4 block inside the VPC's, an IPv6 /64 inside its /56, or IPv6 only),
their IPv6 blocks and attributes.

AWS docs: "Subnet CIDR blocks" in the Amazon VPC User Guide.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from ipaddress import IPv4Network, IPv6Network
from typing import Any

from ..core.errors import AwsError, invalid_parameter_value
from ..model.base import Tags
from ..model.network_acl import NetworkAcl, NetworkAclAssociation
from ..model.regions import AvailabilityZone, zone, zones
from ..model.route_table import RouteTable
from ..model.subnet import Subnet, SubnetIpv6CidrBlockAssociation
from ..model.vpc import Vpc
from . import ipv6, subnet_cidr_reservation
from .cidr import parse_cidr, parse_ipv6_cidr
from .context import Ctx
from .registry import action
from .vpc import SUBNET_PREFIX_RANGE, default_network_acl


# -- Subnets ---------------------------------------------------------------------------------
@action
def create_subnet(ctx: Ctx, *, vpc_id: str, cidr_block: str | None = None, ipv6_cidr_block: str | None = None,
                  ipv6_native: bool = False, availability_zone: str | None = None,
                  availability_zone_id: str | None = None, tags: Mapping[str, str] | None = None) -> Subnet:
    """CreateSubnet: inside one of the VPC's CIDR blocks, /16–/28, no overlap, one AZ of the Region;
    optionally an IPv6 /64 inside one of the VPC's /56 blocks, overlapping no other subnet's; with
    ``ipv6_native``, an IPv6-only subnet: the /64 and no IPv4 block."""
    if ipv6_native:
        _check_ipv6_native(cidr_block, ipv6_cidr_block)
    elif cidr_block is None:
        raise AwsError("MissingParameter", "The request must contain the parameter CidrBlock")
    vpc = ctx.require(Vpc, vpc_id)
    ctx.require_owner(vpc)
    net = parse_cidr(cidr_block) if cidr_block is not None else None
    az = _choose_zone(ctx, availability_zone, availability_zone_id)
    if net is not None:
        if net.prefixlen not in SUBNET_PREFIX_RANGE or not vpc.contains(net):
            raise AwsError("InvalidSubnet.Range", f"The CIDR '{net}' is invalid.")
        # the World's per-VPC index of subnet CIDRs (model/indexes.py), not a scan of every subnet
        if ctx.world.overlaps_in_vpc(vpc_id, Subnet, net):
            raise AwsError("InvalidSubnet.Conflict", f"The CIDR '{net}' conflicts with another subnet")
    net6 = _check_subnet_ipv6_block(ctx, vpc, ipv6_cidr_block) if ipv6_cidr_block is not None else None
    ctx.check_quota("subnets_per_vpc", ctx.world.count_in_vpc(vpc_id, Subnet))
    subnet = ctx.world.put(Subnet(
        id=ctx.new_id("subnet"), owner_id=vpc.owner_id, region=ctx.region, tags=Tags(tags),
        vpc_id=vpc_id, cidr_block=str(net) if net is not None else None, availability_zone=az.zone_name,
        availability_zone_id=az.zone_id, default_for_az=False,
        ipv6_cidr_block_associations=() if net6 is None else (SubnetIpv6CidrBlockAssociation(
            association_id=ctx.new_id("subnet_cidr_block_association"), ipv6_cidr_block=str(net6)),),
        # an IPv6-only subnet: no IPv4 block, and instance hostnames based on the instance ID (AWS,
        # PrivateDnsNameOptionsRequest: "For IPv6 only subnets, an instance DNS name must be based
        # on the instance ID")
        ipv6_native=ipv6_native, hostname_type="resource-name" if ipv6_native else "ip-name",
    ))
    # AWS associates every new subnet with the VPC's default network ACL
    acl = default_network_acl(ctx, vpc_id)
    association = NetworkAclAssociation(network_acl_association_id=ctx.new_id("network_acl_association"),
                                        network_acl_id=acl.id, subnet_id=subnet.id)
    ctx.world.put(replace(acl, associations=(*acl.associations, association)))
    return subnet


def _check_ipv6_native(cidr_block: str | None, ipv6_cidr_block: str | None) -> None:
    """CreateSubnet ``Ipv6Native``: an IPv6 block and no IPv4 one (AWS's codes and wording, as
    AWS answers them)."""
    if ipv6_cidr_block is None:
        raise AwsError("MissingParameter", "Either 'ipv6CidrBlock' or 'ipv6IpamPoolId' should be provided.")
    if cidr_block is not None:
        raise AwsError("InvalidParameterCombination",
                       "When specifying ipv4 parameters, cidrBlock or ipv4IpamPoolId, you cannot set "
                       "ipv6Native to true.")


def _check_subnet_ipv6_block(ctx: Ctx, vpc: Vpc, ipv6_cidr_block: str, subnet_id: str | None = None
                             ) -> IPv6Network:
    """A subnet's IPv6 block: a /64 (AWS: "Subnet CIDR blocks": "the subnet's IPv6 CIDR block is a
    fixed /64"), inside one of the VPC's /56 blocks, overlapping no other subnet's block."""
    net6 = parse_ipv6_cidr(ipv6_cidr_block, strict=False)
    if net6.prefixlen != ipv6.SUBNET_IPV6_PREFIX:
        # AWS's wording, as AWS answers it for a /60
        raise invalid_parameter_value(f"invalid value for parameter ipv6-cidr-block: {ipv6_cidr_block}")
    if net6.network_address != ipv6.parse_ipv6_address(ipv6_cidr_block.split("/")[0]):
        # host bits set: AWS's code, its wording for a block it cannot use
        raise AwsError("InvalidSubnet.Range", f"The IPv6 CIDR '{ipv6_cidr_block}' is invalid.")
    if not vpc.contains(net6):
        raise AwsError("InvalidSubnet.Range", f"The IPv6 CIDR '{net6}' is invalid.")
    for other in ctx.world.in_vpc(vpc.id, Subnet):
        if other.id != subnet_id and other.ipv6_network is not None and other.ipv6_network.overlaps(net6):
            raise AwsError("InvalidSubnet.Conflict", f"The CIDR '{net6}' conflicts with another subnet")
    return net6


def _choose_zone(ctx: Ctx, name: str | None, zone_id: str | None) -> AvailabilityZone:
    names = ", ".join(z.zone_name for z in zones(ctx.region))
    if name is None and zone_id is None:
        return zones(ctx.region)[0]
    wanted = name or zone_id or ""
    found = zone(wanted)
    if found is None or found.region_name != ctx.region:
        param = "availabilityZone" if name else "availabilityZoneId"
        raise invalid_parameter_value(
                       f"Value ({wanted}) for parameter {param} is invalid. "
                       f"Subnets can currently only be created in the following availability zones: {names}.")
    return found


@action
def delete_subnet(ctx: Ctx, *, subnet_id: str) -> None:
    """DeleteSubnet: not while network interfaces (instances, NAT gateways, endpoints, …) are in it."""
    from ..model.interfaces import NetworkInterface

    subnet = ctx.require(Subnet, subnet_id)
    ctx.require_owner(subnet)
    if any(eni.subnet_id == subnet_id for eni in ctx.world.in_vpc(subnet.vpc_id, NetworkInterface)):
        raise AwsError("DependencyViolation",
                       f"The subnet '{subnet_id}' has dependencies and cannot be deleted.")
    for rt in list(ctx.world.in_vpc(subnet.vpc_id, RouteTable)):
        if any(a.subnet_id == subnet_id for a in rt.associations):
            ctx.world.put(replace(rt,
                                  associations=tuple(a for a in rt.associations if a.subnet_id != subnet_id)))
    for acl in list(ctx.world.in_vpc(subnet.vpc_id, NetworkAcl)):
        if any(a.subnet_id == subnet_id for a in acl.associations):
            ctx.world.put(replace(acl, associations=tuple(a for a in acl.associations
                                                          if a.subnet_id != subnet_id)))
    subnet_cidr_reservation.delete_with_subnet(ctx, subnet)
    ctx.world.remove(subnet_id)


#: ModifySubnetAttribute's attributes (one per call) → the Subnet field each sets
SUBNET_ATTRIBUTES = {
    "map_public_ip_on_launch": "map_public_ip_on_launch",
    "assign_ipv6_address_on_creation": "assign_ipv6_address_on_creation",
    "enable_dns64": "enable_dns64",
    "enable_resource_name_dns_a_record_on_launch": "enable_resource_name_dns_a_record_on_launch",
    "enable_resource_name_dns_aaaa_record_on_launch": "enable_resource_name_dns_aaaa_record_on_launch",
    "private_dns_hostname_type_on_launch": "hostname_type",
}
HOSTNAME_TYPES = ("ip-name", "resource-name")


@action
def modify_subnet_attribute(ctx: Ctx, *, subnet_id: str, map_public_ip_on_launch: bool | None = None,
                            assign_ipv6_address_on_creation: bool | None = None,
                            enable_dns64: bool | None = None,
                            enable_resource_name_dns_a_record_on_launch: bool | None = None,
                            enable_resource_name_dns_aaaa_record_on_launch: bool | None = None,
                            private_dns_hostname_type_on_launch: str | None = None) -> None:
    """ModifySubnetAttribute: one attribute per call (AWS: "You can only modify one attribute at a
    time"): public IPv4 or IPv6 addresses on launch, DNS64, and the hostname options on launch."""
    subnet = ctx.require(Subnet, subnet_id)
    ctx.require_owner(subnet)
    values = dict(zip(SUBNET_ATTRIBUTES, (
        map_public_ip_on_launch, assign_ipv6_address_on_creation, enable_dns64,
        enable_resource_name_dns_a_record_on_launch, enable_resource_name_dns_aaaa_record_on_launch,
        private_dns_hostname_type_on_launch), strict=True))
    given: dict[str, Any] = {SUBNET_ATTRIBUTES[k]: v for k, v in values.items() if v is not None}
    if len(given) != 1:
        raise AwsError("InvalidParameterCombination", "Only one attribute may be modified per request.")
    hostname = given.get("hostname_type")
    if hostname is not None and hostname not in HOSTNAME_TYPES:
        raise invalid_parameter_value(
            f"Value ({hostname}) for parameter privateDnsHostnameTypeOnLaunch is invalid.")
    if subnet.ipv6_native:
        _check_ipv6_only_attribute(subnet, given)
    ctx.world.put(replace(subnet, **given))


def _check_ipv6_only_attribute(subnet: Subnet, given: Mapping[str, Any]) -> None:
    """What an IPv6-only subnet cannot be given: hostnames based on an IPv4 address (AWS,
    PrivateDnsNameOptionsRequest: "For IPv6 only subnets, an instance DNS name must be based on the
    instance ID"), public IPv4 addresses on launch, A records (it has no IPv4 addresses). AWS's
    codes and wording for these are undocumented: vpclab answers InvalidParameterValue."""
    if given.get("hostname_type") == "ip-name":
        raise invalid_parameter_value(
            f"Value (ip-name) for parameter privateDnsHostnameTypeOnLaunch is invalid. The subnet "
            f"{subnet.id} is an IPv6-only subnet: instance hostnames must be based on the instance ID "
            "(resource-name).")
    if given.get("map_public_ip_on_launch"):
        raise invalid_parameter_value(
            f"The subnet {subnet.id} is an IPv6-only subnet: it cannot assign public IPv4 addresses "
            "on launch.")
    if given.get("enable_resource_name_dns_a_record_on_launch"):
        raise invalid_parameter_value(
            f"The subnet {subnet.id} is an IPv6-only subnet: it cannot answer DNS A records for instance "
            "hostnames.")


@action
def associate_subnet_cidr_block(ctx: Ctx, *, subnet_id: str, ipv6_cidr_block: str
                                ) -> SubnetIpv6CidrBlockAssociation:
    """AssociateSubnetCidrBlock: an IPv6 /64 of the VPC's /56 blocks; one IPv6 block per subnet
    (AWS: "Add or remove an IPv6 CIDR block from your subnet")."""
    subnet = ctx.require(Subnet, subnet_id)
    ctx.require_owner(subnet)
    vpc = ctx.require(Vpc, subnet.vpc_id)
    if subnet.ipv6_cidr_block is not None:
        # AWS allows one IPv6 CIDR block per subnet; its code and wording for a second are undocumented
        raise AwsError("InvalidParameterValue",
                       f"The subnet '{subnet_id}' already has an associated IPv6 CIDR block "
                       f"{subnet.ipv6_cidr_block}.")
    net6 = _check_subnet_ipv6_block(ctx, vpc, ipv6_cidr_block, subnet_id)
    assoc = SubnetIpv6CidrBlockAssociation(association_id=ctx.new_id("subnet_cidr_block_association"),
                                           ipv6_cidr_block=str(net6))
    kept = tuple(a for a in subnet.ipv6_cidr_block_associations if a.state == "associated")
    ctx.world.put(replace(subnet, ipv6_cidr_block_associations=(*kept, assoc)))
    return assoc


@action
def disassociate_subnet_cidr_block(ctx: Ctx, *, association_id: str) -> SubnetIpv6CidrBlockAssociation:
    """DisassociateSubnetCidrBlock: not while network interfaces in the subnet hold IPv6 addresses
    from the block (AWS: "you must first unassign any IPv6 addresses assigned to instances")."""
    from ..model.interfaces import NetworkInterface

    found = next(((s, a) for s in ctx.world.all(Subnet) for a in s.ipv6_cidr_block_associations
                  if a.association_id == association_id
                  and s.visible_to(ctx.world, ctx.account_id, ctx.region)), None)
    if found is None:
        raise AwsError("InvalidSubnetCidrBlockAssociationID.NotFound",
                       f"The subnet CIDR block with association ID '{association_id}' does not exist")
    subnet, assoc = found
    ctx.require_owner(subnet)
    if subnet.ipv6_native:
        # an IPv6-only subnet's /64 is all it has (AWS's wording undocumented)
        raise AwsError("InvalidParameterValue",
                       f"The IPv6 CIDR block of the IPv6-only subnet {subnet.id} cannot be disassociated.")
    if any(eni.subnet_id == subnet.id and eni.ipv6_addresses
           for eni in ctx.world.in_vpc(subnet.vpc_id, NetworkInterface)):
        # the code and wording are undocumented; vpclab answers as for a VPC block still in use
        raise AwsError("InvalidCidrBlock.InUse",
                       f"The subnet {subnet.id} currently has network interfaces with IPv6 addresses "
                       f"within CIDR block {assoc.ipv6_cidr_block}")
    ctx.world.put(replace(subnet, ipv6_cidr_block_associations=tuple(
        a for a in subnet.ipv6_cidr_block_associations if a.association_id != association_id)))
    return replace(assoc, state="disassociated")


@action
def create_default_subnet(ctx: Ctx, *, availability_zone: str | None = None,
                          availability_zone_id: str | None = None, ipv6_native: bool = False) -> Subnet:
    """CreateDefaultSubnet: a default /20 subnet in the default VPC in one Availability Zone ("You
    can create only one default subnet per Availability Zone", API reference), public IPs on launch,
    as CreateDefaultVpc's. No default VPC: DefaultVpcDoesNotExist; a default subnet already there:
    DefaultSubnetAlreadyExistsInAvailabilityZone (the wording clients report from AWS, the zone named by
    its id: zone names differ per account, aws/zones.py). The block is
    the lowest free /20 of the default VPC's range (AWS does not document its choice); when none is
    free, InvalidSubnet.Conflict (vpclab's choice). IPv6-only default subnets are not modelled."""
    if ipv6_native:
        raise AwsError("UnsupportedOperation", "vpclab does not model IPv6-only default subnets (Ipv6Native)")
    if availability_zone is None and availability_zone_id is None:
        raise AwsError("MissingParameter", "The request must contain the parameter AvailabilityZone")
    az = _choose_zone(ctx, availability_zone, availability_zone_id)
    vpc = next((v for v in ctx.world.owned(Vpc, ctx.account_id, ctx.region) if v.is_default), None)
    if vpc is None:
        raise AwsError("DefaultVpcDoesNotExist", "No default VPC exists for this account in this region.")
    taken = list(ctx.world.in_vpc(vpc.id, Subnet))
    existing = next((s for s in taken if s.default_for_az and s.availability_zone == az.zone_name), None)
    if existing is not None:
        raise AwsError("DefaultSubnetAlreadyExistsInAvailabilityZone",
                       f"'{existing.id}' is already the default subnet in {az.zone_id}.")
    used = [s.network for s in taken if s.network is not None]
    free = next((block for cidr in vpc.cidr_blocks for block in _twenties(cidr)
                 if not any(block.overlaps(u) for u in used)), None) if vpc.cidr_blocks else None
    if free is None:
        raise AwsError("InvalidSubnet.Conflict",
                       f"The default VPC {vpc.id} has no free /20 block for a default subnet.")
    made = create_subnet(ctx, vpc_id=vpc.id, cidr_block=str(free), availability_zone=az.zone_name)
    return ctx.world.put(replace(made, default_for_az=True, map_public_ip_on_launch=True))


def _twenties(cidr: str) -> list[IPv4Network]:
    net = IPv4Network(cidr)
    return list(net.subnets(new_prefix=20)) if net.prefixlen <= 20 else []
