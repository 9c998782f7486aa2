"""The pieces bench/generator.py assembles a network from: address layout, NACL templates, and a
builder that puts one VPC (subnets, route tables, default security group, NACLs) or one VPC's
security group tiers straight into a World, in the shapes the ControlPlane makes."""

from __future__ import annotations

import random
from dataclasses import replace
from ipaddress import IPv4Address
from typing import TYPE_CHECKING

from vpclab.model.gateways import EgressOnlyInternetGateway
from vpclab.model.interfaces import NetworkInterface
from vpclab.model.network_acl import NetworkAcl, NetworkAclAssociation, NetworkAclEntry
from vpclab.model.route_table import ORIGIN_LOCAL, Route, RouteTable, RouteTableAssociation
from vpclab.model.security_group import SecurityGroup, SecurityGroupRule
from vpclab.model.subnet import Subnet, SubnetIpv6CidrBlockAssociation
from vpclab.model.vpc import Vpc, VpcCidrBlockAssociation, VpcIpv6CidrBlockAssociation
from vpclab.model.world import World

from .dual_stack import DEFAULT_ACL_ENTRIES6, twin, twin_ip

if TYPE_CHECKING:
    from .generator import Spec

ACCOUNT = "111111111111"
REGION = "us-east-1"
AZS = (("us-east-1a", "use1-az1"), ("us-east-1b", "use1-az2"), ("us-east-1c", "use1-az3"))


def vpc_base(i: int) -> int:
    return (10 << 24) + i * 2048


def cidr(start: int, prefixlen: int) -> str:
    return f"{IPv4Address(start)}/{prefixlen}"


def _local(c: str) -> Route:
    return Route(destination_cidr_block=c, gateway_id="local", origin=ORIGIN_LOCAL)


def _local6(c: str) -> Route:
    return Route(destination_ipv6_cidr_block=c, gateway_id="local", origin=ORIGIN_LOCAL)


_DEFAULT_ACL_ENTRIES = tuple(
    NetworkAclEntry(rule_number=n, egress=egress, protocol="-1", rule_action=act, cidr_block="0.0.0.0/0")
    for egress in (False, True)
    for n, act in ((100, "allow"), (32767, "deny"))
)


def acl_template(rng: random.Random, vpcs: int) -> tuple[NetworkAclEntry, ...]:
    """20–40 entries: allows and denies by port and CIDR (a /16, a VPC's /21 or a subnet's /24 of
    10.0.0.0/8, aligned with the VPCs and subnets), ephemeral-port returns, and the final denies.
    Most templates end by allowing the rest of 10.0.0.0/8; some leave it to the final deny."""
    entries: list[NetworkAclEntry] = []
    total = rng.randint(20, 40) - 2
    open_tail = rng.random() < 0.7
    sixteens = max(1, (vpcs * 2048) >> 16)

    def entry(
        number: int, egress: bool, proto: str, action: str, block: str, ports: tuple[int, int] | None = None
    ) -> NetworkAclEntry:
        return NetworkAclEntry(
            rule_number=number,
            egress=egress,
            protocol=proto,
            rule_action=action,
            cidr_block=block,
            port_from=ports[0] if ports else None,
            port_to=ports[1] if ports else None,
        )

    for egress in (False, True):
        count = total // 2 if not egress else total - total // 2
        for k in range(count):
            number = 10 * (k + 1)
            roll = rng.random()
            if k == count - 1:
                e = entry(
                    number,
                    egress,
                    "-1" if open_tail else "17",
                    "allow",
                    "10.0.0.0/8",
                    None if open_tail else (53, 53),
                )
            elif roll < 0.15:
                e = entry(
                    number,
                    egress,
                    "6",
                    "deny",
                    cidr((10 << 24) + rng.randrange(sixteens) * 65536, 16),
                    (443, 443),
                )
            elif roll < 0.3:
                e = entry(number, egress, "6", "deny", cidr(vpc_base(rng.randrange(vpcs)), 21), (440, 450))
            elif roll < 0.4:
                e = entry(
                    number,
                    egress,
                    "-1",
                    "deny",
                    cidr(vpc_base(rng.randrange(vpcs)) + 256 * rng.randrange(6), 24),
                )
            elif roll < 0.6:
                e = entry(number, egress, "6", "allow", "10.0.0.0/8", (1024, 65535))
            elif roll < 0.8:
                port = rng.choice((22, 80, 443, 5432, 8080))
                e = entry(
                    number,
                    egress,
                    "6",
                    "allow",
                    rng.choice(("10.0.0.0/8", "0.0.0.0/0", "192.168.0.0/16")),
                    (port, port),
                )
            else:
                e = entry(number, egress, "17", "allow", "10.0.0.0/8", (53, 53))
            entries.append(e)
        entries.append(entry(32767, egress, "-1", "deny", "0.0.0.0/0"))
    return tuple(entries)


