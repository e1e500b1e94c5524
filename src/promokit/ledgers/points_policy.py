"""When points expire, and how long earned points stay pending (docs/points.md#expiry).

An `ExpiryPolicy` turns the instant points were earned into the instant they expire,
on the calendar of the shop's time zone, so "the end of the 12th month" and "December
31" are local midnights whatever the DST offset of the day:

- `ExpiryPolicy(months=12)`: points expire at the end of the 12th month after the month
  they were earned in (earned 2026-03-15 -> expire at 2027-04-01 00:00 local);
- `ExpiryPolicy(yearly=(12, 31))`: points expire at the end of December 31 of the year
  after the year they were earned in (`years=` shifts it: 0 is the same year);
- `ExpiryPolicy()` with neither: points never expire.

A points order stores its policy as JSON (`to_json`), so the commit that turns the
order's earned points into a lot uses the policy the order was reserved with.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .base import LedgerError

#: Earned points stay pending this long after the order commits (the return window).
DEFAULT_RETURN_WINDOW = 7 * 86400.0


class PointsError(LedgerError):
    """Bad input to a points operation (negative or fractional points, an expiry in the past, ...)."""


@dataclass(frozen=True, slots=True)
class ExpiryPolicy:
    """How long a lot of points lives (module docstring). Times are unix seconds."""

    months: int | None = None
    yearly: tuple[int, int] | None = None
    years: int = 1
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        if self.months is not None and self.yearly is not None:
            raise PointsError("an expiry policy takes months= or yearly=, not both")
        if self.months is not None and (
            isinstance(self.months, bool) or not isinstance(self.months, int) or not 0 < self.months <= 1200
        ):
            raise PointsError(f"expiry months must be a whole number from 1 to 1200, got {self.months!r}")
        if self.yearly is not None:
            month, day = self.yearly
            try:
                dt.date(2000, month, day)  # 2000 is a leap year: Feb 29 is allowed
            except (TypeError, ValueError):
                raise PointsError(f"yearly expiry must be a (month, day) date, got {self.yearly!r}") from None
        if isinstance(self.years, bool) or not isinstance(self.years, int) or not 0 <= self.years <= 100:
            raise PointsError(f"expiry years must be a whole number from 0 to 100, got {self.years!r}")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise PointsError(
                f"unknown time zone {self.timezone!r} (use an IANA name like 'Asia/Shanghai')"
            ) from None

    def expires_at(self, earned_at: float) -> float | None:
        """The instant points earned at `earned_at` expire (None: never)."""
        zone = ZoneInfo(self.timezone)
        local = dt.datetime.fromtimestamp(earned_at, zone)
        if self.months is not None:
            index = local.year * 12 + (local.month - 1) + self.months + 1  # the month after the last one
            end = dt.datetime(index // 12, index % 12 + 1, 1, tzinfo=zone)
            return end.timestamp()
        if self.yearly is not None:
            month, day = self.yearly
            year = local.year + self.years
            if (month, day) == (2, 29) and not _leap(year):
                day = 28
            end = dt.datetime(year, month, day, tzinfo=zone) + dt.timedelta(days=1)
            # A local midnight: rebuild from the date so a DST change on that day cannot shift it.
            end = dt.datetime(end.year, end.month, end.day, tzinfo=zone)
            return end.timestamp()
        return None

    def to_json(self) -> str:
        """The policy as compact JSON (stored with a points order; `from_json` reads it back)."""
        return json.dumps(
            {
                "m": self.months,
                "y": list(self.yearly) if self.yearly else None,
                "n": self.years,
                "z": self.timezone,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> ExpiryPolicy:
        """The policy `to_json` wrote."""
        d = json.loads(text)
        return cls(months=d["m"], yearly=tuple(d["y"]) if d["y"] else None, years=d["n"], timezone=d["z"])


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def check_points(value: object, what: str, *, allow_zero: bool = False) -> int:
    """A whole, non-negative number of points (positive unless `allow_zero`), below 2**53."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 2**53 - 1:
        raise PointsError(f"{what} must be a whole number of points >= 0, got {value!r}")
    if value == 0 and not allow_zero:
        raise PointsError(f"{what} must be at least 1 point, got 0")
    return value


def check_window(window: object) -> float:
    if isinstance(window, bool) or not isinstance(window, int | float) or not 0 <= window <= 86400 * 3650:
        raise PointsError(f"the return window must be a number of seconds >= 0, got {window!r}")
    return float(window)
