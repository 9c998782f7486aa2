"""The fixtures' networks, as plans written to HashiCorp's format (tfjson.Plan).

``new_network``: everything created (every id unknown until apply): a module ``net`` that makes the
app VPC (``count``), its private subnets (``for_each`` over zones) and a route table; root resources
make the db VPC, a peering, routes on both sides, security groups and instances.
``change``: the same network applied (known ids in ``prior_state``), and a change that removes the
db group's PostgreSQL rule from app and opens SSH from anywhere on the web group.
"""

from __future__ import annotations

from typing import Any

from .tfjson import Plan

ZONES = {"us-east-1a": "10.0.1.0/24", "us-east-1b": "10.0.2.0/24"}


def _ids(known: bool, rid: str) -> dict[str, Any]:
    return {"id": rid} if known else {}


def _network(p: Plan, known: bool, *, before: bool = False, changed: bool = False) -> Plan:
    """Add the network's resources; ``known``: ids are known (applied); ``before``: they exist
    (prior state = after, except what ``changed`` alters)."""
    unk: tuple[str, ...] = () if known else ("id",)

    def add(
        address: str,
        values: dict[str, Any],
        rid: str,
        refs: dict[str, list[str]] | None = None,
        unknown: tuple[str, ...] = (),
        after: dict[str, Any] | None = None,
        blocks: dict[str, list[dict[str, Any]]] | None = None,
    ) -> None:
        v = {**values, **_ids(known, rid)}
        a = {**(after if after is not None else values), **_ids(known, rid)}
        p.add(
            address,
            a,
            refs=refs,
            unknown=unk + unknown if not known else (),
            before=v if before else None,
            blocks=blocks,
        )

    vpc = "vpc-0a1b2c3d4e5f60001"
    add(
        "module.net.aws_vpc.this[0]",
        {"cidr_block": "10.0.0.0/16", "enable_dns_hostnames": True, "tags": {"Name": "app"}},
        vpc,
    )
    subnets = {}
    for i, (zone, cidr) in enumerate(ZONES.items()):
        sid = f"subnet-0a1b2c3d4e5f6001{i}"
        subnets[zone] = sid
        add(
            f'module.net.aws_subnet.private["{zone}"]',
            {
                "cidr_block": cidr,
                "availability_zone": zone,
                "map_public_ip_on_launch": False,
                **({"vpc_id": vpc} if known else {}),
            },
            sid,
            refs={"vpc_id": ["aws_vpc.this[0].id", "aws_vpc.this[0]", "aws_vpc.this"]},
            unknown=("vpc_id",),
        )
    rtb = "rtb-0a1b2c3d4e5f60001"
    add(
        "module.net.aws_route_table.private",
        {**({"vpc_id": vpc} if known else {}), "route": [], "tags": {"Name": "app-private"}},
        rtb,
        refs={"vpc_id": ["aws_vpc.this[0].id", "aws_vpc.this[0]", "aws_vpc.this"]},
        unknown=("vpc_id",),
    )
    for i, zone in enumerate(ZONES):
        add(
            f'module.net.aws_route_table_association.private["{zone}"]',
            {**({"subnet_id": subnets[zone], "route_table_id": rtb} if known else {})},
            f"rtbassoc-0a1b2c3d4e5f6000{i}",
            refs={
                "subnet_id": ["aws_subnet.private", "each.key"],
                "route_table_id": ["aws_route_table.private.id", "aws_route_table.private"],
            },
            unknown=("subnet_id", "route_table_id"),
        )
    p.output("module.net", "vpc_id", ["aws_vpc.this[0].id", "aws_vpc.this[0]", "aws_vpc.this"])
    p.output("module.net", "route_table_id", ["aws_route_table.private.id", "aws_route_table.private"])
    p.output("module.net", "subnet_ids", ["aws_subnet.private"])

    db = "vpc-0a1b2c3d4e5f60002"
    add("aws_vpc.db", {"cidr_block": "10.1.0.0/16", "tags": {"Name": "db"}}, db)
    dsub = "subnet-0a1b2c3d4e5f60020"
    add(
        "aws_subnet.db",
        {"cidr_block": "10.1.1.0/24", "availability_zone": "us-east-1a", **({"vpc_id": db} if known else {})},
        dsub,
        refs={"vpc_id": ["aws_vpc.db.id", "aws_vpc.db"]},
        unknown=("vpc_id",),
    )
    pcx = "pcx-0a1b2c3d4e5f60001"
    add(
        "aws_vpc_peering_connection.app_db",
        {"auto_accept": True, **({"vpc_id": vpc, "peer_vpc_id": db} if known else {})},
        pcx,
        refs={"vpc_id": ["module.net.vpc_id", "module.net"], "peer_vpc_id": ["aws_vpc.db.id", "aws_vpc.db"]},
        unknown=("vpc_id", "peer_vpc_id"),
    )
    add(
        "aws_route.app_to_db",
        {
            "destination_cidr_block": "10.1.0.0/16",
            **({"route_table_id": rtb, "vpc_peering_connection_id": pcx} if known else {}),
        },
        "r-rtb-0a1b2c3d4e5f600011080289494",
        refs={
            "route_table_id": ["module.net.route_table_id", "module.net"],
            "vpc_peering_connection_id": [
                "aws_vpc_peering_connection.app_db.id",
                "aws_vpc_peering_connection.app_db",
            ],
        },
        unknown=("route_table_id", "vpc_peering_connection_id"),
    )
    drtb = "rtb-0a1b2c3d4e5f60002"
    route = {"cidr_block": "10.0.0.0/16", "vpc_peering_connection_id": pcx if known else None}
    add(
        "aws_route_table.db",
        {**({"vpc_id": db} if known else {}), "route": [route]},
        drtb,
        refs={"vpc_id": ["aws_vpc.db.id", "aws_vpc.db"]},
        unknown=("vpc_id",),
        blocks={
            "route": [
                {
                    "cidr_block": "10.0.0.0/16",
                    "vpc_peering_connection_id": [
                        "aws_vpc_peering_connection.app_db.id",
                        "aws_vpc_peering_connection.app_db",
                    ],
                }
            ]
        },
    )
    add(
        "aws_route_table_association.db",
        {**({"subnet_id": dsub, "route_table_id": drtb} if known else {})},
        "rtbassoc-0a1b2c3d4e5f60009",
        refs={
            "subnet_id": ["aws_subnet.db.id", "aws_subnet.db"],
            "route_table_id": ["aws_route_table.db.id", "aws_route_table.db"],
        },
        unknown=("subnet_id", "route_table_id"),
    )

    all_out = {
        "protocol": "-1",
        "from_port": 0,
        "to_port": 0,
        "cidr_blocks": ["0.0.0.0/0"],
        "ipv6_cidr_blocks": [],
        "prefix_list_ids": [],
        "security_groups": [],
        "self": False,
        "description": "",
    }
    web_sg, db_sg = "sg-0a1b2c3d4e5f60001", "sg-0a1b2c3d4e5f60002"
    https = {**all_out, "protocol": "tcp", "from_port": 443, "to_port": 443}
    ssh = {**all_out, "protocol": "tcp", "from_port": 22, "to_port": 22}
    web_after = [https, ssh] if changed else [https]
    add(
        "aws_security_group.web",
        {
            "name": "web",
            "description": "web servers",
            "ingress": [https],
            "egress": [all_out],
            **({"vpc_id": vpc} if known else {}),
        },
        web_sg,
        after={
            "name": "web",
            "description": "web servers",
            "ingress": web_after,
            "egress": [all_out],
            **({"vpc_id": vpc} if known else {}),
        },
        refs={"vpc_id": ["module.net.vpc_id", "module.net"]},
        unknown=("vpc_id",),
    )
    add(
        "aws_security_group.db",
        {
            "name": "db",
            "description": "PostgreSQL from app",
            "egress": [all_out],
            **({"vpc_id": db} if known else {}),
        },
        db_sg,
        refs={"vpc_id": ["aws_vpc.db.id", "aws_vpc.db"]},
        unknown=("vpc_id",),
    )
    rule = {
        "type": "ingress",
        "protocol": "tcp",
        "from_port": 5432,
        "to_port": 5432,
        "cidr_blocks": ["10.0.0.0/16"],
        **({"security_group_id": db_sg} if known else {}),
    }
    if not (before and changed):
        add(
            "aws_security_group_rule.db_postgres",
            rule,
            "sgrule-1234567890",
            refs={"security_group_id": ["aws_security_group.db.id", "aws_security_group.db"]},
            unknown=("security_group_id",),
        )
    else:  # the change deletes the rule
        p.add("aws_security_group_rule.db_postgres", None, before={**rule, "id": "sgrule-1234567890"})
    for name, sub, sg, ip, iid in (
        ("web", subnets["us-east-1a"], web_sg, "10.0.1.10", "i-0a1b2c3d4e5f60001"),
        ("db", dsub, db_sg, "10.1.1.10", "i-0a1b2c3d4e5f60002"),
    ):
        subnet_ref = (
            ['module.net.subnet_ids["us-east-1a"]', "module.net.subnet_ids"]
            if name == "web"
            else ["aws_subnet.db.id", "aws_subnet.db"]
        )
        add(
            f"aws_instance.{name}",
            {
                "ami": "ami-0123456789abcdef0",
                "instance_type": "t3.micro",
                "private_ip": ip,
                **({"subnet_id": sub, "vpc_security_group_ids": [sg]} if known else {}),
            },
            iid,
            refs={
                "subnet_id": subnet_ref,
                "vpc_security_group_ids": [f"aws_security_group.{name}.id", f"aws_security_group.{name}"],
            },
            unknown=("subnet_id", "vpc_security_group_ids"),
        )
    return p


def new_network() -> dict[str, Any]:
    """A plan that creates the network: every id unknown until apply."""
    return _network(Plan(), known=False).plan()


def change() -> dict[str, Any]:
    """A plan on the applied network: drop db's PostgreSQL rule, open SSH to web."""
    return _network(Plan(), known=True, before=True, changed=True).plan()


def state() -> dict[str, Any]:
    """The applied network as a state (``terraform show -json`` without a plan)."""
    return _network(Plan(), known=True).state()
