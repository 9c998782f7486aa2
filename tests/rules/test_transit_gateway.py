"""Transit gateways and their VPC, peering and VPN attachments.

AWS docs: Amazon VPC Transit Gateways guide (https://docs.aws.amazon.com/vpc/latest/tgw/) —
"Transit gateway attachments to a VPC", "Transit gateway peering attachments", "Transit gateway
quotas" — and the EC2 API reference of each action.
"""

from __future__ import annotations

import pytest

from tests.conftest import ACCOUNT_A, ACCOUNT_B, raises_aws, unchanged
from vpclab.control.transit_gateway import create_vpn_attachment, delete_vpn_attachment
from vpclab.model.base import Tags
from vpclab.model.interfaces import NetworkInterface
from vpclab.model.sharing import ResourceShare
from vpclab.model.transit_gateway import (
    TransitGatewayAttachment,
    TransitGatewayRouteTable,
    association_of,
    tgw_lookup,
    vpc_attachment,
)


def _vpc(cp, cidr="10.0.0.0/16", zones=("us-east-1a",)):
    vpc = cp.create_vpc(cidr_block=cidr)
    base = cidr.split(".")
    subnets = [cp.create_subnet(vpc_id=vpc.id, cidr_block=f"{base[0]}.{base[1]}.{i}.0/24",
                                availability_zone=z)
               for i, z in enumerate(zones)]
    return vpc, subnets


def _share(world, tgw, account):
    world.put(ResourceShare(id=world.ids.new("resource_share"), owner_id=tgw.owner_id, region=tgw.region,
                            share_name="tgw", resource_ids=(tgw.id,), principals=(account,)))


# -- CreateTransitGateway / ModifyTransitGateway / DeleteTransitGateway -----------------------
def test_create_makes_default_route_table_and_records_it(cp, world):
    """AWS "Transit gateways" / CreateTransitGateway: with default association and propagation
    enabled, AWS creates a default route table and records its id in the options
    (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-transit-gateways.html)."""
    tgw = cp.create_transit_gateway(description="hub")
    rtb = world.get(tgw.options.association_default_route_table_id, TransitGatewayRouteTable)
    assert rtb is not None and rtb.default_association_route_table and rtb.default_propagation_route_table
    assert tgw.options.propagation_default_route_table_id == rtb.id
    bare = cp.create_transit_gateway(options={"default_route_table_association": "disable",
                                              "default_route_table_propagation": "disable"})
    assert bare.options.association_default_route_table_id is None
    assert not [r for r in world.all(TransitGatewayRouteTable) if r.transit_gateway_id == bare.id]


@pytest.mark.parametrize("asn", [64511, 65535, 4199999999, 4294967295, 7224])
def test_amazon_side_asn_must_be_private(cp, world, asn):
    """AWS CreateTransitGateway, AmazonSideAsn: "The range is 64512 to 65534 for 16-bit ASNs and
    4200000000 to 4294967294 for 32-bit ASNs"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_TransitGatewayRequestOptions.html)."""
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            f"Value ({asn}) for parameter amazonSideAsn is invalid. The range is 64512 to 65534 for 16-bit "
            "ASNs and 4200000000 to 4294967294 for 32-bit ASNs."):
        cp.create_transit_gateway(options={"amazon_side_asn": asn})
    widest = cp.create_transit_gateway(options={"amazon_side_asn": 4294967294})
    assert widest.options.amazon_side_asn == 4294967294


def test_transit_gateways_per_region_quota(world):
    """AWS "Transit gateway quotas": transit gateways per account per Region, default 5
    (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html)."""
    world.settings.quotas = "aws-default"  # a new account's value; the lab's is higher
    from vpclab import ControlPlane

    cp = ControlPlane(world, account_id=ACCOUNT_A)
    for _ in range(5):
        cp.create_transit_gateway()
    with unchanged(world), raises_aws("TransitGatewayLimitExceeded",
                                      "The maximum number of transit gateways has been reached."):
        cp.create_transit_gateway()
    cp.as_(region="eu-west-1").create_transit_gateway()  # per Region


