"""Phase 2: the back-of-the-envelope numbers, each with the arithmetic that produced it.

Traffic:   DAU x requests per user per day / seconds per day = average QPS; x peak multiplier.
Storage:   object size x new records per day x retention; hot vs cold by the hot window.
Bandwidth: QPS x request size (in); QPS x response size (out).
Cache:     fraction (20%) x daily reads x object size.

A rate is converted with the factor of the unit it was written in, under the chosen
convention (exact calendar, or the interview shortcuts), so that "10M/month" gives 4/s with
the shortcut 2.5M s/month exactly as the published worked examples do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tradeoff.estimate.thresholds import Table, default_table
from tradeoff.model import quantity as q
from tradeoff.model.design import Design, Operation, StoredEntity, Traffic
from tradeoff.model.quantity import CONVENTIONS, Convention, Duration, Rate

CALENDAR_UNITS = ("day", "week", "month", "year")
#: days per calendar unit, per convention (the shortcut counts a month as 30 days)
CALENDAR_DAYS = {
    "exact": {"day": 1.0, "week": 7.0, "month": 365 / 12, "year": 365.0},
    "shortcut": {"day": 1.0, "week": 7.0, "month": 30.0, "year": 360.0},
}


@dataclass(frozen=True)
class Figure:
    """One number with its unit and the arithmetic behind it."""

    key: str
    label: str
    value: float
    unit: str  # "req/s", "req/day", "B", "B/s", "x", "deliveries/s"
    derivation: str
    assumed: bool = False

    @property
    def text(self) -> str:
        return format_value(self.value, self.unit)


def format_value(value: float, unit: str) -> str:
    if unit in ("B", "B/s"):
        return q.fmt_kind(value, "bytes" if unit == "B" else "data_rate")
    if unit == "x":
        return f"{q.fmt_count(value)}x"
    if unit == "ratio":
        return f"{q.fmt_count(value)}:1"
    return f"{q.fmt_count(value)} {unit}"


@dataclass(frozen=True)
class Callout:
    """A threshold this design crosses, and what follows in the playbook's terms."""

    threshold: str
    metric: str
    actual: float
    limit: float
    message: str
    rationale: str
    source: str


@dataclass
class Estimate:
    design: str
    convention: str
    peak_multiplier: float
    figures: dict[str, Figure] = field(default_factory=dict)
    callouts: list[Callout] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    stated: list[dict[str, Any]] = field(default_factory=list)

    def add(self, fig: Figure) -> Figure:
        self.figures[fig.key] = fig
        return fig

    def value(self, key: str, default: float | None = None) -> float | None:
        fig = self.figures.get(key)
        return fig.value if fig else default

    def to_dict(self) -> dict[str, Any]:
        return {
            "design": self.design,
            "convention": self.convention,
            "peak_multiplier": self.peak_multiplier,
            "figures": {k: {"label": f.label, "value": f.value, "unit": f.unit, "text": f.text,
                            "derivation": f.derivation, "assumed": f.assumed} for k, f in self.figures.items()},
            "callouts": [c.__dict__ for c in self.callouts],
            "stated": self.stated,
            "missing": self.missing,
            "assumptions": self.assumptions,
        }


def _n(x: float) -> str:
    return q.fmt_count(x)


def volume(rate: Rate, period: Duration, conv: Convention) -> tuple[float, str]:
    """How many events a rate yields over a period, and how that was counted.

    Between calendar units (days, months, years) we count calendar units, as people do
    ("10M a month for 3 years is 360M"); otherwise we go through seconds."""
    if rate.per in CALENDAR_UNITS and period.unit in CALENDAR_UNITS:
        days = CALENDAR_DAYS[conv.name]
        n = period.value * days[period.unit] / days[rate.per]
        return rate.count * n, f"{_n(rate.count)}/{rate.per} x {_units(n, rate.per)}"
    n = period.seconds(conv) / conv.seconds_per(rate.per)
    return rate.count * n, f"{_n(rate.count)}/{rate.per} x {_units(n, rate.per)}"


def _units(n: float, unit: str) -> str:
    return f"{_n(n)} {unit}{'' if n == 1 else 's'}"


def _secs(x: float) -> str:
    return f"{x:,.0f}" if x == int(x) else f"{x:,.6g}"


DAY = Duration(1, "day")
MONTH = Duration(1, "month")
YEAR = Duration(1, "year")


