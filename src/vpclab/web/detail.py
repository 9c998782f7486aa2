"""One resource as the side panel shows it: its attributes and its tables, in AWS's names.

Field names are the snake_case of AWS's (model/), so AWS's names are the mechanical CamelCase of
them (``destination_cidr_block`` → ``DestinationCidrBlock``). Route tables show every route in
force with its ``State`` and ``Origin`` (as DescribeRouteTables does); transit gateway route tables
their effective routes (static, propagated) with ``Type`` and ``State``, and their associations
and propagations; security groups their inbound and outbound rules; network ACLs their entries.
"""

from __future__ import annotations

import dataclasses
import difflib
from datetime import datetime
from enum import Enum
from typing import Any

from ..model.base import Resource
from ..model.network_acl import NetworkAcl
from ..model.route_table import RouteTable, effective_routes, route_table_for_subnet
from ..model.security_group import SecurityGroup
from ..model.sharing import shared_with
from ..model.subnet import Subnet
from ..model.transit_gateway import TransitGatewayAttachment, TransitGatewayRouteTable, tgw_routes
from ..network.facade import Network

#: acronyms AWS writes in capitals inside a member name (``VpcId`` keeps ``Vpc``; ``Ipv6`` is AWS's)
_WORDS = {"id": "Id", "ids": "Ids", "ipv4": "Ipv4", "ipv6": "Ipv6", "arn": "Arn", "asn": "Asn"}


class UnknownResourceError(LookupError):
    """A name or id the network does not hold; the message carries the "did you mean" suggestion."""


def aws_name(field: str) -> str:
    """``destination_cidr_block`` → ``DestinationCidrBlock`` (AWS's member name)."""
    return "".join(_WORDS.get(w, w[:1].upper() + w[1:]) for w in field.split("_"))


def _plain(value: Any) -> Any:
    """A JSON-able value: dataclasses as dicts of AWS names (None fields left out), tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            aws_name(f.name): _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) not in (None, (), "")
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _table(title: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    columns: list[str] = []
    for row in rows:
        columns.extend(c for c in row if c not in columns)
    return {"title": title, "columns": columns, "rows": rows}


def resolve(net: Network, spec: str) -> Resource:
    """The resource named or identified by ``spec``; UnknownResourceError with a suggestion if none."""
    spec = spec.strip()
    res = net.world.get(net.ids.get(spec, spec))
    if res is not None:
        return res
    near = difflib.get_close_matches(spec, [*net.ids, *(r.id for r in net.world.resources())], n=1)
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    raise UnknownResourceError(f"{spec!r} is not a name or id in {net.file}{hint}")


def _route_rows(net: Network, rtb: RouteTable) -> list[dict[str, Any]]:
    rows = []
    for route, state in effective_routes(net.world, rtb):
        row = {k: v for k, v in _plain(route).items() if k != "Origin"}
        target = route.target
        rows.append({**row, "Target": net.names.get(target, target), "State": state, "Origin": route.origin})
    return rows


def _tgw_rows(net: Network, rt: TransitGatewayRouteTable) -> list[dict[str, Any]]:
    return [
        {
            "DestinationCidrBlock": r.destination_cidr_block or r.prefix_list_id,
            "TransitGatewayAttachments": ", ".join(
                net.names.get(a, a) for a in r.transit_gateway_attachment_ids
            ),
            "ResourceType": r.resource_type or "",
            "Type": r.type,
            "State": r.state,
        }
        for r in tgw_routes(net.world, rt, family=None)
    ]


def _tables(net: Network, res: Resource) -> list[dict[str, Any]]:
    world = net.world
    if isinstance(res, RouteTable):
        assoc = [
            {"SubnetId": a.subnet_id or "", "GatewayId": a.gateway_id or "", "Main": a.main, "State": a.state}
            for a in res.associations
        ]
        return [_table("Routes", _route_rows(net, res)), _table("Associations", assoc)]
    if isinstance(res, TransitGatewayRouteTable):
        atts = [a for a in world.all(TransitGatewayAttachment) if a.live]
        associated = [
            {
                "TransitGatewayAttachmentId": a.id,
                "Name": net.names.get(a.id, ""),
                "ResourceType": a.resource_type,
                "ResourceId": a.resource_id,
            }
            for a in atts
            if a.association_for(res.transit_gateway_id) == res.id
        ]
        propagating = [
            {
                "TransitGatewayAttachmentId": aid,
                "Name": net.names.get(aid, ""),
                "ResourceType": a.resource_type if (a := world.get(aid, TransitGatewayAttachment)) else "",
            }
            for aid in res.propagations
        ]
        return [
            _table("Routes", _tgw_rows(net, res)),
            _table("Associations", associated),
            _table("Propagations", propagating),
        ]
    if isinstance(res, SecurityGroup):
        return [
            _table("Inbound rules (IpPermissions)", [_plain(r) for r in res.ingress]),
            _table("Outbound rules (IpPermissionsEgress)", [_plain(r) for r in res.egress]),
        ]
    if isinstance(res, NetworkAcl):
        entries = sorted(res.entries, key=lambda e: (e.egress, e.rule_number))
        return [
            _table("Inbound entries", [_plain(e) for e in entries if not e.egress]),
            _table("Outbound entries", [_plain(e) for e in entries if e.egress]),
            _table("Associations", [_plain(a) for a in res.associations]),
        ]
    if isinstance(res, Subnet):
        rtb = route_table_for_subnet(world, res.id)
        acls = [
            a.id
            for a in world.in_vpc(res.vpc_id, NetworkAcl)
            if any(x.subnet_id == res.id for x in a.associations)
        ]
        rows = [
            {"RouteTableId": rtb.id, "Name": net.names.get(rtb.id, "")},
            *({"NetworkAclId": a, "Name": net.names.get(a, "")} for a in acls),
        ]
        shared = [{"Principal": a, "Name": net.account_name(a)} for a in sorted(shared_with(world, res.id))]
        return [
            _table("Route table and network ACL", rows),
            _table("Routes", _route_rows(net, rtb)),
            *([_table("Shared with (participants)", shared)] if shared else []),
        ]
    return []


def resource_detail(net: Network, spec: str) -> dict[str, Any]:
    """What the side panel shows for the resource named or identified by ``spec``."""
    res = resolve(net, spec)
    attributes = {
        k: v for k, v in _plain(res).items() if not (isinstance(v, list) and v and isinstance(v[0], dict))
    }
    nested = [
        _table(k, v)
        for k, v in _plain(res).items()
        if isinstance(v, list)
        and v
        and isinstance(v[0], dict)
        and k not in ("Routes", "Ingress", "Egress", "Entries", "Associations")
    ]
    return {
        "id": res.id,
        "name": net.names.get(res.id) or res.name,
        "kind": type(res).__name__,
        "label": type(res).LABEL,
        "account": res.owner_id,
        "account_name": net.account_name(res.owner_id),
        "region": res.region,
        "attributes": attributes,
        "tables": [*_tables(net, res), *nested],
    }
