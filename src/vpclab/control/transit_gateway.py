"""Transit gateways and their VPC, VPN and peering attachments.

AWS docs: Amazon VPC Transit Gateways guide — "Transit gateway attachments to a VPC",
"Transit gateway peering attachments", "Transit gateway quotas"
(https://docs.aws.amazon.com/vpc/latest/tgw/), and the EC2 API reference of each action.
Route tables, associations, propagations and routes live in ``transit_gateway_routes``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from ..core.errors import AwsError, invalid_parameter_value, missing_parameter, wire_name
from ..model.base import Resource, Tags
from ..model.regions import is_region
from ..model.subnet import Subnet
from ..model.transit_gateway import (
    TransitGateway,
    TransitGatewayAttachment,
    TransitGatewayOptions,
    TransitGatewayRouteTable,
    attachments_of,
    count_attachments,
    vpc_attachment,
)
from ..model.vpc import Vpc
from .asn import check_amazon_side_asn
from .context import Ctx
from .registry import action
from .text import check_text

#: AWS: a private ASN, 64512–65534 (16-bit) or 4200000000–4294967294 (32-bit).
ENABLE_DISABLE = ("enable", "disable")
TGW_OPTION_KEYS = frozenset({"amazon_side_asn", "auto_accept_shared_attachments",
                             "default_route_table_association",
                             "default_route_table_propagation", "dns_support", "vpn_ecmp_support",
                             "multicast_support"})
MODIFY_OPTION_KEYS = TGW_OPTION_KEYS - {"multicast_support"} | {"association_default_route_table_id",
                                                                  "propagation_default_route_table_id"}
VPC_ATTACHMENT_OPTION_KEYS = frozenset({"appliance_mode_support", "dns_support", "ipv6_support"})
#: attachment kinds that forbid changing the ASN (ModifyTransitGatewayOptions: "The modify ASN
#: operation is not allowed on a transit gateway if it has … VPN, Direct Connect Gateway, Connect")
ASN_LOCKING_TYPES = ("vpn", "direct-connect-gateway", "connect")
#: how DeleteTransitGateway names each kind of attachment still present
ATTACHMENT_NOUN = {"vpc": "VPC Attachments", "vpn": "VPN Attachments",
                   "peering": "Transit Gateway Cross Region Peering Attachments",
                   "direct-connect-gateway": "DirectConnect Gateway Attachments",
                   "connect": "Connect Attachments"}


def _check_options(options: Mapping[str, Any] | None, allowed: frozenset[str]) -> dict[str, Any]:
    opts = dict(options or {})
    for key, value in opts.items():
        if key not in allowed:
            raise AwsError("UnknownParameter", f"The parameter {wire_name(key)} is not recognized")
        if key == "amazon_side_asn":
            check_amazon_side_asn(value)
        elif not key.endswith("route_table_id") and value not in ENABLE_DISABLE:
            raise invalid_parameter_value(
                           f"Value ({value}) for parameter {wire_name(key, lower_first=True)} is invalid.")
    return opts


# -- transit gateways ------------------------------------------------------------------------
@action
def create_transit_gateway(ctx: Ctx, *, description: str = "", options: Mapping[str, Any] | None = None,
                           tags: Mapping[str, str] | None = None) -> TransitGateway:
    """CreateTransitGateway: a private ASN; a default route table when default association or
    propagation is enabled (its id recorded in the options); transit gateways per Region quota."""
    check_text("Description", description)
    opts = TransitGatewayOptions(**_check_options(options, TGW_OPTION_KEYS))
    ctx.check_quota("transit_gateways_per_region",
                    ctx.world.count_owned(TransitGateway, ctx.account_id, ctx.region))
    tgw_id = ctx.new_id("transit_gateway")
    assoc = opts.default_route_table_association == "enable"
    prop = opts.default_route_table_propagation == "enable"
    if assoc or prop:
        rtb = ctx.world.put(TransitGatewayRouteTable(
            id=ctx.new_id("transit_gateway_route_table"), owner_id=ctx.account_id, region=ctx.region,
            transit_gateway_id=tgw_id, default_association_route_table=assoc,
            default_propagation_route_table=prop, create_time=ctx.now))
        opts = replace(opts, association_default_route_table_id=rtb.id if assoc else None,
                       propagation_default_route_table_id=rtb.id if prop else None)
    return ctx.world.put(TransitGateway(id=tgw_id, owner_id=ctx.account_id, region=ctx.region,
                                        tags=Tags(tags),
                                        description=description, options=opts, create_time=ctx.now))


def _own_tgw(ctx: Ctx, transit_gateway_id: str) -> TransitGateway:
    tgw = ctx.require(TransitGateway, transit_gateway_id)
    ctx.require_owner(tgw)
    return tgw


def _own_route_table(ctx: Ctx, tgw: TransitGateway, rtb_id: str) -> TransitGatewayRouteTable:
    rtb = ctx.world.get(rtb_id, TransitGatewayRouteTable)
    if rtb is None or rtb.transit_gateway_id != tgw.id:
        raise AwsError("InvalidRouteTableID.NotFound",
                       f"Transit Gateway Route Table {rtb_id} was deleted or does not exist.")
    return rtb


@action
def modify_transit_gateway(ctx: Ctx, *, transit_gateway_id: str, description: str | None = None,
                           options: Mapping[str, Any] | None = None) -> TransitGateway:
    """ModifyTransitGateway: a default-table flag and its table id move together; the ASN cannot
    change while VPN, Direct Connect gateway or Connect attachments exist."""
    check_text("Description", description)
    tgw = _own_tgw(ctx, transit_gateway_id)
    opts = _check_options(options, MODIFY_OPTION_KEYS)
    if "amazon_side_asn" in opts and opts["amazon_side_asn"] != tgw.options.amazon_side_asn:
        locking = [a.id for a in attachments_of(ctx.world, tgw.id) if a.resource_type in ASN_LOCKING_TYPES]
        if locking:
            # AWS documents the rule, not its error text
            raise AwsError("IncorrectState",
                           f"{tgw.id} has non-deleted VPN, Direct Connect Gateway or Connect attachments: "
                           f"{', '.join(locking)}. The Amazon side ASN cannot be modified.")
    new = replace(tgw.options, **{k: v for k, v in opts.items()})
    flags = {}
    for flag, id_key, flag_name, id_name, rtb_field in (
            ("default_route_table_association", "association_default_route_table_id",
             "DefaultRouteTableAssociation", "AssociationDefaultRouteTableId",
             "default_association_route_table"),
            ("default_route_table_propagation", "propagation_default_route_table_id",
             "DefaultRouteTablePropagation", "PropagationDefaultRouteTableId",
             "default_propagation_route_table")):
        effective = opts.get(flag, getattr(tgw.options, flag))
        given_id = opts.get(id_key)
        if effective != "enable":
            if given_id is not None:
                raise AwsError("InvalidParameterCombination",
                               f"disable {flag_name} conflicts with {id_name} {given_id}")
            cleared: dict[str, Any] = {id_key: None}
            new = replace(new, **cleared)
        else:
            if flag in opts and given_id is None and getattr(tgw.options, id_key) is None:
                raise AwsError("InvalidParameterCombination",
                               f"enable {flag_name} conflicts with {id_name} null")
            if given_id is not None:
                _own_route_table(ctx, tgw, given_id)
        flags[rtb_field] = getattr(new, id_key)
    for rtb in [r for r in ctx.world.all(TransitGatewayRouteTable) if r.transit_gateway_id == tgw.id]:
        updated = replace(rtb, **{f: rtb.id == table_id for f, table_id in flags.items()})
        if updated != rtb:
            ctx.world.put(updated)
    return ctx.world.put(replace(tgw, options=new, description=tgw.description if description is None
                                 else description))


@action
def delete_transit_gateway(ctx: Ctx, *, transit_gateway_id: str) -> None:
    """DeleteTransitGateway: not while attachments exist (IncorrectState naming them); its route
    tables go with it."""
    tgw = _own_tgw(ctx, transit_gateway_id)
    attached = attachments_of(ctx.world, tgw.id)
    if attached:
        kind = attached[0].resource_type
        ids = ", ".join(a.id for a in attached if a.resource_type == kind)
        raise AwsError("IncorrectState",
                       f"{tgw.id} has non-deleted {ATTACHMENT_NOUN.get(kind, 'Attachments')}: {ids}.")
    for rtb in [r for r in ctx.world.all(TransitGatewayRouteTable) if r.transit_gateway_id == tgw.id]:
        ctx.world.remove(rtb.id)
    for att in list(ctx.world.having(TransitGatewayAttachment, "transit_gateway_ids", tgw.id)):
        ctx.world.remove(att.id)  # rejected / failed leftovers
    ctx.world.remove(tgw.id)


# -- shared attachment helpers ---------------------------------------------------------------
def _check_attachment_quotas(ctx: Ctx, tgw: TransitGateway) -> None:
    ctx.check_quota("attachments_per_transit_gateway", count_attachments(ctx.world, tgw.id))


def apply_defaults(ctx: Ctx, att: TransitGatewayAttachment, tgw: TransitGateway, *,
                   propagate: bool = True) -> TransitGatewayAttachment:
    """Associate with / propagate to the gateway's default route tables, as its options ask,
    once the attachment is available ("Default route table association/propagation")."""
    opts = tgw.options
    if opts.default_route_table_association == "enable" and opts.association_default_route_table_id \
            and att.association_for(tgw.id) is None:
        att = ctx.world.put(att.with_association(tgw.id, opts.association_default_route_table_id))
    if (propagate and opts.default_route_table_propagation == "enable"
        and opts.propagation_default_route_table_id):
        rtb = ctx.world.get(opts.propagation_default_route_table_id, TransitGatewayRouteTable)
        if rtb is not None and att.id not in rtb.propagations:
            ctx.world.put(replace(rtb, propagations=(*rtb.propagations, att.id)))
    return att


def remove_attachment(ctx: Ctx, att: TransitGatewayAttachment, *, final_state: str | None = None) -> None:
    """Drop an attachment's propagations and interfaces, then the attachment (or keep it in
    ``final_state``, e.g. rejected). Static routes that named it stay, as blackholes."""
    for rtb in list(ctx.world.all(TransitGatewayRouteTable)):
        if att.id in rtb.propagations:
            ctx.world.put(replace(rtb, propagations=tuple(p for p in rtb.propagations if p != att.id)))
    for eni_id in att.network_interface_ids:
        if eni_id in ctx.world:
            ctx.world.remove(eni_id)
    if final_state is None:
        ctx.world.remove(att.id)
    else:
        ctx.world.put(replace(att, state=final_state, network_interface_ids=(),
                              association_route_table_id=None,
                              peer_association_route_table_id=None))


def _require_attachment(ctx: Ctx, attachment_id: str, resource_type: str) -> TransitGatewayAttachment:
    att = ctx.require(TransitGatewayAttachment, attachment_id)
    if att.resource_type != resource_type or (not att.live and att.state != "rejected"):
        code, message = TransitGatewayAttachment.NOT_FOUND
        raise AwsError(code, message.format(id=attachment_id))
    return att


def _require_pending(att: TransitGatewayAttachment) -> None:
    if att.state != "pendingAcceptance":
        # AWS's exact text for this state error is not documented
        raise AwsError("IncorrectState", f"{att.id} is in invalid state")


# -- VPC attachments -------------------------------------------------------------------------
def _attachable_subnets(ctx: Ctx, vpc: Vpc, subnet_ids: Sequence[str],
                        existing: Sequence[str] = ()) -> list[Subnet]:
    """Each subnet exists in the VPC; at most one subnet per Availability Zone."""
    zones = {s.availability_zone for s in (ctx.world.get(i, Subnet) for i in existing) if s is not None}
    found: list[Subnet] = []
    for sid in subnet_ids:
        subnet = ctx.world.get(sid, Subnet)
        if subnet is None or subnet.vpc_id != vpc.id:
            raise AwsError("InvalidSubnetID.NotFound", f"Subnet {sid} was deleted or does not exist.")
        if subnet.availability_zone in zones:
            raise AwsError("DuplicateSubnetsInSameZone", "Duplicate Subnets for same AZ")
        zones.add(subnet.availability_zone)
        found.append(subnet)
    return found


def _check_ipv6_support(ctx: Ctx, ipv6_support: str, subnet_ids: Sequence[str]) -> None:
    """AWS "Transit gateway VPC attachments", IPv6 support: to route IPv6 traffic through the
    attachment each of its subnets must have an IPv6 CIDR block
    (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html). AWS's wording for a
    subnet without one is undocumented (vpclab's)."""
    if ipv6_support != "enable":
        return
    for sid in subnet_ids:
        subnet = ctx.world.get(sid, Subnet)
        if subnet is not None and subnet.ipv6_cidr_block is None:
            raise invalid_parameter_value(
                f"Subnet {sid} has no IPv6 CIDR block: IPv6 support needs an IPv6 CIDR block on every "
                "subnet of the attachment.")


def _attachment_interface(ctx: Ctx, subnet: Subnet, att_id: str) -> str:
    from .interfaces import create_managed_interface

    eni = create_managed_interface(ctx, subnet, interface_type="transit_gateway",
                                   description=f"Network Interface for Transit Gateway Attachment {att_id}",
                                   requester_id="amazon-aws", owner_id=subnet.owner_id)
    return eni.id


@action
def create_transit_gateway_vpc_attachment(ctx: Ctx, *, transit_gateway_id: str, vpc_id: str,
                                          subnet_ids: Sequence[str], options: Mapping[str, Any] | None = None,
                                          tags: Mapping[str, str] | None = None) -> TransitGatewayAttachment:
    """CreateTransitGatewayVpcAttachment: subnets of that VPC, one per AZ; one attachment per VPC
    per gateway; an interface in each subnet; another account's VPC may attach only to a gateway
    shared with it through RAM, and waits in pendingAcceptance unless the gateway auto-accepts."""
    tgw = ctx.require(TransitGateway, transit_gateway_id)
    vpc = ctx.require(Vpc, vpc_id)
    ctx.require_owner(vpc)
    opts = _check_options(options, VPC_ATTACHMENT_OPTION_KEYS)
    if not subnet_ids:
        raise missing_parameter("SubnetIds")
    subnets = _attachable_subnets(ctx, vpc, subnet_ids)
    _check_ipv6_support(ctx, opts.get("ipv6_support", "disable"), [s.id for s in subnets])
    if vpc_attachment(ctx.world, tgw.id, vpc.id) is not None:
        raise AwsError("DuplicateTransitGatewayAttachment",
                       f"{tgw.id} has non-deleted Transit Gateway Attachments with same VPC ID.")
    ctx.check_quota("transit_gateways_per_vpc", len({
        a.transit_gateway_id for a in ctx.world.in_vpc(vpc.id, TransitGatewayAttachment) if a.live}))
    _check_attachment_quotas(ctx, tgw)
    att_id = ctx.new_id("transit_gateway_attachment")
    cross_account = tgw.owner_id != vpc.owner_id
    pending = cross_account and tgw.options.auto_accept_shared_attachments != "enable"
    att = ctx.world.put(TransitGatewayAttachment(
        id=att_id, owner_id=tgw.owner_id, region=tgw.region, tags=Tags(tags), transit_gateway_id=tgw.id,
        resource_type="vpc", resource_id=vpc.id, resource_owner_id=vpc.owner_id,
        state="pendingAcceptance" if pending else "available",
        subnet_ids=tuple(s.id for s in subnets),
        # AWS does not document when the interfaces appear for a pending attachment; vpclab
        # creates them at once, so the subnet addresses are taken from the request on.
        network_interface_ids=tuple(_attachment_interface(ctx, s, att_id) for s in subnets),
        appliance_mode_support=opts.get("appliance_mode_support", "disable"),
        dns_support=opts.get("dns_support", "enable"), ipv6_support=opts.get("ipv6_support", "disable"),
        create_time=ctx.now))
    return att if pending else apply_defaults(ctx, att, tgw)


@action
def accept_transit_gateway_vpc_attachment(ctx: Ctx, *,
                                          transit_gateway_attachment_id: str) -> TransitGatewayAttachment:
    """AcceptTransitGatewayVpcAttachment: the gateway owner accepts a shared VPC's request."""
    att = _require_attachment(ctx, transit_gateway_attachment_id, "vpc")
    ctx.require_owner(att)
    _require_pending(att)
    tgw = ctx.world.get(att.transit_gateway_id, TransitGateway)
    att = ctx.world.put(replace(att, state="available"))
    return apply_defaults(ctx, att, tgw) if tgw is not None else att


@action
def reject_transit_gateway_vpc_attachment(ctx: Ctx, *,
                                          transit_gateway_attachment_id: str) -> TransitGatewayAttachment:
    """RejectTransitGatewayVpcAttachment: the gateway owner refuses; the interfaces go.

    AWS lists a rejected attachment for a while before it disappears; vpclab removes it at once,
    so that it does not keep the VPC from being deleted, and returns it in the rejected state."""
    att = _require_attachment(ctx, transit_gateway_attachment_id, "vpc")
    ctx.require_owner(att)
    _require_pending(att)
    remove_attachment(ctx, att)
    return replace(att, state="rejected", network_interface_ids=())


@action
def modify_transit_gateway_vpc_attachment(ctx: Ctx, *, transit_gateway_attachment_id: str,
                                          add_subnet_ids: Sequence[str] = (),
                                          remove_subnet_ids: Sequence[str] = (),
                                          options: Mapping[str,
                                                           Any] | None = None) -> TransitGatewayAttachment:
    """ModifyTransitGatewayVpcAttachment: removals first, then additions (one subnet per AZ);
    the attachment keeps at least one subnet."""
    att = _require_attachment(ctx, transit_gateway_attachment_id, "vpc")
    if ctx.account_id not in (att.owner_id, att.resource_owner_id):
        ctx.require_owner(att)
    opts = _check_options(options, VPC_ATTACHMENT_OPTION_KEYS)
    kept = list(att.subnet_ids)
    for sid in remove_subnet_ids:
        if sid not in kept:
            raise AwsError("InvalidSubnetID.NotFound", f"{sid} is not attached but supplied in RemoveSubnets")
        kept.remove(sid)
    vpc = ctx.world.get(att.resource_id, Vpc)
    added = _attachable_subnets(ctx, vpc, add_subnet_ids, kept) if vpc is not None and add_subnet_ids else []
    if not kept and not added:
        raise AwsError("InsufficientSubnetsException", "Insufficient Subnets")
    _check_ipv6_support(ctx, opts.get("ipv6_support", att.ipv6_support), [*kept, *(s.id for s in added)])
    enis = []
    for eni_id in att.network_interface_ids:
        from ..model.interfaces import NetworkInterface

        eni = ctx.world.get(eni_id, NetworkInterface)
        if eni is not None and eni.subnet_id in remove_subnet_ids:
            ctx.world.remove(eni_id)
        elif eni is not None:
            enis.append(eni_id)
    enis += [_attachment_interface(ctx, s, att.id) for s in added]
    return ctx.world.put(replace(att, subnet_ids=tuple(kept) + tuple(s.id for s in added),
                                 network_interface_ids=tuple(enis), **opts))


@action
def delete_transit_gateway_vpc_attachment(ctx: Ctx, *, transit_gateway_attachment_id: str) -> None:
    """DeleteTransitGatewayVpcAttachment: by either owner; removes its interfaces, association and
    propagations (static routes to it remain, as blackholes)."""
    att = _require_attachment(ctx, transit_gateway_attachment_id, "vpc")
    if ctx.account_id not in (att.owner_id, att.resource_owner_id):
        ctx.require_owner(att)
    remove_attachment(ctx, att)


# -- peering attachments ---------------------------------------------------------------------
@action
def create_transit_gateway_peering_attachment(ctx: Ctx, *, transit_gateway_id: str,
                                              peer_transit_gateway_id: str,
                                              peer_account_id: str | None = None,
                                              peer_region: str | None = None,
                                              tags: Mapping[str,
                                                            str] | None = None) -> TransitGatewayAttachment:
    """CreateTransitGatewayPeeringAttachment: inter- or intra-Region, any account; the request
    waits in pendingAcceptance for the peer gateway's owner (failed when no such gateway exists)."""
    tgw = _own_tgw(ctx, transit_gateway_id)
    peer_account_id = peer_account_id or ctx.account_id
    peer_region = peer_region or ctx.region
    if not is_region(peer_region):
        raise invalid_parameter_value(f"Value ({peer_region}) for parameter peerRegion is invalid.")
    if peer_transit_gateway_id == tgw.id:
        # AWS's wording is undocumented; a gateway cannot peer with itself
        raise invalid_parameter_value(
                       f"Cannot create a peering attachment from {tgw.id} to itself.")
    _check_attachment_quotas(ctx, tgw)
    ctx.check_quota("peering_attachments_per_transit_gateway", sum(
        1 for a in attachments_of(ctx.world, tgw.id) if a.resource_type == "peering"))
    peer = ctx.world.get(peer_transit_gateway_id, TransitGateway)
    exists = peer is not None and (peer.owner_id, peer.region) == (peer_account_id, peer_region)
    return ctx.world.put(TransitGatewayAttachment(
        id=ctx.new_id("transit_gateway_attachment"), owner_id=tgw.owner_id, region=tgw.region,
        tags=Tags(tags),
        transit_gateway_id=tgw.id, resource_type="peering", resource_id=peer_transit_gateway_id,
        resource_owner_id=peer_account_id, state="pendingAcceptance" if exists else "failed",
        peer_transit_gateway_id=peer_transit_gateway_id, peer_account_id=peer_account_id,
        peer_region=peer_region, create_time=ctx.now))


def _require_accepter(ctx: Ctx, attachment_id: str, verb: str) -> TransitGatewayAttachment:
    att = _require_attachment(ctx, attachment_id, "peering")
    if (ctx.account_id, ctx.region) != (att.peer_account_id, att.peer_region):
        raise invalid_parameter_value(
                       f"Cannot {verb} {att.id} as the source of the peering request.")
    _require_pending(att)
    return att


@action
def accept_transit_gateway_peering_attachment(ctx: Ctx, *,
                                              transit_gateway_attachment_id: str) -> TransitGatewayAttachment:
    """AcceptTransitGatewayPeeringAttachment: by the peer gateway's owner, in the peer Region.
    Each side is associated with its default association route table where enabled; peering
    attachments never propagate."""
    att = _require_accepter(ctx, transit_gateway_attachment_id, "accept")
    att = ctx.world.put(replace(att, state="available"))
    for tgw_id in att.transit_gateway_ids:
        tgw = ctx.world.get(tgw_id, TransitGateway)
        if tgw is not None:
            att = apply_defaults(ctx, att, tgw, propagate=False)
    return att


@action
def reject_transit_gateway_peering_attachment(ctx: Ctx, *,
                                              transit_gateway_attachment_id: str) -> TransitGatewayAttachment:
    """RejectTransitGatewayPeeringAttachment: by the peer gateway's owner, in the peer Region."""
    att = _require_accepter(ctx, transit_gateway_attachment_id, "reject")
    remove_attachment(ctx, att, final_state="rejected")
    return ctx.world.get(att.id, TransitGatewayAttachment)  # type: ignore[return-value]


@action
def delete_transit_gateway_peering_attachment(ctx: Ctx, *, transit_gateway_attachment_id: str) -> None:
    """DeleteTransitGatewayPeeringAttachment: either side may delete it."""
    att = _require_attachment(ctx, transit_gateway_attachment_id, "peering")
    remove_attachment(ctx, att)


# -- VPN attachments (called by the VPN family) ----------------------------------------------
def create_vpn_attachment(ctx: Ctx, transit_gateway_id: str,
                          vpn_connection_id: str) -> TransitGatewayAttachment:
    """The attachment CreateVpnConnection(TransitGatewayId=…) makes, available at once and
    associated/propagated per the gateway's defaults."""
    tgw = _own_tgw(ctx, transit_gateway_id)
    _check_attachment_quotas(ctx, tgw)
    att = ctx.world.put(TransitGatewayAttachment(
        id=ctx.new_id("transit_gateway_attachment"), owner_id=tgw.owner_id, region=tgw.region,
        transit_gateway_id=tgw.id, resource_type="vpn", resource_id=vpn_connection_id,
        resource_owner_id=ctx.account_id, state="available", create_time=ctx.now))
    return apply_defaults(ctx, att, tgw)


def delete_vpn_attachment(ctx: Ctx, vpn_connection_id: str) -> None:
    """DeleteVpnConnection's side: its attachment, association and propagations go."""
    for att in list(ctx.world.all(TransitGatewayAttachment)):
        if att.resource_type == "vpn" and att.resource_id == vpn_connection_id and att.live:
            remove_attachment(ctx, att)


# -- Direct Connect gateway attachments (called by the Direct Connect family) ------------------------
def create_direct_connect_gateway_attachment(ctx: Ctx, transit_gateway_id: str,
                                             gateway: Resource) -> TransitGatewayAttachment:
    """The attachment of resource type ``direct-connect-gateway`` a transit gateway association
    makes (``ctx`` acts as the transit gateway's owner), available at once and associated /
    propagated per the gateway's defaults ("Transit gateway attachments to a Direct Connect gateway",
    https://docs.aws.amazon.com/vpc/latest/tgw/tgw-dcg-attachments.html)."""
    tgw = _own_tgw(ctx, transit_gateway_id)
    _check_attachment_quotas(ctx, tgw)
    att = ctx.world.put(TransitGatewayAttachment(
        id=ctx.new_id("transit_gateway_attachment"), owner_id=tgw.owner_id, region=tgw.region,
        transit_gateway_id=tgw.id, resource_type="direct-connect-gateway", resource_id=gateway.id,
        resource_owner_id=gateway.owner_id, state="available", create_time=ctx.now))
    return apply_defaults(ctx, att, tgw)


def delete_direct_connect_gateway_attachment(ctx: Ctx, attachment_id: str) -> None:
    """DeleteDirectConnectGatewayAssociation's side: the attachment, its association and
    propagations go (static routes to it stay, as blackholes)."""
    att = ctx.world.get(attachment_id, TransitGatewayAttachment)
    if att is not None and att.live:
        remove_attachment(ctx, att)
