"""VPCs and their CIDR blocks: CreateVpc, AssociateVpcCidrBlock, … (subnets: ``control.subnet``).

AWS docs: "VPC CIDR blocks" in the Amazon VPC User Guide.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from ipaddress import IPv4Network, IPv6Network
from typing import Any

from ..core.errors import AwsError, invalid_parameter_value
from ..model.base import Resource, Tags
from ..model.network_acl import ACL_FINAL_RULE_IPV6, NetworkAcl, NetworkAclEntry
from ..model.regions import zones
from ..model.route_table import ORIGIN_LOCAL, Route, RouteTable, RouteTableAssociation, is_local
from ..model.security_group import SecurityGroup, SecurityGroupRule
from ..model.subnet import Subnet
from ..model.vpc import Vpc, VpcCidrBlockAssociation, VpcIpv6CidrBlockAssociation
from . import ipv6, peering
from .cidr import parse_cidr
from .context import Ctx
from .registry import action

#: AWS: a VPC's IPv4 CIDR blocks are between /16 and /28.
VPC_PREFIX_RANGE = range(16, 29)
SUBNET_PREFIX_RANGE = range(16, 29)


RFC1918 = tuple(IPv4Network(c) for c in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
BENCHMARK_RANGE = IPv4Network("198.19.0.0/16")
#: Never usable as VPC address space (loopback, link-local, multicast, reserved, "this network").
UNUSABLE = tuple(IPv4Network(c)
                 for c in ("0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "240.0.0.0/4"))


def _range_of(net: IPv4Network) -> IPv4Network | None:
    """The row of AWS's association-restriction table a block belongs to (None: public or 100.64/10)."""
    for rng in (*RFC1918, BENCHMARK_RANGE):
        if net.subnet_of(rng):
            return rng
    return None


def _restricted_secondary(primary: IPv4Network, new: IPv4Network) -> bool:
    """AWS's "IPv4 CIDR block association restrictions" table (VPC User Guide, "VPC CIDR blocks").

    A VPC whose primary block is in one RFC 1918 range cannot add a block from another RFC 1918
    range or from 198.19.0.0/16; a 172.16.0.0/12 VPC cannot add from 172.31.0.0/16; a VPC in
    198.19.0.0/16 or in public/100.64.0.0/10 space cannot add RFC 1918 blocks (nor 198.19.0.0/16).
    """
    home, other = _range_of(primary), _range_of(new)
    if home == IPv4Network("172.16.0.0/12") and new.subnet_of(IPv4Network("172.31.0.0/16")):
        return True
    if other is None:  # publicly routable or 100.64.0.0/10: permitted with every primary range
        return False
    return other != home


def _check_vpc_block_size(net: IPv4Network) -> None:
    if net.prefixlen not in VPC_PREFIX_RANGE:
        raise AwsError("InvalidVpc.Range", f"The CIDR '{net}' is invalid.")


# -- VPCs ------------------------------------------------------------------------------------
@action
def create_vpc(ctx: Ctx, *, cidr_block: str, instance_tenancy: str = "default",
               amazon_provided_ipv6_cidr_block: bool = False,
               ipv6_cidr_block_network_border_group: str | None = None,
               tags: Mapping[str, str] | None = None) -> Vpc:
    """CreateVpc: a VPC with its main route table, default security group and default network ACL;
    with ``amazon_provided_ipv6_cidr_block``, also an Amazon-provided IPv6 /56 (and the IPv6 local
    route, default network ACL rules and default security group rule that come with it)."""
    _check_border_group(ctx, amazon_provided_ipv6_cidr_block, ipv6_cidr_block_network_border_group)
    net = parse_cidr(cidr_block)
    _check_vpc_block_size(net)
    if any(net.overlaps(bad) for bad in UNUSABLE):
        raise AwsError("InvalidVpc.Range", f"The CIDR '{net}' is invalid.")
    if instance_tenancy not in ("default", "dedicated"):
        raise invalid_parameter_value(
                       f"Value ({instance_tenancy}) for parameter instanceTenancy is invalid.")
    ctx.check_quota("vpcs_per_region", _count_vpcs(ctx))
    vpc = Vpc(
        id=ctx.new_id("vpc"), owner_id=ctx.account_id, region=ctx.region, tags=Tags(tags),
        cidr_block=str(net), instance_tenancy=instance_tenancy,
        cidr_block_associations=(VpcCidrBlockAssociation(
            association_id=ctx.new_id("vpc_cidr_block_association"), cidr_block=str(net)),),
    )
    from .dhcp_options import default_dhcp_options

    # AWS: a new VPC uses the Region's default DHCP options set ("DHCP option sets in Amazon VPC")
    vpc = ctx.world.put(replace(vpc, dhcp_options_id=default_dhcp_options(ctx).id))
    _create_main_route_table(ctx, vpc)
    _create_default_security_group(ctx, vpc)
    _create_default_network_acl(ctx, vpc)
    if amazon_provided_ipv6_cidr_block:
        _associate_ipv6_block(ctx, vpc, ipv6_cidr_block_network_border_group or ctx.region)
        vpc = ctx.require(Vpc, vpc.id)
    return vpc


#: AWS: "the default VPC has a size /16 IPv4 CIDR block (172.31.0.0/16)" with "a size /20 default
#: subnet in each Availability Zone" (VPC User Guide, "Default VPCs").
DEFAULT_VPC_CIDR = "172.31.0.0/16"


@action
def create_default_vpc(ctx: Ctx) -> Vpc:
    """CreateDefaultVpc: 172.31.0.0/16 with a default /20 subnet per Availability Zone (public IPs
    on launch), an attached internet gateway and a main route table with 0.0.0.0/0 to it, DNS
    hostnames on. One per account and Region (DefaultVpcAlreadyExists)."""
    from . import gateways, routes, subnet

    if any(v.is_default for v in ctx.world.owned(Vpc, ctx.account_id, ctx.region)):
        raise AwsError("DefaultVpcAlreadyExists",
                       "A Default VPC already exists for this account in this region.")
    vpc = create_vpc(ctx, cidr_block=DEFAULT_VPC_CIDR)
    vpc = ctx.world.put(replace(vpc, is_default=True, enable_dns_hostnames=True))
    for k, az in enumerate(zones(ctx.region)):
        made = subnet.create_subnet(ctx, vpc_id=vpc.id, cidr_block=f"172.31.{16 * k}.0/20",
                                   availability_zone=az.zone_name)
        ctx.world.put(replace(made, default_for_az=True, map_public_ip_on_launch=True))
    igw = gateways.create_internet_gateway(ctx)
    gateways.attach_internet_gateway(ctx, internet_gateway_id=igw.id, vpc_id=vpc.id)
    routes.create_route(ctx, route_table_id=main_route_table(ctx, vpc.id).id,
                        destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)
    return vpc


def _count_vpcs(ctx: Ctx) -> int:
    return ctx.world.count_owned(Vpc, ctx.account_id, ctx.region)


def _create_main_route_table(ctx: Ctx, vpc: Vpc) -> RouteTable:
    rtb_id = ctx.new_id("route_table")
    return ctx.world.put(RouteTable(
        id=rtb_id, owner_id=vpc.owner_id, region=vpc.region, vpc_id=vpc.id,
        routes=local_routes(vpc),
        associations=(RouteTableAssociation(
            route_table_association_id=ctx.new_id("route_table_association"),
            route_table_id=rtb_id, main=True),),
    ))


def local_route(cidr: str) -> Route:
    """The local route of one of the VPC's CIDR blocks (IPv4 or IPv6)."""
    if ":" in cidr:
        return Route(destination_ipv6_cidr_block=cidr, gateway_id="local", origin=ORIGIN_LOCAL)
    return Route(destination_cidr_block=cidr, gateway_id="local", origin=ORIGIN_LOCAL)


def local_routes(vpc: Vpc) -> tuple[Route, ...]:
    """A new route table's local routes: one per IPv4 block, then one per IPv6 block (AWS:
    "Route tables": "a local route for each of the VPC's CIDR blocks", IPv6 included)."""
    return tuple(local_route(c) for c in (*vpc.cidr_blocks, *vpc.ipv6_cidr_blocks))


