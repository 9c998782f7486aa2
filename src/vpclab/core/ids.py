"""Resource ids that look like AWS's (``vpc-0a1b2c3d4e5f60718``), from a table of prefixes.

    >>> IdGenerator(seed=1, prefixes={"vpc": "vpc"}).new("vpc").startswith("vpc-")
    True

The table is the model's (``vpclab.model.base.ID_PREFIXES``: each resource class's ``ID_PREFIX``).

Ids are 17 lowercase hex digits after the prefix, as AWS's long ids are. Under a seed the
sequence is deterministic, so tests and golden files are stable.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

#: the generator's state: ``random.Random``'s (version, Mersenne Twister words, cached gauss value)
IdState = tuple[int, tuple[int, ...], float | None]


class IdGenerator:
    """Makes fresh ids; deterministic when given a seed."""

    def __init__(self, seed: int | None = None, prefixes: Mapping[str, str] | None = None) -> None:
        self._rng = random.Random(seed)
        #: kind → id prefix (read at each call: the model's table grows as classes are defined)
        self.prefixes: Mapping[str, str] = prefixes if prefixes is not None else {}

    def new(self, kind: str) -> str:
        try:
            prefix = self.prefixes[kind]
        except KeyError:
            raise ValueError(f"unknown resource kind {kind!r}: give its class an ID_PREFIX") from None
        return f"{prefix}-{self._rng.getrandbits(68):017x}"

    def getstate(self) -> IdState:
        """The generator's state, for a durable store to save (see ``setstate``)."""
        return self._rng.getstate()

    def setstate(self, state: IdState) -> None:
        """Continue from a saved state: a restarted World goes on with the same id sequence."""
        self._rng.setstate(state)

    def hex(self, digits: int) -> str:
        return f"{self._rng.getrandbits(4 * digits):0{digits}x}"
