"""Quote cards: the pull-quote as a PNG (1200×675 for X, 1200×630 for Facebook).

Pure-ish: returns PNG bytes, writes nothing. The text is wrapped and sized to fit; a quote
too long even at the smallest size is cut after a sentence (or between words) with " …",
so nothing ever overflows. The default font is the one bundled with Pillow
(``ImageFont.load_default(size=…)``, Pillow >= 10.1), so cards render on a bare machine;
it has no emoji or CJK glyphs: set ``CardSettings.font`` to a font that covers the site's
languages. Right-to-left text is shaped only when Pillow has libraqm.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import TYPE_CHECKING

from syndicator.compose.settings import CardSettings
from syndicator.compose.text import (
    ELLIPSIS,
    as_standalone_quote,
    char_prefixes,
    clean_inline,
    clip,
    sentence_prefixes,
    word_prefixes,
)
from syndicator.models import Platform, Quote

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

X_CARD_SIZE = (1200, 675)
FACEBOOK_CARD_SIZE = (1200, 630)
_MAX_QUOTE_PX = 72
_MIN_QUOTE_PX = 34  # smaller is unreadable in a feed: cut the quote instead
_MIN_FOOTER_PX = 18
_WORD_CUT_SCAN = 900  # a card holds far fewer characters; bounds the word-cut search
_LINE_SPACING = 1.25


def card_size(platform: Platform) -> tuple[int, int]:
    """The card size each platform shows uncropped in the feed (a Bluesky link card's
    thumbnail is 1.91:1, like Facebook's)."""
    if platform in (Platform.TWITTER, Platform.MASTODON):
        return X_CARD_SIZE
    return FACEBOOK_CARD_SIZE


@lru_cache(maxsize=64)
def _font(path: str | None, size: int) -> FreeTypeFont:
    from PIL import ImageFont

    if path:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)  # type: ignore[return-value]


def _split_long(word: str, font: FreeTypeFont, width: float) -> list[str]:
    """A word wider than the line is broken between characters (the only way to fit)."""
    pieces: list[str] = []
    current = ""
    for ch in word:
        if current and font.getlength(current + ch) > width:
            pieces.append(current)
            current = ch
        else:
            current += ch
    if current:
        pieces.append(current)
    return pieces


