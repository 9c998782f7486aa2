"""Tunnel options of a Site-to-Site VPN connection: checking a VpnTunnelOptionsSpecification (or a
ModifyVpnTunnelOptionsSpecification) and building the tunnels with AWS's choices filled in.

AWS: "Tunnel options for your Site-to-Site VPN connection"
(https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNTunnels.html) and the EC2 API reference's
VpnTunnelOptionsSpecification, which gives each option's range and default. AWS documents no
error wording for these checks: the code is InvalidParameterValue (EC2's code for a bad value)
and the message vpclab's, in EC2's "Value (…) for parameter … is invalid." form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields, replace
from ipaddress import IPv4Network, IPv6Network
from typing import Any

from ..core.errors import AwsError, invalid_parameter_value, wire_name
from ..model.vpn import GONE_STATES, VpnConnection
from ..model.vpn_tunnels import (
    INSIDE_IPV4_RANGE,
    INSIDE_IPV6_RANGE,
    RESERVED_INSIDE_CIDRS,
    VpnTunnelOption,
    default_inside_cidrs,
    default_inside_ipv6_cidr,
    default_outside_ips,
    default_pre_shared_key,
)
from .context import Ctx

#: valid values of the list options (VpnTunnelOptionsSpecification)
ENCRYPTION = ("AES128", "AES256", "AES128-GCM-16", "AES256-GCM-16")
INTEGRITY = ("SHA1", "SHA2-256", "SHA2-384", "SHA2-512")
PHASE1_DH = (2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 35)
PHASE2_DH = (2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 35, 36, 37)
IKE_VERSIONS = ("ikev1", "ikev2")
LISTS: dict[str, tuple[Any, ...]] = {
    "phase1_encryption_algorithms": ENCRYPTION,
    "phase2_encryption_algorithms": ENCRYPTION,
    "phase1_integrity_algorithms": INTEGRITY,
    "phase2_integrity_algorithms": INTEGRITY,
    "phase1_dh_group_numbers": PHASE1_DH,
    "phase2_dh_group_numbers": PHASE2_DH,
    "ike_versions": IKE_VERSIONS,
}
#: the request member names of the lists (``IKEVersions``, ``Phase1DHGroupNumbers``)
_LIST_WIRE = {
    "ike_versions": "IKEVersions",
    "phase1_dh_group_numbers": "Phase1DHGroupNumbers",
    "phase2_dh_group_numbers": "Phase2DHGroupNumbers",
}
ENUMS: dict[str, tuple[str, ...]] = {
    "dpd_timeout_action": ("clear", "none", "restart"),
    "startup_action": ("add", "start"),
}
#: tunnel options AWS has that vpclab does not model (refused, never ignored)
UNSUPPORTED = ("log_options", "phase1_additional_key_exchanges", "phase2_additional_key_exchanges")
_SETTABLE = frozenset(f.name for f in fields(VpnTunnelOption)) - {"outside_ip_address"}
_PSK = re.compile(r"^[A-Za-z0-9._]{8,64}$")


def _wire(key: str) -> str:
    return _LIST_WIRE.get(key) or wire_name(key).replace("Dpd", "DPD")


def _bad(param: str, value: Any, why: str) -> AwsError:
    return invalid_parameter_value(f"Value ({value}) for parameter {param} is invalid. {why}")


def _int(spec: Mapping[str, Any], key: str, prefix: str, low: int, high: int | None) -> int | None:
    value = spec.get(key)
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < low
        or (high is not None and value > high)
    ):
        bound = f"between {low:,} and {high:,}" if high is not None else f"greater than or equal to {low}"
        raise _bad(prefix + _wire(key), value, f"It must be a value {bound}.")
    return value


def _listed(spec: Mapping[str, Any], key: str, prefix: str) -> tuple[Any, ...] | None:
    raw = spec.get(key)
    if raw is None:
        return None
    valid = LISTS[key]
    out: list[Any] = []
    for item in raw:
        value = item.get("value") if isinstance(item, Mapping) else item
        if value not in valid:
            raise _bad(prefix + _wire(key), value, f"Valid values: {' | '.join(map(str, valid))}.")
        if value not in out:
            out.append(value)
    return tuple(out)


def _enables_logging(options: Any) -> bool:
    """Whether a LogOptions turns CloudWatch logging on (vpclab has no CloudWatch Logs to send to)."""
    cloudwatch = options.get("cloud_watch_log_options") if isinstance(options, Mapping) else None
    if not isinstance(cloudwatch, Mapping):
        return False
    return any(bool(cloudwatch.get(k)) for k in ("log_enabled", "bgp_log_enabled"))


def check_spec(spec: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """One tunnel's options, checked against their documented ranges: the given values only (the
    cross-option rules need the tunnel's effective values: :func:`check_tunnel`)."""
    out: dict[str, Any] = {}
    for key in spec:
        if key == "log_options" and not _enables_logging(spec[key]):
            continue  # logging off is every tunnel's state in vpclab (what DescribeVpnConnections answers)
        if key in UNSUPPORTED:
            raise AwsError(
                "UnsupportedOperation", f"The tunnel option {_wire(key)} is not supported by vpclab."
            )
        if key not in _SETTABLE:
            raise invalid_parameter_value(f"Unknown tunnel option {prefix}{_wire(key)}.")
    psk = spec.get("pre_shared_key")
    if psk is not None:
        # "Allowed characters are alphanumeric characters, periods (.), and underscores (_). Must be
        # between 8 and 64 characters in length and cannot start with zero (0)."
        if not _PSK.match(str(psk)) or str(psk).startswith("0"):
            raise _bad(
                prefix + "PreSharedKey",
                "***",
                "A pre-shared key is 8 to 64 characters: letters, "
                "digits, periods (.) and underscores (_), and cannot start with zero (0).",
            )
        out["pre_shared_key"] = str(psk)
    if spec.get("tunnel_inside_cidr") is not None:
        out["tunnel_inside_cidr"] = _inside_ipv4(str(spec["tunnel_inside_cidr"]), prefix + "TunnelInsideCidr")
    if spec.get("tunnel_inside_ipv6_cidr") is not None:
        out["tunnel_inside_ipv6_cidr"] = _inside_ipv6(
            str(spec["tunnel_inside_ipv6_cidr"]), prefix + "TunnelInsideIpv6Cidr"
        )
    ranges = {
        "phase1_lifetime_seconds": (900, 28_800),
        "phase2_lifetime_seconds": (900, 3_600),
        "rekey_margin_time_seconds": (60, None),
        "rekey_fuzz_percentage": (0, 100),
        "replay_window_size": (64, 2_048),
        "dpd_timeout_seconds": (30, None),
    }
    for key, (low, high) in ranges.items():
        value = _int(spec, key, prefix, low, high)
        if value is not None:
            out[key] = value
    for key, valid in ENUMS.items():
        if spec.get(key) is not None:
            if spec[key] not in valid:
                raise _bad(prefix + _wire(key), spec[key], f"Valid values: {' | '.join(valid)}.")
            out[key] = spec[key]
    for key in LISTS:
        listed = _listed(spec, key, prefix)
        if listed is not None:
            out[key] = listed
    if spec.get("enable_tunnel_lifecycle_control") is not None:
        out["enable_tunnel_lifecycle_control"] = bool(spec["enable_tunnel_lifecycle_control"])
    return out


