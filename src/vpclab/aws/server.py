"""The ASGI app of ``vpclab serve``: the EC2 Query endpoint at ``/``, vpclab's admin routes at ``/_vpclab``.

    state = open_state(":memory:")            # the World, its SQLite store, the one lock
    app = create_app(state, default_vpc=True)
    uvicorn.run(app, host="127.0.0.1", port=4566)

The pipeline of ``vpclab serve`` is ``open_state`` → ``adopt_world`` (``--load``: a YAML network's
World, loaded by the CLI through ``vpclab.topology``) → ``create_app``
→ uvicorn.

Bounded work per request:

- a request body over ``MAX_BODY_BYTES`` (4 MiB) is refused before it is read whole (a declared
  ``Content-Length`` over it is refused unread): HTTP 413 ``RequestEntityTooLarge`` in the
  protocol's error shape. AWS documents no request-size limit for the EC2 Query API; 4 MiB is a
  lab choice, far above what AWS's own limits let a valid request carry (e.g. 50 filters × 200
  values, 16 KB of user data);
- parsing and handling run in worker threads (``REQUEST_THREADS``), off the event loop: the
  World's lock serialises the handlers, while ``/_vpclab/health`` and other clients are answered;
- each request has ``REQUEST_BUDGET`` seconds (20; botocore's read timeout is 60): long loops
  check it cooperatively (``core.budget``) and a request over it is answered EC2's ``Unavailable``
  (503) with the World rolled back to where it was.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from ..control.access_scopes import AccessScopeAnalyser
from ..control.insights import Analyser
from ..core import budget
from ..core.errors import AwsError
from ..model.quotas import mode_of
from ..model.world import World
from ..network.access_scopes import analyse_scope
from ..network.insights import analyse
from . import protocol
from .admin import ADMIN_PREFIX, ServerState, admin_routes
from .durability import CommitLock
from .endpoint import Endpoint, caller_of
from .endpoint import Response as EndpointResponse
from .jsonrpc import CONTENT_TYPE as JSON_CONTENT_TYPE
from .jsonrpc import dispatch as json_dispatch
from .restjson import REST_JSON_SERVICES
from .security import SignatureVerifier, SiteGuard
from .store import SqliteStore, StateFileError, StoreError

log = logging.getLogger("vpclab.aws")

#: the largest request body accepted (bytes): a lab choice, AWS documents none for EC2 (see above)
MAX_BODY_BYTES = 4 * 2**20
#: seconds one request may take, from its body's arrival to its answer (a lab choice)
REQUEST_BUDGET = 20.0
#: worker threads that parse and handle requests (the World's lock serialises the handlers)
REQUEST_THREADS = 4


class _TooLarge(Exception):
    pass


async def _read_body(scope: Scope, receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None if the client went away; ``_TooLarge`` as soon as it is known to
    exceed ``limit`` — from ``Content-Length`` before reading anything, else while reading."""
    for name, value in scope["headers"]:
        if name.lower() == b"content-length":
            try:
                declared = int(value)
            except ValueError:
                declared = 0
            if declared > limit:
                raise _TooLarge(declared)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLarge(size)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _headers(scope: Scope) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in scope["headers"]:
        # the first of repeated headers, as Starlette's Headers.get answers
        headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    return headers


def _too_large(scope: Scope, size: int, limit: int) -> tuple[bytes, bytes, str]:
    """(body, content type, request id) of the 413 answer, in the EC2 Query shape at ``/``, else JSON."""
    error = AwsError("RequestEntityTooLarge",
                     f"Request body of {size} bytes exceeds the limit of {limit} bytes.", status=413)
    request_id = str(uuid.uuid4())
    if scope["path"] == "/" and not _is_json_rpc(_headers(scope)):
        return (protocol.render_error("ec2", error, request_id).encode(), b"text/xml; charset=utf-8",
                request_id)
    body = {"__type": error.code, "message": error.message}
    return json.dumps(body).encode(), b"application/json", request_id