def estimate(design: Design, convention: str | None = None, table: Table | None = None) -> Estimate:
    """Compute the Phase 2 numbers of a design (whatever part of it exists)."""
    est_in = design.estimates
    conv = CONVENTIONS[convention or (est_in.convention.value if est_in else "exact")]
    table = table or default_table()
    if est_in and est_in.thresholds:
        table = table.with_overrides(est_in.thresholds, "estimates.thresholds")
    peak_default = float(table.defaults["peak_multiplier"].value)
    peak = est_in.peak_multiplier if est_in and est_in.peak_multiplier else None
    out = Estimate(design.name, conv.name, peak or peak_default)
    if peak is None:
        out.assumptions.append(f"peak multiplier not stated: assumed {_n(peak_default)}x "
                               f"({table.defaults['peak_multiplier'].source})")
    if est_in is None or not est_in.traffic:
        out.missing.append("estimates.traffic: no use case has traffic yet, so there are no QPS figures")
    if est_in is None:
        return out
    req = design.requirements
    dau = _dau(design, out)

    rates: dict[str, Rate] = {}
    by_uc = {t.use_case: t for t in est_in.traffic}
    memo: dict[str, tuple[Rate, str] | None] = {}

    def rate_of(t: Traffic, depth: int = 0) -> tuple[Rate, str] | None:
        if t.use_case not in memo:
            memo[t.use_case] = _rate_of(t, depth)
        return memo[t.use_case]

    def _rate_of(t: Traffic, depth: int = 0) -> tuple[Rate, str] | None:
        if t.requests_per_user_per_day is not None:
            if dau is None:
                out.missing.append(f"traffic.{t.use_case}: requests_per_user_per_day needs requirements.users.dau")
                return None
            r = Rate(dau * t.requests_per_user_per_day, "day")
            return r, f"{_n(dau)} DAU x {_n(t.requests_per_user_per_day)} req/user/day = {_n(r.count)} req/day"
        if t.rate is not None:
            return t.rate, f"{_n(t.rate.count)} req/{t.rate.per} (stated)"
        if t.relative_to is not None and depth < 16:
            base = by_uc.get(t.relative_to)
            got = rate_of(base, depth + 1) if base else None
            if got is None:
                out.missing.append(f"traffic.{t.use_case}: relative_to '{t.relative_to}' has no figures, so neither has it")
                return None
            r = Rate(got[0].count * (t.ratio or 1), got[0].per)
            return r, f"{_n(t.ratio or 1)} x {t.relative_to} ({_n(got[0].count)}/{got[0].per}) = {_n(r.count)} req/{r.per}"
        out.missing.append(f"traffic.{t.use_case}: give requests_per_user_per_day, rate, or relative_to")
        return None

    totals = {("read", "avg"): 0.0, ("write", "avg"): 0.0}
    bw = {"in": 0.0, "out": 0.0, "in_peak": 0.0, "out_peak": 0.0}
    peaks = {"read": 0.0, "write": 0.0}
    daily_requests: dict[str, float] = {}
    fanout_avg = fanout_peak = 0.0
    for t in est_in.traffic:
        got = rate_of(t)
        if got is None:
            continue
        r, how = got
        rates[t.use_case] = r
        op = t.operation.value
        day_count, day_how = volume(r, DAY, conv)
        out.add(Figure(f"{t.use_case}.requests_per_day", f"{t.use_case}: requests per day", day_count, "req/day",
                       how if r.per == "day" else f"{how}; per day: {day_how} = {_n(day_count)}"))
        avg = r.count / conv.seconds_per(r.per)
        out.add(Figure(f"{t.use_case}.qps.avg", f"{t.use_case}: average {op} QPS", avg, "req/s",
                       f"{_n(r.count)} req/{r.per} / {_secs(conv.seconds_per(r.per))} s/{r.per} = {_n(avg)} req/s"))
        mult = t.peak_multiplier or out.peak_multiplier
        out.add(Figure(f"{t.use_case}.qps.peak", f"{t.use_case}: peak {op} QPS", avg * mult, "req/s",
                       f"{_n(avg)} req/s x {_n(mult)} peak = {_n(avg * mult)} req/s",
                       assumed=t.peak_multiplier is None and peak is None))
        totals[(op, "avg")] += avg
        peaks[op] += avg * mult
        daily_requests[t.use_case] = day_count
        for direction, size, name in (("in", t.request_size, "request_size"), ("out", t.response_size, "response_size")):
            if size is None:
                if (direction == "in") == (t.operation is Operation.write):
                    out.missing.append(f"traffic.{t.use_case}: {name} not given, its bandwidth {direction} counts as 0")
                continue
            b = avg * size
            out.add(Figure(f"{t.use_case}.bandwidth.{direction}.avg", f"{t.use_case}: bandwidth {direction}",
                           b, "B/s", f"{_n(avg)} req/s x {q.fmt_bytes(size)} = {q.fmt_data_rate(b)}"))
            out.add(Figure(f"{t.use_case}.bandwidth.{direction}.peak", f"{t.use_case}: peak bandwidth {direction}",
                           b * mult, "B/s", f"{_n(avg * mult)} req/s x {q.fmt_bytes(size)} = {q.fmt_data_rate(b * mult)}"))
            bw[direction] += b
            bw[f"{direction}_peak"] += b * mult
        if t.fanout is not None:
            f_avg = avg * t.fanout
            out.add(Figure(f"{t.use_case}.fanout.avg", f"{t.use_case}: fan-out deliveries", f_avg, "deliveries/s",
                           f"{_n(avg)} req/s x {_n(t.fanout)} deliveries/req = {_n(f_avg)} deliveries/s"))
            fanout_avg += f_avg
            fanout_peak += f_avg * mult

    if rates:
        ops = {op: [t.use_case for t in est_in.traffic if t.operation.value == op and t.use_case in rates]
               for op in ("read", "write")}
        _totals(out, ops, totals, peaks, bw, fanout_avg, fanout_peak, req)
    _storage(out, est_in.storage, rates, conv, est_in.horizon or q.parse_duration(table.defaults["storage_horizon"].value))
    _cache(out, design, daily_requests, table)
    _callouts(out, table)
    _stated(out, est_in.stated)
    return out


def _dau(design: Design, out: Estimate) -> float | None:
    users = design.requirements.users if design.requirements else None
    if users is None:
        return None
    if users.peak_concurrent is not None:
        out.add(Figure("users.peak_concurrent", "peak concurrent users", users.peak_concurrent, "users",
                       f"{_n(users.peak_concurrent)} concurrent at peak (stated)"))
    if users.dau is not None:
        out.add(Figure("users.dau", "daily active users", users.dau, "users", f"{_n(users.dau)} DAU (stated)"))
        return users.dau
    if users.mau is not None and users.daily_active_fraction is not None:
        dau = users.mau * users.daily_active_fraction
        out.add(Figure("users.dau", "daily active users", dau, "users",
                       f"{_n(users.mau)} MAU x {q.fmt_percent(users.daily_active_fraction)} daily = {_n(dau)} DAU"))
        return dau
    return None


def _totals(out: Estimate, ops: dict[str, list[str]], totals: dict, peaks: dict, bw: dict,
            fanout_avg: float, fanout_peak: float, req: Any) -> None:
    r_avg, w_avg = totals[("read", "avg")], totals[("write", "avg")]
    reads, writes = ops["read"], ops["write"]

    def sum_of(use_cases: list[str], which: str = "avg") -> str:
        parts = [_n(out.figures[f"{uc}.qps.{which}"].value) for uc in use_cases]
        return " + ".join(parts) if parts else "0"

    out.add(Figure("qps.read.avg", "average read QPS", r_avg, "req/s", f"{sum_of(reads)} = {_n(r_avg)} req/s"))
    out.add(Figure("qps.write.avg", "average write QPS", w_avg, "req/s", f"{sum_of(writes)} = {_n(w_avg)} req/s"))
    out.add(Figure("qps.read.peak", "peak read QPS", peaks["read"], "req/s",
                   f"{sum_of(reads, 'peak')} = {_n(peaks['read'])} req/s"))
    out.add(Figure("qps.write.peak", "peak write QPS", peaks["write"], "req/s",
                   f"{sum_of(writes, 'peak')} = {_n(peaks['write'])} req/s"))
    out.add(Figure("qps.total.avg", "average QPS", r_avg + w_avg, "req/s",
                   f"{_n(r_avg)} reads + {_n(w_avg)} writes = {_n(r_avg + w_avg)} req/s"))
    out.add(Figure("qps.total.peak", "peak QPS", peaks["read"] + peaks["write"], "req/s",
                   f"{_n(peaks['read'])} + {_n(peaks['write'])} = {_n(peaks['read'] + peaks['write'])} req/s"))
    if w_avg > 0:
        ratio = r_avg / w_avg
        stated = req.access_patterns.read_write_ratio if req and req.access_patterns else None
        how = f"{_n(r_avg)} / {_n(w_avg)} = {_n(ratio)}:1"
        if stated is not None:
            how += f" (requirements state {_n(stated)}:1)"
        out.add(Figure("read_write_ratio", "read:write ratio", ratio, "ratio", how))
    for d in ("in", "out"):
        word = "ingress" if d == "in" else "egress"
        out.add(Figure(f"bandwidth.{d}.avg", f"average {word}", bw[d], "B/s", f"sum over use cases = {q.fmt_data_rate(bw[d])}"))
        out.add(Figure(f"bandwidth.{d}.peak", f"peak {word}", bw[f"{d}_peak"], "B/s",
                       f"sum of per-use-case average x peak multiplier = {q.fmt_data_rate(bw[f'{d}_peak'])}"))
    if fanout_avg:
        out.add(Figure("fanout.avg", "fan-out deliveries (average)", fanout_avg, "deliveries/s", f"{_n(fanout_avg)} deliveries/s"))
        out.add(Figure("fanout.peak", "fan-out deliveries (peak)", fanout_peak, "deliveries/s",
                       f"{_n(fanout_avg)} x peak = {_n(fanout_peak)} deliveries/s"))


def _storage(out: Estimate, entities: list[StoredEntity], rates: dict[str, Rate], conv: Convention,
             horizon: Duration) -> None:
    keys = ("per_day", "per_month", "per_year", "total", "total_replicated", "hot", "cold")
    sums = dict.fromkeys(keys, 0.0)
    counted = 0
    for e in entities:
        if e.new_per_day is not None:
            r, src = Rate(e.new_per_day, "day"), f"{_n(e.new_per_day)} new/day (stated)"
        elif e.from_use_case is not None:
            base = rates.get(e.from_use_case)
            if base is None:
                out.missing.append(f"storage.{e.id}: use case '{e.from_use_case}' has no traffic, so its growth is unknown")
                continue
            r = Rate(base.count * e.per_request, base.per)
            src = f"{_n(e.per_request)} per {e.from_use_case} request x {_n(base.count)}/{base.per} = {_n(r.count)}/{r.per}"
        else:
            out.missing.append(f"storage.{e.id}: give new_per_day or from_use_case")
            continue
        counted += 1
        size = e.size
        for period, name in ((DAY, "per_day"), (MONTH, "per_month"), (YEAR, "per_year")):
            n, how = volume(r, period, conv)
            out.add(Figure(f"storage.{e.id}.{name}", f"{e.id}: new data {name.replace('_', ' ')}", n * size, "B",
                           f"{how} = {_n(n)} x {q.fmt_bytes(size)} = {q.fmt_bytes(n * size)}"
                           + ("" if name != "per_day" else f" [{src}]")))
            sums[name] += n * size
        keep = e.retention or horizon
        n_total, how = volume(r, keep, conv)
        total = n_total * size
        label = f"over retention {keep}" if e.retention else f"over {keep} (kept forever; planning horizon)"
        out.add(Figure(f"storage.{e.id}.records", f"{e.id}: records {label}", n_total, "records",
                       f"{how} = {_n(n_total)} records", assumed=e.retention is None))
        out.add(Figure(f"storage.{e.id}.total", f"{e.id}: storage {label}", total, "B",
                       f"{_n(n_total)} records x {q.fmt_bytes(size)} = {q.fmt_bytes(total)}", assumed=e.retention is None))
        sums["total"] += total
        rf = e.replication_factor
        out.add(Figure(f"storage.{e.id}.total_replicated", f"{e.id}: storage with {rf} copies", total * rf, "B",
                       f"{q.fmt_bytes(total)} x {rf} copies = {q.fmt_bytes(total * rf)}"))
        sums["total_replicated"] += total * rf
        if e.hot_window is not None:
            # compare by volume, so both sides count calendar units the same way
            n_hot, how_hot = volume(r, e.hot_window, conv)
            hot_period = e.hot_window
            if n_hot >= n_total:
                n_hot, how_hot, hot_period = n_total, how, keep
            hot = n_hot * size
            out.add(Figure(f"storage.{e.id}.hot", f"{e.id}: hot ({hot_period})", hot, "B",
                           f"{how_hot} = {_n(n_hot)} x {q.fmt_bytes(size)} = {q.fmt_bytes(hot)}"))
            out.add(Figure(f"storage.{e.id}.cold", f"{e.id}: cold (older than {hot_period})", total - hot, "B",
                           f"{q.fmt_bytes(total)} - {q.fmt_bytes(hot)} = {q.fmt_bytes(total - hot)}"))
            sums["hot"] += hot
            sums["cold"] += total - hot
        else:
            sums["hot"] += total
    if counted:
        names = {"per_day": "new data per day", "per_month": "new data per month", "per_year": "new data per year",
                 "total": "storage over retention", "total_replicated": "storage with replicas",
                 "hot": "hot storage", "cold": "cold storage"}
        for k in keys:
            parts = [f"{q.fmt_bytes(out.figures[f'storage.{e.id}.{k}'].value)}" for e in entities
                     if f"storage.{e.id}.{k}" in out.figures]
            out.add(Figure(f"storage.{k}", names[k], sums[k], "B",
                           f"{' + '.join(parts) or 'all data counted hot (no hot window given)'} = {q.fmt_bytes(sums[k])}"))


