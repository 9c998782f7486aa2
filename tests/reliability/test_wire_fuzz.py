"""Every answer well-formed, in the protocol's own shape (issue 8, "Malformed answers").

Requests are generated from botocore's own input shapes for every operation vpclab serves (EC2,
STS, ELBv2 over the Query protocols; RAM over REST-JSON): random strings (control characters,
lone surrogates, other Unicode, very long), wrong types, huge numbers, missing and unknown
members, bad list indices. Each is sent to the in-process ASGI app (the same ``create_app`` that
``vpclab serve`` runs, called with ASGI messages directly: no sockets, no client library), and each
answer must be < 500 and parse with botocore's own response parser for its protocol
(``botocore.parsers.create_parser``), with a request id on every error.

The generator is seeded: a failure names the seed, operation and request to replay. Work-bounding
cases (a RunInstances MaxCount of a million, 8,000 filters) belong to the bounded-work tests;
here counts stay small so the run is bounded.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import urlencode

import pytest
from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape
from botocore.parsers import create_parser

from vpclab.aws import protocol
from vpclab.aws.registry import HANDLERS
from vpclab.aws.server import create_app, open_state

#: requests of the fuzz run (``make test``); VPCLAB_FUZZ_REQUESTS overrides (the soak in make bench)
REQUESTS = int(os.environ.get("VPCLAB_FUZZ_REQUESTS", "20000"))
#: a fresh World every this many requests (keeps describes cheap as creates succeed)
RESET_EVERY = 400
SIGNING = {"ec2": "ec2", "sts": "sts", "elbv2": "elasticloadbalancing", "ram": "ram"}

_NASTY = [
    "", " ", "\x00", "a\x01b", "\x1f", "\x7f", "\ud800", "x\udfff", "\ufffe", "\uffff", "\r\n", "\t",
    "é", "日本語", "🙂", "<x>&amp;</x>", "]]>", "'\"", "%00", "aws:x", "a" * 129, "b" * 257, "c" * 2000,
    "-1", "99999999999999999999999", "1e309", "NaN", "true", "null", "[]", "{}",
]
_PLAUSIBLE = [
    "10.0.0.0/16", "10.0.1.0/24", "0.0.0.0/0", "192.168.0.0/28", "10.0.0.5", "us-east-1a", "tcp", "-1",
    "vpc", "subnet", "Name", "default", "ipsec.1", "ami-12345678", "t3.micro", "123456789012",
]


class Fuzzer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ids: list[str] = []  # ids seen in answers: later requests name real resources

    # -- values ------------------------------------------------------------------------------
    def string(self, shape: Shape) -> str:
        r = self.rng.random()
        enum = getattr(shape, "enum", None)
        if enum and r < 0.5:
            return self.rng.choice(enum)
        if self.ids and r < 0.7:
            return self.rng.choice(self.ids)
        if r < 0.85:
            return self.rng.choice(_PLAUSIBLE)
        if r < 0.95:
            return self.rng.choice(_NASTY)
        return "".join(chr(self.rng.choice([self.rng.randrange(0, 0x80), self.rng.randrange(0, 0x110000)]))
                       for _ in range(self.rng.randrange(0, 12)))  # any code point, surrogates too

    def scalar(self, shape: Shape, name: str) -> Any:
        kind = shape.type_name
        if kind == "string":
            return self.string(shape)
        if kind in ("integer", "long"):
            if "Count" in name:  # bounded work is another test's subject
                return self.rng.choice([0, 1, 2, -1])
            return self.rng.choice([0, 1, 5, 16, 24, 443, 65535, -1, 2**31, 10**20, -(10**20)])
        if kind == "boolean":
            return self.rng.random() < 0.5
        if kind in ("float", "double"):
            return self.rng.choice([0.5, -1.0, 1e308])
        if kind == "timestamp":
            return self.rng.choice(["2026-01-01T00:00:00Z", "yesterday", 0])
        return self.string(shape)

    def value(self, shape: Shape, name: str, depth: int = 0) -> Any:
        if isinstance(shape, StructureShape):
            if depth > 6:
                return {}
            out = {}
            for member, mshape in shape.members.items():
                required = member in shape.required_members
                if (required and self.rng.random() < 0.95) or self.rng.random() < 0.3:
                    out[member] = self.value(mshape, member, depth + 1)
            return out
        if isinstance(shape, ListShape):
            sizes = [0, 1, 1, 2, 3]
            return [self.value(shape.member, name, depth + 1) for _ in range(self.rng.choice(sizes))]
        if isinstance(shape, MapShape):
            return {self.string(shape.key): self.value(shape.value, name, depth + 1) for _ in range(2)}
        return self.scalar(shape, name)

    def wrong(self) -> Any:
        """A value of a random JSON type (for RAM: probably the wrong one)."""
        return self.rng.choice(["x", 7, -1, 10**30, 1.5, True, None, [], ["a", 1], {}, {"a": [{"b": {}}]},
                                [[[[[]]]]], "\ud800", "a\x00"])

    # -- requests ----------------------------------------------------------------------------
    def query_form(self, op: OperationModel) -> dict[str, str]:
        form = {"Action": op.name, "Version": op.service_model.api_version}
        proto = op.metadata["protocol"]
        if op.input_shape is not None:
            self._flatten(op.input_shape, self.value(op.input_shape, op.name), "", form, proto)
        r = self.rng.random()
        keys = [k for k in form if k not in ("Action", "Version")]
        if r < 0.1 and keys:  # a member dropped
            del form[self.rng.choice(keys)]
        elif r < 0.2 and keys:  # a wrong type: text where a number, list or structure is
            form[self.rng.choice(keys)] = self.rng.choice(_NASTY)
        elif r < 0.25:
            form[self.rng.choice(["Bogus", "Filter.0.Name", "Filter.x.Name", "TagSpecification.1.Tag.-1.Key",
                                  "MaxResults.1", "A\x01", "\ud800"])] = "1"
        elif r < 0.28:
            form["Action"] = self.rng.choice(["", "NoSuchAction", "createvpc", "Create\x00Vpc"])
        return form

    def _flatten(self, shape: Shape, value: Any, prefix: str, form: dict[str, str], proto: str) -> None:
        if isinstance(shape, StructureShape) and isinstance(value, dict):
            for member, item in value.items():
                mshape = shape.members[member]
                self._flatten(mshape, item, prefix + protocol.wire_name(member, mshape, proto), form, proto)
            return
        if isinstance(shape, ListShape) and isinstance(value, list):
            base = prefix if proto == "ec2" else f"{prefix}.member"
            for i, item in enumerate(value, 1):
                self._flatten(shape.member, item, f"{base}.{i}", form, proto)
            return
        if isinstance(shape, MapShape) and isinstance(value, dict):
            for i, (k, v) in enumerate(value.items(), 1):
                form[f"{prefix}.entry.{i}.key"] = str(k)
                self._flatten(shape.value, v, f"{prefix}.entry.{i}.value", form, proto)
            return
        if isinstance(shape, StructureShape):
            return
        form[prefix] = ("true" if value else "false") if isinstance(value, bool) else str(value)

    def json_body(self, op: OperationModel) -> dict[str, Any]:
        body = self.value(op.input_shape, op.name) if op.input_shape is not None else {}
        r = self.rng.random()
        if r < 0.35 and body:  # a member of a wrong type
            body[self.rng.choice(list(body))] = self.wrong()
        elif r < 0.5 and op.input_shape is not None:
            body[self.rng.choice(list(op.input_shape.members) or ["x"])] = self.wrong()
        elif r < 0.55:
            body["unknownMember"] = self.wrong()
        return body


# -- the in-process app ------------------------------------------------------------------------
def _asgi(app: Any, method: str, path: str, headers: dict[str, str], body: bytes,
          query: str = "") -> tuple[int, dict[str, str], bytes]:
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": query.encode("latin-1"), "server": ("127.0.0.1", 4566), "client": ("127.0.0.1", 5000),
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
    }
    sent: list[dict[str, Any]] = []
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    _LOOP.run_until_complete(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    out = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    hdrs = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start.get("headers", [])}
    return start["status"], hdrs, out


_LOOP = asyncio.new_event_loop()


def _auth(service: str) -> dict[str, str]:
    return {"Authorization": f"AWS4-HMAC-SHA256 Credential=111111111111/20260101/us-east-1/"
                             f"{SIGNING[service]}/aws4_request, SignedHeaders=host, Signature=0"}


_PARSERS: dict[str, Any] = {}


def check_answer(op: OperationModel, status: int, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """< 500, parsed by botocore's parser for the protocol, a request id on errors."""
    assert status < 500, f"{op.name}: HTTP {status}: {body[:300]!r}"
    proto = op.metadata["protocol"]
    if proto in ("ec2", "query"):
        ET.fromstring(body)  # well-formed XML (botocore's parser would say the same, less precisely)
    else:
        json.loads(body)
    parser = _PARSERS.setdefault(proto, create_parser(proto))
    parsed = parser.parse({"body": body, "headers": headers, "status_code": status}, op.output_shape)
    if status >= 300:
        assert parsed.get("Error", {}).get("Code"), f"{op.name}: error without a code: {body[:300]!r}"
        assert parsed["ResponseMetadata"].get("RequestId"), f"{op.name}: error without a request id"
        # the endpoints' answer to an exception in vpclab itself (a bug, logged with its traceback)
        assert parsed["Error"].get("Message") != "The request received was invalid.", (
            f"{op.name}: an internal error: {body[:300]!r}")
    return parsed


def _operations() -> list[tuple[str, OperationModel]]:
    found = [(s, protocol.operation(s, a)) for (s, a) in HANDLERS]
    return sorted(((s, op) for s, op in found if op is not None), key=lambda so: (so[0], so[1].name))


_ID = __import__("re").compile(r"\b[a-z]{2,8}(?:-[a-z]{2,6})?-[0-9a-f]{8,17}\b")


def _run(seed: int, count: int) -> dict[str, int]:
    rng = random.Random(seed)
    fuzz = Fuzzer(rng)
    ops = _operations()
    stats = {"requests": 0, "ok": 0, "errors": 0}
    app = None
    for n in range(count):
        if n % RESET_EVERY == 0:
            app = create_app(open_state(":memory:", seed=seed + n))
            fuzz.ids.clear()
        service, op = rng.choice(ops)
        if op.metadata["protocol"] == "rest-json":
            http = op.http
            body = json.dumps(fuzz.json_body(op)).encode() if rng.random() > 0.03 else b'{"a": [[[[' * 400
            status, headers, out = _asgi(app, http["method"], http["requestUri"].split("?")[0], {
                **_auth(service), "Content-Type": "application/json"}, body)
        else:
            form = fuzz.query_form(op)
            encoded = urlencode(form, encoding="utf-8", errors="surrogatepass").encode("latin-1")
            status, headers, out = _asgi(app, "POST", "/", {
                **_auth(service), "Content-Type": "application/x-www-form-urlencoded"}, encoded)
        try:
            check_answer(op, status, headers, out)
        except Exception as exc:
            raise AssertionError(f"seed {seed}, request {n}, {service}:{op.name}: {exc}") from exc
        stats["requests"] += 1
        stats["ok" if status < 300 else "errors"] += 1
        if status < 300 and len(fuzz.ids) < 200:
            fuzz.ids.extend(_ID.findall(out.decode("utf-8", "replace"))[:5])
    return stats


@pytest.mark.slow
def test_fuzzed_requests_get_well_formed_answers() -> None:
    """≥ 20,000 requests from botocore's input shapes: 0 answers ≥ 500, 0 that botocore cannot parse."""
    start = time.perf_counter()
    stats = _run(seed=int(os.environ.get("VPCLAB_FUZZ_SEED", "8")), count=REQUESTS)
    took = time.perf_counter() - start
    print(f"\nwire fuzz: {stats['requests']} requests ({stats['ok']} succeeded, "
          f"{stats['errors']} AWS errors) in {took:.1f} s, 0 answers >= 500, 0 unparseable")
    assert stats["requests"] == REQUESTS


def test_a_short_fuzz_run() -> None:
    """The same generator, a few hundred requests (runs in every quick `pytest -m 'not slow'`)."""
    assert _run(seed=1, count=300)["requests"] == 300


def test_a_refused_control_character_tag_leaves_describes_parseable() -> None:
    """After CreateTags with a value holding ``\\x01`` is refused, DescribeVpcs still parses (the probe
    found every later DescribeVpcs of the account failing in boto3). AWS "Tag restrictions"
    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions)."""
    app = create_app(open_state(":memory:"))
    describe = protocol.operation("ec2", "DescribeVpcs")
    create_tags = protocol.operation("ec2", "CreateTags")
    headers = {**_auth("ec2"), "Content-Type": "application/x-www-form-urlencoded"}
    _, _, out = _asgi(app, "POST", "/", headers, b"Action=DescribeVpcs&Version=2016-11-15")
    vpc_id = check_answer(describe, 200, {}, out)["Vpcs"][0]["VpcId"]
    for extra in ({"Tag.1.Key": "k", "Tag.1.Value": "a\x01b"}, {"Tag.1.Key": "k\x01", "Tag.1.Value": "v"}):
        form = {"Action": "CreateTags", "Version": "2016-11-15", "ResourceId.1": vpc_id, **extra}
        status, hdrs, out = _asgi(app, "POST", "/", headers, urlencode(form).encode())
        assert status == 400
        assert check_answer(create_tags, status, hdrs, out)["Error"]["Code"] == "InvalidParameterValue"
    status, hdrs, out = _asgi(app, "POST", "/", headers, b"Action=DescribeVpcs&Version=2016-11-15")
    assert status == 200 and check_answer(describe, status, hdrs, out)["Vpcs"][0].get("Tags") is None


def test_xml_writer_never_emits_what_xml_cannot_carry() -> None:
    """Whatever reaches the writer (here, a tag set behind the ControlPlane's back), the answer is
    well-formed XML: characters XML 1.0 cannot carry become U+FFFD (https://www.w3.org/TR/xml/#charsets)."""
    op = protocol.operation("ec2", "DescribeTags")
    text = protocol.render_result(op, {"Tags": [{"Key": "k\x01", "Value": "\ud800<&>\r\x1f\ufffe"}]}, "r")
    parsed = check_answer(op, 200, {}, text.encode("utf-8"))
    assert parsed["Tags"][0] == {"Key": "k\ufffd", "Value": "\ufffd<&>\r\ufffd\ufffd"}
