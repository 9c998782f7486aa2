"""SqliteStore: the World's durable copy for ``vpclab serve`` (issue 4, item 5).

Each change set is one SQLite transaction committed before the ControlPlane call returns; a
failed write rolls the World back; a restart — also after ``kill -9`` — brings back every
acknowledged resource exactly.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.conftest import unchanged
from vpclab import AwsError, ControlPlane, World
from vpclab.aws.admin import ServerState, admin_routes
from vpclab.aws.store import (
    SCHEMA_VERSION,
    SchemaVersionError,
    SqliteStore,
    StateFileError,
    StoreError,
)
from vpclab.model.serialize import from_dict, to_dict
from vpclab.model.subnet import Subnet
from vpclab.model.vpc import Vpc


def snapshot(world: World) -> list[dict]:
    """Every resource as its dict, in the World's order."""
    return [to_dict(r) for r in world.resources()]


def dump(path: Path) -> list[str]:
    """The file's logical content, read through a separate connection."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def build(cp: ControlPlane) -> None:
    """A small network touching several families."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16", tags={"Name": "a"})
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")
    igw = cp.create_internet_gateway()
    cp.attach_internet_gateway(internet_gateway_id=igw.id, vpc_id=vpc.id)
    rtb = cp.create_route_table(vpc_id=vpc.id)
    cp.associate_route_table(route_table_id=rtb.id, subnet_id=subnet.id)
    cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)
    other = cp.as_(account_id="222222222222")
    peer = other.create_vpc(cidr_block="10.1.0.0/16")
    pcx = cp.create_vpc_peering_connection(vpc_id=vpc.id, peer_vpc_id=peer.id, peer_owner_id="222222222222")
    other.accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    tgw = cp.create_transit_gateway(description="hub")
    cp.create_transit_gateway_vpc_attachment(transit_gateway_id=tgw.id, vpc_id=vpc.id, subnet_ids=[subnet.id])


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "state.sqlite3"


def test_restart_brings_back_every_resource_in_order(path: Path) -> None:
    store = SqliteStore.open(path)
    world = store.load(lambda: World(seed=11))
    store.attach(world)
    build(ControlPlane(world))
    world.settings.quotas = "default"
    world.clock.advance(timedelta(days=8))  # a lab moved time on (peering requests expire)
    ControlPlane(world).create_vpc(cidr_block="10.9.0.0/16")  # the next change set saves both
    store.close()

    again = SqliteStore.open(path)
    restored = again.load(World)
    assert snapshot(restored) == snapshot(world)
    assert list(restored.all(Subnet)) == list(world.all(Subnet))
    assert restored.version == world.version
    assert restored.settings.quotas == "default"
    assert abs((restored.clock.now() - world.clock.now()).total_seconds()) < 5
    assert again.meta("schema_version") == SCHEMA_VERSION


def test_removed_resources_are_deleted_from_the_file(path: Path) -> None:
    store = SqliteStore.open(path)
    world = store.load(World)
    store.attach(world)
    cp = ControlPlane(world)
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24")
    assert subnet.id in store.resource_ids()
    cp.delete_subnet(subnet_id=subnet.id)
    assert subnet.id not in store.resource_ids()
    assert store.resource_ids() == {r.id for r in world.resources()}


def test_file_is_written_in_wal_mode_with_full_sync(path: Path) -> None:
    """Durability: WAL journal, synchronous=FULL (2): a commit is on disk when it returns."""
    store = SqliteStore.open(path)
    assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_a_restarted_seeded_world_continues_its_id_sequence(path: Path) -> None:
    """After a restart a seeded World hands out the ids an uninterrupted one would, never a
    deleted resource's id again."""
    uninterrupted = ControlPlane(World(seed=5))
    first = uninterrupted.create_vpc(cidr_block="10.0.0.0/16")
    uninterrupted.delete_vpc(vpc_id=first.id)
    expected = uninterrupted.create_vpc(cidr_block="10.0.0.0/16").id

    store = SqliteStore.open(path)
    world = store.load(lambda: World(seed=5))
    store.attach(world)
    cp = ControlPlane(world)
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    cp.delete_vpc(vpc_id=vpc.id)
    store.close()
    store = SqliteStore.open(path)
    after = ControlPlane(store.load(lambda: World(seed=5))).create_vpc(cidr_block="10.0.0.0/16")
    assert after.id == expected != vpc.id


