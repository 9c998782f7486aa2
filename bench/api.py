"""EC2 API throughput at full tables: ``vpclab serve`` against moto's server, the same calls, one run.

Servers, each a subprocess on a free loopback port, started afresh for every client mode:

- ``vpclab (memory)``  — ``python -m vpclab serve --state :memory: --no-default-vpc``
- ``vpclab (durable)`` — the same with ``--state`` a SQLite file in a temporary directory
- ``moto``             — ``python -m moto.server -p P`` (moto[server], the baseline)
- ``floor``            — ``python -m bench.canned``: every action answered at once with a canned
  answer (vpclab's own answer to one call of it, recorded earlier in the run), over the same HTTP
  stack. No server can be faster for a client; what a client achieves against it is the client's
  own cost, and the floor ÷ moto ratio is the most any server can show through that client.

The workload is identical for every server (moto's default VPC is deleted first, so both hold the
same resources) and every timed call meets tables at or near AWS's maximum entries: the set-up
(untimed, through the lean client) fills each table most of the way, and the timed calls fill it
to the maximum, so each timed call checks its rules against a table at least half full (150–199
of 200 subnets, 30–49 of 50 routes, 30–59 of 60 rules; 2,000–2,999 TGW routes, of AWS's 10,000):

- ``CreateVpc``            × 200 (10.i.0.0/16 …)
- ``CreateSubnet``         × 5 VPCs × the last 50 of 200 subnets (AWS's maximum per VPC): 150
  /24s per VPC are created first, the timed calls add the 151st to the 200th
- ``CreateRoute``          × 25 route tables (the 5 tables of each of those VPCs) × the last 20 of
  50 routes (AWS's default "routes per route table"), 100.64+.x.0/24 → the VPC's internet gateway
- ``CreateSecurityGroup``  × 500, 100 into each of those VPCs
- ``AuthorizeSecurityGroupIngress`` × 20 groups × the last 30 of 60 inbound rules (AWS's default
  "inbound rules per security group", the most moto accepts): one TCP port, one CIDR, per call
- ``CreateTransitGatewayRoute`` × the last 1,000 of 3,000 static routes in one transit gateway
  route table (AWS: 10,000 routes per transit gateway), each → a VPC attachment
- ``DescribeSubnets``      over the 1,000 subnets (no ids, no filters: the whole list)
- ``DescribeRouteTables``  over the 220 tables (200 main tables; 25 holding 50 routes each)

Clients, each in 1 and 16 threads (``--threads``):

- ``boto3`` — what a user's script costs: botocore signs every request and parses every answer,
  which takes a millisecond of the client's CPU and can hide the server's own cost. With 16
  threads, each thread has its own client (boto3 clients are not shared across threads here).
- ``lean`` — the server's throughput: every request body (EC2 Query, serialized by botocore's own
  serializer) is built before the clock starts, sent with a fixed SigV4-shaped ``Authorization``
  header (neither server verifies signatures; both take the Region from the credential scope)
  over keep-alive ``http.client`` connections, one per thread; the answer is read and its status
  checked, nothing more.

Every timed call must succeed (HTTP 200; for boto3, no ``ClientError``): failures are counted and
a figure with any failure is reported as void; after the timed calls the describes check that every
table holds what was added. ``--quick`` runs a smaller World and one thread count per client
(about a minute); ``python -m bench.api --help`` for the options.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

ACCOUNT = "123456789012"
REGION = "us-east-1"
EC2_VERSION = "2016-11-15"
#: the issue's target: vpclab ≥ 5× moto's throughput on each call
TARGET = 5.0
#: the calls timed, in the order they run
CALLS = (
    "CreateVpc",
    "CreateSubnet",
    "CreateRoute",
    "CreateSecurityGroup",
    "AuthorizeSecurityGroupIngress",
    "CreateTransitGatewayRoute",
    "DescribeSubnets",
    "DescribeRouteTables",
)
#: a SigV4 Authorization header's shape; the signature is never checked by either server
AUTHORIZATION = (
    f"AWS4-HMAC-SHA256 Credential={ACCOUNT}/20260101/{REGION}/ec2/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date, Signature=" + "0" * 64
)
HEADERS = {
    "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
    "Authorization": AUTHORIZATION,
    "X-Amz-Date": "20260101T000000Z",
}
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


# ── servers ─────────────────────────────────────────────────────────────────────────────────────


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A server subprocess on loopback."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass(frozen=True)
class ServerKind:
    """How to start one kind of server: its command line and the path that answers 200 when ready."""

    name: str
    argv: Callable[[int, Path], list[str]]
    health: str
    is_vpclab: bool
    #: the canned-answer server (the client floor): no workload, each call replayed
    is_floor: bool = False


def _vpclab_argv(durable: bool) -> Callable[[int, Path], list[str]]:
    def argv(port: int, workdir: Path) -> list[str]:
        state = str(workdir / "state.sqlite3") if durable else ":memory:"
        return [
            sys.executable,
            "-m",
            "vpclab",
            "serve",
            "--port",
            str(port),
            "--state",
            state,
            "--no-default-vpc",
        ]

    return argv


def _moto_argv(port: int, workdir: Path) -> list[str]:
    return [sys.executable, "-m", "moto.server", "-p", str(port)]


#: where the floor server reads its answers (written by ``run_all`` before it starts the floor)
ANSWERS_FILE = "answers.json"


def _floor_argv(port: int, workdir: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "bench.canned",
        "--port",
        str(port),
        "--answers",
        str(workdir / ANSWERS_FILE),
    ]


VPCLAB_MEMORY = ServerKind("vpclab (memory)", _vpclab_argv(False), "/_vpclab/health", True)
VPCLAB_DURABLE = ServerKind("vpclab (durable)", _vpclab_argv(True), "/_vpclab/health", True)
MOTO = ServerKind("moto", _moto_argv, "/moto-api/", False)
FLOOR = ServerKind("floor", _floor_argv, "/health", False, is_floor=True)


def _healthy(port: int, path: str) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", path)
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def spawn(name: str, argv: list[str], port: int, health: str, log: Path, cwd: Path | None = None) -> Server:
    """Start ``argv`` (a server listening on ``port``, in ``cwd``), its output to ``log``; wait until
    ``health`` answers 200."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("ab") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _healthy(port, health):
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{log.read_text()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not answer within {START_TIMEOUT:.0f} s")
            time.sleep(0.05)
    except BaseException:
        stop(proc)
        raise
    return Server(name, port, proc, log)


@contextmanager
def running(kind: ServerKind, files: dict[str, str] | None = None) -> Iterator[Server]:
    """Start ``kind`` on a free loopback port, wait until it answers, stop it at the end (always).

    ``files`` are written into the server's working directory first (the floor's answers)."""
    with tempfile.TemporaryDirectory(prefix="vpclab-bench-") as tmp:
        workdir = Path(tmp)
        for name, text in (files or {}).items():
            (workdir / name).write_text(text, encoding="utf-8")
        port = free_port()
        # cwd: bench.canned (the floor) is importable from the repository root
        server = spawn(kind.name, kind.argv(port, workdir), port, kind.health, workdir / "server.log",
                       cwd=Path(__file__).resolve().parent.parent)
        try:
            yield server
        finally:
            stop(server.process)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=STOP_TIMEOUT)


