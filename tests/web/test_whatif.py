"""What if, for every fix AWS API calls make: routes, peering, transit gateway propagation and
association, besides security group and network ACL rules (issue 13, point 3). The calls are AWS's
actions with AWS's parameter names, applied on a copy of the World through the EC2 endpoint's own
handlers (AWS's rules and errors); the World is unchanged."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

import vpclab
from vpclab.aws import handlers as _handlers  # noqa: F401 (registers every handler)
from vpclab.aws.registry import HANDLERS
from vpclab.core.errors import AwsError
from vpclab.model.network_acl import NetworkAcl
from vpclab.model.peering import VpcPeeringConnection
from vpclab.network import Network
from vpclab.reach.result import StepResult
from vpclab.web import create_app, static_network

ROOT = Path(__file__).resolve().parents[2]


def get(net: Network, path: str, **params: Any) -> tuple[int, Any]:
    r = TestClient(create_app(static_network(net))).get(f"/_vpclab/api/{path}", params=params)
    return r.status_code, r.json()


def test_a_missing_route_is_previewed_as_create_route() -> None:
    """CreateRoute with AWS's parameter names (RouteTableId, DestinationCidrBlock, TransitGatewayId):
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html"""
    net = vpclab.load(ROOT / "examples/centralized-inspection.yaml")
    flow = {"source": "fw-a", "destination": "spoke-a-host", "port": "443"}
    _, t = get(net, "trace", **flow)
    e = t["explanations"][0]
    assert e["code"] == "NO_ROUTE_TO_DESTINATION" and e["previewable"] is True
    assert [s["action"] for s in e["remedy"]["steps"]] == ["CreateRoute"]
    status, w = get(net, "whatif", fix="0", **flow)
    assert status == 200 and w["action"] == "CreateRoute" and w["refused"] is None
    assert set(w["parameters"]) == {"RouteTableId", "DestinationCidrBlock", "TransitGatewayId"}
    assert w["parameters"]["DestinationCidrBlock"] == "10.1.0.0/16"
    assert w["after"]["disposition"] == "reachable"
    assert get(net, "trace", **flow)[1]["disposition"] == "blocked"  # the World is unchanged


def test_a_missing_transit_gateway_route_propagates_both_ways() -> None:
    """EnableTransitGatewayRouteTablePropagation, for the request and for the reply (each direction
    routes by the route table its incoming attachment is associated with):
    https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html"""
    net = vpclab.load(ROOT / "examples/tgw-isolated-vpcs.yaml")
    flow = {"source": "vpc-a-host", "destination": "vpc-b-host", "port": "443"}
    status, w = get(net, "whatif", fix="0", **flow)
    assert status == 200 and w["after"]["disposition"] == "reachable"
    assert [s["action"] for s in w["steps"]] == ["EnableTransitGatewayRouteTablePropagation"] * 2
    assert {s["parameters"]["TransitGatewayAttachmentId"] for s in w["steps"]} == {
        net.id("hub-vpc-a"),
        net.id("hub-vpc-b"),
    }
    assert get(net, "trace", **flow)[1]["disposition"] == "blocked"


def test_non_transitive_peering_previews_a_new_peering_accepted_and_routed_both_ways() -> None:
    """CreateVpcPeeringConnection by the requester, AcceptVpcPeeringConnection by the accepter
    (the id the first call answered), then a route on each side:
    https://docs.aws.amazon.com/vpc/latest/peering/create-vpc-peering-connection.html"""
    net = vpclab.load(ROOT / "examples/peering-triangle.yaml")
    trace = net.trace("a-host", "c-host", protocol="tcp", port=22)
    remedy = trace.explanations[0].remedy
    assert remedy is not None and isinstance(remedy.steps[1].parameters["VpcPeeringConnectionId"], StepResult)
    before = len(list(net.world.all(VpcPeeringConnection)))
    status, w = get(net, "whatif", source="a-host", destination="c-host", port="22", fix="0")
    assert status == 200
    actions = [s["action"] for s in w["steps"]]
    assert actions == [
        "CreateVpcPeeringConnection",
        "AcceptVpcPeeringConnection",
        "CreateRoute",
        "CreateRoute",
    ]
    pcx = w["steps"][1]["parameters"]["VpcPeeringConnectionId"]
    assert pcx.startswith("pcx-") and {w["steps"][2]["parameters"]["VpcPeeringConnectionId"]} == {pcx}
    # the flow now crosses the new connection: c's security group is what stops it (a next cause)
    after = w["after"]
    assert pcx in [h["id"] for h in after["forward_hops"]]
    assert [e["code"] for e in after["explanations"]] == ["ENI_SG_RULES_MISMATCH"]
    assert len(list(net.world.all(VpcPeeringConnection))) == before


def test_a_fix_aws_refuses_answers_awss_error_and_changes_nothing() -> None:
    """A network ACL holds 20 rules per direction by default (NetworkAclEntryLimitExceeded):
    https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-nacls"""
    net = vpclab.load(ROOT / "examples/two-peered-vpcs.yaml")
    acl = next(a for a in net.world.all(NetworkAcl) if a.vpc_id == net.id("db"))
    cp = vpclab.ControlPlane(net.world, account_id=acl.owner_id, region=acl.region)
    entry = {"protocol": "6", "egress": False, "cidr_block": "10.0.0.0/16"}
    cp.create_network_acl_entry(
        network_acl_id=acl.id,
        rule_number=50,
        rule_action="deny",
        port_range={"from": 5432, "to": 5432},
        **entry,
    )
    with pytest.raises(AwsError, match="NetworkAclEntryLimitExceeded"):
        for n in range(200, 260):  # fill the ACL: AWS refuses the next entry
            cp.create_network_acl_entry(
                network_acl_id=acl.id,
                rule_number=n,
                rule_action="allow",
                port_range={"from": n, "to": n},
                **entry,
            )
    flow = {"source": "web-1", "destination": "db-1", "port": "5432"}
    _, t = get(net, "trace", **flow)
    index = next(i for i, e in enumerate(t["explanations"]) if e["code"] == "SUBNET_ACL_RESTRICTION")
    status, w = get(net, "whatif", fix=str(index), **flow)
    assert status == 200 and w["after"] is None
    assert (
        w["refused"]["code"] == "NetworkAclEntryLimitExceeded"
        and w["refused"]["action"] == "CreateNetworkAclEntry"
    )
    assert "maximum number of network ACL entries" in w["refused"]["message"]


def test_every_action_a_fix_names_is_one_the_endpoint_serves() -> None:
    """The fixes name AWS's EC2 actions (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/):
    each is one vpclab's endpoint serves, so a preview runs AWS's rules for it."""
    named: set[str] = set()
    for module in ("fixes.py", "fix_steps.py"):
        tree = ast.parse((ROOT / "src/vpclab/reach" / module).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                v = node.value
                if (
                    v[:1].isupper()
                    and v.isalnum()
                    and v.startswith(
                        (
                            "Create",
                            "Accept",
                            "Associate",
                            "Enable",
                            "Authorize",
                            "Modify",
                            "Attach",
                            "Allocate",
                        )
                    )
                ):
                    named.add(v)
    assert len(named) >= 16
    assert sorted(a for a in named if ("ec2", a) not in HANDLERS) == []
