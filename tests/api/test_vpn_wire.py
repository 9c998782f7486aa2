"""VPN wire details through boto3 and the aws CLI: ``Options.TunnelOptions``, ``VgwTelemetry``,
ModifyVpnTunnelOptions and the ``CustomerGatewayConfiguration`` XML document, parsed the way the
Terraform AWS provider parses it.

AWS: the EC2 API reference's VpnConnection ("customerGatewayConfiguration … This element is always
present in the CreateVpnConnection response; however, it's present in the DescribeVpnConnections
response only if the VPN connection is in the pending or available state",
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpnConnection.html) and "Tunnel options for
your Site-to-Site VPN connection" (https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNTunnels.html).
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address, ip_network
from typing import Any

from .conftest import Server, client_error

ACCOUNT = "400000000031"


def tunnel_info(config: str, tunnel1_psk: str = "", tunnel1_inside_cidr: str = "") -> dict[str, Any]:
    """What the Terraform AWS provider reads from the document (``CustomerGatewayConfigurationToTunnelInfo``
    in internal/service/ec2/vpnsite_connection.go): per ``ipsec_tunnel``, ``vpn_gateway/bgp/asn`` and
    ``hold_time``, both sides' ``tunnel_inside_address/ip_address``, the AWS side's
    ``tunnel_outside_address/ip_address`` and ``ike/pre_shared_key``; tunnels put in order by the known
    tunnel 1 key, else by tunnel 1's inside CIDR, else by outside address (as strings)."""
    root = ET.fromstring(config.encode())
    tunnels = [
        {
            "address": t.findtext("vpn_gateway/tunnel_outside_address/ip_address", ""),
            "bgp_asn": t.findtext("vpn_gateway/bgp/asn", ""),
            "bgp_holdtime": int(t.findtext("vpn_gateway/bgp/hold_time") or 0),
            "cgw_inside_address": t.findtext("customer_gateway/tunnel_inside_address/ip_address", ""),
            "vgw_inside_address": t.findtext("vpn_gateway/tunnel_inside_address/ip_address", ""),
            "preshared_key": t.findtext("ike/pre_shared_key", ""),
        }
        for t in root.findall("ipsec_tunnel")
    ]
    if tunnel1_psk:
        if tunnels[0]["preshared_key"] != tunnel1_psk and tunnels[1]["preshared_key"] == tunnel1_psk:
            tunnels.reverse()
    elif tunnel1_inside_cidr:
        net = ip_network(tunnel1_inside_cidr)
        first, second = (ip_address(t["vgw_inside_address"]) for t in tunnels)
        if first not in net and second in net:
            tunnels.reverse()
    else:
        tunnels.sort(key=lambda t: t["address"])
    return {f"tunnel{i}_{k}": v for i, t in enumerate(tunnels, 1) for k, v in t.items()}


def _setup(ec2: Any, ip: str = "203.0.113.40", asn: int = 65010) -> tuple[str, str]:
    cgw = ec2.create_customer_gateway(Type="ipsec.1", BgpAsn=asn, IpAddress=ip)["CustomerGateway"]
    vgw = ec2.create_vpn_gateway(Type="ipsec.1", AmazonSideAsn=64620)["VpnGateway"]
    return cgw["CustomerGatewayId"], vgw["VpnGatewayId"]


