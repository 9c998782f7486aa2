"""Site-to-Site VPN tunnel options: inside CIDRs, pre-shared keys, IKE/IPsec settings, AWS's choices
for what is not given, and ModifyVpnTunnelOptions.

AWS docs: "Tunnel options for your Site-to-Site VPN connection"
(https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNTunnels.html) and the EC2 API reference's
VpnTunnelOptionsSpecification. AWS documents no error wording for these checks; the tests pin the
codes (and that a failed call changes nothing).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Network, IPv6Network

import pytest

from tests.conftest import raises_aws, unchanged
from vpclab import ControlPlane, World
from vpclab.model.vpn import VpnConnection
from vpclab.model.vpn_tunnels import RESERVED_INSIDE_CIDRS, default_tunnels
from vpclab.model.world import Clock

TUNNELS = "https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNTunnels.html"
SPEC = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpnTunnelOptionsSpecification.html"
MODIFY = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpnTunnelOptions.html"


@contextmanager
def fails(world: World, code: str = "InvalidParameterValue") -> Iterator[None]:
    with unchanged(world), raises_aws(code):
        yield


def _vgw_vpn(
    cp: ControlPlane, *tunnels: dict, ip: str = "203.0.113.10", vgw=None, **options
) -> VpnConnection:
    cgw = cp.create_customer_gateway(type="ipsec.1", ip_address=ip, bgp_asn=65000)
    vgw = vgw or cp.create_vpn_gateway(type="ipsec.1")
    opts = {**options, **({"tunnel_options": list(tunnels)} if tunnels else {})}
    return cp.create_vpn_connection(
        customer_gateway_id=cgw.id, type="ipsec.1", vpn_gateway_id=vgw.id, options=opts
    )


def test_aws_chooses_inside_cidrs_and_keys_stable_per_connection(cp, world):
    """Without TunnelOptions AWS chooses each tunnel's inside /30 from 169.254.0.0/16 (never a reserved
    block) and a pre-shared key of the allowed characters; the choice is stored with the connection and
    is the same for the same seed (https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNTunnels.html)."""
    vpn = _vgw_vpn(cp)
    assert len(vpn.tunnel_options) == 2
    for tunnel in vpn.tunnel_options:
        net = IPv4Network(tunnel.tunnel_inside_cidr)
        assert net.prefixlen == 30 and net.subnet_of(IPv4Network("169.254.0.0/16"))
        assert net not in RESERVED_INSIDE_CIDRS
        key = tunnel.pre_shared_key
        assert len(key) == 32 and not key.startswith("0") and key.replace(".", "").replace("_", "").isalnum()
        assert (tunnel.phase1_lifetime_seconds, tunnel.phase2_lifetime_seconds) == (28_800, 3_600)
    a, b = vpn.tunnel_options
    assert a.tunnel_inside_cidr != b.tunnel_inside_cidr and a.outside_ip_address != b.outside_ip_address
    assert world.get(vpn.id, VpnConnection).tunnel_options == vpn.tunnel_options  # stored
    again = ControlPlane(World(seed=7), account_id=cp.account_id, region="us-east-1")
    assert _vgw_vpn(again).tunnel_options == vpn.tunnel_options  # deterministic under the seed
    other = ControlPlane(World(seed=8), account_id=cp.account_id, region="us-east-1")
    assert _vgw_vpn(other).tunnel_options != vpn.tunnel_options


def test_given_tunnel_options_are_kept(cp, world):
    """TunnelInsideCidr, PreSharedKey and the phase 1/2 settings the caller gives are the tunnel's; a
    second tunnel left out gets AWS's choices (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpnTunnelOptionsSpecification.html)."""
    vpn = _vgw_vpn(
        cp,
        {
            "tunnel_inside_cidr": "169.254.12.0/30",
            "pre_shared_key": "ExamplePreSharedKey1",
            "phase1_lifetime_seconds": 14_400,
            "phase2_lifetime_seconds": 1_800,
            "rekey_margin_time_seconds": 600,
            "dpd_timeout_action": "restart",
            "phase1_encryption_algorithms": [{"value": "AES256"}],
            "phase1_dh_group_numbers": [{"value": 20}],
            "ike_versions": [{"value": "ikev2"}],
            "startup_action": "start",
        },
    )
    first, second = vpn.tunnel_options
    assert first.tunnel_inside_cidr == "169.254.12.0/30" and first.pre_shared_key == "ExamplePreSharedKey1"
    assert (
        first.phase1_lifetime_seconds,
        first.phase2_lifetime_seconds,
        first.rekey_margin_time_seconds,
    ) == (14_400, 1_800, 600)
    assert first.phase1_encryption_algorithms == ("AES256",) and first.phase1_dh_group_numbers == (20,)
    assert first.ike_versions == ("ikev2",) and first.startup_action == "start"
    assert first.dpd_timeout_action == "restart"
    assert second.tunnel_inside_cidr != first.tunnel_inside_cidr and second.phase1_encryption_algorithms == ()
    assert (first.aws_inside_address, first.customer_inside_address) == ("169.254.12.1", "169.254.12.2")


