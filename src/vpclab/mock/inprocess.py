"""``vpclab.mock_aws()``: boto3 and botocore answered in-process by a fresh World, no server, no port.

    >>> import boto3, vpclab
    >>> with vpclab.mock_aws() as lab:
    ...     ec2 = boto3.client("ec2", region_name="us-east-1")
    ...     vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]
    ...     vpc["VpcId"] in {v.id for v in lab.world.resources()}
    True

Every request a botocore client sends while a mock is active is handed, before it reaches the
network, to the same ASGI application ``vpclab serve`` runs (``create_app``): the same routing by
signing service, parsers, rules, errors, accounts (a 12-digit access key id is the account) and
Regions. So a test suite written against ``mock_aws()`` runs unchanged against ``vpclab serve``.
Requests for services vpclab does not serve get the endpoint's own error answer, never the real
AWS. The hook is botocore's ``before-send`` event, registered for every botocore session created
after this module is imported (``botocore.handlers.BUILTIN_HANDLERS``) — create clients inside
the ``with`` block or the decorated function, as with moto.

While a mock is active and the environment has no credentials or Region, it supplies
``AWS_ACCESS_KEY_ID`` (the default account, 123456789012), ``AWS_SECRET_ACCESS_KEY`` and
``AWS_DEFAULT_REGION`` (us-east-1), and restores the environment afterwards. Mocks nest: the
innermost one answers.

Why by hand: botocore's ``before-send`` event is the documented way to answer a request without
sending it; the ASGI driver below is the dozen lines that run one request through the app on an
event loop of its own (a thread), as uvicorn does over a socket.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import io
import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlsplit

from ..aws.admin import ServerState
from ..aws.server import adopt_world, create_app, open_state
from ..model.regions import DEFAULT_ACCOUNT, DEFAULT_REGION
from ..model.world import World
from ..network import Network
from ..topology import load as load_topology

__all__ = ["MockAws", "mock_aws"]

P = ParamSpec("P")
R = TypeVar("R")

#: the environment a mock supplies when it is missing (and removes again afterwards)
_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": DEFAULT_ACCOUNT,
    "AWS_SECRET_ACCESS_KEY": "vpclab",
    "AWS_DEFAULT_REGION": DEFAULT_REGION,
}
#: the active mocks, innermost last
_ACTIVE: list[MockAws] = []
_ACTIVE_LOCK = threading.Lock()


class _Raw(io.BytesIO):
    """A response body as botocore reads it (``raw.stream()``)."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        data = self.read()
        while data:
            yield data
            data = self.read()


