"""``vpclab export mermaid|dot|svg|png`` (issue 12 point 4): regions, accounts and VPCs as clusters,
one node per subnet and gateway, transit gateways with their route tables, peering / attachment /
VPN / Direct Connect edges, on-premises; bounded and deduplicated at 50 VPCs; svg and png through
Debian's graphviz when it is there, one clear line when it is not."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

import vpclab
from tests.interop.export_helpers import EXAMPLE_FILES, EXAMPLES
from tests.interop.test_export_yaml import vpclab_cli
from vpclab.interop.export_diagram import Diagram, diagram, render_with_dot, to_dot, to_mermaid
from vpclab.topology import loads

HAS_DOT = shutil.which("dot") is not None


def test_mermaid_shows_the_parts_of_a_hybrid_design() -> None:
    text = to_mermaid(diagram(vpclab.load(EXAMPLES / "hybrid-dx-vpn.yaml")))
    assert text.startswith("flowchart LR\n")
    for part in (
        '["us-east-1"]',
        '["account 111111111111"]',
        '["VPC app"]',
        '"app-a<br/>10.1.1.0/24 us-east-1a"',
        '["transit gateway hub"]',
        "route table hub-rt<br/>5 assoc, 5 prop, 0 static",
        '["on-premises"]',
        '"dc<br/>203.0.113.50 ASN 65100"',
        "Direct Connect gateway corp-dx",
        '|"VPN dc-vpn"|',
        '|"transit VIF"|',
        '|"association"|',
        '|"attachment"|',
    ):
        assert part in text, part


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_example_draws_one_node_per_subnet(example: Path) -> None:
    net = vpclab.load(example)
    d = diagram(net)
    mermaid, dot = to_mermaid(d), to_dot(d)
    subnets = [r for r in net.world.resources() if type(r).__name__ == "Subnet"]
    for s in subnets:
        assert mermaid.count(f'"{net.names[s.id]}<br/>') == 1
        assert dot.count(f'label="{net.names[s.id]}\\n') == 1
    assert dot.count("{") == dot.count("}")
    assert mermaid.count("subgraph ") == mermaid.count("\n" + " " * 2 + "end") + sum(
        mermaid.count("\n" + " " * k + "end\n") for k in (4, 6, 8, 10)
    )


def fifty_vpcs() -> dict[str, Any]:
    """50 VPCs in two Regions and two accounts, each on its Region's transit gateway (its route
    table associating and propagating all of them), the first ten peered in a full mesh, and a
    data centre with a VPN connection to each gateway."""
    vpcs: dict[str, Any] = {}
    tgws: dict[str, Any] = {}
    for r, region in enumerate(("us-east-1", "eu-west-1")):
        names = []
        for i in range(25):
            k = r * 25 + i
            name = f"vpc{k:02d}"
            names.append(name)
            vpcs[name] = {
                "region": region,
                "account": "111111111111" if i % 2 else "222222222222",
                "cidr": f"10.{k}.0.0/16",
                "subnets": {
                    f"{name}-a": {"cidr": f"10.{k}.1.0/24", "az": f"{region}a"},
                    f"{name}-b": {"cidr": f"10.{k}.2.0/24", "az": f"{region}b"},
                },
            }
        tgws[f"hub-{region}"] = {
            "region": region,
            "account": "222222222222",
            "options": {"auto_accept_shared_attachments": True},
            "attachments": {f"{n}-att": {"vpc": n, "subnets": [f"{n}-a"]} for n in names},
        }
    peerings = {
        f"p{a}-{b}": {"requester": f"vpc{a:02d}", "accepter": f"vpc{b:02d}"}
        for a in range(10)
        for b in range(a + 1, 10)
    }
    return {
        "account": "111111111111",
        "region": "us-east-1",
        "vpcs": vpcs,
        "transit_gateways": tgws,
        "peerings": peerings,
        "shares": {
            f"hub-{r}-share": {
                "region": r,
                "account": "222222222222",
                "resources": [f"hub-{r}"],
                "principals": ["111111111111"],
            }
            for r in ("us-east-1", "eu-west-1")
        },
        "customer_gateways": {
            f"dc-{r}": {"region": r, "ip": f"203.0.113.{i + 1}", "account": "222222222222"}
            for i, r in enumerate(("us-east-1", "eu-west-1"))
        },
        "vpn_connections": {
            f"dc-{r}-{n}": {
                "region": r,
                "account": "222222222222",
                "customer_gateway": f"dc-{r}",
                "transit_gateway": f"hub-{r}",
            }
            for r in ("us-east-1", "eu-west-1")
            for n in (1,)
        },
    }


def test_fifty_vpcs_stay_readable() -> None:
    """Bounded: one node per VPC and subnet, a node per gateway and route table, one edge per
    connection; regions hold accounts, accounts hold VPCs."""
    d = diagram(loads(json.dumps(fifty_vpcs()), file="fifty.yaml"))
    nodes, edges = d.counts()
    # 50 VPC nodes + 100 subnets + 2 gateways + 2 route tables + 2 sites
    assert nodes == 50 + 100 + 2 + 2 + 2
    # 50 attachments + 45 peerings + 2 VPN connections
    assert edges == 50 + 45 + 2
    mermaid, dot = to_mermaid(d), to_dot(d)
    assert mermaid.count('|"VPN dc-us-east-1-1"|') == 1
    assert len(mermaid) < 40_000 and len(dot) < 60_000
    # regions > accounts > VPCs: two Regions, two accounts in each
    assert len(re.findall(r"subgraph region_", mermaid)) == 2
    assert len(re.findall(r"subgraph acct_", mermaid)) == 4


def test_edges_are_deduplicated() -> None:
    """One edge per pair of ends, whichever side names it first; more connections are counted on it."""
    d = Diagram()
    d.edge("n1", "n2", "peering a-b")
    d.edge("n2", "n1", "peering a-b")
    d.edge("n2", "n1", "peering a-b")
    d.edge("n1", "n1", "to itself")
    assert d.edges == {("n1", "n2"): "peering a-b (3)"}


@pytest.mark.skipif(
    not HAS_DOT, reason="Debian's graphviz is not installed (make test installs it when root)"
)
def test_fifty_vpcs_render_with_graphviz_in_bounded_time() -> None:
    d = diagram(loads(json.dumps(fifty_vpcs()), file="fifty.yaml"))
    started = time.monotonic()
    svg = render_with_dot(to_dot(d), "svg").decode()
    assert time.monotonic() - started < 60
    assert svg.lstrip().startswith("<?xml") and "vpc00&#45;a" in svg


@pytest.mark.skipif(
    not HAS_DOT, reason="Debian's graphviz is not installed (make test installs it when root)"
)
def test_svg_and_png_through_graphviz(tmp_path: Path) -> None:
    for fmt, magic in (("svg", b"<?xml"), ("png", b"\x89PNG")):
        out = tmp_path / f"net.{fmt}"
        proc = vpclab_cli("export", fmt, str(EXAMPLES / "two-peered-vpcs.yaml"), "-o", str(out))
        assert proc.returncode == 0, proc.stderr
        assert out.read_bytes().startswith(magic)


def test_without_graphviz_svg_is_one_clear_line(tmp_path: Path) -> None:
    """PATH without `dot`: exit 1, one line naming the Debian package, nothing written."""
    out = tmp_path / "net.svg"
    for fmt in ("svg", "png"):
        proc = vpclab_cli(
            "export", fmt, str(EXAMPLES / "two-peered-vpcs.yaml"), "-o", str(out), env={"PATH": str(tmp_path)}
        )
        assert proc.returncode == 1, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "Debian package graphviz" in lines[0] and "Traceback" not in proc.stderr
        assert not out.exists()


def test_cli_mermaid_and_dot(tmp_path: Path) -> None:
    proc = vpclab_cli("export", "mermaid", str(EXAMPLES / "peering-triangle.yaml"))
    assert proc.returncode == 0 and proc.stdout.startswith("flowchart LR")
    out = tmp_path / "triangle.dot"
    proc = vpclab_cli("export", "dot", str(EXAMPLES / "peering-triangle.yaml"), "-o", str(out))
    assert proc.returncode == 0 and out.read_text().startswith('graph "peering-triangle.yaml" {')
    assert vpclab_cli("export", "png", str(EXAMPLES / "peering-triangle.yaml")).returncode == 2  # binary: -o
