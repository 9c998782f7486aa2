"""``vpclab prices``: AWS's public prices vpclab costs designs with (docs/advisor.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..advisor import PriceError, load_prices
from .common import EXIT_INVALID, Format, err, out, usage


def prices(
    region: Annotated[str | None, typer.Option("--region", "-r", metavar="REGION",
                                               help="Only this Region's prices.", show_default=False)] = None,
    files: Annotated[list[Path] | None, typer.Option(
        "--prices", metavar="FILE", show_default=False,
        help="A price table of your own (same format as the shipped one) replacing or adding prices "
             "per key and Region: discounts, other Regions. Repeatable; later files win.")] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="table (for people) or json (for tools).",
                                          metavar="table|json")] = Format.table,
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
                {"key": p.key, "unit": p.unit, "usd": {r: str(p.usd[r]) for r in regions if r in p.usd},
                 "page": p.page, "read": p.read.isoformat(), "note": p.note}
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
    console.print(f"from {' + '.join(table.sources)}; `vpclab prices --format json` adds each price's note",
                  markup=False)


def _money(value: object) -> str:
    return "-" if value is None else f"${value}"
