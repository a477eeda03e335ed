"""Quantities as people write them, parsed once at the edge.

Every expected number below is worked out by hand (the arithmetic is in the comment beside
it); nothing here calls a parser or formatter to produce an expectation.
"""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradeoff.errors import DesignErrors, UnitError
from tradeoff.io.load import load_design_text
from tradeoff.model.quantity import (
    EXACT,
    SHORTCUT,
    QuantityError,
    fmt_bytes,
    fmt_count,
    fmt_data_rate,
    fmt_percent,
    parse_bytes,
    parse_count,
    parse_data_rate,
    parse_duration,
    parse_fraction,
    parse_rate,
)

PARSERS = [parse_count, parse_bytes, parse_duration, parse_rate, parse_data_rate, parse_fraction]


# --- counts -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("100M", 100_000_000),  # 100 x 10^6
        ("1.2 billion", 1_200_000_000),  # 1.2 x 10^9
        ("10K", 10_000),  # 10 x 10^3
        ("10k", 10_000),  # suffixes are case-insensitive
        ("1,000", 1_000),  # thousands separator
        ("2.5 bn", 2_500_000_000),  # 2.5 x 10^9
        ("3 trillion", 3_000_000_000_000),  # 3 x 10^12
        ("7 thousand", 7_000),
        ("42", 42),
        ("1e6", 1_000_000),
        ("1_000_000", 1_000_000),
        ("  15 million ", 15_000_000),  # surrounding blanks are ignored
    ],
)
def test_parse_count_text(text, expected):
    assert parse_count(text) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("number, expected", [(12, 12.0), (0.5, 0.5), (0, 0.0)])
def test_parse_count_plain_numbers_stay(number, expected):
    assert parse_count(number) == expected


# --- bytes --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("1.5 KB", 1_500),  # decimal: 1.5 x 1000
        ("1 KiB", 1_024),  # binary: 2^10
        ("2 MiB", 2_097_152),  # 2 x 2^20 = 2 x 1,048,576
        ("1 GiB", 1_073_741_824),  # 2^30
        ("10 Gb", 1_250_000_000),  # lowercase b is bits: 10 x 10^9 / 8
        ("100 Mbit", 12_500_000),  # 100 x 10^6 bits / 8
        ("500 bytes", 500),
        ("1 byte", 1),
        ("3 megabytes", 3_000_000),
        ("36.5 TB", 36_500_000_000_000),  # 36.5 x 10^12
        ("5.4 PB", 5_400_000_000_000_000),  # 5.4 x 10^15
        ("1.27 KB", 1_270),
    ],
)
def test_parse_bytes_decimal_binary_and_bits(text, expected):
    assert parse_bytes(text) == pytest.approx(expected, rel=1e-12)


def test_decimal_and_binary_kilobyte_differ():
    # KB is 1000 bytes and KiB is 1024: a 2.4% difference people conflate
    assert parse_bytes("1 KB") == 1000
    assert parse_bytes("1 KiB") == 1024


def test_parse_bytes_bare_number_is_bytes():
    assert parse_bytes(4096) == 4096.0


# --- durations ----------------------------------------------------------------------------

def test_durations_in_seconds():
    assert parse_duration("50 ms").seconds(EXACT) == pytest.approx(0.05, rel=1e-12)  # 50 / 1000
    assert parse_duration("50 ms").seconds(SHORTCUT) == pytest.approx(0.05, rel=1e-12)  # sub-day units are exact
    assert parse_duration("2 h").seconds(EXACT) == pytest.approx(7_200, rel=1e-12)  # 2 x 3600
    assert parse_duration("90 seconds").seconds(EXACT) == pytest.approx(90, rel=1e-12)
    assert parse_duration("250 us").seconds(EXACT) == pytest.approx(0.000_25, rel=1e-12)


def test_five_years_exact_vs_shortcut():
    five = parse_duration("5 years")
    # exact: 5 x 365 days x 86,400 s = 157,680,000 s
    assert five.seconds(EXACT) == pytest.approx(157_680_000, rel=1e-12)
    # shortcut: a year ~ 3 x 10^7 s, so 5 years = 1.5 x 10^8 s
    assert five.seconds(SHORTCUT) == pytest.approx(150_000_000, rel=1e-12)


def test_thirty_days_exact_vs_shortcut():
    thirty = parse_duration("30 days")
    assert thirty.seconds(EXACT) == pytest.approx(2_592_000, rel=1e-12)  # 30 x 86,400
    assert thirty.seconds(SHORTCUT) == pytest.approx(3_000_000, rel=1e-12)  # 30 x 10^5


def test_duration_keeps_the_unit_it_was_written_in():
    d = parse_duration("3 months")
    assert (d.value, d.unit) == (3.0, "month")
    assert parse_duration("1 m").unit == "minute"  # `m` after a number in a duration is minutes
    assert parse_duration(12).seconds(EXACT) == 12  # a bare number is seconds


# --- rates --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, exact_per_s, shortcut_per_s",
    [
        # 10 / 86,400 = 1.1574e-4 ; shortcut 10 / 10^5 = 1e-4
        ("10/day", 1.157_407_407e-4, 1e-4),
        # 100M / 2,628,000 s (365/12 days) = 38.0518 ; shortcut 100M / 2.5M = 40 (primer: 40 rps = 100M/month)
        ("100M per month", 38.051_750_38, 40.0),
        ("5K/s", 5_000.0, 5_000.0),
        ("50K qps", 50_000.0, 50_000.0),
        # primer's handy guide: 1 billion requests per month ~ 400 requests per second
        # exact: 1e9 / 2,628,000 = 380.518
        ("1 billion/month", 380.517_503_8, 400.0),
        ("1 billion a month", 380.517_503_8, 400.0),
        ("3600/hour", 1.0, 1.0),
    ],
)
def test_rates_per_second_under_both_conventions(text, exact_per_s, shortcut_per_s):
    r = parse_rate(text)
    assert r.per_second(EXACT) == pytest.approx(exact_per_s, rel=1e-8)
    assert r.per_second(SHORTCUT) == pytest.approx(shortcut_per_s, rel=1e-8)


def test_rate_keeps_count_and_unit_as_written():
    r = parse_rate("100M per month")
    assert (r.count, r.per) == (100_000_000, "month")
    assert parse_rate(25).per == "second"  # bare number is per second


# --- data rates ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, bytes_per_s",
    [
        ("10 Gbps", 1_250_000_000),  # 10 x 10^9 bits / 8
        ("1 Gbps", 125_000_000),
        ("100 Mbit/s", 12_500_000),  # 100 x 10^6 / 8
        ("1.25 GB/s", 1_250_000_000),
        ("6 MB/min", 100_000),  # 6 x 10^6 / 60
    ],
)
def test_parse_data_rate(text, bytes_per_s):
    assert parse_data_rate(text) == pytest.approx(bytes_per_s, rel=1e-12)


# --- fractions ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "value, expected",
    [
        ("99.99%", 0.9999),
        ("20%", 0.2),
        ("four nines", 0.9999),  # 1 - 10^-4
        ("3 nines", 0.999),  # 1 - 10^-3
        ("five nines", 0.99999),
        ("0.2", 0.2),
        (0.2, 0.2),
        ("100%", 1.0),
        ("0%", 0.0),
    ],
)
def test_parse_fraction(value, expected):
    assert parse_fraction(value) == pytest.approx(expected, abs=1e-12)


def test_fmt_percent_reverses_a_fraction():
    assert fmt_percent(0.9999) == "99.99%"
    assert fmt_percent(0.2) == "20%"


# --- multipliers and ratios, through the design loader -------------------------------------

def _design_with(peak: str, ratio: str):
    return load_design_text(
        f"""\
name: t
requirements:
  access_patterns:
    read_write_ratio: "{ratio}"
estimates:
  peak_multiplier: "{peak}"
""",
        "x.yaml",
    )


@pytest.mark.parametrize(
    "peak, ratio, peak_value, ratio_value",
    [
        ("3x", "100:1", 3.0, 100.0),  # 100 reads per write
        ("2.5×", "1:4", 2.5, 0.25),  # 1 / 4
        ("4", "10:1", 4.0, 10.0),
        ("2X", "3:2", 2.0, 1.5),  # 3 / 2
    ],
)
def test_multiplier_and_ratio_fields(peak, ratio, peak_value, ratio_value):
    d = _design_with(peak, ratio)
    assert d.estimates.peak_multiplier == pytest.approx(peak_value)
    assert d.requirements.access_patterns.read_write_ratio == pytest.approx(ratio_value)


@pytest.mark.parametrize("peak, ratio", [("0x", "10:1"), ("-2x", "10:1"), ("lots", "10:1"),
                                         ("3x", "100:0"), ("3x", "many")])
def test_bad_multiplier_or_ratio_is_a_unit_error_with_hint(peak, ratio):
    with pytest.raises(DesignErrors) as exc:
        _design_with(peak, ratio)
    errors = exc.value.errors
    assert errors and all(isinstance(e, UnitError) for e in errors)
    assert all(e.hint for e in errors)


def test_yaml_boolean_where_a_count_belongs_is_rejected_with_hint():
    with pytest.raises(DesignErrors) as exc:
        load_design_text("name: t\nrequirements:\n  users:\n    dau: true\n", "x.yaml")
    (err,) = exc.value.errors
    assert isinstance(err, UnitError)
    assert "dau" in str(err)
    assert err.hint


# --- rejection of bad inputs ----------------------------------------------------------------

@pytest.mark.parametrize("parser", [parse_count, parse_bytes, parse_duration, parse_rate])
def test_unknown_unit_rejected(parser):
    with pytest.raises(QuantityError) as exc:
        parser("12 parsecs")
    assert exc.value.hint.strip()


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("bad", ["abc", True, False, "true", "", None, [1], "NaN"])
def test_garbage_rejected_by_every_parser(parser, bad):
    with pytest.raises(QuantityError) as exc:
        parser(bad)
    assert exc.value.hint.strip()


def test_size_is_not_a_duration():
    with pytest.raises(QuantityError) as exc:
        parse_duration("5 GB")
    assert exc.value.hint.strip()


def test_duration_is_not_a_size():
    with pytest.raises(QuantityError) as exc:
        parse_bytes("5 days")
    assert exc.value.hint.strip()


def test_size_needs_a_unit():
    with pytest.raises(QuantityError) as exc:
        parse_bytes("512")
    assert exc.value.hint.strip()


@pytest.mark.parametrize("bad", ["150%", "1.5", -0.1, "-5%", "101 %"])
def test_fraction_outside_zero_to_one_rejected(bad):
    with pytest.raises(QuantityError) as exc:
        parse_fraction(bad)
    assert exc.value.hint.strip()


@pytest.mark.parametrize("parser, text", [(parse_count, "1e400"), (parse_bytes, "1e308 EB"),
                                          (parse_count, "1e300T"), (parse_count, "-5M")])
def test_non_finite_or_negative_rejected(parser, text):
    # 1e400 overflows a float; 1e308 x 1e18 and 1e300 x 1e12 overflow; a count is never negative
    with pytest.raises(QuantityError) as exc:
        parser(text)
    assert exc.value.hint.strip()


# --- formatters -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "x, text",
    [
        (11_574.07, "11.6K"),  # 11.574K to 3 significant figures
        (1.2e9, "1.2B"),
        (7, "7"),
        (0.35, "0.35"),
        (400, "400"),
        (60_000, "60K"),
        (3_472.22, "3.47K"),
        (5.4e15, "5400T"),  # T is the largest count suffix
    ],
)
def test_fmt_count(x, text):
    assert fmt_count(x) == text


@pytest.mark.parametrize(
    "x, text",
    [
        (36.5e12, "36.5 TB"),
        (1_500, "1.5 KB"),
        (12.7e9, "12.7 GB"),
        (457.2e9, "457 GB"),  # three significant figures
        (5.4e15, "5.4 PB"),
        (999, "999 B"),
    ],
)
def test_fmt_bytes(x, text):
    assert fmt_bytes(x) == text


