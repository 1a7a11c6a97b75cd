"""Relief reserves pre-positioned under uncertainty: a two-stage stochastic program (issue 17).

First stage, before any disaster: the stock ``x[j, c]`` of commodity c at reserve point j
(city and district warehouses and township candidates), within each point's capacity (in
truckloads) and a yearly budget for holding stock (upkeep and the replacement of what
perishes, :attr:`~anjian.scenarios.response.Commodity.yearly_cost_yuan`)::

    min  Σ_jc k_c x_jc + Σ_s w_s Q_s(x)                                        (R0)
    s.t. Σ_jc k_c x_jc ≤ budget,   Σ_c v_c x_jc ≤ cap_j,   lo_jc ≤ x_jc ≤ hi_jc   (R1)

Second stage, per disaster episode s (the disasters of one episode draw on the stock before
reorders arrive), demand D_nc at nodes n (a place on a day) is met by shipments on arcs
a = (j → n) — on time (``y``: the arc's delivery time is within the first batch's deadline)
or late (``z``) — or left unmet (``u``)::

    Q_s(x) = min Σ_ac (f_c + g_a) y_ac + Σ_ac (f_c + l_c) z_ac + Σ_nc m_c u_nc
    s.t. Σ_(a→n) (y_ac + z_ac) + u_nc = D_nc                    (demand)
         Σ_(a from j) (y_ac + z_ac) ≤ x_jc                       (stock)
         Σ_(a on day d) b_a Σ_c v_c y_ac ≤ H_d                   (trucks in the first batch)

with k_c a unit's yearly cost, v_c the truckloads a unit fills, f_c = v_c × the fee of one
load, l_c and m_c the late and unmet penalties, b_a the hours a truck is busy with one load on
arc a and H_d the truck-hours the fleet has within the deadline on day d; ``g_a`` is a tiny
tie-break per hour of delivery time (shipments come from the nearest stock when that costs
nothing else). Episode s stands for w_s episodes a year (Σ_s w_s = episodes a year; strata —
ordinary windows, rare surges — get their own weights), so (R0) is a yearly cost. Every
unit can be left unmet, so recourse is complete and the L-shaped method applies
(:func:`~anjian.optimize.stochastic.solve_lshaped`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .errors import InstanceError
from .mip import Mip
from .stochastic import FirstStage, Mapper, RecourseScenario, StochasticSolution, TwoStage

#: Objective cost of one hour of delivery time per unit shipped (a tie-break, not a price).
TIE_BREAK_PER_HOUR = 1e-4


@dataclass(frozen=True)
class Episode:
    """One disaster episode: demand ``demand[n, c]`` at nodes on days ``node_day[n]``; arcs
    ``arc_src[a]`` (reserve point) → ``arc_node[a]`` with delivery hours ``arc_hours`` and truck
    hours per load ``arc_truck_hours``; truck-hours the fleet has within the deadline
    ``truck_hours`` (one value for every day); ``weight``: the episodes a year this sampled one
    stands for (Σ over the sample = episodes a year)."""

    demand: np.ndarray
    node_day: np.ndarray
    arc_src: np.ndarray
    arc_node: np.ndarray
    arc_hours: np.ndarray
    arc_truck_hours: np.ndarray
    truck_hours: float
    weight: float = 1.0  # how many such episodes a year this one stands for (its share)
    label: str = ""
    node_point: np.ndarray | None = None  # the demand point of each node (for reports)

    def __post_init__(self) -> None:
        n = self.demand.shape[0]
        if len(self.node_day) != n:
            raise InstanceError("episode: node_day needs one day per demand node")
        m = len(self.arc_src)
        for name in ("arc_node", "arc_hours", "arc_truck_hours"):
            if len(getattr(self, name)) != m:
                raise InstanceError(f"episode: {name} needs one value per arc")
        if m and (self.arc_node.min() < 0 or self.arc_node.max() >= n):
            raise InstanceError("episode: an arc ends at no demand node")
        if (self.demand < 0).any() or not np.isfinite(self.demand).all():
            raise InstanceError("episode: demand must be finite and ≥ 0")
        if not (self.weight >= 0 and np.isfinite(self.weight)):
            raise InstanceError("episode: weight must be finite and ≥ 0")


@dataclass(frozen=True)
class ReserveInstance:
    """Reserve points × commodities, costs, penalties and sampled episodes (see the module
    docstring). ``stock_hi`` 0 closes a (point, commodity); ``capacity`` inf = no limit."""

    points: tuple[str, ...]
    commodities: tuple[str, ...]
    yearly_cost: np.ndarray  # yuan per unit-year, by commodity
    truckload_share: np.ndarray  # truckloads per unit
    load_fee: float  # yuan per truckload shipped
    unmet_penalty: np.ndarray  # yuan per unit, by commodity
    late_penalty: np.ndarray
    first_batch_hours: float
    capacity: np.ndarray  # truckloads, by point
    stock_lo: np.ndarray  # points × commodities
    stock_hi: np.ndarray
    budget: float  # yuan a year (inf: none)
    episodes: tuple[Episode, ...]

    def __post_init__(self) -> None:
        p, c = len(self.points), len(self.commodities)
        for name in ("yearly_cost", "truckload_share", "unmet_penalty", "late_penalty"):
            if np.asarray(getattr(self, name)).shape != (c,):
                raise InstanceError(f"{name} needs one value per commodity ({c})")
        if self.capacity.shape != (p,):
            raise InstanceError(f"capacity needs one value per reserve point ({p})")
        for name in ("stock_lo", "stock_hi"):
            if np.asarray(getattr(self, name)).shape != (p, c):
                raise InstanceError(f"{name} must be points × commodities ({p} × {c})")
        if (self.stock_lo > self.stock_hi).any():
            raise InstanceError("a stock's lower bound is above its upper bound")
        if not self.episodes:
            raise InstanceError("the reserve model needs at least one disaster episode")
        for e in self.episodes:
            if e.demand.shape[1] != c:
                raise InstanceError("an episode's demand needs one column per commodity")
            if len(e.arc_src) and (e.arc_src.min() < 0 or e.arc_src.max() >= p):
                raise InstanceError("an episode's arc starts at no reserve point")

    @property
    def episodes_per_year(self) -> float:
        """Episodes a year the sample stands for (Σ weights)."""
        return float(sum(e.weight for e in self.episodes))

    def with_episodes(self, episodes: tuple[Episode, ...]) -> ReserveInstance:
        """The same points and costs facing other episodes (e.g. fresh ones to evaluate)."""
        from dataclasses import replace

        return replace(self, episodes=episodes)


@dataclass(frozen=True)
class _Layout:
    """Where an episode's variables sit: y (on-time arcs × commodities needed at their node),
    z (reserve points the episode draws on × commodities: late shipments, pooled), l (nodes ×
    commodities: late receipts) and u (nodes × commodities: unmet)."""

    y_arc: np.ndarray
    y_com: np.ndarray
    z_src: np.ndarray
    z_com: np.ndarray
    n_node: np.ndarray
    n_com: np.ndarray


def _layout(inst: ReserveInstance, e: Episode) -> _Layout:
    need = e.demand[e.arc_node] > 0  # arcs × commodities
    a_idx, c_idx = np.nonzero(need)
    on = e.arc_hours[a_idx] <= inst.first_batch_hours + 1e-9
    pairs = np.unique(np.stack([e.arc_src[a_idx], c_idx], axis=1), axis=0).reshape(-1, 2)
    n_idx, nc_idx = np.nonzero(e.demand > 0)
    return _Layout(a_idx[on], c_idx[on], pairs[:, 0], pairs[:, 1], n_idx, nc_idx)


def recourse_program(inst: ReserveInstance, e: Episode) -> RecourseScenario:
    """Episode ``e``'s second stage as a :class:`RecourseScenario`: probability 1/N, costs ×
    N × its weight (so Σ_s p_s Q_s is the expected yearly cost).

    Late shipments are pooled: a point sends ``z`` late to the episode's nodes, which receive
    ``l`` late (Σ z = Σ l by commodity) — late relief costs the same from anywhere, and the
    simulator, too, draws on every district's stock once the nearer tiers are empty."""
    lay = _layout(inst, e)
    ny, nz, nn = len(lay.y_arc), len(lay.z_src), len(lay.n_node)
    c_n = len(inst.commodities)
    n_x = len(inst.points) * c_n
    share, fee = inst.truckload_share, inst.load_fee
    tie = TIE_BREAK_PER_HOUR * e.arc_hours
    q = np.concatenate(
        [
            share[lay.y_com] * fee + tie[lay.y_arc],
            share[lay.z_com] * fee,
            inst.late_penalty[lay.n_com] + TIE_BREAK_PER_HOUR * 2 * inst.first_batch_hours,
            inst.unmet_penalty[lay.n_com],
        ]
    ) * (e.weight * len(inst.episodes))
    col_y = np.arange(ny)
    col_z = ny + np.arange(nz)
    col_l = ny + nz + np.arange(nn)
    col_u = ny + nz + nn + np.arange(nn)
    # demand rows: one per (node, commodity) needed, in the order of l and u
    dem = np.full((len(e.node_day), c_n), -1, dtype=np.int64)
    dem[lay.n_node, lay.n_com] = np.arange(nn)
    r_y = dem[e.arc_node[lay.y_arc], lay.y_com]
    rows = [r_y, np.arange(nn), np.arange(nn)]
    cols = [col_y, col_l, col_u]
    vals = [np.ones(ny), np.ones(nn), np.ones(nn)]
    # stock rows: one per (point, commodity) the episode draws on (y or z)
    src_y = e.arc_src[lay.y_arc] * c_n + lay.y_com
    src_z = lay.z_src * c_n + lay.z_com
    used, inv = np.unique(np.concatenate([src_y, src_z]), return_inverse=True)
    n_stock = len(used)
    rows += [nn + inv[:ny], nn + inv[ny:]]
    cols += [col_y, col_z]
    vals += [np.ones(ny), np.ones(nz)]
    # pool rows: Σ_j z_jc − Σ_n l_nc = 0 per commodity
    base = nn + n_stock
    rows += [base + lay.z_com, base + lay.n_com]
    cols += [col_z, col_l]
    vals += [np.ones(nz), -np.ones(nn)]
    # truck rows: one per day with on-time shipments
    base += c_n
    days, day_inv = np.unique(e.node_day[e.arc_node[lay.y_arc]], return_inverse=True)
    n_truck = len(days) if np.isfinite(e.truck_hours) else 0
    if n_truck:
        rows.append(base + day_inv)
        cols.append(col_y)
        vals.append(e.arc_truck_hours[lay.y_arc] * share[lay.y_com])
    m = base + n_truck
    n2 = ny + nz + 2 * nn
    w = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(m, n2)
    )
    t = sp.csr_matrix((-np.ones(n_stock), (nn + np.arange(n_stock), used)), shape=(m, n_x))
    d = e.demand[lay.n_node, lay.n_com]
    h_lo = np.concatenate([d, np.full(n_stock, -np.inf), np.zeros(c_n), np.full(n_truck, -np.inf)])
    h_hi = np.concatenate([d, np.zeros(n_stock), np.zeros(c_n), np.full(n_truck, e.truck_hours)])
    return RecourseScenario(
        1.0 / len(inst.episodes), q, t, w, h_lo, h_hi, np.zeros(n2), np.full(n2, np.inf)
    )


