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
* **Relief** (``[relief_logistics]``): a disaster's demand (people × items per person, or by
  shelter type for a surge with ``shelter``) is drawn from the warehouses level by level: the
  incident's own district (its township reserves, then the district's), then the city, then
  other districts, each tier in order of travel time; what no warehouse holds is unmet. Each
  warehouse's release waits for approval (调拨, a delay by its level), then goes in
  truckloads (``units_per_truckload`` of each commodity; a load mixes commodities): each load
  takes the first free truck of ``truck_role`` (mobilisation, drive from its depot to the
  warehouse), is loaded and driven to the incident, and the truck drives back to its depot; a
  load finding no truck waits for the next one. Without a truck role a load goes at once.
  Each warehouse reorders up to ``order_up_to_units`` when stock plus stock on order falls to
  the reorder point; the order arrives after ``lead_time_days``.

The response time of an incident is the first unit's arrival minus the call time.
Per-unit events are SimPy timeouts with callbacks (one per dispatch and one per relief
shipment), not processes — the same batching as the inspection model's job pools.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

import numpy as np
import pandas as pd
import simpy

from anjian.scenarios.scenario import Scenario
from anjian.scenarios.timebase import MIN_PER_DAY, MIN_PER_YEAR
from anjian.scenarios.travel import geometric_minutes, minutes_from_places