def test_delete_with_attachment_is_incorrect_state(cp, world):
    """AWS DeleteTransitGateway: refused while attachments exist — "IncorrectState: tgw-… has
    non-deleted VPC Attachments: tgw-attach-…"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteTransitGateway.html)."""
    tgw = cp.create_transit_gateway()
    vpc, (subnet,) = _vpc(cp)
    att = cp.create_transit_gateway_vpc_attachment(transit_gateway_id=tgw.id, vpc_id=vpc.id,
                                                   subnet_ids=[subnet.id])
    with unchanged(world), raises_aws("IncorrectState",
                                      f"{tgw.id} has non-deleted VPC Attachments: {att.id}."):
        cp.delete_transit_gateway(transit_gateway_id=tgw.id)
    cp.delete_transit_gateway_vpc_attachment(transit_gateway_attachment_id=att.id)
    cp.delete_transit_gateway(transit_gateway_id=tgw.id)
    assert not list(world.all(TransitGatewayRouteTable))


def test_modify_default_table_flag_needs_a_table(cp, world):
    """AWS ModifyTransitGateway: enabling default association needs a route table id when the
    gateway has none; disabling drops the id and the table's default mark
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyTransitGatewayOptions.html)."""
    bare = cp.create_transit_gateway(options={"default_route_table_association": "disable",
                                              "default_route_table_propagation": "disable"})
    with unchanged(world), raises_aws("InvalidParameterCombination",
                                      "enable DefaultRouteTableAssociation conflicts with "
                                      "AssociationDefaultRouteTableId null"):
        cp.modify_transit_gateway(transit_gateway_id=bare.id,
                                  options={"default_route_table_association": "enable"})
    rtb = cp.create_transit_gateway_route_table(transit_gateway_id=bare.id)
    tgw = cp.modify_transit_gateway(transit_gateway_id=bare.id, options={
        "default_route_table_association": "enable", "association_default_route_table_id": rtb.id})
    assert tgw.options.association_default_route_table_id == rtb.id
    assert world.get(rtb.id).default_association_route_table
    tgw = cp.modify_transit_gateway(transit_gateway_id=bare.id,
                                    options={"default_route_table_association": "disable"})
    assert (tgw.options.association_default_route_table_id is None
            and not world.get(rtb.id).default_association_route_table)


def test_modify_asn_not_allowed_with_vpn_attachment(cp, world):
    """AWS TransitGatewayOptions, AmazonSideAsn: "The modify ASN operation is not allowed on a
    transit gateway if it has the following attachments: Dynamic VPN, Static VPN, Direct Connect
    Gateway, Connect" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyTransitGatewayOptions.html)."""
    tgw = cp.create_transit_gateway()
    cp.modify_transit_gateway(transit_gateway_id=tgw.id, options={"amazon_side_asn": 64600})
    att = create_vpn_attachment(cp.ctx, tgw.id, "vpn-0123456789abcdef0")
    with unchanged(world), raises_aws("IncorrectState"):
        cp.modify_transit_gateway(transit_gateway_id=tgw.id, options={"amazon_side_asn": 64700})
    assert att.id


# -- VPC attachments -------------------------------------------------------------------------
def test_vpc_attachment_puts_an_interface_in_each_subnet_and_uses_defaults(cp, world):
    """AWS "Transit gateway attachments to a VPC": the transit gateway places a network interface
    in each chosen subnet; the attachment is associated with and propagates to the default route
    table (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html)."""
    tgw = cp.create_transit_gateway()
    vpc, subnets = _vpc(cp, zones=("us-east-1a", "us-east-1b"))
    att = cp.create_transit_gateway_vpc_attachment(transit_gateway_id=tgw.id, vpc_id=vpc.id,
                                                   subnet_ids=[s.id for s in subnets])
    enis = [world.get(e, NetworkInterface) for e in att.network_interface_ids]
    assert sorted(e.subnet_id for e in enis) == sorted(s.id for s in subnets)
    assert all(e.interface_type == "transit_gateway" and e.requester_managed for e in enis)
    rtb = association_of(world, att.id)
    assert rtb.id == tgw.options.association_default_route_table_id and att.id in rtb.propagations
    assert tgw_lookup(world, rtb, "10.0.3.4").transit_gateway_attachment_ids == (att.id,)
    assert vpc_attachment(world, tgw.id, vpc.id) == att


def test_one_subnet_per_availability_zone(cp, world):
    """AWS "Transit gateway attachments to a VPC": "you can select one subnet per Availability
    Zone" — DuplicateSubnetsInSameZone otherwise
    (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html)."""
    tgw = cp.create_transit_gateway()
    vpc, subnets = _vpc(cp, zones=("us-east-1a", "us-east-1a"))
    with unchanged(world), raises_aws("DuplicateSubnetsInSameZone", "Duplicate Subnets for same AZ"):
        cp.create_transit_gateway_vpc_attachment(transit_gateway_id=tgw.id, vpc_id=vpc.id,
                                                 subnet_ids=[s.id for s in subnets])


def test_subnets_must_be_in_the_vpc(cp, world):
    """AWS CreateTransitGatewayVpcAttachment: the subnets are the VPC's; another VPC's subnet is
    reported as "Subnet … was deleted or does not exist."
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTransitGatewayVpcAttachment.html)."""
    tgw = cp.create_transit_gateway()
    vpc, _ = _vpc(cp)
    _, (foreign,) = _vpc(cp, cidr="10.1.0.0/16")
    with unchanged(world), raises_aws("InvalidSubnetID.NotFound",
                                      f"Subnet {foreign.id} was deleted or does not exist."):
        cp.create_transit_gateway_vpc_attachment(transit_gateway_id=tgw.id, vpc_id=vpc.id,
                                                 subnet_ids=[foreign.id])
    with unchanged(world), raises_aws("MissingParameter", "The request must contain the parameter SubnetIds"):
        cp.create_transit_gateway_vpc_attachment(transit_gateway_id=tgw.id, vpc_id=vpc.id, subnet_ids=[])


def test_one_attachment_per_vpc_per_transit_gateway(cp, world):
    """AWS: a VPC attaches once to a transit gateway — "DuplicateTransitGatewayAttachment: tgw-…
    has non-deleted Transit Gateway Attachments with same VPC ID."
    (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html)."""
    tgw = cp.create_transit_gateway()
    vpc, subnets = _vpc(cp, zones=("us-east-1a", "us-east-1b"))
    cp.create_transit_gateway_vpc_attachment(transit_gateway_id=tgw.id, vpc_id=vpc.id,
                                             subnet_ids=[subnets[0].id])
    with unchanged(world), raises_aws("DuplicateTransitGatewayAttachment",
                                      f"{tgw.id} has non-deleted Transit "
                                      "Gateway Attachments with same VPC ID."):
        cp.create_transit_gateway_vpc_attachment(transit_gateway_id=tgw.id, vpc_id=vpc.id,
                                                 subnet_ids=[subnets[1].id])


def test_transit_gateways_per_vpc_quota(world):
    """AWS "Transit gateway quotas": transit gateways per VPC, 5
    (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html)."""
    from vpclab import ControlPlane

    cp = ControlPlane(world, account_id=ACCOUNT_A)
    vpc, (subnet,) = _vpc(cp)
    for _ in range(5):
        tgw = cp.create_transit_gateway()
        cp.create_transit_gateway_vpc_attachment(transit_gateway_id=tgw.id, vpc_id=vpc.id,
                                                 subnet_ids=[subnet.id])
    sixth = cp.as_(account_id=ACCOUNT_B).create_transit_gateway()
    _share(world, sixth, ACCOUNT_A)
    with unchanged(world), raises_aws("TransitGatewayAttachmentLimitExceeded",
                                      "The maximum number of transit gateways "
                                      "attached to a VPC has been reached."):
        cp.create_transit_gateway_vpc_attachment(transit_gateway_id=sixth.id, vpc_id=vpc.id,
                                                 subnet_ids=[subnet.id])


def test_other_account_needs_a_ram_share_and_acceptance(cp, world):
    """AWS "Share a transit gateway" / "Transit gateway attachments to a VPC": another account's
    VPC attaches only to a transit gateway shared with it through AWS RAM; the attachment waits in
    pendingAcceptance until the gateway owner accepts, unless auto-accept is enabled
    (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-transit-gateways.html#tgw-sharing)."""
    tgw = cp.create_transit_gateway()
    other = cp.as_(account_id=ACCOUNT_B)
    vpc, (subnet,) = _vpc(other)
    with unchanged(world), raises_aws("InvalidTransitGatewayID.NotFound",
                                      f"Transit Gateway {tgw.id} was deleted or does not exist."):
        other.create_transit_gateway_vpc_attachment(transit_gateway_id=tgw.id, vpc_id=vpc.id,
                                                    subnet_ids=[subnet.id])
    _share(world, tgw, ACCOUNT_B)
    att = other.create_transit_gateway_vpc_attachment(transit_gateway_id=tgw.id, vpc_id=vpc.id,
                                                      subnet_ids=[subnet.id])
    assert (att.state == "pendingAcceptance" and att.owner_id == ACCOUNT_A
            and att.resource_owner_id == ACCOUNT_B)
    assert association_of(world, att.id) is None
    with unchanged(world), raises_aws("UnauthorizedOperation"):
        other.accept_transit_gateway_vpc_attachment(transit_gateway_attachment_id=att.id)
    att = cp.accept_transit_gateway_vpc_attachment(transit_gateway_attachment_id=att.id)
    assert att.state == "available" and association_of(world, att.id) is not None
    with unchanged(world), raises_aws("IncorrectState", f"{att.id} is in invalid state"):
        cp.accept_transit_gateway_vpc_attachment(transit_gateway_attachment_id=att.id)


