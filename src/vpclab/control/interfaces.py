"""Network interfaces: CreateNetworkInterface, AttachNetworkInterface, AssignPrivateIpAddresses, …

``allocate_private_ip`` and ``create_managed_interface`` are the shared ways every family that
puts an interface in a subnet (NAT gateways, endpoints, TGW attachments, load balancers) takes
an address, so addresses are never handed out twice.

AWS docs: "Elastic network interfaces" (Amazon EC2 User Guide), the EC2 API reference pages of
each action, and "Responsibilities and permissions for owners and participants" (VPC sharing).
Instances live in ``instances.py``, Elastic IP addresses in ``addresses.py``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from ipaddress import IPv4Address
from typing import Any

from ..core.errors import AwsError, invalid_parameter_value
from ..model.base import Tags
from ..model.gateways import Address
from ..model.images import INSTANCE_TYPES, MAX_IPV4_PER_INTERFACE
from ..model.interfaces import Instance, NetworkInterface
from ..model.security_group import SecurityGroup
from ..model.subnet import Subnet
from . import ipv6
from .context import Ctx
from .registry import action
from .subnet_cidr_reservation import in_any, reserved_ipv4
from .text import check_text

#: AWS's error for a requested address another interface holds (CreateNetworkInterface wording;
#: RunInstances words it "Address <ip> is in use.")
ADDRESS_IN_USE = "The specified address is already in use."


def ipv6_only_error(subnet: Subnet, what: str = "private IPv4 addresses") -> AwsError:
    """An IPv4 request in an IPv6-only subnet. AWS: interfaces in an IPv6-only subnet get IPv6
    addresses only ("IPv6-only subnets": "instances … are assigned IPv6 addresses only"); AWS's
    code and wording for asking one an IPv4 address are undocumented: vpclab answers
    InvalidParameterCombination."""
    return AwsError("InvalidParameterCombination",
                    f"The subnet '{subnet.id}' is an IPv6-only subnet: it has no {what}.")


def require_ipv6_for(subnet: Subnet, count: int | None, addresses: Sequence[object] | None) -> None:
    """An interface in an IPv6-only subnet needs an IPv6 address: a count, addresses, or the
    subnet's AssignIpv6AddressOnCreation (AWS's wording undocumented)."""
    if subnet.ipv6_native and not (count or addresses or (count is None and addresses is None
                                                             and subnet.assign_ipv6_address_on_creation)):
        raise AwsError("InvalidParameterCombination",
                       f"The subnet '{subnet.id}' is an IPv6-only subnet: specify Ipv6AddressCount or "
                       "Ipv6Addresses, or enable AssignIpv6AddressOnCreation on the subnet.")


def used_ips(ctx: Ctx, subnet: Subnet) -> set[IPv4Address]:
    """Addresses taken in a subnet: by interfaces, plus AWS's five reserved."""
    used = set(subnet.reserved())
    for eni in ctx.world.in_vpc(subnet.vpc_id, NetworkInterface):
        if eni.subnet_id == subnet.id:
            used.update(IPv4Address(ip) for ip in eni.private_ip_addresses)
    return used


def allocate_private_ip(ctx: Ctx, subnet: Subnet, requested: str | None = None, *,
                        in_use_message: str | None = None, taken: set[IPv4Address] | None = None) -> str:
    """The requested address if free and in range, else the lowest free one (AWS's errors otherwise).

    ``taken``: addresses already promised in the same call (e.g. several instances of one
    RunInstances), treated as in use. ``in_use_message`` overrides the in-use wording, which
    differs between actions.
    """
    net = subnet.network
    if net is None:
        raise ipv6_only_error(subnet)
    used = used_ips(ctx, subnet) | (taken or set())
    if requested is not None:
        try:
            addr = IPv4Address(requested)
        except ValueError:
            raise invalid_parameter_value(
                f"Value ({requested}) for parameter privateIpAddress is invalid. Invalid format.") from None
        # AWS's wording names no address. The five reserved addresses are "not available for you
        # to use" (AWS: "Subnet CIDR blocks"); AWS's exact error for them is undocumented, vpclab
        # treats them as outside the usable range.
        if addr not in net or addr in subnet.reserved():
            raise invalid_parameter_value("Address does not fall within the subnet's address range")
        if addr in used:
            raise AwsError("InvalidIPAddress.InUse", in_use_message or ADDRESS_IN_USE)
        return requested
    kept = reserved_ipv4(ctx, subnet)  # subnet CIDR reservations: never assigned automatically
    for addr in net.hosts():
        if addr not in used and not in_any(addr, kept):
            return str(addr)
    raise insufficient_addresses(subnet)


