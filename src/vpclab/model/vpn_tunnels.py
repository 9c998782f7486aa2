"""The two tunnels of a Site-to-Site VPN connection: their addresses, pre-shared keys and IKE/IPsec
settings (``Options.TunnelOptions``), and the values AWS chooses for what the caller leaves out.

AWS docs: "Tunnel options for your Site-to-Site VPN connection"
(https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNTunnels.html) and the EC2 API reference's
VpnTunnelOptionsSpecification and TunnelOption.

What AWS chooses (outside addresses from its public ranges, inside /30 or /126 blocks, 32-character
pre-shared keys) is derived here from the connection's id: ids are deterministic under the World's
seed, so the choice is too, and the choice is stored with the connection so it never changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network

#: VpnTunnelOptionsSpecification defaults (EC2 API reference)
DEFAULT_PHASE1_LIFETIME = 28_800
DEFAULT_PHASE2_LIFETIME = 3_600
DEFAULT_REKEY_MARGIN = 270
DEFAULT_REKEY_FUZZ = 100
DEFAULT_REPLAY_WINDOW = 1_024
#: CreateVpnConnection's VpnTunnelOptionsSpecification documents 30 (ModifyVpnTunnelOptions' says 40;
#: vpclab keeps the create default, the value a new tunnel gets)
DEFAULT_DPD_TIMEOUT = 30
DEFAULT_DPD_ACTION = "clear"
DEFAULT_STARTUP_ACTION = "add"

#: "TunnelInsideCidr: a size /30 CIDR block from the 169.254.0.0/16 range" minus the reserved blocks
INSIDE_IPV4_RANGE = IPv4Network("169.254.0.0/16")
RESERVED_INSIDE_CIDRS = frozenset(
    IPv4Network(c)
    for c in (
        "169.254.0.0/30",
        "169.254.1.0/30",
        "169.254.2.0/30",
        "169.254.3.0/30",
        "169.254.4.0/30",
        "169.254.5.0/30",
        "169.254.169.252/30",
    )
)
#: "TunnelInsideIpv6Cidr: a size /126 CIDR block from the local fd00::/8 range"
INSIDE_IPV6_RANGE = IPv6Network("fd00::/8")

#: pre-shared keys: "alphanumeric characters, periods (.), and underscores (_)", 8–64, not starting with 0
PSK_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"


@dataclass(frozen=True, kw_only=True, slots=True)
class VpnTunnelOption:
    """One tunnel. Empty algorithm / group / version tuples mean AWS's default: every valid value
    is permitted."""

    outside_ip_address: str
    pre_shared_key: str
    tunnel_inside_cidr: str | None = None
    tunnel_inside_ipv6_cidr: str | None = None
    phase1_lifetime_seconds: int = DEFAULT_PHASE1_LIFETIME
    phase2_lifetime_seconds: int = DEFAULT_PHASE2_LIFETIME
    rekey_margin_time_seconds: int = DEFAULT_REKEY_MARGIN
    rekey_fuzz_percentage: int = DEFAULT_REKEY_FUZZ
    replay_window_size: int = DEFAULT_REPLAY_WINDOW
    dpd_timeout_seconds: int = DEFAULT_DPD_TIMEOUT
    dpd_timeout_action: str = DEFAULT_DPD_ACTION
    startup_action: str = DEFAULT_STARTUP_ACTION
    phase1_encryption_algorithms: tuple[str, ...] = ()
    phase2_encryption_algorithms: tuple[str, ...] = ()
    phase1_integrity_algorithms: tuple[str, ...] = ()
    phase2_integrity_algorithms: tuple[str, ...] = ()
    phase1_dh_group_numbers: tuple[int, ...] = ()
    phase2_dh_group_numbers: tuple[int, ...] = ()
    ike_versions: tuple[str, ...] = ()
    enable_tunnel_lifecycle_control: bool = False

    @property
    def inside_network(self) -> IPv4Network | IPv6Network:
        """The tunnel's inside block (IPv4 /30 or IPv6 /126)."""
        if self.tunnel_inside_cidr:
            return IPv4Network(self.tunnel_inside_cidr)
        return IPv6Network(self.tunnel_inside_ipv6_cidr or "")

    @property
    def aws_inside_address(self) -> str:
        """The AWS side's inside address: the block's first usable address (AWS's configuration
        files give the virtual private gateway ``.1`` of the /30 and the customer gateway ``.2``)."""
        return str(self.inside_network[1])

    @property
    def customer_inside_address(self) -> str:
        return str(self.inside_network[2])


