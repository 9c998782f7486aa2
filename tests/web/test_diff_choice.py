"""The diff beyond ``vpclab diff``'s default flows (issue 13, point 5): the page chooses the
protocol and port (``--flow P/N``), and the list, the matrix and the diagram show what the change
did to that flow — the same function as ``vpclab diff``, bounded per request."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

import vpclab
from vpclab.network import Network, api
from vpclab.web import create_app, static_network
from vpclab.web.views import MAX_DIFF_FLOWS

from .conftest import Page, PageServer
from .test_views_api import CUT, TRIANGLE


@pytest.fixture(scope="module")
def networks(tmp_path_factory: pytest.TempPathFactory) -> tuple[Network, Network]:
    path = tmp_path_factory.mktemp("diff") / "my-triangle.yaml"
    path.write_text("\n".join(x for x in TRIANGLE.read_text().splitlines() if CUT not in x) + "\n")
    return vpclab.load(TRIANGLE), vpclab.load(path)


def get(c: TestClient, path: str, **params: Any) -> tuple[int, Any]:
    r = c.get(f"/_vpclab/api/{path}", params=params)
    return r.status_code, r.json()


def flows_of(rows: list[dict[str, Any]]) -> set[tuple[str, str, str, int | None]]:
    return {(f["source"], f["destination"], f["protocol"], f["port"]) for f in rows}


def test_the_diff_of_a_chosen_flow_is_vpclab_diffs_for_it(networks: tuple[Network, Network]) -> None:
    old, new = networks
    c = TestClient(create_app(static_network(new, diff_old=old)))
    status, d = get(c, "diff", protocol="tcp", port="8080")
    assert status == 200 and d["flows"] == [{"protocol": "tcp", "port": 8080}]
    expected = api.diff(old, new, flows=[("tcp", 8080)])
    assert flows_of(d["closed"]) == {(f.source, f.destination, f.protocol, f.port) for f in expected.closed}
    assert ("b-app", "c-app", "tcp", 8080) in flows_of(d["closed"]) and d["closed_total"] == len(d["closed"])
    # several flows, as --flow repeated
    status, d2 = get(c, "diff", flow=["udp/53", "tcp/8080"])
    assert status == 200 and [f["port"] for f in d2["flows"]] == [53, 8080]
    assert ("b-app", "c-app", "udp", 53) in flows_of(d2["closed"])
    # the matrix of that flow marks the cells the change closed
    _, m = get(c, "matrix", protocol="tcp", port="8080")
    marks = {
        (r["name"], col["name"]): m["cells"][i][j].get("diff")
        for i, r in enumerate(m["rows"])
        for j, col in enumerate(m["columns"])
    }
    assert marks[("b-app", "c-app")] == "closed" and marks[("a-app", "b-app")] is None


@pytest.mark.parametrize(
    ("params", "text"),
    [
        ({"protocol": "gre"}, "PROTOCOL/PORT"),
        ({"protocol": "tcp", "port": "99999"}, "0 to 65535"),
        ({"flow": [f"tcp/{n}" for n in range(MAX_DIFF_FLOWS + 1)]}, f"at most {MAX_DIFF_FLOWS} flows"),
    ],
)
def test_a_bad_flow_choice_is_a_400(
    networks: tuple[Network, Network], params: dict[str, Any], text: str
) -> None:
    old, new = networks
    status, body = get(TestClient(create_app(static_network(new, diff_old=old))), "diff", **params)
    assert (
        status == 400
        and body["error"]["code"] == "InvalidParameterValue"
        and text in body["error"]["message"]
    )


@pytest.fixture
def serve_app() -> Iterator[Callable[[Any], PageServer]]:
    started: list[PageServer] = []

    def start(source: Any) -> PageServer:
        started.append(PageServer(create_app(source)))
        return started[-1]

    yield start
    for srv in started:
        srv.stop()


def test_the_page_compares_a_chosen_port_on_the_list_the_matrix_and_the_diagram(
    networks: tuple[Network, Network],
    serve_app: Callable[[Any], PageServer],
    open_page: Callable[[str], Page],
) -> None:
    old, new = networks
    page = open_page(serve_app(static_network(new, diff_old=old)).url)
    page.testid("diff-closed").first.wait_for()
    page.testid("matrix-go").click()  # the matrix is open: it follows the diff's choice
    page.testid("matrix-table").wait_for()
    page.testid("diff-protocol").select_option("tcp")
    page.testid("diff-port").fill("8080")
    page.testid("diff-go").click()
    page.page.wait_for_function(
        "window.vpclab.diff.flows[0].port === 8080 && window.vpclab.matrix.port === 8080"
    )
    closed = page.testid("diff-closed").all_inner_texts()
    assert any("b-app → c-app tcp/8080" in t for t in closed) and not any("/22" in t for t in closed)
    assert "tcp/8080" in page.testid("diff-summary").inner_text()
    labels = page.evaluate("window.vpclab.cy.edges('.diff.closed').map(e => e.data('label'))")
    assert labels and all("8080" in x for x in labels)
    cell = page.page.locator("[data-testid=matrix-cell][data-source=b-app][data-destination=c-app]")
    assert cell.get_attribute("data-diff") == "closed"
    page.shot("diff-chosen-port")
    assert page.errors == []
