"""The estates beyond AWS-MAX (bench/estate.py, issue 15): 4× and 10× AWS-MAX are valid AWS estates.

A 10× build is 50,000 VPCs (a minute and gigabytes): ``make test`` checks the layout's counts
(``bench.estate_plan.usage``) instead, after checking on a small estate built from the same code
that those counts are exactly what ``vpclab quotas``' own counters find in the World.
"""

from __future__ import annotations

import pytest

from bench.estate import Estate, build
from bench.estate_plan import SIZE_INDEPENDENT, Layout, scaled, usage
from vpclab.advisor.headroom import COUNTERS
from vpclab.model.quotas import limit
from vpclab.model.subnet import Subnet
from vpclab.model.transit_gateway import TransitGateway
from vpclab.model.vpc import Vpc

#: three domains (the last one short), several accounts per domain, VGW and TGW VPNs
SMALL_ESTATE = Estate(vpcs=80, domain_vpcs=32, account_vpcs=8, hub_peerings=4, vpns_per_vpc=0.2)


@pytest.fixture(scope="module")
def small_world():  # type: ignore[no-untyped-def]
    return build(SMALL_ESTATE)


def _world_max(world, quota: str) -> int:  # type: ignore[no-untyped-def]
    return max((n for *_, n in COUNTERS[quota](world)), default=0)


def test_layout_counts_are_what_vpclab_quotas_counts(small_world) -> None:  # type: ignore[no-untyped-def]
    """Per quota, the layout's count of its largest scope equals what `vpclab quotas` counts in the
    built World; every quota the World uses is either in the layout's counts or per-VPC structure
    that does not change with the estate's size. Quotas: Amazon VPC quotas
    (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html) and transit gateway
    quotas (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html)."""
    planned = usage(SMALL_ESTATE)
    for quota in COUNTERS:
        found = _world_max(small_world, quota)
        if quota in planned:
            assert planned[quota] == found, quota
        else:
            assert found == 0 or quota in SIZE_INDEPENDENT, f"{quota}: used ({found}) but not planned"
            assert found <= limit("maximum", quota), quota
    # the small estate exercises what the big ones have: several domains, accounts, VGWs, peerings
    assert planned["peering_attachments_per_transit_gateway"] == 2
    assert planned["vpn_gateways_per_region"] >= 1
    assert len({v.owner_id for v in small_world.all(Vpc)}) == 10
    assert len({t.region for t in small_world.all(TransitGateway)}) == 3


