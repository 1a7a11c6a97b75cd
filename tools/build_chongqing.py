"""Build the per-district CSV tables of the built-in Chongqing scenario from its sources.

Sources (copied into ``data/chongqing/`` with their provenance):

* ``chongqing_districts.csv``: 2020 census population, area, townships, GDP, region groups and
  five districts' geological-hazard point counts;
* the report (``report_2020_renda_safety_supervision.txt``): city-wide counts of sites and staff;
* ``scenarios/chongqing/districts.geojson``: the district polygons (MIT, © Clarmy);
* ``townships/chongqing_townships.csv``: the 1,031 townships with 890 points (WTFPL codes, CC BY
  4.0 points from Vonng/adcode) and ``district_seats.csv``: the 38 district seats (CC BY 4.0,
  Vonng/adcode).

Each city-wide count is spread over districts with
:func:`anjian.scenarios.apportion.largest_remainder`
by the weight rule named in ``CATEGORIES`` (see ``scenarios/chongqing/SOURCES.md``), so the
district rows add up exactly to the report's figures. Run from the repository root::

    python tools/build_chongqing.py            # rewrite scenarios/chongqing/*.csv
    python tools/build_chongqing.py --check    # exit 1 if the committed CSVs differ
"""

from __future__ import annotations

import csv
import io
import json
import math
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import shapely
import shapely.affinity
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from anjian.scenarios.apportion import largest_remainder
from anjian.scenarios.demand import km_per_degree
from anjian.scenarios.loader import DISTRICT_COLUMNS, STOCK_COLUMNS, TOWNSHIP_COLUMNS

ROOT = Path(__file__).resolve().parents[1]

SOURCE = ROOT / "data" / "chongqing" / "chongqing_districts.csv"
TOWNSHIPS = ROOT / "data" / "chongqing" / "townships" / "chongqing_townships.csv"
SEATS = ROOT / "data" / "chongqing" / "district_seats.csv"
OUT = ROOT / "scenarios" / "chongqing"

REGION_IDS = {
    "主城都市区-中心城区": "core",
    "主城都市区-主城新区": "new_core",
    "渝东北三峡库区城镇群": "northeast",
    "渝东南武陵山区城镇群": "southeast",
}
#: Urban concentration of buildings and markets (ASSUMPTION A3 in SOURCES.md).
URBAN_WEIGHT = {"core": 3.0, "new_core": 1.0, "northeast": 0.7, "southeast": 0.7}
#: Terrain weight for geological-hazard points per km² (ASSUMPTION A5).
TERRAIN_WEIGHT = {"core": 0.5, "new_core": 1.0, "northeast": 2.0, "southeast": 2.0}

#: Township population weights by kind and by distance to the district seat (ASSUMPTION A28):
#: w = KIND_WEIGHT[kind] × (1 + SEAT_BOOST × exp(−d / SEAT_KM)), d = km to the seat.
KIND_WEIGHT = {"街道": 2.0, "镇": 1.0, "乡": 0.5}
KIND_ID = {"街道": "subdistrict", "镇": "town", "乡": "township"}
SEAT_BOOST = 2.0
SEAT_KM = 10.0
#: Samples per district for placing the townships that have no point (ASSUMPTION A29).
FALLBACK_SAMPLES = 3000
FALLBACK_ITERATIONS = 30
#: A missing 街道 is placed within this distance of the district seat (ASSUMPTION A29).
URBAN_RADIUS_KM = 8.0

Row = dict[str, str | float | int]
Rule = Callable[[list[Row]], dict[str, float]]


def _by(key: str, where: Callable[[Row], bool] = lambda r: True) -> Rule:
    return lambda rows: {str(r["adcode"]): float(r[key]) if where(r) else 0.0 for r in rows}


def _urban(rows: list[Row]) -> dict[str, float]:
    return {
        str(r["adcode"]): float(r["population"]) * URBAN_WEIGHT[str(r["region_group"])]
        for r in rows
    }


def _top_gdp(n: int, exclude: frozenset[str] = frozenset()) -> Rule:
    def rule(rows: list[Row]) -> dict[str, float]:
        eligible = [r for r in rows if r["adcode"] not in exclude]
        top = sorted(eligible, key=lambda r: -float(r["gdp"]))[:n]
        keep = {str(r["adcode"]) for r in top}
        return {str(r["adcode"]): float(r["gdp"]) if r["adcode"] in keep else 0.0 for r in rows}

    return rule