@pytest.mark.parametrize(
    "cidr",
    [
        "169.254.10.0/29",
        "10.0.0.0/30",
        "169.254.10.1/30",
        "nonsense",
        *sorted(map(str, RESERVED_INSIDE_CIDRS)),
    ],
)
def test_inside_cidr_is_a_free_slash_30_of_link_local(cp, world, cidr):
    """TunnelInsideCidr: "A size /30 CIDR block from the 169.254.0.0/16 range", not one of the reserved
    blocks 169.254.0.0/30 … 169.254.5.0/30 and 169.254.169.252/30
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpnTunnelOptionsSpecification.html)."""
    cgw = cp.create_customer_gateway(type="ipsec.1", ip_address="203.0.113.10", bgp_asn=65000)
    vgw = cp.create_vpn_gateway(type="ipsec.1")
    with fails(world):
        cp.create_vpn_connection(
            customer_gateway_id=cgw.id,
            type="ipsec.1",
            vpn_gateway_id=vgw.id,
            options={"tunnel_options": [{"tunnel_inside_cidr": cidr}]},
        )


def test_inside_cidr_unique_per_virtual_private_gateway(cp, world):
    """ "Any specified CIDR blocks must be unique across all VPN connections that use the same virtual
    private gateway"; another gateway may reuse the block, and a deleted connection frees it
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpnTunnelOptionsSpecification.html)."""
    vgw = cp.create_vpn_gateway(type="ipsec.1")
    first = _vgw_vpn(cp, {"tunnel_inside_cidr": "169.254.20.0/30"}, vgw=vgw)
    cgw2 = cp.create_customer_gateway(type="ipsec.1", ip_address="203.0.113.11", bgp_asn=65000)
    with fails(world, "InvalidCidr.InUse"):
        cp.create_vpn_connection(
            customer_gateway_id=cgw2.id,
            type="ipsec.1",
            vpn_gateway_id=vgw.id,
            options={"tunnel_options": [{}, {"tunnel_inside_cidr": "169.254.20.0/30"}]},
        )
    with fails(world):  # the two tunnels of one connection, too
        cp.create_vpn_connection(
            customer_gateway_id=cgw2.id,
            type="ipsec.1",
            vpn_gateway_id=vgw.id,
            options={
                "tunnel_options": [
                    {"tunnel_inside_cidr": "169.254.21.0/30"},
                    {"tunnel_inside_cidr": "169.254.21.0/30"},
                ]
            },
        )
    _vgw_vpn(cp, {"tunnel_inside_cidr": "169.254.20.0/30"}, ip="203.0.113.12")  # another VGW
    # AWS's own choices avoid the blocks in use on the gateway
    chosen = cp.create_vpn_connection(customer_gateway_id=cgw2.id, type="ipsec.1", vpn_gateway_id=vgw.id)
    assert not {t.tunnel_inside_cidr for t in chosen.tunnel_options} & {
        t.tunnel_inside_cidr for t in first.tunnel_options
    }
    cp.delete_vpn_connection(vpn_connection_id=first.id)
    cgw3 = cp.create_customer_gateway(type="ipsec.1", ip_address="203.0.113.13", bgp_asn=65000)
    cp.create_vpn_connection(
        customer_gateway_id=cgw3.id,
        type="ipsec.1",
        vpn_gateway_id=vgw.id,
        options={"tunnel_options": [{"tunnel_inside_cidr": "169.254.20.0/30"}]},
    )