# ── clients ─────────────────────────────────────────────────────────────────────────────────────


@cache
def _serializer() -> tuple[Any, Any]:
    import botocore.session
    from botocore.serialize import create_serializer

    return create_serializer("ec2"), botocore.session.get_session().get_service_model("ec2")


def body(action: str, **params: Any) -> bytes:
    """One EC2 Query request body, form-encoded, from boto3-style parameters (botocore's serializer:
    ``IpPermissions=[{…}]`` becomes ``IpPermissions.1.…``, exactly as boto3 sends it)."""
    serializer, model = _serializer()
    form = serializer.serialize_to_request(params, model.operation_model(action))["body"]
    return urllib.parse.urlencode(form).encode()


class Lean:
    """One keep-alive connection that posts pre-built bodies and reads each answer whole."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def post(self, data: bytes) -> tuple[int, bytes]:
        self.conn.request("POST", "/", body=data, headers=HEADERS)
        resp = self.conn.getresponse()
        return resp.status, resp.read()

    def send(
        self, method: str, path: str, data: bytes, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        """Any request; the answer's status, headers (lower-case names) and body."""
        self.conn.request(method, path, body=data, headers=headers)
        resp = self.conn.getresponse()
        payload = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, payload

    def ok(self, data: bytes) -> bytes:
        """Post and insist on success (for the untimed setup).

        The setup connection idles while the timed calls run, and uvicorn closes a keep-alive
        connection idle for 5 s: a request refused that way was never processed, so it is sent again
        on a new connection.
        """
        try:
            status, payload = self.post(data)
        except (ConnectionError, http.client.RemoteDisconnected, http.client.CannotSendRequest):
            self.conn.close()
            status, payload = self.post(data)
        if status != 200:
            raise RuntimeError(f"setup call failed ({status}): {data[:120]!r} → {payload[:400]!r}")
        return payload

    def close(self) -> None:
        self.conn.close()


