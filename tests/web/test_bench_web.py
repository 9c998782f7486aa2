"""bench/web.py on small inputs: its figures are measured, not assumed (make bench runs it at full size)."""

from __future__ import annotations

from typing import Any

import vpclab
from bench import web
from bench.generator import SMALL, build
from vpclab.web import world_network


def test_trace_round_trips_are_real_traces_through_the_api() -> None:
    net = world_network(build(SMALL), "SMALL")
    t = web.trace_round_trips(net, samples=10)
    assert sum(t["dispositions"].values()) == 11  # the first trace, then 10 samples, each answered
    assert 0 < t["p50"] <= t["p99"] and t["interfaces"] >= 2
    assert t["matrix"]["cells"] > 0 and t["matrix"]["reachable"] > 0
    lines = web.report({"trace": t, "render": None, "aws_max_build": 0.0})
    assert "p50" in lines[-3] and "skipped" in lines[1] and "matrix" in lines[-1]


def test_first_render_draws_the_example(browser: Any) -> None:
    seconds, drawn = web.first_render(vpclab.load(web.ROOT / web.EXAMPLE), browser)
    assert 0 < seconds < 60 and drawn >= 10
