"""Terraform plan/state JSON → vpclab network: each mapping, modules, count/for_each, unknowns.

The format is HashiCorp's "JSON Output Format" (https://developer.hashicorp.com/terraform/internals/json-format);
the fixtures are written to it by tfjson.py (no terraform binary is installable here).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import vpclab
from vpclab.interop.terraform import TerraformError, name_of
from vpclab.interop.terraform_import import TerraformProblems, load_change, load_plan, topology

from . import networks
from .tfjson import Plan


def write(tmp_path: Path, doc: dict[str, Any], name: str = "plan.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_addresses_become_names() -> None:
    assert name_of("module.net.aws_vpc.this[0]") == "module.net.aws_vpc.this.0"
    assert (
        name_of('module.net.aws_subnet.private["us-east-1a"]') == "module.net.aws_subnet.private.us-east-1a"
    )
    assert name_of('aws_subnet.x["a b/c"]') == "aws_subnet.x.a-b-c"


def test_a_new_network_keeps_its_references_before_any_id_exists(tmp_path: Path) -> None:
    """Every id of a created network is unknown until apply (``after_unknown``); references are
    followed through ``configuration`` expressions: a module's resources (count and for_each), its
    outputs (``module.net.subnet_ids["us-east-1a"]``) and ``each.key`` instances."""
    topo, doc = topology(write(tmp_path, networks.new_network()))
    assert all("id" not in i.values for i in doc.instances)
    app = topo["vpcs"]["module.net.aws_vpc.this.0"]
    assert set(app["subnets"]) == {
        "module.net.aws_subnet.private.us-east-1a",
        "module.net.aws_subnet.private.us-east-1b",
    }
    rt = app["route_tables"]["module.net.aws_route_table.private"]
    assert rt["subnets"] == [
        "module.net.aws_subnet.private.us-east-1a",
        "module.net.aws_subnet.private.us-east-1b",
    ]
    assert rt["routes"] == {"10.1.0.0/16": "pcx:aws_vpc_peering_connection.app_db"}
    assert app["instances"]["aws_instance.web"]["subnet"] == "module.net.aws_subnet.private.us-east-1a"
    assert topo["vpcs"]["aws_vpc.db"]["route_tables"]["aws_route_table.db"]["routes"] == {
        "10.0.0.0/16": "pcx:aws_vpc_peering_connection.app_db"
    }
    assert topo["peerings"]["aws_vpc_peering_connection.app_db"] == {
        "requester": "module.net.aws_vpc.this.0",
        "accepter": "aws_vpc.db",
        "accept": True,
        "tags": {},
    }
    net = load_plan(tmp_path / "plan.json")
    assert net.trace("aws_instance.web", "aws_instance.db", protocol="tcp", port=5432).reachable


def test_a_state_reads_as_the_plan_that_created_it(tmp_path: Path) -> None:
    """A state (``values``, every id known) maps to the same topology as the plan that made it."""
    from_state, doc = topology(write(tmp_path, networks.state(), "state.json"))
    from_plan, _ = topology(write(tmp_path, networks.new_network()))
    assert doc.kind == "state"
    assert from_state == from_plan


def test_a_change_has_two_sides(tmp_path: Path) -> None:
    """``prior_state`` is the network before; ``resource_changes[].change.after`` after (a deleted
    resource is gone)."""
    before, after = load_change(write(tmp_path, networks.change()))
    assert before.trace("aws_instance.web", "aws_instance.db", protocol="tcp", port=5432).reachable
    assert not after.trace("aws_instance.web", "aws_instance.db", protocol="tcp", port=5432).reachable
    assert not before.trace("aws_instance.db", "aws_instance.web", protocol="tcp", port=22).reachable
    assert after.trace("aws_instance.db", "aws_instance.web", protocol="tcp", port=22).reachable


def test_vpclab_load_reads_plans(tmp_path: Path) -> None:
    net = vpclab.load(write(tmp_path, networks.change()))
    assert net.resource("aws_vpc.db").cidr_block == "10.1.0.0/16"


def _edge(p: Plan) -> Plan:
    """A public VPC: IGW, secondary CIDR, NAT gateway, EIP, default route table, NACL and rules,
    security group rules of the three resource kinds."""
    p.add("aws_vpc.edge", {"cidr_block": "10.9.0.0/16"}, unknown=("id",))
    vpc = {"vpc_id": ["aws_vpc.edge.id", "aws_vpc.edge"]}
    p.add(
        "aws_vpc_ipv4_cidr_block_association.extra",
        {"cidr_block": "10.10.0.0/16"},
        refs=vpc,
        unknown=("id", "vpc_id"),
    )
    p.add(
        "aws_subnet.pub",
        {"cidr_block": "10.9.1.0/24", "map_public_ip_on_launch": True},
        refs=vpc,
        unknown=("id", "vpc_id"),
    )
    p.add("aws_subnet.priv", {"cidr_block": "10.10.1.0/24"}, refs=vpc, unknown=("id", "vpc_id"))
    p.add("aws_internet_gateway.gw", {}, refs=vpc, unknown=("id", "vpc_id"))
    p.add("aws_eip.nat", {"domain": "vpc"}, unknown=("id",))
    p.add(
        "aws_nat_gateway.nat",
        {"connectivity_type": "public"},
        refs={"subnet_id": ["aws_subnet.pub.id", "aws_subnet.pub"], "allocation_id": ["aws_eip.nat.id"]},
        unknown=("id", "subnet_id", "allocation_id"),
    )
    p.add(
        "aws_default_route_table.main",
        {"route": [{"cidr_block": "0.0.0.0/0", "gateway_id": None}]},
        refs={"default_route_table_id": ["aws_vpc.edge.default_route_table_id", "aws_vpc.edge"]},
        unknown=("id", "default_route_table_id"),
        blocks={
            "route": [
                {
                    "cidr_block": "0.0.0.0/0",
                    "gateway_id": ["aws_internet_gateway.gw.id", "aws_internet_gateway.gw"],
                }
            ]
        },
    )
    p.add("aws_route_table.priv", {"route": []}, refs=vpc, unknown=("id", "vpc_id"))
    p.add(
        "aws_route.priv_out",
        {"destination_cidr_block": "0.0.0.0/0"},
        refs={"route_table_id": ["aws_route_table.priv.id"], "nat_gateway_id": ["aws_nat_gateway.nat.id"]},
        unknown=("id", "route_table_id", "nat_gateway_id"),
    )
    p.add(
        "aws_route_table_association.priv",
        {},
        refs={"subnet_id": ["aws_subnet.priv.id"], "route_table_id": ["aws_route_table.priv.id"]},
        unknown=("id", "subnet_id", "route_table_id"),
    )
    p.add(
        "aws_security_group.app",
        {"description": "app", "ingress": [], "egress": []},
        refs=vpc,
        unknown=("id", "vpc_id"),
    )
    p.add(
        "aws_vpc_security_group_ingress_rule.https",
        {"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "0.0.0.0/0"},
        refs={"security_group_id": ["aws_security_group.app.id"]},
        unknown=("id", "security_group_id"),
    )
    p.add(
        "aws_vpc_security_group_egress_rule.all",
        {"ip_protocol": "-1", "cidr_ipv4": "0.0.0.0/0"},
        refs={"security_group_id": ["aws_security_group.app.id"]},
        unknown=("id", "security_group_id"),
    )
    p.add(
        "aws_security_group_rule.self",
        {"type": "ingress", "protocol": "tcp", "from_port": 8080, "to_port": 8080, "self": True},
        refs={"security_group_id": ["aws_security_group.app.id"]},
        unknown=("id", "security_group_id"),
    )
    p.add(
        "aws_network_acl.priv",
        {
            "ingress": [
                {
                    "rule_no": 100,
                    "action": "allow",
                    "protocol": "tcp",
                    "from_port": 443,
                    "to_port": 443,
                    "cidr_block": "0.0.0.0/0",
                }
            ],
            "egress": [],
            "subnet_ids": [],
        },
        refs=vpc,
        unknown=("id", "vpc_id"),
    )
    p.add(
        "aws_network_acl_rule.out",
        {
            "egress": True,
            "rule_number": 100,
            "protocol": "-1",
            "rule_action": "allow",
            "cidr_block": "0.0.0.0/0",
        },
        refs={"network_acl_id": ["aws_network_acl.priv.id"]},
        unknown=("id", "network_acl_id"),
    )
    p.add(
        "aws_network_acl_association.priv",
        {},
        refs={"network_acl_id": ["aws_network_acl.priv.id"], "subnet_id": ["aws_subnet.priv.id"]},
        unknown=("id", "network_acl_id", "subnet_id"),
    )
    p.add(
        "aws_instance.app",
        {"instance_type": "t3.small", "private_ip": "10.10.1.20"},
        refs={"subnet_id": ["aws_subnet.priv.id"], "vpc_security_group_ids": ["aws_security_group.app.id"]},
        unknown=("id", "subnet_id", "vpc_security_group_ids"),
    )
    return p


def test_each_mapped_type(tmp_path: Path) -> None:
    """The AWS provider's resources (https://registry.terraform.io/providers/hashicorp/aws/latest/docs)
    map to the topology's keys: a secondary CIDR association, a default route table's inline routes,
    standalone routes and associations, the three security group rule resources (``self`` is the
    group itself), network ACL inline and standalone rules and associations."""
    topo, _ = topology(write(tmp_path, _edge(Plan()).plan()))
    edge = topo["vpcs"]["aws_vpc.edge"]
    assert edge["cidrs"] == ["10.9.0.0/16", "10.10.0.0/16"]
    assert edge["internet_gateway"] == "aws_internet_gateway.gw"
    assert edge["subnets"]["aws_subnet.pub"]["public"] is True
    assert edge["nat_gateways"]["aws_nat_gateway.nat"]["subnet"] == "aws_subnet.pub"
    assert edge["route_tables"]["aws_default_route_table.main"] == {
        "main": True,
        "tags": {},
        "subnets": [],
        "routes": {"0.0.0.0/0": "igw"},
    }
    assert edge["route_tables"]["aws_route_table.priv"]["routes"] == {"0.0.0.0/0": "nat:aws_nat_gateway.nat"}
    sg = edge["security_groups"]["aws_security_group.app"]
    assert sg["ingress"] == [
        {"protocol": "tcp", "port": 8080, "group": "aws_security_group.app"},
        {"protocol": "tcp", "port": 443, "cidr": "0.0.0.0/0"},
    ]
    assert sg["egress"] == [{"protocol": "all", "port": None, "cidr": "0.0.0.0/0"}]
    acl = edge["network_acls"]["aws_network_acl.priv"]
    assert acl["subnets"] == ["aws_subnet.priv"]
    assert acl["ingress"][100] == {"action": "allow", "protocol": "tcp", "cidr": "0.0.0.0/0", "port": 443}
    assert acl["egress"][100]["protocol"] == "all"
    assert topo["elastic_ips"] == {"aws_eip.nat": {"tags": {}}}
    net = load_plan(tmp_path / "plan.json")
    assert net.resource("aws_instance.app").instance_type == "t3.small"


def test_a_security_group_without_egress_blocks_has_no_egress_rule(tmp_path: Path) -> None:
    """Terraform removes AWS's default allow-all egress rule from a group it creates: with no
    ``egress`` block (and no egress rule resource) the group allows no outbound traffic.
    https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group"""
    p = _edge(Plan())
    p.items = [i for i in p.items if i["address"] != "aws_vpc_security_group_egress_rule.all"]
    topo, _ = topology(write(tmp_path, p.plan()))
    assert topo["vpcs"]["aws_vpc.edge"]["security_groups"]["aws_security_group.app"]["egress"] == []


def test_a_module_input_is_followed_to_the_caller(tmp_path: Path) -> None:
    """Inside a module, ``var.vpc_id`` is the calling ``module`` block's argument (module_calls
    expressions), which names a root resource."""
    p = Plan()
    p.add("aws_vpc.hub", {"cidr_block": "10.0.0.0/16"}, unknown=("id",))
    p.add(
        "module.spoke[0].aws_subnet.this",
        {"cidr_block": "10.0.5.0/24"},
        refs={"vpc_id": ["var.vpc_id"]},
        unknown=("id", "vpc_id"),
    )
    p.input("module.spoke", "vpc_id", ["aws_vpc.hub.id", "aws_vpc.hub"])
    topo, _ = topology(write(tmp_path, p.plan()))
    assert list(topo["vpcs"]["aws_vpc.hub"]["subnets"]) == ["module.spoke.0.aws_subnet.this"]


def test_an_aws_error_is_reported_at_the_resources_json_path(tmp_path: Path) -> None:
    """The network goes through the ControlPlane: a subnet outside its VPC's CIDRs meets AWS's
    InvalidSubnet.Range, reported at the subnet's place in the plan."""
    p = Plan()
    p.add("aws_vpc.a", {"cidr_block": "10.0.0.0/16"}, unknown=("id",))
    p.add(
        "aws_subnet.bad",
        {"cidr_block": "10.7.0.0/24"},
        refs={"vpc_id": ["aws_vpc.a.id"]},
        unknown=("id", "vpc_id"),
    )
    with pytest.raises(TerraformProblems) as exc:
        load_plan(write(tmp_path, p.plan()))
    [line] = str(exc.value).splitlines()
    assert line.startswith(f"{tmp_path / 'plan.json'}: $.resource_changes[1]: ")
    assert "InvalidSubnet.Range" in line


