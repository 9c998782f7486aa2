"""The break-even picture as SVG or PNG (matplotlib, the optional ``plot`` extra)."""

from __future__ import annotations

from pathlib import Path

from .sweep import Sweep

COLOURS = {"mesh": "#1f77b4", "transit-gateway": "#d62728", "shared-vpc": "#2ca02c"}


class PlotError(RuntimeError):
    """The picture cannot be drawn (matplotlib missing, an unknown file type)."""


def check(out: Path) -> None:
    """Refuse an output the picture cannot be written to, before any work is done."""
    if out.suffix.lower() not in (".svg", ".png"):
        raise PlotError(f"{out}: the picture is written as .svg or .png")
    if not out.parent.is_dir():
        raise PlotError(f"{out}: no such folder {out.parent}")


def draw(sweep: Sweep, out: Path) -> None:
    """Cost per design against the swept axis (hollow markers: a quota increase needed; x: cannot
    be built), break-even points as dashed lines; below, the connections each design manages."""
    check(out)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise PlotError(
            "drawing needs matplotlib: pip install 'vpclab[plot]' (the table and --format json need nothing)"
        ) from None
    xlabel = "VPCs" if sweep.axis == "vpcs" else "GB a month between each pair of workloads"
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7), sharex=True, height_ratios=(3, 1.3))
    for design in dict.fromkeys(p.design for p in sweep.points):
        pts = [p for p in sweep.points if p.design == design]
        xs = [p.vpcs if sweep.axis == "vpcs" else float(p.pair_gb) for p in pts]
        colour = COLOURS.get(design, "#555555")
        ok = [(x, float(p.total), p) for x, p in zip(xs, pts, strict=True) if p.buildable]
        style = (
            "--" if design == "mesh" else "-"
        )  # mesh and shared-vpc often cost the same: both stay visible
        top.plot([x for x, _, _ in ok], [y for _, y, _ in ok], style, color=colour, label=design)
        for x, y, p in ok:
            top.plot(
                [x], [y], "o", color=colour, markerfacecolor="white" if p.increases else colour, markersize=5
            )
        for x, p in zip(xs, pts, strict=True):
            if not p.buildable:
                top.plot([x], [0], "x", color=colour, markersize=8)
        bottom.plot(
            [x for x, _, p in ok], [p.connections for _, _, p in ok], "-o", color=colour, markersize=3
        )
    for a, b, at in sweep.crossings:
        top.axvline(at, color="#888888", linestyle="--", linewidth=0.8)
        top.annotate(f"{a} = {b}\nat {at:g}", (at, 0), textcoords="offset points", xytext=(4, 10), fontsize=7)
    top.set_ylabel("USD a month")
    top.set_title("Monthly cost by design (hollow: needs a quota increase; x: cannot be built)", fontsize=10)
    top.legend(loc="upper left", fontsize=8)
    top.grid(alpha=0.3)
    bottom.set_ylabel("connections\nto manage")
    bottom.set_xlabel(xlabel)
    bottom.grid(alpha=0.3)
    fig.tight_layout()
    try:
        fig.savefig(
            out,
            format=out.suffix.lower().lstrip("."),
            metadata={"Date": None} if out.suffix.lower() == ".svg" else None,
        )
    except OSError as exc:
        raise PlotError(f"{out}: cannot write it ({exc.strerror or exc})") from None
    finally:
        plt.close(fig)
