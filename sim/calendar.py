"""The calendar: months of the (365-day) year, flood-season windows, and working time —
turning minutes of work into calendar minutes.

Time base: minutes from the start of the run (day 0, 00:00; see
:mod:`anjian.scenarios.timebase`). Every day has one shift that
starts at ``shift_start_min`` and lasts ``shift_min`` minutes. A year's working days are spread
evenly: an inspector working 8 h on 250 days a year gets a daily shift of 8 × 250 / 365 h. This
keeps the annual capacity exact without simulating weekends (an approximation, stated in
docs/model-inspection.md). A shift of 1,440 minutes means round-the-clock work.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from anjian.scenarios.timebase import DAYS_PER_YEAR, MIN_PER_DAY, MIN_PER_HOUR, MIN_PER_YEAR

#: cumulative day-of-year at the start of each month (365-day years)
MONTH_START_DAY = np.cumsum([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def flood_windows(months: list[int], horizon_min: float) -> list[tuple[float, float]]:
    """Calendar windows ``[start, end)`` in minutes of the flood-season months over the horizon."""
    windows: list[tuple[float, float]] = []
    years = int(np.ceil(horizon_min / MIN_PER_YEAR))
    for year in range(years):
        for m in sorted(set(months)):
            start = (year * DAYS_PER_YEAR + MONTH_START_DAY[m - 1]) * MIN_PER_DAY
            end = (year * DAYS_PER_YEAR + MONTH_START_DAY[m]) * MIN_PER_DAY
            if windows and windows[-1][1] == start:
                windows[-1] = (windows[-1][0], end)
            else:
                windows.append((float(start), float(end)))
    return [(a, min(b, horizon_min)) for a, b in windows if a < horizon_min]


def flood_table(months: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Edges of the flood-season windows in one 365-day year (minutes, from 0 to a year) and
    the flood-season minutes before each edge: ``F`` is their linear interpolation."""
    year = flood_windows(months, MIN_PER_YEAR)
    edges = np.array([0.0, *[x for w in year for x in w], MIN_PER_YEAR])
    inside = np.zeros(len(edges))
    for k, (a, b) in enumerate(year):
        inside[2 * k + 2] = b - a  # the window ending at edges[2k + 2] adds its length
    return edges, np.cumsum(inside)


def flood_minutes_before(months: list[int]) -> Callable[[np.ndarray], np.ndarray]:
    """``F(t)``: the flood-season minutes in ``[0, t)`` of the repeating 365-day calendar, for
    any real ``t`` (negative ``t``: before the run, ``F`` negative), as a vectorised function."""
    edges, cum = flood_table(months)
    per_year = float(cum[-1])

    def minutes(t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, dtype=float)
        whole = np.floor(t / MIN_PER_YEAR)
        within = t - whole * MIN_PER_YEAR
        out: np.ndarray = whole * per_year + np.interp(within, edges, cum)
        return out

    return minutes


def month_of(t_min: np.ndarray) -> np.ndarray:
    """Month (0 = January) of each time (minutes from the start of the run)."""
    day = np.floor((t_min % MIN_PER_YEAR) / MIN_PER_DAY)
    return np.searchsorted(MONTH_START_DAY, day, side="right") - 1


def hour_of(t_min: np.ndarray) -> np.ndarray:
    """Hour of the day (0–23) of each time (minutes from the start of the run)."""
    return np.floor((t_min % MIN_PER_DAY) / MIN_PER_HOUR).astype(int)


