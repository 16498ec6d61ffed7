"""Score boilerplate removal on the labelled article bodies and print the figures.

Usage: python bench/boilerplate.py [--split tune|test|all] [--lib-python PATH] [--verbose]

Each body in ``tests/fixtures/boilerplate/{tune,test}/*.json`` carries its HTML (a feed
item's content, or a whole page), the paragraphs that are site chrome and a few article
paragraphs that must stay. A feed body goes through ``html_to_text``, a page through
``extract_main_text``. Printed per split: chrome blocks removed / labelled (recall) and
article paragraphs wrongly removed (the damage), for

* ``before``: the code of commit ``BASELINE`` (read with ``git show``; skipped without git),
* ``ours``: the working tree,
* ``newspaper4k`` and ``trafilatura``, when ``--lib-python`` names an interpreter that has
  them (a throwaway venv: ``python -m venv /tmp/bpvenv && /tmp/bpvenv/bin/pip install
  newspaper4k trafilatura 'lxml[html-clean]'``); this script runs itself there with
  ``--emit-libs``.

Matching (``chrome_left``, ``kept``) compares words only (case, punctuation and spacing
ignored). A chrome block of four words or more is left when its words appear in order
anywhere in the output; a shorter one ("Share", "Read more") only when an output line is
mostly that block, so "Twitter" inside a sentence is not mistaken for the share button.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "boilerplate"
BASELINE = "6bb9243"  # the last commit before issue 9's boilerplate work
_WORD = re.compile(r"\w+")

Extract = Callable[[str, str], str]  # (kind, html) -> text


def norm(text: str) -> str:
    """Lower-case words joined by single spaces."""
    return " ".join(_WORD.findall(text.casefold()))


def chrome_left(block: str, text: str) -> bool:
    """True when the labelled chrome ``block`` survived in ``text``."""
    nb = norm(block)
    if not nb:
        return False
    if len(nb.split()) >= 4:
        return f" {nb} " in f" {norm(text)} "
    for line in text.splitlines():
        nl = norm(line)
        if f" {nb} " in f" {nl} " and len(nl) <= 3 * len(nb) + 10:
            return True
    return False


def kept(block: str, text: str) -> bool:
    """True when the article paragraph ``block`` is still in ``text``."""
    return f" {norm(block)} " in f" {norm(text)} "


def load(split: str) -> list[tuple[str, dict[str, Any]]]:
    splits = ("tune", "test") if split == "all" else (split,)
    return [
        (f"{s}/{p.stem}", json.loads(p.read_text(encoding="utf-8")))
        for s in splits
        for p in sorted((FIXTURES / s).glob("*.json"))
    ]


def ours() -> Extract:
    sys.path.insert(0, str(REPO / "src"))
    from syndicator.article.extract import extract_main_text
    from syndicator.article.text import html_to_text

    return lambda kind, html: extract_main_text(html) if kind == "page" else html_to_text(html)


def before() -> Extract | None:
    """The article code of commit ``BASELINE``, loaded as a private package."""
    pkg = "_bp_before"
    sources = {}
    for mod in ("boilerplate", "text", "extract"):
        try:
            sources[mod] = subprocess.run(
                ["git", "-C", str(REPO), "show", f"{BASELINE}:src/syndicator/article/{mod}.py"],
                capture_output=True, text=True, check=True,
            ).stdout
        except (OSError, subprocess.CalledProcessError):
            return None
    sys.modules[pkg] = types.ModuleType(pkg)
    for mod in ("boilerplate", "text", "extract"):
        module = types.ModuleType(f"{pkg}.{mod}")
        sys.modules[module.__name__] = module
        code = sources[mod].replace("syndicator.article.", f"{pkg}.")
        exec(compile(code, f"{BASELINE}:{mod}.py", "exec"), module.__dict__)
    text, extract = sys.modules[f"{pkg}.text"], sys.modules[f"{pkg}.extract"]
    return lambda kind, html: (
        extract.extract_main_text(html) if kind == "page" else text.html_to_text(html)
    )


def emit_libs() -> None:
    """Run inside the library venv: JSON bodies on stdin, each library's texts on stdout."""
    bodies = json.load(sys.stdin)
    out: dict[str, list[str]] = {}
    try:
        import trafilatura

        out["trafilatura"] = [trafilatura.extract(b["html"]) or "" for b in bodies]
    except ImportError:
        pass
    try:
        from newspaper import Article

        texts = []
        for b in bodies:
            art = Article(b.get("url") or "https://example.invalid/")
            art.download(input_html=b["html"])
            art.parse()
            texts.append(art.text or "")
        out["newspaper4k"] = texts
    except ImportError:
        pass
    json.dump(out, sys.stdout)


