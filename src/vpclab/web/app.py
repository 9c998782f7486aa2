"""The page's routes: static assets at ``/_vpclab/ui/`` and the JSON API at ``/_vpclab/api/``.

    GET /_vpclab/ui/                      the page (index.html, app.js, vendored cytoscape.js)
    GET /_vpclab/api/graph                the topology (web/graph.py)
    GET /_vpclab/api/resource/NAME-OR-ID  one resource's details (web/detail.py)
    GET /_vpclab/api/trace?source=S&destination=D&protocol=tcp&port=22[&ipv6=1]
                                          vpclab.network.api.trace, as ``vpclab trace`` — with the
                                          node each hop lights up on the picture
    GET /_vpclab/api/whatif?…&fix=N       the N-th cause's fix applied to a copy, traced again
    GET /_vpclab/api/matrix?protocol=tcp&port=443[&level=interface][&vpc=V][&account=A][&tag=K=V]
                                          vpclab.network.api.matrix as a heat map (web/views.py)
    GET /_vpclab/api/check                the intents of ``vpclab ui --intents FILE``, checked
    POST /_vpclab/api/check               the intents YAML posted, checked (api.check)
    GET /_vpclab/api/diff[?level=…][&protocol=P&port=N | &flow=P/N…]
                                          ``vpclab ui OLD --diff NEW``: the flows opened and closed
    GET /_vpclab/api/events               server-sent events: ``version`` whenever the World changes
    GET /_vpclab/api/changes?since=V      the ids changed since version V (a trace's): the page
                                          re-runs its trace only when one of them is in its ``reads``
    GET /_vpclab/api/sweep?sweep=vpcs=2..20&pair_gb=100&azs=2
                                          mesh vs transit gateway vs shared VPC priced as the network
                                          grows (``vpclab advise --sweep``; web/designs.py)

Every error is JSON ``{"error": {"code", "message"}}`` with a 4xx status: 400 for a bad parameter
or an unknown source/destination (the message has the CLI's "did you mean"), 404 for an unknown
resource or path. The page only reads: nothing here changes the World.

``page_routes(source)`` gives the routes for ``vpclab serve`` (its World, read under its lock);
``create_app(source)`` a Starlette app of its own for ``vpclab ui``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from ..core.errors import VpclabError
from ..model.world import World
from ..network import api
from ..network.facade import Network
from ..network.intents import load_intents
from ..reach.errors import ReachError
from ..reach.reads import trace_reads
from ..reach.result import Trace, traced_protocol
from .designs import sweep_view
from .detail import UnknownResourceError, resource_detail
from .graph import edge_of, node_of, topology_graph
from .views import ViewError, check_view, diff_flows, diff_view, matrix_view
from .whatif import FixNotPreviewable, preview_fix, previewable, why_not

UI_PATH = "/_vpclab/ui"
API_PATH = "/_vpclab/api"
STATIC = Path(__file__).parent / "static"
#: the largest intents YAML the page's API takes in a POST
MAX_INTENTS_BYTES = 1 << 20
#: how many diffs (each a level and its flows) a page keeps computed
DIFFS_KEPT = 8
#: how often the events stream looks at the World's version, and how long one stream lasts (the
#: browser's EventSource reconnects by itself, after ``retry`` ms, and is told the version then:
#: a short stream keeps a server's graceful shutdown short, since uvicorn lets open responses end)
EVENTS_POLL_S = 0.1
EVENTS_LIFETIME_S = 5.0


@dataclass
class PageSource:
    """Where the page reads its network: ``network()`` builds it, under ``lock`` (a server's World lock)."""

    network: Callable[[], Network]
    lock: Callable[[], AbstractContextManager[Any]] = field(default=nullcontext)
    #: why a client may not read the page (a sentence), or None: ``vpclab serve`` answers loopback
    #: clients only, as its admin routes (docs/security.md)
    refuse: Callable[[Request], str | None] = field(default=lambda request: None)
    #: the World's version (a server's: it changes with every change through the EC2 API)
    version: Callable[[], str] = field(default=lambda: "0")
    #: whether the World can change under the page (``vpclab serve``): the page listens to events
    live: bool = False
    #: ``vpclab ui --intents FILE``: the intents ``GET /check`` checks
    intents: Path | None = None
    #: ``vpclab ui OLD --diff NEW``: the page draws NEW, ``diff_old`` is OLD
    diff_old: Network | None = None
    #: the version now and the ids changed since a version (None: unknown; web/live.py); None for a
    #: World that does not change
    changes: Callable[[str], tuple[str, set[str] | None]] | None = None


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _port(value: str) -> int | None:
    """A port parameter: empty is None (any port), else 0 to 65535."""
    text = value.strip()
    if not text:
        return None
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise ApiError(400, "InvalidParameterValue", f"port must be a number from 0 to 65535, not {text!r}")
    return int(text)


def _flow(request: Request) -> dict[str, Any]:
    """The trace parameters of a request (source, destination, protocol, port, ipv6)."""
    q = request.query_params
    source, destination = q.get("source", "").strip(), q.get("destination", "").strip()
    if not source or not destination:
        raise ApiError(400, "MissingParameter", "give both a source and a destination")
    protocol = traced_protocol(q.get("protocol", "tcp") or "tcp")
    if protocol is None:
        raise ApiError(
            400,
            "InvalidParameterValue",
            f"protocol must be tcp, udp, icmp, icmpv6 or all, not {q.get('protocol')!r}",
        )
    port = _port(q.get("port", ""))
    ipv6 = q.get("ipv6", "") in ("1", "true", "on")
    return {
        "source": source,
        "destination": destination,
        "protocol": protocol,
        "port": port,
        "ip_version": 6 if ipv6 else None,
    }


def trace_result(
    net: Network, graph: dict[str, Any], t: Trace, source: str, destination: str
) -> dict[str, Any]:
    """A trace as the page reads it: ``to_dict()``, each hop with its ``node`` on the picture (and
    its ``edge``, for a hop that is a link: a peering connection, an attachment), each
    explanation with its ``node`` and whether its fix can be previewed."""
    d = t.to_dict()
    for key, hops in (("forward_hops", t.forward_hops), ("return_hops", t.return_hops)):
        for row, hop in zip(d[key], hops, strict=True):
            row["node"] = node_of(graph, hop.id)
            row["edge"] = edge_of(graph, hop.id)
    for row, e in zip(d["explanations"], t.explanations, strict=True):
        row["node"] = node_of(graph, e.component)
        row["blocking"] = e.blocking
        row["previewable"] = previewable(e)
        row["remedy"] = e.remedy.to_dict() if e.remedy is not None else None
        row["not_previewable"] = why_not(e)
    return {"source": source, "destination": destination, **d}


def page_routes(source: PageSource) -> list[BaseRoute]:
    """The page and its API, for a Starlette app (``vpclab serve`` mounts them beside the endpoint)."""

    graphs: dict[tuple[int, int], tuple[World, dict[str, Any]]] = {}

    def graph_of(net: Network) -> dict[str, Any]:
        """The network's graph, drawn once per World version (a trace on AWS-MAX must not redraw it)."""
        key = (id(net.world), net.world.version)
        hit = graphs.get(key)
        if hit is not None and hit[0] is net.world:
            return hit[1]
        g = topology_graph(net)
        graphs.clear()
        graphs[key] = (net.world, g)
        return g

    def answer(request: Request, work: Callable[[Network], Any]) -> Response:
        reason = source.refuse(request)
        if reason is not None:
            return _error(403, "AccessDenied", reason)
        try:
            with source.lock():
                return JSONResponse(work(source.network()))
        except ApiError as exc:
            return _error(exc.status, exc.code, exc.message)
        except UnknownResourceError as exc:
            return _error(404, "UnknownResource", str(exc.args[0]))
        except FixNotPreviewable as exc:
            return _error(400, "FixNotPreviewable", str(exc))
        except ViewError as exc:
            return _error(400, exc.code, str(exc))
        except ReachError as exc:
            code = (
                "UnknownEndpoint" if type(exc).__name__ == "UnknownEndpointError" else "InvalidParameterValue"
            )
            return _error(400, code, str(exc))
        except (VpclabError, ValueError) as exc:
            return _error(400, getattr(exc, "code", None) or "InvalidParameterValue", str(exc))

    def graph(request: Request) -> Response:
        def work(net: Network) -> dict[str, Any]:
            g = dict(graph_of(net))
            g["features"] = {
                "intents": source.intents is not None,
                "diff": source.diff_old is not None,
                "live": source.live,
            }
            g["version"] = source.version()
            return g

        return answer(request, work)

    def resource(request: Request) -> Response:
        return answer(request, lambda net: resource_detail(net, request.path_params["spec"]))

    def trace(request: Request) -> Response:
        def work(net: Network) -> dict[str, Any]:
            flow = _flow(request)
            src, dst = flow.pop("source"), flow.pop("destination")
            t = api.trace(net, src, dst, **flow)
            result = trace_result(net, graph_of(net), t, src, dst)
            # what it read, at which version: the page re-runs it only when a change touches that
            result["version"] = source.version()
            result["reads"] = sorted(trace_reads(net.world, t) | {src, dst})
            return result

        return answer(request, work)

    def whatif(request: Request) -> Response:
        def work(net: Network) -> dict[str, Any]:
            flow = _flow(request)
            src, dst = flow.pop("source"), flow.pop("destination")
            text = request.query_params.get("fix", "0").strip()
            if not text.isdigit():
                raise ApiError(
                    400, "InvalidParameterValue", f"fix must be an explanation's number, not {text!r}"
                )
            p = preview_fix(net, src, dst, int(text), **flow)
            result = p.to_dict()
            if p.after is not None:
                result["after"] = trace_result(net, graph_of(net), p.after, src, dst)
            result["world_unchanged"] = True
            return result

        return answer(request, work)

    # OLD and NEW are loaded once: each (level, flows) diff is computed once, the latest few kept
    diffs: dict[tuple[str, tuple[tuple[str, int | None], ...]], dict[str, Any]] = {}

    def the_diff(
        net: Network, level: str = "subnet", flows: tuple[tuple[str, int | None], ...] = ()
    ) -> dict[str, Any] | None:
        if source.diff_old is None:
            return None
        key = (level, flows)
        if key not in diffs:
            while len(diffs) >= DIFFS_KEPT:
                diffs.pop(next(iter(diffs)))
            diffs[key] = diff_view(source.diff_old, net, graph_of(net), level, flows)
        return diffs[key]

    def matrix(request: Request) -> Response:
        def work(net: Network) -> dict[str, Any]:
            q = request.query_params
            protocol = traced_protocol(q.get("protocol", "tcp") or "tcp")
            if protocol is None:
                raise ApiError(
                    400,
                    "InvalidParameterValue",
                    f"protocol must be tcp, udp, icmp, icmpv6 or all, not {q.get('protocol')!r}",
                )
            port = _port(q.get("port", "443"))
            level = q.get("level", "subnet")
            graph = graph_of(net)
            return matrix_view(
                net,
                graph,
                protocol=protocol,
                port=port,
                level=level,
                vpc=q.get("vpc") or None,
                account=q.get("account") or None,
                tag=q.get("tag") or None,
                aggregate=q.get("aggregate"),
                row_offset=q.get("row_offset"),
                col_offset=q.get("col_offset"),
                diff=the_diff(net, level, ((protocol, port),)) if level in ("subnet", "interface") else None,
            )

        return answer(request, work)

    async def check(request: Request) -> Response:
        if request.method == "POST":
            body = await request.body()
            if len(body) > MAX_INTENTS_BYTES:
                return _error(413, "RequestTooLarge", f"the intents are limited to {MAX_INTENTS_BYTES} bytes")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return _error(400, "InvalidParameterValue", "the intents must be UTF-8 YAML")
            if not text.strip():
                return _error(400, "MissingParameter", "post the intents YAML (a list of intents)")
            return answer(request, lambda net: check_view(net, text))
        if source.intents is None:
            return _error(
                400,
                "MissingParameter",
                "no intents file: start the page with --intents FILE, or POST the intents YAML",
            )
        path = source.intents
        return answer(request, lambda net: check_view(net, load_intents(path)))

    def diff(request: Request) -> Response:
        if source.diff_old is None:
            return _error(400, "MissingParameter", "no diff: start the page with vpclab ui OLD --diff NEW")
        q = request.query_params

        def work(net: Network) -> dict[str, Any] | None:
            flows = diff_flows(q.getlist("flow"), q.get("protocol"), q.get("port"))
            return the_diff(net, q.get("level", "subnet"), flows)

        return answer(request, work)

    def changes(request: Request) -> Response:
        def work(net: Network) -> dict[str, Any]:
            since = request.query_params.get("since", "").strip()
            if not since:
                raise ApiError(400, "MissingParameter", "give since=VERSION (a trace's version)")
            if source.changes is None:  # a World that does not change
                now = source.version()
                return {"version": now, "changed": [] if since == now else None}
            now, ids = source.changes(since)
            return {"version": now, "changed": sorted(ids) if ids is not None else None}

        return answer(request, work)

    async def events(request: Request) -> Response:
        reason = source.refuse(request)
        if reason is not None:
            return _error(403, "AccessDenied", reason)

        async def stream() -> Any:
            last = source.version()
            yield f"retry: 300\nevent: version\ndata: {json.dumps({'version': last})}\n\n"
            end = time.monotonic() + EVENTS_LIFETIME_S
            while time.monotonic() < end:
                await asyncio.sleep(EVENTS_POLL_S)
                if await request.is_disconnected():
                    return
                now = source.version()
                if now != last:
                    last = now
                    yield f"event: version\ndata: {json.dumps({'version': now})}\n\n"

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
        )

    def designs(request: Request) -> Response:
        reason = source.refuse(request)
        if reason is not None:
            return _error(403, "AccessDenied", reason)
        try:  # generated networks: no lock on the page's World
            return JSONResponse(sweep_view(request.query_params))
        except ViewError as exc:
            return _error(400, exc.code, str(exc))

    def index(request: Request) -> Response:
        reason = source.refuse(request)
        if reason is not None:
            return _error(403, "AccessDenied", reason)
        return Response((STATIC / "index.html").read_text(encoding="utf-8"), media_type="text/html")

    def redirect(request: Request) -> Response:
        return RedirectResponse(f"{UI_PATH}/", status_code=307)

    def not_found(request: Request) -> Response:
        return _error(404, "NotFound", f"no page API at {request.url.path}")

    return [
        Route(f"{API_PATH}/graph", graph),
        Route(f"{API_PATH}/resource/{{spec:path}}", resource),
        Route(f"{API_PATH}/trace", trace),
        Route(f"{API_PATH}/whatif", whatif),
        Route(f"{API_PATH}/matrix", matrix),
        Route(f"{API_PATH}/check", check, methods=["GET", "POST"]),
        Route(f"{API_PATH}/diff", diff),
        Route(f"{API_PATH}/changes", changes),
        Route(f"{API_PATH}/events", events),
        Route(f"{API_PATH}/sweep", designs),
        Route(f"{API_PATH}/{{rest:path}}", not_found),
        Route(UI_PATH, redirect),
        Route(f"{UI_PATH}/", index),
        Mount(f"{UI_PATH}/static", app=StaticFiles(directory=STATIC), name="ui-static"),
    ]


