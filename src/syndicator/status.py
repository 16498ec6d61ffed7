"""`syndicate status` and `history`: what the daemon knows, as data and as text."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from syndicator.app import account_setup
from syndicator.config import LoadedConfig, masked_url
from syndicator.delivery import Clock, utc_now
from syndicator.logs import printable
from syndicator.pacing import blocked, local_day_start, local_month_start
from syndicator.store import Delivery, Store


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def collect_status(loaded: LoadedConfig, store: Store, *,
                   clock: Clock = utc_now) -> dict[str, Any]:
    config = loaded.config
    feeds = []
    for feed in config.feeds:
        state = store.feed_state(feed.name)
        next_poll = state.last_poll_at + feed.every if state and state.last_poll_at else None
        feeds.append({
            "name": feed.name, "url": feed.url, "every": int(feed.every.total_seconds()),
            "last_poll": _iso(state.last_poll_at) if state else None,
            "last_ok": _iso(state.last_ok_at) if state else None,
            "result": state.last_status if state else "never polled",
            "error": state.last_error if state else None,
            "items": state.items if state else 0,
            "consecutive_failures": state.consecutive_failures if state else 0,
            "next_poll": _iso(next_poll),
        })
    accounts = []
    now = clock()
    for name, account in config.accounts.items():
        acct_state = store.account_state(name)
        paused = acct_state.paused_until is not None and acct_state.paused_until > now
        pacing = account_setup(loaded, name).pacing
        spent = store.cost_since(name, local_month_start(now, pacing.timezone))
        sent_today = store.sent_since(name, local_day_start(now, pacing.timezone))
        waiting = None if paused else blocked(
            pacing, now, last_post_at=acct_state.last_post_at, sent_today=sent_today,
            spent_this_month=spent)
        accounts.append({
            "name": name, "platform": account.platform,
            "state": "paused" if paused else "waiting" if waiting else "ok",
            "paused_until": None if not paused or acct_state.paused_until is None
            or acct_state.paused_until.year == 9999 else _iso(acct_state.paused_until),
            "reason": acct_state.pause_reason if paused else waiting[0] if waiting else None,
            "last_post": _iso(acct_state.last_post_at),
            "posts_today": sent_today,
            "budget": {"spent": round(spent, 3), "monthly": pacing.monthly_budget}
            if pacing.monthly_budget is not None else None,
        })
    recent = [_delivery_row(d) for d in store.deliveries(statuses=("sent",), limit=5)]
    where = str(config.state) if config.state_path else masked_url(str(config.state))
    return {"state": where, "feeds": feeds, "accounts": accounts,
            "outbox": store.counts(), "recent": recent}


def _delivery_row(d: Delivery) -> dict[str, Any]:
    return {"id": d.id, "feed": d.feed, "account": d.account, "platform": str(d.platform),
            "status": d.status, "title": d.article_title, "article": d.article_link,
            "remote_id": d.remote_id, "remote_url": d.remote_url, "error": d.last_error,
            "attempts": d.attempts, "created": _iso(d.created_at), "sent": _iso(d.sent_at),
            "due": _iso(d.due_at)}


def render_status(report: dict[str, Any]) -> str:
    lines = [f"state: {report['state']}", "", "feeds:"]
    for f in report["feeds"]:
        problem = f"  ({f['consecutive_failures']} failures: {f['error']})" if f["error"] else ""
        lines.append(f"  {f['name']}: {f['result']}, {f['items']} items, last poll "
                     f"{f['last_poll'] or 'never'}, next {f['next_poll'] or 'at start'}{problem}")
    lines += ["", "accounts:"]
    for a in report["accounts"]:
        if a["state"] == "paused":
            until = f" until {a['paused_until']}" if a["paused_until"] else \
                " until fixed (run `syndicate check`)"
            lines.append(f"  {a['name']} ({a['platform']}): PAUSED{until}: {a['reason']}")
        else:
            budget = a["budget"]
            spend = f", budget ${budget['spent']:.2f} of ${budget['monthly']:.2f} this month" \
                if budget else ""
            waiting = f" (waiting: {a['reason']})" if a["state"] == "waiting" else ""
            lines.append(f"  {a['name']} ({a['platform']}): ok{waiting}, {a['posts_today']} "
                         f"post(s) today, last {a['last_post'] or 'never'}{spend}")
    outbox = report["outbox"]
    lines += ["", "outbox: " + (", ".join(f"{n} {s}" for s, n in sorted(outbox.items()))
                                or "empty")]
    if report["recent"]:
        lines += ["", "latest posts:"]
        lines += [f"  {r['sent']} {r['account']}: {printable(r['title'] or '')} -> "
                  f"{r['remote_url'] or r['remote_id']}" for r in report["recent"]]
    return "\n".join(lines)


def collect_history(store: Store, *, limit: int, feed: str | None,
                    account: str | None) -> list[dict[str, Any]]:
    rows = []
    for d in store.deliveries(feed=feed, account=account, limit=limit):
        row = _delivery_row(d)
        row["attempts_log"] = [{"started": _iso(a.started_at), "finished": _iso(a.finished_at),
                                "outcome": a.outcome, "error": a.error,
                                "remote_id": a.remote_id} for a in store.attempts(d.id)]
        rows.append(row)
    return rows


def render_history(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "nothing posted yet"
    lines = []
    for r in rows:
        where = r["remote_url"] or r["remote_id"] or ""
        reason = f" — {printable(r['error'])}" if r["error"] else ""
        lines.append(f"#{r['id']} {r['sent'] or r['created']} {r['account']} {r['status']}: "
                     f"{printable(r['title'] or '')} {where}{reason}".rstrip())
    return "\n".join(lines)
