"""Transit gateway route tables, associations, propagations, routes and route evaluation.

AWS docs: Amazon VPC Transit Gateways guide — "Transit gateway route tables"
(https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html), "How transit gateways work" /
"Route evaluation order" (https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html),
"Transit gateway quotas" — and the EC2 API reference of each action.
"""

from __future__ import annotations

import pytest

from tests.conftest import ACCOUNT_B, raises_aws, unchanged
from vpclab.control.transit_gateway import create_vpn_attachment
from vpclab.model import quotas
from vpclab.model.transit_gateway import (
    TransitGatewayRouteTable,
    association_of,
    tgw_lookup,
    tgw_routes,
)
from vpclab.model.vpn import VpnConnection, VpnStaticRoute

NO_DEFAULTS = {"default_route_table_association": "disable", "default_route_table_propagation": "disable"}


def _attach(cp, tgw, cidr):
    vpc = cp.create_vpc(cidr_block=cidr)
    a, b = cidr.split(".")[:2]
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block=f"{a}.{b}.0.0/24", availability_zone="us-east-1a")
    return cp.create_transit_gateway_vpc_attachment(transit_gateway_id=tgw.id, vpc_id=vpc.id,
                                                    subnet_ids=[subnet.id])


@pytest.fixture
def hub(cp):
    """A transit gateway without default tables, a route table and two attached VPCs."""
    tgw = cp.create_transit_gateway(options=NO_DEFAULTS)
    rtb = cp.create_transit_gateway_route_table(transit_gateway_id=tgw.id)
    return tgw, rtb, _attach(cp, tgw, "10.1.0.0/16"), _attach(cp, tgw, "10.2.0.0/16")


def _rtb(world, rtb):
    return world.get(rtb.id, TransitGatewayRouteTable)


def _propagate(cp, rtb_id: str, attachment_id: str) -> None:
    cp.enable_transit_gateway_route_table_propagation(transit_gateway_route_table_id=rtb_id,
                                                      transit_gateway_attachment_id=attachment_id)


def _static(cp, rtb_id: str, cidr: str, attachment_id: str | None = None):
    """A static route to ``attachment_id``, or a blackhole route without one."""
    target = {"transit_gateway_attachment_id": attachment_id} if attachment_id else {"blackhole": True}
    return cp.create_transit_gateway_route(destination_cidr_block=cidr, transit_gateway_route_table_id=rtb_id,
                                           **target)


# -- route tables ----------------------------------------------------------------------------
def test_route_tables_per_transit_gateway_quota(cp, world):
    """AWS "Transit gateway quotas": transit gateway route tables per transit gateway, 20
    (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html)."""
    tgw = cp.create_transit_gateway()  # its default table counts
    for _ in range(19):
        cp.create_transit_gateway_route_table(transit_gateway_id=tgw.id)
    with unchanged(world), raises_aws("TransitGatewayRouteTableLimitExceeded",
                                      "The maximum number of transit gateway route tables has been reached."):
        cp.create_transit_gateway_route_table(transit_gateway_id=tgw.id)


def test_only_the_owner_manages_route_tables(cp, world):
    """AWS "Share a transit gateway": accounts a gateway is shared with can attach, but cannot
    create or change its route tables
    (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-transit-gateways.html#tgw-sharing)."""
    from vpclab.model.sharing import ResourceShare

    tgw = cp.create_transit_gateway()
    world.put(ResourceShare(id=world.ids.new("resource_share"), owner_id=tgw.owner_id, region=tgw.region,
                            share_name="tgw", resource_ids=(tgw.id,), principals=(ACCOUNT_B,)))
    with unchanged(world), raises_aws("UnauthorizedOperation"):
        cp.as_(account_id=ACCOUNT_B).create_transit_gateway_route_table(transit_gateway_id=tgw.id)
    rtb_id = tgw.options.association_default_route_table_id
    with unchanged(world), raises_aws("InvalidRouteTableID.NotFound",
                                      f"Transit Gateway Route Table {rtb_id} was deleted or does not exist."):
        cp.as_(account_id=ACCOUNT_B).create_transit_gateway_route(
            destination_cidr_block="0.0.0.0/0", transit_gateway_route_table_id=rtb_id, blackhole=True)


