"""SqliteStore schema version 2: a change is written as a patch of its size (issue 8, point 6).

A resource whose previous version is in the file gets a row in ``patches`` (the fields that
changed, each changed tuple as a splice), not its whole body again; its patches are folded into
its body when they would outgrow it, and deleted with it. A file of schema version 1 is upgraded
when opened. The property: after any sequence of appends, removals, replacements, field changes
and deletes — across compactions — the file loads back to exactly the World.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vpclab import World
from vpclab.aws.store import (
    SCHEMA_VERSION,
    ForeignDatabaseError,
    SchemaVersionError,
    SqliteStore,
)
from vpclab.model.base import Tags
from vpclab.model.route_table import Route, RouteTable
from vpclab.model.serialize import apply_patch, from_dict, to_dict, to_json, to_patch
from vpclab.model.vpc import Vpc

OWNER = "111111111111"


def route(n: int) -> Route:
    return Route(destination_cidr_block=f"10.{n // 256 % 256}.{n % 256}.0/24", gateway_id=f"igw-{n:017x}")


def table(rid: str = "rtb-00000000000000001", routes: int = 0) -> RouteTable:
    return RouteTable(id=rid, owner_id=OWNER, region="us-east-1", vpc_id="vpc-00000000000000001",
                      routes=tuple(route(i) for i in range(routes)))


def rows(path: Path) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """(id → body, [(id, patch)] in order) as the file holds them."""
    conn = sqlite3.connect(path)
    try:
        bodies = dict(conn.execute("SELECT id, body FROM resources"))
        patches = list(conn.execute("SELECT id, patch FROM patches ORDER BY rowid"))
        return bodies, patches
    finally:
        conn.close()


def reloaded(path: Path) -> list[dict]:
    with SqliteStore.open(path) as store:
        return [to_dict(r) for r in store.load(World).resources()]


# -- the patch codec --------------------------------------------------------------------------------
def test_a_patch_of_one_appended_route_carries_that_route_only() -> None:
    old = table(routes=3000)
    new = dataclasses.replace(old, routes=(*old.routes, route(3000)))
    patch = to_patch(old, new)
    assert patch is not None
    assert json.loads(patch) == {"splice": {"routes": [3000, 0, [to_dict(new)["routes"][-1]]]}}
    data = json.loads(to_json(old))
    apply_patch(data, json.loads(patch))
    assert from_dict(data) == new


@pytest.mark.parametrize("edit", ["remove-middle", "replace", "insert-front", "clear", "tags", "same"])
def test_patches_rebuild_the_new_version_exactly(edit: str) -> None:
    old = dataclasses.replace(table(routes=10), tags=Tags(Name="a"))
    routes = old.routes
    new = {
        "remove-middle": dataclasses.replace(old, routes=routes[:4] + routes[5:]),
        "replace": dataclasses.replace(old, routes=(*routes[:2], route(99), *routes[3:])),
        "insert-front": dataclasses.replace(old, routes=(route(50), *routes)),
        "clear": dataclasses.replace(old, routes=()),
        "tags": dataclasses.replace(old, tags=Tags(Name="b", env="x")),
        "same": dataclasses.replace(old),
    }[edit]
    patch = to_patch(old, new)
    assert patch is not None
    if edit == "same":
        assert patch == ""
        return
    data = to_dict(old)
    apply_patch(data, json.loads(patch))
    assert from_dict(data) == new


def test_no_patch_between_kinds() -> None:
    vpc = Vpc(id="rtb-00000000000000001", owner_id=OWNER, region="us-east-1", cidr_block="10.0.0.0/16")
    assert to_patch(table(), vpc) is None


@pytest.mark.parametrize("patch", [[1], {"x": 1}, {"splice": {"routes": [5, 0, []]}},
                                   {"splice": {"routes": [0, 0]}}, {"splice": {"routes": [-1, 0, []]}}])
def test_a_damaged_patch_is_refused(patch: object) -> None:
    with pytest.raises(ValueError):
        apply_patch(to_dict(table(routes=2)), patch)  # type: ignore[arg-type]


# -- the store --------------------------------------------------------------------------------------
@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "state.sqlite3"


def test_adding_a_route_to_a_full_table_writes_the_route_not_the_table(path: Path) -> None:
    with SqliteStore.open(path) as store:
        world = store.load(World)
        store.attach(world)
        world.put(table(routes=3000))
        body_before, _ = rows(path)
        for n in range(3000, 3010):
            rtb = world.get("rtb-00000000000000001", RouteTable)
            assert rtb is not None
            world.put(dataclasses.replace(rtb, routes=(*rtb.routes, route(n))))
        bodies, patches = rows(path)
        assert bodies == body_before  # the 3,000-route body was not rewritten
        assert len(patches) == 10 and all(len(p) < 600 for _, p in patches)  # one route
        expected = [to_dict(r) for r in world.resources()]
    assert reloaded(path) == expected


def test_patches_are_folded_into_the_body_when_they_outgrow_it(path: Path) -> None:
    with SqliteStore.open(path) as store:
        world = store.load(World)
        store.attach(world)
        world.put(table(routes=2))
        for n in range(2, 60):
            rtb = world.get("rtb-00000000000000001", RouteTable)
            assert rtb is not None
            world.put(dataclasses.replace(rtb, routes=(*rtb.routes, route(n))))
            bodies, patches = rows(path)
            assert sum(len(p) for _, p in patches) <= len(bodies[rtb.id])
        expected = [to_dict(r) for r in world.resources()]
    assert reloaded(path) == expected


def test_deleting_a_resource_deletes_its_patches(path: Path) -> None:
    with SqliteStore.open(path) as store:
        world = store.load(World)
        store.attach(world)
        world.put(table(routes=100))
        world.put(dataclasses.replace(table(routes=101)))
        assert len(rows(path)[1]) == 1
        world.remove("rtb-00000000000000001")
        assert rows(path) == ({}, [])


def test_a_restarted_store_patches_what_it_loaded(path: Path) -> None:
    with SqliteStore.open(path) as store:
        world = store.load(World)
        store.attach(world)
        world.put(table(routes=100))
        world.put(table(routes=101))
    with SqliteStore.open(path) as store:
        world = store.load(World)
        store.attach(world)
        world.put(table(routes=102))
        _bodies, patches = rows(path)
        assert len(patches) == 2
        expected = [to_dict(r) for r in world.resources()]
    assert reloaded(path) == expected


def test_reset_empties_the_patches(path: Path) -> None:
    with SqliteStore.open(path) as store:
        world = store.load(World)
        store.attach(world)
        world.put(table(routes=100))
        world.put(table(routes=101))
        store.reset(world)
        assert rows(path) == ({}, [])
        world.put(table(routes=3))
        expected = [to_dict(r) for r in world.resources()]
    assert reloaded(path) == expected


def test_a_patch_of_a_resource_that_is_not_stored_is_refused(path: Path) -> None:
    SqliteStore.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO patches (id, patch) VALUES ('rtb-x', '{}')")
    conn.commit()
    conn.close()
    with SqliteStore.open(path) as store, pytest.raises(Exception, match="rtb-x"):
        store.load(World)


# -- schema versions --------------------------------------------------------------------------------
#: schema version 1 as vpclab wrote it before patches (store.py at commit bf85725)
V1_SCHEMA = """
CREATE TABLE resources (id TEXT PRIMARY KEY, kind TEXT NOT NULL, owner_id TEXT NOT NULL,
    region TEXT NOT NULL, body TEXT NOT NULL, seq INTEGER NOT NULL);
