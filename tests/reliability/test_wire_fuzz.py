"""Every answer well-formed, in the protocol's own shape (issue 8, "Malformed answers").

Requests are generated from botocore's own input shapes for every operation vpclab serves (EC2,
STS, ELBv2 over the Query protocols; RAM over REST-JSON; SSM and Direct Connect over JSON 1.1) by
``bench/wire_fuzz.py`` (shared with the
soak of ``make bench``, bench/soak.py): random strings (control characters, lone surrogates, other
Unicode, very long), wrong types, huge numbers, missing and unknown members, bad list indices. Each
is sent to the in-process ASGI app (the same ``create_app`` that ``vpclab serve`` runs, called with
ASGI messages directly: no sockets, no client library), and each answer must be < 500 and parse
with botocore's own response parser for its protocol (``botocore.parsers.create_parser``), with a
request id on every error.

The generator is seeded: a failure names the seed, operation and request to replay. Work-bounding
cases (a RunInstances MaxCount of a million, 8,000 filters) belong to the bounded-work tests;
here counts stay small so the run is bounded.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from typing import Any
from urllib.parse import urlencode

import pytest

from bench.wire_fuzz import RESET_EVERY, auth, check_answer, next_request, seeded
from vpclab.aws import protocol
from vpclab.aws.server import create_app, open_state

#: requests of the fuzz run (``make test``); VPCLAB_FUZZ_REQUESTS overrides it (the soak of
#: ``make bench``, bench/soak.py, sends ≥ 100,000 of the same requests to a real server over HTTP)
REQUESTS = int(os.environ.get("VPCLAB_FUZZ_REQUESTS", "20000"))


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

    asyncio.run_coroutine_threadsafe(app(scope, receive, send), _LOOP).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    out = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    hdrs = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start.get("headers", [])}
    return start["status"], hdrs, out


#: the app's event loop, in a thread of its own: the test's thread may already run one (Playwright's
#: sync API keeps a loop running in the thread that started it, and under pytest-xdist a worker may
#: run the web page's tests first)
_LOOP = asyncio.new_event_loop()
threading.Thread(target=_LOOP.run_forever, daemon=True, name="wire-fuzz-loop").start()


def _run(seed: int, count: int) -> dict[str, int]:
    fuzz, ops = seeded(seed)
    stats = {"requests": 0, "ok": 0, "errors": 0}
    app = None
    for n in range(count):
        if n % RESET_EVERY == 0:
            app = create_app(open_state(":memory:", seed=seed + n))
            fuzz.ids.clear()
        req = next_request(fuzz, ops)
        status, headers, out = _asgi(app, req.method, req.path, req.headers, req.body)
        try:
            check_answer(req.op, status, headers, out)
        except AssertionError as exc:
            raise AssertionError(f"seed {seed}, request {n}, {req.service}:{req.op.name}: {exc}") from exc
        stats["requests"] += 1
        stats["ok" if status < 300 else "errors"] += 1
        fuzz.learn(status, out)
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
    headers = {**auth("ec2"), "Content-Type": "application/x-www-form-urlencoded"}
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