class AddressPool:
    """A subnet's free addresses, lowest first, for a call that takes many (RunInstances with a
    large MaxCount, many secondary addresses): the addresses in use are gathered once, and each
    ``take()`` continues where the last one stopped — linear in the subnet's size, where calling
    ``allocate_private_ip`` per address rescans the VPC's interfaces every time."""

    def __init__(self, ctx: Ctx, subnet: Subnet, taken: set[IPv4Address] | None = None) -> None:
        self.subnet = subnet
        self.used = used_ips(ctx, subnet) | (taken or set())
        self._net = subnet.network  # None in an IPv6-only subnet: no free IPv4 addresses
        self._hosts = iter(self._net.hosts()) if self._net is not None else iter(())
        #: the subnet's CIDR reservations: never assigned automatically
        self._kept = reserved_ipv4(ctx, subnet)

    def free(self) -> int:
        """How many addresses are still free to assign automatically (the five reserved, the
        subnet's CIDR reservations and every taken one excluded)."""
        net = self._net
        if net is None:
            return 0
        used = sum(1 for a in self.used if a in net)
        # reservations do not overlap one another: count their addresses not already counted as used
        kept = sum(r.num_addresses for r in self._kept) - sum(1 for a in self.used if in_any(a, self._kept))
        return net.num_addresses - used - kept

    def take(self, message: str | None = None) -> str:
        if self._net is None:
            raise ipv6_only_error(self.subnet)
        for addr in self._hosts:
            if addr not in self.used and not in_any(addr, self._kept):
                self.used.add(addr)
                return str(addr)
        raise insufficient_addresses(self.subnet, message)


def insufficient_addresses(subnet: Subnet, message: str | None = None) -> AwsError:
    return AwsError("InsufficientFreeAddressesInSubnet", message or (
        f"There are not enough free addresses in subnet '{subnet.id}' to satisfy the requested "
        "number of instances."))


#: CreateNetworkInterface / AssignPrivateIpAddresses wording of InsufficientFreeAddressesInSubnet
NOT_ENOUGH_FOR_INTERFACE = "The specified subnet does not have enough free addresses to satisfy the request."


def create_managed_interface(ctx: Ctx, subnet: Subnet, *, interface_type: str, description: str,
                             groups: Sequence[str] = (), requester_id: str = "amazon-elb",
                             private_ip_address: str | None = None,
                             owner_id: str | None = None) -> NetworkInterface:
    """An interface AWS creates on the user's behalf (NAT gateway, endpoint, TGW attachment, NLB).
    In an IPv6-only subnet it has no private IPv4 address and one IPv6 address of the /64."""
    v4 = subnet.has_ipv4 or private_ip_address is not None
    return ctx.world.put(NetworkInterface(
        id=ctx.new_id("network_interface"), owner_id=owner_id or ctx.account_id, region=subnet.region,
        vpc_id=subnet.vpc_id, subnet_id=subnet.id, availability_zone=subnet.availability_zone,
        private_ip_address=allocate_private_ip(ctx, subnet, private_ip_address) if v4 else "",
        ipv6_addresses=() if v4 else ipv6.take_addresses(ctx, subnet, 1, None, limit=1),
        groups=tuple(groups), interface_type=interface_type, description=description,
        status="in-use", requester_id=requester_id, requester_managed=True,
        source_dest_check=interface_type not in ("nat_gateway", "transit_gateway"),
    ))


