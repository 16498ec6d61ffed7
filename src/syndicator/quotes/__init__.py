"""The pull-quote engine: text in, quotes out. Pure: no I/O, no clock, no randomness."""

from __future__ import annotations

from syndicator.quotes.engine import QuoteReport, analyse
from syndicator.quotes.evidence import DEFAULT_MIN_CONFIDENCE
from syndicator.quotes.language import detect_language

__all__ = ["DEFAULT_MIN_CONFIDENCE", "QuoteReport", "analyse", "detect_language"]
