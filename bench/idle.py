"""Benchmark: the daemon idling on 50 feeds that all answer 304, and the start-up time.

Runs `syndicate run` as a subprocess with 50 feeds polled every 60 s from a local feed
server (after each feed's first poll, every answer is 304 Not Modified) for 3 minutes,
and prints the daemon's CPU seconds per minute and its peak RSS, read from /proc.
Also times `syndicate --help` (heavy libraries must be imported lazily).
Targets: <= 2 CPU-seconds per minute, <= 120 MB RSS, `--help` <= 0.3 s.

    python bench/idle.py [--feeds 50] [--minutes 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def help_time(repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "syndicator", "--help"], check=True,
                       capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--every", default="60s")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="syndicator-idle-"))
    feeds = work / "feeds"
    feeds.mkdir()
    sample = (REPO / "config" / "sample-feed.xml").read_bytes()
    for n in range(args.feeds):
        (feeds / f"feed{n}.xml").write_bytes(sample.replace(b"hypeline.example",
                                                            f"site{n}.example".encode()))
    fakes = subprocess.Popen([sys.executable, "-m", "tests.fakes", "--feed-dir", str(feeds)],
                             cwd=REPO, stdout=subprocess.PIPE, text=True)
    daemon = None
    try:
        info = json.loads(fakes.stdout.readline())  # type: ignore[union-attr]
        base = info["feeds"]["url"]
        feed_yaml = "".join(
            f"  - {{name: feed{n}, url: '{base}/feed{n}.xml', every: {args.every}, "
            f"post_to: [x, facebook], fetch_article: never}}\n" for n in range(args.feeds))
        config = work / "syndicator.yaml"
        config.write_text(f"""state: state.db
feeds:
{feed_yaml}accounts:
  x: {{platform: twitter, consumer_key: '${{XK}}', consumer_secret: '${{XS}}',
      access_token: '${{XT}}', access_token_secret: '${{XTS}}', api_url: '{info['x']['url']}'}}
  facebook: {{platform: facebook, page_id: '{info['facebook']['page_id']}',
      access_token: '${{FBT}}', graph_url: '{info['facebook']['url']}'}}
""")
        env = dict(os.environ, XK=info["x"]["consumer_key"], XS=info["x"]["consumer_secret"],
                   XT=info["x"]["access_token"], XTS=info["x"]["access_token_secret"],
                   FBT=info["facebook"]["access_token"])
        daemon = subprocess.Popen([sys.executable, "-m", "syndicator", "--config", str(config),
                                   "run"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        time.sleep(15)  # let every feed do its first (full) poll
        cpu_start, started = cpu_seconds(daemon.pid), time.monotonic()
        time.sleep(args.minutes * 60)
        cpu_used, elapsed = cpu_seconds(daemon.pid) - cpu_start, time.monotonic() - started
        rss = peak_rss_mb(daemon.pid)
        daemon.send_signal(signal.SIGTERM)
        code = daemon.wait(15)
        per_minute = cpu_used / (elapsed / 60)
        print(f"feeds: {args.feeds}, every {args.every}, measured {elapsed / 60:.1f} min "
              "after the first polls")
        print(f"cpu: {per_minute:.3f} CPU-seconds per minute (target <= 2)")
        print(f"peak rss: {rss:.1f} MB (target <= 120)")
        print(f"exit on SIGTERM: {code}")
        print(f"`syndicate --help`: {help_time():.3f} s median (target <= 0.3)")
    finally:
        if daemon is not None and daemon.poll() is None:
            daemon.kill()
        fakes.terminate()
        fakes.wait(5)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
