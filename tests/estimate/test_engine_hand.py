"""The estimate engine against numbers worked out by hand, under both conventions.

Conventions (from the engine's contract):
  exact    - a day is 86,400 s, a month 365/12 days (2,628,000 s), a year 365 days
  shortcut - a day is 10^5 s, a month 2.5 x 10^6 s; calendar volumes count 30-day months
             and 360-day years ("10 KB x 500M/day x 30 days = 150 TB a month").
Every expectation is a literal with its arithmetic beside it.
"""

import pytest

from tradeoff.estimate.engine import estimate
from tradeoff.io.load import load_design_text


def run(yaml_text: str, convention: str | None = None):
    return estimate(load_design_text(yaml_text, "x.yaml"), convention)


def value(est, key):
    assert key in est.figures, f"no figure {key}; have {sorted(est.figures)}"
    return est.figures[key].value


def fired(est):
    return {c.threshold for c in est.callouts}


# --- traffic from DAU ------------------------------------------------------------------------

FEED = """\
name: feed
requirements:
  use_cases:
    - {id: view, name: View feed}
    - {id: post, name: Post}
  users: {dau: 100M}
  access_patterns: {read_write_ratio: "10:1"}
estimates:
  peak_multiplier: 2x
  traffic:
    - {use_case: view, operation: read, requests_per_user_per_day: 10, response_size: 10 KB}
    - {use_case: post, operation: write, requests_per_user_per_day: 1, request_size: 1 KB}
"""


def test_dau_times_requests_exact():
    est = run(FEED, "exact")
    # 100M DAU x 10 req/user/day = 1,000,000,000 req/day
    assert value(est, "view.requests_per_day") == pytest.approx(1e9, rel=1e-9)
    # 1e9 / 86,400 = 11,574.074 req/s
    assert value(est, "view.qps.avg") == pytest.approx(11_574.074, rel=1e-6)
    # 100M x 1 = 1e8/day; 1e8 / 86,400 = 1,157.407 req/s
    assert value(est, "post.qps.avg") == pytest.approx(1_157.407, rel=1e-6)
    # peak 2x: 23,148.148 and 2,314.815
    assert value(est, "view.qps.peak") == pytest.approx(23_148.148, rel=1e-6)
    assert value(est, "post.qps.peak") == pytest.approx(2_314.815, rel=1e-6)


def test_dau_times_requests_shortcut():
    est = run(FEED, "shortcut")
    assert est.convention == "shortcut"
    # 1e9 req/day / 10^5 s/day = 10,000 req/s
    assert value(est, "view.qps.avg") == pytest.approx(10_000, rel=1e-9)
    # 1e8 / 10^5 = 1,000 req/s
    assert value(est, "post.qps.avg") == pytest.approx(1_000, rel=1e-9)
    assert value(est, "view.qps.peak") == pytest.approx(20_000, rel=1e-9)  # x 2
    assert value(est, "post.qps.peak") == pytest.approx(2_000, rel=1e-9)
    # a day is still one day: 1e9 requests per day under either convention
    assert value(est, "view.requests_per_day") == pytest.approx(1e9, rel=1e-9)


def test_design_convention_is_the_default():
    shortcut_design = FEED.replace("  peak_multiplier: 2x", "  convention: shortcut\n  peak_multiplier: 2x")
    est = run(shortcut_design)  # no convention passed: the design's own
    assert est.convention == "shortcut"
    assert value(est, "view.qps.avg") == pytest.approx(10_000, rel=1e-9)  # 1e9 / 10^5
    est = run(shortcut_design, "exact")  # an explicit convention wins
    assert value(est, "view.qps.avg") == pytest.approx(11_574.074, rel=1e-6)


def test_totals_and_read_write_ratio_exact():
    est = run(FEED, "exact")
    assert value(est, "qps.read.avg") == pytest.approx(11_574.074, rel=1e-6)
    assert value(est, "qps.write.avg") == pytest.approx(1_157.407, rel=1e-6)
    # 11,574.074 + 1,157.407 = 12,731.481
    assert value(est, "qps.total.avg") == pytest.approx(12_731.481, rel=1e-6)
    # 23,148.148 + 2,314.815 = 25,462.963
    assert value(est, "qps.total.peak") == pytest.approx(25_462.963, rel=1e-6)
    # 1e9 reads/day : 1e8 writes/day = 10:1
    assert value(est, "read_write_ratio") == pytest.approx(10.0, rel=1e-9)
    assert "10:1" in est.figures["read_write_ratio"].derivation  # the stated ratio is shown beside


