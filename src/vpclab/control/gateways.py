"""Internet gateways and NAT gateways: CreateInternetGateway, AttachInternetGateway, CreateNatGateway, …

AWS docs: "Enable internet access for a VPC using an internet gateway"
(https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html) and "NAT gateways"
(https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from ..core.errors import AwsError, invalid_parameter_combination, invalid_parameter_value, missing_parameter
from ..model.base import Tags
from ..model.gateways import Address, EgressOnlyInternetGateway, InternetGateway, NatGateway
from ..model.interfaces import Instance, NetworkInterface
from ..model.subnet import Subnet
from ..model.vpc import Vpc
from .context import Ctx
from .registry import action

#: NAT gateway states that count against the quota (AWS counts gateways that exist)
_LIVE_NAT_STATES = ("pending", "available")


# -- internet gateways -----------------------------------------------------------------------
@action
def create_internet_gateway(ctx: Ctx, *, tags: Mapping[str, str] | None = None) -> InternetGateway:
    """CreateInternetGateway: a detached gateway. Quota "Internet gateways per Region"."""
    ctx.check_quota("internet_gateways_per_region",
                    ctx.world.count_owned(InternetGateway, ctx.account_id, ctx.region))
    return ctx.world.put(InternetGateway(id=ctx.new_id("internet_gateway"), owner_id=ctx.account_id,
                                         region=ctx.region, tags=Tags(tags)))


@action
def attach_internet_gateway(ctx: Ctx, *, internet_gateway_id: str, vpc_id: str) -> None:
    """AttachInternetGateway: an internet gateway attaches to one VPC, a VPC has at most one."""
    igw = ctx.require(InternetGateway, internet_gateway_id)
    vpc = ctx.require(Vpc, vpc_id)
    ctx.require_owner(igw)
    ctx.require_owner(vpc)
    if igw.vpc_id is not None:
        raise AwsError("Resource.AlreadyAssociated",
                       f"resource {internet_gateway_id} is already attached to network {igw.vpc_id}")
    if any(True for _ in ctx.world.in_vpc(vpc_id, InternetGateway)):
        raise invalid_parameter_value(f"Network {vpc_id} already has an internet gateway attached")
    ctx.world.put(replace(igw, vpc_id=vpc_id))


def has_mapped_public_addresses(ctx: Ctx, vpc_id: str) -> bool:
    """Whether anything in the VPC holds a public IPv4 address (an interface's public IP or Elastic
    IP, an instance's public IP, a public NAT gateway's Elastic IP)."""
    enis = list(ctx.world.in_vpc(vpc_id, NetworkInterface))
    if any(eni.public_ip for eni in enis):
        return True
    eni_ids = {eni.id for eni in enis}
    if any(a.network_interface_id in eni_ids for a in ctx.world.all(Address)):
        return True
    if any(i.public_ip_address and i.state not in ("terminated",)
           for i in ctx.world.in_vpc(vpc_id, Instance)):
        return True
    return any(nat.public_ip and nat.state in _LIVE_NAT_STATES
               for nat in ctx.world.in_vpc(vpc_id, NatGateway))


@action
def detach_internet_gateway(ctx: Ctx, *, internet_gateway_id: str, vpc_id: str) -> None:
    """DetachInternetGateway: not while the VPC has mapped public addresses (AWS DependencyViolation).

    Routes to the gateway stay and become blackholes (``model.route_table.route_state``).
    """
    igw = ctx.require(InternetGateway, internet_gateway_id)
    ctx.require_owner(igw)
    if igw.vpc_id != vpc_id:
        raise AwsError("Gateway.NotAttached",
                       f"resource {internet_gateway_id} is not attached to network {vpc_id}")
    if has_mapped_public_addresses(ctx, vpc_id):
        raise AwsError("DependencyViolation", f"Network {vpc_id} has some mapped public address(es). "
                                              "Please unmap those public "
                                              "address(es) before detaching the gateway.")
    ctx.world.put(replace(igw, vpc_id=None))


@action
def delete_internet_gateway(ctx: Ctx, *, internet_gateway_id: str) -> None:
    """DeleteInternetGateway: detach it first (DependencyViolation while attached)."""
    igw = ctx.require(InternetGateway, internet_gateway_id)
    ctx.require_owner(igw)
    if igw.vpc_id is not None:
        raise AwsError("DependencyViolation",
                       f"The internetGateway '{internet_gateway_id}' has dependencies and cannot be deleted.")
    ctx.world.remove(internet_gateway_id)


# -- NAT gateways ----------------------------------------------------------------------------
# -- egress-only internet gateways ---------------------------------------------------------
@action
def create_egress_only_internet_gateway(
    ctx: Ctx, *, vpc_id: str, tags: Mapping[str, str] | None = None
) -> EgressOnlyInternetGateway:
    """CreateEgressOnlyInternetGateway: for a VPC of the caller's, attached to it from the start
    (EC2 API reference). Routes to it carry IPv6 destinations only.

    AWS "Amazon VPC quotas" (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html),
    egress-only internet gateways per Region (5, tracking VPCs per Region): "You can attach only one
    egress-only internet gateway to a VPC at a time." An egress-only gateway is attached when it is
    created, so a second one for the VPC is refused; AWS's code and wording for that are undocumented
    (the internet gateway's "already has ... attached" message is used).
    """
    vpc = ctx.require(Vpc, vpc_id)
    ctx.require_owner(vpc)
    if any(True for _ in ctx.world.in_vpc(vpc_id, EgressOnlyInternetGateway)):
        raise invalid_parameter_value(
            f"Network {vpc_id} already has an egress-only internet gateway attached")
    ctx.check_quota("egress_only_internet_gateways_per_region",
                    ctx.world.count_owned(EgressOnlyInternetGateway, ctx.account_id, ctx.region))
    return ctx.world.put(EgressOnlyInternetGateway(
        id=ctx.new_id(EgressOnlyInternetGateway.KIND), owner_id=ctx.account_id, region=ctx.region,
        tags=Tags(tags), vpc_id=vpc.id))


@action
def delete_egress_only_internet_gateway(ctx: Ctx, *, egress_only_internet_gateway_id: str) -> bool:
    """DeleteEgressOnlyInternetGateway: routes to it stay, as blackholes (AWS keeps a route whose
    target is gone)."""
    gateway = ctx.require(EgressOnlyInternetGateway, egress_only_internet_gateway_id)
    ctx.require_owner(gateway)
    ctx.world.remove(gateway.id)
    return True


def _nat_count_in_zone(ctx: Ctx, zone: str) -> int:
    count = 0
    for nat in ctx.world.all(NatGateway):
        if nat.owner_id != ctx.account_id or nat.state not in _LIVE_NAT_STATES:
            continue
        subnet = ctx.world.get(nat.subnet_id, Subnet)
        if subnet is not None and subnet.availability_zone == zone:
            count += 1
    return count


def _failure(ctx: Ctx, subnet: Subnet, connectivity_type: str,
             address: Address | None) -> tuple[str, str] | None:
    """Why AWS would create this NAT gateway and then move it to ``failed`` (FailureCode, FailureMessage).

    AWS checks these after CreateNatGateway returns: the call succeeds and the gateway fails. The
    codes and messages are the ones the API reference lists for NatGateway.FailureMessage
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NatGateway.html).
    """
    if connectivity_type != "public":
        return None
    if not any(True for _ in ctx.world.in_vpc(subnet.vpc_id, InternetGateway)):
        return "Gateway.NotAttached", f"Network {subnet.vpc_id} has no Internet gateway attached"
    if address is not None and address.association_id is not None:
        return "Resource.AlreadyAssociated", f"Elastic IP address {address.id} is already associated"
    return None


@action
def create_nat_gateway(ctx: Ctx, *, subnet_id: str, allocation_id: str | None = None,
                       connectivity_type: str = "public", private_ip_address: str | None = None,
                       tags: Mapping[str, str] | None = None) -> NatGateway:
    """CreateNatGateway: public (an Elastic IP, an internet gateway on the VPC) or private.

    The gateway gets a requester-managed interface in the subnet and, when public, the Elastic IP's
    association. AWS makes a NAT gateway ``pending`` and then ``available`` a few minutes later; a
    lab has no reason to wait, so it is ``available`` at once. Where AWS would fail it after the
    call returns (no internet gateway attached, Elastic IP already associated), the gateway is
    created ``failed`` with AWS's FailureCode and FailureMessage, no interface and no address.
    Quota "NAT gateways per Availability Zone".
    """
    from .interfaces import create_managed_interface

    if connectivity_type not in ("public", "private"):
        raise invalid_parameter_value(
                       f"Value ({connectivity_type}) for parameter connectivityType is invalid. "
                       "Valid values are public, private.")
    subnet = ctx.require(Subnet, subnet_id)
    ctx.require_owner(subnet)
    if subnet.ipv6_native:
        # a NAT gateway translates to and from IPv4 addresses: it needs a subnet with an IPv4 range
        # (AWS, "NAT gateways": a NAT gateway's private IPv4 address comes from its subnet; DNS64/NAT64
        # puts the NAT gateway in a dual-stack subnet). AWS's code and wording are undocumented.
        raise invalid_parameter_value(
            f"The subnet '{subnet.id}' is an IPv6-only subnet: a NAT gateway needs a subnet with an IPv4 "
            "CIDR block.")
    address: Address | None = None
    if connectivity_type == "public":
        if not allocation_id:
            # AWS: "[Public NAT gateways only] The allocation ID of an Elastic IP address" is required
            raise missing_parameter("AllocationId")
        address = ctx.require(Address, allocation_id)
    elif allocation_id:
        # the rule (a private NAT gateway has no Elastic IP) is documented; the wording is not
        raise invalid_parameter_combination("AllocationId cannot be specified for a private NAT gateway.")
    ctx.check_quota("nat_gateways_per_az", _nat_count_in_zone(ctx, subnet.availability_zone))
    nat_id = ctx.new_id("nat_gateway")
    failure = _failure(ctx, subnet, connectivity_type, address)
    nat = NatGateway(id=nat_id, owner_id=ctx.account_id, region=ctx.region, tags=Tags(tags),
                     vpc_id=subnet.vpc_id, subnet_id=subnet_id, connectivity_type=connectivity_type,
                     allocation_id=allocation_id, create_time=ctx.now)
    if failure is not None:
        code, message = failure
        return ctx.world.put(replace(nat, state="failed", failure_code=code, failure_message=message))
    try:
        eni = create_managed_interface(ctx, subnet, interface_type="nat_gateway",
                                       description=f"Interface for NAT Gateway {nat_id}",
                                       requester_id=ctx.account_id, private_ip_address=private_ip_address)
    except AwsError as err:
        if err.code != "InsufficientFreeAddressesInSubnet":
            raise
        return ctx.world.put(replace(nat, state="failed", failure_code=err.code,
                                     failure_message="Subnet has insufficient free "
                                                     "addresses to create this NAT gateway"))
    nat = replace(nat, private_ip=eni.private_ip_address, network_interface_id=eni.id)
    if address is not None:
        association_id = ctx.new_id("address_association")
        ctx.world.put(replace(eni, public_ip=address.public_ip))
        ctx.world.put(replace(address, association_id=association_id, network_interface_id=eni.id,
                              network_interface_owner_id=eni.owner_id,
                              private_ip_address=eni.private_ip_address))
        nat = replace(nat, public_ip=address.public_ip, association_id=association_id)
    return ctx.world.put(nat)


@action
def delete_nat_gateway(ctx: Ctx, *, nat_gateway_id: str) -> None:
    """DeleteNatGateway: removes its interface and frees its Elastic IP association.

    Routes to it stay and become blackholes. (AWS shows a deleted NAT gateway as ``deleted`` for
    about an hour; vpclab removes it at once, so it does not hold up DeleteVpc.)
    """
    nat = ctx.require(NatGateway, nat_gateway_id)
    ctx.require_owner(nat)
    if nat.allocation_id and nat.association_id:
        address = ctx.world.get(nat.allocation_id, Address)
        if address is not None and address.association_id == nat.association_id:
            ctx.world.put(replace(address, association_id=None, network_interface_id=None,
                                  network_interface_owner_id=None, private_ip_address=None))
    if nat.network_interface_id and nat.network_interface_id in ctx.world:
        ctx.world.remove(nat.network_interface_id)
    ctx.world.remove(nat_gateway_id)
