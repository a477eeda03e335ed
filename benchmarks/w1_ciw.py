"""W1 (the Jackson network of benchmarks/simulate.py) written for Ciw, as its documentation
builds a network: Poisson arrivals at the load balancer, exponential service at every node,
and a routing matrix (the API sends 80% of its customers to the cache, 20% to the database)."""

from __future__ import annotations

import time

ORDER = ("lb", "api", "cache", "db")


def simulate(spec: dict) -> dict:
    """Runs `spec` (rate, servers and mean service per station, p_cache, duration, seed); returns
    customers arrived and completed, the sum of completed sojourns, and the loop's wall time."""
    import ciw

    p = spec["p_cache"]
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=spec["rate"]), None, None, None],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / spec["mean"][s]) for s in ORDER],
        number_of_servers=[spec["servers"][s] for s in ORDER],
        routing=[[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, p, 1.0 - p], [0.0] * 4, [0.0] * 4],
    )
    ciw.seed(spec["seed"])
    sim = ciw.Simulation(network)
    t = time.perf_counter()
    sim.simulate_until_max_time(spec["duration"])
    wall = time.perf_counter() - t
    done = [ind for ind in sim.nodes[-1].all_individuals if ind.data_records]
    sojourn = sum(ind.data_records[-1].exit_date - ind.data_records[0].arrival_date for ind in done)
    return {"arrived": sim.nodes[0].number_of_individuals, "completed": len(done), "sojourn_sum": sojourn,
            "wall": wall}