def test_create_answers_tunnel_options_and_the_configuration(clean_server: Server) -> None:
    """CreateVpnConnection with the aws CLI's documented TunnelOptions example answers them with the
    outside addresses, and a configuration document that a Terraform-style parse reads back: outside
    and inside addresses, keys, both BGP ASNs and the hold time; DescribeVpnConnections repeats the same
    document; a deleted connection has none."""
    before = datetime.now(UTC)
    ec2 = clean_server.client(account=ACCOUNT)
    cgw_id, vgw_id = _setup(ec2)
    vpn = ec2.create_vpn_connection(
        CustomerGatewayId=cgw_id,
        Type="ipsec.1",
        VpnGatewayId=vgw_id,
        Options={
            "TunnelOptions": [
                {"TunnelInsideCidr": "169.254.12.0/30", "PreSharedKey": "ExamplePreSharedKey1"},
                {
                    "TunnelInsideCidr": "169.254.13.0/30",
                    "PreSharedKey": "ExamplePreSharedKey2",
                    "Phase1EncryptionAlgorithms": [{"Value": "AES256"}],
                    "IKEVersions": [{"Value": "ikev2"}],
                },
            ]
        },
    )["VpnConnection"]
    first, second = vpn["Options"]["TunnelOptions"]
    assert (first["TunnelInsideCidr"], first["PreSharedKey"]) == ("169.254.12.0/30", "ExamplePreSharedKey1")
    assert (second["TunnelInsideCidr"], second["PreSharedKey"]) == ("169.254.13.0/30", "ExamplePreSharedKey2")
    assert second["Phase1EncryptionAlgorithms"] == [{"Value": "AES256"}]
    assert second["IkeVersions"] == [{"Value": "ikev2"}] and "IkeVersions" not in first
    assert first["Phase1LifetimeSeconds"] == 28_800 and first["Phase2LifetimeSeconds"] == 3_600
    outside = [first["OutsideIpAddress"], second["OutsideIpAddress"]]
    assert [t["OutsideIpAddress"] for t in vpn["VgwTelemetry"]] == outside
    for t in vpn["VgwTelemetry"]:
        assert t["Status"] == "UP" and t["StatusMessage"] == "0 BGP ROUTES"
        assert (
            before - timedelta(seconds=1) <= t["LastStatusChange"] <= datetime.now(UTC) + timedelta(seconds=1)
        )

    config = vpn["CustomerGatewayConfiguration"]
    root = ET.fromstring(config.encode())
    assert root.tag == "vpn_connection" and root.get("id") == vpn["VpnConnectionId"]
    assert root.findtext("customer_gateway_id") == cgw_id and root.findtext("vpn_gateway_id") == vgw_id
    assert root.findtext("vpn_connection_type") == "ipsec.1"
    info = tunnel_info(config)
    assert info == {
        "tunnel1_address": outside[0],
        "tunnel1_bgp_asn": "64620",
        "tunnel1_bgp_holdtime": 30,
        "tunnel1_cgw_inside_address": "169.254.12.2",
        "tunnel1_vgw_inside_address": "169.254.12.1",
        "tunnel1_preshared_key": "ExamplePreSharedKey1",
        "tunnel2_address": outside[1],
        "tunnel2_bgp_asn": "64620",
        "tunnel2_bgp_holdtime": 30,
        "tunnel2_cgw_inside_address": "169.254.13.2",
        "tunnel2_vgw_inside_address": "169.254.13.1",
        "tunnel2_preshared_key": "ExamplePreSharedKey2",
    }
    # the provider's other orderings agree with the outside-address one
    assert tunnel_info(config, tunnel1_psk="ExamplePreSharedKey1") == info
    assert tunnel_info(config, tunnel1_inside_cidr="169.254.12.0/30") == info
    tunnel = root.findall("ipsec_tunnel")[0]
    assert tunnel.findtext("customer_gateway/tunnel_outside_address/ip_address") == "203.0.113.40"
    assert tunnel.findtext("customer_gateway/bgp/asn") == "65010"
    assert tunnel.findtext("vpn_gateway/tunnel_inside_address/network_mask") == "255.255.255.252"
    assert tunnel.findtext("vpn_gateway/tunnel_inside_address/network_cidr") == "30"
    assert tunnel.findtext("ike/lifetime") == "28800" and tunnel.findtext("ipsec/lifetime") == "3600"
    assert root.findall("ipsec_tunnel")[1].findtext("ike/encryption_protocol") == "aes-256-cbc"

    [described] = ec2.describe_vpn_connections(VpnConnectionIds=[vpn["VpnConnectionId"]])["VpnConnections"]
    assert described["CustomerGatewayConfiguration"] == config  # stable per connection
    assert described["Options"]["TunnelOptions"] == vpn["Options"]["TunnelOptions"]
    # on the wire the document is text inside the EC2 answer: escaped, never markup of the answer
    status, body = clean_server.post(
        {
            "Action": "DescribeVpnConnections",
            "Version": "2016-11-15",
            "VpnConnectionId.1": vpn["VpnConnectionId"],
        },
        account=ACCOUNT,
    )
    assert (
        status == 200 and "<customerGatewayConfiguration>&lt;?xml" in body and "<vpn_connection" not in body
    )
    ec2.delete_vpn_connection(VpnConnectionId=vpn["VpnConnectionId"])
    [deleted] = ec2.describe_vpn_connections(VpnConnectionIds=[vpn["VpnConnectionId"]])["VpnConnections"]
    assert "CustomerGatewayConfiguration" not in deleted


def test_static_connection_and_aws_chosen_values(clean_server: Server) -> None:
    """A static-routes-only connection's document has no BGP section (Terraform reads an empty ASN and
    hold time 0); AWS's own choices (inside /30 blocks, 32-character keys) appear in the document as in
    TunnelOptions."""
    ec2 = clean_server.client(account=ACCOUNT)
    cgw_id, vgw_id = _setup(ec2, ip="203.0.113.41", asn=65011)
    vpn = ec2.create_vpn_connection(
        CustomerGatewayId=cgw_id, Type="ipsec.1", VpnGatewayId=vgw_id, Options={"StaticRoutesOnly": True}
    )["VpnConnection"]
    info = tunnel_info(vpn["CustomerGatewayConfiguration"])
    for i, tunnel in enumerate(vpn["Options"]["TunnelOptions"], 1):
        net = ip_network(tunnel["TunnelInsideCidr"])
        assert net.prefixlen == 30 and net.subnet_of(ip_network("169.254.0.0/16"))
        assert info[f"tunnel{i}_vgw_inside_address"] == str(net[1])
        assert info[f"tunnel{i}_cgw_inside_address"] == str(net[2])
        assert (
            info[f"tunnel{i}_preshared_key"] == tunnel["PreSharedKey"] and len(tunnel["PreSharedKey"]) == 32
        )
        assert info[f"tunnel{i}_address"] == tunnel["OutsideIpAddress"]
        assert (info[f"tunnel{i}_bgp_asn"], info[f"tunnel{i}_bgp_holdtime"]) == ("", 0)
    assert [t["StatusMessage"] for t in vpn["VgwTelemetry"]] == ["", ""]


def test_modify_vpn_tunnel_options_and_errors(clean_server: Server) -> None:
    """ModifyVpnTunnelOptions changes the named tunnel; the document follows; a bad value is
    InvalidParameterValue and changes nothing
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpnTunnelOptions.html)."""
    ec2 = clean_server.client(account=ACCOUNT)
    cgw_id, vgw_id = _setup(ec2, ip="203.0.113.42", asn=65012)
    vpn = ec2.create_vpn_connection(CustomerGatewayId=cgw_id, Type="ipsec.1", VpnGatewayId=vgw_id)[
        "VpnConnection"
    ]
    vpn_id = vpn["VpnConnectionId"]
    second = vpn["Options"]["TunnelOptions"][1]["OutsideIpAddress"]
    changed = ec2.modify_vpn_tunnel_options(
        VpnConnectionId=vpn_id,
        VpnTunnelOutsideIpAddress=second,
        TunnelOptions={
            "PreSharedKey": "Rotated_key.2",
            "DPDTimeoutSeconds": 45,
            "Phase2DHGroupNumbers": [{"Value": 14}, {"Value": 15}],
        },
    )["VpnConnection"]
    tunnel = changed["Options"]["TunnelOptions"][1]
    assert tunnel["PreSharedKey"] == "Rotated_key.2" and tunnel["DpdTimeoutSeconds"] == 45
    assert tunnel["Phase2DHGroupNumbers"] == [{"Value": 14}, {"Value": 15}]
    assert changed["Options"]["TunnelOptions"][0] == vpn["Options"]["TunnelOptions"][0]
    assert tunnel_info(changed["CustomerGatewayConfiguration"])["tunnel2_preshared_key"] == "Rotated_key.2"
    with client_error("InvalidParameterValue"):
        ec2.modify_vpn_tunnel_options(
            VpnConnectionId=vpn_id,
            VpnTunnelOutsideIpAddress=second,
            TunnelOptions={"PreSharedKey": "0starts_with_zero"},
        )
    other_vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    with client_error("InvalidParameterValue"):
        ec2.create_vpn_connection(
            CustomerGatewayId=cgw_id,
            Type="ipsec.1",
            VpnGatewayId=other_vgw,
            Options={"TunnelOptions": [{"TunnelInsideCidr": "169.254.169.252/30"}]},
        )
    [again] = ec2.describe_vpn_connections(VpnConnectionIds=[vpn_id])["VpnConnections"]
    assert again["Options"]["TunnelOptions"][1]["PreSharedKey"] == "Rotated_key.2"


