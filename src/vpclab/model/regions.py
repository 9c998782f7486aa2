"""AWS Regions and their Availability Zones, with AWS's real zone names and zone ids.

The World keeps each zone under its **lab name**: the name ``REGIONS`` pairs with its zone id
(``us-east-1a`` is ``use1-az1``), the same for every account, so the model, YAML files, the Python
API and reachability traces all name one physical zone one way. AWS maps zone names to zone ids
independently for each account ("AZ IDs for your AWS resources", AWS RAM User Guide: "us-east-1a
for your AWS account might not be the same physical location as us-east-1a for another AWS
account"); ``account_zone_names`` is that mapping, deterministic per account and Region, and the
AWS endpoint speaks it (``aws/zones.py``): each account sees and names zones its own way, while
zone ids stay the same physical zone across accounts. The default account's names are the lab
names.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from functools import cache

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


@cache
def account_zone_names(account_id: str, region: str) -> dict[str, str]:
    """lab zone name → the name ``account_id`` knows that zone by in ``region`` (a permutation of the
    Region's zone letters, drawn from the account and Region; the identity for the default account)."""
    names = [az.zone_name for az in zones(region)]
    if account_id == DEFAULT_ACCOUNT:
        return {n: n for n in names}
    shuffled = names[:]
    random.Random(hashlib.sha256(f"{account_id}/{region}".encode()).digest()).shuffle(shuffled)
    return dict(zip(names, shuffled, strict=True))


@cache
def _lab_names(account_id: str, region: str) -> dict[str, str]:
    return {mine: lab for lab, mine in account_zone_names(account_id, region).items()}


def account_zone_name(account_id: str, lab_name: str) -> str:
    """The name ``account_id`` sees for the zone vpclab calls ``lab_name`` (unknown names unchanged)."""
    az = _BY_NAME.get(lab_name)
    return account_zone_names(account_id, az.region_name)[lab_name] if az is not None else lab_name


def lab_zone_name(account_id: str, name: str) -> str:
    """The lab name of the zone ``account_id`` calls ``name`` (unknown names unchanged)."""
    az = _BY_NAME.get(name)
    return _lab_names(account_id, az.region_name)[name] if az is not None else name
