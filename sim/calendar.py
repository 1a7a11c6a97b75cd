"""Working time: turning minutes of work into calendar minutes.

Time base: minutes from the start of the run (day 0, 00:00). Every day has one shift that
starts at ``shift_start_min`` and lasts ``shift_min`` minutes. A year's working days are spread
evenly: an inspector working 8 h on 250 days a year gets a daily shift of 8 × 250 / 365 h. This
keeps the annual capacity exact without simulating weekends (an approximation, stated in
docs/model-inspection.md). A shift of 1,440 minutes means round-the-clock work.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

DAY_MIN = 1440.0


@dataclass(frozen=True)
class WorkCalendar:
    """A daily shift ``[shift_start_min, shift_start_min + shift_min)``."""

    shift_start_min: float
    shift_min: float

    def __post_init__(self) -> None:
        if not 0 < self.shift_min <= DAY_MIN:
            raise ValueError(f"shift_min must be in (0, 1440], got {self.shift_min}")
        if self.shift_min < DAY_MIN and not 0 <= self.shift_start_min < DAY_MIN:
            raise ValueError(f"shift_start_min must be in [0, 1440), got {self.shift_start_min}")

    @property
    def continuous(self) -> bool:
        return self.shift_min >= DAY_MIN

    def _shift_bounds(self, t: float) -> tuple[float, float]:
        """Start and end of the shift that contains ``t`` or, if none does, the next one."""
        day = math.floor((t - self.shift_start_min) / DAY_MIN)
        start = day * DAY_MIN + self.shift_start_min
        end = start + self.shift_min
        if t >= end:
            start += DAY_MIN
            end += DAY_MIN
        return start, end

    def finish(self, t: float, work_min: float) -> float:
        """The calendar time at which ``work_min`` minutes of work started at ``t`` end."""
        if self.continuous:
            return t + work_min
        start, end = self._shift_bounds(t)
        now = max(t, start)
        left = work_min
        while left > end - now:
            left -= end - now
            start += DAY_MIN
            end += DAY_MIN
            now = start
        return now + left

    def span(self, t: float, work_min: float) -> tuple[float, float]:
        """Start (now, or the next shift start) and end of ``work_min`` of work begun at ``t``."""
        shift = self.shift_min
        if shift >= DAY_MIN:
            return t, t + work_min
        # the shift containing t, or the next one (inlined _shift_bounds: this is the hot path)
        s0 = self.shift_start_min
        start = math.floor((t - s0) / DAY_MIN) * DAY_MIN + s0
        end = start + shift
        if t >= end:
            start += DAY_MIN
            end += DAY_MIN
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
        days0 = (t0 - self.shift_start_min) / DAY_MIN
        days1 = (t1 - self.shift_start_min) / DAY_MIN

        def worked_before(days: float) -> float:
            whole = math.floor(days)
            frac = (days - whole) * DAY_MIN
            return whole * self.shift_min + min(frac, self.shift_min)

        return worked_before(days1) - worked_before(days0)
