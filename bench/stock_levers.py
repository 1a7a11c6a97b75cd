"""The relief-reserve planner's lever table (docs/model-stocks.md): each lever alone on
chongqing_flood2020 — the penalties, the flood's return period, the first batch's deadline,
township candidates — plan, priced and simulated. Run by hand:
``python bench/stock_levers.py > levers.jsonl`` (≈ 10 min on 2 cores)."""

from __future__ import annotations

import json
import time

CASES: list[tuple[str, dict[str, float] | None]] = [
    ("base 20×/4×, 1 in 40", {}),
    ("unmet 50×, late 10×", {"relief_planning.unmet_penalty_factor": 50,
                             "relief_planning.late_penalty_factor": 10}),
    ("unmet 10×, late 2×", {"relief_planning.unmet_penalty_factor": 10,
                            "relief_planning.late_penalty_factor": 2}),
    ("flood 1 in 10", {"surges.aug2020.return_period_years": 10}),
    ("deadline 24 h", {"relief_planning.first_batch_hours": 24}),
    ("no township stores", None),
]  # fmt: skip


def main() -> None:
    from anjian.scenarios import load_scenario
    from anjian.stock_plans import optimize_stocks

    base = load_scenario("chongqing_flood2020")
    for label, ov in CASES:
        t0 = time.time()
        s = base.with_(ov) if ov else base
        p = optimize_stocks(s, scenarios=100, batches=2, n_eval=300, verify_reps=3, seed=0,
                            township_candidates=ov is not None, budget=27047227.5)  # fmt: skip
        v = p.verification
        assert v is not None
        row = {
            "case": label,
            "seconds": round(time.time() - t0),
            "costs": {k: round(x) for k, x in p.costs().items()},
            "eval": {k: [round(e.mean), round(e.half_width), round(e.unmet_units),
                         round(e.late_units)] for k, e in p.evaluation.items()},
            "standard": p.standard.round(3).to_dict(orient="records"),
            "sim": v[v["versus"] == "today"].round(4).to_dict(orient="records"),
        }  # fmt: skip
        print(json.dumps(row, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
