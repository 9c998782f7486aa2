"""Path-aware cost: every pricing rule that is easy to get wrong, pinned to the AWS page that
states it, on networks traced as `vpclab trace` traces them."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

import vpclab
from vpclab.advisor.cost import cents, cost
from vpclab.advisor.prices import PriceError, load_prices
from vpclab.advisor.traffic import TrafficError, loads_traffic
from vpclab.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
EGRESS = ROOT / "examples/centralized-egress.yaml"

PEERED = """
region: us-east-1
vpcs:
  a:
    cidr: 10.0.0.0/16
    subnets:
      a-1a: {cidr: 10.0.1.0/24, az: us-east-1a}
      a-1b: {cidr: 10.0.2.0/24, az: us-east-1b}
    route_tables:
      a-rt: {subnets: [a-1a, a-1b], routes: {10.1.0.0/16: pcx:a-b}}
    security_groups:
      a-sg: {ingress: [{protocol: all, cidr: 10.0.0.0/8}]}
    instances:
      a-host-1a: {subnet: a-1a, groups: [a-sg]}
      a-host-1b: {subnet: a-1b, groups: [a-sg]}
  b:
    cidr: 10.1.0.0/16
    subnets:
      b-1a: {cidr: 10.1.1.0/24, az: us-east-1a}
      b-1b: {cidr: 10.1.2.0/24, az: us-east-1b}
    route_tables:
      b-rt: {subnets: [b-1a, b-1b], routes: {10.0.0.0/16: pcx:a-b}}
    security_groups:
      b-sg: {ingress: [{protocol: all, cidr: 10.0.0.0/8}]}
    instances:
      b-host-1a: {subnet: b-1a, groups: [b-sg]}
      b-host-1b: {subnet: b-1b, groups: [b-sg]}
peerings:
  a-b: {requester: a, accepter: b}
"""


@pytest.fixture(scope="module")
def prices():
    return load_prices()


def _usage(report, price):
    return sum((c.usd for c in report.charges if c.kind == "usage" and c.price == price), Decimal(0))


def test_fixed_costs_are_hours_times_price(prices) -> None:
    """https://aws.amazon.com/transit-gateway/pricing/ and https://aws.amazon.com/vpc/pricing/ —
    each VPC attachment $0.05/hour, a NAT gateway $0.045/hour, its Elastic IP (a public IPv4
    address) $0.005/hour, for AWS's 730-hour month."""
    report = cost(vpclab.load(EGRESS), prices)
    assert cents(report.fixed) == Decimal("146.00")  # 3 × 36.50 + 32.85 + 3.65
    kinds = sorted(c.price for c in report.charges)
    assert kinds.count("transit_gateway.attachment_hour") == 3
    assert kinds.count("nat_gateway.hour") == 1 and kinds.count("public_ipv4.address_hour") == 1


def test_tgw_processing_on_the_sending_attachment_and_nat_on_top(prices) -> None:
    """https://aws.amazon.com/transit-gateway/pricing/ — processing is charged per GB sent into the
    transit gateway from the (spoke's) VPC attachment, once; https://aws.amazon.com/vpc/pricing/ —
    the egress VPC's NAT gateway charges its processing on top, and data out to the internet is
    charged as well (https://aws.amazon.com/ec2/pricing/on-demand/)."""
    flows = loads_traffic("- spoke-a-host -> internet: 1 TB/month\n")
    report = cost(vpclab.load(EGRESS), prices, flows)
    tgw = [c for c in report.charges if c.price == "transit_gateway.data_processed_gb"]
    assert len(tgw) == 1 and tgw[0].name == "core-spoke-a" and tgw[0].quantity == 1024
    assert cents(_usage(report, "nat_gateway.data_processed_gb")) == Decimal("46.08")  # 1024 × 0.045
    assert cents(_usage(report, "data_transfer.internet_out_gb")) == Decimal("92.16")  # 1024 × 0.09
    (flow,) = report.flows
    assert flow.crosses == ("TGW", "NAT", "data out") and cents(flow.usd) == Decimal("158.72")


