"""The price table: AWS's pricing rules as data, each pinned to the AWS page it comes from, and the
errors a user's own table meets (file:line, never a silent zero)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vpclab.advisor import PriceError, load_prices
from vpclab.cli.main import app

REGIONS = ("us-east-1", "us-east-2", "us-west-2")


@pytest.fixture(scope="module")
def table():
    return load_prices()


def test_every_price_names_its_aws_page_and_date(table) -> None:
    """Each entry carries its unit, an aws.amazon.com pricing page and the date it was read, and a
    price in every Region the table lists (issue 14 point 1)."""
    assert table.regions() == list(REGIONS)
    for p in table.prices.values():
        assert p.page.startswith("https://aws.amazon.com/") and "pricing" in p.page, p.key
        assert p.unit and p.note and p.read.year >= 2026
        assert set(p.usd) == set(REGIONS), p.key


def test_transit_gateway_attachment_month(table) -> None:
    """https://aws.amazon.com/transit-gateway/pricing/ — $0.05 per attachment-hour in US East (N.
    Virginia); AWS's own examples price a month as 730 hours, so one attachment is $36.50/month."""
    assert table.get("transit_gateway.attachment_hour", "us-east-1") == Decimal("0.05")
    assert table.monthly("transit_gateway.attachment_hour", "us-east-1") == Decimal("36.50")
    assert table.monthly("transit_gateway.attachment_hour", "us-east-1", count=10) == Decimal("365.00")


def test_transit_gateway_processing_only_from_vpc_vpn_dx(table) -> None:
    """https://aws.amazon.com/transit-gateway/pricing/ — data processing is charged per GB sent into
    the transit gateway from a VPC, Direct Connect or VPN attachment ($0.02/GB); data arriving from a
    peering attachment carries no processing charge."""
    assert table.get("transit_gateway.data_processed_gb", "us-east-1") == Decimal("0.02")
    assert table.get("transit_gateway.data_processed_from_peering_gb", "us-east-1") == 0
    assert "peering" in table.price("transit_gateway.data_processed_from_peering_gb").note


def test_peering_same_az_free_cross_az_each_direction(table) -> None:
    """https://aws.amazon.com/vpc/pricing/ — data over a VPC peering connection within one Availability
    Zone is free; across Availability Zones the in-Region rate applies, $0.01/GB in each direction
    (https://aws.amazon.com/ec2/pricing/on-demand/), so a GB that crosses AZs costs $0.02."""
    assert table.get("vpc_peering.same_az_gb", "us-east-1") == 0
    cross = table.get("data_transfer.cross_az_gb", "us-east-1")
    assert cross == Decimal("0.01") and 2 * cross == Decimal("0.02")
    assert "each direction" in table.price("data_transfer.cross_az_gb").unit


def test_nat_gateway_hour_and_processing(table) -> None:
    """https://aws.amazon.com/vpc/pricing/ — a NAT gateway is $0.045 per hour and $0.045 per GB
    processed whatever the traffic's source or destination ($32.85 for a month)."""
    assert table.monthly("nat_gateway.hour", "us-east-1") == Decimal("32.85")
    assert table.get("nat_gateway.data_processed_gb", "us-east-1") == Decimal("0.045")


def test_endpoints(table) -> None:
    """https://aws.amazon.com/privatelink/pricing/ — an interface endpoint is $0.01 per AZ-hour and
    $0.01/GB (first PB); gateway endpoints (https://aws.amazon.com/vpc/pricing/) are free."""
    assert table.monthly("vpc_endpoint.interface_az_hour", "us-east-1", count=2) == Decimal("14.60")
    assert table.get("vpc_endpoint.interface_data_processed_gb", "us-east-1") == Decimal("0.01")
    assert table.get("vpc_endpoint.gateway_hour", "us-east-1") == 0
    assert table.get("vpc_endpoint.gateway_data_processed_gb", "us-east-1") == 0


def test_vpn_and_public_ipv4(table) -> None:
    """https://aws.amazon.com/vpn/site-to-site-vpn-pricing/ — $0.05 per VPN connection-hour;
    https://aws.amazon.com/vpc/pricing/ — $0.005 per public IPv4 address-hour."""
    assert table.monthly("site_to_site_vpn.connection_hour", "us-east-1") == Decimal("36.50")
    assert table.monthly("public_ipv4.address_hour", "us-east-1") == Decimal("3.65")


def test_unknown_region_or_price_is_an_error_not_zero(table) -> None:
    with pytest.raises(PriceError, match=r"no price for 'nat_gateway.hour' in Region eu-west-1 .*--prices"):
        table.get("nat_gateway.hour", "eu-west-1")
    with pytest.raises(PriceError, match=r"did you mean 'nat_gateway.hour'"):
        table.get("nat_gateway.hours", "us-east-1")


def test_override_file_replaces_and_extends(tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(
        '[prices."nat_gateway.hour"]\nread = 2026-12-01\nusd = { us-east-1 = 0.04, eu-west-1 = 0.048 }\n'
    )
    table = load_prices(mine)
    assert table.get("nat_gateway.hour", "us-east-1") == Decimal("0.04")  # a discount
    assert table.get("nat_gateway.hour", "eu-west-1") == Decimal("0.048")  # another Region
    assert table.get("nat_gateway.hour", "us-west-2") == Decimal("0.045")  # the rest kept
    assert table.price("nat_gateway.hour").page == "https://aws.amazon.com/vpc/pricing/"
    assert table.sources == ("vpclab's price table", str(mine))
    assert "eu-west-1" not in table.regions()  # not every price is known there


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[prices."nat_gateway.hour"\nusd = 1\n', r"mine.toml: not TOML: .*line 1"),
        ("[meta]\nhours_per_month = -1\n", r"mine.toml:2: \[meta\] hours_per_month must be a positive"),
        (
            '[prices."nat_gateway.hour"]\nusd = { us-east-1 = -0.1 }\n',
            r"mine.toml:1: price 'nat_gateway.hour' in us-east-1: expected a price of 0 or more",
        ),
        ('[prices."nat_gateway.hour"]\nusd = { us-east-1 = "cheap" }\n', r"not 'cheap'"),
        (
            '\n[prices."nat_gateway.hour"]\nusd = { us-east-1 = 0.1 }\nprise = 1\n',
            r"mine.toml:2: price 'nat_gateway.hour' has unknown field 'prise'",
        ),
        (
            '[prices."my.thing"]\nusd = { us-east-1 = 0.1 }\n',
            r"mine.toml:1: price 'my.thing' is new, so it needs unit, page, read, note",
        ),
        ('[prices."nat_gateway.hour"]\nusd = { useast1 = 0.1 }\n', r"'useast1' is not a Region name"),
        ('[price."nat_gateway.hour"]\n', r"mine.toml:1: unknown section 'price'"),
    ],
)
def test_bad_table_one_line_with_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(text)
    with pytest.raises(PriceError, match=message):
        load_prices(mine)


def test_cli_prices_json_and_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["prices", "--region", "us-east-1", "--format", "json"])
    assert done.exit_code == 0, done.output
    doc = json.loads(done.stdout)
    row = next(p for p in doc["prices"] if p["key"] == "transit_gateway.attachment_hour")
    assert row["usd"] == {"us-east-1": "0.05"} and row["page"].endswith("/transit-gateway/pricing/")
    bad = runner.invoke(app, ["prices", "--region", "eu-west-1"])
    assert bad.exit_code == 1 and "no price for" in bad.stderr and "Traceback" not in bad.output
    missing = runner.invoke(app, ["prices", "--prices", str(tmp_path / "nope.toml")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr
