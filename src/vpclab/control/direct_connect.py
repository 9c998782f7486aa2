"""AWS Direct Connect: Direct Connect gateways, their associations with transit gateways and
virtual private gateways (directly, or across accounts through association proposals).
Connections and virtual interfaces: ``control.direct_connect_interfaces``.

AWS docs (https://docs.aws.amazon.com/directconnect/latest/UserGuide/): "Direct Connect gateways",
"Transit gateway associations" (direct-connect-transit-gateways.html), "Virtual private gateway
associations" (virtualgateways.html), "Allowed prefixes interactions" (allowed-to-prefixes.html),
"Direct Connect quotas" (limits.html), and the Direct Connect API reference of each action.
Direct Connect answers every client mistake with ``DirectConnectClientException``; AWS documents
none of its messages, so the wording is vpclab's (naming the rule broken).

A transit gateway association makes the gateway's attachment of resource type
``direct-connect-gateway`` (``control.transit_gateway.create_direct_connect_gateway_attachment``),
which associates and propagates like any other; it propagates the on-premises prefixes the
gateway learns over its transit virtual interfaces (``model.direct_connect.learned_cidrs``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from ipaddress import IPv4Network, IPv6Network, ip_network

from ..core.errors import AwsError
from ..model.base import Tags
from ..model.direct_connect import (
    DirectConnectGateway,
    DirectConnectGatewayAssociation,
    DirectConnectGatewayAssociationProposal,
    VirtualInterface,
)
from ..model.transit_gateway import TransitGateway
from ..model.vpc import Vpc
from ..model.vpn import VpnGateway
from .asn import AMAZON_SIDE_ASN_RANGES
from .context import Ctx
from .registry import action
from .text import check_text

CLIENT_ERROR = "DirectConnectClientException"
#: associated gateway types, as DescribeDirectConnectGatewayAssociations names them
TGW, VGW = "transitGateway", "virtualPrivateGateway"


def client_error(message: str) -> AwsError:
    return AwsError(CLIENT_ERROR, message)


def _uuid(ctx: Ctx) -> str:
    """A fresh UUID-shaped id (Direct Connect gateways, associations and proposals), from the
    World's deterministic id generator."""
    while True:
        h = ctx.world.ids.hex(32)
        candidate = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"
        if candidate not in ctx.world:
            return candidate


def short_id(ctx: Ctx, prefix: str) -> str:
    """``dxcon-…`` / ``dxvif-…``: 8 characters after the prefix, as AWS's."""
    while True:
        candidate = f"{prefix}-{ctx.world.ids.hex(8)}"
        if candidate not in ctx.world:
            return candidate


def _prefixes(values: Sequence[str] | None, param: str) -> tuple[str, ...]:
    """Allowed prefixes (RouteFilterPrefix cidrs): valid CIDR blocks, duplicates dropped."""
    out: list[str] = []
    for value in values or ():
        try:
            net: IPv4Network | IPv6Network = ip_network(value, strict=True)
        except (ValueError, TypeError):
            raise client_error(f"{param}: {value} is not a valid CIDR block.") from None
        if str(net) not in out:
            out.append(str(net))
    return tuple(out)


def _require_gateway(ctx: Ctx, gateway_id: str | None) -> DirectConnectGateway:
    dxgw = ctx.world.get(gateway_id, DirectConnectGateway) if gateway_id else None
    if dxgw is None or dxgw.state != "available":
        raise client_error(f"Direct Connect gateway {gateway_id} does not exist.")
    return dxgw


def require_own_gateway(ctx: Ctx, gateway_id: str | None) -> DirectConnectGateway:
    dxgw = _require_gateway(ctx, gateway_id)
    if dxgw.owner_id != ctx.account_id:
        raise client_error(f"Direct Connect gateway {gateway_id} does not exist.")
    return dxgw


def live_associations(ctx: Ctx, dxgw_id: str) -> list[DirectConnectGatewayAssociation]:
    return [
        a
        for a in ctx.world.all(DirectConnectGatewayAssociation)
        if a.direct_connect_gateway_id == dxgw_id and a.live
    ]


