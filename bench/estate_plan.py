"""The layout of an estate beyond AWS-MAX (issue 15): Regions, accounts, transit gateways, and the
counts every AWS quota limits, computed without building anything.

AWS-MAX (``bench/generator.py``) puts 5,000 VPCs in one account and Region on one transit gateway:
5,025 attachments where AWS's hard limit is 5,000, and 5,000 instances in one account and Region
where vpclab's maximum is 1,000. An estate keeps AWS-MAX's shapes (VPCs of six subnets in three
AZs, three route tables, custom NACLs from 50 templates, a peering hub, VPNs, interface endpoints,
one instance of five security groups per VPC) and spreads them so that every quota holds:

- a **domain** is one transit gateway and its VPCs, one /10 of address space (2,048 VPCs of a /21;
  VPC i is the /21 number i counted from 10.0.0.0, so an estate of more than 8,192 VPCs continues
  past 10.0.0.0/8 into publicly routable space: AWS recommends the RFC 1918 ranges for a VPC but
  accepts a publicly routable block too (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html),
  and so does vpclab's CreateVpc);
- domain d is in Region number d of the Regions vpclab knows with three AZs or more (15; beyond
  15 domains two share a Region, each gateway in its own account: one per account and Region);
- an **account** owns 512 consecutive VPCs, never across domains (so at most 512 VPCs, instances
  and 2,560 security groups per account and Region); the domain's first account owns its transit
  gateway and shares it with the domain's other accounts (AWS RAM);
- the gateways peer in a full mesh (one peering attachment per pair of domains, static routes to
  each other's /10 in every route table; a 25-domain estate has 24 per gateway, AWS's default is
  50). Each gateway has AWS-MAX's 20 segment route tables (VPC i's attachment in table i mod 20,
  which learns segments k and most of k+1); the peering attachment between domains a and b is
  associated on both sides with table (a + b) mod 20, so arrivals from another domain reach one
  segment and most of the next, as a VPC of that segment does: the estate is as segmented across
  domains as inside one (an open transit table instead made 42 % of all pairs reachable at 1×,
  against AWS-MAX's 3.5 %, and the matrix four times slower).

``usage(estate)`` is what a World built from the layout would count, per quota (the largest scope);
``tests/reach/test_estate.py`` checks it against ``vpclab quotas``' own counters on a small built
estate and against vpclab's maxima for 4× and 10× AWS-MAX.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from ipaddress import IPv4Address, summarize_address_range

from vpclab.model.network_acl import NetworkAclEntry
from vpclab.model.regions import REGIONS

from .generator_parts import acl_template, cidr, vpc_base

#: the Regions an estate uses: vpclab's Regions with at least three AZs (the layout's three AZs)
ESTATE_REGIONS = tuple(r for r, zones in REGIONS.items() if len(zones) >= 3)
AWS_MAX_VPCS = 5_000
#: scale factors of AWS-MAX the benchmark measures, by name
SIZES = {"1/8": 0.125, "1/4": 0.25, "1/2": 0.5, "1": 1.0, "4": 4.0, "10": 10.0}

#: quotas whose count is per VPC, table, group, interface or ACL and the same in every VPC whatever
#: the estate's size (each VPC is stamped from the same template): checked on a built small estate
SIZE_INDEPENDENT = frozenset(
    {
        "cidr_blocks_per_vpc",
        "subnets_per_vpc",
        "route_tables_per_vpc",
        "security_groups_per_interface",
        "rules_per_security_group",
        "network_acls_per_vpc",
        "interface_endpoints_per_vpc",
        "transit_gateways_per_vpc",
        "route_tables_per_transit_gateway",
        "vpn_connections_per_vgw",
        "tags_per_resource",
    }
)


@dataclass(frozen=True)
class Estate:
    vpcs: int
    #: VPCs per transit gateway (a power of two: a domain is one aligned block of /21s)
    domain_vpcs: int = 2048
    #: VPCs per account (divides domain_vpcs)
    account_vpcs: int = 512
    subnets_per_vpc: int = 6
    #: per transit gateway: one per segment (AWS's maximum, as AWS-MAX)
    tgw_route_tables: int = 20
    tgw_routes: int = 10_000
    hub_peerings: int = 125
    #: random peerings inside a domain per VPC (AWS-MAX: 2,000 over 5,000 VPCs)
    peerings_per_vpc: float = 0.4
    #: VPNs and interface endpoints per VPC (AWS-MAX: 50 each over 5,000 VPCs)
    vpns_per_vpc: float = 0.01
    endpoints_per_vpc: float = 0.01
    acl_templates: int = 50
    seed: int = 7

    def __post_init__(self) -> None:
        if self.domain_vpcs & (self.domain_vpcs - 1) or self.domain_vpcs % self.account_vpcs:
            raise ValueError("domain_vpcs must be a power of two and a multiple of account_vpcs")


def scaled(factor: float, **changes: int) -> Estate:
    """``factor`` × AWS-MAX (5,000 VPCs × factor)."""
    return Estate(vpcs=round(AWS_MAX_VPCS * factor), **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Domain:
    index: int
    region: str
    start: int  # first VPC (estate-wide index)
    stop: int
    prefix: int  # the domain's block: /prefix at vpc_base(start)
    hub_pairs: tuple[tuple[int, int], ...]
    other_pairs: tuple[tuple[int, int], ...]
    vpns: int
    endpoints: int

    @property
    def size(self) -> int:
        return self.stop - self.start

    @property
    def block(self) -> str:
        return cidr(vpc_base(self.start), self.prefix)

    @property
    def azs(self) -> tuple[tuple[str, str], ...]:
        return tuple((z.zone_name, z.zone_id) for z in REGIONS[self.region][:3])


@dataclass(frozen=True)
class TablePlan:
    """One transit gateway route table: the VPC attachments (estate-wide VPC indices) and TGW VPNs
    (domain-local VPN numbers) associated with it, the VPCs propagating into it, its static routes
    to TGW VPNs (cidr, VPN number), its blackhole, and its routes to other domains (domain index)."""

    vpcs: tuple[int, ...]
    vpns: tuple[int, ...]
    propagations: tuple[int, ...]
    vpn_statics: tuple[tuple[str, int], ...]
    blackhole: str | None
    remote: tuple[int, ...]

    @property
    def routes(self) -> int:
        return (
            len(self.propagations) + len(self.vpn_statics) + (self.blackhole is not None) + len(self.remote)
        )


def account_id(estate: Estate, vpc: int) -> str:
    return f"{200_000_000_000 + vpc // estate.account_vpcs:012d}"


def onprem(j: int) -> tuple[str, str]:
    """VPN j's (estate-wide) on-premises networks."""
    return f"192.168.{j % 256}.0/24", f"172.{16 + j // 256}.{j % 256}.0/24"


