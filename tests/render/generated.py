"""A generated design of N components: a client, an edge tier, gateways, services calling
services, caches, stores, queues with consumers and external APIs, wired by read paths, write
paths, async edges and external calls (a stress case for the canvas layout)."""

from __future__ import annotations

import random

import yaml

from tradeoff.io.load import load_design_text


def generated_design_text(n: int = 100, seed: int = 7) -> str:
    rnd = random.Random(seed)
    comps = [{"id": "client", "kind": "client", "name": "Clients"}, {"id": "dns", "kind": "dns"},
             {"id": "cdn", "kind": "cdn", "hit_ratio": 0.9}, {"id": "lb", "kind": "load_balancer", "replicas": 2}]
    gateways = [f"gw-{i}" for i in range(3)]
    comps += [{"id": g, "kind": "api_gateway", "replicas": 3} for g in gateways]
    rest = n - len(comps)
    n_ext = max(1, rest // 20)
    n_queue = max(1, rest // 12)
    n_cache = max(1, rest // 8)
    n_store = max(2, rest // 5)
    n_worker = n_queue * 2
    n_service = rest - n_ext - n_queue - n_cache - n_store - n_worker
    services = [f"svc-{i}" for i in range(n_service)]
    workers = [f"worker-{i}" for i in range(n_worker)]
    caches = [f"cache-{i}" for i in range(n_cache)]
    stores = [f"store-{i}" for i in range(n_store)]
    queues = [f"queue-{i}" for i in range(n_queue)]
    exts = [f"ext-{i}" for i in range(n_ext)]
    comps += [{"id": s, "kind": "service", "name": f"Service {i} with a longer name" if i % 5 == 0 else None,
               "replicas": 3} for i, s in enumerate(services)]
    comps += [{"id": w, "kind": "worker", "replicas": 2} for w in workers]
    comps += [{"id": c, "kind": "cache", "technology": "Redis", "hit_ratio": 0.8, "replicas": 2} for c in caches]
    comps += [{"id": s, "kind": "data_store", "technology": "PostgreSQL", "holds": f"entity {s}",
               "replicas": 3} for s in stores]
    comps += [{"id": q, "kind": "event_stream" if i % 2 else "queue", "replicas": 3} for i, q in enumerate(queues)]
    comps += [{"id": e, "kind": "external", "name": f"Partner API {e}"} for e in exts]
    comps = [{k: v for k, v in c.items() if v is not None} for c in comps]
    read_paths, write_paths = [], []
    for i in range(max(6, n // 6)):
        svc = rnd.sample(services, k=min(len(services), rnd.choice([1, 2, 3])))
        hops = ["client", "dns", "lb", rnd.choice(gateways), *svc]
        if i % 2 == 0:
            hops.append(rnd.choice(caches))
        hops.append(rnd.choice(stores))
        (read_paths if i % 3 else write_paths).append({"id": f"flow-{i}", "hops": hops})
    for i, s in enumerate(stores):  # every store and cache on some path
        read_paths.append({"id": f"store-path-{i}", "hops": ["client", "dns", "lb", rnd.choice(gateways),
                                                             rnd.choice(services), s]})
    for i, c in enumerate(caches):
        read_paths.append({"id": f"cache-path-{i}", "hops": ["client", "dns", "lb", rnd.choice(gateways),
                                                             rnd.choice(services), c, rnd.choice(stores)]})
    read_paths.append({"id": "static", "hops": ["client", "dns", "cdn"]})
    async_edges = []
    for i, q in enumerate(queues):
        async_edges.append({"id": f"async-{i}", "producer": rnd.choice(services), "via": q,
                            "consumers": workers[2 * i: 2 * i + 2]})
    for i, w in enumerate(workers):
        write_paths.append({"id": f"worker-write-{i}", "hops": [w, rnd.choice(stores)]})
    external_calls = [{"id": f"call-{i}", "caller": rnd.choice(services), "external": e} for i, e in enumerate(exts)]
    for s in services:  # no component left off the paths
        if not any(s in f["hops"] for f in read_paths + write_paths):
            write_paths.append({"id": f"svc-path-{s}", "hops": ["client", "dns", "lb", rnd.choice(gateways), s,
                                                                rnd.choice(stores)]})
    doc = {"name": f"generated-{n}", "title": f"Generated design with {n} components",
           "architecture": {"components": comps, "read_paths": read_paths, "write_paths": write_paths,
                            "async_edges": async_edges, "external_calls": external_calls}}
    return yaml.safe_dump(doc, sort_keys=False)


def generated_design(n: int = 100, seed: int = 7):
    design = load_design_text(generated_design_text(n, seed), f"<generated-{n}>")
    assert len(design.architecture.components) == n
    return design
