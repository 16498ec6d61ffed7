"""Fuzz the feed-to-post chain (parse → article text → quotes → compose) for minutes.

Runs the properties of ``tests/test_fuzz_pipeline.py`` (the same strategies and checks,
imported from there) with Hypothesis in rounds of ``--round`` examples until the time is
up, alternating between generated feeds and generated article bodies. Prints executions,
executions per second, how deep the inputs went (feeds parsed, articles, quotes, posts)
and every distinct failure with its minimal falsifying example. Figures, not assertions;
the exit status is 1 when something failed.

Nothing is written into the repository: no Hypothesis example database is used, and
Hypothesis' own caches go to a temporary directory.

    python bench/fuzz.py [--minutes 2] [--only feed|article] [--round 100]
                         [--shrink-seconds 60]
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests"))


@dataclass
class Failure:
    """One distinct failure: its first (shrunk) report and how often it recurred."""

    key: str
    report: str
    example: str = ""  # repr of the arguments of the last (minimal) failing run
    times: int = 1


@dataclass
class Run:
    executions: dict[str, int] = field(default_factory=dict)
    shrinking: int = 0  # executions spent shrinking new failures (part of the above)
    failures: dict[str, Failure] = field(default_factory=dict)
    rounds: int = 0
    in_shrink: bool = False
    last_failing: dict[str, dict[str, Any]] = field(default_factory=dict)


def _key(exc: BaseException) -> str:
    """Exception type and the innermost frame of ours (src/ or tests/) it passed."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f.filename.startswith(str(REPO))] or frames
    where = ours[-1] if ours else None
    place = (f"{Path(where.filename).relative_to(REPO)}:{where.lineno}"
             if where and where.filename.startswith(str(REPO)) else "?")
    return f"{type(exc).__name__} at {place}"


def _report(exc: BaseException) -> str:
    """The failure as Hypothesis reports it: where, the error and the falsifying example
    (a note Hypothesis attaches to the exception, which format_exception_only shows)."""
    tail = traceback.format_tb(exc.__traceback__)[-3:]
    return "".join(tail) + "".join(traceback.format_exception_only(type(exc), exc))


def _leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for sub in exc.exceptions for leaf in _leaves(sub)]
    return [exc]


def run_round(name: str, run: Run, tally: Any, examples: int) -> None:
    """One Hypothesis run of property ``name``. A failure already reported is counted
    and passed over (so it is not shrunk again and the search goes on elsewhere)."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.reporting import with_reporter

    import test_fuzz_pipeline as fuzz

    strategies, body = fuzz.PROPERTIES[name]

    def prop(**kwargs: Any) -> None:
        run.executions[name] = run.executions.get(name, 0) + 1
        run.shrinking += run.in_shrink
        try:
            body(**kwargs, tally=tally)
        except Exception as exc:
            key = _key(exc)
            known = run.failures.get(key)
            if known is None:
                # new: Hypothesis shrinks it now and replays the minimal example last
                run.in_shrink = True
                run.last_failing[key] = kwargs
                raise
            known.times += 1

    test = given(**strategies)(settings(
        max_examples=examples, deadline=None, database=None, derandomize=False,
        phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck),
    )(prop))
    try:
        with with_reporter(_hypothesis_says):
            test()
    except Exception as exc:
        for leaf in _leaves(exc):
            key = _key(leaf)
            if key in run.failures:
                run.failures[key].times += 1
            else:
                example = repr(run.last_failing.get(key, ""))
                run.failures[key] = Failure(key, _report(leaf), example)
                print(f"  new failure ({name}): {key}", flush=True)
    run.in_shrink = False
    run.rounds += 1


def _hypothesis_says(message: object) -> None:
    """Hypothesis' own messages, but its five-minute shrinking notice: here shrinking
    stops after --shrink-seconds (the minimal example is then the best found so far)."""
    text = str(message)
    if "to shrink a failing test case" in text:
        print("  (shrinking stopped at --shrink-seconds)", flush=True)
    elif text.strip():
        print(text, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--only", choices=["feed", "article"])
    parser.add_argument("--round", type=int, default=100, help="examples per Hypothesis run")
    parser.add_argument("--shrink-seconds", type=int, default=60,
                        help="cap on shrinking one failure (Hypothesis' own cap is 300 s)")
    args = parser.parse_args()

    # No example database, and Hypothesis' caches (it keeps some under .hypothesis/
    # even without a database) go to a temporary directory, not into the repository.
    from hypothesis.configuration import set_hypothesis_home_dir

    home = tempfile.TemporaryDirectory(prefix="fuzz-hypothesis-")
    set_hypothesis_home_dir(home.name)
    # Hypothesis keeps shrinking a slow test for up to five minutes; a bench run is
    # given in minutes, so shrinking gets a cap of its own (an internal setting).
    from hypothesis.internal.conjecture import engine

    if hasattr(engine, "MAX_SHRINKING_SECONDS"):
        engine.MAX_SHRINKING_SECONDS = args.shrink_seconds
    # The pipeline logs each account a post does not fit; feedparser warns of its own
    # deprecations. Neither is a finding.
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")

    import test_fuzz_pipeline as fuzz

    names = [args.only] if args.only else list(fuzz.PROPERTIES)
    run, tally = Run(), fuzz.Tally()
    fuzz.pipeline()  # the in-memory store, outside the timing
    started = time.perf_counter()
    stop = started + args.minutes * 60
    print(f"fuzzing {', '.join(names)} for {args.minutes:g} min, {args.round} examples a round")
    while time.perf_counter() < stop:
        for name in names:
            if time.perf_counter() >= stop:
                break
            run_round(name, run, tally, args.round)
    elapsed = time.perf_counter() - started

    total = sum(run.executions.values())
    print(f"\n{elapsed:,.0f} s, {run.rounds} rounds")
    for name in names:
        print(f"  {name:8} {run.executions.get(name, 0):8,} executions")
    print(f"executions  {total:10,}" + (f" ({run.shrinking:,} of them shrinking failures)"
                                         if run.shrinking else ""))
    print(f"exec/s      {total / elapsed:10,.1f}")
    print(f"reached     {tally.feeds:,} feeds ({tally.not_feeds:,} FeedError), "
          f"{tally.articles:,} articles, {tally.quotes:,} quotes, {tally.candidates:,} "
          f"candidates, {tally.posts:,} posts, {tally.no_fit:,} accounts with no post "
          "that fits")
    failing = sum(f.times for f in run.failures.values())
    print(f"failures    {len(run.failures):10,} distinct ({failing:,} failing runs)")
    for failure in run.failures.values():
        print(f"\n--- {failure.key} (seen {failure.times}x)\n{failure.report}")
        print(f"minimal example, as passed: {failure.example}")
    home.cleanup()
    return 1 if run.failures else 0


if __name__ == "__main__":
    sys.exit(main())