def boto3_client(port: int) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "ec2",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name=REGION,
        aws_access_key_id=ACCOUNT,
        aws_secret_access_key="bench",
        config=Config(retries={"max_attempts": 1}, max_pool_connections=4),
    )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def items(xml: bytes, list_tag: str) -> list[dict[str, str]]:
    """The ``<item>``s of ``<list_tag>``: each item's direct text children, by local name."""
    out = []
    for el in ET.fromstring(xml).iter():
        if _local(el.tag) == list_tag:
            for item in el:
                out.append({_local(c.tag): (c.text or "") for c in item if len(c) == 0})
            break
    return out


def _first_text(xml: bytes, tag: str) -> str:
    for el in ET.fromstring(xml).iter():
        if _local(el.tag) == tag:
            return el.text or ""
    return ""


# ── timing ──────────────────────────────────────────────────────────────────────────────────────


@dataclass
class Timing:
    calls: int = 0
    errors: int = 0
    seconds: float = 0.0
    first_error: str = ""
    #: the first successful answer (the floor server replays it)
    sample: bytes = b""

    @property
    def rate(self) -> float:
        return self.calls / self.seconds if self.seconds > 0 else 0.0

    @property
    def void(self) -> bool:
        return self.errors > 0 or self.calls == 0


def _in_threads(n: int, work: Callable[[int], None]) -> float:
    """Run ``work(k)`` for k in 0..n-1 in ``n`` threads started together; the wall-clock seconds
    from the common start to the last one's end."""
    barrier = threading.Barrier(n + 1)

    def worker(k: int) -> None:
        barrier.wait()
        try:
            work(k)
        finally:
            barrier.wait()

    pool = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(n)]
    for t in pool:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    barrier.wait()
    elapsed = time.perf_counter() - start
    for t in pool:
        t.join()
    return elapsed


def time_lean(port: int, bodies: Sequence[bytes], threads: int) -> Timing:
    """Replay ``bodies`` over ``threads`` keep-alive connections at once; wall-clock time."""
    threads = max(1, min(threads, len(bodies)))
    chunks = [bodies[i::threads] for i in range(threads)]
    conns = [Lean(port) for _ in range(threads)]
    errors = [0] * threads
    first: list[str] = []
    samples: list[bytes] = []

    def work(k: int) -> None:
        conn = conns[k]
        for data in chunks[k]:
            try:
                status, payload = conn.post(data)
            except (OSError, http.client.HTTPException) as exc:
                status, payload = 0, repr(exc).encode()
                conn.close()
            if status != 200:
                errors[k] += 1
                if not first:
                    first.append(f"{status} {payload[:300]!r}")
            elif k == 0 and not samples:
                samples.append(payload)

    elapsed = _in_threads(threads, work)
    for c in conns:
        c.close()
    return Timing(
        len(bodies), sum(errors), elapsed, first[0] if first else "", samples[0] if samples else b""
    )


def time_boto3(clients: Sequence[Any], action: str, calls: Sequence[dict[str, Any]]) -> Timing:
    """The calls through boto3, spread over ``len(clients)`` threads (one client each)."""
    from botocore import xform_name
    from botocore.exceptions import BotoCoreError, ClientError

    threads = max(1, min(len(clients), len(calls)))
    chunks = [calls[i::threads] for i in range(threads)]
    methods = [getattr(c, xform_name(action)) for c in clients[:threads]]
    errors = [0] * threads
    first: list[str] = []

    def work(k: int) -> None:
        method = methods[k]
        for params in chunks[k]:
            try:
                method(**params)
            except (ClientError, BotoCoreError) as exc:
                errors[k] += 1
                if not first:
                    first.append(repr(exc)[:300])

    elapsed = _in_threads(threads, work)
    return Timing(len(calls), sum(errors), elapsed, first[0] if first else "")


def repeat_count(probe_seconds: float, budget: float, lo: int, hi: int) -> int:
    """How many repetitions of a call that took ``probe_seconds`` fit into ``budget`` seconds."""
    if probe_seconds <= 0:
        return hi
    return max(lo, min(hi, int(budget / probe_seconds)))


