"""Network interfaces, instances and Elastic IP addresses.

``allocate_private_ip`` and ``create_managed_interface`` are the shared ways every family that
puts an interface in a subnet (NAT gateways, endpoints, TGW attachments, load balancers) takes
an address, so addresses are never handed out twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Address

from ..errors import AwsError
from ..model.interfaces import NetworkInterface
from ..model.subnet import Subnet
from .context import Ctx


def used_ips(ctx: Ctx, subnet: Subnet) -> set[IPv4Address]:
    """Addresses taken in a subnet: by interfaces, plus AWS's five reserved."""
    used = set(subnet.reserved())
    for eni in ctx.world.in_vpc(subnet.vpc_id, NetworkInterface):
        if eni.subnet_id == subnet.id:
            used.update(IPv4Address(ip) for ip in eni.private_ip_addresses)
    return used


def allocate_private_ip(ctx: Ctx, subnet: Subnet, requested: str | None = None) -> str:
    """The requested address if free and in range, else the lowest free one (AWS's errors otherwise)."""
    used = used_ips(ctx, subnet)
    if requested is not None:
        try:
            addr = IPv4Address(requested)
        except ValueError:
            raise AwsError("InvalidParameterValue",
                           f"Value ({requested}) for parameter privateIpAddress is invalid. Invalid format.") from None
        if addr not in subnet.network or addr in subnet.reserved():
            raise AwsError("InvalidParameterValue",
                           f"Address {requested} does not fall within the subnet's address range")
        if addr in used:
            raise AwsError("InvalidIPAddress.InUse", "The specified address is already in use.")
        return requested
    for addr in subnet.network.hosts():
        if addr not in used:
            return str(addr)
    raise AwsError("InsufficientFreeAddressesInSubnet",
                   "There are not enough free addresses in subnet '%s' to satisfy the requested number of instances."
                   % subnet.id)


def create_managed_interface(ctx: Ctx, subnet: Subnet, *, interface_type: str, description: str,
                             groups: Sequence[str] = (), requester_id: str = "amazon-elb",
                             private_ip_address: str | None = None, owner_id: str | None = None) -> NetworkInterface:
    """An interface AWS creates on the user's behalf (NAT gateway, endpoint, TGW attachment, NLB)."""
    return ctx.world.put(NetworkInterface(
        id=ctx.new_id("network_interface"), owner_id=owner_id or ctx.account_id, region=subnet.region,
        vpc_id=subnet.vpc_id, subnet_id=subnet.id, availability_zone=subnet.availability_zone,
        private_ip_address=allocate_private_ip(ctx, subnet, private_ip_address),
        groups=tuple(groups), interface_type=interface_type, description=description,
        status="in-use", requester_id=requester_id, requester_managed=True,
        source_dest_check=interface_type not in ("nat_gateway", "transit_gateway"),
    ))
