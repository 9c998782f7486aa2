"""The break-even picture on the page: `vpclab advise --sweep` through the page's API and drawn
in Debian's chromium (docs/web.md, docs/advisor.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

import vpclab
from vpclab.model.world import World
from vpclab.web import create_app, static_network

from .conftest import Page, PageServer
from .test_views_page import serve_app  # noqa: F401 - the fixture


def _client() -> TestClient:
    return TestClient(create_app(static_network(vpclab.Network(World(), "<empty>"))))


def test_sweep_api_is_vpclab_advise_sweep() -> None:
    """The figures `vpclab advise --sweep vpcs=3..10:7 --pair-gb 20` prints: $1.60 and $111.90 at
    3 VPCs, $20.00 and $401.00 at 10 (docs/advisor.md works them by hand)."""
    r = _client().get("/_vpclab/api/sweep", params={"sweep": "vpcs=3..10:7", "pair_gb": "20"})
    assert r.status_code == 200, r.text
    doc = r.json()
    totals = {(p["design"], p["vpcs"]): p["total"] for p in doc["points"]}
    assert totals[("mesh", 3)] == "1.60" and totals[("transit-gateway", 3)] == "111.90"
    assert totals[("shared-vpc", 10)] == "20.00" and totals[("transit-gateway", 10)] == "401.00"
    assert doc["same_cost"] == [["mesh", "shared-vpc"]]


def test_sweep_api_bounds_the_work() -> None:
    c = _client()
    for params, message in (
        ({"sweep": "vpcs=2..200"}, "at most 60 VPCs"),
        ({"sweep": "vpcs=2..60:1"}, "at most 12"),
        ({"sweep": "hosts=2..3"}, "--sweep takes"),
        ({"sweep": "vpcs=2..3", "pair_gb": "lots"}, "pair_gb must be"),
        ({"sweep": "vpcs=2..3", "azs": "9"}, "azs must be"),
    ):
        r = c.get("/_vpclab/api/sweep", params=params)
        assert r.status_code == 400 and message in r.json()["error"]["message"], (params, r.text)


def test_sweep_drawn_on_the_page(
    serve_app: Callable[[Any], PageServer],  # noqa: F811 - the fixture imported above
    open_page: Callable[[str], Page],
) -> None:
    page = open_page(serve_app(static_network(vpclab.Network(World(), "<empty>"))).url)
    page.testid("sweep-range").fill("vpcs=2..6:4")
    page.testid("sweep-gb").fill("50")
    page.testid("sweep-go").click()
    page.testid("sweep-chart").wait_for()
    assert page.testid("sweep-row").count() == 6
    lines = page.page.locator("[data-testid=sweep-chart] polyline")
    assert sorted(lines.nth(i).get_attribute("data-design") for i in range(lines.count())) == [
        "mesh",
        "shared-vpc",
        "transit-gateway",
    ]
    assert "mesh and shared-vpc cost the same at every point" in page.testid("sweep-result").inner_text()
    page.shot("sweep")
    page.testid("sweep-range").fill("vpcs=2..500")
    page.testid("sweep-go").click()
    page.testid("sweep-error").wait_for()
    assert "at most" in page.testid("sweep-error").inner_text()
