"""Resource ids that look like AWS's (``vpc-0a1b2c3d4e5f60718``), from one prefix table.

Ids are 17 lowercase hex digits after the prefix, as AWS's long ids are. Under a seed the
sequence is deterministic, so tests and golden files are stable.
"""

from __future__ import annotations

import random

#: kind → AWS id prefix. Every resource kind's ``KIND`` names a row here.
PREFIXES: dict[str, str] = {
    "vpc": "vpc",
    "vpc_cidr_block_association": "vpc-cidr-assoc",
    "subnet": "subnet",
    "route_table": "rtb",
    "route_table_association": "rtbassoc",
    "internet_gateway": "igw",
    "egress_only_internet_gateway": "eigw",
    "nat_gateway": "nat",
    "address": "eipalloc",
    "address_association": "eipassoc",
    "network_interface": "eni",
    "network_interface_attachment": "eni-attach",
    "instance": "i",
    "image": "ami",
    "reservation": "r",
    "security_group": "sg",
    "security_group_rule": "sgr",
    "network_acl": "acl",
    "network_acl_association": "aclassoc",
    "managed_prefix_list": "pl",
    "vpc_peering_connection": "pcx",
    "transit_gateway": "tgw",
    "transit_gateway_route_table": "tgw-rtb",
    "transit_gateway_attachment": "tgw-attach",
    "vpc_endpoint": "vpce",
    "vpc_endpoint_service": "vpce-svc",
    "customer_gateway": "cgw",
    "vpn_gateway": "vgw",
    "vpn_connection": "vpn",
    "resource_share": "rs",
    "load_balancer": "net",
    "target_group": "tg",
    "listener": "lsnr",
    "network_insights_path": "nip",
    "network_insights_analysis": "nia",
    "request": "req",
}


#: the generator's state: ``random.Random``'s (version, Mersenne Twister words, cached gauss value)
IdState = tuple[int, tuple[int, ...], float | None]


class IdGenerator:
    """Makes fresh ids; deterministic when given a seed."""

    def __init__(self, seed: int | None = None) -> None:
        self._rng = random.Random(seed)

    def new(self, kind: str) -> str:
        try:
            prefix = PREFIXES[kind]
        except KeyError:
            raise ValueError(f"unknown resource kind {kind!r}; add it to vpclab.core.ids.PREFIXES") from None
        return f"{prefix}-{self._rng.getrandbits(68):017x}"

    def getstate(self) -> IdState:
        """The generator's state, for a durable store to save (see ``setstate``)."""
        return self._rng.getstate()

    def setstate(self, state: IdState) -> None:
        """Continue from a saved state: a restarted World goes on with the same id sequence."""
        self._rng.setstate(state)

    def hex(self, digits: int) -> str:
        return f"{self._rng.getrandbits(4 * digits):0{digits}x}"
