"""Who said it: attribution patterns around a quote, resolved to a full name.

Order of evidence: the attribution right after the quote ("…," said X / X said), then
the writer's clause before it (X said that “…”, X: “…”), then the paragraph before a
quote that stands alone (The PM said: / a statement from X). Nothing found -> None.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from syndicator.quotes.evidence import Link, Route
from syndicator.quotes.lexicon import (
    ARTICLES,
    CAP_STOPWORDS,
    DATE_WORDS,
    DOC_ROLES,
    FEMALE_NAMES,
    FEMALE_TITLES,
    MALE_NAMES,
    MALE_TITLES,
    NOT_IN_OFFICE,
    ORG_ROLES,
    PERSON_ROLES,
    PRONOUNS_SINGULAR,
    PUBLICATION_ROLES,
    TITLES,
)
from syndicator.quotes.names import (
    ADV_ALT,
    FIRST_PERSON_SINGULAR,
    INCISE_VERB_RE,
    INDEF_NP,
    NAME_SEQ,
    PRONOUN_RE,
    ROLE_NP,
    SOURCE_MARKERS,
    VERB_RE,
    Entities,
    Mention,
    split_name,
)

_ADV = ADV_ALT
_VERB_FIRST = re.compile(r"(?:(?:" + _ADV + r")\s+)?(" + INCISE_VERB_RE.pattern + r")[ \t\n]*")
_AFTER_NP_VERB = re.compile(
    # an appositive between commas, or one the writer left unclosed ("X, a resident of
    # Paktika province told VOA"): a few words that start with an article
    r"[ \t\n]*(?:(?:,[^,\n“”\"«»]{1,90}){1,3},[ \t\n]*"
    r"|,[ \t\n]+(?:a|an|the)[ \t\n]+[^,\n“”\"«».;:]{1,70}?"
    r"[ \t\n]+(?=" + VERB_RE.pattern + r"))?(?:(?:has|have|had|was|is|would|will|did|then|"
    + _ADV
    + r")[ \t\n]+){0,3}(?:on \w+ |in a \w+ |on \w+day )?("
    + VERB_RE.pattern
    + r")"
)
_CLAUSE_BREAK = re.compile(
    r";|:|,\s+(?:in which|which|who|and|but|while|when|as|because|although|though|y|et)\b"
    r"|\b(?:that|que|dass|how|after|and also|mais)\b"
)
_CAPS_VERB = re.compile(r"\b(?:SAYS|SAID|TELLS|TOLD|ADDS|ADDED|EXPLAINS|EXPLAINED|STATES|NOTES)\b")
_STATEMENT_FROM = re.compile(
    r"\b(?:statement|message|letter|remarks|comments|note|tweet|post)s?\s+(?:from|by|of)\s+",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"(?:^|\n)[ \t]*(?:(?:story|text|words|report(?:ing)?|written)[ \t]+)?"
                     r"(?:by|par|por|von)[ \t]+(?=(?-i:[A-ZÀ-Þ]))", re.IGNORECASE)
_DOC_AUTHOR = re.compile(
    r"\b(?:letter|statement|message|note|memo|tweet|post|lettre|carta)\s+(?:from|by|de)\s+",
    re.IGNORECASE,
)

_NEXT_LETTER = re.compile(r"[ \t\n]+([^\W\d_])")
# Between a role and the name it introduces: a comma ("the spokesman, John Doe") or
# nothing but a space ("the representative Francis Rooney", "el portavoz X").
_COMMA_GAP = re.compile(r",?[ \t\n]+")
# "said Jane Roe, the battalion commander." / ", the 2nd Battalion Commander:"
_APPOSITIVE_TO_END = re.compile(
    r"[ \t]*,[ \t]+(?:the|a|an|le|la|l[’']|el|der|die)[ \t]*[^,“”\"«»\n.;:]{1,80}[.:]?[ \t]*"
)
_ROLE_WORDS_GAP = re.compile(
    r"(?:[ \t]+(?!(?:" + "|".join(sorted(NOT_IN_OFFICE, key=len, reverse=True))
    + r")\b)[a-zà-ÿ][\w-]*){1,3}[ \t]+(?=[A-ZÀ-Þ])"
)
_THE_OR_ORDINAL = re.compile(
    r"(?:the|der|die|das|den|dem|le|la|les|el|los|las|\d+(?:st|nd|rd|th))[ \t\n]+|l[’']"
)
_SITE_SUFFIX = re.compile(r"[ \t]+(website|site|blog)\b")
_LOWER_WORDS = re.compile(r"((?:[a-z][\w-]*[ \t]+){1,4})")
_AND = re.compile(r"[ \t]+(?:and|et|y|und)[ \t]+")
_LEAD_PUNCT = re.compile(r"[ \t\n]*([,;:—–-]?)[ \t\n]*")
_LOCATIVE = re.compile(r"(?:sur|dans|on|in)[ \t]+")
# A short adverbial phrase after a verb of speech, before an inverted subject (French,
# Spanish): a preposition and up to six words, without punctuation.
_ADVERBIAL = re.compile(
    r"[ \t]*(?:au|aux|à|devant|lors|sur|dans|en|a|al|ante|desde|durante|con)"
    r"(?:[ \t]+[\w’'-]+){1,6}?[ \t]+"
    r"(?=(?:le|la|les|l[’']|el|los|las)[ \t]"
    r"|(?<=[a-zà-ÿ][ \t])(?<!\bde )(?<!\bdu )(?<!\bdel )[A-ZÀ-Þ])"
)
# ... or one that ends in an acronym: "déclare à l'AFP Jean-Philippe Magnen".
_ADVERBIAL_ACRONYM = re.compile(
    r"[ \t]*(?:au|aux|à|devant|sur|dans|a|al|ante|con)(?:[ \t]+[\w’'-]+){0,3}?"
    r"[ \t]+(?:l[’'])?[A-Z]{2,}[ \t]+(?=[A-ZÀ-Þ])"
)
# French inverted attribution, whatever the verb: "…», a-t-il déclaré." / "…»,
# explique-t-elle." / "…», conclut-il." / "…», ont-ils ajouté."
_FR_INVERTED = re.compile(r"[a-zàâçéèêëîïôûùüÿœ]+(?:-t)?-(il|elle|ils|elles)(?![\w-])")
# A definite description: an article and a common noun ("la curadora", "the official").
_DEFINITE_NOUN = re.compile(
    r"(?:(?:the|le|la|les|el|los|las|der|die|das)[ \t]+(?:[a-zà-ÿ][\w-]*[ \t]+){0,2}?"
    r"|l[’'])([a-zà-ÿ][\w-]{2,})(?![\w-])"
)
_PRONOUN_GENDER = {"he": "m", "il": "m", "él": "m", "er": "m", "she": "f", "elle": "f",
                   "ella": "f", "sie": "f"}  # fmt: skip


def _gender_words(words: list[str]) -> str | None:
    """ "f" or "m" when honorifics or role words say so (and do not disagree)."""
    f = any(w in FEMALE_TITLES for w in words)
    m = any(w in MALE_TITLES for w in words)
    return "f" if f and not m else "m" if m and not f else None


_UNSET = object()


@dataclass(slots=True)
class Cand:
    """A phrase that may name the speaker."""

    kind: str  # "name", "pron", "role", "indef"
    text: str
    start: int
    end: int
    mention: Mention | None = None


def role_ok(text: str, m: re.Match[str]) -> bool:
    """A role phrase, not a name: "the Russian leader", "The PM" (not "the Daily Mail")."""
    noun = m.group("noun")
    if noun[:1].isupper():
        if noun.casefold() not in TITLES:
            return False
        nxt = _NEXT_LETTER.match(text, m.end())
        return not (nxt and nxt.group(1).isupper())
    return True


def site_name(m: re.Match[str]) -> str | None:
    """ "the BBC website" -> "BBC website"."""
    mods = m.group("mods").strip()
    if m.group("noun").casefold() in ("website", "site", "blog") and mods[:1].isupper():
        return f"{mods} {m.group('noun')}"
    return None


_SOURCE_MARKERS = frozenset(m.casefold() for m in SOURCE_MARKERS)

# What completes a role phrase: "of the federation", "de la fédération", "des unités
# d'intervention de la police" — up to punctuation or a word that starts an adjunct.
_ROLE_COMPLEMENT = re.compile(
    r"(?:[ \t]+(?:of|for|at|from|de|du|des|del|der)(?:[ \t]+(?!(?:to|à|au|aux|a|in|on|"
    r"during|before|after|avant|après|lors|pendant|when|quand|with|avec|dans|en|sur|ante|"
    r"tras|antes|después|bei|vor|nach|mit)\b|(?:" + VERB_RE.pattern + r")|[\w-]+[’']s\b)"
    r"[\w’'-]+){1,8})+"
)

class Attributor:
    """Resolves attribution phrases against the article's names (one per article)."""

    def __init__(self, text: str, ents: Entities, quote_spans: list[tuple[int, int]]) -> None:
        self.text = text
        self.ents = ents
        self.mentions = [m for m in ents.mentions]
        self.starts = [m.start for m in self.mentions]
        self.quote_spans = quote_spans
        timeline = []
        for m in self.mentions:
            if m.in_quote or m.possessive or m.modifier or m.kind in ("role", "org"):
                continue
            if m.canonical in ents.person_evidence:
                timeline.append((m.start, m.canonical))
        self.timeline = timeline
        self.unnamed: list[tuple[int, str]] = []
        self._genders: dict[str, str | None] | None = None
        self._author: object = _UNSET

    def gender(self, name: str) -> str | None:
        """ "f", "m" or None for a canonical name: from honorifics and gendered roles it
        was written with ("Ms Patel", "spokeswoman X"), else from its given name."""
        if self._genders is None:
            votes: dict[str, set[str]] = {}
            for m in self.mentions:
                canon = m.canonical or m.name
                if not canon or m.kind in ("role", "org", "noun") or not m.role:
                    continue
                words = [w.rstrip(".").casefold() for w in re.findall(r"[\w.-]+", m.role)]
                g = _gender_words(words)
                if g:
                    votes.setdefault(canon, set()).add(g)
            self._genders = {k: next(iter(v)) if len(v) == 1 else None for k, v in votes.items()}
        if name in self._genders:
            return self._genders[name]
        first = name.split()[0].casefold() if name.split() else ""
        female, male = first in FEMALE_NAMES, first in MALE_NAMES
        g = "f" if female and not male else "m" if male and not female else None
        self._genders[name] = g
        return g

    # -- phrase parsing ---------------------------------------------------------------
    def mention_at(self, pos: int, limit: int) -> Mention | None:
        i = bisect.bisect_left(self.starts, pos)
        while i < len(self.mentions) and self.mentions[i].start < limit:
            m = self.mentions[i]
            if m.kind not in ("role", "noun") and not m.modifier and m.name:
                return m
            i += 1
        return None

    def _place_at(self, pos: int) -> bool:
        i = bisect.bisect_left(self.starts, pos)
        return (i < len(self.mentions) and self.mentions[i].start == pos
                and self.mentions[i].kind == "noun" and " " in self.mentions[i].name)

    def np_at(self, pos: int, limit: int) -> Cand | None:
        """The noun phrase starting at ``pos`` that could name a speaker."""
        text = self.text
        while pos < limit and text[pos] in " \t\n":
            pos += 1
        if pos >= limit:
            return None
        m = PRONOUN_RE.match(text, pos)
        if m and m.end() <= limit:
            return Cand("pron", m.group().casefold(), pos, m.end())
        m = ROLE_NP.match(text, pos)
        if m and m.end() <= limit and site_name(m):
            return Cand("name", site_name(m) or "", m.start("mods"), m.end())
        if m and m.end() <= limit and role_ok(text, m):
            noun = m.group("noun").casefold()
            comp = _ROLE_COMPLEMENT.match(text, m.end())  # "la fédération des banques, X"
            app = _COMMA_GAP.match(text, comp.end() if comp else m.end())
            gap = None if comp else _ROLE_WORDS_GAP.match(text, m.end())
            if gap and not VERB_RE.search(text, gap.start(), gap.end()):
                # "le Premier ministre mauricien Pravind Jugnauth": the office goes on in
                # a few lower-case words before a person's full name
                nm = NAME_SEQ.match(text, gap.end())
                mt = self.mention_at(gap.end(), nm.end()) if nm else None
                if mt is not None and mt.kind == "person" and mt.start == gap.end():
                    return Cand("name", mt.name, mt.start, mt.end, mt)
            if app:
                nm = NAME_SEQ.match(text, app.end())
                if nm and nm.end() <= limit + 60:
                    mt = self.mention_at(app.end(), nm.end())
                    if mt is not None and (mt.kind != "org" or noun in ORG_ROLES):
                        return Cand("name", mt.name, mt.start, mt.end, mt)
            return Cand("role", m.group("noun").casefold(), pos, m.end())
        m = _THE_OR_ORDINAL.match(text, pos)
        start = m.end() if m else pos
        nm = NAME_SEQ.match(text, start)
        if nm and nm.start() < limit and self._place_at(nm.start()):
            return None  # "said Grand Forks, N.D., native …": a place stands where a name would
        if nm and nm.start() < limit:
            mt = self.mention_at(start, min(limit, nm.end() + 80))
            if mt is not None and mt.start <= nm.end() + 60:
                end = mt.end
                sm = _SITE_SUFFIX.match(text, end)
                if sm and mt.kind != "person":
                    return Cand("name", mt.name + " " + sm.group(1), mt.start, sm.end(), None)
                return Cand("name", mt.name, mt.start, end, mt)
            if nm.end() <= limit:
                role, name, _ = split_name(text[nm.start() : nm.end()].split(), False)
                if not name and role:
                    return Cand("role", role[-1].casefold().rstrip("."), nm.start(), nm.end())
        m = INDEF_NP.match(text, pos)
        if m and m.end() <= limit:
            tail = re.compile(
                r"[ \t]+(?:for|of|at|from)[ \t]+(?:the[ \t]+)?[A-Z][\w.-]*(?:[ \t]+[A-Z][\w.-]*)*"
            )
            t = tail.match(text, m.end()) or _ROLE_COMPLEMENT.match(text, m.end())
            end = t.end() if t else m.end()
            return Cand("indef", text[pos:end], pos, end)
        m = _LOWER_WORDS.match(text, pos)
        if m and any(w.casefold() in PERSON_ROLES for w in m.group(1).split()):
            mt = self.mention_at(m.end(), m.end() + 1)
            if mt is not None and mt.start == m.end():
                return Cand("name", mt.name, mt.start, mt.end, mt)
        return None

    # -- resolution ---------------------------------------------------------------------
    def resolve(self, cand: Cand, pos: int) -> tuple[str | None, str | None, Link]:
        """(speaker, role, how the phrase became the speaker) for a phrase at ``pos``."""
        if cand.kind == "name":
            if cand.mention is not None:
                name = cand.mention.canonical or cand.mention.name
                other = self.coordinated(cand.mention)
                if other:
                    name = f"{name} and {other}"
                link = Link.AS_WRITTEN if cand.mention.name == name else Link.SURNAME
                if link is Link.AS_WRITTEN and self.text[cand.mention.start - 1:
                                                         cand.mention.start] == "@":
                    name = "@" + name  # a handle is written with its sign
                return name, cand.mention.role, link
            return cand.text, None, Link.AS_WRITTEN
        if cand.kind == "pron":
            if not cand.text:  # a verb with no subject ("…», afirmó."): the last person
                return self.last_person(pos, weak=True), None, Link.LAST_PERSON
            if cand.text in FIRST_PERSON_SINGULAR:
                return self.byline_author(), None, Link.AUTHOR
            if cand.text not in PRONOUNS_SINGULAR:
                return None, None, Link.PRONOUN
            gender = _PRONOUN_GENDER.get(cand.text)
            return self.last_person(pos, gender=gender), None, Link.PRONOUN
        if cand.kind == "indef":
            return cand.text, cand.text, Link.UNNAMED_ROLE
        noun = cand.text
        if noun in DOC_ROLES:
            author = self.document_author(pos)
            if author:
                return author, None, Link.AUTHOR
            return self.last_person(pos), None, Link.LAST_PERSON
        if noun in self.ents.roles:
            best = None
            for rpos, name in self.ents.roles[noun]:
                if rpos <= pos:
                    best = name
            if best:
                return best, noun, Link.ROLE_OF_NAMED
        earlier = self.unnamed_before(noun, pos)
        if earlier is not None and (noun in PERSON_ROLES or noun in ORG_ROLES):
            # "le porte-parole de la police madrilène" after "un porte-parole de la
            # police" spoke, "le ministère" after "le ministère de l'Intérieur": the one
            # already quoted, as first written
            return earlier, noun, Link.UNNAMED_ROLE
        if noun in PERSON_ROLES:
            complement = _ROLE_COMPLEMENT.match(self.text, cand.end)
            if complement:
                # "la porte-parole de la fédération", "the head of news for the station":
                # a role with its complement introduces someone the article does not name
                return self.text[cand.start : complement.end()], noun, Link.UNNAMED_ROLE
            # a bare role ("the Russian leader") points back at someone already named;
            # when no one was, it is the speaker as written ("the squad leader")
            named = self.last_person(pos, weak=True)
            if named is None:
                return self.text[cand.start : cand.end], noun, Link.BARE_ROLE
            return named, noun, Link.LAST_PERSON
        if noun in PUBLICATION_ROLES:
            return self.last_kind(pos, ("org", "unknown")), None, Link.LAST_PERSON
        if noun in ORG_ROLES:
            complement = _ROLE_COMPLEMENT.match(self.text, cand.end)
            if complement:
                # "le ministère de l'Intérieur", "the Ministry of Health": a body the
                # article names by what it is
                head = self.text.rfind(" ", cand.start, cand.end) + 1 or cand.start
                body = self.text[max(head, cand.start) : complement.end()]
                return body, noun, Link.UNNAMED_ROLE
            return self.last_kind(pos, ("org",)), None, Link.LAST_PERSON
        if cand.kind == "desc":
            # "…», escribió la curadora de Arte": a description after a verb of speech
            # points back at the person named last, if anyone
            named = self.last_person(pos, weak=True)
            return named, noun, Link.BARE_ROLE
        return None, None, Link.LAST_PERSON

    def unnamed_before(self, noun: str, pos: int) -> str | None:
        """An unnamed speaker quoted before ``pos`` whose phrase is headed by ``noun``."""
        for spos, name in reversed(self.unnamed):
            if spos >= pos:
                continue
            words = name.casefold().replace("’", "'").split()
            if words and words[0] in ARTICLES:
                words = words[1:]
            if words and words[0].split("'")[-1] == noun:
                return name
        return None

    def coordinated(self, m: Mention) -> str | None:
        """ "X and Y interviewed …": a second person joined to the first."""
        if m.kind != "person":
            return None
        conj = _AND.match(self.text, m.end)
        if conj is None:
            return None
        nxt = self.mention_at(conj.end(), conj.end() + 1)
        if nxt is None or nxt.kind != "person" or nxt.start != conj.end():
            return None
        return nxt.canonical or nxt.name

    def in_quote(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self.quote_spans)

    def last_person(self, pos: int, weak: bool = False, gender: str | None = None) -> str | None:
        i = bisect.bisect_left(self.timeline, (pos, ""))
        strong = self.timeline[i - 1] if i else None
        if gender is not None:
            return self._agreeing(pos, i, gender)  # no one whose gender agrees: None
        if not weak:
            return strong[1] if strong else None
        best = strong
        # the latest fitting mention before ``pos``, unless the timeline has a later one
        mentions = self.mentions
        for k in range(bisect.bisect_left(self.starts, pos) - 1, -1, -1):
            m = mentions[k]
            if m.in_quote or m.possessive or m.modifier or m.kind not in ("person", "unknown"):
                continue
            if m.governed and best is not None:
                continue  # "…, dijo Liset Fonseca, madre de Roberto Pérez": not the subject
            canon = m.canonical or m.name
            if m.kind == "unknown" and len(canon.split()) < 2:
                continue
            if best is None or m.start > best[0]:
                best = (m.start, canon)
            break
        return best[1] if best else None

    def _agreeing(self, pos: int, i: int, gender: str) -> str | None:
        """The latest person before ``pos`` whose gender does not contradict the pronoun:
        the timeline first, then the latest person named before ("Jane Roe arrived at
        noon. “…,” she said.")."""
        other = "m" if gender == "f" else "f"
        for _, name in reversed(self.timeline[:i]):
            if self.gender(name) != other:
                return name
        def fits(m: Mention) -> bool:
            return (not (m.in_quote or m.possessive or m.modifier) and m.kind == "person"
                    and self.gender(m.canonical or m.name) != other)

        mentions = self.mentions
        end = bisect.bisect_left(self.starts, pos)
        last = next((m for m in reversed(mentions[:end]) if fits(m)), None)
        if last is None:
            return None
        # in the sentence of the latest fitting person, the first one: its subject
        # ("Jane Roe, who rode in the Tour de France, left. “…,” she said.")
        para = self.text.rfind("\n\n", 0, last.start) + 1
        begins = sentence_start(self.text, para, last.start)
        first = next(m for m in mentions[bisect.bisect_left(self.starts, begins):end] if fits(m))
        return first.canonical or first.name

    def last_kind(self, pos: int, kinds: tuple[str, ...]) -> str | None:
        mentions = self.mentions
        for k in range(bisect.bisect_left(self.starts, pos) - 1, -1, -1):
            m = mentions[k]
            if m.in_quote or m.possessive or m.modifier or m.kind not in kinds:
                continue
            return m.canonical or m.name
        return None

    def document_author(self, pos: int) -> str | None:
        """The named author of the first letter/statement in the text (whatever ``pos``)."""
        if self._author is _UNSET:
            self._author = None
            for m in _DOC_AUTHOR.finditer(self.text):
                c = self.np_at(m.end(), m.end() + 120)
                if c is not None and c.kind == "name":
                    self._author = self.resolve(c, m.end())[0]
                    break
        return self._author  # type: ignore[return-value]

    def byline_author(self) -> str | None:
        """The author named by the by-line near the top ("By Jane Roe", "Par …")."""
        m = _BYLINE.search(self.text, 0, 1500)
        if m is None:
            return None
        c = self.np_at(m.end(), m.end() + 80)
        return self.resolve(c, m.end())[0] if c is not None and c.kind == "name" else None

    def add_speaker(self, pos: int, name: str) -> None:
        """A resolved speaker is the freshest referent for a following pronoun."""
        if name:
            bisect.insort(self.timeline, (pos, name))

    def add_unnamed(self, pos: int, phrase: str) -> None:
        """An unnamed speaker ("un porte-parole de la police"): no referent for a pronoun,
        but the one a later "le porte-parole" is."""
        bisect.insort(self.unnamed, (pos, phrase))

    # -- attribution patterns -----------------------------------------------------------
    def after(self, q_end: int, limit: int, ended: bool) -> tuple[Cand, int, Route] | None:
        """'…," said X' / '…," X said' / '…' X (end of paragraph), and how it was found."""
        text = self.text
        m = _LEAD_PUNCT.match(text, q_end)
        assert m is not None  # every part of the pattern is optional: it always matches
        p = m.end()
        if p >= limit or text[p] in ".!?":
            return None
        inv = _FR_INVERTED.match(text, p)
        if inv and inv.end() <= limit:
            return Cand("pron", inv.group(1), p, inv.end()), inv.end(), Route.VERB_AFTER
        vm = _VERB_FIRST.match(text, p)
        if (
            vm
            and vm.end() <= limit
            and not text[vm.end() : limit].strip(" \t\n.")
            and vm.group(1)[:1].islower()
            and not vm.group(1).startswith(("a ", "according"))
        ):
            # A verb with no subject at the end of the sentence (Spanish, Italian).
            return Cand("pron", "", p, vm.end()), vm.end(), Route.SUBJECTLESS_VERB
        if vm and vm.end() <= limit:
            q = vm.end()
            prep = _LOCATIVE.match(text, q)
            if prep and "lire" in vm.group(1):
                q = prep.end()
            c = self.np_at(q, limit)
            if c is None:
                # "a déclaré au micro de VOA Afrique le directeur …", "told reporters in
                # Kabul Jane Doe": an adverbial phrase between the verb and its subject
                for pattern in (_ADVERBIAL, _ADVERBIAL_ACRONYM):
                    adv = pattern.match(text, q)
                    if adv and adv.end() < limit:
                        c = self.np_at(adv.end(), limit)
                        if c is not None and c.kind == "pron":
                            c = None
                    if c is not None:
                        break
            if c is None:
                d = _DEFINITE_NOUN.match(text, q)
                if d and d.end() <= limit:
                    c = Cand("desc", d.group(1).casefold(), d.start(), d.end())
            if c is not None:
                return c, c.end, Route.VERB_AFTER
            if "lire" in vm.group(1):
                return None
        c = self.np_at(p, limit)
        if c is not None:
            first_person = c.kind == "pron" and c.text in FIRST_PERSON_SINGULAR
            if ended and text[c.start].isupper() and c.kind != "name" and not first_person:
                return None
            vm = _AFTER_NP_VERB.match(text, c.end)
            if vm and vm.end() <= limit + 20:
                if ended and c.kind == "name" and text[c.start].isupper():
                    # A capitalised name after a finished sentence starts a new sentence,
                    # unless the attribution is just "Name said." / "Name said:".
                    tail = text[vm.end() : vm.end() + 3]
                    if not re.match(r"[ \t]*[.,:]", tail):
                        return None
                return c, vm.end(), Route.VERB_AFTER
            # '…' Sir Muir Gray  (a name alone to the end of the paragraph)
            rest = text[c.end : limit].strip(" \t.")
            if c.kind == "name" and not rest and "\n\n" not in text[q_end : c.start]:
                return c, c.end, Route.NAME_ALONE
        return None

    def gap_attribution(self, q_end: int, r_start: int) -> Cand | None:
        """The text between two quotes is nothing but an attribution: join them."""
        text = self.text
        res = self.after(q_end, r_start, False)
        if res is None:
            return None
        cand, end, _ = res
        rest = text[end:r_start]
        core = rest.rstrip(" \t\n.,:;—–-")
        if rest.strip() and rest.rstrip(" \t\n")[-1:] not in ".,:;—–-":
            return None
        if len(core.split()) > 30:
            return None
        if VERB_RE.search(core) or re.search(r"\b(?:that|que|adding|noting|saying)\b", core):
            return None
        if re.search(r"[.!?][ \t\n]+\S", core.replace("Lt.", "Lt").replace("Col.", "Col")):
            return None
        return cand

    def before(self, q_start: int, s_start: int, partial: bool) -> tuple[Cand, Route] | None:
        """X said that “…” / X: “…” / comme le dit X « … », and how it was found."""
        text = self.text
        ctx_end = q_start
        verb = None
        for vm in VERB_RE.finditer(text, s_start, ctx_end):
            verb = vm
        if verb is not None:
            clause = s_start
            for bm in _CLAUSE_BREAK.finditer(text, s_start, verb.start()):
                clause = bm.end()
            c = self.pick(self.candidates(clause, verb.start()))
            if c is not None:
                return c, Route.VERB_BEFORE
            inv = self.np_at(verb.end(), ctx_end)
            if inv is not None and (not text[inv.end : ctx_end].strip(" \t\n,:")
                                    or _APPOSITIVE_TO_END.fullmatch(text, inv.end, ctx_end)
                                    or verb.group().casefold() in _SOURCE_MARKERS):
                # "said X: “…”"; "Laut Freedom House werden … “…”": a source marker
                # names the source of all that follows it in the sentence
                return inv, Route.VERB_BEFORE
            c = self.pick(self.candidates(s_start, clause))
            if c is not None:
                return c, Route.EARLIER_CLAUSE
            return None
        if text[s_start:ctx_end].rstrip().endswith(":"):
            head = text[s_start:ctx_end].rstrip()[:-1].rstrip()
            end = ctx_end
            if head.endswith((")", "]")) and head.rfind("(" if head[-1] == ")" else "[") > 0:
                # "Pacific Standard (Santa Barbara, CA): “…”": an aside names no speaker
                end = s_start + head.rfind("(" if head[-1] == ")" else "[")
            c = self.pick(self.candidates(s_start, end))
            return (c, Route.COLON) if c is not None else None
        if partial:
            # No verb: the writer's sentence is about its subject, the first name in it.
            cands = self.candidates(s_start, ctx_end)
            if cands:
                best = min(self.priority(c) for c in cands)
                return next(c for c in cands if self.priority(c) == best), Route.SENTENCE_SUBJECT
        return None

    def candidates(self, a: int, b: int) -> list[Cand]:
        text = self.text
        out: list[Cand] = []
        covered: list[tuple[int, int]] = []
        for m in ROLE_NP.finditer(text, a, b):
            if site_name(m):
                out.append(Cand("name", site_name(m) or "", m.start("mods"), m.end()))
                covered.append((m.start(), m.end()))
                continue
            if not role_ok(text, m):
                continue
            out.append(Cand("role", m.group("noun").casefold(), m.start(), m.end()))
            covered.append((m.start(), m.end()))
        for m in PRONOUN_RE.finditer(text, a, b):
            word_start = m.start() == 0 or not text[m.start() - 1].isalnum()
            word = m.group().casefold()
            if (word_start and (word in PRONOUNS_SINGULAR or word in FIRST_PERSON_SINGULAR)
                    and not self.in_quote(m.start())):
                out.append(Cand("pron", word, m.start(), m.end()))
        i = bisect.bisect_left(self.starts, a)
        while i < len(self.mentions) and self.mentions[i].start < b:
            mt = self.mentions[i]
            i += 1
            if mt.kind in ("role", "noun") or mt.modifier or mt.possessive or mt.in_quote:
                continue
            if not mt.name or mt.governed:
                continue
            if any(s <= mt.start < e for s, e in covered):
                continue
            if mt.name.split()[0].casefold() in CAP_STOPWORDS:
                continue
            if _inside_brackets(text, a, mt.start):
                continue  # an aside: "X (LiveJournal user y) aus Kiew stellt …"
            out.append(Cand("name", mt.name, mt.start, mt.end, mt))
        out.sort(key=lambda c: c.start)
        return out

    def priority(self, c: Cand) -> int:
        if c.kind == "pron":
            return 0
        if c.kind == "name" and c.mention is not None:
            canon = c.mention.canonical or c.mention.name
            if canon in self.ents.person_evidence:
                return 0
            if c.mention.kind == "person":
                return 1
            if c.mention.kind == "org":
                return 2
            return 3
        if c.kind == "role":
            return 1 if c.text in PERSON_ROLES else 2
        return 2

    def pick(self, cands: list[Cand]) -> Cand | None:
        if not cands:
            return None
        return min(cands, key=lambda c: (self.priority(c), -c.start))

    def previous_paragraph(self, para_text: str, para_start: int) -> Cand | None:
        """A quote standing alone, introduced by the paragraph before it."""
        text = self.text
        para_end = para_start + len(para_text)
        for m in _STATEMENT_FROM.finditer(text, para_start, para_end):
            c = self.np_at(m.end(), para_end)
            if c is not None and c.kind == "name":
                return c
        stripped = para_text.rstrip()
        end = para_start + len(stripped) - 1
        s = _last_sentence_start(text, para_start, end)
        if stripped.endswith(":"):
            found = self.before(end, s, True)
            if found is not None:
                return found[0]
        elif stripped.endswith((".", "!")) and VERB_RE.search(text, s, end):
            # "Capt. Jane Roe spoke about the training." then the quote, alone: the
            # named subject of a verb of speech in the sentence just before (a sentence,
            # not a headline, which ends without a full stop)
            found = self.before(end, s, False)
            if found is not None and found[1] is Route.VERB_BEFORE and found[0].kind in (
                    "name", "pron"):
                return found[0]
        return None


