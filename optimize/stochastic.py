"""Two-stage stochastic linear programs with recourse: the extensive form, the L-shaped method
(Benders' decomposition, one cut per scenario) and the measures of the value of modelling
uncertainty (issue 17: relief reserves pre-positioned under uncertainty).

The program, for scenarios s with probabilities p_s::

    min  cᵀx + Σ_s p_s · Q_s(x)                                        (S0)
    s.t. l₁ ≤ A x ≤ u₁,  x_lo ≤ x ≤ x_hi  (x integer where asked)     (S1)
    Q_s(x) = min { q_sᵀ y : h_lo,s ≤ T_s x + W_s y ≤ h_hi,s,
                            y_lo,s ≤ y ≤ y_hi,s }                      (S2)

:func:`solve_extensive` solves (S0)–(S2) as one program (every scenario's y at once). The
L-shaped method (:func:`solve_lshaped`) keeps x and one θ_s per scenario in a master program
and adds, at each trial x̂, the optimality cut θ_s ≥ Q_s(x̂) + d_sᵀ(x − x̂)               (S3)
where d_s is the subgradient of Q_s at x̂: the reduced costs of x in the scenario's LP solved
with x fixed at x̂ (the derivative of an LP's value in a fixed variable's value). Q_s is convex
and piecewise linear in x, so the cuts are exact supports and the method ends in finitely many
steps with the extensive form's optimum. Scenario LPs are independent: ``mapper`` runs them in
parallel (e.g. on the sweep engine's workers). Recourse must be relatively complete (every x
that meets (S1) leaves every scenario feasible — penalties for unmet demand do that); an
infeasible scenario LP is reported, not cut.

:func:`stochastic_measures` gives the wait-and-see value (WS: each scenario with its own best
x), the expected result of the expected-value solution (EEV: x planned for the mean scenario,
then facing every scenario), VSS = EEV − RP and EVPI = RP − WS (for a minimisation; RP, the
recourse problem's optimum). :func:`sample_average` solves sample average approximations of a
program with a scenario sampler and bounds the candidate's optimality gap statistically. Exact
reference: Birge & Louveaux's farmer (tests).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import scipy.sparse as sp
from ortools.math_opt.python import mathopt

from .errors import InstanceError
from .mip import Mip, MipResult

#: HiGHS's presolve called a bounded master (θ bounded below, x by the first stage) unbounded
#: on the relief-reserve instance; without presolve it solves in a tenth of the time.
_MASTER_TUNING: dict[str, object] = {"presolve": mathopt.Emphasis.OFF}

Mapper = Callable[[Callable[[Any], Any], Sequence[Any]], list[Any]]


@dataclass(frozen=True)
class FirstStage:
    """cᵀx and (S1): ``a`` (rows × n) with row bounds ``lo``/``hi``, variable bounds, and which
    variables are integer."""

    c: np.ndarray
    a: sp.csr_matrix
    lo: np.ndarray
    hi: np.ndarray
    x_lo: np.ndarray
    x_hi: np.ndarray
    integer: np.ndarray

    @property
    def n(self) -> int:
        return len(self.c)


@dataclass(frozen=True)
class RecourseScenario:
    """One scenario's (S2): probability, recourse costs ``q``, technology ``t`` (rows × n₁),
    recourse matrix ``w`` (rows × n₂), row bounds, recourse variable bounds."""

    p: float
    q: np.ndarray
    t: sp.csr_matrix
    w: sp.csr_matrix
    h_lo: np.ndarray
    h_hi: np.ndarray
    y_lo: np.ndarray
    y_hi: np.ndarray


@dataclass(frozen=True)
class TwoStage:
    """A two-stage program: the first stage and its scenarios (probabilities adding to 1)."""

    first: FirstStage
    scenarios: tuple[RecourseScenario, ...]

    def __post_init__(self) -> None:
        n = self.first.n
        f = self.first
        for name in ("x_lo", "x_hi", "integer"):
            if np.asarray(getattr(f, name)).shape != (n,):
                raise InstanceError(f"first stage: {name} needs {n} values")
        if f.a.shape[1] != n or len(f.lo) != f.a.shape[0] or len(f.hi) != f.a.shape[0]:
            raise InstanceError("first stage: a must have n columns and one bound per row")
        if not self.scenarios:
            raise InstanceError("a two-stage program needs at least one scenario")
        total = sum(s.p for s in self.scenarios)
        if any(not s.p >= 0 for s in self.scenarios) or abs(total - 1.0) > 1e-9:
            raise InstanceError(f"scenario probabilities must be ≥ 0 and add up to 1 (got {total})")
        for i, s in enumerate(self.scenarios):
            m, n2 = s.w.shape
            if s.t.shape != (m, n) or len(s.h_lo) != m or len(s.h_hi) != m:
                raise InstanceError(f"scenario {i}: t must be {m} × {n}, one bound per row")
            if len(s.q) != n2 or len(s.y_lo) != n2 or len(s.y_hi) != n2:
                raise InstanceError(f"scenario {i}: q and y bounds need {n2} values")


@dataclass(frozen=True)
class StochasticSolution:
    """x, the objective (S0), each scenario's recourse value Q_s(x), status and how it was
    reached (``iterations`` and the last ``gap`` for the L-shaped method; 1 and 0 whole)."""

    x: np.ndarray
    objective: float
    recourse: np.ndarray
    status: str
    iterations: int = 1
    gap: float = 0.0
    seconds: float = 0.0
    history: list[tuple[float, float]] = field(default_factory=list)  # (lower, upper) bounds


def _build_first(mip: Mip, f: FirstStage, obj: np.ndarray) -> np.ndarray:
    """First-stage variables (integer where asked) and rows (S1); returns their columns."""
    cols = np.empty(f.n, dtype=np.int64)
    for flag in (False, True):
        idx = np.flatnonzero(f.integer == flag)
        if len(idx):
            cols[idx] = mip.add_vars(len(idx), lb=f.x_lo[idx], ub=f.x_hi[idx], integer=flag,
                                     obj=obj[idx])  # fmt: skip
    if f.a.shape[0]:
        coo = f.a.tocoo()
        mip.add_rows(coo.row, cols[coo.col], coo.data, lb=f.lo, ub=f.hi, n_rows=f.a.shape[0])
    return cols


def _add_scenario(mip: Mip, s: RecourseScenario, x: np.ndarray, weight: float) -> np.ndarray:
    """The scenario's y (cost weight × q) and rows h_lo ≤ T x + W y ≤ h_hi."""
    y = mip.add_vars(len(s.q), lb=s.y_lo, ub=s.y_hi, obj=weight * s.q)
    m = s.w.shape[0]
    if m:
        t, w = s.t.tocoo(), s.w.tocoo()
        rows = np.concatenate([t.row, w.row])
        cols = np.concatenate([x[t.col], y[w.col]])
        mip.add_rows(rows, cols, np.concatenate([t.data, w.data]), lb=s.h_lo, ub=s.h_hi,
                     n_rows=m)  # fmt: skip
    return y


