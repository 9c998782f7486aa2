"""The state file is guarded (issue 8, part 4): one server per file, a clean stop leaves the main
file complete, another program's database is refused, every unusable file is one clean line and
exit code 3, a full disk changes nothing, and kill -9 under write load loses no acknowledged write.

Servers are real ``vpclab serve`` processes on free loopback ports (tests/api/conftest.py).
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from tests.api.conftest import ACCOUNT_A, free_port, start_server, stop_server
from vpclab.aws.server import create_app, open_state
from vpclab.aws.store import LOCK_SUFFIX, SqliteStore, StateFileBusyError, backup
from vpclab.cli.main import app
from vpclab.cli.serve import EXIT_CANNOT_START


def serve(state: Path | str, *, in_process: bool = False) -> tuple[int, str, str]:
    """``vpclab serve`` expected not to start: its exit code, stdout and stderr.

    A process of its own (a few seconds of imports on a loaded machine), or ``in_process`` through
    typer's runner for the cases that only differ in the file."""
    args = ["--port", str(free_port()), "--state", str(state)]
    if in_process:
        result = CliRunner().invoke(app, ["serve", *args])
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
            result.exception)
        return result.exit_code, result.stdout, result.stderr
    proc = subprocess.run([sys.executable, "-m", "vpclab.cli.serve", *args], capture_output=True, text=True,
                          timeout=30)
    return proc.returncode, proc.stdout, proc.stderr


def assert_refused(result: tuple[int, str, str], message: str) -> None:
    """Exit 3, nothing on stdout, one line on stderr containing ``message`` (no traceback, no banner)."""
    code, stdout, stderr = result
    assert code == EXIT_CANNOT_START, stderr
    assert stdout == ""
    assert stderr.count("\n") == 1 and stderr.startswith("vpclab: error: "), stderr
    assert message in stderr


def rows(path: Path) -> set[str]:
    """The resource ids in the file at ``path`` alone (opened read-only, immutable: no -wal read)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
    try:
        return {row[0] for row in conn.execute("SELECT id FROM resources")}
    finally:
        conn.close()


def build(ec2: Any) -> set[str]:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(VpcId=vpc, GroupName="web", Description="web")["GroupId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "kept"}])
    return {vpc, subnet, sg}


def test_a_second_server_on_the_same_file_refuses_to_start(tmp_path: Path) -> None:
    """Two servers on one file would both hand out ids and overwrite each other's rows: the
    second is refused (exit 3, one line naming the holder's pid) before any banner, and the
    first keeps serving; once the first stops, the file can be opened again."""
    state = tmp_path / "lab.sqlite3"
    first = start_server("--state", str(state))
    try:
        vpc = first.client(account="300000000011").create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        assert_refused(serve(state), f"{state} is in use by process {first.process.pid}")
        with pytest.raises(StateFileBusyError):  # the Python API is refused as well
            SqliteStore.open(state)
        assert first.admin("health")["status"] == "ok"
    finally:
        stop_server(first)
    with SqliteStore.open(state) as store:
        assert vpc in store.resource_ids()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stopped_servers_main_file_alone_holds_everything(tmp_path: Path, signum: int) -> None:
    """SIGTERM and SIGINT close the store and checkpoint the WAL: the main file copied alone
    (without -wal/-shm) holds every acknowledged resource; the process still ends by the signal."""
    state = tmp_path / "lab.sqlite3"
    server = start_server("--state", str(state))
    try:
        made = build(server.client(account="300000000012"))
    finally:
        server.process.send_signal(signum)
        assert server.process.wait(timeout=10) == -signum
    assert not Path(f"{state}-wal").exists() or Path(f"{state}-wal").stat().st_size == 0
    copy = tmp_path / "copy.sqlite3"
    shutil.copyfile(state, copy)
    assert made <= rows(copy)


def test_backup_copies_a_running_servers_file(tmp_path: Path) -> None:
    """``vpclab state backup`` (SQLite's online backup API) while the server runs: the copy is one
    file holding every acknowledged resource (also those still in the server's -wal file)."""
    state = tmp_path / "lab.sqlite3"
    server = start_server("--state", str(state))
    try:
        made = build(server.client(account="300000000013"))
        assert Path(f"{state}-wal").stat().st_size > 0  # the changes are (also) in the WAL
        dest = tmp_path / "backup" / "copy.sqlite3"
        result = CliRunner().invoke(app, ["state", "backup", str(state), str(dest)])
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"backed up {state} to {dest}: ")
        assert sorted(p.name for p in dest.parent.iterdir()) == ["copy.sqlite3"]
        assert made <= rows(dest)
        again = CliRunner().invoke(app, ["state", "backup", str(state), str(dest)])
        assert (again.exit_code, again.stderr) == (2, f"vpclab: error: {dest} exists; vpclab state "
                                                      "backup writes a new file only\n")
    finally:
        stop_server(server)


def test_another_programs_database_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    """A non-empty SQLite file without vpclab's tables is another program's: vpclab does not add
    its tables (nor switch its journal mode), and leaves no lock file beside it."""
    other = tmp_path / "app.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO users (name) VALUES ('ada')")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    assert_refused(serve(other), f"{other} is a SQLite database but not a vpclab state file (it holds "
                                 "tables users)")
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db"]


def _garbage(path: Path) -> str:
    path.write_bytes(b"not a database\n" * 300)
    return "is not a usable vpclab state file: file is not a database"


def _corrupt_page(path: Path) -> str:
    """A vpclab file whose resource pages are overwritten (a disk fault)."""
    state = open_state(path)
    from vpclab import ControlPlane
    cp = ControlPlane(state.world)
    for i in range(40):
        cp.create_vpc(cidr_block=f"10.{i}.0.0/16", tags={"Name": "x" * 200})
    state.store.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data) - page):
        data[offset] = 0xA5
    path.write_bytes(bytes(data))
    return "database disk image is malformed"