# ── the workload ────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Workload:
    vpcs: int = 200  # CreateVpc, timed
    full_vpcs: int = 5  # the VPCs filled with subnets, route tables, security groups
    subnets_per_vpc: int = 200  # AWS's maximum (Amazon VPC quotas: "Subnets per VPC")
    timed_subnets_per_vpc: int = 50  # the last ones of each full VPC are timed
    tables_per_vpc: int = 5  # route tables in each full VPC, the main one included
    routes_per_table: int = 50  # AWS's default "Routes per route table" (local route not counted)
    timed_routes_per_table: int = 20
    security_groups: int = 500  # CreateSecurityGroup, timed, spread over the full VPCs
    rule_groups: int = 20  # the groups filled with inbound rules
    rules_per_group: int = 60  # AWS's default "Inbound or outbound rules per security group"
    timed_rules_per_group: int = 30
    tgw_routes: int = 3000  # static routes in one transit gateway route table at the end
    timed_tgw_routes: int = 1000
    describe_budget: float = 2.0  # seconds of describes per figure (at least 3 calls, at most 200)

    @property
    def subnets(self) -> int:
        return self.full_vpcs * self.subnets_per_vpc

    @property
    def route_tables(self) -> int:
        """Tables filled with routes (every table of the full VPCs)."""
        return self.full_vpcs * self.tables_per_vpc

    @property
    def tables(self) -> int:
        """Every route table: one main table per VPC, and the full VPCs' others."""
        return self.vpcs + self.full_vpcs * (self.tables_per_vpc - 1)

    def check(self) -> None:
        if not 1 <= self.full_vpcs <= self.vpcs:
            raise ValueError("full_vpcs must be between 1 and vpcs")
        if self.subnets_per_vpc > 256 or self.timed_subnets_per_vpc > self.subnets_per_vpc:
            raise ValueError("at most 256 /24 subnets per VPC, the timed ones among them")
        if (
            self.timed_routes_per_table > self.routes_per_table
            or self.timed_rules_per_group > self.rules_per_group
        ):
            raise ValueError("the timed routes/rules are the last ones of their tables")
        if self.rule_groups > self.security_groups or self.timed_tgw_routes > self.tgw_routes:
            raise ValueError("rule groups are among the created groups; timed TGW routes among all")


QUICK = Workload(
    vpcs=50,
    full_vpcs=2,
    timed_subnets_per_vpc=50,
    routes_per_table=50,
    timed_routes_per_table=20,
    security_groups=200,
    rule_groups=10,
    tgw_routes=1500,
    timed_tgw_routes=500,
    describe_budget=1.0,
)


def vpc_cidr(i: int) -> str:
    return f"10.{i % 256}.0.0/16" if i < 256 else f"172.{16 + (i - 256) // 256 % 16}.{i % 256}.0/24"


def subnet_cidrs(vpc_cidr_block: str, n: int) -> list[str]:
    import ipaddress

    net = ipaddress.ip_network(vpc_cidr_block)
    prefix = min(28, max(net.prefixlen + 3, 24))
    return [str(s) for s, _ in zip(net.subnets(new_prefix=prefix), range(n), strict=False)]


def route_destination(j: int) -> str:
    """Distinct /24s outside every VPC of the workload (100.64.0.0/10, shared address space)."""
    return f"100.{64 + j // 256}.{j % 256}.0/24"


def tgw_destination(j: int) -> str:
    return f"11.{j // 256 % 256}.{j % 256}.0/24"


@dataclass
class Run:
    """One server measured with one client: a Timing per call."""

    server: str
    client: str
    timings: dict[str, Timing] = field(default_factory=dict)
    #: why the run stopped early (a server that did not start, a setup call that failed)
    failure: str = ""
    #: per call: the parameters of one timed call and the answer to it (vpclab memory, lean client)
    samples: dict[str, tuple[dict[str, Any], str]] = field(default_factory=dict)


def _delete_default_vpcs(lean: Lean) -> None:
    """moto starts every Region with a default VPC; remove it so both servers hold the same World."""
    for vpc in items(lean.ok(body("DescribeVpcs")), "vpcSet"):
        vid = vpc["vpcId"]
        for sub in items(
            lean.ok(body("DescribeSubnets", Filters=[{"Name": "vpc-id", "Values": [vid]}])), "subnetSet"
        ):
            lean.ok(body("DeleteSubnet", SubnetId=sub["subnetId"]))
        igws = items(
            lean.ok(
                body("DescribeInternetGateways", Filters=[{"Name": "attachment.vpc-id", "Values": [vid]}])
            ),
            "internetGatewaySet",
        )
        for igw in igws:
            lean.ok(body("DetachInternetGateway", InternetGatewayId=igw["internetGatewayId"], VpcId=vid))
            lean.ok(body("DeleteInternetGateway", InternetGatewayId=igw["internetGatewayId"]))
        lean.ok(body("DeleteVpc", VpcId=vid))


def _label(client: str, threads: int) -> str:
    return f"{client} ×{threads}"