def test_auto_accept_shared_attachments(cp, world):
    """AWS TransitGatewayRequestOptions, AutoAcceptSharedAttachments: cross-account attachment
    requests are accepted automatically
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_TransitGatewayRequestOptions.html)."""
    tgw = cp.create_transit_gateway(options={"auto_accept_shared_attachments": "enable"})
    _share(world, tgw, ACCOUNT_B)
    other = cp.as_(account_id=ACCOUNT_B)
    vpc, (subnet,) = _vpc(other)
    att = other.create_transit_gateway_vpc_attachment(transit_gateway_id=tgw.id, vpc_id=vpc.id,
                                                      subnet_ids=[subnet.id])
    assert att.state == "available" and association_of(world, att.id) is not None


def test_reject_removes_interfaces(cp, world):
    """AWS RejectTransitGatewayVpcAttachment: the gateway owner rejects a pending request
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RejectTransitGatewayVpcAttachment.html)."""
    tgw = cp.create_transit_gateway()
    _share(world, tgw, ACCOUNT_B)
    other = cp.as_(account_id=ACCOUNT_B)
    vpc, (subnet,) = _vpc(other)
    att = other.create_transit_gateway_vpc_attachment(transit_gateway_id=tgw.id, vpc_id=vpc.id,
                                                      subnet_ids=[subnet.id])
    rejected = cp.reject_transit_gateway_vpc_attachment(transit_gateway_attachment_id=att.id)
    assert rejected.state == "rejected" and not list(world.in_vpc(vpc.id, NetworkInterface))
    other.delete_subnet(subnet_id=subnet.id)  # no interface left behind
    other.delete_vpc(vpc_id=vpc.id)  # nor an attachment


def test_attachments_per_transit_gateway_quota(cp, world, monkeypatch):
    """AWS "Transit gateway quotas": attachments per transit gateway, 5,000, and peering
    attachments per transit gateway, 50
    (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html)."""
    from vpclab.model import quotas

    monkeypatch.setitem(quotas.table()["attachments_per_transit_gateway"], world.settings.quotas, 2)
    monkeypatch.setitem(quotas.table()["peering_attachments_per_transit_gateway"], world.settings.quotas, 1)
    tgw = cp.create_transit_gateway()
    peers = [cp.create_transit_gateway(options={"amazon_side_asn": 64600 + i}) for i in range(2)]
    cp.create_transit_gateway_peering_attachment(transit_gateway_id=tgw.id,
                                                 peer_transit_gateway_id=peers[0].id)
    with unchanged(world), raises_aws("TransitGatewayAttachmentLimitExceeded",
                                      "The maximum number of transit gateway "
                                      "peering attachments has been reached."):
        cp.create_transit_gateway_peering_attachment(transit_gateway_id=tgw.id,
                                                     peer_transit_gateway_id=peers[1].id)
    create_vpn_attachment(cp.ctx, tgw.id, "vpn-0123456789abcdef0")
    vpc, (subnet,) = _vpc(cp)
    with unchanged(world), raises_aws("TransitGatewayAttachmentLimitExceeded",
                                      "The maximum number of transit gateway attachments has been reached."):
        cp.create_transit_gateway_vpc_attachment(transit_gateway_id=tgw.id, vpc_id=vpc.id,
                                                 subnet_ids=[subnet.id])