def _bad_id_state(path: Path) -> str:
    open_state(path).store.close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('id_state', '[3, \"zz\", null]')")
    conn.commit()
    conn.close()
    return "meta id_state is not valid vpclab state"


def _under_a_file(path: Path) -> str:
    (path.parent / "plain").write_text("x")
    return "plain is not a directory"


def test_a_file_that_is_not_sqlite_is_one_line_and_exit_3(tmp_path: Path) -> None:
    """The whole process: no traceback, no banner, exit 3."""
    path = tmp_path / "lab.sqlite3"
    message = _garbage(path)
    assert_refused(serve(path), message)


@pytest.mark.parametrize("make", [_corrupt_page, _bad_id_state, _under_a_file],
                         ids=["corrupt-page", "bad-id-state", "under-a-file"])
def test_an_unusable_state_file_is_one_line_and_exit_3(tmp_path: Path, make: Any) -> None:
    path = tmp_path / "lab.sqlite3"
    message = make(path)
    if make is _under_a_file:
        path = tmp_path / "plain" / "lab.sqlite3"
    assert_refused(serve(path, in_process=True), message)


@pytest.mark.parametrize("path", ["/proc/vpclab.sqlite3", "/proc/self/vpclab.sqlite3", "/proc/self/status"])
def test_a_state_path_under_proc_is_one_line_and_exit_3(path: str) -> None:
    if not Path("/proc/self").is_dir():
        pytest.skip("no /proc on this system")
    assert_refused(serve(path, in_process=True), f"cannot open state file {path}")


