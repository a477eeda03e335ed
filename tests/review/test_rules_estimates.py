"""EST rules: each fires on a tiny design with the defect and stays silent on the fixed one.

Numbers of BASE, worked by hand: post = 1M DAU x 1/day = 1M/day = 11.57 req/s average, x 3 peak =
34.7 req/s; view = 1M x 10/day = 10M/day = 115.7 req/s average, 347.2 req/s peak; read:write = 10:1.
"""

from tests.review.util import fires, silent

HEAD = """
name: t
requirements:
  use_cases:
    - {id: post, name: Post}
    - {id: view, name: View}
  users: {dau: 1M}
"""
EST = """estimates:
  peak_multiplier: 3x
  traffic:
    - {use_case: post, operation: write, requests_per_user_per_day: 1, request_size: 1 KB}
    - {use_case: view, operation: read, requests_per_user_per_day: 10, response_size: 10 KB}
"""
BASE = HEAD + EST
ARCH = """architecture:
  components:
    - {id: client, kind: client}
    - {id: svc, kind: service, responsibility: posts}
    - {id: db, kind: data_store, storage: relational, holds: posts}
"""


def test_est_001_no_estimates():
    f = fires("name: t\n", "EST-001")
    assert f[0].line == 1 and f[0].severity == "info"
    silent(BASE, "EST-001")


def test_est_002_no_traffic():
    f = fires(HEAD + "estimates:\n  peak_multiplier: 3x\n", "EST-002")
    assert f[0].pointer == "estimates" and f[0].severity == "warning"
    silent(BASE, "EST-002")
    silent(HEAD, "EST-002")  # no section: EST-001 says so


def test_est_003_reads_and_writes_not_separated():
    reads_only = HEAD + """estimates:
  traffic:
    - {use_case: view, operation: read, requests_per_user_per_day: 10, response_size: 10 KB}
"""
    f = fires(reads_only, "EST-003")
    assert "1 traffic entries are reads" in f[0].message and f[0].pointer == "estimates.traffic"
    silent(BASE, "EST-003")


def test_est_004_peak_multiplier_not_stated():
    unstated = BASE.replace("  peak_multiplier: 3x\n", "")
    f = fires(unstated, "EST-004")
    assert f[0].severity == "info"
    silent(BASE, "EST-004")
    per_use_case = unstated.replace("request_size: 1 KB}", "request_size: 1 KB, peak_multiplier: 2x}").replace(
        "response_size: 10 KB}", "response_size: 10 KB, peak_multiplier: 4x}")
    silent(per_use_case, "EST-004")


def test_est_005_peak_below_min():
    f = fires(BASE.replace("peak_multiplier: 3x", "peak_multiplier: 1.5x"), "EST-005")
    assert "1.5x is below 2x" in f[0].message and f[0].line == 9  # the peak_multiplier line
    f = fires(BASE.replace("request_size: 1 KB}", "request_size: 1 KB, peak_multiplier: 1.2x}"), "EST-005")
    assert f[0].pointer == "estimates.traffic[0].peak_multiplier" and "traffic of 'post'" in f[0].message
    silent(BASE, "EST-005")
    silent(BASE.replace("peak_multiplier: 3x", "peak_multiplier: 0.5x"), "EST-005")  # EST-007's case


def test_est_006_peak_above_max():
    f = fires(BASE.replace("peak_multiplier: 3x", "peak_multiplier: 8x"), "EST-006")
    assert "8x is above the usual 5x" in f[0].message and f[0].severity == "info"
    silent(BASE.replace("peak_multiplier: 3x", "peak_multiplier: 5x"), "EST-006")


def test_est_007_peak_below_one():
    f = fires(BASE.replace("peak_multiplier: 3x", "peak_multiplier: 0.5x"), "EST-007")
    assert f[0].severity == "error" and "below the average" in f[0].message
    silent(BASE.replace("peak_multiplier: 3x", "peak_multiplier: 1x"), "EST-007")


def test_est_008_storage_not_estimated():
    fires(BASE, "EST-008")  # post is a write and nothing is sized
    silent(BASE + "  storage: [{id: p, size: 1 KB, from_use_case: post}]\n", "EST-008")
    reads_only = HEAD + """estimates:
  traffic:
    - {use_case: view, operation: read, requests_per_user_per_day: 10, response_size: 10 KB}
"""
    silent(reads_only, "EST-008")
    fires(reads_only + ARCH, "EST-008")  # a data store exists


def test_est_009_entity_without_retention():
    f = fires(BASE + "  storage: [{id: p, size: 1 KB, from_use_case: post}]\n", "EST-009")
    assert "kept forever" in f[0].message and "5 years" in f[0].message and f[0].element == "p"
    silent(BASE + "  storage: [{id: p, size: 1 KB, from_use_case: post, retention: 1 year}]\n", "EST-009")


def test_est_010_hot_and_cold_not_distinguished():
    # 1M posts/day x 1 KB = 1 GB/day; kept 1 year (365 days) = 365 GB, all counted hot
    f = fires(BASE + "  storage: [{id: p, size: 1 KB, from_use_case: post, retention: 1 year}]\n", "EST-010")
    assert "365 GB" in f[0].message and f[0].pointer == "estimates.storage"
    silent(BASE + "  storage: [{id: p, size: 1 KB, from_use_case: post, retention: 1 year, hot_window: 7 days}]\n",
           "EST-010")


