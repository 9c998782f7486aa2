"""Elastic IP addresses: AllocateAddress, AssociateAddress, DisassociateAddress, ReleaseAddress,
and the public IPv4 addresses AWS assigns at launch.

AWS docs: "Elastic IP addresses" and "Amazon EC2 instance IP addressing" (Amazon EC2 User
Guide), and the API reference pages of each action.

Public addresses come from two fixed blocks in address space registered to Amazon (not the
RFC 5737 documentation ranges, so traces read like real AWS ones), lowest free address first,
so a lab's addresses are the same on every run. Public IPv4 addresses are unique across every
account and Region, and so are these.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from ipaddress import IPv4Network

from ..core.errors import AwsError, invalid_parameter_value
from ..model.base import Tags
from ..model.gateways import Address, InternetGateway
from ..model.interfaces import Instance, NetworkInterface
from .context import Ctx
from .registry import action

#: Elastic IP addresses (AllocateAddress): 52.0.0.0/16, part of Amazon's 52.0.0.0/11.
ELASTIC_IP_POOL = IPv4Network("52.0.0.0/16")
#: Public IPv4 addresses AWS assigns at launch (map_public_ip_on_launch /
#: associate_public_ip_address): 54.160.0.0/16, part of Amazon's 54.160.0.0/12.
AUTO_ASSIGN_POOL = IPv4Network("54.160.0.0/16")

#: AWS's error when an Elastic IP is used by an interface AWS manages (NAT gateway, load balancer)
_AUTH_FAILURE = ("AuthFailure", "You do not have permission to access the specified resource.")


def public_ips_in_use(ctx: Ctx) -> set[str]:
    used = {a.public_ip for a in ctx.world.all(Address)}
    used.update(e.public_ip for e in ctx.world.all(NetworkInterface) if e.public_ip)
    return used


def _next_public_ip(ctx: Ctx, pool: IPv4Network) -> str:
    used = public_ips_in_use(ctx)
    for addr in pool.hosts():
        if str(addr) not in used:
            return str(addr)
    # lab pool exhausted
    raise AwsError("InsufficientAddressCapacity", "There are not enough public addresses available.")


def assign_public_ip(ctx: Ctx, eni: NetworkInterface) -> NetworkInterface:
    """Give the interface a public IPv4 address from AWS's pool (launch, or start after a stop)."""
    return ctx.world.put(replace(eni, public_ip=_next_public_ip(ctx, AUTO_ASSIGN_POOL)))


def _sync_instance(ctx: Ctx, eni: NetworkInterface) -> None:
    """The instance's public address is its primary interface's."""
    if eni.device_index == 0 and eni.instance_id:
        inst = ctx.world.get(eni.instance_id, Instance)
        if inst is not None:
            ctx.world.put(replace(inst, public_ip_address=eni.public_ip))


def _address_on(ctx: Ctx, eni_id: str, private_ip: str) -> Address | None:
    return next((a for a in ctx.world.all(Address)
                 if a.network_interface_id == eni_id and a.private_ip_address == private_ip), None)


@action
def allocate_address(ctx: Ctx, *, domain: str = "vpc", tags: Mapping[str, str] | None = None) -> Address:
    """AllocateAddress: an Elastic IP for use in a VPC, within the per-Region quota."""
    if domain != "vpc":
        # EC2-Classic ("standard") was retired in 2023
        raise invalid_parameter_value(f"Value ({domain}) for parameter domain is invalid.")
    mine = ctx.world.count_owned(Address, ctx.account_id, ctx.region)
    ctx.check_quota("elastic_ips_per_region", mine)
    return ctx.world.put(Address(id=ctx.new_id("address"), owner_id=ctx.account_id, region=ctx.region,
                                 tags=Tags(tags), public_ip=_next_public_ip(ctx, ELASTIC_IP_POOL),
                                 domain="vpc"))


@action
def release_address(ctx: Ctx, *, allocation_id: str) -> None:
    """ReleaseAddress: in a VPC, only once disassociated (AWS: "You must use DisassociateAddress
    ... before you can release it. Otherwise, Amazon EC2 returns an error (InvalidIPAddress.InUse)")."""
    addr = ctx.require(Address, allocation_id)
    if addr.association_id:
        eni = ctx.world.get(addr.network_interface_id or "", NetworkInterface)
        if eni is not None and eni.requester_managed:
            raise AwsError(*_AUTH_FAILURE)
        raise AwsError("InvalidIPAddress.InUse", f"Address {addr.public_ip} is in use.")
    ctx.world.remove(addr.id)


