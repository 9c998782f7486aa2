"""What if on the page, for a route fix (issue 13 point 3): the button appears for every cause
AWS API calls fix, the preview lists the calls and draws the path after them, and the network is
unchanged; a cause that needs a person's choice says why it has no preview."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import vpclab

from .conftest import Page, PageServer

OpenPage = Callable[[str], Page]
ServePage = Callable[[Any], PageServer]


def test_what_if_previews_a_missing_transit_gateway_route(serve_page: ServePage, open_page: OpenPage) -> None:
    net = vpclab.load("examples/tgw-isolated-vpcs.yaml")
    page = open_page(serve_page(net).url)
    page.trace("vpc-a-host", "vpc-b-host", 443)
    page.page.wait_for_function("window.vpclab.trace !== null")
    cause = page.testid("cause").first
    assert cause.get_attribute("data-code") == "TGW_RTB_CANNOT_ROUTE"
    cause.get_by_test_id("whatif").click()
    page.testid("whatif-result").wait_for()
    steps = page.testid("whatif-step")
    assert [steps.nth(i).get_attribute("data-action") for i in range(steps.count())] == [
        "EnableTransitGatewayRouteTablePropagation"
    ] * 2
    assert net.id("hub-vpc-b") in steps.first.inner_text()
    assert page.testid("whatif-verdict").inner_text().endswith("reachable")
    lit = page.evaluate("window.vpclab.cy.nodes('.hop-fwd').map(n => n.id())")
    assert net.id("vpc-b-host") in lit
    assert page.evaluate("window.vpclab.cy.nodes('.blocked').length") == 0
    page.shot("what-if-tgw-route")
    page.trace("vpc-a-host", "vpc-b-host", 443)  # again: the network itself is unchanged
    page.page.wait_for_function("window.vpclab.trace !== null")
    assert page.testid("verdict").inner_text() == "blocked"
    assert page.errors == []


def test_a_cause_that_needs_a_choice_says_why_it_has_no_preview(
    serve_page: ServePage, open_page: OpenPage
) -> None:
    page = open_page(serve_page("examples/peering-edge-to-edge.yaml").url)
    page.trace("app-host", "8.8.8.8", 443)
    page.page.wait_for_function("window.vpclab.trace !== null")
    cause = page.testid("cause").first
    assert cause.get_by_test_id("whatif").count() == 0
    assert "egress design" in cause.get_by_test_id("whatif-none").inner_text()
    assert page.errors == []