def test_est_011_entity_without_hot_window():
    two = BASE + """  storage:
    - {id: p, size: 1 KB, from_use_case: post, hot_window: 7 days}
    - {id: e, size: 64 B, new_per_day: 1M}
"""
    f = fires(two, "EST-011")
    assert [x.element for x in f] == ["e"] and f[0].severity == "info"
    silent(BASE + "  storage: [{id: e, size: 64 B, new_per_day: 1M}]\n", "EST-011")  # EST-010's case


def test_est_012_hot_window_beyond_retention():
    f = fires(BASE + "  storage: [{id: p, size: 1 KB, from_use_case: post, retention: 7 days, hot_window: 30 days}]\n",
              "EST-012")
    assert "30 days" in f[0].message and "7 days" in f[0].message
    silent(BASE + "  storage: [{id: p, size: 1 KB, from_use_case: post, retention: 30 days, hot_window: 7 days}]\n",
           "EST-012")


def test_est_013_payload_size_missing():
    f = fires(BASE.replace(", request_size: 1 KB", ""), "EST-013")
    assert f[0].pointer == "estimates.traffic[0]" and "request_size" in f[0].message
    f = fires(BASE.replace(", response_size: 10 KB", ""), "EST-013")
    assert "response_size" in f[0].message and f[0].line == 12
    silent(BASE, "EST-013")


def test_est_014_stated_number_off():
    # view peak = 347.2 req/s: 1K is 2.9x off (warning), 10K is 28.8x off (above 2^2 = 4: error)
    f = fires(BASE + "  stated: {qps.read.peak: 1K}\n", "EST-014")
    assert f[0].severity == "warning" and "2.88x off" in f[0].message and f[0].line == 13
    f = fires(BASE + "  stated: {qps.read.peak: 10K}\n", "EST-014")
    assert f[0].severity == "error"
    silent(BASE + "  stated: {qps.read.peak: 350}\n", "EST-014")
    silent(BASE + "  stated: {qps.read.peak: 200}\n", "EST-014")  # 1.7x: within tolerance


def test_est_015_stated_number_unchecked():
    f = fires(BASE + "  stated: {qps.read.peek: 350}\n", "EST-015")
    assert "did you mean qps.read.peak" in f[0].message
    fires(BASE + "  stated: {qps.read.peak: lots}\n", "EST-015")
    silent(BASE + "  stated: {qps.read.peak: 350}\n", "EST-015")


def test_est_016_ratio_contradicts_traffic():
    # traffic gives 115.7 / 11.57 = 10:1
    ap = BASE.replace("  users:", "  access_patterns: {read_write_ratio: 'R'}\n  users:")
    f = fires(ap.replace("R", "30:1"), "EST-016")  # 3x apart: warning
    assert f[0].severity == "warning" and f[0].pointer == "requirements.access_patterns.read_write_ratio"
    f = fires(ap.replace("R", "100:1"), "EST-016")  # 10x apart: error
    assert f[0].severity == "error" and "10x apart" in f[0].message
    silent(ap.replace("R", "10:1"), "EST-016")
    silent(ap.replace("R", "6:1"), "EST-016")  # 1.7x: within tolerance


def test_est_017_numbers_not_highlighted():
    # 100M DAU x 10 views = 1B/day = 11.6K/s average, 34.7K/s peak: past cache_read_qps (10K)
    big = BASE.replace("dau: 1M", "dau: 100M") + ARCH
    f = fires(big, "EST-017")
    assert "cache" in f[0].message and f[0].pointer == "estimates"
    silent(big + "  interesting_challenges: [34.7K reads/s needs a cache]\n", "EST-017")
    silent(BASE + ARCH, "EST-017")  # 347 reads/s crosses nothing
    silent(BASE.replace("dau: 1M", "dau: 100M"), "EST-017")  # not at the high-level design yet


def test_est_018_figure_not_computed():
    no_dau = BASE.replace("  users: {dau: 1M}\n", "")
    f = fires(no_dau, "EST-018")
    assert {x.pointer for x in f} == {"estimates.traffic[0]", "estimates.traffic[1]"}
    assert "needs requirements.users.dau" in f[0].message
    silent(BASE, "EST-018")
    silent(BASE.replace(", request_size: 1 KB", ""), "EST-018")  # EST-013 says it


def test_est_019_cache_not_sized():
    # 34.7K reads/s at peak; 20% x 1B reads/day x 10 KB = 2 TB by the default
    big = BASE.replace("dau: 1M", "dau: 100M")
    f = fires(big, "EST-019")
    assert f[0].severity == "warning" and "2 TB" in f[0].message
    silent(big + "  cache: {use_cases: [view], object_size: 1 KB}\n", "EST-019")
    silent(BASE, "EST-019")  # 347 reads/s, no cache drawn
    with_cache = BASE + ARCH + "    - {id: c, kind: cache, holds: posts}\n"
    assert fires(with_cache, "EST-019")[0].severity == "info"


def test_est_020_entity_kept_by_no_store():
    stored = BASE + "  storage: [{id: p, size: 1 KB, from_use_case: post}]\n"
    f = fires(stored + ARCH, "EST-020")
    assert f[0].element == "p"
    silent(stored, "EST-020")  # no architecture yet
    silent(stored.replace("post}]", "post, store: db}]") + ARCH, "EST-020")
    silent(stored + ARCH.replace("holds: posts}", "holds: posts, entities: [p]}"), "EST-020")


def test_est_021_entity_on_stateless_component():
    stored = BASE + "  storage: [{id: p, size: 1 KB, from_use_case: post, store: S}]\n"
    f = fires(stored.replace("S", "svc") + ARCH, "EST-021")
    assert "svc, a service" in f[0].message
    silent(stored.replace("S", "db") + ARCH, "EST-021")