@action
def associate_address(ctx: Ctx, *, allocation_id: str, instance_id: str | None = None,
                      network_interface_id: str | None = None, private_ip_address: str | None = None,
                      allow_reassociation: bool = False) -> Address:
    """AssociateAddress: to an instance's primary interface or to an interface (one of its private
    addresses); the VPC needs an attached internet gateway; an address already in use moves only
    with ``allow_reassociation``."""
    addr = ctx.require(Address, allocation_id)
    ctx.require_owner(addr)
    if (instance_id is None) == (network_interface_id is None):
        # AWS's wording for this combination is undocumented
        raise AwsError("InvalidParameterCombination",
                       "You must specify either an instance ID or a network interface ID, but not both.")
    if instance_id is not None:
        inst = ctx.require(Instance, instance_id)
        if inst.state not in ("running", "stopped", "pending", "stopping"):
            raise AwsError("IncorrectInstanceState",
                           f"The instance '{inst.id}' is not in a valid state for this operation.")
        eni = next((e for e in (ctx.world.get(i, NetworkInterface) for i in inst.network_interface_ids)
                    if e is not None and e.device_index == 0), None)
        if eni is None:
            raise AwsError("IncorrectInstanceState",
                           f"The instance '{inst.id}' is not in a valid state for this operation.")
    else:
        eni = ctx.require(NetworkInterface, network_interface_id)
        if eni.owner_id != ctx.account_id:
            code, message = NetworkInterface.NOT_FOUND
            raise AwsError(code, message.format(id=eni.id))
    if eni.requester_managed:
        raise AwsError(*_AUTH_FAILURE)
    private_ip = private_ip_address or eni.private_ip_address
    if private_ip not in eni.private_ip_addresses:
        # AWS's wording is undocumented
        raise invalid_parameter_value(
                       f"The specified private IP address {private_ip} is not assigned to interface {eni.id}")
    if not any(g.vpc_id == eni.vpc_id for g in ctx.world.all(InternetGateway)):
        raise AwsError("Gateway.NotAttached", f"Network {eni.vpc_id} is not attached to any internet gateway")
    if addr.association_id and not allow_reassociation:
        if addr.network_interface_id == eni.id and addr.private_ip_address == private_ip:
            return addr  # already there: AWS answers with the existing association
        raise AwsError("Resource.AlreadyAssociated",
                       f"resource {addr.id} is already associated with associate-id {addr.association_id}")
    current = _address_on(ctx, eni.id, private_ip)
    if current is not None and current.id != addr.id:
        if not allow_reassociation:
            raise AwsError("Resource.AlreadyAssociated",
                           f"resource {eni.id} and {private_ip} is already associated with public address "
                           f"{current.public_ip}")
        _disassociate(ctx, current, reassign=False)
    if addr.association_id:
        _disassociate(ctx, ctx.world.get(addr.id, Address) or addr, reassign=True)
    eni = ctx.world.get(eni.id, NetworkInterface) or eni
    addr = ctx.world.put(replace(ctx.world.get(addr.id, Address) or addr,
                                 association_id=ctx.new_id("address_association"),
                                 network_interface_id=eni.id,
                                 network_interface_owner_id=eni.owner_id, private_ip_address=private_ip,
                                 instance_id=eni.instance_id))
    if private_ip == eni.private_ip_address:
        # an Elastic IP replaces the public address AWS assigned at launch (which is released)
        eni = ctx.world.put(replace(eni, public_ip=addr.public_ip))
        _sync_instance(ctx, eni)
    return addr


def _disassociate(ctx: Ctx, addr: Address, *, reassign: bool) -> None:
    eni = ctx.world.get(addr.network_interface_id or "", NetworkInterface)
    ctx.world.put(replace(addr, association_id=None, network_interface_id=None,
                          network_interface_owner_id=None,
                          private_ip_address=None, instance_id=None))
    if eni is None or addr.private_ip_address != eni.private_ip_address:
        return
    eni = ctx.world.put(replace(eni, public_ip=None))
    inst = ctx.world.get(eni.instance_id, Instance) if eni.instance_id else None
    # AWS: an instance that had a public IPv4 address from launch gets a new one when its
    # Elastic IP is disassociated ("Amazon EC2 instance IP addressing")
    if reassign and inst is not None and eni.device_index == 0 and inst.associate_public_ip_address \
            and inst.state in ("running", "pending"):
        eni = assign_public_ip(ctx, eni)
    _sync_instance(ctx, eni)


@action
def disassociate_address(ctx: Ctx, *, association_id: str) -> None:
    """DisassociateAddress: not for an address AWS manages for a service (NAT gateway, load balancer)."""
    addr = next((a for a in ctx.world.all(Address) if a.association_id == association_id
                 and a.visible_to(ctx.world, ctx.account_id, ctx.region)), None)
    if addr is None:
        raise AwsError("InvalidAssociationID.NotFound",
                       f"The association ID '{association_id}' does not exist")
    ctx.require_owner(addr)
    eni = ctx.world.get(addr.network_interface_id or "", NetworkInterface)
    if eni is not None and eni.requester_managed:
        raise AwsError(*_AUTH_FAILURE)
    _disassociate(ctx, addr, reassign=True)
