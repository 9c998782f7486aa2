"""Every error of every layer in the protocol's own shape, with a request id (issue 8).

Starlette's 404/405 and RAM's JSON validation, through the in-process app; uvicorn's parser errors
through a live ``vpclab serve`` (tests/api covers the server; here one raw socket request).
"""

from __future__ import annotations

import json

import pytest

from bench.wire_fuzz import auth as _auth
from bench.wire_fuzz import check_answer
from tests.reliability.test_wire_fuzz import _asgi
from vpclab.aws import protocol
from vpclab.aws.server import create_app, open_state
from vpclab.model.sharing import ResourceShare


@pytest.fixture
def app():
    return create_app(open_state(":memory:"))


@pytest.mark.parametrize(("method", "path", "service"), [
    ("PATCH", "/", "ec2"), ("DELETE", "/", "ec2"), ("OPTIONS", "/x", "ec2"), ("HEAD", "/", "ec2"),
    ("GET", "/nope", "ram"), ("OPTIONS", "/createresourceshare", "ram"), ("PATCH", "/", None),
])
def test_unknown_paths_and_methods_answer_the_protocols_error(app, method, path, service):
    """A path or method the endpoint does not serve answers in the caller's protocol: EC2's XML
    ``<Response><Errors>`` (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)
    or RAM's JSON error, never Starlette's text/plain 404/405."""
    headers = _auth(service) if service else {}
    status, hdrs, body = _asgi(app, method, path, headers, b"")
    assert 400 <= status < 500
    op = protocol.operation(service or "ec2", "CreateResourceShare" if service == "ram" else "DescribeVpcs")
    if method != "HEAD":
        assert check_answer(op, status, hdrs, body)["Error"]["Code"]
    assert "text/plain" not in hdrs.get("content-type", "")


@pytest.mark.parametrize("body", [
    {"name": 7},
    {"name": ["a"]},
    {"name": "s", "principals": "111111111111"},
    {"name": "s", "resourceArns": [1, 2]},
    {"name": "s", "tags": {"key": "k"}},
    {"name": "s", "tags": [{"key": "k", "value": 3}]},
    {"name": "s", "tags": [{"key": "k" * 129, "value": "v"}]},
    {"name": "s", "tags": [{"key": "k", "value": "a\x01"}]},
    {"name": "s", "tags": [{"value": "v"}]},
    {"name": "s\ud800"},
    {"name": "s", "allowExternalPrincipals": "yes"},
    {"name": {"a": {"b": [[[]]]}}},
])
def test_ram_inputs_of_the_wrong_type_are_validation_errors(app, body):
    """RAM's model (botocore) lists InvalidParameterException for a bad parameter
    (https://docs.aws.amazon.com/ram/latest/APIReference/API_CreateResourceShare.html): wrongly typed
    or invalid members are answered with it, and nothing is stored."""
    op = protocol.operation("ram", "CreateResourceShare")
    status, hdrs, out = _asgi(app, "POST", "/createresourceshare",
                              {**_auth("ram"), "Content-Type": "application/json"}, json.dumps(body).encode())
    assert status == 400, out
    assert check_answer(op, status, hdrs, out)["Error"]["Code"] == "InvalidParameterException"
    assert not list(app.state.vpclab.world.all(ResourceShare))


def test_deeply_nested_json_is_a_validation_error(app):
    """Nesting deeper than the JSON decoder goes is not valid JSON: InvalidParameterException
    (https://docs.aws.amazon.com/ram/latest/APIReference/CommonErrors.html)."""
    op = protocol.operation("ram", "CreateResourceShare")
    status, hdrs, out = _asgi(app, "POST", "/createresourceshare",
                              {**_auth("ram"), "Content-Type": "application/json"}, b"[" * 100_000)
    assert status == 400
    assert check_answer(op, status, hdrs, out)["Error"]["Code"] == "InvalidParameterException"


def test_a_malformed_http_request_answers_ec2s_error():
    """uvicorn's answer to a request it cannot parse is EC2's XML error, not text/plain
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    import asyncio

    from uvicorn import Config

    from vpclab.aws.server import http_protocol

    app = create_app(open_state(":memory:"))
    config = Config(app, http=http_protocol(), log_level="critical")
    config.load()

    async def talk() -> bytes:
        from uvicorn.server import ServerState

        server = await asyncio.get_running_loop().create_server(
            lambda: config.http_protocol_class(config=config, server_state=ServerState(), app_state={}),
            "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GARBAGE\r\n\r\n")
        data = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        server.close()
        return data

    # asyncio.run in a thread of its own: this worker's thread may already run Playwright's loop
    # (the web tests' session browser), where asyncio.run refuses to start
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        raw = pool.submit(asyncio.run, talk()).result()
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400") and b"text/xml" in head
    op = protocol.operation("ec2", "DescribeVpcs")
    parsed = check_answer(op, 400, {}, body)
    assert parsed["Error"]["Code"] == "InvalidRequest"