def test_unknown_schema_version_is_refused_with_a_clear_error(path: Path) -> None:
    SqliteStore.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(SchemaVersionError,
                       match=rf"schema version 99; this vpclab reads version {SCHEMA_VERSION}"):
        SqliteStore.open(path)


def test_a_file_that_is_not_a_database_is_refused(path: Path) -> None:
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StateFileError, match="not a usable vpclab state file"):
        SqliteStore.open(path)


def test_attaching_a_world_that_is_not_the_files_is_refused(path: Path) -> None:
    store = SqliteStore.open(path)
    world = store.load(World)
    store.attach(world)
    ControlPlane(world).create_vpc(cidr_block="10.0.0.0/16")
    store.close()
    with pytest.raises(StateFileError, match="load the World from the store"):
        SqliteStore.open(path).attach(World())


def test_attaching_a_built_world_to_an_empty_file_writes_it(path: Path) -> None:
    world = World(seed=2)
    build(ControlPlane(world))
    store = SqliteStore.open(path)
    store.attach(world)
    store.close()
    assert snapshot(SqliteStore.open(path).load(World)) == snapshot(world)


def test_load_needs_an_empty_world(path: Path) -> None:
    world = World()
    ControlPlane(world).create_vpc(cidr_block="10.0.0.0/16")
    with pytest.raises(ValueError, match="empty World"):
        SqliteStore.open(path).load(lambda: world)


def test_a_failed_write_leaves_the_world_and_the_file_unchanged(path: Path) -> None:
    """CreateVpc writes the VPC, its main route table, default ACL and default security group in
    one change set; SQLite refusing the security group's row (an injected fault) must undo all
    of it, in the World and in the file."""
    store = SqliteStore.open(path)
    world = store.load(World)
    store.attach(world)
    cp = ControlPlane(world)
    cp.create_vpc(cidr_block="10.0.0.0/16")
    fault = sqlite3.connect(path)
    fault.execute("CREATE TRIGGER fault BEFORE INSERT ON resources WHEN NEW.kind = 'security_group' "
                  "BEGIN SELECT RAISE(ABORT, 'injected fault'); END")
    fault.commit()
    before = dump(path)
    with unchanged(world), pytest.raises(StoreError, match="injected fault") as info:
        cp.create_vpc(cidr_block="10.1.0.0/16")
    assert (info.value.code, info.value.message, info.value.status) == (
        "InternalError", "An internal error has occurred", 500)
    assert dump(path) == before
    fault.execute("DROP TRIGGER fault")
    fault.commit()
    vpc = cp.create_vpc(cidr_block="10.1.0.0/16")  # the store works again once the fault is gone
    assert vpc.id in store.resource_ids()


def test_a_full_disk_leaves_the_world_and_the_file_unchanged(path: Path) -> None:
    """SQLITE_FULL (simulated with max_page_count) during a large change set rolls it back."""
    store = SqliteStore.open(path)
    world = store.load(World)
    store.attach(world)
    cp = ControlPlane(world)
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")
    before = dump(path)
    with unchanged(world), pytest.raises(StoreError, match="full"):
        cp.create_tags(resources=[vpc.id], tags={f"k{i}": "v" * 200 for i in range(40)})
    assert dump(path) == before