@pytest.mark.parametrize("factor", [4, 10])
def test_scaled_estates_respect_every_quota(factor: int) -> None:
    """4× and 10× AWS-MAX fit vpclab's quotas (AWS's maxima, or the lab's where AWS gives none):
    https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html,
    https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html."""
    estate = scaled(factor)
    over = {q: n for q, n in usage(estate).items() if n > limit("maximum", q)}
    assert not over
    lay = Layout(estate)
    assert sum(d.size for d in lay.domains) == 5_000 * factor
    assert len(lay.domains) == -(-5_000 * factor // 2048)


def test_small_estate_reaches_across_domains(small_world) -> None:  # type: ignore[no-untyped-def]
    """Subnets reach subnets of other domains (Regions) over the transit gateway peerings, and the
    tracer follows one such pair hop by hop to the same answer."""
    from vpclab.reach import trace
    from vpclab.reach.matrix import matrix

    m = matrix(small_world, "tcp", 443)
    region_of = {s.id: s.region for s in small_world.all(Subnet)}
    across = [(s, d) for s, d in m if region_of[s] != region_of[d]]
    assert len({(region_of[s], region_of[d]) for s, d in across}) == 6  # every ordered pair of 3 Regions
    s, d = across[len(across) // 2]
    assert trace(small_world, s, d, protocol="tcp", port=443).reachable


def test_scale_fit_and_estimate() -> None:
    """The growth exponent is the least-squares log-log slope; the estimate extrapolates the two
    largest sizes' growth (what decides whether 10× may run)."""
    from bench.scale import estimate, factor, fit

    assert fit([(1, 3.0), (2, 12.0), (4, 48.0)]) == pytest.approx(2.0)
    assert fit([(625, 1.0), (1250, 2.3), (2500, 5.0)]) == pytest.approx(1.16, abs=0.01)
    rows = [{"size": "1/2", "vpcs": 2500, "peak": 100.0}, {"size": "1", "vpcs": 5000, "peak": 300.0}]
    assert estimate(rows, "peak", 20_000) == pytest.approx(300.0 * 3**2)
    assert [factor(s) for s in ("1/8", "1", "10")] == [0.125, 1.0, 10.0]


def test_scale_measures_a_size_in_a_capped_process() -> None:
    """One size through the harness: a fresh process under the memory cap, its figures back."""
    from bench.scale import report, run

    result = run(["1/8"], aws_max=False, max_gib=4)
    (row,) = result["rows"]
    assert row["vpcs"] == 625 and row["subnets"] == 3_750
    assert 0 < row["compile"] <= row["matrix"] and row["peak"] > 50 * 2**20
    assert any(line.strip().startswith("1/8") for line in report(result))
    tiny = run(["1/8"], aws_max=False, max_gib=0.05)  # 50 MiB: the interpreter and numpy alone need more
    assert "failed" in tiny["rows"][0]


def test_an_estate_passes_awss_rules(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Built by direct puts, an estate is still what AWS's rules let one build: exported as a
    snapshot (describe-json of every account and Region, through vpclab's EC2 endpoint) and loaded
    back through the ControlPlane, every resource is accepted — quotas, CIDR rules, cross-account
    peerings and attachments, transit gateway peering
    (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering.html). Only the instances' AMIs are
    stand-ins (not in vpclab's image catalogue)."""
    from bench.snapshot import export_world, load

    estate = Estate(vpcs=96, domain_vpcs=64, account_vpcs=32, hub_peerings=5, vpns_per_vpc=0.05)
    world = build(estate)
    items, _ = export_world(tmp_path / "snap", world)
    loaded = load(tmp_path / "snap")
    assert items > 0
    assert loaded["problems"] == 0
    assert loaded["not_loaded"] == estate.vpcs  # one instance per VPC: its AMI, replaced


def test_peered_estate_is_decided_by_the_columns(small_world) -> None:  # type: ignore[no-untyped-def]
    """Across a transit gateway peering the packet has no originating AZ in the far Region, so the
    tracer delivers it through the attachment subnet of the destination's AZ (AWS "Amazon VPC
    attachments in AWS Transit Gateway",
    https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html: one subnet per AZ lets
    traffic reach every subnet in that AZ; which AZ a peering's traffic enters is undocumented —
    the tracer's choice, reach/exact_pairs.py). The matrix decides that in its columns
    (``Classes.dst_entry``), so no VPC of a peered estate is walked pair by pair (that took 88 s
    on a 300-VPC estate), and sampled pairs across and within Regions have the tracer's verdict."""
    import random

    from vpclab.reach import trace
    from vpclab.reach.compiled import compile_world
    from vpclab.reach.exact_pairs import irregular
    from vpclab.reach.matrix import matrix

    assert irregular(compile_world(small_world)) == set()
    m = matrix(small_world, "tcp", 443)
    ids = m.sources.tolist()
    rng = random.Random(15)
    reached = [p for p in m if p[0] != p[1]]
    pairs = rng.sample(reached, 40) + [tuple(rng.sample(ids, 2)) for _ in range(40)]
    for s, d in pairs:
        traced = trace(small_world, s, d, protocol="tcp", port=443).disposition == "reachable"
        assert m.reachable(s, d) == traced, (s, d)


def test_block_benchmark_times_each_kind_of_block() -> None:
    """`python -m bench.blocks` (docs/benchmarks.md, "Row blocks as independent tasks") on the
    smallest estate: every class block and row block is timed through the matrix's progress hook,
    and the tasks' data sizes are reported."""
    from bench.blocks import measure, report

    r = measure("1/8")
    contexts = r["classes"]["items"]
    assert r["n"] == 3_750 and contexts > 0
    assert r["classes"]["blocks"] == -(-contexts // 512) and r["rows"]["blocks"] == 2  # 2,048 rows a block
    assert r["view_bytes"] > 0 and r["bits_bytes"] == 3_750 * ((3_750 + 7) // 8)
    lines = report(r)
    assert lines[0].startswith("subnet matrix of 1/8: 3,750 subnets") and "class blocks" in lines[2]
