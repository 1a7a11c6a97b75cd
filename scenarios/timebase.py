"""The time base: every model runs in minutes from the start of the run (day 0, 00:00), with
365-day years. The one place the unit conversions are written.

Scenario files give rates per year, durations in minutes (``mean_min``), hours or days (the unit
is in the field's name); models convert with these constants only.
"""

from __future__ import annotations

MIN_PER_HOUR = 60.0
HOURS_PER_DAY = 24.0
MIN_PER_DAY = MIN_PER_HOUR * HOURS_PER_DAY  # 1,440
DAYS_PER_YEAR = 365.0
MIN_PER_YEAR = MIN_PER_DAY * DAYS_PER_YEAR  # 525,600