def _create_default_security_group(ctx: Ctx, vpc: Vpc) -> SecurityGroup:
    """The default group: inbound from itself, all outbound.

    AWS: "Default security groups for your VPCs"."""
    sg_id = ctx.new_id("security_group")
    return ctx.world.put(SecurityGroup(
        id=sg_id, owner_id=vpc.owner_id, region=vpc.region, vpc_id=vpc.id,
        group_name="default", description="default VPC security group",
        ingress=(SecurityGroupRule(security_group_rule_id=ctx.new_id("security_group_rule"), group_id=sg_id,
                                   is_egress=False, ip_protocol="-1", referenced_group_id=sg_id,
                                   referenced_group_owner_id=vpc.owner_id),),
        egress=(SecurityGroupRule(security_group_rule_id=ctx.new_id("security_group_rule"), group_id=sg_id,
                                  is_egress=True, ip_protocol="-1", cidr_ipv4="0.0.0.0/0"),),
    ))


def _create_default_network_acl(ctx: Ctx, vpc: Vpc) -> NetworkAcl:
    """The default ACL allows all traffic both ways (rule 100) over the final deny (``*``, 32767)."""
    entries = tuple(
        NetworkAclEntry(rule_number=n, egress=egress, protocol="-1", rule_action=act, cidr_block="0.0.0.0/0")
        for egress in (False, True) for n, act in ((100, "allow"), (32767, "deny"))
    )
    return ctx.world.put(NetworkAcl(id=ctx.new_id("network_acl"), owner_id=vpc.owner_id, region=vpc.region,
                                    vpc_id=vpc.id, is_default=True, entries=entries))


def main_route_table(ctx: Ctx, vpc_id: str) -> RouteTable:
    return next(rt for rt in ctx.world.in_vpc(vpc_id, RouteTable) if rt.main)


def default_network_acl(ctx: Ctx, vpc_id: str) -> NetworkAcl:
    return next(acl for acl in ctx.world.in_vpc(vpc_id, NetworkAcl) if acl.is_default)


@action
def delete_vpc(ctx: Ctx, *, vpc_id: str) -> None:
    """DeleteVpc: only once everything the user created in it is gone (DependencyViolation otherwise).

    AWS deletes the main route table, default security group and default network ACL with it.
    """
    vpc = ctx.require(Vpc, vpc_id)
    ctx.require_owner(vpc)
    for res in ctx.world.in_vpc(vpc_id, Resource):
        if res is vpc or _is_vpc_default(res):
            continue
        raise AwsError("DependencyViolation", f"The vpc '{vpc_id}' has dependencies and cannot be deleted.")
    for res in list(ctx.world.in_vpc(vpc_id, Resource)):
        ctx.world.remove(res.id)


def _is_vpc_default(res: object) -> bool:
    return ((isinstance(res, RouteTable) and res.main)
            or (isinstance(res, SecurityGroup) and res.is_default)
            or (isinstance(res, NetworkAcl) and res.is_default))