def _digest(vpn_id: str, purpose: str) -> bytes:
    return hashlib.sha256(f"{vpn_id}:{purpose}".encode()).digest()


def default_outside_ips(vpn_id: str) -> tuple[str, str]:
    """The two outside (public) addresses of a connection's tunnels. The first sorts before the
    second as a string too, so a client that orders the tunnels by outside address (the Terraform
    AWS provider does, when it knows nothing else) keeps AWS's order."""
    d = _digest(vpn_id, "outside")
    return f"3.{d[0]}.{d[1]}.{d[2] & 0xFE or 2}", f"52.{d[3]}.{d[4]}.{d[5] | 1}"


def default_pre_shared_key(vpn_id: str, tunnel: int) -> str:
    """A 32-character key of the allowed characters that does not start with zero."""
    d = _digest(vpn_id, f"psk{tunnel}")
    key = "".join(PSK_ALPHABET[b % len(PSK_ALPHABET)] for b in d)
    return ("K" + key[1:]) if key[0] in "0._" else key


def default_inside_cidrs(vpn_id: str, tunnel: int, taken: Iterable[str]) -> str:
    """An inside /30 of 169.254.0.0/16 that is not reserved and not in ``taken``."""
    used = set(taken)
    start = int.from_bytes(_digest(vpn_id, f"inside{tunnel}")[:2], "big") >> 2  # a /30 index
    for step in range(1 << 14):
        net = IPv4Network((int(INSIDE_IPV4_RANGE.network_address) + ((start + step) % (1 << 14)) * 4, 30))
        if net not in RESERVED_INSIDE_CIDRS and str(net) not in used:
            return str(net)
    raise ValueError("no free tunnel inside CIDR in 169.254.0.0/16")


def default_inside_ipv6_cidr(vpn_id: str, tunnel: int, taken: Iterable[str]) -> str:
    """An inside /126 of fd00::/8 that is not in ``taken``."""
    used = set(taken)
    span = 1 << 120  # fd00::/8 holds 2**120 addresses
    start = int.from_bytes(_digest(vpn_id, f"inside6-{tunnel}")[:15], "big") & ~3
    for step in range(1 << 10):
        offset = (start + 4 * step) % span
        net = IPv6Network((int(INSIDE_IPV6_RANGE.network_address) + offset, 126))
        if str(net) not in used:
            return str(net)
    raise ValueError("no free tunnel inside IPv6 CIDR")


def default_tunnels(vpn_id: str, *, ipv6: bool = False) -> tuple[VpnTunnelOption, VpnTunnelOption]:
    """The tunnels AWS would give a connection with no TunnelOptions (used for connections stored
    before vpclab kept tunnel options; new connections store theirs at creation)."""
    outside = default_outside_ips(vpn_id)
    tunnels: list[VpnTunnelOption] = []
    for i in (0, 1):
        taken = [t.tunnel_inside_ipv6_cidr or t.tunnel_inside_cidr or "" for t in tunnels]
        tunnels.append(
            VpnTunnelOption(
                outside_ip_address=outside[i],
                pre_shared_key=default_pre_shared_key(vpn_id, i),
                tunnel_inside_cidr=None if ipv6 else default_inside_cidrs(vpn_id, i, taken),
                tunnel_inside_ipv6_cidr=default_inside_ipv6_cidr(vpn_id, i, taken) if ipv6 else None,
            )
        )
    return tunnels[0], tunnels[1]
