"""Every bundled example topology loads with zero errors, and says what it shows and what to try."""

from __future__ import annotations

from pathlib import Path

import pytest

from vpclab.topology import TopologyError, load

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))
REQUIRED = {"two-peered-vpcs", "peering-triangle", "full-mesh-vs-tgw", "tgw-segmentation",
            "tgw-inter-region-peering", "centralized-egress", "s3-gateway-endpoint",
            "privatelink-cross-account", "vpn-vgw", "vpn-tgw", "shared-vpc"}


def test_every_design_has_an_example() -> None:
    assert {p.stem for p in EXAMPLES} >= REQUIRED


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_loads_without_errors(path: Path) -> None:
    try:
        net = load(path)
    except TopologyError as exc:  # pragma: no cover - the failure message is the point
        pytest.fail(f"{path.name} does not load:\n{exc.report()}")
    assert net.ids, "an example declares resources"
    for name, rid in net.ids.items():
        assert net.world.get(rid) is not None, f"{name} → {rid} is not in the World"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_starts_with_what_it_shows_and_what_to_try(path: Path) -> None:
    header = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    assert len(header) >= 3, f"{path.name} needs a header comment"
    assert any("Try:" in line for line in header), f"{path.name}'s header should say what to try"


def test_full_mesh_has_six_peerings_beside_one_transit_gateway() -> None:
    from vpclab.model.peering import VpcPeeringConnection
    from vpclab.model.transit_gateway import TransitGateway, TransitGatewayAttachment

    net = load(EXAMPLES[0].parent / "full-mesh-vs-tgw.yaml")
    assert sum(1 for p in net.world.all(VpcPeeringConnection) if p.status_code == "active") == 6
    assert sum(1 for _ in net.world.all(TransitGateway)) == 1
    assert sum(1 for _ in net.world.all(TransitGatewayAttachment)) == 4


def test_peering_triangle_has_no_a_c_peering() -> None:
    from vpclab.model.peering import VpcPeeringConnection

    net = load(EXAMPLES[0].parent / "peering-triangle.yaml")
    pairs = {frozenset((net.name(p.requester_vpc_id), net.name(p.accepter_vpc_id)))
             for p in net.world.all(VpcPeeringConnection)}
    assert pairs == {frozenset({"a", "b"}), frozenset({"b", "c"})}
