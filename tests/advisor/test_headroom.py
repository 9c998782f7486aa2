"""Quota headroom: every quota vpclab enforces is measured, with AWS's default and maximum beside
it, and the warnings a designer needs (a quota increase, 20% from a hard limit)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import vpclab
from vpclab.advisor.headroom import COUNTERS, NOT_COUNTS, Use, headroom
from vpclab.cli.main import app
from vpclab.model.quotas import table

ROOT = Path(__file__).resolve().parents[2]


def test_every_enforced_quota_is_measured() -> None:
    """Each quota in model/quotas.toml has a counter (or is named as not a count)."""
    assert set(table()) == set(COUNTERS) | set(NOT_COUNTS)


def test_mesh_needs_a_vpc_quota_increase() -> None:
    """https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html — 5 VPCs per Region by
    default, adjustable: the 8-VPC example needs an increase; its busiest VPC has 3 active peerings
    of AWS's default 50 (adjustable to 125)."""
    uses = {u.quota: u for u in headroom(vpclab.load(ROOT / "examples/full-mesh-vs-tgw.yaml").world)}
    vpcs = uses["vpcs_per_region"]
    assert (vpcs.used, vpcs.default, vpcs.adjustable) == (8, 5, True)
    assert vpcs.warning == "needs a quota increase: AWS's default is 5" and vpcs.buildable
    peerings = uses["active_peerings_per_vpc"]
    assert (peerings.used, peerings.default, peerings.maximum, peerings.warning) == (3, 50, 125, None)


def test_warnings_hard_and_adjustable() -> None:
    """A hard limit (tags per resource: 50, not adjustable) warns within 20% and is unbuildable past
    it; an adjustable quota past AWS's documented maximum cannot be built either."""
    near = Use("tags_per_resource", "vpc-1", "1", "us-east-1", 40, 50, 50, adjustable=False)
    assert near.warning == "within 20% of the hard limit of 50" and near.buildable
    over = Use("tags_per_resource", "vpc-1", "1", "us-east-1", 51, 50, 50, adjustable=False)
    assert over.warning == "over the hard limit of 50" and not over.buildable
    past = Use("active_peerings_per_vpc", "vpc-1", "1", "us-east-1", 126, 50, 125, adjustable=True)
    assert past.warning == "over AWS's maximum of 125: cannot be built" and not past.buildable
    close = Use("active_peerings_per_vpc", "vpc-1", "1", "us-east-1", 41, 50, 125, adjustable=True)
    assert close.warning == "within 20% of AWS's default of 50 (adjustable)"


def test_all_scopes_and_tightest() -> None:
    world = vpclab.load(ROOT / "examples/full-mesh-vs-tgw.yaml").world
    every = [u for u in headroom(world, everything=True) if u.quota == "active_peerings_per_vpc"]
    assert len(every) == 4 and {u.used for u in every} == {3}  # each mesh VPC peers with the 3 others
    routes = [u for u in headroom(world, everything=True) if u.quota == "routes_per_route_table"]
    assert max(u.used for u in routes) == 3  # mesh tables: a route per peer, the local route not counted


def test_cli_quotas() -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["quotas", str(ROOT / "examples/full-mesh-vs-tgw.yaml"), "--format", "json"])
    assert done.exit_code == 0, done.output
    doc = json.loads(done.stdout)
    assert doc["buildable"] is True
    row = next(q for q in doc["quotas"] if q["quota"] == "vpcs_per_region")
    assert row["aws_default"] == 5 and row["headroom"] == -3 and row["warning"].startswith("needs a quota")
    text = runner.invoke(app, ["quotas", str(ROOT / "examples/full-mesh-vs-tgw.yaml")]).stdout
    assert "! vpcs_per_region at 123456789012/us-east-1: needs a quota increase" in text
