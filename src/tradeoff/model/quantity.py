"""Quantities as people write them: `100M`, `1.5 KB`, `5 years`, `10/day`, `99.99%`.

Parsed once, at the edge (the loader), into plain numbers. Durations and rates keep the
calendar unit they were written in, because the two conventions of the estimate engine
(exact calendar vs interview shortcuts) disagree on how many seconds a day or a month has.

Why not pint: it treats bytes and bits as dimensionless (so `5 GB` cannot be told from `5`),
reads `Mbps` as megabaud, uses Julian years, and costs ~0.6 s to build its registry on every
start. The vocabulary a design needs is the closed table below.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any


class QuantityError(ValueError):
    """A value could not be read as the quantity a field expects."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


# --- counts -------------------------------------------------------------------------------

COUNT_SUFFIXES: dict[str, float] = {
    "": 1.0,
    "k": 1e3, "thousand": 1e3,
    "m": 1e6, "mm": 1e6, "mn": 1e6, "mil": 1e6, "million": 1e6,
    "b": 1e9, "bn": 1e9, "g": 1e9, "billion": 1e9,
    "t": 1e12, "tn": 1e12, "trillion": 1e12,
}

_NUMBER = r"[-+]?(?:\d[\d,_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_COUNT_RE = re.compile(rf"^\s*({_NUMBER})\s*([A-Za-z]*)\s*$")


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("_", ""))


def parse_count(value: Any) -> float:
    """`100M` -> 1e8; `1.2 billion` -> 1.2e9; `10K` -> 1e4; a bare number stays."""
    if isinstance(value, bool):
        raise QuantityError("expected a count, got a boolean", "write a number such as 100M or 1.2 billion")
    if isinstance(value, (int, float)):
        return _finite(float(value), "count")
    if not isinstance(value, str):
        raise QuantityError(f"expected a count, got {type(value).__name__}", "write a number such as 100M or 1.2 billion")
    m = _COUNT_RE.match(value)
    if not m or m.group(2).lower() not in COUNT_SUFFIXES:
        raise QuantityError(
            f"cannot read {value!r} as a count",
            "write a number with an optional K, M, B, T or thousand/million/billion, e.g. 100M",
        )
    return _finite(_number(m.group(1)) * COUNT_SUFFIXES[m.group(2).lower()], "count")


def _finite(x: float, what: str) -> float:
    """Every quantity of a design is a finite, non-negative number."""
    if not math.isfinite(x):
        raise QuantityError(f"{what} must be a finite number", "write an ordinary number")
    if x < 0:
        raise QuantityError(f"{what} cannot be negative ({_g(x)})", f"a {what} is zero or more")
    return x


# --- bytes --------------------------------------------------------------------------------

_DECIMAL = {"": 1.0, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12, "p": 1e15, "e": 1e18}
_BINARY = {"ki": 2.0**10, "mi": 2.0**20, "gi": 2.0**30, "ti": 2.0**40, "pi": 2.0**50, "ei": 2.0**60}
_BYTE_WORDS = {
    "kilobyte": 1e3, "megabyte": 1e6, "gigabyte": 1e9, "terabyte": 1e12, "petabyte": 1e15,
    "exabyte": 1e18, "kibibyte": 2.0**10, "mebibyte": 2.0**20, "gibibyte": 2.0**30,
    "tebibyte": 2.0**40, "pebibyte": 2.0**50, "byte": 1.0,
}
_BYTES_RE = re.compile(rf"^\s*({_NUMBER})\s*([A-Za-z]+)\s*$")


def _byte_unit(unit: str) -> float | None:
    """Bytes per unit for a byte or bit unit (`KB`, `KiB`, `Gb`, `Gbit`, `megabytes`); else None."""
    word = unit.lower().rstrip("s") if len(unit) > 3 else unit.lower()
    if word in _BYTE_WORDS:
        return _BYTE_WORDS[word]
    if word.endswith("bit") or word.endswith("bits"):
        prefix = word[: word.index("bit")]
        scale = _BINARY.get(prefix, _DECIMAL.get(prefix))
        return None if scale is None else scale / 8
    if unit.endswith("B") or unit.endswith("b"):
        prefix = unit[:-1].lower()
        scale = _BINARY.get(prefix, _DECIMAL.get(prefix))
        if scale is None:
            return None
        # Uppercase B is a byte, lowercase b a bit (Mb, Gb), as network people write it.
        return scale if unit.endswith("B") else scale / 8
    return None


def parse_bytes(value: Any) -> float:
    """`1.5 KB` -> 1500; `1 KiB` -> 1024; `10 Gb` -> 1.25e9; a bare number is bytes."""
    if isinstance(value, bool):
        raise QuantityError("expected a size in bytes, got a boolean", "write a size such as 1.5 KB or 2 MiB")
    if isinstance(value, (int, float)):
        return _finite(float(value), "size")
    if not isinstance(value, str):
        raise QuantityError(f"expected a size in bytes, got {type(value).__name__}", "write a size such as 1.5 KB")
    m = _BYTES_RE.match(value)
    scale = _byte_unit(m.group(2)) if m else None
    if scale is None:
        if m:
            raise QuantityError(f"cannot read {value!r} as a size: {m.group(2)!r} is not a byte unit",
                                "use B, KB, MB, GB, TB, PB (decimal) or KiB, MiB, GiB, TiB (binary); b or bit for bits")
        if _COUNT_RE.match(value):
            raise QuantityError(f"{value!r} has no byte unit", "add a unit: B, KB, MB, GB, TB (decimal) or KiB, MiB, GiB (binary)")
        raise QuantityError(
            f"cannot read {value!r} as a size in bytes",
            "write a number and a unit: B, KB, MB, GB, TB, PB (decimal) or KiB, MiB, GiB, TiB (binary); b or bit for bits",
        )
    return _finite(_number(m.group(1)) * scale, "size")


# --- time ---------------------------------------------------------------------------------

#: canonical time unit for each spelling people use
TIME_UNITS: dict[str, str] = {}
for _canon, _names in {
    "microsecond": ["us", "µs", "μs", "usec", "microsecond", "microseconds"],
    "millisecond": ["ms", "msec", "msecs", "millisecond", "milliseconds"],
    "second": ["s", "sec", "secs", "second", "seconds"],
    "minute": ["m", "min", "mins", "minute", "minutes"],
    "hour": ["h", "hr", "hrs", "hour", "hours"],
    "day": ["d", "day", "days"],
    "week": ["w", "wk", "wks", "week", "weeks"],
    "month": ["mo", "mon", "month", "months"],
    "year": ["y", "yr", "yrs", "year", "years"],
}.items():
    for _n in _names:
        TIME_UNITS[_n] = _canon

#: seconds per unit where no convention is involved (sub-day units are exact everywhere)
FIXED_SECONDS = {"microsecond": 1e-6, "millisecond": 1e-3, "second": 1.0, "minute": 60.0, "hour": 3600.0}


@dataclass(frozen=True)
class Convention:
    """How many seconds a calendar unit has. Two exist: exact calendar and interview shortcuts."""

    name: str
    seconds: dict[str, float]
    description: str

    def seconds_per(self, unit: str) -> float:
        return FIXED_SECONDS.get(unit) or self.seconds[unit]


EXACT = Convention(
    "exact",
    {"day": 86_400.0, "week": 604_800.0, "month": 2_628_000.0, "year": 31_536_000.0},
    "calendar arithmetic: a day is 86,400 s, a year 365 days, a month a twelfth of a year",
)
SHORTCUT = Convention(
    "shortcut",
    {"day": 1e5, "week": 7e5, "month": 2.5e6, "year": 3e7},
    "interview shortcuts: a day ~ 10^5 s, a month ~ 2.5 x 10^6 s (so 1 billion a month ~ 400/s), a year ~ 12 months",
)
CONVENTIONS = {c.name: c for c in (EXACT, SHORTCUT)}


def _time_unit(unit: str) -> str | None:
    return TIME_UNITS.get(unit) or TIME_UNITS.get(unit.lower())


_DURATION_RE = re.compile(rf"^\s*({_NUMBER})\s*([A-Za-zµμ]+)\s*$")


@dataclass(frozen=True)
class Duration:
    """A length of time as written: a magnitude and a canonical calendar unit."""

    value: float
    unit: str

    def seconds(self, convention: Convention = EXACT) -> float:
        return self.value * convention.seconds_per(self.unit)

    def __str__(self) -> str:
        return f"{_g(self.value)} {self.unit}{'' if self.value == 1 else 's'}"


