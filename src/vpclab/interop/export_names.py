"""Names for a World's resources when it is written out (YAML, Terraform, diagrams).

A resource keeps the name its source gave it (a topology file's name, a snapshot's ``Name`` tag);
a name the target format cannot spell (``app/main``: a slash) is respelled (``app-main``), and a
resource with no name goes by its id. Names are unique across the export, in a stable order.
"""

from __future__ import annotations

import re
from collections import Counter

from ..model.base import Resource
from ..network import Network

_VALID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _respell(name: str) -> str:
    spelled = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-._")
    return spelled or "x"


class Names:
    """id → an export name (the topology's NAME_PATTERN), unique, deterministic."""

    def __init__(self, net: Network) -> None:
        self.net = net
        self._of: dict[str, str] = {}
        self._taken: set[str] = {n for n in net.ids if _VALID.match(n)}

    def __call__(self, rid: str) -> str:
        if rid in self._of:
            return self._of[rid]
        given = self.net.names.get(rid)
        if given is not None and _VALID.match(given):
            name = given
        else:
            res = self.net.world.get(rid)
            tag = res.tags.get("Name") if res is not None else None
            base = _respell(given) if given else (_respell(tag) if tag else self._derived(res, rid))
            name, n = base, 1
            while name in self._taken:
                n += 1
                name = f"{base}-{n}"
        self._taken.add(name)
        self._of[rid] = name
        return name

    def _derived(self, res: Resource | None, rid: str) -> str:
        """A readable name for a resource nobody named: after its VPC and its kind (``app-main``,
        ``app-default-sg``, a group's own name), else its kind; its id as a last resort."""
        if res is None:
            return rid
        kind = re.sub(r"(?<!^)(?=[A-Z])", "-", type(res).__name__).lower()
        group_name = getattr(res, "group_name", None)
        if getattr(res, "is_default", False):
            kind = {"security-group": "default-sg", "network-acl": "default-acl"}.get(kind, f"default-{kind}")
        elif group_name:
            kind = _respell(group_name)
        elif any(getattr(a, "main", False) for a in getattr(res, "associations", ())):
            kind = "main"
        vpc_id = getattr(res, "vpc_id", None)
        if isinstance(vpc_id, str) and vpc_id != rid and vpc_id in self.net.world:
            return f"{self(vpc_id)}-{kind}"
        return kind

    def given(self, rid: str) -> bool:
        """Whether the source named this resource itself (not a derived ``VPC/main``-style name)."""
        given = self.net.names.get(rid)
        return given is not None and _VALID.match(given) is not None


def most_common(values: list[str], default: str) -> str:
    """The most frequent value (ties: ``default``, else the smallest), or ``default`` for none."""
    if not values:
        return default
    counts = Counter(values)
    return min(counts, key=lambda v: (-counts[v], v != default, v))
