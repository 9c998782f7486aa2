"""The hybrid design "Direct Connect primary, VPN backup, through a transit gateway"
(examples/hybrid-dx-vpn.yaml), flow by flow, and what changes when a Direct Connect route is
withdrawn or an allowed prefix is missing."""

from __future__ import annotations

import vpclab

from .test_documented_designs import OK, ROOT, SG, check, edited, in_order

DC_TRANSIT = "dc-transit: {vlan: 101, asn: 65100, location: EqDC2, on_premises_cidrs: [172.16.0.0/16]}"


def test_direct_connect_primary_vpn_backup() -> None:
    """The data centre advertises 172.16.0.0/16 over Direct Connect and over a VPN: the transit
    gateway prefers the Direct Connect gateway's propagated route ("Route evaluation order",
    https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html) and on premises uses
    the allowed prefixes the Direct Connect gateway advertises to it ("Allowed prefixes
    interactions", https://docs.aws.amazon.com/directconnect/latest/UserGuide/allowed-to-prefixes.html);
    the branch's interface has its BGP session down, so its traffic takes its VPN both ways."""
    got = check(
        "hybrid-dx-vpn",
        {
            "dc → app-1 tcp/443": OK,
            "app-1 → dc tcp/443": OK,
            "dc → db-1 tcp/5432": OK,
            "branch → app-1 tcp/443": OK,
            "branch → db-1 tcp/5432": SG,  # db-sg admits the data centre only
            "app-1 → db-1 tcp/5432": OK,
        },
    )
    assert in_order(
        got["dc → app-1 tcp/443"]["forward"],
        "virtual-interface dc-transit",
        "direct-connect-gateway corp-dx",
        "transit-gateway-attachment corp-dx/attachment/hub",
        "transit-gateway-route-table hub-rt",
        "transit-gateway-attachment hub-app",
    )
    assert got["app-1 → dc tcp/443"]["forward"][-3:] == [
        "transit-gateway-attachment corp-dx/attachment/hub",
        "direct-connect-gateway corp-dx",
        "virtual-interface dc-transit",
    ]
    assert "vpn-connection branch-vpn" in got["branch → app-1 tcp/443"]["forward"]
    assert "vpn-connection branch-vpn" in got["branch → app-1 tcp/443"]["return"]


def test_withdrawn_direct_connect_route_fails_over_to_the_vpn() -> None:
    """With the data centre's BGP session down (StartBgpFailoverTest: "places the BGP peering session
    in the DOWN state",
    https://docs.aws.amazon.com/directconnect/latest/APIReference/API_StartBgpFailoverTest.html) the
    Direct Connect route is withdrawn from the transit gateway route table and both directions take
    the VPN (https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNRoutingTypes.html)."""
    net = edited("hybrid-dx-vpn", DC_TRANSIT, DC_TRANSIT[:-1] + ", bgp: down}")
    t = net.trace("dc", "app-1", protocol="tcp", port=443)
    hops = [h.name or h.id for h in t.forward_hops + t.return_hops]
    assert t.disposition == "reachable"
    assert "dc-vpn" in hops and "corp-dx" not in hops and "dc-transit" not in hops


def test_missing_allowed_prefix_on_premises_cannot_route() -> None:
    """Only the allowed prefixes are advertised to on premises ("For transit gateway associations,
    only the allowed prefixes entered will be advertised to on-premises",
    https://docs.aws.amazon.com/directconnect/latest/UserGuide/allowed-to-prefixes.html): without
    10.2.0.0/16 among them, a site with Direct Connect only cannot reach the data VPC."""
    text_old = "hub: [10.1.0.0/16, 10.2.0.0/16]"
    net = edited("hybrid-dx-vpn", text_old, "hub: [10.1.0.0/16]")
    over_dx = net.trace("dc", "app-1", protocol="tcp", port=443)
    assert over_dx.disposition == "reachable" and "corp-dx" in [h.name for h in over_dx.forward_hops]
    # dc still reaches db-1, over its VPN: the customer router has no Direct Connect route for it
    via_vpn = net.trace("dc", "db-1", protocol="tcp", port=5432)
    assert via_vpn.disposition == "reachable" and "dc-vpn" in [h.name for h in via_vpn.forward_hops]
    # without the VPN, the interface's site has no way to db-1: vpclab's on-premises finding
    text = (ROOT / "examples" / "hybrid-dx-vpn.yaml").read_text(encoding="utf-8")
    text = (
        text.replace(text_old, "hub: [10.1.0.0/16]")
        .replace("  dc-vpn: {customer_gateway: dc, transit_gateway: hub}\n", "")
        .replace("corp-dx, dc-vpn,", "corp-dx,")
    )
    alone = vpclab.loads(text).trace("dc-transit", "db-1", protocol="tcp", port=5432)
    assert alone.disposition == "blocked"
    assert [e.code for e in alone.explanations] == ["VPCLAB_ON_PREMISES_NO_ROUTE"]
    assert "no allowed prefix" in alone.explanations[0].message


def test_a_more_specific_vpn_route_wins_on_premises() -> None:
    """The customer gateway "prefers the path with the most specific route": an allowed prefix
    10.0.0.0/8 is less specific than the VPC CIDR 10.1.0.0/16 the transit gateway advertises over the
    VPN, so the data centre's requests take the VPN while the replies come back over Direct Connect
    (re:Post, https://repost.aws/knowledge-center/direct-connect-gateway-primary-connection, citing
    https://docs.aws.amazon.com/directconnect/latest/UserGuide/allowed-to-prefixes.html)."""
    net = edited("hybrid-dx-vpn", "hub: [10.1.0.0/16, 10.2.0.0/16]", "hub: [10.0.0.0/8]")
    t = net.trace("dc", "app-1", protocol="tcp", port=443)
    assert t.disposition == "reachable"
    assert "dc-vpn" in [h.name for h in t.forward_hops] and "corp-dx" not in [h.name for h in t.forward_hops]
    assert "corp-dx" in [h.name for h in t.return_hops]


def test_on_premises_selector_counts_a_direct_connect_only_site() -> None:
    """The intents word ``on-premises`` means every customer gateway and every virtual interface of a
    site no customer gateway names (https://docs.aws.amazon.com/directconnect/latest/UserGuide/direct-connect-transit-gateways.html)."""
    from vpclab.network.intents import _on_premises_sites

    net = edited(
        "hybrid-dx-vpn", "on_premises_cidrs: [172.17.0.0/16],", "on_premises_cidrs: [172.18.0.0/16],"
    )
    sites = [net.name(s) for s in _on_premises_sites(net)]
    assert sites == ["dc", "branch", "branch-transit"]