def test_modify_adds_and_removes_subnets(cp, world):
    """AWS ModifyTransitGatewayVpcAttachment: add and remove subnets (one per AZ), keep at least one
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyTransitGatewayVpcAttachment.html)."""
    tgw = cp.create_transit_gateway()
    vpc, (a, b, c) = _vpc(cp, zones=("us-east-1a", "us-east-1b", "us-east-1a"))
    att = cp.create_transit_gateway_vpc_attachment(transit_gateway_id=tgw.id, vpc_id=vpc.id,
                                                   subnet_ids=[a.id])
    with unchanged(world), raises_aws("DuplicateSubnetsInSameZone", "Duplicate Subnets for same AZ"):
        cp.modify_transit_gateway_vpc_attachment(transit_gateway_attachment_id=att.id, add_subnet_ids=[c.id])
    with unchanged(world), raises_aws("InvalidSubnetID.NotFound",
                                      f"{b.id} is not attached but supplied in RemoveSubnets"):
        cp.modify_transit_gateway_vpc_attachment(transit_gateway_attachment_id=att.id,
                                                 remove_subnet_ids=[b.id])
    with unchanged(world), raises_aws("InsufficientSubnetsException", "Insufficient Subnets"):
        cp.modify_transit_gateway_vpc_attachment(transit_gateway_attachment_id=att.id,
                                                 remove_subnet_ids=[a.id])
    att = cp.modify_transit_gateway_vpc_attachment(transit_gateway_attachment_id=att.id,
                                                   add_subnet_ids=[b.id, ],
                                                   remove_subnet_ids=[a.id],
                                                   options={"appliance_mode_support": "enable"})
    assert att.subnet_ids == (b.id,) and att.appliance_mode_support == "enable"
    assert [world.get(e).subnet_id for e in att.network_interface_ids] == [b.id]


def test_delete_vpc_attachment_removes_interfaces_association_and_propagations(cp, world):
    """AWS DeleteTransitGatewayVpcAttachment: its interfaces, association and propagations go;
    a static route to it stays as a blackhole
    (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html)."""
    tgw = cp.create_transit_gateway()
    vpc, (subnet,) = _vpc(cp)
    att = cp.create_transit_gateway_vpc_attachment(transit_gateway_id=tgw.id, vpc_id=vpc.id,
                                                   subnet_ids=[subnet.id])
    rtb_id = tgw.options.association_default_route_table_id
    cp.create_transit_gateway_route(destination_cidr_block="172.16.0.0/12",
                                    transit_gateway_route_table_id=rtb_id,
                                    transit_gateway_attachment_id=att.id)
    with unchanged(world), raises_aws("DependencyViolation"):
        cp.delete_vpc(vpc_id=vpc.id)
    cp.delete_transit_gateway_vpc_attachment(transit_gateway_attachment_id=att.id)
    rtb = world.get(rtb_id, TransitGatewayRouteTable)
    assert rtb.propagations == () and not list(world.in_vpc(vpc.id, NetworkInterface))
    assert tgw_lookup(world, rtb, "172.16.1.1").state == "blackhole"
    assert tgw_lookup(world, rtb, "10.0.0.5") is None
    with raises_aws("InvalidTransitGatewayAttachmentID.NotFound",
                    f"Transit Gateway Attachment {att.id} was deleted or does not exist."):
        cp.delete_transit_gateway_vpc_attachment(transit_gateway_attachment_id=att.id)


# -- peering attachments ---------------------------------------------------------------------
def test_peering_is_pending_until_the_peer_accepts_in_its_region(cp, world):
    """AWS "Transit gateway peering attachments": the owner of the peer (accepter) transit gateway
    must accept the request; both sides see it, each in its Region
    (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering.html)."""
    tgw = cp.create_transit_gateway()
    peer_cp = cp.as_(account_id=ACCOUNT_B, region="eu-west-1")
    peer = peer_cp.create_transit_gateway(options={"amazon_side_asn": 64600})
    att = cp.create_transit_gateway_peering_attachment(transit_gateway_id=tgw.id,
                                                       peer_transit_gateway_id=peer.id,
                                                       peer_account_id=ACCOUNT_B, peer_region="eu-west-1")
    assert att.state == "pendingAcceptance"
    assert att.visible_to(world, ACCOUNT_B, "eu-west-1") and not att.visible_to(world, ACCOUNT_B, "us-east-1")
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      f"Cannot accept {att.id} as the source of the peering request."):
        cp.accept_transit_gateway_peering_attachment(transit_gateway_attachment_id=att.id)
    with unchanged(world), raises_aws("InvalidTransitGatewayAttachmentID.NotFound"):
        cp.as_(account_id=ACCOUNT_B).accept_transit_gateway_peering_attachment(transit_gateway_attachment_id=att.id)
    att = peer_cp.accept_transit_gateway_peering_attachment(transit_gateway_attachment_id=att.id)
    assert att.state == "available"
    assert association_of(world, att.id, tgw.id).id == tgw.options.association_default_route_table_id
    assert association_of(world, att.id, peer.id).id == peer.options.association_default_route_table_id
    # peering attachments never propagate
    assert att.id not in world.get(tgw.options.propagation_default_route_table_id).propagations


