"""AWS Direct Connect connections and virtual interfaces (private and transit), their BGP sessions
(StartBgpFailoverTest / StopBgpFailoverTest) and Direct Connect tags (TagResource / UntagResource).

AWS docs: "Direct Connect virtual interfaces" and "Direct Connect quotas"
(https://docs.aws.amazon.com/directconnect/latest/UserGuide/limits.html), and the Direct Connect API
reference of each action. As in ``control.direct_connect``, the messages are vpclab's (AWS documents
none) with Direct Connect's ``DirectConnectClientException``.

The on-premises networks a customer router advertises over an interface's BGP session are its
``vpclab:on-premises-cidrs`` tag (``model.direct_connect``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from ..core.errors import AwsError
from ..model.base import Resource, Tags
from ..model.direct_connect import DirectConnectConnection, DirectConnectGateway, VirtualInterface
from ..model.vpn import ON_PREMISES_CIDRS_TAG, VpnGateway, validate_on_premises_tag
from .context import Ctx
from .direct_connect import TGW, VGW, client_error, live_associations, require_own_gateway, short_id, vifs_of
from .registry import action
from .text import check_text

#: CreateConnection bandwidths of a dedicated connection (API reference: "bandwidth")
BANDWIDTHS = ("1Gbps", "10Gbps", "100Gbps", "400Gbps")
#: a virtual interface's VLAN (API reference NewTransitVirtualInterface "vlan": 1–4094)
VLANS = range(1, 4095)
#: MTUs: 1500 or jumbo frames (private 9001, transit 8500)
MTUS = {"private": (1500, 9001), "transit": (1500, 8500)}


# -- connections and virtual interfaces ----------------------------------------------------------
@action
def create_connection(
    ctx: Ctx, *, location: str, bandwidth: str, connection_name: str, tags: Mapping[str, str] | None = None
) -> DirectConnectConnection:
    """CreateConnection: a dedicated connection at a Direct Connect location of the Region.
    vpclab keeps no catalogue of locations (any code is accepted) and no physical layer: the
    connection is ``available`` at once."""
    check_text("location", location, max_length=64)
    check_text("connectionName", connection_name, max_length=100)
    if bandwidth not in BANDWIDTHS:
        raise client_error(
            f"Bandwidth {bandwidth} is not available for a dedicated connection ({', '.join(BANDWIDTHS)})."
        )
    return ctx.world.put(
        DirectConnectConnection(
            id=short_id(ctx, "dxcon"),
            owner_id=ctx.account_id,
            region=ctx.region,
            tags=Tags(tags),
            connection_name=connection_name,
            location=location,
            bandwidth=bandwidth,
        )
    )


def _require_connection(ctx: Ctx, connection_id: str) -> DirectConnectConnection:
    con = ctx.world.get(connection_id, DirectConnectConnection)
    if con is None or not con.visible_to(ctx.world, ctx.account_id, ctx.region):
        raise client_error(f"Connection {connection_id} does not exist.")
    return con


@action
def delete_connection(ctx: Ctx, *, connection_id: str) -> DirectConnectConnection:
    """DeleteConnection: only without virtual interfaces (API reference: "Deletes the specified
    connection... you must delete the virtual interfaces first")."""
    con = _require_connection(ctx, connection_id)
    if any(v.connection_id == con.id for v in ctx.world.all(VirtualInterface)):
        raise client_error(f"Connection {con.id} has virtual interfaces: delete them first.")
    ctx.world.remove(con.id)
    return replace(con, connection_state="deleted")


def _check_on_premises_tag(tags: Mapping[str, str] | None) -> None:
    if tags and ON_PREMISES_CIDRS_TAG in tags:
        try:
            validate_on_premises_tag(tags[ON_PREMISES_CIDRS_TAG])
        except AwsError as exc:
            raise client_error(exc.message) from None


def _new_vif(
    ctx: Ctx,
    kind: str,
    connection_id: str,
    *,
    virtual_interface_name: str,
    vlan: int,
    asn: int | None = None,
    asn_long: int | None = None,
    mtu: int | None = None,
    amazon_address: str | None = None,
    customer_address: str | None = None,
    address_family: str | None = None,
    direct_connect_gateway_id: str | None = None,
    virtual_gateway_id: str | None = None,
    tags: Mapping[str, str] | None = None,
    prefix_pool_allocated_count_ipv4: int | None = None,
) -> VirtualInterface:
    con = _require_connection(ctx, connection_id)
    check_text("virtualInterfaceName", virtual_interface_name, max_length=100)
    if vlan not in VLANS:
        raise client_error(f"VLAN {vlan} is invalid: it must be between 1 and 4094.")
    customer_asn = asn_long if asn_long is not None else asn
    if customer_asn is None:
        raise client_error("The request must contain the parameter asn.")
    if mtu is not None and mtu not in MTUS[kind]:
        raise client_error(
            f"MTU {mtu} is invalid for a {kind} virtual interface: {' or '.join(map(str, MTUS[kind]))}."
        )
    if address_family not in (None, "ipv4"):
        # vpclab models IPv4 BGP sessions only
        raise client_error(f"addressFamily {address_family} is not supported by vpclab (ipv4).")
    if any(v.connection_id == con.id and v.vlan == vlan for v in ctx.world.all(VirtualInterface)):
        raise client_error(f"VLAN {vlan} is already in use on connection {con.id}.")
    _check_on_premises_tag(tags)
    count_on_con = sum(
        1
        for v in ctx.world.all(VirtualInterface)
        if v.connection_id == con.id and v.virtual_interface_type == kind
    )
    ctx.check_quota(f"{kind}_virtual_interfaces_per_connection", count_on_con, connection_id=con.id)
    amazon_side_asn = 64512
    if direct_connect_gateway_id:
        dxgw = require_own_gateway(ctx, direct_connect_gateway_id)
        ctx.check_quota(
            "virtual_interfaces_per_direct_connect_gateway",
            len(vifs_of(ctx, dxgw.id)),
            direct_connect_gateway_id=dxgw.id,
        )
        types = {a.associated_gateway_type for a in live_associations(ctx, dxgw.id)}
        if kind == "private" and TGW in types:
            raise client_error(
                f"Direct Connect gateway {dxgw.id} is associated with a transit gateway: a "
                "private virtual interface cannot attach to it."
            )
        if kind == "transit" and VGW in types:
            raise client_error(
                f"Direct Connect gateway {dxgw.id} is associated with a virtual private gateway: "
                "a transit virtual interface cannot attach to it."
            )
        other = {v.virtual_interface_type for v in vifs_of(ctx, dxgw.id)}
        if other - {kind}:
            raise client_error(
                f"Direct Connect gateway {dxgw.id} has {''.join(other)} virtual interfaces: a "
                f"{kind} virtual interface cannot attach to it."
            )
        amazon_side_asn = dxgw.amazon_side_asn
    elif virtual_gateway_id:
        vgw = ctx.require(VpnGateway, virtual_gateway_id)
        amazon_side_asn = vgw.amazon_side_asn
    allocation = 100 if prefix_pool_allocated_count_ipv4 is None else prefix_pool_allocated_count_ipv4
    if not 1 <= allocation <= 1000:
        raise client_error("prefixPoolAllocatedCountIpv4 must be between 1 and 1000.")
    return ctx.world.put(
        VirtualInterface(
            id=short_id(ctx, "dxvif"),
            owner_id=ctx.account_id,
            region=ctx.region,
            tags=Tags(tags),
            connection_id=con.id,
            virtual_interface_type=kind,
            virtual_interface_name=virtual_interface_name,
            vlan=vlan,
            asn=customer_asn,
            amazon_side_asn=amazon_side_asn,
            location=con.location,
            amazon_address=amazon_address,
            customer_address=customer_address,
            mtu=mtu or 1500,
            direct_connect_gateway_id=direct_connect_gateway_id or None,
            virtual_gateway_id=virtual_gateway_id or None,
            prefix_allocation=allocation,
        )
    )


@action
def create_transit_virtual_interface(
    ctx: Ctx,
    *,
    connection_id: str,
    virtual_interface_name: str,
    vlan: int,
    direct_connect_gateway_id: str,
    **options: Any,
) -> VirtualInterface:
    """CreateTransitVirtualInterface: a transit virtual interface to a Direct Connect gateway (one
    not associated with a virtual private gateway). Its ``vpclab:on-premises-cidrs`` tag is what the
    customer router advertises over BGP (model.direct_connect)."""
    if not direct_connect_gateway_id:
        raise client_error("The request must contain the parameter directConnectGatewayId.")
    return _new_vif(
        ctx,
        "transit",
        connection_id,
        virtual_interface_name=virtual_interface_name,
        vlan=vlan,
        direct_connect_gateway_id=direct_connect_gateway_id,
        **options,
    )


@action
def create_private_virtual_interface(
    ctx: Ctx,
    *,
    connection_id: str,
    virtual_interface_name: str,
    vlan: int,
    direct_connect_gateway_id: str | None = None,
    virtual_gateway_id: str | None = None,
    **options: Any,
) -> VirtualInterface:
    """CreatePrivateVirtualInterface: to a Direct Connect gateway or straight to a virtual private
    gateway (exactly one)."""
    if bool(direct_connect_gateway_id) == bool(virtual_gateway_id):
        raise client_error("Specify exactly one of directConnectGatewayId and virtualGatewayId.")
    return _new_vif(
        ctx,
        "private",
        connection_id,
        virtual_interface_name=virtual_interface_name,
        vlan=vlan,
        direct_connect_gateway_id=direct_connect_gateway_id,
        virtual_gateway_id=virtual_gateway_id,
        **options,
    )


def _require_vif(ctx: Ctx, virtual_interface_id: str) -> VirtualInterface:
    vif = ctx.world.get(virtual_interface_id, VirtualInterface)
    if vif is None or not vif.visible_to(ctx.world, ctx.account_id, ctx.region):
        raise client_error(f"Virtual interface {virtual_interface_id} does not exist.")
    return vif


@action
def delete_virtual_interface(ctx: Ctx, *, virtual_interface_id: str) -> VirtualInterface:
    """DeleteVirtualInterface: its BGP routes are withdrawn with it."""
    vif = _require_vif(ctx, virtual_interface_id)
    ctx.world.remove(vif.id)
    return replace(vif, virtual_interface_state="deleted")


@action
def start_bgp_failover_test(
    ctx: Ctx,
    *,
    virtual_interface_id: str,
    bgp_peers: Sequence[str] | None = None,
    test_duration_in_minutes: int | None = None,
) -> VirtualInterface:
    """StartBgpFailoverTest: "places the BGP peering session in the DOWN state" until the test
    stops — the interface's on-premises routes are withdrawn (how to see the VPN take over). vpclab
    keeps no clock-driven end: the test lasts until StopBgpFailoverTest."""
    vif = _require_vif(ctx, virtual_interface_id)
    if test_duration_in_minutes is not None and not 1 <= test_duration_in_minutes <= 4320:
        raise client_error("testDurationInMinutes must be between 1 and 4320.")
    if vif.bgp_failover_test:
        raise client_error(f"A BGP failover test is already running on virtual interface {vif.id}.")
    return ctx.world.put(replace(vif, bgp_failover_test=True))


@action
def stop_bgp_failover_test(ctx: Ctx, *, virtual_interface_id: str) -> VirtualInterface:
    """StopBgpFailoverTest: the BGP session comes back up and its routes with it."""
    vif = _require_vif(ctx, virtual_interface_id)
    if not vif.bgp_failover_test:
        raise client_error(f"No BGP failover test is running on virtual interface {vif.id}.")
    return ctx.world.put(replace(vif, bgp_failover_test=False))


# -- tags (TagResource / UntagResource by ARN) --------------------------------------------------------
_TAGGABLE: tuple[type[DirectConnectGateway] | type[DirectConnectConnection] | type[VirtualInterface], ...] = (
    DirectConnectGateway,
    DirectConnectConnection,
    VirtualInterface,
)


def _by_arn(ctx: Ctx, resource_arn: str) -> Resource:
    for kind in _TAGGABLE:
        for res in ctx.world.all(kind):
            if res.arn == resource_arn and res.visible_to(ctx.world, ctx.account_id, ctx.region):
                return res
    raise client_error(f"Resource {resource_arn} does not exist.")


@action
def tag_direct_connect_resource(ctx: Ctx, *, resource_arn: str, tags: Mapping[str, str]) -> None:
    """TagResource (Direct Connect): add or overwrite tags (up to 50 a resource); the lab tag
    ``vpclab:on-premises-cidrs`` on a virtual interface changes what it advertises over BGP."""
    res = _by_arn(ctx, resource_arn)
    _check_on_premises_tag(tags)
    merged = res.tags.with_(tags)
    if len(merged) > 50:
        raise AwsError("TooManyTagsException", "A resource can have at most 50 tags.")
    ctx.world.put(replace(res, tags=merged))


@action
def untag_direct_connect_resource(ctx: Ctx, *, resource_arn: str, tag_keys: Sequence[str]) -> None:
    """UntagResource (Direct Connect)."""
    res = _by_arn(ctx, resource_arn)
    ctx.world.put(replace(res, tags=res.tags.without(list(tag_keys))))
