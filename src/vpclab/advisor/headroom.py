"""Quota headroom: for every AWS quota vpclab knows (``model/quotas.toml``), how much of it a
network uses, per scope (a VPC, a route table, a transit gateway, an account and Region, …), how
far that is from AWS's default and maximum, and a warning where a design is close to a limit.

The counts are the ones the ControlPlane checks when it enforces the quotas (the same weights:
a route to a customer-managed prefix list counts as the list's maximum entries, a security group
rule that references a group or prefix list counts in both address families), so a design that
`vpclab cost` and `vpclab quotas` pass is one AWS would let you build — after the quota increases
they name.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..control.routes import route_weight
from ..control.security_group import rule_weight
from ..model.base import Resource
from ..model.dhcp_options import DhcpOptions
from ..model.direct_connect import (
    DirectConnectConnection,
    DirectConnectGateway,
    DirectConnectGatewayAssociation,
    VirtualInterface,
)
from ..model.endpoints import VpcEndpoint
from ..model.gateways import Address, EgressOnlyInternetGateway, InternetGateway, NatGateway
from ..model.interfaces import Instance, NetworkInterface
from ..model.network_acl import NetworkAcl
from ..model.peering import VpcPeeringConnection
from ..model.prefix_lists import ManagedPrefixList
from ..model.quotas import table as quota_table
from ..model.route_table import RouteTable, is_local
from ..model.security_group import SecurityGroup
from ..model.subnet import Subnet
from ..model.transit_gateway import (
    TransitGateway,
    TransitGatewayAttachment,
    TransitGatewayRouteTable,
    attachments_of,
    candidate_count,
)
from ..model.vpc import Vpc
from ..model.vpn import CustomerGateway, VpnConnection, VpnGateway
from ..model.world import World

#: a warning once a scope uses this share of a limit (issue: "within 20% of a hard limit")
NEAR = 0.8
_GONE = frozenset({"deleted", "deleting", "failed", "rejected", "expired", "terminated", "shutting-down"})


@dataclass(frozen=True)
class Use:
    """How much of ``quota`` one scope uses, beside AWS's default and maximum."""

    quota: str
    scope: str  # the resource id, or "ACCOUNT/REGION"
    account: str
    region: str
    used: int
    default: int
    maximum: int | None  # None: AWS documents no maximum (the lab's value is not AWS's)
    adjustable: bool

    @property
    def warning(self) -> str | None:
        if not self.adjustable:
            if self.used > self.default:
                return f"over the hard limit of {self.default}"
            if self.used >= NEAR * self.default:
                return f"within 20% of the hard limit of {self.default}"
            return None
        if self.maximum is not None and self.used > self.maximum:
            return f"over AWS's maximum of {self.maximum}: cannot be built"
        if self.used > self.default:
            return f"needs a quota increase: AWS's default is {self.default}"
        if self.used >= NEAR * self.default:
            return f"within 20% of AWS's default of {self.default} (adjustable)"
        return None

    @property
    def buildable(self) -> bool:
        """False when no quota increase can make room (over a hard limit or AWS's maximum)."""
        limit = self.maximum if self.adjustable else self.default
        return limit is None or self.used <= limit

    @property
    def share(self) -> float:
        return self.used / self.default if self.default else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "quota": self.quota,
            "scope": self.scope,
            "account": self.account,
            "region": self.region,
            "used": self.used,
            "aws_default": self.default,
            "aws_maximum": self.maximum,
            "adjustable": self.adjustable,
            "headroom": self.default - self.used,
            "warning": self.warning,
        }


# -- counting ------------------------------------------------------------------------------------
Counted = Iterator[tuple[str, str, str, int]]  # (scope, account, region, used)


def _alive(res: Any) -> bool:
    state = getattr(res, "state", None) or getattr(res, "status_code", None) or ""
    return str(state) not in _GONE


def _per_region(kind: type[Resource], keep: Callable[[Any], bool] = _alive) -> Callable[[World], Counted]:
    def count(world: World) -> Counted:
        seen: Counter[tuple[str, str]] = Counter((r.owner_id, r.region) for r in world.all(kind) if keep(r))
        for (owner, region), n in seen.items():
            yield f"{owner}/{region}", owner, region, n

    return count


def _per_account(kind: type[Resource]) -> Callable[[World], Counted]:
    """Global resources (Direct Connect gateways): per account, whatever the Region."""

    def count(world: World) -> Counted:
        seen: Counter[str] = Counter(r.owner_id for r in world.all(kind) if _alive(r))
        for owner, n in seen.items():
            yield owner, owner, "global", n

    return count


def _per(
    kind: type[Resource], used: Callable[[World, Any], int], keep: Callable[[Any], bool] = _alive
) -> Callable[[World], Counted]:
    def count(world: World) -> Counted:
        for r in world.all(kind):
            if keep(r):
                yield r.id, r.owner_id, r.region, used(world, r)

    return count


def _in_vpc(kind: type[Resource]) -> Callable[[World], Counted]:
    return _per(Vpc, lambda w, v: w.count_in_vpc(v.id, kind))


