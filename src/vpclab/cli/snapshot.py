"""``vpclab snapshot aws`` and ``vpclab export describe-json`` (docs/interop.md)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from .common import EXIT_INVALID, check_files, err, load_file, out

snapshot_app = typer.Typer(
    help="Take a read-only snapshot of live networks (see docs/interop.md).\n\n"
    "Example:  vpclab snapshot aws --help",
    no_args_is_help=True,
)
export_app = typer.Typer(
    help="Write a network out in another format: yaml, terraform, describe-json, mermaid, dot, svg, png "
    "(see docs/interop.md).\n\n"
    "Example:  vpclab export terraform examples/two-peered-vpcs.yaml -o main.tf",
    no_args_is_help=True,
)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("vpclab")
    except PackageNotFoundError:
        return "0+unknown"


def _summary(result: Any) -> None:
    console = out()
    items = sum(result.counts.values())
    console.print(
        f"snapshot of {len(result.accounts)} account(s) {', '.join(result.accounts)} in "
        f"{len(result.regions)} Region(s) {', '.join(result.regions)}: {result.files} files, "
        f"{items} items → {result.out}",
        markup=False,
    )
    for line in result.failures:
        err().print(f"not captured: {line}", markup=False)


def _take(out_dir: Path, **kwargs: Any) -> Any:
    from ..interop.snapshot_aws import take

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err(), transient=True
    ) as bar:
        task = bar.add_task("starting", total=None)
        return take(
            out_dir, progress=lambda what: bar.update(task, description=what), version=_version(), **kwargs
        )


@snapshot_app.command("aws")
def snapshot_aws(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write (aws_configs/<account>/<region>/*.json).")],
    profile: Annotated[
        str | None, typer.Option(help="AWS profile (default: the usual credential chain).")
    ] = None,
    regions: Annotated[
        str | None, typer.Option(help="r1,r2 or 'all' (default: the profile's Region).")
    ] = None,
    role_arn: Annotated[
        list[str] | None,
        typer.Option(help="Also snapshot the account of this role (AssumeRole); repeatable."),
    ] = None,
    endpoint_url: Annotated[
        str | None, typer.Option(help="Another EC2 endpoint (vpclab serve, moto).")
    ] = None,
) -> None:
    """Snapshot live accounts with read-only Describe/Get/List calls.

    Example: vpclab snapshot aws snap/ --regions us-east-1,eu-west-1
    """
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        result = _take(
            out_dir, profile=profile, regions=regions, role_arns=role_arn or [], endpoint_url=endpoint_url
        )
    except (BotoCoreError, ClientError) as exc:
        err().print(f"vpclab: error: {exc}", markup=False)
        raise typer.Exit(EXIT_INVALID) from None
    _summary(result)


@export_app.command("describe-json")
def export_describe_json(
    source: Annotated[Path, typer.Argument(help="A topology file or a snapshot folder.")],
    out_dir: Annotated[Path, typer.Argument(help="Folder to write, in the snapshot layout.")],
) -> None:
    """Write a network as AWS's describe output (the layout of ``vpclab snapshot aws``).

    The World is served by vpclab's own EC2 endpoint on a loopback port for the time of the export
    and read back with the same read-only calls a live snapshot makes, so every file is what
    DescribeX answers.

    Example: vpclab export describe-json examples/two-peered-vpcs.yaml out/
    """
    check_files([source])
    net = load_file(source)
    if out_dir.resolve() == source.resolve():
        err().print("vpclab: error: OUT_DIR is the source", markup=False)
        raise typer.Exit(2)
    if out_dir.exists() and (out_dir / "aws_configs").is_dir():
        shutil.rmtree(out_dir / "aws_configs")
    result = _served(net.world, source, out_dir)
    _summary(result)


def _served(world: Any, source: Path, out_dir: Path) -> Any:
    import boto3
    import uvicorn

    from ..aws.server import adopt_world, create_app, open_state
    from ..model.regions import DEFAULT_REGION

    accounts = sorted({r.owner_id for r in world.resources() if getattr(r, "owner_id", "").isdigit()})
    regions = sorted({r.region for r in world.resources() if getattr(r, "region", None)}) or [DEFAULT_REGION]
    state = open_state(":memory:")
    adopt_world(state, world, source)
    with socket.socket() as probe:  # a free loopback port, for the time of the export
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(create_app(state, default_vpc=False), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        sessions = [
            boto3.Session(aws_access_key_id=a, aws_secret_access_key="lab", region_name=regions[0])
            for a in accounts
        ]
        return _take(
            out_dir, regions=",".join(regions), endpoint_url=f"http://127.0.0.1:{port}", sessions=sessions
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        state.store.close()
