"""Snapshot steps for Direct Connect: gateways, their associations with transit and virtual private
gateways (the transit gateway's attachment keeps its id), dedicated connections and virtual
interfaces (a BGP session AWS shows down stays down: a BGP failover test holds it).

Direct Connect ids are not drawn like EC2's: a gateway's and an association's are UUIDs, a
connection's and an interface's ``dxcon-``/``dxvif-`` and 8 hex digits; each is pinned through
the hex draw it is made from. vpclab's UUIDs are version 4 with variant digit ``a``; a gateway
whose id AWS drew with another variant digit (``8``, ``9``, ``b``) loads with the id vpclab draws
instead, said in the report, and what refers to it follows it.
"""

from __future__ import annotations

from typing import Any

from .snapshot_load import Loader
from .snapshot_read import Region

GONE = ("deleted", "deleting", "disassociated", "disassociating", "rejected")


def _uuid_draw(uuid: str) -> str | None:
    """The 32 hex digits ``_uuid`` turns into ``uuid``, or None if it cannot make it."""
    h = uuid.replace("-", "")
    if len(h) != 32 or len(uuid) != 36 or uuid[14] != "4" or uuid[19] != "a":
        return None
    try:
        int(h, 16)
    except ValueError:
        return None
    return h


def _short_draw(rid: str) -> str | None:
    tail = rid.rsplit("-", 1)[-1]
    return tail if len(tail) == 8 and all(c in "0123456789abcdef" for c in tail) else None


def _tags(item: dict[str, Any]) -> dict[str, str]:
    return {
        t["key"]: t.get("value", "") for t in item.get("tags", []) if not t.get("key", "").startswith("aws:")
    }


def _name(ld: Loader, item: dict[str, Any], rid: str) -> None:
    tags = _tags(item)
    if tags.get("Name"):
        ld.name({"Tags": [{"Key": "Name", "Value": tags["Name"]}]}, rid)


def direct_connect(ld: Loader, regs: list[Region]) -> None:
    ids: dict[str, str] = {}  # the snapshot's gateway id → the loaded one (the same but for variant digits)
    for r, i, g in ld.each(regs, "directConnectGateways", "directConnectGatewayId"):
        gid = g["directConnectGatewayId"]
        if g.get("directConnectGatewayState") in GONE:
            continue
        draw = _uuid_draw(gid)
        if draw is not None:
            ld.pinned.hexes.append(draw)
        made = ld.call(
            r,
            f"directConnectGateways[{i}]",
            "create_direct_connect_gateway",
            account=g.get("ownerAccount") or r.account,
            direct_connect_gateway_name=g.get("directConnectGatewayName") or gid,
            amazon_side_asn=int(g.get("amazonSideAsn", 64512)),
            tags=_tags(g),
        )
        if made is None:
            continue
        ids[gid] = made.id
        _name(ld, g, made.id)
        if made.id != gid:
            ld.report.problems.append(
                f"{r.file_of('directConnectGateways')}: $.directConnectGateways[{i}]: loaded as {made.id} "
                "(vpclab's gateway ids are UUIDs of variant a)"
            )
    _associations(ld, regs, ids)
    _interfaces(ld, regs, ids)


def _associations(ld: Loader, regs: list[Region], ids: dict[str, str]) -> None:
    seen: set[str] = set()
    for r in regs:
        for gid, body in r.per_item.get("directConnectGatewayAssociations", {}).items():
            for j, a in enumerate(body.get("directConnectGatewayAssociations", [])):
                if a.get("associationId") in seen or a.get("associationState") in GONE or gid not in ids:
                    continue
                seen.add(a.get("associationId", ""))
                gw = a.get("associatedGateway") or {}
                attachment = next(
                    (
                        x["TransitGatewayAttachmentId"]
                        for reg in regs
                        for x in reg.items.get("TransitGatewayAttachments", [])
                        if x.get("ResourceType") == "direct-connect-gateway"
                        and x.get("ResourceId") == gid
                        and x.get("TransitGatewayId") == gw.get("id")
                    ),
                    None,
                )
                draw = _uuid_draw(a.get("associationId", ""))
                if draw is not None:
                    ld.pinned.hexes.append(draw)
                ld.call(
                    r,
                    f"{gid}.directConnectGatewayAssociations[{j}]",
                    "create_direct_connect_gateway_association",
                    attachment,
                    account=a.get("directConnectGatewayOwnerAccount") or r.account,
                    region=gw.get("region") or r.region,
                    direct_connect_gateway_id=ids[gid],
                    gateway_id=gw.get("id"),
                    add_allowed_prefixes_to_direct_connect_gateway=[
                        p["cidr"] for p in a.get("allowedPrefixesToDirectConnectGateway", [])
                    ],
                )


def _interfaces(ld: Loader, regs: list[Region], ids: dict[str, str]) -> None:
    connections: dict[str, str] = {}
    for r, i, c in ld.each(regs, "connections", "connectionId"):
        if c.get("connectionState") in ("deleted", "deleting", "rejected", "down"):
            continue
        draw = _short_draw(c["connectionId"])
        if draw is not None:
            ld.pinned.hexes.append(draw)
        made = ld.call(
            r,
            f"connections[{i}]",
            "create_connection",
            account=c.get("ownerAccount") or r.account,
            location=c.get("location", ""),
            bandwidth=c.get("bandwidth", "10Gbps"),
            connection_name=c.get("connectionName") or c["connectionId"],
            tags=_tags(c),
        )
        if made is not None:
            connections[c["connectionId"]] = made.id
            _name(ld, c, made.id)
    for r, i, v in ld.each(regs, "virtualInterfaces", "virtualInterfaceId"):
        kind = v.get("virtualInterfaceType")
        if v.get("virtualInterfaceState") in ("deleted", "deleting", "rejected") or kind not in (
            "transit",
            "private",
        ):
            if kind not in ("transit", "private"):
                ld.report.not_loaded[f"virtualInterfaces ({kind})"] += 1
            continue
        params: dict[str, Any] = {
            "connection_id": connections.get(v.get("connectionId", ""), v.get("connectionId")),
            "virtual_interface_name": v.get("virtualInterfaceName") or v["virtualInterfaceId"],
            "vlan": v["vlan"],
            "asn": v.get("asnLong") or v.get("asn"),
            "tags": _tags(v),
        }
        if v.get("directConnectGatewayId"):
            params["direct_connect_gateway_id"] = ids.get(
                v["directConnectGatewayId"], v["directConnectGatewayId"]
            )
        elif v.get("virtualGatewayId"):
            params["virtual_gateway_id"] = v["virtualGatewayId"]
        draw = _short_draw(v["virtualInterfaceId"])
        if draw is not None:
            ld.pinned.hexes.append(draw)
        made = ld.call(
            r,
            f"virtualInterfaces[{i}]",
            f"create_{kind}_virtual_interface",
            account=v.get("ownerAccount") or r.account,
            **params,
        )
        if made is None:
            continue
        _name(ld, v, made.id)
        peers = v.get("bgpPeers") or []
        if peers and all(p.get("bgpStatus") == "down" for p in peers):
            ld.call(
                r,
                f"virtualInterfaces[{i}].bgpPeers",
                "start_bgp_failover_test",
                account=v.get("ownerAccount") or r.account,
                virtual_interface_id=made.id,
            )
