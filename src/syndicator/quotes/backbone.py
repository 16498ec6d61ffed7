"""The language backbone: a dependency parse read for the speaker of each quotation.

The speaker is the subject of a verb of speech or writing (found by its lemma, or by the
quotation hanging from it as a clausal complement), expanded to its whole entity or noun
phrase; "according to X" names a source without a verb. The parse comes from a spaCy
pipeline that the caller loads (lazily, once per process) and passes in; this module only
reads it, so the quote engine stays pure. Languages without a model get no backbone and
the rules attribute alone.

The parse is the cost of an analysis, so only what a reading uses is parsed: the
paragraphs that hold a quote (a long one only around its quotes, in whole sentences), and
named entities (half a parse's time) only in the sentence of a verb of speech near a quote
and in the words next to it, where the rules find their speaker.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Protocol

from syndicator.quotes.lang import PARSE_RESOURCES, ParseResources


class Parser(Protocol):
    """Parses texts into one document each (spaCy's ``Language.pipe``), leaving named
    entities out if it can: ``entities`` tags them later where they are needed."""

    def __call__(self, texts: list[str]) -> Iterable[Any]: ...

    def entities(self, spans: Sequence[Any]) -> None:
        """Tag the named entities of these spans (of documents it returned) in place. A
        parser that tagged them with the rest does nothing."""

_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "nsubj:pass", "expl:subj"})
_COMPLEMENT_DEPS = frozenset({"ccomp", "parataxis", "dobj", "obj", "xcomp", "dep", "conj"})
# Parts of a subject's subtree that are not the speaker's name or role.
_CUT_DEPS = frozenset({"relcl", "acl", "acl:relcl", "appos", "punct", "advcl", "cc", "conj",
                       "parataxis", "dep"})
_PRONOUN_POS = frozenset({"PRON"})
_NEAR = 200  # characters around a quote in which its verb of speech is looked for
# Characters around a quote in which the rules' speaker is checked against the entity
# model's places: against tagging whole paragraphs, no analysis of the 364 quotes of
# dev, tune and test changes (60 changes one: a name 65 characters before its quote).
_PLACES_NEAR = 100
# Tokens of context around the words whose entities are tagged: the reach of the entity
# model's token encoder (window 1, depth 4). Against tagging whole paragraphs, no
# speaker read in dev, tune and test changes; with none, two do.
_CONTEXT = 4
_NOT_SPEAKER_LABELS = frozenset({"NORP", "LANGUAGE", "DATE", "WORK_OF_ART"})


class SpeakerKind(StrEnum):
    NAME = "name"  # a named person or organisation (an entity)
    PRONOUN = "pronoun"
    ROLE = "role"  # an unnamed speaker given by a noun phrase ("a witness")


@dataclass(frozen=True, slots=True)
class ParsedSpeaker:
    """What the parse says of one quotation's speaker."""

    text: str
    start: int
    end: int
    kind: SpeakerKind
    label: str | None  # the entity label, if the phrase is an entity
    verb: str  # lemma of the verb (or the source marker)
    relation: str  # how the phrase hangs from it
    person: bool = False  # the entity model tags the phrase as a person

    def describe(self) -> str:
        return f"{self.text!r} is the {self.relation} of '{self.verb}' ({self.kind})"


@dataclass(frozen=True, slots=True)
class Reading:
    """The parse's view of one quotation: its speaker, if it found one, and the names
    near the quotes of its paragraph (within ``_PLACES_NEAR`` characters outside them, or
    in a verb of speech's sentence) that the parse tags as places, peoples or dates — a
    country, a city or a nationality does not speak ("said Grand Forks, N.D., native")."""

    speaker: ParsedSpeaker | None
    places: frozenset[str] = frozenset()


@dataclass(slots=True)
class Backbone:
    """A parser for one language and that language's resources."""

    language: str
    parse: Parser
    resources: ParseResources
    name: str = "spacy"

    @classmethod
    def for_language(cls, language: str, parse: Parser, name: str = "spacy") -> Backbone | None:
        resources = PARSE_RESOURCES.get(language)
        return None if resources is None else cls(language, parse, resources, name)

    def read(self, text: str, quotes: Sequence[Sequence[tuple[int, int]]],
             paragraphs: Sequence[tuple[int, int]]) -> list[Reading]:
        """For each quote (its quoted parts, offsets in ``text``), what the parse says of
        its speaker. Only the paragraphs that hold a quote are parsed, a long one only
        within reach of its quotes, and named entities are tagged only where a reading
        uses them. Nothing is kept between calls: one backbone serves every thread."""
        reach: dict[int, tuple[int, int]] = {}  # per paragraph: the text quotes reach
        for parts in quotes:
            i = _para_of(paragraphs, parts[0][0])
            lo, hi = reach.get(i, (parts[0][0], parts[-1][1]))
            reach[i] = (min(lo, parts[0][0]), max(hi, parts[-1][1]))
        wanted = sorted(reach)
        pieces = [_window(text, paragraphs[i], reach[i][0] - _NEAR, reach[i][1] + _NEAR)
                  for i in wanted]
        docs = list(self.parse([text[a:b] for a, b in pieces]))
        quoted = _merged([span for parts in quotes for span in parts])
        by_para = {i: None if doc is None else _Para.of(doc, piece[0], quoted)
                   for i, piece, doc in zip(wanted, pieces, docs, strict=True)}
        # the tokens whose named entities the readings can use, per paragraph
        tag: dict[int, set[int]] = {i: set() for i in wanted}
        for parts in quotes:
            i = _para_of(paragraphs, parts[0][0])
            para = by_para[i]
            if para is not None:
                tag[i].update(self._entity_tokens(para, parts))
        self.parse.entities([para.doc[a:b] for i, para in by_para.items() if para is not None
                             for a, b in _runs(tag[i])])
        non_speaker = self.resources.place_labels | _NOT_SPEAKER_LABELS
        places = {i: frozenset() if para is None else
                  frozenset(e.text for e in para.doc.ents if e.label_ in non_speaker)
                  for i, para in by_para.items()}
        out: list[Reading] = []
        for parts in quotes:
            i = _para_of(paragraphs, parts[0][0])
            para = by_para[i]
            speaker = None if para is None else self._speaker(para, parts)
            if speaker is not None and speaker.label in self.resources.person_labels:
                speaker = replace(speaker, person=True)
            out.append(Reading(speaker, places[i]))
        return out

    def _entity_tokens(self, para: _Para, parts: Sequence[tuple[int, int]]) -> Iterable[int]:
        """The tokens whose named entities a quote's reading can use: the words outside
        quotes in the sentence of each verb of speech or source marker near it (the
        parse's speaker phrase is among them) with ``_CONTEXT`` tokens either side, and
        those next to the quote that hold a capital, where the rules find their speaker
        (a place named there is no speaker)."""
        for a, b in _runs(para.near(parts, _PLACES_NEAR)):
            if any(_name_like(para.doc[j]) for j in range(a, b)):
                yield from range(a, b)
        for i in para.near(parts):
            if self._may_name(para.doc[i], para.offset, parts):
                sent = para.sents[para.sent_of[i]]
                outside = [j for j in range(sent.start, sent.end) if para.outside[j]]
                for a, b in _runs(outside):
                    yield from range(max(sent.start, a - _CONTEXT),
                                     min(sent.end, b + _CONTEXT))

    def _may_name(self, tok: Any, offset: int, parts: Sequence[tuple[int, int]]) -> bool:
        """Can the speaker search take a phrase from ``tok``'s sentence through it?"""
        lemma = tok.lemma_.casefold()
        if lemma in self.resources.source_markers:
            return True
        return tok.pos_ in ("VERB", "AUX") and (
            lemma in self.resources.speech_lemmas
            or self._linked(tok, lambda t: _inside(offset + t.idx, parts)))

    # -- reading the parse ------------------------------------------------------------
    def _speaker(self, para: _Para, parts: Sequence[tuple[int, int]]) -> ParsedSpeaker | None:
        doc, offset = para.doc, para.offset
        q_start, q_end = parts[0][0], parts[-1][1]

        def inside_any(tok: Any) -> bool:
            return not para.outside[tok.i]

        def inside(tok: Any) -> bool:
            pos = offset + tok.idx
            return any(a <= pos < b for a, b in parts)

        best: tuple[float, ParsedSpeaker] | None = None
        for i in para.near(parts):
            tok = doc[i]
            pos = para.starts[i]
            found = self._source_marker(tok, offset, inside_any)
            if found is None and tok.pos_ in ("VERB", "AUX"):
                found = self._verb_subject(tok, offset, inside, inside_any)
            if found is None:
                continue
            speaker, linked = found
            distance = min(abs(pos - q_start), abs(pos - q_end))
            # a verb the quotation hangs from beats a speech verb merely nearby
            rank = distance - (1000 if linked else 0)
            if not linked and not self._same_sentence(para, tok, q_start, q_end):
                continue
            if best is None or rank < best[0]:
                best = (rank, speaker)
        return best[1] if best else None

    @staticmethod
    def _same_sentence(para: _Para, tok: Any, q_start: int, q_end: int) -> bool:
        sent = para.sents[para.sent_of[tok.i]]
        a, b = para.offset + sent.start_char, para.offset + sent.end_char
        if a <= q_start < b or a < q_end <= b:
            return True
        # '"…." Smith said.' parsed as two sentences: the verb's sentence starts right
        # after the quote
        return 0 <= a - q_end <= 3

    def _source_marker(self, tok: Any, offset: int,
                       inside_any: Callable[[Any], bool]) -> tuple[ParsedSpeaker, bool] | None:
        if tok.lemma_.casefold() not in self.resources.source_markers:
            return None
        for child in tok.subtree:
            if child.dep_ in ("pobj", "obj", "nmod") and not inside_any(child):
                phrase = self._phrase(child, offset)
                if phrase is not None:
                    return _with(phrase, tok.lemma_, "source"), False
        return None

    def _verb_subject(self, verb: Any, offset: int, inside: Callable[[Any], bool],
                      inside_any: Callable[[Any], bool]) -> tuple[ParsedSpeaker, bool] | None:
        lemma = verb.lemma_.casefold()
        linked = self._linked(verb, inside)
        if lemma not in self.resources.speech_lemmas and not linked:
            return None
        subject = next((c for c in verb.children
                        if c.dep_ in _SUBJECT_DEPS and not inside_any(c)), None)
        relation = "subject"
        if subject is None:
            # "…, adding" / "was quoted as saying": the subject of the verb it depends on
            head = verb.head
            hops = 0
            while subject is None and head.i != verb.i and hops < 3:
                subject = next((c for c in head.children
                                if c.dep_ in _SUBJECT_DEPS and not inside_any(c)), None)
                if head.head.i == head.i:
                    break
                head, hops = head.head, hops + 1
            relation = "subject (through the verb it depends on)"
            if subject is None or inside(subject):
                return None
        phrase = self._phrase(subject, offset)
        if phrase is None:
            return None
        return _with(phrase, lemma, relation), linked

    @staticmethod
    def _linked(verb: Any, inside: Callable[[Any], bool]) -> bool:
        """Does the quotation hang from ``verb`` (or ``verb`` from the quotation)?"""
        return any(inside(c) for c in verb.children if c.dep_ in _COMPLEMENT_DEPS) or (
            verb.dep_ in ("parataxis", "conj", "ccomp") and inside(verb.head))

    def _phrase(self, head: Any, offset: int) -> _Phrase | None:
        """The whole entity or noun phrase around ``head``."""
        res = self.resources
        if head.pos_ in _PRONOUN_POS:
            return _Phrase(head.text.lstrip("-"), offset + head.idx,
                           offset + head.idx + len(head.text), SpeakerKind.PRONOUN, None)
        ent = _entity_of(head)
        if ent is None:
            # a role whose appositive names the person: "the spokesman, John Kirby"
            for child in head.children:
                if child.dep_ in ("appos", "flat:name", "compound"):
                    ent = _entity_of(child)
                    if ent is not None:
                        break
        if ent is not None and ent.label_ in res.person_labels | res.org_labels:
            text = ent.text
            start = offset + ent.start_char
            if ent.label_ in res.org_labels and text[:4] == "the ":
                text, start = text[4:], start + 4
            return _Phrase(text, start, start + len(text), SpeakerKind.NAME, ent.label_)
        if ent is not None and ent.label_ in res.place_labels:
            return None  # a country does not speak; its government or people do
        if head.pos_ == "PROPN":
            # a name the entity model did not tag ("said Doe"): the proper-noun run
            run = [t for t in head.subtree if t.i <= head.i and t.pos_ == "PROPN"
                   and t.dep_ in ("compound", "flat", "flat:name", "nsubj", "nsubjpass",
                                  "nsubj:pass", "pobj", "obj", "nmod")]
            run = [t for t in run if all(doc_t.pos_ == "PROPN"
                                          for doc_t in head.doc[t.i:head.i + 1])]
            a, b = (run[0], head) if run else (head, head)
            text = head.doc.text[a.idx:b.idx + len(b.text)]
            return _Phrase(text, offset + a.idx, offset + a.idx + len(text), SpeakerKind.NAME,
                           None)
        kept = [t for t in head.subtree if not _under_cut(t, head)]
        if not kept:
            return None
        a, b = kept[0], kept[-1]
        text = head.doc.text[a.idx:b.idx + len(b.text)].strip(" ,;:")
        return _Phrase(text, offset + a.idx, offset + a.idx + len(text), SpeakerKind.ROLE,
                       None)


@dataclass(frozen=True, slots=True)
class _Para:
    """A parsed paragraph and what each quote's search in it reads more than once."""

    doc: Any
    offset: int  # of the paragraph in the text
    starts: list[int]  # each token's offset in the text
    outside: list[bool]  # each token lies outside every quote
    sents: list[Any]
    sent_of: list[int]  # each token's sentence, an index in ``sents``

    @classmethod
    def of(cls, doc: Any, offset: int, quoted: list[tuple[int, int]]) -> _Para:
        starts = [offset + tok.idx for tok in doc]
        sents = list(doc.sents)
        return cls(doc, offset, starts, [not c for c in _covered(starts, quoted)], sents,
                   [k for k, sent in enumerate(sents) for _ in range(len(sent))])

    def near(self, parts: Sequence[tuple[int, int]], reach: int = _NEAR) -> list[int]:
        """The tokens outside every quote within ``reach`` of this one (its parts)."""
        lo = bisect_left(self.starts, parts[0][0] - reach)
        hi = bisect_right(self.starts, parts[-1][1] + reach)
        return [i for i in range(lo, hi) if self.outside[i]]


@dataclass(frozen=True, slots=True)
class _Phrase:
    text: str
    start: int
    end: int
    kind: SpeakerKind
    label: str | None


def _with(p: _Phrase, verb: str, relation: str) -> ParsedSpeaker:
    return ParsedSpeaker(p.text, p.start, p.end, p.kind, p.label, verb, relation)


@dataclass(frozen=True, slots=True)
class _Entity:
    text: str
    start_char: int
    label_: str


def _entity_of(tok: Any) -> _Entity | None:
    """The named entity ``tok`` is part of, found from its IOB tags next to it (``doc.ents``
    would build every entity of the document on each call)."""
    label = tok.ent_type_
    if not label:
        return None
    doc = tok.doc
    start, end = tok.i, tok.i + 1
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    span = doc[start:end]
    return _Entity(span.text, span.start_char, label)


def _under_cut(tok: Any, head: Any) -> bool:
    """Is ``tok`` inside a relative clause, appositive or punctuation of ``head``'s phrase?"""
    while tok.i != head.i:  # spaCy makes a new Token object on every access: compare indices
        if tok.dep_ in _CUT_DEPS:
            return True
        if tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def _inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Half-open spans, sorted, with those that overlap or touch made one."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _covered(positions: Sequence[int], spans: list[tuple[int, int]]) -> list[bool]:
    """For each of the ascending ``positions``: is it inside one of ``spans`` (sorted,
    disjoint and half-open, as ``_merged`` gives them)?"""
    out: list[bool] = []
    j = 0
    for pos in positions:
        while j < len(spans) and spans[j][1] <= pos:
            j += 1
        out.append(j < len(spans) and spans[j][0] <= pos)
    return out


# The end of a sentence: a stop (and closing marks) before a space and a capital or an
# opening mark; a window to parse is cut there.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*(\s+)(?=[\"'“‘«(\[]?[^\W\d_])")
_MARGIN = 1  # whole sentences parsed beyond a window's, for the parser's context


def _window(text: str, paragraph: tuple[int, int], lo: int, hi: int) -> tuple[int, int]:
    """The part of ``paragraph`` to parse for characters ``lo``..``hi``: whole sentences
    (cut at stops before a capital), ``_MARGIN`` more on each side; the paragraph
    itself when that is all of it."""
    start, end = paragraph
    if lo <= start and hi >= end:
        return start, end  # no cut: the window takes the paragraph
    cuts = [(m.start(1), m.end(1)) for m in _SENTENCE_END.finditer(text, start, end)
            if m.group(0)[:1] != "." or _stop_ends_sentence(text, m.start())]
    before = [nxt for _, nxt in cuts if nxt <= lo]
    after = [stop for stop, _ in cuts if stop >= hi]
    a = before[-1 - _MARGIN] if len(before) > _MARGIN else start
    b = after[_MARGIN] if len(after) > _MARGIN else end
    return a, b


def _stop_ends_sentence(text: str, dot: int) -> bool:
    """Is the dot at ``dot`` a full stop, not that of an initial or a short title
    ("J. Smith", "Dr. No")?"""
    word = text[max(0, dot - 3):dot].split()[-1:] or [""]
    return len(word[0]) > 2 or word[0].islower()


def _name_like(tok: Any) -> bool:
    """Could the rules take ``tok`` for (part of) a name: a capital not merely starting
    a sentence, or a proper noun?"""
    return tok.text[:1].isupper() and (tok.pos_ == "PROPN" or not tok.is_sent_start)


def _runs(indices: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted, distinct indices as maximal runs of consecutive ones, ``(start, end)``
    with ``end`` exclusive: {1, 2, 3, 7} -> [(1, 4), (7, 8)]."""
    out: list[tuple[int, int]] = []
    for i in sorted(set(indices)):
        if out and out[-1][1] == i:
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i, i + 1))
    return out


def _para_of(paragraphs: Sequence[tuple[int, int]], pos: int) -> int:
    lo, hi = 0, len(paragraphs) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if paragraphs[mid][0] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo
