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


def spopt_pmedian(cost: object, weights: object, p: int, time_limit_s: float) -> dict[str, object]:
    """spopt's PMedian (PuLP + CBC, its default) on a cost matrix: seconds, objective, status."""
    import numpy as np
    import pulp
    from spopt.locate import PMedian

    t0 = time.perf_counter()
    model = PMedian.from_cost_matrix(np.asarray(cost), np.asarray(weights), p_facilities=p)
    model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s))
    seconds = time.perf_counter() - t0
    status = pulp.LpStatus[model.problem.status]
    return {
        "seconds": seconds,
        "objective": float(pulp.value(model.problem.objective)),
        "status": status,
    }


def spopt_mclp(
    cost: object, weights: object, radius: float, p: int, time_limit_s: float
) -> dict[str, object]:
    """spopt's MCLP (PuLP + CBC) on a cost matrix: seconds, covered weight, status."""
    import numpy as np
    import pulp
    from spopt.locate import MCLP

    t0 = time.perf_counter()
    model = MCLP.from_cost_matrix(
        np.asarray(cost), np.asarray(weights), service_radius=radius, p_facilities=p
    )
    model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s))
    seconds = time.perf_counter() - t0
    status = pulp.LpStatus[model.problem.status]
    return {
        "seconds": seconds,
        "objective": float(pulp.value(model.problem.objective)),
        "status": status,
    }
