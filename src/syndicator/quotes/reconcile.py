"""Stage "reconcile" of the quote engine: the rules' speaker checked against the language
backbone's reading of the same quotation, and the confidence that results.

Agreement lifts the confidence to at least ``AGREEMENT_FLOOR`` (and a whole entity
replaces a name the rules cut short); the parse overrides a weak rules reading (prior
below ``PARSE_OVERRIDES_BELOW``) and otherwise scales it by ``DISAGREEMENT_FACTOR``; no
reading where the rules named someone scales it by ``NO_READING_FACTOR``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from syndicator.quotes.attribution import Attribution
from syndicator.quotes.backbone import ParsedSpeaker, Reading, SpeakerKind
from syndicator.quotes.evidence import (
    AGREEMENT_FLOOR,
    DISAGREEMENT_FACTOR,
    LINK_PRIOR,
    NO_READING_FACTOR,
    Evidence,
    Link,
    Route,
)
from syndicator.quotes.names import split_name
from syndicator.quotes.speakers import Attributor, Cand

# When the parse names another speaker than the rules: the parse wins over a rules
# reading weaker than this prior (it saw the verb's subject; the rules only guessed).
PARSE_OVERRIDES_BELOW = 0.8

_DEFINITE = frozenset({"the", "this", "that", "these", "those", "his", "her", "its", "their",
                       "le", "la", "les", "ce", "cette", "el", "los", "las", "der", "die", "das"})
_NAME_FILLER = frozenset({"the", "a", "an", "le", "la", "les", "el", "der", "die", "das"})
_LETTER_WORD = re.compile(r"[^\W\d_][\w’'-]*")

Reconciled = tuple[Attribution | None, float]


def confidence_of(attribution: Attribution | None) -> float:
    """The confidence of the rules' attribution alone: its evidence's prior."""
    return attribution.evidence.prior if attribution and attribution.speaker else 0.0


def reconcile(names: Attributor, attribution: Attribution | None,
              reading: Reading) -> Reconciled:
    """The attribution after the parse's reading of the quotation, and its confidence."""
    a = attribution if attribution and attribution.speaker else None
    prior = confidence_of(a)
    if a is not None and a.speaker in reading.places and a.evidence.link is Link.AS_WRITTEN:
        prior *= DISAGREEMENT_FACTOR  # the parse reads the "name" as a place or a people
    p = reading.speaker
    name, link = _parsed_name(p, names) if p is not None else (None, Link.AS_WRITTEN)
    if p is None or name is None:
        return attribution, prior * NO_READING_FACTOR  # the parse found no speaker
    if a is None:
        return _parsed(p, name, link, 1.0)
    return _checked(a, prior, p, name, link)


def _checked(a: Attribution, prior: float, p: ParsedSpeaker, name: str,
             link: Link) -> Reconciled:
    """The rules named someone (with confidence ``prior``) and so does the parse."""
    if same_speaker(a.speaker or "", name):
        # the parse confirms which phrase is the verb's subject; how a pronoun or a role
        # became a name it took from the same index as the rules, so that step's own
        # doubt stays
        return _agreed(a, p, name), max(prior, AGREEMENT_FLOOR * LINK_PRIOR[link])
    if link is Link.UNNAMED_ROLE and _definite_role(p):
        # "the Russian leader": someone named before whom the index could not find; the
        # rules' reading stands, no better and no worse for it
        return _noted(a, "does not name: " + p.describe()), prior
    if prior < PARSE_OVERRIDES_BELOW:
        return _parsed(p, name, link, DISAGREEMENT_FACTOR)
    return _noted(a, "disagrees: " + p.describe()), prior * DISAGREEMENT_FACTOR


def _parsed(p: ParsedSpeaker, name: str, link: Link, factor: float) -> Reconciled:
    """The parse's speaker instead of the rules' (``factor``: they named someone else)."""
    chain = (p.text, name) if name != p.text else ()
    parsed = Evidence(Route.PARSE, link, p.text, chain, parse=p.describe())
    return Attribution(name, None, parsed), parsed.prior * factor ** 0.5


