"""``vpclab serve``: the EC2 Query endpoint on loopback, for boto3, the aws CLI and Terraform."""

from __future__ import annotations

import gc
import logging
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer

from ..aws.store import DEFAULT_STATE_PATH, MEMORY

if TYPE_CHECKING:
    from starlette.requests import Request

    from ..aws.admin import ServerState
    from ..aws.security import SignatureVerifier

class QuotaMode(StrEnum):
    """``--quotas``: the names of model/quotas.py's modes."""

    lab = "lab"
    aws_default = "aws-default"


#: the port ``vpclab serve`` listens on unless told otherwise
DEFAULT_PORT = 4566
#: exit code when the endpoint cannot start: its port is in use (or cannot be listened on), or its
#: state file is unusable (docs/cli.md); nothing but that one line on stderr is printed
EXIT_CANNOT_START = 3
#: seconds a busy worker thread holds the GIL before the event loop may take it (CPython: 0.005)
GIL_SWITCH_INTERVAL = 0.001


def serve(
    host: Annotated[
        str,
        typer.Option(help="Address to listen on (loopback by default; another address prints a warning: the "
                          "endpoint has no authentication without --verify-signatures)."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port to listen on.", min=1, max=65535)] = DEFAULT_PORT,
    state: Annotated[str, typer.Option(help=f"SQLite state file, or {MEMORY} for a throwaway World.")] = str(
        DEFAULT_STATE_PATH
    ),
    load: Annotated[
        Path | None, typer.Option(help="Start from this YAML network or snapshot folder (only into an "
                                        "empty state).")
    ] = None,
    no_default_vpc: Annotated[
        bool, typer.Option("--no-default-vpc", help="Do not give each account and Region a default VPC.")
    ] = False,
    seed: Annotated[int | None, typer.Option(help="Deterministic resource ids (for tests).")] = None,
    quotas: Annotated[
        QuotaMode | None,
        typer.Option(help="Quotas in force: 'lab' (the default: adjustable quotas at a generous lab "
                          "value) or 'aws-default' (a new AWS account's defaults, strictly). Hard limits "
                          "hold in both (docs/concepts.md#quotas). Kept in the state file."),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option("--allow-host", metavar="NAME",
                     help="Also answer requests for this host name (repeatable); loopback names only by "
                          "default."),
    ] = None,
    verify_signatures: Annotated[
        Path | None,
        typer.Option("--verify-signatures", metavar="CREDENTIALS_FILE",
                     help="Check every API request's SigV4 signature against this INI file of access keys, "
                          "secrets and accounts (docs/security.md)."),
    ] = None,
) -> None:
    """Serve the EC2 Query API (and STS GetCallerIdentity) backed by vpclab's rules.

    Example:

        vpclab serve --port 4566 --state :memory:

        AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_ACCESS_KEY_ID=111111111111 AWS_SECRET_ACCESS_KEY=x \\
        aws ec2 describe-vpcs --region us-east-1
    """
    from ..aws.security import CredentialsFileError, SignatureVerifier, is_loopback, load_credentials
    from ..aws.server import open_state
    from ..aws.store import StateFileError

    err = typer.echo
    verifier = None
    if verify_signatures is not None:
        try:
            verifier = SignatureVerifier(load_credentials(verify_signatures))
        except CredentialsFileError as exc:
            err(f"vpclab: error: {exc}", err=True)
            raise typer.Exit(EXIT_CANNOT_START) from None
    allowed = list(allow_host or [])
    if not (is_loopback(host) or host == "localhost"):
        if host not in ("0.0.0.0", "::", ""):
            allowed.append(host)  # clients that reach it by that address name it in their Host header
        err(f"vpclab: warning: listening on {host}, not loopback: whoever reaches it can "
            + ("call the API with a key of the credentials file" if verifier else
               "change the lab (no authentication without --verify-signatures)")
            + "; Host names other than loopback's and this address need --allow-host (docs/security.md)",
            err=True)
    problem = _listen_problem(host, port)  # before the state file is touched and before any banner
    if problem is not None:
        err(f"vpclab: {problem}", err=True)
        raise typer.Exit(EXIT_CANNOT_START)
    try:
        server_state = open_state(state, seed=seed, quotas=quotas.value if quotas else None)
    except StateFileError as exc:
        err(f"vpclab: error: {exc}", err=True)
        raise typer.Exit(EXIT_CANNOT_START) from None
    try:
        _serve(server_state, host, port, state=state, load=load, default_vpc=not no_default_vpc,
               allowed_hosts=allowed, verifier=verifier, credentials_file=verify_signatures)
    finally:
        server_state.store.close()  # checkpoints the WAL: the main file alone holds everything


def _serve(server_state: ServerState, host: str, port: int, *, state: str, load: Path | None,
           default_vpc: bool, allowed_hosts: list[str], verifier: SignatureVerifier | None,
           credentials_file: Path | None) -> None:
    import uvicorn

    from ..aws.server import adopt_world, create_app, http_protocol
    from ..core.errors import VpclabError
    from ..interop.snapshot_read import is_snapshot
    from ..topology import TopologyError
    from .common import load_any as load_topology

    err = typer.echo
    if load is not None:
        if not load.is_file() and not is_snapshot(load):
            err(f"vpclab: error: no such file: {load}", err=True)
            raise typer.Exit(2)
        try:
            n = adopt_world(server_state, load_topology(load).world, load)
        except TopologyError as exc:
            for p in exc.problems:
                err(str(p), err=True)
            raise typer.Exit(1) from None
        except VpclabError as exc:
            err(f"{load}: {exc}", err=True)
            raise typer.Exit(1) from None
        if n == 0:
            err(f"vpclab: {state} already holds a World; {load} was not loaded again", err=True)
    from ..aws.security import is_loopback
    from ..web import UI_PATH, live_source, page_routes

    def refuse(request: Request) -> str | None:  # as the admin routes: loopback clients only
        host = request.client.host if request.client else None
        if is_loopback(host):
            return None
        return f"the page answers loopback clients only (not {host or 'unknown'})"

    page = page_routes(live_source(lambda: server_state.world, server_state.lock, refuse))
    app = create_app(server_state, default_vpc=default_vpc, allowed_hosts=allowed_hosts, verifier=verifier,
                     extra_routes=page)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    url = f"http://{host}:{port}"
    account, region = _main_account(server_state.world)
    err(f"vpclab: EC2 endpoint on {url} (state: {server_state.store.path})")
    err(f"  the page (topology, trace): {url}{UI_PATH}/")
    if load is not None:
        err(f"  loaded {load}: {len(server_state.world)} resources; mostly account {account} in {region}")
    key, secret = account, "lab"
    if verifier is not None:  # a key of the file (its secret is not printed)
        key, secret = next(iter(verifier.credentials)), "SECRET"
    err("Point the aws CLI at it (paste into a shell):")
    err(f"  export AWS_ENDPOINT_URL={url} AWS_ACCESS_KEY_ID={key} AWS_SECRET_ACCESS_KEY={secret} "
        f"AWS_DEFAULT_REGION={region}")
    err("  aws ec2 describe-vpcs")
    err("Or boto3 (paste into Python):")
    err(f'  import boto3; ec2 = boto3.client("ec2", endpoint_url="{url}", region_name="{region}", '
        f'aws_access_key_id="{key}", aws_secret_access_key="{secret}")')
    if verifier is None:
        err("The access key id is the account (any 12 digits); the secret is not checked. Ctrl-C stops.")
    else:
        err(f"Signatures are checked: use a key of {credentials_file} with its secret (SECRET above); its "
            "account_id is the account. Ctrl-C stops.")
    # Requests run in worker threads; the event loop answers /health and reads other clients'
    # requests between them. Every socket call the loop makes releases the GIL and must win it back
    # from a busy worker, which hands it over only every switch interval: at CPython's 5 ms, one
    # small answer that needs ~20 such calls waits ~100 ms behind a heavy request. 1 ms keeps
    # that wait under ~20 ms for a few percent of a heavy request's throughput (docs/benchmarks.md).
    sys.setswitchinterval(GIL_SWITCH_INTERVAL)
    _settle_heap()
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning",
                                           http=http_protocol()))
    with _stop_on_signals(server) as stopped:
        server.run()
    if stopped:
        # close the store first (the caller's ``finally``), then end as the signal asks (exit
        # status 128+N in a shell), as uvicorn itself would
        server_state.store.close()
        sys.stdout.flush()
        sys.stderr.flush()
        signal.signal(stopped[-1], signal.SIG_DFL)
        signal.raise_signal(stopped[-1])


