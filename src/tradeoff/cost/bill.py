"""The design's monthly bill at 1x, 10x and 100x of today's load, from the price catalog and what
the capacity model says each component needs at that load.

- Compute: nodes x node-hour price x hours a month. Nodes are the design's replicas, or what the
  capacity sweep needs at the multiplier if more (replicas; a sharded store's shards x copies),
  or what a shared cache needs to hold its share of the working set (the estimate's cache
  memory, 20% of a day's reads), whichever is most. An in-process cache is its service's memory.
- Storage: what each store holds over its retention, hot and cold tiers priced apart. A store we
  run keeps its hot data on SSD once per copy (the entity's replication factor); cold data goes
  to an object store's infrequent-access tier, one logical copy (the provider keeps its own). A
  managed store bills its own GB-month for hot data. Data is assumed to grow with the load.
- Egress: each use case's responses (average rate x response size) leave through its first
  path's edge: a CDN at the CDN's price, anything else at the internet price.
- Managed services: their own units (per million reads and writes, per GB processed, per hour,
  per month) from the component's average rates.
- A component's `cost:` block wins over the catalog; a third party with none is listed as unpriced.

Bills use average rates (a month is mostly not the peak); nodes are sized for the peak.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tradeoff.capacity.model import UNMODELLED, CapacityModel, ComponentModel
from tradeoff.capacity.model import build as build_capacity
from tradeoff.capacity.scale import _need
from tradeoff.knowledge.capacity import node_figures
from tradeoff.knowledge.prices import ManagedPrice, PriceCatalog, default_prices, for_design
from tradeoff.model import quantity as q
from tradeoff.model.design import CacheLayer, Component, ComponentKind, Design

GB = 1e9
RESOURCES = ("compute", "storage", "egress", "requests", "fixed")


@dataclass(frozen=True)
class Line:
    component: str
    resource: str  # compute, storage, egress, requests, fixed
    monthly: float
    arithmetic: str
    nodes: int | None = None  # for compute: the nodes priced


@dataclass
class Bill:
    multiplier: float
    lines: list[Line]
    requests: float  # use-case requests a month at this load

    @property
    def total(self) -> float:
        return sum(x.monthly for x in self.lines)

    def by_component(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for x in self.lines:
            out[x.component] = out.get(x.component, 0.0) + x.monthly
        return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))

    def by_resource(self) -> dict[str, float]:
        out = dict.fromkeys(RESOURCES, 0.0)
        for x in self.lines:
            out[x.resource] += x.monthly
        return out

    @property
    def per_million(self) -> float | None:
        return self.total / (self.requests / 1e6) if self.requests > 0 else None

    def top(self, n: int = 3) -> list[tuple[str, float]]:
        return [(c, v) for c, v in self.by_component().items() if v > 0][:n]


@dataclass(frozen=True)
class Growth:
    component: str
    first: float
    last: float
    load_ratio: float
    slack: float  # the thresholds table's cost_growth_slack

    @property
    def ratio(self) -> float:
        return self.last / self.first if self.first > 0 else math.inf

    @property
    def faster(self) -> bool:
        return self.first > 0 and self.ratio > self.load_ratio * (1 + self.slack)


@dataclass
class CostReport:
    design: Design
    catalog: PriceCatalog
    bills: list[Bill]
    growth: list[Growth]
    unpriced: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    slack: float = 0.05

    def at(self, m: float) -> Bill | None:
        return next((b for b in self.bills if b.multiplier == m), None)

    @property
    def faster(self) -> list[Growth]:
        return [g for g in self.growth if g.faster]

    def per_million_rises(self) -> tuple[Bill, Bill] | None:
        """(cheapest, dearest) when the cost per million requests rises with load."""
        priced = [b for b in self.bills if b.per_million is not None]
        if len(priced) < 2:
            return None
        first = priced[0]
        worst = max(priced[1:], key=lambda b: b.per_million)
        return (first, worst) if worst.per_million > first.per_million * (1 + self.slack) else None


def money(x: float, currency: str = "USD") -> str:
    """$183,104 for a bill, $5.42 for a small one, $0.0225 for a unit price."""
    sign = "$" if currency == "USD" else f"{currency} "
    if x >= 100:
        return f"{sign}{x:,.0f}"
    if x >= 1 or x == 0 or round(x, 2) == x:
        return f"{sign}{x:,.2f}"
    return f"{sign}{x:.3g}"


def _count(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else f"{x:.3g}"


def nodes_at(model: CapacityModel, cm: ComponentModel, m: float) -> tuple[int, str]:
    """Nodes the capacity model says a component needs at multiplier m, and why."""
    c = cm.component
    best, why = c.replicas, f"{c.replicas} replica(s) as designed"
    for r in cm.resources:
        need = _need(model, cm, r, m)
        if need is None:
            continue
        nodes = need.need
        if need.unit == "shards" and cm.station is not None:
            nodes = need.need * max(1, c.replicas // cm.station.primaries)
        if nodes > best:
            best, why = nodes, f"{r.name}: {need.arithmetic}"
    return best, why


def _cache_shares(design: Design, model: CapacityModel) -> dict[str, float]:
    """The estimate's cache memory split over the shared caches by the reads each serves."""
    mem = model.est.value("cache.memory")
    caches = [c for c in design.components if c.kind is ComponentKind.cache
              and c.cache_layer not in (CacheLayer.local, CacheLayer.client, CacheLayer.cdn)]
    if not mem or not caches:
        return {}
    reads = {c.id: model.components[c.id].load.reads_avg for c in caches}
    total = sum(reads.values())
    if total <= 0:
        return {c.id: mem / len(caches) for c in caches}
    return {cid: mem * r / total for cid, r in reads.items()}


def _memory_nodes(model: CapacityModel, c: Component, share: float, m: float) -> tuple[int, str] | None:
    per = c.capacity.memory_per_node if c.capacity and c.capacity.memory_per_node else None
    if per is None:
        got = node_figures(model.capacity, c) if model.capacity else None
        per = got[1].memory if got else None
    if not per or share <= 0:
        return None
    copies = max(1, c.replicas // c.shards) if c.shards else 1
    usable = per * model.ceiling()
    shards = math.ceil(m * share / usable - 1e-9)
    return shards * copies, (f"memory: {q.fmt_bytes(m * share)} of working set / ({q.fmt_bytes(per)} x "
                             f"{model.ceiling():.0%}) = {shards} node(s) x {copies} cop{'y' if copies == 1 else 'ies'}")


def _held(design: Design, c: Component) -> list:
    ests = design.estimates
    return sorted({e.id: e for e in (ests.storage if ests else []) if e.id in c.entities or e.store == c.id}.values(),
                  key=lambda e: e.id)


def _storage_lines(model: CapacityModel, cat: PriceCatalog, c: Component, managed: ManagedPrice | None,
                   m: float, lines: list[Line]) -> None:
    est = model.est
    hot_p, cold_p = cat.storage["hot"].price_gb_month, cat.storage["cold"].price_gb_month
    for e in _held(model.design, c):
        total = est.value(f"storage.{e.id}.total")
        if not total:
            continue
        hot = est.value(f"storage.{e.id}.hot")
        hot = total if hot is None else hot
        cold = total - hot
        if managed is not None and managed.storage_gb_month is not None:
            price, copies, tier = managed.storage_gb_month, 1, managed.name
        else:
            price, copies, tier = hot_p, e.replication_factor, cat.storage["hot"].what
        hot_gb = m * hot * copies / GB
        lines.append(Line(c.id, "storage", hot_gb * price,
                          f"{e.id} hot: {q.fmt_bytes(m * hot)}" + (f" x {copies} copies" if copies > 1 else "")
                          + f" = {_count(hot_gb)} GB x {money(price, cat.currency)}/GB-month ({tier})"))
        if cold > 0:
            cold_gb = m * cold / GB
            lines.append(Line(c.id, "storage", cold_gb * cold_p,
                              f"{e.id} cold: {_count(cold_gb)} GB x {money(cold_p, cat.currency)}/GB-month "
                              f"({cat.storage['cold'].what})"))


def _egress(design: Design, model: CapacityModel) -> dict[str, tuple[float, list[str]]]:
    """Bytes a second (average, 1x) leaving each edge component, with the use cases behind them."""
    from tradeoff.capacity.latency import root_flows

    arch = design.architecture
    traffic = {t.use_case: t for t in (design.estimates.traffic if design.estimates else [])}
    out: dict[str, tuple[float, list[str]]] = {}
    seen: set[str] = set()
    for _, f, _ in (root_flows(design) if arch else []):
        uc = f.use_case
        if uc is None or uc in seen or uc not in traffic:
            continue
        rate, size = model.est.value(f"{uc}.qps.avg"), traffic[uc].response_size
        edge = next((h.component for h in f.hops if (c := arch.component(h.component)) is not None
                     and c.kind not in (ComponentKind.client, ComponentKind.dns)), None)
        if not rate or not size or edge is None:
            continue
        seen.add(uc)
        b, ucs = out.get(edge, (0.0, []))
        out[edge] = (b + rate * size, ucs + [uc])
    return out


def _managed_lines(model: CapacityModel, cat: PriceCatalog, cm: ComponentModel, mp: ManagedPrice, m: float,
                   lines: list[Line]) -> None:
    c, load = cm.component, cm.load
    secs = cat.hours_per_month * 3600
    cur = cat.currency
    share = mp.queries_per_request or 1.0
    reads, writes = share * m * load.reads_avg * secs, share * m * load.writes_avg * secs
    if mp.read_per_million is not None and reads:
        lines.append(Line(c.id, "requests", reads / 1e6 * mp.read_per_million,
                          f"{_count(m * load.reads_avg)} reads/s x {secs:,.0f} s = {_count(reads / 1e6)}M x "
                          f"{money(mp.read_per_million, cur)}/M ({mp.name})"))
    if mp.write_per_million is not None and writes:
        lines.append(Line(c.id, "requests", writes / 1e6 * mp.write_per_million,
                          f"{_count(m * load.writes_avg)} writes/s x {secs:,.0f} s = {_count(writes / 1e6)}M x "
                          f"{money(mp.write_per_million, cur)}/M ({mp.name})"))
    if mp.per_million_requests is not None and reads + writes:
        of = f" x {share:g} queries a request" if share != 1 else ""
        lines.append(Line(c.id, "requests", (reads + writes) / 1e6 * mp.per_million_requests,
                          f"{_count(m * load.avg)} req/s{of} x {secs:,.0f} s = {_count((reads + writes) / 1e6)}M x "
                          f"{money(mp.per_million_requests, cur)}/M ({mp.name})"))
    if mp.per_gb_processed is not None:
        from tradeoff.capacity.model import _bytes_per_second

        inn, out = _bytes_per_second(model.design, model.demand, c)
        peak_over_avg = load.peak / load.avg if load.avg else 1.0
        gb = m * (inn + out) / peak_over_avg * secs / GB
        lines.append(Line(c.id, "requests", gb * mp.per_gb_processed,
                          f"{_count(gb)} GB processed x {money(mp.per_gb_processed, cur)}/GB ({mp.name})"))
    if mp.per_hour is not None:
        lines.append(Line(c.id, "fixed", mp.per_hour * cat.hours_per_month,
                          f"{money(mp.per_hour, cur)}/hour x {cat.hours_per_month:g} h ({mp.name})"))
    if mp.per_month is not None:
        lines.append(Line(c.id, "fixed", mp.per_month, f"{money(mp.per_month, cur)} a month ({mp.name})"))


def _node_price(cat: PriceCatalog, c: Component) -> tuple[float, str] | None:
    if c.cost and c.cost.node_hour is not None:
        return c.cost.node_hour, "the design's price"
    key = c.storage.value if c.kind is ComponentKind.data_store and c.storage else c.kind.value
    got = cat.node_hour.get(key)
    return (got.price, got.instance) if got else None


def bill_at(model: CapacityModel, cat: PriceCatalog, m: float, unpriced: set[str], assumptions: set[str],
            shares: dict[str, float], egress: dict[str, tuple[float, list[str]]]) -> Bill:
    """The bill at multiplier m; `shares` (cache memory) and `egress` are the 1x figures."""
    design = model.design
    cur = cat.currency
    lines: list[Line] = []
    secs = cat.hours_per_month * 3600
    for c in design.components:
        cm = model.components[c.id]
        own = c.cost
        managed = None if own and own.node_hour is not None else cat.managed_for(c)
        if c.kind is ComponentKind.client or (c.kind is ComponentKind.cache and c.cache_layer is CacheLayer.local):
            pass
        elif managed is not None:
            _managed_lines(model, cat, cm, managed, m, lines)
            assumptions.add(f"{c.id}: priced as {managed.name} ({managed.source})")
        elif c.kind in UNMODELLED or c.kind is ComponentKind.cdn:
            if not own:
                unpriced.add(c.id)
        else:
            price = _node_price(cat, c)
            nodes, why = nodes_at(model, cm, m)
            if c.id in shares:
                mem = _memory_nodes(model, c, shares[c.id], m)
                if mem and mem[0] > nodes:
                    nodes, why = mem
            if price is None:
                unpriced.add(c.id)
            else:
                lines.append(Line(c.id, "compute", nodes * price[0] * cat.hours_per_month,
                                  f"{nodes} node(s) x {money(price[0], cur)}/hour x {cat.hours_per_month:g} h "
                                  f"[{price[1]}]; {why}", nodes))
        if own and own.per_million_requests is not None:
            n = m * cm.load.avg * secs
            lines.append(Line(c.id, "requests", n / 1e6 * own.per_million_requests,
                              f"{_count(m * cm.load.avg)} req/s x {secs:,.0f} s = {_count(n / 1e6)}M x "
                              f"{money(own.per_million_requests, cur)}/M (the design's price)"))
        if own and own.per_month is not None:
            lines.append(Line(c.id, "fixed", own.per_month, f"{money(own.per_month, cur)} a month (the design's price)"))
        if c.kind is ComponentKind.data_store:
            _storage_lines(model, cat, c, managed, m, lines)
        if c.id in egress:
            rate, ucs = egress[c.id]
            tier = cat.egress["cdn" if c.kind is ComponentKind.cdn else "internet"]
            gb = m * rate * secs / GB
            lines.append(Line(c.id, "egress", gb * tier.price_gb,
                              f"{q.fmt_data_rate(m * rate)} out ({', '.join(ucs)}) x {secs:,.0f} s = {_count(gb)} GB "
                              f"x {money(tier.price_gb, cur)}/GB ({tier.what})"))
    requests = sum(m * (u.avg or 0.0) * secs for u in model.demand.use_cases.values())
    return Bill(m, lines, requests)


def bills(design: Design, at: tuple[float, ...] = (1.0, 10.0, 100.0), catalog: PriceCatalog | None = None,
          model: CapacityModel | None = None) -> CostReport:
    """The monthly bill at each multiplier, how it grows, and what it could not price."""
    cat = for_design(catalog or default_prices(), design)
    model = model or build_capacity(design)
    slack = model.table.thresholds["cost_growth_slack"].value
    unpriced: set[str] = set()
    assumptions: set[str] = set()
    shares, egress = _cache_shares(design, model), _egress(design, model)
    out = [bill_at(model, cat, m, unpriced, assumptions, shares, egress) for m in at]
    growth = []
    if len(out) >= 2:
        first, last = out[0].by_component(), out[-1].by_component()
        for cid in sorted(set(first) | set(last)):
            growth.append(Growth(cid, first.get(cid, 0.0), last.get(cid, 0.0),
                                 out[-1].multiplier / out[0].multiplier, slack))
    notes = [f"prices: {cat.currency}, list prices as of {cat.as_of}; a month is {cat.hours_per_month:g} hours"]
    return CostReport(design, cat, out, growth, sorted(unpriced), notes + sorted(assumptions), slack)