class _Timer:
    """Times one call list with the run's client, records it, keeps one sample (lean)."""

    def __init__(self, server: Server, client: str, threads: int, run: Run) -> None:
        self.server, self.client, self.threads, self.run = server, client, threads, run
        self.boto3 = [boto3_client(server.port) for _ in range(threads)] if client == "boto3" else []

    def __call__(self, action: str, calls: Sequence[dict[str, Any]]) -> None:
        if self.client == "boto3":
            t = time_boto3(self.boto3, action, calls)
        else:
            t = time_lean(self.server.port, [body(action, **p) for p in calls], self.threads)
            if t.sample and calls:
                self.run.samples[action] = (dict(calls[0]), t.sample.decode())
        self.run.timings[action] = t


def measure(server: Server, client: str, wl: Workload, threads: int) -> Run:
    """The workload against a fresh ``server`` with ``client`` ("boto3" or "lean") in ``threads``."""
    wl.check()
    run = Run(server.name, _label(client, threads))
    setup = Lean(server.port)
    timed = _Timer(server, client, threads, run)

    try:
        _delete_default_vpcs(setup)
        cidrs = [vpc_cidr(i) for i in range(wl.vpcs)]
        timed("CreateVpc", [{"CidrBlock": c} for c in cidrs])
        vpcs = {v["cidrBlock"]: v["vpcId"] for v in items(setup.ok(body("DescribeVpcs")), "vpcSet")}
        if len(vpcs) != wl.vpcs:
            raise RuntimeError(f"{server.name}: {len(vpcs)} VPCs after CreateVpc, expected {wl.vpcs}")
        full = [vpcs[c] for c in cidrs[: wl.full_vpcs]]

        # subnets: each full VPC to its maximum, the last ones timed
        untimed = wl.subnets_per_vpc - wl.timed_subnets_per_vpc
        subnet_calls = {
            v: [{"VpcId": v, "CidrBlock": s} for s in subnet_cidrs(c, wl.subnets_per_vpc)]
            for c, v in zip(cidrs, full, strict=False)
        }
        for calls in subnet_calls.values():
            for p in calls[:untimed]:
                setup.ok(body("CreateSubnet", **p))
        timed("CreateSubnet", [p for calls in subnet_calls.values() for p in calls[untimed:]])

        # route tables of the full VPCs, each filled with routes to the VPC's internet gateway
        igw_of: dict[str, str] = {}
        for vid in full:
            for _ in range(wl.tables_per_vpc - 1):
                setup.ok(body("CreateRouteTable", VpcId=vid))
            igw_id = _first_text(setup.ok(body("CreateInternetGateway")), "internetGatewayId")
            if not igw_id:
                raise RuntimeError(f"{server.name}: CreateInternetGateway answered no internetGatewayId")
            setup.ok(body("AttachInternetGateway", InternetGatewayId=igw_id, VpcId=vid))
            igw_of[vid] = igw_id
        tables = [
            t for t in items(setup.ok(body("DescribeRouteTables")), "routeTableSet") if t["vpcId"] in igw_of
        ]
        if len(tables) != wl.route_tables:
            raise RuntimeError(
                f"{server.name}: {len(tables)} route tables in the full VPCs, expected {wl.route_tables}"
            )
        untimed = wl.routes_per_table - wl.timed_routes_per_table
        route_calls = [
            [
                {
                    "RouteTableId": t["routeTableId"],
                    "DestinationCidrBlock": route_destination(j),
                    "GatewayId": igw_of[t["vpcId"]],
                }
                for j in range(wl.routes_per_table)
            ]
            for t in tables
        ]
        for calls in route_calls:
            for p in calls[:untimed]:
                setup.ok(body("CreateRoute", **p))
        # timed: round-robin over the tables, so that concurrent clients share tables
        timed("CreateRoute", [calls[j] for j in range(untimed, wl.routes_per_table) for calls in route_calls])

        # security groups: created (timed), then the first ones filled with inbound rules
        timed(
            "CreateSecurityGroup",
            [
                {"GroupName": f"bench-{i}", "Description": "bench", "VpcId": full[i % len(full)]}
                for i in range(wl.security_groups)
            ],
        )
        groups = {
            g["groupName"]: g["groupId"]
            for g in items(setup.ok(body("DescribeSecurityGroups")), "securityGroupInfo")
        }
        rule_groups = [groups[f"bench-{i}"] for i in range(wl.rule_groups)]
        untimed = wl.rules_per_group - wl.timed_rules_per_group
        rule_calls = [
            [
                {
                    "GroupId": g,
                    "IpPermissions": [
                        {
                            "IpProtocol": "tcp",
                            "FromPort": 1000 + j,
                            "ToPort": 1000 + j,
                            "IpRanges": [{"CidrIp": "198.51.100.0/24"}],
                        }
                    ],
                }
                for j in range(wl.rules_per_group)
            ]
            for g in rule_groups
        ]
        for calls in rule_calls:
            for p in calls[:untimed]:
                setup.ok(body("AuthorizeSecurityGroupIngress", **p))
        timed(
            "AuthorizeSecurityGroupIngress",
            [calls[j] for j in range(untimed, wl.rules_per_group) for calls in rule_calls],
        )

        # one transit gateway, one of its route tables, a VPC attachment; static routes to it
        tgw = _first_text(setup.ok(body("CreateTransitGateway", Description="bench")), "transitGatewayId")
        tgw_rtb = _first_text(
            setup.ok(body("CreateTransitGatewayRouteTable", TransitGatewayId=tgw)),
            "transitGatewayRouteTableId",
        )
        first_subnet = next(iter(subnet_calls.values()))[0]
        subnet_id = next(
            s["subnetId"]
            for s in items(
                setup.ok(
                    body(
                        "DescribeSubnets",
                        Filters=[{"Name": "cidr-block", "Values": [first_subnet["CidrBlock"]]}],
                    )
                ),
                "subnetSet",
            )
            if s["vpcId"] == first_subnet["VpcId"]
        )
        att = _first_text(
            setup.ok(
                body(
                    "CreateTransitGatewayVpcAttachment",
                    TransitGatewayId=tgw,
                    VpcId=first_subnet["VpcId"],
                    SubnetIds=[subnet_id],
                )
            ),
            "transitGatewayAttachmentId",
        )
        if not (tgw and tgw_rtb and att):
            raise RuntimeError(
                f"{server.name}: transit gateway set-up answered no id ({tgw!r}, {tgw_rtb!r}, {att!r})"
            )
        tgw_calls = [
            {
                "TransitGatewayRouteTableId": tgw_rtb,
                "DestinationCidrBlock": tgw_destination(j),
                "TransitGatewayAttachmentId": att,
            }
            for j in range(wl.tgw_routes)
        ]
        untimed = wl.tgw_routes - wl.timed_tgw_routes
        for p in tgw_calls[:untimed]:
            setup.ok(body("CreateTransitGatewayRoute", **p))
        timed("CreateTransitGatewayRoute", tgw_calls[untimed:])

        # the describes: check the answer once (every item there), then time as many as fit the budget
        for action, list_tag, expected in (
            ("DescribeSubnets", "subnetSet", wl.subnets),
            ("DescribeRouteTables", "routeTableSet", wl.tables),
        ):
            t0 = time.perf_counter()
            payload = setup.ok(body(action))
            probe = time.perf_counter() - t0
            found = items(payload, list_tag)
            if len(found) != expected:
                raise RuntimeError(
                    f"{server.name}: {action} answered {len(found)} items, expected {expected}"
                )
            if action == "DescribeRouteTables":
                routes = payload.count(b"<destinationCidrBlock>100.")
                if routes != wl.route_tables * wl.routes_per_table:
                    raise RuntimeError(
                        f"{server.name}: {routes} routes added, expected "
                        f"{wl.route_tables * wl.routes_per_table}"
                    )
            # boto3 parses each answer too: about 3× the server's time per call
            n = repeat_count(probe * (3 if client == "boto3" else 1), wl.describe_budget, 3, 200)
            timed(action, [{}] * n)
        rules = setup.ok(body("DescribeSecurityGroups", GroupIds=rule_groups)).count(b"198.51.100.0/24")
        if rules != wl.rule_groups * wl.rules_per_group:
            raise RuntimeError(
                f"{server.name}: {rules} inbound rules, expected {wl.rule_groups * wl.rules_per_group}"
            )
    finally:
        setup.close()
    return run


