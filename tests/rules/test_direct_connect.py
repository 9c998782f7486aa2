"""Direct Connect rules: Direct Connect gateways, their associations with transit gateways and
virtual private gateways, cross-account association proposals, virtual interfaces and the routes a
Direct Connect gateway propagates into a transit gateway route table.

AWS docs: "Direct Connect gateways" and its pages
(https://docs.aws.amazon.com/directconnect/latest/UserGuide/), "Direct Connect quotas"
(https://docs.aws.amazon.com/directconnect/latest/UserGuide/limits.html), the transit gateway's
"Route evaluation order" (https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html).
Direct Connect documents no error messages: the tests pin the code and vpclab's wording.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.conftest import ACCOUNT_B, raises_aws, unchanged
from vpclab.model.direct_connect import learned_cidrs
from vpclab.model.transit_gateway import TransitGatewayAttachment, TransitGatewayRouteTable, tgw_lookup
from vpclab.model.vpn import ON_PREMISES_CIDRS_TAG

TGW_ASSOC = "https://docs.aws.amazon.com/directconnect/latest/UserGuide/direct-connect-transit-gateways.html"
VGW_ASSOC = "https://docs.aws.amazon.com/directconnect/latest/UserGuide/virtualgateways.html"
PREFIXES = "https://docs.aws.amazon.com/directconnect/latest/UserGuide/allowed-to-prefixes.html"
QUOTAS = "https://docs.aws.amazon.com/directconnect/latest/UserGuide/limits.html"
API = "https://docs.aws.amazon.com/directconnect/latest/APIReference/API_{}.html"
ERR = "DirectConnectClientException"


@contextmanager
def fails(world, message: str | None = None, code: str = ERR) -> Iterator[None]:
    with unchanged(world), raises_aws(code, message):
        yield


def _dx(cp, asn=65000):
    return cp.create_direct_connect_gateway(direct_connect_gateway_name="dx", amazon_side_asn=asn)


def _tgw(cp, asn=64512):
    return cp.create_transit_gateway(options={"amazon_side_asn": asn})


def _transit_vif(cp, dxgw, cidrs="192.168.0.0/16", vlan=100, con=None):
    con = con or cp.create_connection(location="EqDC2", bandwidth="10Gbps", connection_name="c")
    return cp.create_transit_virtual_interface(
        connection_id=con.id,
        virtual_interface_name="t",
        vlan=vlan,
        asn=65100,
        direct_connect_gateway_id=dxgw.id,
        tags={ON_PREMISES_CIDRS_TAG: cidrs},
    )


def _vgw(cp, cidr="10.1.0.0/16"):
    vpc = cp.create_vpc(cidr_block=cidr)
    vgw = cp.create_vpn_gateway(type="ipsec.1")
    cp.attach_vpn_gateway(vpc_id=vpc.id, vpn_gateway_id=vgw.id)
    return vgw


def test_gateway_asn_must_be_private(cp, world):
    """AWS CreateDirectConnectGateway: amazonSideAsn "in the private range of 64,512 to 65,534 or
    4,200,000,000 to 4,294,967,294. The default is 64512."
    (https://docs.aws.amazon.com/directconnect/latest/APIReference/API_CreateDirectConnectGateway.html)."""
    assert cp.create_direct_connect_gateway(direct_connect_gateway_name="d").amazon_side_asn == 64512
    with fails(
        world,
        "amazonSideAsn 65535 is invalid: it must be in the private range of 64512 to 65534 or "
        "4200000000 to 4294967294.",
    ):
        _dx(cp, asn=65535)
    assert _dx(cp, asn=4_200_000_000).amazon_side_asn == 4_200_000_000


def test_gateway_is_global_and_owned(cp, world):
    """A Direct Connect gateway is a global resource: its owner sees it from every Region; another
    account does not ("Direct Connect gateways",
    https://docs.aws.amazon.com/directconnect/latest/UserGuide/direct-connect-gateways-intro.html)."""
    dxgw = _dx(cp)
    assert dxgw.visible_to(world, cp.account_id, "eu-west-1")
    assert not dxgw.visible_to(world, ACCOUNT_B, "us-east-1")
    with fails(world, f"Direct Connect gateway {dxgw.id} does not exist."):
        cp.as_(account_id=ACCOUNT_B).delete_direct_connect_gateway(direct_connect_gateway_id=dxgw.id)


def test_tgw_association_makes_an_attachment_that_propagates_learned_prefixes(cp, world):
    """Associating a transit gateway makes its attachment of resource type direct-connect-gateway,
    associated with and propagating to the default route table; the prefixes on-premises advertises
    over the transit virtual interface propagate into it; deleting the association removes them
    ("Transit gateway associations", https://docs.aws.amazon.com/directconnect/latest/UserGuide/direct-connect-transit-gateways.html;
    "Transit gateway attachments to a Direct Connect gateway",
    https://docs.aws.amazon.com/vpc/latest/tgw/tgw-dcg-attachments.html)."""
    dxgw, tgw = _dx(cp), _tgw(cp)
    assoc = cp.create_direct_connect_gateway_association(
        direct_connect_gateway_id=dxgw.id,
        gateway_id=tgw.id,
        add_allowed_prefixes_to_direct_connect_gateway=["10.0.0.0/8", "10.0.0.0/8"],
    )
    assert assoc.allowed_prefixes == ("10.0.0.0/8",) and assoc.associated_gateway_type == "transitGateway"
    att = world.get(assoc.transit_gateway_attachment_id, TransitGatewayAttachment)
    assert (att.resource_type, att.resource_id, att.state) == ("direct-connect-gateway", dxgw.id, "available")
    rtb = world.get(att.association_route_table_id, TransitGatewayRouteTable)
    assert att.id in rtb.propagations
    _transit_vif(cp, dxgw, "192.168.0.0/16, 172.16.0.0/12")
    route = tgw_lookup(world, rtb, "192.168.1.1")
    assert route.type == "propagated" and route.transit_gateway_attachment_ids == (att.id,)
    cp.delete_direct_connect_gateway_association(association_id=assoc.id)
    assert world.get(att.id) is None and tgw_lookup(world, world.get(rtb.id), "192.168.1.1") is None


def test_dx_propagated_route_beats_vpn_propagated_route(cp, world):
    """Identical prefixes learned over Direct Connect and over a VPN: the transit gateway prefers
    the Direct Connect gateway's route (AWS "Route evaluation order": propagated routes from VPC,
    then Direct Connect gateway, then Connect, then VPN,
    https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html); when the BGP session
    goes down (StartBgpFailoverTest,
    https://docs.aws.amazon.com/directconnect/latest/APIReference/API_StartBgpFailoverTest.html) the
    VPN's route takes over."""
    dxgw, tgw = _dx(cp), _tgw(cp)
    assoc = cp.create_direct_connect_gateway_association(
        direct_connect_gateway_id=dxgw.id,
        gateway_id=tgw.id,
        add_allowed_prefixes_to_direct_connect_gateway=["10.0.0.0/8"],
    )
    cgw = cp.create_customer_gateway(
        type="ipsec.1",
        ip_address="203.0.113.10",
        bgp_asn=65010,
        tags={ON_PREMISES_CIDRS_TAG: "192.168.0.0/16"},
    )
    vpn = cp.create_vpn_connection(customer_gateway_id=cgw.id, type="ipsec.1", transit_gateway_id=tgw.id)
    vif = _transit_vif(cp, dxgw)
    rtb = world.get(tgw.options.association_default_route_table_id, TransitGatewayRouteTable) or next(
        iter(world.all(TransitGatewayRouteTable))
    )
    assert tgw_lookup(world, rtb, "192.168.1.1").resource_type == "direct-connect-gateway"
    cp.start_bgp_failover_test(virtual_interface_id=vif.id)
    route = tgw_lookup(world, world.get(rtb.id), "192.168.1.1")
    vpn_att = next(a for a in world.all(TransitGatewayAttachment) if a.resource_id == vpn.id)
    assert route.resource_type == "vpn" and route.transit_gateway_attachment_ids == (vpn_att.id,)
    cp.stop_bgp_failover_test(virtual_interface_id=vif.id)
    assert tgw_lookup(world, world.get(rtb.id), "192.168.1.1").resource_type == "direct-connect-gateway"
    assert assoc.transit_gateway_attachment_id


def test_tgw_and_vgw_associations_exclude_each_other(cp, world):
    """ "You cannot attach a Direct Connect gateway to a transit gateway when the Direct Connect
    gateway is already associated with a virtual private gateway or is attached to a private
    virtual interface" (https://docs.aws.amazon.com/directconnect/latest/UserGuide/direct-connect-transit-gateways.html),
    and the converse (https://docs.aws.amazon.com/directconnect/latest/UserGuide/virtualgateways.html)."""
    dxgw, tgw, vgw = _dx(cp), _tgw(cp), _vgw(cp)
    con = cp.create_connection(location="EqDC2", bandwidth="10Gbps", connection_name="c")
    cp.create_direct_connect_gateway_association(direct_connect_gateway_id=dxgw.id, virtual_gateway_id=vgw.id)
    with fails(
        world,
        f"Direct Connect gateway {dxgw.id} is associated with a virtual private gateway or "
        "attached to a private virtual interface: it cannot be associated with a transit gateway.",
    ):
        cp.create_direct_connect_gateway_association(direct_connect_gateway_id=dxgw.id, gateway_id=tgw.id)
    with fails(
        world,
        f"Direct Connect gateway {dxgw.id} is associated with a virtual private gateway: a "
        "transit virtual interface cannot attach to it.",
    ):
        _transit_vif(cp, dxgw, con=con)
    other = _dx(cp, asn=65001)
    cp.create_direct_connect_gateway_association(
        direct_connect_gateway_id=other.id,
        gateway_id=tgw.id,
        add_allowed_prefixes_to_direct_connect_gateway=["10.0.0.0/8"],
    )
    with fails(
        world,
        f"Direct Connect gateway {other.id} is associated with a transit gateway or attached "
        "to a transit virtual interface: it cannot be associated with a virtual private gateway.",
    ):
        cp.create_direct_connect_gateway_association(
            direct_connect_gateway_id=other.id, virtual_gateway_id=vgw.id
        )


def test_vgw_association_defaults_to_the_vpc_cidr(cp, world):
    """A virtual private gateway association's allowed prefixes filter the VPC CIDR and must be the
    same or wider; without them vpclab allows the VPC's CIDR blocks
    (https://docs.aws.amazon.com/directconnect/latest/UserGuide/allowed-to-prefixes.html). The VGW
    must be attached to a VPC (https://docs.aws.amazon.com/directconnect/latest/UserGuide/virtualgateways.html)."""
    dxgw, vgw = _dx(cp), _vgw(cp, "10.9.0.0/16")
    assoc = cp.create_direct_connect_gateway_association(
        direct_connect_gateway_id=dxgw.id, virtual_gateway_id=vgw.id
    )
    assert (
        assoc.allowed_prefixes == ("10.9.0.0/16",)
        and assoc.associated_gateway_type == "virtualPrivateGateway"
    )
    lone = cp.create_vpn_gateway(type="ipsec.1")
    with fails(world, f"Virtual private gateway {lone.id} is not attached to a VPC."):
        cp.create_direct_connect_gateway_association(
            direct_connect_gateway_id=dxgw.id, virtual_gateway_id=lone.id
        )
    with fails(world, f"Gateway {vgw.id} is already associated with Direct Connect gateway {dxgw.id}."):
        cp.create_direct_connect_gateway_association(direct_connect_gateway_id=dxgw.id, gateway_id=vgw.id)


def test_asns_must_differ(cp, world):
    """The transit gateway and the Direct Connect gateway need different ASNs, and transit gateways
    in different Regions on one Direct Connect gateway need unique ASNs
    (https://docs.aws.amazon.com/directconnect/latest/UserGuide/direct-connect-transit-gateways.html;
    re:Post knowledge center, https://repost.aws/knowledge-center/direct-connect-associate-transit-gateway,
    cites https://docs.aws.amazon.com/directconnect/latest/UserGuide/limits.html)."""
    dxgw = _dx(cp, asn=64512)
    tgw = _tgw(cp, asn=64512)
    with fails(
        world,
        f"Transit gateway {tgw.id} and Direct Connect gateway {dxgw.id} have the same ASN "
        "(64512): their ASNs must differ.",
    ):
        cp.create_direct_connect_gateway_association(direct_connect_gateway_id=dxgw.id, gateway_id=tgw.id)
    dxgw2 = _dx(cp, asn=65000)
    cp.create_direct_connect_gateway_association(direct_connect_gateway_id=dxgw2.id, gateway_id=tgw.id)
    west = cp.as_(region="eu-west-1")
    tgw_west = west.create_transit_gateway(options={"amazon_side_asn": 64512})
    with fails(world):
        west.create_direct_connect_gateway_association(
            direct_connect_gateway_id=dxgw2.id, gateway_id=tgw_west.id
        )


def test_quotas_transit_gateways_and_allowed_prefixes(cp, world):
    """ "Direct Connect quotas": transit gateways per Direct Connect gateway 6, prefixes per transit
    gateway association (AWS to on-premises) 200, neither adjustable
    (https://docs.aws.amazon.com/directconnect/latest/UserGuide/limits.html)."""
    dxgw = _dx(cp)
    for i in range(6):
        cp.as_(
            region=["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2"][i]
        ).create_direct_connect_gateway_association(
            direct_connect_gateway_id=dxgw.id,
            gateway_id=cp.as_(
                region=["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2"][i]
            )
            .create_transit_gateway(options={"amazon_side_asn": 64600 + i})
            .id,
        )
    seventh = cp.as_(region="eu-central-1")
    tgw7 = seventh.create_transit_gateway(options={"amazon_side_asn": 64700})
    with fails(
        world, f"Direct Connect gateway {dxgw.id} cannot be associated with more than 6 transit gateways."
    ):
        seventh.create_direct_connect_gateway_association(
            direct_connect_gateway_id=dxgw.id, gateway_id=tgw7.id
        )
    other = _dx(cp, asn=65001)
    many = [f"10.{i // 256}.{i % 256}.0/24" for i in range(201)]
    with fails(world, "A transit gateway association cannot have more than 200 allowed prefixes."):
        seventh.create_direct_connect_gateway_association(
            direct_connect_gateway_id=other.id,
            gateway_id=tgw7.id,
            add_allowed_prefixes_to_direct_connect_gateway=many,
        )
    assoc = seventh.create_direct_connect_gateway_association(
        direct_connect_gateway_id=other.id,
        gateway_id=tgw7.id,
        add_allowed_prefixes_to_direct_connect_gateway=many[:200],
    )
    with fails(world, "A transit gateway association cannot have more than 200 allowed prefixes."):
        cp.update_direct_connect_gateway_association(
            association_id=assoc.id, add_allowed_prefixes_to_direct_connect_gateway=[many[200]]
        )


def test_update_allowed_prefixes(cp, world):
    """UpdateDirectConnectGatewayAssociation adds and removes allowed prefixes; a bad CIDR or a prefix
    the association lacks is refused
    (https://docs.aws.amazon.com/directconnect/latest/APIReference/API_UpdateDirectConnectGatewayAssociation.html)."""
    dxgw, tgw = _dx(cp), _tgw(cp)
    assoc = cp.create_direct_connect_gateway_association(
        direct_connect_gateway_id=dxgw.id,
        gateway_id=tgw.id,
        add_allowed_prefixes_to_direct_connect_gateway=["10.0.0.0/16"],
    )
    updated = cp.update_direct_connect_gateway_association(
        association_id=assoc.id,
        add_allowed_prefixes_to_direct_connect_gateway=["10.1.0.0/16"],
        remove_allowed_prefixes_to_direct_connect_gateway=["10.0.0.0/16"],
    )
    assert updated.allowed_prefixes == ("10.1.0.0/16",)
    with fails(world, "addAllowedPrefixesToDirectConnectGateway: 10.1.0.1/16 is not a valid CIDR block."):
        cp.update_direct_connect_gateway_association(
            association_id=assoc.id, add_allowed_prefixes_to_direct_connect_gateway=["10.1.0.1/16"]
        )
    with fails(world, f"Prefix 10.7.0.0/16 is not an allowed prefix of association {assoc.id}."):
        cp.update_direct_connect_gateway_association(
            association_id=assoc.id, remove_allowed_prefixes_to_direct_connect_gateway=["10.7.0.0/16"]
        )


def test_cross_account_association_through_a_proposal(cp, world):
    """The transit gateway owner proposes, the Direct Connect gateway owner accepts (optionally
    overriding the prefixes); the attachment is the transit gateway owner's; a direct association
    across accounts is refused ("Associating a transit gateway across accounts",
    https://docs.aws.amazon.com/directconnect/latest/UserGuide/direct-connect-transit-gateways.html)."""
    dxgw = _dx(cp)
    owner_b = cp.as_(account_id=ACCOUNT_B)
    tgw = owner_b.create_transit_gateway()
    with fails(world, f"Direct Connect gateway {dxgw.id} does not exist."):
        owner_b.create_direct_connect_gateway_association(
            direct_connect_gateway_id=dxgw.id, gateway_id=tgw.id
        )
    prop = owner_b.create_direct_connect_gateway_association_proposal(
        direct_connect_gateway_id=dxgw.id,
        direct_connect_gateway_owner_account=cp.account_id,
        gateway_id=tgw.id,
        add_allowed_prefixes_to_direct_connect_gateway=["10.0.0.0/8"],
    )
    assert prop.proposal_state == "requested" and prop.requested_allowed_prefixes == ("10.0.0.0/8",)
    with fails(
        world,
        f"Gateway {tgw.id} already has a pending proposal ({prop.id}) for Direct Connect gateway {dxgw.id}.",
    ):
        owner_b.create_direct_connect_gateway_association_proposal(
            direct_connect_gateway_id=dxgw.id,
            direct_connect_gateway_owner_account=cp.account_id,
            gateway_id=tgw.id,
        )
    with fails(world, f"Direct Connect gateway {dxgw.id} does not exist."):
        owner_b.accept_direct_connect_gateway_association_proposal(
            direct_connect_gateway_id=dxgw.id, proposal_id=prop.id, associated_gateway_owner_account=ACCOUNT_B
        )
    assoc = cp.accept_direct_connect_gateway_association_proposal(
        direct_connect_gateway_id=dxgw.id,
        proposal_id=prop.id,
        associated_gateway_owner_account=ACCOUNT_B,
        override_allowed_prefixes_to_direct_connect_gateway=["10.1.0.0/16"],
    )
    assert assoc.allowed_prefixes == ("10.1.0.0/16",) and assoc.associated_gateway_owner_account == ACCOUNT_B
    att = world.get(assoc.transit_gateway_attachment_id, TransitGatewayAttachment)
    assert (att.owner_id, att.resource_owner_id) == (ACCOUNT_B, cp.account_id)
    # a later proposal updates the existing association's prefixes
    again = owner_b.create_direct_connect_gateway_association_proposal(
        direct_connect_gateway_id=dxgw.id,
        direct_connect_gateway_owner_account=cp.account_id,
        gateway_id=tgw.id,
        add_allowed_prefixes_to_direct_connect_gateway=["10.2.0.0/16"],
    )
    assert again.existing_allowed_prefixes == ("10.1.0.0/16",)
    assert again.requested_allowed_prefixes == ("10.1.0.0/16", "10.2.0.0/16")
    deleted = owner_b.delete_direct_connect_gateway_association_proposal(proposal_id=again.id)
    assert deleted.proposal_state == "deleted"


def test_delete_gateway_needs_no_associations_or_interfaces(cp, world):
    """DeleteDirectConnectGateway: "You must first delete all virtual interfaces that are attached to
    the Direct Connect gateway and disassociate all virtual private gateways"
    (https://docs.aws.amazon.com/directconnect/latest/APIReference/API_DeleteDirectConnectGateway.html)."""
    dxgw = _dx(cp)
    vif = _transit_vif(cp, dxgw)
    with fails(
        world, f"Direct Connect gateway {dxgw.id} has attached virtual interfaces: delete them first."
    ):
        cp.delete_direct_connect_gateway(direct_connect_gateway_id=dxgw.id)
    cp.delete_virtual_interface(virtual_interface_id=vif.id)
    assert cp.delete_direct_connect_gateway(direct_connect_gateway_id=dxgw.id).state == "deleted"


def test_bgp_session_goes_idle_past_the_prefix_allocation(cp, world):
    """More prefixes from on-premises than the interface accepts (default 100 per family): "the BGP
    session will go into an idle state with the BGP session DOWN" — nothing is learned
    (https://docs.aws.amazon.com/directconnect/latest/UserGuide/limits.html;
    "Inbound prefix controls", https://docs.aws.amazon.com/directconnect/latest/UserGuide/prefix-controls.html)."""
    dxgw = _dx(cp)
    cidrs = ", ".join(f"172.16.{i}.0/24" for i in range(101))
    vif = _transit_vif(cp, dxgw, cidrs)
    assert vif.bgp_status == "down" and learned_cidrs(world, dxgw.id) == ()
    cp.tag_direct_connect_resource(
        resource_arn=vif.arn, tags={ON_PREMISES_CIDRS_TAG: "172.16.0.0/24, 172.16.1.0/24"}
    )
    assert learned_cidrs(world, dxgw.id) == ("172.16.0.0/24", "172.16.1.0/24")


def test_virtual_interface_rules(cp, world):
    """A VLAN is used once per connection (1–4094); transit interfaces per dedicated connection: 4
    ("Direct Connect quotas", https://docs.aws.amazon.com/directconnect/latest/UserGuide/limits.html;
    CreateTransitVirtualInterface,
    https://docs.aws.amazon.com/directconnect/latest/APIReference/API_CreateTransitVirtualInterface.html);
    the lab tag must hold CIDRs."""
    dxgw = _dx(cp)
    con = cp.create_connection(location="EqDC2", bandwidth="10Gbps", connection_name="c")
    _transit_vif(cp, dxgw, con=con, vlan=100)
    with fails(world, f"VLAN 100 is already in use on connection {con.id}."):
        _transit_vif(cp, dxgw, con=con, vlan=100)
    with fails(world, "VLAN 4095 is invalid: it must be between 1 and 4094."):
        _transit_vif(cp, dxgw, con=con, vlan=4095)
    for vlan in (101, 102, 103):
        _transit_vif(cp, dxgw, con=con, vlan=vlan)
    with fails(world, f"Connection {con.id} cannot have more than 4 transit virtual interfaces."):
        _transit_vif(cp, dxgw, con=con, vlan=104)
    with fails(world):
        _transit_vif(cp, dxgw, cidrs="not-a-cidr", vlan=200, con=con)
    with fails(
        world,
        "Bandwidth 3Gbps is not available for a dedicated connection (1Gbps, 10Gbps, 100Gbps, 400Gbps).",
    ):
        cp.create_connection(location="EqDC2", bandwidth="3Gbps", connection_name="c")
    with fails(world, f"Connection {con.id} has virtual interfaces: delete them first."):
        cp.delete_connection(connection_id=con.id)


@pytest.mark.parametrize("kind", ["private", "transit"])
def test_interface_type_must_match_the_gateway_association(cp, world, kind):
    """A private virtual interface cannot attach to a Direct Connect gateway associated with a
    transit gateway, nor a transit one to a gateway associated with a virtual private gateway
    (https://docs.aws.amazon.com/directconnect/latest/UserGuide/direct-connect-transit-gateways.html,
    https://docs.aws.amazon.com/directconnect/latest/UserGuide/virtualgateways.html)."""
    dxgw = _dx(cp)
    if kind == "private":
        cp.create_direct_connect_gateway_association(
            direct_connect_gateway_id=dxgw.id, gateway_id=_tgw(cp).id
        )
    else:
        cp.create_direct_connect_gateway_association(
            direct_connect_gateway_id=dxgw.id, virtual_gateway_id=_vgw(cp).id
        )
    con = cp.create_connection(location="EqDC2", bandwidth="1Gbps", connection_name="c")
    make = cp.create_private_virtual_interface if kind == "private" else cp.create_transit_virtual_interface
    with fails(world):
        make(
            connection_id=con.id,
            virtual_interface_name="v",
            vlan=10,
            asn=65100,
            direct_connect_gateway_id=dxgw.id,
        )


def test_a_virtual_private_gateway_in_use_by_direct_connect_is_not_deleted(cp, world):
    """DeleteVpnGateway: "You must first detach the virtual private gateway from the VPC"; AWS does not
    document a gateway still associated with a Direct Connect gateway — vpclab refuses it as in use
    (IncorrectState) rather than leave the association dangling
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpnGateway.html)."""
    dxgw, vgw = _dx(cp), _vgw(cp)
    cp.create_direct_connect_gateway_association(direct_connect_gateway_id=dxgw.id, virtual_gateway_id=vgw.id)
    cp.detach_vpn_gateway(vpc_id=world.get(vgw.id).vpc_attachments[0].vpc_id, vpn_gateway_id=vgw.id)
    with fails(world, "The VPN gateway is in use.", code="IncorrectState"):
        cp.delete_vpn_gateway(vpn_gateway_id=vgw.id)