def _routes(world: World, rt: RouteTable) -> int:
    return sum(
        route_weight(world, r)
        for r in rt.routes
        if not is_local(r) and r.origin != "EnableVgwRoutePropagation"
    )


def _sg_rules(world: World) -> Counted:
    for sg in world.all(SecurityGroup):
        worst = max(
            rule_weight(world, sg.rules(egress), family) for egress in (False, True) for family in (4, 6)
        )
        yield sg.id, sg.owner_id, sg.region, worst


def _acl_rules(world: World) -> Counted:
    for acl in world.all(NetworkAcl):
        by: Counter[tuple[bool, bool]] = Counter((e.egress, e.is_ipv6) for e in acl.entries if not e.is_final)
        yield acl.id, acl.owner_id, acl.region, max(by.values(), default=0)


def _nat_per_az(world: World) -> Counted:
    seen: Counter[tuple[str, str, str]] = Counter()
    for nat in world.all(NatGateway):
        subnet = world.get(nat.subnet_id, Subnet)
        if _alive(nat) and subnet is not None:
            seen[(nat.owner_id, nat.region, subnet.availability_zone)] += 1
    for (owner, region, az), n in seen.items():
        yield f"{owner}/{az}", owner, region, n


def _active_peerings(world: World) -> Counted:
    per: Counter[str] = Counter()
    for p in world.all(VpcPeeringConnection):
        if p.status_code == "active":
            per[p.requester_vpc_id] += 1
            per[p.accepter_vpc_id] += 1
    for vpc in world.all(Vpc):
        yield vpc.id, vpc.owner_id, vpc.region, per[vpc.id]


def _outstanding(world: World) -> Counted:
    seen: Counter[tuple[str, str]] = Counter(
        (p.requester_owner_id, p.requester_region)
        for p in world.all(VpcPeeringConnection)
        if p.status_code == "pending-acceptance"
    )
    for (owner, region), n in seen.items():
        yield f"{owner}/{region}", owner, region, n


def _endpoints_of(kinds: tuple[str, ...]) -> Callable[[World, Vpc], int]:
    return lambda w, v: sum(
        1 for e in w.in_vpc(v.id, VpcEndpoint) if e.vpc_endpoint_type in kinds and _alive(e)
    )


def _tgws_per_vpc(world: World) -> Counted:
    per: defaultdict[str, set[str]] = defaultdict(set)
    for a in world.all(TransitGatewayAttachment):
        if a.live and a.resource_type == "vpc":
            per[a.resource_id].add(a.transit_gateway_id)
    for vpc in world.all(Vpc):
        yield vpc.id, vpc.owner_id, vpc.region, len(per[vpc.id])


def _tgw_tables(world: World, tgw: TransitGateway) -> list[TransitGatewayRouteTable]:
    return [t for t in world.all(TransitGatewayRouteTable) if t.transit_gateway_id == tgw.id]


def _tags(world: World) -> Counted:
    worst: dict[tuple[str, str], tuple[int, str]] = {}
    for r in world.resources():
        n = sum(1 for k in r.tags if not k.startswith("aws:"))
        key = (r.owner_id, r.region)
        if n > worst.get(key, (-1, ""))[0]:
            worst[key] = (n, r.id)
    for (owner, region), (n, rid) in worst.items():
        yield rid, owner, region, n


def _vifs(world: World, con: DirectConnectConnection, kind: str) -> int:
    return sum(
        1
        for v in world.all(VirtualInterface)
        if v.connection_id == con.id and v.virtual_interface_type == kind
    )


def _dx_gateway(used: Callable[[World, DirectConnectGateway], int]) -> Callable[[World], Counted]:
    return _per(DirectConnectGateway, used)


def _associations(
    world: World, dxgw: DirectConnectGateway, kind: str
) -> list[DirectConnectGatewayAssociation]:
    return [
        a
        for a in world.all(DirectConnectGatewayAssociation)
        if a.direct_connect_gateway_id == dxgw.id
        and a.associated_gateway_type == kind
        and a.association_state not in ("disassociated", "disassociating")
    ]


