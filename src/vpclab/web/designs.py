"""The break-even picture on the page (``GET /_vpclab/api/sweep``): ``vpclab advise --sweep``'s
designs over generated VPCs, as JSON the page draws (docs/web.md, docs/advisor.md).

Bounded per request — at most :data:`MAX_VPCS` VPCs and :data:`MAX_POINTS` points, since each
point builds three networks through the ControlPlane — and computed without the World's lock: the
sweep's networks are generated, not the page's.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from ..advisor.prices import PriceError, load_prices
from ..advisor.sweep import first_increases, parse_range, same_cost, sweep
from .views import ViewError

MAX_VPCS = 60
MAX_POINTS = 12


def sweep_view(q: Mapping[str, str]) -> dict[str, Any]:
    """The sweep a query asks for: ``sweep=vpcs=2..20`` (or ``pair_gb=0..500:100``), ``pair_gb``,
    ``vpcs`` (when sweeping traffic) and ``azs``."""
    try:
        axis, values = parse_range(q.get("sweep") or "vpcs=2..20")
    except ValueError as exc:
        raise ViewError("InvalidParameterValue", str(exc)) from None
    vpcs, pair_gb, azs = _int(q, "vpcs", 10, 2, MAX_VPCS), _gb(q), _int(q, "azs", 2, 1, 3)
    if axis == "vpcs" and max(values) > MAX_VPCS:
        raise ViewError(
            "InvalidParameterValue",
            f"the page sweeps at most {MAX_VPCS} VPCs (`vpclab advise --sweep` goes to 250)",
        )
    if len(values) > MAX_POINTS:
        raise ViewError(
            "InvalidParameterValue",
            f"{len(values)} points: the page draws at most {MAX_POINTS} (give a larger :STEP)",
        )
    try:
        result = sweep(axis, values, load_prices(), vpcs=vpcs, pair_gb=pair_gb, azs=azs)
    except PriceError as exc:
        raise ViewError("InvalidParameterValue", str(exc)) from None
    doc = result.to_dict()
    doc["same_cost"] = [list(p) for p in same_cost(result.points)]
    doc["increases"] = [
        {"design": d, "quota": q_, "from": at} for d, q_, at in first_increases(result.points, axis)
    ]
    return doc


def _int(q: Mapping[str, str], key: str, default: int, lo: int, hi: int) -> int:
    text = q.get(key)
    if text is None or text == "":
        return default
    if not text.isdigit() or not lo <= int(text) <= hi:
        raise ViewError(
            "InvalidParameterValue", f"{key} must be a whole number from {lo} to {hi}, not {text!r}"
        )
    return int(text)


def _gb(q: Mapping[str, str]) -> Decimal:
    text = q.get("pair_gb") or "100"
    try:
        gb = Decimal(text)
    except InvalidOperation:
        gb = Decimal(-1)
    if not gb.is_finite() or gb < 0 or gb > 10**6:
        raise ViewError(
            "InvalidParameterValue", f"pair_gb must be a number of GB from 0 to 1000000, not {text!r}"
        )
    return gb
