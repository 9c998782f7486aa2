"""EC2 (and STS, …) handlers by family; importing this package registers all of them.

A new family is a module here that registers its handlers with ``registry.handler``,
``registry.mutating`` or ``describe.describe_handler``, plus one line below.
"""

from __future__ import annotations

import importlib

#: the family modules, in no particular order (each registers its own actions)
FAMILIES: tuple[str, ...] = (
    "vpc",
    "route_table",
    "gateways",
    "addresses",
    "tags",
    "regions",
    "sts",
    "insights",
    "access_scopes",
    "transit_gateway",
    "vpn",
    "load_balancer",
    "endpoints",
    "security_group",
    "network_acl",
    "interfaces",
    "instances",
    "peering",
    "prefix_lists",
    "ram",
    "dhcp_options",
    "volumes",
    "subnet_cidr_reservation",
    "stale_security_groups",
)

for _family in FAMILIES:
    importlib.import_module(f"{__name__}.{_family}")
