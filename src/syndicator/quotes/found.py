"""Stages 1 and 2 of the quote engine: the quotations in a text, the paragraphs they stand
in (with what each paragraph is: site chrome, an all-caps script, a headline), and the
article's index of names that the attribution rules resolve phrases against."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import islice

from syndicator.article.boilerplate import boilerplate_flags
from syndicator.quotes.marks import _MARK_RE, find_quotes, paragraphs
from syndicator.quotes.names import build_entities, find_mentions
from syndicator.quotes.speakers import VERB_RE, Attributor

Offsets = tuple[tuple[int, int], ...]

_LOWER = re.compile(r"[a-zß-ÿ]")
_UPPER = re.compile(r"[A-ZÀ-Þ]")


@dataclass(frozen=True, slots=True)
class Span:
    """One quotation as its marks delimit it; offsets are in the article's text.

    ``parts`` are the quoted stretches inside the marks (more than one once the parts of
    a quote interrupted by its attribution are joined); ``para`` and ``last_para`` index
    the paragraphs it opens and closes in.
    """

    start: int
    end: int
    parts: Offsets
    closed: bool
    family: str  # the kind of marks: "D" double, "S" single, "G" guillemets, …
    para: int
    last_para: int

    def text(self, src: str) -> str:
        """What stands inside the marks, the parts joined by one space."""
        return " ".join(src[s:e] for s, e in self.parts)


@dataclass(frozen=True, slots=True)
class Found:
    """Stage 1's output: an article's paragraphs, what each one is, and its quotations."""

    text: str
    paras: Offsets
    para_texts: tuple[str, ...]
    chrome: tuple[bool, ...]  # site chrome (share prompts, related links …)
    caps: tuple[bool, ...]  # an all-caps script, where capitals say nothing of names
    headline: tuple[bool, ...]  # a heading: it introduces no one's quotation
    quotes: tuple[Span, ...]  # every quotation, those in chrome too (see ``live``)

    @property
    def live(self) -> tuple[Span, ...]:
        """The quotations outside site chrome: the only ones that are attributed."""
        return tuple(q for q in self.quotes if not self.chrome[q.para])


def find(text: str) -> Found | None:
    """The quotations of ``text`` and its paragraphs; None when there is nothing to
    attribute (no quotation mark, or quotations in site chrome only)."""
    if _MARK_RE.search(text) is None:
        return None  # no quotation mark: nothing to find, attribute or pick
    paras = paragraphs(text)
    quotes = tuple(
        Span(r.start, r.end, tuple(r.parts), r.closed, r.family, r.para, r.last_para)
        for r in find_quotes(text, paras)
        if r.parts
    )
    para_texts = tuple(text[s:e] for s, e in paras)
    chrome = tuple(boilerplate_flags(list(para_texts)))
    if all(chrome[q.para] for q in quotes):
        return None  # names are only looked for to attribute quotes
    return Found(
        text,
        tuple(paras),
        para_texts,
        chrome,
        tuple(is_caps(p) for p in para_texts),
        tuple(is_headline(p) for p in para_texts),
        quotes,
    )


def index_names(found: Found) -> Attributor:
    """Stage 2: the article's name mentions, indexed to their fullest form, behind the
    attributor that resolves phrases ("Doe", "he", "the minister") to speakers.

    Names inside quotations (chrome ones too) are nobody's attribution; capitals in an
    all-caps script are no names; a headline introduces nobody."""
    text = found.text
    spans = [(q.start, q.end) for q in found.quotes]
    skip = [found.paras[i] for i, c in enumerate(found.caps) if c]
    mentions = find_mentions(text, skip, spans)
    heads = [found.paras[i] for i, h in enumerate(found.headline) if h]
    return Attributor(text, build_entities(text, mentions, heads), spans)


def is_caps(para: str) -> bool:
    """An ALL-CAPS script (radio copy), where capitals say nothing about names."""
    upper = len(_UPPER.findall(para))
    if upper < 20:
        return False
    # at most 15% lower-case letters: stop counting at the first one too many
    too_many = math.floor(0.15 * upper)
    return next(islice(_LOWER.finditer(para), too_many, None), None) is None


def is_headline(para: str) -> bool:
    """A short line without a sentence's end, or a short quoted claim with no verb of
    speech: a heading, not a sentence of the story."""
    p = para.strip()
    if len(p.split(None, 14)) > 14:
        return False  # more than 14 words (split no further than needed to know)
    return ("\n" not in p and p[-1:] not in ".!?:…。！？" and not p.endswith(("”", '"', "»"))) or (
        p[-1:] in "”\"'’»" and p[-2:-1] not in ".!?," and not VERB_RE.search(p)
    )