CREATE INDEX resources_seq ON resources (seq);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def write_v1(path: Path, resources: list) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executemany("INSERT INTO resources VALUES (?, ?, ?, ?, ?, ?)",
                     [(r.id, r.KIND, r.owner_id, r.region, to_json(r), i + 1)
                      for i, r in enumerate(resources)])
    conn.executemany("INSERT INTO meta VALUES (?, ?)", [("schema_version", "1"), ("world_version", "7")])
    conn.commit()
    conn.close()


def test_a_version_1_file_is_upgraded_and_keeps_everything(path: Path) -> None:
    vpc = Vpc(id="vpc-00000000000000001", owner_id=OWNER, region="us-east-1", cidr_block="10.0.0.0/16")
    write_v1(path, [vpc, table(routes=50)])
    with SqliteStore.open(path) as store:
        assert store.meta("schema_version") == SCHEMA_VERSION == 2
        world = store.load(World)
        assert world.version == 7
        assert [to_dict(r) for r in world.resources()] == [to_dict(vpc), to_dict(table(routes=50))]
        store.attach(world)
        world.put(table(routes=51))
        assert len(rows(path)[1]) == 1
        expected = [to_dict(r) for r in world.resources()]
    assert reloaded(path) == expected


def test_a_newer_file_is_refused_as_a_newer_version_whatever_its_tables(path: Path) -> None:
    SqliteStore.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE something_new (x)")
    conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(SchemaVersionError, match="schema version 3; this vpclab reads version 2"):
        SqliteStore.open(path)