def _inside_ipv4(value: str, param: str) -> str:
    """ "A size /30 CIDR block from the 169.254.0.0/16 range", not one of the reserved blocks."""
    try:
        net = IPv4Network(value, strict=True)
    except ValueError:
        raise _bad(param, value, "Expected a /30 CIDR block from 169.254.0.0/16.") from None
    if net.prefixlen != 30 or not net.subnet_of(INSIDE_IPV4_RANGE):
        raise _bad(param, value, "Expected a /30 CIDR block from 169.254.0.0/16.")
    if net in RESERVED_INSIDE_CIDRS:
        raise _bad(param, value, f"{net} is reserved by AWS and cannot be used.")
    return str(net)


def _inside_ipv6(value: str, param: str) -> str:
    """ "A size /126 CIDR block from the local fd00::/8 range"."""
    try:
        net = IPv6Network(value, strict=True)
    except ValueError:
        raise _bad(param, value, "Expected a /126 CIDR block from fd00::/8.") from None
    if net.prefixlen != 126 or not net.subnet_of(INSIDE_IPV6_RANGE):
        raise _bad(param, value, "Expected a /126 CIDR block from fd00::/8.")
    return str(net)


def check_tunnel(tunnel: VpnTunnelOption, prefix: str) -> VpnTunnelOption:
    """The rules between options: "Phase2LifetimeSeconds … must be less than the value for
    Phase1LifetimeSeconds"; "RekeyMarginTimeSeconds: a value between 60 and half of
    Phase2LifetimeSeconds"."""
    if tunnel.phase2_lifetime_seconds >= tunnel.phase1_lifetime_seconds:
        raise _bad(
            prefix + "Phase2LifetimeSeconds",
            tunnel.phase2_lifetime_seconds,
            f"It must be less than Phase1LifetimeSeconds ({tunnel.phase1_lifetime_seconds}).",
        )
    if tunnel.rekey_margin_time_seconds > tunnel.phase2_lifetime_seconds // 2:
        raise _bad(
            prefix + "RekeyMarginTimeSeconds",
            tunnel.rekey_margin_time_seconds,
            f"It must be between 60 and half of Phase2LifetimeSeconds ({tunnel.phase2_lifetime_seconds}).",
        )
    return tunnel


