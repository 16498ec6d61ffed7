"""The pull-quote engine: text in, quotes out. Pure: no I/O, no clock, no randomness."""

from __future__ import annotations

from syndicator.quotes.engine import QuoteReport, analyse

__all__ = ["QuoteReport", "analyse"]
