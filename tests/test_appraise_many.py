"""Appraisals that share the inspection model's replications (issue 18's main job, for
speed): a variant changed only where the inspection model does not look (vehicles, depots,
stocks) reuses its base's inspections, and the result is the same, number for number, as
simulating it whole; a variant that changes staff is simulated whole."""

from __future__ import annotations

import pandas as pd
import pytest

from anjian.budget import (
    appraise,
    appraise_many,
    inspection_part,
    inspections_unchanged,
)
from anjian.levers import spend_overrides
from anjian.parallel import one_cluster
from anjian.scenarios import load_scenario


def test_which_overrides_the_inspection_model_sees() -> None:
    over = {
        "depots.d1.vehicles.van": 3,
        "warehouses.w.stocks.tent.stock_units": 10,
        "vehicle_kinds.van.availability": 0.9,
        "commodities.tent.unit_cost_yuan": 5.0,
        "staff.500101.certified": 4,
        "site_categories.x.inspected_by": "district",
    }
    assert inspection_part(over) == {
        "staff.500101.certified": 4,
        "site_categories.x.inspected_by": "district",
    }
    assert inspections_unchanged({"depots.d1.vehicles.van": 3})
    assert inspections_unchanged({})
    assert not inspections_unchanged({"staff.500101.certified": 4})


def _same(a, b) -> None:  # type: ignore[no-untyped-def]
    pd.testing.assert_frame_equal(a.harm, b.harm)
    pd.testing.assert_frame_equal(a.sheet, b.sheet)
    assert a.totals.total == b.totals.total


@pytest.mark.parametrize("workers", [1, 2])
def test_shared_inspections_give_the_same_appraisals(workers: int) -> None:
    s = load_scenario("toy")
    overs = [
        {},
        spend_overrides(s, "vehicles", 400_000)[0],
        spend_overrides(s, "stocks", -50_000)[0],
        spend_overrides(s, "inspectors", 300_000)[0],
        {**spend_overrides(s, "inspectors", 300_000)[0], **spend_overrides(s, "stocks", 9e4)[0]},
    ]
    assert all(overs[1:]), "every lever must move something on the toy"
    base = appraise(s, years=0.5, reps=2, seed=7)
    with one_cluster(workers):
        many = appraise_many(
            s, overs, years=0.5, reps=2, seed=7, budget=None, workers=workers,
            inspections=base.inspections,
        )  # fmt: skip
    alone = [appraise(s.with_(o), years=0.5, reps=2, seed=7) for o in overs]
    for a, b in zip(many, alone, strict=True):
        _same(a, b)
    # the staff change moves the inspection model's results: not a trivially shared run
    assert not many[3].harm.equals(many[0].harm)
    # the fourth and fifth share their inspections (the same staff), the second the base's
    insp = many[3].inspections.kpis
    pd.testing.assert_frame_equal(insp, many[4].inspections.kpis)
    pd.testing.assert_frame_equal(many[1].inspections.kpis, base.inspections.kpis)


def test_inspections_of_other_replications_are_refused() -> None:
    s = load_scenario("toy")
    base = appraise(s, years=0.25, reps=2, seed=1)
    with pytest.raises(ValueError, match="replications"):
        appraise(s, years=0.25, reps=3, seed=1, inspections=base.inspections)
    with pytest.raises(ValueError, match="replications"):
        appraise(s, years=0.25, reps=2, seed=1, first=1, inspections=base.inspections)