def first_stage(inst: ReserveInstance) -> FirstStage:
    """(R1): budget and capacity rows, stock bounds."""
    p, c = len(inst.points), len(inst.commodities)
    k = np.tile(inst.yearly_cost, p)
    rows, cols, vals, lo, hi = [], [], [], [], []
    if np.isfinite(inst.budget):
        rows.append(np.zeros(p * c, int))
        cols.append(np.arange(p * c))
        vals.append(k)
        lo.append(-np.inf)
        hi.append(inst.budget)
    capped = np.flatnonzero(np.isfinite(inst.capacity))
    base = len(lo)
    for r, j in enumerate(capped):
        rows.append(np.full(c, base + r))
        cols.append(j * c + np.arange(c))
        vals.append(inst.truckload_share)
        lo.append(-np.inf)
        hi.append(float(inst.capacity[j]))
    m = len(lo)
    a = (
        sp.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(m, p * c)
        )
        if m
        else sp.csr_matrix((0, p * c))
    )
    return FirstStage(
        k,
        a,
        np.array(lo, float),
        np.array(hi, float),
        inst.stock_lo.ravel().astype(float),
        inst.stock_hi.ravel().astype(float),
        np.zeros(p * c, bool),
    )


def program(inst: ReserveInstance) -> TwoStage:
    """The whole two-stage program (R0)–(R1) with every episode's recourse."""
    return TwoStage(first_stage(inst), tuple(recourse_program(inst, e) for e in inst.episodes))


