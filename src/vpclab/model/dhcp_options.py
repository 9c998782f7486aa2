"""DHCP options sets: what a VPC's DHCP hands its instances (domain name, DNS, NTP, NetBIOS).

AWS "DHCP option sets in Amazon VPC": every account has a default set per Region
(``AmazonProvidedDNS``, domain name ``ec2.internal`` in us-east-1, ``REGION.compute.internal``
elsewhere) that new VPCs use; a VPC uses one set at a time, or none (``default``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Resource


@dataclass(frozen=True, kw_only=True, slots=True)
class DhcpConfiguration:
    """One option of a set (AWS's ``DhcpConfiguration``): a key and its values, in request order."""

    key: str
    values: tuple[str, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class DhcpOptions(Resource):
    KIND: ClassVar[str] = "dhcp_options"
    ID_PREFIX: ClassVar[str] = "dopt"
    MALFORMED: ClassVar[str] = "InvalidDhcpOptionsId.Malformed"
    RESOURCE_TYPE: ClassVar[str] = "dhcp-options"
    LABEL: ClassVar[str] = "DHCP options set"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidDhcpOptionID.NotFound", "The dhcpOption ID '{id}' does not exist")

    dhcp_configurations: tuple[DhcpConfiguration, ...] = ()
    #: the Region's default set AWS creates for the account (not an AWS output member)
    is_default: bool = False

    def values(self, key: str) -> tuple[str, ...]:
        return next((c.values for c in self.dhcp_configurations if c.key == key), ())


def default_domain_name(region: str) -> str:
    """AWS: ``ec2.internal`` in us-east-1, ``REGION.compute.internal`` in other Regions."""
    return "ec2.internal" if region == "us-east-1" else f"{region}.compute.internal"