@action
def associate_vpc_cidr_block(ctx: Ctx, *, vpc_id: str, cidr_block: str | None = None,
                             amazon_provided_ipv6_cidr_block: bool = False,
                             ipv6_cidr_block_network_border_group: str | None = None,
                             ) -> VpcCidrBlockAssociation | VpcIpv6CidrBlockAssociation:
    """AssociateVpcCidrBlock: a secondary IPv4 CIDR block (no overlap, size /16–/28, quota), or an
    Amazon-provided IPv6 /56 (``amazon_provided_ipv6_cidr_block``)."""
    vpc = ctx.require(Vpc, vpc_id)
    ctx.require_owner(vpc)
    _check_border_group(ctx, amazon_provided_ipv6_cidr_block, ipv6_cidr_block_network_border_group)
    if amazon_provided_ipv6_cidr_block:
        if cidr_block is not None:
            # AWS: "You must specify one of the following": one block per call (wording undocumented)
            raise AwsError("InvalidParameterCombination",
                           "The parameters 'cidrBlock' and 'amazonProvidedIpv6CidrBlock' cannot be "
                           "specified together.")
        return _associate_ipv6_block(ctx, vpc, ipv6_cidr_block_network_border_group or ctx.region)
    if cidr_block is None:
        raise AwsError("MissingParameter", "Either 'cidrBlock' or 'amazonProvidedIpv6CidrBlock' or "
                                           "'ipv6Pool' should be provided.")
    net = parse_cidr(cidr_block)
    _check_vpc_block_size(net)
    if _restricted_secondary(IPv4Network(vpc.cidr_block), net):
        raise AwsError("InvalidVpc.Range",
                       f"The CIDR '{net}' is restricted. Use a CIDR from the same private address range as "
                       "the current VPC CIDR, or use a publicly-routable CIDR. For additional restrictions, "
                       "see https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html")
    if vpc.overlaps(net):
        # AWS's exact message for an overlapping secondary block is not documented; the code is.
        raise AwsError("InvalidVpc.Range", f"The CIDR '{net}' conflicts with another CIDR block of {vpc_id}.")
    for rt in ctx.world.in_vpc(vpc_id, RouteTable):
        for route in rt.routes:
            # AWS: "You can't add a CIDR block that's the same as or larger than a destination CIDR
            # range in a route in any of the VPC route tables" (message undocumented).
            dest = route.destination_cidr_block
            if dest and not is_local(route) and IPv4Network(dest).subnet_of(net):
                raise AwsError("InvalidVpc.Range",
                               f"The CIDR '{net}' conflicts with route {dest} in route table {rt.id}.")
    ctx.check_quota("cidr_blocks_per_vpc", len(vpc.cidr_blocks), vpc_id=vpc_id)
    peering.check_vpc_cidr_association(ctx, vpc_id, str(net))
    assoc = VpcCidrBlockAssociation(association_id=ctx.new_id("vpc_cidr_block_association"),
                                    cidr_block=str(net))
    ctx.world.put(replace(vpc, cidr_block_associations=(*vpc.cidr_block_associations, assoc)))
    for rt in list(ctx.world.in_vpc(vpc_id, RouteTable)):
        ctx.world.put(replace(rt, routes=(*rt.routes, local_route(str(net)))))
    peering.fail_overlapping_requests(ctx, vpc_id)
    return assoc


def _check_border_group(ctx: Ctx, amazon_provided: bool, group: str | None) -> None:
    """``Ipv6CidrBlockNetworkBorderGroup``: AWS: "You must set AmazonProvidedIpv6CidrBlock to true to
    use this parameter." vpclab models no Local Zones, so the only border group is the Region
    itself. (AWS's codes and wording for both mistakes are undocumented.)"""
    if group is None:
        return
    if not amazon_provided:
        raise AwsError("InvalidParameterCombination",
                       "The parameter 'ipv6CidrBlockNetworkBorderGroup' requires "
                       "'amazonProvidedIpv6CidrBlock' to be true.")
    if group != ctx.region:
        raise invalid_parameter_value(
            f"Value ({group}) for parameter ipv6CidrBlockNetworkBorderGroup is invalid. "
            f"The network border group must be one of: {ctx.region}.")


def _associate_ipv6_block(ctx: Ctx, vpc: Vpc, border_group: str) -> VpcIpv6CidrBlockAssociation:
    """An Amazon-provided /56 for the VPC, and what AWS adds with it: the IPv6 local route in every
    route table, the default network ACL's IPv6 rules, every ACL's IPv6 ``*`` deny, and the default
    security group's IPv6 egress rule."""
    if any(a.ipv6_pool == "Amazon" and a.network_border_group == border_group
           for a in vpc.ipv6_cidr_block_associations if a.state == "associated"):
        # AWS: "You can have one IPv6 CIDR block association per network border group" (API
        # reference, Ipv6CidrBlockNetworkBorderGroup); the error's code and wording are undocumented.
        raise AwsError("CidrLimitExceeded",
                       f"This network '{vpc.id}' already has an Amazon-provided IPv6 CIDR block in "
                       f"network border group {border_group}.")
    ctx.check_quota("ipv6_cidr_blocks_per_vpc", len(vpc.ipv6_cidr_blocks), vpc_id=vpc.id)
    block = ipv6.allocate_vpc_block(ctx)
    assoc = VpcIpv6CidrBlockAssociation(association_id=ctx.new_id("vpc_cidr_block_association"),
                                        ipv6_cidr_block=block, network_border_group=border_group)
    ctx.world.put(replace(vpc, ipv6_cidr_block_associations=(*vpc.ipv6_cidr_block_associations, assoc)))
    for rt in list(ctx.world.in_vpc(vpc.id, RouteTable)):
        ctx.world.put(replace(rt, routes=(*rt.routes, local_route(block))))
    for acl in list(ctx.world.in_vpc(vpc.id, NetworkAcl)):
        ctx.world.put(replace(acl, entries=acl.entries + ipv6_acl_entries(acl)))
    sg = next((g for g in ctx.world.in_vpc(vpc.id, SecurityGroup) if g.is_default), None)
    if sg is not None and not any(r.cidr_ipv6 == "::/0" and r.ip_protocol == "-1" for r in sg.egress):
        ctx.world.put(replace(sg, egress=(*sg.egress, ipv6.ipv6_egress_rule(ctx, sg.id))))
    return assoc