@dataclass(frozen=True)
class EpisodeFlows:
    """An episode's second stage at a plan, as dense arrays: on-time shipments ``y`` (arcs ×
    commodities), late shipments ``z`` (points × commodities), late receipts ``late`` and unmet
    ``u`` (nodes × commodities), and its cost N × w_s × Q_s."""

    y: np.ndarray
    z: np.ndarray
    late: np.ndarray
    u: np.ndarray
    cost: float


def episode_flows(inst: ReserveInstance, e: Episode, x: np.ndarray) -> EpisodeFlows:
    """Solve episode ``e`` at stocks ``x`` (points × commodities) and return its flows."""
    rs = recourse_program(inst, e)
    mip = Mip()
    xv = mip.add_vars(x.size, lb=x.ravel(), ub=x.ravel())
    y = mip.add_vars(len(rs.q), lb=rs.y_lo, ub=rs.y_hi, obj=rs.q)
    tt, ww = rs.t.tocoo(), rs.w.tocoo()
    mip.add_rows(
        np.concatenate([tt.row, ww.row]),
        np.concatenate([xv[tt.col], y[ww.col]]),
        np.concatenate([tt.data, ww.data]),
        lb=rs.h_lo,
        ub=rs.h_hi,
        n_rows=rs.w.shape[0],
    )
    res = mip.solve(time_limit_s=60.0, relative_gap=1e-9)
    if res.status != "optimal":
        raise InstanceError(f"an episode's shipments ended {res.status} ({res.detail})")
    lay = _layout(inst, e)
    v = res.x[y]
    ny, nz, nn = len(lay.y_arc), len(lay.z_src), len(lay.n_node)
    c_n = len(inst.commodities)
    out_y = np.zeros((len(e.arc_src), c_n))
    out_z = np.zeros((len(inst.points), c_n))
    out_l = np.zeros_like(e.demand, dtype=float)
    out_u = np.zeros_like(e.demand, dtype=float)
    np.add.at(out_y, (lay.y_arc, lay.y_com), v[:ny])
    np.add.at(out_z, (lay.z_src, lay.z_com), v[ny : ny + nz])
    np.add.at(out_l, (lay.n_node, lay.n_com), v[ny + nz : ny + nz + nn])
    np.add.at(out_u, (lay.n_node, lay.n_com), v[ny + nz + nn :])
    return EpisodeFlows(out_y, out_z, out_l, out_u, float(res.objective))


