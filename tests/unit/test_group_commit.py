"""Group commit (aws/durability.py, issue 8 point 6): ``vpclab serve`` answers only once every
change committed so far is synced, and concurrent writers share syncs instead of queueing one
each behind the World's lock.

SQLite documents what ``synchronous=NORMAL`` defers in WAL mode (the sync, not the write):
https://sqlite.org/pragma.html#pragma_synchronous — so a sync of the WAL file makes the commits
written so far durable.
"""

from __future__ import annotations

import errno
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.api.conftest import ACCOUNT_A
from vpclab import ControlPlane, World
from vpclab.aws import durability
from vpclab.aws.durability import CommitLock, GroupCommit
from vpclab.aws.server import create_app, open_state
from vpclab.aws.store import SqliteStore, StoreError


def opened(path: Path) -> tuple[SqliteStore, World, GroupCommit]:
    store = SqliteStore.open(path, group_commit=True)
    world = store.load(World)
    store.attach(world)
    group = store.group_commit
    assert group is not None
    store.settle()
    return store, world, group


def test_commits_wait_for_settle_and_one_sync_covers_several(tmp_path: Path) -> None:
    store, world, group = opened(tmp_path / "lab.sqlite3")
    try:
        assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        cp = ControlPlane(world)
        syncs = group.syncs
        for i in range(5):
            cp.create_vpc(cidr_block=f"10.{i}.0.0/16")
        assert group.pending == 5 and group.syncs == syncs
        store.settle()
        assert group.pending == 0 and group.syncs == syncs + 1
        store.settle()  # nothing new: no sync
        assert group.syncs == syncs + 1
    finally:
        store.close()
    reopened = SqliteStore.open(tmp_path / "lab.sqlite3")
    try:
        assert len(reopened) == len(world)
    finally:
        reopened.close()


def test_without_group_commit_every_commit_is_synced_before_it_returns(tmp_path: Path) -> None:
    store = SqliteStore.open(tmp_path / "lab.sqlite3")
    try:
        assert store.group_commit is None
        assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        store.settle()  # a no-op
    finally:
        store.close()
    memory = SqliteStore.open(":memory:", group_commit=True)
    assert memory.group_commit is None  # nothing to sync
    memory.close()


def test_the_lock_settles_when_its_outermost_hold_ends() -> None:
    settled: list[int] = []
    lock = CommitLock(lambda: settled.append(1))
    with lock:
        with lock:
            pass
        assert settled == []
    assert settled == [1]
    with pytest.raises(ValueError), lock:
        raise ValueError("a failed handler still settles what it saw")
    assert settled == [1, 1]


def test_concurrent_writers_share_syncs(tmp_path: Path) -> None:
    """16 threads × 10 changes through the lock: every change is durable when its holder leaves
    the lock, and fewer syncs than changes were needed (writers committed while one synced)."""
    store, world, group = opened(tmp_path / "lab.sqlite3")
    lock = CommitLock(store.settle)
    slow = threading.Event()
    real_sync = durability._sync

    def sync(fd: int) -> None:  # a disk slower than the handlers: the others commit meanwhile
        slow.wait(0.005)
        real_sync(fd)

    errors: list[BaseException] = []

    def write(worker: int) -> None:
        cp = ControlPlane(world, account_id=f"1000000000{worker:02d}")
        try:
            for i in range(10):
                with lock:
                    cp.create_vpc(cidr_block=f"10.{i}.0.0/16")
                assert group.pending >= 0
                assert group._synced >= 1
        except BaseException as exc:
            errors.append(exc)

    syncs = group.syncs
    durability._sync = sync
    try:
        threads = [threading.Thread(target=write, args=(w,)) for w in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        durability._sync = real_sync
        store.close()
    assert not errors
    assert group.pending == 0
    assert group.syncs - syncs < 160


def test_a_failed_sync_answers_internal_error_and_the_next_one_syncs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An fsync that fails (EIO): the request answers AWS's ``InternalError`` with HTTP 503 (which
    clients retry; https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html),
    never 500; the change stays committed, and the next request's settle syncs it."""
    state = open_state(tmp_path / "lab.sqlite3")
    client = TestClient(create_app(state), base_url="http://127.0.0.1", client=("127.0.0.1", 50000))
    auth = {
        "Authorization": f"AWS4-HMAC-SHA256 Credential={ACCOUNT_A}/20261207/us-east-1/ec2/aws4_request, "
        "SignedHeaders=host, Signature=0"
    }

    def broken(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    def settle_directly() -> None:  # the error the lock raises, as the store's settle raises it
        with pytest.raises(StoreError, match=r"fsync of .*-wal: Input/output error"):
            state.store.settle()

    try:
        monkeypatch.setattr(durability, "_sync", broken)
        failed = client.post(
            "/",
            data={"Action": "CreateVpc", "Version": "2016-11-15", "CidrBlock": "10.1.0.0/16"},
            headers=auth,
        )
        assert failed.status_code == 503
        error = ET.fromstring(failed.text).find("./Errors/Error")
        assert error is not None and error.findtext("Code") == "InternalError"
        health = client.get("/_vpclab/health")
        assert health.status_code == 200  # health does not take the lock
        group = state.store.group_commit
        assert group is not None and group.pending >= 1
        settle_directly()
        monkeypatch.undo()
        ok = client.post("/", data={"Action": "DescribeVpcs", "Version": "2016-11-15"}, headers=auth)
        assert ok.status_code == 200 and group.pending == 0
    finally:
        state.store.close()