class Layout:
    """Everything an estate's build decides before it puts a resource."""

    def __init__(self, estate: Estate) -> None:
        self.e = e = estate
        self.prefix = 32 - (e.domain_vpcs * 2048).bit_length() + 1
        self.domains: list[Domain] = []
        for d, start in enumerate(range(0, e.vpcs, e.domain_vpcs)):
            stop = min(e.vpcs, start + e.domain_vpcs)
            size = stop - start
            hub = min(e.hub_peerings, size - 1)
            pairs = [(start, start + k) for k in range(1, hub + 1)]
            others = list(range(start + hub + 1, stop))
            rng = random.Random(e.seed * 1_000 + d)
            seen = set(pairs)
            want = hub + round(e.peerings_per_vpc * size)
            while len(pairs) < want and len(others) > 1:
                a, c = sorted(rng.sample(others, 2))
                if (a, c) not in seen:
                    seen.add((a, c))
                    pairs.append((a, c))
            self.domains.append(
                Domain(
                    index=d,
                    region=ESTATE_REGIONS[d % len(ESTATE_REGIONS)],
                    start=start,
                    stop=stop,
                    prefix=self.prefix,
                    hub_pairs=tuple(pairs[:hub]),
                    other_pairs=tuple(pairs[hub:]),
                    vpns=max(1, round(e.vpns_per_vpc * size)),
                    endpoints=max(1, round(e.endpoints_per_vpc * size)),
                )
            )
        self.vpn_base = [sum(d.vpns for d in self.domains[:k]) for k in range(len(self.domains))]

    @cached_property
    def templates(self) -> list[tuple[NetworkAclEntry, ...]]:
        """The NACL templates (the build's first draws from its random generator)."""
        rng = random.Random(self.e.seed)
        return [acl_template(rng, self.e.vpcs) for _ in range(self.e.acl_templates)]

    @cached_property
    def estate_routes(self) -> tuple[str, ...]:
        """What each VPC routes to its transit gateway: the /8s the estate's VPCs are in."""
        first = IPv4Address(vpc_base(0))
        last = IPv4Address(((vpc_base(self.e.vpcs - 1) >> 24) << 24) + (1 << 24) - 1)
        return tuple(str(n) for n in summarize_address_range(first, last))

    def vpn_on_tgw(self, d: Domain, j: int) -> bool:
        """Domain-local VPN j: even ones on the transit gateway, odd ones on a VGW of a VPC."""
        return j % 2 == 0

    def vgw_vpc(self, d: Domain, j: int) -> int:
        return d.start + (j * 37) % d.size

    def peering_table(self, d: Domain, other: Domain) -> int:
        """The route table (of ``d``'s gateway) its peering attachment with ``other`` is associated
        with: arrivals from the other domain reach that table's segment, as a VPC of it would."""
        return (d.index + other.index) % self.e.tgw_route_tables

    def tables(self, d: Domain) -> list[TablePlan]:
        """The domain's transit gateway route tables, one per segment (AWS-MAX's layout): table k is
        associated with the VPCs i with (i - start) mod T == k and learns their routes and most of
        segment k+1's; it routes the TGW VPNs' on-premises networks, a blackhole, and every other
        domain's block to the peering attachment with it."""
        e = self.e
        segs = e.tgw_route_tables
        seg = [tuple(i for i in range(d.start, d.stop) if (i - d.start) % segs == k) for k in range(segs)]
        tgw_vpns = [j for j in range(d.vpns) if self.vpn_on_tgw(d, j)]
        remote = tuple(o.index for o in self.domains if o.index != d.index)
        budget = e.tgw_routes // segs
        out = []
        for k in range(segs):
            statics = [(onprem(self.vpn_base[d.index] + j)[k % 2], j) for j in tgw_vpns]
            statics = statics[: max(0, budget - len(seg[k]) - 1 - len(remote))]
            blackhole = cidr(vpc_base(d.start + (k * 7 + 3) % d.size) + 256, 24)
            room = max(0, budget - len(seg[k]) - len(statics) - 1 - len(remote))
            nxt = seg[(k + 1) % segs][:room] if segs > 1 else ()
            out.append(
                TablePlan(
                    vpcs=seg[k],
                    vpns=tuple(j for j in tgw_vpns if j % segs == k),
                    propagations=tuple(dict.fromkeys(seg[k] + nxt)),
                    vpn_statics=tuple(statics),
                    blackhole=blackhole,
                    remote=remote,
                )
            )
        return out

    def peers(self) -> Counter[int]:
        per: Counter[int] = Counter()
        for d in self.domains:
            for a, c in d.hub_pairs + d.other_pairs:
                per[a] += 1
                per[c] += 1
        return per