def test_an_unknown_cidr_is_named(tmp_path: Path) -> None:
    """A CIDR computed at apply (an IPAM allocation) cannot be modelled: the error says which."""
    p = Plan()
    p.add("aws_vpc.a", {"cidr_block": None}, unknown=("id", "cidr_block"))
    with pytest.raises(
        TerraformError,
        match=r"\$\.resource_changes\[0\]\.cidr_block: aws_vpc\.a: "
        r"cidr_block is unknown until apply",
    ):
        topology(write(tmp_path, p.plan()))


def test_a_reference_to_a_resource_outside_the_plan(tmp_path: Path) -> None:
    p = Plan()
    p.add("aws_subnet.x", {"cidr_block": "10.0.5.0/24", "vpc_id": "vpc-0123456789abcdef0"}, unknown=("id",))
    with pytest.raises(TerraformError, match=r"vpc_id vpc-0123456789abcdef0 is not a resource of this plan"):
        topology(write(tmp_path, p.plan()))


def test_for_each_module_instances_keep_their_own_references(tmp_path: Path) -> None:
    """Two instances of one module (``module.vpc["a"]``, ``module.vpc["b"]``): each subnet joins
    its own instance's VPC, and a root resource reaches one instance through its output
    (``module.vpc["b"].vpc_id``)."""
    p = Plan()
    for key, n in (("a", 1), ("b", 2)):
        m = f'module.vpc["{key}"]'
        p.add(f"{m}.aws_vpc.this", {"cidr_block": f"10.{n}.0.0/16"}, unknown=("id",))
        p.add(
            f"{m}.aws_subnet.this",
            {"cidr_block": f"10.{n}.1.0/24"},
            refs={"vpc_id": ["aws_vpc.this.id"]},
            unknown=("id", "vpc_id"),
        )
    p.output("module.vpc", "vpc_id", ["aws_vpc.this.id", "aws_vpc.this"])
    p.add(
        "aws_subnet.extra",
        {"cidr_block": "10.2.9.0/24"},
        refs={"vpc_id": ['module.vpc["b"].vpc_id']},
        unknown=("id", "vpc_id"),
    )
    topo, _ = topology(write(tmp_path, p.plan()))
    assert list(topo["vpcs"]["module.vpc.a.aws_vpc.this"]["subnets"]) == ["module.vpc.a.aws_subnet.this"]
    assert list(topo["vpcs"]["module.vpc.b.aws_vpc.this"]["subnets"]) == [
        "module.vpc.b.aws_subnet.this",
        "aws_subnet.extra",
    ]