from . import size
from .incidents import IncidentTable, draw_incidents, merge_incidents
from .policies import POLICIES, DispatchPolicy, make_policy
from .response_kpi import ResponseRecord, ResponseResult, collect, shelter_people
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
        self.surges = list(s.surges.values())
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
        self.mob_mean = mob_mean
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
        truck_role = s.relief_logistics.truck_role
        if truck_role is not None:
            needed.add(truck_role)
        self.unserved_roles = sorted(needed - roles)  # roles no depot holds: recorded, not a crash
        self.busy = [False] * len(kind_l)
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
        self.wh_level = [x.level for x in w]
        self.wh_district = np.array([self.districts.index(x.adcode) for x in w], dtype=int)
        self.wh_city = np.array([x.level == "city" for x in w], dtype=bool)
        self.wh_township = np.array([x.level == "township" for x in w], dtype=bool)
        cap = [s.commodities[c].units_per_truckload for c in self.commodities]
        self.per_truck = np.array([1.0 / c if c else 0.0 for c in cap])  # truck share of a unit
        logi = s.relief_logistics
        self.approval = {
            level: Buffer(d.sampler(self.streams(f"approval/{level}")))
            for level, d in logi.approval.items()
        }
        self.loading = (
            Buffer(logi.loading.sampler(self.streams("loading")))
            if logi.loading is not None
            else None
        )
        self.truck_role = logi.truck_role
        self.relief_hours = tuple(logi.people_without_relief_hours)
        self._wh_order: dict[int, np.ndarray] = {}
        self.on_order = np.zeros((nw, nc))
        self.received = np.zeros((nw, nc))
        self.issued = np.zeros((nw, nc))
        self.delivered = np.zeros((nw, nc))
        self.in_transit = np.zeros((nw, nc))
        self.emptied = np.zeros((nw, nc))
        self.load_queue: deque[tuple[int, int, int, np.ndarray, float]] = deque()
        self.shipments: list[tuple[Any, ...]] = []
        truck_units = self.role_units.get(self.truck_role or "", [])
        if truck_units and w:
            self.truck_to_wh = np.zeros((len(self.unit_kind), nw))
            lon = np.array([s.depots[self.unit_depot[u]].lon for u in truck_units])
            lat = np.array([s.depots[self.unit_depot[u]].lat for u in truck_units])
            groups = np.array([s.districts[s.depots[self.unit_depot[u]].adcode].region_group
                               for u in truck_units])  # fmt: skip
            wg = np.array([s.districts[x.adcode].region_group for x in w])
            self.truck_to_wh[truck_units] = geometric_minutes(
                s, lon, lat, groups, np.array([x.lon for x in w]), np.array([x.lat for x in w]), wg
            )
            mob = self.mob_mean[truck_units]
            self.truck_eta_wh = np.full((len(self.unit_kind), nw), INF)
            self.truck_eta_wh[truck_units] = self.truck_to_wh[truck_units] + mob[:, None]
        else:
            self.truck_to_wh = np.zeros((len(self.unit_kind), nw))
            self.truck_eta_wh = self.truck_to_wh

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
        drive = self._travel_rows[u][self._pt[i]]
        arrive = now + self._mob_next[self._ukind[u]]() + drive
        back = arrive + self._scene[i] + drive
        self.busy[u] = True
        self._busy_min[u] += back - now
        self._uses[u] += 1
        if arrive < self._first_arrival[i]:
            self._first_arrival[i] = arrive
            self._first_unit[i] = u
        if self._assigned_at[i] == INF:
            self._assigned_at[i] = now
        self.env.timeout(back - now).callbacks.append(partial(self._free, u))

    def _free(self, u: int, _event: simpy.Event | None = None) -> None:
        self.busy[u] = False
        if self.load_queue and self.unit_role[u] == self.truck_role:
            self._truck_go(u, *self.load_queue.popleft())
            return
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
        if arrive < self._first_arrival[i]:
            self._first_arrival[i] = arrive
            self._first_unit[i] = -1
        if self._assigned_at[i] == INF:
            self._assigned_at[i] = now

    def _serve(self, i: int) -> None:
        p = self._pt[i]
        d = self._dop[p]
        k = self._kind[i]
        busy, avail, rank = self.busy, self.availability, self.policy.rank
        for role, priority in self._needs[k]:
            free = [u for u in self.role_units.get(role, ()) if not busy[u]]
            chosen = -1
            for u in rank(self, p, d, free) if len(free) > 1 else free:
                if avail[u] >= 1.0 or self.u_avail.next() < avail[u]:
                    chosen = u
                    break
                self.declined[i] += 1
            if chosen >= 0:
                self._dispatch(chosen, i)
            elif self.cfg.overflow == "rent":
                self._rent(role, i)
            elif role in self.queues:
                self._seq += 1
                heapq.heappush(self.queues[role], (priority, self.env.now, self._seq, i))
        if self._people[i] > 0:
            need = self._relief_need(i, self.s.incident_types[self.types[k]])
            if need:
                self._relief(i, p, need)

    def _relief_need(self, i: int, it: Any) -> dict[str, float]:
        """Units of each commodity incident ``i`` needs (:func:`relief_need`)."""
        sid = int(self.inc.surge[i])
        return relief_need(it, float(self.inc.people[i]), self.surges[sid] if sid >= 0 else None)

    # -- relief ----------------------------------------------------------------------------
    def _order_for(self, p: int) -> np.ndarray:
        """Warehouses in the order a disaster at point ``p`` draws on them: its own district's
        (township reserves first), then the city's, then other districts', each tier by travel
        time to ``p``."""
        order = self._wh_order.get(p)
        if order is None:
            d = int(self.district_of_point[p])
            own = self.wh_district == d
            tier = np.where(
                own & self.wh_township,
                0,
                np.where(own & ~self.wh_city, 1, np.where(self.wh_city, 2, 3)),
            )
            order = np.lexsort((self.wh_travel[:, p], tier))  # fmt: skip
            self._wh_order[p] = order
        return order

    def _relief(self, i: int, p: int, need_by_commodity: dict[str, float]) -> None:
        """Allocate a disaster's relief over the warehouses and start one shipment per
        warehouse drawn on (see the module docstring)."""
        alloc: dict[int, np.ndarray] = {}
        order = self._order_for(p)
        for key, want in need_by_commodity.items():
            c = self.commodities.index(key)
            need = float(math.ceil(want - 1e-9))
            if need <= 0:
                continue
            self.demanded[i] += need
            self.requests[i] += 1
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
                alloc.setdefault(int(w), np.zeros(len(self.commodities)))[c] += take
                if self.stock[w, c] <= 0:
                    self.emptied[w, c] += 1
                self._maybe_reorder(w, c)
            if need > 0:
                self.unmet[i] += need
                self.short_requests[i] += 1
        for w, qty in alloc.items():
            level = self.wh_level[w]
            delay = self.approval[level].next() if level in self.approval else 0.0
            ev = self.env.timeout(delay)
            ev.callbacks.append(partial(self._released, i, w, p, qty))

    def _released(
        self, i: int, w: int, p: int, qty: np.ndarray, _event: simpy.Event | None = None
    ) -> None:
        """Approval given: the release leaves in truckloads."""
        share = float(qty @ self.per_truck)
        loads = max(1, math.ceil(share - 1e-9)) if self.truck_role is not None else 1
        now = self.env.now
        base, extra = np.divmod(qty, loads)  # whole units: the first loads take the remainder
        for k in range(loads):
            self._load(i, w, p, base + (k < extra), now)

    def _load(self, i: int, w: int, p: int, qty: np.ndarray, released: float) -> None:
        role = self.truck_role
        if role is None:
            self._haul(-1, i, w, p, qty, released, 0.0, 0.0)
            return
        free = [u for u in self.role_units.get(role, ()) if not self.busy[u]]
        free.sort(key=lambda u: self.truck_eta_wh[u, w])
        for u in free:
            if self.availability[u] >= 1.0 or self.u_avail.next() < self.availability[u]:
                self._truck_go(u, i, w, p, qty, released)
                return
        k = self.rented_for_role.get(role)
        if self.cfg.overflow == "rent" and k is not None:
            self._haul(-1, i, w, p, qty, released, self.mobilise[k].next(), 0.0)
            return
        self.load_queue.append((i, w, p, qty, released))

    def _truck_go(self, u: int, i: int, w: int, p: int, qty: np.ndarray, released: float) -> None:
        mob = self.mobilise[self.unit_kind[u]].next()
        self._haul(u, i, w, p, qty, released, mob, float(self.truck_to_wh[u, w]))

    def _haul(self, u: int, i: int, w: int, p: int, qty: np.ndarray, released: float,
              mob: float, to_wh: float) -> None:  # fmt: skip
        """A truck (``u``, or none: -1) fetches a load at warehouse ``w`` and drives it to the
        incident at point ``p``."""
        now = self.env.now
        loading = self.loading.next() if self.loading is not None else 0.0
        drive = float(self.wh_travel[w, p])
        arrive = now + mob + to_wh + loading + drive
        self.shipments.append(
            (i, w, float(self.inc.time[i]), released, now, mob, to_wh, loading, drive, arrive, u)
        )
        ev = self.env.timeout(arrive - now)
        ev.callbacks.append(lambda _e: self._deliver(i, w, qty))
        if u >= 0:
            back = arrive + self._travel_rows[u][p]
            self.busy[u] = True
            self._busy_min[u] += back - now
            self._uses[u] += 1
            done = self.env.timeout(back - now)
            done.callbacks.append(lambda _e: self._free(u))

    def _deliver(self, i: int, w: int, qty: np.ndarray) -> None:
        now = self.env.now
        self.in_transit[w] -= qty
        self.delivered[w] += qty
        total = float(qty.sum())
        self.received_units[i] += total
        since = now - float(self.inc.time[i])
        if since < self.first_relief_min[i] or np.isnan(self.first_relief_min[i]):
            self.first_relief_min[i] = since
        self.last_relief_min[i] = np.fmax(self.last_relief_min[i], since)
        for k, h in enumerate(self.relief_hours):
            if since <= h * 60.0:
                self.relief_by[i, k] += total

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
    def _arrive(self, i: int, _event: simpy.Event | None = None) -> None:
        """Serve incident ``i`` and schedule the next arrival (a chain of timeouts, one per
        incident, in time order)."""
        self._serve(i)
        j = i + 1
        if j < len(self._time):
            self.env.timeout(self._time[j] - self.env.now).callbacks.append(
                partial(self._arrive, j)
            )

    def run(self) -> ResponseResult:
        n = len(self.inc)
        inc = self.inc
        # plain lists on the hot path (numpy scalar indexing costs more than the work)
        self._time = inc.time.tolist()
        self._pt = inc.point.tolist()
        self._kind = inc.kind.tolist()
        self._scene = inc.on_scene.tolist()
        self._people = inc.people.tolist()
        self._dop = self.district_of_point.tolist()
        self._travel_rows = self.travel.tolist()
        self.eta_rows = self.eta_min.T.tolist()  # points × units, for the policies
        self._ukind = self.unit_kind.tolist()
        self._mob_next = [b.next for b in self.mobilise]
        self._needs = []
        for key in self.types:
            it = self.s.incident_types[key]
            self._needs.append(
                [(role, it.priority) for role, c in it.units_needed.items() for _ in range(c)]
            )
        self._first_arrival = [INF] * n
        self._first_unit = [-2] * n
        self._assigned_at = [INF] * n
        self._busy_min = [0.0] * len(self.unit_kind)
        self._uses = [0] * len(self.unit_kind)
        self.handed_over = np.zeros(n)
        self.declined = np.zeros(n)
        self.demanded = np.zeros(n)
        self.unmet = np.zeros(n)
        self.first_relief_min = np.full(n, np.nan)
        self.last_relief_min = np.full(n, np.nan)
        self.received_units = np.zeros(n)
        self.requests = np.zeros(n)
        self.short_requests = np.zeros(n)
        self.relief_by = np.zeros((n, len(self.relief_hours)))
        self._seq = 0
        if n:
            self.env.timeout(self._time[0]).callbacks.append(partial(self._arrive, 0))
        self.env.run(until=self.horizon)
        self.first_arrival = np.array(self._first_arrival, dtype=float)
        self.first_unit = np.array(self._first_unit, dtype=int)
        self.assigned_at = np.array(self._assigned_at, dtype=float)
        self.busy_min = np.array(self._busy_min, dtype=float)
        self.uses = np.array(self._uses, dtype=float)
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
            emptied=self.emptied,
            last_relief_min=self.last_relief_min,
            received_units=self.received_units,
            relief_by=self.relief_by,
            relief_hours=self.relief_hours,
            requests=self.requests,
            short_requests=self.short_requests,
            shipments=self.shipments,
            types=self.types,
            unit_district=self.unit_district,
            unit_kind=self.unit_kind,
            unmet=self.unmet,
            unserved_roles=self.unserved_roles,
            uses=self.uses,
            wh_ids=self.wh_ids,
        )


