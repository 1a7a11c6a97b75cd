"""A small array-built mixed-integer program, solved through OR-Tools MathOpt.

The location models have up to a few hundred thousand variables. Creating them one Python
object at a time through ``mathopt.Model`` costs seconds, so the models here are assembled as
numpy arrays (bounds, integrality, objective, a sparse constraint matrix), written straight
into MathOpt's ``ModelProto`` and handed to MathOpt's solver interface (HiGHS by default, SCIP
on request). Results are read back from the ``SolveResultProto`` as arrays.

Every termination of the solver is mapped to :class:`MipResult.status`:

``optimal``          proven optimal within the relative gap asked for;
``feasible``         a solution, but a limit (time) stopped the proof; ``bound`` says how good;
``infeasible``       no solution exists;
``no_solution``      a limit stopped the solver before it found one;
``cutoff``           no solution better than the ``cutoff`` given exists (proven);
``error``            unbounded, numerical trouble or another solver failure.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from ortools.math_opt import model_pb2, result_pb2
from ortools.math_opt.core.python import solver as core_solver
from ortools.math_opt.python import mathopt

Solver = Literal["highs", "scip"]
Status = Literal["optimal", "feasible", "infeasible", "no_solution", "cutoff", "error"]

_SOLVERS = {"highs": mathopt.SolverType.HIGHS, "scip": mathopt.SolverType.GSCIP}
_REASON: dict[int, Status] = {
    result_pb2.TERMINATION_REASON_OPTIMAL: "optimal",
    result_pb2.TERMINATION_REASON_FEASIBLE: "feasible",
    result_pb2.TERMINATION_REASON_INFEASIBLE: "infeasible",
    result_pb2.TERMINATION_REASON_NO_SOLUTION_FOUND: "no_solution",
}


@dataclass(frozen=True)
class MipResult:
    """What the solver returned: status, objective, best bound, variable values, wall time."""

    status: Status
    objective: float
    bound: float
    x: np.ndarray
    seconds: float
    detail: str = ""
    reduced_costs: np.ndarray | None = None  # LPs: one per variable

    @property
    def has_solution(self) -> bool:
        return self.status in ("optimal", "feasible")


@dataclass
class Mip:
    """Variables and constraints as arrays; see the module docstring.

    Constraints are added in blocks of COO triplets with row indices local to the block.
    """

    maximize: bool = False
    _lb: list[np.ndarray] = field(default_factory=list)
    _ub: list[np.ndarray] = field(default_factory=list)
    _int: list[np.ndarray] = field(default_factory=list)
    _obj: list[np.ndarray] = field(default_factory=list)
    _rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    _rlb: list[np.ndarray] = field(default_factory=list)
    _rub: list[np.ndarray] = field(default_factory=list)
    n_vars: int = 0
    n_rows: int = 0

    def add_vars(
        self,
        n: int,
        *,
        lb: float | np.ndarray = 0.0,
        ub: float | np.ndarray = 1.0,
        integer: bool = False,
        obj: float | np.ndarray = 0.0,
    ) -> np.ndarray:
        """Add ``n`` variables; returns their column indices."""
        self._lb.append(np.broadcast_to(np.asarray(lb, dtype=float), (n,)).copy())
        self._ub.append(np.broadcast_to(np.asarray(ub, dtype=float), (n,)).copy())
        self._int.append(np.full(n, integer))
        self._obj.append(np.broadcast_to(np.asarray(obj, dtype=float), (n,)).copy())
        cols = np.arange(self.n_vars, self.n_vars + n)
        self.n_vars += n
        return cols

    def add_rows(
        self,
        rows: np.ndarray,
        cols: np.ndarray,
        coefs: np.ndarray | float,
        *,
        lb: float | np.ndarray = -np.inf,
        ub: float | np.ndarray = np.inf,
        n_rows: int | None = None,
    ) -> None:
        """Add constraints ``lb ≤ A x ≤ ub`` given as triplets (row local to this block)."""
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        vals = np.broadcast_to(np.asarray(coefs, dtype=float), rows.shape).copy()
        n = int(n_rows if n_rows is not None else (rows.max() + 1 if rows.size else 0))
        self._rows.append((rows + self.n_rows, cols, vals))
        self._rlb.append(np.broadcast_to(np.asarray(lb, dtype=float), (n,)).copy())
        self._rub.append(np.broadcast_to(np.asarray(ub, dtype=float), (n,)).copy())
        self.n_rows += n

    def add_row(
        self,
        cols: np.ndarray,
        coefs: np.ndarray | float,
        *,
        lb: float = -np.inf,
        ub: float = np.inf,
    ) -> None:
        """Add one constraint ``lb ≤ Σ coefs·x[cols] ≤ ub``."""
        cols = np.asarray(cols, dtype=np.int64)
        self.add_rows(np.zeros(cols.size, dtype=np.int64), cols, coefs, lb=lb, ub=ub, n_rows=1)

    def proto(self) -> model_pb2.ModelProto:
        """The model as MathOpt's ``ModelProto``."""
        m = model_pb2.ModelProto(name="anjian")
        ids = list(range(self.n_vars))
        m.variables.ids.extend(ids)
        m.variables.lower_bounds.extend(np.concatenate(self._lb).tolist() if ids else [])
        m.variables.upper_bounds.extend(np.concatenate(self._ub).tolist() if ids else [])
        m.variables.integers.extend(np.concatenate(self._int).tolist() if ids else [])
        obj = np.concatenate(self._obj) if ids else np.zeros(0)
        nz = np.flatnonzero(obj)
        m.objective.maximize = self.maximize
        m.objective.linear_coefficients.ids.extend(nz.tolist())
        m.objective.linear_coefficients.values.extend(obj[nz].tolist())
        m.linear_constraints.ids.extend(range(self.n_rows))
        if self.n_rows:
            m.linear_constraints.lower_bounds.extend(np.concatenate(self._rlb).tolist())
            m.linear_constraints.upper_bounds.extend(np.concatenate(self._rub).tolist())
            r = np.concatenate([b[0] for b in self._rows])
            c = np.concatenate([b[1] for b in self._rows])
            v = np.concatenate([b[2] for b in self._rows])
            a = sp.csr_matrix((v, (r, c)), shape=(self.n_rows, self.n_vars))
            a.sum_duplicates()
            a.sort_indices()
            a.eliminate_zeros()
            coo = a.tocoo()
            mat = m.linear_constraint_matrix
            mat.row_ids.extend(coo.row.tolist())
            mat.column_ids.extend(coo.col.tolist())
            mat.coefficients.extend(coo.data.tolist())
        return m

    def solve(
        self,
        *,
        time_limit_s: float = 60.0,
        solver: Solver = "highs",
        relative_gap: float = 1e-6,
        threads: int | None = None,
        tuning: dict[str, object] | None = None,
        cutoff: float | None = None,
    ) -> MipResult:
        """Solve and map the termination to a :class:`MipResult` (see module docstring)."""
        if time_limit_s <= 0:
            raise ValueError(f"time_limit_s must be positive, got {time_limit_s}")
        params = mathopt.SolveParameters(
            time_limit=timedelta(seconds=time_limit_s),
            relative_gap_tolerance=relative_gap,
            absolute_gap_tolerance=1e-9,
            threads=threads,
            **(tuning or {}),
        )
        if cutoff is not None:
            if solver != "highs":
                raise ValueError("cutoff is implemented for HiGHS only")
            # HiGHS prunes every node whose bound is not below objective_bound (MathOpt's own
            # cutoff_limit is not supported for HiGHS)
            params.highs.double_options["objective_bound"] = cutoff
        model_params = mathopt.ModelSolveParameters()
        proto_params = model_params.to_proto()
        t0 = time.perf_counter()
        try:
            res = self._core_solve(solver, params, proto_params)
        except Exception as err:  # the solver's StatusNotOk has no public type
            return MipResult(
                status="error",
                objective=float("nan"),
                bound=float("nan"),
                x=np.zeros(self.n_vars),
                seconds=time.perf_counter() - t0,
                detail=f"{type(err).__name__}: {err}",
                reduced_costs=None,
            )
        seconds = time.perf_counter() - t0
        return self._result(res, seconds, cutoff)

    def _core_solve(self, solver: Solver, params: Any, proto_params: Any) -> Any:
        return core_solver.solve(
            self.proto(),
            _SOLVERS[solver].value,
            mathopt.StreamableSolverInitArguments().to_proto(),
            params.to_proto(),
            proto_params,
            None,
            mathopt.CallbackRegistration().to_proto(),
            None,
            None,
        )

    def _result(self, res: Any, seconds: float, cutoff: float | None) -> MipResult:
        status: Status = _REASON.get(res.termination.reason, "error")
        if cutoff is not None and (
            res.termination.limit == result_pb2.LIMIT_CUTOFF or (status == "infeasible")
        ):
            status = "cutoff"
        x = np.zeros(self.n_vars)
        sols = [s for s in res.solutions if s.HasField("primal_solution")]
        if sols:
            pv = sols[0].primal_solution.variable_values
            x[np.asarray(pv.ids, dtype=np.int64)] = np.asarray(pv.values)
        elif status == "feasible":
            status = "no_solution"
        rc = None
        if sols and sols[0].HasField("dual_solution"):
            dv = sols[0].dual_solution.reduced_costs
            rc = np.zeros(self.n_vars)
            rc[np.asarray(dv.ids, dtype=np.int64)] = np.asarray(dv.values)
        bounds = res.termination.objective_bounds
        objective = sols[0].primal_solution.objective_value if sols else float("nan")
        return MipResult(
            status=status,
            objective=float(objective),
            bound=float(bounds.dual_bound),
            x=x,
            seconds=seconds,
            detail=res.termination.detail,
            reduced_costs=rc,
        )
