"""The cost and design advisor: AWS's prices as data (``prices``), and what a design costs."""

from .prices import Price, PriceError, PriceTable, load_prices

__all__ = ["Price", "PriceError", "PriceTable", "load_prices"]
