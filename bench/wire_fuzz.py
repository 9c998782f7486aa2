"""Requests derived from botocore's input shapes, and the check that every answer is well-formed.

Shared by the wire-fuzz test (``tests/reliability/test_wire_fuzz.py``: 20,000 requests to the
in-process ASGI app) and the soak (``bench/soak.py``: ≥ 100,000 over HTTP to a ``vpclab serve``
with a durable state file).

For every operation vpclab serves (EC2, STS, ELBv2 over the Query protocols; RAM over REST-JSON;
SSM and Direct Connect over JSON 1.1):
random strings (control characters, lone surrogates, other Unicode, very long), wrong types, huge
numbers, missing and unknown members, bad list indices. Each answer must be < 500 and parse with
botocore's own response parser for its protocol (``botocore.parsers.create_parser``), with a code
and a request id on every error, and never vpclab's answer to an internal exception.

The generator is seeded: a failure names the seed, operation and request to replay. Work-bounding
cases (a RunInstances MaxCount of a million, 8,000 filters) belong to the bounded-work tests;
counts stay small here.
"""

from __future__ import annotations

import json
import random
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape
from botocore.parsers import create_parser

from vpclab.aws import protocol
from vpclab.aws.jsonrpc import JSON_SERVICES
from vpclab.aws.registry import HANDLERS

#: a fresh World every this many requests (keeps describes cheap as creates succeed)
RESET_EVERY = 400
SIGNING = {"ec2": "ec2", "sts": "sts", "elbv2": "elasticloadbalancing", "ram": "ram", "ssm": "ssm",
           "directconnect": "directconnect"}
#: the message of the endpoints' answer to an exception in vpclab itself (a bug, logged with its traceback)
INTERNAL_MESSAGE = "The request received was invalid."

_NASTY = [
    "",
    " ",
    "\x00",
    "a\x01b",
    "\x1f",
    "\x7f",
    "\ud800",
    "x\udfff",
    "\ufffe",
    "\uffff",
    "\r\n",
    "\t",
    "é",
    "日本語",
    "🙂",
    "<x>&amp;</x>",
    "]]>",
    "'\"",
    "%00",
    "aws:x",
    "a" * 129,
    "b" * 257,
    "c" * 2000,
    "-1",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "true",
    "null",
    "[]",
    "{}",
]
_PLAUSIBLE = [
    "10.0.0.0/16",
    "10.0.1.0/24",
    "0.0.0.0/0",
    "192.168.0.0/28",
    "10.0.0.5",
    "us-east-1a",
    "tcp",
    "-1",
    "vpc",
    "subnet",
    "Name",
    "default",
    "ipsec.1",
    "ami-12345678",
    "t3.micro",
    "123456789012",
]
#: resource ids in an answer (later requests name real resources)
ID = re.compile(r"\b[a-z]{2,8}(?:-[a-z]{2,6})?-[0-9a-f]{8,17}\b")


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
        return "".join(
            chr(self.rng.choice([self.rng.randrange(0, 0x80), self.rng.randrange(0, 0x110000)]))
            for _ in range(self.rng.randrange(0, 12))
        )  # any code point, surrogates too

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
        return self.rng.choice(
            [
                "x",
                7,
                -1,
                10**30,
                1.5,
                True,
                None,
                [],
                ["a", 1],
                {},
                {"a": [{"b": {}}]},
                [[[[[]]]]],
                "\ud800",
                "a\x00",
            ]
        )

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
            form[
                self.rng.choice(
                    [
                        "Bogus",
                        "Filter.0.Name",
                        "Filter.x.Name",
                        "TagSpecification.1.Tag.-1.Key",
                        "MaxResults.1",
                        "A\x01",
                        "\ud800",
                    ]
                )
            ] = "1"
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

    def learn(self, status: int, answer: bytes) -> None:
        """Remember a few ids of a successful answer (up to 200)."""
        if status < 300 and len(self.ids) < 200:
            self.ids.extend(ID.findall(answer.decode("utf-8", "replace"))[:5])


@dataclass(frozen=True)
class Request:
    """One fuzzed HTTP request, and the operation whose output shape its answer must parse as."""

    service: str
    op: OperationModel
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


def auth(service: str, account: str = "111111111111") -> dict[str, str]:
    return {
        "Authorization": f"AWS4-HMAC-SHA256 Credential={account}/20260101/us-east-1/"
        f"{SIGNING[service]}/aws4_request, SignedHeaders=host, Signature=0"
    }


def operations() -> list[tuple[str, OperationModel]]:
    """Every (service, operation) vpclab serves, in a stable order."""
    found = [(s, protocol.operation(s, a)) for (s, a) in HANDLERS]
    return sorted(((s, op) for s, op in found if op is not None), key=lambda so: (so[0], so[1].name))


def next_request(fuzz: Fuzzer, ops: list[tuple[str, OperationModel]]) -> Request:
    """A random operation and a fuzzed request for it (3% of RAM's bodies: JSON nested 1,600 deep)."""
    rng = fuzz.rng
    service, op = rng.choice(ops)
    if service in JSON_SERVICES:
        target = f"{op.service_model.metadata['targetPrefix']}.{op.name}"
        body = json.dumps(fuzz.json_body(op)).encode() if rng.random() > 0.03 else b'{"a": [[[[' * 400
        headers = {**auth(service), "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target}
        return Request(service, op, "POST", "/", headers, body)
    if op.metadata["protocol"] == "rest-json":
        http = op.http
        body = json.dumps(fuzz.json_body(op)).encode() if rng.random() > 0.03 else b'{"a": [[[[' * 400
        return Request(
            service,
            op,
            http["method"],
            http["requestUri"].split("?")[0],
            {**auth(service), "Content-Type": "application/json"},
            body,
        )
    form = fuzz.query_form(op)
    encoded = urlencode(form, encoding="utf-8", errors="surrogatepass").encode("latin-1")
    return Request(
        service,
        op,
        "POST",
        "/",
        {**auth(service), "Content-Type": "application/x-www-form-urlencoded"},
        encoded,
    )


class BadAnswer(AssertionError):
    """An answer that breaks the contract; ``kind`` is ``5xx``, ``unparseable`` or ``error-shape``."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


_PARSERS: dict[str, Any] = {}


def check_answer(op: OperationModel, status: int, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """< 500, parsed by botocore's parser for the protocol, a code and request id on errors, no
    internal error; the parsed answer, or ``BadAnswer``."""
    if status >= 500:
        raise BadAnswer("5xx", f"{op.name}: HTTP {status}: {body[:300]!r}")
    # Direct Connect's model lists CBOR first; vpclab (and botocore's choice here) speak JSON 1.1
    proto = "json" if op.service_model.service_name in JSON_SERVICES else op.metadata["protocol"]
    try:
        if proto in ("ec2", "query"):
            ET.fromstring(body)  # well-formed XML (botocore's parser would say the same, less precisely)
        else:
            json.loads(body)
        parser = _PARSERS.setdefault(proto, create_parser(proto))
        parsed: dict[str, Any] = parser.parse(
            {"body": body, "headers": headers, "status_code": status}, op.output_shape
        )
    except Exception as exc:
        raise BadAnswer("unparseable", f"{op.name}: HTTP {status}: {exc!r}: {body[:300]!r}") from exc
    if status >= 300:
        if not parsed.get("Error", {}).get("Code"):
            raise BadAnswer("error-shape", f"{op.name}: error without a code: {body[:300]!r}")
        if not parsed["ResponseMetadata"].get("RequestId"):
            raise BadAnswer("error-shape", f"{op.name}: error without a request id: {body[:300]!r}")
        if parsed["Error"].get("Message") == INTERNAL_MESSAGE:
            raise BadAnswer("internal", f"{op.name}: an internal error: {body[:300]!r}")
    return parsed


def seeded(seed: int) -> tuple[Fuzzer, list[tuple[str, OperationModel]]]:
    return Fuzzer(random.Random(seed)), operations()
