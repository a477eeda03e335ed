"""The design model."""

from tradeoff.model.design import Design

__all__ = ["Design"]
