"""The break-even picture: designs built through AWS's rules, priced by `vpclab cost`."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from vpclab.advisor.cost import cents, cost
from vpclab.advisor.designs import build, synthetic
from vpclab.advisor.prices import load_prices
from vpclab.advisor.sweep import Point, crossings, parse_range, point, same_cost
from vpclab.advisor.traffic import loads_traffic
from vpclab.cli.main import app
from vpclab.topology import loads


@pytest.fixture(scope="module")
def prices():
    return load_prices()


@pytest.mark.parametrize("design", ["mesh", "transit-gateway", "shared-vpc"])
def test_representative_flows_price_every_pair(design, prices) -> None:
    """The sweep prices one same-AZ and one cross-AZ pair carrying every pair's volume: equal, to
    the cent, to pricing all 20 ordered pairs of 5 VPCs one by one."""
    n, gb = 5, Decimal(100)
    fast = point(design, n, gb, prices)
    net = loads(yaml.safe_dump(build(design, synthetic(n))))
    text = "".join(
        f"- {{from: team{i}-host, to: team{j}-host, volume: {gb} GB/month, protocol: all}}\n"
        for i in range(n)
        for j in range(n)
        if i != j
    )
    full = cost(net, prices, loads_traffic(text))
    assert fast.buildable and all(f.status == "costed" for f in full.flows)
    assert cents(fast.total) == cents(full.total)


def test_hand_computed_points(prices) -> None:
    """https://aws.amazon.com/transit-gateway/pricing/ and https://aws.amazon.com/vpc/pricing/ — 6
    VPCs over 2 AZs, 100 GB between each ordered pair: 30 pairs, 18 of them cross-AZ. Mesh and one
    shared VPC pay cross-AZ transfer only (18 × 100 × $0.02 = $36); the hub pays 6 attachments
    (6 × $36.50) and $0.02/GB on every GB (30 × 100 × $0.02) = $279."""
    mesh = point("mesh", 6, Decimal(100), prices)
    hub = point("transit-gateway", 6, Decimal(100), prices)
    shared = point("shared-vpc", 6, Decimal(100), prices)
    assert (cents(mesh.total), cents(hub.total), cents(shared.total)) == (
        Decimal("36.00"),
        Decimal("279.00"),
        Decimal("36.00"),
    )
    assert (mesh.connections, hub.connections, shared.connections) == (15, 6, 0)
    assert (mesh.routes_per_table, hub.routes_per_table) == (5, 1)


def test_aws_default_quotas_refuse_the_sixth_vpc(prices) -> None:
    """https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html — 5 VPCs per Region for
    a new account: 6 separate VPCs cannot be built without an increase; one shared VPC can."""
    mesh = point("mesh", 6, Decimal(1), prices, quotas="aws-default")
    assert not mesh.buildable and "VpcLimitExceeded" in (mesh.error or "")
    assert point("shared-vpc", 6, Decimal(1), prices, quotas="aws-default").buildable


def test_crossings_and_same_cost() -> None:
    def p(design, n, total):
        return Point(design, n, Decimal(1), fixed=Decimal(total))

    pts = [p("a", 2, 10), p("b", 2, 20), p("a", 4, 30), p("b", 4, 20), p("c", 2, 10), p("c", 4, 30)]
    assert crossings(pts, "vpcs") == [("a", "b", 3.0), ("b", "c", 3.0)]
    assert same_cost(pts) == [("a", "c")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("vpcs=2..", "A, B and STEP are whole numbers"),
        ("vpcs=1..5", "2 ≤ A ≤ B"),
        ("hosts=2..5", "--sweep takes"),
        ("vpcs=2..300", "at most 250 VPCs"),
        ("pair_gb=0..100000:1", "at most 100"),
    ],
)
def test_parse_range_errors(text, message) -> None:
    with pytest.raises(ValueError, match=message):
        parse_range(text)


def test_parse_range_points() -> None:
    assert parse_range("vpcs=2..60")[1][:3] == [2, 6, 10] and parse_range("vpcs=2..60")[1][-1] == 60
    assert parse_range("pair_gb=0..100:50") == ("pair_gb", [0, 50, 100])


def test_cli_json_and_picture(tmp_path: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["advise", "--sweep", "pair_gb=0..200:100", "--vpcs", "3", "--format", "json"])
    assert done.exit_code == 0, done.output
    doc = json.loads(done.stdout)
    assert doc["axis"] == "pair_gb" and len(doc["points"]) == 9
    svg = tmp_path / "sweep.svg"
    done = runner.invoke(app, ["advise", "--sweep", "vpcs=2..4:2", "--out", str(svg)])
    assert done.exit_code == 0, done.output
    assert svg.read_text().lstrip().startswith("<?xml") and "transit-gateway" in svg.read_text()
    bad = runner.invoke(app, ["advise", "--sweep", "vpcs=2..4", "--out", str(tmp_path / "x.gif")])
    assert bad.exit_code == 1 and ".svg or .png" in bad.stderr


def test_without_matplotlib_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    import builtins

    real = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    done = CliRunner().invoke(app, ["advise", "--sweep", "vpcs=2..3", "--out", str(tmp_path / "s.png")])
    assert done.exit_code == 1 and "pip install 'vpclab[plot]'" in done.stderr