def _wrap(text: str, font: FreeTypeFont, width: float) -> list[str]:
    """Greedy word wrap by pixel width; never returns a line wider than *width*."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        for piece in _split_long(word, font, width) if font.getlength(word) > width else [word]:
            candidate = f"{current} {piece}" if current else piece
            if current and font.getlength(candidate) > width:
                lines.append(current)
                current = piece
            else:
                current = candidate
    if current:
        lines.append(current)
    return lines


def _fits(text: str, path: str | None, size: int, width: float, height: float) -> list[str] | None:
    lines = _wrap(text, _font(path, size), width)
    return lines if len(lines) * size * _LINE_SPACING <= height else None


def _layout(
    text: str, path: str | None, width: float, height: float
) -> tuple[FreeTypeFont, list[str]] | None:
    """The largest font size at which *text* wraps into the box, or None if none does."""
    lo, hi = _MIN_QUOTE_PX, _MAX_QUOTE_PX
    best: tuple[FreeTypeFont, list[str]] | None = None
    while lo <= hi:
        size = (lo + hi) // 2
        lines = _fits(text, path, size, width, height)
        if lines is not None:
            best, lo = (_font(path, size), lines), size + 1
        else:
            hi = size - 1
    return best


def _quote_layout(
    text: str, path: str | None, width: float, height: float
) -> tuple[FreeTypeFont, list[str]] | None:
    """The longest verbatim version of *text* that fits (whole, cut after a sentence, or
    cut between words; cuts end in " …"), at the largest size that fits."""
    shown = [text, *(p + " " + ELLIPSIS for p in sentence_prefixes(text[:_WORD_CUT_SCAN]))]
    if _fits(f"“{shown[-1]}”", path, _MIN_QUOTE_PX, width, height) is None:
        words = word_prefixes(text[:_WORD_CUT_SCAN])  # each ends in "…"
        if not words:  # one giant word: cut between characters
            words = char_prefixes(text, _WORD_CUT_SCAN)
        shown += [w[:-1] + " " + ELLIPSIS for w in words]
    # Binary search for the longest version that fits at the smallest size.
    lo, hi, found = 0, len(shown), None
    while lo < hi:
        mid = (lo + hi) // 2
        if _fits(f"“{shown[mid]}”", path, _MIN_QUOTE_PX, width, height) is not None:
            found, hi = mid, mid
        else:
            lo = mid + 1
    return None if found is None else _layout(f"“{shown[found]}”", path, width, height)


def _fit_one_line(text: str, path: str | None, size: int, width: float) -> tuple[FreeTypeFont, str]:
    """A footer line (speaker, site): shrunk a little to fit, then cut between words."""
    for px in range(size, max(_MIN_FOOTER_PX, int(size * 0.7)) - 1, -2):
        font = _font(path, px)
        if font.getlength(text) <= width:
            return font, text
    font = _font(path, max(_MIN_FOOTER_PX, int(size * 0.7)))
    for prefix in [*word_prefixes(text[:_WORD_CUT_SCAN]), text[:1] + ELLIPSIS]:
        if font.getlength(prefix) <= width:
            return font, prefix
    return font, ""


# X takes 1,000 characters of alt text, Mastodon 1,500; Bluesky far more
ALT_TEXT_CHARS = 1000


def card_alt_text(quote: Quote, site: str | None) -> str:
    """What a card says, for readers who cannot see it: the quote, its speaker, the site."""
    speaker = clean_inline(quote.speaker)
    tail = "".join(f" — {part}" for part in (speaker, clean_inline(site)) if part)
    words = as_standalone_quote(clean_inline(quote.text))
    room = ALT_TEXT_CHARS - len(tail) - 2
    return f"“{clip(words, room)}”{tail}" if room > 50 else clip(f"“{words}”", ALT_TEXT_CHARS)


def render_card(
    quote: Quote, settings: CardSettings, *, size: tuple[int, int], site: str | None
) -> bytes:
    """The quote card as PNG bytes: quote in marks, speaker, site name and optional logo."""
    from PIL import Image, ImageDraw

    width, height = size
    margin = max(16, min(settings.margin, min(width, height) // 6))
    image = Image.new("RGB", size, settings.background)
    draw = ImageDraw.Draw(image)

    # Accent bar on the left edge, then the text column.
    bar = max(6, width // 150)
    draw.rectangle((0, 0, bar - 1, height), fill=settings.accent)
    left = margin + bar
    text_width = width - left - margin
    footer_px = max(18, height // 20)
    footer_height = int(footer_px * 2 * _LINE_SPACING) + margin // 2
    box_height = height - 2 * margin - footer_height

    # shown on its own, like the post's quote: "…the city," ends "…the city."
    layout = _quote_layout(as_standalone_quote(clean_inline(quote.text)), settings.font,
                           text_width, box_height)
    if layout is not None:
        font, lines = layout
        line_px = int(font.size * _LINE_SPACING)
        y = margin + max(0, (box_height - len(lines) * line_px) // 2)
        for line in lines:
            draw.text((left, y), line, font=font, fill=settings.foreground)
            y += line_px

    # Footer: speaker (accent) over site name; logo on the right, scaled to the footer.
    footer_top = height - margin - footer_height + margin // 2
    logo_width = 0
    if settings.logo_png:
        logo = Image.open(io.BytesIO(settings.logo_png)).convert("RGBA")
        scale = footer_height / max(1, logo.height)
        logo = logo.resize((max(1, int(logo.width * scale)), max(1, int(logo.height * scale))))
        logo_width = min(logo.width, text_width // 3)
        logo = logo.crop((0, 0, logo_width, logo.height))
        image.paste(logo, (width - margin - logo_width, footer_top), logo)
    line_width = text_width - (logo_width + margin // 2 if logo_width else 0)
    speaker = clean_inline(quote.speaker)
    y = footer_top
    if speaker:
        # A drawn rule, not an em dash: the bundled font has no "—" glyph.
        rule = footer_px
        mid_y = y + footer_px // 2 + 2
        draw.rectangle((left, mid_y - 1, left + rule, mid_y + 1), fill=settings.accent)
        indent = rule + footer_px // 2
        font, shown = _fit_one_line(speaker, settings.font, footer_px, line_width - indent)
        draw.text((left + indent, y), shown, font=font, fill=settings.accent)
        y += int(footer_px * _LINE_SPACING)
    if site:
        font, shown = _fit_one_line(clean_inline(site), settings.font, footer_px - 4, line_width)
        draw.text((left, y), shown, font=font, fill=settings.foreground)

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