def _is_json_rpc(headers: Mapping[str, str]) -> bool:
    """Whether a request to ``/`` speaks the JSON 1.1 protocol (SSM, Direct Connect): it names its
    operation in ``X-Amz-Target`` (Query requests name it in the form's ``Action``)."""
    return "x-amz-target" in headers


def open_state(path: str | Path, *, seed: int | None = None, quotas: str | None = None) -> ServerState:
    """The World kept in the state file at ``path`` (``:memory:`` for a throwaway one).

    ``quotas`` (``lab``/``aws-default``, model/quotas.py), when given, is the World's quota mode
    from now on, also for a file saved under the other mode; else the file's mode stays.

    The store holds the file's lock until ``state.store.close()``. Raises ``StateFileError`` (its
    subclasses name the reason) if the file cannot be used — also if it cannot be written.
    """
    store = SqliteStore.open(path, group_commit=True)
    try:
        world = store.load(lambda: World(seed=seed))
        if quotas is not None:
            world.settings.quotas = mode_of(quotas)  # saved with the next change
        store.attach(world)
        store.settle()
    except StoreError as exc:
        store.close()
        raise StateFileError(f"cannot write state file {store.path}: {exc.detail}") from exc
    except BaseException:
        store.close()
        raise
    return ServerState(world=world, store=store, lock=CommitLock(store.settle))


def adopt_world(state: ServerState, world: World, source: str | Path) -> int:
    """Start from a loaded network (``source`` names its file): its resources join the World (and
    the state file) in one change.

    Only into an empty state: a state file that already holds resources is kept as it is (the
    file was loaded when it was created) and 0 is returned.
    """
    if len(state.world):
        return 0
    with state.lock, state.world.transaction():
        for res in world.resources():
            state.world.put(res)
    state.loaded_from = str(source)
    return len(world)


#: the code of a request refused by the Host/Origin guard, per protocol (docs/security.md)
REFUSED_CODES = {"ec2": "UnauthorizedOperation", "query": "AccessDenied",
                 "rest-json": "AccessDeniedException", "admin": "AccessDenied"}


def _signed_path(path: str) -> bool:
    """Whether ``--verify-signatures`` checks requests to ``path``: the AWS APIs and the per-account
    analyses route; not health and reset (loopback clients only, docs/security.md)."""
    return not path.startswith(ADMIN_PREFIX + "/") or path.startswith(ADMIN_PREFIX + "/analyses/")


async def _send(send: Send, status: int, body: bytes, content_type: bytes,
                extra: list[tuple[bytes, bytes]] | None = None) -> None:
    headers = [(b"content-length", str(len(body)).encode("latin-1")), (b"content-type", content_type)]
    await send({"type": "http.response.start", "status": status, "headers": headers + (extra or [])})
    await send({"type": "http.response.body", "body": body})