# -- rules shared with instances.py ----------------------------------------------------------
def resolve_groups(ctx: Ctx, subnet: Subnet, groups: Sequence[str] | None, *,
                   per_instance: bool = False) -> tuple[str, ...]:
    """The security groups for a new interface in ``subnet``: each visible to the caller and in
    the subnet's VPC, at most the per-interface quota; the VPC's default group when none given.

    AWS ("Responsibilities and permissions for owners and participants"): a participant cannot
    use the owner's groups, the default group included — it is not visible to them, so it is
    reported as not found. (What AWS returns when a participant names no group is undocumented;
    vpclab reports the default group it would have used as not found.)

    ``per_instance``: the groups are RunInstances' own (SecurityGroupIds, for the instance's primary
    interface); over the quota, AWS's page names the instance's code,
    SecurityGroupsPerInstanceLimitExceeded ("the limit on the number of security groups that you can
    assign to an instance"), where an interface's groups answer SecurityGroupsPerInterfaceLimitExceeded.
    """
    if not groups:
        default = next((g for g in ctx.world.in_vpc(subnet.vpc_id, SecurityGroup) if g.is_default), None)
        groups = [default.id] if default is not None else []
    unique = tuple(dict.fromkeys(groups))
    for group_id in unique:
        group = ctx.require(SecurityGroup, group_id)
        if group.vpc_id != subnet.vpc_id:
            raise AwsError("InvalidParameter",
                           f"Security group {group_id} and subnet {subnet.id} belong to different networks.")
    if per_instance and len(unique) > ctx.quota("security_groups_per_interface"):
        raise AwsError("SecurityGroupsPerInstanceLimitExceeded",
                       "The maximum number of security groups per instance has been reached.")
    ctx.check_quota("security_groups_per_interface", 0, adding=len(unique))
    return unique


def check_interface_quota(ctx: Ctx, adding: int) -> None:
    """Amazon VPC quotas, "Network interfaces per Region" (5,000 by default, adjustable): over it AWS
    answers NetworkInterfaceLimitExceeded ("Error codes for the Amazon EC2 API"). Counted over the
    interfaces the account owns in the Region (the ones services create for it included)."""
    owned = ctx.world.count_owned(NetworkInterface, ctx.account_id, ctx.region)
    ctx.check_quota("network_interfaces_per_region", owned, adding=adding)


def find_attachment(ctx: Ctx, attachment_id: str) -> NetworkInterface:
    """The interface an attachment id names. An id not of an attachment's form (``eni-attach-…``, or
    ``ela-attach-…`` for a service's interface) is AWS's InvalidNetworkInterfaceAttachmentId.Malformed
    ("Error codes for the Amazon EC2 API"); a well-formed unknown one InvalidAttachmentID.NotFound."""
    if not re.match(r"^[a-z]+-attach-", attachment_id):
        raise AwsError("InvalidNetworkInterfaceAttachmentId.Malformed",
                       f'Invalid id: "{attachment_id}" (expecting "eni-attach-...")')
    for eni in ctx.world.all(NetworkInterface):
        if eni.attachment_id == attachment_id and eni.visible_to(ctx.world, ctx.account_id, ctx.region):
            return eni
    raise AwsError("InvalidAttachmentID.NotFound",
                   f"The network interface attachment ID '{attachment_id}' does not exist")


def ip_limit(ctx: Ctx, eni: NetworkInterface) -> int | None:
    """The instance type's IPv4 addresses per interface, for an attached interface (else None)."""
    inst = ctx.world.get(eni.instance_id, Instance) if eni.instance_id else None
    itype = INSTANCE_TYPES.get(inst.instance_type) if inst else None
    return itype.ipv4_per_interface if itype else None


def check_ip_limit(count: int, limit: int | None) -> None:
    """AWS's PrivateIpAddressLimitExceeded when an interface would hold more than ``limit``
    IPv4 addresses (its instance type's per-interface limit; None: the most any type allows)."""
    if count > (MAX_IPV4_PER_INTERFACE if limit is None else limit):
        raise AwsError("PrivateIpAddressLimitExceeded", "Number of private addresses will exceed limit.")


def release_public_ips(ctx: Ctx, eni: NetworkInterface, private_ips: Sequence[str] | None = None) -> None:
    """Disassociate the Elastic IPs bound to the interface (or to some of its private IPs)."""
    for addr in list(ctx.world.all(Address)):
        if addr.network_interface_id == eni.id and (private_ips is None
                                                    or addr.private_ip_address in private_ips):
            ctx.world.put(replace(addr, association_id=None, network_interface_id=None,
                                  network_interface_owner_id=None, private_ip_address=None, instance_id=None))