def test_aws_cli_reads_tunnel_options_and_configuration(clean_server: Server) -> None:
    """The aws CLI's documented example (create-vpn-connection with TunnelOptions in shorthand) prints
    the tunnel options and the configuration document, and the document parses."""
    ec2 = clean_server.client(account=ACCOUNT)
    cgw_id, vgw_id = _setup(ec2, ip="203.0.113.43", asn=65013)
    env = {
        "AWS_ACCESS_KEY_ID": ACCOUNT,
        "AWS_SECRET_ACCESS_KEY": "lab",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
    }
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "awscli",
            "ec2",
            "create-vpn-connection",
            "--type",
            "ipsec.1",
            "--customer-gateway-id",
            cgw_id,
            "--vpn-gateway-id",
            vgw_id,
            "--options",
            "TunnelOptions=[{TunnelInsideCidr=169.254.22.0/30,PreSharedKey=ExamplePreSharedKey1},"
            "{TunnelInsideCidr=169.254.23.0/30,PreSharedKey=ExamplePreSharedKey2}]",
            "--endpoint-url",
            clean_server.url,
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    vpn = json.loads(out.stdout)["VpnConnection"]
    assert [t["TunnelInsideCidr"] for t in vpn["Options"]["TunnelOptions"]] == [
        "169.254.22.0/30",
        "169.254.23.0/30",
    ]
    info = tunnel_info(vpn["CustomerGatewayConfiguration"], tunnel1_psk="ExamplePreSharedKey1")
    assert (info["tunnel1_vgw_inside_address"], info["tunnel2_vgw_inside_address"]) == (
        "169.254.22.1",
        "169.254.23.1",
    )


def test_transit_gateway_connection_configuration(clean_server: Server) -> None:
    """On a transit gateway the document names the transit gateway, its Amazon-side ASN is the BGP
    peer, and IPv6 tunnels carry /126 inside addresses from fd00::/8."""
    ec2 = clean_server.client(account=ACCOUNT)
    cgw_id = ec2.create_customer_gateway(Type="ipsec.1", BgpAsn=65014, IpAddress="203.0.113.44")[
        "CustomerGateway"
    ]["CustomerGatewayId"]
    tgw = ec2.create_transit_gateway(Options={"AmazonSideAsn": 64700})["TransitGateway"]
    vpn = ec2.create_vpn_connection(
        CustomerGatewayId=cgw_id,
        Type="ipsec.1",
        TransitGatewayId=tgw["TransitGatewayId"],
        Options={
            "TunnelInsideIpVersion": "ipv6",
            "TunnelOptions": [{"TunnelInsideIpv6Cidr": "fd00:10::/126"}],
        },
    )["VpnConnection"]
    root = ET.fromstring(vpn["CustomerGatewayConfiguration"].encode())
    assert (
        root.findtext("transit_gateway_id") == tgw["TransitGatewayId"] and root.find("vpn_gateway_id") is None
    )
    first, second = vpn["Options"]["TunnelOptions"]
    assert first["TunnelInsideIpv6Cidr"] == "fd00:10::/126" and "TunnelInsideCidr" not in first
    info = tunnel_info(vpn["CustomerGatewayConfiguration"], tunnel1_psk=first["PreSharedKey"])
    assert (info["tunnel1_vgw_inside_address"], info["tunnel1_cgw_inside_address"]) == (
        "fd00:10::1",
        "fd00:10::2",
    )
    assert ip_address(info["tunnel2_vgw_inside_address"]) in ip_network(second["TunnelInsideIpv6Cidr"])
    assert info["tunnel1_bgp_asn"] == "64700"
    assert root.findall("ipsec_tunnel")[0].findtext("vpn_gateway/tunnel_inside_address/network_cidr") == "126"