def _noted(a: Attribution, verdict: str) -> Attribution:
    return replace(a, evidence=replace(a.evidence, parse=verdict))


def _agreed(a: Attribution, p: ParsedSpeaker, name: str) -> Attribution:
    """The rules' attribution, confirmed by the parse; the parse's name where it is the
    whole of one the rules cut short."""
    speaker = a.speaker or ""
    if (p.kind is SpeakerKind.NAME and p.label and _longer_name(name, speaker)
            and split_name(name.split(), False)[1] != speaker.split()):
        # (but not where the longer entity only adds an office the rules split off:
        # "IC Gary Moses" is Gary Moses)
        # the rules cut a name short ("Transportation Safety Board"): the entity is whole
        speaker = name
    elif p.person and _longer_name(speaker, name):
        # the rules kept an office or a place before the person ("Swimmer Michael
        # Phelps", "IC Gary Moses"): the entity model marks where the name starts
        speaker = name
    return Attribution(speaker, a.role, replace(a.evidence, parse="agrees: " + p.describe()))


def _parsed_name(p: ParsedSpeaker, names: Attributor) -> tuple[str | None, Link]:
    """The parse's phrase as a speaker name, through the article's name index."""
    if p.kind is SpeakerKind.NAME and not p.text.startswith("@") and (
            p.text.islower() or not p.text[:1].isalnum()):
        # "elect" of "the president-elect" is no name, nor is a stray mark ("»")
        return None, Link.AS_WRITTEN
    if p.kind is SpeakerKind.PRONOUN:
        name, _, link = names.resolve(Cand("pron", p.text.casefold(), p.start, p.end), p.start)
        return name, link
    if p.kind is SpeakerKind.ROLE and _clause(p.text):
        return None, Link.AS_WRITTEN  # a whole clause is no role ("Alors que la gauche …")
    if p.kind is SpeakerKind.ROLE:
        if _definite_role(p):
            # "the president": someone the article has named; the rules' index knows whom
            noun = p.text.split(None, 1)[1].casefold() if " " in p.text else ""
            name, _, link = names.resolve(Cand("role", noun, p.start, p.end), p.start)
            return (name, link) if name else (p.text, Link.UNNAMED_ROLE)
        return p.text, Link.UNNAMED_ROLE
    m = names.mention_at(p.start, p.end)
    name = (m.canonical or m.name) if m is not None else names.ents.resolve(p.text, p.start)
    if p.label and _longer_name(p.text, name):
        name = p.text  # the rules' name index holds a cut-short form of this entity
    return name, Link.AS_WRITTEN if name == p.text else Link.SURNAME


_SUBORDINATORS = frozenset({"que", "qui", "that", "which", "who", "dass", "weil", "porque",
                            "quien", "cuando", "quand", "when", "while", "alors"})


def _clause(phrase: str) -> bool:
    """A phrase too long, or with a subordinating word, to be one noun phrase."""
    words = phrase.casefold().replace("'", " ").replace("’", " ").split()
    return len(words) > 10 or not _SUBORDINATORS.isdisjoint(words)


def _definite_role(p: ParsedSpeaker) -> bool:
    """A role phrase that points back at someone ("the president", "his spokesman")."""
    return p.kind is SpeakerKind.ROLE and p.text.split(None, 1)[0].casefold() in _DEFINITE


def _longer_name(whole: str, part: str) -> bool:
    """``whole`` holds every word of ``part`` and more before them ("National …")."""
    w, p = whole.split(), part.split()
    if w and w[0].casefold() in _NAME_FILLER:
        w = w[1:]  # "The Daily Mail" is no longer a name than "Daily Mail"
    return len(w) > len(p) and w[-len(p):] == p


def same_speaker(a: str, b: str) -> bool:
    """Do two readings name the same speaker ("Donald Trump" and "Trump" do)?"""
    ta = [w for w in _LETTER_WORD.findall(a.casefold()) if w not in _NAME_FILLER]
    tb = [w for w in _LETTER_WORD.findall(b.casefold()) if w not in _NAME_FILLER]
    if not ta or not tb:
        return False
    sa, sb = set(ta), set(tb)
    return sa <= sb or sb <= sa or ta[-1] == tb[-1]