class _QueryApp(Starlette):
    """Starlette, with the EC2 Query requests (``GET``/``POST /``, nearly every request) answered
    straight from the ASGI messages: the same pipeline as the ``query`` route (form = query string
    then body, ``Endpoint.dispatch``, ``text/xml; charset=utf-8``), without Starlette's request,
    routing and middleware objects, which cost about as much as a create's whole handling (bench/api.py).
    Every other request goes through Starlette's routes.

    Every HTTP request first passes the site guard (Host, Origin, Sec-Fetch-Site: a few dict
    lookups) and, with ``--verify-signatures``, its SigV4 signature is checked here too; the
    verified account rides in the ASGI scope (``vpclab.account``) to the Starlette routes.
    """

    endpoint: Endpoint
    executor: ThreadPoolExecutor
    max_body: int = MAX_BODY_BYTES
    budget: float | None = REQUEST_BUDGET
    guard: SiteGuard
    verifier: SignatureVerifier | None

    def handle_query(
        self, query: str, body: bytes, headers: Mapping[str, str], start: float, account: str | None = None
    ) -> EndpointResponse:
        """Parse and dispatch one EC2 Query request (in a worker thread), within the budget."""
        with budget.deadline(self.budget, start=start):
            try:
                form = dict(parse_qsl(query, keep_blank_values=True, errors="strict"))
                form.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict"))
            except UnicodeDecodeError:
                # "Error codes for the Amazon EC2 API": MalformedQueryString, "The query string contains
                # a syntax error" — here bytes that are not UTF-8, raw or percent-encoded (message vpclab's)
                return self.endpoint.error(headers, AwsError(
                    "MalformedQueryString", "The query string is not UTF-8 text (raw or percent-encoded)."))
            return self.endpoint.dispatch(form, headers, account)

    def handle_json(
        self, body: bytes, headers: Mapping[str, str], start: float, account: str | None = None
    ) -> tuple[int, str, dict[str, str]]:
        """Dispatch one JSON 1.1 request (SSM, Direct Connect; in a worker thread), within the budget."""
        caller = caller_of(headers, {})
        with budget.deadline(self.budget, start=start):
            return json_dispatch(self.endpoint, body, headers, account or caller.account_id,
                                 caller.region, caller.service)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        start = time.monotonic()
        headers = _headers(scope)
        path = scope["path"]
        refusal = self.guard.refusal(headers)
        if refusal is not None:
            await self._refuse(send, path, headers, refusal)
            return
        try:
            body = await _read_body(scope, receive, self.max_body)
        except _TooLarge as exc:
            data, content_type, request_id = _too_large(scope, exc.args[0], self.max_body)
            # the rest of the body is never read: the connection closes after the answer
            await send({"type": "http.response.start", "status": 413, "headers": [
                (b"content-length", str(len(data)).encode("latin-1")), (b"content-type", content_type),
                (b"x-amzn-requestid", request_id.encode("latin-1")), (b"connection", b"close")]})
            await send({"type": "http.response.body", "body": data})
            return
        if body is None:
            return
        fast = path == "/" and not scope.get("root_path") and scope["method"] in ("GET", "POST")
        account: str | None = None
        verifier = self.verifier
        if verifier is not None and (fast or _signed_path(path)):
            try:
                raw_path = scope.get("raw_path") or path.encode()
                account = verifier.verify(scope["method"], raw_path.decode("latin-1"),
                                          scope["query_string"].decode("latin-1"), headers, body)
            except AwsError as exc:
                await self._refuse(send, path, headers, exc)
                return
        if fast and scope["method"] == "POST" and _is_json_rpc(headers):
            status, text, extra = await asyncio.get_running_loop().run_in_executor(
                self.executor, self.handle_json, body, headers, start, account)
            await _send(send, status, text.encode("utf-8"), JSON_CONTENT_TYPE.encode(),
                        [(k.lower().encode(), v.encode()) for k, v in extra.items()])
            return
        if not fast:
            scope["vpclab.account"] = account
            await super().__call__(scope, _replay(body, receive), send)
            return
        result = await asyncio.get_running_loop().run_in_executor(
            self.executor, self.handle_query, scope["query_string"].decode("latin-1"), body, headers,
            start, account,
        )
        await _send(send, result.status, result.body.encode("utf-8"), b"text/xml; charset=utf-8",
                    result.headers)

    async def _refuse(self, send: Send, path: str, headers: dict[str, str], reason: str | AwsError) -> None:
        """An error in the shape of the route's protocol: EC2/STS XML at ``/``, the admin routes' JSON,
        REST-JSON's ``{"__type", "message"}`` elsewhere."""
        kind = ("admin" if path.startswith(ADMIN_PREFIX + "/") else
                "rest-json" if path != "/" or _is_json_rpc(headers) else self.endpoint.protocol_for(headers))
        exc = reason if isinstance(reason, AwsError) else AwsError(REFUSED_CODES[kind], reason, status=403)
        if kind == "admin":
            body = json.dumps({"status": "forbidden", "code": exc.code, "message": exc.message}).encode()
            await _send(send, exc.status, body, b"application/json")
        elif kind == "rest-json":
            body = json.dumps({"__type": exc.code, "message": exc.message}).encode()
            extra = [(b"x-amzn-errortype", exc.code.encode()),
                     (b"x-amzn-requestid", str(uuid.uuid4()).encode())]
            await _send(send, exc.status, body, b"application/json", extra)
        else:
            result = self.endpoint.error(headers, exc)
            await _send(send, result.status, result.body.encode("utf-8"), b"text/xml; charset=utf-8",
                        result.headers)