def check_reserve_plan(
    inst: ReserveInstance,
    x: np.ndarray,
    flows: list[EpisodeFlows] | None = None,
    *,
    tol: float = 1e-5,
) -> list[str]:
    """Every way the plan ``x`` (points × commodities) and its episodes' flows break (R1) or
    the second stage's rows, each as a sentence (empty: the plan holds). Independent of the
    program's matrices: it re-adds the flows from the instance's arcs."""
    problems: list[str] = []
    p, c = len(inst.points), len(inst.commodities)
    if x.shape != (p, c):
        return [f"the plan must be points × commodities ({p} × {c}), got {x.shape}"]
    if (x < inst.stock_lo - tol).any() or (x > inst.stock_hi + tol).any():
        problems.append("a stock is outside its bounds")
    cost = float((x * inst.yearly_cost).sum())
    if cost > inst.budget * (1 + 1e-9) + tol:
        problems.append(f"yearly stock cost {cost:,.0f} yuan exceeds the budget {inst.budget:,.0f}")
    load = x @ inst.truckload_share
    over = np.flatnonzero(load > inst.capacity + tol)
    if len(over):
        problems.append(
            f"{len(over)} reserve points hold more than their capacity "
            f"(first: {inst.points[over[0]]})"
        )
    for k, (e, f) in enumerate(zip(inst.episodes, flows or [], strict=False)):
        if (
            min(f.y.min(initial=0), f.z.min(initial=0), f.late.min(initial=0), f.u.min(initial=0))
            < -tol
        ):
            problems.append(f"episode {k}: a negative shipment")
        slow = e.arc_hours > inst.first_batch_hours + 1e-9
        if (f.y[slow] > tol).any():
            problems.append(f"episode {k}: an on-time shipment on an arc slower than the deadline")
        got = np.zeros_like(e.demand, dtype=float)
        np.add.at(got, e.arc_node, f.y)
        scale = tol * max(1.0, float(e.demand.max(initial=0)))
        if not np.allclose(got + f.late + f.u, e.demand, atol=scale):
            problems.append(f"episode {k}: shipments and unmet do not add up to the demand")
        if not np.allclose(f.z.sum(axis=0), f.late.sum(axis=0), atol=scale):
            problems.append(f"episode {k}: late receipts differ from late shipments")
        drawn = f.z.copy()
        np.add.at(drawn, e.arc_src, f.y)
        if (drawn > x + tol * np.maximum(1.0, x)).any():
            problems.append(f"episode {k}: a point ships more than its stock")
        if (f.y.sum(axis=1) > tol).any() and np.isfinite(e.truck_hours):
            hours = e.arc_truck_hours * (f.y @ inst.truckload_share)
            by_day = np.zeros(int(e.node_day.max(initial=0)) + 1)
            np.add.at(by_day, e.node_day[e.arc_node], hours)
            if (by_day > e.truck_hours * (1 + 1e-6) + tol).any():
                problems.append(
                    f"episode {k}: on-time loads need more truck-hours than the "
                    "fleet has within the deadline"
                )
    return problems