class _Builder:
    def __init__(self, world: World, spec: Spec) -> None:
        self.w, self.s = world, spec
        self.rng = random.Random(spec.seed)
        self.new = world.ids.new
        self.vpcs: list[Vpc] = []
        self.subnets: list[list[Subnet]] = []
        self.tables: list[list[RouteTable]] = []
        self.extra_routes: dict[str, list[Route]] = {}
        self.groups: dict[str, tuple[str, ...]] = {}
        self.next_ip: dict[str, int] = {}
        #: where the next VPCs go (bench/estate.py moves these per Region and account)
        self.account, self.region, self.azs, self.hub = ACCOUNT, REGION, AZS, 0

    def put(self, res):  # type: ignore[no-untyped-def]
        return self.w.put(res)

    def ip6(self, ip: str) -> tuple[str, ...]:
        """The interface's IPv6 addresses: its IPv4 address's twin in a dual-stack network."""
        return (twin_ip(ip),) if self.s.dual_stack else ()

    def ip(self, subnet: Subnet) -> str:
        n = self.next_ip.get(subnet.id, int(subnet.network.network_address) + 4)
        self.next_ip[subnet.id] = n + 1
        return str(IPv4Address(n))

    def managed_interfaces(
        self, vpc: Vpc, subnets: list[Subnet], region: str, kind: str, of: str
    ) -> tuple[str, ...]:
        """The requester-managed interfaces AWS puts in each subnet for a transit gateway VPC
        attachment (``kind`` "transit_gateway") or an interface endpoint ("vpc_endpoint"), ``of``
        the attachment or endpoint id; their ids, in the subnets' order."""
        endpoint = kind == "vpc_endpoint"
        ids = []
        for sub in subnets:
            ip = self.ip(sub)
            eni = NetworkInterface(
                id=self.new("network_interface"),
                owner_id=vpc.owner_id,
                region=region,
                vpc_id=vpc.id,
                subnet_id=sub.id,
                availability_zone=sub.availability_zone,
                private_ip_address=ip,
                ipv6_addresses=self.ip6(ip),
                groups=self.groups[vpc.id][:1] if endpoint else (),
                interface_type=kind,
                description=f"VPC Endpoint Interface {of}"
                if endpoint
                else f"Network Interface for Transit Gateway Attachment {of}",
                status="in-use",
                requester_id="amazonaws" if endpoint else "amazon-aws",
                requester_managed=True,
                source_dest_check=endpoint,
            )
            ids.append(self.w.put(eni).id)
        return tuple(ids)

    def vpc(self, i: int, templates: list[tuple[NetworkAclEntry, ...]]) -> None:
        s, new = self.s, self.new
        block = cidr(vpc_base(i), 21)
        vpc_id = new("vpc")
        block6 = twin(block) if s.dual_stack else None
        vpc = self.put(
            Vpc(
                id=vpc_id,
                owner_id=self.account,
                region=self.region,
                cidr_block=block,
                cidr_block_associations=(
                    VpcCidrBlockAssociation(
                        association_id=new("vpc_cidr_block_association"), cidr_block=block
                    ),
                ),
                ipv6_cidr_block_associations=(
                    VpcIpv6CidrBlockAssociation(
                        association_id="vpc-cidr-assoc-6" + vpc_id[5:],
                        ipv6_cidr_block=block6,
                        network_border_group=self.region,
                    ),
                )
                if block6
                else (),
            )
        )
        subnets = [
            self.put(
                Subnet(
                    id=new("subnet"),
                    owner_id=self.account,
                    region=self.region,
                    vpc_id=vpc.id,
                    cidr_block=cidr(vpc_base(i) + 256 * k, 24),
                    availability_zone=self.azs[k * 3 // s.subnets_per_vpc][0],
                    availability_zone_id=self.azs[k * 3 // s.subnets_per_vpc][1],
                    ipv6_cidr_block_associations=(
                        SubnetIpv6CidrBlockAssociation(
                            association_id=f"subnet-cidr-assoc-{vpc_id[4:]}{k}",
                            ipv6_cidr_block=twin(cidr(vpc_base(i) + 256 * k, 24)) or "",
                        ),
                    )
                    if block6
                    else (),
                )
            )
            for k in range(s.subnets_per_vpc)
        ]
        routes: tuple[Route, ...] = (_local(block),)
        if block6:  # the IPv6 local route, and ::/0 to the VPC's egress-only internet gateway
            eigw = self.put(
                EgressOnlyInternetGateway(
                    id=new("egress_only_internet_gateway"),
                    owner_id=self.account,
                    region=self.region,
                    vpc_id=vpc.id,
                )
            )
            routes += (
                _local6(block6),
                Route(destination_ipv6_cidr_block="::/0", egress_only_internet_gateway_id=eigw.id),
            )
        tables = []
        for t in range(3):
            rtb_id = new("route_table")
            assoc = (
                (
                    RouteTableAssociation(
                        route_table_association_id=new("route_table_association"),
                        route_table_id=rtb_id,
                        main=True,
                    ),
                )
                if t == 0
                else tuple(
                    RouteTableAssociation(
                        route_table_association_id=new("route_table_association"),
                        route_table_id=rtb_id,
                        subnet_id=sub.id,
                    )
                    for sub in subnets
                    if sub.availability_zone == self.azs[t][0]
                )
            )
            tables.append(
                RouteTable(
                    id=rtb_id,
                    owner_id=self.account,
                    region=self.region,
                    vpc_id=vpc.id,
                    routes=routes,
                    associations=assoc,
                )
            )
        sg_id = new("security_group")
        self.put(
            SecurityGroup(
                id=sg_id,
                owner_id=self.account,
                region=self.region,
                vpc_id=vpc.id,
                group_name="default",
                description="default VPC security group",
                ingress=(
                    SecurityGroupRule(
                        security_group_rule_id=new("security_group_rule"),
                        group_id=sg_id,
                        is_egress=False,
                        ip_protocol="-1",
                        referenced_group_id=sg_id,
                        referenced_group_owner_id=self.account,
                    ),
                ),
                egress=(
                    SecurityGroupRule(
                        security_group_rule_id=new("security_group_rule"),
                        group_id=sg_id,
                        is_egress=True,
                        ip_protocol="-1",
                        cidr_ipv4="0.0.0.0/0",
                    ),
                )
                + (
                    (
                        SecurityGroupRule(
                            security_group_rule_id="sgr-6" + sg_id[3:],
                            group_id=sg_id,
                            is_egress=True,
                            ip_protocol="-1",
                            cidr_ipv6="::/0",
                        ),
                    )
                    if block6
                    else ()
                ),
            )
        )
        self.groups[vpc.id] = (sg_id,)
        custom = [sub for sub in subnets if sub.availability_zone != self.azs[2][0] and s.custom_acls]
        default_id = new("network_acl")
        self.put(
            NetworkAcl(
                id=default_id,
                owner_id=self.account,
                region=self.region,
                vpc_id=vpc.id,
                is_default=True,
                entries=_DEFAULT_ACL_ENTRIES + DEFAULT_ACL_ENTRIES6 if block6 else _DEFAULT_ACL_ENTRIES,
                associations=tuple(
                    NetworkAclAssociation(
                        network_acl_association_id=new("network_acl_association"),
                        network_acl_id=default_id,
                        subnet_id=sub.id,
                    )
                    for sub in subnets
                    if sub not in custom
                ),
            )
        )
        acl_id = new("network_acl")
        self.put(
            NetworkAcl(
                id=acl_id,
                owner_id=self.account,
                region=self.region,
                vpc_id=vpc.id,
                entries=templates[i % len(templates)],
                associations=tuple(
                    NetworkAclAssociation(
                        network_acl_association_id=new("network_acl_association"),
                        network_acl_id=acl_id,
                        subnet_id=sub.id,
                    )
                    for sub in custom
                ),
            )
        )
        self.vpcs.append(vpc)
        self.subnets.append(subnets)
        self.tables.append(tables)

    def groups_for(self, n: int) -> None:
        """The default group and four tiers (web, app, db, mgmt) in VPC n: five per interface."""
        vpc, new = self.vpcs[n], self.new
        if len(self.groups[vpc.id]) > 1:
            return
        ids = [new("security_group") for _ in range(4)]
        web, app, db, mgmt = ids
        hub = cidr(vpc_base(self.hub), 21)

        def rule(
            gid: str,
            egress: bool,
            proto: str,
            lo: int,
            hi: int,
            *,
            c: str | None = None,
            ref: str | None = None,
        ) -> SecurityGroupRule:
            return SecurityGroupRule(
                security_group_rule_id=new("security_group_rule"),
                group_id=gid,
                is_egress=egress,
                ip_protocol=proto,
                from_port=lo,
                to_port=hi,
                cidr_ipv4=c,
                referenced_group_id=ref,
                referenced_group_owner_id=self.account if ref else None,
            )

        ingress = {
            web: (
                rule(web, False, "tcp", 443, 443, c="10.0.0.0/8"),
                rule(web, False, "tcp", 80, 80, c="0.0.0.0/0"),
            ),
            app: (rule(app, False, "tcp", 8080, 8080, ref=web),),
            db: (rule(db, False, "tcp", 5432, 5432, ref=app), rule(db, False, "tcp", 5432, 5432, c=hub)),
            mgmt: (rule(mgmt, False, "tcp", 22, 22, c=hub),),
        }
        egress = {gid: (rule(gid, True, "-1", -1, -1, c="0.0.0.0/0"),) for gid in ids}
        if self.s.dual_stack:  # each CIDR rule's IPv6 twin (the ::/0 egress rule AWS adds among them)
            for rules in (ingress, egress):
                for gid, rs in rules.items():
                    rules[gid] = rs + tuple(
                        replace(
                            r,
                            security_group_rule_id="sgr-6" + r.security_group_rule_id[4:],
                            cidr_ipv4=None,
                            cidr_ipv6=twin(r.cidr_ipv4),
                        )
                        for r in rs
                        if r.cidr_ipv4 and twin(r.cidr_ipv4)
                    )
        for gid, name in zip(ids, ("web", "app", "db", "mgmt"), strict=True):
            self.put(
                SecurityGroup(
                    id=gid,
                    owner_id=self.account,
                    region=self.region,
                    vpc_id=vpc.id,
                    group_name=name,
                    description=f"{name} tier",
                    ingress=ingress[gid],
                    egress=egress[gid],
                )
            )
        self.groups[vpc.id] = self.groups[vpc.id] + tuple(ids)

    def route(self, rt: RouteTable, route: Route) -> None:
        extra = self.extra_routes.setdefault(rt.id, [])
        extra.append(route)
        if (
            self.s.dual_stack
            and route.destination_cidr_block
            and (route.vpc_peering_connection_id or route.transit_gateway_id)
        ):
            b6 = twin(route.destination_cidr_block)
            if b6 is not None:
                extra.append(replace(route, destination_cidr_block=None, destination_ipv6_cidr_block=b6))