def usage(estate: Estate) -> dict[str, int]:
    """Per quota, the largest count of any of its scopes in the World ``estate.build`` would make
    (the quotas ``SIZE_INDEPENDENT`` names are left to a built estate)."""
    lay = Layout(estate)
    e = estate
    per_account: Counter[tuple[str, str]] = Counter()  # VPCs per account and Region
    igws: Counter[tuple[str, str]] = Counter()
    vgws: Counter[tuple[str, str]] = Counter()
    vpns: Counter[tuple[str, str]] = Counter()
    cgws: Counter[tuple[str, str]] = Counter()
    enis: Counter[tuple[str, str]] = Counter()
    tgw_routes, tgw_atts, routes_rt = 0, 0, 0
    peers = lay.peers()
    net = len(lay.estate_routes)
    for d in lay.domains:
        for i in range(d.start, d.stop):
            key = (account_id(e, i), d.region)
            per_account[key] += 1
            igws[key] += i % 10 == 9
            # an instance's interface and the attachment's interface in each AZ
            enis[key] += 1 + 3
            routes_rt = max(routes_rt, net + (i % 10 == 9) + peers[i])
        for j in range(d.endpoints):
            enis[(account_id(e, d.start + j % d.size), d.region)] += 3
        owner = (account_id(e, d.start), d.region)
        for j in range(d.vpns):
            if lay.vpn_on_tgw(d, j):
                vpns[owner] += 1
                cgws[owner] += 1
            else:
                key = (account_id(e, lay.vgw_vpc(d, j)), d.region)
                vgws[key] += 1
                vpns[key] += 1
                cgws[key] += 1
        tables = lay.tables(d)
        tgw_routes = max(tgw_routes, sum(t.routes for t in tables))
        tgw_atts = max(
            tgw_atts, d.size + sum(lay.vpn_on_tgw(d, j) for j in range(d.vpns)) + len(lay.domains) - 1
        )
    acl_rules = max(
        max(Counter(x.egress for x in t if not x.is_final).values(), default=0) for t in lay.templates
    )
    tgws = Counter((account_id(e, d.start), d.region) for d in lay.domains)
    return {
        "vpcs_per_region": max(per_account.values()),
        "routes_per_route_table": routes_rt,
        "internet_gateways_per_region": max(igws.values(), default=0),
        "active_peerings_per_vpc": max(peers.values(), default=0),
        # the default group and four tiers in every VPC (each has an instance)
        "security_groups_per_region": 5 * max(per_account.values()),
        "network_interfaces_per_region": max(enis.values()),
        "rules_per_network_acl": acl_rules,
        "transit_gateways_per_region": max(tgws.values()),
        "routes_per_transit_gateway": tgw_routes,
        "attachments_per_transit_gateway": tgw_atts,
        "peering_attachments_per_transit_gateway": len(lay.domains) - 1,
        "customer_gateways_per_region": max(cgws.values()),
        "vpn_gateways_per_region": max(vgws.values(), default=0),
        "vpn_connections_per_region": max(vpns.values()),
        "running_instances_per_region": max(per_account.values()),
    }
