"""Rules of this family (to be written)."""

from tradeoff.review.engine import Hit, rule  # noqa: F401
