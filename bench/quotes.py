"""Score the pull-quote engine against the labelled articles and print the figures.

Usage: python bench/quotes.py [SHARED_DIR] [--dir DIR] [--verbose] [--repeat N]

SHARED_DIR defaults to ``../shared`` next to the repository (quotes-dev/*.json and
examples/*.quotes.json are read from it). ``--dir DIR`` scores every ``*.json`` in DIR
instead (same format as quotes-dev, e.g. tests/fixtures/quotes-heldout). A found quote
matches a labelled one when their word-bag F1 is at least 0.8 (one-to-one, best pairs
first).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from syndicator.article import html_to_text  # noqa: E402
from syndicator.backbones import backbone_for  # noqa: E402
from syndicator.models import Quote  # noqa: E402
from syndicator.quotes import analyse as _analyse  # noqa: E402
from syndicator.quotes import names as _names  # noqa: E402

MATCH_F1 = 0.8
USE_PARSE = False  # --backbone spacy: each article read with its language's model


def analyse(text: str, language: str = "en", **kw: Any) -> Any:
    """The engine as the product runs it: with the article language's backbone, if any."""
    return _analyse(text, backbone=backbone_for(language) if USE_PARSE else None, **kw)

TARGETS = {"f1": 0.93, "speaker_accuracy": 0.90, "pull_precision": 0.97, "coverage": 0.60,
           "articles_per_s": 500.0}
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Labelled:
    """One gold-labelled article."""

    name: str
    text: str
    quotes: list[dict[str, object]]
    best: list[str]
    language: str = "en"


def default_shared() -> Path:
    return REPO.parent / "shared"


def _labelled(name: str, d: dict[str, Any], text: str | None = None) -> Labelled:
    return Labelled(name, d["text"] if text is None else text, d["quotes"], d.get("best", []),
                    d.get("language", "en"))


def load(shared: Path) -> list[Labelled]:
    """Every labelled article under quotes-dev/ and examples/."""
    out: list[Labelled] = []
    for path in sorted((shared / "quotes-dev").glob("*.json")):
        d = json.loads(path.read_text(encoding="utf-8"))
        out.append(_labelled(f"quotes-dev/{path.name}", d))
    for path in sorted((shared / "examples").glob("*.quotes.json")):
        stem = path.name.removesuffix(".quotes.json")
        d = json.loads(path.read_text(encoding="utf-8"))
        src = next(
            (p for p in path.parent.glob(stem + ".*") if p.suffix in (".txt", ".html")), None
        )
        if src is None:
            continue
        raw = src.read_text(encoding="utf-8")
        text = html_to_text(raw) if src.suffix == ".html" else raw
        out.append(_labelled(f"examples/{src.name}", {**d, "text": text}))
    return out


