"""Parsing and checking IPv4 and IPv6 CIDR blocks with AWS's errors."""

from __future__ import annotations

from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Network
from typing import TypeVar

from ..core.errors import AwsError, invalid_parameter_value

N = TypeVar("N", IPv4Network, IPv6Network)


def parse_cidr(value: str | None, parameter: str = "cidrBlock") -> IPv4Network:
    """An IPv4 network from AWS-style input, or AWS's InvalidParameterValue.

    Host bits must be zero. (AWS's behaviour for ``10.0.0.1/16`` is not documented; vpclab
    takes the conservative reading and rejects it rather than silently normalising.)
    """
    return _network(IPv4Network, value, parameter, strict=True)


def parse_ipv6_cidr(value: str | None, parameter: str = "ipv6CidrBlock", *,
                    strict: bool = True) -> IPv6Network:
    """An IPv6 network from AWS-style input (host bits zero unless not ``strict``, as ``parse_cidr``),
    or AWS's InvalidParameterValue in ``parse_cidr``'s words (an IPv4 CIDR is not a valid IPv6 one)."""
    return _network(IPv6Network, value, parameter, strict=strict)


@lru_cache(maxsize=1 << 16)
def _network(cls: type[N], value: str | None, parameter: str, *, strict: bool) -> N:
    # cached: networks are immutable, and a loaded snapshot or topology names the same blocks again
    # and again (every network ACL's 0.0.0.0/0; an AWS-MAX snapshot parses 230,000 blocks); a
    # refusal raises, so it is never cached
    try:
        if not value or "/" not in value:
            raise ValueError(value)
        return cls(value, strict=strict)
    except ValueError:
        raise invalid_parameter_value(
            f"Value ({value}) for parameter {parameter} is invalid. This is not a valid CIDR block.",
        ) from None


def parse_ip(value: str | None, parameter: str = "privateIpAddress") -> IPv4Address:
    try:
        return IPv4Address(value or "")
    except ValueError:
        raise AwsError(
            "InvalidParameterValue", f"Value ({value}) for parameter {parameter} is invalid. Invalid format."
        ) from None
