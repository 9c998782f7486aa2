"""``vpclab export terraform`` (issue 12 point 4, round trip 5(b)): HCL for the AWS provider, parsed
back with python-hcl2 — the same resources (types, counts, key attributes), references instead of
ids, valid identifiers, providers per Region and account — and imported again as the
`terraform show -json` plan it stands for (HashiCorp's JSON Output Format,
https://developer.hashicorp.com/terraform/internals/json-format) through vpclab's own importer:
the same matrices where the importer reads the types."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import hcl2
import pytest

import vpclab
from tests.interop.export_helpers import EXAMPLE_FILES, EXAMPLES, pairs
from tests.interop.terraform.tfjson import Plan
from tests.interop.test_export_yaml import vpclab_cli
from vpclab.interop.export_terraform import export_terraform
from vpclab.interop.terraform_import import load_plan
from vpclab.model.endpoints import VpcEndpoint, VpcEndpointService
from vpclab.model.gateways import NatGateway
from vpclab.model.interfaces import Instance
from vpclab.model.load_balancer import LoadBalancer
from vpclab.model.peering import VpcPeeringConnection
from vpclab.model.security_group import SecurityGroup
from vpclab.model.subnet import Subnet
from vpclab.model.transit_gateway import TransitGateway
from vpclab.model.vpc import Vpc
from vpclab.model.vpn import CustomerGateway, VpnConnection

_REF = re.compile(r"\b((?:data\.)?aws_[a-z0-9_]+\.[A-Za-z_][A-Za-z0-9_-]*)(\.[a-z_]+)?")
_AWS_ID = re.compile(
    r"\b(?:vpc|subnet|rtb|sg|igw|nat|eni|i|tgw|tgw-attach|tgw-rtb|pcx|vgw|cgw|vpn|eipalloc|acl|vpce)"
    r"-[0-9a-f]{8,17}\b"
)
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def unquote(v: Any) -> Any:
    """python-hcl2 keeps a string literal's quotes and marks blocks: plain values."""
    if isinstance(v, str) and v.startswith('"'):
        return json.loads(v)
    if isinstance(v, dict):
        return {unquote(k): unquote(x) for k, x in v.items() if k != "__is_block__"}
    if isinstance(v, list):
        return [unquote(x) for x in v]
    return v


def resources(text: str) -> dict[tuple[str, str], dict[str, Any]]:
    """(type, name) → the block's arguments, as python-hcl2 parses them."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for block in hcl2.loads(text).get("resource", []):
        for rtype, named in block.items():
            for name, body in named.items():
                out[unquote(rtype), unquote(name)] = body
    return out


def references(v: Any) -> list[str]:
    found: list[str] = []
    for s in v if isinstance(v, list) else [v]:
        if isinstance(s, str) and s.startswith("${"):
            for m in _REF.finditer(s):
                if m[2]:
                    found.append(m[1] + m[2])
                found.append(m[1])
    return found


def plan_of(text: str, region: str) -> dict[str, Any]:
    """The plan `terraform show -json` would print for creating these resources in an empty account:
    literal arguments are known values, references are unknown until apply (``after_unknown``)
    and recorded as the configuration's ``references``."""
    plan = Plan(region=region)
    for (rtype, name), body in resources(text).items():
        after: dict[str, Any] = {}
        refs: dict[str, list[str]] = {}
        unknown = ["id", "arn"]
        for key, value in body.items():
            if key in ("__is_block__", "provider", "depends_on"):
                continue
            if found := references(value):
                refs[key] = found
                unknown.append(key)
            else:
                after[key] = unquote(value)
        plan.add(f"{rtype}.{name}", after, refs=refs, unknown=tuple(unknown))
    return plan.plan()


def _live(world: Any, kind: type, ok: Any = lambda r: True) -> int:
    return sum(1 for r in world.all(kind) if ok(r))


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_example_parses_back_to_the_same_resources(example: Path) -> None:
    net = vpclab.load(example)
    result = export_terraform(net)
    text = result.files["main.tf"]
    parsed = resources(text)
    counts = Counter(t for t, _ in parsed)
    w = net.world
    assert counts["aws_vpc"] == _live(w, Vpc)
    assert counts["aws_subnet"] == _live(w, Subnet)
    assert counts["aws_instance"] == _live(w, Instance)
    assert counts["aws_security_group"] == _live(w, SecurityGroup, lambda g: not g.is_default)
    assert counts["aws_nat_gateway"] == _live(w, NatGateway)
    assert counts["aws_ec2_transit_gateway"] == _live(w, TransitGateway)
    assert counts["aws_vpc_peering_connection"] == _live(
        w, VpcPeeringConnection, lambda p: p.status_code == "active"
    )
    assert counts["aws_customer_gateway"] == _live(w, CustomerGateway)
    assert counts["aws_vpn_connection"] == _live(w, VpnConnection)
    assert counts["aws_vpc_endpoint_service"] == _live(w, VpcEndpointService)
    assert counts["aws_lb"] == _live(w, LoadBalancer)
    assert counts["aws_vpc_endpoint"] == _live(w, VpcEndpoint)
    # key attributes: each subnet's CIDR and zone, in its VPC by reference
    for s in w.all(Subnet):
        body = parsed["aws_subnet", result.addresses[s.id].split(".")[1]]
        assert unquote(body.get("cidr_block")) == s.cidr_block
        assert unquote(body["availability_zone"]) == s.availability_zone
        assert body["vpc_id"] == "${" + result.addresses[s.vpc_id] + ".id}"
    # references, never literal ids; valid identifiers; every reference resolves
    assert not _AWS_ID.search(text), _AWS_ID.search(text)
    assert all(_IDENT.match(name) for _, name in parsed)
    data = {
        f"data.{unquote(t)}.{unquote(n)}"
        for b in hcl2.loads(text).get("data", [])
        for t, v in b.items()
        for n in v
    }
    known = {f"{t}.{n}" for t, n in parsed} | data
    for body in parsed.values():
        for value in body.values():
            for ref in references(value):
                if ref.count(".") == (2 if ref.startswith("data.") else 1):
                    assert ref in known, ref


def test_providers_per_region_and_account() -> None:
    text = export_terraform(vpclab.load(EXAMPLES / "tgw-inter-region-peering.yaml")).files["main.tf"]
    providers = [unquote(p)["aws"] for p in hcl2.loads(text)["provider"]]
    assert sorted((p.get("alias", ""), p["region"]) for p in providers) == [
        ("", "us-east-1"),
        ("eu_west_1", "eu-west-1"),
    ]
    body = resources(text)["aws_vpc", "west-app"]
    assert body["provider"] == "${aws.eu_west_1}"
    text = export_terraform(vpclab.load(EXAMPLES / "privatelink-cross-account.yaml")).files["main.tf"]
    other = [unquote(p)["aws"] for p in hcl2.loads(text)["provider"] if "alias" in unquote(p)["aws"]]
    assert other and all(
        p["assume_role"][0]["role_arn"].endswith(":role/OrganizationAccountAccessRole") for p in other
    )


def test_endpoint_services_come_with_their_load_balancers() -> None:
    text = export_terraform(vpclab.load(EXAMPLES / "privatelink-cross-account.yaml")).files["main.tf"]
    parsed = resources(text)
    service = parsed["aws_vpc_endpoint_service", "billing-service"]
    assert service["network_load_balancer_arns"] == ["${aws_lb.billing-service-nlb.arn}"]
    assert unquote(service["allowed_principals"]) == ["arn:aws:iam::222222222222:root"]
    listener = parsed["aws_lb_listener", "billing-service-nlb-443"]
    assert listener["port"] == 443 and listener["default_action"][0]["type"] == '"forward"'
    endpoint = parsed["aws_vpc_endpoint", "billing-endpoint"]
    assert endpoint["service_name"] == "${aws_vpc_endpoint_service.billing-service.service_name}"
    # acceptance required: the provider's account accepts, with the default provider (its account)
    accepter = parsed["aws_vpc_endpoint_connection_accepter", "billing-endpoint"]
    assert "provider" not in accepter and endpoint["provider"] == "${aws.account_222222222222_us_east_1}"
    text = export_terraform(vpclab.load(EXAMPLES / "centralized-inspection.yaml")).files["main.tf"]
    gateway = [b for (t, _), b in resources(text).items() if t == "aws_lb"]
    assert [unquote(b["load_balancer_type"]) for b in gateway] == ["gateway"]


#: examples whose every resource type vpclab's Terraform importer reads (docs/interop.md)
IMPORTABLE = [
    "two-peered-vpcs",
    "peering-triangle",
    "s3-gateway-endpoint",
    "centralized-egress",
    "full-mesh-vs-tgw",
    "tgw-segmentation",
    "dual-stack",
]


@pytest.mark.parametrize("example", IMPORTABLE)
def test_the_equivalent_plan_imports_to_the_same_matrices(example: str, tmp_path: Path) -> None:
    """5(b): YAML → export terraform → parse → the plan JSON of those resources → vpclab's importer."""
    net = vpclab.load(EXAMPLES / f"{example}.yaml")
    result = export_terraform(net)
    region = next(
        unquote(p)["aws"]["region"]
        for p in hcl2.loads(result.files["main.tf"])["provider"]
        if "alias" not in unquote(p)["aws"]
    )
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(plan_of(result.files["main.tf"], region)))
    back = load_plan(plan)
    rename = {net.names[rid]: address for rid, address in result.addresses.items() if rid in net.names}
    for level in ("subnet", "interface"):
        assert pairs(back, level) == pairs(net, level, rename), level


