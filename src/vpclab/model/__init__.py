"""Pure data for every modelled AWS resource, and the World that holds them. No I/O.

Importing the package imports every concept module, so ``base.KINDS`` knows every kind.
"""

from . import (  # noqa: F401
    access_scopes,
    dhcp_options,
    endpoints,
    gateways,
    insights,
    interfaces,
    load_balancer,
    network_acl,
    peering,
    prefix_lists,
    route_table,
    security_group,
    sharing,
    subnet,
    transit_gateway,
    volume,
    vpc,
    vpn,
)
