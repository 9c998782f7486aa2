"""Direct Connect in YAML: gateways, associations (direct, or across accounts through an accepted
proposal), virtual interfaces with their on-premises networks, and the errors of each."""

from __future__ import annotations

import textwrap

import pytest

from vpclab.model.direct_connect import (
    DirectConnectGateway,
    DirectConnectGatewayAssociation,
    DirectConnectGatewayAssociationProposal,
    VirtualInterface,
)
from vpclab.model.transit_gateway import TransitGatewayAttachment, TransitGatewayRouteTable
from vpclab.model.vpn import ON_PREMISES_CIDRS_TAG
from vpclab.network import Network
from vpclab.topology import TopologyError, loads

HUB = """
    transit_gateways:
      hub:
        options: {amazon_side_asn: 64520}
        route_tables:
          hub-rt: {associations: [corp-dx], propagations: [corp-dx]}
"""


def load(text: str) -> Network:
    return loads(textwrap.dedent(text), file="net.yaml")


def problems(text: str) -> list[str]:
    with pytest.raises(TopologyError) as info:
        load(text)
    return [str(p) for p in info.value.problems]


def test_gateway_association_and_interface() -> None:
    net = load(
        HUB
        + """
    direct_connect_gateways:
      corp-dx:
        amazon_side_asn: 65000
        associations: {hub: [10.0.0.0/8]}
        virtual_interfaces:
          dc: {vlan: 101, asn: 65100, on_premises_cidrs: [172.16.0.0/16, 172.20.0.0/16]}
          spare: {vlan: 102, on_premises_cidrs: [172.30.0.0/16], bgp: down}
    """
    )
    dxgw = net.resource("corp-dx")
    assert isinstance(dxgw, DirectConnectGateway) and dxgw.amazon_side_asn == 65000
    [assoc] = net.world.all(DirectConnectGatewayAssociation)
    assert assoc.allowed_prefixes == ("10.0.0.0/8",) and assoc.associated_gateway_id == net.id("hub")
    att = net.resource("corp-dx/attachment/hub")
    assert isinstance(att, TransitGatewayAttachment) and att.resource_type == "direct-connect-gateway"
    rtb = net.resource("hub-rt")
    assert isinstance(rtb, TransitGatewayRouteTable)
    assert att.association_route_table_id == rtb.id and att.id in rtb.propagations
    vif = net.resource("dc")
    assert (
        isinstance(vif, VirtualInterface) and vif.tags[ON_PREMISES_CIDRS_TAG] == "172.16.0.0/16,172.20.0.0/16"
    )
    assert vif.bgp_status == "up" and net.resource("dc/connection") is not None
    spare = net.resource("spare")
    assert isinstance(spare, VirtualInterface) and spare.bgp_status == "down"


def test_another_accounts_gateway_is_associated_through_a_proposal() -> None:
    net = load("""
    accounts: {network: 111111111111, dx: 222222222222}
    transit_gateways:
      hub: {account: network, options: {amazon_side_asn: 64520}}
    direct_connect_gateways:
      corp-dx: {account: dx, amazon_side_asn: 65000, associations: {hub: [10.0.0.0/8]}}
    """)
    [prop] = net.world.all(DirectConnectGatewayAssociationProposal)
    assert prop.proposal_state == "accepted" and prop.owner_id == "111111111111"
    att = net.resource("corp-dx/attachment/hub")
    assert isinstance(att, TransitGatewayAttachment)
    assert (att.owner_id, att.resource_owner_id) == ("111111111111", "222222222222")


def test_errors_point_at_the_file() -> None:
    typo = problems(
        HUB
        + """
    direct_connect_gateways:
      corp-dx: {associations: {hubb: [10.0.0.0/8]}}
    """
    )
    # hub-rt names corp-dx, which (with the typo) is not associated with hub: reported there too
    assert typo[-1] == "net.yaml:9:28: unknown transit gateway or VPN gateway 'hubb' (did you mean 'hub'?)"
    assert len(typo) == 3 and all("unknown attachment 'corp-dx'" in p for p in typo[:2])
    found = problems(
        HUB.replace("64520", "65000")
        + """
    direct_connect_gateways:
      corp-dx: {amazon_side_asn: 65000, associations: {hub: [10.0.0.0/8]}}
    """
    )
    assert (
        len(found) == 1
        and "DirectConnectClientException" in found[0]
        and "their ASNs must differ" in found[0]
    )
    assert problems(HUB.replace("corp-dx", "nope-dx")) == [
        "net.yaml:6:31: unknown attachment 'nope-dx' of transit gateway hub: expected one of its "
        "attachments, a peering attachment to it, a VPN connection or a Direct Connect gateway "
        "associated with it",
        "net.yaml:6:56: unknown attachment 'nope-dx' of transit gateway hub: expected one of its "
        "attachments, a peering attachment to it, a VPN connection or a Direct Connect gateway "
        "associated with it",
    ]
    bad_cidr = problems(
        HUB
        + """
    direct_connect_gateways:
      corp-dx:
        amazon_side_asn: 65000
        associations: {hub: [10.0.0.0/8]}
        virtual_interfaces:
          dc: {vlan: 101, on_premises_cidrs: [172.16.0.1/16]}
    """
    )
    assert len(bad_cidr) == 1 and "virtual interface dc: DirectConnectClientException" in bad_cidr[0]
