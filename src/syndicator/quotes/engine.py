"""analyse(text): find quotes, join interrupted ones, attribute, classify, score, pick."""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field, replace
from itertools import islice

from syndicator.article.boilerplate import boilerplate_flags
from syndicator.models import Quote, QuoteKind
from syndicator.quotes.backbone import Backbone, ParsedSpeaker, Reading, SpeakerKind
from syndicator.quotes.evidence import (
    AGREEMENT_FLOOR,
    DEFAULT_MIN_CONFIDENCE,
    DISAGREEMENT_FACTOR,
    NO_READING_FACTOR,
    Evidence,
    Link,
    Route,
)
from syndicator.quotes.lexicon import TITLE_CUES
from syndicator.quotes.marks import _MARK_RE, RawQuote, find_quotes, paragraphs
from syndicator.quotes.names import alternation, build_entities, find_mentions
from syndicator.quotes.pick import candidates as pick_candidates
from syndicator.quotes.pick import prominence, score_text
from syndicator.quotes.speakers import (
    VERB_RE,
    Attributor,
    Cand,
    caps_speaker,
    sentence_starts,
)

_TITLE_CUES = [*TITLE_CUES, "programm", "dem titel", "le titre"]
# "(?:cue|...)[\s,:]*$" searched in the text before a quote, read backwards instead: one
# anchored match on the reversed text, not an attempt at every position.
_TITLE_CUE_REV = re.compile(
    r"[\s,:]*(?:"
    + alternation(sorted((c[::-1] for c in _TITLE_CUES), key=len, reverse=True), re.IGNORECASE)
    + r")",
    re.IGNORECASE,
)
_SMALL = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "de",
        "la",
        "le",
        "les",
        "du",
        "des",
        "et",
        "y",
        "el",
        "en",
        "der",
        "die",
        "das",
        "und",
        "von",
        "auf",
        "dem",
    ]
)
_SAY_WORDS = ("dit", "dice", "sagt", "says", "said")
_SAY_NAME_END = re.compile(
    r"(?:\b(?:dit|dice|sagt|says|said)\s+(?:\w+\s+){0,2}[A-Z][\w-]+)\s*[,:]?$"
)
_EMBED_BEFORE = re.compile(
    r"(?:\b(?:a|an|the|his|her|their|its|our|of|to|as|by|de|la|le|les|un|une|una|el|los|der|die|das|ein|eine|zu)|[’'])\s*$",
    re.IGNORECASE,
)


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


@dataclass(slots=True)
class _Q(RawQuote):
    """A found quote while it is joined and attributed."""

    speaker: str | None = None
    role: str | None = None
    attributed: bool = False
    drop: bool = False
    evidence: Evidence | None = None

    def text(self, src: str) -> str:
        return " ".join(src[s:e] for s, e in self.parts)


