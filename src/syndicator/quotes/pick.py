"""Score quotes as pull-quotes and choose the best postable line (or none).

An editor wants a full, attributed, self-contained statement of about 8-40 words that
says something (an opinion, a vivid image), not a fragment or a procedural line. Long
quotes are cut into runs of whole sentences so a good sentence inside is still found.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import filterfalse

from syndicator.models import Quote, QuoteKind
from syndicator.quotes.lexicon import (
    DANGLING_STARTS,
    FIRST_PERSON,
    PROCEDURAL_WORDS,
    VIVID_WORDS,
)

MIN_WORDS, MAX_WORDS = 8, 40
THRESHOLD = 0.5
PROMINENCE_WEIGHT = 0.2
POSITION_WEIGHT = 0.06
_WORD = re.compile(r"[\w’'-]+")
_SENT_END = re.compile(r"(?<=[.!?…])[”’\"']?\s+(?=[\"“‘'(\[]?[A-Z0-9À-Þ])")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def score_text(text: str, kind: QuoteKind, speaker: str | None) -> float:
    """0..1: how well this line stands alone as a social post."""
    if speaker is None:
        return 0.0
    ws = words(text)
    n = len(ws)
    if n < MIN_WORDS or n > MAX_WORDS:
        return 0.0
    score = 0.55
    if 12 <= n <= 36:
        score += 0.1
    first = text.lstrip("\"'“‘[(").split(maxsplit=1)[0] if text.strip() else ""
    if kind is QuoteKind.PARTIAL:
        score -= 0.3
    if first[:1].islower():
        score -= 0.3
    if first.strip(",.").casefold() in DANGLING_STARTS:
        score -= 0.15
    if text.rstrip().endswith(("...", "…")):
        score -= 0.35
    low = list(map(str.casefold, ws))
    vivid = sum(map(VIVID_WORDS.__contains__, low))
    score += min(0.24, 0.08 * vivid)
    if not FIRST_PERSON.isdisjoint(low):
        score += 0.08
    if "!" in text:
        score += 0.03
    # a letters-only word holds no digit; the rest are checked character by character
    digits = sum(1 for w in filterfalse(str.isalpha, ws) if any(map(str.isdigit, w)))
    score -= min(0.3, 0.1 * digits)
    score -= min(0.2, 0.1 * sum(map(PROCEDURAL_WORDS.__contains__, low)))
    if text.rstrip()[-1:] in ".!?,":
        score += 0.04
    return max(0.0, min(1.0, score))


def sentence_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every run of whole sentences inside ``text`` of postable length."""
    bounds = [0] + [m.end() for m in _SENT_END.finditer(text)] + [len(text)]
    spans = [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]
    # a boundary follows white space, so a run's words are its sentences' words
    counts = [len(words(text[s:e])) for s, e in spans]
    runs = []
    for i in range(len(spans)):
        n = 0
        for j in range(i, len(spans)):
            s, e = spans[i][0], spans[j][1]
            n += counts[j]
            if n > MAX_WORDS:
                break
            if n >= MIN_WORDS and (i, j) != (0, len(spans) - 1):
                runs.append((s, e))
    return runs


def prominence(text: str, speakers: set[str], lead: str) -> dict[str, float]:
    """How central each speaker is to the story, 0..1: news writing names its main actor
    in the lead and keeps coming back to them (inverted pyramid)."""
    counts = {}
    seen: dict[str, tuple[int, bool]] = {}
    for speaker in speakers:
        key = speaker.split()[-1] if speaker.split() else speaker
        if key not in seen:
            seen[key] = (text.count(key), key in lead)
        counts[speaker] = seen[key]
    most = max((c for c, _ in counts.values()), default=0) or 1
    return {s: 0.6 * (1.0 if in_lead else 0.0) + 0.4 * min(1.0, c / most)
            for s, (c, in_lead) in counts.items()}


def _story_weight(q: Quote, central: dict[str, float], length: int) -> float:
    """Bonus for quotes by the story's protagonist and for quotes high in the story."""
    weight = PROMINENCE_WEIGHT * central.get(q.speaker or "", 0.0)
    if length:
        weight += POSITION_WEIGHT * (1.0 - min(1.0, q.start / length))
    return weight


def candidates(quotes: list[Quote], eligible: list[bool], *,
               central: dict[str, float] | None = None, length: int = 0,
               scored: bool = False, min_confidence: float = 0.0) -> list[Quote]:
    """Postable lines, best first: whole quotes and sentence runs cut from long ones.

    Ranking adds ``_story_weight`` to each line's own score; the exposed ``score`` stays
    the line's own quality (the threshold applies to it, not to the bonus). ``scored``
    says each quote's ``score`` already is ``score_text(q.text, q.kind, q.speaker)``.
    """
    central = central or {}
    pool: list[tuple[float, int, Quote]] = []
    for idx, (q, ok) in enumerate(zip(quotes, eligible, strict=True)):
        if not ok or q.speaker is None or q.confidence < min_confidence:
            continue  # a wrong name under a quote is worse than no quote
        bonus = _story_weight(q, central, length)
        whole = q.score if scored else score_text(q.text, q.kind, q.speaker)
        if whole >= THRESHOLD:
            pool.append((whole + 0.02 + bonus, idx, q if scored else replace(q, score=whole)))
        if q.kind is QuoteKind.PARTIAL:
            continue
        for s, e in sentence_runs(q.text):
            part = q.text[s:e].strip()
            sc = score_text(part, QuoteKind.FULL, q.speaker)
            if sc >= THRESHOLD:
                pool.append((sc + bonus, idx, replace(q, text=part, score=sc)))
    pool.sort(key=lambda t: (-t[0], t[1]))
    seen: set[str] = set()
    out = []
    for _, _, q in pool:
        if q.text in seen:
            continue
        seen.add(q.text)
        out.append(q)
    return out
