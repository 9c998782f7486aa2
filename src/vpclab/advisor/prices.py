"""AWS's public prices as data: the table shipped in ``prices.toml``, a user's overrides, lookups.

    >>> table = load_prices()
    >>> table.get("transit_gateway.attachment_hour", "us-east-1")
    Decimal('0.05')
    >>> table.monthly("transit_gateway.attachment_hour", "us-east-1")
    Decimal('36.50')

Money is ``Decimal`` from the file's text (TOML floats parsed as decimals), so totals are exact to
the cent. A missing Region or price raises :class:`PriceError`, never a zero: a cost that cannot
be priced is said, not guessed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core.errors import VpclabError

SHIPPED = Path(__file__).with_name("prices.toml")
_FIELDS = ("unit", "page", "read", "note", "usd")


class PriceError(VpclabError):
    """A price table that cannot be read, or a price it does not hold (the message says where)."""


@dataclass(frozen=True)
class Price:
    """One priced dimension: what is charged, where AWS says so, when it was read, and the price
    per Region in US dollars."""

    key: str
    unit: str
    page: str
    read: dt.date
    note: str
    usd: Mapping[str, Decimal]


@dataclass(frozen=True)
class PriceTable:
    prices: Mapping[str, Price]
    hours_per_month: Decimal
    #: where the table came from: the shipped file, then each override file in order
    sources: tuple[str, ...] = field(default=())

    def regions(self) -> list[str]:
        """The Regions every price of the table covers (those a cost can be computed in)."""
        sets = [set(p.usd) for p in self.prices.values()]
        return sorted(set.intersection(*sets)) if sets else []

    def price(self, key: str) -> Price:
        found = self.prices.get(key)
        if found is None:
            raise PriceError(f"no price {key!r} in {self._where()}{_suggest(key, self.prices)}")
        return found

    def get(self, key: str, region: str) -> Decimal:
        """The price of ``key`` in ``region`` (a PriceError when the table has none)."""
        p = self.price(key)
        if region not in p.usd:
            known = ", ".join(sorted(p.usd)) or "none"
            raise PriceError(
                f"no price for {key!r} in Region {region} in {self._where()} (it has: {known}); "
                "give one with --prices FILE"
            )
        return p.usd[region]

    def monthly(self, key: str, region: str, count: int | Decimal = 1) -> Decimal:
        """An hourly price times the month's hours (AWS's 730) times ``count``, to the cent."""
        return (self.get(key, region) * self.hours_per_month * count).quantize(Decimal("0.01"))

    def _where(self) -> str:
        return " + ".join(self.sources) or "the price table"


def load_prices(*overrides: Path) -> PriceTable:
    """The shipped table, with each override file applied in order (entries replace or extend the
    shipped ones per key and Region; a new key must give every field)."""
    table = _read(SHIPPED, base=None, label="vpclab's price table")
    for path in overrides:
        table = _read(path, base=table, label=str(path))
    return table


def _read(path: Path, base: PriceTable | None, label: str) -> PriceTable:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PriceError(f"{path}: cannot read the price table ({exc.strerror or exc})") from None
    try:
        doc = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise PriceError(f"{path}: not TOML: {exc}") from None
    lines = text.splitlines()
    unknown = sorted(set(doc) - {"meta", "prices"})
    if unknown:
        raise PriceError(
            f"{path}:{_line(lines, unknown[0])}: unknown section {unknown[0]!r}; "
            'expected [meta] and [prices."KEY"] tables'
        )
    meta = doc.get("meta", {})
    hours = meta.get("hours_per_month", base.hours_per_month if base else None)
    if not isinstance(hours, int | Decimal) or isinstance(hours, bool) or hours <= 0:
        raise PriceError(
            f"{path}:{_line(lines, 'hours_per_month')}: [meta] hours_per_month must be "
            f"a positive number, not {hours!r}"
        )
    currency = meta.get("currency", "USD")
    if currency != "USD":
        raise PriceError(
            f"{path}:{_line(lines, 'currency')}: currency must be USD (the pricing pages' "
            f"currency), not {currency!r}"
        )
    prices: dict[str, Price] = dict(base.prices) if base else {}
    entries = doc.get("prices", {})
    if not isinstance(entries, dict):
        raise PriceError(f"{path}:{_line(lines, 'prices')}: [prices] must hold one table per price")
    for key, entry in entries.items():
        header = '[prices."' + key + '"]'
        at = f"{path}:{_line(lines, header)}"
        prices[key] = _entry(at, key, entry, prices.get(key))
    sources = (*base.sources, label) if base else (label,)
    return PriceTable(prices=prices, hours_per_month=Decimal(hours), sources=sources)


def _entry(at: str, key: str, entry: Any, old: Price | None) -> Price:
    if not isinstance(entry, dict):
        raise PriceError(f"{at}: price {key!r} must be a table with {', '.join(_FIELDS)}")
    extra = sorted(set(entry) - set(_FIELDS))
    if extra:
        raise PriceError(f"{at}: price {key!r} has unknown field {extra[0]!r}{_suggest(extra[0], _FIELDS)}")
    if old is None:
        missing = [f for f in _FIELDS if f not in entry]
        if missing:
            raise PriceError(f"{at}: price {key!r} is new, so it needs {', '.join(missing)}")
    usd = entry.get("usd", {})
    if not isinstance(usd, dict) or not usd:
        raise PriceError(
            f"{at}: price {key!r}: usd must be a table of Region = price, e.g. usd = {{ us-east-1 = 0.05 }}"
        )
    amounts: dict[str, Decimal] = dict(old.usd) if old else {}
    for region, value in usd.items():
        if not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", region):
            raise PriceError(f"{at}: price {key!r}: {region!r} is not a Region name (like us-east-1)")
        if isinstance(value, bool) or not isinstance(value, int | Decimal) or value < 0:
            shown = value if isinstance(value, int | Decimal) and not isinstance(value, bool) else repr(value)
            raise PriceError(
                f"{at}: price {key!r} in {region}: expected a price of 0 or more in US dollars, not {shown}"
            )
        amounts[region] = Decimal(value)
    read = entry.get("read", old.read if old else None)
    if not isinstance(read, dt.date) or isinstance(read, dt.datetime):
        raise PriceError(f"{at}: price {key!r}: read must be the date it was read (like 2026-12-07)")
    texts: dict[str, str] = {}
    for name in ("unit", "page", "note"):
        value = entry.get(name, getattr(old, name, None))
        if not isinstance(value, str) or not value:
            raise PriceError(f"{at}: price {key!r}: {name} must be a non-empty string")
        texts[name] = value
    if not texts["page"].startswith("https://"):
        raise PriceError(f"{at}: price {key!r}: page must be the pricing page's https:// address")
    return Price(key=key, unit=texts["unit"], page=texts["page"], read=read, note=texts["note"], usd=amounts)


def _line(lines: list[str], needle: str) -> int:
    """The 1-based line where ``needle`` first appears (1 when it does not): for file:line."""
    return next((i for i, text in enumerate(lines, 1) if needle in text), 1)


def _suggest(word: str, known: Any) -> str:
    close = difflib.get_close_matches(word, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
