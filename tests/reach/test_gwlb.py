"""Reachability through Gateway Load Balancer endpoints: the matrices (subnet and interface level),
the brute force and the incremental intent checker agree with the tracer on the inspection
examples, also when the design is broken (no appliance mode across AZs, no healthy appliance)."""

from __future__ import annotations

from pathlib import Path

import pytest

import vpclab
from bench import naive
from vpclab.reach import trace
from vpclab.reach.compiled import compile_world
from vpclab.reach.incremental import Intent, IntentChecker
from vpclab.reach.matrix import matrix

EXAMPLES = Path(__file__).parents[2] / "examples"


def _variant(example: str, old: str = "", new: str = "") -> vpclab.Network:
    text = (EXAMPLES / f"{example}.yaml").read_text(encoding="utf-8")
    if old:
        assert old in text
        text = text.replace(old, new, 1)
    return vpclab.loads(text)


VARIANTS = {
    "inspection": ("centralized-inspection", "", ""),
    "no-appliance-mode": ("centralized-inspection", "appliance_mode: true", "appliance_mode: false"),
    "one-zone-appliance": ("centralized-inspection", "targets: [fw-a, fw-b]", "targets: [fw-b]"),
    "cross-zone": (
        "centralized-inspection",
        "targets: [fw-a, fw-b]",
        "targets: [fw-b]\n      cross_zone: true",
    ),
    "ingress": ("ingress-inspection", "", ""),
}


#: the brute force (bench/naive.py) decides the reply's transit gateway entry by the reply's own AZ,
#: without appliance mode's "the request's AZ": where one AZ's endpoint has no appliance it reads a
#: flow whose request entered through the other AZ as blocked, where the tracer and the matrices
#: (reach/exact_pairs.py, issue 15) find it reachable
TRACER_VARIANTS = list(VARIANTS)
NAIVE_VARIANTS = [v for v in VARIANTS if v != "one-zone-appliance"]


@pytest.mark.parametrize("variant", TRACER_VARIANTS, ids=TRACER_VARIANTS)
def test_interface_matrix_agrees_with_the_tracer(variant: str) -> None:
    net = _variant(*VARIANTS[variant])
    m = matrix(net.world, "tcp", 443, level="interface")
    for s in m.sources:
        for d in m.destinations:
            if s != d:
                traced = trace(net.world, s, d, protocol="tcp", port=443).disposition == "reachable"
                assert m.reachable(s, d) == traced, (net.names.get(s, s), net.names.get(d, d))


@pytest.mark.parametrize("variant", NAIVE_VARIANTS, ids=NAIVE_VARIANTS)
def test_matrices_agree_with_the_brute_force(variant: str) -> None:
    world = _variant(*VARIANTS[variant]).world
    atoms = [int(a) for a in compile_world(world).atoms()]
    m, mi = matrix(world, "tcp", 443), matrix(world, "tcp", 443, level="interface")
    for s in m.sources:
        for d in m.destinations:
            assert m.reachable(s, d) == naive.subnet_pair(world, s, d, "tcp", 443, atoms), (s, d)
    for s in mi.sources:
        for d in mi.destinations:
            assert mi.reachable(s, d) == naive.interface_pair(world, s, d, "tcp", 443), (s, d)


def test_without_appliance_mode_only_same_zone_spokes_reach_each_other() -> None:
    net = _variant(*VARIANTS["no-appliance-mode"])
    m = matrix(net.world, "tcp", 443)
    a, b, c = (net.ids[n] for n in ("spoke-a-app", "spoke-b-app", "spoke-c-app"))
    assert m.reachable(a, b) and m.reachable(b, a)  # both in us-east-1a
    assert not m.reachable(a, c) and not m.reachable(c, a)  # across AZs: the reply meets gwlbe-b


def test_incremental_checker_follows_appliance_changes() -> None:
    """Stopping the only appliance of an AZ, then starting it again, flips the intent both ways (the
    checker recompiles what a Gateway Load Balancer endpoint reaches)."""
    net = _variant(*VARIANTS["inspection"])
    a, b = net.ids["spoke-a-app"], net.ids["spoke-b-app"]
    checker = IntentChecker(net.world, [Intent((a,), (b,), "tcp", 443, "reachable")])
    assert checker.results()[0].holds
    cp = vpclab.ControlPlane(net.world)
    cp.stop_instances(instance_ids=[net.ids["fw-a"]])
    assert not checker.results()[0].holds
    assert not matrix(net.world, "tcp", 443).reachable(a, b)
    cp.start_instances(instance_ids=[net.ids["fw-a"]])
    assert checker.results()[0].holds


def test_incremental_checker_follows_appliance_mode() -> None:
    net = _variant(*VARIANTS["inspection"])
    a, c = net.ids["spoke-a-app"], net.ids["spoke-c-app"]
    checker = IntentChecker(net.world, [Intent((a,), (c,), "tcp", 443, "reachable")])
    assert checker.results()[0].holds
    cp = vpclab.ControlPlane(net.world)
    cp.modify_transit_gateway_vpc_attachment(
        transit_gateway_attachment_id=net.ids["hub-inspection"], options={"appliance_mode_support": "disable"}
    )
    assert not checker.results()[0].holds


def test_reachability_analyzer_api_through_a_gwlb_endpoint() -> None:
    """StartNetworkInsightsAnalysis over the inspection design: the path is found, with AWS's
    informational PATH_THROUGH_GWLB_NOT_CHECKED, and its components include the endpoint but not the
    Gateway Load Balancer or its target group. Without appliance mode the reply of the cross-AZ flow takes
    another appliance: AWS's analyser covers only the forward path of a TCP path through a transit
    gateway route table ("How Reachability Analyzer works", Considerations,
    https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html), so the
    API finds the path and adds TRANSIT_GATEWAY_APPLIANCE_MODE_RECOMMENDED; vpclab's own verdict
    (``disposition``, findings) is blocked."""
    for mode, vpclab_verdict in (("true", "reachable"), ("false", "blocked")):
        net = _variant("centralized-inspection", "appliance_mode: true", f"appliance_mode: {mode}")
        cp = vpclab.ControlPlane(net.world)
        path = cp.create_network_insights_path(
            source=net.ids["spoke-a-host"],
            destination=net.ids["spoke-c-host"],
            protocol="tcp",
            destination_port=443,
        )
        analysis = cp.start_network_insights_analysis(network_insights_path_id=path.id)
        assert analysis.network_path_found is True
        assert analysis.disposition == vpclab_verdict
        codes = {e.explanation_code for e in analysis.explanations or ()}
        assert "PATH_THROUGH_GWLB_NOT_CHECKED" in codes
        if vpclab_verdict == "blocked":
            assert "TRANSIT_GATEWAY_APPLIANCE_MODE_RECOMMENDED" in codes
            assert "VPCLAB_GWLB_ASYMMETRIC_FLOW" in {f.code for f in analysis.findings}
        else:
            # "Paths through a Gateway Load Balancer endpoint do not include the Gateway Load
            # Balancer or its targets" (same page, Considerations): the endpoint, once; vpclab's own
            # trace keeps the load balancer and the appliances
            ids = [c.component.id for c in analysis.forward_path_components]
            assert ids.count(net.ids["gwlbe-a"]) == 1
            assert not {net.ids["firewalls/gwlb"], net.ids["firewalls/appliances"]} & set(ids)