def test_peering_same_az_free_cross_az_both_ways(prices) -> None:
    """https://aws.amazon.com/vpc/pricing/ — data over VPC peering within one Availability Zone is
    free; across AZs the in-Region rate applies out of one AZ and into the other
    (https://aws.amazon.com/ec2/pricing/on-demand/: $0.01/GB in each direction)."""
    net = vpclab.loads(PEERED)
    same = cost(net, prices, loads_traffic("- a-host-1a -> b-host-1a: 100 GB/month\n"))
    assert same.usage == 0 and same.flows[0].status == "costed"
    cross = cost(net, prices, loads_traffic("- a-host-1a -> b-host-1b: 100 GB/month\n"))
    assert cents(cross.usage) == Decimal("2.00")  # 100 × 0.01 out + 100 × 0.01 in
    assert cross.flows[0].crosses == ("cross-AZ",)


def test_cross_az_inside_a_vpc(prices) -> None:
    """https://aws.amazon.com/ec2/pricing/on-demand/ — data between Availability Zones of one Region
    is charged in each direction, inside one VPC too; the same AZ is free."""
    net = vpclab.loads(PEERED)
    assert cost(net, prices, loads_traffic("- a-host-1a -> a-host-1b: 50 GB/month\n")).usage == Decimal(
        "1.00"
    )


def test_spread_even_or_each(prices) -> None:
    net = vpclab.loads(PEERED)
    even = cost(net, prices, loads_traffic("- from: a-host-1a\n  to: {vpc: b}\n  volume: 100 GB/month\n"))
    assert [f.gb for f in even.flows] == [50, 50]
    each = cost(
        net,
        prices,
        loads_traffic("- from: a-host-1a\n  to: {vpc: b}\n  volume: 100 GB/month\n  spread: each\n"),
    )
    assert [f.gb for f in each.flows] == [100, 100]
    both = cost(net, prices, loads_traffic("- a-host-1a <-> b-host-1b: 10 GB/month\n"))
    assert [(f.source, f.destination) for f in both.flows] == [
        ("a-host-1a", "b-host-1b"),
        ("b-host-1b", "a-host-1a"),
    ]


def test_blocked_flow_reported_not_costed(prices) -> None:
    report = cost(vpclab.load(EGRESS), prices, loads_traffic("- spoke-a-host -> spoke-b-host: 10 GB/month\n"))
    (flow,) = report.flows
    assert flow.status == "blocked" and flow.usd == 0 and flow.codes
    assert report.usage == 0