def ipv6_acl_entries(acl: NetworkAcl) -> tuple[NetworkAclEntry, ...]:
    """The entries AWS adds to an ACL when its VPC gets an IPv6 block (those it lacks).

    AWS ("Default network ACL"): rule 101 allows all IPv6 traffic each way and an IPv6 ``*`` rule
    denies the rest — "only if you create a VPC with an associated IPv6 CIDR block or if you
    associate an IPv6 CIDR block with your VPC", and "If you've modified the inbound [outbound]
    rules of your default network ACL, we do not automatically add an allow rule for inbound
    [outbound] IPv6 traffic". Custom ACLs ("Custom network ACLs") get the IPv6 ``*`` deny only.
    """
    added: list[NetworkAclEntry] = []
    for egress in (False, True):
        mine = [e for e in acl.entries if e.egress == egress]
        if acl.is_default and _pristine(mine) and not any(e.rule_number == DEFAULT_IPV6_RULE for e in mine):
            added.append(NetworkAclEntry(rule_number=DEFAULT_IPV6_RULE, egress=egress, protocol="-1",
                                         rule_action="allow", cidr_block=None, ipv6_cidr_block="::/0"))
        if not any(e.rule_number == ACL_FINAL_RULE_IPV6 for e in mine):
            added.extend(e for e in ipv6.ipv6_final_entries() if e.egress == egress)
    return tuple(added)


#: the default network ACL's allow-all IPv6 rule number (AWS: "Default network ACL")
DEFAULT_IPV6_RULE = 101


def _pristine(entries: list[NetworkAclEntry]) -> bool:
    """Whether one direction of a default ACL still has exactly the rules AWS created it with."""
    numbered = [e for e in entries if not e.is_final]
    return (len(numbered) == 1 and numbered[0].rule_number == 100 and numbered[0].rule_action == "allow"
            and numbered[0].protocol == "-1" and numbered[0].cidr_block == "0.0.0.0/0"
            and numbered[0].port_from is None)


def _find_vpc_association(ctx: Ctx, association_id: str
                          ) -> tuple[Vpc, VpcCidrBlockAssociation | VpcIpv6CidrBlockAssociation] | None:
    for vpc in ctx.world.all(Vpc):
        assocs: tuple[VpcCidrBlockAssociation | VpcIpv6CidrBlockAssociation, ...] = (
            *vpc.cidr_block_associations, *vpc.ipv6_cidr_block_associations)
        for assoc in assocs:
            if (assoc.association_id == association_id
                    and vpc.visible_to(ctx.world, ctx.account_id, ctx.region)):
                return vpc, assoc
    return None