class _FullDisk:
    """The store's SQLite connection with every write failing as SQLITE_FULL does."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def _check(self, sql: str) -> None:
        if sql.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            raise sqlite3.OperationalError("database or disk is full")

    def execute(self, sql: str, *args: Any) -> Any:
        self._check(sql)
        return self._conn.execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> Any:
        self._check(sql)
        return self._conn.executemany(sql, *args)


def test_a_full_disk_answers_internal_error_and_changes_nothing(tmp_path: Path) -> None:
    """A write that fails with SQLITE_FULL: EC2 answers AWS's ``InternalError`` with HTTP 503
    (docs/api.md#errors: retried by AWS clients), the World and the file unchanged; the admin reset
    answers its documented 500 ``{"status": "error"}`` and resets nothing. AWS documents
    InternalError as "An internal error has occurred. Retry your request" (EC2 API Reference,
    Common client error codes / Server error codes:
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    path = tmp_path / "lab.sqlite3"
    state = open_state(path)
    client = TestClient(create_app(state), base_url="http://127.0.0.1", client=("127.0.0.1", 50000))
    auth = {"Authorization": f"AWS4-HMAC-SHA256 Credential={ACCOUNT_A}/20261124/us-east-1/ec2/aws4_request, "
                             "SignedHeaders=host, Signature=0"}
    ok = client.post("/", data={"Action": "CreateVpc", "Version": "2016-11-15", "CidrBlock": "10.0.0.0/16"},
                     headers=auth)
    assert ok.status_code == 200
    before_ids, before_version = {r.id for r in state.world.resources()}, state.world.version
    stored = state.store.resource_ids()
    state.store._conn = _FullDisk(state.store._conn)  # type: ignore[assignment]
    try:
        full = client.post("/", data={"Action": "CreateVpc", "Version": "2016-11-15",
                                      "CidrBlock": "10.1.0.0/16"}, headers=auth)
        assert full.status_code == 503
        error = ET.fromstring(full.text).find("./Errors/Error")
        assert error is not None
        assert (error.findtext("Code"), error.findtext("Message")) == (
            "InternalError", "An internal error has occurred")
        reset = client.post("/_vpclab/reset", headers={"X-Vpclab": "1"})
        assert reset.status_code == 500 and reset.json()["status"] == "error"
        assert {r.id for r in state.world.resources()} == before_ids
        assert state.world.version == before_version
        assert state.store.resource_ids() == stored == before_ids
    finally:
        state.store._conn = state.store._conn._conn  # type: ignore[attr-defined]
        state.store.close()
    assert rows(path) == before_ids  # the file alone, after close's checkpoint


@pytest.mark.slow  # two server start-ups and 2 s of load: about 15 s on a loaded machine
def test_kill_9_under_write_load_loses_no_acknowledged_write(tmp_path: Path) -> None:
    """Two clients create security groups for 2 s; the server is killed with SIGKILL in the
    middle; after a restart every acknowledged group is there and the file's integrity check is ok."""
    state = tmp_path / "lab.sqlite3"
    server = start_server("--state", str(state))
    account = "300000000014"
    vpc = server.client(account=account).create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    acknowledged: list[str] = []
    stop = threading.Event()

    def write(worker: int) -> None:
        ec2 = server.client(account=account)
        i = 0
        while not stop.is_set():
            try:
                acknowledged.append(ec2.create_security_group(
                    VpcId=vpc, GroupName=f"g{worker}-{i}", Description="load")["GroupId"])
            except Exception:  # the kill: a request without an answer is not acknowledged
                return
            i += 1

    workers = [threading.Thread(target=write, args=(w,)) for w in range(2)]
    for t in workers:
        t.start()
    time.sleep(2)
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(timeout=10)
    stop.set()
    for t in workers:
        t.join(timeout=10)
    assert len(acknowledged) > 10
    assert Path(f"{state}{LOCK_SUFFIX}").exists()  # left behind, but the kernel dropped the lock
    restarted = start_server("--state", str(state))
    try:
        groups = restarted.client(account=account).describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"]
        assert set(acknowledged) <= {g["GroupId"] for g in groups}
    finally:
        stop_server(restarted)
    copy = tmp_path / "copy.sqlite3"
    assert backup(state, copy) >= len(acknowledged)
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