def parse_duration(value: Any) -> Duration:
    """`50 ms`, `5 years`, `30 days`; a bare number is seconds."""
    if isinstance(value, Duration):
        return value
    if isinstance(value, bool):
        raise QuantityError("expected a duration, got a boolean", "write a duration such as 50 ms or 5 years")
    if isinstance(value, (int, float)):
        return Duration(_finite(float(value), "duration"), "second")
    if not isinstance(value, str):
        raise QuantityError(f"expected a duration, got {type(value).__name__}", "write a duration such as 50 ms or 5 years")
    m = _DURATION_RE.match(value)
    unit = _time_unit(m.group(2)) if m else None
    if unit is None:
        raise QuantityError(
            f"cannot read {value!r} as a duration",
            "write a number and a unit: us, ms, s, min, h, day, week, month, year",
        )
    return Duration(_finite(_number(m.group(1)), "duration"), unit)


@dataclass(frozen=True)
class Rate:
    """So many events per calendar unit, as written: `10/day` is Rate(10, "day")."""

    count: float
    per: str

    def per_second(self, convention: Convention = EXACT) -> float:
        return self.count / convention.seconds_per(self.per)

    def __str__(self) -> str:
        return f"{_g(self.count)}/{self.per}"


_RATE_RE = re.compile(r"^\s*(.+?)\s*(?:/|\bper\b|\ba\b)\s*([A-Za-zµμ]+)\s*$")
_RATE_SHORT_RE = re.compile(rf"^\s*({_NUMBER}\s*[A-Za-z]*)\s*(qps|rps|tps)\s*$", re.IGNORECASE)


def parse_rate(value: Any) -> Rate:
    """`10/day`, `100M per month`, `5K/s`, `50K qps`; a bare number is per second."""
    if isinstance(value, Rate):
        return value
    if isinstance(value, bool):
        raise QuantityError("expected a rate, got a boolean", "write a rate such as 10/day or 5K/s")
    if isinstance(value, (int, float)):
        return Rate(_finite(float(value), "rate"), "second")
    if not isinstance(value, str):
        raise QuantityError(f"expected a rate, got {type(value).__name__}", "write a rate such as 10/day or 5K/s")
    short = _RATE_SHORT_RE.match(value)
    if short:
        return Rate(parse_count(short.group(1)), "second")
    m = _RATE_RE.match(value)
    unit = _time_unit(m.group(2)) if m else None
    if m is None or unit is None:
        raise QuantityError(
            f"cannot read {value!r} as a rate",
            "write a count per time unit, e.g. 10/day, 100M/month, 5K/s or 50K qps",
        )
    try:
        count = parse_count(m.group(1))
    except QuantityError as exc:
        raise QuantityError(f"cannot read {value!r} as a rate: {exc}", exc.hint) from None
    return Rate(count, unit)


def parse_data_rate(value: Any) -> float:
    """Bytes per second: `10 Gbps`, `1.25 GB/s`, `100 Mbit/s`; a bare number is bytes/s."""
    if isinstance(value, bool):
        raise QuantityError("expected a data rate, got a boolean", "write a data rate such as 10 Gbps")
    if isinstance(value, (int, float)):
        return _finite(float(value), "data rate")
    if not isinstance(value, str):
        raise QuantityError(f"expected a data rate, got {type(value).__name__}", "write a data rate such as 10 Gbps")
    text = value.strip()
    m = re.match(rf"^({_NUMBER})\s*([KMGTkmgt]?i?)bps$", text)
    if m:
        return _finite(parse_bytes(f"{m.group(1)} {m.group(2)}bit"), "data rate")
    m = re.match(r"^(.+?)\s*(?:/|\bper\b)\s*([A-Za-z]+)$", text)
    unit = _time_unit(m.group(2)) if m else None
    if m is None or unit is None:
        raise QuantityError(f"cannot read {value!r} as a data rate", "write e.g. 10 Gbps, 100 Mbit/s or 1.25 GB/s")
    return _finite(parse_bytes(m.group(1)) / EXACT.seconds_per(unit), "data rate")


# --- fractions ----------------------------------------------------------------------------