def _wants_json(headers: Any) -> bool:
    """Whether a request is for a REST-JSON service (RAM): signed for one, or sending JSON."""
    caller = caller_of(headers, {})
    if caller.service is not None:
        return caller.service in REST_JSON_SERVICES
    return "json" in headers.get("content-type", "")


def error_response(headers: Any, status: int, code: str, message: str) -> Response:
    """An error in the protocol the request speaks, with a request id: RAM's JSON
    (``{"__type", "message"}`` + ``x-amzn-ErrorType``) or EC2's XML ``<Response><Errors>``."""
    request_id = str(uuid.uuid4())
    if _wants_json(headers):
        return Response(json.dumps({"__type": code, "message": message}), status_code=status,
                        media_type="application/json",
                        headers={"x-amzn-ErrorType": code, "x-amzn-RequestId": request_id})
    body = protocol.render_error("ec2", AwsError(code, message, status=status), request_id)
    return Response(body, status_code=status, media_type="text/xml", headers={"x-amzn-RequestId": request_id})


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's 404/405 (and any other HTTPException) in the protocol's own error shape, not
    text/plain. AWS's codes for a path or method its endpoint does not serve are undocumented:
    InvalidAction (404) and InvalidRequest (405) are the Query API's common errors closest to them."""
    status = exc.status_code if isinstance(exc, HTTPException) else 400
    path = request.url.path
    if path.startswith(ADMIN_PREFIX):  # vpclab's own routes answer vpclab's JSON
        return Response(json.dumps({"status": "error", "error": f"{request.method} {path}: {status}"}),
                        status_code=status, media_type="application/json")
    if status == 405:
        return error_response(request.headers, 405, "InvalidRequest",
                              f"The HTTP method {request.method} is not supported for {path}.")
    return error_response(request.headers, status, "InvalidAction",
                          f"No operation is served at {request.method} {path}.")


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the already-read body once, then waits on the real one (disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _store_error(request: Request, exc: Exception) -> Response:
    """A state file that cannot be synced while a route waits for it (``aws/durability.py``):
    503, which clients retry, in vpclab's JSON on its own routes (the AWS APIs answer it in
    their protocols' shapes themselves)."""
    return Response(json.dumps({"status": "error", "code": "InternalError", "message": str(exc)}),
                    status_code=503, media_type="application/json")


def create_app(
    state: ServerState, *, default_vpc: bool = True, analyser: Analyser = analyse,
    access_analyser: AccessScopeAnalyser = analyse_scope,
    allowed_hosts: Iterable[str] = (), verifier: SignatureVerifier | None = None,
) -> Starlette:
    """The endpoint over ``state``; network insights analyses run ``analyser`` (vpclab's tracer).

    Requests for host names other than loopback's and ``allowed_hosts`` are refused, and so are
    cross-site browser requests; with a ``verifier`` every API request must be signed by one of its
    keys (docs/security.md).
    """
    endpoint = Endpoint(state.world, default_vpc=default_vpc, lock=state.lock, analyser=analyser,
                        access_analyser=access_analyser)
    state.after_reset.append(endpoint.forget_accounts)

    async def query(request: Request) -> Response:
        # (only under a root path: _QueryApp answers ``/`` itself) parsed and handled off the loop
        result = await run_in_threadpool(
            app.handle_query, request.url.query, await request.body(), request.headers, time.monotonic(),
            request.scope.get("vpclab.account"))
        return Response(result.body, status_code=result.status, media_type="text/xml",
                        headers={"x-amzn-RequestId": result.request_id})

    async def rest_json(request: Request) -> Response:
        # REST-JSON services (RAM): the SigV4 credential scope names the service
        from .restjson import dispatch, routes

        caller = caller_of(request.headers, dict(request.query_params))
        service = caller.service if caller.service in REST_JSON_SERVICES else "ram"
        if not _wants_json(request.headers) and (
            caller.service is not None
            or (request.method.upper(), request.url.path.rstrip("/") or "/") not in routes(service)
        ):
            # signed for a Query service (EC2, STS, ELB), or unsigned and no RAM operation:
            # EC2's envelope, as at "/"
            return error_response(request.headers, 404, "InvalidAction",
                                  f"No operation is served at {request.method} {request.url.path}.")
        status, body, headers = await run_in_threadpool(
            dispatch,
            endpoint,
            service,
            request.method,
            request.url.path,
            await request.body(),
            dict(request.query_params),
            request.headers,
            request.scope.get("vpclab.account") or caller.account_id,
            caller.region,
        )
        return Response(body, status_code=status, media_type="application/json", headers=headers)

    routes = [
        *admin_routes(lambda: state),
        Route("/", query, methods=["GET", "POST"]),
        Route("/{path:path}", rest_json, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
    ]
    app = _QueryApp(routes=routes, exception_handlers={404: _http_error, 405: _http_error,
                                                   StoreError: _store_error})
    app.endpoint = endpoint
    app.executor = ThreadPoolExecutor(REQUEST_THREADS, thread_name_prefix="vpclab-request")
    app.guard = SiteGuard(allowed_hosts)
    app.verifier = verifier
    app.state.vpclab = state
    app.state.endpoint = endpoint
    return app


def _bad_request(msg: str) -> tuple[bytes, bytes]:
    """(body, request id) of the answer to a request uvicorn could not parse."""
    error = AwsError("InvalidRequest", f"The request received was invalid: {msg}")
    request_id = str(uuid.uuid4())
    return protocol.render_error("ec2", error, request_id).encode("utf-8"), request_id.encode("latin-1")


def http_protocol() -> type:
    """uvicorn's HTTP/1.1 protocol — httptools' C parser where it is installed (twice h11's
    requests/s, bench/api.py), else h11 — answering a request it cannot parse (a bad request line,
    header or body framing: uvicorn's ``Invalid HTTP request received.``, text/plain) with EC2's XML
    error shape and a request id instead, so every answer of the endpoint is one botocore parses.
    Pass it as ``uvicorn.run(app, http=http_protocol())``.

    The request was not understood, so its service is unknown: EC2's envelope (the endpoint's main
    service). AWS's code for an unparsable HTTP request is undocumented; the Query API's common
    error ``InvalidRequest`` is the closest."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:  # httptools not installed
        return _h11_protocol()

    class QueryErrorHttpToolsProtocol(HttpToolsProtocol):
        def send_400_response(self, msg: str) -> None:
            body, request_id = _bad_request(msg)
            self.transport.write(b"".join([
                b"HTTP/1.1 400 Bad Request\r\n",
                b"content-type: text/xml; charset=utf-8\r\n",
                b"x-amzn-requestid: " + request_id + b"\r\n",
                b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
                b"connection: close\r\n\r\n",
                body,
            ]))
            self.transport.close()

    return QueryErrorHttpToolsProtocol


def _h11_protocol() -> type:
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class QueryErrorH11Protocol(H11Protocol):
        def send_400_response(self, msg: str) -> None:
            body, request_id = _bad_request(msg)
            headers = [
                (b"content-type", b"text/xml; charset=utf-8"),
                (b"x-amzn-requestid", request_id),
                (b"content-length", str(len(body)).encode("ascii")),
                (b"connection", b"close"),
            ]
            try:
                start = h11.Response(status_code=400, headers=headers, reason=b"Bad Request")
                self.transport.write(self.conn.send(start))
                self.transport.write(self.conn.send(h11.Data(data=body)))
                self.transport.write(self.conn.send(h11.EndOfMessage()))
            except h11.LocalProtocolError:  # a response had begun: nothing more can be said
                pass
            self.transport.close()

    return QueryErrorH11Protocol
