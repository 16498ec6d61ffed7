"""The language backbone: a dependency parse read for the speaker of each quotation.

The speaker is the subject of a verb of speech or writing (found by its lemma, or by the
quotation hanging from it as a clausal complement), expanded to its whole entity or noun
phrase; "according to X" names a source without a verb. The parse comes from a spaCy
pipeline that the caller loads (lazily, once per process) and passes in; this module only
reads it, so the quote engine stays pure. Languages without a model get no backbone and
the rules attribute alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from syndicator.quotes.lang import PARSE_RESOURCES, ParseResources

# A parser takes paragraph texts and yields one parsed document per text (spaCy's
# ``Language.pipe``); any object with that shape will do.
Parser = Callable[[list[str]], Iterable[Any]]

_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "nsubj:pass", "expl:subj"})
_COMPLEMENT_DEPS = frozenset({"ccomp", "parataxis", "dobj", "obj", "xcomp", "dep", "conj"})
# Parts of a subject's subtree that are not the speaker's name or role.
_CUT_DEPS = frozenset({"relcl", "acl", "acl:relcl", "appos", "punct", "advcl", "cc", "conj",
                       "parataxis", "dep"})
_PRONOUN_POS = frozenset({"PRON"})
_NEAR = 200  # characters around a quote in which its verb of speech is looked for
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
    """The parse's view of one quotation: its speaker, if it found one, and the names in
    its paragraph that the parse tags as places, peoples or dates — a country, a city or a
    nationality does not speak ("said Grand Forks, N.D., native")."""

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
        its speaker. Only the paragraphs that hold a quote are parsed. Nothing is kept
        between calls: one backbone serves every thread."""
        wanted = sorted({_para_of(paragraphs, parts[0][0]) for parts in quotes})
        docs = list(self.parse([text[paragraphs[i][0]:paragraphs[i][1]] for i in wanted]))
        by_para = {i: (doc, paragraphs[i][0]) for i, doc in zip(wanted, docs, strict=True)}
        non_speaker = self.resources.place_labels | _NOT_SPEAKER_LABELS
        places = {i: frozenset() if doc is None else
                  frozenset(e.text for e in doc.ents if e.label_ in non_speaker)
                  for i, (doc, _) in by_para.items()}
        quoted = [span for parts in quotes for span in parts]
        out: list[Reading] = []
        for parts in quotes:
            i = _para_of(paragraphs, parts[0][0])
            doc, offset = by_para[i]
            speaker = None if doc is None else self._speaker(doc, offset, parts, quoted)
            if speaker is not None and speaker.label in self.resources.person_labels:
                speaker = replace(speaker, person=True)
            out.append(Reading(speaker, places[i]))
        return out

    # -- reading the parse ------------------------------------------------------------
    def _speaker(self, doc: Any, offset: int, parts: Sequence[tuple[int, int]],
                 quoted: list[tuple[int, int]]) -> ParsedSpeaker | None:
        q_start, q_end = parts[0][0], parts[-1][1]

        def inside_any(tok: Any) -> bool:
            pos = offset + tok.idx
            return any(a <= pos < b for a, b in quoted)

        def inside(tok: Any) -> bool:
            pos = offset + tok.idx
            return any(a <= pos < b for a, b in parts)

        best: tuple[float, ParsedSpeaker] | None = None
        for tok in doc:
            pos = offset + tok.idx
            if pos < q_start - _NEAR or pos > q_end + _NEAR or inside_any(tok):
                continue
            found = self._source_marker(tok, offset, inside_any)
            if found is None and tok.pos_ in ("VERB", "AUX"):
                found = self._verb_subject(tok, offset, inside, inside_any)
            if found is None:
                continue
            speaker, linked = found
            distance = min(abs(pos - q_start), abs(pos - q_end))
            # a verb the quotation hangs from beats a speech verb merely nearby
            rank = distance - (1000 if linked else 0)
            if not linked and not self._same_sentence(doc, tok, offset, q_start, q_end):
                continue
            if best is None or rank < best[0]:
                best = (rank, speaker)
        return best[1] if best else None

    def _same_sentence(self, doc: Any, tok: Any, offset: int, q_start: int, q_end: int) -> bool:
        sent = tok.sent
        a, b = offset + sent.start_char, offset + sent.end_char
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
        linked = any(inside(c) for c in verb.children if c.dep_ in _COMPLEMENT_DEPS) or (
            verb.dep_ in ("parataxis", "conj", "ccomp") and inside(verb.head)
        )
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
class _Phrase:
    text: str
    start: int
    end: int
    kind: SpeakerKind
    label: str | None


def _with(p: _Phrase, verb: str, relation: str) -> ParsedSpeaker:
    return ParsedSpeaker(p.text, p.start, p.end, p.kind, p.label, verb, relation)


def _entity_of(tok: Any) -> Any | None:
    if not tok.ent_type_:
        return None
    for ent in tok.doc.ents:
        if ent.start <= tok.i < ent.end:
            return ent
    return None


def _under_cut(tok: Any, head: Any) -> bool:
    """Is ``tok`` inside a relative clause, appositive or punctuation of ``head``'s phrase?"""
    while tok.i != head.i:  # spaCy makes a new Token object on every access: compare indices
        if tok.dep_ in _CUT_DEPS:
            return True
        if tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def _para_of(paragraphs: Sequence[tuple[int, int]], pos: int) -> int:
    lo, hi = 0, len(paragraphs) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if paragraphs[mid][0] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo
