"""Scale plots: the four files, byte-identical across runs, valid PNG and SVG, the curves against
closed forms, and a design with no latency targets."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tests.plot_files import png_size, svg_texts
from tradeoff.capacity.latency import request_flows
from tradeoff.capacity.model import build
from tradeoff.capacity.plots import DPI, SIZE_IN, latency_curves, plot, utilisation_curves
from tradeoff.capacity.scale import sweep
from tradeoff.errors import UsageError
from tradeoff.examples import example_path
from tradeoff.io.load import load_design, load_design_text

FIXTURES = Path(__file__).parent / "fixtures"
NAMES = ["scale-latency.png", "scale-latency.svg", "scale-utilisation.png", "scale-utilisation.svg"]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def url_shortener():
    return sweep(build(load_design(example_path("url-shortener"))))


@pytest.fixture(scope="module")
def mm1():
    return sweep(build(load_design(FIXTURES / "mm1.design.yaml")), (1.0,))


def test_writes_the_four_files(url_shortener, tmp_path):
    paths = plot(url_shortener, tmp_path / "plots")
    assert [p.name for p in paths] == NAMES
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == sorted(NAMES)
    assert all(p.stat().st_size > 1000 for p in paths)


def test_same_report_gives_byte_identical_files(url_shortener, tmp_path):
    first = plot(url_shortener, tmp_path / "a")
    second = plot(url_shortener, tmp_path / "b")
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_png_is_valid_and_of_the_fixed_size(url_shortener, tmp_path):
    from PIL import Image  # matplotlib's own dependency

    for path in plot(url_shortener, tmp_path, formats=("png",)):
        assert png_size(path.read_bytes()) == (round(SIZE_IN[0] * DPI), round(SIZE_IN[1] * DPI))
        with Image.open(path) as im:
            im.verify()


def test_svg_parses_and_names_every_flow(url_shortener, tmp_path):
    paths = plot(url_shortener, tmp_path, formats=("svg",))
    assert [p.name for p in paths] == ["scale-latency.svg", "scale-utilisation.svg"]
    text = svg_texts(tmp_path / "scale-latency.svg")
    flows = [f.id for f, _ in request_flows(url_shortener.model)]
    assert flows == ["read-redirect", "read-stats", "read-web-app", "write-shorten"]
    for fid in flows:  # read-web-app has no station of ours: named as not drawn
        assert fid in text, fid
    util = svg_texts(tmp_path / "scale-utilisation.svg")
    assert "max_utilisation ceiling (70%)" in util and "redirect-service" in util


def test_design_without_latency_targets_still_plots(tmp_path):
    text = (FIXTURES / "mm1.design.yaml").read_text()
    text = text.replace("  non_functional:\n    latency:\n      - {use_case: get, p99: 100 ms}\n", "")
    assert "p99" not in text
    report = sweep(build(load_design_text(text, "no-targets.design.yaml")), (1.0,))
    assert not [b for b in report.breaks if b.kind == "slo"]
    paths = plot(report, tmp_path)
    assert [p.name for p in paths] == NAMES
    assert "get-path" in svg_texts(tmp_path / "scale-latency.svg")


def test_mm1_curve_matches_the_closed_form(mm1):
    # M/M/1, mu = 100/s, 50/s at 1x: sojourn ~ Exp(100 - 50 m), so p50 = ln 2 / (100 - 50 m) and
    # p99 = ln 100 / (100 - 50 m); the station saturates at m = 2 and the curve stops just under it
    (curve,), timeless = latency_curves(mm1)
    assert timeless == [] and curve.flow == "get-path"
    assert curve.saturates_at == pytest.approx(2.0)
    assert curve.multipliers[0] == pytest.approx(0.1)
    assert 1.99 < curve.multipliers[-1] < 2.0
    assert 36 <= len(curve.multipliers) <= 40
    for m, p50, p99 in zip(curve.multipliers, curve.p50, curve.p99):
        if m > 1.9:  # the grid is sized to the mean; the percentiles hold to a fraction of a bin
            break
        assert p50 == pytest.approx(math.log(2) / (100 - 50 * m), rel=1e-2)
        assert p99 == pytest.approx(math.log(100) / (100 - 50 * m), rel=1e-2)
    # the p99 target (100 ms) is missed at (100 - ln 100 / 0.1) / 50 = 1.07897x (test_scale)
    assert [b.resource for b in curve.breaks] == ["p99"]
    assert curve.breaks[0].multiplier == pytest.approx(1.07897, rel=5e-3)


def test_utilisation_curve_is_linear_from_the_model(mm1):
    # 50/s on one server of 100/s: 50% busy at 1x, full at 2x
    (c,) = utilisation_curves(mm1)
    assert (c.component, c.resource) == ("api", "compute")
    assert c.at_1x == pytest.approx(0.5)
    assert c.at(2.0) == pytest.approx(1.0)


def test_rewrites_its_own_files_but_never_a_foreign_one(mm1, tmp_path):
    plot(mm1, tmp_path)
    plot(mm1, tmp_path)  # its own files: replaced
    mine = tmp_path / "scale-utilisation.svg"
    mine.write_text("<svg>my own drawing</svg>")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(UsageError, match="not a plot tradeoff wrote"):
        plot(mm1, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # nothing written at all


def test_only_the_named_files_are_written(mm1, tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    plot(mm1, tmp_path, formats=("svg",))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "scale-latency.svg", "scale-utilisation.svg"]
    assert (tmp_path / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize("formats", [(), ("pdf",), ("png", "jpg")])
def test_unknown_formats_are_a_usage_error(mm1, tmp_path, formats):
    with pytest.raises(UsageError):
        plot(mm1, tmp_path, formats=formats)
    assert list(tmp_path.iterdir()) == []