def measure_floor(
    server: Server, client: str, wl: Workload, threads: int, samples: dict[str, tuple[dict[str, Any], str]]
) -> Run:
    """Each call of the workload replayed against the canned-answer server: the client's own cost.

    The same number of calls as the workload times, with the parameters of one recorded call (the
    server never looks at them) and the recorded answer."""
    run = Run(server.name, _label(client, threads))
    timed = _Timer(server, client, threads, run)
    counts = {
        "CreateVpc": wl.vpcs,
        "CreateSubnet": wl.full_vpcs * wl.timed_subnets_per_vpc,
        "CreateRoute": wl.route_tables * wl.timed_routes_per_table,
        "CreateSecurityGroup": wl.security_groups,
        "AuthorizeSecurityGroupIngress": wl.rule_groups * wl.timed_rules_per_group,
        "CreateTransitGatewayRoute": wl.timed_tgw_routes,
    }
    for action in CALLS:
        if action not in samples:
            continue
        params = samples[action][0]
        n = counts.get(action)
        if n is None:  # a describe: as many as fit the budget
            lean = Lean(server.port)
            t0 = time.perf_counter()
            lean.ok(body(action, **params))
            lean.close()
            parse = len(samples[action][1]) / 2e6 if client == "boto3" else 0  # ≈ botocore's parse time
            n = repeat_count(time.perf_counter() - t0 + parse, wl.describe_budget, 3, 200)
        timed(action, [params] * n)
    return run