def _family_check(spec: Mapping[str, Any], prefix: str, ipv6: bool) -> None:
    wrong = "tunnel_inside_cidr" if ipv6 else "tunnel_inside_ipv6_cidr"
    if spec.get(wrong) is not None:
        version = "ipv6" if ipv6 else "ipv4"
        raise AwsError(
            "InvalidParameterCombination",
            f"{prefix}{_wire(wrong)} cannot be set for a VPN "
            f"connection whose tunnel inside IP version is {version}.",
        )


def inside_cidrs_in_use(ctx: Ctx, gateway_id: str, *, but: str | None = None) -> dict[str, str]:
    """Inside CIDR → VPN connection id, over the live connections of a VGW or transit gateway."""
    used: dict[str, str] = {}
    for vpn in ctx.world.all(VpnConnection):
        if (
            vpn.state in GONE_STATES
            or vpn.id == but
            or gateway_id not in (vpn.vpn_gateway_id, vpn.transit_gateway_id)
        ):
            continue
        for t in vpn.tunnels:
            used[t.tunnel_inside_cidr or t.tunnel_inside_ipv6_cidr or ""] = vpn.id
    return used


def check_unique(
    tunnels: Iterable[VpnTunnelOption], used: Mapping[str, str], *, on_tgw: bool, prefix: str
) -> None:
    """ "Any specified CIDR blocks must be unique across all VPN connections that use the same virtual
    private gateway" (IPv4) / "… the same transit gateway" (IPv6). A transit gateway does not require
    unique IPv4 blocks (AWS warns of conflicts on the customer gateway instead). The two tunnels of
    one connection never share a block (undocumented: vpclab's conservative choice)."""
    seen: set[str] = set()
    for i, t in enumerate(tunnels, 1):
        cidr = t.tunnel_inside_cidr or t.tunnel_inside_ipv6_cidr or ""
        param = f"{prefix}{i}.{'TunnelInsideIpv6Cidr' if t.tunnel_inside_ipv6_cidr else 'TunnelInsideCidr'}"
        if cidr in seen:
            raise _bad(param, cidr, "The two tunnels of a VPN connection need different inside CIDR blocks.")
        seen.add(cidr)
        unique_here = not on_tgw or t.tunnel_inside_ipv6_cidr is not None
        if unique_here and cidr in used:
            # "Error codes for the Amazon EC2 API": InvalidCidr.InUse, "The specified inside tunnel
            # CIDR is already in use by another VPN tunnel for the virtual private gateway" (the
            # message names the parameter and the connection that holds the block)
            gateway = "transit gateway" if on_tgw else "virtual private gateway"
            raise AwsError(
                "InvalidCidr.InUse",
                f"The inside tunnel CIDR {cidr} ({param}) is already in use by {used[cidr]} "
                f"on the same {gateway}.",
            )