_NINES_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def parse_fraction(value: Any) -> float:
    """`99.99%` -> 0.9999; `20%` -> 0.2; `four nines` -> 0.9999; a number in [0, 1] stays."""
    if isinstance(value, bool):
        raise QuantityError("expected a percentage, got a boolean", "write a percentage such as 20% or 99.99%")
    if isinstance(value, (int, float)):
        x = float(value)
    elif isinstance(value, str):
        text = value.strip().lower()
        nines = re.match(r"^(\d|two|three|four|five|six)\s+nines$", text)
        if nines:
            n = nines.group(1)
            return 1 - 10.0 ** -(int(n) if n.isdigit() else _NINES_WORDS[n])
        m = re.match(rf"^({_NUMBER})\s*%$", text)
        if m:
            x = _number(m.group(1)) / 100
        else:
            try:
                x = _number(text)
            except ValueError:
                raise QuantityError(
                    f"cannot read {value!r} as a percentage",
                    "write a percentage such as 20% or 99.99%, a fraction such as 0.2, or 'four nines'",
                ) from None
    else:
        raise QuantityError(f"expected a percentage, got {type(value).__name__}", "write a percentage such as 20%")
    x = round(x, 12)
    if not (0.0 <= x <= 1.0):
        raise QuantityError(f"{value!r} is outside 0-100%", "a fraction lies between 0 and 1 (0% and 100%)")
    return x


def nines(fraction: float) -> float:
    """Number of nines of an availability: 0.9999 -> 4.0."""
    return math.inf if fraction >= 1 else -math.log10(1 - fraction)


# --- formatting ---------------------------------------------------------------------------

def _g(x: float) -> str:
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}" if abs(x) >= 10_000 else str(int(x))
    return f"{x:.3g}"


def _scaled(x: float, scales: tuple[tuple[float, str], ...], sep: str) -> str:
    """x in the largest unit it reaches, carrying into the next unit when rounding makes 1000."""
    ax = abs(x)
    ordered = sorted(scales)  # ascending
    chosen = next((i for i in range(len(ordered) - 1, -1, -1) if ax >= ordered[i][0]), None)
    if chosen is None:
        text = _trim(x)
        if abs(float(text)) >= 1000 and ordered:
            chosen = 0
        else:
            return text
    while True:
        scale, suffix = ordered[chosen]
        text = _trim(x / scale)
        if abs(float(text)) >= 1000 and chosen + 1 < len(ordered):
            chosen += 1
            continue
        return f"{text}{sep}{suffix}"


_COUNT_SCALES = ((1e3, "K"), (1e6, "M"), (1e9, "B"), (1e12, "T"))
_BYTE_SCALES = ((1e3, "KB"), (1e6, "MB"), (1e9, "GB"), (1e12, "TB"), (1e15, "PB"), (1e18, "EB"))


def fmt_count(x: float) -> str:
    """11574.07 -> '11.6K'; 1.2e9 -> '1.2B'; 7 -> '7'; 0.35 -> '0.35'; 999,999 -> '1M'."""
    return _scaled(x, _COUNT_SCALES, "")


def _trim(x: float) -> str:
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}".rstrip("0").rstrip(".")
    if abs(x) >= 0.01 or x == 0:
        return f"{x:.2f}".rstrip("0").rstrip(".")
    return f"{x:.2g}"


def fmt_bytes(x: float) -> str:
    """Decimal units, as capacity is sold: 36.5e12 -> '36.5 TB'; 999.96e9 -> '1 TB'."""
    text = _scaled(x, _BYTE_SCALES, " ")
    return text if " " in text else f"{text} B"


def fmt_data_rate(bytes_per_second: float) -> str:
    """Bytes/s as both bytes and bits: '1.16 MB/s (9.26 Mbps)'."""
    bits = bytes_per_second * 8
    for scale, suffix in ((1e12, "Tbps"), (1e9, "Gbps"), (1e6, "Mbps"), (1e3, "Kbps")):
        if bits >= scale:
            return f"{fmt_bytes(bytes_per_second)}/s ({_trim(bits / scale)} {suffix})"
    return f"{fmt_bytes(bytes_per_second)}/s ({_trim(bits)} bps)"


def fmt_seconds(s: float) -> str:
    if s < 1e-3:
        return f"{_trim(s * 1e6)} us"
    if s < 1:
        return f"{_trim(s * 1e3)} ms"
    return f"{_trim(s)} s"


def fmt_percent(f: float) -> str:
    text = f"{f * 100:.6f}".rstrip("0").rstrip(".")
    return f"{text}%"


def fmt_kind(value: float, kind: str) -> str:
    """Format a number by what it measures: count, bytes, data_rate, fraction or ms."""
    if kind == "bytes":
        return fmt_bytes(value)
    if kind == "data_rate":
        return fmt_data_rate(value)
    if kind == "fraction":
        return fmt_percent(value)
    if kind == "ms":
        return f"{fmt_count(value)} ms"
    return fmt_count(value)