def test_fmt_data_rate_shows_bytes_and_bits():
    # 1,157,407.4 B/s = 1.157 MB/s; x 8 = 9,259,259 bit/s = 9.26 Mbps
    assert fmt_data_rate(1_157_407.4) == "1.16 MB/s (9.26 Mbps)"
    # 1.25e9 B/s x 8 = 10 Gbps
    assert fmt_data_rate(1.25e9) == "1.25 GB/s (10 Gbps)"


def test_fmt_count_carries_into_the_next_suffix():
    # 999,999 is 0.999999M; rounded for display it is 1M, never "1000K"
    assert fmt_count(999_999) == "1M"


def test_fmt_bytes_carries_into_the_next_unit():
    # 999.96e9 B = 0.99996 TB -> "1 TB" when shown to 3 significant figures
    assert fmt_bytes(999.96e9) == "1 TB"


# --- properties -----------------------------------------------------------------------------

#: count suffixes and their scale, written out by hand
COUNT_SCALES = {
    "": 1.0, "K": 1e3, "k": 1e3, "thousand": 1e3,
    "M": 1e6, "m": 1e6, "mn": 1e6, "million": 1e6,
    "B": 1e9, "bn": 1e9, "billion": 1e9,
    "T": 1e12, "trillion": 1e12,
}

#: byte units and bytes per unit, written out by hand
BYTE_SCALES = {
    "B": 1.0, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "PB": 1e15,
    "KiB": 1024.0, "MiB": 1_048_576.0, "GiB": 1_073_741_824.0, "TiB": 1_099_511_627_776.0,
    "Kb": 125.0, "Mb": 125_000.0, "Gb": 125_000_000.0,  # bits: 10^3/8, 10^6/8, 10^9/8
}

finite_non_negative = st.floats(min_value=0, max_value=1e15, allow_nan=False, allow_infinity=False)


@settings(max_examples=300)
@given(x=finite_non_negative, suffix=st.sampled_from(sorted(COUNT_SCALES)), space=st.sampled_from(["", " "]))
def test_count_suffix_scales(x, suffix, space):
    assert parse_count(f"{x}{space}{suffix}") == pytest.approx(x * COUNT_SCALES[suffix], rel=1e-12, abs=1e-300)


@settings(max_examples=300)
@given(x=finite_non_negative, unit=st.sampled_from(sorted(BYTE_SCALES)))
def test_bytes_unit_round_trip(x, unit):
    assert parse_bytes(f"{x} {unit}") == pytest.approx(x * BYTE_SCALES[unit], rel=1e-12, abs=1e-300)


@settings(max_examples=300)
@given(p=st.floats(min_value=0, max_value=100, allow_nan=False))
def test_percent_is_a_fraction(p):
    assert parse_fraction(f"{p}%") == pytest.approx(p / 100, abs=1e-11)


@settings(max_examples=500)
@given(text=st.text(max_size=40))
@pytest.mark.parametrize("parser", PARSERS)
def test_arbitrary_text_only_ever_raises_quantity_error(parser, text):
    try:
        out = parser(text)
    except QuantityError as exc:
        assert isinstance(exc.hint, str)
        return
    # when it does parse, the result is an ordinary number
    value = out if isinstance(out, float) else getattr(out, "value", getattr(out, "count", None))
    assert isinstance(value, float) and math.isfinite(value)


# Strings built from the parsers' own vocabulary reach deeper than random text.
_pieces = st.sampled_from(["1", "2.5", "1e3", ",", "_", ".", " ", "K", "M", "B", "b", "i", "bit", "s",
                           "/", "per", "a", "day", "month", "%", "nines", "four", "qps", "ps", "-", "e", "µ"])


@settings(max_examples=500)
@given(text=st.lists(_pieces, max_size=8).map("".join))
@pytest.mark.parametrize("parser", PARSERS)
def test_vocabulary_soup_only_ever_raises_quantity_error(parser, text):
    try:
        parser(text)
    except QuantityError:
        pass