def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 400
    return _error(
        status,
        "NotFound" if status == 404 else "InvalidRequest",
        f"{request.method} {request.url.path}: {status}",
    )


#: why a request is refused (its headers in, a sentence out), or None to serve it
Guard = Callable[[Mapping[str, str]], str | None]


def create_app(source: PageSource, guard: Guard | None = None) -> Starlette:
    """The page on a server of its own (``vpclab ui``): ``/`` leads to it, ``/_vpclab/health`` answers.

    ``guard`` vets every request first (``vpclab ui`` passes the endpoint's Host/Origin checks,
    docs/security.md: a DNS-rebinding page must not read the network); a refusal is a 403
    ``AccessDenied``."""

    def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "page": f"{UI_PATH}/"})

    def home(request: Request) -> Response:
        return RedirectResponse(f"{UI_PATH}/", status_code=307)

    routes = [Route("/", home), Route("/_vpclab/health", health), *page_routes(source)]
    middleware = [Middleware(_Guarded, guard=guard)] if guard is not None else []
    return Starlette(
        routes=routes, middleware=middleware, exception_handlers={404: _http_error, 405: _http_error}
    )


class _Guarded:
    """ASGI middleware: a request the guard refuses is answered 403 ``AccessDenied``."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            reason = self.guard(headers)
            if reason is not None:
                await _error(403, "AccessDenied", reason)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def static_network(
    net: Network, *, intents: Path | None = None, diff_old: Network | None = None
) -> PageSource:
    """A page over a network loaded once (``vpclab ui FILE``; with ``--diff NEW``, ``net`` is NEW
    and ``diff_old`` the FILE)."""
    return PageSource(network=lambda: net, intents=intents, diff_old=diff_old)


def names_of(items: Iterator[tuple[str, str | None]]) -> dict[str, str]:
    """name → id for the names only one resource carries (a live World's ``Name`` tags)."""
    seen: dict[str, str] = {}
    twice: set[str] = set()
    for rid, name in items:
        if not name:
            continue
        if name in seen:
            twice.add(name)
        seen[name] = rid
    return {n: rid for n, rid in seen.items() if n not in twice}