def lib_texts(python: str, bodies: list[dict[str, Any]]) -> dict[str, list[str]]:
    payload = json.dumps([{"html": b["html"], "url": b.get("url")} for b in bodies])
    done = subprocess.run(
        [python, __file__, "--emit-libs"], input=payload, capture_output=True, text=True,
        check=True,
    )
    result: dict[str, list[str]] = json.loads(done.stdout)
    return result


def score(
    cases: list[tuple[str, dict[str, Any]]], texts: list[str], verbose: bool, who: str
) -> dict[str, dict[str, int]]:
    """Per split: chrome labelled/removed, keep labelled/lost, bodies."""
    tally: dict[str, dict[str, int]] = {}
    for (name, case), text in zip(cases, texts, strict=True):
        split = name.split("/")[0]
        for key in (split, f"{split} {case['kind']}s", "all"):
            t = tally.setdefault(key, {"chrome": 0, "removed": 0, "keep": 0, "lost": 0})
            left = [c for c in case["chrome"] if chrome_left(c, text)]
            lost = [k for k in case["keep"] if not kept(k, text)]
            t["chrome"] += len(case["chrome"])
            t["removed"] += len(case["chrome"]) - len(left)
            t["keep"] += len(case["keep"])
            t["lost"] += len(lost)
            if verbose and key == split:
                for c in left:
                    print(f"  {who:12} {name}: chrome left: {c[:90]!r}")
                for k in lost:
                    print(f"  {who:12} {name}: article lost: {k[:90]!r}")
    return tally


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("tune", "test", "all"), default="all")
    ap.add_argument("--lib-python", help="interpreter with newspaper4k and trafilatura")
    ap.add_argument("--verbose", action="store_true", help="list every miss")
    ap.add_argument("--emit-libs", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.emit_libs:
        emit_libs()
        return
    cases = load(args.split)
    bodies = [c for _, c in cases]
    runs: dict[str, list[str]] = {}
    old = before()
    if old is not None:
        runs["before"] = [old(b["kind"], b["html"]) for b in bodies]
    new = ours()
    runs["ours"] = [new(b["kind"], b["html"]) for b in bodies]
    if args.lib_python:
        runs.update(lib_texts(args.lib_python, bodies))
    sites = {b["site"] for b in bodies}
    langs = sorted({b["language"] for b in bodies})
    print(f"{len(bodies)} bodies from {len(sites)} sites, languages {', '.join(langs)}")
    print(f"{'extractor':12} {'split':10} {'chrome removed':>18} {'recall':>7} "
          f"{'article lost':>14}")
    for who, texts in runs.items():
        tally = score(cases, texts, args.verbose, who)
        for split in ("tune", "tune feeds", "tune pages", "test", "test feeds", "test pages",
                      "all"):
            if split not in tally:
                continue
            t = tally[split]
            recall = t["removed"] / t["chrome"] if t["chrome"] else 0.0
            print(f"{who:12} {split:10} {t['removed']:>8} / {t['chrome']:<7} {recall:>7.2f} "
                  f"{t['lost']:>6} / {t['keep']:<6}")


if __name__ == "__main__":
    main()
