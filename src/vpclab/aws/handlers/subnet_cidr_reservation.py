"""Subnet CIDR reservations (Create/Get/DeleteSubnetCidrReservation).

AWS API reference: CreateSubnetCidrReservation, GetSubnetCidrReservations (the subnet's IPv4 and IPv6
reservations in two lists; filters ``reservationType``, ``subnet-id``, ``owner-id``, tags),
DeleteSubnetCidrReservation (answers the reservation it deleted).
"""

from __future__ import annotations

from ipaddress import IPv4Network
from typing import Any

from ...core.errors import AwsError
from ...model.subnet import Subnet, SubnetCidrReservation
from ...model.world import World
from .. import shapes
from ..describe import Kind, page, select
from ..registry import Call, handler, mutating


def reservation(world: World, res: SubnetCidrReservation) -> dict[str, Any]:
    """boto3's SubnetCidrReservation."""
    out = {
        "SubnetCidrReservationId": res.id,
        "SubnetId": res.subnet_id,
        "Cidr": res.cidr,
        "ReservationType": res.reservation_type,
        "OwnerId": res.owner_id,
        "Description": res.description or None,
    }
    return shapes.drop_none(shapes.with_tags(out, res))


RESERVATION_FILTERS = {
    "reservationType": lambda w, r: r.reservation_type,
    "subnet-id": lambda w, r: r.subnet_id,
}

mutating("CreateSubnetCidrReservation", returns=reservation,
         tag_type=SubnetCidrReservation.RESOURCE_TYPE)
mutating("DeleteSubnetCidrReservation", returns=reservation, key="DeletedSubnetCidrReservation")


@handler("GetSubnetCidrReservations")
def get_subnet_cidr_reservations(call: Call) -> dict[str, Any]:
    """The subnet's reservations (the subnet must exist and be visible: InvalidSubnetID.NotFound),
    IPv4 and IPv6 apart; MaxResults (5–1000) pages over both, IPv4 first."""
    subnet_id = call.params["SubnetId"]
    subnet = call.world.get(subnet_id, Subnet)
    if subnet is None or not subnet.visible_to(call.world, call.account_id, call.region):
        code, message = Subnet.NOT_FOUND
        raise AwsError(code, message.format(id=subnet_id))
    kind = Kind(SubnetCidrReservation, key="", shape=reservation, filters=RESERVATION_FILTERS,
                source=lambda c: (r for r in c.world.in_vpc(subnet.vpc_id, SubnetCidrReservation)
                                  if r.subnet_id == subnet.id and r.owner_id == c.account_id))
    found = select(call, kind)
    ordered = [r for r in found if isinstance(r.network, IPv4Network)]
    ordered += [r for r in found if not isinstance(r.network, IPv4Network)]
    items, token = page(call, ordered, lambda r: r.id)
    out: dict[str, Any] = {
        "SubnetIpv4CidrReservations": [reservation(call.world, r) for r in items
                                       if isinstance(r.network, IPv4Network)],
        "SubnetIpv6CidrReservations": [reservation(call.world, r) for r in items
                                       if not isinstance(r.network, IPv4Network)],
    }
    if token:
        out["NextToken"] = token
    return out


get_subnet_cidr_reservations.via = "describe " + ", ".join(sorted(RESERVATION_FILTERS))  # type: ignore[attr-defined]
