"""``vpclab advise``: candidate designs for a network checked against its intents, and the
break-even picture of mesh, transit gateway and sharing (docs/advisor.md)."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.table import Table

from ..advisor import PriceError, load_prices
from ..advisor.cost import cents
from .advisor import PricesOpt
from .common import EXIT_INVALID, EXIT_OK, Format, check_files, err, load_file, out, usage
from .reach import FormatOpt

if TYPE_CHECKING:
    from ..advisor.advise import Candidate


def advise(
    source: Annotated[
        Path | None,
        typer.Argument(
            help="A topology file, a snapshot folder or a Terraform plan/state .json: the VPCs "
            "to design for (not with --sweep).",
            show_default=False,
            metavar="[SOURCE]",
        ),
    ] = None,
    intents_file: Annotated[
        Path | None,
        typer.Option(
            "--intents",
            "-i",
            metavar="FILE",
            show_default=False,
            help="What must and must never reach what (with SOURCE): a candidate that breaks one is "
            "rejected.",
        ),
    ] = None,
    traffic: Annotated[
        Path | None,
        typer.Option(
            "--traffic",
            "-t",
            metavar="FILE",
            show_default=False,
            help="Flows and monthly volumes (with SOURCE): each candidate's flows are priced along "
            "their paths.",
        ),
    ] = None,
    write_dir: Annotated[
        Path | None,
        typer.Option(
            "--write-dir",
            metavar="DIR",
            show_default=False,
            help="Write each candidate as a topology file DIR/DESIGN.yaml (to trace, view, export).",
        ),
    ] = None,
    sweep_range: Annotated[
        str | None,
        typer.Option(
            "--sweep",
            metavar="AXIS=A..B[:STEP]",
            show_default=False,
            help="vpcs=2..60 (the number of VPCs) or pair_gb=0..1000 (GB a "
            "month between each pair of workloads); about a dozen "
            "points unless :STEP is given.",
        ),
    ] = None,
    vpcs: Annotated[int, typer.Option("--vpcs", min=2, max=250, help="VPCs, when sweeping pair_gb.")] = 10,
    pair_gb: Annotated[
        int,
        typer.Option(
            "--pair-gb",
            min=0,
            help="GB a month each ordered pair of workloads exchanges, when sweeping vpcs.",
        ),
    ] = 100,
    azs: Annotated[
        int, typer.Option("--azs", min=1, max=3, help="Availability Zones the workloads are spread over.")
    ] = 2,
    quota_mode: Annotated[
        str,
        typer.Option(
            "--quotas",
            metavar="lab|aws-default",
            help="lab: quotas at AWS's maximums (what can be built at all); aws-default: a new account's "
            "(what needs no increase).",
        ),
    ] = "lab",
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FILE.svg|FILE.png",
            show_default=False,
            help="Also draw the picture (needs matplotlib: vpclab[plot]).",
        ),
    ] = None,
    files: PricesOpt = None,
    format: FormatOpt = Format.table,
) -> None:
    """Choose the design. With SOURCE and --intents: the same VPCs joined each way AWS offers — your
    design, a full mesh of peerings, a transit gateway hub, one shared VPC, PrivateLink for
    service-style flows — each built through AWS's rules, checked against the intents, and
    compared on monthly cost, connections and routes to manage, and quotas to raise; the cheapest
    that keeps every intent is recommended.

    With --sweep: the break-even picture — mesh, hub and shared VPC over generated VPCs, priced as
    the number of VPCs or the traffic grows.

    Exit code 1 when no candidate keeps every intent, on a bad --sweep, intents or price file; 2 if
    a file is missing or the options do not go together.

    Example:  vpclab advise examples/full-mesh-vs-tgw.yaml --intents examples/intents/full-mesh-vs-tgw.yaml

               vpclab advise --sweep vpcs=2..12:5 --pair-gb 50
    """
    if sweep_range is None:
        if source is None or intents_file is None:
            usage(
                "give SOURCE and --intents FILE (candidate designs), "
                "or --sweep AXIS=A..B (the break-even picture)"
            )
        _candidates(source, intents_file, traffic, write_dir, files or [], format)
    if source is not None or intents_file is not None or traffic is not None or write_dir is not None:
        usage("--sweep designs over generated VPCs: it takes no SOURCE, --intents, --traffic or --write-dir")
    _sweep(sweep_range, vpcs, pair_gb, azs, quota_mode, out_file, files or [], format)


def _sweep(
    sweep_range: str,
    vpcs: int,
    pair_gb: int,
    azs: int,
    quota_mode: str,
    out_file: Path | None,
    files: list[Path],
    format: Format,
) -> None:

    from ..advisor.plot import PlotError, check, draw
    from ..advisor.sweep import first_increases, parse_range, same_cost, sweep

    check_files(files)
    try:
        if quota_mode not in ("lab", "aws-default"):
            raise ValueError(f"--quotas must be lab or aws-default, not {quota_mode!r}")
        axis, values = parse_range(sweep_range)
        if out_file is not None:
            check(out_file)
        result = sweep(
            axis,
            values,
            load_prices(*files),
            vpcs=vpcs,
            pair_gb=Decimal(pair_gb),
            azs=azs,
            quotas=quota_mode,
        )
        if out_file is not None:
            draw(result, out_file)
    except (ValueError, PriceError, PlotError) as exc:
        err().print(f"vpclab: error: {exc}", markup=False)
        raise typer.Exit(EXIT_INVALID) from None
    if format is Format.json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
        raise typer.Exit(EXIT_OK)
    grid = Table(title=f"Monthly cost by design (USD; workloads over {azs} AZ(s))", title_justify="left")
    xcol = "VPCs" if axis == "vpcs" else "GB/pair"
    grid.add_column(xcol, justify="right")
    grid.add_column("design")
    grid.add_column("$/month", justify="right")
    grid.add_column("connections", justify="right")
    grid.add_column("routes/table", justify="right")
    for p in result.points:
        x = str(p.vpcs) if axis == "vpcs" else f"{p.pair_gb}"
        if p.buildable:
            grid.add_row(x, p.design, f"{cents(p.total)}", str(p.connections), str(p.routes_per_table))
        else:
            grid.add_row(x, p.design, "cannot be built", "-", "-")
    console = out()
    console.print(grid)
    for p in result.points:
        if not p.buildable:
            console.print(f"{p.design} of {p.vpcs} VPCs cannot be built: {p.error}", markup=False)
    for d, q, at in first_increases(result.points, axis):
        where = f"{at:g} {'VPCs' if axis == 'vpcs' else 'GB a pair'}"
        console.print(f"{d}: {q} must be raised above AWS's default from {where} on", markup=False)
    for a, b in same_cost(result.points):
        console.print(f"{a} and {b} cost the same at every point", markup=False)
    for a, b, at in result.crossings:
        console.print(
            f"break-even: {a} and {b} cost the same at {at:g} {axis.replace('_', ' ')}", markup=False
        )
    if not result.crossings:
        console.print("no break-even point in this range: no design overtakes another", markup=False)
    if out_file is not None:
        console.print(f"wrote {out_file}", markup=False)
    raise typer.Exit(EXIT_OK)


def _candidates(
    source: Path,
    intents_file: Path,
    traffic: Path | None,
    write_dir: Path | None,
    files: list[Path],
    format: Format,
) -> NoReturn:
    from ..advisor.advise import advise, recommended
    from ..advisor.traffic import TrafficError, load_traffic
    from ..interop.export_yaml import dump
    from ..network.intents import IntentError, load_intents

    check_files([source, intents_file, *([traffic] if traffic else []), *files])
    if write_dir is not None and write_dir.exists() and not write_dir.is_dir():
        usage(f"--write-dir {write_dir} is a file, not a folder")
    net = load_file(source)
    try:
        intents = load_intents(intents_file)
        flows = load_traffic(traffic) if traffic else []
        candidates = advise(net, intents, load_prices(*files), flows)
    except (IntentError, TrafficError) as exc:
        for p in exc.problems:
            err().print(str(p), markup=False)
        raise typer.Exit(EXIT_INVALID) from None
    except PriceError as exc:
        err().print(f"vpclab: error: {exc}", markup=False)
        raise typer.Exit(EXIT_INVALID) from None
    best = recommended(candidates)
    if write_dir is not None:
        write_dir.mkdir(parents=True, exist_ok=True)
        for c in candidates:
            if c.document is not None:
                (write_dir / f"{c.design}.yaml").write_text(dump(c.document), encoding="utf-8")
    if format is Format.json:
        doc = {"candidates": [c.to_dict() for c in candidates], "recommended": best.design if best else None}
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    else:
        _candidate_table(candidates, best, write_dir)
    raise typer.Exit(EXIT_OK if best is not None else EXIT_INVALID)


def _candidate_table(candidates: list[Candidate], best: Candidate | None, write_dir: Path | None) -> None:
    from ..advisor.advise import NOT_APPLICABLE

    grid = Table(title="Candidate designs (USD a month)", title_justify="left")
    grid.add_column("design", no_wrap=True)
    grid.add_column("intents", justify="right")
    grid.add_column("$/month", justify="right")
    grid.add_column("connections", justify="right")
    grid.add_column("routes", justify="right")
    grid.add_column("to raise", justify="right")
    for c in candidates:
        if c.error is not None:
            shown = "cannot be built"
            if c.error.startswith(NOT_APPLICABLE):
                shown = "n/a"
            elif c.error.startswith("its "):
                shown = "-"
            grid.add_row(c.design, "-", shown, "-", "-", "-")
            continue
        kept = f"{c.intents - len(c.violated)}/{c.intents}"
        grid.add_row(
            c.design + (" ✔" if best is c else ""),
            kept,
            f"{cents(c.total)}",
            str(c.connections),
            str(c.routes),
            str(len(c.increases)),
        )
    console = out()
    console.print(grid)
    for c in candidates:
        if c.error is not None:
            console.print(f"{c.design}: {c.error}", markup=False)
        for title in c.violated:
            console.print(f"{c.design}: rejected, breaks intent: {title}", markup=False)
        for over in c.over_limits:
            console.print(f"{c.design}: over a limit no increase lifts: {over}", markup=False)
        if c.increases and c.error is None:
            console.print(
                f"{c.design}: quotas to raise above AWS's defaults: {', '.join(c.increases)}", markup=False
            )
        for note in c.notes:
            console.print(f"{c.design}: {note}", markup=False)
    if best is None:
        console.print("no candidate keeps every intent", markup=False)
    else:
        console.print(
            f"recommended: {best.design} — the cheapest that keeps every intent "
            f"(${cents(best.total)}/month, {best.connections} connections, {best.routes} routes)",
            markup=False,
        )
    if write_dir is not None:
        console.print(
            f"wrote {', '.join(f'{c.design}.yaml' for c in candidates if c.document is not None)} "
            f"to {write_dir}",
            markup=False,
        )