def test_bandwidth_in_and_out_exact():
    est = run(FEED, "exact")
    # out: 11,574.074 req/s x 10,000 B = 115,740,740.7 B/s (~115.7 MB/s); peak x 2
    assert value(est, "bandwidth.out.avg") == pytest.approx(115_740_740.7, rel=1e-6)
    assert value(est, "bandwidth.out.peak") == pytest.approx(231_481_481.5, rel=1e-6)
    # in: 1,157.407 req/s x 1,000 B = 1,157,407.4 B/s; peak x 2 = 2,314,814.8
    assert value(est, "bandwidth.in.avg") == pytest.approx(1_157_407.4, rel=1e-6)
    assert value(est, "bandwidth.in.peak") == pytest.approx(2_314_814.8, rel=1e-6)
    assert value(est, "view.bandwidth.out.avg") == pytest.approx(115_740_740.7, rel=1e-6)
    assert value(est, "post.bandwidth.in.peak") == pytest.approx(2_314_814.8, rel=1e-6)


def test_bandwidth_in_and_out_shortcut():
    est = run(FEED, "shortcut")
    # out: 10,000 req/s x 10 KB = 10^8 B/s (100 MB/s = 800 Mbps); peak x 2 = 2 x 10^8
    assert value(est, "bandwidth.out.avg") == pytest.approx(1e8, rel=1e-9)
    assert value(est, "bandwidth.out.peak") == pytest.approx(2e8, rel=1e-9)
    # in: 1,000 req/s x 1 KB = 10^6 B/s; peak 2 x 10^6
    assert value(est, "bandwidth.in.avg") == pytest.approx(1e6, rel=1e-9)
    assert value(est, "bandwidth.in.peak") == pytest.approx(2e6, rel=1e-9)


def test_derivation_shows_the_inputs():
    est = run(FEED, "exact")
    per_day = est.figures["view.requests_per_day"].derivation
    assert "100M DAU" in per_day and "10 req/user/day" in per_day and "1B" in per_day
    qps = est.figures["view.qps.avg"].derivation
    assert "86,400" in qps and "1B" in qps and "11.6K" in qps
    assert "100,000" in run(FEED, "shortcut").figures["view.qps.avg"].derivation  # 10^5 s/day


# --- read/write split, relative_to, per-use-case peak ------------------------------------------

SPLIT = """\
name: split
requirements:
  use_cases:
    - {id: post, name: Post}
    - {id: timeline, name: Read timeline}
    - {id: search, name: Search}
estimates:
  peak_multiplier: 2x
  traffic:
    - {use_case: post, operation: write, rate: 1M/day}
    - {use_case: timeline, operation: read, relative_to: post, ratio: 100}
    - {use_case: search, operation: read, rate: 500/s, peak_multiplier: 5x}
"""


def test_relative_to_and_split_exact():
    est = run(SPLIT, "exact")
    # post: 1M / 86,400 = 11.574 req/s
    assert value(est, "post.qps.avg") == pytest.approx(11.574_074, rel=1e-6)
    # timeline: 100 x 1M/day = 100M/day; / 86,400 = 1,157.407 req/s
    assert value(est, "timeline.requests_per_day") == pytest.approx(1e8, rel=1e-9)
    assert value(est, "timeline.qps.avg") == pytest.approx(1_157.407, rel=1e-6)
    # search: 500 req/s, and 500 x 86,400 = 43,200,000 a day
    assert value(est, "search.qps.avg") == pytest.approx(500, rel=1e-9)
    assert value(est, "search.requests_per_day") == pytest.approx(43_200_000, rel=1e-9)
    # reads sum: 1,157.407 + 500 = 1,657.407
    assert value(est, "qps.read.avg") == pytest.approx(1_657.407, rel=1e-6)
    assert value(est, "qps.write.avg") == pytest.approx(11.574_074, rel=1e-6)
    # 1,657.407 / 11.574 = 143.2 reads per write
    assert value(est, "read_write_ratio") == pytest.approx(143.2, rel=1e-6)