_SENT_BREAK = re.compile(r"[.!?][”\"’']?[ \t\n]+(?=[A-Z“\"«‘])")
_ABBREV_END = re.compile(
    r"(?:[A-Z]|Lt|Col|Gen|Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Capt|Sgt|Spc|Pvt|St|U\.S|U\.N|Jr|Sr|Prof|No)"
)


_WORD = re.compile(r"[\w’'-]+")


def sentence_starts(text: str, a: int, b: int) -> list[int]:
    """Offsets in ``text[a:b]`` where a sentence starts after a break (not ``a`` itself).

    A start found in a longer span is also found in a shorter one that contains the
    next sentence's first character, so ``sentence_starts(text, a, end)`` answers every
    ``_last_sentence_start(text, a, b)`` with ``b <= end``: the last start before ``b``.
    """
    out = []
    for m in _SENT_BREAK.finditer(text[a:b]):
        # the word before the break: text[a : a + m.start()].rsplit(None, 1)[-1], or ""
        k = a + m.start()
        while k > a and text[k - 1].isspace():
            k -= 1
        i = k
        while i > a and not text[i - 1].isspace():
            i -= 1
        if _ABBREV_END.fullmatch(text, i, k):
            continue
        if k - i <= 2 and text[i:k].isdigit() and _next_word(text, a + m.end()) in DATE_WORDS:
            continue  # a German ordinal date: "am 10. Dezember", "le 1. Mai" is no break
        out.append(a + m.end())
    return out


