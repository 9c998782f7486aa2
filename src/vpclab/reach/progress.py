"""The progress hook of the all-pairs matrix: ``progress(stage, done, total)``, called between
stages and row blocks (never inside them), so a front end can draw a progress bar and a Ctrl-C
lands between two blocks of work.

Stages, in order: ``"compile"`` (the compiled view of the World; skipped when one is given),
``"classes"`` (the equivalence classes and their reachability: ``done`` contexts of ``total``, a
block at a time, after a first ``(0, 1)`` while the contexts are found), ``"rows"`` (the bit
matrix, ``done`` rows of ``total``), or ``"interfaces"`` for the interface matrix. Each stage
reports ``done=0`` first and ``done=total`` last.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]


def report(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)