def test_per_use_case_peak_override():
    est = run(SPLIT, "exact")
    # search overrides to 5x: 500 x 5 = 2,500; timeline keeps the design's 2x: 2,314.815
    assert value(est, "search.qps.peak") == pytest.approx(2_500, rel=1e-9)
    assert value(est, "timeline.qps.peak") == pytest.approx(2_314.815, rel=1e-6)
    # 2,314.815 + 2,500 = 4,814.815
    assert value(est, "qps.read.peak") == pytest.approx(4_814.815, rel=1e-6)
    assert value(est, "qps.write.peak") == pytest.approx(23.148_148, rel=1e-6)  # 11.574 x 2


def test_relative_to_and_split_shortcut():
    est = run(SPLIT, "shortcut")
    # post: 1M / 10^5 = 10; timeline: 100M / 10^5 = 1,000; search 500 (per second: no convention)
    assert value(est, "post.qps.avg") == pytest.approx(10, rel=1e-9)
    assert value(est, "timeline.qps.avg") == pytest.approx(1_000, rel=1e-9)
    assert value(est, "qps.read.avg") == pytest.approx(1_500, rel=1e-9)  # 1,000 + 500
    # peaks: 1,000 x 2 + 500 x 5 = 4,500
    assert value(est, "qps.read.peak") == pytest.approx(4_500, rel=1e-9)
    # 500/s x 10^5 s = 5 x 10^7 searches a day under the shortcut day
    assert value(est, "search.requests_per_day") == pytest.approx(5e7, rel=1e-9)
    assert value(est, "read_write_ratio") == pytest.approx(150, rel=1e-9)  # 1,500 / 10


def test_default_peak_multiplier_is_three_and_assumed():
    no_peak = SPLIT.replace("  peak_multiplier: 2x\n", "")
    est = run(no_peak, "shortcut")
    assert est.peak_multiplier == 3
    # 1,000 req/s x 3 = 3,000, marked as resting on an assumption
    assert value(est, "timeline.qps.peak") == pytest.approx(3_000, rel=1e-9)
    assert est.figures["timeline.qps.peak"].assumed
    # search states its own 5x, so its peak is not assumed
    assert not est.figures["search.qps.peak"].assumed
    assert any("peak multiplier" in a and "3x" in a for a in est.assumptions)


def test_stated_peak_multiplier_is_not_assumed():
    est = run(SPLIT, "shortcut")
    assert est.peak_multiplier == 2
    assert not est.figures["timeline.qps.peak"].assumed
    assert not any("peak multiplier" in a for a in est.assumptions)


# --- MAU x daily active fraction --------------------------------------------------------------

MAU = """\
name: mau
requirements:
  use_cases: [{id: send, name: Send}]
  users: {mau: 300M, daily_active_fraction: 20%}
estimates:
  peak_multiplier: 3x
  traffic:
    - {use_case: send, operation: write, requests_per_user_per_day: 5, request_size: 2 KB}
"""


def test_mau_times_daily_fraction_gives_dau():
    est = run(MAU, "exact")
    # 300M x 20% = 60M DAU
    assert value(est, "users.dau") == pytest.approx(60e6, rel=1e-9)
    assert "300M MAU" in est.figures["users.dau"].derivation
    # 60M x 5 = 300M/day; / 86,400 = 3,472.222 req/s
    assert value(est, "send.qps.avg") == pytest.approx(3_472.222, rel=1e-6)
    # 300M / 10^5 = 3,000 req/s under the shortcut
    assert value(run(MAU, "shortcut"), "send.qps.avg") == pytest.approx(3_000, rel=1e-9)


# --- missing inputs ---------------------------------------------------------------------------

def test_requests_per_user_without_dau_is_reported_missing():
    est = run(MAU.replace("  users: {mau: 300M, daily_active_fraction: 20%}\n", ""), "exact")
    assert "send.qps.avg" not in est.figures
    assert any("send" in m and "requests_per_user_per_day" in m and "dau" in m for m in est.missing)


def test_mau_without_fraction_gives_no_dau():
    est = run(MAU.replace(", daily_active_fraction: 20%", ""), "exact")
    assert "users.dau" not in est.figures
    assert any("send" in m and "dau" in m for m in est.missing)


def test_no_traffic_is_reported_missing():
    est = run("name: empty\nestimates: {peak_multiplier: 2x}\n", "exact")
    assert any("estimates.traffic" in m for m in est.missing)
    assert "qps.read.avg" not in est.figures


