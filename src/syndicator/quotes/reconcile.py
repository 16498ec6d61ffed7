"""Stage "reconcile" of the quote engine: the rules' speaker checked against the language
backbone's reading of the same quotation.

It decides *who*: agreement keeps the rules' speaker (a whole entity replaces a name the
rules cut short); the parse overrides a weak rules reading (its route and link priors
below ``PARSE_OVERRIDES_BELOW``) and otherwise its disagreement is noted. What the parse
said stays in the evidence, where the next stage (calibration) reads how sure to be.
"""

from __future__ import annotations

import re
from dataclasses import replace

from syndicator.quotes.attribution import Attribution
from syndicator.quotes.backbone import ParsedSpeaker, Reading, SpeakerKind
from syndicator.quotes.evidence import Evidence, Link, Route
from syndicator.quotes.names import split_name
from syndicator.quotes.speakers import Attributor, Cand

# When the parse names another speaker than the rules: the parse wins over a rules
# reading weaker than this prior (it saw the verb's subject; the rules only guessed).
PARSE_OVERRIDES_BELOW = 0.8
# A "name" the parse reads as a place or a people weighs this much less in that choice.
PLACE_DOUBT = 0.5

_DEFINITE = frozenset({"the", "this", "that", "these", "those", "his", "her", "its", "their",
                       "le", "la", "les", "ce", "cette", "el", "los", "las", "der", "die", "das"})
_NAME_FILLER = frozenset({"the", "a", "an", "le", "la", "les", "el", "der", "die", "das"})
_LETTER_WORD = re.compile(r"[^\W\d_][\w’'-]*")

def reconcile(names: Attributor, attribution: Attribution | None,
              reading: Reading) -> Attribution | None:
    """The attribution after the parse's reading of the quotation."""
    a = attribution if attribution and attribution.speaker else None
    prior = a.evidence.prior if a is not None else 0.0
    if a is not None and a.speaker in reading.places and a.evidence.link is Link.AS_WRITTEN:
        # the parse reads the "name" as a place or a people ("French")
        a = _noted(a, f"disagrees: {a.speaker!r} reads as a place or a people")
        prior *= PLACE_DOUBT
    p = reading.speaker
    name, link = _parsed_name(p, names) if p is not None else (None, Link.AS_WRITTEN)
    if p is None or name is None:
        return a if a is not None else attribution  # the parse found no speaker
    if a is None:
        return _parsed(p, name, link)
    return _checked(a, prior, p, name, link)


def _checked(a: Attribution, prior: float, p: ParsedSpeaker, name: str,
             link: Link) -> Attribution:
    """The rules named someone (their route and link give ``prior``) and so does the parse."""
    if same_speaker(a.speaker or "", name):
        return _agreed(a, p, name)
    if link is Link.UNNAMED_ROLE and _definite_role(p):
        # "the Russian leader": someone named before whom the index could not find; the
        # rules' reading stands
        return _noted(a, "does not name: " + p.describe())
    if prior < PARSE_OVERRIDES_BELOW:
        return _parsed(p, name, link)
    return _noted(a, "disagrees: " + p.describe())


def _parsed(p: ParsedSpeaker, name: str, link: Link) -> Attribution:
    """The parse's speaker instead of the rules'."""
    chain = (p.text, name) if name != p.text else ()
    return Attribution(name, None, Evidence(Route.PARSE, link, p.text, chain,
                                            parse=p.describe()))


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
