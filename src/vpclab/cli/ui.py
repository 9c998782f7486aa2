"""``vpclab ui``: the web page over a topology file, a snapshot folder or an empty World (docs/web.md)."""

from __future__ import annotations

import os
import sys
import threading
import webbrowser
from pathlib import Path
from typing import Annotated

import typer

from .common import check_files, err, load_file
from .serve import EXIT_CANNOT_START, _listen_problem

#: the port ``vpclab ui`` listens on unless told otherwise
DEFAULT_UI_PORT = 4567


def _has_desktop() -> bool:
    """Whether a graphical browser can open: macOS, Windows, or a Linux/BSD session with a display
    (without one, ``webbrowser`` would start a console browser in this terminal)."""
    return sys.platform in ("darwin", "win32") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )


def ui(
    source: Annotated[
        Path | None,
        typer.Argument(
            help="A topology file, a snapshot folder or a Terraform plan/state .json; none: an empty World.",
            show_default=False,
            metavar="[SOURCE]",
        ),
    ] = None,
    port: Annotated[
        int, typer.Option(help="TCP port to listen on (loopback).", min=1, max=65535)
    ] = DEFAULT_UI_PORT,
    no_open: Annotated[
        bool, typer.Option("--no-open", help="Do not open a browser; only print the URL.")
    ] = False,
    intents: Annotated[
        Path | None,
        typer.Option("--intents", "-i", help="An intents YAML file: the page lists each intent pass/fail."),
    ] = None,
    diff: Annotated[
        Path | None,
        typer.Option(
            "--diff",
            help="NEW: a topology, snapshot or Terraform plan .json; the page draws NEW and the flows "
            "opened (green) and closed (red) since SOURCE.",
            metavar="NEW",
        ),
    ] = None,
) -> None:
    """Open the web page: the topology drawn, a flow traced on it hop by hop, a fix previewed.

    Serves on loopback only, prints the page's URL and opens it in the browser (where there is a
    display; --no-open: never). Ctrl-C stops. The page only reads: a fix's preview is applied to a
    copy, never to the network. See docs/web.md.

    Example:  vpclab ui examples/dual-stack.yaml --intents examples/intents/dual-stack.yaml --no-open
    """
    import uvicorn

    from ..aws.security import SiteGuard
    from ..model.world import World
    from ..web import UI_PATH, create_app, static_network, world_network

    if source is None:
        net = world_network(World(), "an empty World")
    else:
        check_files([source])
        net = load_file(source)
    old = None
    if diff is not None:
        check_files([diff])
        old, net = net, load_file(diff)
    if intents is not None:
        from ..network.intents import IntentError, load_intents

        check_files([intents])
        try:
            load_intents(intents)
        except IntentError as exc:
            err().print(f"vpclab: error: {exc}", markup=False)
            raise typer.Exit(1) from None
    host = "127.0.0.1"
    problem = _listen_problem(host, port)
    if problem is not None:
        err().print(f"vpclab: error: {problem}", markup=False)
        raise typer.Exit(EXIT_CANNOT_START)
    url = f"http://{host}:{port}{UI_PATH}/"
    shown = net.file if old is None else f"{old.file} → {net.file}"
    err().print(f"vpclab: the page for {shown} on {url} (Ctrl-C stops)", markup=False)
    if not no_open and _has_desktop():
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    guard = SiteGuard().refusal  # loopback host names only, no cross-site requests (docs/security.md)
    uvicorn.run(
        create_app(static_network(net, intents=intents, diff_old=old), guard),
        host=host,
        port=port,
        log_level="warning",
    )