def _settle_heap() -> None:
    """Move what exists before the first request (the modules, botocore's service models, a loaded
    World: ~87,000 objects with an empty World) out of the cyclic garbage collector's reach.

    CPython's full collection walks every tracked object; it runs when a quarter as many new
    objects have survived as the last one found, so a server that creates resources (CreateVpc adds
    four, with their rules and index entries) triggers it again and again, each time re-walking the
    start-up objects, which never die: ~3× the work of walking the World alone (issue 8;
    docs/benchmarks.md, "EC2 API throughput"). ``gc.freeze`` keeps them in a permanent generation;
    reference counting still frees them when released (a reset's World), only a reference cycle among
    them would outlive it (the resources are frozen dataclasses, without cycles).
    """
    gc.collect()
    gc.freeze()


@contextmanager
def _stop_on_signals(server: object) -> Iterator[list[int]]:
    """SIGINT and SIGTERM stop ``server`` gracefully; the signals received are listed.

    uvicorn installs its own handlers while it serves and, once it has shut down, restores these
    and raises the signal again, meant to end the process at once — before the state file is
    closed and its WAL checkpointed. These handlers take that second delivery (and one that
    arrives before uvicorn's are installed): they only ask the server to stop and note the
    signal, so that the store is closed first and the process ends by the signal after it.
    """
    stopped: list[int] = []

    def handle(signum: int, frame: FrameType | None) -> None:
        stopped.append(signum)
        server.should_exit = True  # type: ignore[attr-defined]

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stopped
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _listen_problem(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on, or None: bound and released again, as uvicorn binds it."""
    import errno
    import socket

    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        return f"cannot listen on {host}: {exc.strerror}"
    for family, kind, proto, _, address in addresses:
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(address)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    return f"port {port} on {host} is in use; choose another with --port (make run PORT=…)"
                return f"cannot listen on port {port} on {host}: {exc.strerror}"
    return None


def _main_account(world: object) -> tuple[str, str]:
    """The account and Region that own most of a loaded network (the default ones when empty)."""
    from collections import Counter

    from ..model.regions import DEFAULT_ACCOUNT, DEFAULT_REGION

    owners = Counter((r.owner_id, r.region) for r in world.resources() if r.owner_id.isdigit())  # type: ignore[attr-defined]
    return owners.most_common(1)[0][0] if owners else (DEFAULT_ACCOUNT, DEFAULT_REGION)


if __name__ == "__main__":  # ``python -m vpclab.cli.serve --port N``
    typer.run(serve)
