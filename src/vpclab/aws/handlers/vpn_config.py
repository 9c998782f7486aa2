"""The customer gateway configuration of a VPN connection: the XML document AWS returns as
``CustomerGatewayConfiguration`` in CreateVpnConnection and DescribeVpnConnections.

AWS: the EC2 API reference's VpnConnection ("The configuration information for the VPN connection's
customer gateway (in the native XML format)") and "Tunnel options for your Site-to-Site VPN
connection" (https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNTunnels.html). AWS publishes no schema
for the document; its layout here is the one AWS's documents have (``vpn_connection`` →
``customer_gateway_id``, ``vpn_gateway_id``, ``vpn_connection_type``, two ``ipsec_tunnel`` with
``customer_gateway`` / ``vpn_gateway`` addresses and BGP, ``ike``, ``ipsec``), which is what clients
parse (the Terraform AWS provider reads ``ipsec_tunnel/vpn_gateway/tunnel_outside_address/ip_address``,
``…/tunnel_inside_address/ip_address`` on both sides, ``vpn_gateway/bgp/asn`` and ``hold_time``, and
``ike/pre_shared_key``). Every value comes from the connection's stored tunnels, so the document is
the same on every call.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from ...model.transit_gateway import TransitGateway
from ...model.vpn import CustomerGateway, VpnConnection, VpnGateway
from ...model.vpn_tunnels import VpnTunnelOption
from ...model.world import World

#: BGP hold time AWS's configuration documents give both sides
BGP_HOLD_TIME = 30
#: AWS's configuration documents name the first permitted algorithm of each phase in these spellings
_IKE_ENCRYPTION = {
    "AES128": "aes-128-cbc",
    "AES256": "aes-256-cbc",
    "AES128-GCM-16": "aes-128-gcm-16",
    "AES256-GCM-16": "aes-256-gcm-16",
}
_IKE_INTEGRITY = {"SHA1": "sha1", "SHA2-256": "sha2-256", "SHA2-384": "sha2-384", "SHA2-512": "sha2-512"}
_ESP_INTEGRITY = {
    "SHA1": "hmac-sha1-96",
    "SHA2-256": "hmac-sha2-256-128",
    "SHA2-384": "hmac-sha2-384-192",
    "SHA2-512": "hmac-sha2-512-256",
}


def _el(name: str, value: object, indent: int) -> str:
    return f"{'  ' * indent}<{name}>{escape(str(value))}</{name}>"


def _open(name: str, indent: int) -> str:
    return f"{'  ' * indent}<{name}>"


def _close(name: str, indent: int) -> str:
    return f"{'  ' * indent}</{name}>"


def _inside(address: str, tunnel: VpnTunnelOption, indent: int) -> list[str]:
    net = tunnel.inside_network
    lines = [_open("tunnel_inside_address", indent), _el("ip_address", address, indent + 1)]
    if net.version == 4:
        lines.append(_el("network_mask", net.netmask, indent + 1))
    lines += [_el("network_cidr", net.prefixlen, indent + 1), _close("tunnel_inside_address", indent)]
    return lines


def _side(name: str, outside: str, inside: str, asn: int | None, tunnel: VpnTunnelOption) -> list[str]:
    lines = [
        _open(name, 2),
        _open("tunnel_outside_address", 3),
        _el("ip_address", outside, 4),
        _close("tunnel_outside_address", 3),
        *_inside(inside, tunnel, 3),
    ]
    if asn is not None:  # a dynamic (BGP) connection only
        lines += [_open("bgp", 3), _el("asn", asn, 4), _el("hold_time", BGP_HOLD_TIME, 4), _close("bgp", 3)]
    return [*lines, _close(name, 2)]


def _first(chosen: tuple[object, ...], default: object) -> object:
    return chosen[0] if chosen else default


def _ike(tunnel: VpnTunnelOption) -> list[str]:
    group = _first(tunnel.phase1_dh_group_numbers, 2)
    return [
        _open("ike", 2),
        _el(
            "authentication_protocol",
            _IKE_INTEGRITY[str(_first(tunnel.phase1_integrity_algorithms, "SHA1"))],
            3,
        ),
        _el(
            "encryption_protocol",
            _IKE_ENCRYPTION[str(_first(tunnel.phase1_encryption_algorithms, "AES128"))],
            3,
        ),
        _el("lifetime", tunnel.phase1_lifetime_seconds, 3),
        _el("perfect_forward_secrecy", f"group{group}", 3),
        _el("mode", "main", 3),
        _el("pre_shared_key", tunnel.pre_shared_key, 3),
        _close("ike", 2),
    ]


def _ipsec(tunnel: VpnTunnelOption) -> list[str]:
    group = _first(tunnel.phase2_dh_group_numbers, 2)
    return [
        _open("ipsec", 2),
        _el("protocol", "esp", 3),
        _el(
            "authentication_protocol",
            _ESP_INTEGRITY[str(_first(tunnel.phase2_integrity_algorithms, "SHA1"))],
            3,
        ),
        _el(
            "encryption_protocol",
            _IKE_ENCRYPTION[str(_first(tunnel.phase2_encryption_algorithms, "AES128"))],
            3,
        ),
        _el("lifetime", tunnel.phase2_lifetime_seconds, 3),
        _el("perfect_forward_secrecy", f"group{group}", 3),
        _el("mode", "tunnel", 3),
        _el("clear_df_bit", "true", 3),
        _el("fragmentation_before_encryption", "true", 3),
        _el("tcp_mss_adjustment", 1379, 3),
        _open("dead_peer_detection", 3),
        _el("interval", 10, 4),
        _el("retries", 3, 4),
        _close("dead_peer_detection", 3),
        _close("ipsec", 2),
    ]


def _amazon_asn(world: World, vpn: VpnConnection) -> int | None:
    if vpn.vpn_gateway_id:
        vgw = world.get(vpn.vpn_gateway_id, VpnGateway)
        return vgw.amazon_side_asn if vgw is not None else None
    tgw = world.get(vpn.transit_gateway_id or "", TransitGateway)
    return tgw.options.amazon_side_asn if tgw is not None else None


def customer_gateway_configuration(world: World, vpn: VpnConnection) -> str:
    """The XML document, two ``ipsec_tunnel`` elements in the order of ``Options.TunnelOptions``."""
    cgw = world.get(vpn.customer_gateway_id, CustomerGateway)
    cgw_ip = cgw.ip_address if cgw is not None else ""
    dynamic = not vpn.static_routes_only
    cgw_asn = cgw.bgp_asn if (cgw is not None and dynamic) else None
    aws_asn = _amazon_asn(world, vpn) if dynamic else None
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<vpn_connection id={quoteattr(vpn.id)}>",
        _el("customer_gateway_id", vpn.customer_gateway_id, 1),
    ]
    if vpn.vpn_gateway_id:
        lines.append(_el("vpn_gateway_id", vpn.vpn_gateway_id, 1))
    else:
        # AWS's documents for a transit gateway connection are not published; vpclab names the gateway
        lines.append(_el("transit_gateway_id", vpn.transit_gateway_id or "", 1))
    lines.append(_el("vpn_connection_type", vpn.type, 1))
    for tunnel in vpn.tunnels:
        lines += [
            _open("ipsec_tunnel", 1),
            *_side("customer_gateway", cgw_ip, tunnel.customer_inside_address, cgw_asn, tunnel),
            *_side("vpn_gateway", tunnel.outside_ip_address, tunnel.aws_inside_address, aws_asn, tunnel),
            *_ike(tunnel),
            *_ipsec(tunnel),
            _close("ipsec_tunnel", 1),
        ]
    lines.append("</vpn_connection>")
    return "\n".join(lines)