def test_transit_gateway_inside_cidrs(cp, world):
    """On a transit gateway IPv4 inside blocks need not be unique across connections (AWS warns of
    conflicts on the customer gateway instead); IPv6 inside blocks are a /126 of fd00::/8, "unique
    across all VPN connections that use the same transit gateway"
    (https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNTunnels.html)."""
    tgw = cp.create_transit_gateway()
    cgws = [
        cp.create_customer_gateway(type="ipsec.1", ip_address=f"203.0.113.{i}", bgp_asn=65000)
        for i in (20, 21, 22, 23)
    ]
    for cgw in cgws[:2]:
        cp.create_vpn_connection(
            customer_gateway_id=cgw.id,
            type="ipsec.1",
            transit_gateway_id=tgw.id,
            options={"tunnel_options": [{"tunnel_inside_cidr": "169.254.30.0/30"}]},
        )
    v6 = {"tunnel_inside_ip_version": "ipv6", "tunnel_options": [{"tunnel_inside_ipv6_cidr": "fd00:1::/126"}]}
    vpn6 = cp.create_vpn_connection(
        customer_gateway_id=cgws[2].id, type="ipsec.1", transit_gateway_id=tgw.id, options=v6
    )
    assert vpn6.tunnel_options[0].tunnel_inside_ipv6_cidr == "fd00:1::/126"
    second = IPv6Network(vpn6.tunnel_options[1].tunnel_inside_ipv6_cidr)
    assert second.prefixlen == 126 and second.subnet_of(IPv6Network("fd00::/8"))
    assert vpn6.tunnel_options[0].tunnel_inside_cidr is None
    with fails(world, "InvalidCidr.InUse"):
        cp.create_vpn_connection(
            customer_gateway_id=cgws[3].id, type="ipsec.1", transit_gateway_id=tgw.id, options=v6
        )
    for bad in ("fd00:2::/64", "2001:db8::/126"):
        with fails(world):
            cp.create_vpn_connection(
                customer_gateway_id=cgws[3].id,
                type="ipsec.1",
                transit_gateway_id=tgw.id,
                options={
                    "tunnel_inside_ip_version": "ipv6",
                    "tunnel_options": [{"tunnel_inside_ipv6_cidr": bad}],
                },
            )
    with fails(world, "InvalidParameterCombination"):  # the other family's block
        cp.create_vpn_connection(
            customer_gateway_id=cgws[3].id,
            type="ipsec.1",
            transit_gateway_id=tgw.id,
            options={
                "tunnel_inside_ip_version": "ipv6",
                "tunnel_options": [{"tunnel_inside_cidr": "169.254.31.0/30"}],
            },
        )


@pytest.mark.parametrize("key", ["short", "0StartsWithZero", "has-a-dash", "has space1", "x" * 65])
def test_pre_shared_key_rules(cp, world, key):
    """PreSharedKey: "Allowed characters are alphanumeric characters, periods (.), and underscores (_).
    Must be between 8 and 64 characters in length and cannot start with zero (0)"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpnTunnelOptionsSpecification.html)."""
    cgw = cp.create_customer_gateway(type="ipsec.1", ip_address="203.0.113.10", bgp_asn=65000)
    vgw = cp.create_vpn_gateway(type="ipsec.1")
    with fails(world):
        cp.create_vpn_connection(
            customer_gateway_id=cgw.id,
            type="ipsec.1",
            vpn_gateway_id=vgw.id,
            options={"tunnel_options": [{"pre_shared_key": key}]},
        )
    assert (
        _vgw_vpn(cp, {"pre_shared_key": "Ok_key.8"}, ip="203.0.113.9").tunnel_options[0].pre_shared_key
        == "Ok_key.8"
    )