def test_another_programs_meta_table_is_still_foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE meta (name TEXT)")
    conn.execute("CREATE TABLE patches (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(ForeignDatabaseError):
        SqliteStore.open(path)


# -- the property -----------------------------------------------------------------------------------
IDS = [f"rtb-{n:017x}" for n in range(1, 4)]
Edit = tuple[str, int, int, int]
edits = st.lists(st.tuples(st.sampled_from(["append", "remove", "replace", "insert", "splice", "tags",
                                            "delete", "create", "restart"]),
                           st.integers(0, len(IDS) - 1), st.integers(0, 10_000), st.integers(0, 40)),
                 max_size=60)


def apply_edit(world: World, edit: Edit) -> None:
    op, which, k, n = edit
    rid = IDS[which]
    rtb = world.get(rid, RouteTable)
    if op == "create" or rtb is None:
        if rtb is None:
            world.put(table(rid, routes=n))
        return
    routes, i = rtb.routes, (k % (len(rtb.routes) + 1))
    if op == "append":
        new = dataclasses.replace(rtb, routes=(*routes, *(route(k + j) for j in range(n % 4 + 1))))
    elif op == "remove":
        new = dataclasses.replace(rtb, routes=routes[:i] + routes[i + 1:])
    elif op == "replace":
        new = dataclasses.replace(rtb, routes=(*routes[:i], route(k), *routes[i + 1:]))
    elif op == "insert":
        new = dataclasses.replace(rtb, routes=(*routes[:i], route(k), *routes[i:]))
    elif op == "splice":
        new = dataclasses.replace(rtb, routes=routes[:i] + tuple(route(k + j) for j in range(n % 5))
                                  + routes[i + n:], propagating_vgws=(f"vgw-{k}",) * (n % 3))
    elif op == "tags":
        new = dataclasses.replace(rtb, tags=Tags(Name=str(k)) if n % 2 else Tags())
    else:
        world.remove(rid)
        return
    world.put(new)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits)
def test_any_sequence_of_changes_loads_back_exactly(steps: list[Edit]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "state.sqlite3"
        store = SqliteStore.open(path)
        world = store.load(World)
        store.attach(world)
        try:
            for step in steps:
                if step[0] == "restart":
                    store.close()
                    store = SqliteStore.open(path)
                    world = store.load(World)
                    store.attach(world)
                    continue
                if step[2] % 3 == 0:  # several resources in one change set, sometimes
                    with world.transaction():
                        apply_edit(world, step)
                        apply_edit(world, (step[0], (step[1] + 1) % len(IDS), step[2] + 1, step[3]))
                else:
                    apply_edit(world, step)
                bodies, patches = rows(path)
                for rid, body in bodies.items():  # amortised O(change): patches never outgrow the body
                    assert sum(len(p) for r, p in patches if r == rid) <= len(body)
            expected = [to_dict(r) for r in world.resources()]
        finally:
            store.close()
        assert reloaded(path) == expected