# ── the report ──────────────────────────────────────────────────────────────────────────────────

SERVERS = (VPCLAB_MEMORY, VPCLAB_DURABLE, MOTO, FLOOR)


def run_all(
    wl: Workload,
    *,
    modes: Sequence[tuple[str, int]] = (("lean", 1), ("lean", 16), ("boto3", 1), ("boto3", 16)),
    servers: Sequence[ServerKind] = SERVERS,
    progress: Callable[[str], None] = lambda _: None,
    repeat: int = 1,
) -> list[Run]:
    """Every server with every client, each on a freshly started server; ``repeat`` times, best kept.

    The lean modes run first: the floor replays the answers the memory server gave the lean client,
    so it runs only once they are recorded (a run without the lean client has no floor)."""
    runs = []
    modes = sorted(modes, key=lambda m: m[0] != "lean")
    samples: dict[str, tuple[dict[str, Any], str]] = {}
    for rep in range(repeat):
        for client, t in modes:
            for kind in servers:  # interleaved: a noisy moment hits every server alike
                label = _label(client, t)
                if kind.is_floor and not samples:
                    continue
                progress(f"  [{rep + 1}/{repeat}] {kind.name} with {label} …")
                try:
                    if kind.is_floor:
                        answers = json.dumps({a: xml for a, (_, xml) in samples.items()})
                        with running(kind, {ANSWERS_FILE: answers}) as server:
                            run = measure_floor(server, client, wl, t, samples)
                    else:
                        with running(kind) as server:
                            run = measure(server, client, wl, t)
                except Exception as exc:  # one broken run must not hide the others' figures
                    run = Run(kind.name, label, failure=str(exc)[-2000:])
                if kind is VPCLAB_MEMORY and not samples and not run.failure:
                    samples = dict(run.samples)
                progress(
                    "    "
                    + (
                        f"FAILED: {run.failure}"
                        if run.failure
                        else ", ".join(f"{c} {_fmt(tm)}" for c, tm in run.timings.items())
                    )
                )
                runs.append(run)
    return best_of(runs)


def best_of(runs: Sequence[Run]) -> list[Run]:
    """One Run per server and client: per call, the fastest repetition; any failure is kept.

    The best of several runs is the figure least disturbed by other work on the machine; a failed
    call in any repetition voids the figure (it is kept in place of the fastest).
    """
    merged: dict[tuple[str, str], Run] = {}
    for r in runs:
        m = merged.setdefault((r.server, r.client), Run(r.server, r.client))
        m.failure = m.failure or r.failure
        for call, t in r.timings.items():
            old = m.timings.get(call)
            if old is None or (not old.void and (t.void or t.rate > old.rate)):
                m.timings[call] = t
    return list(merged.values())


def _fmt(t: Timing | None) -> str:
    if t is None:
        return "—"
    return f"void ({t.errors} err)" if t.void else f"{t.rate:,.0f}/s"


def _verdict(ratio: float | None, target: bool = True) -> str:
    """A ratio and whether it meets the target: ``12.3× met`` / ``2.8× MISSED`` (or just ``12.3×``)."""
    if ratio is None:
        return "—"
    if not target:
        return f"{ratio:.1f}×"
    return f"{ratio:.1f}× {'met' if ratio >= TARGET else 'MISSED'}"


def _short(name: str) -> str:
    return name.split()[-1].strip("()")


def report(runs: Sequence[Run]) -> tuple[str, bool]:
    """A table: calls/s per server for each client and call, and each vpclab's ratio to moto with
    whether it meets the target (≥ ``TARGET``×); the floor's ratio to moto is the most any server
    could show through that client.

    Returns the table and whether every figure is valid (no failed call anywhere).
    """
    present = {r.server for r in runs}
    vpclabs = [k.name for k in SERVERS if k.is_vpclab and k.name in present]
    others = [k.name for k in SERVERS if not k.is_vpclab and k.name in present]
    ratio_of = [*vpclabs, *([FLOOR.name] if FLOOR.name in present else [])]
    head = f"{'call':29} {'client':9}" + "".join(f" {_short(n):>9}" for n in [*vpclabs, *others])
    head += "".join(f" {_short(n) + '÷moto':>14}" for n in ratio_of)
    lines = [head]
    valid = True
    for client in dict.fromkeys(r.client for r in runs):
        by_server = {r.server: r for r in runs if r.client == client}
        for call in CALLS:
            moto = by_server.get(MOTO.name)
            mt = moto.timings.get(call) if moto else None
            cells = [by_server[n].timings.get(call) if n in by_server else None for n in [*vpclabs, *others]]
            valid &= all(t is None or not t.void for t in cells)
            line = f"{call:29} {client:9}" + "".join(f" {_fmt(t):>9}" for t in cells)
            for n in ratio_of:
                t = by_server[n].timings.get(call) if n in by_server else None
                r = t.rate / mt.rate if t and mt and not t.void and not mt.void and mt.rate else None
                line += f" {_verdict(r, n != FLOOR.name):>14}"
            lines.append(line)
    errors = [(r.server, r.client, c, t) for r in runs for c, t in r.timings.items() if t.errors]
    for server, client, call, t in errors:
        lines.append(
            f"  {server} / {client} / {call}: {t.errors} of {t.calls} calls failed, e.g. {t.first_error}"
        )
    for r in runs:
        if r.failure:
            valid = False
            lines.append(f"  {r.server} / {r.client}: the run failed: {r.failure}")
    return "\n".join(lines), valid


