"""``vpclab export yaml|terraform|mermaid|dot|svg|png`` (docs/interop.md); describe-json is in
cli/snapshot.py, which owns the ``export`` Typer app."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from ..network import Network
from .common import EXIT_INVALID, check_files, err, load_file, usage
from .snapshot import _take, export_app

Source = Annotated[
    Path | None,
    typer.Argument(
        help="A topology file or a snapshot folder (or give --endpoint-url instead).", show_default=False
    ),
]
EndpointUrl = Annotated[
    str | None,
    typer.Option(
        help="Read a running server (vpclab serve) through its EC2 API instead of SOURCE; "
        "credentials and Region from the usual AWS environment.",
        show_default=False,
    ),
]
Regions = Annotated[
    str | None, typer.Option(help="With --endpoint-url: r1,r2 or 'all' (default: the profile's).")
]
Output = Annotated[
    Path | None, typer.Option("--output", "-o", help="File to write (default: standard output).")
]


def network(source: Path | None, endpoint_url: str | None, regions: str | None) -> tuple[Network, str]:
    """The network to export and what to call it: a file or folder, or a server read like any client
    reads it (a snapshot into a temporary folder, loaded)."""
    if (source is None) == (endpoint_url is None):
        usage("give SOURCE (a topology file or a snapshot folder) or --endpoint-url URL, one of them")
    if source is not None:
        check_files([source])
        return load_file(source), str(source)
    from botocore.exceptions import BotoCoreError, ClientError

    assert endpoint_url is not None
    with tempfile.TemporaryDirectory(prefix="vpclab-export-") as tmp:
        snap = Path(tmp) / "snapshot"
        try:
            _take(snap, regions=regions, endpoint_url=endpoint_url)
        except (BotoCoreError, ClientError) as exc:
            err().print(f"vpclab: error: {endpoint_url}: {exc}", markup=False)
            raise typer.Exit(EXIT_INVALID) from None
        return load_file(snap), endpoint_url


def _guarded(what: str, label: str, fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except Exception as exc:  # a bug in vpclab: say so plainly, still no traceback
        err().print(
            f"vpclab: internal error while exporting {label} as {what}: {type(exc).__name__}: {exc} "
            "(please report it with the source)",
            markup=False,
        )
        raise typer.Exit(EXIT_INVALID) from None


def _write(text: str | bytes, output: Path | None) -> None:
    if output is None:
        if isinstance(text, bytes):
            usage("a binary format needs --output FILE")
        typer.echo(text, nl=False)
        return
    if not output.parent.exists():
        usage(f"no such folder: {output.parent}")
    if isinstance(text, bytes):
        output.write_bytes(text)
    else:
        output.write_text(text, encoding="utf-8")


def _notes(notes: list[str]) -> None:
    for line in notes:
        err().print(f"note: {line}", markup=False)


@export_app.command("yaml")
def export_yaml(
    source: Source = None, output: Output = None, endpoint_url: EndpointUrl = None, regions: Regions = None
) -> None:
    """Write a network as a vpclab topology file that loads back to the same network.

    Names come from the source (a topology's names, a snapshot's Name tags; ids for the unnamed);
    resources refer to each other by name. What a topology file cannot say is listed as a note.

    Example: vpclab export yaml snap/ -o network.yaml
    """
    from ..interop.export_yaml import to_yaml

    net, label = network(source, endpoint_url, regions)
    text, notes = _guarded("yaml", label, lambda: to_yaml(net, label))
    _write(text, output)
    _notes(notes)


@export_app.command("terraform")
def export_terraform(
    source: Source = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (with --split: the folder).")
    ] = None,
    split: Annotated[
        bool, typer.Option(help="One file per VPC (vpc-NAME.tf), main.tf and providers.tf.")
    ] = False,
    endpoint_url: EndpointUrl = None,
    regions: Regions = None,
) -> None:
    """Write a network as Terraform HCL for the AWS provider.

    References instead of literal ids (vpc_id = aws_vpc.app.id), one provider per account and Region
    (aliases), each resource's name as its Name tag: review it, then `terraform plan` against AWS.

    Example: vpclab export terraform examples/two-peered-vpcs.yaml -o main.tf
    """
    from ..interop.export_terraform import export_terraform as write

    if split and output is None:
        usage("--split writes a folder: give it with --output DIR")
    net, label = network(source, endpoint_url, regions)
    result = _guarded("terraform", label, lambda: write(net, split=split))
    if split:
        assert output is not None
        output.mkdir(parents=True, exist_ok=True)
        for name, text in result.files.items():
            (output / name).write_text(text, encoding="utf-8")
        err().print(
            f"wrote {len(result.files)} files to {output}: {', '.join(sorted(result.files))}", markup=False
        )
    else:
        _write(result.files["main.tf"], output)
    _notes(result.notes)


def _diagram(
    fmt: str, source: Path | None, output: Path | None, endpoint_url: str | None, regions: str | None
) -> None:
    from ..interop.export_diagram import GraphvizError, diagram, render_with_dot, to_dot, to_mermaid

    net, label = network(source, endpoint_url, regions)
    graph = _guarded(fmt, label, lambda: diagram(net))
    if fmt == "mermaid":
        _write(to_mermaid(graph), output)
        return
    dot = to_dot(graph, title=Path(label).name or label)
    if fmt == "dot":
        _write(dot, output)
        return
    if fmt == "png" and output is None:
        usage("png is binary: give --output FILE")
    try:
        _write(render_with_dot(dot, fmt), output)
    except GraphvizError as exc:
        err().print(f"vpclab: error: {exc}", markup=False)
        raise typer.Exit(EXIT_INVALID) from None


@export_app.command("mermaid")
def export_mermaid(
    source: Source = None, output: Output = None, endpoint_url: EndpointUrl = None, regions: Regions = None
) -> None:
    """Draw a network as a Mermaid flowchart (Markdown renders it on GitHub and GitLab).

    Regions, accounts and VPCs are nested boxes; one node per subnet, gateway and endpoint; transit
    gateways with their route tables; peering, attachment, VPN and Direct Connect edges; on-premises.

    Example: vpclab export mermaid examples/tgw-segmentation.yaml -o network.mmd
    """
    _diagram("mermaid", source, output, endpoint_url, regions)


@export_app.command("dot")
def export_dot(
    source: Source = None, output: Output = None, endpoint_url: EndpointUrl = None, regions: Regions = None
) -> None:
    """Draw a network as a Graphviz dot graph (the same drawing as mermaid).

    Example: vpclab export dot examples/hybrid-dx-vpn.yaml -o network.dot
    """
    _diagram("dot", source, output, endpoint_url, regions)


@export_app.command("svg")
def export_svg(
    source: Source = None, output: Output = None, endpoint_url: EndpointUrl = None, regions: Regions = None
) -> None:
    """Draw a network as SVG with Graphviz's dot program (Debian package graphviz).

    Example: vpclab export svg examples/hybrid-dx-vpn.yaml -o network.svg
    """
    _diagram("svg", source, output, endpoint_url, regions)


@export_app.command("png")
def export_png(
    source: Source = None, output: Output = None, endpoint_url: EndpointUrl = None, regions: Regions = None
) -> None:
    """Draw a network as PNG with Graphviz's dot program (Debian package graphviz).

    Example: vpclab export png examples/hybrid-dx-vpn.yaml -o network.png
    """
    _diagram("png", source, output, endpoint_url, regions)
