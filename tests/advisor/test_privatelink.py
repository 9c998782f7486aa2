"""`vpclab advise`'s PrivateLink candidate: service-style flows carried by an endpoint service
(Network Load Balancer) in the provider's VPC and an interface endpoint in each consumer's, built
through AWS's rules, judged through the endpoints, priced from the price table."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

import vpclab
from vpclab.advisor import privatelink as pl
from vpclab.advisor.advise import NOT_APPLICABLE, advise, recommended
from vpclab.advisor.candidates import strip
from vpclab.advisor.cost import cost
from vpclab.advisor.prices import load_prices
from vpclab.advisor.privatelink_check import check, via_endpoints
from vpclab.advisor.traffic import load_traffic
from vpclab.cli.main import app
from vpclab.interop.export_yaml import dump, export_topology
from vpclab.network.intents import load_intents, loads_intents
from vpclab.topology import loads

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples/shared-services.yaml"
INTENTS = ROOT / "examples/intents/shared-services.yaml"
TRAFFIC = ROOT / "examples/traffic/shared-services.yaml"
REGION = "us-east-1"


@pytest.fixture(scope="module")
def candidates() -> dict[str, object]:
    cands = advise(vpclab.load(EXAMPLE), load_intents(INTENTS), load_prices(), load_traffic(TRAFFIC))
    return {c.design: c for c in cands}


def _edited(old: str, new: str) -> vpclab.Network:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    return vpclab.loads(text.replace(old, new, 1))


def _plan_and_build(net: vpclab.Network, intents_text: str):
    intents = loads_intents(intents_text)
    stripped, _ = strip(export_topology(net).topology)
    p = pl.plan(net, intents, stripped)
    assert not p.reasons, p.reasons
    doc, _ = pl.build(stripped, p)
    return intents, p, doc


def test_network_load_balancer_hours_and_nlcus() -> None:
    """https://aws.amazon.com/elasticloadbalancing/pricing/ — a Network Load Balancer is $0.0225 an
    hour and $0.006 an NLCU-hour (for TCP, 1 GB processed in an hour): $16.425 a month. The
    PrivateLink example pays it on top of its endpoint's two AZs
    (https://aws.amazon.com/privatelink/pricing/): 14.60 + 16.425 = $31.03 (to the cent)."""
    table = load_prices()
    assert table.get("network_load_balancer.hour", REGION) * table.hours_per_month == Decimal("16.425")
    assert table.get("network_load_balancer.nlcu_gb", REGION) == Decimal("0.006")
    bill = cost(vpclab.load(ROOT / "examples/privatelink-cross-account.yaml"), table)
    assert bill.fixed == Decimal("14.60") + Decimal("16.425")


def test_shared_service_for_three_consumers(candidates) -> None:
    """https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html —
    the API behind a Network Load Balancer (a subnet in each of its Availability Zones) published
    as an endpoint service allowing the three team accounts, and in each team's VPC an interface
    endpoint in the team's zone. Priced from the table: three endpoints in one AZ each, one load
    balancer, and the 300 GB through an endpoint and the load balancer
    (https://aws.amazon.com/privatelink/pricing/, https://aws.amazon.com/elasticloadbalancing/pricing/)."""
    plink = candidates["privatelink"]
    assert plink.accepted and plink.intents == 3 and plink.violated == ()
    table = load_prices()
    fixed = table.hours_per_month * (
        3 * table.get("vpc_endpoint.interface_az_hour", REGION)
        + table.get("network_load_balancer.hour", REGION)
    )
    per_gb = table.get("vpc_endpoint.interface_data_processed_gb", REGION) + table.get(
        "network_load_balancer.nlcu_gb", REGION
    )
    assert (plink.fixed, plink.usage) == (fixed, 300 * per_gb)
    assert (fixed, 300 * per_gb) == (Decimal("38.325"), Decimal("4.800"))  # 3 × 7.30 + 16.425; 300 × 0.016
    # dearer than a mesh or one shared VPC (cross-AZ transfer only), cheaper than the hub
    assert candidates["mesh"].total < plink.total < candidates["transit-gateway"].total
    assert (plink.connections, plink.routes) == (3, 0)  # three endpoints, no route between VPCs
    svc = plink.document["endpoint_services"]["platform-svc"]
    assert svc["nlb"] == {
        "subnets": ["platform-a", "platform-b"],
        "listeners": [443],
        "targets": ["api-1", "api-2"],
    }
    assert svc["acceptance_required"] is False and svc["allowed_principals"] == ["team1", "team2", "team3"]
    team2 = plink.document["vpcs"]["team2"]
    assert team2["endpoints"]["team2-to-platform-svc"]["subnets"] == ["team2-app"]
    assert team2["security_groups"]["team2-to-platform-svc-sg"]["ingress"] == [
        {"protocol": "tcp", "port": 443, "cidr": "10.2.1.0/24"}
    ]
    assert recommended(list(candidates.values())).design == "shared-vpc"  # $3.00, the cheapest


def test_written_out_reloaded_and_traced(tmp_path: Path) -> None:
    """The candidate's YAML loads and traces: a team reaches the API through its endpoint (the load
    balancer picks the target in the endpoint's zone), and there is no route to the API itself."""
    runner = CliRunner()
    done = runner.invoke(
        app,
        [
            "advise",
            str(EXAMPLE),
            "--intents",
            str(INTENTS),
            "--traffic",
            str(TRAFFIC),
            "--write-dir",
            str(tmp_path),
            "--format",
            "json",
        ],
    )
    assert done.exit_code == 0, done.output
    doc = json.loads(done.stdout)
    plink = next(c for c in doc["candidates"] if c["design"] == "privatelink")
    assert plink["accepted"] and plink["total"] == "43.13"
    net = vpclab.load(tmp_path / "privatelink.yaml")
    via = net.trace("team2-host", "team2-to-platform-svc", protocol="tcp", port=443)
    assert via.reachable
    hops = [h.component for h in via.forward_hops]
    assert hops.index("vpc-endpoint") < hops.index("load-balancer") < hops.index("target-group")
    assert via.forward_hops[-1].id == net.ids["api-2/eni"]  # team2 and api-2 are in us-east-1b
    assert not net.trace("team1-host", "api-1", protocol="tcp", port=443).reachable
    table = runner.invoke(app, ["advise", str(EXAMPLE), "--intents", str(INTENTS)])
    assert (
        "│ privatelink " in table.stdout
        and "privatelink: services: platform-svc (api-1, api-2 on 443)" in table.stdout
    )


def test_two_way_traffic_is_not_applicable() -> None:
    """https://docs.aws.amazon.com/vpc/latest/privatelink/concepts.html — consumers create endpoints
    to connect to a provider's endpoint service; the provider has no endpoint toward its consumers.
    Intents that need the API to call a team back cannot be carried: not applicable, with both
    intents named."""
    intents = INTENTS.read_text() + (
        "- {name: the API calls team1 back, from: api-1, to: team1-host, port: 8443, expect: reachable}\n"
    )
    (plink,) = advise(vpclab.load(EXAMPLE), loads_intents(intents), load_prices(), designs=("privatelink",))
    assert plink.document is None and not plink.accepted
    assert plink.error == (
        NOT_APPLICABLE + "traffic both ways between platform and team1 (platform → team1: 'the API calls "
        "team1 back'; team1 → platform: 'the teams use the API'): PrivateLink carries connections the "
        "consumer opens, never the provider's"
    )


def test_flows_that_are_not_service_style_are_named() -> None:
    """Only TCP to a given port of one VPC's instances is carried (a Network Load Balancer's
    PrivateLink listeners are TCP ports,
    https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html):
    ICMP between teams, or every team reaching every other, is named as what the candidate cannot carry."""
    intents = loads_intents(
        "- {name: ping the API, from: team1-host, to: api-1, protocol: icmp, port: 8, expect: reachable}\n"
        "- {name: teams talk, from: [{vpc: team1}, {vpc: team2}], to: [{vpc: team2}, {vpc: team3}],"
        " port: 443, expect: reachable}\n"
    )
    (plink,) = advise(vpclab.load(EXAMPLE), intents, load_prices(), designs=("privatelink",))
    assert plink.error.startswith(NOT_APPLICABLE)
    assert "intent 'ping the API' is not TCP to a given port" in plink.error
    assert "intent 'teams talk' does not end at one VPC's service" in plink.error


def test_endpoint_zones_must_be_among_the_services() -> None:
    """https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html — an
    interface endpoint's Availability Zones must be among those of the endpoint service (its load
    balancer's): a team whose only subnet is in us-east-1c cannot have an endpoint to a service in
    1a and 1b, so the candidate does not apply, and says why."""
    net = _edited(
        "team3-app: {cidr: 10.3.1.0/24, az: us-east-1a}", "team3-app: {cidr: 10.3.1.0/24, az: us-east-1c}"
    )
    (plink,) = advise(net, load_intents(INTENTS), load_prices(), designs=("privatelink",))
    assert plink.error == (
        NOT_APPLICABLE + "team3 has no subnet in the Availability Zones of platform-svc (us-east-1a, "
        "us-east-1b): an interface endpoint's zones must be among the service's"
    )


def test_judged_through_the_endpoints_not_by_construction() -> None:
    """https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html
    — through PrivateLink the targets see the load balancer's addresses, not the client's: a target
    group whose instances do not admit the load balancer's subnets breaks the intent; so does a team
    without its endpoint. And an "unreachable" intent is broken by a path through an endpoint even
    though no route leads to the instance."""
    net = vpclab.load(EXAMPLE)
    intents, p, doc = _plan_and_build(net, INTENTS.read_text())
    built = loads(dump(doc))
    assert check(built, intents, p) == (3, ())
    doc["vpcs"]["platform"]["security_groups"]["api-sg"]["ingress"] = [
        {"protocol": "tcp", "port": 443, "cidr": "10.1.0.0/16"}
    ]
    assert check(loads(dump(doc)), intents, p) == (3, ("the teams use the API",))
    _, p, doc = _plan_and_build(net, INTENTS.read_text())
    del doc["vpcs"]["team3"]["endpoints"]
    assert check(loads(dump(doc)), intents, p)[1] == ("the teams use the API",)
    leak = (
        INTENTS.read_text()
        + "- {name: team1 never calls api-1, from: team1-host, to: api-1, port: 443, expect: unreachable}\n"
    )
    intents, p, doc = _plan_and_build(net, leak)
    built = loads(dump(doc))
    assert not built.trace("team1-host", "api-1", protocol="tcp", port=443).reachable  # no route
    assert check(built, intents, p) == (4, ("team1 never calls api-1",))  # but the endpoint leads there


def test_traffic_goes_through_the_endpoints() -> None:
    """A team's flow to an API instance is priced along its endpoint's path: endpoint processing
    and the load balancer's capacity units (https://aws.amazon.com/privatelink/pricing/,
    https://aws.amazon.com/elasticloadbalancing/pricing/)."""
    net = vpclab.load(EXAMPLE)
    _, p, doc = _plan_and_build(net, INTENTS.read_text())
    built = loads(dump(doc))
    bill = cost(built, load_prices(), load_traffic(TRAFFIC), via_endpoints(built, p))
    assert {f.status for f in bill.flows} == {"costed"} and len(bill.flows) == 6
    assert {f.crosses for f in bill.flows} == {("interface endpoint", "NLB")}
    assert bill.usage == Decimal("4.800")
