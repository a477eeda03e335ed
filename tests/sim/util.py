"""Shared helpers for the simulator tests: fixture designs and batch-means error bars."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from tradeoff.io.load import load_design, load_design_text
from tradeoff.sim import core

FIXTURES = Path(__file__).parent / "fixtures"
MS = 1e-3

# Margins are K_SIGMA standard errors. With ~50 batch means the t-distribution puts about 1 in
# 5,000 outside 4 standard errors; the seeds are fixed, so each test's outcome is deterministic.
K_SIGMA = 4.0

# The middle of each histogram bin, from the bins' edges (bin 0 holds values under 1 us: 0).
MIDS = np.array([0.0] + [sum(core.bin_edges(b)) / 2 for b in range(1, core.NBINS)])
# A value read at its bin's middle is within half a bin: 2^-SUB_BITS / 2 of itself (0.39%).
HALF_BIN = 2.0 ** -core.SUB_BITS / 2


def design(name: str):
    return load_design(FIXTURES / name)


def design_with(name: str, old: str, new: str):
    """A fixture design with one piece of its text replaced (the replaced text must be there)."""
    text = (FIXTURES / name).read_text()
    assert old in text, f"{old!r} not in {name}"
    return load_design_text(text.replace(old, new), name)


def window_means(hist: np.ndarray) -> np.ndarray:
    """Mean value per window of a [window, bin] histogram (each value at its bin's middle)."""
    return (hist * MIDS).sum(axis=1) / hist.sum(axis=1)


def batch_se(values: np.ndarray) -> float:
    """Standard error of the mean of batch values (batch means: windows long enough, here
    thousands of requests against a correlation time of a few hundred, to be near-independent)."""
    values = np.asarray(values, float)
    return float(values.std(ddof=1) / math.sqrt(len(values)))
