"""The capacity model of a design at 1x: per component, its servers, service times and the
load on each resource (compute, storage, network, connections) per node.

Compute. A component is an M/M/c station (see queueing.py): c = replicas x concurrency
(requests one replica serves at once), mean service time s, so one replica serves
concurrency / s requests per second. The figures come from the design's `capacity` block;
`max_qps_per_replica` wins when stated (s = concurrency / max_qps); missing figures come from
the knowledge base's per-node table, and each such use is listed as an assumption.
Reads spread over every replica. Writes to a single-leader store (relational, document,
graph) go to one primary per shard, so the primary is the busiest node: its utilisation is
reads / (replicas x read rate) + writes / (shards x write rate), and write latency is that of
one primary (an M/M/concurrency station at that utilisation).

Storage: what a store holds over its retention, with copies (the estimate's
total_replicated), over its replicas, against storage per node. Network: bytes in and out per
replica (request and response sizes of the use cases it carries) against the NIC.
Connections: peak concurrent users over a realtime gateway's replicas.
Every resource grows linearly with the load multiplier; data is assumed to grow with traffic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tradeoff.capacity.load import ComponentLoad, Demand, demand
from tradeoff.capacity.queueing import MMc
from tradeoff.estimate.engine import Estimate
from tradeoff.estimate.thresholds import Table
from tradeoff.knowledge.capacity import CapacityTable, node_figures
from tradeoff.model import quantity as q
from tradeoff.model.design import CacheLayer, Component, ComponentKind, Design, StorageKind

SINGLE_LEADER = frozenset({StorageKind.relational, StorageKind.document, StorageKind.graph})
#: carry a whole request and its response through their NIC
CARRIERS = frozenset({ComponentKind.load_balancer, ComponentKind.api_gateway, ComponentKind.service_mesh,
                      ComponentKind.realtime_gateway, ComponentKind.service})
#: kinds with no servers of ours: their latency and capacity are someone else's
UNMODELLED = frozenset({ComponentKind.client, ComponentKind.dns, ComponentKind.external})


@dataclass(frozen=True)
class Resource:
    """One resource of one component: what a node uses at 1x against what it has."""

    name: str  # compute, storage, network, connections
    used: float  # per node at 1x (utilisation for compute; bytes, bytes/s, connections otherwise)
    limit: float  # per node (1.0 for compute)
    unit: str
    detail: str

    @property
    def utilisation(self) -> float:
        return self.used / self.limit if self.limit else 0.0

    def at(self, m: float) -> float:
        return m * self.utilisation

    @property
    def saturates_at(self) -> float:
        """The load multiplier at which this resource is full (closed form: load is linear)."""
        u = self.utilisation
        return 1 / u if u > 0 else float("inf")


@dataclass
class Station:
    """A component as a queueing station, at 1x peak."""

    component: Component
    concurrency: int
    read_service: float  # seconds
    write_service: float
    reads: float  # per second at 1x peak
    writes: float
    single_leader: bool
    how: str
    assumptions: list[str] = field(default_factory=list)

    @property
    def replicas(self) -> int:
        return self.component.replicas

    @property
    def primaries(self) -> int:
        return self.component.shards or 1

    def read_rate(self) -> float:
        """Reads one replica serves per second."""
        return self.concurrency / self.read_service

    def write_rate(self) -> float:
        return self.concurrency / self.write_service

    def busy(self, m: float = 1.0) -> float:
        """Utilisation of the busiest node at multiplier m."""
        r, w = m * self.reads, m * self.writes
        if self.single_leader and w > 0:
            return r / (self.replicas * self.read_rate()) + w / (self.primaries * self.write_rate())
        return (r / self.read_rate() + w / self.write_rate()) / self.replicas

    def queue(self, write: bool, m: float = 1.0) -> MMc:
        """The station a read (or a write) of this component waits in at multiplier m."""
        if write and self.single_leader and self.writes > 0:
            # one primary: its share of reads and of writes, at the mixed mean service time
            r, w = m * self.reads / self.replicas, m * self.writes / self.primaries
            s = (r * self.read_service + w * self.write_service) / (r + w)
            return MMc(r + w, 1 / s, self.concurrency)
        lam = m * (self.reads + self.writes)
        if lam <= 0:
            s = self.write_service if write else self.read_service
            return MMc(0.0, 1 / s, self.replicas * self.concurrency)
        s = (self.reads * self.read_service + self.writes * self.write_service) / (self.reads + self.writes)
        if self.single_leader and self.writes > 0:
            # reads pool over all replicas; the primaries' write work shows as a longer mean service
            s = self.busy(1.0) * self.replicas * self.concurrency / (self.reads + self.writes)
        return MMc(lam, 1 / s, self.replicas * self.concurrency)


@dataclass
class ComponentModel:
    component: Component
    load: ComponentLoad
    station: Station | None
    resources: list[Resource]
    note: str = ""  # why it is not modelled, if it is not

    @property
    def id(self) -> str:
        return self.component.id

    def utilisation(self, m: float = 1.0) -> float:
        return max((r.at(m) for r in self.resources), default=0.0)

    def limiting(self) -> Resource | None:
        return max(self.resources, key=lambda r: r.utilisation, default=None)


@dataclass
class CapacityModel:
    design: Design
    est: Estimate
    table: Table
    demand: Demand
    components: dict[str, ComponentModel]
    assumptions: list[str]
    capacity: CapacityTable | None = None  # the per-node table the model was built with

    def ceiling(self) -> float:
        return self.table.thresholds["max_utilisation"].value

    def hop_latency(self) -> float:
        return self.table.thresholds["hop_latency"].value / 1000


def _station(c: Component, load: ComponentLoad, node: tuple | None) -> Station | None:
    """The station of a component from its capacity block, else `node` (key, per-node figures)."""
    cap = c.capacity
    key, nc = node if node else (None, None)
    notes: list[str] = []

    def kb(what: str) -> None:
        notes.append(f"{c.id}: {what} from the knowledge base ({key}: {nc.source})")

    conc = cap.concurrency if cap and cap.concurrency else None
    single = c.kind is ComponentKind.data_store and c.storage in SINGLE_LEADER
    if cap and cap.max_qps_per_replica:
        if conc is None:
            conc = nc.concurrency if nc and nc.concurrency else 1
            if nc and nc.concurrency:
                kb(f"concurrency {conc}")
        s = conc / cap.max_qps_per_replica
        how = f"{q.fmt_count(cap.max_qps_per_replica)}/s per replica (stated), {conc} at a time"
        return Station(c, conc, s, s, load.reads_peak, load.writes_peak, single, how, notes)
    st = cap.service_time.seconds() if cap and cap.service_time else None
    if conc is not None or st is not None:
        if conc is None:
            if nc is None or not nc.concurrency:
                conc = 1
                notes.append(f"{c.id}: concurrency taken as 1 (no figure stated or known)")
            else:
                conc = nc.concurrency
                kb(f"concurrency {conc}")
        if st is None:
            if nc is None or nc.service_time is None:
                return None
            st = nc.service_time.seconds()
            kb(f"service time {q.fmt_seconds(st)}")
        how = f"{conc} at a time / {q.fmt_seconds(st)} = {q.fmt_count(conc / st)}/s per replica"
        return Station(c, conc, st, st, load.reads_peak, load.writes_peak, single, how, notes)
    if nc is None:
        return None
    r = nc.reads_per_second or nc.ops_per_second
    w = nc.writes_per_second or nc.ops_per_second
    if not r and not w:
        return None
    r, w = r or w, w or r
    conc = nc.concurrency or 1
    kb(f"{q.fmt_count(r)} reads/s, {q.fmt_count(w)} writes/s, {conc} at a time per node")
    how = (f"{q.fmt_count(r)}/s per replica (knowledge base)" if r == w else
           f"{q.fmt_count(r)} reads/s, {q.fmt_count(w)} writes/s per replica (knowledge base)")
    return Station(c, conc, conc / r, conc / w, load.reads_peak, load.writes_peak, single, how, notes)


def _stored(design: Design, est: Estimate, c: Component) -> float | None:
    ests = design.estimates
    held = set(c.entities) | {e.id for e in (ests.storage if ests else []) if e.store == c.id}
    vals = [est.value(f"storage.{e}.total_replicated") for e in sorted(held)]
    vals = [v for v in vals if v is not None]
    return sum(vals) if vals else None


def _bytes_per_second(design: Design, dem: Demand, c: Component) -> tuple[float, float]:
    """Bytes in and out per second at 1x peak over all replicas: request sizes in and response
    sizes out for carriers; a store or cache reads out responses and takes writes in."""
    ests = design.estimates
    traffic = {t.use_case: t for t in (ests.traffic if ests else [])}
    load = dem.components.get(c.id)
    if load is None:
        return 0.0, 0.0
    inn = out = 0.0
    for uc, rate in load.by_use_case.items():
        t = traffic.get(uc)
        if t is None:
            continue
        write = dem.use_cases[uc].write
        if c.kind in CARRIERS or not write:
            inn += rate * (t.request_size or 0)
            out += rate * (t.response_size or 0)
        else:
            inn += rate * (t.request_size or 0)
    return inn, out


def build(design: Design, est: Estimate | None = None, table: Table | None = None,
          capacity: CapacityTable | None = None) -> CapacityModel:
    """The capacity model at 1x for a design."""
    from tradeoff.estimate.engine import estimate
    from tradeoff.estimate.thresholds import default_table
    from tradeoff.knowledge.capacity import default_capacity

    table = table or default_table()
    if design.estimates and design.estimates.thresholds:
        table = table.with_overrides(design.estimates.thresholds, "estimates.thresholds")
    est = est or estimate(design, table=table)
    caps = capacity or default_capacity()
    dem = demand(design, est)
    nic_default = table.thresholds["node_nic"].value
    models: dict[str, ComponentModel] = {}
    assumptions: list[str] = []
    peak_users = est.value("users.peak_concurrent")
    for c in design.components:
        load = dem.components.get(c.id, ComponentLoad())
        if c.kind in UNMODELLED or c.kind is ComponentKind.cdn:
            why = ("a CDN scales at the provider's edge" if c.kind is ComponentKind.cdn
                   else "not our servers" if c.kind is not ComponentKind.external else "a third party")
            models[c.id] = ComponentModel(c, load, None, [], why)
            continue
        resources: list[Resource] = []
        got = node_figures(caps, c)
        nc = got[1] if got else None
        st = _station(c, load, got)
        if st is not None:
            assumptions.extend(st.assumptions)
            if load.peak > 0:
                detail = []
                if load.reads_peak:
                    detail.append(f"{q.fmt_count(load.reads_peak)} reads/s over {c.replicas} replica(s)")
                if load.writes_peak:
                    where = (f"{st.primaries} primar{'y' if st.primaries == 1 else 'ies'}"
                             if st.single_leader else f"{c.replicas} replica(s)")
                    detail.append(f"{q.fmt_count(load.writes_peak)} writes/s on {where}")
                resources.append(Resource("compute", st.busy(1.0), 1.0, "busy",
                                          "; ".join(detail) + f" ({st.how})"))
        stored = _stored(design, est, c) if c.kind is ComponentKind.data_store else None
        if stored:
            limit = c.capacity.storage_per_node if c.capacity and c.capacity.storage_per_node else None
            if limit is None and nc is not None and nc.storage and c.storage is not StorageKind.key_value:
                limit = nc.storage
                assumptions.append(f"{c.id}: {q.fmt_bytes(limit)} of storage per node from the knowledge base "
                                   f"({got[0]}: {nc.source})")
            if limit:
                resources.append(Resource("storage", stored / c.replicas, limit, "bytes",
                                          f"{q.fmt_bytes(stored)} with copies over {c.replicas} node(s)"))
        inn, out = _bytes_per_second(design, dem, c)
        if (inn or out) and not (c.kind is ComponentKind.cache and c.cache_layer is CacheLayer.local):
            if c.capacity and c.capacity.network_per_node:
                nic = c.capacity.network_per_node
            elif nc is not None and nc.network:
                nic = nc.network
            else:
                nic = nic_default
            worst = max(inn, out)
            resources.append(Resource("network", worst / c.replicas, nic, "bytes/s",
                                      f"{q.fmt_data_rate(out)} out, {q.fmt_data_rate(inn)} in over "
                                      f"{c.replicas} replica(s), NIC {q.fmt_data_rate(nic)}"))
        if c.kind is ComponentKind.realtime_gateway and peak_users:
            gws = [g for g in design.components if g.kind is ComponentKind.realtime_gateway]
            limit = c.capacity.connections_per_node if c.capacity and c.capacity.connections_per_node else None
            if limit is None and nc is not None:
                limit = nc.connections
            if limit:
                each = peak_users / sum(g.replicas for g in gws)
                resources.append(Resource("connections", each, limit, "connections",
                                          f"{q.fmt_count(peak_users)} concurrent users over "
                                          f"{sum(g.replicas for g in gws)} gateway replica(s)"))
        note = "" if st is not None else "no service time or per-node figures"
        models[c.id] = ComponentModel(c, load, st, resources, note)
    return CapacityModel(design, est, table, dem, models, sorted(set(assumptions)), caps)