def vifs_of(ctx: Ctx, dxgw_id: str) -> list[VirtualInterface]:
    return [
        v
        for v in ctx.world.all(VirtualInterface)
        if v.direct_connect_gateway_id == dxgw_id and v.virtual_interface_state != "deleted"
    ]


# -- Direct Connect gateways -------------------------------------------------------------------
@action
def create_direct_connect_gateway(
    ctx: Ctx,
    *,
    direct_connect_gateway_name: str,
    amazon_side_asn: int | None = None,
    tags: Mapping[str, str] | None = None,
) -> DirectConnectGateway:
    """CreateDirectConnectGateway: a global gateway with a private Amazon-side ASN (default 64512;
    API reference: "in the private range of 64,512 to 65,534 or 4,200,000,000 to 4,294,967,294")."""
    check_text("directConnectGatewayName", direct_connect_gateway_name, max_length=100)
    asn = 64512 if amazon_side_asn is None else amazon_side_asn
    if not any(asn in r for r in AMAZON_SIDE_ASN_RANGES):
        raise client_error(
            f"amazonSideAsn {asn} is invalid: it must be in the private range of 64512 to "
            "65534 or 4200000000 to 4294967294."
        )
    owned = sum(1 for g in ctx.world.all(DirectConnectGateway) if g.owner_id == ctx.account_id)
    ctx.check_quota("direct_connect_gateways_per_account", owned)
    return ctx.world.put(
        DirectConnectGateway(
            id=_uuid(ctx),
            owner_id=ctx.account_id,
            region=ctx.region,
            tags=Tags(tags),
            direct_connect_gateway_name=direct_connect_gateway_name,
            amazon_side_asn=asn,
            create_time=ctx.now,
        )
    )


@action
def delete_direct_connect_gateway(ctx: Ctx, *, direct_connect_gateway_id: str) -> DirectConnectGateway:
    """DeleteDirectConnectGateway: only without associations and attached virtual interfaces
    (API reference: "You must first delete all virtual interfaces that are attached to the Direct
    Connect gateway and disassociate all virtual private gateways associated with the Direct
    Connect gateway")."""
    dxgw = require_own_gateway(ctx, direct_connect_gateway_id)
    if live_associations(ctx, dxgw.id):
        raise client_error(
            f"Direct Connect gateway {dxgw.id} has associated gateways: disassociate them first."
        )
    if vifs_of(ctx, dxgw.id):
        raise client_error(
            f"Direct Connect gateway {dxgw.id} has attached virtual interfaces: delete them first."
        )
    for prop in list(ctx.world.all(DirectConnectGatewayAssociationProposal)):
        if prop.direct_connect_gateway_id == dxgw.id:
            ctx.world.remove(prop.id)
    ctx.world.remove(dxgw.id)
    return replace(dxgw, state="deleted")


# -- associations ------------------------------------------------------------------------------
def _associated_gateway(ctx: Ctx, gateway_id: str) -> TransitGateway | VpnGateway:
    """The transit gateway or virtual private gateway ``gateway_id`` names, owned by the caller
    (in the caller's Region, as AWS resolves the id)."""
    gw: TransitGateway | VpnGateway | None = ctx.world.get(gateway_id, TransitGateway) or ctx.world.get(
        gateway_id, VpnGateway
    )
    if gw is None or gw.owner_id != ctx.account_id or gw.region != ctx.region:
        raise client_error(f"Gateway {gateway_id} does not exist.")
    return gw


