"""IPv6 addressing shared by the VPC, subnet and interface families: parsing IPv6 CIDR blocks with
AWS's errors, Amazon-provided /56 blocks for VPCs, and addresses from a subnet's /64.

Allocation is deterministic under the World's seed (it draws from the World's id generator) and
never collides: a /56 is unique across the whole World (every account and Region: Amazon's pool is
global), an address is unique within its /64.

AWS docs: "IPv6 VPC CIDR blocks" and "Subnet CIDR blocks" (Amazon VPC User Guide).
"""

from __future__ import annotations

from dataclasses import replace
from ipaddress import IPv6Address, IPv6Network

from ..core.errors import AwsError, invalid_parameter_value
from ..model.interfaces import NetworkInterface
from ..model.network_acl import ACL_FINAL_RULE_IPV6, NetworkAclEntry
from ..model.regions import REGIONS
from ..model.security_group import SecurityGroupRule
from ..model.subnet import Subnet
from ..model.vpc import Vpc
from .context import Ctx
from .subnet_cidr_reservation import in_any, reserved_ipv6

#: AWS: "The IPv6 CIDR block for the VPC is a fixed /56" and a subnet's is "a fixed /64".
VPC_IPV6_PREFIX = 56
SUBNET_IPV6_PREFIX = 64

#: Amazon's IPv6 pool per Region, from which Amazon-provided /56 blocks are drawn. ILLUSTRATIVE:
#: the prefixes are the /32s AWS is commonly seen to allocate VPC blocks from in each Region
#: (e.g. 2600:1f18::/32 in us-east-1), but AWS publishes no such table and uses several per
#: Region; vpclab takes one /32 per Region so that blocks look plausible and never collide.
REGION_POOLS: dict[str, IPv6Network] = {
    region: IPv6Network(prefix) for region, prefix in {
        "us-east-1": "2600:1f18::/32",
        "us-east-2": "2600:1f16::/32",
        "us-west-1": "2600:1f1c::/32",
        "us-west-2": "2600:1f14::/32",
        "ca-central-1": "2600:1f11::/32",
        "sa-east-1": "2600:1f1e::/32",
        "eu-west-1": "2a05:d018::/32",
        "eu-west-2": "2a05:d01c::/32",
        "eu-west-3": "2a05:d012::/32",
        "eu-central-1": "2a05:d014::/32",
        "eu-north-1": "2a05:d016::/32",
        "ap-south-1": "2406:da1a::/32",
        "ap-southeast-1": "2406:da18::/32",
        "ap-southeast-2": "2406:da1c::/32",
        "ap-northeast-1": "2406:da14::/32",
        "ap-northeast-2": "2406:da12::/32",
    }.items()
}
assert set(REGION_POOLS) == set(REGIONS), "every modelled Region needs an IPv6 pool"

#: AWS reserves the first four addresses and the last one of every subnet CIDR block, IPv6 too
#: ("Subnet CIDR blocks": "The first four IPv6 addresses and the last IPv6 address in each subnet
#: CIDR block are not available for your use").
IPV6_RESERVED_LOW = 4


def parse_ipv6_address(value: str | None, parameter: str = "ipv6Addresses") -> IPv6Address:
    try:
        return IPv6Address(value or "")
    except ValueError:
        raise invalid_parameter_value(
            f"Value ({value}) for parameter {parameter} is invalid. Invalid format.") from None


def vpc_block_taken(ctx: Ctx, block: str) -> bool:
    """Whether any VPC of the World (any account, any Region) holds this IPv6 block."""
    return ctx.world.holds_block(Vpc, block)


