"""W1 (the Jackson network of benchmarks/simulate.py) written for SimPy, as its tutorials write a
queue: a source process that starts one process per customer, and a `Resource` with `capacity`
servers per station that the customer requests, holds for an exponential service time, and
releases; after the API, 80% of customers go to the cache and 20% to the database."""

from __future__ import annotations

import random
import time


def simulate(spec: dict) -> dict:
    """Runs `spec` (rate, servers and mean service per station, p_cache, duration, seed); returns
    customers arrived and completed, the sum of completed sojourns, and the loop's wall time."""
    import simpy

    rnd = random.Random(spec["seed"])
    env = simpy.Environment()
    station = {s: simpy.Resource(env, capacity=c) for s, c in spec["servers"].items()}
    mean = spec["mean"]
    p_cache = spec["p_cache"]
    tally = {"arrived": 0, "completed": 0, "sojourn_sum": 0.0}

    def visit(s):
        with station[s].request() as req:
            yield req
            yield env.timeout(rnd.expovariate(1.0 / mean[s]))

    def customer():
        t0 = env.now
        yield from visit("lb")
        yield from visit("api")
        yield from visit("cache" if rnd.random() < p_cache else "db")
        tally["completed"] += 1
        tally["sojourn_sum"] += env.now - t0

    def source():
        while True:
            yield env.timeout(rnd.expovariate(spec["rate"]))
            tally["arrived"] += 1
            env.process(customer())

    env.process(source())
    t = time.perf_counter()
    env.run(until=spec["duration"])
    tally["wall"] = time.perf_counter() - t
    return tally
