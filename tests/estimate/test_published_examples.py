"""Published back-of-the-envelope worked examples, reproduced as designs.

Each expected figure is the one printed in the source (quoted in the comments), or, where the
source rounds, the unrounded hand arithmetic beside a looser check against the printed number.
"""

import pytest

from tradeoff.estimate.engine import estimate
from tradeoff.io.load import load_design_text


def run(yaml_text: str, convention: str):
    return estimate(load_design_text(yaml_text, "x.yaml"), convention)


def value(est, key):
    assert key in est.figures, f"no figure {key}; have {sorted(est.figures)}"
    return est.figures[key].value


# --- a. system-design-primer: Pastebin --------------------------------------------------------
# Source: donnemartin/system-design-primer, solutions/system_design/pastebin/README.md,
# "Calculate usage":
#   * 10 million paste writes per month; 100 million paste reads per month; 10:1 read to write
#   * total = ~1.27 KB per paste
#   * 12.7 GB of new paste content per month (1.27 KB per paste * 10 million pastes per month)
#   * ~450 GB of new paste content in 3 years; 360 million shortlinks in 3 years
#   * 4 paste writes per second on average; 40 read requests per second on average
#   Handy conversion guide: 2.5 million seconds per month

PASTEBIN = """\
name: pastebin
requirements:
  use_cases:
    - {id: create-paste, name: Create a paste}
    - {id: view-paste, name: View a paste}
  access_patterns: {read_write_ratio: "10:1"}
estimates:
  convention: shortcut
  traffic:
    - {use_case: create-paste, operation: write, rate: 10M/month}
    - {use_case: view-paste, operation: read, rate: 100M/month}
  storage:
    - {id: paste, size: 1.27 KB, from_use_case: create-paste, retention: 3 years}
"""


def test_pastebin_qps():
    est = run(PASTEBIN, "shortcut")
    # "4 paste writes per second": 10M / 2.5M s = 4
    assert value(est, "qps.write.avg") == pytest.approx(4, rel=1e-9)
    # "40 read requests per second": 100M / 2.5M s = 40
    assert value(est, "qps.read.avg") == pytest.approx(40, rel=1e-9)
    # "10:1 read to write ratio"
    assert value(est, "read_write_ratio") == pytest.approx(10, rel=1e-9)


def test_pastebin_storage():
    est = run(PASTEBIN, "shortcut")
    # "12.7 GB of new paste content per month": 1.27 KB x 10M = 1.27e3 x 1e7 = 1.27e10 B
    assert value(est, "storage.paste.per_month") == pytest.approx(12.7e9, rel=1e-9)
    # "360 million shortlinks in 3 years": 10M x 36 months
    assert value(est, "storage.paste.records") == pytest.approx(360e6, rel=1e-9)
    # "~450 GB of new paste content in 3 years": 12.7 GB x 36 = 457.2 GB exactly
    assert value(est, "storage.paste.total") == pytest.approx(457.2e9, rel=1e-9)
    assert value(est, "storage.total") == pytest.approx(450e9, rel=0.02)  # the printed, rounded figure


def test_pastebin_uses_the_designs_own_convention():
    est = estimate(load_design_text(PASTEBIN, "x.yaml"))
    assert est.convention == "shortcut"
    assert value(est, "qps.write.avg") == pytest.approx(4, rel=1e-9)


# --- b. system-design-primer: Twitter timeline and search --------------------------------------
# Source: donnemartin/system-design-primer, solutions/system_design/twitter/README.md,
# "State assumptions" / "Calculate usage":
#   * 500 million tweets per day or 15 billion tweets per month
#   * Each tweet averages a fanout of 10 deliveries; 150 billion delivered on fanout per month
#   * 250 billion read requests per month; 10 billion searches per month
#   * Size per tweet ~10 KB
#   * 150 TB of new tweet content per month (10 KB * 500 million tweets per day * 30 days)
#   * 5.4 PB of new tweet content in 3 years
#   * 100 thousand read requests per second; 6,000 tweets per second
#   * 60 thousand tweets delivered on fanout per second; 4,000 search requests per second

PRIMER_TWITTER = """\
name: twitter-primer
requirements:
  use_cases:
    - {id: post-tweet, name: Post a tweet}
    - {id: view-timeline, name: View home timeline}
    - {id: search, name: Search}
estimates:
  convention: shortcut
  traffic:
    - {use_case: post-tweet, operation: write, rate: 15 billion/month, fanout: 10}
    - {use_case: view-timeline, operation: read, rate: 250 billion/month}
    - {use_case: search, operation: read, rate: 10 billion/month}
  storage:
    - {id: tweet, size: 10 KB, from_use_case: post-tweet, retention: 3 years}
"""


def test_primer_twitter_qps():
    est = run(PRIMER_TWITTER, "shortcut")
    # "6,000 tweets per second": 15B x (400/s per 1B/month)
    assert value(est, "post-tweet.qps.avg") == pytest.approx(6_000, rel=1e-9)
    assert value(est, "qps.write.avg") == pytest.approx(6_000, rel=1e-9)
    # "100 thousand read requests per second": 250B x 400 / 1B
    assert value(est, "view-timeline.qps.avg") == pytest.approx(100_000, rel=1e-9)
    # "4,000 search requests per second": 10B x 400 / 1B
    assert value(est, "search.qps.avg") == pytest.approx(4_000, rel=1e-9)
    # both are reads: 100,000 + 4,000
    assert value(est, "qps.read.avg") == pytest.approx(104_000, rel=1e-9)


