"""The page in a real browser: Debian's chromium driven by Playwright, against ``vpclab ui``'s app.

Screenshots go to build/test-artifacts/web/ (ignored by git). Without /usr/bin/chromium the
browser tests skip, saying so loudly; the API tests (test_api.py) need no browser.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

import vpclab
from vpclab.web import create_app, static_network

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "build" / "test-artifacts" / "web"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class PageServer:
    """``vpclab ui``'s app on a loopback port, in a thread of the test process."""

    def __init__(self, app: Any) -> None:
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the page's server did not start")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="session")
def serve_page() -> Iterator[Callable[[Any], PageServer]]:
    """Start the page over a network (a path to load, or a Network): gives its base URL."""
    started: list[PageServer] = []

    def start(source: Any) -> PageServer:
        net = vpclab.load(ROOT / source) if isinstance(source, str | Path) else source
        srv = PageServer(create_app(static_network(net)))
        started.append(srv)
        return srv

    yield start
    for srv in started:
        srv.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(
            "*** /usr/bin/chromium is missing: the web page's browser tests DID NOT RUN "
            "(apt-get install chromium; make test installs it when root) ***"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Page:
    """A browser page on the page, collecting console errors and failed requests."""

    def __init__(self, browser: Any, url: str) -> None:
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.set_default_timeout(15000)
        self.errors: list[str] = []
        self.page.on(
            "console",
            lambda m: (
                self.errors.append(f"console.{m.type}: {m.text}") if m.type in ("error", "warning") else None
            ),
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.goto(f"{url}/_vpclab/ui/")
        self.page.wait_for_function("window.vpclab && window.vpclab.ready", timeout=30000)

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path

    def testid(self, name: str) -> Any:
        return self.page.get_by_test_id(name)

    def trace(self, source: str, destination: str, port: int | None = None, protocol: str = "tcp") -> None:
        self.testid("trace-source").fill(source)
        self.testid("trace-destination").fill(destination)
        self.testid("trace-protocol").select_option(protocol)
        self.testid("trace-port").fill("" if port is None else str(port))
        self.page.evaluate("window.vpclab.trace = null")
        self.testid("trace-go").click()

    def evaluate(self, js: str) -> Any:
        return self.page.evaluate(js)

    def close(self) -> None:
        self.page.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[[str], Page]]:
    pages: list[Page] = []

    def open_(url: str) -> Page:
        pages.append(Page(browser, url))
        return pages[-1]

    yield open_
    for p in pages:
        p.close()
