"""DHCP options sets: CreateDhcpOptions, DeleteDhcpOptions, AssociateDhcpOptions.

AWS "DHCP option sets in Amazon VPC" and the CreateDhcpOptions API reference: domain-name,
domain-name-servers (``AmazonProvidedDNS`` or up to four IP addresses), ntp-servers and
netbios-name-servers (up to four IP addresses each), netbios-node-type (1, 2, 4 or 8) and
ipv6-address-preferred-lease-time (140 to 2147483647 seconds). The exact wording of AWS's
InvalidParameterValue messages for these is undocumented; vpclab uses EC2's usual
"Value (X) for parameter Y is invalid." form.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from ipaddress import ip_address
from typing import Any

from ..core.errors import AwsError, invalid_parameter_value
from ..model.base import Tags
from ..model.dhcp_options import DhcpConfiguration, DhcpOptions, default_domain_name
from ..model.vpc import Vpc
from .context import Ctx
from .registry import action

#: the keys AWS accepts (CreateDhcpOptions, "DhcpConfigurations")
KEYS = ("domain-name", "domain-name-servers", "ntp-servers", "netbios-name-servers",
        "netbios-node-type", "ipv6-address-preferred-lease-time")
#: "up to four" servers per server option
MAX_SERVERS = 4
AMAZON_PROVIDED_DNS = "AmazonProvidedDNS"
NETBIOS_NODE_TYPES = ("1", "2", "4", "8")
#: "between 140 and 2147483647 seconds (approximately 68 years)"
LEASE_TIME_RANGE = (140, 2147483647)


def _bad(value: str, key: str) -> AwsError:
    return invalid_parameter_value(f"Value ({value}) for parameter {key} is invalid.")


def _is_ip(value: str) -> bool:
    try:
        ip_address(value)
    except ValueError:
        return False
    return True


def _configuration(item: Mapping[str, Any]) -> DhcpConfiguration:
    key = item.get("key")
    if key not in KEYS:
        raise invalid_parameter_value(f"Value ({key}) for parameter key is invalid. Unknown DHCP option")
    # a comma-separated single value is AWS's documented way to give several servers
    values = tuple(v.strip() for raw in item.get("values") or () for v in str(raw).split(",") if v.strip())
    if not values:
        raise invalid_parameter_value(f"Value for parameter {key} is missing.")
    if key.endswith("-servers"):
        if len(values) > MAX_SERVERS:
            raise _bad(",".join(values), key)
        for v in values:
            if not (_is_ip(v) or (key == "domain-name-servers" and v == AMAZON_PROVIDED_DNS)):
                raise _bad(v, key)
    elif key == "netbios-node-type":
        if len(values) != 1 or values[0] not in NETBIOS_NODE_TYPES:
            raise _bad(",".join(values), key)
    elif key == "ipv6-address-preferred-lease-time":
        low, high = LEASE_TIME_RANGE
        if len(values) != 1 or not values[0].isdigit() or not low <= int(values[0]) <= high:
            raise _bad(",".join(values), key)
    return DhcpConfiguration(key=key, values=values)


def _count(ctx: Ctx) -> int:
    return ctx.world.count_owned(DhcpOptions, ctx.account_id, ctx.region)


@action
def create_dhcp_options(ctx: Ctx, *, dhcp_configurations: Sequence[Mapping[str, Any]] | None = None,
                        tags: Mapping[str, str] | None = None) -> DhcpOptions:
    """CreateDhcpOptions: AWS's keys and value rules; a key at most once; the quota per Region."""
    if not dhcp_configurations:
        raise AwsError("MissingParameter", "The request must contain the parameter DhcpConfiguration")
    configurations = tuple(_configuration(item) for item in dhcp_configurations)
    keys = [c.key for c in configurations]
    for key in keys:
        if keys.count(key) > 1:
            # undocumented wording; a key given twice is refused (the conservative choice)
            raise invalid_parameter_value(
                f"Value ({key}) for parameter key is invalid. Duplicate DHCP option")
    ctx.check_quota("dhcp_options_sets_per_region", _count(ctx))
    return ctx.world.put(DhcpOptions(
        id=ctx.new_id("dhcp_options"), owner_id=ctx.account_id, region=ctx.region, tags=Tags(tags),
        dhcp_configurations=configurations))


def default_dhcp_options(ctx: Ctx) -> DhcpOptions:
    """The account's default set in the caller's Region, created with its first VPC there.

    Its id is derived from account and Region (the World's id sequence is left untouched, so
    every other id stays what it was). If the owner deleted it, CreateVpc makes it again: what AWS
    does then is undocumented."""
    digest = hashlib.sha256(f"{ctx.account_id}/{ctx.region}".encode()).hexdigest()[:17]
    dopt_id = f"dopt-{digest}"
    found = ctx.world.get(dopt_id, DhcpOptions)
    if found is not None:
        return found
    return ctx.world.put(DhcpOptions(
        id=dopt_id, owner_id=ctx.account_id, region=ctx.region, is_default=True,
        dhcp_configurations=(
            DhcpConfiguration(key="domain-name", values=(default_domain_name(ctx.region),)),
            DhcpConfiguration(key="domain-name-servers", values=(AMAZON_PROVIDED_DNS,)),
        )))


@action
def delete_dhcp_options(ctx: Ctx, *, dhcp_options_id: str) -> None:
    """DeleteDhcpOptions: not while a VPC uses the set (DependencyViolation)."""
    dopt = ctx.require(DhcpOptions, dhcp_options_id)
    ctx.require_owner(dopt)
    if any(v.dhcp_options_id == dopt.id for v in ctx.world.all(Vpc)):
        raise AwsError("DependencyViolation",
                       f"The dhcpOptions '{dopt.id}' has dependencies and cannot be deleted.")
    ctx.world.remove(dopt.id)


@action
def associate_dhcp_options(ctx: Ctx, *, dhcp_options_id: str, vpc_id: str) -> None:
    """AssociateDhcpOptions: a set of the VPC's account and Region, or ``default`` for no options
    ("Specify default to associate no DHCP options with the VPC")."""
    vpc = ctx.require(Vpc, vpc_id)
    ctx.require_owner(vpc)
    if dhcp_options_id != "default":
        dopt = ctx.require(DhcpOptions, dhcp_options_id)
        ctx.require_owner(dopt)
    ctx.world.put(replace(vpc, dhcp_options_id=dhcp_options_id))
