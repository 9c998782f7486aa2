"""``vpclab serve``: the EC2 Query endpoint on loopback, for boto3, the aws CLI and Terraform."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from ..aws.store import DEFAULT_STATE_PATH, MEMORY

#: the port ``vpclab serve`` listens on unless told otherwise
DEFAULT_PORT = 4566
#: exit code when the endpoint cannot start: its port is in use (or cannot be listened on), or its
#: state file is unusable (docs/cli.md); nothing but that one line on stderr is printed
EXIT_CANNOT_START = 3


def serve(
    host: Annotated[
        str,
        typer.Option(help="Address to listen on (loopback by default; the endpoint has no authentication)."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port to listen on.", min=1, max=65535)] = DEFAULT_PORT,
    state: Annotated[str, typer.Option(help=f"SQLite state file, or {MEMORY} for a throwaway World.")] = str(
        DEFAULT_STATE_PATH
    ),
    load: Annotated[
        Path | None, typer.Option(help="Start from this YAML network (only into an empty state).")
    ] = None,
    no_default_vpc: Annotated[
        bool, typer.Option("--no-default-vpc", help="Do not give each account and Region a default VPC.")
    ] = False,
    seed: Annotated[int | None, typer.Option(help="Deterministic resource ids (for tests).")] = None,
) -> None:
    """Serve the EC2 Query API (and STS GetCallerIdentity) backed by vpclab's rules.

    Example:

        vpclab serve --port 4566 --state :memory:

        AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_ACCESS_KEY_ID=111111111111 AWS_SECRET_ACCESS_KEY=x \\
        aws ec2 describe-vpcs --region us-east-1
    """
    import uvicorn

    from ..aws.server import adopt_world, create_app, http_protocol, open_state
    from ..aws.store import StateFileError
    from ..core.errors import VpclabError
    from ..topology import TopologyError
    from ..topology import load as load_topology

    err = typer.echo
    problem = _listen_problem(host, port)  # before the state file is touched and before any banner
    if problem is not None:
        err(f"vpclab: {problem}", err=True)
        raise typer.Exit(EXIT_CANNOT_START)
    try:
        server_state = open_state(state, seed=seed)
    except StateFileError as exc:
        err(f"vpclab: error: {exc}", err=True)
        raise typer.Exit(EXIT_CANNOT_START) from None
    if load is not None:
        if not load.is_file():
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
    app = create_app(server_state, default_vpc=not no_default_vpc)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    url = f"http://{host}:{port}"
    account, region = _main_account(server_state.world)
    err(f"vpclab: EC2 endpoint on {url} (state: {server_state.store.path})")
    if load is not None:
        err(f"  loaded {load}: {len(server_state.world)} resources; mostly account {account} in {region}")
    err("Point the aws CLI at it (paste into a shell):")
    err(f"  export AWS_ENDPOINT_URL={url} AWS_ACCESS_KEY_ID={account} AWS_SECRET_ACCESS_KEY=lab "
        f"AWS_DEFAULT_REGION={region}")
    err("  aws ec2 describe-vpcs")
    err("Or boto3 (paste into Python):")
    err(f'  import boto3; ec2 = boto3.client("ec2", endpoint_url="{url}", region_name="{region}", '
        f'aws_access_key_id="{account}", aws_secret_access_key="lab")')
    err("The access key id is the account (any 12 digits); the secret is not checked. Ctrl-C stops.")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", http=http_protocol())
    finally:
        server_state.store.close()


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
