"""Schema of inspection targets, inspector kinds and the enforcement policy.

Rates are per year, intervals in days, durations declared as
:data:`~anjian.scenarios.distributions.Duration` (held in minutes), costs in yuan.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .common import Ident, Monthly, Named, NonNegFloat, PlainNumber, PosFloat, Probability, Strict
from .distributions import Amount, Duration

Level = Literal["township", "district", "city"]
LEVELS: tuple[Level, ...] = ("township", "district", "city")


class Department(Named):
    """A supervising department (应急管理, 住建, 交通, 市场监管, 消防, 水利, 商务, 经信 …): it owns
    site categories at the levels it acts at (分级属地) and has its own staff (inspector kinds
    that name it)."""

    levels: Annotated[list[Level], Field(min_length=1)] = Field(
        default_factory=lambda: list(LEVELS),
        description="The levels whose premises this department's staff inspect.",
    )


IntervalBounds = Annotated[
    tuple[PosFloat, PosFloat],
    Field(description="[shortest, longest] inspection interval in days (shortest ≤ longest)."),
]


class RiskTier(Named):
    """A risk tier (e.g. major / high / general) and how it scales hazard arrival."""

    hazard_rate_multiplier: NonNegFloat = 1.0
    self_fix_days: PosFloat | None = Field(
        default=None,
        description=(
            "Mean time in which a firm of this tier finds and fixes an undetected hazard itself "
            "(exponential); none: hazards stay until an inspector finds them."
        ),
    )


class SiteCategory(Named):
    """A kind of site that inspectors visit (hazardous-chemical enterprise, reservoir, …)."""

    tier_shares: dict[Ident, Probability]
    inspection_interval_days: dict[Ident, PosFloat] | None = Field(
        default=None, description="Overrides the standard interval per tier for this category."
    )
    inspection_interval_by_district_days: dict[str, dict[Ident, PosFloat]] = Field(
        default_factory=dict,
        description=(
            "Intervals (days) per tier that differ in some districts (a district's own yearly "
            "inspection plan, 年度监督检查计划): district code → tier → days; tiers not named "
            "keep the category's interval."
        ),
    )
    inspection_interval_bounds_days: dict[Ident, IntervalBounds] | None = Field(
        default=None,
        description=(
            "Shortest and longest interval per tier a plan may choose for this category "
            "(days): the statutory minimum frequency sets the longest, a provincial cap on "
            "inspections a year the shortest. Default: the standard's bounds when the category "
            "uses the standard intervals."
        ),
    )
    inspection_duration: Duration
    hazards_per_site_year: NonNegFloat
    self_check_catch_share: Probability = Field(
        description="Share of arising hazards the site's own daily/weekly/monthly checks remove."
    )
    rectification_days: PosFloat
    accidents_per_site_year: NonNegFloat
    accidents_per_open_hazard_year: NonNegFloat
    deaths_per_accident: Amount
    incident_type: Ident
    flood_season_patrol: bool = False
    major_hazard_source: bool = Field(
        default=False, description="Inspections of these sites take priority over routine ones."
    )
    hazard_monthly_factor: Monthly = Field(
        default_factory=lambda: [1.0] * 12,
        description=(
            "Relative hazard rate by month, January first (复工复产 after the Spring Festival, "
            "fireworks before it, geological hazards in the rainy season); rescaled to average 1 "
            "over the days of the year, so hazards_per_site_year stays the yearly rate."
        ),
    )
    department: Ident | None = Field(
        default=None,
        description=(
            "The supervising department that owns these premises (required when the scenario "
            "defines departments): its staff inspect them at the level ``inspected_by``."
        ),
    )
    inspected_by: Level = Field(
        default="district",
        description=(
            "The level that inspects these premises (分级属地): township staff of the site's "
            "district, the district's own staff, or the city's. A level with no staff in a "
            "district falls to the district's own staff."
        ),
    )

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> SiteCategory:
        total = sum(self.tier_shares.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"tier_shares must add up to 1, got {total:.6g}")
        return self


class InspectorKind(Named):
    """A kind of inspector: certified district staff, township staff, city corps, contractors."""

    scope: Level
    department: Ident | None = Field(
        default=None,
        description=(
            "The department these staff work for; they inspect only its premises (required "
            "when the scenario defines departments). Township staff (乡镇综合行政执法) have "
            "none: they inspect every department's township-level premises."
        ),
    )
    can_penalise: bool
    detection_probability: Probability
    detection_probability_without_equipment: Probability
    equipped_share: Probability
    novice_detection_factor: Probability = 1.0
    inspection_time_share: Probability = Field(
        default=1.0,
        description="Share of working time spent on inspections (the rest on other duties).",
    )
    hours_per_day: Annotated[float, PlainNumber, Field(gt=0.0, le=24.0)] = 8.0
    days_per_year: Annotated[float, PlainNumber, Field(gt=0.0, le=366.0)] = 250.0
    attrition_per_year: Probability
    hiring_time: Duration
    time_to_competence: Duration
    cost_yuan_per_year: NonNegFloat
    cost_yuan_per_inspection: NonNegFloat = 0.0
    equipment_cost_yuan_per_year: NonNegFloat = Field(
        default=0.0,
        description=(
            "Yearly cost (purchase spread over its life, upkeep) of one basic detection kit; "
            "paid for the equipped share of the kits."
        ),
    )
    equipment_per: Literal["post", "township"] = Field(
        default="post",
        description=(
            "Who holds a kit: each post, or each township (its posts share it; township-scope "
            "kinds only): the report counts townships without equipment."
        ),
    )

    @property
    def head_cost_yuan_per_year(self) -> float:
        """Yearly cost of one more head: the post and, where kits go with posts, its equipped
        share of a kit (a township's kit does not grow with its headcount); fees per inspection
        come on top."""
        kit = self.equipped_share * self.equipment_cost_yuan_per_year
        return float(self.cost_yuan_per_year + (kit if self.equipment_per == "post" else 0.0))

    @model_validator(mode="after")
    def _kits_by_township_for_township_staff(self) -> InspectorKind:
        if self.equipment_per == "township" and self.scope != "township":
            raise ValueError(
                f'equipment_per = "township" needs scope = "township" (scope is {self.scope!r})'
            )
        return self

    @model_validator(mode="after")
    def _equipment_helps(self) -> InspectorKind:
        if self.detection_probability_without_equipment > self.detection_probability:
            raise ValueError(
                "detection_probability_without_equipment "
                f"({self.detection_probability_without_equipment}) must not exceed "
                f"detection_probability ({self.detection_probability})"
            )
        return self


class FloodSeasonRegime(Strict):
    """The flood/natural-disaster season patrol regime (村居日巡查、乡镇周抽查、区县月检查)."""

    months: Annotated[list[Annotated[int, PlainNumber, Field(ge=1, le=12)]], Field(max_length=12)]
    township_spot_check_every_days: PosFloat = 7.0
    district_inspection_every_days: PosFloat = 30.0
    township_spot_check_share: Probability = Field(
        default=0.25, description="Share of flood-patrol sites checked in each spot-check round."
    )
    village_patrol_catch_share: Probability = Field(
        default=0.5,
        description=(
            "Share of arising hazards the village daily patrol (村居日巡查) removes as they arise."
        ),
    )
    township_duty_share: Annotated[float, PlainNumber, Field(ge=0.0, lt=1.0)] = Field(
        default=0.0,
        description=(
            "Share of township staff's inspection time that flood-season duty (防汛值守, "
            "patrols of geohazard points and reservoirs on the duty roster) takes in the "
            "flood-season months: their daily inspection shift is that much shorter then."
        ),
    )


class Referral(Strict):
    """Findings of staff who may not penalise (委托执法: townships may inspect and order
    correction, not penalise) are referred to the district, which penalises after ``days`` —
    unless the case is dropped or the penalty is overturned (取证不规范)."""

    days: NonNegFloat = Field(default=30.0, description="From the finding to the penalty.")
    dropped_share: Probability = Field(default=0.3, description="Referrals never acted on.")
    overturned_share: Probability = Field(
        default=0.1, description="Of the referrals acted on, penalties that do not stand."
    )
    case_hours: NonNegFloat = Field(
        default=0.0,
        description=(
            "District staff time to process a referred case (0: none). The case reaches the "
            "site's department's district staff ``days`` after the finding and the penalty "
            "lands when they have processed it: referrals then compete for their time."
        ),
    )


class Campaign(Named):
    """A special campaign (专项整治, 打非治违): in each of its months, every year, a share of the
    sites of its categories gets an extra inspection, due by the month's end."""

    categories: Annotated[list[Ident], Field(min_length=1)]
    months: Annotated[
        list[Annotated[int, PlainNumber, Field(ge=1, le=12)]], Field(min_length=1, max_length=12)
    ]
    site_share: Probability = Field(
        default=1.0, description="Share of the categories' sites visited in each campaign month."
    )


class Investigation(Strict):
    """Accident investigations (事故调查): each accident is investigated by its department's
    district staff (the department's city staff, where it has some, for accidents with at least
    ``city_from_deaths`` deaths), queued when the accident is known (at the end of its month) and
    due ``due_days`` later."""

    duration: Duration | None = Field(
        default=None,
        description="Staff time of one investigation; none: investigations take no staff time.",
    )
    city_from_deaths: Annotated[int, PlainNumber, Field(ge=1, le=1000)] = 3
    due_days: PosFloat = 60.0


class Blacklist(Strict):
    """Repeat offenders (黑名单): a site penalised again at a re-inspection — it did not fix
    what it was penalised for — is listed for ``days``: its routine inspections come
    ``interval_factor`` times as often and go first (with major hazard sources)."""

    days: NonNegFloat = Field(default=0.0, description="How long a site stays listed; 0: off.")
    interval_factor: Annotated[float, PlainNumber, Field(gt=0.0, le=1.0)] = 0.5


class Deterrence(Strict):
    """Specific deterrence: after a penalty the site's hazard rate falls by ``hazard_reduction``
    for ``days`` (each arising hazard is avoided with that probability)."""

    hazard_reduction: Probability = Field(
        default=0.0, description="Share of the site's arising hazards avoided while deterred."
    )
    days: NonNegFloat = Field(default=365.0, description="How long a penalty deters.")


class InspectionPolicy(Strict):
    """City-wide enforcement settings: complaints, compliance, referrals and the flood-season
    regime. The enforcement order is the report's 三部曲: 检查诊断 (a visit finds hazards and
    orders them fixed) → 行政处罚 (a penalty at that visit if the inspector may penalise, else a
    referral to the district) → 整改复查 (re-inspection; unfixed hazards are penalised again)."""

    complaints_per_100k_population_year: NonNegFloat
    compliance_with_penalty: Probability
    compliance_without_penalty: Probability
    flood_season: FloodSeasonRegime
    referral: Referral = Referral()
    reinspection_detection_factor: Probability = Field(
        default=1.0,
        description=(
            "A re-inspection (整改复查) checks the ordered items; other latent hazards it finds "
            "with the inspector's detection probability times this factor."
        ),
    )
    reinspection_duration_factor: Annotated[float, PlainNumber, Field(gt=0.0, le=1.0)] = Field(
        default=1.0, description="A re-inspection's duration as a share of a full inspection's."
    )
    deterrence: Deterrence = Field(default_factory=lambda: Deterrence())
    campaigns: dict[Ident, Campaign] = Field(default_factory=dict)
    blacklist: Blacklist = Field(default_factory=lambda: Blacklist())
    complaint_open_hazard_weight: NonNegFloat = Field(
        default=0.0,
        description=(
            "Complaints are informative: a complaint comes from a site of its district with "
            "weight 1 + this × the site's open hazards (capped at 10); 0: uniformly."
        ),
    )
    investigation: Investigation = Field(default_factory=lambda: Investigation())
    release_days_before_due: NonNegFloat = Field(
        default=14.0, description="Routine inspections join the queue this long before due."
    )
    shift_start_h: Annotated[float, PlainNumber, Field(ge=0.0, lt=24.0)] = 8.0

    @model_validator(mode="after")
    def _penalty_helps(self) -> InspectionPolicy:
        if self.compliance_without_penalty > self.compliance_with_penalty:
            raise ValueError(
                f"compliance_without_penalty ({self.compliance_without_penalty}) must not exceed "
                f"compliance_with_penalty ({self.compliance_with_penalty})"
            )
        return self
