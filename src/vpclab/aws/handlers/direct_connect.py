"""AWS Direct Connect (service ``directconnect``, JSON 1.1, target prefix ``OvertureService``):
Direct Connect gateways, associations, association proposals, connections and virtual interfaces.

Requests arrive through ``aws/jsonrpc.py``; ``control/direct_connect.py`` holds AWS's rules. Member
names are Direct Connect's own lowerCamelCase. Describe calls list what the caller may see: a Direct
Connect gateway from every Region (it is global), an association to either side's owner.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from ...control.direct_connect import client_error
from ...model.base import Resource
from ...model.direct_connect import (
    DirectConnectConnection,
    DirectConnectGateway,
    DirectConnectGatewayAssociation,
    DirectConnectGatewayAssociationProposal,
    VirtualInterface,
)
from ..registry import Call, handler

Shape = dict[str, Any]
R = TypeVar("R", bound=Resource)
SERVICE = "directconnect"
#: a describe call's page when maxResults is not given (vpclab's; AWS answers everything)
_PAGE = 100


def _tags(res: Resource) -> list[Shape]:
    return [{"key": k, "value": v} for k, v in res.tags.items()]


def _tag_map(raw: Iterable[Mapping[str, str]] | None) -> dict[str, str] | None:
    if not raw:
        return None
    return {t["key"]: t.get("value", "") for t in raw}


def _cidrs(raw: Iterable[Mapping[str, str]] | None) -> list[str] | None:
    return None if raw is None else [p.get("cidr", "") for p in raw]


def _prefixes(cidrs: Iterable[str]) -> list[Shape]:
    return [{"cidr": c} for c in cidrs]


# -- shapes ---------------------------------------------------------------------------------------
def gateway_shape(g: DirectConnectGateway, state: str | None = None) -> Shape:
    return {
        "directConnectGatewayId": g.id,
        "directConnectGatewayName": g.direct_connect_gateway_name,
        "amazonSideAsn": g.amazon_side_asn,
        "ownerAccount": g.owner_id,
        "directConnectGatewayState": state or g.state,
        "tags": _tags(g),
    }


def _associated_gateway(gateway_id: str, gateway_type: str, owner: str, region: str) -> Shape:
    return {"id": gateway_id, "type": gateway_type, "ownerAccount": owner, "region": region}


def association_shape(call: Call, a: DirectConnectGatewayAssociation) -> Shape:
    out: Shape = {
        "directConnectGatewayId": a.direct_connect_gateway_id,
        "directConnectGatewayOwnerAccount": a.owner_id,
        "associationState": a.association_state,
        "associatedGateway": _associated_gateway(
            a.associated_gateway_id,
            a.associated_gateway_type,
            a.associated_gateway_owner_account,
            a.region,
        ),
        "associationId": a.id,
        "allowedPrefixesToDirectConnectGateway": _prefixes(a.allowed_prefixes),
    }
    if a.associated_gateway_type == "virtualPrivateGateway":
        # the older members AWS still fills for a virtual private gateway association
        out.update(
            virtualGatewayId=a.associated_gateway_id,
            virtualGatewayRegion=a.region,
            virtualGatewayOwnerAccount=a.associated_gateway_owner_account,
        )
    return out


def proposal_shape(call: Call, p: DirectConnectGatewayAssociationProposal) -> Shape:
    gw = call.world.get(p.associated_gateway_id)
    region = gw.region if gw is not None else p.region
    return {
        "proposalId": p.id,
        "directConnectGatewayId": p.direct_connect_gateway_id,
        "directConnectGatewayOwnerAccount": p.direct_connect_gateway_owner_account,
        "proposalState": p.proposal_state,
        "associatedGateway": _associated_gateway(
            p.associated_gateway_id, p.associated_gateway_type, p.owner_id, region
        ),
        "existingAllowedPrefixesToDirectConnectGateway": _prefixes(p.existing_allowed_prefixes),
        "requestedAllowedPrefixesToDirectConnectGateway": _prefixes(p.requested_allowed_prefixes),
    }


def connection_shape(c: DirectConnectConnection) -> Shape:
    return {
        "ownerAccount": c.owner_id,
        "connectionId": c.id,
        "connectionName": c.connection_name,
        "connectionState": c.connection_state,
        "region": c.region,
        "location": c.location,
        "bandwidth": c.bandwidth,
        "jumboFrameCapable": True,
        "hasLogicalRedundancy": "unknown",
        "macSecCapable": False,
        "tags": _tags(c),
    }


def vif_shape(v: VirtualInterface, state: str | None = None) -> Shape:
    return {
        "ownerAccount": v.owner_id,
        "virtualInterfaceId": v.id,
        "location": v.location,
        "connectionId": v.connection_id,
        "virtualInterfaceType": v.virtual_interface_type,
        "virtualInterfaceName": v.virtual_interface_name,
        "vlan": v.vlan,
        "asn": v.asn if v.asn < 2**31 else 0,
        "asnLong": v.asn,
        "amazonSideAsn": v.amazon_side_asn,
        "amazonAddress": v.amazon_address,
        "customerAddress": v.customer_address,
        "addressFamily": v.address_family,
        "virtualInterfaceState": state or v.virtual_interface_state,
        "mtu": v.mtu,
        "jumboFrameCapable": True,
        "virtualGatewayId": v.virtual_gateway_id,
        "directConnectGatewayId": v.direct_connect_gateway_id,
        "bgpPeers": [
            {
                "bgpPeerId": "dxpeer-" + v.id.split("-", 1)[1],
                "asn": v.asn if v.asn < 2**31 else 0,
                "asnLong": v.asn,
                "addressFamily": v.address_family,
                "amazonAddress": v.amazon_address,
                "customerAddress": v.customer_address,
                "bgpPeerState": "available",
                "bgpStatus": v.bgp_status,
            }
        ],
        "region": v.region,
        "tags": _tags(v),
        "prefixPoolAllocatedCountIpv4": v.prefix_allocation,
    }


# -- paging ---------------------------------------------------------------------------------------
def _page(call: Call, items: list[R]) -> tuple[list[R], str | None]:
    start = 0
    token = call.params.get("nextToken")
    if token is not None:
        if not token.isdigit() or not 0 < int(token) < len(items):
            raise client_error("The nextToken is not valid.")
        start = int(token)
    size = call.params.get("maxResults") or _PAGE
    return items[start : start + size], (str(start + size) if start + size < len(items) else None)


def _paged(call: Call, key: str, items: list[R], shape: Any) -> Shape:
    page, token = _page(call, items)
    out: Shape = {key: [shape(r) for r in page]}
    if token:
        out["nextToken"] = token
    return out


# -- Direct Connect gateways ----------------------------------------------------------------------
@handler("CreateDirectConnectGateway", service=SERVICE)
def create_direct_connect_gateway(call: Call) -> Shape:
    g = call.cp.create_direct_connect_gateway(
        direct_connect_gateway_name=call.params["directConnectGatewayName"],
        amazon_side_asn=call.params.get("amazonSideAsn"),
        tags=_tag_map(call.params.get("tags")),
    )
    return {"directConnectGateway": gateway_shape(g)}


def _visible(call: Call, kind: Any, id_param: str, missing: str) -> list[Any]:
    """The resources of ``kind`` the caller sees (one, if ``id_param`` names it; a named one it does
    not see is Direct Connect's client error, ``missing`` formatted with the id)."""
    wanted = call.params.get(id_param)
    found = [r for r in call.world.all(kind)
             if r.visible_to(call.world, call.account_id, call.region) and wanted in (None, r.id)]
    if wanted and not found:
        raise client_error(missing.format(wanted))
    return found


@handler("DescribeDirectConnectGateways", service=SERVICE)
def describe_direct_connect_gateways(call: Call) -> Shape:
    found = _visible(call, DirectConnectGateway, "directConnectGatewayId",
                     "Direct Connect gateway {} does not exist.")
    return _paged(call, "directConnectGateways", found, gateway_shape)


@handler("DeleteDirectConnectGateway", service=SERVICE)
def delete_direct_connect_gateway(call: Call) -> Shape:
    g = call.cp.delete_direct_connect_gateway(direct_connect_gateway_id=call.params["directConnectGatewayId"])
    return {"directConnectGateway": gateway_shape(g)}


# -- associations ---------------------------------------------------------------------------------
@handler("CreateDirectConnectGatewayAssociation", service=SERVICE)
def create_direct_connect_gateway_association(call: Call) -> Shape:
    p = call.params
    a = call.cp.create_direct_connect_gateway_association(
        direct_connect_gateway_id=p["directConnectGatewayId"],
        gateway_id=p.get("gatewayId"),
        virtual_gateway_id=p.get("virtualGatewayId"),
        add_allowed_prefixes_to_direct_connect_gateway=_cidrs(
            p.get("addAllowedPrefixesToDirectConnectGateway")
        ),
    )
    return {"directConnectGatewayAssociation": association_shape(call, a)}


@handler("DescribeDirectConnectGatewayAssociations", service=SERVICE)
def describe_direct_connect_gateway_associations(call: Call) -> Shape:
    """AWS: "You must specify one of the following": a Direct Connect gateway, a virtual private
    gateway, a transit gateway (or an association id)
    (https://docs.aws.amazon.com/directconnect/latest/APIReference/API_DescribeDirectConnectGatewayAssociations.html);
    the refusal's wording is vpclab's."""
    if not any(
        call.params.get(k)
        for k in ("associationId", "associatedGatewayId", "directConnectGatewayId", "virtualGatewayId")
    ):
        raise client_error(
            "Specify directConnectGatewayId, associatedGatewayId, virtualGatewayId or associationId."
        )
    p = call.params
    gateway = p.get("associatedGatewayId") or p.get("virtualGatewayId")
    found = [
        a
        for a in call.world.all(DirectConnectGatewayAssociation)
        if a.live
        and a.visible_to(call.world, call.account_id, call.region)
        and p.get("associationId") in (None, a.id)
        and p.get("directConnectGatewayId") in (None, a.direct_connect_gateway_id)
        and gateway in (None, a.associated_gateway_id)
    ]
    return _paged(call, "directConnectGatewayAssociations", found, lambda a: association_shape(call, a))


@handler("UpdateDirectConnectGatewayAssociation", service=SERVICE)
def update_direct_connect_gateway_association(call: Call) -> Shape:
    p = call.params
    if not p.get("associationId"):
        raise client_error("The request must contain the parameter associationId.")
    a = call.cp.update_direct_connect_gateway_association(
        association_id=p["associationId"],
        add_allowed_prefixes_to_direct_connect_gateway=_cidrs(
            p.get("addAllowedPrefixesToDirectConnectGateway")
        ),
        remove_allowed_prefixes_to_direct_connect_gateway=_cidrs(
            p.get("removeAllowedPrefixesToDirectConnectGateway")
        ),
    )
    return {"directConnectGatewayAssociation": association_shape(call, a)}


@handler("DeleteDirectConnectGatewayAssociation", service=SERVICE)
def delete_direct_connect_gateway_association(call: Call) -> Shape:
    p = call.params
    a = call.cp.delete_direct_connect_gateway_association(
        association_id=p.get("associationId"),
        direct_connect_gateway_id=p.get("directConnectGatewayId"),
        virtual_gateway_id=p.get("virtualGatewayId"),
    )
    return {"directConnectGatewayAssociation": association_shape(call, a)}


# -- association proposals ------------------------------------------------------------------------
@handler("CreateDirectConnectGatewayAssociationProposal", service=SERVICE)
def create_direct_connect_gateway_association_proposal(call: Call) -> Shape:
    p = call.params
    prop = call.cp.create_direct_connect_gateway_association_proposal(
        direct_connect_gateway_id=p["directConnectGatewayId"],
        direct_connect_gateway_owner_account=p["directConnectGatewayOwnerAccount"],
        gateway_id=p["gatewayId"],
        add_allowed_prefixes_to_direct_connect_gateway=_cidrs(
            p.get("addAllowedPrefixesToDirectConnectGateway")
        ),
        remove_allowed_prefixes_to_direct_connect_gateway=_cidrs(
            p.get("removeAllowedPrefixesToDirectConnectGateway")
        ),
    )
    return {"directConnectGatewayAssociationProposal": proposal_shape(call, prop)}


@handler("DescribeDirectConnectGatewayAssociationProposals", service=SERVICE)
def describe_direct_connect_gateway_association_proposals(call: Call) -> Shape:
    p = call.params
    found = [
        prop
        for prop in call.world.all(DirectConnectGatewayAssociationProposal)
        if prop.visible_to(call.world, call.account_id, call.region)
        and p.get("proposalId") in (None, prop.id)
        and p.get("directConnectGatewayId") in (None, prop.direct_connect_gateway_id)
        and p.get("associatedGatewayId") in (None, prop.associated_gateway_id)
    ]
    return _paged(
        call, "directConnectGatewayAssociationProposals", found, lambda prop: proposal_shape(call, prop)
    )


@handler("AcceptDirectConnectGatewayAssociationProposal", service=SERVICE)
def accept_direct_connect_gateway_association_proposal(call: Call) -> Shape:
    p = call.params
    a = call.cp.accept_direct_connect_gateway_association_proposal(
        direct_connect_gateway_id=p["directConnectGatewayId"],
        proposal_id=p["proposalId"],
        associated_gateway_owner_account=p["associatedGatewayOwnerAccount"],
        override_allowed_prefixes_to_direct_connect_gateway=_cidrs(
            p.get("overrideAllowedPrefixesToDirectConnectGateway")
        ),
    )
    return {"directConnectGatewayAssociation": association_shape(call, a)}


@handler("DeleteDirectConnectGatewayAssociationProposal", service=SERVICE)
def delete_direct_connect_gateway_association_proposal(call: Call) -> Shape:
    prop = call.cp.delete_direct_connect_gateway_association_proposal(proposal_id=call.params["proposalId"])
    return {"directConnectGatewayAssociationProposal": proposal_shape(call, prop)}


# -- connections and virtual interfaces -----------------------------------------------------------
#: request members of connections and interfaces vpclab does not model (refused, never ignored)
_UNMODELLED = (
    "lagId",
    "providerName",
    "requestMACSec",
    "billingMode",
    "authKey",
    "enableSiteLink",
    "rateLimit",
    "prefixPoolAllocatedCountIpv6",
)


def _refuse_unmodelled(params: Mapping[str, Any]) -> None:
    for name in _UNMODELLED:
        if params.get(name) not in (None, False):
            raise client_error(f"The parameter {name} is not supported by vpclab.")


@handler("CreateConnection", service=SERVICE)
def create_connection(call: Call) -> Shape:
    p = call.params
    _refuse_unmodelled(p)
    c = call.cp.create_connection(
        location=p["location"],
        bandwidth=p["bandwidth"],
        connection_name=p["connectionName"],
        tags=_tag_map(p.get("tags")),
    )
    return connection_shape(c)


@handler("DescribeConnections", service=SERVICE)
def describe_connections(call: Call) -> Shape:
    found = _visible(call, DirectConnectConnection, "connectionId", "Connection {} does not exist.")
    return _paged(call, "connections", found, connection_shape)


@handler("DeleteConnection", service=SERVICE)
def delete_connection(call: Call) -> Shape:
    return connection_shape(call.cp.delete_connection(connection_id=call.params["connectionId"]))


def _need(new: Mapping[str, Any], member: str, where: str) -> Any:
    """A member the model leaves optional but the call cannot do without (AWS's API reference lists
    it as required: virtualInterfaceName, vlan and asn of a new interface)."""
    if new.get(member) is None:
        raise client_error(f"The request must contain the parameter {where}.{member}.")
    return new[member]


def _vif_options(new: Mapping[str, Any]) -> dict[str, Any]:
    _refuse_unmodelled(new)
    return {
        "asn": new.get("asn"),
        "asn_long": new.get("asnLong"),
        "mtu": new.get("mtu"),
        "amazon_address": new.get("amazonAddress"),
        "customer_address": new.get("customerAddress"),
        "address_family": new.get("addressFamily"),
        "tags": _tag_map(new.get("tags")),
        "prefix_pool_allocated_count_ipv4": new.get("prefixPoolAllocatedCountIpv4"),
    }


@handler("CreateTransitVirtualInterface", service=SERVICE)
def create_transit_virtual_interface(call: Call) -> Shape:
    new = call.params["newTransitVirtualInterface"]
    where = "newTransitVirtualInterface"
    v = call.cp.create_transit_virtual_interface(
        connection_id=call.params["connectionId"],
        virtual_interface_name=_need(new, "virtualInterfaceName", where),
        vlan=_need(new, "vlan", where),
        direct_connect_gateway_id=new.get("directConnectGatewayId") or "",
        **_vif_options(new),
    )
    return {"virtualInterface": vif_shape(v)}


@handler("CreatePrivateVirtualInterface", service=SERVICE)
def create_private_virtual_interface(call: Call) -> Shape:
    new = call.params["newPrivateVirtualInterface"]
    where = "newPrivateVirtualInterface"
    v = call.cp.create_private_virtual_interface(
        connection_id=call.params["connectionId"],
        virtual_interface_name=_need(new, "virtualInterfaceName", where),
        vlan=_need(new, "vlan", where),
        direct_connect_gateway_id=new.get("directConnectGatewayId"),
        virtual_gateway_id=new.get("virtualGatewayId"),
        **_vif_options(new),
    )
    return vif_shape(v)


@handler("DescribeVirtualInterfaces", service=SERVICE)
def describe_virtual_interfaces(call: Call) -> Shape:
    p = call.params
    found = [
        v
        for v in call.world.all(VirtualInterface)
        if v.visible_to(call.world, call.account_id, call.region)
        and p.get("virtualInterfaceId") in (None, v.id)
        and p.get("connectionId") in (None, v.connection_id)
    ]
    return _paged(call, "virtualInterfaces", found, vif_shape)


@handler("DeleteVirtualInterface", service=SERVICE)
def delete_virtual_interface(call: Call) -> Shape:
    v = call.cp.delete_virtual_interface(virtual_interface_id=call.params["virtualInterfaceId"])
    return {"virtualInterfaceState": v.virtual_interface_state}


@handler("DescribeDirectConnectGatewayAttachments", service=SERVICE)
def describe_direct_connect_gateway_attachments(call: Call) -> Shape:
    """The virtual interfaces attached to Direct Connect gateways (of the caller's, or the caller's
    interfaces)."""
    p = call.params
    found = []
    for v in call.world.all(VirtualInterface):
        g = (
            call.world.get(v.direct_connect_gateway_id, DirectConnectGateway)
            if v.direct_connect_gateway_id
            else None
        )
        if g is None or call.account_id not in (g.owner_id, v.owner_id):
            continue
        if p.get("directConnectGatewayId") in (None, g.id) and p.get("virtualInterfaceId") in (None, v.id):
            found.append(v)
    return _paged(
        call,
        "directConnectGatewayAttachments",
        found,
        lambda v: {
            "directConnectGatewayId": v.direct_connect_gateway_id,
            "virtualInterfaceId": v.id,
            "virtualInterfaceRegion": v.region,
            "virtualInterfaceOwnerAccount": v.owner_id,
            "attachmentState": "attached",
            "attachmentType": "TransitVirtualInterface"
            if v.virtual_interface_type == "transit"
            else "PrivateVirtualInterface",
        },
    )


@handler("StartBgpFailoverTest", service=SERVICE)
def start_bgp_failover_test(call: Call) -> Shape:
    p = call.params
    v = call.cp.start_bgp_failover_test(
        virtual_interface_id=p["virtualInterfaceId"], test_duration_in_minutes=p.get("testDurationInMinutes")
    )
    return {"virtualInterfaceTest": _test_shape(call, v, "in_progress")}


@handler("StopBgpFailoverTest", service=SERVICE)
def stop_bgp_failover_test(call: Call) -> Shape:
    v = call.cp.stop_bgp_failover_test(virtual_interface_id=call.params["virtualInterfaceId"])
    return {"virtualInterfaceTest": _test_shape(call, v, "completed")}


def _test_shape(call: Call, v: VirtualInterface, status: str) -> Shape:
    return {
        "testId": call.request_id,
        "virtualInterfaceId": v.id,
        "bgpPeers": ["dxpeer-" + v.id.split("-", 1)[1]],
        "status": status,
        "ownerAccount": v.owner_id,
    }


# -- tags -----------------------------------------------------------------------------------------
@handler("TagResource", service=SERVICE)
def tag_resource(call: Call) -> Shape:
    call.cp.tag_direct_connect_resource(
        resource_arn=call.params["resourceArn"], tags=_tag_map(call.params["tags"]) or {}
    )
    return {}


@handler("UntagResource", service=SERVICE)
def untag_resource(call: Call) -> Shape:
    call.cp.untag_direct_connect_resource(
        resource_arn=call.params["resourceArn"], tag_keys=call.params["tagKeys"]
    )
    return {}


@handler("DescribeTags", service=SERVICE)
def describe_tags(call: Call) -> Shape:
    out = []
    kinds: tuple[type[Resource], ...] = (DirectConnectGateway, DirectConnectConnection, VirtualInterface)
    for arn in call.params["resourceArns"]:
        res = next(
            (
                r
                for k in kinds
                for r in call.world.all(k)
                if getattr(r, "arn", None) == arn and r.visible_to(call.world, call.account_id, call.region)
            ),
            None,
        )
        if res is None:
            raise client_error(f"Resource {arn} does not exist.")
        out.append({"resourceArn": arn, "tags": _tags(res)})
    return {"resourceTags": out}