class MockAws:
    """An in-process AWS endpoint over one World (see the module docs).

    ``world``: start from this World (e.g. ``vpclab.load("net.yaml").world``; its resources join
    the mock's); ``load``: start from a YAML topology file; ``default_vpc``: give each account and
    Region its default VPC on first use, as ``vpclab serve`` does; ``quotas``: ``"lab"`` (the
    default) or ``"aws-default"``, as ``vpclab serve --quotas``.
    """

    def __init__(
        self,
        world: World | None = None,
        *,
        load: str | Path | None = None,
        default_vpc: bool = True,
        seed: int | None = None,
        quotas: str | None = None,
    ) -> None:
        self._seed = seed
        self._quotas = quotas
        self._source = world
        self._load = load
        self._default_vpc = default_vpc
        self._state: ServerState | None = None
        self._network: Network | None = None
        self._app: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._saved_env: dict[str, str | None] = {}
        #: requests answered
        self.requests = 0

    # -- the World -----------------------------------------------------------------------------
    @property
    def world(self) -> World:
        """The World behind the mock (read it, trace it: ``vpclab.Network(mock.world)``)."""
        if self._state is None:
            raise RuntimeError("the mock is not active: use it as `with vpclab.mock_aws() as lab:`")
        return self._state.world

    @property
    def network(self) -> Network:
        """The World as a ``vpclab.Network``: with ``load=``, the YAML file's names work
        (``lab.network.trace("app-web", "db-1", port=5432)``); ids work always."""
        if self._network is None:
            raise RuntimeError("the mock is not active")
        return self._network

    @property
    def state(self) -> ServerState:
        """What the endpoint runs on: the World, its store and its lock (hold ``state.lock``
        while changing the World from Python as requests may be answered meanwhile)."""
        if self._state is None:
            raise RuntimeError("the mock is not active")
        return self._state

    # -- start and stop ------------------------------------------------------------------------
    def start(self) -> MockAws:
        if self._state is not None:
            raise RuntimeError("this mock is already active")
        _install_hook()
        state = open_state(":memory:", seed=self._seed, quotas=self._quotas)
        network = Network(state.world, "<mock_aws>")
        if self._load is not None:
            loaded = load_topology(self._load)
            adopt_world(state, loaded.world, self._load)
            network = dataclasses.replace(loaded, world=state.world)
        elif self._source is not None:
            adopt_world(state, self._source, "<World>")
        self._state, self._network = state, network
        self._app = create_app(state, default_vpc=self._default_vpc)
        loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=loop.run_forever, name="vpclab-mock", daemon=True)
        self._thread.start()
        self._loop = loop
        for name, value in _ENVIRONMENT.items():
            self._saved_env[name] = os.environ.get(name)
            os.environ.setdefault(name, value)
        with _ACTIVE_LOCK:
            _ACTIVE.append(self)
        return self

    def stop(self) -> None:
        with _ACTIVE_LOCK:
            if self in _ACTIVE:
                _ACTIVE.remove(self)
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env.clear()
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            if self._thread is not None:
                self._thread.join(timeout=10)
            self._loop.close()
            self._loop = None
        if self._app is not None:
            self._app.executor.shutdown(wait=True)
            self._app = None
        if self._state is not None:
            self._state.store.close()
            self._state = self._network = None

    def __enter__(self) -> MockAws:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        """As a decorator: a fresh mock (same options) around each call of ``fn``."""

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with MockAws(self._source, load=self._load, default_vpc=self._default_vpc, seed=self._seed,
                         quotas=self._quotas):
                return fn(*args, **kwargs)

        return wrapper

    # -- answering -----------------------------------------------------------------------------
    def handle(
        self, method: str, url: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """One HTTP request through the endpoint: (status, headers, body)."""
        loop = self._loop
        if loop is None:
            raise RuntimeError("the mock is not active")
        future = asyncio.run_coroutine_threadsafe(self._asgi(method, url, headers, body), loop)
        self.requests += 1
        return future.result()

    async def _asgi(
        self, method: str, url: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        parts = urlsplit(url)
        # no browser is involved in-process: the request is the endpoint's own loopback client
        raw = [
            (k.lower().encode("latin-1"), v.encode("latin-1"))
            for k, v in headers
            if k.lower() not in ("host", "content-length")
        ]
        raw += [(b"host", b"localhost"), (b"content-length", str(len(body)).encode())]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method.upper(),
            "scheme": "http",
            "path": parts.path or "/",
            "raw_path": (parts.path or "/").encode(),
            "query_string": parts.query.encode("latin-1"),
            "root_path": "",
            "headers": raw,
            "client": ("127.0.0.1", 0),
            "server": ("localhost", 80),
        }
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        status = 500
        out_headers: list[tuple[str, str]] = []
        chunks: list[bytes] = []

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                out_headers.extend(
                    (k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers", [])
                )
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self._app(scope, receive, send)
        return status, out_headers, b"".join(chunks)


def mock_aws(
    world: World | None = None,
    *,
    load: str | Path | None = None,
    default_vpc: bool = True,
    seed: int | None = None,
    quotas: str | None = None,
) -> MockAws:
    """A context manager (``with mock_aws() as lab:``) and decorator (``@mock_aws()``) that answers
    every botocore request in-process from a fresh World (see the module docs)."""
    return MockAws(world, load=load, default_vpc=default_vpc, seed=seed, quotas=quotas)


# -- the botocore hook -------------------------------------------------------------------------------
_HOOKED = False


def _before_send(request: Any, **_: Any) -> Any:
    """botocore's ``before-send``: the innermost active mock's answer, or None (send for real)."""
    with _ACTIVE_LOCK:
        mock = _ACTIVE[-1] if _ACTIVE else None
    if mock is None:
        return None
    from botocore.awsrequest import AWSResponse

    body = request.body
    if body is None:
        data = b""
    elif isinstance(body, bytes):
        data = body
    elif isinstance(body, str):
        data = body.encode("utf-8")
    else:  # a file-like body
        data = body.read()
    headers = [
        (k, v.decode("latin-1") if isinstance(v, bytes) else str(v)) for k, v in request.headers.items()
    ]
    status, out_headers, out = mock.handle(request.method, request.url, headers, data)
    return AWSResponse(request.url, status, dict(out_headers), _Raw(out))


def _install_hook() -> None:
    """Register ``_before_send`` for every botocore session created from now on, and for boto3's
    default session if it exists already."""
    global _HOOKED
    if _HOOKED:
        return
    from botocore import handlers

    handlers.BUILTIN_HANDLERS.append(("before-send", _before_send))
    boto3 = sys.modules.get("boto3")  # its default session, if a client was made before
    if boto3 is not None and boto3.DEFAULT_SESSION is not None:
        boto3.DEFAULT_SESSION._session.register("before-send", _before_send)
    _HOOKED = True