def test_inter_region_tgw_peering(prices, tmp_path: Path) -> None:
    """https://aws.amazon.com/transit-gateway/pricing/ — no processing charge for data sent into a
    transit gateway from a peering attachment; the data pays inter-Region transfer out of the
    sending Region (https://aws.amazon.com/ec2/pricing/on-demand/). A Region without prices is an
    error naming the price, never a zero."""
    text = (
        (ROOT / "examples/tgw-inter-region-peering.yaml")
        .read_text()
        .replace(
            "      west-host: {subnet: west-app-a, private_ip: 10.20.1.10}\n",
            "      west-host: {subnet: west-app-a, private_ip: 10.20.1.10, groups: [west-sg]}\n"
            "    security_groups:\n"
            "      west-sg: {ingress: [{protocol: tcp, port: 443, cidr: 10.10.0.0/16}]}\n",
        )
    )
    net = vpclab.loads(text)
    with pytest.raises(PriceError, match="Region eu-west-1"):
        cost(net, prices)
    mine = tmp_path / "eu.toml"
    mine.write_text(
        "".join(
            f'[prices."{key}"]\nusd = {{ eu-west-1 = {value} }}\n'
            for key, value in (
                ("transit_gateway.attachment_hour", "0.05"),
                ("transit_gateway.data_processed_gb", "0.02"),
                ("transit_gateway.data_processed_from_peering_gb", "0"),
                ("data_transfer.inter_region_gb", "0.02"),
            )
        )
    )
    table = load_prices(mine)
    fixed = cost(net, table)
    peering = [c for c in fixed.charges if c.why.startswith("peering")]
    assert sorted(c.region for c in peering) == ["eu-west-1", "us-east-1"]  # billed on both sides
    flows = loads_traffic("- from: east-host\n  to: west-host\n  volume: 10 GB/month\n  port: 443\n")
    report = cost(net, table, flows)
    assert report.flows[0].status == "costed", report.flows
    assert cents(_usage(report, "data_transfer.inter_region_gb")) == Decimal("0.20")
    assert _usage(report, "transit_gateway.data_processed_from_peering_gb") == 0
    assert [c.region for c in report.charges if c.price == "transit_gateway.data_processed_gb"] == [
        "us-east-1"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "- spoke-a-hots -> internet: 1 GB/month\n",
            r"t.yaml:1:3: unknown name 'spoke-a-hots' \(did you mean 'spoke-a-host'\?\)",
        ),
        ("- spoke-a-host -> internet: -5 GB/month\n", r"t.yaml:1:\d+: a volume cannot be negative"),
        ("- spoke-a-host -> internet: 500\n", r"t.yaml:1:\d+: a volume is a number, a unit and /month"),
        ("- spoke-a-host -> internet: 500 GB\n", r"has no period"),
        (
            "- from: {tag: {team: nobody}}\n  to: internet\n  volume: 1 GB/month\n",
            r"t.yaml:1:3: flow .* no pair",
        ),
        ("- from: spoke-a-host\n  volume: 1 GB/month\n", r"t.yaml:1:3: missing 'to'"),
        (
            "- spoke-a-host -> internet: 1 GB/month\n  prot: tcp\n",
            r"unknown key 'prot' \(did you mean 'port'\?\)",
        ),
    ],
)
def test_bad_traffic_file_line_and_exit_1(tmp_path: Path, text: str, message: str) -> None:
    bad = tmp_path / "t.yaml"
    bad.write_text(text)
    done = CliRunner().invoke(app, ["cost", str(EGRESS), "--traffic", str(bad)])
    assert done.exit_code == 1, done.output
    assert any(__import__("re").search(message, line) for line in done.stderr.splitlines()), done.stderr
    assert "Traceback" not in done.output


def test_traffic_parse_errors_are_collected() -> None:
    with pytest.raises(TrafficError) as exc:
        loads_traffic("- a -> b: 1 GB/month\n- 7\n- c -> d: lots\n", "t.yaml")
    assert [p.line for p in exc.value.problems] == [2, 3]


def test_cli_json_and_csv() -> None:
    runner = CliRunner()
    traffic = str(ROOT / "examples/traffic/centralized-egress.yaml")
    done = runner.invoke(app, ["cost", str(EGRESS), "--traffic", traffic, "--format", "json"])
    assert done.exit_code == 0, done.output
    doc = json.loads(done.stdout)
    assert doc["total"] == "540.94" and doc["fixed"] == "146.00"
    assert [f["status"] for f in doc["flows"]] == ["costed", "costed", "blocked"]
    rows = runner.invoke(app, ["cost", str(EGRESS), "--format", "csv"]).stdout.splitlines()
    assert rows[0].startswith("kind,component,component_type") and len(rows) == 1 + 5


def test_cost_and_quotas_of_a_running_server() -> None:
    """`vpclab cost --endpoint-url` reads a running `vpclab serve` through its EC2 API (as `vpclab
    export` does) and prices it as the file it was loaded from."""
    from tests.api.conftest import start_server, stop_server

    srv = start_server("--no-default-vpc", "--load", str(EGRESS))
    try:
        env = {
            "AWS_ACCESS_KEY_ID": "123456789012",
            "AWS_SECRET_ACCESS_KEY": "lab",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
        runner = CliRunner()
        traffic = str(ROOT / "examples/traffic/centralized-egress.yaml")
        done = runner.invoke(
            app, ["cost", "--endpoint-url", srv.url, "--traffic", traffic, "--format", "json"], env=env
        )
        assert done.exit_code == 0, done.output
        assert json.loads(done.stdout)["total"] == "540.94"
        quotas = runner.invoke(app, ["quotas", "--endpoint-url", srv.url, "--format", "json"], env=env)
        assert quotas.exit_code == 0, quotas.output
    finally:
        stop_server(srv)