def test_default_route_table_cannot_be_deleted(cp, world):
    """AWS DeleteTransitGatewayRouteTable: not while it is the default association route table
    (IncorrectState) (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteTransitGatewayRouteTable.html)."""
    tgw = cp.create_transit_gateway()
    rtb_id = tgw.options.association_default_route_table_id
    with unchanged(world), raises_aws("IncorrectState",
                                      f"{rtb_id} is set as default association route table for {tgw.id}"):
        cp.delete_transit_gateway_route_table(transit_gateway_route_table_id=rtb_id)
    cp.modify_transit_gateway(transit_gateway_id=tgw.id,
                              options={"default_route_table_association": "disable",
                                       "default_route_table_propagation": "disable"})
    cp.delete_transit_gateway_route_table(transit_gateway_route_table_id=rtb_id)
    assert rtb_id not in world


def test_associated_route_table_cannot_be_deleted(cp, world, hub):
    """AWS DeleteTransitGatewayRouteTable: disassociate its attachments first (IncorrectState)
    (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html)."""
    _, rtb, a, _ = hub
    cp.associate_transit_gateway_route_table(transit_gateway_route_table_id=rtb.id,
                                             transit_gateway_attachment_id=a.id)
    with unchanged(world), raises_aws("IncorrectState", f"{rtb.id} has associated attachments"):
        cp.delete_transit_gateway_route_table(transit_gateway_route_table_id=rtb.id)
    cp.disassociate_transit_gateway_route_table(transit_gateway_route_table_id=rtb.id,
                                                transit_gateway_attachment_id=a.id)
    cp.delete_transit_gateway_route_table(transit_gateway_route_table_id=rtb.id)


# -- associations ----------------------------------------------------------------------------
def test_an_attachment_has_exactly_one_association(cp, world, hub):
    """AWS "Transit gateway route tables": "Each attachment is associated with exactly one route
    table" — Resource.AlreadyAssociated otherwise
    (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html)."""
    tgw, rtb, a, _ = hub
    other = cp.create_transit_gateway_route_table(transit_gateway_id=tgw.id)
    assoc = cp.associate_transit_gateway_route_table(transit_gateway_route_table_id=rtb.id,
                                                     transit_gateway_attachment_id=a.id)
    assert (assoc.resource_type, assoc.state) == ("vpc", "associated")
    with unchanged(world), raises_aws("Resource.AlreadyAssociated",
                                      f"Transit Gateway Attachment {a.id} is "
                                      "already associated to a route table."):
        cp.associate_transit_gateway_route_table(transit_gateway_route_table_id=other.id,
                                                 transit_gateway_attachment_id=a.id)
    cp.replace_transit_gateway_route_table_association(transit_gateway_attachment_id=a.id,
                                                       transit_gateway_route_table_id=other.id)
    assert association_of(world, a.id).id == other.id
    now = cp.get_transit_gateway_route_table_associations(transit_gateway_route_table_id=other.id)
    assert [x.transit_gateway_attachment_id for x in now] == [a.id]
    assert cp.get_transit_gateway_route_table_associations(transit_gateway_route_table_id=rtb.id) == []


def test_disassociate_requires_the_association(cp, world, hub):
    """AWS DisassociateTransitGatewayRouteTable: the attachment must be associated with that table
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DisassociateTransitGatewayRouteTable.html)."""
    _, rtb, a, _ = hub
    with unchanged(world), raises_aws("InvalidparameterValue",
                                      f"Transit Gateway Attachment {a.id} is not "
                                      f"associated with route table {rtb.id}."):
        cp.disassociate_transit_gateway_route_table(transit_gateway_route_table_id=rtb.id,
                                                    transit_gateway_attachment_id=a.id)


def test_attachment_of_another_gateway_is_not_found(cp, world, hub):
    """AWS: a route table only takes attachments of its own transit gateway; another gateway's
    attachment is reported as not found (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html)."""
    _, rtb, _, _ = hub
    stranger = _attach(cp, cp.create_transit_gateway(), "10.9.0.0/16")
    message = f"Transit Gateway Attachment {stranger.id} was deleted or does not exist."
    with unchanged(world), raises_aws("InvalidTransitGatewayAttachmentID.NotFound", message):
        cp.associate_transit_gateway_route_table(transit_gateway_route_table_id=rtb.id,
                                                 transit_gateway_attachment_id=stranger.id)
    with unchanged(world), raises_aws("InvalidTransitGatewayAttachmentID.NotFound", message):
        cp.create_transit_gateway_route(destination_cidr_block="10.9.0.0/16",
                                        transit_gateway_route_table_id=rtb.id,
                                        transit_gateway_attachment_id=stranger.id)


