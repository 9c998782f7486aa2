"""AWS Regions and their Availability Zones, with AWS's real zone names and zone ids.

AWS maps zone names to zone ids per account; vpclab uses one fixed mapping for every account
(documented in docs/concepts.md), which is what a lab needs: the same name always means the
same zone.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"


@dataclass(frozen=True, slots=True)
class AvailabilityZone:
    zone_name: str
    zone_id: str
    region_name: str


def _zones(region: str, short: str, letters: str,
           ids: tuple[int, ...] | None = None) -> tuple[AvailabilityZone, ...]:
    ids = ids or tuple(range(1, len(letters) + 1))
    return tuple(AvailabilityZone(f"{region}{letter}", f"{short}-az{n}", region)
                 for letter, n in zip(letters, ids, strict=True))


#: region name → its Availability Zones, in name order.
REGIONS: dict[str, tuple[AvailabilityZone, ...]] = {
    "us-east-1": _zones("us-east-1", "use1", "abcdef"),
    "us-east-2": _zones("us-east-2", "use2", "abc"),
    "us-west-1": _zones("us-west-1", "usw1", "ac", (1, 3)),
    "us-west-2": _zones("us-west-2", "usw2", "abcd"),
    "ca-central-1": _zones("ca-central-1", "cac1", "abd", (1, 2, 4)),
    "sa-east-1": _zones("sa-east-1", "sae1", "abc"),
    "eu-west-1": _zones("eu-west-1", "euw1", "abc"),
    "eu-west-2": _zones("eu-west-2", "euw2", "abc"),
    "eu-west-3": _zones("eu-west-3", "euw3", "abc"),
    "eu-central-1": _zones("eu-central-1", "euc1", "abc"),
    "eu-north-1": _zones("eu-north-1", "eun1", "abc"),
    "ap-south-1": _zones("ap-south-1", "aps1", "abc"),
    "ap-southeast-1": _zones("ap-southeast-1", "apse1", "abc"),
    "ap-southeast-2": _zones("ap-southeast-2", "apse2", "abc"),
    "ap-northeast-1": _zones("ap-northeast-1", "apne1", "acd", (4, 1, 2)),
    "ap-northeast-2": _zones("ap-northeast-2", "apne2", "abcd"),
}

_BY_NAME = {az.zone_name: az for zones in REGIONS.values() for az in zones}
_BY_ID = {az.zone_id: az for zones in REGIONS.values() for az in zones}


def is_region(name: str) -> bool:
    return name in REGIONS


def zone(name_or_id: str) -> AvailabilityZone | None:
    """The zone with this name (``us-east-1a``) or zone id (``use1-az1``), or None."""
    return _BY_NAME.get(name_or_id) or _BY_ID.get(name_or_id)


def zones(region: str) -> tuple[AvailabilityZone, ...]:
    return REGIONS.get(region, ())
