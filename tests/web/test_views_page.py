"""The matrix, intents, diff and live updates in Debian's chromium (docs/web.md): what a user sees.

Screenshots: build/test-artifacts/web/.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import vpclab
from tests.api.conftest import start_server, stop_server
from vpclab.web import create_app, static_network

from .conftest import Page, PageServer
from .test_views_api import CUT, INTENTS, TRIANGLE

OpenPage = Callable[[str], Page]


@pytest.fixture
def serve_app() -> Iterator[Callable[[Any], PageServer]]:
    started: list[PageServer] = []

    def start(source: Any) -> PageServer:
        started.append(PageServer(create_app(source)))
        return started[-1]

    yield start
    for srv in started:
        srv.stop()


def wait_trace(page: Page) -> dict[str, Any]:
    page.page.wait_for_function("window.vpclab.trace !== null")
    return dict(page.evaluate("window.vpclab.trace"))


def test_matrix_heat_map_and_a_cell_click_traces_that_pair(
    serve_app: Callable[[Any], PageServer], open_page: OpenPage
) -> None:
    net = vpclab.load(TRIANGLE)
    page = open_page(serve_app(static_network(net)).url)
    page.testid("matrix-port").fill("22")
    page.testid("matrix-go").click()
    page.testid("matrix-table").wait_for()
    cells = page.testid("matrix-cell")
    assert cells.count() == 9
    assert "3 × 3 subnets, tcp/22, 7 reachable pairs" in page.testid("matrix-summary").inner_text()
    ac = page.page.locator("[data-testid=matrix-cell][data-source=a-app][data-destination=c-app]")
    ab = page.page.locator("[data-testid=matrix-cell][data-source=a-app][data-destination=b-app]")
    assert ac.get_attribute("data-reachable") == "false" and ab.get_attribute("data-reachable") == "true"
    page.evaluate("window.vpclab.trace = null")
    ac.click()
    t = wait_trace(page)
    assert (t["source"], t["destination"], t["disposition"]) == ("a-app", "c-app", "blocked")
    assert page.testid("cause").first.get_attribute("data-code") == "NO_ROUTE_TO_DESTINATION"
    # filtered to one VPC; an unknown one answers with the CLI's suggestion
    page.testid("matrix-vpc").fill("b")
    page.testid("matrix-go").click()
    page.page.wait_for_function("window.vpclab.matrix.sources === 1")
    assert page.testid("matrix-cell").count() == 1  # its subnets, both ways
    page.testid("matrix-vpc").fill("bb")
    page.testid("matrix-go").click()
    assert "did you mean 'b'?" in page.testid("matrix-error").inner_text()
    page.shot("matrix")
    assert [e for e in page.errors if "400" not in e] == []


def test_intents_listed_pass_fail_and_a_failure_clicks_through_to_its_trace(
    serve_app: Callable[[Any], PageServer], open_page: OpenPage, tmp_path: Path
) -> None:
    path = tmp_path / "intents.yaml"
    path.write_text(INTENTS)
    page = open_page(serve_app(static_network(vpclab.load(TRIANGLE), intents=path)).url)
    rows = page.testid("intent")
    assert rows.count() == 2
    assert [rows.nth(i).get_attribute("data-status") for i in range(2)] == ["ok", "violated"]
    assert "1 violated" in page.testid("intents-summary").inner_text()
    page.testid("intent-violation").first.click()
    t = wait_trace(page)
    assert (t["source"], t["destination"]) == ("a-host", "b-host")
    assert page.testid("cause").first.get_attribute("data-code") == "ENI_SG_RULES_MISMATCH"
    # intents typed in the page: a mistake answers inline
    page.testid("intents-text").fill(INTENTS.replace("c-host", "c-hots"))
    page.testid("intents-go").click()
    page.testid("intents-error").wait_for(state="visible")  # it is there, hidden, until the answer
    assert "did you mean 'c-host'?" in page.testid("intents-error").inner_text()
    assert page.testid("intent").count() == 2  # the file's results stay listed
    page.shot("intents")
    assert page.errors == [] or all("400" in e for e in page.errors)


def test_diff_shows_closed_flows_in_red_on_the_list_the_matrix_and_the_diagram(
    serve_app: Callable[[Any], PageServer], open_page: OpenPage, tmp_path: Path
) -> None:
    old = vpclab.load(TRIANGLE)
    cut = tmp_path / "my-triangle.yaml"
    cut.write_text("\n".join(x for x in TRIANGLE.read_text().splitlines() if CUT not in x) + "\n")
    new = vpclab.load(cut)
    page = open_page(serve_app(static_network(new, diff_old=old)).url)
    assert page.testid("diff-panel").is_visible()
    closed = page.testid("diff-closed")
    assert closed.count() >= 2 and page.testid("diff-opened").count() == 0
    assert "b-app → c-app tcp/22" in closed.all_inner_texts()[0] + " ".join(closed.all_inner_texts())
    lines = page.evaluate(
        "window.vpclab.cy.edges('.diff.closed').map(e => [e.source().id(), e.target().id()])"
    )
    assert [new.id("b-app"), new.id("c-app")] in lines
    assert page.evaluate("window.vpclab.cy.edges('.diff.closed')[0].style('line-color')") == "rgb(209,50,18)"
    page.testid("matrix-port").fill("22")
    page.testid("matrix-go").click()
    page.testid("matrix-table").wait_for()
    cell = page.page.locator("[data-testid=matrix-cell][data-source=b-app][data-destination=c-app]")
    assert cell.get_attribute("data-diff") == "closed"
    page.shot("diff")
    assert page.errors == []


def test_diff_against_a_terraform_plan_shows_the_opened_flow_in_green(
    serve_app: Callable[[Any], PageServer], open_page: OpenPage
) -> None:
    root = TRIANGLE.parents[1]
    old = vpclab.load(root / "examples/terraform/state.json")
    new = vpclab.load(root / "examples/terraform/plan.json")  # vpclab.load takes a plan: the planned side
    page = open_page(serve_app(static_network(new, diff_old=old)).url)
    page.testid("diff-level").select_option("interface")
    page.page.wait_for_function("window.vpclab.diff && window.vpclab.diff.level === 'interface'")
    opened = page.testid("diff-opened")
    assert opened.count() == 1 and "aws_instance.db/eni → aws_instance.web/eni tcp/22" in opened.inner_text()
    assert "ENI_SG_RULES_MISMATCH" in page.testid("diff-closed").inner_text()
    green = page.evaluate("window.vpclab.cy.edges('.diff.opened').map(e => e.style('line-color'))")
    assert green == ["rgb(46,158,46)"]
    page.shot("diff-terraform-plan")
    assert page.errors == []


def test_live_a_vpc_made_with_boto3_appears_within_a_second_without_reload(open_page: OpenPage) -> None:
    srv = start_server("--load", "examples/two-peered-vpcs.yaml", "--no-default-vpc")
    try:
        page = open_page(srv.url)
        page.trace("web-1", "db-1", 5432)
        first = wait_trace(page)
        assert first["disposition"] == "reachable"
        page.evaluate("window.vpclab.marker = 'same page'")  # gone if the page reloads
        ec2 = srv.client()
        made = time.monotonic()
        vpc_id = ec2.create_vpc(CidrBlock="10.88.0.0/16")["Vpc"]["VpcId"]
        page.page.wait_for_function(
            f"window.vpclab.graph.nodes.some(n => n.id === '{vpc_id}')", timeout=5000, polling=50
        )
        seen = time.monotonic() - made
        assert seen < 1.5, f"the new VPC appeared after {seen:.2f} s"
        assert page.evaluate("window.vpclab.marker") == "same page"
        assert vpc_id in page.evaluate("window.vpclab.visible()")
        # an open trace re-runs: revoke the rule that lets 5432 in, and the trace turns blocked
        db_sg = next(
            g
            for g in ec2.describe_security_groups()["SecurityGroups"]
            if any(p.get("FromPort") == 5432 for p in g["IpPermissions"])
        )
        perm = next(p for p in db_sg["IpPermissions"] if p.get("FromPort") == 5432)
        ec2.revoke_security_group_ingress(GroupId=db_sg["GroupId"], IpPermissions=[perm])
        page.page.wait_for_function(
            "window.vpclab.trace && window.vpclab.trace.disposition === 'blocked'", timeout=5000
        )
        assert page.testid("verdict").inner_text() == "blocked"
        page.shot("live")
        assert page.errors == []
        page.close()  # its event stream ends with it (else the server's shutdown waits for it)
        # the page's one POST (intents) is refused to another site's page, as the endpoint's rules say
        req = urllib.request.Request(
            f"{srv.url}/_vpclab/api/check", data=INTENTS.encode(), headers={"Origin": "http://evil.example"}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(req, timeout=10)
        assert refused.value.code == 403
    finally:
        stop_server(srv)
