"""The ASGI app of ``vpclab serve``: the EC2 Query endpoint at ``/``, vpclab's admin routes at ``/_vpclab``.

    state = open_state(":memory:")            # the World, its SQLite store, the one lock
    app = create_app(state, default_vpc=True)
    uvicorn.run(app, host="127.0.0.1", port=4566)

The pipeline of ``vpclab serve`` is ``open_state`` → ``adopt_world`` (``--load``: a YAML network's
World, loaded by the CLI through ``vpclab.topology``) → ``create_app``
→ uvicorn.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from ..control.insights import Analyser
from ..core.errors import AwsError
from ..model.world import World
from ..network.insights import analyse
from .admin import ADMIN_PREFIX, ServerState, admin_routes
from .endpoint import Endpoint
from .security import SignatureVerifier, SiteGuard
from .store import SqliteStore

log = logging.getLogger("vpclab.aws")


def open_state(path: str | Path, *, seed: int | None = None) -> ServerState:
    """The World kept in the state file at ``path`` (``:memory:`` for a throwaway one)."""
    store = SqliteStore.open(path)
    world = store.load(lambda: World(seed=seed))
    store.attach(world)
    return ServerState(world=world, store=store)


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
    guard: SiteGuard
    verifier: SignatureVerifier | None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        headers: dict[str, str] = {}
        for name, value in scope["headers"]:
            # the first of repeated headers, as Starlette's Headers.get answers
            headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
        path = scope["path"]
        refusal = self.guard.refusal(headers)
        if refusal is not None:
            await self._refuse(send, path, headers, refusal)
            return
        fast = path == "/" and not scope.get("root_path") and scope["method"] in ("GET", "POST")
        verifier = self.verifier
        if not fast and (verifier is None or not _signed_path(path)):
            await super().__call__(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        account: str | None = None
        if verifier is not None:
            try:
                raw_path = scope.get("raw_path") or path.encode()
                account = verifier.verify(scope["method"], raw_path.decode("latin-1"),
                                          scope["query_string"].decode("latin-1"), headers, body)
            except AwsError as exc:
                await self._refuse(send, path, headers, exc)
                return
        if not fast:
            scope["vpclab.account"] = account
            await super().__call__(scope, _replay(body, receive), send)
            return
        form = dict(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True))
        form.update(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))
        result = self.endpoint.dispatch(form, headers, account)
        await _send(send, result.status, result.body.encode("utf-8"), b"text/xml; charset=utf-8")

    async def _refuse(self, send: Send, path: str, headers: dict[str, str], reason: str | AwsError) -> None:
        """An error in the shape of the route's protocol: EC2/STS XML at ``/``, the admin routes' JSON,
        REST-JSON's ``{"__type", "message"}`` elsewhere."""
        kind = ("admin" if path.startswith(ADMIN_PREFIX + "/") else
                self.endpoint.protocol_for(headers) if path == "/" else "rest-json")
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
            await _send(send, result.status, result.body.encode("utf-8"), b"text/xml; charset=utf-8")


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


def create_app(
    state: ServerState, *, default_vpc: bool = True, analyser: Analyser = analyse,
    allowed_hosts: Iterable[str] = (), verifier: SignatureVerifier | None = None,
) -> Starlette:
    """The endpoint over ``state``; network insights analyses run ``analyser`` (vpclab's tracer).

    Requests for host names other than loopback's and ``allowed_hosts`` are refused, and so are
    cross-site browser requests; with a ``verifier`` every API request must be signed by one of its
    keys (docs/security.md).
    """
    endpoint = Endpoint(state.world, default_vpc=default_vpc, lock=state.lock, analyser=analyser)
    state.after_reset.append(endpoint.forget_accounts)

    async def query(request: Request) -> Response:
        body = (await request.body()).decode("utf-8", errors="replace")
        form = dict(parse_qsl(request.url.query, keep_blank_values=True))
        form.update(parse_qsl(body, keep_blank_values=True))
        # the handlers are short and hold the one lock: running them here keeps them serialized
        result = endpoint.dispatch(form, request.headers, request.scope.get("vpclab.account"))
        return Response(result.body, status_code=result.status, media_type="text/xml")

    async def rest_json(request: Request) -> Response:
        # REST-JSON services (RAM): the SigV4 credential scope names the service
        from .endpoint import caller_of
        from .restjson import REST_JSON_SERVICES, dispatch

        caller = caller_of(request.headers, dict(request.query_params))
        service = caller.service if caller.service in REST_JSON_SERVICES else "ram"
        status, body, headers = dispatch(
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
        Route("/{path:path}", rest_json, methods=["GET", "POST", "PUT", "DELETE"]),
    ]
    app = _QueryApp(routes=routes)
    app.endpoint = endpoint
    app.guard = SiteGuard(allowed_hosts)
    app.verifier = verifier
    app.state.vpclab = state
    app.state.endpoint = endpoint
    return app
