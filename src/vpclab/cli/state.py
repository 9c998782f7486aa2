"""``vpclab state …``: work with ``vpclab serve``'s state file (docs/state.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import EXIT_INVALID, EXIT_USAGE

app = typer.Typer(
    help="Work with vpclab serve's state file (see docs/state.md).\n\n"
         "Example:  vpclab state backup --help",
    no_args_is_help=True,
)


@app.command()
def backup(
    source: Annotated[Path, typer.Argument(help="The state file (it may be in use by a running server).",
                                           show_default=False, metavar="SRC")],
    dest: Annotated[Path, typer.Argument(help="The new file to write (must not exist).", show_default=False,
                                         metavar="DEST")],
) -> None:
    """Copy a state file with SQLite's online backup API: consistent while a server runs on it.

    DEST is one self-contained SQLite file (no -wal/-shm beside it); serve it with --state DEST.

    Exit code 2 if SRC does not exist or DEST does, 1 if SRC is not a vpclab state file.

    Example:  vpclab state backup vpclab-state.sqlite3 backup.sqlite3
    """
    from ..aws.store import StateFileError
    from ..aws.store import backup as backup_state

    try:
        count = backup_state(source, dest)
    except (FileNotFoundError, FileExistsError) as exc:
        typer.echo(f"vpclab: error: {exc}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    except StateFileError as exc:
        typer.echo(f"vpclab: error: {exc}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    typer.echo(f"backed up {source} to {dest}: {count} resources")