# -- propagations ----------------------------------------------------------------------------
def test_an_attachment_propagates_to_many_tables_once_each(cp, world, hub):
    """AWS "Transit gateway route tables": an attachment can propagate routes to one or more
    route tables (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html)."""
    tgw, rtb, a, _ = hub
    other = cp.create_transit_gateway_route_table(transit_gateway_id=tgw.id)
    for table in (rtb, other):
        _propagate(cp, table.id, a.id)
    with unchanged(world), raises_aws("TransitGatewayRouteTablePropagation.Duplicate",
                                      f"Propagation {a.id} already exists in "
                                      f"Transit Gateway Route Table {rtb.id}."):
        cp.enable_transit_gateway_route_table_propagation(transit_gateway_route_table_id=rtb.id,
                                                          transit_gateway_attachment_id=a.id)
    for table in (rtb, other):
        route = tgw_lookup(world, _rtb(world, table), "10.1.2.3")
        assert (route.type, route.transit_gateway_attachment_ids) == ("propagated", (a.id,))
    (prop,) = cp.get_transit_gateway_route_table_propagations(transit_gateway_route_table_id=rtb.id)
    assert (prop.transit_gateway_attachment_id, prop.resource_id, prop.state) == (
        a.id, a.resource_id, "enabled")
    cp.disable_transit_gateway_route_table_propagation(transit_gateway_route_table_id=rtb.id,
                                                       transit_gateway_attachment_id=a.id)
    assert tgw_lookup(world, _rtb(world, rtb), "10.1.2.3") is None
    with unchanged(world), raises_aws("InvalidparameterValue",
                                      f"Propagation {a.id} does not exist in "
                                      f"Transit Gateway Route Table {rtb.id}."):
        cp.disable_transit_gateway_route_table_propagation(transit_gateway_route_table_id=rtb.id,
                                                           transit_gateway_attachment_id=a.id)


def test_peering_attachments_do_not_propagate(cp, world):
    """AWS "Transit gateway peering attachments": "To route traffic between the transit gateways,
    add a static route to the transit gateway route table that points to the transit gateway
    peering attachment" — peering attachments do not propagate
    (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering.html)."""
    tgw = cp.create_transit_gateway()
    peer = cp.create_transit_gateway(options={"amazon_side_asn": 64600})
    att = cp.create_transit_gateway_peering_attachment(transit_gateway_id=tgw.id,
                                                       peer_transit_gateway_id=peer.id)
    att = cp.accept_transit_gateway_peering_attachment(transit_gateway_attachment_id=att.id)
    rtb_id = tgw.options.propagation_default_route_table_id
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            f"Route propagation is not supported for Transit Gateway Peering Attachment {att.id}."):
        cp.enable_transit_gateway_route_table_propagation(transit_gateway_route_table_id=rtb_id,
                                                          transit_gateway_attachment_id=att.id)
    _static(cp, rtb_id, "10.50.0.0/16", att.id)
    # the peer side routes over the same attachment with its own route table
    _static(cp, peer.options.association_default_route_table_id, "10.60.0.0/16", att.id)
    route = tgw_lookup(world, world.get(rtb_id), "10.50.0.1")
    assert (route.state, route.resource_type) == ("active", "peering")


# -- static routes ---------------------------------------------------------------------------
def test_static_route_rules(cp, world, hub):
    """AWS CreateTransitGatewayRoute: one static route per destination (RouteAlreadyExists), to an
    attachment or as a blackhole
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTransitGatewayRoute.html)."""
    _, rtb, a, b = hub
    route = cp.create_transit_gateway_route(destination_cidr_block="0.0.0.0/0",
                                            transit_gateway_route_table_id=rtb.id,
                                            transit_gateway_attachment_id=a.id)
    assert (route.type, route.state, route.transit_gateway_attachment_ids) == ("static", "active", (a.id,))
    with unchanged(world), raises_aws("RouteAlreadyExists",
                                      "Route 0.0.0.0/0 already exists in "
                                      f"Transit Gateway Route Table {rtb.id}."):
        cp.create_transit_gateway_route(destination_cidr_block="0.0.0.0/0",
                                        transit_gateway_route_table_id=rtb.id,
                                        transit_gateway_attachment_id=b.id)
    with unchanged(world), raises_aws("MissingParameter",
                                      "The request must contain the parameter TransitGatewayAttachmentId"):
        cp.create_transit_gateway_route(destination_cidr_block="10.8.0.0/16",
                                        transit_gateway_route_table_id=rtb.id)
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "Value (10.8.0.1/16) for parameter destinationCidrBlock is invalid. "
                                      "This is not a valid CIDR block."):
        cp.create_transit_gateway_route(destination_cidr_block="10.8.0.1/16",
                                        transit_gateway_route_table_id=rtb.id,
                                        blackhole=True)
    hole = cp.create_transit_gateway_route(destination_cidr_block="10.2.0.0/16",
                                           transit_gateway_route_table_id=rtb.id, blackhole=True)
    assert (hole.state, hole.transit_gateway_attachment_ids) == ("blackhole", ())


def test_delete_and_replace_static_routes(cp, world, hub):
    """AWS DeleteTransitGatewayRoute / ReplaceTransitGatewayRoute
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ReplaceTransitGatewayRoute.html)."""
    _, rtb, a, b = hub
    with unchanged(world), raises_aws("InvalidRoute.NotFound",
                                      "The route 10.5.0.0/16 does not exist in "
                                      f"Transit Gateway Route Table {rtb.id}."):
        cp.delete_transit_gateway_route(transit_gateway_route_table_id=rtb.id,
                                        destination_cidr_block="10.5.0.0/16")
    cp.replace_transit_gateway_route(destination_cidr_block="10.5.0.0/16",
                                     transit_gateway_route_table_id=rtb.id,
                                     transit_gateway_attachment_id=a.id)
    route = cp.replace_transit_gateway_route(destination_cidr_block="10.5.0.0/16",
                                             transit_gateway_route_table_id=rtb.id,
                                             transit_gateway_attachment_id=b.id)
    assert route.transit_gateway_attachment_ids == (b.id,) and len(_rtb(world, rtb).routes) == 1
    deleted = cp.delete_transit_gateway_route(transit_gateway_route_table_id=rtb.id,
                                              destination_cidr_block="10.5.0.0/16")
    assert deleted.state == "deleted" and _rtb(world, rtb).routes == ()


def test_routes_per_transit_gateway_quota(cp, world, hub, monkeypatch):
    """AWS "Transit gateway quotas": total routes per transit gateway (static and propagated),
    10,000 (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html)."""
    monkeypatch.setitem(quotas.table()["routes_per_transit_gateway"], world.settings.quotas, 3)
    _, rtb, a, _ = hub
    _propagate(cp, rtb.id, a.id)  # one propagated route
    for cidr in ("172.16.0.0/16", "172.17.0.0/16"):
        _static(cp, rtb.id, cidr)
    with unchanged(world), raises_aws("TransitGatewayRouteLimitExceeded",
                                      "The maximum number of transit gateway routes has been reached."):
        cp.create_transit_gateway_route(destination_cidr_block="172.18.0.0/16",
                                        transit_gateway_route_table_id=rtb.id,
                                        blackhole=True)


# -- route evaluation ------------------------------------------------------------------------
def test_static_beats_propagated_and_most_specific_wins(cp, world, hub):
    """AWS "Route evaluation order": the most specific route first; for the same destination, a
    static route before a propagated one
    (https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html)."""
    _, rtb, a, b = hub
    _propagate(cp, rtb.id, a.id)
    _static(cp, rtb.id, "10.1.0.0/16", b.id)
    _static(cp, rtb.id, "10.1.7.0/24")
    table = _rtb(world, rtb)
    assert [(r.destination_cidr_block, r.type) for r in tgw_routes(world, table)] == [
        ("10.1.0.0/16", "static"), ("10.1.7.0/24", "static")]
    assert tgw_lookup(world, table, "10.1.0.9").transit_gateway_attachment_ids == (b.id,)
    assert tgw_lookup(world, table, "10.1.7.9").state == "blackhole"
    cp.delete_transit_gateway_route(transit_gateway_route_table_id=rtb.id,
                                    destination_cidr_block="10.1.0.0/16")
    assert tgw_lookup(world, _rtb(world, rtb), "10.1.0.9").type == "propagated"


def test_identical_vpc_cidrs_propagate_once(cp, world, hub):
    """AWS "Transit gateway attachments to a VPC": a VPC with a CIDR identical to that of an
    already-propagating VPC is not propagated — the first propagation wins
    (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html)."""
    tgw, rtb, a, _ = hub
    twin = _attach(cp, tgw, "10.1.0.0/16")
    for att in (a, twin):
        _propagate(cp, rtb.id, att.id)
    (route,) = tgw_routes(world, _rtb(world, rtb))
    assert route.transit_gateway_attachment_ids == (a.id,)


