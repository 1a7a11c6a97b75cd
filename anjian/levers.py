"""What-if levers: the questions planners ask, turned into overrides on a scenario.

Each lever is a plain function of the scenario and the setting; the result is a mapping of
dotted paths to values, applied (and validated) by :meth:`Scenario.with_
<anjian.scenarios.scenario.Scenario.with_>` or recorded as a sweep's variant. The app's
What-if page, the CLI and scripts share them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from anjian.scenarios.scenario import Scenario


def staff_overrides(s: Scenario, scale: Mapping[str, float]) -> dict[str, Any]:
    """Headcount of each inspector kind × its factor, district by district (rounded)."""
    out: dict[str, Any] = {}
    for kind, f in scale.items():
        if f != 1.0:
            for a, row in s.staff.items():
                out[f"staff.{a}.{kind}"] = round(row.get(kind, 0) * f)
    return out


def can_contract_rented(s: Scenario) -> bool:
    """Whether some rented vehicle kind has a contracted kind of the same role to copy."""
    return any(
        v.mode == "contracted"
        and any(r.role == v.role for r in s.vehicle_kinds.values() if r.mode == "rented")
        for v in s.vehicle_kinds.values()
    )


def contract_overrides(s: Scenario) -> dict[str, Any]:
    """Rented vehicle kinds become contracted (政企合作): mode, and the mobilisation,
    availability and costs of the contracted kind of the same role where there is one."""
    out: dict[str, Any] = {}
    for k in [k for k, v in s.vehicle_kinds.items() if v.mode == "rented"]:
        role = s.vehicle_kinds[k].role
        ref = next(
            (v for v in s.vehicle_kinds.values() if v.mode == "contracted" and v.role == role),
            None,
        )
        out[f"vehicle_kinds.{k}.mode"] = "contracted"
        if ref is not None:
            out[f"vehicle_kinds.{k}.mobilisation"] = ref.mobilisation.model_dump()
            out[f"vehicle_kinds.{k}.availability"] = ref.availability
            out[f"vehicle_kinds.{k}.cost_yuan_per_year"] = ref.cost_yuan_per_year
            out[f"vehicle_kinds.{k}.cost_yuan_per_use"] = ref.cost_yuan_per_use
    return out


def flood_overrides(s: Scenario, factor: float) -> dict[str, Any]:
    """Flood incidents × ``factor``: the background rates of flood-family types and the size of
    every flood surge (at least one incident)."""
    out: dict[str, Any] = {}
    if factor == 1.0:
        return out
    floods = {k for k, it in s.incident_types.items() if it.family == "flood"}
    for sid, sg in s.surges.items():
        if sg.incident_type in floods:
            out[f"surges.{sid}.incidents"] = max(1, round(sg.incidents * factor))
    for a, rates in s.incident_rates.items():
        for k in floods & set(rates):
            out[f"incident_rates.{a}.{k}"] = float(rates[k]) * factor
    return out


def relief_overrides(s: Scenario, factor: float) -> dict[str, Any]:
    """Relief standard × ``factor``: stock, reorder point and order-up-to level of every
    warehouse and commodity (rounded to whole units)."""
    out: dict[str, Any] = {}
    if factor == 1.0:
        return out
    for w, wh in s.warehouses.items():
        for c, pol in wh.stocks.items():
            base = f"warehouses.{w}.stocks.{c}"
            out[f"{base}.stock_units"] = round(pol.stock_units * factor)
            out[f"{base}.reorder_point_units"] = round(pol.reorder_point_units * factor)
            out[f"{base}.order_up_to_units"] = round(pol.order_up_to_units * factor)
    return out


def whatif_overrides(
    s: Scenario,
    staff_scale: Mapping[str, float],
    contract: bool,
    flood: float,
    relief: float,
) -> dict[str, Any]:
    """All What-if levers at once, as overrides by path on top of scenario ``s``."""
    out = staff_overrides(s, staff_scale)
    if contract:
        out.update(contract_overrides(s))
    out.update(flood_overrides(s, flood))
    out.update(relief_overrides(s, relief))
    return out


def _third_party_posts(s: Scenario, inspections: float) -> dict[str, Any]:
    """Contracted third-party posts that add about ``inspections`` a year: at 3 hours a job
    (inspection and travel), their FTE, placed one by one in the most populous districts."""
    kinds = [k for k, v in s.inspector_kinds.items()
             if v.scope == "district" and v.cost_yuan_per_inspection > 0]  # fmt: skip
    if not kinds:
        return {}
    k = kinds[0]
    v = s.inspector_kinds[k]
    fte_year_h = v.hours_per_day * v.days_per_year * v.inspection_time_share
    posts = max(1, round(inspections * 3.0 / fte_year_h))
    order = sorted(s.districts, key=lambda a: -s.districts[a].population)
    out: dict[str, Any] = {}
    for j in range(posts):
        a = order[j % len(order)]
        key = f"staff.{a}.{k}"
        out[key] = out.get(key, s.staff[a].get(k, 0)) + 1
    return out


def joint_team_overrides(s: Scenario) -> dict[str, Any]:
    """The joint district–township teams reform (联合执法): township-level premises are
    inspected by their department's certified district staff with the township's staff along
    (who have time to spare, so the certified staff's time is what binds): the visit has the
    certified staff's detection and penalty powers. Categories whose department has no
    district staff, or does not act at the district level, stay with the townships."""
    out: dict[str, Any] = {}
    for key, cat in s.site_categories.items():
        if cat.inspected_by != "township":
            continue
        dept = s.departments.get(cat.department) if cat.department else None
        if dept is not None and "district" not in dept.levels:
            continue
        staff = sum(
            row.get(k, 0)
            for row in s.staff.values()
            for k, v in s.inspector_kinds.items()
            if v.scope == "district" and v.can_penalise
            and (cat.department is None or v.department == cat.department)
        )  # fmt: skip
        if staff > 0:
            out[f"site_categories.{key}.inspected_by"] = "district"
    return out


def inspection_levers(s: Scenario) -> dict[str, dict[str, Any]]:
    """The inspection levers of the model docs' lever table, as overrides on ``s``:

    * ``certified_plus_10pct``: 10% more staff of every district-level kind that may penalise
      (certified staff of every department), district by district (rounded);
    * ``township_plus_10pct``: 10% more township staff in every district (rounded);
    * ``township_penalty_powers``: townships may penalise (the reform the report discusses);
    * ``township_full_equipment``: every township inspector has basic detection equipment;
    * ``joint_teams``: township-level premises inspected by joint district–township teams
      (:func:`joint_team_overrides`);
    * ``third_party_plus_1000``: contracted third-party posts for about 1,000 more inspections
      a year (in the most populous districts);
    * ``attrition_halved``: every kind leaves half as often.

    Kinds the scenario lacks are skipped (their lever is then empty)."""
    kinds = s.inspector_kinds
    certified = [k for k, v in kinds.items() if v.scope == "district" and v.can_penalise]
    township = [k for k, v in kinds.items() if v.scope == "township"]

    def fields(name: str, value: Any) -> dict[str, Any]:
        return {f"inspector_kinds.{k}.{name}": value for k in township}

    return {
        "certified_plus_10pct": staff_overrides(s, dict.fromkeys(certified, 1.1)),
        "township_plus_10pct": staff_overrides(s, dict.fromkeys(township, 1.1)),
        "township_penalty_powers": fields("can_penalise", True),
        "township_full_equipment": fields("equipped_share", 1.0),
        "joint_teams": joint_team_overrides(s),
        "third_party_plus_1000": _third_party_posts(s, 1000.0),
        "attrition_halved": {
            f"inspector_kinds.{k}.attrition_per_year": v.attrition_per_year / 2
            for k, v in kinds.items()
        },
    }


#: What one more sum of money buys, by resource (the marginal-value rules of docs/budget.md).
SPEND_RULES = {
    "inspectors": ("按现有编制比例增加各类人员",
                   "heads of every paid kind, in proportion to today's pools"),
    "vehicles": ("增加签约（或最便宜的保有）车辆，按同类车辆分布到车辆点",
                 "contracted (else the cheapest held) vehicles, at depots by today's vehicles "
                 "of that role"),
    "stocks": ("按比例增加各仓库各类物资",
               "every warehouse's stock of every commodity, in proportion"),
}  # fmt: skip


def spend_overrides(s: Scenario, resource: str, yuan_per_year: float) -> tuple[dict[str, Any], str]:
    """Overrides that spend about ``yuan_per_year`` more a year on ``resource`` (less, if
    negative) by the rule of :data:`SPEND_RULES` — whole heads, vehicles and units, so the
    cost sheet measures what was actually added or saved — and what was bought or cut (中文 and
    English). A cut takes heads from every paid pool in proportion, vehicles of the kind a
    purchase would buy (else any paid kind held) where they stand, and scales stock down (never
    below zero). Raises ValueError if there is nothing to buy or cut."""
    from anjian.scenarios.apportion import largest_remainder

    sign = 1 if yuan_per_year >= 0 else -1
    amount = abs(yuan_per_year)
    if resource == "inspectors":
        pools = {f"{a}|{k}": float(n) for a, row in s.staff.items() for k, n in row.items()
                 if s.inspector_kinds[k].head_cost_yuan_per_year > 0 and n > 0}  # fmt: skip
        if not pools:
            raise ValueError("no paid inspector kind has staff: nothing to add heads to")
        total = sum(pools.values())
        per_head = sum(n * s.inspector_kinds[p.split("|")[1]].head_cost_yuan_per_year
                       for p, n in pools.items()) / total  # fmt: skip
        heads = round(amount / per_head) if sign > 0 else min(round(amount / per_head), int(total))
        out = {}
        for p, n in largest_remainder(heads, pools).items():
            if n:
                a, k = p.split("|")
                out[f"staff.{a}.{k}"] = max(0, s.staff[a][k] + sign * n)
        return out, f"{sign * heads:+,} 人 heads"
    if resource == "vehicles":
        paid = sorted((v.mode != "contracted", v.cost_yuan_per_year, k)
                      for k, v in s.vehicle_kinds.items() if v.cost_yuan_per_year > 0)  # fmt: skip
        if not paid:
            raise ValueError("no vehicle kind has a yearly cost: nothing to buy more of")
        held = {k: sum(d.vehicles.get(k, 0) for d in s.depots.values()) for _, _, k in paid}
        if sign < 0:
            paid = [p for p in paid if held[p[2]] > 0]
            if not paid:
                raise ValueError("no vehicle with a yearly cost is held: nothing to cut")
        _, cost, kind = paid[0]
        role = s.vehicle_kinds[kind].role
        if sign > 0:
            n = int(amount // cost)
            weights = {d: float(sum(c for k, c in dep.vehicles.items()
                                    if s.vehicle_kinds[k].role == role))
                       for d, dep in s.depots.items()}  # fmt: skip
            if sum(weights.values()) == 0:
                weights = dict.fromkeys(s.depots, 1.0)
        else:
            n = min(round(amount / cost), held[kind])
            weights = {d: float(dep.vehicles.get(kind, 0)) for d, dep in s.depots.items()}
        out = {}
        for d, extra in largest_remainder(n, weights).items():
            if extra:
                now = s.depots[d].vehicles.get(kind, 0)
                out[f"depots.{d}.vehicles.{kind}"] = max(0, now + sign * extra)
        vk = s.vehicle_kinds[kind]
        return out, f"{sign * n:+,} 辆 × {vk.name_zh} {vk.name_en}"
    if resource == "stocks":
        held_cost = sum(pol.stock_units * s.commodities[c].yearly_cost_yuan
                        for w in s.warehouses.values() for c, pol in w.stocks.items())  # fmt: skip
        if held_cost <= 0:
            raise ValueError("the scenario holds no priced stock: nothing to scale")
        factor = max(0.0, 1.0 + sign * amount / held_cost)
        return relief_overrides(s, factor), f"库存 stock × {factor:.3g}"
    raise ValueError(f"resource must be one of {sorted(SPEND_RULES)}, got {resource!r}")