@pytest.mark.parametrize(
    "spec",
    [
        {"phase1_lifetime_seconds": 899},
        {"phase1_lifetime_seconds": 28_801},
        {"phase2_lifetime_seconds": 3_601},
        {"phase2_lifetime_seconds": 899},
        {"phase1_lifetime_seconds": 3_600, "phase2_lifetime_seconds": 3_600},  # phase 2 below phase 1
        {"rekey_margin_time_seconds": 59},
        {"rekey_margin_time_seconds": 1_801},  # half of 3,600
        {"rekey_fuzz_percentage": 101},
        {"replay_window_size": 63},
        {"replay_window_size": 2_049},
        {"dpd_timeout_seconds": 29},
        {"dpd_timeout_action": "explode"},
        {"startup_action": "go"},
        {"phase1_encryption_algorithms": [{"value": "DES"}]},
        {"phase2_integrity_algorithms": [{"value": "MD5"}]},
        {"phase1_dh_group_numbers": [{"value": 5}]},
        {"phase2_dh_group_numbers": [{"value": 1}]},
        {"ike_versions": [{"value": "ikev3"}]},
        {"tunnel_inside_cidrs": "169.254.40.0/30"},
    ],
)
def test_phase_settings_within_documented_ranges(cp, world, spec):
    """Each phase 1/2 option within its documented range or value set: Phase1LifetimeSeconds 900–28,800,
    Phase2LifetimeSeconds 900–3,600 and below phase 1, RekeyMarginTimeSeconds 60 to half of phase 2,
    RekeyFuzzPercentage 0–100, ReplayWindowSize 64–2,048, DPDTimeoutSeconds ≥ 30, the listed
    algorithms, DH groups (phase 2 also allows 5) and IKE versions; an unknown option is refused
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpnTunnelOptionsSpecification.html)."""
    cgw = cp.create_customer_gateway(type="ipsec.1", ip_address="203.0.113.10", bgp_asn=65000)
    vgw = cp.create_vpn_gateway(type="ipsec.1")
    with fails(world):
        cp.create_vpn_connection(
            customer_gateway_id=cgw.id,
            type="ipsec.1",
            vpn_gateway_id=vgw.id,
            options={"tunnel_options": [spec]},
        )


def test_two_tunnels_at_most_and_unmodelled_options_refused(cp, world):
    """A VPN connection has two tunnels ("Each Site-to-Site VPN connection has two tunnels"); options
    vpclab does not model (CloudWatch logging on, additional key exchanges) are refused, never
    ignored; LogOptions that keep logging off are every tunnel's state and accepted
    (https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNTunnels.html)."""
    cgw = cp.create_customer_gateway(type="ipsec.1", ip_address="203.0.113.10", bgp_asn=65000)
    vgw = cp.create_vpn_gateway(type="ipsec.1")
    with fails(world):
        cp.create_vpn_connection(
            customer_gateway_id=cgw.id,
            type="ipsec.1",
            vpn_gateway_id=vgw.id,
            options={"tunnel_options": [{}, {}, {}]},
        )
    with fails(world, "UnsupportedOperation"):
        cp.create_vpn_connection(
            customer_gateway_id=cgw.id,
            type="ipsec.1",
            vpn_gateway_id=vgw.id,
            options={"tunnel_options": [{"log_options": {"cloud_watch_log_options": {"log_enabled": True}}}]},
        )
    with fails(world, "UnsupportedOperation"):
        cp.create_vpn_connection(
            customer_gateway_id=cgw.id,
            type="ipsec.1",
            vpn_gateway_id=vgw.id,
            options={"tunnel_options": [{"phase1_additional_key_exchanges": [{"value": "ML-KEM-512"}]}]},
        )
    off = {"log_options": {"cloud_watch_log_options": {"log_enabled": False}}}
    vpn = cp.create_vpn_connection(
        customer_gateway_id=cgw.id, type="ipsec.1", vpn_gateway_id=vgw.id, options={"tunnel_options": [off]}
    )
    assert len(vpn.tunnel_options) == 2