def build_tunnels(
    ctx: Ctx,
    vpn_id: str,
    specs: Sequence[Mapping[str, Any]] | None,
    *,
    ipv6: bool,
    gateway_id: str,
    on_tgw: bool,
) -> tuple[VpnTunnelOption, ...]:
    """CreateVpnConnection's ``Options.TunnelOptions`` (at most two), checked, with AWS's choices for
    what is not given: outside addresses, inside blocks that no connection on the gateway uses,
    pre-shared keys."""
    specs = list(specs or [])
    prefix = "Options.TunnelOptions."
    if len(specs) > 2:
        raise invalid_parameter_value(
            f"A VPN connection has two tunnels; the request has {len(specs)} TunnelOptions."
        )
    given: list[dict[str, Any]] = []
    for i, spec in enumerate(specs, 1):
        _family_check(spec, f"{prefix}{i}.", ipv6)
        given.append(check_spec(spec, f"{prefix}{i}."))
    given += [{} for _ in range(2 - len(given))]
    used = inside_cidrs_in_use(ctx, gateway_id)
    taken = set(used) | {
        c for g in given for c in (g.get("tunnel_inside_cidr"), g.get("tunnel_inside_ipv6_cidr")) if c
    }
    outside = default_outside_ips(vpn_id)
    tunnels: list[VpnTunnelOption] = []
    for i, g in enumerate(given):
        if ipv6 and "tunnel_inside_ipv6_cidr" not in g:
            g["tunnel_inside_ipv6_cidr"] = default_inside_ipv6_cidr(vpn_id, i, taken)
        elif not ipv6 and "tunnel_inside_cidr" not in g:
            g["tunnel_inside_cidr"] = default_inside_cidrs(vpn_id, i, taken)
        taken.add(g.get("tunnel_inside_cidr") or g.get("tunnel_inside_ipv6_cidr") or "")
        g.setdefault("pre_shared_key", default_pre_shared_key(vpn_id, i))
        tunnels.append(check_tunnel(VpnTunnelOption(outside_ip_address=outside[i], **g), f"{prefix}{i + 1}."))
    check_unique(tunnels, used, on_tgw=on_tgw, prefix=prefix)
    return tuple(tunnels)


def modify_tunnel(ctx: Ctx, vpn: VpnConnection, outside_ip: str, spec: Mapping[str, Any]) -> VpnConnection:
    """ModifyVpnTunnelOptions: one tunnel, named by its outside address, gets the given options."""
    tunnels = list(vpn.tunnels)
    index = next((i for i, t in enumerate(tunnels) if t.outside_ip_address == outside_ip), None)
    if index is None:
        # AWS documents no wording for an address that is not one of the connection's tunnels
        raise _bad(
            "VpnTunnelOutsideIpAddress", outside_ip, f"It is not the outside address of a tunnel of {vpn.id}."
        )
    prefix = "TunnelOptions."
    ipv6 = vpn.tunnel_inside_ip_version == "ipv6"
    _family_check(spec, prefix, ipv6)
    changes = check_spec(spec, prefix)
    tunnels[index] = check_tunnel(replace(tunnels[index], **changes), prefix)
    gateway_id = vpn.vpn_gateway_id or vpn.transit_gateway_id or ""
    check_unique(
        tunnels,
        inside_cidrs_in_use(ctx, gateway_id, but=vpn.id),
        on_tgw=vpn.transit_gateway_id is not None,
        prefix="TunnelOptions.",
    )
    return replace(vpn, tunnel_options=tuple(tunnels))
