"""What a topology file's reader sees when the file is wrong: every problem at once, with positions.

    >>> p = Problem("net.yaml", 12, 9, "peering app-db: VpcPeeringConnectionAlreadyExists: ...",
    ...             code="VpcPeeringConnectionAlreadyExists")
    >>> str(p)
    'net.yaml:12:9: peering app-db: VpcPeeringConnectionAlreadyExists: ...'
"""

from __future__ import annotations

from ..core.source import InputError, Problem


class TopologyError(InputError):
    """A topology file that cannot be loaded. ``problems`` lists every mistake found, in file order."""


__all__ = ["Problem", "TopologyError"]