@dataclass(frozen=True)
class WorkCalendar:
    """A daily shift ``[shift_start_min, shift_start_min + shift_min)``; on days in the
    ``flood`` windows (day-aligned ``[start, end)`` minutes) the shift lasts
    ``flood_shift_min`` instead (flood-season duty takes the rest; negative: no change)."""

    shift_start_min: float
    shift_min: float
    flood: tuple[tuple[float, float], ...] = ()
    flood_shift_min: float = -1.0

    def __post_init__(self) -> None:
        if not 0 < self.shift_min <= MIN_PER_DAY:
            raise ValueError(f"shift_min must be in (0, 1440], got {self.shift_min}")
        if self.shift_min < MIN_PER_DAY and not 0 <= self.shift_start_min < MIN_PER_DAY:
            raise ValueError(f"shift_start_min must be in [0, 1440), got {self.shift_start_min}")
        if self.dutied and not 0 < self.flood_shift_min <= self.shift_min:
            raise ValueError(
                f"flood_shift_min must be in (0, shift_min], got {self.flood_shift_min}"
            )

    @property
    def continuous(self) -> bool:
        return self.shift_min >= MIN_PER_DAY

    @property
    def dutied(self) -> bool:
        """Whether flood-season days have a shorter shift."""
        return bool(self.flood) and self.flood_shift_min >= 0 and not self.continuous

    def _length(self, start: float) -> float:
        """The length of the shift starting at ``start``."""
        for a, b in self.flood:
            if a <= start < b:
                return self.flood_shift_min
        return self.shift_min

    def _shift_bounds(self, t: float) -> tuple[float, float]:
        """Start and end of the shift that contains ``t`` or, if none does, the next one."""
        day = math.floor((t - self.shift_start_min) / MIN_PER_DAY)
        start = day * MIN_PER_DAY + self.shift_start_min
        if self.dutied:
            end = start + self._length(start)
            while t >= end:
                start += MIN_PER_DAY
                end = start + self._length(start)
            return start, end
        end = start + self.shift_min
        if t >= end:
            start += MIN_PER_DAY
            end += MIN_PER_DAY
        return start, end

    def finish(self, t: float, work_min: float) -> float:
        """The calendar time at which ``work_min`` minutes of work started at ``t`` end."""
        if self.continuous:
            return t + work_min
        start, end = self._shift_bounds(t)
        now = max(t, start)
        left = work_min
        dutied = self.dutied
        while left > end - now:
            left -= end - now
            start += MIN_PER_DAY
            if dutied:
                end = start + self._length(start)
            else:
                end += MIN_PER_DAY
            now = start
        return now + left

    def span(self, t: float, work_min: float) -> tuple[float, float]:
        """Start (now, or the next shift start) and end of ``work_min`` of work begun at ``t``."""
        shift = self.shift_min
        if shift >= MIN_PER_DAY:
            return t, t + work_min
        if self.dutied:
            start, end = self._shift_bounds(t)
        else:
            # the shift containing t, or the next one (inlined _shift_bounds: the hot path)
            s0 = self.shift_start_min
            start = math.floor((t - s0) / MIN_PER_DAY) * MIN_PER_DAY + s0
            end = start + shift
            if t >= end:
                start += MIN_PER_DAY
                end += MIN_PER_DAY
        begin = t if t > start else start
        if work_min <= end - begin:
            return begin, begin + work_min
        return begin, self.finish(begin, work_min)

    def work_between(self, t0: float, t1: float) -> float:
        """Working minutes inside ``[t0, t1)``."""
        if t1 <= t0:
            return 0.0
        if self.continuous:
            return t1 - t0
        days0 = (t0 - self.shift_start_min) / MIN_PER_DAY
        days1 = (t1 - self.shift_start_min) / MIN_PER_DAY
        dutied = self.dutied
        cut = self.shift_min - self.flood_shift_min

        def worked_before(days: float) -> float:
            whole = math.floor(days)
            frac = (days - whole) * MIN_PER_DAY
            if not dutied:
                return whole * self.shift_min + min(frac, self.shift_min)
            # shifts of days d < whole, less what duty takes on flood days (a shift starting
            # on day d is in a window [a, b) when a <= d × 1440 + s0 < b, i.e. a/1440 <= d <
            # b/1440: windows are day-aligned)
            flood_days = sum(
                min(max(whole, a / MIN_PER_DAY), b / MIN_PER_DAY) - a / MIN_PER_DAY
                for a, b in self.flood
            )
            today = self._length(whole * MIN_PER_DAY + self.shift_start_min)
            return whole * self.shift_min - cut * flood_days + min(frac, today)

        return worked_before(days1) - worked_before(days0)
