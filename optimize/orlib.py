"""Readers for the OR-Library benchmark formats and for researchers' cost matrices.

* ``pmedN.txt`` (Beasley 1985): first line ``n edges p``, then ``i j cost`` per edge. As
  OR-Library's notes prescribe, a repeated edge **replaces** the earlier one (the last
  occurrence wins); then all-pairs shortest paths (Floyd) give the cost matrix.
* ``capN.txt`` (Beasley 1988): ``m n``, m lines ``capacity fixed_cost``, then per customer its
  demand and m costs (the cost of supplying all its demand from each facility).
* A cost CSV: first column demand id, header row candidate ids; a weights CSV ``id,weight``.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse.csgraph import csgraph_from_dense, shortest_path

from .errors import InstanceError
from .instance import LocationInstance, make_instance

#: Largest input file read (bytes): a 5,000 × 5,000 cost matrix of 8-digit costs.
MAX_INPUT_BYTES = 256 * 1024 * 1024


def _text(path: Path) -> str:
    """A UTF-8 text file's content (a BOM allowed); a clear error for anything else."""
    try:
        if not path.is_file():
            raise InstanceError(f"{path}: no such file")
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InstanceError(
                f"{path}: {size:,} bytes; the limit for an input file is {MAX_INPUT_BYTES:,}"
            )
        data = path.read_bytes()
    except OSError as err:
        raise InstanceError(f"{path}: cannot read ({err.strerror})") from err
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InstanceError(f"{path}: the file is UTF-16; save it as UTF-8 (in Excel: 'CSV UTF-8')")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InstanceError(
            f"{path}: not UTF-8 text (bad byte 0x{data[err.start]:02x} on line {line}); "
            "save the file as UTF-8"
        ) from None


def _numbers(path: Path) -> list[str]:
    return _text(path).split()


def _csv_rows(path: Path) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(_text(path), newline="")))
    except csv.Error as err:
        raise InstanceError(f"{path}: not a readable CSV file: {err}") from None


def read_pmed(path: str | Path) -> tuple[LocationInstance, int]:
    """An OR-Library p-median file as an instance (every node is demand and candidate) and p."""
    path = Path(path)
    tok = _numbers(path)
    if len(tok) < 3:
        raise InstanceError(
            f"{path}: not an OR-Library p-median file: it holds {len(tok)} numbers, the first "
            "line alone needs 3 ('n edges p')"
        )
    try:
        n, m_edges, p = int(tok[0]), int(tok[1]), int(tok[2])
        vals = np.array(tok[3 : 3 + 3 * m_edges], dtype=float).reshape(m_edges, 3)
    except (IndexError, ValueError) as err:
        raise InstanceError(
            f"{path}: not an OR-Library p-median file (first line 'n edges p', then "
            f"'i j cost' per edge): {err}"
        ) from err
    if len(tok) != 3 + 3 * m_edges or not 1 <= p <= n:
        raise InstanceError(
            f"{path}: not an OR-Library p-median file: the header 'n edges p' = "
            f"{n} {m_edges} {p} promises {3 + 3 * m_edges} numbers with 1 ≤ p ≤ n, the file "
            f"has {len(tok)} (a cap file? use --model cflp)"
        )
    ij = vals[:, :2].astype(int) - 1
    if ij.min() < 0 or ij.max() >= n:
        raise InstanceError(f"{path}: a node number is outside 1..{n}")
    if (vals[:, 2] < 0).any():
        raise InstanceError(f"{path}: negative edge cost at edge {int(np.argmax(vals[:, 2] < 0))}")
    g = np.full((n, n), np.inf)
    # a repeated (i, j) or (j, i) pair resolves to its last line in file order
    last: dict[tuple[int, int], float] = {}
    for (a, b), c in zip(ij.tolist(), vals[:, 2].tolist(), strict=True):
        last[(min(a, b), max(a, b))] = c
    for (a, b), c in last.items():
        g[a, b] = g[b, a] = c
    np.fill_diagonal(g, 0.0)
    dist = shortest_path(csgraph_from_dense(g, null_value=np.inf), method="FW", directed=False)
    dist[~np.isfinite(dist)] = np.inf
    ids = [str(i + 1) for i in range(n)]
    return make_instance(dist, None, demand_ids=ids, site_ids=ids, name=path.stem), p


@dataclass(frozen=True)
class CflpInstance:
    """Capacitated facility location data (costs in the file's units)."""

    capacity: np.ndarray  # (m,)
    fixed_cost: np.ndarray  # (m,)
    demand: np.ndarray  # (n,)
    cost: np.ndarray  # (n, m): cost of supplying all of customer i's demand from j
    name: str = "cflp"