def _not_core(r: Row) -> bool:
    return r["region_group"] != "core"


#: (category id, city-wide count, weight rule, source key of the count in SOURCES.md)
CATEGORIES: list[tuple[str, int, Rule, str]] = [
    ("hazchem_major", 93, _top_gdp(23, frozenset({"500103"})), "R1"),
    ("hazchem", 17_800 - 93, _by("gdp"), "R1"),
    ("fireworks_wholesale", 87, _by("population"), "R2"),
    ("fireworks_retail", 8_635, _by("population"), "R2"),
    ("coal_mine", 20 + 11, _by("area_km2", _not_core), "R3"),
    ("noncoal_mine", 431, _by("area_km2", _not_core), "R3"),
    ("industry_trade", 18 + 769 + 4_960, _by("gdp"), "R4"),
    ("construction_site", 2_630, _by("gdp"), "R5"),
    ("freight_operator", 87_000, _by("gdp"), "R6"),
    ("large_complex", 190, _urban, "R7"),
    ("flammable_site", 3_500, _by("gdp"), "R7"),
    ("market", 12_000, _urban, "R7"),
    ("high_rise", 34_800, _urban, "R8"),
    ("underground_building", 5_000, _urban, "R8"),
    ("geohazard_point", 15_000, lambda rows: {}, "R9"),  # special rule below
    ("reservoir", 3_049, _by("area_km2"), "R10"),
    ("pipeline", 120, _by("area_km2", _not_core), "R11"),
    ("elevator", round(187_246 / 3), _urban, "R20"),  # sites of 3 elevators on average
    ("gas_cylinder", 3_000, _by("population"), "A19"),
    ("small_premises", 200_000 // 10, _by("population"), "A19"),  # blocks of about 10
    ("rail_station", 180, _by("population", lambda r: r["region_group"] == "core"), "R20"),
]


def _at_least_one(total: int) -> Rule:
    """One per district, the rest ∝ population ("有的区县商务部门甚至只有1人" [R21])."""

    def rule(rows: list[Row]) -> dict[str, float]:
        rest = largest_remainder(total - len(rows), _by("population")(rows))
        return {a: 1.0 + n for a, n in rest.items()}

    return rule


#: staff kind → (city-wide headcount, weight rule); total 30,000 (report).
STAFF: list[tuple[str, int, Rule]] = [
    (
        "city_corps",
        300,
        lambda rows: {str(r["adcode"]): 1.0 if r["adcode"] == "500112" else 0.0 for r in rows},
    ),
    # 8,700 district staff split over the supervising departments [A18]
    ("emergency_certified", 2_550, _by("population")),
    ("housing_certified", 1_500, _by("population")),
    ("transport_certified", 1_500, _by("population")),
    ("market_certified", 1_600, _by("population")),
    ("fire_certified", 900, _by("population")),
    ("water_certified", 450, _by("area_km2")),
    ("commerce_certified", 76, _at_least_one(76)),
    ("economy_certified", 124, _by("population")),
    ("township", 21_000, _by("townships")),
    ("third_party", 0, _by("population")),
]

#: incident type → (incidents per year city-wide, weight rule)
INCIDENTS: list[tuple[str, int, Rule]] = [
    ("ws_accident", 400, _by("gdp")),
    ("traffic", 400, _by("population")),
    ("fire", 500, _urban),
    ("hazchem_release", 30, _by("gdp")),
    ("landslide", 450, lambda rows: {}),  # ∝ geohazard points, filled below
    ("flood", 60, _by("area_km2", _not_core)),
]


def load_rows() -> list[Row]:
    """District rows with GDP gaps filled (ASSUMPTION A1)."""
    with SOURCE.open(encoding="utf-8") as f:
        src = list(csv.DictReader(f))
    rows: list[Row] = []
    for r in src:
        rows.append(
            {
                "adcode": r["adcode"],
                "name_zh": r["name_zh"],
                "name_en": r["name_en"],
                "name_pinyin": r["name_en"].rsplit(" ", 1)[0]
                if " " in r["name_en"]
                else r["name_en"],
                "region_group": REGION_IDS[r["region_group"]],
                "population": int(r["population_2020"]),
                "area_km2": float(r["area_km2"]),
                "townships": int(r["townships"]),
                "gdp_src": r["gdp_100m_yuan"],
                "geohazard_points": r["geohazard_points"],
            }
        )
    for r in rows:
        # multi-word names such as "Shizhu Tujia Autonomous County": keep the first word
        name_en = str(r["name_en"])
        r["name_pinyin"] = name_en.split(" ")[0]
    per_capita: dict[str, list[float]] = {}
    for r in rows:
        if r["gdp_src"]:
            per_capita.setdefault(str(r["region_group"]), []).append(
                float(r["gdp_src"]) / int(r["population"])
            )
    for r in rows:
        if r["gdp_src"]:
            r["gdp"] = float(r["gdp_src"])
        else:
            r["gdp"] = round(
                statistics.median(per_capita[str(r["region_group"])]) * int(r["population"]), 2
            )
    return rows


def geohazard_weights(rows: list[Row], total: int) -> dict[str, int]:
    """Known district counts kept; the rest spread ∝ area × terrain weight (ASSUMPTION A5)."""
    known = {str(r["adcode"]): int(r["geohazard_points"]) for r in rows if r["geohazard_points"]}
    rest = largest_remainder(
        total - sum(known.values()),
        {
            str(r["adcode"]): 0.0
            if r["adcode"] in known
            else float(r["area_km2"]) * TERRAIN_WEIGHT[str(r["region_group"])]
            for r in rows
        },
    )
    return {a: known.get(a, rest[a]) for a in rest}


def load_seats() -> dict[str, tuple[float, float]]:
    """District adcode → (lon, lat) of its government seat (GCJ-02)."""
    with SEATS.open(encoding="utf-8") as f:
        return {
            r["adcode"]: (float(r["lon_gcj02"]), float(r["lat_gcj02"])) for r in csv.DictReader(f)
        }


def _km_xy(lon: np.ndarray, lat: np.ndarray, lat0: float) -> np.ndarray:
    kx, ky = km_per_degree(lat0)
    return np.column_stack([lon * kx, lat * ky])


def fallback_points(
    geom: BaseGeometry, known: np.ndarray, missing: int
) -> list[tuple[float, float]]:
    """Points for ``missing`` townships of a district (ASSUMPTION A29): a centroidal Voronoi
    (Lloyd) placement over the district polygon with the known points held fixed, so the new
    points fill the parts of the district no known township covers. Deterministic: samples on a
    regular grid, new points started by farthest-point insertion."""
    if missing == 0:
        return []
    x0, y0, x1, y1 = geom.bounds
    lat0 = (y0 + y1) / 2
    side = math.sqrt((x1 - x0) * (y1 - y0) / FALLBACK_SAMPLES)
    gx, gy = np.meshgrid(np.arange(x0 + side / 2, x1, side), np.arange(y0 + side / 2, y1, side))
    gx, gy = gx.ravel(), gy.ravel()
    inside = shapely.contains_xy(geom, gx, gy)
    samples = np.column_stack([gx[inside], gy[inside]])
    xy = _km_xy(samples[:, 0], samples[:, 1], lat0)
    fixed = _km_xy(known[:, 0], known[:, 1], lat0) if len(known) else np.zeros((0, 2))
    centres = list(fixed)
    new_idx: list[int] = []
    for _ in range(missing):
        if centres:
            d = np.min(((xy[:, None, :] - np.array(centres)[None, :, :]) ** 2).sum(-1), axis=1)
            k = int(np.argmax(d))
        else:
            k = int(np.argmin(((xy - xy.mean(0)) ** 2).sum(-1)))
        new_idx.append(k)
        centres.append(xy[k])
    free = np.array([xy[k] for k in new_idx])
    for _ in range(FALLBACK_ITERATIONS):
        allc = np.vstack([fixed, free]) if len(fixed) else free
        owner = np.argmin(((xy[:, None, :] - allc[None, :, :]) ** 2).sum(-1), axis=1)
        for j in range(len(free)):
            mine = owner == len(fixed) + j
            if mine.any():
                free[j] = xy[mine].mean(0)
    out = []
    for j in range(len(free)):  # the sample nearest the centroid: always inside the polygon
        k = int(np.argmin(((xy - free[j]) ** 2).sum(-1)))
        out.append((round(float(samples[k, 0]), 6), round(float(samples[k, 1]), 6)))
    return out


def township_rows(
    rows: list[Row], shapes: dict[str, BaseGeometry], seats: dict[str, tuple[float, float]]
) -> list[list[object]]:
    """The townships table: the source points, fallback points where the source has none
    (A29), and each district's census population shared by kind and distance to the seat
    (A28) so that the townships add up to the district exactly."""
    with TOWNSHIPS.open(encoding="utf-8") as f:
        src = list(csv.DictReader(f))
    out: list[list[object]] = []
    for r in rows:
        a = str(r["adcode"])
        mine = [t for t in src if t["adcode"] == a]
        sx, sy = seats[a]
        kx, ky = km_per_degree(sy)
        pts: dict[str, tuple[float, float, str]] = {
            t["township_code"]: (float(t["lon_gcj02"]), float(t["lat_gcj02"]), t["point_source"])
            for t in mine
            if t["lon_gcj02"]
        }
        urban = shapely.affinity.scale(
            Point(sx, sy).buffer(URBAN_RADIUS_KM / ky), xfact=ky / kx, yfact=1.0
        ).intersection(shapes[a])
        for kinds, area in ((("街道",), urban), (("镇", "乡"), shapes[a])):
            todo = [t for t in mine if not t["lon_gcj02"] and t["kind"] in kinds]
            if area.is_empty or area.area < 1e-9:
                area = shapes[a]
            known = np.array([(x, y) for x, y, _ in pts.values()]).reshape(-1, 2)
            for t, (x, y) in zip(todo, fallback_points(area, known, len(todo)), strict=True):
                pts[t["township_code"]] = (x, y, "fallback-lloyd")
        weights = {
            code: KIND_WEIGHT[t["kind"]]
            * (1 + SEAT_BOOST * math.exp(-math.hypot((pts[code][0] - sx) * kx,
                                                     (pts[code][1] - sy) * ky) / SEAT_KM))
            for t in mine
            for code in [t["township_code"]]
        }  # fmt: skip
        pop = largest_remainder(int(r["population"]), weights)
        for t in mine:
            code = t["township_code"]
            x, y, source = pts[code]
            out.append([code, a, t["name"], KIND_ID[t["kind"]], x, y, pop[code], source])
    return out


def _csv(header: list[str], rows: list[list[object]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def build() -> dict[str, str]:
    """File name → CSV text of every generated table."""
    rows = load_rows()
    ad = [str(r["adcode"]) for r in rows]
    out: dict[str, str] = {}
    out["districts.csv"] = _csv(
        [*DISTRICT_COLUMNS, "gdp_100m_yuan"],
        [
            [
                r["adcode"],
                r["name_zh"],
                r["name_pinyin"],
                r["name_en"],
                r["region_group"],
                r["population"],
                r["area_km2"],
                r["townships"],
                r["gdp"],
            ]
            for r in rows
        ],
    )
    sites: dict[str, dict[str, int]] = {}
    for cat, total, rule, _src in CATEGORIES:
        if cat == "geohazard_point":
            sites[cat] = geohazard_weights(rows, total)
        else:
            sites[cat] = largest_remainder(total, rule(rows))
    cats = [c for c, *_ in CATEGORIES]
    out["sites.csv"] = _csv(["adcode", *cats], [[a, *(sites[c][a] for c in cats)] for a in ad])
    staff = {
        k: {a: round(w) for a, w in rule(rows).items()}
        if k == "commerce_certified"
        else largest_remainder(total, rule(rows))
        for k, total, rule in STAFF
    }
    kinds = [k for k, *_ in STAFF]
    out["staff.csv"] = _csv(["adcode", *kinds], [[a, *(staff[k][a] for k in kinds)] for a in ad])
    rates: dict[str, dict[str, float]] = {}
    for itype, total, rule in INCIDENTS:
        weights = (
            {a: float(sites["geohazard_point"][a]) for a in ad}
            if itype == "landslide"
            else rule(rows)
        )
        wsum = sum(weights.values())
        rates[itype] = {a: round(total * weights[a] / wsum, 4) for a in ad}
    types = [t for t, *_ in INCIDENTS]
    out["incident_rates.csv"] = _csv(
        ["adcode", *types], [[a, *(rates[t][a] for t in types)] for a in ad]
    )
    geo = json.loads((OUT / "districts.geojson").read_text(encoding="utf-8"))
    shapes = {f["properties"]["adcode"]: shape(f["geometry"]) for f in geo["features"]}
    seats = load_seats()
    out["townships.csv"] = _csv(list(TOWNSHIP_COLUMNS), township_rows(rows, shapes, seats))
    depot_rows: list[list[object]] = []
    wh_rows: list[list[object]] = []
    stock_rows: list[list[object]] = []
    for r in rows:
        a = str(r["adcode"])
        x, y = seats[a]  # depots and warehouses at the district seat (A8, A10)
        rented = 2 + int(r["townships"]) // 15  # ASSUMPTION A8
        depot_rows.append(
            [
                f"d{a}",
                f"{r['name_zh']}应急局车辆点",
                f"{r['name_pinyin']} emergency bureau",
                a,
                x,
                y,
                0,
                0,
                rented,
                0,
                TRUCKS_PER_DISTRICT,
            ]
        )
        wh_rows.append(
            [
                f"w{a}",
                "district",
                f"{r['name_zh']}救灾物资储备库",
                f"{r['name_pinyin']} district relief warehouse",
                a,
                x,
                y,
            ]
        )
        pop_k = int(r["population"]) / 1000.0
        for commodity, per_k, lead in DISTRICT_STOCK:  # ASSUMPTION A10
            s = round(per_k * pop_k)
            stock_rows.append([f"w{a}", commodity, s, s // 2, s, lead])
    cx, cy = seats["500112"]  # the city's team and reserves at 渝北's seat (A8, A11)
    depot_rows.append(
        [
            "d_city",
            "市应急救援专业队车辆点",
            "City specialist rescue team",
            "500112",
            cx,
            cy,
            0,
            2,
            0,
            0,
            TRUCKS_CITY,
        ]
    )
    wh_rows.append(
        ["w_city", "city", "市级救灾物资储备库", "Municipal relief reserve", "500112", cx, cy]
    )
    wh_rows.append(
        [
            "w_central",
            "city",
            "中央救灾物资重庆储备库",
            "Central relief reserve (Chongqing)",
            "500112",
            cx,
            cy,
        ]
    )
    for wid, items in CITY_STOCK.items():
        for commodity, units, lead in items:
            stock_rows.append([wid, commodity, units, units // 2, units, lead])
    out["depots.csv"] = _csv(
        [
            "depot_id",
            "name_zh",
            "name_en",
            "adcode",
            "lon",
            "lat",
            "dedicated_rescue",
            "dedicated_hazmat",
            "rented_rescue",
            "contracted_rescue",
            "rented_truck",
        ],
        depot_rows,
    )
    out["warehouses.csv"] = _csv(
        ["warehouse_id", "level", "name_zh", "name_en", "adcode", "lon", "lat"], wh_rows
    )
    out["stocks.csv"] = _csv(list(STOCK_COLUMNS), stock_rows)
    return out


#: rented trucks for relief transport at each district's depot and at the city's (ASSUMPTION A30)
TRUCKS_PER_DISTRICT = 3
TRUCKS_CITY = 8
#: district warehouse stock per 1,000 residents and lead time in days (ASSUMPTION A10)
DISTRICT_STOCK = [
    ("tent", 0.5, 14),
    ("quilt", 3.0, 7),
    ("folding_bed", 1.0, 10),
    ("raincoat", 1.0, 7),
    ("emergency_lamp", 0.3, 7),
]
#: city-level reserves: 293,000 items (municipal) and 35,000 (central) — split is ASSUMPTION A11
CITY_STOCK = {
    "w_city": [
        ("tent", 20_000, 30),
        ("quilt", 120_000, 14),
        ("folding_bed", 33_000, 21),
        ("raincoat", 80_000, 14),
        ("emergency_lamp", 40_000, 14),
    ],
    "w_central": [("tent", 20_000, 60), ("folding_bed", 15_000, 60)],
}


def main(argv: list[str]) -> int:
    tables = build()
    if "--check" in argv:
        stale = [n for n, text in tables.items() if (OUT / n).read_text(encoding="utf-8") != text]
        if stale:
            print(f"out of date: {stale}; run python tools/build_chongqing.py")
            return 1
        print("all tables up to date")
        return 0
    for name, text in tables.items():
        (OUT / name).write_text(text, encoding="utf-8")
        print(f"wrote {OUT / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
