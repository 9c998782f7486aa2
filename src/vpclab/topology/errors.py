"""What a topology file's reader sees when the file is wrong: every problem at once, with positions.

    >>> p = Problem("net.yaml", 12, 9, "peering app-db: VpcPeeringConnectionAlreadyExists: ...",
    ...             code="VpcPeeringConnectionAlreadyExists")
    >>> str(p)
    'net.yaml:12:9: peering app-db: VpcPeeringConnectionAlreadyExists: ...'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..core.errors import VpclabError


@dataclass(frozen=True, order=True, slots=True)
class Problem:
    """One mistake in a topology file: where (1-based line and column), what, and AWS's code if any."""

    file: str
    line: int
    column: int
    message: str
    code: str | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class TopologyError(VpclabError):
    """A topology file that cannot be loaded. ``problems`` lists every mistake found, in file order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__(self.report())

    def report(self) -> str:
        """Every problem, one per line, as users see them."""
        return "\n".join(str(p) for p in self.problems)
