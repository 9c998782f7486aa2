"""``vpclab prices`` and ``vpclab cost``: AWS's prices, and what a design costs (docs/advisor.md)."""

from __future__ import annotations

import csv
import json
import sys
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ..advisor import PriceError, load_prices
from ..advisor.cost import cents
from .common import EXIT_INVALID, EXIT_OK, Format, check_files, err, load_file, out, usage

if TYPE_CHECKING:
    from ..advisor.cost import Charge, CostReport
    from ..network import Network


def prices(
    region: Annotated[
        str | None,
        typer.Option(
            "--region", "-r", metavar="REGION", help="Only this Region's prices.", show_default=False
        ),
    ] = None,
    files: Annotated[
        list[Path] | None,
        typer.Option(
            "--prices",
            metavar="FILE",
            show_default=False,
            help="A price table of your own (same format as the shipped one) replacing or adding prices "
            "per key and Region: discounts, other Regions. Repeatable; later files win.",
        ),
    ] = None,
    format: Annotated[
        Format,
        typer.Option("--format", "-f", help="table (for people) or json (for tools).", metavar="table|json"),
    ] = Format.table,
) -> None:
    """Print the prices vpclab costs designs with: per price, its unit, the price per Region, the
    AWS pricing page it comes from and the date it was read.

    Exit code 1 if a --prices file is invalid or the Region has no prices, 2 if a file is missing.

    Example:  vpclab prices --region us-east-1
    """
    for f in files or []:
        if not f.is_file():
            usage(f"no such file: {f}")
    try:
        table = load_prices(*(files or []))
        if region is not None:
            for key in table.prices:
                table.get(key, region)  # every price must be known there: say which one is not
    except PriceError as exc:
        err().print(f"vpclab: error: {exc}", markup=False)
        raise typer.Exit(EXIT_INVALID) from None
    regions = [region] if region else sorted({r for p in table.prices.values() for r in p.usd})
    if format is Format.json:
        doc = {
            "currency": "USD",
            "hours_per_month": str(table.hours_per_month),
            "sources": list(table.sources),
            "prices": [
                {
                    "key": p.key,
                    "unit": p.unit,
                    "usd": {r: str(p.usd[r]) for r in regions if r in p.usd},
                    "page": p.page,
                    "read": p.read.isoformat(),
                    "note": p.note,
                }
                for p in table.prices.values()
            ],
        }
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return
    grid = Table(title=f"AWS prices (USD; a month is {table.hours_per_month} hours)", title_justify="left")
    grid.add_column("price, per unit", overflow="fold")
    for r in regions:
        grid.add_column(r, justify="right", no_wrap=True, min_width=len(r))
    dates = {p.read for p in table.prices.values()}
    if len(dates) > 1:
        grid.add_column("read", no_wrap=True)
    pages: dict[str, list[str]] = {}
    for p in table.prices.values():
        read = [p.read.isoformat()] if len(dates) > 1 else []
        grid.add_row(f"{p.key}\n  per {p.unit}", *(_money(p.usd.get(r)) for r in regions), *read)
        pages.setdefault(p.page, []).append(p.key)
    console = out()
    console.print(grid)
    said = f", all read {next(iter(dates)).isoformat()}" if len(dates) == 1 else ""
    console.print(f"AWS pricing pages{said}:", markup=False)
    for page, keys in pages.items():
        console.print(f"  {page}  ({', '.join(keys)})", markup=False)
    console.print(
        f"from {' + '.join(table.sources)}; `vpclab prices --format json` adds each price's note",
        markup=False,
    )


def _money(value: object) -> str:
    return "-" if value is None else f"${value}"


class CostFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def cost(
    file: Annotated[
        Path,
        typer.Argument(
            help="A topology file, a snapshot folder or a Terraform plan/state .json.",
            show_default=False,
            metavar="SOURCE",
        ),
    ],
    traffic: Annotated[
        Path | None,
        typer.Option(
            "--traffic",
            "-t",
            metavar="FILE",
            show_default=False,
            help="Flows and their monthly volumes (YAML, docs/advisor.md); without it only the fixed costs.",
        ),
    ] = None,
    files: Annotated[
        list[Path] | None,
        typer.Option(
            "--prices",
            metavar="FILE",
            show_default=False,
            help="Your own prices (same format as `vpclab prices`' table); repeatable.",
        ),
    ] = None,
    format: Annotated[
        CostFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="table|json|csv",
            help="table (for people), json or csv (one row per charge).",
        ),
    ] = CostFormat.table,
) -> None:
    """What a network costs a month: the fixed cost of each component (hours × price) and, with
    --traffic, what each flow costs along the path it takes (transit gateway and NAT processing,
    endpoints, cross-AZ, inter-Region and data out) — per component, per account and VPC, per flow.
    A blocked flow is reported as blocked, not costed.

    Exit code 1 if the source, the traffic file or a price is missing or invalid, 2 if a file is missing.

    Example:  vpclab cost examples/centralized-egress.yaml --traffic examples/traffic/centralized-egress.yaml
    """
    from ..advisor.cost import cost as compute
    from ..advisor.traffic import TrafficError, load_traffic
    from ..network.intents import IntentError

    check_files([file, *([traffic] if traffic else []), *(files or [])])
    net = load_file(file)
    try:
        flows = load_traffic(traffic) if traffic else []
        report = compute(net, load_prices(*(files or [])), flows)
    except (TrafficError, IntentError) as exc:
        for p in exc.problems:
            err().print(str(p), markup=False)
        raise typer.Exit(EXIT_INVALID) from None
    except PriceError as exc:
        err().print(f"vpclab: error: {exc}", markup=False)
        raise typer.Exit(EXIT_INVALID) from None
    if format is CostFormat.json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
    elif format is CostFormat.csv:
        _csv(report)
    else:
        _cost_tables(report, net)
    raise typer.Exit(EXIT_OK)


