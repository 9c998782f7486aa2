"""The soak (issue 8): hostile input and real load against one ``vpclab serve`` with a durable state file.

Two phases, each on a freshly started ``python -m vpclab serve --state <tmp>/soak.sqlite3``:

1. **Fuzz** — ``--fuzz-requests`` (100,000) requests derived from botocore's input shapes
   (``bench/wire_fuzz.py``, the generator of ``tests/reliability/test_wire_fuzz.py``), sent over
   HTTP one after another; the World is reset every 400 requests. Every answer must be < 500 and
   parse with botocore's parser for its protocol, with a code and request id on errors (no answer
   at all counts as a failure too). Reported: the error codes, the request rate, the server's RSS.
2. **Mixed load** — ``--clients`` (16) threads for ``--duration`` (600 s), each an account of its
   own, issuing a realistic mix (creates, filtered describes, routes, security group rules, tags,
   deletes and VPC tear-downs, some invalid requests, a few heavy describes of a shared account
   holding 200 subnets and 1,000 routes). Every acknowledged (HTTP 200) change is tracked; each
   filtered DescribeSubnets must list exactly the account's subnets. After the load, every
   acknowledged resource, route, rule and tag must be there and every deleted one gone — checked
   once on the running server, and again after ``kill -9`` and a restart on the same file.
   Reported: throughput, p50/p99/max latency per call, ``/_vpclab/health`` latency sampled every
   100 ms during the load, errors by code, the server's RSS over time.

Exit status 1 if any invariant fails: an answer ≥ 500, an unparseable answer, a request without an
answer, an inconsistent read, a lost or resurrected write. ``python -m bench.soak --help``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vpclab.aws import protocol
from vpclab.aws.admin import ADMIN_HEADER, ADMIN_PREFIX

from .api import EC2_VERSION, Lean, Server, free_port, spawn, stop
from .wire_fuzz import RESET_EVERY, BadAnswer, check_answer, next_request, seeded

HEALTH = f"{ADMIN_PREFIX}/health"
FORM = "application/x-www-form-urlencoded; charset=utf-8"
#: the accounts of the load's clients: 400000000000, 400000000001, …; the heavy one is shared
HEAVY_ACCOUNT = "499999999999"
#: per client: VPCs (the default VPC makes one more: AWS's default quota is 5), subnets per VPC,
#: route tables per VPC (besides the main one), routes per table, groups per VPC, rules per group
MAX_VPCS, MAX_SUBNETS, MAX_TABLES, MAX_ROUTES, MAX_GROUPS, MAX_RULES = 3, 40, 8, 40, 8, 40


@dataclass(frozen=True)
class Heavy:
    """The shared account of the heavy describes: one VPC with ``subnets`` subnets and ``tables``
    route tables of ``routes`` routes each (AWS's maxima: 200 subnets per VPC, 50 routes per table)."""

    subnets: int = 200
    tables: int = 20
    routes: int = 50


# ── the server ──────────────────────────────────────────────────────────────────────────────────


def start(state: Path, log: Path) -> Server:
    """``vpclab serve`` on ``state`` (a durable SQLite file) on a free loopback port."""
    port = free_port()
    argv = [sys.executable, "-m", "vpclab", "serve", "--port", str(port), "--state", str(state)]
    return spawn("vpclab (durable)", argv, port, HEALTH, log)


def rss_mb(pid: int) -> float:
    """The resident set size of process ``pid`` in MiB (0 where /proc is not there)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Sampler(threading.Thread):
    """Every ``every`` seconds until stopped: ``sample()``'s value, with the time since the start."""

    def __init__(self, every: float, sample: Callable[[], float]) -> None:
        super().__init__(daemon=True)
        self.every, self.sample = every, sample
        self.values: list[tuple[float, float]] = []
        self.halt = threading.Event()
        self.t0 = time.monotonic()

    def run(self) -> None:
        while not self.halt.is_set():
            self.values.append((time.monotonic() - self.t0, self.sample()))
            self.halt.wait(self.every)

    def finish(self) -> list[tuple[float, float]]:
        self.halt.set()
        self.join(timeout=30)
        return self.values


class HealthProbe:
    """``GET /_vpclab/health`` over a connection of its own: its latency (a failure counts as ∞)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.failures = 0

    def __call__(self) -> float:
        t0 = time.perf_counter()
        try:
            self.conn.request("GET", HEALTH)
            resp = self.conn.getresponse()
            resp.read()
            if resp.status == 200:
                return time.perf_counter() - t0
        except (OSError, http.client.HTTPException):
            self.conn.close()
        self.failures += 1
        return float("inf")


def admin_reset(port: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", f"{ADMIN_PREFIX}/reset", headers={ADMIN_HEADER: "1"})
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            raise RuntimeError(f"{ADMIN_PREFIX}/reset answered {resp.status}")
    finally:
        conn.close()


def exchange(
    conn: Lean, method: str, path: str, data: bytes, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes] | None:
    """One request; sent again once on a fresh connection if the server had closed the idle one
    (nothing was processed then). None: no answer."""
    for _ in range(2):
        try:
            return conn.send(method, path, data, headers)
        except (OSError, http.client.HTTPException):
            conn.conn.close()
    return None


def pct(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# ── phase 1: fuzz ───────────────────────────────────────────────────────────────────────────────


@dataclass
class FuzzResult:
    requests: int = 0
    ok: int = 0
    seconds: float = 0.0
    codes: Counter[str] = field(default_factory=Counter)
    #: the broken contract's kind (5xx, unparseable, error-shape, internal, no-answer) → count
    failures: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    rss: list[tuple[float, float]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def fuzz(server: Server, count: int, seed: int, progress: Callable[[str], None]) -> FuzzResult:
    fuzzer, ops = seeded(seed)
    result = FuzzResult()
    rss = Sampler(5.0, lambda: rss_mb(server.process.pid))
    rss.start()
    conn = Lean(server.port)
    t0 = time.perf_counter()
    try:
        for n in range(count):
            if n % RESET_EVERY == 0:
                admin_reset(server.port)
                fuzzer.ids.clear()
            req = next_request(fuzzer, ops)
            answer = exchange(conn, req.method, req.path, req.body, req.headers)
            result.requests += 1
            if answer is None:
                result.failures["no-answer"] += 1
                if len(result.examples) < 5:
                    result.examples.append(f"request {n}, {req.service}:{req.op.name}: no answer")
                if server.process.poll() is not None:
                    raise RuntimeError(f"the server exited with {server.process.returncode} at request {n}")
                continue
            status, headers, out = answer
            try:
                parsed = check_answer(req.op, status, headers, out)
            except BadAnswer as exc:
                result.failures[exc.kind] += 1
                if len(result.examples) < 5:
                    result.examples.append(f"seed {seed}, request {n}, {req.service}:{req.op.name}: {exc}")
                continue
            if status < 300:
                result.ok += 1
                result.codes["(success)"] += 1
            else:
                result.codes[parsed["Error"]["Code"]] += 1
            fuzzer.learn(status, out)
            if (n + 1) % 10_000 == 0:
                progress(
                    f"  fuzz: {n + 1:,} requests, {(n + 1) / (time.perf_counter() - t0):,.0f}/s, "
                    f"{sum(result.failures.values())} failures, "
                    f"server RSS {rss_mb(server.process.pid):.0f} MiB"
                )
    finally:
        result.seconds = time.perf_counter() - t0
        conn.close()
        result.rss = [*rss.finish(), (time.monotonic() - rss.t0, rss_mb(server.process.pid))]
    return result


def fuzz_report(r: FuzzResult) -> list[str]:
    lines = [
        f"fuzz: {r.requests:,} requests in {r.seconds:.0f} s ({r.rate:,.0f}/s, one client), "
        f"{r.ok:,} succeeded; failures: " + (", ".join(f"{k} {v}" for k, v in r.failures.items()) or "none")
    ]
    top = ", ".join(f"{c} {n:,}" for c, n in r.codes.most_common(12) if c != "(success)")
    lines.append(f"  error codes ({len(r.codes) - ('(success)' in r.codes)} distinct), most frequent: {top}")
    lines.append("  server RSS: " + rss_line(r.rss))
    lines += [f"  e.g. {e}" for e in r.examples]
    return lines


def rss_line(samples: Sequence[tuple[float, float]]) -> str:
    if not samples:
        return "—"
    values = [v for _, v in samples]
    half = values[len(values) // 2]
    return (
        f"start {values[0]:.0f} MiB, half-way {half:.0f} MiB, end {values[-1]:.0f} MiB, "
        f"peak {max(values):.0f} MiB ({len(values)} samples)"
    )


# ── phase 2: mixed load ─────────────────────────────────────────────────────────────────────────


def auth(account: str) -> dict[str, str]:
    return {
        "Content-Type": FORM,
        "Authorization": f"AWS4-HMAC-SHA256 Credential={account}/20260101/us-east-1/ec2/aws4_request, "
        "SignedHeaders=host, Signature=0",
    }


@dataclass
class VpcState:
    id: str
    cidr_octet: int
    subnets: dict[str, str] = field(default_factory=dict)  # id → CIDR
    tables: dict[str, set[str]] = field(default_factory=dict)  # non-main table id → its 172.x routes
    groups: dict[str, set[int]] = field(default_factory=dict)  # id → ingress ports (tcp, 10.0.0.0/8)
    igw: str = ""


@dataclass
class Stats:
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[tuple[str, str]] = field(default_factory=Counter)  # (call class, code)
    #: errors on requests the client expected to succeed (each account has one writer)
    unexpected: Counter[tuple[str, str]] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def merge(self, other: Stats) -> None:
        for k, v in other.latency.items():
            self.latency[k].extend(v)
        self.errors.update(other.errors)
        self.unexpected.update(other.unexpected)
        self.failures.update(other.failures)
        self.examples.extend(other.examples[: max(0, 8 - len(self.examples))])


class Client:
    """One load client: one account, one keep-alive connection, its acknowledged state."""

    def __init__(self, port: int, account: str, rng: random.Random, heavy: dict[str, Any]) -> None:
        self.account, self.rng, self.heavy = account, rng, heavy
        self.conn = Lean(port)
        self.headers = auth(account)
        self.vpcs: dict[str, VpcState] = {}
        self.tags: dict[str, dict[str, str]] = {}  # resource id → its tags (as acknowledged)
        self.deleted: set[str] = set()
        self.uncertain: set[str] = set()  # ids whose last change had no answer
        self.stats = Stats()
        self.serial = 0

    # -- one call --------------------------------------------------------------------------
    def call(
        self,
        action: str,
        params: dict[str, str],
        *,
        label: str = "",
        expect: str = "",
        about: str = "",
        account: str = "",
    ) -> dict[str, Any] | None:
        """POST one EC2 call; the parsed answer on HTTP 200, else None (error counted by code).

        ``expect``: the error code an invalid request must get ('' = must succeed)."""
        label = label or action
        data = urllib.parse.urlencode({"Action": action, "Version": EC2_VERSION, **params}).encode()
        headers = auth(account) if account else self.headers
        t0 = time.perf_counter()
        answer = exchange(self.conn, "POST", "/", data, headers)
        self.stats.latency[label].append(time.perf_counter() - t0)
        op = protocol.operation("ec2", action)
        if answer is None:
            self._fail("no-answer", f"{label}: no answer", about)
            return None
        status, hdrs, out = answer
        try:
            parsed = check_answer(op, status, hdrs, out) if op is not None else {}
        except BadAnswer as exc:
            self._fail(exc.kind, f"{label}: {exc}", about)
            return None
        if status == 200:
            if expect:
                self.stats.unexpected[(label, "(success)")] += 1
            return parsed
        code = parsed.get("Error", {}).get("Code", "?") if op is not None else "?"
        self.stats.errors[(label, code)] += 1
        if code != expect:
            self.stats.unexpected[(label, code)] += 1
            if len(self.stats.examples) < 8:
                self.stats.examples.append(f"{self.account} {label} {params}: {out[:300]!r}")
        return None

    def _fail(self, kind: str, message: str, about: str) -> None:
        self.stats.failures[kind] += 1
        if about:
            self.uncertain.add(about)
        if len(self.stats.examples) < 8:
            self.stats.examples.append(f"{self.account} {message}")
        return None

    def name(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}-{self.account[-2:]}-{self.serial}"

    @staticmethod
    def tag_spec(kind: str, name: str) -> dict[str, str]:
        return {
            "TagSpecification.1.ResourceType": kind,
            "TagSpecification.1.Tag.1.Key": "Name",
            "TagSpecification.1.Tag.1.Value": name,
        }

    # -- the mix ---------------------------------------------------------------------------
    def step(self) -> None:
        rng = self.rng
        if len(self.vpcs) < 1 or (len(self.vpcs) < MAX_VPCS and rng.random() < 0.01):
            return self.create_vpc()
        vpc = self.vpcs[rng.choice(list(self.vpcs))]
        ops: list[tuple[float, Callable[[VpcState], None]]] = [
            (10, self.create_subnet),
            (4, self.delete_subnet),
            (3, self.create_table),
            (1.5, self.delete_table),
            (8, self.route),
            (4, self.create_group),
            (1.5, self.delete_group),
            (8, self.rule),
            (6, self.tag),
            (30, self.describe),
            (5, self.invalid),
            (0.5, self.heavy_describe),
            (0.3, self.teardown),
        ]
        r = rng.random() * sum(w for w, _ in ops)
        for w, op in ops:
            r -= w
            if r < 0:
                return op(vpc)
        return None

    def create_vpc(self) -> None:
        octet = self.rng.randrange(0, 250)
        name = self.name("vpc")
        got = self.call("CreateVpc", {"CidrBlock": f"10.{octet}.0.0/16", **self.tag_spec("vpc", name)})
        if got:
            vid = got["Vpc"]["VpcId"]
            self.vpcs[vid] = VpcState(vid, octet)
            self.tags[vid] = {"Name": name}
            igw = self.call("CreateInternetGateway", {})
            if igw:
                gid = igw["InternetGateway"]["InternetGatewayId"]
                self.tags[gid] = {}
                if (
                    self.call("AttachInternetGateway", {"InternetGatewayId": gid, "VpcId": vid}, about=gid)
                    is not None
                ):
                    self.vpcs[vid].igw = gid

    def create_subnet(self, vpc: VpcState) -> None:
        used = {int(c.split(".")[2]) for c in vpc.subnets.values()}
        free = [i for i in range(256) if i not in used]
        if len(vpc.subnets) >= MAX_SUBNETS or not free:
            return self.delete_subnet(vpc)
        cidr = f"10.{vpc.cidr_octet}.{self.rng.choice(free)}.0/24"
        name = self.name("subnet")
        got = self.call("CreateSubnet", {"VpcId": vpc.id, "CidrBlock": cidr, **self.tag_spec("subnet", name)})
        if got:
            sid = got["Subnet"]["SubnetId"]
            vpc.subnets[sid] = cidr
            self.tags[sid] = {"Name": name}
        return None

    def delete_subnet(self, vpc: VpcState) -> None:
        if not vpc.subnets:
            return self.create_subnet(vpc)
        sid = self.rng.choice(list(vpc.subnets))
        if self.call("DeleteSubnet", {"SubnetId": sid}, about=sid) is not None:
            self._gone(sid)
            del vpc.subnets[sid]
        return None

    def create_table(self, vpc: VpcState) -> None:
        if len(vpc.tables) >= MAX_TABLES:
            return self.delete_table(vpc)
        got = self.call("CreateRouteTable", {"VpcId": vpc.id})
        if got:
            tid = got["RouteTable"]["RouteTableId"]
            vpc.tables[tid] = set()
            self.tags[tid] = {}
        return None

    def delete_table(self, vpc: VpcState) -> None:
        if not vpc.tables:
            return self.create_table(vpc)
        tid = self.rng.choice(list(vpc.tables))
        if self.call("DeleteRouteTable", {"RouteTableId": tid}, about=tid) is not None:
            self._gone(tid)
            del vpc.tables[tid]
        return None

    def route(self, vpc: VpcState) -> None:
        """CreateRoute (to the VPC's internet gateway), ReplaceRoute or DeleteRoute."""
        if not vpc.tables or not vpc.igw:
            return self.create_table(vpc)
        tid = self.rng.choice(list(vpc.tables))
        routes = vpc.tables[tid]
        r = self.rng.random()
        if routes and (r < 0.3 or len(routes) >= MAX_ROUTES):
            dest = self.rng.choice(sorted(routes))
            if r < 0.15:
                self.call(
                    "ReplaceRoute",
                    {"RouteTableId": tid, "DestinationCidrBlock": dest, "GatewayId": vpc.igw},
                    about=tid,
                )
            elif (
                self.call("DeleteRoute", {"RouteTableId": tid, "DestinationCidrBlock": dest}, about=tid)
                is not None
            ):
                routes.discard(dest)
            return None
        j = self.rng.randrange(4096)
        dest = f"172.{16 + j // 256}.{j % 256}.0/24"
        if dest in routes:
            return None
        if (
            self.call(
                "CreateRoute",
                {"RouteTableId": tid, "DestinationCidrBlock": dest, "GatewayId": vpc.igw},
                about=tid,
            )
            is not None
        ):
            routes.add(dest)
        return None

    def create_group(self, vpc: VpcState) -> None:
        if len(vpc.groups) >= MAX_GROUPS:
            return self.delete_group(vpc)
        name = self.name("group")
        got = self.call(
            "CreateSecurityGroup",
            {
                "VpcId": vpc.id,
                "GroupName": name,
                "GroupDescription": "soak",
                **self.tag_spec("security-group", name),
            },
        )
        if got:
            gid = got["GroupId"]
            vpc.groups[gid] = set()
            self.tags[gid] = {"Name": name}
        return None

    def delete_group(self, vpc: VpcState) -> None:
        if not vpc.groups:
            return self.create_group(vpc)
        gid = self.rng.choice(list(vpc.groups))
        if self.call("DeleteSecurityGroup", {"GroupId": gid}, about=gid) is not None:
            self._gone(gid)
            del vpc.groups[gid]
        return None

    def rule(self, vpc: VpcState) -> None:
        """AuthorizeSecurityGroupIngress or RevokeSecurityGroupIngress (tcp, one port, 10.0.0.0/8)."""
        if not vpc.groups:
            return self.create_group(vpc)
        gid = self.rng.choice(list(vpc.groups))
        ports = vpc.groups[gid]
        if ports and (self.rng.random() < 0.3 or len(ports) >= MAX_RULES):
            port = self.rng.choice(sorted(ports))
            if self.call("RevokeSecurityGroupIngress", self._perm(gid, port), about=gid) is not None:
                ports.discard(port)
            return None
        port = self.rng.randrange(1, 65536)
        if (
            port not in ports
            and self.call("AuthorizeSecurityGroupIngress", self._perm(gid, port), about=gid) is not None
        ):
            ports.add(port)
        return None

    @staticmethod
    def _perm(gid: str, port: int) -> dict[str, str]:
        return {
            "GroupId": gid,
            "IpPermissions.1.IpProtocol": "tcp",
            "IpPermissions.1.FromPort": str(port),
            "IpPermissions.1.ToPort": str(port),
            "IpPermissions.1.IpRanges.1.CidrIp": "10.0.0.0/8",
        }

    def tag(self, vpc: VpcState) -> None:
        """CreateTags (a key k0…k5, a random value) or DeleteTags, on one of the VPC's resources."""
        rid = self.rng.choice([vpc.id, *vpc.subnets, *vpc.tables, *vpc.groups])
        key = f"k{self.rng.randrange(6)}"
        if self.rng.random() < 0.25:
            if self.call("DeleteTags", {"ResourceId.1": rid, "Tag.1.Key": key}, about=rid) is not None:
                self.tags[rid].pop(key, None)
            return None
        value = f"v{self.rng.randrange(10**6)}"
        if (
            self.call("CreateTags", {"ResourceId.1": rid, "Tag.1.Key": key, "Tag.1.Value": value}, about=rid)
            is not None
        ):
            self.tags[rid][key] = value
        return None

    def describe(self, vpc: VpcState) -> None:
        """A filtered describe; DescribeSubnets by vpc-id must list exactly the acknowledged subnets."""
        vpc_filter = {"Filter.1.Name": "vpc-id", "Filter.1.Value.1": vpc.id}
        r = self.rng.random()
        if r < 0.35:
            got = self.call("DescribeSubnets", vpc_filter)
            if got is not None and not self.uncertain:  # (uncertain: a change without an answer)
                seen = {s["SubnetId"] for s in got["Subnets"]}
                if seen != set(vpc.subnets):
                    self._fail(
                        "inconsistent-read",
                        f"DescribeSubnets of {vpc.id}: {len(seen)} subnets, {len(vpc.subnets)} acknowledged",
                        "",
                    )
        elif r < 0.6:
            self.call("DescribeRouteTables", vpc_filter)
        elif r < 0.8:
            self.call(
                "DescribeSecurityGroups",
                {**vpc_filter, "Filter.2.Name": "ip-permission.protocol", "Filter.2.Value.1": "tcp"},
            )
        elif r < 0.9:
            self.call(
                "DescribeVpcs",
                {"Filter.1.Name": "tag:Name", "Filter.1.Value.1": self.tags[vpc.id].get("Name", "x")},
            )
        else:
            self.call(
                "DescribeInternetGateways", {"Filter.1.Name": "attachment.vpc-id", "Filter.1.Value.1": vpc.id}
            )

    def invalid(self, vpc: VpcState) -> None:
        """A request AWS refuses, and the code it must get."""
        cases: list[tuple[str, dict[str, str], str]] = [
            ("CreateVpc", {"CidrBlock": "10.0.0.0/33"}, "InvalidParameterValue"),
            ("DescribeVpcs", {"VpcId.1": "vpc-00000000deadbeef0"}, "InvalidVpcID.NotFound"),
            ("DeleteVpc", {"VpcId": vpc.id}, "DependencyViolation"),
            ("CreateSubnet", {"VpcId": vpc.id, "CidrBlock": "192.168.0.0/24"}, "InvalidSubnet.Range"),
            (
                "DescribeSubnets",
                {"Filter.1.Name": "no-such-filter", "Filter.1.Value.1": "x"},
                "InvalidParameterValue",
            ),
            (
                "CreateTags",
                {"ResourceId.1": vpc.id, "Tag.1.Key": "aws:reserved", "Tag.1.Value": "x"},
                "InvalidParameterValue",
            ),
        ]
        if vpc.subnets:
            cases.append(
                (
                    "CreateSubnet",
                    {"VpcId": vpc.id, "CidrBlock": next(iter(vpc.subnets.values()))},
                    "InvalidSubnet.Conflict",
                )
            )
        action, params, code = self.rng.choice(cases)
        if action == "DeleteVpc" and not (vpc.subnets or vpc.groups or vpc.igw):
            return
        self.call(action, params, label=f"invalid {action}", expect=code)

    def heavy_describe(self, vpc: VpcState) -> None:
        """A large answer from the shared account (200 subnets; 20 tables of 50 routes), or a long filter."""
        r = self.rng.random()
        if r < 0.4:
            self.call("DescribeSubnets", {}, label="heavy DescribeSubnets", account=HEAVY_ACCOUNT)
        elif r < 0.8:
            self.call("DescribeRouteTables", {}, label="heavy DescribeRouteTables", account=HEAVY_ACCOUNT)
        else:
            ids = self.heavy["subnets"][:200]
            self.call(
                "DescribeSubnets",
                {"Filter.1.Name": "subnet-id", **{f"Filter.1.Value.{i}": s for i, s in enumerate(ids, 1)}},
                label="heavy DescribeSubnets 200 values",
                account=HEAVY_ACCOUNT,
            )

    def teardown(self, vpc: VpcState) -> None:
        """Delete everything in the VPC, then the VPC (kept if any step fails)."""
        for sid in list(vpc.subnets):
            if self.call("DeleteSubnet", {"SubnetId": sid}, about=sid) is None:
                return
            self._gone(sid)
            del vpc.subnets[sid]
        for tid in list(vpc.tables):
            if self.call("DeleteRouteTable", {"RouteTableId": tid}, about=tid) is None:
                return
            self._gone(tid)
            del vpc.tables[tid]
        for gid in list(vpc.groups):
            if self.call("DeleteSecurityGroup", {"GroupId": gid}, about=gid) is None:
                return
            self._gone(gid)
            del vpc.groups[gid]
        if vpc.igw:
            if (
                self.call(
                    "DetachInternetGateway", {"InternetGatewayId": vpc.igw, "VpcId": vpc.id}, about=vpc.igw
                )
                is None
            ):
                return
            if self.call("DeleteInternetGateway", {"InternetGatewayId": vpc.igw}, about=vpc.igw) is None:
                return
            self._gone(vpc.igw)
            vpc.igw = ""
        if self.call("DeleteVpc", {"VpcId": vpc.id}, about=vpc.id) is not None:
            self._gone(vpc.id)
            del self.vpcs[vpc.id]

    def _gone(self, rid: str) -> None:
        self.deleted.add(rid)
        self.tags.pop(rid, None)

    # -- the check -------------------------------------------------------------------------
    def verify(self, port: int) -> list[str]:
        """Every acknowledged resource, route, rule and tag there; every deleted id gone."""
        self.conn.close()
        self.conn = Lean(port)
        problems: list[str] = []

        def listed(action: str, key: str, id_key: str) -> dict[str, dict[str, Any]]:
            got = self.call(action, {}, label=f"verify {action}")
            if got is None:
                problems.append(f"{self.account}: {action} failed")
                return {}
            return {item[id_key]: item for item in got[key]}

        vpcs = listed("DescribeVpcs", "Vpcs", "VpcId")
        subnets = listed("DescribeSubnets", "Subnets", "SubnetId")
        tables = listed("DescribeRouteTables", "RouteTables", "RouteTableId")
        groups = listed("DescribeSecurityGroups", "SecurityGroups", "GroupId")
        igws = listed("DescribeInternetGateways", "InternetGateways", "InternetGatewayId")
        present = {**vpcs, **subnets, **tables, **groups, **igws}
        for rid, tags in self.tags.items():
            if rid in self.uncertain:
                continue
            if rid not in present:
                problems.append(f"{self.account}: acknowledged {rid} is missing")
            elif {t["Key"]: t["Value"] for t in present[rid].get("Tags", [])} != tags:
                problems.append(
                    f"{self.account}: {rid} has tags {present[rid].get('Tags')}, acknowledged {tags}"
                )
        for rid in self.deleted - self.uncertain:
            if rid in present:
                problems.append(f"{self.account}: deleted {rid} is back")
        for vpc in self.vpcs.values():
            for tid, routes in vpc.tables.items():
                if tid in self.uncertain or tid not in tables:
                    continue
                seen = {
                    r.get("DestinationCidrBlock")
                    for r in tables[tid]["Routes"]
                    if r.get("GatewayId") == vpc.igw and r.get("DestinationCidrBlock", "").startswith("172.")
                }
                if seen != routes:
                    problems.append(f"{self.account}: {tid} routes {len(seen)} ≠ {len(routes)} acknowledged")
            for gid, ports in vpc.groups.items():
                if gid in self.uncertain or gid not in groups:
                    continue
                seen_ports = {
                    p.get("FromPort") for p in groups[gid]["IpPermissions"] if p.get("IpProtocol") == "tcp"
                }
                if seen_ports != ports:
                    problems.append(
                        f"{self.account}: {gid} ingress ports {len(seen_ports)} ≠ {len(ports)} acknowledged"
                    )
            if vpc.igw and vpc.igw not in self.uncertain:
                attached = {a.get("VpcId") for a in igws.get(vpc.igw, {}).get("Attachments", [])}
                if vpc.id not in attached:
                    problems.append(f"{self.account}: {vpc.igw} not attached to {vpc.id}")
        return problems

    def acknowledged(self) -> int:
        routes = sum(len(r) for v in self.vpcs.values() for r in v.tables.values())
        rules = sum(len(p) for v in self.vpcs.values() for p in v.groups.values())
        return len(self.tags) + len(self.deleted) + routes + rules


def setup_heavy(port: int, size: Heavy) -> dict[str, Any]:
    """The shared account of the heavy describes (untimed)."""
    client = Client(port, HEAVY_ACCOUNT, random.Random(0), {})
    vid = client.call("CreateVpc", {"CidrBlock": "10.0.0.0/16"})["Vpc"]["VpcId"]  # type: ignore[index]
    subnets = [
        client.call("CreateSubnet", {"VpcId": vid, "CidrBlock": f"10.0.{i}.0/24"})["Subnet"]["SubnetId"]  # type: ignore[index]
        for i in range(size.subnets)
    ]
    igw = client.call("CreateInternetGateway", {})["InternetGateway"]["InternetGatewayId"]  # type: ignore[index]
    client.call("AttachInternetGateway", {"InternetGatewayId": igw, "VpcId": vid})
    for _ in range(size.tables):
        tid = client.call("CreateRouteTable", {"VpcId": vid})["RouteTable"]["RouteTableId"]  # type: ignore[index]
        for j in range(size.routes):
            client.call(
                "CreateRoute",
                {"RouteTableId": tid, "DestinationCidrBlock": f"172.16.{j}.0/24", "GatewayId": igw},
            )
    client.conn.close()
    if client.stats.unexpected or client.stats.failures:
        raise RuntimeError(f"the heavy account's setup failed: {client.stats.examples}")
    return {"vpc": vid, "subnets": subnets}


@dataclass
class LoadResult:
    clients: int
    seconds: float = 0.0
    calls: int = 0
    stats: Stats = field(default_factory=Stats)
    health: list[float] = field(default_factory=list)
    health_failures: int = 0
    rss: list[tuple[float, float]] = field(default_factory=list)
    acknowledged: int = 0
    lost_running: list[str] = field(default_factory=list)
    lost_restarted: list[str] = field(default_factory=list)
    restart_seconds: float = 0.0


def load(
    state: Path,
    log: Path,
    clients: int,
    duration: float,
    seed: int,
    progress: Callable[[str], None],
    heavy_size: Heavy = Heavy(),
) -> LoadResult:
    result = LoadResult(clients)
    server = start(state, log)
    try:
        progress(f"  load: setting up the heavy account ({heavy_size}) …")
        heavy = setup_heavy(server.port, heavy_size)
        workers = [
            Client(server.port, f"{400000000000 + k}", random.Random(seed * 1000 + k), heavy)
            for k in range(clients)
        ]
        halt = threading.Event()
        rss = Sampler(10.0, lambda: rss_mb(server.process.pid))
        probe = HealthProbe(server.port)
        health = Sampler(0.1, probe)

        def work(c: Client) -> None:
            while not halt.is_set():
                c.step()
                if server.process.poll() is not None:
                    return

        threads = [threading.Thread(target=work, args=(c,), daemon=True) for c in workers]
        progress(f"  load: {clients} clients for {duration:.0f} s …")
        rss.start()
        health.start()
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        while time.perf_counter() - t0 < duration and server.process.poll() is None:
            time.sleep(min(30.0, max(0.0, duration - (time.perf_counter() - t0))))
            calls = sum(len(v) for c in workers for v in c.stats.latency.values())
            progress(
                f"  load: {time.perf_counter() - t0:4.0f} s, {calls:,} calls, "
                f"server RSS {rss_mb(server.process.pid):.0f} MiB"
            )
        halt.set()
        for t in threads:
            t.join(timeout=120)
        result.seconds = time.perf_counter() - t0
        result.health = [v for _, v in health.finish()]
        result.health_failures = probe.failures
        result.rss = [*rss.finish(), (time.monotonic() - rss.t0, rss_mb(server.process.pid))]
        for c in workers:
            result.stats.merge(c.stats)
        result.calls = sum(len(v) for v in result.stats.latency.values())
        result.acknowledged = sum(c.acknowledged() for c in workers)
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited with {server.process.returncode} during the load")
        progress(f"  load: {result.calls:,} calls; verifying {result.acknowledged:,} acknowledged changes …")
        for c in workers:
            result.lost_running += c.verify(server.port)
        progress("  load: kill -9, restart on the same file, verify again …")
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(timeout=30)
        t1 = time.perf_counter()
        server = start(state, log)
        result.restart_seconds = time.perf_counter() - t1
        for c in workers:
            result.lost_restarted += c.verify(server.port)
            c.conn.close()
    finally:
        stop(server.process)
    return result


def load_report(r: LoadResult) -> list[str]:
    s = r.stats
    lines = [
        f"mixed load: {r.clients} clients × {r.seconds:.0f} s: {r.calls:,} calls "
        f"({r.calls / r.seconds:,.0f}/s); "
        f"failures: " + (", ".join(f"{k} {v}" for k, v in s.failures.items()) or "none")
    ]
    lines.append(f"  {'call':38} {'calls':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  errors")
    for label in sorted(s.latency, key=lambda k: -len(s.latency[k])):
        v = s.latency[label]
        errs = ", ".join(f"{code} {n}" for (lab, code), n in s.errors.items() if lab == label)
        lines.append(
            f"  {label:38} {len(v):>8,} {pct(v, 0.5) * 1e3:8.1f} {pct(v, 0.99) * 1e3:8.1f} "
            f"{max(v) * 1e3:8.1f}  {errs}"
        )
    h = r.health
    lines.append(
        f"  /_vpclab/health during the load: {len(h):,} samples, p50 {pct(h, 0.5) * 1e3:.1f} ms, "
        f"p99 {pct(h, 0.99) * 1e3:.1f} ms, max {max(h or [0]) * 1e3:.1f} ms, {r.health_failures} failed"
    )
    lines.append("  server RSS: " + rss_line(r.rss))
    unexpected = ", ".join(f"{lab}: {code} {n}" for (lab, code), n in s.unexpected.items())
    lines.append(f"  unexpected answers (the client expected another outcome): {unexpected or 'none'}")
    lines.append(
        f"  acknowledged changes tracked: {r.acknowledged:,}; lost or resurrected: "
        f"{len(r.lost_running)} on the running server, {len(r.lost_restarted)} after kill -9 and a "
        f"restart ({r.restart_seconds:.1f} s)"
    )
    lines += [f"  LOST {p}" for p in (r.lost_running + r.lost_restarted)[:10]]
    lines += [f"  e.g. {e}" for e in s.examples[:8]]
    return lines


# ── main ────────────────────────────────────────────────────────────────────────────────────────


def loadavg() -> str:
    try:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "load average unknown"


def run(
    fuzz_requests: int,
    duration: float,
    clients: int,
    seed: int,
    progress: Callable[[str], None] = lambda _: None,
    heavy: Heavy = Heavy(),
) -> tuple[list[str], bool]:
    """Both phases; the report's lines and whether every invariant held."""
    lines: list[str] = []
    ok = True
    with tempfile.TemporaryDirectory(prefix="vpclab-soak-") as tmp:
        workdir = Path(tmp)
        if fuzz_requests > 0:
            progress(f"  fuzz: {fuzz_requests:,} requests ({loadavg()}) …")
            server = start(workdir / "fuzz.sqlite3", workdir / "fuzz.log")
            try:
                f = fuzz(server, fuzz_requests, seed, progress)
            finally:
                stop(server.process)
            lines += fuzz_report(f)
            ok &= not f.failures
        if duration > 0 and clients > 0:
            progress(f"  load: starting ({loadavg()}) …")
            r = load(workdir / "load.sqlite3", workdir / "load.log", clients, duration, seed, progress, heavy)
            lines += load_report(r)
            ok &= not (r.stats.failures or r.lost_running or r.lost_restarted or r.health_failures)
    lines.append(
        f"soak {'passed' if ok else 'FAILED'}: 0 answers ≥ 500, 0 unparseable, 0 unanswered, "
        f"0 lost writes required ({loadavg()} at the end)"
    )
    return lines, ok


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--fuzz-requests", type=int, default=100_000, help="fuzzed requests (default %(default)s; 0: none)"
    )
    p.add_argument(
        "--duration", type=float, default=600.0, help="seconds of mixed load (default %(default)s; 0: none)"
    )
    p.add_argument(
        "--clients", type=int, default=16, help="client threads of the mixed load (default %(default)s)"
    )
    p.add_argument("--seed", type=int, default=8, help="the fuzz generator's and the clients' seed")
    args = p.parse_args(argv)
    print(
        f"Soak — {args.fuzz_requests:,} fuzzed requests, then {args.clients} clients × {args.duration:.0f} s "
        f"of mixed load against `vpclab serve --state FILE` ({loadavg()})",
        flush=True,
    )
    lines, ok = run(
        args.fuzz_requests,
        args.duration,
        args.clients,
        args.seed,
        progress=lambda s: print(s, file=sys.stderr, flush=True),
    )
    print("\n".join(lines), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