def test_modify_vpn_tunnel_options(cp, world):
    """ModifyVpnTunnelOptions changes one tunnel, named by its outside address ("you can only modify
    one tunnel at a time"), with the same rules as at creation
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpnTunnelOptions.html)."""
    vgw = cp.create_vpn_gateway(type="ipsec.1")
    other = _vgw_vpn(cp, {"tunnel_inside_cidr": "169.254.50.0/30"}, vgw=vgw, ip="203.0.113.30")
    vpn = _vgw_vpn(cp, vgw=vgw)
    first, second = vpn.tunnel_options
    changed = cp.modify_vpn_tunnel_options(
        vpn_connection_id=vpn.id,
        vpn_tunnel_outside_ip_address=second.outside_ip_address,
        tunnel_options={
            "pre_shared_key": "NewKey_2",
            "dpd_timeout_seconds": 60,
            "tunnel_inside_cidr": "169.254.51.0/30",
        },
    )
    assert changed.tunnel_options[0] == first
    assert changed.tunnel_options[1].pre_shared_key == "NewKey_2"
    assert changed.tunnel_options[1].dpd_timeout_seconds == 60
    assert changed.tunnel_options[1].tunnel_inside_cidr == "169.254.51.0/30"
    assert changed.tunnel_options[1].outside_ip_address == second.outside_ip_address
    with fails(world):  # not one of its tunnels
        cp.modify_vpn_tunnel_options(
            vpn_connection_id=vpn.id,
            vpn_tunnel_outside_ip_address="198.51.100.1",
            tunnel_options={"pre_shared_key": "NewKey_3"},
        )
    with fails(world, "InvalidCidr.InUse"):  # another connection on the VGW uses the block
        cp.modify_vpn_tunnel_options(
            vpn_connection_id=vpn.id,
            vpn_tunnel_outside_ip_address=first.outside_ip_address,
            tunnel_options={"tunnel_inside_cidr": "169.254.50.0/30"},
        )
    with fails(world):  # rules between options hold on the tunnel's effective values
        cp.modify_vpn_tunnel_options(
            vpn_connection_id=vpn.id,
            vpn_tunnel_outside_ip_address=first.outside_ip_address,
            tunnel_options={"phase2_lifetime_seconds": 900, "rekey_margin_time_seconds": 451},
        )
    cp.delete_vpn_connection(vpn_connection_id=other.id)
    with fails(world, "InvalidVpnConnection.InvalidState"):
        cp.modify_vpn_tunnel_options(
            vpn_connection_id=other.id,
            vpn_tunnel_outside_ip_address=other.tunnel_options[0].outside_ip_address,
            tunnel_options={"pre_shared_key": "NewKey_4"},
        )


def test_connections_stored_without_tunnels_get_stable_defaults():
    """A connection stored before vpclab kept tunnel options answers AWS's defaults derived from its id,
    the same on every read (https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNTunnels.html)."""
    vpn = VpnConnection(
        id="vpn-0123456789abcdef0",
        owner_id="111111111111",
        region="us-east-1",
        customer_gateway_id="cgw-1",
        vpn_gateway_id="vgw-1",
    )
    assert vpn.tunnels == default_tunnels(vpn.id) == vpn.tunnels
    assert vpn.create_time is None


def test_creation_time_is_the_worlds_clock():
    """A connection's tunnels report their last status change from when the connection came up, on the
    World's clock (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VgwTelemetry.html)."""
    start = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    world = World(seed=3, clock=Clock(start=start))
    cp = ControlPlane(world, account_id="111111111111", region="us-east-1")
    world.clock.advance(timedelta(hours=1))
    assert _vgw_vpn(cp).create_time == start + timedelta(hours=1)