def load_dir(directory: Path) -> list[Labelled]:
    """Every ``*.json`` labelled article in ``directory`` (the quotes-dev format)."""
    return [
        _labelled(f"{directory.name}/{path.name}", json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(directory.glob("*.json"))
    ]


def bag(text: str) -> Counter[str]:
    return Counter(t.casefold() for t in _TOKEN.findall(text))


def bag_f1(a: str, b: str) -> float:
    ba, bb = bag(a), bag(b)
    common = sum((ba & bb).values())
    if not common:
        return 0.0
    p, r = common / sum(ba.values()), common / sum(bb.values())
    return 2 * p * r / (p + r)


def containment(part: str, whole: str) -> float:
    """Share of ``part``'s words found in ``whole`` (a pull-quote may be an excerpt)."""
    bp, bw = bag(part), bag(whole)
    total = sum(bp.values())
    return sum((bp & bw).values()) / total if total else 0.0


def norm_speaker(s: object) -> str | None:
    return " ".join(str(s).casefold().split()) if s else None


def match(found: list[Quote], gold: list[dict[str, object]]) -> list[tuple[int, int]]:
    """One-to-one pairs (found index, gold index) with word-bag F1 >= 0.8."""
    scored = []
    for i, q in enumerate(found):
        for j, g in enumerate(gold):
            f = bag_f1(q.text, str(g["text"]))
            if f >= MATCH_F1:
                scored.append((f, i, j))
    scored.sort(key=lambda t: -t[0])
    used_f: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, i, j in scored:
        if i not in used_f and j not in used_g:
            used_f.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return pairs


def evaluate(articles: list[Labelled], verbose: bool = False, *,
             min_confidence: float | None = None) -> dict[str, float]:
    """Precision, recall, F1, speaker accuracy and pull-quote figures over ``articles``.

    Coverage is the share of articles with an attributable labelled quote (one with a
    speaker) that get a pull-quote at all.
    """
    n_found = n_gold = n_match = n_speaker = 0
    picks = picks_ok = with_best = best_hits = no_best = none_ok = 0
    attributable = covered = 0
    for art in articles:
        rep = (analyse(art.text, art.language) if min_confidence is None
               else analyse(art.text, art.language, min_confidence=min_confidence))
        found = list(rep.quotes)
        pairs = match(found, art.quotes)
        n_found += len(found)
        n_gold += len(art.quotes)
        n_match += len(pairs)
        ok_speakers = 0
        for i, j in pairs:
            if norm_speaker(found[i].speaker) == norm_speaker(art.quotes[j]["speaker"]):
                ok_speakers += 1
            elif verbose:
                print(f"  {art.name}: speaker {found[i].speaker!r} != {art.quotes[j]['speaker']!r}"
                      f" for {found[i].text[:50]!r}")  # fmt: skip
        n_speaker += ok_speakers
        if verbose:
            mf = {i for i, _ in pairs}
            mg = {j for _, j in pairs}
            for i, q in enumerate(found):
                if i not in mf:
                    print(f"  {art.name}: EXTRA {q.text[:70]!r} ({q.speaker})")
            for j, g in enumerate(art.quotes):
                if j not in mg:
                    print(f"  {art.name}: MISSED {str(g['text'])[:70]!r} ({g['speaker']})")
        pick = rep.pull_quote
        if any(g["speaker"] for g in art.quotes):
            attributable += 1
            covered += pick is not None
        if pick is not None:
            picks += 1
            real = any(
                containment(pick.text, str(g["text"])) >= MATCH_F1
                and norm_speaker(pick.speaker) == norm_speaker(g["speaker"])
                for g in art.quotes
            )
            picks_ok += real
            if verbose and not real:
                print(f"  {art.name}: BAD PICK {pick.text[:70]!r} ({pick.speaker})")
        if art.best:
            with_best += 1
            hit = pick is not None and any(bag_f1(pick.text, b) >= MATCH_F1 for b in art.best)
            best_hits += hit
            if verbose and not hit:
                print(f"  {art.name}: pick {pick.text[:60] if pick else None!r} not in best")
        else:
            no_best += 1
            none_ok += pick is None
    precision = n_match / n_found if n_found else 1.0
    recall = n_match / n_gold if n_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "articles": len(articles),
        "found": n_found,
        "labelled": n_gold,
        "matched": n_match,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "speaker_accuracy": n_speaker / n_match if n_match else 1.0,
        "pull_precision": picks_ok / picks if picks else 1.0,
        "picks": picks,
        "coverage": covered / attributable if attributable else 1.0,
        "attributable": attributable,
        "pull_in_best": best_hits / with_best if with_best else 1.0,
        "with_best": with_best,
        "none_when_no_best": none_ok / no_best if no_best else 1.0,
        "no_best": no_best,
    }


CURVE = (0.0, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9)


