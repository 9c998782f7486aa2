"""Terraform plan JSON → vpclab network: transit gateways, endpoints, network interfaces and
Elastic IPs (test_mapping.py has the VPC-level resources and the helpers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vpclab.interop.terraform import TerraformError
from vpclab.interop.terraform_import import load_plan, topology

from .test_mapping import _edge, write
from .tfjson import Plan


def _tgw(p: Plan, *, defaults: str = "disable", propagate_b: bool = True) -> Plan:
    """Two VPCs behind a transit gateway with its own route table (associations, propagations, a
    blackhole route) and a route to the TGW in each VPC."""
    p.add(
        "aws_ec2_transit_gateway.hub",
        {"default_route_table_association": defaults, "default_route_table_propagation": defaults},
        unknown=("id",),
    )
    p.add(
        "aws_ec2_transit_gateway_route_table.main",
        {},
        refs={"transit_gateway_id": ["aws_ec2_transit_gateway.hub.id"]},
        unknown=("id", "transit_gateway_id"),
    )
    for n in ("a", "b"):
        cidr = "10.1" if n == "a" else "10.2"
        p.add(f"aws_vpc.{n}", {"cidr_block": f"{cidr}.0.0/16"}, unknown=("id",))
        p.add(
            f"aws_subnet.{n}",
            {"cidr_block": f"{cidr}.1.0/24", "availability_zone": "us-east-1a"},
            refs={"vpc_id": [f"aws_vpc.{n}.id"]},
            unknown=("id", "vpc_id"),
        )
        p.add(
            f"aws_instance.{n}",
            {"private_ip": f"{cidr}.1.10"},
            refs={"subnet_id": [f"aws_subnet.{n}.id"]},
            unknown=("id", "subnet_id"),
        )
        p.add(
            f"aws_ec2_transit_gateway_vpc_attachment.{n}",
            {},
            refs={
                "transit_gateway_id": ["aws_ec2_transit_gateway.hub.id"],
                "vpc_id": [f"aws_vpc.{n}.id"],
                "subnet_ids": [f"aws_subnet.{n}.id", f"aws_subnet.{n}"],
            },
            unknown=("id", "transit_gateway_id", "vpc_id", "subnet_ids"),
        )
        table = {
            "transit_gateway_route_table_id": ["aws_ec2_transit_gateway_route_table.main.id"],
            "transit_gateway_attachment_id": [f"aws_ec2_transit_gateway_vpc_attachment.{n}.id"],
        }
        p.add(f"aws_ec2_transit_gateway_route_table_association.{n}", {}, refs=table, unknown=("id", *table))
        if n == "a" or propagate_b:
            p.add(
                f"aws_ec2_transit_gateway_route_table_propagation.{n}", {}, refs=table, unknown=("id", *table)
            )
        p.add(
            f"aws_route.{n}_tgw",
            {"destination_cidr_block": "10.0.0.0/8"},
            refs={
                "route_table_id": [f"aws_vpc.{n}.main_route_table_id", f"aws_vpc.{n}"],
                "transit_gateway_id": ["aws_ec2_transit_gateway.hub.id"],
            },
            unknown=("id", "route_table_id", "transit_gateway_id"),
        )
    p.add(
        "aws_ec2_transit_gateway_route.sink",
        {"destination_cidr_block": "10.9.0.0/16", "blackhole": True},
        refs={"transit_gateway_route_table_id": ["aws_ec2_transit_gateway_route_table.main.id"]},
        unknown=("id", "transit_gateway_route_table_id"),
    )
    return p


@pytest.mark.parametrize("propagate_b", [True, False])
def test_transit_gateway(tmp_path: Path, propagate_b: bool) -> None:
    """A transit gateway's route table, associations, propagations and static routes
    (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ec2_transit_gateway_route_table):
    the route table carries A to B (only the default security group, which admits its own
    members, stops it); without B's propagation it has no route to B's CIDR."""
    p = _tgw(Plan(), propagate_b=propagate_b)
    p.items = [i for i in p.items if i["address"] != "aws_route.b_tgw"]  # A's route: its main table's
    for n in ("b",):
        p.add(
            f"aws_route_table.{n}",
            {"route": []},
            refs={"vpc_id": [f"aws_vpc.{n}.id"]},
            unknown=("id", "vpc_id"),
        )
        p.add(
            f"aws_route.{n}_tgw",
            {"destination_cidr_block": "10.0.0.0/8"},
            refs={
                "route_table_id": [f"aws_route_table.{n}.id"],
                "transit_gateway_id": ["aws_ec2_transit_gateway.hub.id"],
            },
            unknown=("id", "route_table_id", "transit_gateway_id"),
        )
        p.add(
            f"aws_route_table_association.{n}",
            {},
            refs={"subnet_id": [f"aws_subnet.{n}.id"], "route_table_id": [f"aws_route_table.{n}.id"]},
            unknown=("id", "subnet_id", "route_table_id"),
        )
    topo, _ = topology(write(tmp_path, p.plan()))
    hub = topo["transit_gateways"]["aws_ec2_transit_gateway.hub"]
    assert hub["options"]["default_route_table_association"] is False
    assert hub["attachments"]["aws_ec2_transit_gateway_vpc_attachment.a"]["subnets"] == ["aws_subnet.a"]
    main = hub["route_tables"]["aws_ec2_transit_gateway_route_table.main"]
    assert main["associations"] == [
        "aws_ec2_transit_gateway_vpc_attachment.a",
        "aws_ec2_transit_gateway_vpc_attachment.b",
    ]
    assert main["routes"] == {"10.9.0.0/16": "blackhole"}
    assert topo["vpcs"]["aws_vpc.a"]["route_tables"] == {
        "aws_vpc.a.main": {
            "main": True,
            "subnets": [],
            "routes": {"10.0.0.0/8": "tgw:aws_ec2_transit_gateway.hub"},
        }
    }
    net = load_plan(tmp_path / "plan.json")
    t = net.trace("aws_instance.a", "aws_instance.b", protocol="icmp")
    blocking = {e.code for e in t.explanations if e.blocking}
    assert blocking == ({"ENI_SG_RULES_MISMATCH"} if propagate_b else {"TGW_RTB_CANNOT_ROUTE"}), blocking


def test_a_transit_gateway_attachment_overriding_default_tables_is_refused(tmp_path: Path) -> None:
    p = _tgw(Plan(), defaults="enable")
    p.items = [i for i in p.items if not i["address"].startswith("aws_route.")]
    for item in p.items:
        if item["type"] == "aws_ec2_transit_gateway_vpc_attachment":
            item["after"]["transit_gateway_default_route_table_association"] = False
    with pytest.raises(TerraformError, match="transit_gateway_default_route_table_association = false"):
        topology(write(tmp_path, p.plan()))


def test_endpoints_and_egress_only_gateway(tmp_path: Path) -> None:
    """A Gateway endpoint (the provider's default ``vpc_endpoint_type``) with its route tables from
    ``route_table_ids`` and from a separate association, an Interface endpoint in a subnet, and an
    egress-only internet gateway
    (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint)."""
    p = _edge(Plan())
    p.add(
        "aws_egress_only_internet_gateway.v6",
        {},
        refs={"vpc_id": ["aws_vpc.edge.id"]},
        unknown=("id", "vpc_id"),
    )
    p.add(
        "aws_vpc_endpoint.s3",
        {"service_name": "com.amazonaws.us-east-1.s3"},
        refs={
            "vpc_id": ["aws_vpc.edge.id"],
            "route_table_ids": ["aws_route_table.priv.id", "aws_route_table.priv"],
        },
        unknown=("id", "vpc_id", "route_table_ids"),
    )
    p.add(
        "aws_vpc_endpoint_route_table_association.main",
        {},
        refs={
            "vpc_endpoint_id": ["aws_vpc_endpoint.s3.id"],
            "route_table_id": ["aws_default_route_table.main.id"],
        },
        unknown=("id", "vpc_endpoint_id", "route_table_id"),
    )
    p.add(
        "aws_vpc_endpoint.sqs",
        {
            "service_name": "com.amazonaws.us-east-1.sqs",
            "vpc_endpoint_type": "Interface",
            "private_dns_enabled": False,
        },
        refs={
            "vpc_id": ["aws_vpc.edge.id"],
            "subnet_ids": ["aws_subnet.priv.id"],
            "security_group_ids": ["aws_security_group.app.id"],
        },
        unknown=("id", "vpc_id", "subnet_ids", "security_group_ids"),
    )
    topo, _ = topology(write(tmp_path, p.plan()))
    edge = topo["vpcs"]["aws_vpc.edge"]
    assert edge["egress_only_internet_gateway"] is True
    assert edge["endpoints"]["aws_vpc_endpoint.s3"]["type"] == "gateway"
    assert edge["endpoints"]["aws_vpc_endpoint.s3"]["route_tables"] == [
        "aws_route_table.priv",
        "aws_default_route_table.main",
    ]
    sqs = edge["endpoints"]["aws_vpc_endpoint.sqs"]
    assert (sqs["type"], sqs["subnets"], sqs["groups"], sqs["private_dns"]) == (
        "interface",
        ["aws_subnet.priv"],
        ["aws_security_group.app"],
        False,
    )
    net = load_plan(tmp_path / "plan.json")
    assert net.resource("aws_vpc_endpoint.s3").vpc_endpoint_type == "Gateway"


def test_network_interfaces_and_elastic_ip_associations(tmp_path: Path) -> None:
    """An ``aws_network_interface`` (a route target, source/dest check off), an ``aws_eip`` given
    its ``instance``, and an ``aws_eip_association`` to the interface."""
    p = _edge(Plan())
    p.add(
        "aws_network_interface.appliance",
        {"private_ips": ["10.9.1.50"], "source_dest_check": False},
        refs={"subnet_id": ["aws_subnet.pub.id"], "security_groups": ["aws_security_group.app.id"]},
        unknown=("id", "subnet_id", "security_groups"),
    )
    p.add(
        "aws_route.via_appliance",
        {"destination_cidr_block": "192.168.0.0/16"},
        refs={
            "route_table_id": ["aws_route_table.priv.id"],
            "network_interface_id": ["aws_network_interface.appliance.id"],
        },
        unknown=("id", "route_table_id", "network_interface_id"),
    )
    p.add(
        "aws_eip.app",
        {"domain": "vpc"},
        refs={"instance": ["aws_instance.app.id"]},
        unknown=("id", "instance"),
    )
    p.add("aws_eip.appliance", {"domain": "vpc"}, unknown=("id",))
    p.add(
        "aws_eip_association.appliance",
        {},
        refs={
            "allocation_id": ["aws_eip.appliance.id"],
            "network_interface_id": ["aws_network_interface.appliance.id"],
        },
        unknown=("id", "allocation_id", "network_interface_id"),
    )
    topo, _ = topology(write(tmp_path, p.plan()))
    edge = topo["vpcs"]["aws_vpc.edge"]
    eni = edge["network_interfaces"]["aws_network_interface.appliance"]
    assert (eni["subnet"], eni["groups"], eni["private_ip"], eni["source_dest_check"], eni["elastic_ip"]) == (
        "aws_subnet.pub",
        ["aws_security_group.app"],
        "10.9.1.50",
        False,
        "aws_eip.appliance",
    )
    assert edge["route_tables"]["aws_route_table.priv"]["routes"]["192.168.0.0/16"] == (
        "eni:aws_network_interface.appliance"
    )
    assert edge["instances"]["aws_instance.app"]["elastic_ip"] == "aws_eip.app"
    net = load_plan(tmp_path / "plan.json")
    assert net.resource("aws_network_interface.appliance").source_dest_check is False
