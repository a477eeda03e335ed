"""What a design costs a month at 1x, 10x and 100x, from the price catalog and the capacity model."""

from tradeoff.cost.bill import Bill, CostReport, bills

__all__ = ["Bill", "CostReport", "bills"]