def test_missing_sizes_are_reported():
    est = run(SPLIT, "exact")
    # the write has no request_size, the reads no response_size
    assert any("post" in m and "request_size" in m for m in est.missing)
    assert any("timeline" in m and "response_size" in m for m in est.missing)
    assert value(est, "bandwidth.in.avg") == 0


def test_storage_from_use_case_without_traffic_is_missing():
    design = """\
name: m
requirements:
  use_cases: [{id: post, name: Post}]
estimates:
  traffic:
    - {use_case: post, operation: write, requests_per_user_per_day: 2}
  storage:
    - {id: posts, size: 1 KB, from_use_case: post}
"""
    est = run(design, "exact")
    assert "storage.posts.per_day" not in est.figures
    assert any(m.startswith("storage.posts") and "post" in m for m in est.missing)


def test_missing_messages_are_not_repeated():
    design = """\
name: m
requirements:
  use_cases: [{id: post, name: Post}, {id: read, name: Read}]
estimates:
  traffic:
    - {use_case: post, operation: write, requests_per_user_per_day: 2}
    - {use_case: read, operation: read, relative_to: post, ratio: 10}
"""
    est = run(design, "exact")
    assert len(est.missing) == len(set(est.missing))


# --- storage --------------------------------------------------------------------------------

PHOTOS = """\
name: photos
requirements:
  use_cases: [{id: upload, name: Upload}]
  users: {dau: 100M}
estimates:
  peak_multiplier: 2x
  traffic:
    - {use_case: upload, operation: write, requests_per_user_per_day: 1, request_size: 2 MB}
  storage:
    - id: photo
      size: 200 KB
      new_per_day: 1M
      retention: 5 years
      hot_window: 30 days
      replication_factor: 3
    - id: original
      size: 2 MB
      from_use_case: upload
      per_request: 0.5
      retention: 30 days
"""


def test_storage_per_period_exact():
    est = run(PHOTOS, "exact")
    # 1M/day x 200 KB = 2 x 10^11 B = 200 GB a day
    assert value(est, "storage.photo.per_day") == pytest.approx(2e11, rel=1e-9)
    # a month is 365/12 = 30.4167 days: 200 GB x 30.4167 = 6.0833 TB
    assert value(est, "storage.photo.per_month") == pytest.approx(6.083_333e12, rel=1e-6)
    # 200 GB x 365 = 73 TB a year
    assert value(est, "storage.photo.per_year") == pytest.approx(7.3e13, rel=1e-9)


def test_storage_over_retention_hot_cold_and_replicas_exact():
    est = run(PHOTOS, "exact")
    # 5 years = 1,825 days: 1M x 1,825 = 1.825 x 10^9 records; x 200 KB = 365 TB
    assert value(est, "storage.photo.records") == pytest.approx(1.825e9, rel=1e-9)
    assert value(est, "storage.photo.total") == pytest.approx(3.65e14, rel=1e-9)
    # 3 copies: 1,095 TB
    assert value(est, "storage.photo.total_replicated") == pytest.approx(1.095e15, rel=1e-9)
    # hot = the last 30 days = 30 x 200 GB = 6 TB; cold = 365 TB - 6 TB = 359 TB
    assert value(est, "storage.photo.hot") == pytest.approx(6e12, rel=1e-9)
    assert value(est, "storage.photo.cold") == pytest.approx(3.59e14, rel=1e-9)
    assert not est.figures["storage.photo.total"].assumed  # retention was stated


def test_storage_over_retention_hot_cold_and_replicas_shortcut():
    est = run(PHOTOS, "shortcut")
    assert value(est, "storage.photo.per_day") == pytest.approx(2e11, rel=1e-9)
    # shortcut month = 30 days: 6 TB; year = 12 x 30 = 360 days: 72 TB
    assert value(est, "storage.photo.per_month") == pytest.approx(6e12, rel=1e-9)
    assert value(est, "storage.photo.per_year") == pytest.approx(7.2e13, rel=1e-9)
    # 5 years = 1,800 days: 1.8 x 10^9 records; 360 TB; x 3 = 1,080 TB
    assert value(est, "storage.photo.records") == pytest.approx(1.8e9, rel=1e-9)
    assert value(est, "storage.photo.total") == pytest.approx(3.6e14, rel=1e-9)
    assert value(est, "storage.photo.total_replicated") == pytest.approx(1.08e15, rel=1e-9)
    # hot 30 days = 6 TB; cold 360 - 6 = 354 TB
    assert value(est, "storage.photo.hot") == pytest.approx(6e12, rel=1e-9)
    assert value(est, "storage.photo.cold") == pytest.approx(3.54e14, rel=1e-9)


def test_storage_from_use_case_with_per_request():
    est = run(PHOTOS, "exact")
    # 100M uploads/day x 0.5 per request = 50M originals/day; x 2 MB = 10^14 B = 100 TB/day
    assert value(est, "storage.original.per_day") == pytest.approx(1e14, rel=1e-9)
    # kept 30 days: 1.5 x 10^9 records, 3 x 10^15 B = 3 PB
    assert value(est, "storage.original.records") == pytest.approx(1.5e9, rel=1e-9)
    assert value(est, "storage.original.total") == pytest.approx(3e15, rel=1e-9)
    # no replication factor stated: one copy
    assert value(est, "storage.original.total_replicated") == pytest.approx(3e15, rel=1e-9)


def test_storage_sums_over_entities():
    est = run(PHOTOS, "exact")
    # per day: 200 GB + 100 TB = 100.2 TB
    assert value(est, "storage.per_day") == pytest.approx(1.002e14, rel=1e-9)
    # total: 365 TB + 3 PB = 3.365 PB
    assert value(est, "storage.total") == pytest.approx(3.365e15, rel=1e-9)
    # with replicas: 1,095 TB + 3,000 TB = 4.095 PB
    assert value(est, "storage.total_replicated") == pytest.approx(4.095e15, rel=1e-9)
    # hot: photo's 6 TB + original counted hot in full (no hot window) 3 PB = 3.006 PB
    assert value(est, "storage.hot") == pytest.approx(3.006e15, rel=1e-9)
    assert value(est, "storage.cold") == pytest.approx(3.59e14, rel=1e-9)


def test_storage_kept_forever_uses_five_year_horizon_and_is_assumed():
    design = """\
name: logs
estimates:
  traffic: []
  storage:
    - {id: event, size: 1 KB, new_per_day: 1000}
"""
    exact = run(design, "exact")
    # 1,000/day x 1,825 days = 1,825,000 records; x 1 KB = 1.825 GB
    assert value(exact, "storage.event.records") == pytest.approx(1.825e6, rel=1e-9)
    assert value(exact, "storage.event.total") == pytest.approx(1.825e9, rel=1e-9)
    assert exact.figures["storage.event.total"].assumed
    # shortcut: 1,800 days -> 1.8 GB
    assert value(run(design, "shortcut"), "storage.event.total") == pytest.approx(1.8e9, rel=1e-9)


def test_storage_from_monthly_rate_exact_per_day():
    design = """\
name: monthly
requirements:
  use_cases: [{id: paste, name: Paste}]
estimates:
  traffic:
    - {use_case: paste, operation: write, rate: 10M/month}
  storage:
    - {id: paste, size: 1 KB, from_use_case: paste, retention: 1 year}
"""
    est = run(design, "exact")
    # 10M a month over 365/12 days = 328,767.1 a day; x 1 KB = 328.77 MB/day
    assert value(est, "storage.paste.per_day") == pytest.approx(3.287_671e8, rel=1e-6)
    # a year is 12 months: 120M records, 120 GB
    assert value(est, "storage.paste.total") == pytest.approx(1.2e11, rel=1e-9)
    # 10M / 2,628,000 s = 3.805 writes/s
    assert value(est, "paste.qps.avg") == pytest.approx(3.805_175, rel=1e-6)


def test_hot_window_shorter_than_retention_under_shortcut():
    design = """\
name: hot
estimates:
  storage:
    - {id: doc, size: 1 MB, new_per_day: 1000, retention: 3 months, hot_window: 80 days}
"""
    est = run(design, "shortcut")
    # 3 shortcut months = 90 days: 90,000 docs x 1 MB = 90 GB in all
    assert value(est, "storage.doc.total") == pytest.approx(9e10, rel=1e-9)
    # the last 80 days are hot: 80 GB; the 10 days before them are cold: 10 GB
    assert value(est, "storage.doc.hot") == pytest.approx(8e10, rel=1e-9)
    assert value(est, "storage.doc.cold") == pytest.approx(1e10, rel=1e-9)