_LOWER = re.compile(r"[a-zß-ÿ]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_UPPER = re.compile(r"[A-ZÀ-Þ]")
_LETTER_WORD = re.compile(r"[^\W\d_][\w’'-]*")


def _is_caps(para: str) -> bool:
    """An ALL-CAPS script (radio copy), where capitals say nothing about names."""
    upper = len(_UPPER.findall(para))
    if upper < 20:
        return False
    # at most 15% lower-case letters: stop counting at the first one too many
    too_many = math.floor(0.15 * upper)
    return next(islice(_LOWER.finditer(para), too_many, None), None) is None


def _title_case(s: str) -> bool:
    ws = _LETTER_WORD.findall(s)
    content = [w for w in ws if w.casefold() not in _SMALL]
    return bool(content) and all(w[0].isupper() for w in content)


def _is_headline(para: str) -> bool:
    p = para.strip()
    if len(p.split(None, 14)) > 14:
        return False  # more than 14 words (split no further than needed to know)
    return ("\n" not in p and p[-1:] not in ".!?:…。！？" and not p.endswith(("”", '"', "»"))) or (
        p[-1:] in "”\"'’»" and p[-2:-1] not in ".!?," and not VERB_RE.search(p)
    )


_NO_QUOTES = QuoteReport((), None, ())


def analyse(text: str, *, min_confidence: float = DEFAULT_MIN_CONFIDENCE,
            backbone: Backbone | None = None) -> QuoteReport:
    """All quotations in ``text`` with speakers and scores, and the pull-quote (or None).

    Only quotes whose speaker confidence reaches ``min_confidence`` become candidates.
    ``backbone`` (a parser for the article's language) checks and completes what the
    rules attribute; without one the rules decide alone.
    """
    if _MARK_RE.search(text) is None:
        return _NO_QUOTES  # no quotation mark: nothing to find, attribute or pick
    paras = paragraphs(text)
    raw = find_quotes(text, paras)
    qs = [
        _Q(r.start, r.end, r.parts, r.closed, r.family, r.para, r.last_para) for r in raw if r.parts
    ]
    para_texts = [text[s:e] for s, e in paras]
    chrome = boilerplate_flags(para_texts)
    if not any(not chrome[q.para] for q in qs):
        return _NO_QUOTES  # names are only looked for to attribute quotes
    para_starts = [s for s, _ in paras]
    caps = [_is_caps(p) for p in para_texts]
    spans = [(q.start, q.end) for q in qs]

    skip = [paras[i] for i, c in enumerate(caps) if c]
    mentions = find_mentions(text, skip, spans)
    headline = [_is_headline(p) for p in para_texts]
    heads = [paras[i] for i, h in enumerate(headline) if h]
    ents = build_entities(text, mentions, heads)
    att = Attributor(text, ents, spans)

    def para_of(pos: int) -> int:
        return max(0, bisect.bisect_right(para_starts, pos) - 1)

    starts_in: dict[int, list[int]] = {}

    def sentence_start(pi: int, pos: int) -> int:
        """Start of the sentence holding ``pos`` in paragraph ``pi`` (breaks found once)."""
        starts = starts_in.get(pi)
        if starts is None:
            starts = starts_in[pi] = sentence_starts(text, *paras[pi])
        k = bisect.bisect_left(starts, pos)
        return starts[k - 1] if k else paras[pi][0]

    # 1. Drop quotes in chrome; join quotes interrupted by their attribution.
    qs = [q for q in qs if not chrome[q.para]]
    joined: list[_Q] = []
    i = 0
    while i < len(qs):
        q = qs[i]
        j = i + 1
        while j < len(qs) and qs[j].para == q.last_para:
            r = qs[j]
            # A nickname inside the attribution ("2nd Squadron “Sabre,”") is skipped.
            if len(r.text(text).split()) <= 3 and _title_case(r.text(text)) and j + 1 < len(qs):
                nxt = qs[j + 1]
                if nxt.para == q.last_para and att.gap_attribution(q.end, nxt.start):
                    r.drop = True
                    j += 1
                    continue
            gap = att.gap_attribution(q.end, r.start)
            if gap is None:
                break
            ended_r = r.text(text).rstrip()[-1:] in ".!?"
            lim = _limit(text, r.end, qs, j + 1, paras[r.last_para][1])
            if att.after(r.end, lim, ended_r) is not None:
                break  # the second part has its own attribution: two quotes
            speaker, role, link = att.resolve(gap, q.end)
            q.evidence = _evidence(Route.INTERRUPTING, link, gap, speaker,
                                   text[q.end : r.start])
            q.parts.extend(r.parts)
            q.end, q.closed, q.last_para = r.end, r.closed, r.last_para
            q.speaker, q.role, q.attributed = speaker, role, True
            j += 1
        joined.append(q)
        i = j
    qs = [q for q in joined if not q.drop]
    readings: list[Reading] | None = (
        backbone.read(text, [q.parts for q in qs], paras) if backbone and qs else None
    )

    # 2. Attribute, classify and filter non-speech.
    out: list[Quote] = []
    eligible: list[bool] = []
    for idx, q in enumerate(qs):
        body = q.text(text)
        if not any(map(str.isalpha, body)):
            continue
        pi = q.para
        ps = paras[pi][0]
        s_start = max(
            sentence_start(pi, q.start),
            qs[idx - 1].end if idx and qs[idx - 1].last_para == pi else ps,
        )
        before_txt = text[s_start : q.start]
        ended = body.rstrip()[-1:] in ".!?"
        kind = _kind(body, before_txt)
        speech_verb = VERB_RE.search(before_txt) is not None
        if not q.attributed:
            lim = _limit(text, q.end, qs, idx + 1, paras[q.last_para][1])
            res = att.after(q.end, lim, ended)
            if res is not None:
                cand, found_end, route = res
                q.speaker, q.role, link = att.resolve(cand, q.start)
                q.evidence = _evidence(route, link, cand, q.speaker, text[q.end : found_end])
                q.attributed = True
        if not q.attributed:
            found = att.before(q.start, s_start, kind is QuoteKind.PARTIAL)
            if found is not None:
                cand, route = found
                q.speaker, q.role, link = att.resolve(cand, cand.start)
                q.evidence = _evidence(route, link, cand, q.speaker, text[cand.start : q.start])
                q.attributed = True
        if not q.attributed and (not before_txt.strip() or before_txt.rstrip().endswith(":")):
            if caps[pi] and pi > 0:
                q.speaker = caps_speaker(para_texts[pi - 1])
                q.attributed = q.speaker is not None
                if q.speaker is not None:
                    q.evidence = Evidence(Route.CAPS_SCRIPT, Link.AS_WRITTEN,
                                          para_texts[pi - 1].strip()[-80:])
            elif pi > 0 and not chrome[pi - 1]:
                intro = att.previous_paragraph(para_texts[pi - 1], paras[pi - 1][0])
                if intro is not None:
                    q.speaker, q.role, link = att.resolve(intro, intro.start)
                    q.evidence = _evidence(Route.PREVIOUS_PARAGRAPH, link, intro, q.speaker,
                                           para_texts[pi - 1].strip()[-80:])
                    q.attributed = True
        if _not_speech(text, q, body, before_txt, speech_verb, para_texts[pi], headline[pi]):
            continue
        confidence = _reconcile(q, readings[idx], att) if readings else (
            q.evidence.prior if q.speaker and q.evidence else 0.0)
        if q.speaker and (q.evidence is None or q.evidence.link is not Link.UNNAMED_ROLE):
            att.add_speaker(q.start, q.speaker)  # "a witness" is no referent for "he"
        q.speaker = _clean_speaker(q.speaker)
        score = score_text(body, kind, q.speaker)
        ev = q.evidence if q.speaker else None
        out.append(Quote(body, q.speaker, kind, q.start, q.end, score, q.role,
                         confidence=confidence if q.speaker else 0.0,
                         evidence=tuple(ev.lines()) if ev else ()))
        eligible.append(not headline[pi])
    lead = next((p for p, c in zip(para_texts, chrome, strict=True) if not c), "")
    central = prominence(text, {q.speaker for q in out if q.speaker}, lead)
    cands = pick_candidates(out, eligible, central=central, length=len(text), scored=True,
                            min_confidence=min_confidence)
    best = cands[0] if cands else None
    return QuoteReport(tuple(out), best, tuple(cands))


# When the parse names another speaker than the rules: the parse wins over a rules
# reading weaker than this prior (it saw the verb's subject; the rules only guessed).
PARSE_OVERRIDES_BELOW = 0.8


def _reconcile(q: _Q, reading: Reading, att: Attributor) -> float:
    """Check the rules' speaker against the parse's reading; the confidence that results."""
    ev = q.evidence if q.speaker else None
    prior = ev.prior if ev else 0.0
    p = reading.speaker
    if ev is not None and q.speaker in reading.places and ev.link is Link.AS_WRITTEN:
        prior *= DISAGREEMENT_FACTOR  # the parse reads the "name" as a place or a people
    if p is None:
        return prior * NO_READING_FACTOR  # the parse found no speaker where the rules did
    name, link = _parsed_name(p, att)
    if name is None:
        return prior * NO_READING_FACTOR
    desc = p.describe()
    if ev is not None and q.speaker and same_speaker(q.speaker, name):
        q.evidence = replace(ev, parse="agrees: " + desc)
        if p.kind is SpeakerKind.NAME and p.label and _longer_name(name, q.speaker):
            # the rules cut a name short ("Transportation Safety Board"): the entity is whole
            q.speaker = name
        elif p.person and _longer_name(q.speaker, name):
            # the rules kept an office or a place before the person ("Swimmer Michael
            # Phelps", "IC Gary Moses"): the entity model marks where the name starts
            q.speaker = name
        return max(prior, AGREEMENT_FLOOR)
    if ev is not None and link is Link.UNNAMED_ROLE and _definite_role(p):
        # "the Russian leader": someone named before whom the index could not find; the
        # rules' reading stands, no better and no worse for it
        q.evidence = replace(ev, parse="does not name: " + desc)
        return prior
    chain = (p.text, name) if name != p.text else ()
    parsed = Evidence(Route.PARSE, link, p.text, chain, parse=desc)
    if ev is None or prior < PARSE_OVERRIDES_BELOW:
        q.speaker, q.role = name, None
        q.evidence = parsed
        return parsed.prior * (DISAGREEMENT_FACTOR if ev is not None else 1.0) ** 0.5
    q.evidence = replace(ev, parse="disagrees: " + desc)
    return prior * DISAGREEMENT_FACTOR


def _parsed_name(p: ParsedSpeaker, att: Attributor) -> tuple[str | None, Link]:
    """The parse's phrase as a speaker name, through the article's name index."""
    if p.kind is SpeakerKind.PRONOUN:
        name, _, link = att.resolve(Cand("pron", p.text.casefold(), p.start, p.end), p.start)
        return name, link
    if p.kind is SpeakerKind.ROLE:
        if _definite_role(p):
            # "the president": someone the article has named; the rules' index knows whom
            noun = p.text.split(None, 1)[1].casefold() if " " in p.text else ""
            name, _, link = att.resolve(Cand("role", noun, p.start, p.end), p.start)
            return (name, link) if name else (p.text, Link.UNNAMED_ROLE)
        return p.text, Link.UNNAMED_ROLE
    m = att.mention_at(p.start, p.end)
    name = (m.canonical or m.name) if m is not None else att.ents.resolve(p.text, p.start)
    if p.label and _longer_name(p.text, name):
        name = p.text  # the rules' name index holds a cut-short form of this entity
    return name, Link.AS_WRITTEN if name == p.text else Link.SURNAME


_DEFINITE = frozenset({"the", "this", "that", "these", "those", "his", "her", "its", "their",
                       "le", "la", "les", "ce", "cette", "el", "los", "las", "der", "die", "das"})
_NAME_FILLER = frozenset({"the", "a", "an", "le", "la", "les", "el", "der", "die", "das"})


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


_SENTENCE_FULL_STOP = re.compile(r"(?<=[a-zà-ÿ]{3})\.$")


def _clean_speaker(speaker: str | None) -> str | None:
    """No sentence punctuation at the end of a name or role ("… State Department." -> "…
    State Department"); an abbreviation's full stop ("Jr.", "U.S.") stays."""
    if not speaker:
        return speaker
    return _SENTENCE_FULL_STOP.sub("", speaker.rstrip(" ,;:")) or speaker


def _evidence(route: Route, link: Link, cand: Cand, speaker: str | None,
              phrase: str) -> Evidence:
    chain = (cand.text, speaker) if speaker and cand.text and cand.text != speaker else ()
    return Evidence(route, link, " ".join(phrase.split()), chain)


def _limit(text: str, end: int, qs: list[_Q], nxt: int, para_end: int) -> int:
    lim = min(para_end, end + 250)
    if nxt < len(qs):
        lim = min(lim, qs[nxt].start)
    return lim


def _kind(body: str, before: str) -> QuoteKind:
    first = body.lstrip(" .…[(-–—'\"‘“")
    if not first:
        return QuoteKind.PARTIAL
    b = before.rstrip()
    if first[0].islower():
        # "comme le dit Madame Boustani « ces … »": speech introduced by verb + name.
        if any(v in b for v in _SAY_WORDS) and _SAY_NAME_END.search(b):
            return QuoteKind.FULL
        return QuoteKind.PARTIAL
    # ``b`` has no trailing space, so a match starts within the last five characters.
    if b and _EMBED_BEFORE.search(b, max(0, len(b) - 6)) and not b.endswith((":", ",")):
        return QuoteKind.PARTIAL
    return QuoteKind.FULL


def _not_speech(
    text: str, q: _Q, body: str, before: str, speech_verb: bool, para: str, headline: bool
) -> bool:
    """Titles, names, scare quotes and headline claims are not anyone's speech.

    ``headline`` is ``_is_headline(para)``.
    """
    n = len(body.split()) + (0 if body.isascii() else len(_CJK.findall(body)) // 2)
    cue_ctx = text[max(0, q.start - 30) : q.start]
    if _TITLE_CUE_REV.match(cue_ctx[::-1]):
        return True
    if n <= 8 and _title_case(body) and not q.attributed:
        return True
    if (
        n <= 3
        and not (q.attributed and speech_verb)
        and not (q.attributed and q.speaker and _after_attr(text, q))
    ):
        return True
    if q.family == "S" and n < 5 and not q.attributed:
        return True
    if headline and n <= 6 and not speech_verb:
        return True
    # A short line that is nothing but a quoted title.
    return n <= 8 and not q.attributed and not para.replace(body, "").strip(" \t\n\"“”«»„'‘’")


def _after_attr(text: str, q: _Q) -> bool:
    tail = text[q.end : q.end + 40]
    return VERB_RE.search(tail) is not None
