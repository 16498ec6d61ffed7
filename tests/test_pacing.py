"""Pacing is pure: spacing, daily caps and quiet hours across DST, the X budget."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from syndicator.pacing import (
    Pacing,
    blocked,
    local_day_start,
    parse_quiet_hours,
    post_cost,
    quiet_until,
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_spacing() -> None:
    pacing = Pacing(spacing=timedelta(minutes=10))
    now = at("2026-11-28T12:00:00+00:00")
    assert blocked(pacing, now, last_post_at=now - timedelta(minutes=3), sent_today=0,
                   spent_this_month=0) == ("spacing", now + timedelta(minutes=7))
    assert blocked(pacing, now, last_post_at=now - timedelta(minutes=10), sent_today=0,
                   spent_this_month=0) is None


@pytest.mark.parametrize(("local", "inside"), [
    ("2026-03-29T00:30:00+00:00", True),    # London, the night clocks go forward
    ("2026-03-29T07:30:00+01:00", False),
    ("2026-10-25T01:30:00+00:00", True),    # the second 01:30 of the night they go back
    ("2026-10-25T22:59:00+00:00", False),
    ("2026-10-25T23:00:00+00:00", True),
])
def test_quiet_hours_cross_midnight_and_dst(local: str, inside: bool) -> None:
    quiet = parse_quiet_hours("23:00-07:00")
    until = quiet_until(at(local), quiet, "Europe/London")
    assert (until is not None) is inside
    if until is not None:
        assert until.astimezone(ZoneInfo("Europe/London")).time() == \
            time(7, 0)


def test_local_day_is_23_hours_on_spring_forward() -> None:
    start = local_day_start(at("2026-03-29T12:00:00+01:00"), "Europe/London")
    next_day = local_day_start(start + timedelta(hours=26), "Europe/London")
    assert next_day - start == timedelta(hours=23)


def test_daily_cap_waits_for_local_midnight() -> None:
    pacing = Pacing(max_per_day=3, timezone="America/New_York")
    now = at("2026-11-28T23:30:00-05:00")
    reason, until = blocked(pacing, now, last_post_at=None, sent_today=3, spent_this_month=0)
    assert reason == "daily cap of 3 reached"
    assert until == at("2026-11-29T00:00:00-05:00")


def test_budget_counts_the_next_post_and_urls_cost_more() -> None:
    pacing = Pacing(monthly_budget=1.0)
    assert post_cost("no link here", None, pacing) == pytest.approx(0.015)
    assert post_cost("read https://a.example/x", None, pacing) == pytest.approx(0.2)
    assert post_cost("quote", "https://a.example/x", pacing) == pytest.approx(0.215)
    now = at("2026-11-28T12:00:00+00:00")
    assert blocked(pacing, now, last_post_at=None, sent_today=0, spent_this_month=0.8,
                   next_cost=0.2) is None
    reason, until = blocked(pacing, now, last_post_at=None, sent_today=0,
                            spent_this_month=0.85, next_cost=0.2)
    assert reason.startswith("monthly budget $1.00 reached")
    assert until == at("2026-12-01T00:00:00+00:00")


@pytest.mark.parametrize("bad", ["22-07", "25:00-07:00", "07:00-07:00", "soon"])
def test_bad_quiet_hours(bad: str) -> None:
    with pytest.raises(ValueError, match="quiet_hours"):
        parse_quiet_hours(bad)