def _check(res: MipResult, what: str) -> None:
    if res.status != "optimal":
        raise InstanceError(f"{what}: the solver ended {res.status} ({res.detail})")


def solve_extensive(p: TwoStage, *, time_limit_s: float = 60.0) -> StochasticSolution:
    """(S0)–(S2) as one program."""
    mip = Mip()
    x = _build_first(mip, p.first, p.first.c)
    ys = [_add_scenario(mip, s, x, s.p) for s in p.scenarios]
    res = mip.solve(time_limit_s=time_limit_s, relative_gap=1e-9)
    _check(res, "the extensive form")
    rec = np.array([float(s.q @ res.x[y]) for s, y in zip(p.scenarios, ys, strict=True)])
    return StochasticSolution(res.x[x], float(res.objective), rec, res.status,
                              seconds=res.seconds)  # fmt: skip


def recourse(s: RecourseScenario, x_hat: np.ndarray) -> tuple[float, np.ndarray]:
    """Q_s(x̂) and its subgradient in x (the reduced costs of x fixed at x̂).

    Raises
    ------
    InstanceError
        If the scenario has no recourse at x̂ (recourse is not relatively complete).
    """
    mip = Mip()
    x = mip.add_vars(len(x_hat), lb=x_hat, ub=x_hat)
    _add_scenario(mip, s, x, 1.0)
    res = mip.solve(time_limit_s=60.0, relative_gap=1e-9)
    if res.status == "infeasible":
        raise InstanceError("a scenario has no feasible recourse at a first-stage plan that meets "
                            "its own constraints: add penalties for unmet demand (relatively "
                            "complete recourse) before using the L-shaped method")  # fmt: skip
    _check(res, "a scenario's recourse")
    if res.reduced_costs is None:  # a zero subgradient would be a wrong cut, not a weak one
        raise InstanceError("a scenario's LP returned no reduced costs: no cut can be made")
    return float(res.objective), res.reduced_costs[x].copy()


