"""`vpclab advise SOURCE --intents`: candidates over a real network's VPCs, built through AWS's
rules, checked against the intents and compared."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import yaml
from typer.testing import CliRunner

import vpclab
from vpclab.advisor.advise import advise, recommended
from vpclab.advisor.candidates import strip
from vpclab.advisor.designs import hub, synthetic
from vpclab.advisor.prices import load_prices
from vpclab.advisor.traffic import loads_traffic
from vpclab.cli.main import app
from vpclab.interop.export_yaml import export_topology
from vpclab.network.intents import loads_intents
from vpclab.topology import loads

ROOT = Path(__file__).resolve().parents[2]
MESH_VS_TGW = ROOT / "examples/full-mesh-vs-tgw.yaml"


def _by_design(cands):
    return {c.design: c for c in cands}


def _every_to_every(n: int, port: int = 443) -> str:
    side = "[" + ", ".join(f"{{vpc: team{i}}}" for i in range(n)) + "]"
    return f"- {{name: all reach all, from: {side}, to: {side}, port: {port}, expect: reachable}}\n"


def test_strip_takes_out_what_joins_vpcs() -> None:
    doc, notes = strip(export_topology(vpclab.load(MESH_VS_TGW)).topology)
    assert "peerings" not in doc and "transit_gateways" not in doc and notes == []
    routes = [
        t
        for v in doc["vpcs"].values()
        for table in v["route_tables"].values()
        for t in table["routes"].values()
    ]
    assert routes == []


def test_candidates_for_a_hub_of_six(tmp_path: Path) -> None:
    """https://aws.amazon.com/transit-gateway/pricing/ — six VPCs on a hub, 10 GB between each
    ordered pair over two AZs: the hub costs 6 × $36.50 + 30 × 10 × $0.02 = $225.00; a mesh or one
    shared VPC only the cross-AZ transfer, 18 × 10 × $0.02 = $3.60
    (https://aws.amazon.com/ec2/pricing/on-demand/). All keep the intent; the cheapest, with fewest
    routes, is recommended."""
    n = 6
    net = loads(yaml.safe_dump(hub(synthetic(n))))
    flows = loads_traffic(
        "".join(
            f"- team{i}-host -> team{j}-host: 10 GB/month\n" for i in range(n) for j in range(n) if i != j
        )
    )
    cands = _by_design(advise(net, loads_intents(_every_to_every(n)), load_prices(), flows))
    assert {d: str(c.total) for d, c in cands.items() if c.accepted} == {
        "yours": "225.00",
        "mesh": "3.60",
        "transit-gateway": "225.00",
        "shared-vpc": "3.60",
    }
    assert (
        cands["mesh"].connections,
        cands["transit-gateway"].connections,
        cands["shared-vpc"].connections,
    ) == (15, 6, 0)
    assert recommended(list(cands.values())).design == "shared-vpc"  # as cheap as the mesh, nothing to manage


def test_a_candidate_that_breaks_an_intent_is_rejected() -> None:
    """An isolation intent (team0 never reaches team1) holds in your segmented design but not in a
    full mesh or a flat hub: those are rejected, with the intent named."""
    n = 3
    doc = hub(synthetic(n))
    for i in range(n):  # yours: no routes between the VPCs at all, so nothing reaches anything
        doc["vpcs"][f"team{i}"]["route_tables"][f"team{i}-rt"]["routes"] = {}
    net = loads(yaml.safe_dump(doc))
    intents = loads_intents(
        "- {name: team0 isolated, from: {vpc: team0}, to: {vpc: team1}, protocol: all, expect: unreachable}\n"
    )
    cands = _by_design(advise(net, intents, load_prices()))
    assert cands["yours"].accepted
    assert cands["mesh"].violated == ("team0 isolated",) and not cands["mesh"].accepted
    assert cands["transit-gateway"].violated == ("team0 isolated",)


def test_shared_vpc_follows_vpc_intents_and_refuses_restricted_ranges() -> None:
    """https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html — a VPC whose primary
    block is in 10.0.0.0/8 cannot add one from 172.16.0.0/12: folding 10.x and 172.16.x VPCs into
    one cannot be built, with AWS's error; intents naming VPCs follow their subnets in a shared VPC
    that can."""
    cands = _by_design(
        advise(
            vpclab.load(MESH_VS_TGW),
            loads_intents(
                "- {from: {vpc: mesh-0}, to: {vpc: mesh-1}, protocol: icmp, port: 8, expect: reachable}\n"
            ),
            load_prices(),
        )
    )
    assert "InvalidVpc.Range" in (cands["shared-vpc"].error or "")
    net = loads(yaml.safe_dump(hub(synthetic(3))))
    shared = _by_design(advise(net, loads_intents(_every_to_every(3)), load_prices()))["shared-vpc"]
    assert shared.accepted and shared.intents == 1


def test_cli_write_dir_json_and_exit_codes(tmp_path: Path) -> None:
    intents = tmp_path / "i.yaml"
    intents.write_text(
        "- {from: {vpc: mesh-0}, to: {vpc: mesh-1}, protocol: icmp, port: 8, expect: reachable}\n"
    )
    out = tmp_path / "cands"
    runner = CliRunner()
    done = runner.invoke(
        app,
        ["advise", str(MESH_VS_TGW), "--intents", str(intents), "--write-dir", str(out), "--format", "json"],
    )
    assert done.exit_code == 0, done.output
    doc = json.loads(done.stdout)
    assert doc["recommended"] == "mesh" and len(doc["candidates"]) == 5
    plink = doc["candidates"][-1]  # icmp between VPCs is not service-style: no file written
    assert plink["design"] == "privatelink" and plink["error"].startswith("not applicable: ")
    assert not plink["applicable"] and all(c["applicable"] for c in doc["candidates"][:-1])
    assert sorted(p.name for p in out.iterdir()) == [
        "mesh.yaml",
        "shared-vpc.yaml",
        "transit-gateway.yaml",
        "yours.yaml",
    ]
    assert vpclab.load(out / "transit-gateway.yaml").ids["hub"].startswith("tgw-")  # a file that loads
    never = tmp_path / "never.yaml"
    never.write_text(
        "- {from: {vpc: mesh-0}, to: {vpc: mesh-1}, protocol: all, expect: unreachable}\n"
        "- {from: {vpc: mesh-0}, to: {vpc: mesh-1}, protocol: all, expect: reachable}\n"
    )
    none = runner.invoke(app, ["advise", str(MESH_VS_TGW), "--intents", str(never)])
    assert none.exit_code == 1 and "no candidate keeps every intent" in none.stdout
    assert runner.invoke(app, ["advise", str(MESH_VS_TGW)]).exit_code == 2  # no --intents
    both = runner.invoke(app, ["advise", str(MESH_VS_TGW), "--sweep", "vpcs=2..3"])
    assert both.exit_code == 2 and "takes no SOURCE" in both.stderr


def test_bad_intents_file_line(tmp_path: Path) -> None:
    bad = tmp_path / "i.yaml"
    bad.write_text("- {from: mesh-00, to: mesh-1, expect: reachable}\n")
    done = CliRunner().invoke(app, ["advise", str(MESH_VS_TGW), "--intents", str(bad)])
    assert done.exit_code == 1 and "Traceback" not in done.output
    assert f"{bad}:1:" in done.stderr and "did you mean" in done.stderr


def test_money_is_exact() -> None:
    n = 3
    net = loads(yaml.safe_dump(hub(synthetic(n))))
    (yours,) = advise(net, loads_intents(_every_to_every(n)), load_prices(), designs=("yours",))
    assert yours.fixed == Decimal("109.50")  # 3 × 0.05 × 730, to the cent


def test_a_segmented_hub_keeps_isolation_intents() -> None:
    """https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-isolated.html — isolated VPCs on
    one transit gateway: a route table per segment, associated with and propagated from its members.
    team0 must reach team2 and never team1: the flat hub and the mesh break that, the segmented hub
    (segments {team0, team2} and {team1}) keeps it."""
    net = loads(yaml.safe_dump(hub(synthetic(3))))
    intents = loads_intents(
        "- {name: team0 reaches team2, from: {vpc: team0}, to: {vpc: team2}, port: 443, expect: reachable}\n"
        "- {name: team0 isolated, from: {vpc: team0}, to: {vpc: team1}, protocol: all, expect: unreachable}\n"
    )
    cands = _by_design(advise(net, intents, load_prices()))
    assert cands["transit-gateway"].violated == ("team0 isolated",)
    seg = cands["transit-gateway-segmented"]
    assert seg.accepted, (seg.error, seg.violated)
    assert seg.notes == ("segments: team0, team2; team1",)
    tables = seg.document["transit_gateways"]["hub"]["route_tables"]
    assert sorted(t["associations"] for t in tables.values()) == [["hub-team0", "hub-team2"], ["hub-team1"]]
    assert (
        not cands["shared-vpc"].accepted and not cands["yours"].accepted
    )  # one VPC / a flat hub: no isolation
    routed = [c for c in cands.values() if c.design != "privatelink"]
    assert recommended(routed).design == "transit-gateway-segmented"
    # team0 → team2 on 443 alone is service-style: one endpoint (1 AZ × $0.01 × 730) and one NLB
    # ($0.0225 × 730) cost less than three attachments, and keep both intents
    plink = cands["privatelink"]
    assert plink.accepted and plink.total == Decimal("7.30") + Decimal("16.425")
    assert recommended(list(cands.values())) is plink
