"""Traffic as data: a YAML file of flows by name and volume, like an intents file.

    - web-1 -> db-1: 500 GB/month
    - on-premises <-> shared-db: 300 GB/month
    - from: {vpc: spoke-a}
      to: internet
      volume: 2 TB/month
      port: 443

A side is what an intent's side is (a name, ``internet``, ``on-premises``, ``{vpc: …}``,
``{subnet: …}``, ``{tag: {K: V}}`` or a list of them), expanded to its members when the flows are
costed. ``a -> b: V`` is V a month sent from a to b; ``a <-> b: V`` is V each way. The volume is
spread evenly over the (source, destination) pairs (``spread: even``, the default) or given to each
pair in full (``spread: each``). Units are binary: 1 TB = 1,024 GB, 1 GB = 1,024 MB.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..core.source import InputError, Problem, Source, parse, read
from ..network.intents import Intent, Selector, parse_intents
from ..reach.result import traced_protocol

_KEYS = ("name", "from", "to", "volume", "spread", "protocol", "port")
_SPREADS = ("even", "each")
_UNITS = {"MB": Decimal(1) / Decimal(1024), "GB": Decimal(1), "TB": Decimal(1024)}
_VOLUME = re.compile(
    r"\s*(?P<n>[-+]?\d+(?:\.\d+)?)\s*(?P<unit>[A-Za-z]+)?\s*(?P<per>/\s*month|per month)?\s*"
)
_ARROW = re.compile(r"^\s*(?P<src>.+?)\s*(?P<arrow><->|->)\s*(?P<dst>.+?)\s*$")


class TrafficError(InputError):
    """A traffic file that cannot be used; ``problems`` lists every mistake with file:line:column."""


@dataclass(frozen=True)
class TrafficFlow:
    """``gb`` GB a month from ``source`` to ``destination`` (selectors, as in intents), spread over
    their member pairs as ``spread`` says, on ``protocol``/``port``."""

    source: Selector
    destination: Selector
    gb: Decimal
    spread: str = "even"
    protocol: str = "tcp"
    port: int | None = None
    name: str | None = None
    file: str = "<traffic>"
    line: int = 1
    column: int = 1

    @property
    def title(self) -> str:
        return self.name or f"{self.source} -> {self.destination}"

    def intent(self) -> Intent:
        """The flow as an intent that it be reachable (what expanding and tracing it reuse)."""
        return Intent(
            self.source,
            self.destination,
            "reachable",
            self.protocol,
            self.port,
            None,
            self.name,
            self.file,
            self.line,
            self.column,
        )


def load_traffic(path: str | Path) -> list[TrafficFlow]:
    """The flows of a traffic YAML file, or TrafficError listing every problem (file:line:column)."""
    text = read(path, TrafficError)
    return loads_traffic(text, str(path))


def loads_traffic(text: str, file: str = "<traffic>") -> list[TrafficFlow]:
    src = parse(text, file, TrafficError)
    data: Any = src.tree
    loc: tuple[str | int, ...] = ()
    if isinstance(data, Mapping) and set(data) == {"flows"}:
        data, loc = data["flows"], ("flows",)
    if not isinstance(data, list) or not data:
        raise TrafficError(
            [
                src.problem(
                    loc, "expected a list of flows (or a mapping with flows:), e.g. - web -> db: 500 GB/month"
                )
            ]
        )
    problems: list[Problem] = []
    flows: list[TrafficFlow] = []
    for i, raw in enumerate(data):
        flows.extend(_flow(src, (*loc, i), raw, problems))
    if problems:
        raise TrafficError(sorted(problems))
    return flows


def parse_volume(text: Any) -> Decimal:
    """GB a month from "500 GB/month", "2 TB/month", "1.5 TB per month" (ValueError when not)."""
    if isinstance(text, bool) or not isinstance(text, str):
        raise ValueError(f"a volume is a number, a unit and /month, like 500 GB/month, not {text!r}")
    m = _VOLUME.fullmatch(text)
    if m is None:
        raise ValueError(f"a volume is a number, a unit and /month, like 500 GB/month, not {text!r}")
    unit = m.group("unit")
    if unit is None or unit.upper() not in _UNITS:
        raise ValueError(f"{text!r} has no unit: write MB, GB or TB and /month, like 500 GB/month")
    if m.group("per") is None:
        raise ValueError(f"{text!r} has no period: volumes are per month, like 500 GB/month")
    try:
        n = Decimal(m.group("n"))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise ValueError(f"{text!r} is not a number") from None
    if n < 0:
        raise ValueError(f"a volume cannot be negative: {text!r}")
    return n * _UNITS[unit.upper()]


def _flow(src: Source, loc: tuple[str | int, ...], raw: Any, problems: list[Problem]) -> list[TrafficFlow]:
    if not isinstance(raw, Mapping):
        problems.append(
            src.problem(loc, "a flow is a mapping: `SRC -> DST: VOLUME` or {from: ..., to: ..., volume: ...}")
        )
        return []
    arrows = [k for k in raw if isinstance(k, str) and _ARROW.match(k)]
    other = [k for k in raw if k not in arrows]
    bad = len(problems)
    for key in other:
        if key not in _KEYS:
            near = difflib.get_close_matches(str(key), _KEYS, n=1)
            hint = (
                f" (did you mean {near[0]!r}?)"
                if near
                else f" (expected SRC -> DST or one of: {', '.join(_KEYS)})"
            )
            problems.append(src.problem((*loc, key), f"unknown key {key!r}{hint}", key=True))
    if len(arrows) > 1:
        problems.append(src.problem((*loc, arrows[1]), "one `SRC -> DST` per flow", key=True))
    sides: list[tuple[Any, Any, tuple[int, int], str]] = []
    if arrows:
        if "from" in raw or "to" in raw or "volume" in raw:
            problems.append(
                src.problem(loc, "a flow is either `SRC -> DST: VOLUME` or from/to/volume, not both")
            )
        m = _ARROW.match(arrows[0])
        assert m is not None
        volume_loc: tuple[str | int, ...] = (*loc, arrows[0])
        at = src.position(volume_loc, key=True)
        sides.append((m.group("src"), m.group("dst"), at, "->"))
        if m.group("arrow") == "<->":
            sides.append((m.group("dst"), m.group("src"), at, "<-"))
        volume = raw[arrows[0]]
    else:
        for key in ("from", "to", "volume"):
            if key not in raw:
                problems.append(src.problem(loc, f"missing {key!r}"))
        if len(problems) > bad:
            return []
        volume_loc = (*loc, "volume")
        sides.append((raw["from"], raw["to"], src.position(loc), "->"))
        volume = raw["volume"]
    try:
        gb = parse_volume(volume)
    except ValueError as exc:
        problems.append(src.problem(volume_loc, str(exc)))
        return []
    spread = raw.get("spread", "even")
    if spread not in _SPREADS:
        problems.append(src.problem((*loc, "spread"), f"spread must be even or each, not {spread!r}"))
    protocol = traced_protocol(raw.get("protocol", "tcp"))
    if protocol is None:
        problems.append(
            src.problem(
                (*loc, "protocol"),
                f"protocol must be tcp, udp, icmp, icmpv6 or all, not {raw.get('protocol')!r}",
            )
        )
    port = raw.get("port")
    if port is not None and (isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535):
        problems.append(src.problem((*loc, "port"), f"port must be a number 0-65535, not {port!r}"))
    if len(problems) > bad:
        return []
    name = raw.get("name")
    out: list[TrafficFlow] = []
    for a, b, (line, col), arrow in sides:
        selectors = _selectors(src.file, (line, col), a, b, problems)
        if selectors is None:
            continue
        title = str(name) if name else None
        if title and arrow == "<-":
            title += " (return)"
        out.append(
            TrafficFlow(
                selectors[0], selectors[1], gb, str(spread), str(protocol), port, title, src.file, line, col
            )
        )
    return out


def _selectors(
    file: str, at: tuple[int, int], a: Any, b: Any, problems: list[Problem]
) -> tuple[Selector, Selector] | None:
    """The two sides parsed as an intent's sides are (the intents parser checks them)."""
    line, col = at
    try:
        (intent,) = parse_intents([{"from": a, "to": b, "expect": "reachable"}])
    except InputError as exc:
        for p in exc.problems:
            problems.append(Problem(file, line, col, p.message))
        return None
    return (_placed(intent.source, line, col), _placed(intent.destination, line, col))


def _placed(sel: Selector, line: int, col: int) -> Selector:
    """A selector whose position is the flow's in the traffic file (for "unknown name" problems)."""
    if sel.kind == "list":
        return Selector("list", tuple(_placed(s, line, col) for s in sel.value), (line, col))
    return Selector(sel.kind, sel.value, (line, col))
