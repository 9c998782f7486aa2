"""``vpclab trace``, ``matrix``, ``check`` and ``diff``: the reachability questions from the shell.

Exit codes as docs/cli.md: 0 ok, 1 an invalid network — and for ``check`` any violated intent (so
it gates a CI pipeline), for ``diff --exit-code`` any changed flow — 2 a usage error (a missing
file, an unknown endpoint, an invalid intents file). main.py registers these commands; what they
share with it is in common.py.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from ..network import Network
from ..network.api import Matrix
from ..reach.errors import ReachError
from ..reach.result import Hop, Trace, traced_protocol
from .common import EXIT_INVALID as EXIT_FAIL
from .common import EXIT_OK, EXIT_USAGE, Format, check_files, err, load_file
from .progress import NoProgressOpt, interruptible, progress_bar


class Level(StrEnum):
    subnet = "subnet"
    interface = "interface"


FileArg = Annotated[Path, typer.Argument(help="A topology YAML file.", show_default=False, metavar="FILE")]
FormatOpt = Annotated[
    Format,
    typer.Option("--format", "-f", help="table (for people) or json (for tools).", metavar="table|json"),
]
ProtocolOpt = Annotated[
    str, typer.Option("--protocol", "-p", help="tcp, udp, icmp, icmpv6 or all (icmp over IPv6 is ICMPv6).")
]


def _console() -> Console:
    return Console(soft_wrap=True, highlight=False)


def _emit(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _load(file: Path) -> Network:
    check_files([file])
    return load_file(file)


def _usage(message: str) -> typer.Exit:
    err().print(f"vpclab: error: {message}", markup=False)
    return typer.Exit(EXIT_USAGE)


def _protocol(protocol: str) -> str:
    p = traced_protocol(protocol)
    if p is None:
        raise _usage(f"--protocol must be tcp, udp, icmp, icmpv6 or all, not {protocol!r}")
    return p


# -- trace --------------------------------------------------------------------------------------
def _hop_line(hop: Hop) -> Text:
    line = Text()
    line.append(hop.component, style="cyan")
    line.append(" ")
    line.append(hop.name or hop.id, style="bold")
    if hop.name and hop.name != hop.id and not hop.id.startswith(hop.name):
        line.append(f" ({hop.id})", style="dim")
    if hop.detail:
        line.append(f" — {hop.detail}")
    return line


def _branch(tree: Tree, title: str, hops: list[Hop], first: Any) -> None:
    branch = tree.add(Text(title, style="bold"))
    previous = first
    for hop in hops:
        node = branch.add(_hop_line(hop))
        if hop.packet != previous:  # NAT and internet gateways rewrite the header: show where
            node.add(Text(f"packet now {hop.packet}", style="yellow"))
        previous = hop.packet
    if not hops:
        branch.add(Text("(no hops)", style="dim"))


def render_trace(console: Console, t: Trace, source: str, destination: str) -> None:
    tree = Tree(Text(f"{source} → {destination}: {t.flow}", style="bold"))
    _branch(tree, "forward", t.forward_hops, t.flow)
    if t.return_hops:
        _branch(tree, "return", t.return_hops, t.return_hops[0].packet)
    Console(highlight=False).print(tree)  # wrapped, not cropped, at the terminal's width
    verdict = Text("reachable", style="bold green") if t.reachable else Text("blocked", style="bold red")
    console.print(Text("verdict: ").append(verdict))
    for e in t.explanations:
        mark = "✗" if e.blocking else "i"
        console.print(
            Text(f"{mark} {e.code}", style="bold red" if e.blocking else "bold blue").append(
                f" ({e.direction}): {e.message}", style=""
            )
        )
        console.print(Text(f"  fix: {e.fix}"), markup=False)


def trace(
    file: FileArg,
    source: Annotated[
        str,
        typer.Argument(
            help="A name from the file, an id, an address, internet, ...", show_default=False, metavar="SRC"
        ),
    ],
    destination: Annotated[
        str,
        typer.Argument(
            help="A name, an id, an address, internet, s3:REGION, ...", show_default=False, metavar="DST"
        ),
    ],
    protocol: ProtocolOpt = "tcp",
    port: Annotated[
        int | None,
        typer.Option("--port", help="Destination port (ICMP type for icmp/icmpv6).", min=0, max=65535),
    ] = None,
    ipv6: Annotated[
        bool,
        typer.Option(
            "--ipv6",
            help="Trace over IPv6: named resources stand at their IPv6 address (the default is IPv4, as AWS "
            "Reachability Analyzer; an IPv6 address given as SRC or DST implies --ipv6).",
        ),
    ] = False,
    format: FormatOpt = Format.table,
) -> None:
    """Trace one flow both ways: every hop with the route or rule that matched, the verdict, every
    cause (AWS Reachability Analyzer's codes) and its fix.

    Exit code 0 when traced (reachable or blocked), 1 for an invalid network, 2 for an unknown endpoint.

    Example:  vpclab trace examples/peering-triangle.yaml a-host c-host --protocol tcp --port 22
    """
    net = _load(file)
    try:
        t = net.trace(
            source, destination, protocol=_protocol(protocol), port=port, ip_version=6 if ipv6 else None
        )
    except ReachError as exc:
        raise _usage(str(exc)) from None
    if format is Format.json:
        _emit({"source": source, "destination": destination, **t.to_dict()})
        return
    render_trace(_console(), t, source, destination)


# -- matrix -------------------------------------------------------------------------------------
def matrix(
    file: FileArg,
    protocol: ProtocolOpt = "tcp",
    port: Annotated[
        int | None,
        typer.Option(
            "--port",
            help="Destination port (ICMP type); default 443 for tcp/udp, 8 (echo) for icmp, 128 (echo) for "
            "icmpv6 and for icmp with --ipv6.",
            min=0,
            max=65535,
            show_default=False,
        ),
    ] = None,
    level: Annotated[
        Level,
        typer.Option(
            "--level",
            help="subnet (routes and ACLs) or interface (+ security groups).",
            metavar="subnet|interface",
        ),
    ] = Level.subnet,
    ipv6: Annotated[
        bool,
        typer.Option(
            "--ipv6", help="The IPv6 matrix: subnets with an IPv6 /64, interfaces with an IPv6 address."
        ),
    ] = False,
    format: FormatOpt = Format.table,
    no_progress: NoProgressOpt = False,
) -> None:
    """All-pairs reachability: which subnets (or interfaces) reach which, for one protocol and port.

    Rows are sources, columns destinations; ✓ reachable both ways, ✗ not. On a terminal, a progress
    bar on stderr shows the stages (loading, compiling, rows); Ctrl-C stops with exit code 130.

    Example:  vpclab matrix examples/tgw-segmentation.yaml --protocol tcp --port 443 --level subnet
    """
    with interruptible(), progress_bar(not no_progress) as hook:
        if hook:
            hook("load", 0, 1)
        net = _load(file)
        if hook:
            hook("load", 1, 1)
        proto = _protocol(protocol)
        ipv6 = ipv6 or proto == "icmpv6"  # ICMPv6 is IPv6's
        if ipv6 and proto == "icmp":
            proto = "icmpv6"  # an IPv6 packet carries ICMPv6, never ICMP
        if port is None:
            port = {"tcp": 443, "udp": 443, "icmp": 8, "icmpv6": 128}.get(proto)
        m = net.matrix(protocol=proto, port=port, level=level.value, family=6 if ipv6 else 4, progress=hook)
    with interruptible():
        _show_matrix(file, m, level, ipv6, format)


def _show_matrix(file: Path, m: Matrix, level: Level, ipv6: bool, format: Format) -> None:
    if format is Format.json:
        _emit({**m.to_dict(), "rows": m.to_rows()})
        return
    shown = "all" if m.protocol == "-1" else m.protocol
    flow = f"{shown}/{m.port}" if m.port is not None else shown
    n = m.count()
    kind = f"{level.value} IPv6" if ipv6 else level.value
    table = Table(
        title=f"{file}: {kind} reachability, {flow} ({n} reachable pair{'s' if n != 1 else ''})",
        title_justify="left",
    )
    table.add_column("from \\ to", no_wrap=True)
    for d in m.destinations:
        table.add_column(m.label(d), justify="center")
    for s in m.sources:
        table.add_row(
            m.label(s), *("[green]✓[/]" if (s, d) in m.pairs else "[red]✗[/]" for d in m.destinations)
        )
    _console().print(table)


# -- check --------------------------------------------------------------------------------------
PlanOpt = Annotated[
    Path | None,
    typer.Option(
        "--plan",
        metavar="PLAN.json",
        show_default=False,
        help="A Terraform plan (`terraform show -json`) instead of FILE: the network after it.",
    ),
]
OnOpt = Annotated[
    Path | None,
    typer.Option(
        "--on",
        metavar="SNAPSHOT_DIR",
        show_default=False,
        help="Apply the plan on top of a snapshot folder (not available yet).",
    ),
]


def _plan_networks(file: Path | None, plan: Path | None, on: Path | None) -> Path:
    """The plan file of ``--plan`` (exactly one of FILE and --plan; --on is not available yet)."""
    if on is not None:
        raise _usage(
            f"--on {on}: applying a plan on top of a snapshot folder is not available yet "
            "(the plan's changes are not yet applied onto a snapshot's resources); use --plan alone"
        )
    if (file is None) == (plan is None):
        raise _usage("give a topology FILE or --plan PLAN.json (one of them)")
    assert plan is not None
    check_files([plan])
    return plan


def _after(plan: Path) -> Network:
    """The network a plan leaves (a state: the state's network); errors one line each, exit 1."""
    from ..core.errors import VpclabError
    from ..interop.terraform_import import load_plan

    said: list[str] = []
    try:
        net = load_plan(plan, said=said)
    except VpclabError as exc:
        _console().print(str(exc), markup=False)
        raise typer.Exit(EXIT_FAIL) from None
    for line in said:
        err().print(line, markup=False)
    return net


def _change(plan: Path) -> tuple[Network, Network]:
    """(before, after) of a plan; errors as load_file's: one line each, exit 1."""
    from ..core.errors import VpclabError
    from ..interop.terraform_import import load_change

    said: list[str] = []
    try:
        networks = load_change(plan, said=said)
    except VpclabError as exc:
        _console().print(str(exc), markup=False)
        raise typer.Exit(EXIT_FAIL) from None
    for line in said:
        err().print(line, markup=False)
    return networks


def check(
    intents: Annotated[
        Path,
        typer.Option(
            "--intents", "-i", help="An intents YAML file.", show_default=False, metavar="INTENTS.yaml"
        ),
    ],
    file: Annotated[
        Path | None,
        typer.Argument(help="A topology YAML file (or give --plan).", show_default=False, metavar="FILE"),
    ] = None,
    format: FormatOpt = Format.table,
    plan: PlanOpt = None,
    on: OnOpt = None,
) -> None:
    """Check intents ("web may reach db on 5432", "dev never reaches prod", "only via egress").

    With --plan PLAN.json the intents are checked on the network a Terraform plan leaves (its
    planned values): a CI gate that fails before the change is applied.

    Exit code 1 if any intent is violated (each violation is listed with its trace's causes and fixes)
    or the network is invalid, 2 for a missing or invalid intents file (FILE:LINE:COL: message).

    Example:  vpclab check examples/centralized-egress.yaml --intents examples/intents/centralized-egress.yaml

    Example:  vpclab check --plan examples/terraform/plan.json --intents examples/terraform/intents.yaml
    """
    from ..network.intents import IntentError

    if plan is not None or on is not None or file is None:
        net = _after(_plan_networks(file, plan, on))
    else:
        net = _load(file)
    if not intents.is_file():
        raise _usage(f"no such file: {intents}")
    try:
        report = net.check(intents)
    except IntentError as exc:
        for p in exc.problems:
            err().print(str(p), markup=False)
        raise _usage(
            f"invalid {intents}: {len(exc.problems)} problem{'s' if len(exc.problems) != 1 else ''}"
        ) from None
    if format is Format.json:
        _emit(report.to_dict())
    else:
        console = _console()
        for r in report.results:
            if r.ok:
                console.print(
                    Text("✓ ok       ", style="green")
                    .append(r.intent.title, style="")
                    .append(f"  ({r.checked} flows)", style="dim")
                )
                continue
            console.print(
                Text("✗ VIOLATED ", style="bold red")
                .append(r.intent.title, style="bold")
                .append(f"  ({r.intent.file}:{r.intent.line})", style="dim")
            )
            for v in r.violations:
                console.print(Text(f"    {v.source} → {v.destination}: {v.reason}"), markup=False)
                if v.trace.reachable:
                    path = " → ".join(h.name or h.id for h in v.trace.forward_hops)
                    console.print(Text(f"      path: {path}", style="dim"))
                for e in v.trace.explanations:
                    if e.blocking:
                        console.print(Text(f"      {e.code}: {e.message}"), markup=False)
                        console.print(Text(f"        fix: {e.fix}"), markup=False)
        n = len(report.violated)
        console.print(
            f"{len(report.results)} intents, {n} violated"
            if n
            else f"{len(report.results)} intents, all hold",
            markup=False,
        )
    raise typer.Exit(EXIT_OK if report.ok else EXIT_FAIL)


# -- diff ---------------------------------------------------------------------------------------
def _flow(spec: str) -> tuple[str, int | None]:
    proto, _, port = spec.partition("/")
    try:
        return _protocol(proto), int(port) if port else None
    except ValueError:
        raise _usage(f"--flow must look like tcp/443 or icmp, not {spec!r}") from None


def diff(
    old: Annotated[
        Path | None, typer.Argument(help="The network before the change.", show_default=False, metavar="OLD")
    ] = None,
    new: Annotated[
        Path | None, typer.Argument(help="The network after the change.", show_default=False, metavar="NEW")
    ] = None,
    flows: Annotated[
        list[str] | None,
        typer.Option(
            "--flow", help="PROTOCOL/PORT to compare (repeatable); default tcp/22, tcp/443, tcp/5432, icmp/8."
        ),
    ] = None,
    level: Annotated[
        Level, typer.Option("--level", metavar="subnet|interface", help="Compare subnets or interfaces.")
    ] = Level.subnet,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when any flow opened or closed.")
    ] = False,
    format: FormatOpt = Format.table,
    plan: PlanOpt = None,
    on: OnOpt = None,
) -> None:
    """The flows a change opens and closes: OLD and NEW compared pair by pair, by name.

    With --plan PLAN.json (instead of OLD and NEW) a Terraform plan's prior state is compared with
    its planned values: the flows the change would open and close.

    Each opened flow shows its new path; each closed one the causes and fixes in NEW.

    Example:  vpclab diff examples/peering-triangle.yaml my-triangle.yaml --flow tcp/22 --exit-code

    where my-triangle.yaml is a changed copy, e.g. without b's route to c:

        sed '/10.2.0.0\\/16: pcx:b-c/d' examples/peering-triangle.yaml > my-triangle.yaml

    Example:  vpclab diff --plan examples/terraform/plan.json
    """
    from ..network.diff import DEFAULT_FLOWS, diff_networks

    if plan is not None or on is not None:
        if old is not None or new is not None:
            raise _usage("give OLD and NEW, or --plan PLAN.json (not both)")
        before, after = _change(_plan_networks(None, plan, on))
    elif old is None or new is None:
        raise _usage("give OLD and NEW topology files, or --plan PLAN.json")
    else:
        before, after = _load(old), _load(new)
    compare = tuple(_flow(f) for f in flows) if flows else DEFAULT_FLOWS
    d = diff_networks(before, after, flows=compare, level=level.value)
    if format is Format.json:
        _emit(d.to_dict())
    else:
        console = _console()
        for title, changes, style, sign in (
            ("opened", d.opened, "green", "+"),
            ("closed", d.closed, "red", "-"),
        ):
            console.print(
                Text(f"{title}: {len(changes)} flow{'s' if len(changes) != 1 else ''}", style="bold")
            )
            for c in changes:
                console.print(Text(f"  {sign} {c.source} → {c.destination} {c.flow}", style=style))
                t = c.explanation
                if t is None:
                    continue
                if t.reachable:
                    console.print(
                        Text("      path: " + " → ".join(h.name or h.id for h in t.forward_hops), style="dim")
                    )
                for e in t.explanations:
                    if e.blocking:
                        console.print(Text(f"      {e.code}: {e.message}"), markup=False)
                        console.print(Text(f"        fix: {e.fix}"), markup=False)
    raise typer.Exit(EXIT_FAIL if exit_code and d.changed else EXIT_OK)


COMMANDS: dict[str, Callable[..., None]] = {"trace": trace, "matrix": matrix, "check": check, "diff": diff}
