"""The ``vpclab`` command: a thin shell over the library.

Exit codes: 0 ok, 1 an invalid network (or any other vpclab error), 2 a usage error (a missing
file, a bad option), 3 ``vpclab serve`` cannot start (its port is in use, its state file is
unusable). Library errors become a clean message, never a traceback.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from ..core.errors import VpclabError
from ..topology import Network, TopologyError, json_schema, load
from .present import KINDS, as_dict, summary
from .reach import COMMANDS as REACH_COMMANDS
from .serve import serve

app = typer.Typer(
    name="vpclab",
    help="vpclab: an offline lab for AWS VPC connectivity, with AWS's rules and error codes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _version() -> str:
    """vpclab's version as installed (package metadata), else the source tree's ``__version__``."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("vpclab")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree that is not installed
        from .. import __version__

        return __version__


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


class Format(StrEnum):
    table = "table"
    json = "json"


def _out() -> Console:
    return Console(soft_wrap=True, highlight=False)


def _err() -> Console:
    return Console(stderr=True, soft_wrap=True, highlight=False)


def _usage(message: str) -> NoReturn:
    _err().print(f"vpclab: error: {message}", markup=False)
    raise typer.Exit(EXIT_USAGE)


def _check_files(files: list[Path]) -> None:
    for f in files:
        if not f.exists():
            _usage(f"no such file: {f}")
        if f.is_dir():
            _usage(f"{f} is a directory, not a topology file")


def _load(file: Path) -> Network:
    """Load a topology; a VpclabError is printed (every problem, one per line) and exits 1."""
    try:
        return load(file)
    except TopologyError as exc:
        console = _out()
        for p in exc.problems:
            console.print(str(p), markup=False)
        n = len(exc.problems)
        console.print(f"invalid {file}: {n} problem{'s' if n != 1 else ''}", markup=False)
        raise typer.Exit(EXIT_INVALID) from None
    except VpclabError as exc:
        _out().print(f"{file}: {exc}", markup=False)
        raise typer.Exit(EXIT_INVALID) from None
    except Exception as exc:  # a bug in vpclab: say so plainly, still no traceback
        _err().print(f"vpclab: internal error while loading {file}: {type(exc).__name__}: {exc} "
                     "(please report it with the file)", markup=False)
        raise typer.Exit(EXIT_INVALID) from None


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
    _check_files(files)
    status = EXIT_OK
    for f in files:
        try:
            net = _load(f)
        except typer.Exit:
            status = EXIT_INVALID
            continue
        _out().print(f"ok {f}: {summary(net)}", markup=False)
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
    _check_files([file])
    net = _load(file)
    data = as_dict(net)
    if format is Format.json:
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    console = _out()
    titles = {section: title for section, title, _, _ in KINDS}
    places = {(row["account"], row["region"]) for rows in data.values() for row in rows}
    hide = len(places) == 1
    if hide:
        account, region = next(iter(places))
        console.print(f"{file}: account {net.account_name(str(account))}, {region}", markup=False)
    for section, rows in data.items():
        table = Table(title=titles[section], title_justify="left")
        columns = [c for c in rows[0] if not (hide and c in ("account", "region"))]
        for col in columns:
            table.add_column(col, no_wrap=col in ("id", "name"), overflow="fold")
        for row in rows:
            table.add_row(*(_cell(row[c]) for c in columns))
        console.print(table)


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
for _name, _command in REACH_COMMANDS.items():  # trace, matrix, check, diff (cli/reach.py)
    app.command(_name)(_command)


def main() -> None:  # pragma: no cover - console entry point alternative
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
