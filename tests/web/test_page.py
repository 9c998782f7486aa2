"""The page in Debian's chromium: what a user sees on the bundled examples (docs/web.md).

Each test opens the page over an example, clicks through a flow and asserts what is shown — the
highlighted hops, the causes with their Reachability Analyzer codes and fixes, the side panel —
and that the browser logged no error. Screenshots: build/test-artifacts/web/.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

import vpclab
from tests.api.conftest import start_server, stop_server
from vpclab.web import world_network
from vpclab.web.graph import COLLAPSE_ABOVE

from .conftest import Page, PageServer

OpenPage = Callable[[str], Page]
ServePage = Callable[[Any], PageServer]


def highlighted(page: Page, cls: str) -> list[str]:
    return list(page.evaluate(f"window.vpclab.cy.nodes('.{cls}').map(n => n.id())"))


def wait_trace(page: Page) -> dict[str, Any]:
    page.page.wait_for_function("window.vpclab.trace !== null")
    return dict(page.evaluate("window.vpclab.trace"))


def test_page_draws_the_example_with_aws_ids_and_no_console_errors(
    serve_page: ServePage, open_page: OpenPage
) -> None:
    net = vpclab.load("examples/peering-triangle.yaml")
    page = open_page(serve_page(net).url)
    graph = page.evaluate("window.vpclab.graph")
    ids = {n["id"] for n in graph["nodes"]}
    assert {net.id("a"), net.id("b"), net.id("c"), net.id("a-app"), net.id("a-host")} <= ids
    assert {e["id"] for e in graph["edges"]} == {net.id("a-b"), net.id("b-c")}
    assert set(page.evaluate("window.vpclab.visible()")) == ids  # everything is drawn (3 VPCs: expanded)
    assert "examples/peering-triangle.yaml" in page.testid("source").inner_text()
    page.shot("peering-triangle")
    assert page.errors == []


def test_blocked_trace_highlights_the_hops_and_shows_cause_and_fix(
    serve_page: ServePage, open_page: OpenPage
) -> None:
    net = vpclab.load("examples/peering-triangle.yaml")
    page = open_page(serve_page(net).url)
    page.trace("a-host", "c-host", 22)
    t = wait_trace(page)
    assert page.testid("verdict").inner_text() == "blocked"
    hops = page.testid("hop-forward")
    assert hops.count() == 3
    assert "no route for 10.2.1.10" in hops.nth(2).inner_text()
    cause = page.testid("cause")
    assert cause.count() == 1 and cause.first.get_attribute("data-code") == "NO_ROUTE_TO_DESTINATION"
    assert "peering is not transitive" in page.testid("fix").first.inner_text()
    assert net.id("a-host") in highlighted(page, "hop-fwd")
    assert highlighted(page, "blocked") == [net.id("a")]  # the VPC whose route table has no route
    assert t["disposition"] == "blocked" and t["explanations"][0]["code"] == "NO_ROUTE_TO_DESTINATION"
    page.shot("trace-blocked")
    assert page.errors == []


def test_reachable_trace_shows_forward_and_return_paths(serve_page: ServePage, open_page: OpenPage) -> None:
    net = vpclab.load("examples/two-peered-vpcs.yaml")
    page = open_page(serve_page(net).url)
    page.trace("web-1", "db-1", 5432)
    t = wait_trace(page)
    assert page.testid("verdict").inner_text() == "reachable"
    forward = [
        page.testid("hop-forward").nth(i).get_attribute("data-component")
        for i in range(page.testid("hop-forward").count())
    ]
    assert forward[0] == "network-interface" and "vpc-peering-connection" in forward
    assert page.testid("hop-return").count() == len(t["return_hops"]) > 0
    assert {net.id("web-1"), net.id("db-1")} <= set(highlighted(page, "hop-fwd"))
    # the peering connection the flow crosses is lit, both ways
    assert page.evaluate("window.vpclab.cy.edges('.hop-fwd').map(e => e.id())") == [net.id("app-db")]
    assert page.evaluate("window.vpclab.cy.edges('.hop-ret').map(e => e.id())") == [net.id("app-db")]
    assert page.testid("cause").count() == 0
    page.shot("trace-reachable")
    assert page.errors == []


def test_transit_gateway_trace_lights_the_attachment_and_blames_the_route_table(
    serve_page: ServePage, open_page: OpenPage
) -> None:
    net = vpclab.load("examples/tgw-segmentation.yaml")
    page = open_page(serve_page(net).url)
    page.trace("dev-app", "prod-app", 443)  # segmentation: dev's route table has no route to prod
    t = wait_trace(page)
    assert page.testid("cause").first.get_attribute("data-code") == "TGW_RTB_CANNOT_ROUTE"
    dev_attachment = t["forward_hops"][4]["id"]
    assert page.evaluate("window.vpclab.cy.edges('.hop-fwd').map(e => e.id())") == [dev_attachment]
    blamed = t["explanations"][0]["component"]
    assert highlighted(page, "blocked") == [blamed] and blamed.startswith("tgw-rtb-")
    page.shot("trace-tgw")
    assert page.errors == []


def test_hybrid_trace_lights_the_vpn_and_a_click_on_a_link_shows_it(
    serve_page: ServePage, open_page: OpenPage
) -> None:
    net = vpclab.load("examples/hybrid-dx-vpn.yaml")
    page = open_page(serve_page(net).url)
    page.trace("app-1", "branch", 443)  # the branch's Direct Connect interface is down: over its VPN
    t = wait_trace(page)
    assert t["disposition"] == "reachable"
    lit = page.evaluate("window.vpclab.cy.edges('.hop-fwd').map(e => e.id())")
    assert net.id("branch-vpn") in lit and net.id("hub-app") in lit
    assert net.id("branch") in highlighted(page, "hop-fwd")
    assert page.evaluate("window.vpclab.cy.edges('.path').length") == 0  # no shortcut beside the links
    page.evaluate(f"window.vpclab.cy.getElementById('{net.id('branch-vpn')}').emit('tap') && null")
    page.page.wait_for_function(
        "document.querySelector('[data-testid=detail-title]')?.textContent.includes('branch-vpn')"
    )
    page.shot("trace-vpn")
    assert page.errors == []


def test_what_if_previews_the_fix_and_leaves_the_network_unchanged(
    serve_page: ServePage, open_page: OpenPage
) -> None:
    net = vpclab.load("examples/two-peered-vpcs.yaml")
    page = open_page(serve_page(net).url)
    page.trace("web-1", "db-1", 22)
    wait_trace(page)
    cause = page.testid("cause").first
    assert cause.get_attribute("data-code") == "ENI_SG_RULES_MISMATCH"
    cause.get_by_test_id("whatif").click()
    result = page.testid("whatif-result")
    result.wait_for()
    assert "AuthorizeSecurityGroupIngress" in result.inner_text()
    assert page.testid("whatif-verdict").inner_text().endswith("reachable")
    # the picture shows the previewed path: delivered to db-1, back to web-1, nothing blocked
    assert page.evaluate("window.vpclab.whatif.after.disposition") == "reachable"
    assert net.id("db-1") in highlighted(page, "hop-fwd") and net.id("web-1") in highlighted(page, "hop-ret")
    assert highlighted(page, "blocked") == []
    page.shot("what-if")
    page.trace("web-1", "db-1", 22)  # again: still blocked, the preview changed a copy
    wait_trace(page)
    assert page.testid("verdict").inner_text() == "blocked"
    assert page.errors == []


def test_unknown_name_answers_inline_with_did_you_mean(serve_page: ServePage, open_page: OpenPage) -> None:
    page = open_page(serve_page("examples/peering-triangle.yaml").url)
    page.trace("a-hots", "c-host", 22)
    error = page.testid("trace-error")
    error.wait_for()
    assert "did you mean 'a-host'?" in error.inner_text()
    # the 400 is the answer, not a page error (the browser logs the failed fetch's status only)
    assert [e for e in page.errors if "400" not in e] == []


def test_click_a_route_table_hop_and_a_node_shows_details(serve_page: ServePage, open_page: OpenPage) -> None:
    net = vpclab.load("examples/peering-triangle.yaml")
    page = open_page(serve_page(net).url)
    page.trace("a-host", "c-host", 22)
    wait_trace(page)
    page.testid("hop-forward").nth(2).click()  # the route table hop
    title = page.testid("detail-title")
    title.wait_for()
    assert "a-rt" in title.inner_text()
    routes = page.page.locator("[data-testid=detail-table][data-title=Routes]")
    assert (
        "State" in routes.inner_text()
        and "Origin" in routes.inner_text()
        and "CreateRouteTable" in routes.inner_text()
    )
    # a click on a node picks it as source (then destination) and shows it
    page.evaluate(f"window.vpclab.cy.getElementById('{net.id('b-host')}').emit('tap') && null")
    page.page.wait_for_function(
        "document.querySelector('[data-testid=detail-title]').textContent.includes('b-host')"
    )
    assert page.testid("trace-source").input_value() == "b-host"
    assert page.errors == []


def test_search_finds_by_name_and_collapse_hides_a_vpcs_insides(
    serve_page: ServePage, open_page: OpenPage
) -> None:
    net = vpclab.load("examples/tgw-segmentation.yaml")
    page = open_page(serve_page(net).url)
    page.testid("search").fill("prod-app")
    page.testid("search-go").click()
    page.page.wait_for_function("document.querySelector('[data-testid=detail-title]')")
    assert page.evaluate("window.vpclab.cy.$(':selected').map(n => n.id())") == [net.id("prod-app")]
    page.testid("search").fill("seg-dev")  # an attachment: not a box, but searchable
    page.testid("search-go").click()
    page.page.wait_for_function(
        "document.querySelector('[data-testid=detail-title]').textContent.includes('seg-dev')"
    )
    assert page.evaluate("window.vpclab.cy.$(':selected').map(n => n.id())") == [net.id("seg")]
    page.testid("search").fill("prod-aqp")  # nothing by that name: the CLI's suggestion
    page.testid("search-go").click()
    assert "did you mean" in page.testid("search-error").inner_text()
    page.testid("collapse-all").click()
    visible = set(page.evaluate("window.vpclab.visible()"))
    assert net.id("prod") in visible and net.id("prod-app") not in visible
    page.testid("expand-all").click()
    assert net.id("prod-app") in set(page.evaluate("window.vpclab.visible()"))
    page.testid("fit").click()
    assert [e for e in page.errors if "status of 404" not in e] == []  # the 404 that said "did you mean"


def test_many_vpcs_render_collapsed_and_apart(serve_page: ServePage, open_page: OpenPage) -> None:
    cp = vpclab.ControlPlane()
    tgw = cp.create_transit_gateway()
    count = COLLAPSE_ABOVE * 3
    for i in range(count):
        vpc = cp.create_vpc(cidr_block=f"10.{i}.0.0/16")
        subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block=f"10.{i}.1.0/24", availability_zone="us-east-1a")
        if i % 5 == 0:
            cp.create_transit_gateway_vpc_attachment(
                transit_gateway_id=tgw.id, vpc_id=vpc.id, subnet_ids=[subnet.id]
            )

    page = open_page(serve_page(world_network(cp.world)).url)
    kinds = page.evaluate("window.vpclab.cy.nodes().map(n => n.data('kind'))")
    assert kinds.count("vpc") == count and "subnet" not in kinds
    # each collapsed VPC is a box of its own: no two drawn on top of each other
    boxes = page.evaluate(
        "window.vpclab.cy.nodes('[kind=\"vpc\"]')"
        ".map(n => { const b = n.boundingBox(); return [b.x1, b.y1, b.x2, b.y2]; })"
    )
    overlapping = sum(
        1
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    )
    assert overlapping <= count // 10
    page.shot("collapsed")
    assert page.errors == []


def test_export_png_and_svg(serve_page: ServePage, open_page: OpenPage) -> None:
    net = vpclab.load("examples/hybrid-dx-vpn.yaml")
    page = open_page(serve_page(net).url)
    png = page.evaluate("window.vpclab.exportPng()")
    assert png.startswith("data:image/png;base64,")
    assert base64.b64decode(png.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    svg = page.evaluate("window.vpclab.exportSvg()")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert net.id("onprem-vpn") in svg if "onprem-vpn" in net.ids else "<line" in svg
    with page.page.expect_download() as download:
        page.testid("export-svg").click()
    assert download.value.suggested_filename == "vpclab.svg"
    page.shot("hybrid-dx-vpn")
    assert page.errors == []


def test_vpclab_serve_serves_the_page_on_its_live_world(open_page: OpenPage) -> None:
    srv = start_server("--load", "examples/two-peered-vpcs.yaml", "--no-default-vpc")
    try:
        ec2 = srv.client()
        vpc_id = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
        tags = [{"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": "made-live"}]}]
        subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.77.1.0/24", TagSpecifications=tags)[
            "Subnet"
        ]["SubnetId"]
        with urllib.request.urlopen(f"{srv.url}/_vpclab/api/graph", timeout=10) as resp:
            graph = json.loads(resp.read())
        assert {vpc_id, subnet_id} <= {n["data"]["id"] for n in graph["nodes"]}
        page = open_page(srv.url)
        assert subnet_id in {n["id"] for n in page.evaluate("window.vpclab.graph.nodes")}
        page.trace("web-1", "made-live", 443)  # a Name tag is a name on the live World
        t = wait_trace(page)
        assert t["destination"] == "made-live" and t["disposition"] == "blocked"
        assert page.testid("cause").count() >= 1
        page.shot("serve-live")
        assert page.errors == []
        page.close()  # its event stream ends with it (else the server's shutdown waits for it)
        for path in ("/_vpclab/api/trace?source=x&destination=y", "/_vpclab/api/nope"):
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(f"{srv.url}{path}", timeout=10)
            assert 400 <= err.value.code < 500 and "error" in json.loads(err.value.read())
    finally:
        stop_server(srv)


def test_keyboard_alone_traces_a_flow_and_every_control_has_a_label(
    serve_page: ServePage, open_page: OpenPage
) -> None:
    page = open_page(serve_page("examples/peering-triangle.yaml").url)
    unlabelled = page.evaluate(
        "[...document.querySelectorAll('input, select, button')]"
        ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')"
        " && !e.textContent.trim())"
        ".map(e => e.outerHTML)"
    )
    assert unlabelled == []
    page.testid("trace-source").focus()
    page.page.keyboard.type("10.0.1.10")  # addresses work as well as names
    page.page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.testid") == "trace-destination"
    page.page.keyboard.type("10.1.1.10")
    page.page.keyboard.press("Enter")
    t = wait_trace(page)
    assert t["flow"]["src_ip"] == "10.0.1.10" and t["flow"]["dst_ip"] == "10.1.1.10"
    page.testid("hop-forward").first.focus()  # the hop list is reachable by keyboard
    page.page.keyboard.press("Enter")
    page.testid("detail-title").wait_for()
    assert page.errors == []
