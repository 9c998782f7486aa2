"""What every ``vpclab`` command shares: exit codes, consoles, loading a topology file cleanly."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console

from ..core.errors import VpclabError
from ..interop.snapshot_load import load_snapshot
from ..interop.snapshot_read import SnapshotError, is_snapshot
from ..network import Network
from ..topology import TopologyError, load

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class Format(StrEnum):
    table = "table"
    json = "json"


def out() -> Console:
    return Console(soft_wrap=True, highlight=False)


def err() -> Console:
    return Console(stderr=True, soft_wrap=True, highlight=False)


def usage(message: str) -> NoReturn:
    err().print(f"vpclab: error: {message}", markup=False)
    raise typer.Exit(EXIT_USAGE)


def check_files(files: list[Path]) -> None:
    for f in files:
        if not f.exists():
            usage(f"no such file: {f}")
        if f.is_dir() and not is_snapshot(f):
            usage(f"{f} is a directory, neither a topology file nor a snapshot folder "
                  "(aws_configs/, manifest.json)")


def load_any(file: Path) -> Network:
    """A topology file, a snapshot folder (its load report printed to stderr, counted), or a
    Terraform plan/state .json (what it skipped — other providers' resources — printed, counted)."""
    if file.suffix == ".json" and not file.is_dir():
        from ..interop.terraform_import import load_plan

        said: list[str] = []
        plan = load_plan(file, said=said)
        for line in said:
            err().print(line, markup=False)
        return plan
    if file.is_dir():
        net = load_snapshot(file)
        lines = net.report.lines()
        for line in lines:
            err().print(line, markup=False)
        if lines:
            err().print(f"{file}: loaded {len(net.world)} resources; {len(net.report.problems)} problem(s), "
                        f"{sum(net.report.not_loaded.values())} item(s) not loaded", markup=False)
        return net
    return load(file)


def load_file(file: Path) -> Network:
    """Load a topology, a snapshot folder or a Terraform plan/state .json; a VpclabError is printed
    (every problem, one per line) and exits 1."""
    try:
        return load_any(file)
    except TopologyError as exc:
        console = out()
        for p in exc.problems:
            console.print(str(p), markup=False)
        n = len(exc.problems)
        console.print(f"invalid {file}: {n} problem{'s' if n != 1 else ''}", markup=False)
        raise typer.Exit(EXIT_INVALID) from None
    except SnapshotError as exc:  # names the file and JSON path itself
        out().print(str(exc), markup=False)
        raise typer.Exit(EXIT_INVALID) from None
    except VpclabError as exc:
        from ..interop.terraform import TerraformError
        from ..interop.terraform_import import TerraformProblems

        message = str(exc) if isinstance(exc, (TerraformError, TerraformProblems)) else f"{file}: {exc}"
        out().print(message, markup=False)
        raise typer.Exit(EXIT_INVALID) from None
    except Exception as exc:  # a bug in vpclab: say so plainly, still no traceback
        err().print(f"vpclab: internal error while loading {file}: {type(exc).__name__}: {exc} "
                     "(please report it with the file)", markup=False)
        raise typer.Exit(EXIT_INVALID) from None
