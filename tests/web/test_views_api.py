"""The page's matrix, intents, diff and events API (vpclab.web.views), in process: the same answers
as ``vpclab matrix``, ``check`` and ``diff``, bounded per request, and 4xx JSON for bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

import vpclab
from vpclab.model.world import World
from vpclab.network import Network, api
from vpclab.web import create_app, live_source, static_network, views, world_network

ROOT = Path(__file__).resolve().parents[2]
TRIANGLE = ROOT / "examples/peering-triangle.yaml"
#: the triangle with b's route to c dropped (docs/cli.md's diff example)
CUT = "10.2.0.0/16: pcx:b-c"

INTENTS = """\
- name: a never reaches c
  from: a-host
  to: c-host
  protocol: tcp
  port: 22
  expect: unreachable
- name: a reaches b
  from: a-host
  to: b-host
  protocol: tcp
  port: 22
  expect: reachable
"""


def get(c: TestClient, path: str, **params: Any) -> tuple[int, Any]:
    r = c.get(f"/_vpclab/api/{path}", params=params)
    return r.status_code, r.json()


@pytest.fixture(scope="module")
def triangle() -> Network:
    return vpclab.load(TRIANGLE)


@pytest.fixture(scope="module")
def cut(tmp_path_factory: pytest.TempPathFactory) -> Path:
    text = TRIANGLE.read_text()
    assert CUT in text
    path = tmp_path_factory.mktemp("diff") / "my-triangle.yaml"
    path.write_text("\n".join(line for line in text.splitlines() if CUT not in line) + "\n")
    return path


def test_matrix_cells_are_vpclab_matrix(triangle: Network) -> None:
    c = TestClient(create_app(static_network(triangle)))
    status, m = get(c, "matrix", protocol="tcp", port="22")
    assert status == 200 and m["aggregated"] is False and m["engine"] == "classes"
    expected = api.matrix(triangle, protocol="tcp", port=22)
    seen = {
        (r["name"], col["name"])
        for i, r in enumerate(m["rows"])
        for j, col in enumerate(m["columns"])
        if m["cells"][i][j]["reachable"]
    }
    assert seen == set(expected) and m["reachable"] == expected.count()
    assert ("a-app", "c-app") not in seen and ("a-app", "b-app") in seen  # peering is not transitive
    assert {r["node"] for r in m["rows"]} == {triangle.id(n) for n in ("a-app", "b-app", "c-app")}


def test_matrix_filters_by_vpc_account_and_tag(triangle: Network) -> None:
    c = TestClient(create_app(static_network(triangle)))
    _, m = get(c, "matrix", port="22", vpc="b")
    assert [r["name"] for r in m["rows"]] == ["b-app"] and m["sources"] == 1
    account = next(iter({r.owner_id for r in triangle.world.resources()}))
    _, m = get(c, "matrix", port="22", account=account)
    assert m["sources"] == 3
    _, m = get(c, "matrix", port="22", tag="Name=c-app")
    assert [r["name"] for r in m["columns"]] == ["c-app"]
    _, m = get(c, "matrix", port="22", tag="NoSuchKey")
    assert m["sources"] == 0 and m["cells"] == []


def test_matrix_aggregates_by_vpc_above_the_bound_and_pages(
    triangle: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = TestClient(create_app(static_network(triangle)))
    monkeypatch.setattr(views, "MAX_SIDE", 2)  # 3 subnets a side: too many to draw one by one
    _, m = get(c, "matrix", port="22")
    assert m["aggregated"] is True and "VPC by VPC" in m["note"]
    assert m["total_rows"] == 3 and len(m["rows"]) == 2  # paged: 2 at a time
    shares = {
        (r["name"], col["name"]): m["cells"][i][j]
        for i, r in enumerate(m["rows"])
        for j, col in enumerate(m["columns"])
    }
    assert shares[("a", "b")]["reachable_pairs"] == 1 and shares[("a", "b")]["share"] == 1.0
    _, rest = get(c, "matrix", port="22", row_offset="2")
    assert [r["name"] for r in rest["rows"]] == ["c"]
    _, detail = get(c, "matrix", port="22", aggregate="0")  # one by one, paged
    assert detail["aggregated"] is False and len(detail["rows"]) == 2 and "row_offset" in detail["note"]


@pytest.mark.parametrize(
    ("params", "code", "hint"),
    [
        ({"vpc": "aa"}, "UnknownVpc", "did you mean 'a'?"),
        ({"account": "nobody"}, "UnknownAccount", "is not an account"),
        ({"protocol": "tcpp"}, "InvalidParameterValue", "protocol must be"),
        ({"port": "70000"}, "InvalidParameterValue", "0 to 65535"),
        ({"level": "vpc"}, "InvalidParameterValue", "level must be"),
        ({"row_offset": "-1"}, "InvalidParameterValue", "row_offset"),
    ],
)
def test_matrix_bad_input_is_a_400_with_the_cli_suggestion(
    triangle: Network, params: dict[str, str], code: str, hint: str
) -> None:
    c = TestClient(create_app(static_network(triangle)))
    status, body = get(c, "matrix", **params)
    assert status == 400 and body["error"]["code"] == code and hint in body["error"]["message"]


def test_check_posted_and_from_the_intents_file(triangle: Network, tmp_path: Path) -> None:
    path = tmp_path / "intents.yaml"
    path.write_text(INTENTS)
    c = TestClient(create_app(static_network(triangle, intents=path)))
    status, report = get(c, "check")
    assert status == 200 and report["ok"] is False and report["violated"] == 1
    by_name = {r["intent"]: r for r in report["results"]}
    assert by_name["a never reaches c"]["status"] == "ok"
    bad = by_name["a reaches b"]
    assert bad["status"] == "violated" and bad["violations_total"] == 1
    v = bad["violations"][0]
    assert (v["source"], v["destination"], v["protocol"], v["port"]) == ("a-host", "b-host", "tcp", 22)
    assert v["codes"] == ["ENI_SG_RULES_MISMATCH"]  # the default security group admits its own members only
    assert api.check(triangle, str(path)).to_dict()["violated"] == report["violated"]  # as vpclab check
    posted = c.post("/_vpclab/api/check", content=INTENTS)
    assert posted.status_code == 200 and posted.json()["results"] == report["results"]


def test_check_bad_input_is_a_400(triangle: Network) -> None:
    c = TestClient(create_app(static_network(triangle)))
    status, body = get(c, "check")  # no --intents: say how to give them
    assert (
        status == 400
        and body["error"]["code"] == "MissingParameter"
        and "--intents" in body["error"]["message"]
    )
    r = c.post("/_vpclab/api/check", content="- nme: x\n")
    assert r.status_code == 400 and "did you mean 'name'?" in r.json()["error"]["message"]
    r = c.post("/_vpclab/api/check", content=INTENTS.replace("c-host", "c-hots"))
    assert r.status_code == 400 and "did you mean 'c-host'?" in r.json()["error"]["message"]
    r = c.post("/_vpclab/api/check", content=b"\xff\xfe")
    assert r.status_code == 400
    r = c.post("/_vpclab/api/check", content="")
    assert r.status_code == 400 and r.json()["error"]["code"] == "MissingParameter"


def test_diff_lists_the_flows_vpclab_diff_does_with_their_nodes(triangle: Network, cut: Path) -> None:
    new = vpclab.load(cut)
    c = TestClient(create_app(static_network(new, diff_old=triangle)))
    status, d = get(c, "diff")
    assert status == 200 and d["opened"] == []
    expected = api.diff(triangle, new)
    assert {(f["source"], f["destination"], f["protocol"], f["port"]) for f in d["closed"]} == {
        (f.source, f.destination, f.protocol, f.port) for f in expected.closed
    }
    assert ("b-app", "c-app", "tcp", 22) in {
        (f["source"], f["destination"], f["protocol"], f["port"]) for f in d["closed"]
    }
    row = next(f for f in d["closed"] if (f["source"], f["destination"], f["port"]) == ("b-app", "c-app", 22))
    assert row["source_node"] == new.id("b-app") and row["codes"] == ["NO_ROUTE_TO_DESTINATION"]
    # the matrix marks the closed cells for the same flow
    _, m = get(c, "matrix", protocol="tcp", port="22")
    marks = {
        (r["name"], col["name"]): m["cells"][i][j].get("diff")
        for i, r in enumerate(m["rows"])
        for j, col in enumerate(m["columns"])
    }
    assert marks[("b-app", "c-app")] == "closed" and marks[("a-app", "b-app")] is None
    _, g = get(c, "graph")
    assert g["features"] == {"intents": False, "diff": True, "live": False}


def test_diff_without_a_second_source_is_a_400(triangle: Network) -> None:
    c = TestClient(create_app(static_network(triangle)))
    status, body = get(c, "diff")
    assert status == 400 and "--diff" in body["error"]["message"]


def test_live_source_version_changes_with_the_world() -> None:
    world = World()
    source = live_source(world, _NoLock())
    before = source.version()
    net = vpclab.load(TRIANGLE)
    holder = {"world": world}
    moving = live_source(lambda: holder["world"], _NoLock())
    assert moving.version() == before
    holder["world"] = net.world  # a reset replaces the World: the version changes
    assert moving.version() != before and moving.live and not static_network(net).live
    assert world_network(net.world).file == "the server's World"


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def test_interface_matrix_and_vpc_shares_agree_with_vpclab_matrix(monkeypatch: pytest.MonkeyPatch) -> None:
    net = vpclab.load(ROOT / "examples/two-peered-vpcs.yaml")
    c = TestClient(create_app(static_network(net)))
    expected = api.matrix(net, protocol="tcp", port=5432, level="interface")
    _, m = get(c, "matrix", protocol="tcp", port="5432", level="interface")
    seen = {
        (r["id"], col["id"])
        for i, r in enumerate(m["rows"])
        for j, col in enumerate(m["columns"])
        if m["cells"][i][j]["reachable"]
    }
    assert seen == set(expected.pairs) and seen and m["reachable"] == expected.count()
    monkeypatch.setattr(views, "MAX_SIDE", 1)  # VPC by VPC, one VPC a page: each cell counted alone
    vpc_of = {
        rid: getattr(net.world.get(rid), "vpc_id", None)
        for rid in (*expected.sources, *expected.destinations)
    }
    for r0 in range(2):
        for c0 in range(2):
            _, page = get(
                c, "matrix", protocol="tcp", port="5432", level="interface", row_offset=r0, col_offset=c0
            )
            (row,), (col,) = page["rows"], page["columns"]
            cell = page["cells"][0][0]
            want = sum(1 for s, d in expected.pairs if vpc_of[s] == row["id"] and vpc_of[d] == col["id"])
            assert cell["reachable_pairs"] == want
            assert cell["pairs"] == row["members"] * col["members"]