def test_reset_empties_the_world_and_the_file(path: Path) -> None:
    store = SqliteStore.open(path)
    world = store.load(World)
    store.attach(world)
    build(ControlPlane(world))
    version = world.version
    store.reset(world)
    assert len(world) == 0 and len(store) == 0
    assert world.version == version + 1
    vpc = ControlPlane(world).create_vpc(cidr_block="10.0.0.0/16")  # still attached after a reset
    store.close()
    assert [r.id for r in SqliteStore.open(path).load(World).all(Vpc)] == [vpc.id]


def test_a_reset_that_cannot_be_written_changes_nothing(path: Path) -> None:
    store = SqliteStore.open(path)
    world = store.load(World)
    store.attach(world)
    build(ControlPlane(world))
    fault = sqlite3.connect(path)
    fault.execute("CREATE TRIGGER fault BEFORE DELETE ON resources BEGIN SELECT RAISE(ABORT, 'no'); END")
    fault.commit()
    before = dump(path)
    with unchanged(world), pytest.raises(StoreError):
        store.reset(world)
    assert dump(path) == before


def test_memory_state_keeps_no_journal() -> None:
    """`--state :memory:` is a throwaway World: nothing outlives the process, so the store writes
    nothing (journaling into an in-memory database cost a third of each create's handling)."""
    store = SqliteStore.open(":memory:")
    world = store.load(World)
    store.attach(world)
    build(ControlPlane(world))
    assert len(world) > 0 and len(store) == 0


def test_concurrent_writers_lose_nothing(path: Path) -> None:
    """The server serializes mutations with one lock; writes from many threads all land."""
    store = SqliteStore.open(path)
    world = store.load(World)
    store.attach(world)
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work(i: int) -> None:
        cp = ControlPlane(world, account_id=f"{100000000000 + i}")
        try:
            for j in range(5):
                with lock:
                    cp.create_vpc(cidr_block=f"10.{j}.0.0/16")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(list(world.all(Vpc))) == 40
    store.close()
    assert snapshot(SqliteStore.open(path).load(World)) == snapshot(world)


# -- kill -9 -------------------------------------------------------------------------------------

CHILD = textwrap.dedent("""
    import json, sys
    from vpclab import AwsError, ControlPlane, World
    from vpclab.aws.store import SqliteStore
    from vpclab.model.serialize import to_dict

    store = SqliteStore.open(sys.argv[1])
    world = store.load(World)

    def intent(changes):  # runs before the store's write: what is about to be committed
        body = {rid: (to_dict(new) if new is not None else None) for rid, (_, new) in changes.items()}
        print("intent " + json.dumps(body), flush=True)

    world.subscribe(intent)
    store.attach(world)
    cp = ControlPlane(world)
    n = 0
    while True:  # every action is one change set; "ack V" once the call has returned
        n += 1
        vpc = cp.create_vpc(cidr_block=f"10.{n % 200}.0.0/16", tags={"n": str(n)})
        print(f"ack {world.version}", flush=True)
        subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block=f"10.{n % 200}.1.0/24")
        print(f"ack {world.version}", flush=True)
        cp.delete_subnet(subnet_id=subnet.id)
        print(f"ack {world.version}", flush=True)
        if n % 3 == 0:
            cp.delete_vpc(vpc_id=vpc.id)
            print(f"ack {world.version}", flush=True)
""")


def test_kill_9_keeps_every_acknowledged_change(path: Path, tmp_path: Path) -> None:
    """A process killed with SIGKILL right after it acknowledged N changes: reopening the file
    brings back every acknowledged change set exactly (plus at most the one it had committed but
    not yet acknowledged)."""
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, str(script), str(path)], stdout=subprocess.PIPE, text=True,
                            env=env, cwd=Path(__file__).resolve().parents[2])
    assert proc.stdout is not None
    intents: list[dict] = []
    acks = 0
    target = 40
    while acks < target:
        line = proc.stdout.readline()
        assert line, "the child died before acknowledging enough changes"
        if line.startswith("intent "):
            intents.append(json.loads(line[len("intent "):]))
        elif line.startswith("ack "):
            acks = int(line.split()[1])
    os.kill(proc.pid, signal.SIGKILL)
    for line in proc.stdout.read().splitlines():  # whatever it printed before it died
        if line.startswith("intent "):
            intents.append(json.loads(line[len("intent "):]))
        elif line.startswith("ack "):
            acks = int(line.split()[1])
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    world = SqliteStore.open(path).load(World)
    committed = world.version
    assert acks <= committed <= min(acks + 1, len(intents))
    expected: dict[str, dict] = {}
    for change_set in intents[:committed]:
        for rid, body in change_set.items():
            if body is None:
                expected.pop(rid, None)
            else:
                expected[rid] = body
    assert {r.id: to_dict(r) for r in world.resources()} == expected
    assert all(from_dict(body) == world.get(rid) for rid, body in expected.items())