# -- actions ---------------------------------------------------------------------------------
@action
def create_network_interface(ctx: Ctx, *, subnet_id: str, private_ip_address: str | None = None,
                             groups: Sequence[str] | None = None, description: str = "",
                             secondary_private_ip_address_count: int = 0,
                             ipv6_address_count: int | None = None,
                             ipv6_addresses: Sequence[Mapping[str, Any]] | None = None,
                             enable_primary_ipv6: bool = False,
                             tags: Mapping[str, str] | None = None) -> NetworkInterface:
    """CreateNetworkInterface: in a subnet the caller owns or that is shared with it; groups of
    that VPC; the requested address free and usable, else the lowest free one; IPv6 addresses from
    the subnet's /64 (a count or specific ones; ``enable_primary_ipv6`` marks the first primary)."""
    check_text("Description", description)
    subnet = ctx.require(Subnet, subnet_id)
    group_ids = resolve_groups(ctx, subnet, groups)
    check_interface_quota(ctx, 1)
    if secondary_private_ip_address_count < 0:
        raise invalid_parameter_value(
                       f"Value ({secondary_private_ip_address_count}) for parameter "
                       "secondaryPrivateIpAddressCount is invalid. Value must be a non-negative integer.")
    # checked before any address is taken: no interface holds more IPv4 addresses than the most
    # any instance type allows (it could never be attached), nor more than the subnet has free
    check_ip_limit(1 + secondary_private_ip_address_count, None)
    if subnet.ipv6_native:
        # IPv6 addresses only (see ipv6_only_error)
        if private_ip_address is not None or secondary_private_ip_address_count:
            raise ipv6_only_error(subnet)
        require_ipv6_for(subnet, ipv6_address_count, ipv6_addresses)
        primary, secondaries = "", []
    else:
        primary = allocate_private_ip(ctx, subnet, private_ip_address)
        pool = AddressPool(ctx, subnet, {IPv4Address(primary)})
        if pool.free() < secondary_private_ip_address_count:
            raise insufficient_addresses(subnet, NOT_ENOUGH_FOR_INTERFACE)
        secondaries = [pool.take(NOT_ENOUGH_FOR_INTERFACE)
                       for _ in range(secondary_private_ip_address_count)]
    if ipv6_address_count is None and ipv6_addresses is None and subnet.assign_ipv6_address_on_creation:
        ipv6_address_count = 1  # the subnet's AssignIpv6AddressOnCreation
    v6 = ipv6.take_addresses(ctx, subnet, ipv6_address_count, ipv6_address_list(ipv6_addresses),
                             limit=MAX_IPV4_PER_INTERFACE)
    return ctx.world.put(NetworkInterface(
        id=ctx.new_id("network_interface"), owner_id=ctx.account_id, region=subnet.region, tags=Tags(tags),
        vpc_id=subnet.vpc_id, subnet_id=subnet.id, availability_zone=subnet.availability_zone,
        private_ip_address=primary, secondary_private_ip_addresses=tuple(secondaries),
        groups=group_ids, description=description, requester_id=None,
        ipv6_addresses=v6, primary_ipv6_address=v6[0] if v6 and enable_primary_ipv6 else None,
    ))


def ipv6_address_list(specs: Sequence[Mapping[str, Any]] | Sequence[str] | None) -> list[str] | None:
    """``Ipv6Addresses`` as plain strings: boto3's ``[{"Ipv6Address": …}]`` (snake_cased) or strings."""
    if specs is None:
        return None
    return [s if isinstance(s, str) else str(s.get("ipv6_address", "")) for s in specs]


@action
def delete_network_interface(ctx: Ctx, *, network_interface_id: str) -> None:
    """DeleteNetworkInterface: only the owner, only when detached; interfaces AWS manages for a
    service (NAT gateway, endpoint, …) are always in use and go away with their service."""
    eni = ctx.require(NetworkInterface, network_interface_id)
    ctx.require_owner(eni)
    if eni.status == "in-use" or eni.attachment_id or eni.requester_managed:
        raise invalid_parameter_value(f"Network interface '{eni.id}' is currently in use.")
    release_public_ips(ctx, eni)
    ctx.world.remove(eni.id)