def test_vpc_propagation_beats_vpn_and_vpn_routes_are_ecmp(cp, world, hub):
    """AWS "Route evaluation order": VPC-propagated routes before VPN-propagated ones; with VPN
    ECMP support, identical VPN routes share one route
    (https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html)."""
    tgw, rtb, a, _ = hub
    vpns = []
    for _ in range(2):
        vpn = world.put(VpnConnection(id=world.ids.new("vpn_connection"), owner_id=cp.account_id,
                                      region=cp.region,
                                      customer_gateway_id="cgw-0123456789abcdef0", transit_gateway_id=tgw.id,
                                      static_routes_only=True,
                                      routes=(VpnStaticRoute(destination_cidr_block="10.1.0.0/16"),
                                              VpnStaticRoute(destination_cidr_block="192.168.0.0/16"))))
        vpns.append(create_vpn_attachment(cp.ctx, tgw.id, vpn.id))
    for att in (*vpns, a):
        _propagate(cp, rtb.id, att.id)
    table = _rtb(world, rtb)
    assert tgw_lookup(world, table, "10.1.0.1").transit_gateway_attachment_ids == (a.id,)
    onprem = tgw_lookup(world, table, "192.168.1.1")
    assert (onprem.resource_type, onprem.transit_gateway_attachment_ids) == ("vpn", tuple(v.id for v in vpns))


def test_route_to_an_attachment_that_is_not_available_is_a_blackhole(cp, world):
    """AWS "Transit gateway route tables": a route whose attachment is not available drops traffic
    (blackhole) (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html)."""
    tgw = cp.create_transit_gateway()
    peer = cp.create_transit_gateway(options={"amazon_side_asn": 64600})
    att = cp.create_transit_gateway_peering_attachment(transit_gateway_id=tgw.id,
                                                       peer_transit_gateway_id=peer.id)
    rtb = world.get(tgw.options.association_default_route_table_id)
    with unchanged(world), raises_aws("IncorrectState", f"{att.id} is in invalid state"):
        cp.associate_transit_gateway_route_table(transit_gateway_route_table_id=rtb.id,
                                                 transit_gateway_attachment_id=att.id)
    _static(cp, rtb.id, "10.70.0.0/16", att.id)
    assert tgw_lookup(world, world.get(rtb.id), "10.70.0.1").state == "blackhole"
    cp.accept_transit_gateway_peering_attachment(transit_gateway_attachment_id=att.id)
    assert tgw_lookup(world, world.get(rtb.id), "10.70.0.1").state == "active"


# -- SearchTransitGatewayRoutes --------------------------------------------------------------
def test_search_routes_filters(cp, world, hub):
    """AWS SearchTransitGatewayRoutes: filters type, state, route-search.exact-match,
    longest-prefix-match, subnet-of-match, supernet-of-match, attachment.* and MaxResults
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SearchTransitGatewayRoutes.html)."""
    _, rtb, a, b = hub
    _propagate(cp, rtb.id, a.id)
    _static(cp, rtb.id, "10.2.0.0/16", b.id)
    _static(cp, rtb.id, "10.2.3.0/24")

    def search(*filters, **kw):
        found = cp.search_transit_gateway_routes(transit_gateway_route_table_id=rtb.id,
                                                 filters=[{"name": n, "values": v} for n, v in filters], **kw)
        return [r.destination_cidr_block for r in found]

    assert search(("type", ["propagated"])) == ["10.1.0.0/16"]
    assert search(("state", ["blackhole"])) == ["10.2.3.0/24"]
    assert search(("route-search.exact-match", ["10.2.0.0/16"])) == ["10.2.0.0/16"]
    assert search(("route-search.longest-prefix-match", ["10.2.3.4/32"])) == ["10.2.3.0/24"]
    assert search(("route-search.subnet-of-match", ["10.0.0.0/8"])) == [
        "10.1.0.0/16", "10.2.0.0/16", "10.2.3.0/24"]
    assert search(("route-search.supernet-of-match", ["10.2.3.0/25"])) == ["10.2.0.0/16", "10.2.3.0/24"]
    assert search(("attachment.transit-gateway-attachment-id", [b.id])) == ["10.2.0.0/16"]
    assert search(("attachment.resource-type", ["vpc"]), ("type", ["static"])) == ["10.2.0.0/16"]
    assert search(("route-search.subnet-of-match", ["10.0.0.0/8"]), max_results=5) == search(
        ("route-search.subnet-of-match", ["10.0.0.0/8"]))
    with raises_aws("InvalidFilter", "The filter 'colour' is invalid"):
        search(("colour", ["red"]))
    with raises_aws("InvalidParameterValue"):
        search(("type", ["static"]), max_results=4)