def read_cap(path: str | Path) -> CflpInstance:
    """An OR-Library ``capN.txt`` capacitated warehouse location file."""
    path = Path(path)
    tok = _numbers(path)
    try:
        m, n = int(tok[0]), int(tok[1])
        head = np.array(tok[2 : 2 + 2 * m], dtype=float).reshape(m, 2)
        body = np.array(tok[2 + 2 * m : 2 + 2 * m + n * (m + 1)], dtype=float).reshape(n, m + 1)
    except (IndexError, ValueError) as err:
        raise InstanceError(
            f"{path}: not an OR-Library cap file ('m n', m × 'capacity fixed', then per "
            f"customer 'demand' and m costs): {err}"
        ) from err
    if len(tok) != 2 + 2 * m + n * (m + 1):
        raise InstanceError(
            f"{path}: not an OR-Library cap file: 'm n' = {m} {n} promises "
            f"{2 + 2 * m + n * (m + 1)} numbers, the file has {len(tok)}"
        )
    return CflpInstance(
        capacity=head[:, 0],
        fixed_cost=head[:, 1],
        demand=body[:, 0],
        cost=body[:, 1:],
        name=path.stem,
    )


def read_cost_csv(
    path: str | Path, weights: str | Path | None = None, radius: float | None = None
) -> LocationInstance:
    """A researcher's matrix: first column demand id, header row candidate ids.

    ``weights`` is a CSV with columns ``id,weight`` (every demand id once; default weight 1).
    Raises :class:`InstanceError` naming the line and column of a ragged row or a bad number.
    """
    path = Path(path)
    rows = [r for r in _csv_rows(path) if any(c.strip() for c in r)]
    if len(rows) < 2 or len(rows[0]) < 2:
        raise InstanceError(
            f"{path}: need a header row of candidate ids and at least one demand row"
        )
    sites = [c.strip() for c in rows[0][1:]]
    if any(not c for c in sites):
        raise InstanceError(f"{path}, line 1: a candidate id in the header is empty")
    ids, data = [], []
    for line, r in enumerate(rows[1:], start=2):
        if len(r) != len(sites) + 1:
            raise InstanceError(
                f"{path}, line {line}: {len(r) - 1} costs for {len(sites)} candidates "
                "(ragged row); every row needs one cost per candidate column"
            )
        if not r[0].strip():
            raise InstanceError(f"{path}, line {line}: the demand id (first column) is empty")
        ids.append(r[0].strip())
        vals = []
        for col, cell in zip(sites, r[1:], strict=True):
            try:
                v = float(cell)
            except ValueError:
                raise InstanceError(
                    f"{path}, line {line}, column {col!r}: {cell!r} is not a number"
                ) from None
            if math.isinf(v) and cell.strip().lower().lstrip("+") not in ("inf", "infinity"):
                raise InstanceError(
                    f"{path}, line {line}, column {col!r}: {cell!r} is too large for a number; "
                    "write inf for a pair that can never serve"
                )
            if math.isnan(v) or v < 0:
                raise InstanceError(
                    f"{path}, line {line}, column {col!r}: cost {cell!r} must be ≥ 0 "
                    "(inf for a pair that can never serve)"
                )
            vals.append(v)
        data.append(vals)
    w = None
    if weights is not None:
        w = _read_weights(Path(weights), ids)
    return make_instance(
        np.array(data), w, demand_ids=ids, site_ids=sites, name=path.stem, radius=radius
    )


def _read_weights(path: Path, ids: list[str]) -> np.ndarray:
    rows = list(csv.DictReader(io.StringIO(_text(path), newline="")))
    if not rows or (rows and set(rows[0]) != {"id", "weight"}):
        raise InstanceError(f"{path}: need exactly the columns 'id,weight'")
    got: dict[str, float] = {}
    for line, r in enumerate(rows, start=2):
        try:
            v = float(r["weight"])
        except (TypeError, ValueError):
            raise InstanceError(
                f"{path}, line {line}: weight {r['weight']!r} is not a number"
            ) from None
        if not math.isfinite(v) or v < 0:
            raise InstanceError(f"{path}, line {line}: weight {v} must be finite and ≥ 0")
        if r["id"] in got:
            raise InstanceError(f"{path}, line {line}: id {r['id']!r} appears twice")
        got[r["id"]] = v
    missing = [i for i in ids if i not in got]
    extra = [i for i in got if i not in set(ids)]
    if missing or extra:
        raise InstanceError(
            f"{path}: weights do not match the cost matrix rows: missing {missing[:5]}, "
            f"unknown {extra[:5]}"
        )
    return np.array([got[i] for i in ids])