def recourse_floor(s: RecourseScenario) -> float:
    """A lower bound on Q_s(x) for every x: min qᵀy over y's bounds alone (−∞ where a
    variable with a cost is unbounded in its cheap direction). In the L-shaped master it bounds
    θ_s from the first iteration on, instead of the first cuts alone."""
    with np.errstate(invalid="ignore"):
        lo = np.where(s.q > 0, s.q * s.y_lo, np.where(s.q < 0, s.q * s.y_hi, 0.0))
    total = float(np.sum(lo))
    return total if np.isfinite(total) else -np.inf


def _serial(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    return [fn(i) for i in items]


def _recourse_chunk(
    job: tuple[tuple[RecourseScenario, ...], np.ndarray],
) -> list[tuple[float, np.ndarray]]:
    scenarios, x_hat = job
    return [recourse(s, x_hat) for s in scenarios]


def _map_recourse(
    run: Mapper, scenarios: Sequence[RecourseScenario], x_hat: np.ndarray, tasks: int
) -> list[tuple[float, np.ndarray]]:
    """Every scenario's (Q_s(x̂), d_s), in order, in at most ``tasks`` tasks of consecutive
    scenarios (one task per scenario costs a parallel map more in overhead than the LP)."""
    size = max(1, -(-len(scenarios) // max(1, tasks)))
    chunks = [(tuple(scenarios[i : i + size]), x_hat) for i in range(0, len(scenarios), size)]
    return [r for part in run(_recourse_chunk, chunks) for r in part]


def solve_lshaped(
    p: TwoStage,
    *,
    tol: float = 1e-7,
    max_iterations: int = 200,
    mapper: Mapper | None = None,
    tasks: int = 32,
    time_limit_s: float = 60.0,
    strict: bool = True,
) -> StochasticSolution:
    """The L-shaped method with one cut per scenario (S3) until the upper and lower bounds
    meet within ``tol`` × max(1, |upper|). Out of iterations it raises, or with ``strict``
    False returns the best plan so far with status ``iteration_limit`` and its gap.
    ``mapper(fn, items)`` evaluates the scenarios (default: here, in order), in at most
    ``tasks`` batches; it must return results in the order of ``items``.

    Raises
    ------
    InstanceError
        If a scenario has no recourse, the master is unbounded (bound the first stage) or the
        iterations run out.
    """
    run = mapper or _serial
    f = p.first
    # the first trial: the first stage alone
    mip0 = Mip()
    x0 = _build_first(mip0, f, f.c)
    first = mip0.solve(time_limit_s=time_limit_s, relative_gap=1e-9)
    if first.status != "optimal":
        raise InstanceError(f"the first stage alone ended {first.status}: bound every first-stage "
                            "variable or constrain it")  # fmt: skip
    x_hat = first.x[x0]
    theta_lo = np.array([recourse_floor(s) for s in p.scenarios])
    cuts: list[list[tuple[float, np.ndarray, np.ndarray]]] = [[] for _ in p.scenarios]
    best_x, best_ub, best_q = x_hat, np.inf, np.zeros(len(p.scenarios))
    history: list[tuple[float, float]] = []
    lower = -np.inf
    for it in range(1, max_iterations + 1):
        out = _map_recourse(run, p.scenarios, x_hat, tasks)
        q = np.array([v for v, _ in out])
        ub = float(f.c @ x_hat + sum(s.p * v for s, v in zip(p.scenarios, q, strict=True)))
        if ub < best_ub:
            best_x, best_ub, best_q = x_hat.copy(), ub, q
        for k, (v, g) in enumerate(out):
            cuts[k].append((v, g, x_hat.copy()))
        # the master: min cᵀx + Σ p_s θ_s, θ_s above every cut (S3)
        mip = Mip()
        x = _build_first(mip, f, f.c)
        theta = mip.add_vars(len(p.scenarios), lb=theta_lo, ub=np.inf,
                             obj=np.array([s.p for s in p.scenarios]))  # fmt: skip
        for k, ck in enumerate(cuts):
            for v, g, xh in ck:  # θ_k − gᵀx ≥ v − gᵀx̂
                nz = np.flatnonzero(g)
                mip.add_row(np.concatenate([[theta[k]], x[nz]]),
                            np.concatenate([[1.0], -g[nz]]), lb=v - float(g @ xh))  # fmt: skip
        res = mip.solve(time_limit_s=time_limit_s, relative_gap=1e-9, tuning=_MASTER_TUNING)
        if res.status != "optimal":
            raise InstanceError(f"the L-shaped master ended {res.status} ({res.detail}): bound "
                                "the first stage or the recourse")  # fmt: skip
        lower = max(lower, float(res.bound if np.isfinite(res.bound) else res.objective))
        history.append((lower, best_ub))
        gap = best_ub - lower
        if gap <= tol * max(1.0, abs(best_ub)):
            return StochasticSolution(best_x, best_ub, best_q, "optimal", it, gap,
                                      history=history)  # fmt: skip
        x_hat = res.x[x]
    if not strict:
        return StochasticSolution(best_x, best_ub, best_q, "iteration_limit", max_iterations,
                                  best_ub - lower, history=history)  # fmt: skip
    raise InstanceError(f"the L-shaped method did not converge in {max_iterations} iterations "
                        f"(bounds {lower:,.6g} … {best_ub:,.6g})")  # fmt: skip


def evaluate(p: TwoStage, x_hat: np.ndarray, mapper: Mapper | None = None) -> float:
    """cᵀx̂ + Σ p_s Q_s(x̂): a fixed first-stage plan facing every scenario."""
    out = _map_recourse(mapper or _serial, p.scenarios, x_hat, 32)
    return float(p.first.c @ x_hat + sum(s.p * v for s, (v, _) in zip(p.scenarios, out,
                                                                      strict=True)))  # fmt: skip


def mean_scenario(p: TwoStage) -> RecourseScenario:
    """The expected-value scenario: every coefficient and bound averaged by probability."""
    ss = p.scenarios
    w = [s.p for s in ss]

    def avg(get: Callable[[RecourseScenario], Any]) -> Any:
        return sum(wi * get(s) for wi, s in zip(w, ss, strict=True))

    return RecourseScenario(1.0, avg(lambda s: s.q), sp.csr_matrix(avg(lambda s: s.t)),
                            sp.csr_matrix(avg(lambda s: s.w)), avg(lambda s: s.h_lo),
                            avg(lambda s: s.h_hi), avg(lambda s: s.y_lo),
                            avg(lambda s: s.y_hi))  # fmt: skip


@dataclass(frozen=True)
class Measures:
    """RP (the recourse problem's optimum), WS, EV (the mean scenario's own optimum), EEV,
    VSS = EEV − RP, EVPI = RP − WS (minimisation), and the plans x_RP, x_EV."""

    rp: float
    ws: float
    ev: float
    eev: float
    vss: float
    evpi: float
    x_rp: np.ndarray
    x_ev: np.ndarray


def stochastic_measures(p: TwoStage, *, mapper: Mapper | None = None) -> Measures:
    """RP, WS, EV, EEV, VSS and EVPI (see the module docstring)."""
    rp = solve_extensive(p)
    ws = sum(s.p * solve_extensive(TwoStage(p.first, (replace(s, p=1.0),))).objective
             for s in p.scenarios)  # fmt: skip
    ev = solve_extensive(TwoStage(p.first, (mean_scenario(p),)))
    eev = evaluate(p, ev.x, mapper)
    return Measures(rp.objective, float(ws), ev.objective, eev, eev - rp.objective,
                    rp.objective - float(ws), rp.x, ev.x)  # fmt: skip


Sampler = Callable[[np.random.Generator, int], list[RecourseScenario]]


@dataclass(frozen=True)
class SAAResult:
    """Sample average approximation with the optimality gap's statistical bounds (Mak, Morton
    & Wood 1999): ``x`` the candidate (the first batch's solution); ``lower``, the mean of the
    batches' SAA optima and its CI half-width (a lower bound in expectation); ``upper``, the
    candidate's cost on fresh scenarios and its half-width; ``gap`` = upper − lower and
    ``gap_bound``, its one-sided upper confidence bound."""

    x: np.ndarray
    lower: tuple[float, float]
    upper: tuple[float, float]
    gap: float
    gap_bound: float
    batch_objectives: np.ndarray
    n: int
    n_eval: int


def sample_average(
    first: FirstStage,
    sampler: Sampler,
    *,
    n: int,
    batches: int = 10,
    n_eval: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    mapper: Mapper | None = None,
) -> SAAResult:
    """Solve ``batches`` SAA programs of ``n`` scenarios each (``sampler(rng, n)``, equally
    likely), take the first batch's plan and price it on ``n_eval`` fresh scenarios; every
    batch and the evaluation draw from their own streams of ``seed``.

    Raises
    ------
    InstanceError
        For fewer than 2 batches or evaluation scenarios, or n < 1.
    """
    from scipy import stats

    if batches < 2 or n_eval < 2 or n < 1:
        raise InstanceError(f"SAA needs n ≥ 1, at least 2 batches and 2 evaluation scenarios "
                            f"(got n={n}, batches={batches}, n_eval={n_eval})")  # fmt: skip
    streams = np.random.SeedSequence(seed).spawn(batches + 1)

    def draw(k: int, size: int) -> tuple[RecourseScenario, ...]:
        got = sampler(np.random.default_rng(streams[k]), size)
        return tuple(replace(s, p=1.0 / size) for s in got)

    sols = [solve_extensive(TwoStage(first, draw(k, n))) for k in range(batches)]
    v = np.array([s.objective for s in sols])
    x = sols[0].x
    fresh = draw(batches, n_eval)
    out = _map_recourse(mapper or _serial, fresh, x, 32)
    costs = float(first.c @ x) + np.array([val for val, _ in out])
    t_l = stats.t.ppf(0.5 + confidence / 2, batches - 1)
    t_u = stats.t.ppf(0.5 + confidence / 2, n_eval - 1)
    lower = (float(v.mean()), float(t_l * v.std(ddof=1) / np.sqrt(batches)))
    upper = (float(costs.mean()), float(t_u * costs.std(ddof=1) / np.sqrt(n_eval)))
    z = stats.norm.ppf(confidence)
    gap = upper[0] - lower[0]
    spread = np.sqrt(costs.var(ddof=1) / n_eval + v.var(ddof=1) / batches)
    return SAAResult(x, lower, upper, float(gap), float(gap + z * spread), v, n, n_eval)