@action
def attach_network_interface(ctx: Ctx, *, network_interface_id: str, instance_id: str,
                             device_index: int) -> NetworkInterface:
    """AttachNetworkInterface: a detached interface, same Availability Zone, a free device index,
    within the instance type's interface limit."""
    eni = ctx.require(NetworkInterface, network_interface_id)
    ctx.require_owner(eni)
    inst = ctx.require(Instance, instance_id)
    if eni.attachment_id or eni.requester_managed or eni.status == "in-use":
        raise AwsError("InvalidNetworkInterface.InUse", f"Interface: [{eni.id}] in use.")
    if inst.state not in ("running", "stopped"):
        raise AwsError("IncorrectInstanceState",
                       f"The instance '{inst.id}' is not in a valid state for this operation.")
    if device_index < 0:
        raise invalid_parameter_value(
                       f"Value ({device_index}) for parameter deviceIndex is invalid. Value must be a "
                       "non-negative integer.")
    if eni.availability_zone != inst.availability_zone:
        raise AwsError("InvalidParameterCombination",
                       "You may not attach a network interface to an instance if they are not in the same "
                       "availability zone")
    attached = [e for e in (ctx.world.get(i, NetworkInterface) for i in inst.network_interface_ids) if e]
    if any(e.device_index == device_index for e in attached):
        raise invalid_parameter_value(
                       f"Instance '{inst.id}' already has an interface attached at device index "
                       f"'{device_index}'.")
    itype = INSTANCE_TYPES.get(inst.instance_type)
    if itype is not None and len(attached) + 1 > itype.max_network_interfaces:
        raise AwsError("AttachmentLimitExceeded",
                       f"Interface count {len(attached) + 1} exceeds the limit for {inst.instance_type}")
    # an interface with more addresses than the instance type allows per interface: whether AWS
    # refuses the attachment is undocumented; vpclab refuses it (the conservative reading)
    check_ip_limit(len(eni.private_ip_addresses), itype.ipv4_per_interface if itype else None)
    return attach(ctx, eni, inst, device_index, delete_on_termination=False)


def attach(ctx: Ctx, eni: NetworkInterface, inst: Instance, device_index: int, *,
           delete_on_termination: bool) -> NetworkInterface:
    """Record an attachment on both sides (no rule checks)."""
    eni = ctx.world.put(replace(eni, attachment_id=ctx.new_id("network_interface_attachment"),
                                instance_id=inst.id,
                                device_index=device_index, status="in-use",
                                delete_on_termination=delete_on_termination))
    current = ctx.world.get(inst.id, Instance) or inst
    ctx.world.put(replace(current, network_interface_ids=(*current.network_interface_ids, eni.id)))
    _sync_addresses(ctx, eni.id, inst.id)
    return eni


def detach(ctx: Ctx, eni: NetworkInterface) -> NetworkInterface:
    """Remove an attachment on both sides (no rule checks)."""
    inst = ctx.world.get(eni.instance_id, Instance) if eni.instance_id else None
    if inst is not None:
        ctx.world.put(replace(inst, network_interface_ids=tuple(i for i in inst.network_interface_ids
                                                                if i != eni.id)))
    _sync_addresses(ctx, eni.id, None)
    return ctx.world.put(replace(eni, attachment_id=None, instance_id=None, device_index=None,
                                 status="available",
                                 delete_on_termination=False))


def _sync_addresses(ctx: Ctx, eni_id: str, instance_id: str | None) -> None:
    """An Elastic IP on an interface follows it onto (and off) the instance it attaches to."""
    for addr in list(ctx.world.all(Address)):
        if addr.network_interface_id == eni_id and addr.instance_id != instance_id:
            ctx.world.put(replace(addr, instance_id=instance_id))


@action
def detach_network_interface(ctx: Ctx, *, attachment_id: str, force: bool = False) -> None:
    """DetachNetworkInterface: not the primary interface (device index 0), not an attachment AWS
    manages for a service."""
    eni = find_attachment(ctx, attachment_id)
    ctx.require_owner(eni)
    if eni.requester_managed:
        raise AwsError("OperationNotPermitted", "You are not allowed to manage 'ela-attach' attachments.")
    if eni.device_index == 0:
        raise AwsError("OperationNotPermitted",
                       "The network interface at device index 0 and networkCard index 0 cannot be detached.")
    detach(ctx, eni)