@action
def disassociate_vpc_cidr_block(ctx: Ctx, *, association_id: str
                                ) -> VpcCidrBlockAssociation | VpcIpv6CidrBlockAssociation:
    """DisassociateVpcCidrBlock: not the primary block, not while subnets use it (IPv4 or IPv6)."""
    found = _find_vpc_association(ctx, association_id)
    if found is None:
        raise AwsError("InvalidVpcCidrBlockAssociationID.NotFound",
                       f"The vpc CIDR block association ID '{association_id}' does not exist")
    vpc, assoc = found
    ctx.require_owner(vpc)
    if isinstance(assoc, VpcIpv6CidrBlockAssociation):
        return _disassociate_ipv6_block(ctx, vpc, assoc)
    if assoc.cidr_block == vpc.cidr_block:
        raise AwsError("OperationNotPermitted",
                       f"The vpc CIDR block with association ID {association_id} may not be disassociated. "
                       "It is the primary IPv4 CIDR block of the VPC")
    net = IPv4Network(assoc.cidr_block)
    if any(s.network is not None and s.network.subnet_of(net) for s in ctx.world.in_vpc(vpc.id, Subnet)):
        raise AwsError("InvalidCidrBlock.InUse",
                       f"The vpc {vpc.id} currently has a subnet within CIDR block {assoc.cidr_block}")
    ctx.world.put(replace(vpc, cidr_block_associations=tuple(
        a for a in vpc.cidr_block_associations if a.association_id != association_id)))
    for rt in list(ctx.world.in_vpc(vpc.id, RouteTable)):
        ctx.world.put(replace(rt, routes=tuple(
            r for r in rt.routes if not (is_local(r) and r.destination_cidr_block == assoc.cidr_block))))
    return replace(assoc, state="disassociated")


def _disassociate_ipv6_block(ctx: Ctx, vpc: Vpc, assoc: VpcIpv6CidrBlockAssociation
                             ) -> VpcIpv6CidrBlockAssociation:
    """AWS ("Disassociate an IPv6 CIDR block from your VPC"): "you must first disassociate any IPv6
    CIDR blocks from all subnets in your VPC". The IPv6 local route goes with the block; the ACL
    entries and security group rule AWS added stay (AWS documents no removal)."""
    net = IPv6Network(assoc.ipv6_cidr_block)
    if any(s.ipv6_network is not None and s.ipv6_network.subnet_of(net)
           for s in ctx.world.in_vpc(vpc.id, Subnet)):
        raise AwsError("InvalidCidrBlock.InUse",
                       f"The vpc {vpc.id} currently has a subnet within CIDR block {assoc.ipv6_cidr_block}")
    ctx.world.put(replace(vpc, ipv6_cidr_block_associations=tuple(
        a for a in vpc.ipv6_cidr_block_associations if a.association_id != assoc.association_id)))
    for rt in list(ctx.world.in_vpc(vpc.id, RouteTable)):
        ctx.world.put(replace(rt, routes=tuple(
            r for r in rt.routes
            if not (is_local(r) and r.destination_ipv6_cidr_block == assoc.ipv6_cidr_block))))
    return replace(assoc, state="disassociated")


@action
def modify_vpc_attribute(ctx: Ctx, *, vpc_id: str, enable_dns_support: bool | None = None,
                         enable_dns_hostnames: bool | None = None,
                         enable_network_address_usage_metrics: bool | None = None) -> None:
    """ModifyVpcAttribute: one attribute per call, as AWS requires ("You can only modify one
    attribute at a time"): enableDnsSupport, enableDnsHostnames or enableNetworkAddressUsageMetrics."""
    vpc = ctx.require(Vpc, vpc_id)
    ctx.require_owner(vpc)
    given: dict[str, Any] = {k: v for k, v in (("enable_dns_support", enable_dns_support),
                               ("enable_dns_hostnames", enable_dns_hostnames),
                               ("enable_network_address_usage_metrics",
                                enable_network_address_usage_metrics)) if v is not None}
    if len(given) != 1:
        raise AwsError("InvalidParameterCombination", "Only one attribute may be modified per request.")
    ctx.world.put(replace(vpc, **given))


@action
def modify_vpc_tenancy(ctx: Ctx, *, vpc_id: str, instance_tenancy: str) -> None:
    """ModifyVpcTenancy: "You can change the instance tenancy attribute of a VPC to default only. You
    cannot change the instance tenancy attribute to dedicated" (API reference); any other value is
    AWS's UnsupportedTenancy ("The tenancy value … is not supported.", the wording clients report).
    Instances already running keep their tenancy."""
    vpc = ctx.require(Vpc, vpc_id)
    ctx.require_owner(vpc)
    if instance_tenancy != "default":
        raise AwsError("UnsupportedTenancy", f"The tenancy value {instance_tenancy} is not supported.")
    ctx.world.put(replace(vpc, instance_tenancy="default"))