def test_split_writes_one_file_per_vpc_with_the_same_resources(tmp_path: Path) -> None:
    example = EXAMPLES / "tgw-segmentation.yaml"
    proc = vpclab_cli("export", "terraform", str(example), "--split", "-o", str(tmp_path / "tf"))
    assert proc.returncode == 0, proc.stderr
    files = sorted(p.name for p in (tmp_path / "tf").iterdir())
    net = vpclab.load(example)
    assert files == sorted(
        ["main.tf", "providers.tf", *(f"vpc-{net.names[v.id]}.tf" for v in net.world.all(Vpc))]
    )
    split: dict[tuple[str, str], Any] = {}
    for f in (tmp_path / "tf").iterdir():
        split.update(resources(f.read_text()))
    assert split == resources(export_terraform(net).files["main.tf"])
    assert vpclab_cli("export", "terraform", str(example), "--split").returncode == 2  # needs -o DIR


def test_what_a_topology_can_say_is_written_as_terraform() -> None:
    from tests.interop.test_export_yaml import RICH
    from vpclab.topology import loads

    result = export_terraform(loads(RICH, file="rich.yaml"))
    assert result.notes == []
    parsed = resources(result.files["main.tf"])
    assert unquote(parsed["aws_vpc_dhcp_options", "app-dhcp-options"]["domain_name"]) == "corp.example"
    assert parsed["aws_vpc_dhcp_options_association", "app"]["vpc_id"] == "${aws_vpc.app.id}"
    reservation = parsed["aws_ec2_subnet_cidr_reservation", "web-10_0_1_64_26"]
    assert unquote(reservation["reservation_type"]) == "explicit"
    # a subnet in the secondary block waits for it; IPv6 blocks are carved from the VPC's /56
    assert parsed["aws_subnet", "data"]["depends_on"] == ["${aws_vpc_ipv4_cidr_block_association.app_cidr_2}"]
    assert (
        parsed["aws_subnet", "web"]["ipv6_cidr_block"] == "${cidrsubnet(aws_vpc.app.ipv6_cidr_block, 8, 3)}"
    )
    assert parsed["aws_instance", "web-1"]["ipv6_address_count"] == 1
    route = parsed["aws_route", "app-main-office"]
    assert route["destination_prefix_list_id"] == "${aws_ec2_managed_prefix_list.office.id}"
    assert route["route_table_id"] == "${aws_default_route_table.app-main.id}"
    rule = next(
        b
        for (t, _), b in parsed.items()
        if t == "aws_vpc_security_group_egress_rule"
        and b.get("referenced_security_group_id") == "${aws_security_group.db-sg.id}"
    )
    assert unquote(rule["description"]) == "to the database"


@pytest.mark.parametrize("example", ["tgw-segmentation", "privatelink-cross-account", "dual-stack"])
def test_a_snapshot_exports_to_terraform(
    example: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A snapshot's resources (named by their Name tags, or after their VPC and kind) as HCL: the
    same counts, references and no literal id."""
    from tests.interop.export_helpers import snapshot_of

    snap = snapshot_of(vpclab.load(EXAMPLES / f"{example}.yaml"), tmp_path / "snap", monkeypatch)
    net = vpclab.load(snap)
    text = export_terraform(net).files["main.tf"]
    counts = Counter(t for t, _ in resources(text))
    assert counts["aws_subnet"] == _live(net.world, Subnet) > 0
    assert counts["aws_instance"] == _live(net.world, Instance)
    assert not _AWS_ID.search(text), _AWS_ID.search(text)


def test_fifty_vpcs_in_two_accounts_and_two_regions() -> None:
    """A provider per account and Region (the other account through assume_role), a RAM share of
    each transit gateway, every attachment created by its VPC's account."""
    from tests.interop.test_export_diagram import fifty_vpcs
    from vpclab.topology import loads

    text = export_terraform(loads(json.dumps(fifty_vpcs()), file="fifty.yaml")).files["main.tf"]
    parsed = resources(text)
    counts = Counter(t for t, _ in parsed)
    assert counts["aws_vpc"] == 50 and counts["aws_ec2_transit_gateway_vpc_attachment"] == 50
    assert counts["aws_ram_resource_share"] == 2 and counts["aws_ram_principal_association"] == 2
    providers = {p.get("alias", ""): p for p in (unquote(b)["aws"] for b in hcl2.loads(text)["provider"])}
    # 222222222222 owns the most VPCs (26 of 50): the default provider is its, in us-east-1
    assert sorted(providers) == [
        "",
        "account_111111111111_eu_west_1",
        "account_111111111111_us_east_1",
        "eu_west_1",
    ]
    assert providers[""]["allowed_account_ids"] == ["222222222222"]
    assert "assume_role" in providers["account_111111111111_us_east_1"]
    attachment = parsed["aws_ec2_transit_gateway_vpc_attachment", "vpc01-att"]  # vpc01 is 111111111111's
    assert attachment["provider"] == "${aws.account_111111111111_us_east_1}"
    assert "provider" not in parsed["aws_ec2_transit_gateway", "hub-us-east-1"]
