"""Loading a Terraform plan: a 2,000-resource ``terraform show -json`` plan → a network (issue 12).

The plan (written to HashiCorp's JSON Output Format by tests/interop/terraform/tfjson.py) creates
143 VPCs, each from a module instance (``module.vpc["vpc-N"]``: the VPC, 4 subnets by
``for_each``, an internet gateway, a route table with a default route, 4 associations, a security
group and a rule) — 2,002 resources whose ids are all unknown until apply, so every reference is
followed through the configuration. Measured: read + translate + load through the ControlPlane.
Target (issue 12): ≤ 2 s.

    python -m bench.terraform
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from tests.interop.terraform.tfjson import Plan
from vpclab.interop.terraform_import import load_plan

ZONES = ("a", "b", "c", "d")
TARGET_S = 2.0


def plan(vpcs: int = 143) -> dict[str, object]:
    p = Plan()
    for i in range(vpcs):
        m = f'module.vpc["vpc-{i}"]'
        base = f"{10 + i // 256}.{i % 256}"
        vpc = {"vpc_id": ["aws_vpc.this.id", "aws_vpc.this"]}
        p.add(f"{m}.aws_vpc.this", {"cidr_block": f"{base}.0.0/16"}, unknown=("id",))
        for k, z in enumerate(ZONES):
            p.add(
                f'{m}.aws_subnet.this["{z}"]',
                {"cidr_block": f"{base}.{k}.0/24", "availability_zone": f"us-east-1{z}"},
                refs=vpc,
                unknown=("id", "vpc_id"),
            )
            p.add(
                f'{m}.aws_route_table_association.this["{z}"]',
                {},
                refs={
                    "subnet_id": ["aws_subnet.this", "each.key"],
                    "route_table_id": ["aws_route_table.this.id"],
                },
                unknown=("id", "subnet_id", "route_table_id"),
            )
        p.add(f"{m}.aws_internet_gateway.this", {}, refs=vpc, unknown=("id", "vpc_id"))
        p.add(f"{m}.aws_route_table.this", {"route": []}, refs=vpc, unknown=("id", "vpc_id"))
        p.add(
            f"{m}.aws_route.default",
            {"destination_cidr_block": "0.0.0.0/0"},
            refs={
                "route_table_id": ["aws_route_table.this.id"],
                "gateway_id": ["aws_internet_gateway.this.id"],
            },
            unknown=("id", "route_table_id", "gateway_id"),
        )
        p.add(
            f"{m}.aws_security_group.this",
            {"description": "web", "ingress": [], "egress": []},
            refs=vpc,
            unknown=("id", "vpc_id"),
        )
        p.add(
            f"{m}.aws_vpc_security_group_ingress_rule.https",
            {"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "0.0.0.0/0"},
            refs={"security_group_id": ["aws_security_group.this.id"]},
            unknown=("id", "security_group_id"),
        )
    return p.plan()


def run(vpcs: int = 143) -> tuple[int, float]:
    """(resources, seconds to load the plan)."""
    doc = plan(vpcs)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        start = time.perf_counter()
        net = load_plan(path)
        seconds = time.perf_counter() - start
    assert len(net.ids) > 0
    return len(doc["resource_changes"]), seconds  # type: ignore[arg-type]


def report(result: tuple[int, float]) -> list[str]:
    n, seconds = result
    ok = "✔" if seconds <= TARGET_S else "✘"
    return [
        f"{'Terraform plan load (' + format(n, ',') + ' resources, ids unknown until apply)':70} "
        f"{seconds * 1000:8.1f}ms   target ≤ {TARGET_S:.0f} s {ok}"
    ]


if __name__ == "__main__":
    for line in report(run()):
        print(line)
    sys.exit(0)
