"""Emergency response and relief-stock simulation (SimPy).

Time base: minutes from day 0, 00:00 (365-day years).

* **Incidents** (:mod:`anjian.sim.incidents`) arrive at demand points by type, month and hour; each
  needs ``units_needed`` vehicles per role, keeps every unit on scene for the incident's
  on-scene time, and disasters need relief (people affected × items per person).
* **Vehicles** stand at depots. For each unit needed, the dispatch policy
(:mod:`anjian.sim.policies`)
  ranks the free units of the role; a contracted or rented vehicle may decline (its
  ``availability``). A unit leaves after its mobilisation delay, drives to the scene, stays on
  scene, drives back and is free again at its depot. When no unit of the role accepts, the
  need waits in a queue by priority then call time (``overflow="queue"``) and the next unit of
  that role to return takes it; or it is handed to an unlimited ad-hoc rented pool of the role
  (``overflow="rent"``: the loss variant).
* **Relief**: a disaster draws each commodity from the warehouses in order of travel time;
  shipments arrive after the travel time; what no warehouse holds is unmet. Each warehouse
  reorders up to ``order_up_to_units`` when stock plus stock on order falls to the reorder
  point; the order arrives after ``lead_time_days``.

The response time of an incident is the first unit's arrival minus the call time.
Per-unit events are SimPy timeouts with callbacks (one per dispatch and one per relief
shipment), not processes — the same batching as the inspection model's job pools.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

import numpy as np
import pandas as pd
import simpy

from anjian.scenarios.scenario import Scenario
from anjian.scenarios.timebase import MIN_PER_DAY, MIN_PER_YEAR
from anjian.scenarios.travel import minutes_from_places

from .incidents import IncidentTable, draw_incidents, merge_incidents
from .policies import POLICIES, DispatchPolicy, make_policy
from .response_kpi import ResponseRecord, ResponseResult, collect
from .streams import Buffer, Streams

INF = float("inf")


@dataclass(frozen=True)
class ResponseConfig:
    """Run settings (not part of the scenario)."""

    years: float = 1.0
    seed: int = 0
    replication: int = 0
    policy: str | DispatchPolicy = "district_first"
    mutual_aid_threshold_min: float = 30.0
    overflow: Literal["queue", "rent"] = "queue"
    extra_incidents: pd.DataFrame | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not self.years > 0:
            raise ValueError(f"years must be > 0, got {self.years}")
        if self.mutual_aid_threshold_min < 0:
            raise ValueError(
                f"mutual_aid_threshold_min must be >= 0, got {self.mutual_aid_threshold_min}"
            )
        if isinstance(self.policy, str) and self.policy not in POLICIES:
            raise ValueError(f"unknown policy {self.policy!r}; choose one of {sorted(POLICIES)}")
        if self.overflow not in ("queue", "rent"):
            raise ValueError(f"overflow must be 'queue' or 'rent', got {self.overflow!r}")


class ResponseModel:
    """One replication of the response model (see the module docstring)."""

    def __init__(self, scenario: Scenario, config: ResponseConfig) -> None:
        s = scenario
        self.s, self.cfg = s, config
        self.env = simpy.Environment()
        self.streams = Streams(config.seed, config.replication)
        self.horizon = config.years * MIN_PER_YEAR
        self.points = s.demand_points
        self.districts = list(s.districts)
        self.types = list(s.incident_types)
        self.kinds = list(s.vehicle_kinds)
        self.district_of_point = np.array([self.districts.index(a) for a in self.points.adcode])
        self._init_units()
        self._init_warehouses()
        inc = draw_incidents(s, self.points, self.horizon, self.streams("incidents"))
        if config.extra_incidents is not None and len(config.extra_incidents):
            inc = self._merge_extra(inc, config.extra_incidents)
        self.inc: IncidentTable = inc
        self.policy: DispatchPolicy
        if isinstance(config.policy, str):
            self.policy = make_policy(config.policy, config.mutual_aid_threshold_min)
        else:
            self.policy = config.policy

    # -- set-up ----------------------------------------------------------------------------
    def _travel_from(self, lon: np.ndarray, lat: np.ndarray, adcodes: list[str]) -> np.ndarray:
        """Minutes from places (depots, warehouses) to every demand point."""
        return minutes_from_places(self.s, lon, lat, adcodes)

    def _init_units(self) -> None:
        s = self.s
        kind_l, depot_l, dist_l, lon_l, lat_l = [], [], [], [], []
        for depot_id, depot in s.depots.items():
            for k, kind_key in enumerate(self.kinds):
                for _ in range(depot.vehicles.get(kind_key, 0)):
                    kind_l.append(k)
                    depot_l.append(depot_id)
                    dist_l.append(self.districts.index(depot.adcode))
                    lon_l.append(depot.lon)
                    lat_l.append(depot.lat)
        self.unit_kind = np.array(kind_l, dtype=int)
        self.unit_district = np.array(dist_l, dtype=int)
        self.unit_depot = depot_l
        kinds = [s.vehicle_kinds[k] for k in self.kinds]
        self.unit_role = [kinds[k].role for k in kind_l]
        self.travel = (
            self._travel_from(
                np.array(lon_l), np.array(lat_l), [s.depots[d].adcode for d in depot_l]
            )
            if kind_l
            else np.zeros((0, len(self.points)))
        )
        mob_mean = np.array([kinds[k].mobilisation.mean for k in kind_l])
        self.eta_min = self.travel + (mob_mean[:, None] if kind_l else 0.0)
        self.availability = [kinds[k].availability for k in kind_l]
        self.mobilise = [
            Buffer(kinds[k].mobilisation.sampler(self.streams(f"mobilisation/{key}")))
            for k, key in enumerate(self.kinds)
        ]
        roles = {r for r in self.unit_role}
        self.rented_for_role = {
            kinds[k].role: k for k in range(len(kinds)) if kinds[k].mode == "rented"
        }
        needed = {r for key in self.types for r in self.s.incident_types[key].units_needed}
        self.unserved_roles = sorted(needed - roles)  # roles no depot holds: recorded, not a crash
        self.busy = [False] * len(kind_l)
        self.busy_min = np.zeros(len(kind_l))
        self.uses = np.zeros(len(kind_l))
        self.queues: dict[str, list[tuple[int, float, int, int]]] = {r: [] for r in needed}
        self.u_avail = Buffer(self.streams("availability").random)
        self.role_units = {r: [u for u, ur in enumerate(self.unit_role) if ur == r] for r in needed}

    def _init_warehouses(self) -> None:
        s = self.s
        self.wh_ids = list(s.warehouses)
        self.commodities = list(s.commodities)
        w = [s.warehouses[i] for i in self.wh_ids]
        self.wh_travel = (
            self._travel_from(
                np.array([x.lon for x in w]), np.array([x.lat for x in w]), [x.adcode for x in w]
            )
            if w
            else np.zeros((0, len(self.points)))
        )
        nw, nc = len(w), len(self.commodities)
        self.stock = np.zeros((nw, nc))
        self.reorder = np.zeros((nw, nc))
        self.order_up_to = np.zeros((nw, nc))
        self.lead_min = np.zeros((nw, nc))
        self.holds = np.zeros((nw, nc), dtype=bool)
        for i, x in enumerate(w):
            for c, key in enumerate(self.commodities):
                pol = x.stocks.get(key)
                if pol is not None:
                    self.holds[i, c] = True
                    self.stock[i, c] = pol.stock_units
                    self.reorder[i, c] = pol.reorder_point_units
                    self.order_up_to[i, c] = pol.order_up_to_units
                    self.lead_min[i, c] = pol.lead_time_days * MIN_PER_DAY
        self.initial = self.stock.copy()
        self.on_order = np.zeros((nw, nc))
        self.received = np.zeros((nw, nc))
        self.issued = np.zeros((nw, nc))
        self.delivered = np.zeros((nw, nc))
        self.in_transit = np.zeros((nw, nc))
        self.stockouts = np.zeros((nw, nc))

    def _merge_extra(self, inc: IncidentTable, extra: pd.DataFrame) -> IncidentTable:
        missing = {"time_min", "adcode", "incident_type"} - set(extra.columns)
        if missing:
            raise ValueError(f"extra_incidents needs columns {sorted(missing)}")
        unknown = sorted(set(extra["incident_type"]) - set(self.types))
        if unknown:
            raise ValueError(f"extra_incidents has unknown incident types {unknown}")
        rng = self.streams("extra_incidents")
        pts = []
        for adcode in extra["adcode"]:
            mine = np.flatnonzero(self.points.adcode == adcode)
            if len(mine) == 0:
                raise ValueError(f"extra_incidents names unknown district {adcode!r}")
            pop = self.points.population[mine]
            p = pop / pop.sum() if pop.sum() > 0 else None
            pts.append(int(rng.choice(mine, p=p)))
        kinds = np.array([self.types.index(t) for t in extra["incident_type"]])
        return merge_incidents(
            self.s, inc, extra["time_min"].to_numpy(float), np.array(pts), kinds, rng
        )

    # -- dispatch --------------------------------------------------------------------------
    def _dispatch(self, u: int, i: int) -> None:
        now = self.env.now
        p = int(self.inc.point[i])
        mob = self.mobilise[self.unit_kind[u]].next()
        drive = float(self.travel[u, p])
        arrive = now + mob + drive
        back = arrive + float(self.inc.on_scene[i]) + drive
        self.busy[u] = True
        self.busy_min[u] += back - now
        self.uses[u] += 1
        if arrive < self.first_arrival[i]:
            self.first_arrival[i] = arrive
            self.first_unit[i] = u
        if self.assigned_at[i] == INF:
            self.assigned_at[i] = now
        done = self.env.timeout(back - now)
        done.callbacks.append(lambda _e: self._free(u))

    def _free(self, u: int) -> None:
        self.busy[u] = False
        queue = self.queues.get(self.unit_role[u])
        if queue:
            _, _, _, i = heapq.heappop(queue)
            self._dispatch(u, i)

    def _rent(self, role: str, i: int) -> None:
        """Hand the need to the unlimited ad-hoc rented pool of the role (loss variant)."""
        now = self.env.now
        k = self.rented_for_role.get(role)
        mob = self.mobilise[k].next() if k is not None else 0.0
        arrive = now + mob
        self.handed_over[i] += 1
        if arrive < self.first_arrival[i]:
            self.first_arrival[i] = arrive
            self.first_unit[i] = -1
        if self.assigned_at[i] == INF:
            self.assigned_at[i] = now

    def _serve(self, i: int) -> None:
        p = int(self.inc.point[i])
        d = int(self.district_of_point[p])
        it = self.s.incident_types[self.types[self.inc.kind[i]]]
        for role, count in it.units_needed.items():
            for _ in range(count):
                busy = self.busy
                free = [u for u in self.role_units.get(role, ()) if not busy[u]]
                chosen = -1
                for u in self.policy.rank(self, p, d, free):
                    if self.availability[u] >= 1.0 or self.u_avail.next() < self.availability[u]:
                        chosen = u
                        break
                    self.declined[i] += 1
                if chosen >= 0:
                    self._dispatch(chosen, i)
                elif self.cfg.overflow == "rent":
                    self._rent(role, i)
                elif role in self.queues:
                    self._seq += 1
                    heapq.heappush(self.queues[role], (it.priority, self.env.now, self._seq, i))
        if self.inc.people[i] > 0 and it.relief is not None:
            self._relief(i, p, it.relief.items_per_person)

    # -- relief ----------------------------------------------------------------------------
    def _relief(self, i: int, p: int, per_person: dict[str, float]) -> None:
        order = np.argsort(self.wh_travel[:, p], kind="stable")
        first = INF
        for key, per in per_person.items():
            c = self.commodities.index(key)
            need = float(np.ceil(self.inc.people[i] * per))
            self.demanded[i] += need
            for w in order:
                if need <= 0:
                    break
                if not self.holds[w, c] or self.stock[w, c] <= 0:
                    continue
                take = min(need, self.stock[w, c])
                need -= take
                self.stock[w, c] -= take
                self.issued[w, c] += take
                self.in_transit[w, c] += take
                travel = float(self.wh_travel[w, p])
                first = min(first, travel)
                arrive = self.env.timeout(travel)
                arrive.callbacks.append(partial(self._deliver, w, c, take))
                if self.stock[w, c] <= 0:
                    self.stockouts[w, c] += 1
                self._maybe_reorder(w, c)
            self.unmet[i] += need
        self.first_relief_min[i] = first

    def _deliver(self, w: int, c: int, qty: float, _event: simpy.Event | None = None) -> None:
        self.in_transit[w, c] -= qty
        self.delivered[w, c] += qty

    def _maybe_reorder(self, w: int, c: int) -> None:
        position = self.stock[w, c] + self.on_order[w, c]
        if position <= self.reorder[w, c] and self.order_up_to[w, c] > position:
            qty = self.order_up_to[w, c] - position
            self.on_order[w, c] += qty
            arrive = self.env.timeout(self.lead_min[w, c])
            arrive.callbacks.append(lambda _e: self._receive(w, c, qty))

    def _receive(self, w: int, c: int, qty: float) -> None:
        self.on_order[w, c] -= qty
        self.stock[w, c] += qty
        self.received[w, c] += qty

    # -- run -------------------------------------------------------------------------------
    def _arrivals(self) -> Any:
        env = self.env
        for i, t in enumerate(self.inc.time.tolist()):
            yield env.timeout(t - env.now)
            self._serve(i)

    def run(self) -> ResponseResult:
        n = len(self.inc)
        self.first_arrival = np.full(n, INF)
        self.first_unit = np.full(n, -2)
        self.assigned_at = np.full(n, INF)
        self.handed_over = np.zeros(n)
        self.declined = np.zeros(n)
        self.demanded = np.zeros(n)
        self.unmet = np.zeros(n)
        self.first_relief_min = np.full(n, np.nan)
        self._seq = 0
        self.env.process(self._arrivals())
        self.env.run(until=self.horizon)
        return collect(self.record())

    def record(self) -> ResponseRecord:
        """The finished run as plain data for the KPI collector."""
        return ResponseRecord(
            replication=self.cfg.replication,
            assigned_at=self.assigned_at,
            busy_min=self.busy_min,
            commodities=self.commodities,
            declined=self.declined,
            delivered=self.delivered,
            demanded=self.demanded,
            district_of_point=self.district_of_point,
            districts=self.districts,
            first_arrival=self.first_arrival,
            first_relief_min=self.first_relief_min,
            first_unit=self.first_unit,
            handed_over=self.handed_over,
            holds=self.holds,
            horizon=self.horizon,
            in_transit=self.in_transit,
            inc=self.inc,
            initial=self.initial,
            issued=self.issued,
            kinds=self.kinds,
            on_order=self.on_order,
            points=self.points,
            received=self.received,
            rented_for_role=self.rented_for_role,
            s=self.s,
            stock=self.stock,
            stockouts=self.stockouts,
            types=self.types,
            unit_district=self.unit_district,
            unit_kind=self.unit_kind,
            unmet=self.unmet,
            unserved_roles=self.unserved_roles,
            uses=self.uses,
            wh_ids=self.wh_ids,
        )


def simulate_response(scenario: Scenario, config: ResponseConfig) -> ResponseResult:
    """Run one replication of the response model."""
    return ResponseModel(scenario, config).run()
