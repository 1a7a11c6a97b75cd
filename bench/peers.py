"""The peer implementations the benchmarks measure against (installed with '.[bench]')."""

from __future__ import annotations

import time


def ciw_mmc(
    arrivals_per_h: float, service_per_h: float, servers: int, years: float
) -> tuple[float, int]:
    """Seconds and served customers of Ciw's M/M/c over ``years`` (time unit: hours)."""
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=arrivals_per_h)],
        service_distributions=[ciw.dists.Exponential(rate=service_per_h)],
        number_of_servers=[servers],
    )
    ciw.seed(1)
    t0 = time.perf_counter()
    q = ciw.Simulation(network)
    q.simulate_until_max_time(years * 8760)
    return time.perf_counter() - t0, len(q.get_all_records())
