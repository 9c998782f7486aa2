"""The page's routes: static assets at ``/_vpclab/ui/`` and the JSON API at ``/_vpclab/api/``.

    GET /_vpclab/ui/                      the page (index.html, app.js, vendored cytoscape.js)
    GET /_vpclab/api/graph                the topology (web/graph.py)
    GET /_vpclab/api/resource/NAME-OR-ID  one resource's details (web/detail.py)
    GET /_vpclab/api/trace?source=S&destination=D&protocol=tcp&port=22[&ipv6=1]
                                          vpclab.network.api.trace, as ``vpclab trace`` — with the
                                          node each hop lights up on the picture
    GET /_vpclab/api/whatif?…&fix=N       the N-th cause's fix applied to a copy, traced again

Every error is JSON ``{"error": {"code", "message"}}`` with a 4xx status: 400 for a bad parameter
or an unknown source/destination (the message has the CLI's "did you mean"), 404 for an unknown
resource or path. The page only reads: nothing here changes the World.

``page_routes(source)`` gives the routes for ``vpclab serve`` (its World, read under its lock);
``create_app(source)`` a Starlette app of its own for ``vpclab ui``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from ..core.errors import VpclabError
from ..network import api
from ..network.facade import Network
from ..reach.errors import ReachError
from ..reach.result import Trace, traced_protocol
from .detail import UnknownResourceError, resource_detail
from .graph import edge_of, node_of, topology_graph
from .whatif import FixNotPreviewable, preview_fix, previewable

UI_PATH = "/_vpclab/ui"
API_PATH = "/_vpclab/api"
STATIC = Path(__file__).parent / "static"


@dataclass
class PageSource:
    """Where the page reads its network: ``network()`` builds it, under ``lock`` (a server's World lock)."""

    network: Callable[[], Network]
    lock: Callable[[], AbstractContextManager[Any]] = field(default=nullcontext)
    #: why a client may not read the page (a sentence), or None: ``vpclab serve`` answers loopback
    #: clients only, as its admin routes (docs/security.md)
    refuse: Callable[[Request], str | None] = field(default=lambda request: None)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


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
    port: int | None = None
    if q.get("port", "").strip():
        text = q["port"].strip()
        if not text.isdigit() or not 0 <= int(text) <= 65535:
            raise ApiError(
                400, "InvalidParameterValue", f"port must be a number from 0 to 65535, not {text!r}"
            )
        port = int(text)
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
    return {"source": source, "destination": destination, **d}


def page_routes(source: PageSource) -> list[BaseRoute]:
    """The page and its API, for a Starlette app (``vpclab serve`` mounts them beside the endpoint)."""

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
        except ReachError as exc:
            code = (
                "UnknownEndpoint" if type(exc).__name__ == "UnknownEndpointError" else "InvalidParameterValue"
            )
            return _error(400, code, str(exc))
        except (VpclabError, ValueError) as exc:
            return _error(400, getattr(exc, "code", None) or "InvalidParameterValue", str(exc))

    def graph(request: Request) -> Response:
        return answer(request, topology_graph)

    def resource(request: Request) -> Response:
        return answer(request, lambda net: resource_detail(net, request.path_params["spec"]))

    def trace(request: Request) -> Response:
        def work(net: Network) -> dict[str, Any]:
            flow = _flow(request)
            src, dst = flow.pop("source"), flow.pop("destination")
            t = api.trace(net, src, dst, **flow)
            return trace_result(net, topology_graph(net), t, src, dst)

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
            result["after"] = trace_result(net, topology_graph(net), p.after, src, dst)
            result["world_unchanged"] = True
            return result

        return answer(request, work)

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


def static_network(net: Network) -> PageSource:
    """A page over a network loaded once (``vpclab ui FILE``)."""
    return PageSource(network=lambda: net)


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