def allocate_vpc_block(ctx: Ctx) -> str:
    """A fresh Amazon-provided /56 from the Region's pool (random under the World's seed)."""
    pool = REGION_POOLS[ctx.region]
    bits = VPC_IPV6_PREFIX - pool.prefixlen  # 24: 16.7 million /56 blocks per /32
    for _ in range(1000):
        n = int(ctx.world.ids.hex((bits + 3) // 4), 16) & ((1 << bits) - 1)
        net = IPv6Network((int(pool.network_address) | (n << (128 - VPC_IPV6_PREFIX)), VPC_IPV6_PREFIX))
        if not vpc_block_taken(ctx, str(net)):
            return str(net)
    # 1000 draws all taken means the pool is essentially full: AWS's wording is undocumented
    raise AwsError("InsufficientCidrBlocks",
                   "There are not enough free IPv6 CIDR blocks to satisfy the request.")


def used_ipv6(ctx: Ctx, subnet: Subnet) -> set[IPv6Address]:
    """IPv6 addresses held in a subnet by its interfaces."""
    used: set[IPv6Address] = set()
    for eni in ctx.world.in_vpc(subnet.vpc_id, NetworkInterface):
        if eni.subnet_id == subnet.id:
            used.update(IPv6Address(a) for a in eni.ipv6_addresses)
    return used


def is_reserved_ipv6(net: IPv6Network, addr: IPv6Address) -> bool:
    offset = int(addr) - int(net.network_address)
    return offset < IPV6_RESERVED_LOW or addr == net.broadcast_address


#: random draws before a pool whose /64 is all but reserved gives up
TAKE_ATTEMPTS = 4096


class Ipv6Pool:
    """Free addresses of a subnet's /64, drawn at random under the World's seed (AWS hands out
    addresses from across the /64, not in order), never one in use, reserved, or already drawn."""

    def __init__(self, ctx: Ctx, subnet: Subnet, taken: set[IPv6Address] | None = None) -> None:
        net = subnet.ipv6_network
        assert net is not None
        self.ctx, self.net, self.subnet_id = ctx, net, subnet.id
        self.used = used_ipv6(ctx, subnet) | (taken or set())
        #: the subnet's IPv6 CIDR reservations: never assigned automatically
        self.kept = reserved_ipv6(ctx, subnet)

    def take(self) -> str:
        host_bits = 128 - self.net.prefixlen
        # a random draw lands outside the subnet's IPv6 CIDR reservations unless they cover nearly all
        # of the /64: bounded, so a /64 reserved whole answers AWS's error instead of spinning
        for _ in range(TAKE_ATTEMPTS):
            n = int(self.ctx.world.ids.hex((host_bits + 3) // 4), 16) & ((1 << host_bits) - 1)
            addr = IPv6Address(int(self.net.network_address) | n)
            if addr not in self.used and not is_reserved_ipv6(self.net, addr) and not in_any(addr, self.kept):
                self.used.add(addr)
                return str(addr)
        raise AwsError("InsufficientFreeAddressesInSubnet",
                       f"There are not enough free IPv6 addresses in subnet '{self.subnet_id}'.")

    def claim(self, requested: str, parameter: str = "ipv6Addresses") -> str:
        """A specific address: inside the /64, not reserved, not in use (AWS's errors otherwise)."""
        addr = parse_ipv6_address(requested, parameter)
        if addr not in self.net or is_reserved_ipv6(self.net, addr):
            # AWS's wording for an IPv6 address outside the subnet is undocumented; vpclab uses
            # the IPv4 wording of the same mistake
            raise invalid_parameter_value("Address does not fall within the subnet's address range")
        if addr in self.used:
            raise AwsError("InvalidIPAddress.InUse", "The specified address is already in use.")
        self.used.add(addr)
        return str(addr)


def ipv6_egress_rule(ctx: Ctx, group_id: str) -> SecurityGroupRule:
    """The all-outbound IPv6 rule (``::/0``) AWS gives the default security group of a VPC with an
    IPv6 block, and every security group created in such a VPC (AWS: "Default security groups for
    your VPCs"; "Security group rules")."""
    return SecurityGroupRule(security_group_rule_id=ctx.new_id("security_group_rule"), group_id=group_id,
                             is_egress=True, ip_protocol="-1", cidr_ipv6="::/0")


def ipv6_final_entries() -> tuple[NetworkAclEntry, ...]:
    """The IPv6 ``*`` deny of each direction (rule number 32768 in the API)."""
    return tuple(NetworkAclEntry(rule_number=ACL_FINAL_RULE_IPV6, egress=egress, protocol="-1",
                                 rule_action="deny", cidr_block=None, ipv6_cidr_block="::/0")
                 for egress in (False, True))


def interface_ipv6_limit_error(limit: int) -> AwsError:
    # AWS's code and wording for too many IPv6 addresses on one interface are undocumented
    return invalid_parameter_value(
        f"You can assign a maximum of {limit} IPv6 addresses to this network interface.")


def take_addresses(ctx: Ctx, subnet: Subnet, count: int | None, addresses: list[str] | None, *,
                   held: int = 0, limit: int, taken: set[IPv6Address] | None = None) -> tuple[str, ...]:
    """IPv6 addresses for an interface in ``subnet``: ``count`` drawn at random or the ``addresses``
    asked for (not both), within ``limit`` per interface (``held`` already held), from the /64."""
    if count is not None and addresses is not None:
        raise AwsError("InvalidParameterCombination",
                       "Only one of ipv6AddressCount and ipv6Addresses may be specified.")
    n = len(addresses) if addresses is not None else (count or 0)
    if n < 0:
        raise invalid_parameter_value(
            f"Value ({n}) for parameter ipv6AddressCount is invalid. Value must be a non-negative integer.")
    if n == 0:
        return ()
    if subnet.ipv6_network is None:
        # undocumented wording: the subnet has no /64 to draw from
        raise AwsError("InvalidParameterValue",
                       f"The subnet '{subnet.id}' does not have an associated IPv6 CIDR block.")
    if held + n > limit:
        raise interface_ipv6_limit_error(limit)
    pool = Ipv6Pool(ctx, subnet, taken)
    if addresses is not None:
        out = tuple(pool.claim(a) for a in addresses)
    else:
        out = tuple(pool.take() for _ in range(n))
    if taken is not None:
        taken.update(IPv6Address(a) for a in out)
    return out


def set_managed_ipv6(ctx: Ctx, eni_id: str, enabled: bool) -> None:
    """Give an interface AWS manages (endpoint, load balancer) one IPv6 address from its subnet's /64,
    or take its IPv6 addresses away: what a dualstack endpoint or load balancer has in each subnet."""
    eni = ctx.world.get(eni_id, NetworkInterface)
    if eni is None or bool(eni.ipv6_addresses) == enabled:
        return
    if not enabled:
        ctx.world.put(replace(eni, ipv6_addresses=(), primary_ipv6_address=None))
        return
    subnet = ctx.world.get(eni.subnet_id, Subnet)
    assert subnet is not None
    ctx.world.put(replace(eni, ipv6_addresses=take_addresses(ctx, subnet, 1, None, limit=1)))
