"""The Amazon-side private ASN of a transit gateway or a virtual private gateway.

AWS API reference (CreateTransitGateway, CreateVpnGateway): "Range: 64512 to 65534 for 16-bit ASN
or 4200000000 to 4294967294 for 32-bit ASN". The error's wording is not documented; this is ours.
"""

from __future__ import annotations

from ..core.errors import invalid_parameter_value

AMAZON_SIDE_ASN_RANGES = (range(64512, 65535), range(4_200_000_000, 4_294_967_295))


def check_amazon_side_asn(value: object) -> int:
    """``value`` if it is a private ASN AWS allows on its side, else AWS's InvalidParameterValue."""
    if not isinstance(value, int) or isinstance(value, bool) or not _in_ranges(value):
        raise invalid_parameter_value(
                       f"Value ({value}) for parameter amazonSideAsn is invalid. The range is 64512 "
                       "to 65534 for 16-bit ASNs and 4200000000 to 4294967294 for 32-bit ASNs.")
    return value


def _in_ranges(value: int) -> bool:
    return any(value in r for r in AMAZON_SIDE_ASN_RANGES)
