"""The bill's parts: a charge (one priced line), a flow's cost, the report, and the collector that
prices each line from the price table. Money is ``Decimal``; rounded to the cent (half up) only
when shown."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from .prices import PriceTable

if TYPE_CHECKING:
    from ..network.facade import Network

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """``value`` rounded to the cent, half up (as a bill shows it)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Charge:
    """One line of the bill: ``quantity`` units of ``price`` for ``component`` (exact dollars)."""

    kind: str  # "fixed" (hours) | "usage" (GB)
    component: str
    component_type: str
    name: str | None
    price: str
    region: str
    account: str
    vpc: str | None
    quantity: Decimal
    unit_usd: Decimal
    usd: Decimal
    why: str
    flow: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "component": self.component,
            "component_type": self.component_type,
            "name": self.name,
            "price": self.price,
            "region": self.region,
            "account": self.account,
            "vpc": self.vpc,
            "quantity": f"{self.quantity.normalize():f}",
            "unit_usd": str(self.unit_usd),
            "usd": str(cents(self.usd)),
            "why": self.why,
            "flow": self.flow,
        }


@dataclass(frozen=True)
class FlowCost:
    """One (source, destination) pair of a traffic flow: its volume, verdict and cost."""

    flow: str
    source: str
    destination: str
    gb: Decimal
    status: str  # "costed" | "blocked"
    usd: Decimal = Decimal(0)
    crosses: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "flow": self.flow,
            "source": self.source,
            "destination": self.destination,
            "gb": f"{self.gb.normalize():f}",
            "status": self.status,
            "usd": str(cents(self.usd)),
            "crosses": list(self.crosses),
            "codes": list(self.codes),
        }


@dataclass(frozen=True)
class CostReport:
    charges: tuple[Charge, ...]
    flows: tuple[FlowCost, ...] = ()
    hours_per_month: Decimal = Decimal(730)
    sources: tuple[str, ...] = field(default=())

    @property
    def fixed(self) -> Decimal:
        return sum((c.usd for c in self.charges if c.kind == "fixed"), Decimal(0))

    @property
    def usage(self) -> Decimal:
        return sum((c.usd for c in self.charges if c.kind == "usage"), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.fixed + self.usage

    @property
    def blocked(self) -> list[FlowCost]:
        return [f for f in self.flows if f.status == "blocked"]

    def by(self, key: Callable[[Charge], str | None]) -> dict[str, Decimal]:
        """Exact dollars per value of ``key`` (e.g. per account, per VPC), largest first."""
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for c in self.charges:
            sums[key(c) or "-"] += c.usd
        return dict(sorted(sums.items(), key=lambda kv: (-kv[1], kv[0])))

    def to_dict(self) -> dict[str, Any]:
        return {
            "currency": "USD",
            "hours_per_month": str(self.hours_per_month),
            "prices": list(self.sources),
            "total": str(cents(self.total)),
            "fixed": str(cents(self.fixed)),
            "usage": str(cents(self.usage)),
            "charges": [c.to_dict() for c in self.charges],
            "flows": [f.to_dict() for f in self.flows],
        }


class Bill:
    """Collects charges, pricing each from the table (a missing price is the table's error)."""

    def __init__(self, net: Network, table: PriceTable) -> None:
        self.net, self.table = net, table
        self.charges: list[Charge] = []

    def add(
        self,
        kind: str,
        res: Any,
        component_type: str,
        price: str,
        quantity: Decimal,
        why: str,
        *,
        vpc: str | None = None,
        region: str | None = None,
        account: str | None = None,
        flow: str | None = None,
    ) -> Decimal:
        region = region or res.region
        unit = self.table.get(price, region)
        if kind == "fixed":
            quantity = quantity * self.table.hours_per_month
        usd = unit * quantity
        rid = res.id if res is not None else "internet"
        self.charges.append(
            Charge(
                kind,
                rid,
                component_type,
                self.net.name(rid) if res is not None else None,
                price,
                region,
                account or (res.owner_id if res is not None else "-"),
                vpc if vpc is not None else getattr(res, "vpc_id", None),
                quantity,
                unit,
                usd,
                why,
                flow,
            )
        )
        return usd
