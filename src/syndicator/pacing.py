"""When an account may post: spacing, a daily cap, quiet hours and a monthly X budget.

Pure functions of the clock value they are given, so DST and month ends are testable.
Local days and quiet hours follow the configured time zone (zoneinfo, DST-safe).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

_URL = re.compile(r"https?://\S+", re.IGNORECASE)

# X pay-per-use prices in USD (platform-apis.md A.5); configurable per account
PRICE_POST = 0.015
PRICE_POST_WITH_URL = 0.200


@dataclass(frozen=True, slots=True)
class Pacing:
    spacing: timedelta = timedelta(0)
    max_per_day: int | None = None
    quiet_hours: tuple[time, time] | None = None
    timezone: str = "UTC"
    monthly_budget: float | None = None
    price_post: float = PRICE_POST
    price_post_with_url: float = PRICE_POST_WITH_URL


def parse_quiet_hours(text: str) -> tuple[time, time]:
    """'22:00-07:00' -> (22:00, 07:00); the span may cross midnight."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", text)
    if not match:
        raise ValueError(f"invalid quiet_hours {text!r} — fix: write HH:MM-HH:MM, e.g. 23:00-06:30")
    h1, m1, h2, m2 = map(int, match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise ValueError(f"invalid quiet_hours {text!r}: hours 0-23, minutes 0-59")
    if (h1, m1) == (h2, m2):
        raise ValueError(f"quiet_hours {text!r} is empty — fix: use two different times")
    return time(h1, m1), time(h2, m2)


def local_day_start(now: datetime, zone: str) -> datetime:
    """Midnight of the local day containing ``now``, in UTC (23 or 25 hours long at DST)."""
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    return datetime(local.year, local.month, local.day, tzinfo=tz).astimezone(UTC)


def local_month_start(now: datetime, zone: str) -> datetime:
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    return datetime(local.year, local.month, 1, tzinfo=tz).astimezone(UTC)


def quiet_until(now: datetime, quiet: tuple[time, time], zone: str) -> datetime | None:
    """The UTC moment the quiet span ends, if ``now`` is inside it; else None."""
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    start, end = quiet
    clock = local.time().replace(tzinfo=None)
    crosses_midnight = start > end
    inside = (start <= clock or clock < end) if crosses_midnight else (start <= clock < end)
    if not inside:
        return None
    end_day = local.date()
    if crosses_midnight and clock >= start:
        end_day = end_day + timedelta(days=1)
    return datetime.combine(end_day, end, tzinfo=tz).astimezone(UTC)


def post_cost(text: str, reply_text: str | None, pacing: Pacing) -> float:
    """What X charges for this post (and its link reply): a URL makes a post dearer."""
    cost = pacing.price_post_with_url if _URL.search(text) else pacing.price_post
    if reply_text:
        cost += pacing.price_post_with_url if _URL.search(reply_text) else pacing.price_post
    return cost


def blocked(pacing: Pacing, now: datetime, *, last_post_at: datetime | None, sent_today: int,
            spent_this_month: float, next_cost: float = 0.0) -> tuple[str, datetime] | None:
    """Why the account may not post now, and when to look again; None when it may."""
    if pacing.spacing and last_post_at is not None and last_post_at + pacing.spacing > now:
        return "spacing", last_post_at + pacing.spacing
    if pacing.quiet_hours is not None:
        until = quiet_until(now, pacing.quiet_hours, pacing.timezone)
        if until is not None:
            return f"quiet hours until {until:%H:%M}Z", until
    if pacing.max_per_day is not None and sent_today >= pacing.max_per_day:
        tomorrow = local_day_start(local_day_start(now, pacing.timezone) + timedelta(hours=26),
                                   pacing.timezone)
        return f"daily cap of {pacing.max_per_day} reached", tomorrow
    if pacing.monthly_budget is not None and \
            spent_this_month + next_cost > pacing.monthly_budget + 1e-9:
        start = local_month_start(now, pacing.timezone)
        next_month = local_month_start(start + timedelta(days=32), pacing.timezone)
        return (f"monthly budget ${pacing.monthly_budget:.2f} reached "
                f"(spent ${spent_this_month:.3f})"), next_month
    return None
