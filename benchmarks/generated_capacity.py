"""A generated design that the whole capacity model runs on: N components, every one of ours with
capacity figures (service time, concurrency) and replicas, every use case with a rate and
latency targets, read paths through caches, write paths, branches, fan-out, async edges with
consumers that write, external calls and a CDN path. Deterministic for a seed.

Like tests/render/generated.py, but sized: replicas (and shards of single-leader stores) are
set from the load the flows put on each component, so every component sits between
`UTIL_LOW` and `UTIL_HIGH` busy at 1x and the limits spread from about 1.5x to 15x; the
latency targets are set above each use case's p50 and p99 at 1x, so every target is met today
and is missed somewhere past it. Run it to print the YAML:

    python benchmarks/generated_capacity.py [N] [SEED] > generated.design.yaml
"""

from __future__ import annotations

import math
import random
import sys

import yaml

from tradeoff.io.load import load_design_text

UTIL_LOW, UTIL_HIGH = 0.08, 0.55
USE_CASES = 30
STORE_KINDS = [  # (storage kind, technology, service time ms, concurrency)
    ("relational", "PostgreSQL", 4, 32), ("key_value", "DynamoDB", 2, 64), ("document", "MongoDB", 5, 32),
    ("wide_column", "Cassandra", 3, 32), ("search", "OpenSearch", 15, 16), ("time_series", "TimescaleDB", 5, 32),
]


def _ms(x: float) -> str:
    return f"{x:g} ms"


def _parts(n: int) -> dict[str, int]:
    """How many components of each kind, after client, dns, cdn, lb and three gateways."""
    rest = n - 7
    ext = max(1, rest // 24)
    queue = max(1, rest // 16)
    worker = 2 * queue
    cache = max(2, rest // 10)
    store = max(3, rest // 5)
    return {"ext": ext, "queue": queue, "worker": worker, "cache": cache, "store": store,
            "service": rest - ext - queue - worker - cache - store}


def _skeleton(n: int, seed: int) -> dict:
    """The design with replicas 1 and no targets: what the sizing pass measures."""
    rnd = random.Random(seed)
    k = _parts(n)
    if k["service"] < 3:
        raise ValueError(f"{n} components are too few for a generated capacity design")
    services = [f"svc-{i}" for i in range(k["service"])]
    workers = [f"worker-{i}" for i in range(k["worker"])]
    caches = [f"cache-{i}" for i in range(k["cache"])]
    stores = [f"store-{i}" for i in range(k["store"])]
    queues = [f"queue-{i}" for i in range(k["queue"])]
    exts = [f"ext-{i}" for i in range(k["ext"])]
    gateways = [f"gw-{i}" for i in range(3)]
    local = set(caches[: max(1, len(caches) // 5)])  # in-process caches: no network hop

    comps = [{"id": "client", "kind": "client"},
             {"id": "dns", "kind": "dns", "capacity": {"service_time": "1 ms", "concurrency": 1000}},
             {"id": "cdn", "kind": "cdn", "hit_ratio": 0.9, "capacity": {"service_time": "5 ms", "concurrency": 1000}},
             {"id": "lb", "kind": "load_balancer", "layer": "L7",
              "capacity": {"service_time": "0.1 ms", "concurrency": 256}}]
    comps += [{"id": g, "kind": "api_gateway", "capacity": {"service_time": "1 ms", "concurrency": 32}}
              for g in gateways]
    comps += [{"id": s, "kind": "service", "capacity": {"service_time": _ms(rnd.choice([2, 4, 6, 8, 12, 20])),
                                                        "concurrency": rnd.choice([16, 32, 64])}} for s in services]
    comps += [{"id": w, "kind": "worker", "capacity": {"service_time": _ms(rnd.choice([10, 20, 50])),
                                                       "concurrency": 8}} for w in workers]
    for c in caches:
        if c in local:
            comps.append({"id": c, "kind": "cache", "cache_layer": "local",
                          "hit_ratio": round(rnd.uniform(0.2, 0.5), 2),
                          "capacity": {"service_time": "0.01 ms", "concurrency": 16}})
        else:
            comps.append({"id": c, "kind": "cache", "cache_layer": "app", "technology": "Redis",
                          "hit_ratio": round(rnd.uniform(0.6, 0.95), 2),
                          "capacity": {"service_time": "0.2 ms", "concurrency": 8}})
    for i, s in enumerate(stores):
        kind, tech, st, conc = STORE_KINDS[i % len(STORE_KINDS)]
        comps.append({"id": s, "kind": "data_store", "storage": kind, "technology": tech,
                      "capacity": {"service_time": _ms(st), "concurrency": conc, "storage_per_node": "4 TB"}})
    comps += [{"id": q, "kind": "event_stream" if i % 2 else "queue",
               "capacity": {"service_time": "1 ms", "concurrency": 64}} for i, q in enumerate(queues)]
    comps += [{"id": e, "kind": "external", "capacity": {"service_time": "40 ms", "concurrency": 100}} for e in exts]

    service_pool, store_pool = services[:], stores[:]
    rnd.shuffle(service_pool)
    rnd.shuffle(store_pool)

    def service() -> str:
        return service_pool.pop() if service_pool else rnd.choice(services)

    def store() -> str:
        return store_pool.pop() if store_pool else rnd.choice(stores)

    use_cases, traffic, latency, entities = [], [], [], []
    read_paths, write_paths, async_edges, external_calls = [], [], [], []
    chains: dict[str, list[str]] = {}
    read_ucs = []
    queue_pool, worker_pool, ext_pool = queues[:], workers[:], exts[:]
    for i in range(USE_CASES):
        uc = f"uc-{i:02d}"
        write = i % 3 == 0
        use_cases.append({"id": uc, "name": f"{'write' if write else 'read'} use case {i}"})
        traffic.append({"use_case": uc, "operation": "write" if write else "read",
                        "rate": f"{round(math.exp(rnd.uniform(math.log(20), math.log(2000))))}/s",
                        "request_size": f"{rnd.choice([200, 500, 1000, 4000])} B",
                        "response_size": f"{rnd.choice([200, 1000, 5000, 20000])} B"})
        chain = [service() for _ in range(rnd.choice([1, 2, 3]))]
        chains[uc] = chain
        hops: list = ["client", "dns", "lb", gateways[i % 3]]
        hops += [h if rnd.random() < 0.8 else {"component": h, "calls": rnd.choice([0.5, 2.0])} for h in chain]
        end = store()
        if not write:
            read_ucs.append(uc)
            if caches[len(read_ucs) - 1:len(read_ucs)]:
                hops.append(caches[len(read_ucs) - 1])
        hops.append(end)
        (write_paths if write else read_paths).append({"id": f"{uc}-main", "use_case": uc, "hops": hops})
        if write:
            entities.append({"id": f"entity-{i:02d}", "size": f"{rnd.choice([200, 1000, 5000])} B",
                             "from_use_case": uc, "retention": "1 year", "replication_factor": 3, "store": end})
        for b in range(rnd.choice([0, 1, 2])):  # a service's second dependency
            anchor = rnd.choice(chain)
            (write_paths if write else read_paths).append(
                {"id": f"{uc}-branch-{b}", "use_case": uc, "hops": [anchor, service(), store()]})
        if (write or i % 7 == 1) and queue_pool:
            q = queue_pool.pop(0)
            consumers = [worker_pool.pop(0) for _ in range(2)]
            async_edges.append({"id": f"{uc}-events", "use_case": uc, "producer": chain[-1], "via": q,
                                "consumers": consumers, "ratio": rnd.choice([1.0, 0.5, 2.0])})
            for w in consumers:
                write_paths.append({"id": f"{w}-write", "use_case": uc,
                                    "hops": [w, {"component": store(), "calls": rnd.choice([0.2, 1.0])}]})
        if i % 4 == 2 and ext_pool:
            external_calls.append({"id": f"{uc}-call", "use_case": uc, "caller": rnd.choice(chain),
                                   "external": ext_pool.pop(0), "sync": rnd.random() < 0.7,
                                   "calls": rnd.choice([0.05, 0.2, 1.0])})
    read_paths.append({"id": "static", "use_case": read_ucs[0], "hops": ["client", "dns",
                                                                          {"component": "cdn", "calls": 0.5}]})
    # nothing left off the paths: spare services, stores, caches, queues and externals join a use case
    spare_caches = caches[len(read_ucs):]
    for j, s in enumerate(service_pool + store_pool + spare_caches):
        uc = use_cases[j % USE_CASES]["id"]
        flows = write_paths if int(uc[3:]) % 3 == 0 else read_paths
        anchor = rnd.choice(chains[uc])
        hops = [anchor, s] if s not in spare_caches else [anchor, s, rnd.choice(stores)]
        if s.startswith("svc-"):
            hops.append(rnd.choice(stores))
        flows.append({"id": f"{uc}-extra-{j}", "use_case": uc, "hops": hops})
    while queue_pool:
        q = queue_pool.pop(0)
        uc = read_ucs[len(queue_pool) % len(read_ucs)]
        consumers = [worker_pool.pop(0) for _ in range(2)]
        async_edges.append({"id": f"{q}-events", "use_case": uc, "producer": chains[uc][-1], "via": q,
                            "consumers": consumers})
        for w in consumers:
            write_paths.append({"id": f"{w}-write", "use_case": uc, "hops": [w, rnd.choice(stores)]})
    for e in ext_pool:
        uc = read_ucs[len(external_calls) % len(read_ucs)]
        external_calls.append({"id": f"{e}-call", "use_case": uc, "caller": chains[uc][0], "external": e,
                               "calls": 0.1})
    return {"name": f"generated-capacity-{n}", "title": f"Generated design with {n} components, sized",
            "requirements": {"use_cases": use_cases, "non_functional": {"latency": latency}},
            "estimates": {"peak_multiplier": 3, "traffic": traffic, "storage": entities},
            "architecture": {"components": comps, "read_paths": read_paths, "write_paths": write_paths,
                             "async_edges": async_edges, "external_calls": external_calls}}


def _nice_ms(seconds: float) -> str:
    """Up to two significant figures of milliseconds, rounded up."""
    ms = seconds * 1e3
    step = 10 ** math.floor(math.log10(ms)) / 10 if ms > 0 else 0.1
    return _ms(round(math.ceil(ms / step) * step, 6))


def _size(doc: dict, seed: int) -> dict:
    """Replicas and shards from the measured load; latency targets above today's percentiles."""
    from tradeoff.capacity.latency import latencies
    from tradeoff.capacity.model import build

    rnd = random.Random(seed * 7919 + 1)
    name = doc["name"]
    model = build(load_design_text(yaml.safe_dump(doc, sort_keys=False), f"<{name}>"))
    by_id = {c["id"]: c for c in doc["architecture"]["components"]}
    for cid, cm in model.components.items():
        st = cm.station
        c = by_id[cid]
        if st is None or cm.load.peak <= 0:
            c.setdefault("replicas", 2)
            continue
        u = rnd.uniform(UTIL_LOW, UTIL_HIGH)
        read_work, write_work = st.reads / st.read_rate(), st.writes / st.write_rate()
        if st.single_leader and st.writes > 0:
            shards = max(1, math.ceil(write_work / (u / 2)))
            replicas = max(shards * 3, math.ceil(read_work / (u / 2)))
            c["shards"] = shards
        else:
            replicas = math.ceil((read_work + write_work) / u)
        c["replicas"] = max(2, replicas)
    for c in doc["architecture"]["components"]:
        if c["kind"] != "client":
            c.setdefault("replicas", 2)
    # storage per node so that each store holds about a third of a node's disk per replica
    model = build(load_design_text(yaml.safe_dump(doc, sort_keys=False), f"<{name}>"))
    for cid, cm in model.components.items():
        for r in cm.resources:
            if r.name == "storage":
                per_node = r.used / rnd.uniform(0.1, 0.4)
                by_id[cid]["capacity"]["storage_per_node"] = f"{max(1, math.ceil(per_node / 1e9))} GB"
    model = build(load_design_text(yaml.safe_dump(doc, sort_keys=False), f"<{name}>"))
    worst: dict[str, tuple[float, float]] = {}
    for lat in latencies(model):
        if lat.use_case is None or lat.mean <= 0:
            continue
        p50, p99 = worst.get(lat.use_case, (0.0, 0.0))
        worst[lat.use_case] = (max(p50, lat.p(0.5)), max(p99, lat.p(0.99)))
    targets = doc["requirements"]["non_functional"]["latency"]
    for uc, (p50, p99) in sorted(worst.items()):
        t = {"id": f"lat-{uc}", "use_case": uc, "p99": _nice_ms(p99 * rnd.uniform(1.5, 4.0))}
        if rnd.random() < 0.7:
            t["p50"] = _nice_ms(p50 * rnd.uniform(1.3, 3.0))
        targets.append(t)
    return doc


def generated_capacity_text(n: int = 200, seed: int = 11) -> str:
    return yaml.safe_dump(_size(_skeleton(n, seed), seed), sort_keys=False)


def generated_capacity_design(n: int = 200, seed: int = 11):
    design = load_design_text(generated_capacity_text(n, seed), f"<generated-capacity-{n}>")
    assert len(design.architecture.components) == n
    return design


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    sys.stdout.write(generated_capacity_text(*args))