def test_intra_region_peering_and_reject(cp, world):
    """AWS "Transit gateway peering attachments": "You can peer both intra-Region and inter-Region
    transit gateways" (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering.html)."""
    a = cp.create_transit_gateway()
    b = cp.create_transit_gateway(options={"amazon_side_asn": 64600})
    att = cp.create_transit_gateway_peering_attachment(transit_gateway_id=a.id, peer_transit_gateway_id=b.id)
    assert att.state == "pendingAcceptance" and att.peer_region == "us-east-1"
    rejected = cp.reject_transit_gateway_peering_attachment(transit_gateway_attachment_id=att.id)
    assert rejected.state == "rejected"
    with unchanged(world), raises_aws("IncorrectState", f"{att.id} is in invalid state"):
        cp.accept_transit_gateway_peering_attachment(transit_gateway_attachment_id=att.id)


def test_peering_to_a_missing_gateway_fails(cp, world):
    """AWS: a peering request to a transit gateway that does not exist ends in the failed state
    (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering.html)."""
    a = cp.create_transit_gateway()
    att = cp.create_transit_gateway_peering_attachment(transit_gateway_id=a.id,
                                                       peer_transit_gateway_id="tgw-0123456789abcdef0",
                                                       peer_account_id=ACCOUNT_B, peer_region="us-west-2")
    assert att.state == "failed"
    cp.delete_transit_gateway(transit_gateway_id=a.id)


def test_delete_peering_by_either_side(cp, world):
    """AWS DeleteTransitGatewayPeeringAttachment: either owner may delete it
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteTransitGatewayPeeringAttachment.html)."""
    tgw = cp.create_transit_gateway()
    peer_cp = cp.as_(account_id=ACCOUNT_B, region="eu-west-1")
    peer = peer_cp.create_transit_gateway()
    att = cp.create_transit_gateway_peering_attachment(transit_gateway_id=tgw.id,
                                                       peer_transit_gateway_id=peer.id,
                                                       peer_account_id=ACCOUNT_B, peer_region="eu-west-1")
    with unchanged(world), raises_aws("IncorrectState",
                                      f"{tgw.id} has non-deleted Transit Gateway Cross Region "
                                                        f"Peering Attachments: {att.id}."):
        cp.delete_transit_gateway(transit_gateway_id=tgw.id)
    peer_cp.delete_transit_gateway_peering_attachment(transit_gateway_attachment_id=att.id)
    assert att.id not in world
    cp.delete_transit_gateway(transit_gateway_id=tgw.id)


# -- VPN attachments (the VPN family's entry points) -----------------------------------------
def test_vpn_attachment_applies_defaults_and_is_removed_with_the_connection(cp, world):
    """AWS "Transit gateway VPN attachments": a VPN connection on a transit gateway is an
    attachment associated/propagated per the gateway's defaults
    (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpn-attachments.html)."""
    tgw = cp.create_transit_gateway()
    att = create_vpn_attachment(cp.ctx, tgw.id, "vpn-0123456789abcdef0")
    assert att.resource_type == "vpn" and att.state == "available"
    rtb = association_of(world, att.id)
    assert rtb.id == tgw.options.association_default_route_table_id and att.id in rtb.propagations
    with raises_aws("InvalidTransitGatewayID.NotFound"):
        create_vpn_attachment(cp.ctx, "tgw-0123456789abcdef0", "vpn-0123456789abcdef1")
    delete_vpn_attachment(cp.ctx, "vpn-0123456789abcdef0")
    assert att.id not in world and world.get(rtb.id).propagations == ()
    assert not [a for a in world.all(TransitGatewayAttachment)]


def test_tags_and_unknown_options(cp, world):
    """AWS CreateTransitGateway: TagSpecifications tag the gateway; an unrecognised option is an
    UnknownParameter error
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTransitGateway.html)."""
    tgw = cp.create_transit_gateway(tags={"Name": "hub"})
    assert tgw.tags == Tags({"Name": "hub"})
    with unchanged(world), raises_aws("UnknownParameter", "The parameter Colour is not recognized"):
        cp.create_transit_gateway(options={"colour": "blue"})
    _share(world, tgw, ACCOUNT_B)  # a shared gateway is seen, not owned
    with unchanged(world), raises_aws("UnauthorizedOperation",
                                      "You are not authorized to perform this operation."):
        cp.as_(account_id=ACCOUNT_B).delete_transit_gateway(transit_gateway_id=tgw.id)