def test_hot_window_longer_than_retention_is_all_hot():
    design = """\
name: hot
estimates:
  storage:
    - {id: doc, size: 1 MB, new_per_day: 1000, retention: 30 days, hot_window: 1 year}
"""
    est = run(design, "exact")
    # 30 days x 1,000 x 1 MB = 30 GB, all hot
    assert value(est, "storage.doc.hot") == pytest.approx(3e10, rel=1e-9)
    assert value(est, "storage.doc.cold") == pytest.approx(0, abs=1)


# --- cache -----------------------------------------------------------------------------------

CACHE = """\
name: cache
requirements:
  use_cases: [{id: view, name: View}, {id: list, name: List}, {id: post, name: Post}]
  users: {dau: 100M}
estimates:
  peak_multiplier: 2x
  traffic:
    - {use_case: view, operation: read, requests_per_user_per_day: 10, response_size: 10 KB}
    - {use_case: list, operation: read, rate: 300M/month, response_size: 1 KB}
    - {use_case: post, operation: write, requests_per_user_per_day: 1, request_size: 1 KB}
"""


def test_cache_default_is_twenty_percent_of_daily_reads_and_assumed():
    est = run(CACHE, "exact")
    # view: 20% x 1e9 reads/day x 10 KB = 2 x 10^12 B = 2 TB
    assert value(est, "cache.view.memory") == pytest.approx(2e12, rel=1e-9)
    # list: 300M/month over 365/12 days = 9,863,013.7/day; 20% x that x 1 KB = 1.972603 GB
    assert value(est, "cache.list.memory") == pytest.approx(1.972_603e9, rel=1e-6)
    # total 2 TB + 1.9726 GB = 2.001972603 TB; writes are never cached
    assert value(est, "cache.memory") == pytest.approx(2.001_972_603e12, rel=1e-9)
    assert "cache.post.memory" not in est.figures
    assert est.figures["cache.memory"].assumed


def test_cache_default_shortcut():
    est = run(CACHE, "shortcut")
    # list: 300M/month over 30 days = 10M/day; 20% x 10M x 1 KB = 2 GB
    assert value(est, "cache.list.memory") == pytest.approx(2e9, rel=1e-9)
    # total 2 TB + 2 GB = 2.002 TB
    assert value(est, "cache.memory") == pytest.approx(2.002e12, rel=1e-9)


def test_cache_with_explicit_fraction_object_size_and_use_cases():
    design = CACHE + """\
  cache:
    fraction_of_daily_reads: 10%
    object_size: 500 B
    use_cases: [view]
"""
    est = run(design, "exact")
    # only view: 10% x 1e9 x 500 B = 5 x 10^10 B = 50 GB
    assert value(est, "cache.memory") == pytest.approx(5e10, rel=1e-9)
    assert "cache.list.memory" not in est.figures
    assert not est.figures["cache.memory"].assumed


def test_cache_fraction_alone_uses_response_sizes():
    est = run(CACHE + "  cache: {fraction_of_daily_reads: 50%}\n", "shortcut")
    # view: 50% x 1e9 x 10 KB = 5 TB; list: 50% x 10M x 1 KB = 5 GB; total 5.005 TB
    assert value(est, "cache.memory") == pytest.approx(5.005e12, rel=1e-9)


# --- fan-out ---------------------------------------------------------------------------------

def test_fanout_deliveries():
    design = """\
name: fan
requirements:
  use_cases: [{id: post, name: Post}]
estimates:
  peak_multiplier: 3x
  traffic:
    - {use_case: post, operation: write, rate: 1000/s, fanout: 200}
"""
    est = run(design, "exact")
    # 1,000 posts/s x 200 followers = 200,000 deliveries/s; peak x 3 = 600,000
    assert value(est, "post.fanout.avg") == pytest.approx(2e5, rel=1e-9)
    assert value(est, "fanout.avg") == pytest.approx(2e5, rel=1e-9)
    assert value(est, "fanout.peak") == pytest.approx(6e5, rel=1e-9)
    assert "fanout_deliveries" in fired(est)  # 600K >= 100K


# --- threshold callouts -------------------------------------------------------------------------

def _reads(rate: str, peak: str = "1x", extra: str = "") -> str:
    return f"""\
name: th
requirements:
  use_cases: [{{id: get, name: Get}}]
estimates:
  peak_multiplier: {peak}
  traffic:
    - {{use_case: get, operation: read, rate: {rate}}}
{extra}"""


