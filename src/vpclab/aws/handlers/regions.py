"""DescribeRegions and DescribeAvailabilityZones, with AWS's real zone names and zone ids."""

from __future__ import annotations

from typing import Any

from ...core.errors import invalid_parameter_value
from ...model.base import Resource
from ...model.regions import REGIONS, AvailabilityZone
from ..describe import Kind, describe_handler
from ..registry import Call


def _region_shape(world: Any, name: str) -> dict[str, Any]:
    return {"Endpoint": f"ec2.{name}.amazonaws.com", "RegionName": name, "OptInStatus": "opt-in-not-required"}


def _zone_shape(world: Any, az: AvailabilityZone) -> dict[str, Any]:
    return {
        "State": "available",
        "OptInStatus": "opt-in-not-required",
        "Messages": [],
        "RegionName": az.region_name,
        "ZoneName": az.zone_name,
        "ZoneId": az.zone_id,
        "GroupName": az.region_name,
        "NetworkBorderGroup": az.region_name,
        "ZoneType": "availability-zone",
    }


describe_handler(
    "DescribeRegions",
    Kind(
        Resource,
        key="Regions",
        ids="RegionNames",
        shape=_region_shape,
        source=lambda call: list(REGIONS),
        item_id=lambda name: name,
        # AWS's code for an unknown Region name; the message is vpclab's (undocumented)
        not_found=("InvalidParameterValue", "Invalid region: {id}"),
        filters={
            "region-name": lambda w, r: r,
            "endpoint": lambda w, r: f"ec2.{r}.amazonaws.com",
            "opt-in-status": lambda w, r: "opt-in-not-required",
        },
    ),
)


def _zones(call: Call) -> list[AvailabilityZone]:
    zones = list(REGIONS[call.region])
    ids = call.params.get("ZoneIds")
    if ids:  # ZoneIds select like ZoneNames do
        known = {z.zone_id for z in zones}
        for zid in ids:
            if zid not in known:
                raise invalid_parameter_value(f"The zone ID '{zid}' does not exist.")
        zones = [z for z in zones if z.zone_id in set(ids)]
    return zones


_ZONE_FILTERS = {
    "zone-name": lambda w, z: z.zone_name,
    "zone-id": lambda w, z: z.zone_id,
    "region-name": lambda w, z: z.region_name,
    "state": lambda w, z: "available",
    "zone-type": lambda w, z: "availability-zone",
    "group-name": lambda w, z: z.region_name,
    "opt-in-status": lambda w, z: "opt-in-not-required",
}

describe_handler(
    "DescribeAvailabilityZones",
    Kind(
        Resource,
        key="AvailabilityZones",
        ids="ZoneNames",
        shape=_zone_shape,
        source=_zones,
        item_id=lambda z: z.zone_name,
        # AWS's code for an unknown zone name; the message is vpclab's (undocumented)
        not_found=("InvalidParameterValue", "The zone '{id}' does not exist."),
        filters=_ZONE_FILTERS,
    ),
)
