"""analyse(text): the quote engine as a composition of stages with typed data between them.

    find ──► index names ──► join ──► read (backbone, optional)
      Found    Attributor     Joined    Reading
    then, for each quotation in document order:
    situate ──► attribute (rules) ──► resolve names ──► classify ──► reconcile ──► calibrate
      Site        Clue                  Attribution       speech?     Attribution   confidence
    and for the article:
    score and pick (abstaining below the confidence floor) ──► QuoteReport

The per-quotation stages run one quotation at a time because the name index learns each
settled speaker (a later "he" refers to them). Pure: no I/O, no clock, no randomness.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from syndicator.models import Quote
from syndicator.quotes.attribution import Attribution, Clue, Context, Joined, Site, resolve
from syndicator.quotes.backbone import Backbone, Reading
from syndicator.quotes.calibration import calibrated
from syndicator.quotes.classify import is_speech
from syndicator.quotes.evidence import DEFAULT_MIN_CONFIDENCE, Link
from syndicator.quotes.found import Found, find, index_names
from syndicator.quotes.join import join
from syndicator.quotes.pick import candidates as pick_candidates
from syndicator.quotes.pick import prominence, score_text
from syndicator.quotes.reconcile import reconcile, same_speaker
from syndicator.quotes.rules import ATTRIBUTION_RULES, Rule, attribute, situate

__all__ = ["QuoteReport", "Verdict", "analyse", "judge", "read", "run", "same_speaker",
           "score_and_pick"]


@dataclass(frozen=True, slots=True)
class QuoteReport:
    """Quotes in document order, the chosen pull-quote, and every postable candidate."""

    quotes: tuple[Quote, ...]
    pull_quote: Quote | None
    candidates: tuple[Quote, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        """The ``syndicate quotes --json`` contract."""
        return {
            "quotes": [q.as_dict() for q in self.quotes],
            "pull_quote": self.pull_quote.as_dict() if self.pull_quote else None,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    """One quotation through the per-quotation stages."""

    site: Site
    clue: Clue | None  # what the attribution rules found (None: joined, or nothing)
    attribution: Attribution | None  # the rules' attribution, resolved
    speech: bool  # classify: False drops the quotation (a title, a scare quote …)
    final: Attribution | None = None  # after the parse's reading, if any
    confidence: float = 0.0


_NO_QUOTES = QuoteReport((), None, ())
_SENTENCE_FULL_STOP = re.compile(r"(?<=[a-zà-ÿ]{3})\.$")


def analyse(text: str, *, min_confidence: float = DEFAULT_MIN_CONFIDENCE,
            backbone: Backbone | None = None) -> QuoteReport:
    """All quotations in ``text`` with speakers and scores, and the pull-quote (or None).

    Only quotes whose speaker confidence reaches ``min_confidence`` become candidates.
    ``backbone`` (a parser for the article's language) checks and completes what the
    rules attribute; without one the rules decide alone.
    """
    return run(text, min_confidence=min_confidence, backbone=backbone)


def run(text: str, *, rules: Sequence[Rule] = ATTRIBUTION_RULES,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
        backbone: Backbone | None = None) -> QuoteReport:
    """``analyse`` with a list of attribution rules of one's own (tried in order)."""
    found = find(within_reading_length(text))
    if found is None:
        return _NO_QUOTES
    ctx = Context.of(found, index_names(found))
    joined = join(found, ctx.names)
    verdicts = judge(ctx, joined, read(backbone, found, joined), rules)
    return score_and_pick(found, verdicts, min_confidence)


# The longest text the engine reads: some 10,000 words, more than any news story (a long
# read runs to 8,000). Feeds carry what strangers write; what lies beyond is no story's
# quote, but costs time (an item packed with quotations, 60,000 characters of them, takes
# about 0.7 s).
MAX_TEXT_CHARS = 60_000


# The backbone parses the paragraphs of this many quotations at most (a story has far
# fewer; an item of thousands would cost seconds and hundreds of MB): the rules alone
# decide the rest.
MAX_PARSED_QUOTES = 150


def within_reading_length(text: str) -> str:
    """``text`` up to ``MAX_TEXT_CHARS``, cut after the last whole paragraph that fits
    (offsets into the result are offsets into ``text``)."""
    if len(text) <= MAX_TEXT_CHARS:
        return text
    cut = text.rfind("\n\n", 0, MAX_TEXT_CHARS)
    return text[:cut if cut > 0 else MAX_TEXT_CHARS]


def read(backbone: Backbone | None, found: Found,
         joined: Sequence[Joined]) -> tuple[Reading, ...] | None:
    """The backbone's reading of each joined quotation, the first ``MAX_PARSED_QUOTES``
    of them; None without a backbone."""
    if backbone is None or not joined:
        return None
    return tuple(backbone.read(found.text, [j.span.parts for j in joined[:MAX_PARSED_QUOTES]],
                               found.paras))


def judge(ctx: Context, joined: Sequence[Joined], readings: Sequence[Reading] | None,
          rules: Sequence[Rule] = ATTRIBUTION_RULES) -> tuple[Verdict, ...]:
    """Each quotation with letters, attributed, classified and reconciled, in order."""
    out: list[Verdict] = []
    for idx, quote in enumerate(joined):
        site = situate(ctx, joined, idx)
        if site is None:
            continue
        clue, attribution = None, quote.attribution
        if attribution is None:
            clue = attribute(ctx, site, rules)
            attribution = resolve(ctx.names, clue) if clue is not None else None
        if not is_speech(ctx.found, site, attribution):
            out.append(Verdict(site, clue, attribution, speech=False))
            continue
        final = (reconcile(ctx.names, attribution, readings[idx])
                 if readings and idx < len(readings) else attribution)
        confidence = calibrated(final.evidence) if final and final.speaker else 0.0
        if (final is not None and final.speaker
                and final.evidence.link not in (Link.UNNAMED_ROLE, Link.BARE_ROLE)):
            # the freshest referent for a later "he" ("a witness" is nobody's referent)
            ctx.names.add_speaker(site.span.start, final.speaker)
        elif final is not None and final.speaker and final.evidence.link is Link.UNNAMED_ROLE:
            ctx.names.add_unnamed(site.span.start, final.speaker)
        out.append(Verdict(site, clue, attribution, True, final, confidence))
    return tuple(out)


def score_and_pick(found: Found, verdicts: Sequence[Verdict],
                   min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> QuoteReport:
    """The quotations that are speech, scored, and the pull-quote: the best line among
    those whose speaker confidence reaches ``min_confidence`` (None below it)."""
    kept = [v for v in verdicts if v.speech]
    out = [_quote(found.text, v) for v in kept]
    eligible = [not found.headline[v.site.span.para] for v in kept]
    lead = next((p for p, c in zip(found.para_texts, found.chrome, strict=True) if not c), "")
    central = prominence(found.text, {q.speaker for q in out if q.speaker}, lead)
    cands = pick_candidates(out, eligible, central=central, length=len(found.text), scored=True,
                            min_confidence=min_confidence)
    return QuoteReport(tuple(out), cands[0] if cands else None, tuple(cands))


def _quote(text: str, v: Verdict) -> Quote:
    a, site = v.final, v.site
    speaker = _clean_speaker(a.speaker if a else None)
    ev = a.evidence if a and speaker else None
    return Quote(site.body, speaker, site.kind, site.span.start, site.span.end,
                 score_text(site.body, site.kind, speaker), a.role if a else None,
                 confidence=v.confidence if speaker else 0.0,
                 evidence=tuple(ev.lines()) if ev else ())


def _clean_speaker(speaker: str | None) -> str | None:
    """No sentence punctuation at the end of a name or role ("… State Department." -> "…
    State Department"); an abbreviation's full stop ("Jr.", "U.S.") stays."""
    if not speaker:
        return speaker
    return _SENTENCE_FULL_STOP.sub("", speaker.rstrip(" ,;:")) or speaker

