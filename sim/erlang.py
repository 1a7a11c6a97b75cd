"""Exact results for the M/M/c queue (Erlang B and C), used to validate the simulators."""

from __future__ import annotations


def erlang_b(servers: int, offered_load: float) -> float:
    """Blocking probability of M/M/c/c with offered load ``a = λ/μ`` (stable recursion)."""
    if servers < 0 or offered_load < 0:
        raise ValueError(f"need servers >= 0 and load >= 0, got {servers}, {offered_load}")
    b = 1.0
    for k in range(1, servers + 1):
        b = offered_load * b / (k + offered_load * b)
    return b


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arrival waits in M/M/c (needs ``offered_load < servers``)."""
    if offered_load >= servers:
        raise ValueError(f"unstable: offered load {offered_load} >= servers {servers}")
    b = erlang_b(servers, offered_load)
    rho = offered_load / servers
    return b / (1.0 - rho * (1.0 - b))


def mmc_mean_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean time in queue of M/M/c, in the time unit of the rates."""
    a = arrival_rate / service_rate
    if a >= servers:
        raise ValueError(f"unstable: offered load {a} >= servers {servers}")
    return erlang_c(servers, a) / (servers * service_rate - arrival_rate)