def report(r: dict[str, float]) -> None:
    """The figures of one evaluation, with their targets."""
    print(f"quotes found / labelled  {r['found']} / {r['labelled']} (matched {r['matched']})")
    print(f"quote precision          {r['precision']:.3f}")
    print(f"quote recall             {r['recall']:.3f}")
    print(f"quote F1                 {r['f1']:.3f}   (target >= {TARGETS['f1']})")
    sa, pp = r["speaker_accuracy"], r["pull_precision"]
    print(f"speaker accuracy         {sa:.3f}   (target >= {TARGETS['speaker_accuracy']})")
    picks = f"{r['picks']} picks"
    print(f"pull-quote precision     {pp:.3f}   (target >= {TARGETS['pull_precision']}; {picks})")
    print(f"pull-quote coverage      {r['coverage']:.3f}   (target >= {TARGETS['coverage']}; "
          f"{r['attributable']} articles with an attributable quote)")  # fmt: skip
    print(
        f"pull-quote in best       {r['pull_in_best']:.3f}   ({r['with_best']} articles with best)"
    )
    print(f"no pick when best=[]     {r['none_when_no_best']:.3f}   ({r['no_best']} articles)")


def eight_hundred_words(articles: list[Labelled], language: str | None = None) -> str:
    """An ~800-word news text built from labelled paragraphs (quotes included), from
    articles in ``language`` if given (and there are any)."""
    if language is not None:
        articles = [a for a in articles if a.language == language] or articles
    paras: list[str] = []
    count = 0
    for art in articles:
        for p in art.text.split("\n\n"):
            if count >= 800:
                break
            paras.append(p)
            count += len(p.split())
    return "\n\n".join(paras)


def throughput(text: str, repeat: int, cold: bool = False) -> float:
    """Articles per second on one core; ``cold`` empties the name cache before each run."""
    analyse(text)
    t0 = time.perf_counter()
    for _ in range(repeat):
        if cold:
            _names.clear_caches()
        analyse(text)
    return repeat / (time.perf_counter() - t0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("shared", nargs="?", type=Path, default=default_shared())
    ap.add_argument("--dir", type=Path, help="score every *.json in this directory instead")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every miss")
    ap.add_argument("--repeat", type=int, default=500, help="runs for the speed figure")
    ap.add_argument("--backbone", choices=("rules", "spacy"), default="rules",
                    help="spacy: parse each article with its language's model, if installed")
    args = ap.parse_args(argv)
    global USE_PARSE
    USE_PARSE = args.backbone == "spacy"
    source = args.dir if args.dir is not None else args.shared
    articles = load_dir(args.dir) if args.dir is not None else load(args.shared)
    if not articles:
        print(f"no labelled articles under {source}", file=sys.stderr)
        return 2
    r = evaluate(articles, args.verbose)
    # the speed text is analysed as English: with the parse, it must be English (a German
    # text through the English model times a parse no article gets)
    seed = eight_hundred_words(articles, "en" if USE_PARSE else None)
    speed = throughput(seed, args.repeat)
    cold = throughput(seed, args.repeat, cold=True)
    t0 = time.perf_counter()
    for art in articles:
        analyse(art.text, art.language)
    corpus_speed = len(articles) / (time.perf_counter() - t0)
    print(f"labelled articles        {r['articles']} ({source})")
    report(r)
    print(f"articles/s (800 words)   {speed:.0f}   (target >= {TARGETS['articles_per_s']:.0f}; "
          f"{len(seed.split())} words; {1000 / speed:.1f} ms an article)")  # fmt: skip
    print(f"articles/s (800, cold)   {cold:.0f}   (name cache emptied before every article)")
    print(f"articles/s (labelled)    {corpus_speed:.0f}")
    languages = sorted({a.language for a in articles})
    if len(languages) > 1:
        print("\nper language   arts  quotes   F1     speaker  pull-prec (picks)  coverage")
        for lang in languages:
            sub = evaluate([a for a in articles if a.language == lang])
            print(f"  {lang:<12} {sub['articles']:>4}  {sub['labelled']:>6}   {sub['f1']:.3f}  "
                  f"{sub['speaker_accuracy']:.3f}    {sub['pull_precision']:.3f} "
                  f"({sub['picks']:>3})        {sub['coverage']:.3f}")  # fmt: skip
    print("\nprecision-coverage over quote_min_confidence")
    print("  min_conf  pull-prec (picks)  coverage")
    for threshold in CURVE:
        c = evaluate(articles, min_confidence=threshold)
        print(f"  {threshold:<8.2f}  {c['pull_precision']:.3f} ({c['picks']:>3})        "
              f"{c['coverage']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