def test_primer_twitter_fanout():
    est = run(PRIMER_TWITTER, "shortcut")
    # "60 thousand tweets delivered on fanout per second": 6,000 tweets/s x 10 deliveries
    assert value(est, "fanout.avg") == pytest.approx(60_000, rel=1e-9)


def test_primer_twitter_storage():
    est = run(PRIMER_TWITTER, "shortcut")
    # "500 million tweets per day" x 10 KB = 5 TB a day
    assert value(est, "storage.tweet.per_day") == pytest.approx(5e12, rel=1e-9)
    # "150 TB of new tweet content per month": 10 KB x 15B = 1.5e14 B
    assert value(est, "storage.tweet.per_month") == pytest.approx(150e12, rel=1e-9)
    # "5.4 PB of new tweet content in 3 years": 150 TB x 36 months
    assert value(est, "storage.tweet.total") == pytest.approx(5.4e15, rel=1e-9)


# --- c. Alex Xu, System Design Interview vol. 1, ch. 8 "Design a URL shortener" ----------------
# Back of the envelope estimation:
#   * Write operation: 100 million URLs are generated per day.
#   * Write operation per second: 100 million / 24 / 3600 = 1160
#   * Read operation: ratio of read to write 10:1; read operation per second: 1160 * 10 = 11,600
#   * The service runs for 10 years: 100 million * 365 * 10 = 365 billion records
#   * Average URL length is 100; storage over 10 years: 365 billion * 100 bytes = 36.5 TB

XU_URL = """\
name: url-shortener-xu
requirements:
  use_cases:
    - {id: shorten, name: Shorten a URL}
    - {id: redirect, name: Redirect}
estimates:
  traffic:
    - {use_case: shorten, operation: write, rate: 100M/day}
    - {use_case: redirect, operation: read, relative_to: shorten, ratio: 10}
  storage:
    - {id: url, size: 100 B, from_use_case: shorten, retention: 10 years}
"""


def test_xu_url_shortener_qps():
    est = run(XU_URL, "exact")
    # 100,000,000 / 86,400 = 1,157.407 (printed: 1160)
    assert value(est, "qps.write.avg") == pytest.approx(1_157.407, rel=1e-6)
    assert value(est, "qps.write.avg") == pytest.approx(1_160, rel=0.005)
    # 10 x 1,157.407 = 11,574.07 (printed: 11,600)
    assert value(est, "qps.read.avg") == pytest.approx(11_574.07, rel=1e-6)
    assert value(est, "qps.read.avg") == pytest.approx(11_600, rel=0.005)


def test_xu_url_shortener_storage():
    est = run(XU_URL, "exact")
    # 100M x 365 x 10 = 365,000,000,000 records
    assert value(est, "storage.url.records") == pytest.approx(365e9, rel=1e-9)
    # 365 billion x 100 bytes = 3.65e13 B = 36.5 TB
    assert value(est, "storage.url.total") == pytest.approx(36.5e12, rel=1e-9)
    assert est.figures["storage.url.total"].text == "36.5 TB"


# --- d. Alex Xu, System Design Interview vol. 1, ch. 2, "Estimate Twitter QPS and storage" ------
#   * 300 million monthly active users; 50% of users use Twitter daily
#   * Users post 2 tweets per day on average; 10% of tweets contain media; data stored 5 years
#   * DAU = 300 million * 50% = 150 million
#   * Tweets QPS = 150 million * 2 tweets / 24 hour / 3600 seconds = ~3500
#   * Peak QPS = 2 * QPS = ~7000
#   * Average media size 1 MB; media storage: 150 million * 2 * 10% * 1 MB = 30 TB per day
#   * 5-year media storage: 30 TB * 365 * 5 = ~55 PB

XU_TWITTER = """\
name: twitter-xu
requirements:
  use_cases: [{id: post-tweet, name: Post a tweet}]
  users: {mau: 300M, daily_active_fraction: 50%}
estimates:
  peak_multiplier: 2x
  traffic:
    - {use_case: post-tweet, operation: write, requests_per_user_per_day: 2}
  storage:
    - {id: media, size: 1 MB, from_use_case: post-tweet, per_request: 0.1, retention: 5 years}
"""


def test_xu_twitter_dau_and_qps():
    est = run(XU_TWITTER, "exact")
    # 300M x 50% = 150M DAU
    assert value(est, "users.dau") == pytest.approx(150e6, rel=1e-9)
    # 150M x 2 / 86,400 = 3,472.22 (printed: ~3500)
    assert value(est, "qps.write.avg") == pytest.approx(3_472.222, rel=1e-6)
    assert value(est, "qps.write.avg") == pytest.approx(3_500, rel=0.01)
    # 2 x 3,472.22 = 6,944.44 (printed: ~7000)
    assert value(est, "qps.write.peak") == pytest.approx(6_944.444, rel=1e-6)
    assert value(est, "qps.write.peak") == pytest.approx(7_000, rel=0.01)


def test_xu_twitter_media_storage():
    est = run(XU_TWITTER, "exact")
    # 150M x 2 x 10% x 1 MB = 30M x 1e6 B = 3e13 B = 30 TB per day
    assert value(est, "storage.media.per_day") == pytest.approx(30e12, rel=1e-9)
    # 30 TB x 365 x 5 = 54,750 TB = 54.75 PB (printed: ~55 PB)
    assert value(est, "storage.media.total") == pytest.approx(54.75e15, rel=1e-9)
    assert value(est, "storage.media.total") == pytest.approx(55e15, rel=0.01)
