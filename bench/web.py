"""The web page (issue 13): time to first render in headless chromium, and a trace through the page's API.

- first render: from ``page.goto`` to ``window.vpclab.ready`` (the graph fetched, drawn and laid
  out by cytoscape.js) in Debian's chromium driven by Playwright — an example, and a generated
  network of 500 VPCs (bench/generator.py; above 50 VPCs the page starts with VPCs collapsed);
  the median of ``RUNS`` fresh pages each.
- the matrix on AWS-MAX through the page's API: VPC by VPC (30,000 subnets a side), the first
  page (computed) and the next (the same matrix, kept).
- trace round trip: ``GET /_vpclab/api/trace`` on AWS-MAX (5,000 VPCs, 30,000 subnets) over HTTP
  on the warm server (``vpclab ui``'s app, in this process's thread), between random interfaces:
  p50 and p99, target p50 ≤ 50 ms.

    python -m bench.web
"""

from __future__ import annotations

import http.client
import json
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import uvicorn

import vpclab
from vpclab.model.interfaces import NetworkInterface
from vpclab.network.facade import Network
from vpclab.web import create_app, static_network, world_network

from .generator import AWS_MAX, Spec, build

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
EXAMPLE = "examples/tgw-segmentation.yaml"
GENERATED = Spec(
    vpcs=500,
    tgw_routes=1_000,
    other_peerings=200,
    hub_peerings=25,
    interfaces=500,
    vpns=5,
    interface_endpoints=5,
)
RUNS = 3
TRACES = 200
TARGET_P50 = 0.050


class _Server:
    def __init__(self, net: Network) -> None:
        self.server = uvicorn.Server(
            uvicorn.Config(create_app(static_network(net)), host="127.0.0.1", port=0, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)
        self.port = int(self.server.servers[0].sockets[0].getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def first_render(net: Network, browser: Any) -> tuple[float, int]:
    """The median time to first render of ``RUNS`` fresh pages, and how many nodes were drawn."""
    srv = _Server(net)
    try:
        times, drawn = [], 0
        for _ in range(RUNS):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            t = time.perf_counter()
            page.goto(f"{srv.url}/_vpclab/ui/")
            page.wait_for_function("window.vpclab && window.vpclab.ready", timeout=120_000)
            times.append(time.perf_counter() - t)
            drawn = int(page.evaluate("window.vpclab.cy.nodes().length"))
            page.close()
        return statistics.median(times), drawn
    finally:
        srv.stop()


def trace_round_trips(net: Network, samples: int = TRACES, seed: int = 11) -> dict[str, Any]:
    """GET /_vpclab/api/trace between random interfaces on one keep-alive connection."""
    enis = [e.id for e in net.world.all(NetworkInterface) if e.interface_type == "interface"]
    rng = random.Random(seed)
    srv = _Server(net)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=600)
        dispositions: dict[str, int] = {}
        by_kind: dict[str, list[float]] = {}

        def get(s: str, d: str) -> float:
            query = urlencode({"source": s, "destination": d, "protocol": "tcp", "port": "443"})
            t = time.perf_counter()
            conn.request("GET", f"/_vpclab/api/trace?{query}")
            resp = conn.getresponse()
            body = resp.read()
            elapsed = time.perf_counter() - t
            answer = json.loads(body)
            if resp.status != 200 or "disposition" not in answer:
                raise RuntimeError(f"trace {s} → {d}: {resp.status} {body[:200]!r}")
            key = answer["disposition"]
            dispositions[key] = dispositions.get(key, 0) + 1
            by_kind.setdefault(key, []).append(elapsed)
            return elapsed

        first = get(enis[0], enis[1])  # the tracer's forwarding view and the page's graph, built once
        times = sorted(get(*rng.sample(enis, 2)) for _ in range(samples))
        matrix: dict[str, float] = {}
        for label, query in (("first", "port=443"), ("next page", "port=443&row_offset=150")):
            t = time.perf_counter()
            conn.request("GET", f"/_vpclab/api/matrix?protocol=tcp&{query}")
            resp = conn.getresponse()
            body = resp.read()
            matrix[label] = time.perf_counter() - t
            if resp.status != 200:
                raise RuntimeError(f"matrix: {resp.status} {body[:200]!r}")
            if label == "first":
                m = json.loads(body)
                matrix["cells"], matrix["bytes"] = len(m["rows"]) * len(m["columns"]), len(body)
                matrix["reachable"] = m["reachable"]
        conn.close()
        return {
            "first": first,
            "p50": times[len(times) // 2],
            "p99": times[min(len(times) - 1, int(len(times) * 0.99))],
            "interfaces": len(enis),
            "dispositions": dispositions,
            "p50_by_disposition": {k: statistics.median(v) for k, v in by_kind.items()},
            "matrix": matrix,
        }
    finally:
        srv.stop()


def run() -> dict[str, Any]:
    out: dict[str, Any] = {}
    t = time.perf_counter()
    aws_max = world_network(build(AWS_MAX), "AWS-MAX")
    out["aws_max_build"] = time.perf_counter() - t
    out["trace"] = trace_round_trips(aws_max)
    del aws_max
    if not CHROMIUM.exists():
        out["render"] = None
        return out
    from playwright.sync_api import sync_playwright

    example = vpclab.load(ROOT / EXAMPLE)
    generated = world_network(build(GENERATED), "500 VPCs")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            out["render"] = {
                EXAMPLE: first_render(example, browser),
                "500 VPCs (generated)": first_render(generated, browser),
            }
        finally:
            browser.close()
    return out


def report(out: dict[str, Any]) -> list[str]:
    lines = ["web page (issue 13): first render in headless chromium, trace through the page's API"]
    if out["render"] is None:
        lines.append(f"  first render: skipped — {CHROMIUM} is missing (apt-get install chromium)")
    else:
        for name, (seconds, drawn) in out["render"].items():
            lines.append(
                f"  first render, {name:40} {seconds * 1000:8.0f} ms  ({drawn} nodes drawn, median of {RUNS})"
            )
    t = out["trace"]
    verdict = "ok" if t["p50"] <= TARGET_P50 else "OVER TARGET"
    lines.append(
        f"  trace round trip on AWS-MAX (GET /_vpclab/api/trace, warm): p50 {t['p50'] * 1000:.1f} ms, "
        f"p99 {t['p99'] * 1000:.1f} ms (target p50 ≤ {TARGET_P50 * 1000:.0f} ms: {verdict}); "
        f"first {t['first']:.2f} s; AWS-MAX built in {out['aws_max_build']:.1f} s"
    )
    seen = ", ".join(
        f"{n} {k} (p50 {t['p50_by_disposition'][k] * 1000:.1f} ms)"
        for k, n in sorted(t["dispositions"].items())
    )
    lines.append(f"    {t['interfaces']} interfaces; the {TRACES + 1} traces were: {seen}")
    m = t["matrix"]
    lines.append(
        f"  matrix on AWS-MAX (GET /_vpclab/api/matrix, tcp/443): first {m['first']:.2f} s, next page "
        f"{m['next page'] * 1000:.0f} ms; {m['cells']} cells, {m['bytes'] / 1024:.0f} KiB a page; "
        f"{m['reachable']} reachable pairs"
    )
    return lines


def main() -> int:
    out = run()
    for line in report(out):
        print(line)
    return 0 if out["trace"]["p50"] <= TARGET_P50 else 1


if __name__ == "__main__":
    sys.exit(main())