def conditions() -> str:
    """When and where: UTC time, CPUs and model, load average, Python and the servers' packages."""
    from importlib.metadata import PackageNotFoundError, version

    cpu = platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    pkgs = []
    for name in ("uvicorn", "httptools", "uvloop", "moto", "boto3"):
        with suppress(PackageNotFoundError):
            pkgs.append(f"{name} {version(name)}")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{now}; {os.cpu_count()} CPUs, {cpu}; load average {load}; "
        f"Python {platform.python_version()}, {', '.join(pkgs)}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.api", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--quick",
        action="store_true",
        help="a smaller World (50 VPCs, 2 full), lean ×16 and boto3 ×1 only (about a minute)",
    )
    p.add_argument("--vpcs", type=int, help=f"VPCs created (default {Workload.vpcs})")
    p.add_argument("--full-vpcs", type=int, help=f"VPCs filled to the maxima (default {Workload.full_vpcs})")
    p.add_argument(
        "--tgw-routes", type=int, help=f"static routes in the TGW route table (default {Workload.tgw_routes})"
    )
    p.add_argument("--describe-budget", type=float, help="seconds of describe calls per figure")
    p.add_argument("--threads", type=int, nargs="+", help="client thread counts (default 1 16)")
    p.add_argument("--clients", nargs="+", default=["boto3", "lean"], choices=["boto3", "lean"])
    p.add_argument("--repeat", type=int, default=1, help="run everything N times, keep each call's best")
    p.add_argument("--no-moto", action="store_true", help="vpclab only (no baseline, no ratios)")
    p.add_argument("--no-floor", action="store_true", help="no canned-answer server (the client floor)")
    args = p.parse_args(argv)
    wl = QUICK if args.quick else Workload()
    changes = {
        k: v
        for k, v in (
            ("vpcs", args.vpcs),
            ("full_vpcs", args.full_vpcs),
            ("tgw_routes", args.tgw_routes),
            ("describe_budget", args.describe_budget),
        )
        if v is not None
    }
    if "tgw_routes" in changes:
        changes["timed_tgw_routes"] = min(wl.timed_tgw_routes, changes["tgw_routes"])
    wl = replace(wl, **changes)
    wl.check()
    if args.quick and not args.threads:
        modes = [m for m in (("lean", 16), ("boto3", 1)) if m[0] in args.clients]
    else:
        modes = [(c, t) for c in ("lean", "boto3") if c in args.clients for t in args.threads or (1, 16)]
    servers = [k for k in SERVERS if not (args.no_moto and k is MOTO) and not (args.no_floor and k is FLOOR)]
    print(
        f"EC2 API throughput at full tables — {wl.vpcs} VPCs; {wl.full_vpcs} of them with "
        f"{wl.subnets_per_vpc} subnets, {wl.tables_per_vpc} route tables of {wl.routes_per_table} routes, "
        f"{wl.security_groups // wl.full_vpcs} security groups; {wl.rule_groups} groups of "
        f"{wl.rules_per_group} inbound rules; {wl.tgw_routes} routes in a TGW route table. "
        f"Clients: {', '.join(_label(c, t) for c, t in modes)}.",
        flush=True,
    )
    print(f"start: {conditions()}", flush=True)
    runs = run_all(
        wl,
        modes=modes,
        servers=servers,
        progress=lambda s: print(s, file=sys.stderr, flush=True),
        repeat=args.repeat,
    )
    print(f"end:   {conditions()}")
    table, valid = report(runs)
    print(table)
    if not valid:
        print("VOID: some calls failed (see above); those figures are not throughput.")
    return 0 if valid else 1


if __name__ == "__main__":
    sys.exit(main())
