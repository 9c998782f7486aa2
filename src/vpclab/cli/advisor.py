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
from .common import EXIT_INVALID, EXIT_OK, Format, check_files, err, out, usage
from .export import EndpointUrl, Regions, network
from .reach import FormatOpt

if TYPE_CHECKING:
    from ..advisor.cost import Charge, CostReport
    from ..network import Network


#: what the advisor's commands share: the network (a file, a snapshot folder, a plan, or a running
#: server read like any client reads it: export's --endpoint-url) and your own prices (the format
#: option is reach's)
ServedSource = Annotated[
    Path | None,
    typer.Argument(
        help="A topology file, a snapshot folder or a Terraform plan/state .json (or give --endpoint-url).",
        show_default=False,
        metavar="[SOURCE]",
    ),
]
PricesOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--prices",
        metavar="FILE",
        show_default=False,
        help="A price table of your own (the format of `vpclab prices`' table) replacing or adding prices "
        "per key and Region: discounts, other Regions. Repeatable; later files win.",
    ),
]


def prices(
    region: Annotated[
        str | None,
        typer.Option(
            "--region", "-r", metavar="REGION", help="Only this Region's prices.", show_default=False
        ),
    ] = None,
    files: PricesOpt = None,
    format: FormatOpt = Format.table,
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
    file: ServedSource = None,
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
    files: PricesOpt = None,
    format: Annotated[
        CostFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="table|json|csv",
            help="table (for people), json or csv (one row per charge).",
        ),
    ] = CostFormat.table,
    endpoint_url: EndpointUrl = None,
    regions: Regions = None,
) -> None:
    """What a network costs a month: the fixed cost of each component (hours × price) and, with
    --traffic, what each flow costs along the path it takes (transit gateway and NAT processing,
    endpoints, cross-AZ, inter-Region and data out) — per component, per account and VPC, per flow.
    A blocked flow is reported as blocked, not costed.

    Exit code 1 if the source, the traffic file or a price is missing or invalid, 2 if a file is missing.

    With --endpoint-url instead of SOURCE, a running `vpclab serve` is read through its EC2 API.

    Example:  vpclab cost examples/centralized-egress.yaml --traffic examples/traffic/centralized-egress.yaml
    """
    from ..advisor.cost import cost as compute
    from ..advisor.traffic import TrafficError, load_traffic
    from ..network.intents import IntentError

    check_files([*([traffic] if traffic else []), *(files or [])])
    net, _ = network(file, endpoint_url, regions)
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
    file: ServedSource = None,
    everything: Annotated[
        bool,
        typer.Option(
            "--all", help="Every scope (each VPC, table, gateway…), not only the most used one per quota."
        ),
    ] = False,
    format: FormatOpt = Format.table,
    endpoint_url: EndpointUrl = None,
    regions: Regions = None,
) -> None:
    """Quota headroom: for every AWS quota vpclab knows, how much the network uses (the most used
    VPC, route table, transit gateway, account and Region…), AWS's default and maximum, whether it
    is adjustable, and a warning where a design needs a quota increase or is within 20% of a limit.

    Exit code 1 if the network is over a hard limit or AWS's maximum (no quota increase can make
    room), 2 if a file is missing.

    Example:  vpclab quotas examples/full-mesh-vs-tgw.yaml
    """
    from ..advisor.headroom import headroom

    net, _ = network(file, endpoint_url, regions)
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
