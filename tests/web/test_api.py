"""The page's JSON API (vpclab.web), in process: what it answers, its 4xx errors, the what-if copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

import vpclab
from vpclab.model.network_acl import NetworkAcl
from vpclab.network import Network
from vpclab.web import create_app, static_network, world_network
from vpclab.web.graph import COLLAPSE_ABOVE, topology_graph

ROOT = Path(__file__).resolve().parents[2]


def client(net: Network) -> TestClient:
    return TestClient(create_app(static_network(net)))


def get(c: TestClient, path: str, **params: Any) -> tuple[int, Any]:
    r = c.get(f"/_vpclab/api/{path}", params=params)
    return r.status_code, r.json()


@pytest.fixture(scope="module")
def triangle() -> Network:
    return vpclab.load(ROOT / "examples/peering-triangle.yaml")


def test_graph_nests_vpcs_in_accounts_and_subnets_in_zones(triangle: Network) -> None:
    g = topology_graph(triangle)
    nodes = {n["data"]["id"]: n["data"] for n in g["nodes"]}
    vpc = nodes[triangle.id("a")]
    assert vpc["kind"] == "vpc" and vpc["cidrs"] == ["10.0.0.0/16"] and vpc["parent"].startswith("group:")
    subnet = nodes[triangle.id("a-app")]
    assert (
        nodes[subnet["parent"]]["kind"] == "availability-zone"
        and nodes[subnet["parent"]]["parent"] == vpc["id"]
    )
    assert nodes[triangle.id("a-host")]["parent"] == subnet["id"]
    peerings = {
        e["data"]["id"]: e["data"] for e in g["edges"] if e["data"]["kind"] == "vpc-peering-connection"
    }
    assert set(peerings) == {triangle.id("a-b"), triangle.id("b-c")}
    # what is not drawn stands for something that is: the route table for its VPC, the ENI for its instance
    assert g["anchors"][triangle.id("a-rt")] == vpc["id"]
    assert g["anchors"][triangle.id("a-host/eni")] == triangle.id("a-host")
    assert g["collapsed"] is False


def test_every_example_draws_and_its_links_join_drawn_nodes() -> None:
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        g = topology_graph(vpclab.load(path))
        ids = {n["data"]["id"] for n in g["nodes"]}
        assert g["counts"]["vpcs"] >= 1, path
        for e in g["edges"]:
            assert {e["data"]["source"], e["data"]["target"]} <= ids, (path, e)
        for n in g["nodes"]:
            assert n["data"].get("parent") in (None, *ids), (path, n)


def test_graph_of_hybrid_network_has_on_premises_links() -> None:
    g = topology_graph(vpclab.load(ROOT / "examples/hybrid-dx-vpn.yaml"))
    kinds = {e["data"]["kind"] for e in g["edges"]}
    assert {"vpn-connection", "direct-connect-gateway-association", "tgw-attachment-vpc"} <= kinds
    assert any(n["data"]["kind"] == "transit-gateway-route-table" for n in g["nodes"])


def test_shared_subnets_are_marked_with_their_participants() -> None:
    net = vpclab.load(ROOT / "examples/shared-vpc.yaml")
    nodes = {n["data"]["id"]: n["data"] for n in topology_graph(net)["nodes"]}
    shared = nodes[net.id("shared-app-a")]
    assert shared["shared"] is True and shared["participants"] and "shared with" in shared["label"]
    assert nodes[net.id("shared-public")]["shared"] is False


def test_many_vpcs_start_collapsed() -> None:
    cp = vpclab.ControlPlane()
    for i in range(COLLAPSE_ABOVE + 1):
        cp.create_vpc(cidr_block=f"10.{i}.0.0/16")
    g = topology_graph(world_network(cp.world))
    assert g["collapsed"] is True and g["counts"]["vpcs"] == COLLAPSE_ABOVE + 1


def test_trace_answers_the_clis_trace_with_the_node_of_each_hop(triangle: Network) -> None:
    status, t = get(
        client(triangle), "trace", source="a-host", destination="c-host", protocol="tcp", port="22"
    )
    assert status == 200
    cli = triangle.trace("a-host", "c-host", protocol="tcp", port=22).to_dict()
    assert [h["id"] for h in t["forward_hops"]] == [h["id"] for h in cli["forward_hops"]]
    assert t["disposition"] == "blocked" and [e["code"] for e in t["explanations"]] == [
        "NO_ROUTE_TO_DESTINATION"
    ]
    assert t["forward_hops"][0]["node"] == triangle.id("a-host")
    assert t["explanations"][0]["node"] == triangle.id("a") and t["explanations"][0]["previewable"] is True


@pytest.mark.parametrize(
    ("params", "code", "text"),
    [
        ({"source": "a-hots", "destination": "c-host"}, "UnknownEndpoint", "did you mean 'a-host'?"),
        (
            {"source": "a-host", "destination": "c-host", "port": "70000"},
            "InvalidParameterValue",
            "0 to 65535",
        ),
        (
            {"source": "a-host", "destination": "c-host", "protocol": "gre"},
            "InvalidParameterValue",
            "tcp, udp",
        ),
        ({"source": "a-host"}, "MissingParameter", "destination"),
    ],
)
def test_bad_trace_input_is_a_400_with_the_clis_words(
    triangle: Network, params: dict[str, str], code: str, text: str
) -> None:
    status, body = get(client(triangle), "trace", **params)
    assert status == 400 and body["error"]["code"] == code and text in body["error"]["message"]


def test_resource_detail_names_routes_as_aws_does(triangle: Network) -> None:
    status, d = get(client(triangle), "resource/a-rt")
    assert status == 200 and d["kind"] == "RouteTable" and d["id"] == triangle.id("a-rt")
    routes = next(t for t in d["tables"] if t["title"] == "Routes")
    assert {"DestinationCidrBlock", "State", "Origin"} <= set(routes["columns"])
    local = next(r for r in routes["rows"] if r["Target"] == "local")
    assert local["State"] == "active" and local["Origin"] == "CreateRouteTable"


def test_unknown_resource_is_a_404_with_a_suggestion(triangle: Network) -> None:
    status, body = get(client(triangle), "resource/a-hots")
    assert status == 404 and body["error"]["code"] == "UnknownResource"
    assert "did you mean 'a-host'?" in body["error"]["message"]
    status, body = get(client(triangle), "no-such-route")
    assert status == 404 and body["error"]["code"] == "NotFound"


def test_tgw_route_table_detail_lists_associations_and_propagations() -> None:
    net = vpclab.load(ROOT / "examples/tgw-segmentation.yaml")
    rt = next(n for n in topology_graph(net)["nodes"] if n["data"]["kind"] == "transit-gateway-route-table")
    status, d = get(client(net), f"resource/{rt['data']['id']}")
    titles = [t["title"] for t in d["tables"]]
    assert status == 200 and titles[:3] == ["Routes", "Associations", "Propagations"]


def test_whatif_applies_the_security_group_fix_to_a_copy_only() -> None:
    net = vpclab.load(ROOT / "examples/two-peered-vpcs.yaml")
    c = client(net)
    _, before = get(c, "trace", source="web-1", destination="db-1", port="22")
    assert before["disposition"] == "blocked" and before["explanations"][0]["previewable"]
    status, w = get(c, "whatif", source="web-1", destination="db-1", port="22", fix="0")
    assert (
        status == 200
        and w["action"] == "AuthorizeSecurityGroupIngress"
        and w["after"]["disposition"] == "reachable"
    )
    assert w["parameters"]["GroupId"] == net.id("db-sg") and w["steps"][0]["account"] == "111111111111"
    _, again = get(c, "trace", source="web-1", destination="db-1", port="22")
    assert again["disposition"] == "blocked"  # the World is unchanged


def test_whatif_network_acl_fix_numbers_the_rule_below_the_deny() -> None:
    net = vpclab.load(ROOT / "examples/two-peered-vpcs.yaml")
    db_acl = next(a for a in net.world.all(NetworkAcl) if a.vpc_id == net.id("db"))
    cp = vpclab.ControlPlane(net.world, account_id=db_acl.owner_id, region=db_acl.region)
    cp.create_network_acl_entry(
        network_acl_id=db_acl.id,
        rule_number=50,
        protocol="6",
        rule_action="deny",
        egress=False,
        cidr_block="10.0.0.0/16",
        port_range={"from": 5432, "to": 5432},
    )
    c = client(net)
    _, t = get(c, "trace", source="web-1", destination="db-1", port="5432")
    index = next(i for i, e in enumerate(t["explanations"]) if e["code"] == "SUBNET_ACL_RESTRICTION")
    status, w = get(c, "whatif", source="web-1", destination="db-1", port="5432", fix=str(index))
    assert status == 200 and w["action"] == "CreateNetworkAclEntry"
    assert w["parameters"]["RuleNumber"] == 49 and w["parameters"]["Egress"] is False
    assert w["after"]["disposition"] == "reachable"
    assert len(net.world.get(db_acl.id, NetworkAcl).entries) == len(db_acl.entries) + 1  # only the deny added


def test_whatif_of_a_cause_that_needs_a_choice_says_why_it_cannot_preview(triangle: Network) -> None:
    net = vpclab.load(ROOT / "examples/peering-edge-to-edge.yaml")
    _, t = get(client(net), "trace", source="app-host", destination="8.8.8.8", port="443")
    assert t["explanations"][0]["previewable"] is False
    assert "egress design" in t["explanations"][0]["not_previewable"]
    status, body = get(client(net), "whatif", source="app-host", destination="8.8.8.8", port="443", fix="0")
    assert status == 400 and body["error"]["code"] == "FixNotPreviewable"
    assert "egress design" in body["error"]["message"]
    status, body = get(client(triangle), "whatif", source="a-host", destination="c-host", port="22", fix="x")
    assert status == 400


def test_ui_serves_the_page_and_its_vendored_scripts(triangle: Network) -> None:
    c = client(triangle)
    page = c.get("/_vpclab/ui/")
    assert page.status_code == 200 and 'data-testid="trace-form"' in page.text
    for script in ("cytoscape.min.js", "cytoscape-fcose.js", "cose-base.js", "layout-base.js"):
        assert c.get(f"/_vpclab/ui/static/vendor/{script}").status_code == 200
    assert c.get("/_vpclab/ui/static/app.js").status_code == 200
    assert c.get("/_vpclab/health").json()["status"] == "ok"
    assert c.get("/", follow_redirects=False).headers["location"] == "/_vpclab/ui/"


def test_a_guarded_page_refuses_other_host_names(triangle: Network) -> None:
    """``vpclab ui`` passes the endpoint's Host/Origin guard (docs/security.md): a DNS-rebinding
    page reaches the server under its own name and is refused."""
    from vpclab.aws.security import SiteGuard

    c = TestClient(
        create_app(static_network(triangle), SiteGuard().refusal), base_url="http://127.0.0.1:4567"
    )
    assert c.get("/_vpclab/api/graph").status_code == 200
    refused = c.get("/_vpclab/api/graph", headers={"Host": "evil.example:4567"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "AccessDenied"
    cross = c.get("/_vpclab/api/graph", headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(["trace", "whatif", "resource/", "graph"]),
    source=st.one_of(_text, st.sampled_from(["a-host", "c-host", "10.0.1.10", "internet", "a-app"])),
    destination=st.one_of(_text, st.sampled_from(["b-host", "c-host", "10.1.1.10", "s3:us-east-1"])),
    protocol=st.one_of(_text, st.sampled_from(["tcp", "udp", "icmp", "-1", "6"])),
    port=st.one_of(_text, st.integers(-5, 70000).map(str)),
    fix=st.one_of(_text, st.integers(-1, 5).map(str)),
)
def test_no_input_makes_the_api_answer_500(
    triangle: Network, path: str, source: str, destination: str, protocol: str, port: str, fix: str
) -> None:
    """Bad input is a 4xx JSON error, never a 500 (issue 13)."""
    c = client(triangle)
    url = f"/_vpclab/api/{path}{quote(source, safe='') if path == 'resource/' else ''}"
    r = c.get(
        url,
        params={"source": source, "destination": destination, "protocol": protocol, "port": port, "fix": fix},
    )
    assert r.status_code < 500, (url, r.text)
    assert r.status_code == 200 or "error" in r.json()


def test_a_live_page_refuses_the_clients_its_server_refuses(triangle: Network) -> None:
    """``vpclab serve`` serves the page to loopback clients only, as its admin routes (docs/security.md)."""
    from contextlib import nullcontext

    from starlette.applications import Starlette

    from vpclab.web import live_source, page_routes

    source = live_source(triangle.world, nullcontext(), refuse=lambda request: f"not {request.client.host}")
    c = TestClient(Starlette(routes=page_routes(source)))  # TestClient's client is "testclient"
    for path in ("/_vpclab/api/graph", "/_vpclab/api/trace?source=a-host&destination=b-host", "/_vpclab/ui/"):
        r = c.get(path)
        assert r.status_code == 403 and r.json()["error"] == {
            "code": "AccessDenied",
            "message": "not testclient",
        }
