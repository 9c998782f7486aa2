"""Subnet CIDR reservations: CreateSubnetCidrReservation, DeleteSubnetCidrReservation, and the ranges
automatic address assignment skips.

AWS docs: Amazon VPC User Guide "Subnet CIDR reservations"
(https://docs.aws.amazon.com/vpc/latest/userguide/subnet-cidr-reservation.html): a reservation is a
range of a subnet's IPv4 or IPv6 addresses that AWS does not assign to network interfaces
automatically; ``explicit``: you assign its addresses yourself; ``prefix``: AWS assigns them as
prefixes (prefix delegation). The API reference (CreateSubnetCidrReservation) takes the subnet, the
CIDR (IPv4 or IPv6), the type, a description and tags.

Undocumented by AWS, chosen conservatively here (each with its own message, AWS's usual codes):
a reservation must lie inside the subnet's block of its family; two reservations of one subnet may
not overlap; only the subnet's owner reserves (a participant of a shared subnet cannot); a manual
assignment inside either type of reservation is allowed (AWS documents only that AWS itself skips
the range). Deleting a subnet deletes its reservations.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

from ..core.errors import AwsError, invalid_parameter_value
from ..model.base import Tags
from ..model.subnet import Subnet, SubnetCidrReservation
from .cidr import parse_cidr, parse_ipv6_cidr
from .context import Ctx
from .registry import action
from .text import check_text

RESERVATION_TYPES = ("prefix", "explicit")


def reservations(ctx: Ctx, subnet: Subnet) -> Iterator[SubnetCidrReservation]:
    """The subnet's reservations, in creation order."""
    return (r for r in ctx.world.in_vpc(subnet.vpc_id, SubnetCidrReservation) if r.subnet_id == subnet.id)


def reserved_ipv4(ctx: Ctx, subnet: Subnet) -> list[IPv4Network]:
    """The subnet's reserved IPv4 ranges: automatic assignment takes no address from them."""
    return [n for r in reservations(ctx, subnet) if isinstance(n := r.network, IPv4Network)]


def reserved_ipv6(ctx: Ctx, subnet: Subnet) -> list[IPv6Network]:
    """The subnet's reserved IPv6 ranges: automatic assignment takes no address from them."""
    return [n for r in reservations(ctx, subnet) if isinstance(n := r.network, IPv6Network)]


def in_any(addr: IPv4Address | IPv6Address, ranges: list[IPv4Network] | list[IPv6Network]) -> bool:
    return any(addr in net for net in ranges)


@action
def create_subnet_cidr_reservation(ctx: Ctx, *, subnet_id: str, cidr: str, reservation_type: str,
                                   description: str | None = None,
                                   tags: Mapping[str, str] | None = None) -> SubnetCidrReservation:
    """CreateSubnetCidrReservation: an IPv4 or IPv6 CIDR inside the subnet's block of that family, of
    type ``prefix`` or ``explicit``, overlapping none of the subnet's other reservations."""
    subnet = ctx.require(Subnet, subnet_id)
    ctx.require_owner(subnet)
    if reservation_type not in RESERVATION_TYPES:
        raise invalid_parameter_value(
            f"Value ({reservation_type}) for parameter reservationType is invalid. "
            f"Valid values: {', '.join(RESERVATION_TYPES)}.")
    check_text("description", description)
    net: IPv4Network | IPv6Network
    block: IPv4Network | IPv6Network | None
    if ":" in (cidr or ""):
        net, block = parse_ipv6_cidr(cidr, "cidr"), subnet.ipv6_network
    else:
        net, block = parse_cidr(cidr, "cidr"), subnet.network
    if block is None or not net.subnet_of(block):  # type: ignore[arg-type]
        where = f"the subnet's CIDR block {block}" if block is not None else (
            f"a CIDR block of subnet '{subnet.id}' (it has no IPv{net.version} block)")
        raise invalid_parameter_value(f"The CIDR '{net}' is not within {where}.")
    for other in reservations(ctx, subnet):
        if other.network.version == net.version and other.network.overlaps(net):
            raise invalid_parameter_value(
                f"The CIDR '{net}' overlaps the subnet CIDR reservation {other.id} ({other.cidr}).")
    return ctx.world.put(SubnetCidrReservation(
        id=ctx.new_id("subnet_cidr_reservation"), owner_id=ctx.account_id, region=subnet.region,
        tags=Tags(tags), vpc_id=subnet.vpc_id, subnet_id=subnet.id, cidr=str(net),
        reservation_type=reservation_type, description=description or ""))


@action
def delete_subnet_cidr_reservation(ctx: Ctx, *, subnet_cidr_reservation_id: str) -> SubnetCidrReservation:
    """DeleteSubnetCidrReservation: the reservation as it was (AWS answers it as
    ``DeletedSubnetCidrReservation``); its addresses are assignable again."""
    found = ctx.require(SubnetCidrReservation, subnet_cidr_reservation_id)
    if found.owner_id != ctx.account_id:
        code, message = SubnetCidrReservation.NOT_FOUND
        raise AwsError(code, message.format(id=found.id))
    ctx.world.remove(found.id)
    return found


def delete_with_subnet(ctx: Ctx, subnet: Subnet) -> None:
    """DeleteSubnet removes the subnet's reservations with it."""
    for res in list(reservations(ctx, subnet)):
        ctx.world.remove(res.id)