def test_an_inline_rule_names_a_group_created_by_the_plan(tmp_path: Path) -> None:
    """``ingress { security_groups = [aws_security_group.web.id] }`` in a plan that creates both
    groups: the ids are unknown until apply, the block's references name the group."""
    p = Plan()
    p.add("aws_vpc.a", {"cidr_block": "10.0.0.0/16"}, unknown=("id",))
    p.add(
        "aws_security_group.web",
        {"ingress": [], "egress": []},
        refs={"vpc_id": ["aws_vpc.a.id"]},
        unknown=("id", "vpc_id"),
    )
    rule = {
        "protocol": "tcp",
        "from_port": 5432,
        "to_port": 5432,
        "cidr_blocks": [],
        "security_groups": [],
        "self": False,
    }
    p.add(
        "aws_security_group.db",
        {"ingress": [rule], "egress": []},
        refs={"vpc_id": ["aws_vpc.a.id"]},
        unknown=("id", "vpc_id"),
        blocks={
            "ingress": [
                {
                    "protocol": "tcp",
                    "from_port": 5432,
                    "to_port": 5432,
                    "security_groups": ["aws_security_group.web.id", "aws_security_group.web"],
                }
            ]
        },
    )
    topo, _ = topology(write(tmp_path, p.plan()))
    db = topo["vpcs"]["aws_vpc.a"]["security_groups"]["aws_security_group.db"]
    assert db["ingress"] == [{"protocol": "tcp", "port": 5432, "group": "aws_security_group.web"}]