def _inside_brackets(text: str, a: int, pos: int) -> bool:
    """Is ``pos`` inside a bracket opened after ``a`` (a sentence wholly in brackets is
    no aside of its own)?"""
    span = text[a:pos].lstrip(" \t\n([")
    return span.count("(") > span.count(")") or span.count("[") > span.count("]")


def _next_word(text: str, pos: int) -> str:
    m = _WORD.match(text, pos)
    return m.group().casefold() if m else ""


def _last_sentence_start(text: str, a: int, b: int) -> int:
    starts = sentence_starts(text, a, b)
    return starts[-1] if starts else a


def sentence_start(text: str, para_start: int, pos: int) -> int:
    """Start of the sentence containing ``pos`` (never before its paragraph)."""
    return _last_sentence_start(text, para_start, pos)


def caps_speaker(para: str) -> str | None:
    """In an ALL-CAPS script: the name just before SAYS/SAID, titles dropped."""
    best = None
    for m in _CAPS_VERB.finditer(para):
        words = re.findall(r"[A-Z][A-Z'’.-]*|,", para[: m.start()])
        name: list[str] = []
        for w in reversed(words):
            if w == "," or w.casefold().rstrip(".") in CAP_STOPWORDS:
                break
            if split_name([w], False)[1] == []:
                break
            name.append(w)
            if len(name) == 4:
                break
        if len(name) >= 2:
            best = " ".join(reversed(name))
    return best
