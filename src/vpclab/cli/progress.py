"""A progress bar on stderr for long commands (``vpclab matrix``), and a clean Ctrl-C.

The bar shows only when stderr is a terminal (never in a pipe, a file or CI logs) and not with
``--no-progress``; it is drawn by rich and erased when the command ends. Its stages are the
matrix's progress hook's (``vpclab.reach.progress``), plus loading the file. Ctrl-C ends the
command with exit code 130 (128 + SIGINT, as shells report it) and one line on stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from ..reach.progress import Progress as Hook

EXIT_INTERRUPTED = 130

NoProgressOpt = Annotated[
    bool,
    typer.Option("--no-progress", help="No progress bar (it shows only when stderr is a terminal)."),
]

#: what each stage is called on the bar
LABELS = {
    "load": "loading the network",
    "compile": "compiling routes and ACLs",
    "classes": "equivalence classes",
    "rows": "matrix rows",
    "interfaces": "interface matrix",
    "pairs": "naming reachable pairs",
}


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Hook | None]:
    """A progress hook drawing a bar on stderr, or None when ``enabled`` is false or stderr is not
    a terminal."""
    console = Console(stderr=True)
    if not enabled or not console.is_terminal:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def hook(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(LABELS.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield hook


@contextmanager
def interruptible() -> Iterator[None]:
    """Ctrl-C inside: one line on stderr, exit code 130, no traceback."""
    try:
        yield
    except KeyboardInterrupt:
        Console(stderr=True).print("vpclab: interrupted", markup=False, highlight=False)
        sys.stderr.flush()
        raise typer.Exit(EXIT_INTERRUPTED) from None