@action
def modify_network_interface_attribute(ctx: Ctx, *, network_interface_id: str,
                                       groups: Sequence[str] | None = None,
                                       source_dest_check: bool | None = None,
                                       description: str | None = None) -> NetworkInterface:
    """ModifyNetworkInterfaceAttribute: one attribute per call (AWS API reference)."""
    check_text("Description", description)
    eni = ctx.require(NetworkInterface, network_interface_id)
    ctx.require_owner(eni)
    given: dict[str, Any] = {k: v for k, v in (("groups", groups), ("source_dest_check", source_dest_check),
                               ("description", description)) if v is not None}
    if len(given) != 1:
        raise AwsError("InvalidParameterCombination", "Only one attribute may be modified per request.")
    if groups is not None:
        if not groups:
            raise AwsError("MissingParameter", "The request must contain the parameter groupId")
        subnet = ctx.world.get(eni.subnet_id, Subnet)
        assert subnet is not None
        given["groups"] = resolve_groups(ctx, subnet, groups)
    eni = ctx.world.put(replace(eni, **given))
    if source_dest_check is not None and eni.device_index == 0 and eni.instance_id:
        # the primary interface's flag is the instance's flag
        inst = ctx.world.get(eni.instance_id, Instance)
        if inst is not None:
            ctx.world.put(replace(inst, source_dest_check=source_dest_check))
    return eni


@action
def assign_private_ip_addresses(ctx: Ctx, *, network_interface_id: str,
                                private_ip_addresses: Sequence[str] | None = None,
                                secondary_private_ip_address_count: int | None = None,
                                allow_reassignment: bool = False) -> NetworkInterface:
    """AssignPrivateIpAddresses: specific secondary addresses or a count; within the attached
    instance type's addresses-per-interface limit; ``allow_reassignment`` moves a secondary
    address from another interface in the subnet."""
    eni = ctx.require(NetworkInterface, network_interface_id)
    ctx.require_owner(eni)
    if (private_ip_addresses is None) == (secondary_private_ip_address_count is None):
        raise AwsError("InvalidParameterCombination",
                       "Either privateIpAddresses or secondaryPrivateIpAddressCount "
                       "must be specified, but not both.")
    subnet = ctx.world.get(eni.subnet_id, Subnet)
    assert subnet is not None
    if subnet.ipv6_native:
        raise ipv6_only_error(subnet)
    wanted = list(private_ip_addresses or [])
    count = len(wanted) if private_ip_addresses is not None else (secondary_private_ip_address_count or 0)
    # AWS enforces the limit of the instance type an interface is attached to; a detached
    # interface is held to the most any instance type allows (MAX_IPV4_PER_INTERFACE), checked
    # before any address is taken.
    if count < 0:
        raise invalid_parameter_value(
                       f"Value ({count}) for parameter secondaryPrivateIpAddressCount is invalid. "
                       "Value must be a non-negative integer.")
    check_ip_limit(len(eni.private_ip_addresses) + count, ip_limit(ctx, eni))
    new: list[str] = []
    taken: set[IPv4Address] = set()
    if private_ip_addresses is not None:
        for ip in wanted:
            holder = _holder(ctx, subnet, ip)
            if holder is not None and allow_reassignment and holder.id != eni.id \
                    and ip in holder.secondary_private_ip_addresses:
                release_public_ips(ctx, holder, [ip])
                ctx.world.put(replace(holder, secondary_private_ip_addresses=tuple(
                    a for a in holder.secondary_private_ip_addresses if a != ip)))
            elif holder is not None and holder.id != eni.id:
                # the page's Resource.AlreadyAssigned: "The specified private IP address is already
                # assigned to a resource. Unassign the private IP first, or use a different private
                # IP address" (AllowReassignment moves a secondary address; a primary one never moves)
                raise AwsError("Resource.AlreadyAssigned",
                               f"The private IP address {ip} is already assigned to {holder.id}.")
            new.append(allocate_private_ip(ctx, subnet, ip, taken=taken))
            taken.add(IPv4Address(ip))
    else:
        pool = AddressPool(ctx, subnet)
        if pool.free() < count:
            raise insufficient_addresses(subnet, NOT_ENOUGH_FOR_INTERFACE)
        new = [pool.take(NOT_ENOUGH_FOR_INTERFACE) for _ in range(count)]
    eni = ctx.world.get(eni.id, NetworkInterface) or eni
    secondary = (*eni.secondary_private_ip_addresses, *new)
    return ctx.world.put(replace(eni, secondary_private_ip_addresses=secondary))