def _cache(out: Estimate, design: Design, daily_requests: dict[str, float], table: Table) -> None:
    """20% of the daily reads x object size. By default every read use case; a design may name
    the use cases whose requests read the cache (a write that looks up membership counts)."""
    est_in = design.estimates
    sizing = est_in.cache if est_in else None
    by_uc = {t.use_case: t for t in est_in.traffic}
    reads_by_default = [uc for uc in daily_requests if by_uc[uc].operation is Operation.read]
    chosen = sizing.use_cases if sizing and sizing.use_cases else reads_by_default
    daily_reads = {uc: daily_requests[uc] for uc in chosen if uc in daily_requests}
    if not daily_reads:
        return
    frac = sizing.fraction_of_daily_reads if sizing else q.parse_fraction(table.defaults["cache_fraction"].value)
    total = 0.0
    parts = []
    for uc in chosen:
        reads = daily_reads.get(uc)
        if reads is None:
            continue
        size = (sizing.object_size if sizing and sizing.object_size else None) or by_uc[uc].response_size
        if size is None:
            out.missing.append(f"cache: use case '{uc}' has no response_size or cache.object_size")
            continue
        mem = frac * reads * size
        out.add(Figure(f"cache.{uc}.memory", f"{uc}: cache memory", mem, "B",
                       f"{q.fmt_percent(frac)} x {_n(reads)} reads/day x {q.fmt_bytes(size)} = {q.fmt_bytes(mem)}",
                       assumed=sizing is None))
        parts.append(q.fmt_bytes(mem))
        total += mem
    if parts:
        out.add(Figure("cache.memory", "cache memory (80/20 rule)", total, "B",
                       f"{' + '.join(parts)} = {q.fmt_bytes(total)}", assumed=sizing is None))


def _callouts(out: Estimate, table: Table) -> None:
    for th in table.thresholds.values():
        actual = out.value(th.metric)
        if actual is None or actual < th.value:
            continue
        out.callouts.append(Callout(
            th.name, th.metric, actual, th.value,
            th.callout.format(actual=th.format(actual), threshold=th.format(th.value)),
            th.rationale, th.source,
        ))


def _stated(out: Estimate, stated: dict[str, Any]) -> None:
    """Numbers the candidate wrote down, beside the computed ones (the review judges them)."""
    for key, value in stated.items():
        fig = out.figures.get(key)
        entry: dict[str, Any] = {"metric": key, "stated": value}
        if fig is None:
            entry["problem"] = "no such computed figure"
        else:
            parser = q.parse_bytes if fig.unit in ("B",) else q.parse_data_rate if fig.unit == "B/s" else q.parse_count
            try:
                v = parser(value)
                entry.update(value=v, computed=fig.value, ratio=(v / fig.value if fig.value else None))
            except q.QuantityError as exc:
                entry["problem"] = str(exc)
        out.stated.append(entry)