def _check_association(
    ctx: Ctx,
    dxgw: DirectConnectGateway,
    gw: TransitGateway | VpnGateway,
    prefixes: tuple[str, ...],
    *,
    ignore: str | None = None,
) -> None:
    """AWS's rules for associating ``gw`` with ``dxgw`` (``ignore``: an association being replaced)."""
    existing = [a for a in live_associations(ctx, dxgw.id) if a.id != ignore]
    if any(a.associated_gateway_id == gw.id for a in existing):
        raise client_error(f"Gateway {gw.id} is already associated with Direct Connect gateway {dxgw.id}.")
    vifs = vifs_of(ctx, dxgw.id)
    if isinstance(gw, TransitGateway):
        # "You cannot attach a Direct Connect gateway to a transit gateway when the Direct Connect
        # gateway is already associated with a virtual private gateway or is attached to a
        # private virtual interface."
        if any(a.associated_gateway_type == VGW for a in existing) or any(
            v.virtual_interface_type == "private" for v in vifs
        ):
            raise client_error(
                f"Direct Connect gateway {dxgw.id} is associated with a virtual private gateway "
                "or attached to a private virtual interface: it cannot be associated with a "
                "transit gateway."
            )
        if gw.options.amazon_side_asn == dxgw.amazon_side_asn:
            # re:Post "Why can't I associate a transit gateway with my Direct Connect gateway?":
            # the two must have different ASNs
            raise client_error(
                f"Transit gateway {gw.id} and Direct Connect gateway {dxgw.id} have the same "
                f"ASN ({dxgw.amazon_side_asn}): their ASNs must differ."
            )
        for a in existing:
            other = ctx.world.get(a.associated_gateway_id, TransitGateway)
            if (
                a.associated_gateway_type == TGW
                and other is not None
                and other.region != gw.region
                and other.options.amazon_side_asn == gw.options.amazon_side_asn
            ):
                # "If you connect to multiple transit gateways that are in different Regions, use
                # unique ASNs for each transit gateway."
                raise client_error(
                    f"Transit gateway {gw.id} has the same ASN as transit gateway {other.id} "
                    "in another Region associated with this Direct Connect gateway: transit "
                    "gateways in different Regions need unique ASNs."
                )
        ctx.check_quota(
            "transit_gateways_per_direct_connect_gateway",
            sum(1 for a in existing if a.associated_gateway_type == TGW),
            direct_connect_gateway_id=dxgw.id,
        )
        ctx.check_quota("allowed_prefixes_per_transit_gateway_association", len(prefixes), adding=0)
    else:
        # "You cannot attach a Direct Connect gateway to a virtual private gateway when the Direct
        # Connect gateway is already associated with a transit gateway."
        if any(a.associated_gateway_type == TGW for a in existing) or any(
            v.virtual_interface_type == "transit" for v in vifs
        ):
            raise client_error(
                f"Direct Connect gateway {dxgw.id} is associated with a transit gateway or "
                "attached to a transit virtual interface: it cannot be associated with a "
                "virtual private gateway."
            )
        if gw.vpc_id is None:
            raise client_error(f"Virtual private gateway {gw.id} is not attached to a VPC.")
        ctx.check_quota(
            "virtual_private_gateways_per_direct_connect_gateway",
            sum(1 for a in existing if a.associated_gateway_type == VGW),
            direct_connect_gateway_id=dxgw.id,
        )


def _vgw_default_prefixes(ctx: Ctx, vgw: VpnGateway) -> tuple[str, ...]:
    """A virtual private gateway association without allowed prefixes allows the VPC's CIDR blocks
    ("Allowed prefixes interactions": the prefixes must be the same as or wider than the VPC CIDR)."""
    vpc = ctx.world.get(vgw.vpc_id, Vpc) if vgw.vpc_id else None
    return tuple(vpc.cidr_blocks) if vpc is not None else ()


def _associate(
    ctx: Ctx, dxgw: DirectConnectGateway, gw: TransitGateway | VpnGateway, prefixes: tuple[str, ...]
) -> DirectConnectGatewayAssociation:
    is_tgw = isinstance(gw, TransitGateway)
    if not is_tgw and not prefixes:
        assert isinstance(gw, VpnGateway)
        prefixes = _vgw_default_prefixes(ctx, gw)
    assoc = DirectConnectGatewayAssociation(
        id=_uuid(ctx),
        owner_id=dxgw.owner_id,
        region=gw.region,
        direct_connect_gateway_id=dxgw.id,
        associated_gateway_id=gw.id,
        associated_gateway_type=TGW if is_tgw else VGW,
        associated_gateway_owner_account=gw.owner_id,
        allowed_prefixes=prefixes,
    )
    if is_tgw:
        from .transit_gateway import create_direct_connect_gateway_attachment

        att = create_direct_connect_gateway_attachment(ctx, gw.id, dxgw)
        assoc = replace(assoc, transit_gateway_attachment_id=att.id)
    return ctx.world.put(assoc)


@action
def create_direct_connect_gateway_association(
    ctx: Ctx,
    *,
    direct_connect_gateway_id: str,
    gateway_id: str | None = None,
    virtual_gateway_id: str | None = None,
    add_allowed_prefixes_to_direct_connect_gateway: Sequence[str] | None = None,
) -> DirectConnectGatewayAssociation:
    """CreateDirectConnectGatewayAssociation: the caller's Direct Connect gateway with its own transit
    gateway (allowed prefixes: what the gateway advertises to on premises) or virtual private
    gateway (allowed prefixes filter the VPC CIDR; default the VPC's CIDR blocks). Another
    account's gateway goes through an association proposal."""
    if gateway_id and virtual_gateway_id and gateway_id != virtual_gateway_id:
        raise client_error("Specify either gatewayId or virtualGatewayId, not both.")
    target = gateway_id or virtual_gateway_id
    if not target:
        raise client_error("The request must contain the parameter gatewayId.")
    dxgw = require_own_gateway(ctx, direct_connect_gateway_id)
    gw = _associated_gateway(ctx, target)
    prefixes = _prefixes(
        add_allowed_prefixes_to_direct_connect_gateway, "addAllowedPrefixesToDirectConnectGateway"
    )
    _check_association(ctx, dxgw, gw, prefixes)
    return _associate(ctx, dxgw, gw, prefixes)


def _require_association(ctx: Ctx, association_id: str | None) -> DirectConnectGatewayAssociation:
    assoc = ctx.world.get(association_id, DirectConnectGatewayAssociation) if association_id else None
    if assoc is None or not assoc.live or not assoc.visible_to(ctx.world, ctx.account_id, ctx.region):
        raise client_error(f"Direct Connect gateway association {association_id} does not exist.")
    return assoc


@action
def update_direct_connect_gateway_association(
    ctx: Ctx,
    *,
    association_id: str,
    add_allowed_prefixes_to_direct_connect_gateway: Sequence[str] | None = None,
    remove_allowed_prefixes_to_direct_connect_gateway: Sequence[str] | None = None,
) -> DirectConnectGatewayAssociation:
    """UpdateDirectConnectGatewayAssociation: add and remove allowed prefixes (the Direct Connect
    gateway's owner; "Update the allowed prefixes for a transit gateway association")."""
    assoc = _require_association(ctx, association_id)
    if assoc.owner_id != ctx.account_id:
        raise client_error(f"Direct Connect gateway association {association_id} does not exist.")
    add = _prefixes(
        add_allowed_prefixes_to_direct_connect_gateway, "addAllowedPrefixesToDirectConnectGateway"
    )
    remove = _prefixes(
        remove_allowed_prefixes_to_direct_connect_gateway, "removeAllowedPrefixesToDirectConnectGateway"
    )
    missing = [p for p in remove if p not in assoc.allowed_prefixes]
    if missing:
        raise client_error(f"Prefix {missing[0]} is not an allowed prefix of association {assoc.id}.")
    prefixes = tuple(dict.fromkeys([p for p in assoc.allowed_prefixes if p not in remove] + list(add)))
    if assoc.associated_gateway_type == TGW:
        ctx.check_quota("allowed_prefixes_per_transit_gateway_association", len(prefixes), adding=0)
    return ctx.world.put(replace(assoc, allowed_prefixes=prefixes))


def _disassociate(ctx: Ctx, assoc: DirectConnectGatewayAssociation) -> DirectConnectGatewayAssociation:
    if assoc.transit_gateway_attachment_id:
        from .transit_gateway import delete_direct_connect_gateway_attachment

        delete_direct_connect_gateway_attachment(ctx, assoc.transit_gateway_attachment_id)
    ctx.world.remove(assoc.id)
    return replace(assoc, association_state="disassociated")


@action
def delete_direct_connect_gateway_association(
    ctx: Ctx,
    *,
    association_id: str | None = None,
    direct_connect_gateway_id: str | None = None,
    virtual_gateway_id: str | None = None,
) -> DirectConnectGatewayAssociation:
    """DeleteDirectConnectGatewayAssociation: by association id, or by Direct Connect gateway and
    virtual private gateway; either side's owner may. A transit gateway association's attachment
    goes with it (its routes with it; static routes to it become blackholes)."""
    if association_id is None:
        if not (direct_connect_gateway_id and virtual_gateway_id):
            raise client_error(
                "The request must contain the parameter associationId, or "
                "directConnectGatewayId and virtualGatewayId."
            )
        found = [
            a
            for a in ctx.world.all(DirectConnectGatewayAssociation)
            if a.direct_connect_gateway_id == direct_connect_gateway_id
            and a.associated_gateway_id == virtual_gateway_id
            and a.live
        ]
        if not found:
            raise client_error(
                f"Virtual private gateway {virtual_gateway_id} is not associated with Direct "
                f"Connect gateway {direct_connect_gateway_id}."
            )
        association_id = found[0].id
    return _disassociate(ctx, _require_association(ctx, association_id))


# -- association proposals (across accounts) -----------------------------------------------------
@action
def create_direct_connect_gateway_association_proposal(
    ctx: Ctx,
    *,
    direct_connect_gateway_id: str,
    direct_connect_gateway_owner_account: str,
    gateway_id: str,
    add_allowed_prefixes_to_direct_connect_gateway: Sequence[str] | None = None,
    remove_allowed_prefixes_to_direct_connect_gateway: Sequence[str] | None = None,
) -> DirectConnectGatewayAssociationProposal:
    """CreateDirectConnectGatewayAssociationProposal: the owner of a transit gateway or virtual
    private gateway proposes an association with another account's Direct Connect gateway
    ("Associating a transit gateway across accounts"); the gateway owner accepts it. For an existing
    association the proposal carries the prefixes to add and remove."""
    dxgw = _require_gateway(ctx, direct_connect_gateway_id)
    if dxgw.owner_id != direct_connect_gateway_owner_account:
        raise client_error(
            f"Direct Connect gateway {direct_connect_gateway_id} is not owned by account "
            f"{direct_connect_gateway_owner_account}."
        )
    if dxgw.owner_id == ctx.account_id:
        raise client_error(
            "The Direct Connect gateway and the gateway belong to the same account: "
            "use CreateDirectConnectGatewayAssociation."
        )
    gw = _associated_gateway(ctx, gateway_id)
    add = _prefixes(
        add_allowed_prefixes_to_direct_connect_gateway, "addAllowedPrefixesToDirectConnectGateway"
    )
    remove = _prefixes(
        remove_allowed_prefixes_to_direct_connect_gateway, "removeAllowedPrefixesToDirectConnectGateway"
    )
    current = next((a for a in live_associations(ctx, dxgw.id) if a.associated_gateway_id == gw.id), None)
    existing = current.allowed_prefixes if current is not None else ()
    if current is None:
        _check_association(ctx, dxgw, gw, add)
    requested = tuple(dict.fromkeys([p for p in existing if p not in remove] + list(add)))
    for other in ctx.world.all(DirectConnectGatewayAssociationProposal):
        if (
            other.associated_gateway_id == gw.id
            and other.direct_connect_gateway_id == dxgw.id
            and other.proposal_state == "requested"
        ):
            raise client_error(
                f"Gateway {gw.id} already has a pending proposal ({other.id}) for Direct Connect "
                f"gateway {dxgw.id}."
            )
    return ctx.world.put(
        DirectConnectGatewayAssociationProposal(
            id=_uuid(ctx),
            owner_id=ctx.account_id,
            region=ctx.region,
            direct_connect_gateway_id=dxgw.id,
            direct_connect_gateway_owner_account=dxgw.owner_id,
            associated_gateway_id=gw.id,
            associated_gateway_type=TGW if isinstance(gw, TransitGateway) else VGW,
            requested_allowed_prefixes=requested,
            existing_allowed_prefixes=existing,
        )
    )


def _require_proposal(ctx: Ctx, proposal_id: str) -> DirectConnectGatewayAssociationProposal:
    prop = ctx.world.get(proposal_id, DirectConnectGatewayAssociationProposal)
    if (
        prop is None
        or prop.proposal_state == "deleted"
        or not prop.visible_to(ctx.world, ctx.account_id, ctx.region)
    ):
        raise client_error(f"Direct Connect gateway association proposal {proposal_id} does not exist.")
    return prop


@action
def accept_direct_connect_gateway_association_proposal(
    ctx: Ctx,
    *,
    direct_connect_gateway_id: str,
    proposal_id: str,
    associated_gateway_owner_account: str,
    override_allowed_prefixes_to_direct_connect_gateway: Sequence[str] | None = None,
) -> DirectConnectGatewayAssociation:
    """AcceptDirectConnectGatewayAssociationProposal: the Direct Connect gateway's owner accepts,
    optionally overriding the requested prefixes; an existing association takes the new prefixes."""
    prop = _require_proposal(ctx, proposal_id)
    dxgw = require_own_gateway(ctx, direct_connect_gateway_id)
    if prop.direct_connect_gateway_id != dxgw.id or prop.proposal_state != "requested":
        raise client_error(
            f"Proposal {proposal_id} is not a pending proposal for Direct Connect gateway {dxgw.id}."
        )
    if prop.owner_id != associated_gateway_owner_account:
        raise client_error(
            f"Proposal {proposal_id} was not made by account {associated_gateway_owner_account}."
        )
    prefixes = prop.requested_allowed_prefixes
    if override_allowed_prefixes_to_direct_connect_gateway is not None:
        prefixes = _prefixes(
            override_allowed_prefixes_to_direct_connect_gateway,
            "overrideAllowedPrefixesToDirectConnectGateway",
        )
    proposer = ctx.world.get(prop.associated_gateway_id)
    if not isinstance(proposer, (TransitGateway, VpnGateway)):
        raise client_error(f"Gateway {prop.associated_gateway_id} does not exist.")
    ctx.world.put(replace(prop, proposal_state="accepted"))
    current = next(
        (a for a in live_associations(ctx, dxgw.id) if a.associated_gateway_id == proposer.id), None
    )
    if current is not None:
        if current.associated_gateway_type == TGW:
            ctx.check_quota("allowed_prefixes_per_transit_gateway_association", len(prefixes), adding=0)
        return ctx.world.put(replace(current, allowed_prefixes=prefixes))
    _check_association(ctx, dxgw, proposer, prefixes)
    # the attachment is the transit gateway owner's: made as that account, in the gateway's Region
    return _associate(
        Ctx(ctx.world, proposer.owner_id, proposer.region, ctx.analyser), dxgw, proposer, prefixes
    )


@action
def delete_direct_connect_gateway_association_proposal(
    ctx: Ctx, *, proposal_id: str
) -> DirectConnectGatewayAssociationProposal:
    """DeleteDirectConnectGatewayAssociationProposal: the proposer withdraws a proposal."""
    prop = _require_proposal(ctx, proposal_id)
    if prop.owner_id != ctx.account_id:
        raise client_error(f"Direct Connect gateway association proposal {proposal_id} does not exist.")
    ctx.world.remove(prop.id)
    return replace(prop, proposal_state="deleted")
