"""The ``vpclab`` command: a thin shell over the library.

Exit codes: 0 ok, 1 an invalid network (or any other vpclab error), 2 a usage error (a missing
file, a bad option; ``state backup``: an existing DEST), 3 ``vpclab serve`` cannot start (its
port is in use, its state file is unusable or in use). Library errors become a clean message,
never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..topology import json_schema
from .advisor import advise, cost, prices, quotas
from .common import EXIT_INVALID, EXIT_OK, Format, check_files, load_file, out
from .export import export_app  # yaml, terraform, mermaid, dot, svg, png (cli/export.py)
from .interop import app as import_app
from .present import KINDS, as_dict, summary, title
from .reach import COMMANDS as REACH_COMMANDS
from .serve import serve
from .snapshot import snapshot_app
from .state import app as state_app

app = typer.Typer(
    name="vpclab",
    help="vpclab: an offline lab for AWS VPC connectivity, with AWS's rules and error codes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

def _version() -> str:
    """vpclab's version as installed (package metadata), else the source tree's ``__version__``."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("vpclab")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree that is not installed
        return "(not installed)"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"vpclab {_version()}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _options(
    version: Annotated[bool, typer.Option("--version", help="Print vpclab's version and exit.",
                                          callback=_print_version, is_eager=True)] = False,
) -> None:
    pass


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Topology YAML files.", show_default=False,
                                                      metavar="FILE")],
) -> None:
    """Load each topology file through AWS's rules and report every problem.

    Prints "ok FILE: 2 VPCs, 3 subnets, …" for each valid file, or each problem as FILE:LINE:COL: message.

    Exit code 1 if any file is invalid, 2 if a file is missing.

    Example:  vpclab validate examples/*.yaml
    """
    check_files(files)
    status = EXIT_OK
    for f in files:
        try:
            net = load_file(f)
        except typer.Exit:
            status = EXIT_INVALID
            continue
        out().print(f"ok {f}: {summary(net)}", markup=False)
    raise typer.Exit(status)


@app.command()
def show(
    file: Annotated[Path, typer.Argument(help="A topology YAML file.", show_default=False, metavar="FILE")],
    format: Annotated[Format, typer.Option("--format", "-f", help="table (for people) or json (for tools).",
                                          metavar="table|json")]
    = Format.table,
) -> None:
    """Show every resource of a topology: id, name, account, Region and key fields, by kind.

    Example:  vpclab show examples/two-peered-vpcs.yaml --format json
    """
    check_files([file])
    net = load_file(file)
    data = as_dict(net)
    if format is Format.json:
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    console = out()
    titles = {section: title(kind) for section, kind, _ in KINDS}
    places = {(row["account"], row["region"]) for rows in data.values() for row in rows}
    hide = len(places) == 1
    if hide:
        account, region = next(iter(places))
        console.print(f"{file}: account {net.account_name(str(account))}, {region}", markup=False)
    for section, rows in data.items():
        table = Table(title=titles[section], title_justify="left")
        columns = [c for c in rows[0] if not (hide and c in ("account", "region"))
                   and not (c in OPTIONAL_COLUMNS and all(row[c] in (None, []) for row in rows))]
        for col in columns:
            table.add_column(col, no_wrap=col in ("id", "name"), overflow="fold")
        for row in rows:
            table.add_row(*(_cell(row[c]) for c in columns))
        console.print(table)


#: columns the table leaves out when no row has a value (an IPv4-only network has no IPv6 column)
OPTIONAL_COLUMNS = frozenset({"ipv6_cidr", "ipv6"})


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "\n".join(str(v) for v in value) or "-"
    return str(value)


@app.command()
def schema() -> None:
    """Print the JSON Schema of topology files (for editors' YAML completion and checking).

    Example:  vpclab schema > vpclab.schema.json

    Then put "# yaml-language-server: $schema=vpclab.schema.json" at the top of a topology file.
    """
    sys.stdout.write(json.dumps(json_schema(), indent=2) + "\n")


app.command("serve")(serve)  # the EC2 endpoint (cli/serve.py)
app.command("prices")(prices)  # AWS's prices (cli/advisor.py)
app.command("cost")(cost)  # what a design costs (cli/advisor.py)
app.command("quotas")(quotas)  # quota headroom (cli/advisor.py)
app.command("advise")(advise)  # the break-even picture (cli/advisor.py)
app.add_typer(state_app, name="state")  # vpclab state backup (cli/state.py)
app.add_typer(import_app, name="import")  # vpclab import terraform (cli/interop.py)
app.add_typer(snapshot_app, name="snapshot")  # vpclab snapshot aws (cli/snapshot.py)
app.add_typer(export_app, name="export")  # vpclab export FORMAT (cli/snapshot.py, cli/export.py)
for _name, _command in REACH_COMMANDS.items():  # trace, matrix, check, diff (cli/reach.py)
    app.command(_name)(_command)


def main() -> None:  # pragma: no cover - console entry point alternative
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
