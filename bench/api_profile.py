"""bench/api.py's workload in-process, without HTTP: the server's own cost per call, and a profile.

``python -m bench.api_profile [--durable] [--quick] [--profile N]`` runs ``bench.api.measure`` with the
lean client replaced by direct calls of the app's request handler (``handle_query``: form parsing,
``Endpoint.dispatch``, the rules, the store, the XML answer), prints each call's rate (the server's
throughput with no HTTP and no client, by CPU time), and with ``--profile`` the top N
functions of a cProfile of the whole run, set-up included (the set-up makes the same calls into
the same near-full tables).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import api

HEADERS = {k.lower(): v for k, v in api.HEADERS.items()}


class Direct:
    """The ``Lean`` client's interface, calling the app's request handler in this thread."""

    app: Any = None

    def __init__(self, port: int) -> None:
        pass

    def post(self, data: bytes) -> tuple[int, bytes]:
        r = self.app.handle_query("", data, HEADERS, time.monotonic())
        return r.status, r.body.encode("utf-8")

    def ok(self, data: bytes) -> bytes:
        status, payload = self.post(data)
        if status != 200:
            raise RuntimeError(f"setup call failed ({status}): {data[:120]!r} → {payload[:400]!r}")
        return payload

    def close(self) -> None:
        pass


def _inline(n: int, work: Callable[[int], None]) -> float:
    """``api._in_threads`` in this thread (so that cProfile sees the timed calls), timed by this
    process's CPU time: on a shared machine, what other processes take is not counted."""
    start = time.process_time()
    for k in range(n):
        work(k)
    return time.process_time() - start


@contextmanager
def in_process(durable: bool) -> Iterator[None]:
    from vpclab.aws.server import create_app, open_state

    with tempfile.TemporaryDirectory(prefix="vpclab-profile-") as tmp:
        state = open_state(str(Path(tmp) / "state.sqlite3") if durable else ":memory:")
        try:
            Direct.app = create_app(state, default_vpc=False)
            saved = api.Lean, api._in_threads
            api.Lean, api._in_threads = Direct, _inline  # type: ignore[misc,assignment]
            try:
                yield
            finally:
                api.Lean, api._in_threads = saved  # type: ignore[misc]
        finally:
            state.store.close()


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.api_profile", description=__doc__.split("\n\n")[0])
    p.add_argument("--durable", action="store_true", help="a SQLite state file (default :memory:)")
    p.add_argument("--quick", action="store_true", help="bench.api's --quick World")
    p.add_argument(
        "--profile", type=int, default=0, metavar="N", help="print the top N functions (cumulative)"
    )
    p.add_argument("--sort", default="tottime", help="pstats sort key (default %(default)s)")
    args = p.parse_args(argv)
    wl = replace(api.QUICK if args.quick else api.Workload(), describe_budget=0.5)
    server = api.Server("in-process", 0, None, Path())  # type: ignore[arg-type]
    prof = cProfile.Profile() if args.profile else None
    with in_process(args.durable):
        if prof:
            prof.enable()
        run = api.measure(server, "lean", wl, 1)
        if prof:
            prof.disable()
    for call, t in run.timings.items():
        print(f"{call:30} {t.rate:>9,.0f}/s  {1e3 / t.rate if t.rate else 0:7.3f} ms/call  ({t.calls} calls)")
    if prof:
        pstats.Stats(prof).sort_stats(args.sort).print_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