def _csv(report: CostReport) -> None:
    rows = [c.to_dict() for c in report.charges]
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["kind"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def _cost_tables(report: CostReport, net: Network) -> None:
    console = out()
    components: dict[tuple[str, str, str], list[Charge]] = {}
    for c in report.charges:
        components.setdefault((c.kind, c.component, c.price), []).append(c)
    for kind, title in (
        ("fixed", "Fixed: what the components cost to keep"),
        ("usage", "Usage: what the flows cost along their paths"),
    ):
        grid = Table(title=f"{title} (USD/month)", title_justify="left")
        for col, justify in (
            ("component", "left"),
            ("price", "left"),
            ("quantity", "right"),
            ("$/month", "right"),
        ):
            grid.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
        rows = [(k, v) for k, v in components.items() if k[0] == kind]
        for (_, rid, price), lines in rows:
            first = lines[0]
            qty = sum((x.quantity for x in lines), Decimal(0))
            unit = "h" if kind == "fixed" else "GB"
            grid.add_row(
                f"{first.name or rid}\n  {first.component_type}, {first.region}",
                price,
                f"{qty.normalize():f} {unit}",
                f"{cents(sum((x.usd for x in lines), Decimal(0)))}",
            )
        if rows:
            console.print(grid)
    if report.flows:
        grid = Table(title="Flows (USD/month)", title_justify="left")
        for col in ("flow", "source → destination", "GB/month", "crosses", "$/month"):
            grid.add_column(
                col, overflow="fold", justify="right" if col in ("GB/month", "$/month") else "left"
            )
        for f in report.flows:
            money = f"{cents(f.usd)}" if f.status == "costed" else "blocked: " + ", ".join(f.codes)
            grid.add_row(
                f.flow,
                f"{f.source} → {f.destination}",
                f"{f.gb.normalize():f}",
                " + ".join(f.crosses) or "-",
                money,
            )
        console.print(grid)
    grid = Table(title="By account and VPC (USD/month)", title_justify="left")
    grid.add_column("account")
    grid.add_column("VPC")
    grid.add_column("$/month", justify="right")
    by_both: dict[tuple[str, str], Decimal] = {}
    for c in report.charges:
        key = (net.account_name(c.account), (net.name(c.vpc) or c.vpc) if c.vpc else "-")
        by_both[key] = by_both.get(key, Decimal(0)) + c.usd
    for (acct, vpc), usd in sorted(by_both.items(), key=lambda kv: (-kv[1], kv[0])):
        grid.add_row(acct, vpc, f"{cents(usd)}")
    console.print(grid)
    blocked = len(report.blocked)
    said = f"; {blocked} flow(s) blocked, not costed" if blocked else ""
    console.print(
        f"total ${cents(report.total)}/month: fixed ${cents(report.fixed)} + usage "
        f"${cents(report.usage)} (a month is {report.hours_per_month} hours; prices from "
        f"{' + '.join(report.sources)}){said}",
        markup=False,
    )


def quotas(
    file: Annotated[
        Path,
        typer.Argument(
            help="A topology file, a snapshot folder or a Terraform plan/state .json.",
            show_default=False,
            metavar="SOURCE",
        ),
    ],
    everything: Annotated[
        bool,
        typer.Option(
            "--all", help="Every scope (each VPC, table, gateway…), not only the most used one per quota."
        ),
    ] = False,
    format: Annotated[
        Format,
        typer.Option("--format", "-f", help="table (for people) or json (for tools).", metavar="table|json"),
    ] = Format.table,
) -> None:
    """Quota headroom: for every AWS quota vpclab knows, how much the network uses (the most used
    VPC, route table, transit gateway, account and Region…), AWS's default and maximum, whether it
    is adjustable, and a warning where a design needs a quota increase or is within 20% of a limit.

    Exit code 1 if the network is over a hard limit or AWS's maximum (no quota increase can make
    room), 2 if a file is missing.

    Example:  vpclab quotas examples/full-mesh-vs-tgw.yaml
    """
    from ..advisor.headroom import headroom

    check_files([file])
    net = load_file(file)
    uses = headroom(net.world, everything=everything)
    blocked = [u for u in uses if not u.buildable]
    if format is Format.json:
        doc = {"quotas": [dict(u.to_dict(), name=net.name(u.scope)) for u in uses], "buildable": not blocked}
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    else:
        grid = Table(
            title="Quota headroom (the most used scope per quota)"
            if not everything
            else "Quota headroom (every scope)",
            title_justify="left",
        )
        grid.add_column("quota", no_wrap=True)
        grid.add_column("scope", overflow="fold")
        for col in ("used", "default", "max"):
            grid.add_column(col, justify="right", no_wrap=True)
        notes: list[str] = []
        for u in uses:
            scope = net.name(u.scope) or (
                net.account_name(u.account) + "/" + u.region
                if u.scope == f"{u.account}/{u.region}"
                else u.scope
            )
            limit = "hard" if not u.adjustable else ("-" if u.maximum is None else str(u.maximum))
            mark = " !" if u.warning else ""
            grid.add_row(u.quota + mark, scope, str(u.used), str(u.default), limit)
            if u.warning:
                notes.append(f"! {u.quota} at {scope}: {u.warning}")
        console = out()
        console.print(grid)
        console.print(
            "default: AWS's value for a new account; max: the most AWS allows after an increase "
            "(hard: not adjustable; -: AWS documents no maximum)",
            markup=False,
        )
        for line in notes:
            console.print(line, markup=False)
        warned = sum(1 for u in uses if u.warning)
        console.print(
            f"{len(uses)} quota scope(s) in use, {warned} with a warning; "
            f"{len(blocked)} over a limit no increase can lift",
            markup=False,
        )
    raise typer.Exit(EXIT_INVALID if blocked else EXIT_OK)


def advise(
    sweep_range: Annotated[
        str,
        typer.Option(
            "--sweep",
            metavar="AXIS=A..B[:STEP]",
            show_default=False,
            help="vpcs=2..60 (the number of VPCs) or pair_gb=0..1000 (GB a "
            "month between each pair of workloads); about a dozen "
            "points unless :STEP is given.",
        ),
    ],
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
    files: Annotated[
        list[Path] | None,
        typer.Option("--prices", metavar="FILE", show_default=False, help="Your own prices; repeatable."),
    ] = None,
    format: Annotated[
        Format,
        typer.Option("--format", "-f", metavar="table|json", help="table (for people) or json (for tools)."),
    ] = Format.table,
) -> None:
    """The break-even picture: a full mesh of VPC peerings, a transit gateway hub and one shared VPC
    built over the same VPCs (real networks, through AWS's rules) and priced a month as the number
    of VPCs or the traffic grows — with the connections each needs and the quotas to raise.

    Exit code 1 on a bad --sweep or price, 2 if a file is missing.

    Example:  vpclab advise --sweep vpcs=2..12:5 --pair-gb 50
    """
    from decimal import Decimal

    from ..advisor.plot import PlotError, check, draw
    from ..advisor.sweep import first_increases, parse_range, same_cost, sweep

    check_files(list(files or []))
    try:
        if quota_mode not in ("lab", "aws-default"):
            raise ValueError(f"--quotas must be lab or aws-default, not {quota_mode!r}")
        axis, values = parse_range(sweep_range)
        if out_file is not None:
            check(out_file)
        result = sweep(
            axis,
            values,
            load_prices(*(files or [])),
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