def test_store_error_is_an_aws_internal_error() -> None:
    err = StoreError("disk I/O error")
    assert isinstance(err, AwsError) and err.status == 500
    assert "disk I/O error" in str(err)


# -- admin routes (issue 4, item 6) --------------------------------------------------------------

def admin_client(state: ServerState, host: str = "127.0.0.1") -> TestClient:
    return TestClient(Starlette(routes=admin_routes(lambda: state)), client=(host, 50000),
                      headers={"X-Vpclab": "1"})


@pytest.fixture
def state(path: Path) -> ServerState:
    store = SqliteStore.open(path)
    world = store.load(World)
    store.attach(world)
    build(ControlPlane(world))
    return ServerState(world=world, store=store)


def test_health_reports_resources_and_version(state: ServerState, path: Path) -> None:
    response = admin_client(state).get("/_vpclab/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "resources": len(state.world), "version": state.world.version,
                               "state": str(path)}


def test_reset_empties_the_world_and_the_state_file(state: ServerState, path: Path) -> None:
    called: list[bool] = []
    state.after_reset.append(lambda: called.append(True))
    version = state.world.version
    response = admin_client(state).post("/_vpclab/reset")
    assert response.status_code == 200
    assert response.json() == {"status": "reset", "resources": 0, "version": version + 1}
    assert len(state.world) == 0 and called == [True]
    state.store.close()
    assert len(SqliteStore.open(path).load(World)) == 0


def test_reset_of_a_loaded_server_says_it_does_not_reload(state: ServerState) -> None:
    state.loaded_from = "examples/two-peered-vpcs.yaml"
    body = admin_client(state).post("/_vpclab/reset").json()
    assert body["loaded"] == "examples/two-peered-vpcs.yaml"
    assert "not loaded again" in body["message"]
    assert body["resources"] == 0


@pytest.mark.parametrize("host", ["::1", "::ffff:127.0.0.1", "127.8.9.10"])
def test_every_loopback_address_is_served(state: ServerState, host: str) -> None:
    assert admin_client(state, host).get("/_vpclab/health").status_code == 200


@pytest.mark.parametrize("host", ["10.0.0.5", "192.168.1.2", "2001:db8::1", "testclient"])
def test_non_loopback_clients_are_refused(state: ServerState, host: str) -> None:
    client = admin_client(state, host)
    before = len(state.world)
    for response in (client.get("/_vpclab/health"), client.post("/_vpclab/reset")):
        assert response.status_code == 403
        assert response.json()["status"] == "forbidden"
    assert len(state.world) == before


def test_reset_that_cannot_be_written_answers_500_and_keeps_everything(state: ServerState,
                                                                        path: Path) -> None:
    fault = sqlite3.connect(path)
    fault.execute("CREATE TRIGGER fault BEFORE DELETE ON resources BEGIN SELECT RAISE(ABORT, 'no'); END")
    fault.commit()
    with unchanged(state.world):
        response = admin_client(state).post("/_vpclab/reset")
    assert response.status_code == 500 and response.json()["status"] == "error"


def test_reset_is_post_only(state: ServerState) -> None:
    assert admin_client(state).get("/_vpclab/reset").status_code == 405