def _holder(ctx: Ctx, subnet: Subnet, ip: str) -> NetworkInterface | None:
    for eni in ctx.world.in_vpc(subnet.vpc_id, NetworkInterface):
        if eni.subnet_id == subnet.id and ip in eni.private_ip_addresses:
            return eni
    return None


@action
def unassign_private_ip_addresses(ctx: Ctx, *, network_interface_id: str,
                                  private_ip_addresses: Sequence[str]) -> NetworkInterface:
    """UnassignPrivateIpAddresses: only secondary addresses of this interface; an Elastic IP
    associated with one of them is disassociated (AWS API reference)."""
    eni = ctx.require(NetworkInterface, network_interface_id)
    ctx.require_owner(eni)
    if not private_ip_addresses:
        raise AwsError("MissingParameter", "The request must contain the parameter privateIpAddress")
    if any(ip not in eni.secondary_private_ip_addresses for ip in private_ip_addresses):
        raise invalid_parameter_value(
                       f"Some of the specified addresses are not assigned to interface {eni.id}")
    release_public_ips(ctx, eni, list(private_ip_addresses))
    eni = ctx.world.get(eni.id, NetworkInterface) or eni
    return ctx.world.put(replace(eni, secondary_private_ip_addresses=tuple(
        a for a in eni.secondary_private_ip_addresses if a not in private_ip_addresses)))



@action
def assign_ipv6_addresses(ctx: Ctx, *, network_interface_id: str, ipv6_address_count: int | None = None,
                          ipv6_addresses: Sequence[str] | None = None,
                          ) -> tuple[NetworkInterface, tuple[str, ...]]:
    """AssignIpv6Addresses: a count or specific addresses from the subnet's /64, within the attached
    instance type's IPv6 addresses per interface (the same figure as IPv4: AWS's table "IP addresses
    per network interface per instance type")."""
    eni = ctx.require(NetworkInterface, network_interface_id)
    ctx.require_owner(eni)
    if ipv6_address_count is None and ipv6_addresses is None:
        raise AwsError("MissingParameter",
                       "Either 'ipv6AddressCount' or 'ipv6Addresses' should be provided.")
    subnet = ctx.world.get(eni.subnet_id, Subnet)
    assert subnet is not None
    limit = ip_limit(ctx, eni)
    new = ipv6.take_addresses(ctx, subnet, ipv6_address_count, ipv6_address_list(ipv6_addresses),
                              held=len(eni.ipv6_addresses),
                              limit=MAX_IPV4_PER_INTERFACE if limit is None else limit)
    eni = ctx.world.put(replace(eni, ipv6_addresses=(*eni.ipv6_addresses, *new)))
    sync_instance_ipv6(ctx, eni)
    return eni, new


@action
def unassign_ipv6_addresses(ctx: Ctx, *, network_interface_id: str,
                            ipv6_addresses: Sequence[str]) -> tuple[NetworkInterface, tuple[str, ...]]:
    """UnassignIpv6Addresses: addresses this interface holds (they return to the subnet's pool)."""
    eni = ctx.require(NetworkInterface, network_interface_id)
    ctx.require_owner(eni)
    if not ipv6_addresses:
        raise AwsError("MissingParameter", "The request must contain the parameter ipv6Addresses")
    wanted = [str(ipv6.parse_ipv6_address(a)) for a in ipv6_addresses]
    if any(a not in eni.ipv6_addresses for a in wanted):
        raise invalid_parameter_value(
            f"Some of the specified addresses are not assigned to interface {eni.id}")
    kept = tuple(a for a in eni.ipv6_addresses if a not in wanted)
    primary = eni.primary_ipv6_address if eni.primary_ipv6_address in kept else None
    eni = ctx.world.put(replace(eni, ipv6_addresses=kept, primary_ipv6_address=primary))
    sync_instance_ipv6(ctx, eni)
    return eni, tuple(wanted)


def sync_instance_ipv6(ctx: Ctx, eni: NetworkInterface) -> None:
    """An instance's ``Ipv6Address`` is its primary interface's primary (else first) IPv6 address."""
    if eni.instance_id is None or eni.device_index != 0:
        return
    inst = ctx.world.get(eni.instance_id, Instance)
    if inst is None:
        return
    address = eni.primary_ipv6_address or (eni.ipv6_addresses[0] if eni.ipv6_addresses else None)
    if inst.ipv6_address != address:
        ctx.world.put(replace(inst, ipv6_address=address))