def test_cache_callout_fires_at_ten_thousand_peak_reads():
    est = run(_reads("10K/s"), "exact")  # 10,000 x 1 = 10,000 at peak: at the threshold
    (c,) = [c for c in est.callouts if c.threshold == "cache_read_qps"]
    assert c.metric == "qps.read.peak"
    assert c.actual == pytest.approx(10_000)
    assert c.limit == pytest.approx(10_000)
    assert "cache" in c.message and c.source


def test_cache_callout_quiet_below_ten_thousand():
    assert "cache_read_qps" not in fired(run(_reads("9999/s"), "exact"))


def test_cache_callout_fires_from_peak_not_average():
    # 5,000/s average x 3 = 15,000 at peak
    assert "cache_read_qps" in fired(run(_reads("5K/s", "3x"), "exact"))


def test_design_threshold_override_suppresses_callout():
    base = _reads("10K/s", "3x")  # 30K reads/s at peak
    assert "cache_read_qps" in fired(run(base, "exact"))
    overridden = _reads("10K/s", "3x", "  thresholds: {cache_read_qps: 50K}\n")
    assert "cache_read_qps" not in fired(run(overridden, "exact"))  # 30K < 50K
    louder = _reads("20K/s", "3x", "  thresholds: {cache_read_qps: 50K}\n")
    (c,) = [c for c in run(louder, "exact").callouts if c.threshold == "cache_read_qps"]
    assert c.limit == pytest.approx(50_000)  # 60K >= 50K, against the overridden limit


def _ingest(per_day: str) -> str:
    return f"""\
name: ingest
estimates:
  storage:
    - {{id: blob, size: 1 MB, new_per_day: {per_day}, retention: 1 day}}
"""


def test_partitioning_callout_at_one_terabyte_a_day():
    est = run(_ingest("1M"), "exact")  # 1M x 1 MB = 10^12 B = 1 TB/day
    assert value(est, "storage.per_day") == pytest.approx(1e12, rel=1e-9)
    assert "partition_daily_ingest" in fired(est)
    # 999,999 x 1 MB = 999.999 GB/day: just under
    assert "partition_daily_ingest" not in fired(run(_ingest("999999"), "exact"))


def _writes(rate: str) -> str:
    return f"""\
name: w
requirements:
  use_cases: [{{id: put, name: Put}}]
estimates:
  peak_multiplier: 1x
  traffic:
    - {{use_case: put, operation: write, rate: {rate}}}
"""


def test_relational_primary_callout_at_five_thousand_writes():
    est = run(_writes("5K/s"), "exact")  # 5,000 writes/s at peak
    assert "relational_primary_write_qps" in fired(est)
    assert "write_buffering_qps" not in fired(est)  # that one needs 20K
    assert "relational_primary_write_qps" not in fired(run(_writes("4999/s"), "exact"))
    assert {"relational_primary_write_qps", "write_buffering_qps"} <= fired(run(_writes("20K/s"), "exact"))


def test_shortcut_can_cross_a_threshold_exact_does_not():
    # 864M reads/day at 1x: exact 864M / 86,400 = 10,000/s (fires); shortcut 864M / 10^5 = 8,640/s (quiet)
    design = _reads("864M/day")
    assert "cache_read_qps" in fired(run(design, "exact"))
    assert "cache_read_qps" not in fired(run(design, "shortcut"))


# --- stated numbers ------------------------------------------------------------------------------

def test_stated_numbers_are_compared():
    design = FEED + """\
  stated:
    qps.read.avg: 12K
    bandwidth.out.avg: 100 MB/s
    no.such.figure: 5
"""
    est = run(design, "exact")
    by_metric = {s["metric"]: s for s in est.stated}
    reads = by_metric["qps.read.avg"]
    assert reads["value"] == pytest.approx(12_000)
    assert reads["computed"] == pytest.approx(11_574.074, rel=1e-6)
    # 12,000 / (1e9 / 86,400) = 12,000 x 86,400 / 1e9 = 1.0368
    assert reads["ratio"] == pytest.approx(1.0368, rel=1e-9)
    out = by_metric["bandwidth.out.avg"]
    # 10^8 / 115,740,740.7 = 0.864 (= 86,400 / 100,000)
    assert out["ratio"] == pytest.approx(0.864, rel=1e-9)
    assert "problem" in by_metric["no.such.figure"]
