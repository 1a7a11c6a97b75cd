"""What the inspection model implies for a randomised field experiment, in closed form.

Levine, Toffel & Johnson (Science 2012) compared Californian workplaces that Cal/OSHA
inspected at random with similar ones it did not: injuries fell 9.4% (95% CI −17.7% to −2.1%)
over the following four years. The model's counterpart: a site of a category that is not
otherwise inspected, at its uninspected steady state (hazards arise at λ and firms fix them
themselves in a mean time D, so λD are latent), gets one inspection at time 0 by the kind of
staff that inspects the category; its expected accidents over ``years`` against no inspection:

* the inspection finds each latent hazard with the kind's mean detection probability p; found
  hazards are ordered fixed and re-inspected every R (``rectification_days``) until fixed, each
  round fixing a share q (compliance with a penalty if the kind may penalise): open
  E[min(N R, T)] instead of the D (1 − e^{−T/D}) they would otherwise have lasted;
* if it found anything and the kind may penalise, the penalty deters: a share δ of the hazards
  arising in the next ``deterrence.days`` never arise;
* accidents come at ``a0 + a1 × open hazards``, so the change is
  −a1 × (hazard-years saved) / (a0 T + a1 λ D T).

Everything is the scenario's own parameters; tiers are averaged by their shares. Left out (small
here): re-inspections noticing new hazards, a referral's later penalty.
"""

from __future__ import annotations

import math

from anjian.scenarios.scenario import Scenario
from anjian.scenarios.timebase import DAYS_PER_YEAR


def _kinds_for(s: Scenario, category: str) -> list[tuple[float, str]]:
    """The kinds that inspect ``category`` (its level and department) with their shares of the
    inspection FTE city-wide: who comes, as in the model's job pools."""
    cat = s.site_categories[category]
    fte = {
        k: sum(row.get(k, 0) for row in s.staff.values()) * v.inspection_time_share
        for k, v in s.inspector_kinds.items()
        if v.scope == cat.inspected_by
        and (v.scope == "township" or cat.department is None or v.department == cat.department)
    }
    total = sum(fte.values())
    if total <= 0:
        raise ValueError(f"no staff of the {cat.inspected_by} level inspect {category!r}")
    return [(f / total, k) for k, f in fte.items() if f > 0]


def randomised_inspection_effect(s: Scenario, category: str, years: float = 4.0) -> float:
    """Relative change in a site's expected accidents over ``years`` after one inspection
    (see the module docstring) by a kind drawn by FTE share; tiers without self-fixing (no
    steady state) are skipped."""
    cat = s.site_categories[category]
    pol = s.inspection
    t_det = min(pol.deterrence.days / DAYS_PER_YEAR, years)
    big_t = years
    r = cat.rectification_days / DAYS_PER_YEAR
    a0, a1 = cat.accidents_per_site_year, cat.accidents_per_open_hazard_year
    saved_w = control_w = 0.0
    for tier_key, share in cat.tier_shares.items():
        tier = s.risk_tiers[tier_key]
        if share <= 0 or not tier.self_fix_days:
            continue
        lam = cat.hazards_per_site_year * tier.hazard_rate_multiplier
        lam *= 1 - cat.self_check_catch_share
        d = tier.self_fix_days / DAYS_PER_YEAR
        latent = lam * d
        control = a0 * big_t + a1 * latent * big_t
        left_alone = d * (1 - math.exp(-big_t / d))
        avoided = d * t_det - d * d * math.exp(-big_t / d) * (math.exp(t_det / d) - 1)
        saved = 0.0
        for w, k in _kinds_for(s, category):
            kind = s.inspector_kinds[k]
            p = (
                kind.equipped_share * kind.detection_probability
                + (1 - kind.equipped_share) * kind.detection_probability_without_equipment
            )
            pen = kind.can_penalise
            q = pol.compliance_with_penalty if pen else pol.compliance_without_penalty
            # an ordered hazard is open E[min(N R, T)], N ~ geometric(q) rounds
            rounds = math.floor(big_t / r)
            ordered_open = sum(r * (1 - q) ** j for j in range(rounds))
            ordered_open += (big_t - rounds * r) * (1 - q) ** rounds
            found = p * latent * (left_alone - ordered_open)
            # deterrence: avoided arrivals in [0, t_det), each open min(Exp(D), T − a)
            deter = pol.deterrence.hazard_reduction if pen else 0.0
            p_penalty = 1 - math.exp(-p * latent)
            saved += w * (found + p_penalty * deter * lam * avoided)
        saved_w += share * a1 * saved
        control_w += share * control
    if control_w <= 0:
        return float("nan")
    return -saved_w / control_w


def uninspected_accidents_per_site(s: Scenario) -> dict[str, float]:
    """Expected accidents a year at one site of each category with nobody inspecting (its tiers
    at their steady state: λ D latent hazards, accidents at ``a0 + a1 × latent``; see
    :func:`uninspected_accidents_per_year`)."""
    per_site: dict[str, float] = {}
    for key, cat in s.site_categories.items():
        if cat.incident_type is None:
            continue
        a0, a1 = cat.accidents_per_site_year, cat.accidents_per_open_hazard_year
        rate = 0.0
        for tier_key, share in cat.tier_shares.items():
            tier = s.risk_tiers[tier_key]
            latent = 0.0
            if tier.self_fix_days:
                lam = cat.hazards_per_site_year * tier.hazard_rate_multiplier
                latent = lam * (1 - cat.self_check_catch_share) * tier.self_fix_days / DAYS_PER_YEAR
            rate += share * (a0 + a1 * latent)
        per_site[key] = rate
    return per_site


def uninspected_accidents_per_year(s: Scenario) -> dict[str, dict[str, float]]:
    """Expected accidents a year at the scenario's sites with nobody inspecting, by district and
    incident type, in closed form: each tier's sites at their steady state (λ D latent hazards,
    λ net of the firms' own checks, D the self-fix time), accidents at ``a0 + a1 × latent``.

    The coupled run nets the response model's background rates by these (see
    :func:`anjian.sim.replicate.net_of_inspection_accidents`): they do not depend on the
    inspection plan, so a plan that prevents accidents lowers the coupled total. Tiers without
    self-fixing count their baseline rate only."""
    out: dict[str, dict[str, float]] = {a: {} for a in s.districts}
    per_site = uninspected_accidents_per_site(s)
    for a, row in s.sites.items():
        for key, n in row.items():
            cat = s.site_categories[key]
            if key in per_site and cat.incident_type is not None and n:
                t = cat.incident_type
                out[a][t] = out[a].get(t, 0.0) + n * per_site[key]
    return out