def relief_need(it: Any, people: float, surge: Any = None) -> dict[str, float]:
    """Units of each commodity a disaster of incident type ``it`` with ``people`` affected
    needs: people × the type's items per person, or for an incident of a surge with a shelter
    model, its people by shelter type × that type's items."""
    shelter = surge.shelter if surge is not None else None
    need: dict[str, float] = {}
    if shelter is not None:
        for where, n in shelter_people(people, shelter).items():
            for c, per in shelter.items_for(where).items():
                need[c] = need.get(c, 0.0) + n * per
    elif it.relief is not None:
        need = {c: people * per for c, per in it.relief.items_per_person.items()}
    return need


def relief_needs(s: Scenario, inc: IncidentTable) -> np.ndarray:
    """Every incident's relief need (incidents × the scenario's commodities, whole units as
    the simulator draws them: each need rounded up)."""
    commodities = list(s.commodities)
    types = list(s.incident_types)
    surges = list(s.surges.values())
    out = np.zeros((len(inc), len(commodities)))
    for i in np.flatnonzero(inc.people > 0):
        sid = int(inc.surge[i])
        need = relief_need(s.incident_types[types[int(inc.kind[i])]], float(inc.people[i]),
                           surges[sid] if sid >= 0 else None)  # fmt: skip
        for key, want in need.items():
            out[i, commodities.index(key)] = max(0.0, math.ceil(want - 1e-9))
    return out


def simulate_response(scenario: Scenario, config: ResponseConfig) -> ResponseResult:
    """Run one replication of the response model.

    Raises
    ------
    RunTooLarge
        Before anything runs, if the replication would exceed the limits of :mod:`sim.size`.
    """
    size.check(scenario, config.years, "response")
    return ResponseModel(scenario, config).run()
