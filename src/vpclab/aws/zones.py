"""Each account's own Availability Zone names at the AWS endpoint.

The World names zones by their lab names (``model/regions.py``); AWS maps zone names to zone ids
per account ("AZ IDs for your AWS resources",
https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html). So every request's zone
names are read in the caller's mapping and every answer's written in it, here, by walking the
operation's botocore shapes: members named ``AvailabilityZone`` / ``ZoneName`` (a name),
``AvailabilityZones`` / ``ZoneNames`` (a list of names) and the zone filters of Describe calls.
Zone ids need no translation (an id is the same physical zone for every account); where an answer's
shape has ``AvailabilityZoneId`` (or ``AvailabilityZoneIds``) beside a name it leaves out, the id
is filled in, so AWS's id is answered wherever AWS answers it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.model import ListShape, Shape, StructureShape

from ..model.regions import account_zone_name, lab_zone_name, zone

#: members holding one zone name, and lists of zone names
NAME_MEMBERS = frozenset({"AvailabilityZone", "ZoneName"})
LIST_MEMBERS = frozenset({"AvailabilityZones", "ZoneNames"})
#: Describe filters whose values are zone names
ZONE_FILTERS = frozenset({"availability-zone", "availabilityZone", "zone-name"})


def _zone_id(name: Any) -> str | None:
    az = zone(name) if isinstance(name, str) else None
    return az.zone_id if az is not None and az.zone_name == name else None


_ZONE_MEMBERS = NAME_MEMBERS | LIST_MEMBERS | {"Filters", "Filter", "AvailabilityZoneId",
                                               "AvailabilityZoneIds"}
#: (service, shape name) → whether a zone member lies below it
_RELEVANT: dict[tuple[str, str], bool] = {}


def _relevant(service: str, shape: Shape | None) -> bool:
    """Whether any zone member lies below ``shape`` (once per shape: most subtrees have none)."""
    if shape is None:
        return False
    key = (service, shape.name)
    found = _RELEVANT.get(key)
    if found is None:
        _RELEVANT[key] = False  # a shape that contains itself
        found = _search(shape, set())
        _RELEVANT[key] = found
    return found


def _search(shape: Shape, seen: set[str]) -> bool:
    if shape.name in seen:
        return False
    seen.add(shape.name)
    if isinstance(shape, StructureShape):
        return any(k in _ZONE_MEMBERS or _search(m, seen) for k, m in shape.members.items())
    if isinstance(shape, ListShape):
        return _search(shape.member, seen)
    return False


#: (service, structure shape name) → the members a zone name or filter can be in or below
_KEYS: dict[tuple[str, str], tuple[str, ...]] = {}


def _keys(service: str, shape: StructureShape) -> tuple[str, ...]:
    """The members of ``shape`` worth visiting (once per shape): a describe answer's thousand items
    are each visited at those few members, not at all of theirs."""
    key = (service, shape.name)
    found = _KEYS.get(key)
    if found is None:
        found = _KEYS[key] = tuple(
            k for k, m in shape.members.items()
            if k in NAME_MEMBERS or k in LIST_MEMBERS or k in ("Filters", "Filter") or _relevant(service, m))
    return found


def _walk(service: str, shape: Shape | None, value: Any, rename: Callable[[str], str], fill: bool) -> Any:
    if not _relevant(service, shape):
        return value
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        out: dict[str, Any] = dict(value)  # the members no zone lies below are kept as they are
        for key in _keys(service, shape):
            if key not in value:
                continue
            item, member = value[key], shape.members[key]
            if key in NAME_MEMBERS and isinstance(item, str):
                out[key] = rename(item)
            elif key in LIST_MEMBERS and isinstance(item, list) and all(isinstance(i, str) for i in item):
                out[key] = sorted(rename(i) for i in item)  # AWS lists zone names in order
            elif key in ("Filters", "Filter") and isinstance(item, list):
                out[key] = [_filter(f, rename) for f in item]
            else:
                out[key] = _walk(service, member, item, rename, fill)
        if fill:
            _fill_ids(shape, value, out, rename)
        return out
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [_walk(service, shape.member, v, rename, fill) for v in value]
    return value


def _filter(item: Any, rename: Callable[[str], str]) -> Any:
    if isinstance(item, dict) and item.get("Name") in ZONE_FILTERS and isinstance(item.get("Values"), list):
        return {**item, "Values": [rename(v) if isinstance(v, str) else v for v in item["Values"]]}
    return item


def _fill_ids(shape: StructureShape, lab: dict[str, Any], out: dict[str, Any],
              rename: Callable[[str], str]) -> None:
    """``AvailabilityZoneId`` / ``AvailabilityZoneIds`` from the lab names, where the shape has them
    and the handler left them out."""
    members = shape.members
    if "AvailabilityZoneId" in members and "AvailabilityZoneId" not in lab:
        zid = _zone_id(lab.get("AvailabilityZone"))
        if zid is not None:
            out["AvailabilityZoneId"] = zid
    if "AvailabilityZoneIds" in members and "AvailabilityZoneIds" not in lab:
        names = lab.get("AvailabilityZones")
        if isinstance(names, list) and names and all(_zone_id(n) is not None for n in names):
            # in the order of the caller's names, as the names are answered
            mine = {rename(n): _zone_id(n) for n in names}
            out["AvailabilityZoneIds"] = [mine[n] for n in sorted(mine)]


def request_to_lab(account_id: str, service: str, shape: Shape | None,
                   params: dict[str, Any]) -> dict[str, Any]:
    """A request's zone names (the caller's) as lab names."""
    result: dict[str, Any] = _walk(service, shape, params, lambda n: lab_zone_name(account_id, n), fill=False)
    return result


def answer_to_account(account_id: str, service: str, action: str, shape: Shape | None,
                      result: dict[str, Any]) -> dict[str, Any]:
    """An answer's zone names (lab names) as the caller's, with the zone ids AWS answers beside them.
    DescribeAvailabilityZones stays in name order, as AWS lists it."""
    out: dict[str, Any] = _walk(service, shape, result, lambda n: account_zone_name(account_id, n), fill=True)
    if action == "DescribeAvailabilityZones" and isinstance(out.get("AvailabilityZones"), list):
        out["AvailabilityZones"] = sorted(out["AvailabilityZones"], key=lambda z: str(z.get("ZoneName")))
    return out
