"""Check labelled articles against the conventions of shared/quotes-dev/README.md.

Usage: python tools/check_labels.py FILE_OR_DIR [...]

Prints one line per problem and exits 1 if there is any, including a source address
labelled twice anywhere among the files given.

Splits: ``tune/`` holds every article labelled before 2026-12-03 (the first frozen test
split, 70 articles chosen by ``split_of``, was reported and then opened for tuning);
``test/`` holds only articles labelled afterwards by people who never ran the engine on
them, committed before the engine was run on them.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

KEYS = {"source", "licence", "language", "title", "text", "quotes", "not_quotes", "best"}
OPENING_MARKS = set("\"“‘'«„‚‹»›”’「『")
LANGUAGES = {"en", "fr", "de", "es"}


def split_of(source: str) -> str:
    """How the first test split was chosen: ``test`` for half of all sources (by the
    first hex digit of their SHA-1), else ``tune``."""
    return "test" if hashlib.sha1(source.encode("utf-8")).hexdigest()[0] in "01234567" else "tune"


def parts_of(quote_text: str, text: str, start: int) -> list[tuple[int, int]] | None:
    """Offsets of the quote's parts in ``text`` from ``start``: whole, else split at spaces."""
    at = text.find(quote_text, start)
    if at >= 0:
        return [(at, at + len(quote_text))]
    words = quote_text.split(" ")
    for cut in range(1, len(words)):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        h = text.find(head, start)
        if h < 0:
            break
        rest = parts_of(tail, text, h + len(head))
        if rest is not None:
            return [(h, h + len(head)), *rest]
    return None


def check(path: Path) -> list[str]:
    problems: list[str] = []
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{path}: not readable JSON: {exc}"]
    if set(d) != KEYS:
        problems.append(f"{path}: keys {sorted(d)} != {sorted(KEYS)}")
        return problems
    if d["language"] not in LANGUAGES:
        problems.append(f"{path}: language {d['language']!r} not one of {sorted(LANGUAGES)}")
    if not d["source"].startswith("http") or not d["licence"]:
        problems.append(f"{path}: source must be an address and licence must be set")
    text: str = d["text"]
    pos = 0
    for q in d["quotes"]:
        if set(q) != {"text", "speaker", "kind"} or q["kind"] not in ("full", "partial"):
            problems.append(f"{path}: bad quote entry {q!r}")
            continue
        found = parts_of(q["text"], text, pos)
        if found is None:
            problems.append(f"{path}: quote not found in order: {q['text'][:60]!r}")
            continue
        first = found[0][0]
        if first == 0 or (text[first - 1] not in OPENING_MARKS and not text[first - 1].isspace()):
            problems.append(f"{path}: no quotation mark before {q['text'][:40]!r}")
        pos = found[0][1]
    for nq in d["not_quotes"]:
        if nq not in text:
            problems.append(f"{path}: not_quote not in text: {nq[:60]!r}")
    quote_texts = [q["text"] for q in d["quotes"]]
    for best in d["best"]:
        if not any(best in qt for qt in quote_texts):
            problems.append(f"{path}: best is not inside a quote: {best[:60]!r}")
        if not 8 <= len(best.split()) <= 40:
            problems.append(f"{path}: best has {len(best.split())} words (8-40): {best[:40]!r}")
    return problems


def main(argv: list[str]) -> int:
    files: list[Path] = []
    for arg in argv:
        p = Path(arg)
        files.extend(sorted(p.rglob("*.json")) if p.is_dir() else [p])
    problems = [line for f in files for line in check(f)]
    sources: dict[str, Path] = {}
    for f in files:
        try:
            src = json.loads(f.read_text(encoding="utf-8"))["source"]
        except (OSError, ValueError, KeyError):
            continue
        if src in sources:
            problems.append(f"{f}: same source as {sources[src]}")
        sources[src] = f
    for line in problems:
        print(line)
    print(f"{len(files)} file(s), {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--split":
        print(split_of(sys.argv[2]))
        raise SystemExit(0)
    raise SystemExit(main(sys.argv[1:]))