#: quota name → how to count its use in a World (every quota vpclab enforces that is a count)
COUNTERS: dict[str, Callable[[World], Counted]] = {
    "vpcs_per_region": _per_region(Vpc),
    "cidr_blocks_per_vpc": _per(Vpc, lambda w, v: len(v.cidr_blocks)),
    "ipv6_cidr_blocks_per_vpc": _per(Vpc, lambda w, v: len(v.ipv6_cidr_blocks)),
    "subnets_per_vpc": _in_vpc(Subnet),
    "route_tables_per_vpc": _in_vpc(RouteTable),
    "routes_per_route_table": _per(RouteTable, _routes),
    "propagated_routes_per_route_table": _per(
        RouteTable, lambda w, rt: sum(1 for r in rt.routes if r.origin == "EnableVgwRoutePropagation")
    ),
    "internet_gateways_per_region": _per_region(InternetGateway),
    "egress_only_internet_gateways_per_region": _per_region(EgressOnlyInternetGateway),
    "nat_gateways_per_az": _nat_per_az,
    "elastic_ips_per_region": _per_region(Address),
    "active_peerings_per_vpc": _active_peerings,
    "outstanding_peering_requests": _outstanding,
    "security_groups_per_region": _per_region(SecurityGroup),
    "rules_per_security_group": _sg_rules,
    "security_groups_per_interface": _per(NetworkInterface, lambda w, e: len(e.groups)),
    "network_interfaces_per_region": _per_region(NetworkInterface),
    "network_acls_per_vpc": _in_vpc(NetworkAcl),
    "rules_per_network_acl": _acl_rules,
    "gateway_endpoints_per_region": _per_region(
        VpcEndpoint, lambda e: _alive(e) and e.vpc_endpoint_type == "Gateway"
    ),
    "interface_endpoints_per_vpc": _per(Vpc, _endpoints_of(("Interface", "GatewayLoadBalancer"))),
    "customer_managed_prefix_lists_per_region": _per_region(ManagedPrefixList, lambda p: not p.aws_managed),
    "entries_per_prefix_list": _per(
        ManagedPrefixList, lambda w, p: len(p.entries), lambda p: not p.aws_managed
    ),
    "transit_gateways_per_region": _per_region(TransitGateway),
    "route_tables_per_transit_gateway": _per(TransitGateway, lambda w, t: len(_tgw_tables(w, t))),
    "routes_per_transit_gateway": _per(
        TransitGateway, lambda w, t: sum(candidate_count(w, rt) for rt in _tgw_tables(w, t))
    ),
    "attachments_per_transit_gateway": _per(TransitGateway, lambda w, t: len(attachments_of(w, t.id))),
    "transit_gateways_per_vpc": _tgws_per_vpc,
    "peering_attachments_per_transit_gateway": _per(
        TransitGateway, lambda w, t: sum(1 for a in attachments_of(w, t.id) if a.resource_type == "peering")
    ),
    "customer_gateways_per_region": _per_region(CustomerGateway),
    "vpn_gateways_per_region": _per_region(VpnGateway),
    "vpn_connections_per_region": _per_region(VpnConnection),
    "vpn_connections_per_vgw": _per(
        VpnGateway,
        lambda w, g: sum(1 for v in w.all(VpnConnection) if v.vpn_gateway_id == g.id and _alive(v)),
    ),
    "tags_per_resource": _tags,
    "running_instances_per_region": _per_region(Instance),
    "dhcp_options_sets_per_region": _per_region(DhcpOptions),
    "direct_connect_gateways_per_account": _per_account(DirectConnectGateway),
    "transit_gateways_per_direct_connect_gateway": _dx_gateway(
        lambda w, g: len(_associations(w, g, "transitGateway"))
    ),
    "virtual_private_gateways_per_direct_connect_gateway": _dx_gateway(
        lambda w, g: len(_associations(w, g, "virtualPrivateGateway"))
    ),
    "allowed_prefixes_per_transit_gateway_association": _per(
        DirectConnectGatewayAssociation,
        lambda w, a: len(a.allowed_prefixes),
        lambda a: a.associated_gateway_type == "transitGateway",
    ),
    "virtual_interfaces_per_direct_connect_gateway": _dx_gateway(
        lambda w, g: sum(1 for v in w.all(VirtualInterface) if v.direct_connect_gateway_id == g.id)
    ),
    "transit_virtual_interfaces_per_connection": _per(
        DirectConnectConnection, lambda w, c: _vifs(w, c, "transit")
    ),
    "private_virtual_interfaces_per_connection": _per(
        DirectConnectConnection, lambda w, c: _vifs(w, c, "private")
    ),
}
#: quotas that are not counts of resources (nothing to measure a design against)
NOT_COUNTS = {"peering_request_expiry_hours": "a request's lifetime in hours, not a count"}


def headroom(world: World, *, everything: bool = False) -> list[Use]:
    """Every quota's use per scope (``everything``) or its tightest scope only (the default), the
    most used first; quotas nothing in the World counts against are left out."""
    rows = quota_table()
    found: list[Use] = []
    for name, row in rows.items():
        counter = COUNTERS.get(name)
        if counter is None:
            continue
        maximum = None if row.get("lab") else int(row["maximum"])
        uses = [
            Use(name, scope, owner, region, n, int(row["default"]), maximum, bool(row["adjustable"]))
            for scope, owner, region, n in counter(world)
            if n > 0
        ]
        if not everything and uses:
            uses = [max(uses, key=lambda u: (u.share, u.scope))]
        found.extend(uses)
    return sorted(found, key=lambda u: (-u.share, u.quota, u.scope))


def uncounted() -> list[str]:
    """Quotas in the table that :data:`COUNTERS` does not measure (each with a reason, or missing)."""
    return sorted(set(quota_table()) - set(COUNTERS))


def scopes(uses: Iterable[Use]) -> int:
    return len({(u.quota, u.scope) for u in uses})
