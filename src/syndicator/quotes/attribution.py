"""The data that passes between the quote engine's attribution stages, and the stage that
resolves an attributing phrase to a speaker's name ("resolve names").

    Span (found.py) ─join─► Joined ─situate─► Site ─rules─► Clue ─resolve─► Attribution
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from syndicator.models import QuoteKind
from syndicator.quotes.evidence import Evidence, Link, Route
from syndicator.quotes.found import Found, Span
from syndicator.quotes.speakers import Attributor, Cand, sentence_starts


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who said a quote, as far as the stages so far know, and why.

    ``speaker`` may be None although a phrase was found (a pronoun with no one before
    it): the quote still counts as attributed, and no later rule is tried."""

    speaker: str | None
    role: str | None
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Clue:
    """What an attribution rule found: the attributing phrase, before it is resolved.

    ``at`` is where the phrase is resolved from (a pronoun refers to the latest person
    before it); ``phrase`` is the evidence an editor reads. ``written`` says the phrase
    already is the name as written (a script line): no look-up in the name index."""

    cand: Cand
    route: Route
    at: int
    phrase: str
    written: bool = False


@dataclass(frozen=True, slots=True)
class Joined:
    """A quotation after the join stage; ``attribution`` is the one that stood between its
    parts ("“…,” she said, “…”"), if any."""

    span: Span
    attribution: Attribution | None = None


@dataclass(frozen=True, slots=True)
class Site:
    """A quotation in its place: what the attribution rules read around it."""

    index: int  # in the joined quotations (the index of its parse reading)
    span: Span
    body: str  # what stands inside the marks
    sentence_start: int  # the writer's sentence around it starts here (or after the
    # previous quotation of the paragraph, whichever is later)
    before: str  # the writer's words from there to the quotation
    limit: int  # an attribution after the quotation ends before this
    kind: QuoteKind

    @property
    def ended(self) -> bool:
        """The quotation ends a sentence of its own."""
        return self.body.rstrip()[-1:] in ".!?"

    @property
    def opens_alone(self) -> bool:
        """Nothing of the writer's sentence before it, or a colon introduces it."""
        return not self.before.strip() or self.before.rstrip().endswith(":")


@dataclass(slots=True)
class _Sentences:
    """Sentence starts of an article's paragraphs, found once per paragraph."""

    found: Found
    by_para: dict[int, list[int]] = field(default_factory=dict)

    def start(self, pi: int, pos: int) -> int:
        """Start of the sentence holding ``pos`` in paragraph ``pi``."""
        starts = self.by_para.get(pi)
        if starts is None:
            starts = self.by_para[pi] = sentence_starts(self.found.text, *self.found.paras[pi])
        k = bisect.bisect_left(starts, pos)
        return starts[k - 1] if k else self.found.paras[pi][0]


@dataclass(frozen=True, slots=True)
class Context:
    """One article as the attribution rules see it: its paragraphs and its name index.

    The name index learns each speaker as it is settled (a later "he" refers to them),
    so the per-quotation stages run in document order."""

    found: Found
    names: Attributor
    sentences: _Sentences

    @classmethod
    def of(cls, found: Found, names: Attributor) -> Context:
        return cls(found, names, _Sentences(found))

    @property
    def text(self) -> str:
        return self.found.text


def resolve(names: Attributor, clue: Clue) -> Attribution:
    """Stage "resolve names": the phrase a rule found as a speaker's fullest name (a later
    surname, a pronoun, a role introduced with a name), with the evidence for it."""
    if clue.written:
        return Attribution(clue.cand.text, None, Evidence(clue.route, Link.AS_WRITTEN,
                                                          clue.phrase))
    speaker, role, link = names.resolve(clue.cand, clue.at)
    text = clue.cand.text
    chain = (text, speaker) if speaker and text and text != speaker else ()
    return Attribution(speaker, role, Evidence(clue.route, link, clue.phrase, chain))


def squash(phrase: str) -> str:
    """The words of ``phrase`` separated by single spaces (as evidence is shown)."""
    return " ".join(phrase.split())


def limit_after(end: int, next_start: int | None, para_end: int) -> int:
    """Where an attribution after a quotation ending at ``end`` must end: in its paragraph,
    within 250 characters, before the next quotation."""
    lim = min(para_end, end + 250)
    return lim if next_start is None else min(lim, next_start)