@dataclass(frozen=True)
class ReserveSolution:
    """Stocks ``x`` (points × commodities), the yearly objective (R0), its parts and how it was
    solved."""

    x: np.ndarray
    objective: float
    stock_cost: float
    expected_recourse: float
    method: str
    seconds: float
    iterations: int
    gap: float


def solve_reserves(
    inst: ReserveInstance,
    *,
    method: str = "extensive",
    mapper: Mapper | None = None,
    tol: float = 1e-4,
    time_limit_s: float = 600.0,
) -> ReserveSolution:
    """Solve (R0)–(R1) by the extensive form (``extensive``) or the L-shaped method
    (``lshaped``, scenario LPs on ``mapper``; stops within relative ``tol``)."""
    from .stochastic import solve_extensive, solve_lshaped

    prog = program(inst)
    sol: StochasticSolution
    if method == "extensive":
        sol = solve_extensive(prog, time_limit_s=time_limit_s)
    elif method == "lshaped":
        sol = solve_lshaped(
            prog,
            tol=tol,
            mapper=mapper,
            max_iterations=500,
            time_limit_s=time_limit_s,
        )
    else:
        raise InstanceError(f"method must be 'extensive' or 'lshaped', got {method!r}")
    x = np.maximum(sol.x, 0.0).reshape(len(inst.points), len(inst.commodities))
    stock = float((x * inst.yearly_cost).sum())
    return ReserveSolution(
        x, sol.objective, stock, sol.objective - stock, method, sol.seconds, sol.iterations, sol.gap
    )
